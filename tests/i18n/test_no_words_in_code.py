"""No module of the reports, the command line, the assessment or the data holds a Chinese
word or Chinese punctuation in a string: the words are in the message catalogs, read with
:mod:`kaoping.i18n` in the page's language. Docstrings and comments may quote Chinese."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "kaoping"
PACKAGES = ("report", "cli", "assess", "data")

#: CJK characters, CJK punctuation (、，。：；（）) and full-width forms
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

#: what a user may WRITE in a file, whatever the language of the page: not words kaoping shows
#: but the syntax it reads, so they are no catalog's business.
ALLOWED = {
    # a bound in a data cell: 超过25, 25以上, 0.5以下, full-width ＞ ＜ ＝ and the ideographic
    # space, and the messages that tell how to write one
    # (the characters of these words also make up a character class: 超过以上下)
    "data/cells.py": {"超过", "超", "以上", "以下", "下", "＞", "＜", "＝", "\u3000"},
    "data/template.py": {"超过25", "25以上", "0.5以下"},
    # a rating scale written "1至5" in the assignment file
    "assess/compute.py": {"至"},
    # the assignment file's own syntax quoted in its error messages ({zh: 统计局, en: …})
    "assess/tasks.py": {"示例", "统计局"},
}


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings or bare string statements."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            out.add(id(node.value))
    return out


def _cjk_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and CJK.search(node.value)
    ]


def _unexplained(rel: str, text: str) -> bool:
    allowed = ALLOWED.get(rel, set())
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, "")
    return CJK.search(text) is not None


@pytest.mark.parametrize("package", PACKAGES)
def test_no_chinese_words_in_code(package):
    found = []
    for path in sorted((PKG / package).rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        for line, text in _cjk_strings(path):
            if _unexplained(rel, text):
                found.append(f"{rel}:{line}: {text[:60]!r}")
    assert not found, "words to move into the catalogs:\n" + "\n".join(found)


def test_the_scan_finds_a_chinese_string_and_skips_a_docstring(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(
        '"""说明。"""\n\n\ndef f(lang):\n    """文档。"""\n'
        '    return "是" if lang == "zh" else "yes"\n'
    )
    assert _cjk_strings(f) == [(6, "是")]
    assert _unexplained("report/m.py", "是")
    assert not _unexplained("data/cells.py", "超过")


def _language_tests(path: Path) -> list[int]:
    """The lines comparing a language with a constant (``lang == "zh"``): where a module would
    choose its words by language instead of asking the catalogs."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            sides = [node.left, *node.comparators]
            names = {s.id for s in sides if isinstance(s, ast.Name)}
            consts = {s.value for s in sides if isinstance(s, ast.Constant)}
            if names & {"lang", "language"} and consts & {"zh", "en"}:
                out.append(node.lineno)
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_no_words_chosen_by_language(package):
    found = [
        f"{path.relative_to(PKG).as_posix()}:{line}"
        for path in sorted((PKG / package).rglob("*.py"))
        for line in _language_tests(path)
    ]
    assert not found, found


def test_the_scan_finds_a_language_test(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('def f(lang):\n    return 1 if lang == "zh" else 2\n')
    assert _language_tests(f) == [2]
