"""Numbers, percents, large figures, signed values, times and dates, as each language writes them.

Every function takes the page's language (``"zh"`` or ``"en"``) and formats with Babel's
locale data (CLDR): ``zh`` is the locale ``zh_Hans_CN``, ``en`` is ``en``. A missing value
(``None`` or NaN) is shown as "—". The rules (also in docs/web.md):

- **Rounding** is Babel's: half to even, applied to the shortest decimal form of the number
  (``2.675`` → ``2.68``; ``1.25`` → ``1.2``). A value that rounds to zero is shown without a
  sign: never ``-0`` or ``−0.0``.
- :func:`format_number` without ``digits`` keeps few decimals by size — the one digit rule of
  every view (:func:`kaoping.report.scorecard.fmt_number` is this function): none from 10,000,
  at most one from 100, at most two from 1, three significant digits below 1 (written out, never
  in exponent form); trailing zeros dropped. With ``digits`` it shows exactly that many.
  Thousands are grouped with "," in both languages. Rounding the shortest decimal form rather
  than the binary value can show a figure one unit apart in its last digit from Python's own
  ``f"{v:.2f}"`` (``2.675`` → ``2.68`` here, ``2.67`` there), never more.
- :func:`format_large` writes big figures in the language's own units: in Chinese from 10,000
  up in 万 (10⁴), 亿 (10⁸) and 万亿 (10¹²) — ``12_345`` → ``1.23万``, ``2_950_000_000`` →
  ``29.5亿`` — and in English from a million up in millions, billions and trillions —
  ``2_950_000_000`` → ``2.95 billion``; at most two decimals, trailing zeros dropped. Smaller
  figures are written out by :func:`format_number`.
- :func:`format_value` is an indicator's value in a report: in large units from 100,000 (10万)
  in Chinese and from a million in English, unless the unit carries a scale of its own
  (``万元``, ``亿元``, ``100 million yuan``, ``thousand``: ``12,003亿元`` is not rewritten as
  ``1.2万亿亿元``); below that, or for such units, :func:`format_number`. :func:`format_quantity`
  adds the unit after a space (``34,063 元``, ``59 %``), except that a Chinese figure in large
  units takes its unit attached, as a compound unit is written (``16.2亿美元``).
- :func:`format_list` lists words as the language does, with the separator of its CLDR list
  pattern: ``A、B、C`` / ``A, B, C``.
- A unit follows the number: directly for ``%`` and ``‰`` and in Chinese (``6.1%``,
  ``29,095元``), after a space in English (``29,095 yuan``).
- Times are shown in local time to the minute, ``2026-11-30 19:29`` in both languages (the
  setting ``KAOPING_TIMEZONE``, by default ``Asia/Shanghai``); a time without a zone is taken
  as UTC, as the store keeps it. Dates are ``2026年11月30日`` / ``Nov 30, 2026``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_compact_decimal, format_decimal
from babel.numbers import format_percent as _babel_percent

__all__ = [
    "DEFAULT_TIMEZONE",
    "MISSING",
    "babel_locale",
    "format_date",
    "format_datetime",
    "format_large",
    "format_list",
    "format_number",
    "format_percent",
    "format_quantity",
    "format_signed",
    "format_value",
    "has_own_scale",
    "with_unit",
]

MISSING = "—"
DEFAULT_TIMEZONE = "Asia/Shanghai"
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
# where a figure starts to be written in the language's large units
LARGE_FROM = {"zh": 1e4, "en": 1e6}
LARGE_DIGITS = 2
# where an indicator's value in a report starts to be written in large units
VALUE_LARGE_FROM = {"zh": 1e5, "en": 1e6}
#: a unit that carries a scale of its own (万元, 亿元, 100 million yuan, thousand people):
#: its values are never rewritten in large units. The characters 万 (10⁴), 亿 (10⁸), 千 and
#: 百 are the Chinese number units themselves, which CLDR names only as compact patterns.
OWN_SCALE = re.compile(r"[万亿千百]|thousand|million|billion|trillion|hundred|10,?000", re.I)
ATTACHED_UNITS = frozenset({"%", "‰", "％"})


def babel_locale(lang: str) -> str:
    """The Babel locale of a page language (English for anything but Chinese)."""
    return LOCALES.get(lang, LOCALES["zh"] if str(lang).startswith("zh") else "en")


def _missing(v: object) -> bool:
    if v is None:
        return True
    try:
        return math.isnan(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _unsigned_zero(v: float, digits: int) -> float:
    """``v``, or 0.0 when it rounds to zero at ``digits`` decimals (so no "-0" is shown)."""
    if Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-digits)) == 0:
        return 0.0
    return float(v)


def _auto_digits(a: float) -> int:
    """The reports' decimals by size: 0 from 10,000, 1 from 100, 2 from 1, else 3 significant."""
    if a >= 1e4:
        return 0
    if a >= 100:
        return 1
    if a >= 1 or a == 0:
        return 2
    return min(12, 2 - math.floor(math.log10(a)))


def with_unit(text: str, unit: str | None, lang: str) -> str:
    """A formatted number followed by its unit (see the module's rules)."""
    unit = (unit or "").strip()
    if not unit or text == MISSING:
        return text
    if unit in ATTACHED_UNITS or babel_locale(lang).startswith("zh"):
        return f"{text}{unit}"
    return f"{text} {unit}"


