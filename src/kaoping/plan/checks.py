"""Cross-checks of a plan that a per-field model cannot make.

They run on the raw YAML data, so that they still report what they can when some
fields have the wrong type (those are reported by the typed validation).
Each check yields ``(location, code, message)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from .checks_forms import RATE_FORMS, check_rate_condition, check_schedule, conditions
from .expr import Target

Found = tuple[tuple[Any, ...], str, str]


def _list(data: dict, name: str) -> list[tuple[int, dict]]:
    v = data.get(name)
    if not isinstance(v, list):
        return []
    return [(i, x) for i, x in enumerate(v) if isinstance(x, dict)]


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _seq(v: Any) -> list:
    """``v`` if it is a list; the typed validation reports anything else."""
    return v if isinstance(v, list) else []


def _simple(v: Any) -> bool:
    """A value that can be a key or a number (not a list or mapping of the wrong type)."""
    return isinstance(v, (str, int, float)) and not isinstance(v, bool)


def _keys(data: dict, name: str, field: str = "key") -> set | None:
    """The keys of a list; None when some item is malformed, so that a reference to it
    is not reported as unknown on top of the typed validation's problem."""
    v = data.get(name)
    if v is None:
        return set()
    if not isinstance(v, list):
        return None
    out = set()
    for x in v:
        if not isinstance(x, dict) or not _simple(x.get(field)):
            return None
        out.add(x[field])
    return out


def _duplicates(items: list[tuple[int, dict]], name: str, field: str = "key") -> Iterator[Found]:
    seen: dict[Any, int] = {}
    for i, x in items:
        k = x.get(field)
        if not _simple(k):
            continue
        if k in seen:
            yield (
                (name, i, field),
                "duplicate-key",
                f"{field} {k!r} is used twice in {name} (first at item {seen[k] + 1})",
            )
        else:
            seen[k] = i


def _targets(ind: dict, name: str = "targets") -> list[tuple[Any, dict]]:
    """Targets (or schedule entries) of an indicator as (location step, spec) for both the list
    and mapping forms."""
    t = ind.get(name)
    if isinstance(t, list):
        return [(i, x) for i, x in enumerate(t) if isinstance(x, dict)]
    if isinstance(t, dict):
        out = []
        for year, spec in t.items():
            if isinstance(spec, dict):
                out.append((str(year), {"year": year, **spec}))
            else:
                out.append((str(year), {"year": year, "expr": spec}))
        return out
    return []


