"""A target in words, in each language, from its parsed expression.

    target_text(">= 50e8", "zh", unit="USD")        # ≥ 50亿美元
    target_text(">= 50e8", "en", unit="USD")        # ≥ 5 billion USD
    target_text("every year growth > growth(fiscal_recurrent_revenue)", "zh",
                names={"fiscal_recurrent_revenue": "地方财政经常性收入"})
                                                    # 每年增速高于地方财政经常性收入增速

Pure functions of the expression (:mod:`kaoping.plan.expr`), the indicator's unit and the
names of the indicators it refers to. The words are in the catalogs (msgctxt ``target``);
the raw expression stays what experts read (the pages show it beside the words).

- a level against a number is written with its sign and the unit, large figures in 万/亿
  (million/billion): ``≥ 50亿美元``; against another indicator in words: ``不低于…``;
- ``growth`` is the average annual growth (年均增长), ``change`` the change since the
  reference year (``vs YEAR``, else the plan's base year): a rise or a fall when the sign
  and the comparison say so (``change <= -15%`` → 下降至少15%);
- ``~ c ± t`` reads "about c", ``in [a, b]`` "between a and b";
- an all-of target joins its conditions with "and" (且), a schedule lists its years.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..plan.expr import About, Between, Compare, ExprError, Number, Ref, Target, parse_target
from . import label
from .formats import format_large, format_number, with_unit

SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
#: units written as a percent sign
PERCENT_UNITS = ("%", "％")
PERMILLE_UNITS = ("‰", "permille")

__all__ = ["conditions_text", "plan_names", "schedule_text", "target_text"]


def _w(key: str, lang: str, **kw: object) -> str:
    return label("target", key, lang, **kw)


def plan_names(plan: object, lang: str) -> dict[str, str]:
    """Every indicator's name in ``lang``: what a reference ``growth(KEY)`` reads as."""
    out: dict[str, str] = {}
    for ind in getattr(plan, "indicators", ()):
        name = getattr(ind, "name", None)
        out[ind.key] = name.get(lang) if hasattr(name, "get") else str(name or ind.key)
    return out


def _num(v: float, lang: str, *, large: bool = True) -> str:
    return format_large(v, lang) if large else format_number(v, lang)


def _amount(v: float, lang: str, unit: str | None, percent: bool = False) -> str:
    """A constant with its unit: ``50亿美元``, ``6.5%``, ``5 billion USD``."""
    u = (unit or "").strip()
    if percent or u in PERCENT_UNITS:
        return f"{format_number(v, lang)}%"
    if u in PERMILLE_UNITS:
        return f"{format_number(v, lang)}‰"
    text = _num(v, lang)
    return with_unit(text, label("unit", u, lang) if u else None, lang)


def _percent(v: float, lang: str) -> str:
    return f"{format_number(v, lang)}%"


def _diff(v: float, lang: str, unit: str | None, pct: bool) -> str:
    """A difference: percentage points for rates and percent units, else the unit."""
    if pct or (unit or "").strip() in PERCENT_UNITS:
        return _w("points", lang, n=format_number(v, lang))
    return _amount(v, lang, unit)


def _ref(ref: Ref, lang: str, names: Mapping[str, str], unit: str | None) -> str:
    """``growth(gdp)`` → 地区生产总值增速 / the growth of GDP; with factor and offset."""
    name = names.get(ref.key, ref.key)
    text = _w(f"ref_{ref.kind}", lang, name=name)
    if ref.factor != 1.0:
        text = _w("ref_factor", lang, ref=text, factor=format_number(ref.factor, lang))
    if ref.offset:
        amount = _diff(abs(ref.offset), lang, unit, ref.kind in ("change", "growth"))
        key = "ref_plus" if ref.offset > 0 else "ref_minus"
        text = _w(key, lang, ref=text, amount=amount)
    return text


def _operand(
    x: Number | Ref, lang: str, names: Mapping[str, str], unit: str | None, pct: bool
) -> str:
    if isinstance(x, Ref):
        return _ref(x, lang, names, unit)
    return _percent(x.value, lang) if pct else _amount(x.value, lang, unit, x.percent)


