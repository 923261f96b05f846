"""JSON responses match their documented schemas; caching; charts; the palette's contrast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kaoping.web
from kaoping.report import charts
from kaoping.web import schemas

MODELS = [
    ("/api/v1/overview", schemas.Overview),
    ("/api/v1/groups", schemas.GroupList),
    ("/api/v1/groups/society", schemas.GroupPage),
    ("/api/v1/lenses", schemas.LensList),
    ("/api/v1/lenses/ecological", schemas.LensPage),
    ("/api/v1/indicators", schemas.IndicatorList),
    ("/api/v1/indicators/gdp_per_capita", schemas.IndicatorPage),
    ("/api/v1/indicators/tertiary_share_gdp", schemas.IndicatorPage),
    ("/api/v1/scores", schemas.Scores),
    ("/api/v1/plan", schemas.PlanInfo),
]


@pytest.mark.parametrize(("path", "model"), MODELS)
def test_response_matches_schema(client, path, model):
    for lang in ("en", "zh"):
        for year in (None, 2012):
            params = {"lang": lang} | ({"year": year} if year else {})
            model.model_validate(client.get(path, params=params).json())


def test_evaluation_cached_and_refreshed(app, client, store):
    cache = app.state.cache
    first = cache.snapshot()
    assert cache.snapshot() is first
    assert cache.snapshot(2015) is not first
    rid = store.submit("admin", "gdp_per_capita", "zhengzhou", 2015, 77179, status="final")["id"]
    assert cache.snapshot() is first  # a submission changes nothing the public sees
    store.approve("rev", rid)
    assert cache.snapshot() is not first
    series = client.get("/api/v1/indicators/gdp_per_capita").json()["series"]
    years = [p["year"] for p in series]
    assert 2015 in years and years == sorted(years)


def test_nice_ticks():
    assert charts.nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    ticks = charts.nice_ticks(34063, 100000)
    assert ticks[0] <= 34063 and ticks[-1] >= 100000
    assert charts.nice_ticks(5, 5)[0] <= 5


def test_series_chart_without_data():
    page = {
        "indicator": {
            "name": "x",
            "unit": "%",
            "target_year": None,
            "target_level": None,
            "base": {"year": None, "value": None},
            "status_label": "no data",
        },
        "series": [],
        "expected_path": [],
        "target_band": None,
        "projection": {"value": None},
        "milestones": [],
    }
    assert 'id="chart-empty"' in charts.series_chart(page, "en")


def test_bar_chart_escapes_and_labels():
    svg = charts.bar_chart(
        [{"name": "<b>A</b>", "score": 50.0}, {"name": "B", "score": None}], "T", "en", "c"
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "50.0" in svg and "not scored" in svg


def test_bar_chart_scores_are_out_of_100():
    """Scores come 0–100 from the engine: written as they are, a full bar is 100."""
    # the web's chart: as wide as its box, a full bar 84 % of it, the value right of the bar
    svg = str(charts.bar_chart([{"name": "A", "score": 77.5}], "T", "en", "c"))
    assert '<text x="86%" y="34" class="bar-value">77.5</text>' in svg
    assert "7750" not in svg and "viewBox" not in svg
    widths = [float(w) for w in re.findall(r'class="bar" x="0" y="\d+" width="([\d.]+)%"', svg)]
    assert widths == [pytest.approx(0.775 * 84, abs=0.01)]
    assert '<title id="c-title">T</title>' in svg
    # the printed chart: 640 units wide, names in the first 250, bars up to 640 - 250 - 70
    svg = str(charts.bar_chart([{"name": "A", "score": 77.5}], "T", "en", "c", fluid=False))
    assert '<text x="576" y="25" class="bar-value">77.5</text>' in svg
    widths = [float(w) for w in re.findall(r'class="bar" x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [pytest.approx(0.775 * (640 - 250 - 70), abs=0.1)]


# ---- contrast (WCAG 2.1: text 4.5:1, graphics 3:1) -------------------------------------


def _lum(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_lum(a), _lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


CSS = (Path(kaoping.web.__file__).parent / "static" / "style.css").read_text(encoding="utf-8")


def test_status_badges_contrast():
    pairs = re.findall(r"\.st-[\w, .-]+\{ background: (#\w{6}); color: (#\w{6}); \}", CSS)
    assert len(pairs) == 9  # every status of the contract, and "none"
    for bg, fg in pairs:
        assert contrast(bg, fg) >= 4.5, (bg, fg)


def test_text_contrast():
    var = dict(re.findall(r"--(\w+): (#\w{6});", CSS))
    assert contrast(var["text"], var["bg"]) >= 4.5
    assert contrast(var["muted"], var["bg"]) >= 4.5
    assert contrast(var["muted"], var["panel"]) >= 4.5
    assert contrast(var["link"], var["bg"]) >= 4.5
    assert contrast("#ffffff", var["head"]) >= 4.5
    assert contrast("#ffffff", "#172554") >= 4.5  # navigation bar
    for pair in (("#7f1d1d", "#fee2e2"), ("#14532d", "#dcfce7"), ("#78350f", "#fef3c7")):
        assert contrast(*pair) >= 4.5  # error, ok and warning messages


def test_chart_colours_contrast():
    for colour in (charts.SERIES, charts.EXPECTED, charts.TARGET, charts.PROJECTION, charts.AXIS):
        assert contrast(colour, "#ffffff") >= 3.0
    assert contrast("#374151", "#ffffff") >= 4.5  # tick labels


def test_pending_view_is_fresh(app, store):
    cache = app.state.cache
    store.submit("admin", "gdp_per_capita", "zhengzhou", 2015, 77179, status="final")
    snap = cache.snapshot(approved_only=False)
    years = snap.observations["year"][snap.observations["indicator"] == "gdp_per_capita"]
    assert 2015 in years.tolist()