def check_plan(data: dict) -> list[Found]:
    """Every cross-reference and consistency problem in the raw plan data."""
    out: list[Found] = []

    def add(loc: tuple[Any, ...], code: str, message: str) -> None:
        out.append((loc, code, message))

    period = data.get("period") if isinstance(data.get("period"), dict) else {}
    start, end = _int(period.get("start")), _int(period.get("end"))
    base = _int(data.get("base_year"))
    if start is not None and end is not None and start > end:
        msg = f"the period ends ({end}) before it starts ({start})"
        add(("period", "end"), "period-order", msg)
    if base is not None and start is not None and base > start:
        msg = f"the base year {base} is after the period's start {start}"
        add(("base_year",), "base-year", msg)

    def in_period(y: int | None) -> bool:
        # an inverted period is reported once (period-order), not for every year
        return y is None or start is None or end is None or start > end or start <= y <= end

    groups = _list(data, "groups")
    lenses = _list(data, "lenses")
    chapters = _list(data, "chapters")
    articles = _list(data, "articles")
    areas = _list(data, "areas")
    milestones = _list(data, "milestones")
    departments = _list(data, "departments")
    indicators = _list(data, "indicators")

    for items, name in (
        (groups, "groups"),
        (lenses, "lenses"),
        (areas, "areas"),
        (milestones, "milestones"),
        (departments, "departments"),
        (indicators, "indicators"),
    ):
        out.extend(_duplicates(items, name))
    out.extend(_duplicates(chapters, "chapters", "number"))
    out.extend(_duplicates(articles, "articles", "number"))

    cat_keys: dict[str, tuple[int, int]] = {}
    cats_known = _keys(data, "lenses") is not None
    for li, lens in lenses:
        if not isinstance(lens.get("categories"), list):
            cats_known = False
        for ci, cat in enumerate(_seq(lens.get("categories"))):
            if not isinstance(cat, dict) or not isinstance(cat.get("key"), str):
                cats_known = False
                continue
            k = cat["key"]
            if k in cat_keys:
                add(
                    ("lenses", li, "categories", ci, "key"),
                    "duplicate-key",
                    f"category {k!r} is used twice among the lenses; a tag must name one category",
                )
            cat_keys[k] = (li, ci)

    # None: the list is malformed (reported by the typed validation) and references to
    # it are not checked; chapters and articles are checked only when the plan lists them
    group_keys = _keys(data, "groups")
    chapter_nums = _keys(data, "chapters", "number")
    article_nums = _keys(data, "articles", "number")
    area_keys = _keys(data, "areas")
    dept_keys = _keys(data, "departments")
    ind_keys = _keys(data, "indicators")
    # indicators judged by verdicts only: they have no values another target could compare with
    all_inds = data.get("indicators") if isinstance(data.get("indicators"), list) else []
    qualitative_keys = {
        ind.get("key")
        for ind in all_inds
        if isinstance(ind, dict)
        and isinstance(ind.get("key"), str)
        and _targets(ind)
        and not _targets(ind, "schedule")
        and not any("expr" in spec or "all" in spec for _, spec in _targets(ind))
    }
    # indicators whose observations are growth or decline rates
    rate_keys = {
        ind.get("key")
        for ind in all_inds
        if isinstance(ind, dict)
        and isinstance(ind.get("key"), str)
        and ind.get("observed") in RATE_FORMS
    }

    def unknown_tag(tag: Any) -> bool:
        return cats_known and isinstance(tag, str) and tag not in cat_keys

    for i, a in areas:
        parent = a.get("parent")
        if area_keys is not None and isinstance(parent, str) and parent not in area_keys:
            add(("areas", i, "parent"), "unknown-area", f"no area {parent!r} in areas")
    for i, m in milestones:
        y = _int(m.get("year"))
        if not in_period(y):
            add(
                ("milestones", i, "year"),
                "milestone-outside-period",
                f"milestone year {y} is outside the period {start}–{end}",
            )
        art = _int(m.get("article"))
        if article_nums and art is not None and art not in article_nums:
            add(("milestones", i, "article"), "unknown-article", f"no article {art} in articles")
    for li, lens in lenses:
        for ci, cat in enumerate(_seq(lens.get("categories"))):
            ch = _int(cat.get("chapter")) if isinstance(cat, dict) else None
            if chapter_nums and ch is not None and ch not in chapter_nums:
                add(
                    ("lenses", li, "categories", ci, "chapter"),
                    "unknown-chapter",
                    f"no chapter {ch} in chapters",
                )
    for i, a in articles:
        ch = _int(a.get("chapter"))
        if chapter_nums and ch is not None and ch not in chapter_nums:
            add(("articles", i, "chapter"), "unknown-chapter", f"no chapter {ch} in chapters")
        for j, tag in enumerate(_seq(a.get("tags"))):
            if unknown_tag(tag):
                add(("articles", i, "tags", j), "unknown-tag", f"no lens category {tag!r}")

    refs: dict[str, dict[str, tuple[Any, ...]]] = {}  # key -> referenced key -> location
    for i, ind in indicators:
        here = ("indicators", i)
        g = ind.get("group")
        if group_keys is not None and isinstance(g, str) and g not in group_keys:
            add((*here, "group"), "unknown-group", f"no group {g!r} in groups")
        for j, tag in enumerate(_seq(ind.get("tags"))):
            if unknown_tag(tag):
                add((*here, "tags", j), "unknown-tag", f"no lens category {tag!r}")
        for j, art in enumerate(_seq(ind.get("articles"))):
            if article_nums and _int(art) is not None and art not in article_nums:
                add((*here, "articles", j), "unknown-article", f"no article {art} in articles")
        dept = ind.get("department")
        if dept_keys is not None and isinstance(dept, str) and dept not in dept_keys:
            add(
                (*here, "department"),
                "unknown-department",
                f"no department {dept!r} in departments",
            )
        bounds = ind.get("bounds") if isinstance(ind.get("bounds"), dict) else {}
        lo, hi = bounds.get("min"), bounds.get("max")
        bounds_ok = True  # inverted bounds are reported once, not against every target
        if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
            add((*here, "bounds"), "bad-bounds", f"bounds min {lo} is above max {hi}")
            bounds_ok = False
        gp = ind.get("goalposts") if isinstance(ind.get("goalposts"), dict) else {}
        if gp.get("best") is not None and gp.get("best") == gp.get("worst"):
            add((*here, "goalposts"), "bad-goalposts", "goalposts worst and best are equal")

        targets = _targets(ind)
        schedule = _targets(ind, "schedule")
        if ind.get("targets") in (None, [], {}) and not schedule and ind.get("direction") is None:
            add(
                (*here, "direction"),
                "direction-needed",
                "an indicator with no target needs 'direction: up' or 'direction: down'",
            )
        seen_years: dict[tuple[int, bool], Any] = {}
        unit = ind.get("unit")
        rate = ind.get("observed") in RATE_FORMS
        todo: list[tuple[Target, tuple[Any, ...], int | None]] = []
        for step, spec in targets:
            tloc = (*here, "targets", step)
            y = _int(spec.get("year"))
            if not in_period(y):
                add(
                    (*tloc, "year"),
                    "year-outside-period",
                    f"target year {y} is outside the period {start}–{end}",
                )
            sy = _int(spec.get("start"))
            if sy is not None and (not in_period(sy) or (y is not None and sy > y)):
                msg = f"start year {sy} is outside {start}–{y}"
                add((*tloc, "start"), "year-outside-period", msg)
            conds = conditions(spec)
            if not conds:
                continue
            every = conds[0][1].every_year
            slot = (y, every)
            if y is not None and slot in seen_years:
                add(
                    (*tloc, "year"),
                    "duplicate-target",
                    f"two {'every-year ' if every else ''}targets for {y}",
                )
            seen_years[slot] = step
            todo.extend((t, (*tloc, *suffix), y) for suffix, t in conds)
        todo.extend((t, loc, y) for loc, t, y in check_schedule(schedule, here, start, end, out))
        for t, loc, y in todo:
            if t.ref_year is not None and y is not None and not 1900 <= t.ref_year < y:
                add(
                    loc,
                    "reference-year",
                    f"the target compares with {t.ref_year} ('vs {t.ref_year}'), "
                    f"which is not a year before the target year {y}",
                )
            if t.uses_percent_level and unit != "%":
                msg = f"the target is written in % but the unit is {unit!r}"
                add(loc, "percent-unit", msg)
            for r in t.refs:
                refs.setdefault(str(ind.get("key")), {}).setdefault(r.key, loc)
                if ind_keys is None:
                    continue
                if r.key not in ind_keys:
                    add(
                        loc,
                        "unknown-indicator",
                        f"the target refers to {r.key!r}, which is not an indicator of this plan",
                    )
                elif r.key == ind.get("key"):
                    add(loc, "reference-cycle", "a target cannot refer to its own indicator")
                elif r.key in qualitative_keys:
                    add(
                        loc,
                        "reference-qualitative",
                        f"the target refers to {r.key!r}, whose targets are all qualitative: "
                        "it has no values to compare with",
                    )
            if t.measure == "level" and not t.refs and bounds_ok:
                _check_bounds(t, bounds, loc, out)
            out.extend(check_rate_condition(t, loc, rate, rate_keys, ind.get("observed")))
        direction = ind.get("direction")
        if direction in ("up", "down"):
            for _, spec in targets:
                d = next(
                    (x for _, t in conditions(spec) if (x := _target_direction(t)) is not None),
                    None,
                )
                if d is not None and d != direction:
                    add(
                        (*here, "direction"),
                        "direction-conflict",
                        f"direction is {direction!r} but the target "
                        f"{spec.get('expr') or spec.get('all')!r} asks to go {d}",
                    )
                    break

    out.extend(_cycles(refs))
    if isinstance(data.get("assessment"), dict):
        out.extend(_check_assessment(data["assessment"], areas, area_keys, dept_keys))
    return out


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _check_assessment(
    a: dict, areas: list[tuple[int, dict]], area_keys: set | None, dept_keys: set | None
) -> Iterator[Found]:
    """The assessment section: weights, scale, grade bands and the units it names."""
    here = ("assessment",)
    w = a.get("weights") if isinstance(a.get("weights"), dict) else {}
    wq = _number(w.get("quantitative", 0.7))
    wl = _number(w.get("qualitative", 0.3))
    if wq is not None and wl is not None and abs(wq + wl - 1) > 1e-9:
        yield (
            (*here, "weights"),
            "assessment-weights",
            f"the weights of the two parts sum to {wq + wl:g}, not 1 "
            f"(quantitative {wq:g}, qualitative {wl:g})",
        )
    q = a.get("qualitative") if isinstance(a.get("qualitative"), dict) else {}
    scale = q.get("scale") if isinstance(q.get("scale"), dict) else {}
    lo, hi = _number(scale.get("min", 1)), _number(scale.get("max", 5))
    if lo is not None and hi is not None and lo >= hi:
        yield (
            (*here, "qualitative", "scale"),
            "bad-scale",
            f"the rating scale runs from {lo:g} to {hi:g}; its max must be above its min",
        )
    grades = a.get("grades")
    if isinstance(grades, list):
        bands = [(i, g) for i, g in enumerate(grades) if isinstance(g, dict)]
        for loc, code, msg in _duplicates(bands, "grades"):
            yield ((*here, *loc), code, msg)
        mins = [(i, _number(g.get("min"))) for i, g in bands]
        known = [(i, m) for i, m in mins if m is not None]
        for (_, m1), (j, m2) in pairwise(known):
            if m2 >= m1:
                yield (
                    (*here, "grades", j, "min"),
                    "grade-order",
                    f"grade bands go from the highest to the lowest, each with a lower min: "
                    f"{m2:g} follows {m1:g}",
                )
                break
        if known and len(known) == len(mins) and min(m for _, m in known) != 0:
            i, m = min(known, key=lambda x: x[1])
            yield (
                (*here, "grades", i, "min"),
                "grade-coverage",
                f"the lowest grade starts at {m:g}, so a total below it gets no grade; "
                "give the lowest band min 0",
            )
    units = a.get("units", "departments")
    explicit = a.get("districts")
    has_districts = any(isinstance(x.get("parent"), str) for _, x in areas)
    wanted = units in ("districts", "both") and explicit is None
    if wanted and area_keys is not None and not has_districts:
        yield (
            (*here, "units"),
            "no-districts",
            f"units is {units!r} but no area has a parent, so there are no districts; "
            "add the districts as areas with 'parent', or list them in 'districts'",
        )
    for j, k in enumerate(_seq(explicit)):
        if area_keys is not None and isinstance(k, str) and k not in area_keys:
            yield ((*here, "districts", j), "unknown-area", f"no area {k!r} in areas")
    for j, k in enumerate(_seq(a.get("departments"))):
        if dept_keys is not None and isinstance(k, str) and k not in dept_keys:
            msg = f"no department {k!r} in departments"
            yield ((*here, "departments", j), "unknown-department", msg)


