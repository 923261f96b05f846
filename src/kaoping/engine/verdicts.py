"""Qualitative targets and the plan's steps, judged by verdicts (docs/methods.md §11)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UsageError
from .compile import K_MONITOR, K_QUALITATIVE, CompiledPlan
from .table import Table

if TYPE_CHECKING:
    from ..plan.model import Plan

# the verdicts a qualitative target or a step can be given (as kaoping.data.verdicts)
VERDICTS = ("achieved", "achieved_early", "ahead", "on_track", "lagging", "regressing")


def apply_verdicts(
    cp: CompiledPlan, areas: list[str], y0: int, core: dict, verdicts, as_of: int
) -> None:
    qual = np.broadcast_to((cp.kind == K_QUALITATIVE)[:, None], core["status"].shape)
    mon = np.broadcast_to((cp.kind == K_MONITOR)[:, None], core["status"].shape)
    core["status"] = np.where(mon, "monitoring", core["status"])
    status = np.where(qual, "no_data", core["status"]).astype(object)
    reason = np.where(qual, "no_verdict", core["reason"]).astype(object)
    evidence = np.full(status.shape, "", dtype=object)
    vyear = np.full(status.shape, -1, dtype=np.int64)
    aindex = {a: j for j, a in enumerate(areas)}
    for row in _latest_verdicts(verdicts, areas[0], as_of):
        i, a = cp.index.get(row["target"]), aindex.get(row["area"])
        if i is None or a is None or cp.kind[i] != K_QUALITATIVE:
            continue
        verdict = str(row["verdict"])
        if verdict not in VERDICTS:
            raise UsageError(
                f"verdict {verdict!r} for {row['target']} is not one of {', '.join(VERDICTS)}"
            )
        status[i, a] = verdict
        reason[i, a] = ""
        evidence[i, a] = str(row.get("evidence") or "")
        vyear[i, a] = int(row["year"]) - y0
    core["status"] = status
    core["reason"] = reason
    core["evidence"] = evidence
    core["verdict_year"] = vyear


def _verdict_rows(verdicts: Any, default_area: str) -> list[dict]:
    """Verdict records (target, area, year, verdict, evidence) from any table form."""
    if verdicts is None:
        return []
    if isinstance(verdicts, list):
        rows = [dict(r) for r in verdicts]
    elif hasattr(verdicts, "to_dict"):
        rows = verdicts.to_dict("records")
    else:
        rows = Table(verdicts).rows()
    for r in rows:
        if not r.get("area") or r.get("area") != r.get("area"):
            r["area"] = default_area
    return rows


def _latest_verdicts(verdicts: Any, default_area: str, as_of: int) -> list[dict]:
    """The latest verdict up to ``as_of`` per (target, area)."""
    latest: dict[tuple[str, str], dict] = {}
    for r in sorted(_verdict_rows(verdicts, default_area), key=lambda r: int(r["year"])):
        if int(r["year"]) <= as_of:
            latest[(r["target"], r["area"])] = r
    return list(latest.values())


def steps(plan: Plan, verdicts: Any, as_of: int) -> Table:
    keys = {m.key for m in plan.milestones}
    latest = {
        r["target"]: r
        for r in _latest_verdicts(verdicts, plan.default_area, as_of)
        if r["target"] in keys
    }
    names = [
        "key",
        "year",
        "name_zh",
        "name_en",
        "goal_zh",
        "goal_en",
        "due",
        "verdict",
        "evidence",
    ]
    rows = []
    for m in plan.milestones:
        v = latest.get(m.key, {})
        rows.append(
            [
                m.key,
                float(m.year),
                m.name.zh,
                m.name.en or m.name.zh,
                m.goal.zh,
                m.goal.en or m.goal.zh,
                m.year <= as_of,
                v.get("verdict", "") or "",
                v.get("evidence", "") or "",
            ]
        )
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return Table(
        {
            n: np.array(c, dtype=float if n == "year" else bool if n == "due" else object)
            for n, c in zip(names, cols, strict=True)
        },
        names,
    )
