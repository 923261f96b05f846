"""Plans: the typed model, the target expression language, loading and validation."""

from .bundled import bundled_plans, find_plan
from .expr import ExprError, Target, parse_target
from .loader import load_plan, parse_plan
from .model import Indicator, Plan, TargetSpec

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
