"""Cross-checks of the forms of issue 9: all-of targets, schedules (年度目标) and rate series.

Like :mod:`.checks` they run on the raw YAML data and yield ``(location, code, message)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .expr import ExprError, Target, parse_target

Found = tuple[tuple[Any, ...], str, str]

# the values of an indicator's ``observed`` that make its observations annual rates
RATE_FORMS = ("growth", "decline")


def parse(text: Any) -> Target | None:
    """The parsed expression, or None (a bad one is reported by the typed validation)."""
    try:
        return parse_target(text) if isinstance(text, str) else None
    except ExprError:
        return None


def conditions(spec: dict) -> list[tuple[tuple[Any, ...], Target]]:
    """The conditions of a target as (location suffix, parsed): its ``expr``, or each
    expression of ``all``. Expressions that do not parse are left out."""
    out: list[tuple[tuple[Any, ...], Target]] = []
    t = parse(spec.get("expr"))
    if t is not None:
        out.append((("expr",), t))
    items = spec.get("all")
    if isinstance(items, list) and spec.get("expr") is None:
        for j, text in enumerate(items):
            c = parse(text)
            if c is not None and not c.every_year:
                out.append((("all", j), c))
    return out


def check_schedule(
    schedule: list[tuple[Any, dict]],
    here: tuple[Any, ...],
    start: int | None,
    end: int | None,
    out: list[Found],
) -> Iterator[tuple[tuple[Any, ...], Target, int | None]]:
    """Report schedule entries outside the period, twice for a year, or every-year; yield
    the others as (location of the expression, parsed, year) for the common checks."""
    seen: set[int] = set()
    for step, spec in schedule:
        loc = (*here, "schedule", step)
        y = spec.get("year")
        y = y if isinstance(y, int) and not isinstance(y, bool) else None
        known = y is not None and start is not None and end is not None and start <= end
        if known and not start <= y <= end:  # type: ignore[operator]
            msg = f"schedule year {y} is outside the period {start}–{end}"
            out.append(((*loc, "year"), "bad-schedule", msg))
        if y is not None and y in seen:
            out.append(((*loc, "year"), "bad-schedule", f"two schedule entries for {y}"))
        if y is not None:
            seen.add(y)
        t = parse(spec.get("expr"))
        if t is None:
            continue
        if t.every_year:
            out.append(
                (
                    (*loc, "expr"),
                    "bad-schedule",
                    f"the schedule entry {spec.get('expr')!r} is an every-year constraint; "
                    "a schedule entry is already checked in its own year: drop 'every year'",
                )
            )
            continue
        yield (*loc, "expr"), t, y


def check_rate_condition(
    t: Target, loc: tuple[Any, ...], rate: bool, rate_keys: set, observed: Any
) -> Iterator[Found]:
    """An indicator observed as rates has no meaningful absolute change (its chained index
    starts at an arbitrary 100), and a level compared with ``value(KEY)`` must compare a rate
    with a rate or a level with a level."""
    if rate and t.measure == "change" and not t.relative:
        yield (
            loc,
            "rate-absolute-change",
            f"the observations are {observed} rates, chained into an index that starts at "
            "100: an absolute change of it means nothing; write the change in percent, "
            "e.g. 'change <= -15%'",
        )
    for r in t.refs:
        if r.kind != "value" or not isinstance(r.key, str):
            continue
        if (r.key in rate_keys) != rate:
            mine = "annual rates" if rate else "levels"
            theirs = "annual rates" if r.key in rate_keys else "levels"
            yield (
                loc,
                "rate-reference",
                f"the target compares this indicator's {mine} with value({r.key}), "
                f"whose observations are {theirs}; compare like with like, or give "
                "'observed' of both indicators",
            )
