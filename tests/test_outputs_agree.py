"""One score scale everywhere: on the full test plan (tests/plans/full) as of 2025, the
overall score, every group score and one assessment total are the same number, to one
decimal, in the engine, the command line (JSON and table), the JSON API, the web pages,
the PDF report (pdftotext) and the Excel report (openpyxl). Scores are 0–100 everywhere
and shown with one decimal (docs/methods.md, docs/api.md)."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
from openpyxl import load_workbook

from kaoping.cli import main

from .conftest import FULL_MID, FULL_PLAN

YEAR = FULL_MID
GROUPS = ["economy", "society", "environment", "innovation"]
NAMES = {
    "overall": "Overall",
    "economy": "Economy",
    "society": "Society",
    "environment": "Environment",
    "innovation": "Innovation",
}
UNIT = ("district", "north")  # the assessment total compared
UNIT_NAME = "North District"
NUMBER = r"[\d,]+(?:\.\d+)?"


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _one(value) -> str:
    """A shown value as the one-decimal text it should read (text is parsed first)."""
    if value is None:
        return "none"
    return f"{_num(value) if isinstance(value, str) else float(value):.1f}"


def _pdf_lines(body: bytes, tmp_path) -> list[str]:
    assert body.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout.splitlines()


def _pdf_row(lines: list[str], label: str) -> str:
    """The first number after a row label (two or more spaces apart) in the PDF text."""
    for ln in lines:
        m = re.match(rf"^\s*{re.escape(label)}\s{{2,}}({NUMBER})(?:\s|$)", ln)
        if m:
            return m.group(1)
    raise AssertionError(f"no row {label!r} with a number in the PDF")


def _section_score(html: str) -> str:
    """The score shown on a group or lens page (the figure of its score card)."""
    m = re.search(r'id="section-score".*?class="figure"[^>]*>([^<]*)<', html, re.S)
    assert m, "no score card"
    return m.group(1).strip()


def _by_id(html: str, id_: str) -> str:
    m = re.search(rf'id="{re.escape(id_)}"[^>]*>([^<]*)<', html)
    assert m, f"no element with id {id_!r}"
    return m.group(1).strip()


@pytest.fixture(scope="module")
def shown(full_store, full_client, full_staff, full_settings, tmp_path_factory) -> dict:
    """What each output shows: {output: {"overall"|group|"assessment": shown value}}."""
    out: dict[str, dict[str, object]] = {}
    tmp = tmp_path_factory.mktemp("outputs")

    ev = full_store.evaluation(year=YEAR)
    out["engine"] = {"overall": ev.score("overall", "overall")}
    out["engine"].update({g: ev.score("group", g) for g in GROUPS})

    api = full_client.get("/api/v1/scores", params={"year": YEAR}).json()
    out["api"] = {"overall": api["overall"]["score"]}
    out["api"].update({g["key"]: g["score"] for g in api["groups"]})

    home = full_client.get("/", params={"year": YEAR, "lang": "en"}).text
    out["web overview"] = {"overall": _by_id(home, "overall-score")}
    for g in GROUPS:
        row = re.search(rf'href="/g/{g}\?year={YEAR}">.*?</a></th>\s*<td class="n">([^<]+)<', home)
        assert row, g
        out["web overview"][g] = row.group(1).strip()
    out["web group page"] = {
        g: _section_score(full_client.get(f"/g/{g}", params={"year": YEAR, "lang": "en"}).text)
        for g in GROUPS
    }

    pdf = full_client.get("/reports/evaluation.pdf", params={"year": YEAR, "lang": "en"})
    assert pdf.status_code == 200, pdf.text
    lines = _pdf_lines(pdf.content, tmp)
    out["pdf"] = {key: _pdf_row(lines, label) for key, label in NAMES.items()}

    xlsx = full_client.get("/reports/evaluation.xlsx", params={"year": YEAR, "lang": "en"})
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content))["Scores"]
    cells = {(r[0], r[1]): r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    out["excel"] = {"overall": cells[("overall", "overall")]}
    out["excel"].update({g: cells[("group", g)] for g in GROUPS})

    # the assessment total
    results = full_staff.get("/api/v1/assessment", params={"year": YEAR}).json()["results"]
    total = next(r["total"] for r in results if (r["kind"], r["unit"]) == UNIT)
    out["api"]["assessment"] = total
    page = full_staff.get("/assessment", params={"year": YEAR, "lang": "en"}).text
    row = page.split(f'id="unit-{UNIT[0]}-{UNIT[1]}"', 1)[1].split("</tr>", 1)[0]
    out["web overview"]["assessment"] = re.search(r"<strong>([^<]+)</strong>", row).group(1)
    unit_page = full_staff.get(f"/assessment/{UNIT[0]}:{UNIT[1]}", params={"year": YEAR}).text
    out["web group page"]["assessment"] = _by_id(unit_page, "total")

    pdf = full_staff.get("/reports/assessment.pdf", params={"year": YEAR, "lang": "en"})
    assert pdf.status_code == 200, pdf.text
    lines = _pdf_lines(pdf.content, tmp)
    # columns: kind, unit, quantitative, qualitative, deductions, adjustments, total, grade, rank
    line = next(ln for ln in lines if UNIT_NAME.split()[0] in ln and re.search(r"\d", ln))
    after = line.split(UNIT_NAME.split()[0], 1)[1].split()
    after = [t for t in after if t != UNIT_NAME.split()[1]]
    out["pdf"]["assessment"] = after[4]

    xlsx = full_staff.get("/reports/assessment.xlsx", params={"year": YEAR, "lang": "en"})
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    head = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == UNIT_NAME)
    out["excel"]["assessment"] = row[head.index("Total")]
    return out


@pytest.fixture(scope="module")
def cli_shown(full_settings) -> dict:
    """What the command line shows (run in-process, its standard output captured)."""
    import contextlib

    def run(*args: str) -> str:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main(list(args))
        assert code == 0, buf.getvalue()
        return buf.getvalue()

    out: dict[str, dict[str, object]] = {}
    card = json.loads(run("evaluate", str(FULL_PLAN), "--year", str(YEAR), "--format", "json"))
    out["cli json"] = {"overall": card["overall"]["score"]}
    out["cli json"].update({g["key"]: g["score"] for g in card["groups"]})

    table = run("evaluate", str(FULL_PLAN), "--year", str(YEAR))
    m = re.search(rf"^Overall score: ({NUMBER})", table, re.M)
    assert m, table[:500]
    out["cli table"] = {"overall": m.group(1)}
    for key in GROUPS:
        m = re.search(rf"^{NAMES[key]}\s+({NUMBER})\s+\(data coverage", table, re.M)
        assert m, (key, table[:1500])
        out["cli table"][key] = m.group(1)

    db = str(full_settings.database_url)
    data = json.loads(run("assess", "--year", str(YEAR), "--db", db, "--format", "json"))
    out["cli json"]["assessment"] = next(
        r["total"] for r in data["results"] if (r["kind"], r["unit"]) == UNIT
    )
    table = run("assess", "--year", str(YEAR), "--db", db)
    head = next(ln for ln in table.splitlines() if "Total" in ln and "Unit" in ln)
    cols = [c.strip() for c in re.split(r"[│┃]", head)]
    row = next(ln for ln in table.splitlines() if UNIT_NAME in ln)
    cells = [c.strip() for c in re.split(r"[│┃]", row)]
    out["cli table"]["assessment"] = cells[cols.index("Total")]
    return out


@pytest.fixture(scope="module")
def every_output(shown, cli_shown) -> dict:
    return {**shown, **cli_shown}


@pytest.mark.parametrize("key", ["overall", *GROUPS])
def test_scores_agree(every_output, key):
    seen = {name: _one(values[key]) for name, values in every_output.items() if key in values}
    assert {"engine", "api", "cli json", "cli table", "pdf", "excel"} <= set(seen)
    assert "web group page" in seen or "web overview" in seen
    engine = seen["engine"]
    assert 0 < float(engine) <= 100, seen
    assert set(seen.values()) == {engine}, f"{key}: {seen}"


def test_assessment_total_agrees(every_output):
    seen = {
        name: _one(values["assessment"])
        for name, values in every_output.items()
        if "assessment" in values
    }
    assert set(seen) == {
        "api",
        "web overview",
        "web group page",
        "pdf",
        "excel",
        "cli json",
        "cli table",
    }
    assert seen["api"] != "none" and 0 <= float(seen["api"]) <= 100
    assert set(seen.values()) == {seen["api"]}, seen


def test_scores_are_shown_with_one_decimal(every_output):
    """Text outputs show a score as digits, a point and one digit: 77.7, 65.0."""
    for name, values in every_output.items():
        for key, value in values.items():
            if isinstance(value, str):
                assert re.fullmatch(r"\d{1,3}\.\d", value), (name, key, value)
            else:
                assert isinstance(value, float | int) and 0 <= value <= 100, (name, key, value)
