"""The plan file as typed models; their JSON Schema is what ``kaoping schema`` prints.

The models (pydantic) are defined in :mod:`kaoping.plan.typed` and imported from here on
first use (``from kaoping.plan.model import Plan``), so that what needs only
:func:`parse_tolerance` or a stored plan (:mod:`kaoping.plan.light`) never imports pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .light import parse_tolerance

if TYPE_CHECKING:
    from .typed import *  # noqa: F403

__all__ = ["parse_tolerance"]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from . import typed

    try:
        return getattr(typed, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
