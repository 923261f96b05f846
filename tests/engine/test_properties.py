"""Properties of the evaluation that hold for any plan and any data (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.engine.options import THRESHOLDS
from kaoping.engine.result import REASONS
from tests.engine.helpers import plan, run

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

METHODS = st.sampled_from(["ratio", "distance", "goalposts"])
STATUS = st.sampled_from(list(THRESHOLDS))
AGG = st.sampled_from(["arithmetic", "geometric"])
num = st.floats(1, 1000, allow_nan=False).map(lambda v: round(v, 2))
value = st.one_of(st.just(0.0), st.floats(0.5, 1500, allow_nan=False).map(lambda v: round(v, 2)))


@st.composite
def target_expr(draw) -> str:
    t = draw(num)
    form = draw(
        st.sampled_from(
            [
                ">=",
                "<=",
                ">",
                "<",
                "~",
                "~abs",
                "in",
                "==",
                "change_up",
                "change_down",
                "change_abs",
                "growth",
            ]
        )
    )
    if form in (">=", "<=", ">", "<", "=="):
        return f"{form} {t}"
    if form == "~":
        return f"~ {t}"
    if form == "~abs":
        return f"~ {t} ± {draw(st.integers(0, 20))}"
    if form == "in":
        return f"in [{t}, {t + draw(st.integers(0, 100))}]"
    if form == "change_up":
        return f"change >= {draw(st.integers(1, 80))}%"
    if form == "change_down":
        return f"change <= -{draw(st.integers(1, 60))}%"
    if form == "change_abs":
        return f"change >= {draw(st.integers(1, 50))}"
    return f"growth >= {draw(st.integers(1, 15))}%"


def _indicator(i: int, expr: str, group: str, geometric: bool, gp: tuple | None) -> str:
    extra = ", path: geometric" if geometric else ""
    if gp is not None:
        extra += f", goalposts: {{worst: {gp[0]}, best: {gp[1]}}}"
    return (
        f"- {{key: i{i}, name: {{zh: 指标{i}}}, unit: 个, group: {group}{extra}, "
        f"targets: {{2020: '{expr}'}}}}\n"
    )


GROUPS2 = """
groups:
  - {key: g, name: {zh: 甲}, weight: 2}
  - {key: h, name: {zh: 乙}}
