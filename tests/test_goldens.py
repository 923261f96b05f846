"""The golden files hold on any CPU: output that differs in the last bits of its floats (as the
same evaluation does on another processor) matches them; a real change of a result does not."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
from decimal import Decimal

import numpy as np
import pytest

from kaoping.core import evaluate_loaded, load
from kaoping.engine.table import Table
from kaoping.report.build import evaluation_from_files
from kaoping.report.documents import to_text
from kaoping.report.scorecard import fmt_number, fmt_pct, scorecard
from tests.goldens import (
    ABS_TOL,
    NUMBER,
    REL_TOL,
    SIGNIFICANT_DIGITS,
    golden_text,
    is_full_float,
    mismatches,
    round_float,
    text_mismatches,
)

#: (ULPs, direction): a few units in the last place up, down, and alternating value by value.
NUDGES = [(s, d) for s in (1, 2, 4, 16) for d in ("up", "down", "mixed")]


@pytest.fixture(scope="module")
def loaded():
    return load(None)


@pytest.fixture(scope="module")
def card(loaded) -> dict:
    """A real scorecard, through JSON as the golden fixture sees it."""
    card = scorecard(loaded.plan, evaluate_loaded(loaded, 2020), lang="en")
    return json.loads(json.dumps(card, ensure_ascii=False))


@pytest.fixture(scope="module")
def report() -> str:
    return to_text(evaluation_from_files(None, None, 2020, "en"))


def ulps(x: float, steps: int, up: bool) -> float:
    """``x`` moved ``steps`` units in the last place up or down."""
    for _ in range(steps):
        x = float(np.nextafter(x, math.inf if up else -math.inf))
    return x


def nudge(data, steps: int, direction: str, counter: list[int] | None = None):
    """``data`` with every finite float moved ``steps`` ULPs (``mixed``: up, down, up, …)."""
    counter = [0] if counter is None else counter
    if isinstance(data, dict):
        return {k: nudge(v, steps, direction, counter) for k, v in data.items()}
    if isinstance(data, list):
        return [nudge(v, steps, direction, counter) for v in data]
    if isinstance(data, float) and math.isfinite(data):
        counter[0] += 1
        up = direction == "up" or (direction == "mixed" and counter[0] % 2 == 1)
        return ulps(data, steps, up)
    return data


def float_paths(data, path=()):
    """The path (keys and indices) of every float in ``data``."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from float_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from float_paths(v, (*path, i))
    elif isinstance(data, float) and math.isfinite(data):
        yield path


def at(data, path):
    for step in path:
        data = data[step]
    return data


def changed(data, path, value):
    out = copy.deepcopy(data)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def test_rounding_keeps_the_stated_significant_digits():
    rng = np.random.default_rng(7)
    values = rng.lognormal(0, 8, 2000) * rng.choice([-1, 1], 2000)
    for x in values.tolist():
        r = round_float(x)
        assert len(Decimal(repr(r)).normalize().as_tuple().digits) <= SIGNIFICANT_DIGITS
        # at most half a unit in the 10th digit: well inside the tolerance of the comparison
        assert abs(r - x) <= 0.5 * 10.0 ** (math.floor(math.log10(abs(x))) - 9) * (1 + 1e-12)
        assert abs(r - x) <= REL_TOL / 2 * abs(x)
    assert round_float(1.2251288519792116) == round_float(1.2251288519792083) == 1.225128852
    assert math.isnan(round_float(math.nan)) and round_float(math.inf) == math.inf


def test_the_golden_file_holds_rounded_floats(card):
    text = golden_text(card)
    floats = [m["num"] for m in NUMBER.finditer(text) if "." in m["num"]]
    assert floats and not [f for f in floats if is_full_float(f)]
    assert any(is_full_float(repr(at(card, p))) for p in float_paths(card))
    # ints, booleans and nulls keep their type
    back = json.loads(text)
    assert back["as_of"] == 2020 and isinstance(back["as_of"], int)


@pytest.mark.parametrize(("steps", "direction"), NUDGES)
def test_a_scorecard_a_few_ulps_off_matches_its_golden_file(card, steps, direction):
    """The golden file written on one machine, the output of another machine."""
    golden = golden_text(card)
    nudged = nudge(card, steps, direction)
    assert len(list(float_paths(card))) > 50
    assert json.dumps(nudged) != json.dumps(card)  # to the last bit, they differ
    assert mismatches(golden, nudged) == []


