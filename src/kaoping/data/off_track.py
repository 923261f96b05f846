"""The import's ``off-track`` warning: rows that turn an indicator lagging or regressing,
found by evaluating the approved data with and without them (with the bounds, breaks and
old-basis values the engine reads besides the values)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .importer import OFF_TRACK, Cell, ImportWarning
from .observations import is_break

if TYPE_CHECKING:
    from ..engine.table import Table
    from ..plan.model import Plan


def off_track_warnings(
    plan: Plan, approved: Table, changed: list[dict[str, Any]]
) -> list[ImportWarning]:
    """Rows that turn an indicator lagging or regressing (evaluating with and without them)."""
    import numpy as np

    from ..engine.compile import compile_plan
    from ..engine.evaluate import evaluate
    from ..engine.options import Options
    from ..engine.table import Table

    n = approved.n_rows
    extra = {  # what the engine reads besides the value, when the store gives it
        "censor": approved["censor"] if "censor" in approved else np.full(n, "", dtype=object),
        "break": approved["break"] if "break" in approved else np.zeros(n, dtype=bool),
        "previous_basis": approved["previous_basis"]
        if "previous_basis" in approved
        else np.full(n, np.nan),
    }
    cells: dict[Cell, tuple[float, str, bool, float]] = {
        (i, a, int(y)): (float(v), c or "", bool(b), float(p))
        for i, a, y, v, c, b, p in zip(
            approved["indicator"].tolist(),
            approved["area"].tolist(),
            approved["year"].tolist(),
            approved["value"].tolist(),
            extra["censor"].tolist(),
            extra["break"].tolist(),
            extra["previous_basis"].tolist(),
            strict=True,
        )
    }
    before = Table({k: approved[k] for k in ("indicator", "area", "year", "value")} | extra)
    for r in changed:
        cells[(r["indicator"], r["area"], r["year"])] = (
            r["value"],
            r.get("censor", ""),
            is_break(r.get("flags")),
            r.get("previous_basis", math.nan),
        )
    keys = list(cells)
    vals = list(cells.values())
    after = Table(
        {
            "indicator": np.array([k[0] for k in keys], dtype=object),
            "area": np.array([k[1] for k in keys], dtype=object),
            "year": np.array([k[2] for k in keys], dtype=np.int64),
            "value": np.array([v[0] for v in vals], dtype=float),
            "censor": np.array([v[1] for v in vals], dtype=object),
            "break": np.array([v[2] for v in vals], dtype=bool),
            "previous_basis": np.array([v[3] for v in vals], dtype=float),
        }
    )
    cp = compile_plan(plan)
    opts = Options.from_plan(plan)
    years = sorted({min(max(r["year"], plan.base_year), plan.period.end) for r in changed})
    rows_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in changed:
        rows_of.setdefault((r["indicator"], r["area"]), []).append(r)
    out = []
    for y in years:
        st0 = _statuses(evaluate(plan, before, y, opts, compiled=cp))
        st1 = _statuses(evaluate(plan, after, y, opts, compiled=cp))
        for key, s1 in st1.items():
            if s1 not in OFF_TRACK or st0.get(key) in OFF_TRACK or key not in rows_of:
                continue
            mine = [r for r in rows_of[key] if r["year"] <= y]
            if not mine:
                continue
            r = max(mine, key=lambda r: r["year"])
            if min(max(r["year"], plan.base_year), plan.period.end) != y:
                continue  # reported for the year of the row that does it
            was = st0.get(key, "no_data")
            out.append(
                ImportWarning(
                    r["row"],
                    "value",
                    "off-track",
                    f"with this value {key[0]} {key[1]} becomes {s1.replace('_', ' ')} as of "
                    f"{y} (was {was.replace('_', ' ')}); explain it in a comment",
                )
            )
    return out


def _statuses(ev: Any) -> dict[tuple[str, str], str]:
    t = ev.indicator_table
    return {
        (i, a): s
        for i, a, s in zip(
            t["indicator"].tolist(), t["area"].tolist(), t["status"].tolist(), strict=True
        )
    }
