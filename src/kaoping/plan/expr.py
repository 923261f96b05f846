"""The target expression language.

A target expression is a short string such as ``>= 100000``, ``~ 60 ± 2``,
``change <= -15%`` or ``every year growth > growth(fiscal_revenue)``. It is parsed by a
small tokenizer and a recursive-descent parser into frozen dataclasses; nothing is ever
evaluated as Python. The grammar (see ``docs/plan-file.md``)::

    target    := ["every" "year"] [measure] condition ["vs" YEAR]
    measure   := "level" | "change" | "growth"
    condition := OP operand
               | "~" operand [("±" | "+-") NUMBER ["%"]]
               | "in" "[" SIGNED [UNIT] "," SIGNED [UNIT] "]"
    OP        := ">=" | ">" | "<=" | "<" | "=="
    operand   := SIGNED [UNIT]
               | [SIGNED "*"] ref [("+" | "-") NUMBER ["%"]]
    ref       := ("value" | "change" | "growth") "(" KEY ")"
    SIGNED    := ["+" | "-"] NUMBER
    UNIT      := "%" | "‰"

Full-width and typeset forms (``≥``, ``≤``, ``～``, ``％``, ``（）``, ``−`` …) are read as
their ASCII equivalents.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

Op = Literal[">=", ">", "<=", "<", "=="]
Measure = Literal["level", "change", "growth"]
RefKind = Literal["value", "change", "growth"]

OPS: tuple[str, ...] = (">=", ">", "<=", "<", "==")


class ExprError(ValueError):
    """A target expression that does not parse; ``pos`` is the character offset."""

    def __init__(self, message: str, pos: int | None = None):
        super().__init__(message)
        self.pos = pos


@dataclass(frozen=True)
class Number:
    """A constant; ``percent`` records that it was written with ``%``."""

    value: float
    percent: bool = False

    def __str__(self) -> str:
        return f"{_fmt(self.value)}{'%' if self.percent else ''}"


@dataclass(frozen=True)
class Ref:
    """Another indicator's value, change or growth, scaled then shifted: factor*ref + offset."""

    kind: RefKind
    key: str
    factor: float = 1.0
    offset: float = 0.0

    def __str__(self) -> str:
        s = f"{self.kind}({self.key})"
        if self.factor != 1.0:
            s = f"{_fmt(self.factor)} * {s}"
        if self.offset:
            s += f" {'+' if self.offset > 0 else '-'} {_fmt(abs(self.offset))}"
            if self.kind in ("change", "growth"):
                s += "%"
        return s


Operand = Number | Ref


@dataclass(frozen=True)
class Tolerance:
    """Half-width of an "about" band: absolute, or relative to the centre (``relative``)."""

    value: float
    relative: bool = False

    def __str__(self) -> str:
        return f"± {_fmt(self.value)}{'%' if self.relative else ''}"

    def width(self, centre: float) -> float:
        return abs(centre) * self.value / 100.0 if self.relative else self.value


@dataclass(frozen=True)
class Compare:
    op: Op
    rhs: Operand

    def __str__(self) -> str:
        return f"{self.op} {self.rhs}"


@dataclass(frozen=True)
class About:
    """左右: within a tolerance of ``centre``; ``tol`` None means the plan's default."""

    centre: Operand
    tol: Tolerance | None = None

    def __str__(self) -> str:
        return f"~ {self.centre}" + (f" {self.tol}" if self.tol else "")


@dataclass(frozen=True)
class Between:
    lo: float
    hi: float
    percent: bool = False

    def __str__(self) -> str:
        pct = "%" if self.percent else ""
        return f"in [{_fmt(self.lo)}{pct}, {_fmt(self.hi)}{pct}]"


Condition = Compare | About | Between


@dataclass(frozen=True)
class Target:
    """A parsed quantitative target.

    ``measure`` says what the condition is about: the level, the change against the
    reference year (relative when ``relative`` is true, in percent), or the average
    annual growth rate in percent. ``every_year`` makes it a constraint checked year by
    year; for ``change`` and ``growth`` the reference is then the previous year.
    """

    measure: Measure
    condition: Condition
    every_year: bool = False
    relative: bool = False
    ref_year: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.every_year:
            parts.append("every year")
        if self.measure != "level":
            parts.append(self.measure)
        parts.append(str(self.condition))
        if self.ref_year is not None:
            parts.append(f"vs {self.ref_year}")
        return " ".join(parts)

    @property
    def refs(self) -> tuple[Ref, ...]:
        """The indicator references in the condition."""
        c = self.condition
        if isinstance(c, Compare) and isinstance(c.rhs, Ref):
            return (c.rhs,)
        if isinstance(c, About) and isinstance(c.centre, Ref):
            return (c.centre,)
        return ()

    @property
    def uses_percent_level(self) -> bool:
        """True when a level target was written with a ``%`` sign (the unit must be %)."""
        if self.measure != "level":
            return False
        c = self.condition
        if isinstance(c, Between):
            return c.percent
        operand = c.rhs if isinstance(c, Compare) else c.centre
        return isinstance(operand, Number) and operand.percent


