"""The PDF: a CJK font embedded (pdffonts), every page rendered (pdftoppm), and a clear
error, never empty boxes, when no CJK font is installed."""

from __future__ import annotations

import re
import subprocess

import pytest
from PIL import Image

from kaoping.cli import main
from kaoping.errors import KaopingError
from kaoping.report import fonts
from kaoping.report.build import evaluation_from_files, render


@pytest.fixture(scope="module")
def pdf_zh(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "evaluation-zh.pdf"
    path.write_bytes(render(evaluation_from_files(None, None, 2020, "zh"), "pdf"))
    return path


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def test_the_pdf_embeds_a_noto_cjk_font(pdf_zh):
    out = subprocess.run(["pdffonts", str(pdf_zh)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    cjk = [r for r in rows if "Noto-Sans-CJK" in r or "NotoSansCJK" in r]
    assert cjk, out.stdout
    # columns: name type encoding emb sub uni object ID; "emb" is the fourth from the end
    assert all(r.split()[-5] == "yes" for r in cjk), out.stdout


def test_every_page_renders(pdf_zh, tmp_path):
    pages = _pages(pdf_zh)
    assert pages > 10
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf_zh), str(tmp_path / "page")], check=True
    )
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages
    for png in pngs:
        lo, hi = Image.open(png).convert("L").getextrema()
        assert lo < 128 < hi, f"{png.name} is blank"


def test_the_english_pdf(tmp_path):
    body = render(evaluation_from_files(None, None, 2015, "en"), "pdf")
    assert body.startswith(b"%PDF")
    path = tmp_path / "en.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-l", "3", str(path), "-"], capture_output=True, text=True)
    assert "Plan evaluation report" in out.stdout
    assert "2 / " in out.stdout  # page numbers


def test_no_cjk_font_is_a_clear_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    doc = evaluation_from_files(None, None, 2020, "zh")
    with pytest.raises(KaopingError, match="no CJK font found: install fonts-noto-cjk"):
        render(doc, "pdf")
    out = tmp_path / "r.pdf"
    assert main(["report", "evaluation", "--format", "pdf", "-o", str(out)]) == 1
    assert "error: no CJK font found: install fonts-noto-cjk" in capsys.readouterr().err
    assert not out.exists()


def test_the_font_finder_needs_fontconfig(monkeypatch):
    fonts.find_cjk_font.cache_clear()
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    try:
        assert fonts.find_cjk_font() is None
    finally:
        monkeypatch.undo()
        fonts.find_cjk_font.cache_clear()
    found = fonts.find_cjk_font()
    assert found is not None and "CJK" in found.family
    assert found.regular.exists()
