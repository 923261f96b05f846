"""Method options of an evaluation and the named status threshold sets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from ..errors import UsageError
from ..plan.model import parse_tolerance

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
    A pace at or above ``ahead`` is ahead of schedule (快于预期); at or above ``on`` on
    track (基本符合预期); at or above ``moderate`` lagging with moderate progress; at or
    above ``floor`` lagging with insufficient progress; below ``floor`` regressing
    (moving away from the target).
    """

    name: str
    measure: Literal["progress", "rate"]
    on: float
    moderate: float
    floor: float
    source: str
    ahead: float = 1.1


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
    max_data_age: int = 2
    # the dead-band around the expected path: (value, relative?) — "1%" is (1.0, True)
    deadband: tuple[float, bool] = (1.0, True)
    # overrides of the named set's thresholds: {"ahead"|"on"|"moderate"|"floor": value}
    threshold_overrides: dict[str, float] = field(default_factory=dict, hash=False)

    @classmethod
    def from_plan(cls, plan: Plan, **overrides: object) -> Options:
        m = plan.methods
        db = parse_tolerance(m.deadband)
        opts = cls(
            m.attainment,
            m.status,
            m.aggregation,
            m.min_coverage,
            m.baseline_window,
            m.max_data_age,
            (db.value, db.relative),
            {
                ("on" if k == "on_track" else k): v
                for k, v in m.thresholds.model_dump().items()
                if v is not None
            },
        )
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
        if self.max_data_age < 0:
            raise UsageError("max_data_age is a number of years, 0 or more")
        th = self.thresholds
        if not th.floor <= th.moderate <= th.on <= th.ahead:
            raise UsageError(
                "the status thresholds must not decrease: floor <= moderate <= on <= ahead "
                f"(here {th.floor}, {th.moderate}, {th.on}, {th.ahead})"
            )

    @property
    def thresholds(self) -> Thresholds:
        """The named set, with the plan's overrides (``methods.thresholds``) applied."""
        base = THRESHOLDS[self.status]
        return replace(base, **self.threshold_overrides) if self.threshold_overrides else base