"""


@st.composite
def plans(draw, n_max: int = 4):
    n = draw(st.integers(1, n_max))
    text = ""
    for i in range(n):
        gp = None
        if draw(st.booleans()):
            a, b = draw(num), draw(num)
            if a != b:
                gp = (a, b)
        text += _indicator(
            i, draw(target_expr()), draw(st.sampled_from(["g", "h"])), draw(st.booleans()), gp
        )
    return plan(text, groups=GROUPS2), n


@st.composite
def observations(draw, n: int, areas=("city", "east")):
    rows = []
    for i in range(n):
        for a in areas:
            years = draw(st.sets(st.integers(2006, 2018), max_size=6))
            rows += [(f"i{i}", a, y, draw(value)) for y in sorted(years)]
    return pd.DataFrame(rows, columns=["indicator", "area", "year", "value"])


@st.composite
def cases(draw):
    p, n = draw(plans())
    return p, draw(observations(n)), draw(st.integers(2009, 2020))


@SETTINGS
@given(case=cases(), method=METHODS, status=STATUS, agg=AGG)
def test_attainment_in_unit_interval_and_scores_in_range(case, method, status, agg):
    p, data, as_of = case
    ev = run(p, data, as_of, attainment=method, status=status, aggregation=agg)
    att = ev.indicators["attainment"].to_numpy(float)
    ok = np.isnan(att) | ((att >= 0) & (att <= 1))
    assert ok.all(), ev.indicators[~ok][["indicator", "target", "attainment"]]
    s = ev.scores["score"].to_numpy(float)
    assert (np.isnan(s) | ((s >= -1e-9) & (s <= 100 + 1e-9))).all()
    cov = ev.scores["coverage"].to_numpy(float)
    assert (np.isnan(cov) | ((cov >= 0) & (cov <= 1 + 1e-12))).all()


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@SETTINGS
@given(case=cases(), method=METHODS, status=STATUS)
def test_status_consistent_with_attainment_and_pace(case, method, status):
    p, data, as_of = case
    ev = run(p, data, as_of, attainment=method, status=status)
    th = THRESHOLDS[status]
    df = ev.indicators[ev.indicators["kind"] == "target"]
    assert set(ev.indicators["reason"]) <= {"", *REASONS}
    for r in df.to_dict("records"):
        if r["status"] == "stale":
            # too old to judge: counts as missing
            assert r["data_age"] > 2 and _missing(r["attainment"]), r
            continue
        if not _missing(r["latest_year"]):
            assert r["data_age"] <= 2, r
        judged_on_pace = r["reason"] == "met_before_target_year"
        assert (r["status"] in ("achieved", "achieved_early") or judged_on_pace) == bool(
            r["met"]
        ), r
        if r["met"]:
            assert r["attainment"] == 1.0
            assert r["year_reached"] <= r["latest_year"]
            assert _missing(r["projected_year"])
        else:
            assert _missing(r["year_reached"])
        if r["status"] == "achieved":
            assert r["latest_year"] >= r["target_year"], r
        if r["status"] == "achieved_early":
            assert r["latest_year"] < r["target_year"] and r["measure"] == "level", r
        if judged_on_pace:
            assert r["status"] in ("ahead", "on_track") and r["measure"] != "level", r
        if r["status"] == "ahead" and not judged_on_pace:
            assert r["pace"] >= th.ahead - 1e-9
        if r["status"] == "on_track" and not judged_on_pace:
            assert r["pace"] >= th.on - 1e-9 or r["reason"] == "within_deadband", r
        if r["status"] == "regressing" and r["reason"] != "baseline_met_target":
            assert r["pace"] < th.floor
        if r["status"] == "lagging" and r["reason"] == "":
            assert th.floor <= r["pace"] < th.on
        if r["status"] == "no_data":
            assert math.isnan(r["attainment"]) or r["reason"] in ("no_baseline", "no_later_value")


@SETTINGS
@given(case=cases(), seed=st.integers(0, 2**32 - 1))
def test_shuffling_rows_changes_nothing(case, seed):
    p, data, as_of = case
    a = run(p, data, as_of)
    b = run(p, data.sample(frac=1.0, random_state=seed % (2**32)).reset_index(drop=True), as_of)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.milestones, b.milestones)
    pd.testing.assert_frame_equal(a.constraints, b.constraints)


@SETTINGS
@given(case=cases(), extra=st.data())
def test_adding_an_area_changes_no_other_area(case, extra):
    p, data, as_of = case
    n = len(p.indicators)
    west = extra.draw(observations(n, areas=("west",)))
    a = run(p, data, as_of)
    b = run(p, pd.concat([data, west], ignore_index=True), as_of)
    for area in a.areas:
        if area == "west":  # the area whose data was added
            continue
        ia = a.indicators[a.indicators["area"] == area].reset_index(drop=True)
        ib = b.indicators[b.indicators["area"] == area].reset_index(drop=True)
        pd.testing.assert_frame_equal(ia, ib)
        sa = a.scores[a.scores["area"] == area].reset_index(drop=True)
        sb = b.scores[b.scores["area"] == area].reset_index(drop=True)
        pd.testing.assert_frame_equal(sa, sb)


MONO = """
- {key: a, name: {zh: 甲}, unit: 个, group: g, goalposts: {worst: GW}, targets: {2020: 'EXPR'}}
"""


@st.composite
def monotone_cases(draw):
    form = draw(st.sampled_from([">=", "<=", "~", "in", "==", "change_up", "change_down"]))
    t = draw(st.floats(10, 500).map(lambda v: round(v, 2)))
    expr = {
        ">=": f">= {t}",
        "<=": f"<= {t}",
        "~": f"~ {t}",
        "in": f"in [{t}, {t * 1.5:.2f}]",
        "==": f"== {t}",
        "change_up": "change >= 30%",
        "change_down": "change <= -30%",
    }[form]
    x0 = draw(st.floats(1, 1000).map(lambda v: round(v, 2)))
    x1 = draw(st.floats(0.5, 1500).map(lambda v: round(v, 2)))
    frac = draw(st.floats(0, 1))
    worst = 0 if form in (">=", "change_up", "in", "~", "==") else 2000
    return expr, worst, x0, x1, frac


@SETTINGS
@given(case=monotone_cases(), method=METHODS)
def test_moving_toward_the_target_never_lowers_attainment(case, method):
    expr, worst, x0, x1, frac = case
    p = plan(MONO.replace("EXPR", expr).replace("GW", str(worst)))

    def ev(x):
        data = pd.DataFrame(
            [("a", "city", 2008, x0), ("a", "city", 2014, x)],
            columns=["indicator", "area", "year", "value"],
        )
        return run(p, data, 2014, attainment=method).indicator("a")

    r1 = ev(x1)
    lo, hi = r1["target_lo"], r1["target_hi"]
    # the band as a level: change targets are relative to x0
    if r1["measure"] == "change":
        lo, hi = x0 * (1 + lo / 100), x0 * (1 + hi / 100)
    if x1 < lo:
        x2 = x1 + frac * (lo - x1)
    elif x1 > hi:
        x2 = x1 - frac * (x1 - hi)
    else:
        x2 = x1
    r2 = ev(x2)
    assert r2["attainment"] >= r1["attainment"] - 1e-9, (
        expr,
        x0,
        x1,
        x2,
        r1["attainment"],
        r2["attainment"],
    )
