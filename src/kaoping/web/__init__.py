"""The web: JSON API and server-rendered pages (``kaoping serve``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..settings import Settings

__all__ = ["create_app"]


def create_app(source_or_store: Any, settings: Settings | None = None, **kw: Any) -> FastAPI:
    """The FastAPI application serving a Store or a :mod:`kaoping.web.source` source."""
    from .app import create_app as _create

    return _create(source_or_store, settings, **kw)
