"""Golden files that hold on any CPU: floats rounded when written, compared with a tolerance.

The same evaluation gives floats that differ in their last bits from one CPU to another
(``np.power``, ``np.log`` and friends are not correctly rounded, and NumPy picks a different
SIMD implementation on different processors). A golden file therefore never holds a float to
the last bit:

- **Writing** (``pytest --update-golden``): every float is rounded to
  :data:`SIGNIFICANT_DIGITS` significant digits, in JSON data and in text alike (in text, a
  number printed with more significant digits than that, e.g. ``8.637118764036922``, is a
  float's full ``repr``).
- **Comparing**: floats match when ``math.isclose(expected, actual, rel_tol=REL_TOL,
  abs_tol=ABS_TOL)``, recursively through dicts and lists; every other JSON value (keys,
  strings, ints, booleans, null) must be equal, and ints stay ints.
- **Text** (the reports; strings in JSON data): everything but the numbers must be equal, and
  the numbers are compared one by one. A full-precision float matches within ``REL_TOL``. A
  number rounded for display (it has a decimal point, thousands separators or a percent sign)
  may differ by one unit in its last displayed digit, because a value that lies on a rounding
  boundary (``150.25`` shown with one decimal) can round either way after a last-bit
  difference. A plain integer (a count, a year) must be equal.

Golden files are written by ``--update-golden`` only, never by hand.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from decimal import Decimal
from typing import Any

#: Significant digits a golden file keeps of every float.
SIGNIFICANT_DIGITS = 10
#: Relative tolerance of the comparison. Rounding to 10 significant digits moves a value by at
#: most half a unit in its 10th digit, i.e. by at most 5e-10 of the value; differences between
#: CPUs are a few units in the last place (about 1e-15 relative). 1e-9 covers both with room,
#: and still catches any change of the results that matters (1e-6 relative fails).
REL_TOL = 1e-9
#: Absolute tolerance, for a value that is zero on one machine and the residue of a
#: cancellation (about 1e-16 for shares, rates and ratios) on another.
ABS_TOL = 1e-12

#: A number in text: optional sign, digits with optional thousands separators, decimals and
#: exponent, and an optional percent sign; not part of a word (``sha256``, ``93072ee17b9c``).
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<sign>[-−]?)"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"(?P<pct>%?)(?![A-Za-z0-9_])"
)
#: How many differences a failure message lists.
SHOWN = 20


def round_float(x: float) -> float:
    """``x`` rounded to :data:`SIGNIFICANT_DIGITS` significant digits (NaN and ±inf as they are)."""
    if not math.isfinite(x):
        return x
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}")


def is_full_float(num: str) -> bool:
    """A number printed with more significant digits than a golden file keeps: a float's repr."""
    if "," in num or not ("." in num or "e" in num.lower()):
        return False
    return len(Decimal(num).normalize().as_tuple().digits) > SIGNIFICANT_DIGITS


def round_text(text: str) -> str:
    """``text`` with every full-precision float rounded to :data:`SIGNIFICANT_DIGITS` digits."""

    def repl(m: re.Match) -> str:
        num = m["num"]
        if not is_full_float(num):
            return m[0]
        return f"{m['sign']}{round_float(float(num))!r}{m['pct']}"

    return NUMBER.sub(repl, text)


def round_data(data: Any) -> Any:
    """JSON-able ``data`` with every float (also in strings) rounded as golden files keep it."""
    if isinstance(data, dict):
        return {k: round_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [round_data(v) for v in data]
    if isinstance(data, float):
        return round_float(data)
    if isinstance(data, str):
        return round_text(data)
    return data


def golden_text(actual: Any) -> str:
    """The content of the golden file for ``actual`` (text, or JSON-able data)."""
    if isinstance(actual, str):
        return round_text(actual)
    return json.dumps(round_data(actual), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _value(m: re.Match) -> float:
    v = float(m["num"].replace(",", ""))
    return -v if m["sign"] else v


def _last_place(num: str) -> int:
    """The decimal exponent of the last digit shown: 0 for ``34,063``, -2 for ``2.99``."""
    return Decimal(num.replace(",", "")).as_tuple().exponent


def numbers_match(expected: re.Match, actual: re.Match) -> bool:
    """Whether two numbers in text are the same number (see the module's docstring)."""
    if expected[0] == actual[0]:
        return True
    if expected["pct"] != actual["pct"]:
        return False
    e, a = _value(expected), _value(actual)
    ne, na = expected["num"], actual["num"]
    full = any(is_full_float(n) or "e" in n.lower() for n in (ne, na))
    if (full or _last_place(ne) == _last_place(na)) and math.isclose(
        e, a, rel_tol=REL_TOL, abs_tol=ABS_TOL
    ):
        return True
    if full:
        return False
    displayed = any("." in n or "," in n for n in (ne, na)) or expected["pct"]
    if not displayed:
        return False  # a count or a year
    unit = 10.0 ** min(_last_place(ne), _last_place(na))
    return abs(e - a) <= unit * (1 + REL_TOL)


def _line_matches(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if NUMBER.sub("\0", expected) != NUMBER.sub("\0", actual):
        return False  # the words differ, or the count of numbers
    pairs = zip(NUMBER.finditer(expected), NUMBER.finditer(actual), strict=True)
    return all(numbers_match(e, a) for e, a in pairs)


def text_mismatches(expected: str, actual: str, where: str = "") -> list[str]:
    """The lines in which ``actual`` differs from the golden ``expected`` text."""
    el, al = expected.splitlines(), actual.splitlines()
    if len(el) != len(al):
        diff = difflib.unified_diff(el, al, "golden", "actual", n=1, lineterm="")
        return [f"{where}lines added or removed:\n" + "\n".join(list(diff)[: 4 * SHOWN])]
    return [
        f"{where}line {n}:\n  golden: {e}\n  actual: {a}"
        for n, (e, a) in enumerate(zip(el, al, strict=True), 1)
        if not _line_matches(e, a)
    ]


def data_mismatches(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where JSON ``actual`` differs from the golden ``expected`` (see the module docstring)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{path}: key {k!r} missing" for k in expected.keys() - actual.keys()]
        out += [f"{path}: key {k!r} not in the golden file" for k in actual.keys() - expected]
        for k in sorted(expected.keys() & actual.keys()):
            out += data_mismatches(expected[k], actual[k], f"{path}.{k}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, the golden file has {len(expected)}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += data_mismatches(e, a, f"{path}[{i}]")
        return out
    if isinstance(expected, float) and isinstance(actual, float):
        same = (math.isnan(expected) and math.isnan(actual)) or math.isclose(
            expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL
        )
        return [] if same else [f"{path}: {actual!r}, the golden file has {expected!r}"]
    if isinstance(expected, str) and isinstance(actual, str):
        return text_mismatches(expected, actual, f"{path}: ")
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: {actual!r}, the golden file has {expected!r}"]
    return []


def mismatches(golden: str, actual: Any) -> list[str]:
    """Where ``actual`` (text, or JSON-able data) differs from the content of a golden file."""
    if isinstance(actual, str):
        return text_mismatches(golden, actual)
    as_json = json.loads(json.dumps(actual, ensure_ascii=False))
    return data_mismatches(json.loads(golden), as_json)