def _condition(
    t: Target, lang: str, names: Mapping[str, str], unit: str | None, pct: bool
) -> tuple[str, bool]:
    """The condition's words and whether they are a comparison word (不低于…) or a sign."""
    c = t.condition
    if isinstance(c, Compare):
        rhs = _operand(c.rhs, lang, names, unit, pct)
        if isinstance(c.rhs, Ref) or t.measure != "level":
            return _w(f"op_{c.op}", lang, x=rhs), True
        return f"{SYMBOL[c.op]} {rhs}", False
    if isinstance(c, About):
        text = _w("about", lang, x=_operand(c.centre, lang, names, unit, pct))
        if c.tol is not None:
            if c.tol.relative:
                tol = _percent(c.tol.value, lang)
            else:
                tol = _diff(c.tol.value, lang, unit, pct)
            text = _w("tolerance", lang, x=text, tol=tol)
        return text, True
    assert isinstance(c, Between)
    lo = _percent(c.lo, lang) if pct or c.percent else _amount(c.lo, lang, unit)
    hi = _percent(c.hi, lang) if pct or c.percent else _amount(c.hi, lang, unit)
    return _w("between", lang, lo=lo, hi=hi), True


def _growth_faster(t: Target, lang: str, names: Mapping[str, str]) -> str | None:
    """``growth > growth(x)`` as a comparison of speeds: grows faster than x (增速高于x增速)."""
    c = t.condition
    if not (isinstance(c, Compare) and isinstance(c.rhs, Ref)):
        return None
    r = c.rhs
    if r.kind != "growth" or r.factor != 1.0 or r.offset or c.op == "==":
        return None
    key = f"faster_{c.op}" + ("_every" if t.every_year else "")
    return _w(key, lang, name=names.get(r.key, r.key))


def _change(t: Target, lang: str, names: Mapping[str, str], unit: str | None) -> str:
    c = t.condition
    pct = t.relative
    if isinstance(c, Compare) and isinstance(c.rhs, Number) and c.op != "==":
        v = c.rhs.value
        amount = _percent(abs(v), lang) if pct else _amount(abs(v), lang, unit, c.rhs.percent)
        strict = c.op in (">", "<")
        if c.op in (">=", ">") and v > 0:
            return _w("rise_more" if strict else "rise_least", lang, x=amount)
        if c.op in ("<=", "<") and v < 0:
            return _w("fall_more" if strict else "fall_least", lang, x=amount)
    words, _ = _condition(t, lang, names, unit, pct)
    return _w("change", lang, x=words)


def target_text(
    expr: str | Target,
    lang: str,
    *,
    unit: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """One target expression in words (the expression itself if it does not parse)."""
    names = names or {}
    try:
        t = parse_target(expr) if isinstance(expr, str) else expr
    except ExprError:
        return str(expr)
    if t.measure == "growth":
        faster = _growth_faster(t, lang, names)
        if faster is not None:  # "each year" is in the words already
            return _vs(faster, t, lang)
        words, _ = _condition(t, lang, names, unit, True)
        return _vs(_w("growth_every" if t.every_year else "growth", lang, x=words), t, lang)
    if t.measure == "change":
        text = _change(t, lang, names, unit)
    else:
        text, _ = _condition(t, lang, names, unit, False)
    text = _vs(text, t, lang)
    return _w("every_year", lang, x=text) if t.every_year else text


def _vs(text: str, t: Target, lang: str) -> str:
    if t.ref_year is None:
        return text
    key = "since" if t.measure == "growth" else "from"
    return _w(key, lang, x=text, year=t.ref_year)


def conditions_text(
    exprs: Iterable[str | Target],
    lang: str,
    *,
    unit: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """An all-of target: every condition in words, joined by "and" (且)."""
    parts = [target_text(e, lang, unit=unit, names=names) for e in exprs]
    return _w("and", lang).join(parts)


def schedule_text(
    entries: Iterable[tuple[int, str | Target]],
    lang: str,
    *,
    unit: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """A schedule (年度目标): "2021年：≥ 6%；2022年：6%左右" / "2021: ≥ 6%; 2022: about 6%"."""
    parts = [
        _w("year_entry", lang, year=year, x=target_text(e, lang, unit=unit, names=names))
        for year, e in entries
    ]
    return _w("list_sep", lang).join(parts)


def spec_text(
    spec: object,
    lang: str,
    *,
    unit: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """A plan's target (:class:`kaoping.plan.model.TargetSpec`) in words: its expression,
    its all-of conditions, or "qualitative target" (定性目标)."""
    conditions = getattr(spec, "conditions", ())
    if getattr(spec, "all", None) is not None:
        return conditions_text(conditions, lang, unit=unit, names=names)
    if getattr(spec, "expr", None):
        return target_text(spec.expr, lang, unit=unit, names=names)  # type: ignore[attr-defined]
    return _w("qualitative", lang)
