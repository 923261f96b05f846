"""Method options of an evaluation and the named status threshold sets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ..errors import UsageError

if TYPE_CHECKING:
    from ..plan.model import Plan

Attainment = Literal["ratio", "distance", "goalposts"]
StatusSet = Literal["time_half", "sdr", "eurostat"]
Aggregation = Literal["arithmetic", "geometric"]


@dataclass(frozen=True)
class Thresholds:
    """A named set of status thresholds on a pace measure.

    ``measure`` is ``progress`` (进度比: progress since the base against the expected
    path) or ``rate`` (observed annual change against the change required).
    A pace at or above ``on`` is on track; at or above ``moderate`` lagging with
    moderate progress; at or above ``floor`` lagging with insufficient progress; below
    ``floor`` regressing (moving away from the target).
    """

    name: str
    measure: Literal["progress", "rate"]
    on: float
    moderate: float
    floor: float
    source: str


THRESHOLDS: dict[str, Thresholds] = {
    "time_half": Thresholds(
        "time_half",
        "progress",
        1.0,
        0.5,
        0.0,
        "时间过半、任务过半: progress since the base year at least in proportion to time elapsed",
    ),
    "sdr": Thresholds(
        "sdr",
        "rate",
        1.0,
        0.5,
        0.0,
        "SDSN Sustainable Development Report trend arrows (on track / moderately improving / "
        "stagnating / decreasing)",
    ),
    "eurostat": Thresholds(
        "eurostat",
        "rate",
        0.95,
        0.6,
        0.0,
        "Eurostat SDG monitoring report, indicators with a quantified target (significant / "
        "moderate / insufficient progress / movement away)",
    ),
}


@dataclass(frozen=True)
class Options:
    """How to evaluate; :meth:`from_plan` takes the plan's defaults."""

    attainment: Attainment = "ratio"
    status: StatusSet = "time_half"
    aggregation: Aggregation = "arithmetic"
    min_coverage: float = 0.5
    baseline_window: int = 1

    @classmethod
    def from_plan(cls, plan: Plan, **overrides: object) -> Options:
        m = plan.methods
        opts = cls(m.attainment, m.status, m.aggregation, m.min_coverage, m.baseline_window)
        clean = {k: v for k, v in overrides.items() if v is not None}
        opts = replace(opts, **clean)  # type: ignore[arg-type]
        opts.check()
        return opts

    def check(self) -> None:
        if self.attainment not in ("ratio", "distance", "goalposts"):
            raise UsageError(
                f"unknown attainment method {self.attainment!r} (ratio, distance, goalposts)"
            )
        if self.status not in THRESHOLDS:
            raise UsageError(
                f"unknown status threshold set {self.status!r} ({', '.join(THRESHOLDS)})"
            )
        if self.aggregation not in ("arithmetic", "geometric"):
            raise UsageError(f"unknown aggregation {self.aggregation!r} (arithmetic, geometric)")
        if not 0.0 <= self.min_coverage <= 1.0:
            raise UsageError("min_coverage is a share between 0 and 1")

    @property
    def thresholds(self) -> Thresholds:
        return THRESHOLDS[self.status]
