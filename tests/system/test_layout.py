"""Layout in Debian's Chromium at 1280 and 390 px, and the PDF reports on A4.

Each page is measured as a reader's screen shows it: nothing wider than the window (a wide
table scrolls inside its own box), no chart text drawn below 11 px, and no style the page's
Content-Security-Policy (``style-src 'self'``) blocks. The screenshots are saved beside the
test's files; with ``--update-golden`` those of the Chinese pages are also written to
``docs/images/`` for docs/web.md. Pixel comparison with stored screenshots is not done: the
measurable properties above are the test (fonts and anti-aliasing differ between machines).

The PDFs of both bundled plans, in both languages, are checked word by word (pdftotext
``-bbox``): every word lies inside the A4 page's text column.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from kaoping.assess.tasks import example_assignment_path
from kaoping.store import Store

from .server import serve
from .test_browser_flow import ARGS, CHROMIUM, login

PLAN, DEPT, YEAR = "zhengzhou-2009-2020", "aviation", 2020
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
WIDTHS = {1280: 900, 390: 844}  # window width: height (a desktop, a phone)
MIN_TEXT_PX = 11.0

#: name: (path, the element that shows the page is the one meant)
PAGES = {
    "overview": ("/", "#groups-chart"),
    "group": ("/g/economy", "#page-title"),
    "indicator": ("/i/gdp", "#series-chart"),
    "assessment": (f"/assessment?year={YEAR}", "#results-department"),
    "adjust": (f"/assessment/department:{DEPT}?year={YEAR}", "#adjust-form"),
}

#: where the documentation's screenshot of a page starts (else at the top)
DOCS_SCROLL = {"adjust": "#a-heading"}

MEASURE = """() => {
  const texts = [];
  for (const t of document.querySelectorAll('svg.chart text')) {
    const box = t.getBoundingClientRect();
    if (!box.width) continue;
    // the size on screen: the font size in the SVG's units times the SVG's scale
    const scale = Math.abs(t.ownerSVGElement.getScreenCTM().d);
    texts.push([parseFloat(getComputedStyle(t).fontSize) * scale, t.textContent.slice(0, 30)]);
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
          texts: texts};
}"""


#: the width of the adjustment form's grid: its columns and the gaps between them
GRID = """() => {
  const st = getComputedStyle(document.getElementById('adjust-form'));
  const cols = st.gridTemplateColumns.split(' ').map(parseFloat);
  return cols.reduce((a, b) => a + b, 0) + parseFloat(st.columnGap) * (cols.length - 1);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layout")
    db_url = f"sqlite:///{tmp / 'kaoping.db'}"
    with Store.open(db_url) as store:
        store.import_bundled(PLAN)
        path = example_assignment_path(PLAN)
        store.load_assignment(path.read_text(encoding="utf-8"), plan_id=PLAN, file=str(path))
        store.set_calendar(None, YEAR, plan_id=PLAN)
        store.create_user("reviewer", "reviewer-password-1", "reviewer")
    with serve(tmp, db_url) as server:
        yield server, tmp, db_url


@pytest.fixture(scope="module")
def shots(site, request):
    """Every page at both widths in both languages: measurements, CSP messages, screenshots."""
    server, tmp, _ = site
    update = request.config.getoption("--update-golden")
    out: dict[tuple[str, int, str], dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            messages: list[str] = []
            page.on("console", lambda m, into=messages: into.append(m.text))
            login(page, server.url, "reviewer", "reviewer-password-1")
            for lang in ("zh", "en"):
                for name, (path, marker) in PAGES.items():
                    messages.clear()
                    sep = "&" if "?" in path else "?"
                    page.goto(f"{server.url}{path}{sep}lang={lang}")
                    page.wait_for_selector(marker)
                    found = page.evaluate(MEASURE)
                    found["messages"] = list(messages)
                    if name == "adjust":
                        found["help"] = page.locator("#adjust-help").bounding_box()
                        found["grid"] = page.evaluate(GRID)
                    shot = tmp / f"{name}-{lang}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    if update and lang == "zh":
                        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
                        if name in DOCS_SCROLL:
                            page.locator(DOCS_SCROLL[name]).evaluate("e => e.scrollIntoView()")
                            page.evaluate("window.scrollBy(0, -8)")
                        page.screenshot(path=str(DOCS_IMAGES / f"web-{name}-{width}.png"))
                    found["shot"] = shot
                    out[(name, width, lang)] = found
            context.close()
        browser.close()
    return out


CASES = [(n, w, lang) for n in PAGES for w in WIDTHS for lang in ("zh", "en")]


@pytest.mark.parametrize(("name", "width", "lang"), CASES)
def test_nothing_is_wider_than_the_window(shots, name, width, lang):
    found = shots[(name, width, lang)]
    assert found["innerWidth"] == width
    assert found["scrollWidth"] <= found["innerWidth"], (name, width, lang, found["shot"])


@pytest.mark.parametrize(("name", "width", "lang"), CASES)
def test_no_style_is_blocked(shots, name, width, lang):
    blocked = [
        m
        for m in shots[(name, width, lang)]["messages"]
        if "Content Security Policy" in m or "Refused to apply inline style" in m
    ]
    assert blocked == []


@pytest.mark.parametrize(("name", "width", "lang"), CASES)
def test_chart_text_stays_readable(shots, name, width, lang):
    texts = shots[(name, width, lang)]["texts"]
    if name in ("overview", "indicator"):
        assert texts, f"no chart text measured on {name}"
    small = [(round(size, 1), text) for size, text in texts if size < MIN_TEXT_PX]
    assert small == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_adjustment_help_spans_the_form(shots, width):
    """The help line of the adjustment form spans both grid columns (a class, not an inline
    style the CSP would block): it is as wide as the form's grid, columns and gap."""
    found = shots[("adjust", width, "zh")]
    assert found["help"]["width"] == pytest.approx(found["grid"], abs=1)


# ---- PDF reports on A4 ----------------------------------------------------------------

A4_WIDTH_PT = 595.28
MARGIN_PT = 16 / 25.4 * 72  # the @page side margins of report.css (16 mm)
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)


def outside_margins(pdf: Path) -> list[tuple[int, float, float, str]]:
    """Words of the PDF that reach into the left or right margin (page, from, to, word)."""
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lo, hi = MARGIN_PT - 1.0, A4_WIDTH_PT - MARGIN_PT + 1.0
    bad = []
    for number, body in enumerate(text.split("<page ")[1:], 1):
        for m in WORD.finditer(body):
            x0, x1 = float(m.group(1)), float(m.group(2))
            if x0 < lo or x1 > hi:
                bad.append((number, x0, x1, html.unescape(m.group(3))))
    return bad


def test_outside_margins_finds_a_word_in_the_margin(tmp_path):
    """The check itself: a page with a word in the right margin is caught."""
    from weasyprint import HTML

    pdf = tmp_path / "wide.pdf"
    HTML(
        string="<style>@page { size: A4; margin: 20mm 16mm }</style><p>inside</p>"
        '<p style="margin-left: 175mm; white-space: nowrap">farright</p>'
    ).write_pdf(pdf)
    words = [w for _, _, _, w in outside_margins(pdf)]
    assert "farright" in words and "inside" not in words


REPORTS = [
    ("evaluation", "zhengzhou-2009-2020", "zh"),
    ("evaluation", "zhengzhou-2009-2020", "en"),
    ("evaluation", "cn-fyp13", "zh"),
    ("evaluation", "cn-fyp13", "en"),
    ("assessment", PLAN, "zh"),
    ("assessment", PLAN, "en"),
]


@pytest.fixture(scope="module")
def pdfs(site, request):
    """The reports as the CLI writes them, two at a time."""
    _, tmp, db_url = site
    update = request.config.getoption("--update-golden")
    paths = {}
    procs = []
    for kind, plan, lang in REPORTS:
        out = tmp / f"{plan}-{kind}-{lang}.pdf"
        cmd = [sys.executable, "-m", "kaoping.cli", "report", kind, "--year", str(YEAR)]
        cmd += ["--lang", lang, "-o", str(out)]
        cmd += ["--db", db_url] if kind == "assessment" else [plan]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        paths[(kind, plan, lang)] = out
        if len(procs) == 2:
            for proc in procs:
                assert proc.wait(timeout=300) == 0, proc.stdout.read().decode()
            procs = []
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stdout.read().decode()
    if update and shutil.which("pdftoppm"):
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        for (kind, plan, lang), pdf in paths.items():
            if lang == "zh" and plan == PLAN:
                # the page with the first table of the report (the group scores, the results)
                page = "3" if kind == "evaluation" else "2"
                stem = DOCS_IMAGES / f"report-{kind}-zh"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        "80",
                        "-png",
                        "-singlefile",
                        "-f",
                        page,
                        "-l",
                        page,
                        str(pdf),
                        str(stem),
                    ],
                    check=True,
                )
    return paths


@pytest.mark.parametrize(("kind", "plan", "lang"), REPORTS)
def test_every_pdf_word_is_inside_the_margins(pdfs, kind, plan, lang):
    pdf = pdfs[(kind, plan, lang)]
    assert pdf.stat().st_size > 10_000
    assert outside_margins(pdf) == []
