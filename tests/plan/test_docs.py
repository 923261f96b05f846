"""docs/plan-file.md stays true: its example, its tables and its expressions are checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from kaoping.plan import parse_plan, parse_target
from kaoping.plan.expr import About, Between, Compare, Number
from kaoping.plan.model import (
    Area,
    Article,
    Baseline,
    Bounds,
    Chapter,
    Department,
    Goalposts,
    Group,
    Indicator,
    Lens,
    LensCategory,
    Methods,
    Milestone,
    Plan,
    ScheduleSpec,
    TargetSpec,
    Text,
    parse_tolerance,
)

from .test_loader import CODES, MINIMAL

DOC = Path(__file__).resolve().parents[2] / "docs" / "plan-file.md"
TEXT = DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under a '## title' heading, up to the next '## ' heading."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", TEXT, re.MULTILINE | re.DOTALL)
    assert m, f"no section {title!r} in {DOC.name}"
    return m.group(1)


def tables(text: str) -> list[list[list[str]]]:
    """Markdown tables as lists of rows of cells (the header row first, no separator)."""
    out: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            out.append(current)
            current = []
    return out


def code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_complete_example_is_the_tested_minimal_plan() -> None:
    (block,) = yaml_blocks(section("A complete example"))
    assert block == MINIMAL.read_text(encoding="utf-8")
    plan = parse_plan(block, "docs/plan-file.md")
    assert len(plan.indicators) == 7


def test_every_yaml_snippet_is_valid_yaml() -> None:
    blocks = yaml_blocks(TEXT)
    assert len(blocks) >= 5
    for block in blocks:
        yaml.safe_load(block)


def test_short_and_list_form_snippets_mean_the_same() -> None:
    short, listed = yaml_blocks(section("Targets"))[1:3]
    a = Indicator.model_validate(
        {"key": "x", "name": {"zh": "x"}, "unit": "%", "group": "g", **yaml.safe_load(short)}
    )
    b = Indicator.model_validate(
        {"key": "x", "name": {"zh": "x"}, "unit": "%", "group": "g", **yaml.safe_load(listed)}
    )
    assert a.targets == b.targets


def test_every_problem_code_is_in_the_table() -> None:
    (table,) = tables(section("Problems and their codes"))
    assert table[0] == ["code", "cause", "fix"]
    documented = [code_spans(row[0])[0] for row in table[1:]]
    assert len(documented) == len(set(documented))
    assert set(documented) == CODES


_MEASURES = {
    "level": ("level", False, None),
    "relative change": ("change", False, True),
    "absolute change": ("change", False, False),
    "growth": ("growth", False, True),
    "level, each year": ("level", True, None),
    "change on the year before, each year": ("change", True, None),
    "growth on the year before, each year": ("growth", True, None),
}


def _form_rows() -> list[list[str]]:
    table = next(t for t in tables(section("Target expressions")) if t[0][0] == "expression")
    return table[1:]


@pytest.mark.parametrize("row", _form_rows(), ids=lambda r: code_spans(r[0])[0])
def test_every_documented_form_parses_with_its_measure(row: list[str]) -> None:
    (expr,) = code_spans(row[0])
    t = parse_target(expr)
    measure, every, relative = _MEASURES[row[1]]
    assert (t.measure, t.every_year) == (measure, every)
    if relative is not None:
        assert t.relative == relative
    assert parse_target(str(t)) == t


def test_the_forms_table_covers_every_kind_of_condition() -> None:
    conditions = [parse_target(code_spans(r[0])[0]).condition for r in _form_rows()]
    assert {type(c) for c in conditions} == {Compare, About, Between}
    assert {c.op for c in conditions if isinstance(c, Compare)} == {">=", ">", "<=", "<", "=="}
    assert any(isinstance(c, About) and c.tol and c.tol.relative for c in conditions)
    assert any(isinstance(c, About) and c.tol and not c.tol.relative for c in conditions)


def test_every_wording_maps_to_an_expression_that_parses() -> None:
    (table,) = tables(section("From the plan's wording to an expression"))
    n = 0
    for row in table[1:]:
        if not row[1].startswith("`") or row[1].endswith(":`"):
            continue  # qualitative or monitoring only
        expr = code_spans(row[1])[0].replace("X", "5").replace("Y", "10")
        parse_target(expr)
        n += 1
    assert n >= 20


def test_tolerance_examples_give_the_documented_bands() -> None:
    table = tables(section("Tolerances"))[0]
    default = parse_tolerance(Methods().about_tolerance)
    for target, tolerance, band in table[1:]:
        t = parse_target(code_spans(target)[0])
        c = t.condition
        assert isinstance(c, About)
        if not isinstance(c.centre, Number):
            continue
        spans = code_spans(tolerance)
        field = parse_tolerance(spans[0].split(": ")[-1].strip('"')) if spans else None
        tol = c.tol or field or default
        if "plan default" in tolerance:
            assert spans == [f'"{Methods().about_tolerance}"']
        w = tol.width(c.centre.value)
        lo, hi = (float(x) for x in re.fullmatch(r"(\S+) to (\S+)", band).groups())
        assert (c.centre.value - w, c.centre.value + w) == pytest.approx((lo, hi))


MODELS: list[type[BaseModel]] = [
    Plan,
    Text,
    Area,
    Milestone,
    Group,
    Lens,
    LensCategory,
    Chapter,
    Article,
    Department,
    Indicator,
    Baseline,
    Bounds,
    Goalposts,
    TargetSpec,
    ScheduleSpec,
    Methods,
]


def _field_tables() -> list[dict[str, list[str]]]:
    out = []
    for t in tables(TEXT):
        if t[0] == ["field", "type", "default", "meaning"]:
            out.append({code_spans(row[0])[0]: row for row in t[1:]})
    return out


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_field_is_documented_with_its_default(model: type[BaseModel]) -> None:
    fields = set(model.model_fields)
    matches = [t for t in _field_tables() if set(t) == fields]
    assert matches, f"no table lists exactly the fields of {model.__name__}: {sorted(fields)}"
    rows = matches[0]
    for name, info in model.model_fields.items():
        default = rows[name][2]
        if info.is_required():
            assert default == "required", (model.__name__, name)
            continue
        assert default != "required", (model.__name__, name)
        value = info.default
        if value is PydanticUndefined:  # a default factory: a list, or Methods()
            assert default in ("empty", "all defaults"), (model.__name__, name)
        elif value is not None:
            shown = code_spans(default)
            expected = (
                {True: "true", False: "false"}.get(value, value)
                if isinstance(value, bool)
                else value
            )
            written = f'"{value}"' if isinstance(value, str) and not value.isalpha() else None
            assert shown and shown[0] in {str(expected), written}, (model.__name__, name, default)


def test_commands_are_mentioned() -> None:
    assert "kaoping schema" in TEXT and "kaoping validate" in TEXT