def _fmt(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>[0-9][0-9_]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<op>>=|<=|==|\+-|[≥≤≧≦⩾⩽＝]|[<>~±%‰()\[\],*+\-])
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    """,
    re.VERBOSE,
)

# Full-width and typeset forms, replaced one character for one so that error positions
# still point into the text as written.
_SAME_WIDTH = str.maketrans(
    {
        "＞": ">",
        "＜": "<",
        "％": "%",
        "～": "~",
        "〜": "~",
        "∼": "~",
        "（": "(",
        "）": ")",
        "［": "[",
        "］": "]",
        "，": ",",
        "＋": "+",
        "－": "-",
        "−": "-",
        "×": "*",
        "＊": "*",
        "．": ".",
        **{chr(0xFF10 + d): str(d) for d in range(10)},
    }
)
# Operators written as one character that stand for two.
_OP_ALIASES = {"≥": ">=", "≧": ">=", "⩾": ">=", "≤": "<=", "≦": "<=", "⩽": "<=", "＝": "=="}


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    text = text.translate(_SAME_WIDTH)
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            hint = ""
            if text[pos] == "=":
                hint = "; write '==' for exactly, '>=' for at least or '<=' for at most"
            raise ExprError(f"unexpected character {text[pos]!r} at position {pos + 1}{hint}", pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            value = m.group()
            out.append((kind, _OP_ALIASES.get(value, value), pos))
        pos = m.end()
    return out


def _to_float(tok: tuple[str, str, int]) -> float:
    value = float(tok[1].replace("_", ""))
    if not math.isfinite(value):
        raise ExprError(f"the number {tok[1]!r} at position {tok[2] + 1} is too large", tok[2])
    return value


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0

    # -- token helpers -------------------------------------------------------------
    def peek(self, offset: int = 0) -> tuple[str, str, int] | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def at(self, value: str) -> bool:
        t = self.peek()
        return t is not None and t[1] == value

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str, int]:
        t = self.peek()
        want = repr(value) if value else ("a number" if kind == "num" else "a name")
        if t is None:
            raise ExprError(f"expected {want} but the expression ended", len(self.text))
        if (value is not None and t[1] != value) or (kind is not None and t[0] != kind):
            raise ExprError(f"expected {want} at position {t[2] + 1}, found {t[1]!r}", t[2])
        self.i += 1
        return t

    def number(self) -> float:
        sign = 1.0
        if self.at("-") or self.at("+"):
            sign = -1.0 if self.take()[1] == "-" else 1.0
        return sign * _to_float(self.take(kind="num"))

    # -- grammar ---------------------------------------------------------------------
    def target(self) -> Target:
        if not self.toks:
            raise ExprError("the target expression is empty", 0)
        every = False
        if self.at("every"):
            self.take()
            self.take("year")
            every = True
        measure: Measure = "level"
        t = self.peek()
        if t and t[0] == "word" and t[1] in ("level", "change", "growth"):
            nxt = self.peek(1)
            if not (nxt and nxt[1] == "("):
                self.take()
                measure = t[1]  # type: ignore[assignment]
        cond = self.condition()
        ref_year = None
        if self.at("vs"):
            self.take()
            tok = self.take(kind="num")
            try:
                ref_year = int(tok[1])
            except ValueError:
                raise ExprError(f"'vs' needs a year, found {tok[1]!r}", tok[2]) from None
            if measure == "level":
                raise ExprError("'vs YEAR' applies only to change and growth targets", tok[2])
            if every:
                raise ExprError("an every-year constraint compares with the year before", tok[2])
        rest = self.peek()
        if rest is not None:
            raise ExprError(f"unexpected {rest[1]!r} at position {rest[2] + 1}", rest[2])
        relative = measure == "growth" or (measure == "change" and _is_percent(cond))
        target = Target(measure, cond, every, relative, ref_year)
        _check_condition(target)
        return target

    def condition(self) -> Condition:
        t = self.peek()
        if t is None:
            raise ExprError("expected a comparison (>=, >, <=, <, ==, ~ or 'in')", len(self.text))
        if t[1] in OPS:
            self.take()
            return Compare(t[1], self.operand())  # type: ignore[arg-type]
        if t[1] == "~":
            self.take()
            centre = self.operand()
            tol = None
            if self.at("±") or self.at("+-"):
                self.take()
                tpos = self.peek()
                value = self.number()
                if value < 0:
                    where = tpos[2] if tpos else t[2]
                    raise ExprError(f"a tolerance cannot be negative (position {where + 1})", where)
                rel = False
                if self.at("%"):
                    self.take()
                    rel = True
                tol = Tolerance(value, rel)
            return About(centre, tol)
        if t[1] == "in":
            self.take()
            self.take("[")
            lo = self.number()
            lo_pct = self._percent_sign()
            self.take(",")
            hi = self.number()
            hi_pct = self._percent_sign()
            self.take("]")
            if lo_pct != hi_pct:
                raise ExprError(
                    "write '%' on both ends of the range or on neither, as in [-20%, -10%]",
                    t[2],
                )
            if lo > hi:
                raise ExprError(
                    f"the range [{_fmt(lo)}, {_fmt(hi)}] is empty: "
                    "its low end is above its high end",
                    t[2],
                )
            return Between(lo, hi, lo_pct)
        raise ExprError(
            f"expected a comparison (>=, >, <=, <, ==, ~ or 'in') at position {t[2] + 1}, "
            f"found {t[1]!r}",
            t[2],
        )

    def _percent_sign(self) -> bool:
        if self.at("%"):
            self.take()
            return True
        if self.at("‰"):
            self.take()  # per mille: the number is already in the indicator's unit
        return False

    def operand(self) -> Operand:
        t = self.peek()
        if t is not None and t[0] == "word":
            return self.ref(1.0)
        value = self.number()
        if self.at("*"):
            self.take()
            return self.ref(value)
        if self.at("%") or self.at("‰"):
            sym = self.take()[1]
            if sym == "‰":
                return Number(value, False)
            return Number(value, True)
        return Number(value)

    def ref(self, factor: float) -> Ref:
        t = self.take(kind="word")
        if t[1] not in ("value", "change", "growth"):
            raise ExprError(
                f"unknown word {t[1]!r} at position {t[2] + 1}; "
                "expected value(KEY), change(KEY) or growth(KEY)",
                t[2],
            )
        self.take("(")
        key = self.take(kind="word")[1]
        self.take(")")
        offset = 0.0
        if self.at("+") or self.at("-"):
            sign = -1.0 if self.take()[1] == "-" else 1.0
            offset = sign * _to_float(self.take(kind="num"))
            if self.at("%"):
                pct = self.take()
                if t[1] == "value":
                    raise ExprError(
                        f"'%' at position {pct[2] + 1}: an offset to value({key}) is in the "
                        f"indicator's unit; to scale it write a factor such as "
                        f"'1.05 * value({key})'",
                        pct[2],
                    )
        return Ref(t[1], key, factor, offset)  # type: ignore[arg-type]


def _is_percent(cond: Condition) -> bool:
    """Whether a change condition is relative (in %): a % number, a range in %, or a ref."""
    if isinstance(cond, Between):
        return cond.percent
    operand = cond.rhs if isinstance(cond, Compare) else cond.centre
    return isinstance(operand, Ref) or (isinstance(operand, Number) and operand.percent)


def _check_condition(target: Target) -> None:
    c = target.condition
    operands = [c.rhs] if isinstance(c, Compare) else [c.centre] if isinstance(c, About) else []
    for o in operands:
        if isinstance(o, Ref) and target.measure == "level" and o.kind != "value":
            raise ExprError(
                f"a level target compares with value({o.key}), not {o.kind}({o.key}); "
                f"write '{o.kind} {c}' to compare {o.kind}s"
            )
        if isinstance(o, Ref) and target.measure != "level" and o.kind != target.measure:
            raise ExprError(
                f"a {target.measure} target compares with {target.measure}({o.key}), "
                f"not {o.kind}({o.key})"
            )


def parse_target(text: str) -> Target:
    """Parse a target expression; raise :class:`ExprError` with a plain message."""
    if not isinstance(text, str):
        raise ExprError(f"a target expression is text, not {type(text).__name__}")
    return _Parser(text).target()
