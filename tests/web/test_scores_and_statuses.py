"""What the pages say about scores and statuses, on a tiny plan whose every group is scored
(hand-computed scores in tests/report/tiny_plan.py): scores 0–100 with one decimal and what
they measure; the statuses with labels, symbols and a legend; the year a target was met
(observed) and the projected year (marked "~"); the age of the latest value."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from kaoping.report.labels import STATUS, STATUS_ORDER, SYMBOL
from kaoping.web import create_app
from kaoping.web.source import FileSource
from tests.report.tiny_plan import GROUPS, LENS, OVERALL, YEAR, patch_evaluation, write_plan

from .conftest import settings_for

SCORE_MEANING = {"en": "attainment of the targets (0–100)", "zh": "目标实现程度（0–100）"}
STATUS_MEANING = {"en": "pace against the path to the target", "zh": "相对目标路径的进度"}


@pytest.fixture
def tiny(tmp_path):
    plan, data = write_plan(tmp_path / "plan")
    return plan, data


def _client(tmp_path, plan, data) -> TestClient:
    app = create_app(FileSource(str(plan), str(data)), settings_for(tmp_path))
    return TestClient(app)


@pytest.fixture
def client(tmp_path, tiny) -> TestClient:
    return _client(tmp_path, *tiny)


@pytest.fixture
def constructed_client(tmp_path, tiny, monkeypatch) -> TestClient:
    """The tiny plan with rows set by hand: a achieved early (met 2024), b ahead (projected
    2027), c stale (latest value 2021, four years before 2025)."""
    patch_evaluation(monkeypatch)
    return _client(tmp_path, *tiny)


def _text(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _row(page: str, href: str) -> str:
    """The table row whose first cell links to ``href``."""
    pattern = r'<tr><th scope="row"><a href="' + re.escape(href) + r'[^"]*">.*?</tr>'
    m = re.search(pattern, page, re.S)
    assert m, f"no row for {href}"
    return m.group(0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_shows_scores_out_of_100(client, lang):
    page = client.get("/", params={"year": YEAR, "lang": lang}).text
    assert re.search(r'id="overall-score">\s*' + re.escape(OVERALL) + r"\s*<", page)
    for key, shown in GROUPS.items():
        cells = re.findall(r'<td class="n">([^<]*)</td>', _row(page, f"/g/{key}"))
        assert cells[0] == shown, (key, cells)
    for key, shown in LENS.items():
        cells = re.findall(r'<td class="n">([^<]*)</td>', _row(page, f"/l/{key}"))
        assert cells[0] == shown, (key, cells)
    # none of them a hundred times too large
    for wrong in ("7550.0", "6100.0", "9000.0", "6850.0"):
        assert wrong not in page
    # the bar chart writes the same numbers
    chart = re.search(r'<svg class="chart bars" id="groups-chart".*?</svg>', page, re.S).group(0)
    assert re.findall(r'class="bar-value">([^<]+)<', chart) == list(GROUPS.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_score_and_status_says_what_it_measures(client, lang):
    page = client.get("/", params={"year": YEAR, "lang": lang}).text
    meaning = re.search(r'id="overall-score-meaning">([^<]+)<', page).group(1)
    assert meaning == SCORE_MEANING[lang]
    assert re.search(r'id="status-meaning">([^<]+)<', page).group(1) == STATUS_MEANING[lang]
    head = re.search(r'<table class="data" id="groups-table">.*?</thead>', page, re.S).group(0)
    assert SCORE_MEANING[lang] in _text(head) and STATUS_MEANING[lang] in _text(head)
    # one sentence says that the two measure different things and can disagree
    sentence = _text(re.search(r'<p class="note" id="score-vs-status">.*?</p>', page).group(0))
    if lang == "en":
        assert "attainment" in sentence and "pace" in sentence and "disagree" in sentence
    else:
        assert "实现程度" in sentence and "进度" in sentence and "不一致" in sentence
    for path in ("/g/g1", "/l/k1"):
        page = client.get(path, params={"year": YEAR, "lang": lang}).text
        assert (
            re.search(r'id="section-score-meaning">([^<]+)<', page).group(1) == SCORE_MEANING[lang]
        )
        assert 'id="score-vs-status"' in page
        head = re.search(r'<table class="data" id="indicators">.*?</thead>', page, re.S).group(0)
        assert STATUS_MEANING[lang] in _text(head)


def test_group_and_lens_pages_show_their_scores(client):
    for path, shown in [("/g/g1", GROUPS["g1"]), ("/g/g2", GROUPS["g2"]), ("/l/k1", LENS["k1"])]:
        page = client.get(path, params={"year": YEAR}).text
        assert re.search(r'id="section-score-value">([^<]+)<', page).group(1) == shown


def test_the_api_gives_scores_on_the_same_scale(client):
    scores = client.get("/api/v1/scores", params={"year": YEAR}).json()
    assert f"{scores['overall']['score']:.1f}" == OVERALL
    assert {g["key"]: f"{g['score']:.1f}" for g in scores["groups"]} == GROUPS
    cats = {c["key"]: f"{c['score']:.1f}" for lz in scores["lenses"] for c in lz["categories"]}
    assert cats == LENS
    overview = client.get("/", params={"year": YEAR, "format": "json"}).json()
    assert overview["overall"]["score"] == scores["overall"]["score"]
    assert overview["meanings"]["score"] == SCORE_MEANING["en"]
    assert overview["meanings"]["status"] == STATUS_MEANING["en"]
    assert [x["status"] for x in overview["legend"]] == list(STATUS_ORDER)
    # attainment stays a share (0–1), shown as a percentage
    ind = client.get("/api/v1/indicators/a", params={"year": YEAR}).json()
    assert ind["indicator"]["attainment"] == pytest.approx(0.47)
    page = client.get("/i/a", params={"year": YEAR}).text
    card = re.search(r'id="attainment-card">.*?</div>', page, re.S).group(0)
    assert "47%" in card


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_new_statuses_have_labels_symbols_and_a_legend(constructed_client, lang):
    page = constructed_client.get("/g/g1", params={"year": YEAR, "lang": lang}).text
    for key, status in (("a", "achieved_early"), ("b", "ahead")):
        row = re.search(r'<tr id="row-' + key + r'">.*?</tr>', page, re.S).group(0)
        badge = re.search(r'<span class="badge st-' + status + r'" data-status="' + status, row)
        assert badge, row
        assert f"{SYMBOL[status]}</span> {STATUS[status][lang]}" in html.unescape(row)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert list(counts) == list(STATUS_ORDER)
    assert counts["achieved_early"] == "1" and counts["ahead"] == "1"
    legend = re.search(
        r'<section class="status-legend" id="status-legend".*?</section>', page, re.S
    )
    assert legend
    entries = re.findall(r'<div id="legend-(\w+)">(.*?)</div>', legend.group(0), re.S)
    assert [s for s, _ in entries] == list(STATUS_ORDER)
    for status, body in entries:
        label = f"{SYMBOL[status]} {STATUS[status][lang]}"
        text = _text(body)
        assert text.startswith(label) and len(text) > len(label) + 5, text
    assert STATUS_MEANING[lang] in _text(legend.group(0))
    # the overview and the indicator page have the legend too
    for path in ("/", "/i/a"):
        assert 'id="status-legend"' in constructed_client.get(path, params={"year": YEAR}).text


def test_stale_indicator_shows_its_data_age(constructed_client):
    page = constructed_client.get("/i/c", params={"year": YEAR}).text
    age = re.search(r'<p class="unit" id="data-age" data-age="(\d+)">(.*?)</p>', page, re.S)
    assert age and age.group(1) == "4"
    assert _text(age.group(2)) == "latest value 2021, 4 years before 2025 data too old"
    assert 'id="stale-mark"' in page and 'id="stale-note"' in page
    assert 'class="badge st-stale"' in page
    assert "latest value 2021, 4 years before 2025" in _text(
        re.search(r'id="numbers-data-age">(.*?)</dd>', page, re.S).group(1)
    )
    zh = constructed_client.get("/i/c", params={"year": YEAR, "lang": "zh"}).text
    assert "最新值为2021年，早于2025年4年" in zh and "数据过旧" in zh
    # on the group page, the latest value carries the mark
    group_page = constructed_client.get("/g/g2", params={"year": YEAR}).text
    row = re.search(r'<tr id="row-c">.*?</tr>', group_page, re.S).group(0)
    assert 'class="tag stale"' in row and "2021" in row


def test_current_data_are_not_marked_stale(client):
    page = client.get("/i/a", params={"year": YEAR}).text
    assert _text(re.search(r'id="data-age"[^>]*>(.*?)</p>', page, re.S).group(1)) == (
        "latest value 2025, the as-of year"
    )
    assert 'id="stale-mark"' not in page and 'id="stale-note"' not in page


def test_year_met_is_observed_and_projection_is_marked(constructed_client):
    met = constructed_client.get("/i/a", params={"year": YEAR}).text
    assert re.search(r'id="year-reached">2024<', met)
    assert 'id="projected-year"' not in met
    ahead = constructed_client.get("/i/b", params={"year": YEAR}).text
    projected = re.search(r'id="projected-year">(.*?)</dd>', ahead, re.S).group(1)
    assert _text(projected) == "~2027 (projected)"
    assert 'id="year-reached"' not in ahead
    data = constructed_client.get("/api/v1/indicators/a", params={"year": YEAR}).json()
    assert data["indicator"]["year_reached"] == 2024
    assert data["numbers"]["year_reached"] == 2024
    brief = constructed_client.get("/api/v1/indicators", params={"year": YEAR}).json()
    by_key = {i["key"]: i for i in brief["indicators"]}
    assert by_key["b"]["projection"]["year"] == 2027 and by_key["b"]["year_reached"] is None
    assert by_key["c"]["stale"] is True and by_key["c"]["data_age"] == 4