@pytest.mark.parametrize(("steps", "up"), [(1, True), (1, False), (4, True), (4, False)])
def test_data_a_few_ulps_off_give_the_same_golden_scorecard(loaded, card, steps, up):
    """Every observed value a few ULPs off: the whole evaluation still matches its golden file."""
    obs = loaded.observations
    cols = {k: obs[k] for k in obs}
    cols["value"] = np.array([ulps(v, steps, up) for v in obs["value"].astype(float).tolist()])
    moved = dataclasses.replace(loaded, observations=Table(cols, obs.columns))
    other = scorecard(moved.plan, evaluate_loaded(moved, 2020), lang="en")
    assert mismatches(golden_text(card), other) == []


def test_a_real_change_of_any_float_fails(card):
    golden = golden_text(card)
    paths = list(float_paths(card))
    for path in paths:
        new = at(card, path) * (1 + 1e-6) or 1e-6
        found = mismatches(golden, changed(card, path, new))
        assert len(found) == 1, (path, found)
        assert str(path[-1]) in found[0]


def test_other_changes_fail(card):
    golden = golden_text(card)
    assert mismatches(golden, changed(card, ("as_of",), 2021))
    assert mismatches(golden, changed(card, ("as_of",), 2020.0))  # an int stays an int
    group = card["groups"][0]
    assert mismatches(golden, changed(card, ("groups", 0, "key"), group["key"] + "x"))
    assert mismatches(golden, {**card, "new": 1})
    assert mismatches(golden, {k: v for k, v in card.items() if k != "groups"})


def test_the_tolerance():
    assert ABS_TOL < 1e-6 * 1e-3 and REL_TOL < 1e-6
    assert mismatches(golden_text({"x": 0.0}), {"x": 1e-17}) == []
    assert mismatches(golden_text({"x": math.nan}), {"x": math.nan}) == []
    assert mismatches(golden_text({"x": 1.0}), {"x": math.nan})


# text: the reports


@pytest.mark.parametrize(("steps", "direction"), NUDGES)
def test_a_report_with_floats_a_few_ulps_off_matches_its_golden_file(report, steps, direction):
    """The reports print some floats in full (the data table); those are a few ULPs off."""
    golden = golden_text(report)
    n = 0

    def repl(m: re.Match) -> str:
        nonlocal n
        if not is_full_float(m["num"]):
            return m[0]
        n += 1
        up = direction == "up" or (direction == "mixed" and n % 2 == 1)
        return f"{m['sign']}{ulps(float(m['num']), steps, up)!r}{m['pct']}"

    nudged = NUMBER.sub(repl, report)
    assert n, "the report prints no full-precision float"
    assert nudged != report
    assert text_mismatches(golden, nudged) == []


@pytest.mark.parametrize(
    ("shown", "boundary"),
    [
        (fmt_number, 150.25),  # 150.2 or 150.3
        (fmt_number, 2.995),  # 2.99 or 3
        (fmt_number, 43672.5),  # 43,672 or 43,673
        (fmt_pct, 0.125),  # 12% or 13%
        (lambda v: f"{v:.1f}", 72.25),  # a score: 72.2 or 72.3
    ],
)
def test_a_value_on_a_rounding_boundary_may_be_shown_either_way(shown, boundary):
    """A last-bit difference flips the displayed digit of a value on a rounding boundary."""
    below, above = (shown(ulps(boundary, 2, up)) for up in (False, True))
    assert below != above
    assert text_mismatches(f"Score {below} (2020)", f"Score {above} (2020)") == []
    assert text_mismatches(f"Score {above} (2020)", f"Score {below} (2020)") == []


@pytest.mark.parametrize(
    ("golden", "actual"),
    [
        ("3 achieved, 2 lagging", "4 achieved, 2 lagging"),  # a count
        ("latest value 2009", "latest value 2010"),  # a year
        ("Score 72.3", "Score 72.5"),  # two units in the last digit
        ("Coverage 15%", "Coverage 17%"),
        ("Coverage 15%", "Coverage 15"),
        ("required 8.637118764", "required 8.637127401"),  # 1e-6 relative
        ("status achieved", "status on track"),
        ("a | b", "a | b | c"),
    ],
)
def test_a_real_change_of_a_report_fails(golden, actual):
    assert text_mismatches(golden, actual)


def test_a_real_change_of_the_report_fails(report):
    golden = golden_text(report)
    first = next(m for m in NUMBER.finditer(report) if is_full_float(m["num"]))
    value = float(first["num"]) * (1 + 1e-6)
    moved = report[: first.start("num")] + repr(value) + report[first.end("num") :]
    assert text_mismatches(golden, moved)
    assert text_mismatches(golden, report.replace("achieved", "on track", 1))
    assert text_mismatches(golden, report + "one more line\n")
