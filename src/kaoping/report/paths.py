"""What every chart of an indicator draws beside its values, read from the scorecard entry
and the evaluation: the expected path and the target band. Shared by the web pages and the
printed reports, so that both draw the same lines."""

from __future__ import annotations

import math
from typing import Any


def number(v: Any) -> float | None:
    """``v`` as a finite float, or None."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def expected_path(entry: dict, milestones: list[dict]) -> list[dict]:
    """The expected path as points: the baseline, the expected value of every milestone after
    it, and the target level in the target year (when no milestone reaches it)."""
    base_y, base_v = entry["base"]["year"], entry["base"]["value"]
    path: list[dict] = []
    if base_y is None or base_v is None or entry["target_level"] is None:
        return path
    path.append({"year": base_y, "value": base_v})
    path += [
        {"year": m["year"], "value": m["expected"]}
        for m in milestones
        if m["expected"] is not None and m["year"] > base_y
    ]
    ty = entry["target_year"]
    if ty is not None and all(q["year"] < ty for q in path):
        path.append({"year": ty, "value": entry["target_level"]})
    return path


def target_band(row: dict) -> dict | None:
    """The band a level target asks for (``lo``/``hi``, either may be None), or None."""
    if row["measure"] != "level":
        return None
    lo, hi = number(row["target_lo"]), number(row["target_hi"])
    return {"lo": lo, "hi": hi} if lo is not None or hi is not None else None
