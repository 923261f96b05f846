"""Strict reading of numbers, years and text from files and forms, and safe writing of text
into spreadsheets (CSV and Excel).

Numbers (:func:`parse_number`) — the forms accepted, and nothing else:

- ASCII digits ``0-9`` with an optional sign (``+``/``-``) and at most one decimal point:
  ``1234``, ``-0.5``, ``77179.25``;
- thousands separated by commas only in the strict form ``1,234,567.5`` (the first group of
  one to three digits, every further group of exactly three digits); any other comma is
  refused as a decimal comma (``30000,5`` → "write decimals with a point: 30000.5");
- an exponent in ASCII (``1.5e3``) is accepted;
- full-width (``１２３``), Arabic-Indic and other non-ASCII digits, spaces inside the number,
  ``inf``/``nan`` and underscores are refused;
- the value must be finite and at most :data:`MAX_MAGNITUDE` in size (the plan's bounds of
  each indicator are checked on top of this).

Values (:func:`parse_value`): a number as above, or a censored value — a bound that is
all a source says ("over 25", "under 0.5"). The number is stored with its ``censor``:

- ``>`` (a lower bound): ``>25``, ``>=25``, ``≥25``, ``超25``, ``超过25``, ``25以上``;
- ``<`` (an upper bound): ``<0.5``, ``<=0.5``, ``≤0.5``, ``0.5以下``;
- the signs may be full-width (``＞25``, ``＞＝25``, ``＜0.5``, ``≧25``, ``≦0.5``) and a
  space may follow the sign (``> 25``); the number itself follows the rules above;
- ``>`` and ``>=`` are not told apart (a published "25以上" may include 25): either way the
  value is at least about 25, and the evaluation says so;
- one sign only, before the number (or one of 以上/以下 after it): ``>>5``, ``>``,
  ``25>``, ``>25以上`` and ``<>5`` are refused with the reason (:class:`CensorError`).

Years (:func:`parse_year`): four ASCII digits.

Text (:func:`text_problem`): no control character other than tab, line feed and carriage
return (a NUL cannot be stored in PostgreSQL; the others are invisible and unsafe), and at
most :data:`MAX_TEXT` characters.

Writing (:func:`escape_formula`): a text that a spreadsheet program would run as a formula
— one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is written with
a leading apostrophe, as the OWASP guidance on CSV injection recommends. The importer
removes that apostrophe again, so an exported file imports back unchanged.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_MAGNITUDE = 1e15
MAX_TEXT = 4000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class NumberError(ValueError):
    """A text that is not a number in an accepted form; the message says why."""

    code = "not-a-number"


class CensorError(NumberError):
    """A value written as a bound (``>25``) in a form that is not accepted."""

    code = "bad-censor"


def parse_number(text: Any, *, max_magnitude: float = MAX_MAGNITUDE) -> float:
    """The number written in ``text`` (see the module's list of accepted forms)."""
    if isinstance(text, bool):
        raise NumberError(f"{text!r} is not a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        s = str(text).strip()
        if not s:
            raise NumberError("no number given")
        if _PLAIN.fullmatch(s):
            value = float(s)
        elif _THOUSANDS.fullmatch(s):
            value = float(s.replace(",", ""))
        elif "," in s and _PLAIN.fullmatch(s.replace(",", ".", 1)) and s.count(",") == 1:
            raise NumberError(
                f"{s!r} has a decimal comma: write decimals with a point "
                f"({s.replace(',', '.')}); commas may only separate thousands (1,234,567.5)"
            )
        elif any(c.isdigit() and not c.isascii() for c in s):
            raise NumberError(f"{s!r} is not a number: write digits as 0-9")
        else:
            raise NumberError(f"{s!r} is not a number")
    if not math.isfinite(value):
        raise NumberError(f"{text!r} is not a finite number")
    if abs(value) > max_magnitude:
        raise NumberError(f"{text!r} is too large: at most {max_magnitude:g} in size is accepted")
    return value


CENSORS = (">", "<")
# a sign before the number: the longest forms first (">=" before ">")
_SIGNS = (
    (">=", ">"),
    ("<=", "<"),
    ("≥", ">"),
    ("≤", "<"),
    ("≧", ">"),
    ("≦", "<"),
    (">", ">"),
    ("<", "<"),
    ("超过", ">"),
    ("超", ">"),
)
_AFTER = (("以上", ">"), ("以下", "<"))
_WIDE = str.maketrans({"＞": ">", "＜": "<", "＝": "=", "\u3000": " "})
_BOUND_HELP = "write a bound as >25, >=25, 超过25 or 25以上 (at least), <0.5 or 0.5以下 (at most)"
_MARKS = set("<>=≥≤≧≦超过以上下")


def parse_value(text: Any, *, max_magnitude: float = MAX_MAGNITUDE) -> tuple[float, str]:
    """The value written in ``text`` and its censor: ``(25.0, ">")`` for ``>25``,
    ``(0.5, "<")`` for ``0.5以下``, ``(25.0, "")`` for ``25`` (see the module's list)."""
    if not isinstance(text, str):
        return parse_number(text, max_magnitude=max_magnitude), ""
    s = text.strip().translate(_WIDE)
    censor, rest = "", s
    for sign, c in _SIGNS:
        if s.startswith(sign):
            censor, rest = c, s[len(sign) :].lstrip()
            break
    else:
        for word, c in _AFTER:
            if s.endswith(word):
                censor, rest = c, s[: -len(word)].rstrip()
                break
    if not censor:
        if any(ch in _MARKS for ch in s):
            raise CensorError(
                f"{text.strip()!r} is not a number or a bound: {_BOUND_HELP} "
                "(the sign before the number, 以上/以下 after it)"
            )
        return parse_number(text, max_magnitude=max_magnitude), ""
    if not rest:
        raise CensorError(f"{text.strip()!r} has no number with its sign: {_BOUND_HELP}")
    if any(ch in _MARKS for ch in rest):
        raise CensorError(
            f"{text.strip()!r} has more than one sign: {_BOUND_HELP}, with one sign only"
        )
    try:
        value = parse_number(rest, max_magnitude=max_magnitude)
    except NumberError as e:
        raise CensorError(f"{text.strip()!r}: the bound {e}; {_BOUND_HELP}") from None
    return value, censor


def format_value(value: float, censor: str = "") -> str:
    """A value as the importer reads it back: ``>25`` for a lower bound, ``25`` for 25.0,
    with every significant digit (``0.1`` stays ``0.1``)."""
    text = repr(float(value))
    text = text[:-2] if text.endswith(".0") else text
    return f"{censor}{text}" if censor in CENSORS else text


def parse_year(text: Any) -> int:
    """A year written as four ASCII digits (a whole number from a spreadsheet cell too)."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = str(text).strip()
    if not _YEAR.fullmatch(s):
        raise ValueError(f"{s!r} is not a year")
    return int(s)


def text_problem(value: str, max_length: int | None = MAX_TEXT) -> str | None:
    """Why ``value`` cannot be stored as text, or None if it can."""
    m = _CONTROL.search(value)
    if m:
        code = ord(m.group())
        what = "a NUL character" if code == 0 else f"the control character U+{code:04X}"
        return f"the text contains {what} at position {m.start() + 1}; remove it"
    if max_length is not None and len(value) > max_length:
        return f"the text is {len(value):,} characters long: at most {max_length:,} are accepted"
    return None


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def escape_formula(value: Any) -> Any:
    """``value`` as safe text for a spreadsheet cell: a formula-like text gets a leading ``'``."""
    if is_formula_like(value):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """The text an exported cell stands for (the apostrophe of :func:`escape_formula` removed)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def set_text_cell(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl cell; a formula-like text is stored as text, never a formula."""
    if is_formula_like(value):
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
