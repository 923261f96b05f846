"""Keep kaoping's message catalogs up to date (see docs/translation.md).

    ./uv run python scripts/i18n.py update      # extract code + templates, merge into every .po
    ./uv run python scripts/i18n.py check       # list keys without a translation (exit 1 if any)
    ./uv run python scripts/i18n.py init fr     # start a new language from the English catalog

``update`` runs ``pybabel extract`` with ``src/kaoping/i18n/babel.cfg`` into
``src/kaoping/i18n/locales/kaoping.pot``, writes the English text of every key beside it as an
extracted comment (``#. English: …``, what a translator reads), then ``pybabel update`` merges
the template into each language's ``kaoping.po`` (new keys come with an empty msgstr). The
catalogs are read as ``.po`` at run time: there is nothing to compile.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "kaoping"
LOCALES = PKG / "i18n" / "locales"
POT = LOCALES / "kaoping.pot"
KEYWORDS = ["tr", "t", "K_", "N_:1c,2", "label:1c,2"]


def po(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "kaoping.po"


def langs() -> list[str]:
    return sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES").is_dir())


def extract() -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract"]
    cmd += ["-F", str(PKG / "i18n" / "babel.cfg"), "-o", str(POT), "--sort-output"]
    cmd += ["--no-location", "--omit-header"]
    for k in KEYWORDS:
        cmd += ["-k", k]
    subprocess.run([*cmd, str(PKG)], check=True)
    with po("en").open("rb") as f:
        english = {(m.context, m.id): m.string for m in read_po(f) if m.id}
    with POT.open("rb") as f:
        template = read_po(f)
    for m in template:
        text = english.get((m.context, m.id))
        if m.id and text:
            m.auto_comments = ["English: " + " ".join(str(text).split())]
    with POT.open("wb") as f:
        write_po(f, template, width=100, omit_header=True)


def update() -> None:
    extract()
    for lang in langs():
        cmd = [sys.executable, "-m", "babel.messages.frontend", "-q", "update", "-i", str(POT)]
        cmd += ["-o", str(po(lang)), "-l", lang, "-D", "kaoping", "--no-fuzzy-matching"]
        cmd += ["--ignore-obsolete", "-w", "100"]
        subprocess.run(cmd, check=True)


def missing(lang: str) -> list[str]:
    with po(lang).open("rb") as f:
        cat = read_po(f)
    return [f"{m.context or ''}|{m.id}" for m in cat if m.id and (not m.string or m.fuzzy)]


def check() -> int:
    bad = 0
    for lang in langs():
        for key in missing(lang):
            print(f"{lang}: no translation for {key}")
            bad += 1
    return 1 if bad else 0


def init(lang: str) -> None:
    """A new language: the English catalog with every msgstr empty, the English as comments."""
    extract()
    cmd = [sys.executable, "-m", "babel.messages.frontend", "-q", "init", "-i", str(POT)]
    cmd += ["-d", str(LOCALES), "-l", lang, "-D", "kaoping", "-w", "100"]
    subprocess.run(cmd, check=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return check()
    if argv[:1] == ["check"]:
        return check()
    if argv[:1] == ["extract"]:
        extract()
        return 0
    if argv[:1] == ["init"] and len(argv) == 2:
        init(argv[1])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
