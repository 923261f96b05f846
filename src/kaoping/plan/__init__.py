"""Plans: the typed model, the target expression language, loading and validation.

:func:`load_plan` reads a plan file as read-only views (:mod:`.light`, through the cache of
validated plans); the typed models and :func:`parse_plan` (pydantic, YAML) are imported on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .bundled import bundled_plans, find_plan
from .cache import load_plan
from .expr import ExprError, Target, parse_target

if TYPE_CHECKING:
    from .loader import parse_plan
    from .typed import Indicator, Plan, TargetSpec

__all__ = [
    "ExprError",
    "Indicator",
    "Plan",
    "Target",
    "TargetSpec",
    "bundled_plans",
    "find_plan",
    "load_plan",
    "parse_plan",
    "parse_target",
]

_LAZY = {"parse_plan": "loader", "Indicator": "typed", "Plan": "typed", "TargetSpec": "typed"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