def format_number(
    v: float | int | None, lang: str, *, unit: str | None = None, digits: int | None = None
) -> str:
    """A number for reading: grouped thousands, decimals by size (or exactly ``digits``)."""
    if _missing(v):
        return MISSING
    x = float(v)  # type: ignore[arg-type]
    if math.isinf(x):
        return with_unit(("-" if x < 0 else "") + "∞", unit, lang)
    if digits is None:
        d = _auto_digits(abs(x))
        pattern = "#,##0" + ("." + "#" * d if d else "")
    else:
        d = max(0, int(digits))
        pattern = "#,##0" + ("." + "0" * d if d else "")
    x = _unsigned_zero(x, d)
    return with_unit(format_decimal(x, format=pattern, locale=babel_locale(lang)), unit, lang)


def format_large(
    v: float | int | None, lang: str, *, unit: str | None = None, start: float | None = None
) -> str:
    """A big figure in the language's units: 万/亿/万亿 in Chinese, million/billion in English
    (from ``start``, by default 10,000 in Chinese and a million in English)."""
    if _missing(v):
        return MISSING
    x = float(v)  # type: ignore[arg-type]
    code = "zh" if babel_locale(lang).startswith("zh") else "en"
    if math.isinf(x) or abs(x) < (LARGE_FROM[code] if start is None else start):
        return format_number(x, lang, unit=unit)
    text = format_compact_decimal(
        x,
        format_type="short" if code == "zh" else "long",
        locale=babel_locale(lang),
        fraction_digits=LARGE_DIGITS,
    )
    return with_unit(text, unit, lang)


def has_own_scale(unit: str | None) -> bool:
    """Whether ``unit`` carries a scale of its own (``万元``, ``100 million yuan``)."""
    return bool(unit) and OWN_SCALE.search(str(unit)) is not None


def format_value(v: float | int | None, lang: str, *, unit: str | None = None) -> str:
    """An indicator's value in a report (the number only; ``unit`` decides whether a large
    figure is rewritten in large units, see the module's rules)."""
    if has_own_scale(unit):
        return format_number(v, lang)
    code = "zh" if babel_locale(lang).startswith("zh") else "en"
    return format_large(v, lang, start=VALUE_LARGE_FROM[code])


def format_quantity(
    v: float | int | None,
    lang: str,
    *,
    unit: str | None = None,
    number: Callable[[str], str] | None = None,
) -> str:
    """An indicator's value and its unit in a report (:func:`format_value`, see the module's
    rules); ``number``, when given, rewrites the number before the unit is added (a bound:
    "> 25", :func:`kaoping.report.labels.censored_text`)."""
    text = format_value(v, lang, unit=unit)
    large = text != format_number(v, lang)
    if number is not None:
        text = number(text)
    u = (unit or "").strip()
    if not u or text == MISSING:
        return text
    if large and babel_locale(lang).startswith("zh"):
        return f"{text}{u}"
    return f"{text} {u}"


def format_list(items: Iterable[object], lang: str) -> str:
    """Words listed as the language lists them, with the middle separator of the locale's
    CLDR list pattern (Babel): ``A、B、C`` in Chinese, ``A, B, C`` in English."""
    pattern = Locale.parse(babel_locale(lang)).list_patterns["standard"]["middle"]
    sep = pattern.replace("{0}", "").replace("{1}", "")
    return sep.join(str(x) for x in items)


def format_percent(v: float | None, lang: str, digits: int = 0) -> str:
    """A share (0–1) as a percent: ``0.345`` → ``34.5%`` with one digit; never "-0%"."""
    if _missing(v):
        return MISSING
    d = max(0, int(digits))
    x = _unsigned_zero(float(v) * 100, d) / 100  # type: ignore[arg-type]
    pattern = "#,##0" + ("." + "0" * d if d else "") + "%"
    return _babel_percent(x, format=pattern, locale=babel_locale(lang))


def format_signed(v: float | None, lang: str, digits: int = 1, *, unit: str | None = None) -> str:
    """A change with its sign: ``+1.5``, ``-0.3``; a value that rounds to zero is ``0.0``."""
    if _missing(v):
        return MISSING
    d = max(0, int(digits))
    x = _unsigned_zero(float(v), d)  # type: ignore[arg-type]
    pattern = "+#,##0" + ("." + "0" * d if d else "") + ";-#,##0" + ("." + "0" * d if d else "")
    if x == 0:
        pattern = pattern.split(";")[0][1:]
    return with_unit(format_decimal(x, format=pattern, locale=babel_locale(lang)), unit, lang)


def _zone(tz: str | tzinfo | None) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    name = tz or os.environ.get("KAOPING_TIMEZONE") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


def _as_datetime(dt: datetime | date | str) -> datetime:
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt.strip().replace("Z", "+00:00"))
    if not isinstance(dt, datetime):
        return datetime(dt.year, dt.month, dt.day)
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def format_datetime(dt: datetime | str | None, lang: str, tz: str | tzinfo | None = None) -> str:
    """A moment in local time to the minute: ``2026-11-30 19:29`` (``tz``: a zone name or
    tzinfo; by default ``KAOPING_TIMEZONE`` or Asia/Shanghai). A naive time is UTC."""
    if dt is None or dt == "":
        return MISSING
    try:
        moment = _as_datetime(dt)
    except ValueError:
        return str(dt)
    return _babel_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=_zone(tz), locale=babel_locale(lang))


def format_date(d: date | datetime | str | None, lang: str, tz: str | tzinfo | None = None) -> str:
    """A day: ``2026年11月30日`` in Chinese, ``Nov 30, 2026`` in English (a datetime is first
    put in local time, as :func:`format_datetime` does)."""
    if d is None or d == "":
        return MISSING
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d.strip()) if len(d.strip()) == 10 else _as_datetime(d)
        except ValueError:
            return d
    if isinstance(d, datetime):
        d = _as_datetime(d).astimezone(_zone(tz)).date()
    zh = babel_locale(lang).startswith("zh")
    return _babel_date(d, "long" if zh else "medium", locale=babel_locale(lang))