def _check_bounds(t: Target, bounds: dict, loc: tuple, out: list[Found]) -> None:
    from .expr import About, Between, Compare, Number

    c = t.condition
    values = []
    if isinstance(c, Compare) and isinstance(c.rhs, Number):
        values = [c.rhs.value]
    elif isinstance(c, About) and isinstance(c.centre, Number):
        values = [c.centre.value]
    elif isinstance(c, Between):
        values = [c.lo, c.hi]
    lo, hi = bounds.get("min"), bounds.get("max")
    for v in values:
        if (isinstance(lo, (int, float)) and v < lo) or (isinstance(hi, (int, float)) and v > hi):
            out.append(
                (
                    loc,
                    "target-out-of-bounds",
                    f"the target value {v:g} lies outside the indicator's bounds [{lo}, {hi}]",
                )
            )


def _target_direction(t: Target) -> str | None:
    from .expr import Compare

    c = t.condition
    if isinstance(c, Compare) and c.op in (">", ">="):
        return "up"
    if isinstance(c, Compare) and c.op in ("<", "<="):
        return "down"
    return None


def _cycles(refs: dict[str, dict[str, tuple[Any, ...]]]) -> Iterator[Found]:
    """Each circle of references once, at the target of its first indicator in the file."""
    order = {k: i for i, k in enumerate(refs)}  # refs are filled in file order
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    reported: set[frozenset[str]] = set()
    for root in sorted(refs):
        if state.get(root) is not None:
            continue
        # iterative depth-first search: (key, its references still to visit)
        path: list[str] = [root]
        todo: list[list[str]] = [sorted(refs.get(root, {}))]
        state[root] = 1
        while path:
            if not todo[-1]:
                state[path.pop()] = 2
                todo.pop()
                continue
            nxt = todo[-1].pop(0)
            if nxt == path[-1]:
                continue  # a self-reference is reported with the target
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                first = min(range(len(cycle)), key=lambda j: order[cycle[j]])
                cycle = cycle[first:] + cycle[:first]  # start where the file first has it
                members = frozenset(cycle)
                if members not in reported:
                    reported.add(members)
                    yield (
                        refs[cycle[0]][cycle[1]],
                        "reference-cycle",
                        "targets refer to each other in a circle: "
                        + " → ".join([*cycle, cycle[0]]),
                    )
            elif state.get(nxt) is None:
                state[nxt] = 1
                path.append(nxt)
                todo.append(sorted(refs.get(nxt, {})))
