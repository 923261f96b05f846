"""Summaries of an evaluation that every view shows alike (pure: no I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .result import NATURES, STATUSES

if TYPE_CHECKING:
    from .result import Evaluation

# statuses that count as off track in a summary ("binding targets: 3 of 8 lagging")
OFF_TRACK = ("lagging", "regressing")


def nature_summary(evaluation: Evaluation, area: str | None = None) -> dict[str, dict[str, int]]:
    """Counts by status of the indicators of each nature (binding 约束性, anticipatory 预期性,
    and '' for indicators whose nature the plan does not state), in one area (the plan's
    default area unless named).

    Returns ``{nature: {"total": n, "off_track": lagging + regressing, status: count, ...}}``
    with every status of :data:`~kaoping.engine.result.STATUSES`, for the natures that have
    at least one indicator, in the order binding, anticipatory, unstated.
    """
    t = evaluation.indicator_table
    here = t["area"] == (area or evaluation.areas[0])
    status = t["status"][here]
    nature = t["nature"][here] if "nature" in t else np.full(status.shape, "", dtype=object)
    out: dict[str, dict[str, int]] = {}
    for n in NATURES:
        mine = status[nature == n]
        if mine.size == 0:
            continue
        counts = {"total": int(mine.size)}
        counts["off_track"] = int(np.isin(mine, OFF_TRACK).sum())
        counts.update({s: int((mine == s).sum()) for s in STATUSES})
        out[n] = counts
    return out
