"""The target expression language: every form, its printed form, and its errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.plan.expr import (
    About,
    Between,
    Compare,
    ExprError,
    Number,
    Ref,
    Target,
    Tolerance,
    parse_target,
)

P = pytest.param

# text -> the Target it must parse to
FORMS = [
    # levels (达到 / 以上 / 以下 / 以内)
    P(">= 100000", Target("level", Compare(">=", Number(100000))), id="level-ge"),
    P("> 3000e8", Target("level", Compare(">", Number(3000e8))), id="level-gt-exponent"),
    P("< 4", Target("level", Compare("<", Number(4))), id="level-lt"),
    P("<= 6", Target("level", Compare("<=", Number(6))), id="level-le"),
    P("<= 6‰", Target("level", Compare("<=", Number(6))), id="level-permille"),
    P(">= 40%", Target("level", Compare(">=", Number(40, percent=True))), id="level-percent"),
    P("level >= 5", Target("level", Compare(">=", Number(5))), id="level-explicit"),
    P(">= 1_000_000", Target("level", Compare(">=", Number(1e6))), id="level-underscores"),
    P(">= -2.5", Target("level", Compare(">=", Number(-2.5))), id="level-negative"),
    P(">= .5", Target("level", Compare(">=", Number(0.5))), id="level-leading-dot"),
    # exact
    P("== 100", Target("level", Compare("==", Number(100))), id="exact"),
    # about (左右)
    P("~ 60", Target("level", About(Number(60))), id="about-default-tolerance"),
    P("~ 60 ± 2", Target("level", About(Number(60), Tolerance(2))), id="about-absolute"),
    P(
        "~ 60 +- 5%",
        Target("level", About(Number(60), Tolerance(5, relative=True))),
        id="about-relative",
    ),
    P("~ 60 ± 0", Target("level", About(Number(60), Tolerance(0))), id="about-zero-tolerance"),
    # ranges
    P("in [10, 20]", Target("level", Between(10, 20)), id="range"),
    P("in [3, 3]", Target("level", Between(3, 3)), id="range-single-point"),
    P(
        "change in [-20%, -10%]",
        Target("change", Between(-20, -10, percent=True), relative=True),
        id="range-change-relative",
    ),
    P(
        "change in [1, 2]",
        Target("change", Between(1, 2)),
        id="range-change-absolute",
    ),
    # change (减少15% / 降低50%左右 / 增加1)
    P(
        "change <= -15%",
        Target("change", Compare("<=", Number(-15, percent=True)), relative=True),
        id="change-relative",
    ),
    P(
        "change ~ -50%",
        Target("change", About(Number(-50, percent=True)), relative=True),
        id="change-about",
    ),
    P(
        "change >= 1",
        Target("change", Compare(">=", Number(1)), relative=False),
        id="change-absolute",
    ),
    P(
        "change <= -15% vs 2005",
        Target("change", Compare("<=", Number(-15, percent=True)), relative=True, ref_year=2005),
        id="change-vs-year",
    ),
    # growth (年均增长7%以上)
    P(
        "growth >= 7%",
        Target("growth", Compare(">=", Number(7, percent=True)), relative=True),
        id="growth",
    ),
    P(
        "growth >= 7% vs 2015",
        Target("growth", Compare(">=", Number(7, percent=True)), relative=True, ref_year=2015),
        id="growth-vs-year",
    ),
    # relative to another indicator (不低于GDP增速 / 与经济增长基本同步)
    P(
        "growth >= growth(gdp)",
        Target("growth", Compare(">=", Ref("growth", "gdp")), relative=True),
        id="growth-ref",
    ),
    P(
        "growth ~ growth(gdp)",
        Target("growth", About(Ref("growth", "gdp")), relative=True),
        id="growth-about-ref",
    ),
    P(
        "growth >= growth(gdp) + 1%",
        Target("growth", Compare(">=", Ref("growth", "gdp", offset=1)), relative=True),
        id="growth-ref-offset",
    ),
    P(
        "growth >= growth(gdp) - 0.5",
        Target("growth", Compare(">=", Ref("growth", "gdp", offset=-0.5)), relative=True),
        id="growth-ref-negative-offset",
    ),
    P(
        "change >= change(gdp)",
        Target("change", Compare(">=", Ref("change", "gdp")), relative=True),
        id="change-ref",
    ),
    P(">= value(gdp)", Target("level", Compare(">=", Ref("value", "gdp"))), id="value-ref"),
    P(
        ">= 0.5 * value(gdp)",
        Target("level", Compare(">=", Ref("value", "gdp", factor=0.5))),
        id="value-ref-factor",
    ),
    P(
        "<= value(gdp) - 3",
        Target("level", Compare("<=", Ref("value", "gdp", offset=-3))),
        id="value-ref-offset",
    ),
    # every year (每年…以上 / 逐年提高)
    P(
        "every year >= 50",
        Target("level", Compare(">=", Number(50)), every_year=True),
        id="every-year-level",
    ),
    P(
        "every year change > 0",
        Target("change", Compare(">", Number(0)), every_year=True),
        id="every-year-change",
    ),
    P(
        "every year growth > growth(x)",
        Target("growth", Compare(">", Ref("growth", "x")), every_year=True, relative=True),
        id="every-year-growth-ref",
    ),
    # full-width and typeset forms
    P("≥ 40%", Target("level", Compare(">=", Number(40, percent=True))), id="alias-ge"),
    P("≤ 6", Target("level", Compare("<=", Number(6))), id="alias-le"),
    P("～ 60", Target("level", About(Number(60))), id="alias-fullwidth-tilde"),
    P("⩾ 40", Target("level", Compare(">=", Number(40))), id="alias-slanted-ge"),
    P("＞ ４０％", Target("level", Compare(">", Number(40, percent=True))), id="alias-fullwidth"),
    P(
        "change ≤ −15％",
        Target("change", Compare("<=", Number(-15, True)), relative=True),
        id="alias-minus-sign",
    ),
    P(">=100", Target("level", Compare(">=", Number(100))), id="no-spaces"),
    P("  >= 100  ", Target("level", Compare(">=", Number(100))), id="surrounding-spaces"),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_form_parses_to_typed_target(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_printed_form_round_trips(text: str, expected: Target) -> None:
    t = parse_target(text)
    assert parse_target(str(t)) == t
    assert str(parse_target(str(t))) == str(t)


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        (">= 100000", ">= 100000"),
        ("> 3000e8", "> 300000000000"),
        ("~ 60 +- 5%", "~ 60 ± 5%"),
        ("≥ 40%", ">= 40%"),
        ("level >= 5", ">= 5"),
        ("growth >= growth(gdp) + 1", "growth >= growth(gdp) + 1%"),
        (">= 0.5 * value(gdp)", ">= 0.5 * value(gdp)"),
        (">= 1 * value(gdp)", ">= value(gdp)"),
        ("change <= -15% vs 2005", "change <= -15% vs 2005"),
        ("every year growth > growth(x)", "every year growth > growth(x)"),
        ("in [-20%, -10%]", "in [-20%, -10%]"),
        (">= 2.5", ">= 2.5"),
    ],
)
def test_printed_form_is_canonical(text: str, printed: str) -> None:
    assert str(parse_target(text)) == printed


def test_target_properties() -> None:
    t = parse_target("growth >= growth(gdp) + 1%")
    assert t.refs == (Ref("growth", "gdp", 1.0, 1.0),)
    assert parse_target("~ value(gdp)").refs == (Ref("value", "gdp"),)
    assert parse_target(">= 5").refs == ()
    assert parse_target(">= 40%").uses_percent_level
    assert parse_target("in [1%, 2%]").uses_percent_level
    assert not parse_target(">= 40").uses_percent_level
    assert not parse_target("change <= -15%").uses_percent_level
    assert not parse_target(">= value(gdp)").uses_percent_level


def test_tolerance_width() -> None:
    assert Tolerance(2).width(60) == 2
    assert Tolerance(5, relative=True).width(60) == pytest.approx(3)
    assert Tolerance(5, relative=True).width(-40) == pytest.approx(2)


ERRORS = [
    P("", "empty", id="empty"),
    P("   ", "empty", id="blank"),
    P(">=", "expected a number but the expression ended", id="dangling-operator"),
    P("~", "expected a number but the expression ended", id="dangling-about"),
    P("~ 60 ±", "expected a number but the expression ended", id="dangling-tolerance"),
    P("at least 5", "expected a comparison", id="unknown-word-first"),
    P(">= lots", "unknown word 'lots'", id="unknown-word-operand"),
    P(">= 5 apples", "unexpected 'apples' at position 6", id="trailing-word"),
    P(">= 5 6", "unexpected '6' at position 6", id="trailing-number"),
    P("~ 60 ± -2", "tolerance cannot be negative", id="negative-tolerance"),
    P("in [20, 10]", "the range [20, 10] is empty", id="empty-range"),
    P("in [10, 20%]", "on both ends of the range", id="range-mixed-percent"),
    P("in [10 20]", "expected ','", id="range-missing-comma"),
    P(
        ">= growth(gdp)",
        "a level target compares with value(gdp), not growth(gdp)",
        id="level-growth",
    ),
    P("~ change(gdp)", "a level target compares with value(gdp)", id="level-change"),
    P("growth >= value(gdp)", "a growth target compares with growth(gdp)", id="growth-value"),
    P(">= 5 vs 2005", "applies only to change and growth targets", id="vs-on-level"),
    P("every year change > 0 vs 2005", "compares with the year before", id="vs-on-every-year"),
    P("change > 0 vs 2005.5", "'vs' needs a year", id="vs-not-a-year"),
    P("change > 0 vs", "expected a number but the expression ended", id="vs-dangling"),
    P("every change > 0", "expected 'year'", id="every-without-year"),
    P(">= value(gdp) + 5%", "an offset to value(gdp) is in the indicator's unit", id="value-pct"),
    P(">= value(gdp", "expected ')'", id="unclosed-ref"),
    P(">= value()", "expected a name", id="ref-without-key"),
    P(">= 5 # note", "unexpected character '#' at position 6", id="bad-character"),
    P(">= 1e999", "is too large", id="infinite-number"),
    P("in [1e999, 1]", "is too large", id="infinite-range"),
    P("=> 5", "write '==' for exactly, '>=' for at least", id="reversed-operator"),
    P("= 5", "write '==' for exactly", id="single-equals"),
    P(">= 5%%", "unexpected '%'", id="double-percent"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_bad_expression_has_clear_message(text: str, message: str) -> None:
    with pytest.raises(ExprError) as err:
        parse_target(text)
    assert message in str(err.value)
    assert "Traceback" not in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("value", [None, 5, 5.0, [">= 5"], {"expr": ">= 5"}, b">= 5"])
def test_non_string_input_is_rejected(value: object) -> None:
    with pytest.raises(ExprError, match="a target expression is text"):
        parse_target(value)  # type: ignore[arg-type]


def test_error_positions_point_into_the_text_as_written() -> None:
    # '≥' is one character that stands for two: the position must still be right
    with pytest.raises(ExprError) as err:
        parse_target("≥ 40 apples")
    assert err.value.pos == 5 and "position 6" in str(err.value)
    with pytest.raises(ExprError) as err:
        parse_target("  >= 5 x")
    assert err.value.pos == 7


def test_exprerror_is_a_valueerror() -> None:
    assert issubclass(ExprError, ValueError)


# -- properties ---------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
positive = st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e6)
keys = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789_", max_size=10),
)
ops = st.sampled_from([">=", ">", "<=", "<", "==", "≥", "≤"])
ws = st.sampled_from(["", " ", "  "])


def _num(x: float) -> str:
    return repr(x) if x != int(x) else str(int(x))


@st.composite
def number_operand(draw) -> str:
    pct = draw(st.sampled_from(["", "%", "‰"]))
    return _num(draw(finite)) + pct


@st.composite
def ref_operand(draw, kind: str) -> str:
    key = draw(keys)
    s = f"{kind}({key})"
    if draw(st.booleans()):
        s = f"{_num(draw(finite))} * {s}"
    if draw(st.booleans()):
        sign = draw(st.sampled_from(["+", "-"]))
        pct = draw(st.sampled_from(["", "%"])) if kind != "value" else ""
        s = f"{s} {sign} {_num(draw(positive))}{pct}"
    return s


@st.composite
def expressions(draw) -> str:
    every = draw(st.booleans())
    measure = draw(st.sampled_from(["", "level", "change", "growth"]))
    ref_kind = {"": "value", "level": "value"}.get(measure, measure)
    operand = draw(st.one_of(number_operand(), ref_operand(ref_kind)))
    form = draw(st.sampled_from(["compare", "about", "range"]))
    if form == "compare":
        cond = f"{draw(ops)}{draw(ws)}{operand}"
    elif form == "about":
        cond = f"{draw(st.sampled_from(['~', '～']))} {operand}"
        if draw(st.booleans()):
            tol = _num(draw(positive)) + draw(st.sampled_from(["", "%"]))
            cond += f" {draw(st.sampled_from(['±', '+-']))} {tol}"
    else:
        lo, hi = sorted([draw(finite), draw(finite)])
        pct = draw(st.sampled_from(["", "%"]))
        cond = f"in [{_num(lo)}{pct},{draw(ws)}{_num(hi)}{pct}]"
    parts = (["every year"] if every else []) + ([measure] if measure else []) + [cond]
    if measure in ("change", "growth") and not every and draw(st.booleans()):
        parts.append(f"vs {draw(st.integers(1900, 2100))}")
    return " ".join(parts)


@settings(max_examples=500)
@given(expressions())
def test_generated_expressions_round_trip(text: str) -> None:
    t = parse_target(text)
    assert isinstance(t, Target)
    again = parse_target(str(t))
    assert again == t
    assert str(again) == str(t)


@settings(max_examples=300)
@given(
    st.builds(
        Target,
        st.just("level"),
        st.builds(
            Compare, ops.filter(lambda o: o.isascii()), st.builds(Number, finite, st.booleans())
        ),
    )
)
def test_printed_level_targets_parse_back(t: Target) -> None:
    assert parse_target(str(t)) == t


_ALPHABET = st.sampled_from(
    [
        *"0123456789.,%‰±~<>=()[]*+-_ eE",
        *("every", "year", "change", "growth", "level", "value", "in", "vs", "gdp"),
        *("≥", "≤", "～", "１", "（", "）", "−", "\t", "\n", "é", "#"),
    ]
)


@settings(max_examples=1000)
@given(
    st.one_of(
        st.text(),
        st.lists(_ALPHABET, max_size=14).map("".join),
        st.lists(_ALPHABET, max_size=14).map(" ".join),
    )
)
def test_any_text_parses_or_raises_exprerror(text: str) -> None:
    try:
        t = parse_target(text)
    except ExprError as e:
        assert str(e)
        assert e.pos is None or 0 <= e.pos <= len(text)
        return
    assert isinstance(t, Target)
    assert parse_target(str(t)) == t
