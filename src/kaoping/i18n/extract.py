"""Babel's Python extractor, knowing the reports' two word helpers.

``w("as_of", lang)`` (the reports' words) and ``word("score", lang)`` (the short words of the
scorecard) are read as ``pgettext("report", "as_of")`` and ``pgettext("words", "score")``;
they are found with :mod:`ast` (calls only, never a subscript such as ``w["row"]``).
Named in ``babel.cfg`` (``[extractors]``)."""

from __future__ import annotations

import ast
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python as _babel_python

#: helper name -> the msgctxt its key belongs to
CONTEXTS = {"w": "report", "word": "words"}

#: keywords of the templates only: in Python, ``t`` is as often a local name as a helper
TEMPLATE_ONLY = ("t",)


def extract_python(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any] | Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, Any, list[str]]]:
    wanted = dict(keywords) if isinstance(keywords, Mapping) else dict.fromkeys(keywords)
    for name in (*TEMPLATE_ONLY, *CONTEXTS):
        wanted.pop(name, None)
    source = fileobj.read()
    yield from _babel_python(io.BytesIO(source), wanted, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in CONTEXTS
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            ctx = CONTEXTS[node.func.id]
            yield node.lineno, "pgettext", (ctx, node.args[0].value), []
