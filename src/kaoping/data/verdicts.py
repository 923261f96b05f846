"""Verdicts on qualitative targets and on the plan's steps, read from a CSV file.

Columns: ``target`` (a qualitative indicator's key or a milestone's key), ``area``
(optional), ``year``, ``verdict`` (achieved, achieved_early, ahead, on_track, lagging,
regressing), ``evidence`` (text or a link), ``judged_by`` (optional).
A file with a bad row is rejected whole.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError, Problem, UsageError

if TYPE_CHECKING:
    from ..plan.model import Plan

VERDICTS = ("achieved", "achieved_early", "ahead", "on_track", "lagging", "regressing")


def read_verdicts(path: str | Path, plan: Plan) -> list[dict]:
    """Check and return verdict rows; raise :class:`DataError` listing every bad row."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise UsageError(f"no verdict file at {p}") from None
    targets = {i.key for i in plan.indicators if i.is_qualitative} | {
        m.key for m in plan.milestones
    }
    areas = {a.key for a in plan.areas}
    problems: list[Problem] = []
    out: list[dict] = []
    for n, raw in enumerate(rows, start=2):
        r = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        ok = True
        if r.get("target") not in targets:
            problems.append(
                Problem(
                    "unknown-target",
                    f"{r.get('target')!r} is not a qualitative target or a milestone of the plan",
                    str(p),
                    n,
                    "target",
                )
            )
            ok = False
        area = r.get("area") or plan.default_area
        if area not in areas:
            problems.append(Problem("unknown-area", f"no area {area!r}", str(p), n, "area"))
            ok = False
        try:
            year = int(r.get("year", ""))
        except ValueError:
            problems.append(
                Problem("bad-year", f"{r.get('year')!r} is not a year", str(p), n, "year")
            )
            ok = False
            year = 0
        if r.get("verdict") not in VERDICTS:
            problems.append(
                Problem(
                    "bad-verdict",
                    f"verdict {r.get('verdict')!r} is not one of {', '.join(VERDICTS)}",
                    str(p),
                    n,
                    "verdict",
                )
            )
            ok = False
        if not r.get("evidence"):
            problems.append(
                Problem("no-evidence", "a verdict needs its evidence", str(p), n, "evidence")
            )
            ok = False
        if ok:
            out.append(
                {
                    "target": r["target"],
                    "area": area,
                    "year": year,
                    "verdict": r["verdict"],
                    "evidence": r["evidence"],
                    "judged_by": r.get("judged_by", ""),
                }
            )
    if problems:
        raise DataError(problems)
    return out
