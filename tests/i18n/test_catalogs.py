"""The message catalogs: every key the code and the templates use has a Chinese translation,
the Chinese catalog speaks Chinese, and the helpers read the catalogs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kaoping.engine.result import REASONS, STATUSES
from kaoping.i18n import _, gettext_for, label, po_path
from kaoping.i18n.codes import REASON, STATUS

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "kaoping"

#: Latin words a Chinese page may show: names of formats and standards, and the link to the
#: English pages (other_lang)
ALLOWED_LATIN = {"API", "OpenAPI", "CSV", "JSON", "PDF", "HTML", "Excel", "SHA", "xlsx"}
ALLOWED_KEYS = {"other_lang"}


def _catalog(lang: str):
    with po_path(lang).open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str | None, str]]:
    pot = tmp_path_factory.mktemp("pot") / "kaoping.pot"
    cmd = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract"]
    cmd += ["-F", str(PKG / "i18n" / "babel.cfg"), "-o", str(pot), "--no-location"]
    for k in ("tr", "t", "K_", "N_:1c,2", "label:1c,2"):
        cmd += ["-k", k]
    subprocess.run([*cmd, str(PKG)], check=True, capture_output=True)
    with pot.open("rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


def test_extraction_finds_template_python_and_report_words(extracted):
    assert (None, "overview") in extracted  # t('overview') in the templates
    assert ("status", "lagging") in extracted  # N_("status", "lagging") in codes.py
    assert ("report", "as_of") in extracted  # w("as_of", lang) in the reports
    assert ("words", "score_meaning") in extracted  # word("score_meaning", lang)
    # a subscript w["row"] is not a call of the reports' helper
    assert ("report", "row") not in extracted


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_extracted_key_is_translated(extracted, lang):
    translated = {(m.context, m.id) for m in _catalog(lang) if m.id and m.string}
    missing = sorted(extracted - translated, key=str)
    assert not missing, f"{lang}.po lacks a translation for {missing[:20]}"


def test_no_empty_or_fuzzy_msgstr_in_zh():
    bad = [(m.context, m.id) for m in _catalog("zh") if m.id and (not m.string or m.fuzzy)]
    assert not bad


def test_no_english_in_the_chinese_catalog():
    found = []
    for m in _catalog("zh"):
        if not m.id or m.id in ALLOWED_KEYS:
            continue
        text = re.sub(r"\{[a-z_]+\}", "", m.string)  # format fields are not words
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN
        if words:
            found.append((m.context, m.id, sorted(words)))
    assert not found, found[:20]


def test_no_cjk_list_comma_in_the_english_catalog():
    bad = [m.id for m in _catalog("en") if m.id and re.search(r"[、，。；：（）]", m.string)]
    assert not bad


def test_every_status_and_reason_of_the_engine_is_translated():
    assert set(STATUSES) <= set(STATUS)
    assert set(REASONS) <= set(REASON)
    for code in (*STATUSES, *REASONS):
        zh = label("status" if code in STATUSES else "reason", code, "zh")
        assert zh != code and not re.search(r"[A-Za-z]", zh), code


def test_helpers_read_the_catalogs():
    assert _("approve_all", "zh", n=3) == "全部批准（3 行）"
    assert _("approve_all", "en", n=3) == "Approve all 3"
    assert label("status", "lagging", "zh") == "滞后"
    assert label("unit", "USD", "zh") == "美元"
    assert label("role", "admin", "zh") == "管理员"
    assert label("status", "", "zh") == ""
    assert _("no-such-key", "zh") == "no-such-key"  # gettext gives the msgid back
    assert gettext_for("fr") is gettext_for("en")  # an unknown language reads English
    assert STATUS["lagging"] == {"en": "lagging", "zh": "滞后"}
