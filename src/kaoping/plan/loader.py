"""Load a plan file: YAML with line numbers, typed validation, then cross-checks.

Every problem is collected and raised at once as :class:`~kaoping.errors.PlanError`,
each naming the file, the line, the field and a stable code (see ``docs/plan-file.md``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import PlanError, Problem, UsageError
from .checks import check_plan
from .model import Plan

Loc = tuple[Any, ...]
# lines maps a location to its line; (*loc, ('#', i)) maps to the i-th key of a mapping

# pydantic error type -> stable problem code
_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "literal_error": "bad-choice",
    "string_pattern_mismatch": "bad-key",
    "bad_expression": "bad-expression",
    "bad_tolerance": "bad-tolerance",
    "target_form": "target-form",
    "too_short": "empty-list",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "string_too_short": "empty-text",
    "string_too_long": "bad-key",
}


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader (libyaml's when present); nodes keep their start line."""


def _compose(text: str, file: str) -> tuple[Any, dict[Loc, Any]]:
    try:
        node = yaml.compose(text, Loader=_LineLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(e, "problem", None) or str(e)
        raise PlanError([Problem("yaml-syntax", f"not valid YAML: {reason}", file, line)]) from None
    if node is None:
        raise PlanError([Problem("not-a-mapping", "the plan file is empty", file, 1)])
    lines: dict[Loc, Any] = {}
    _index(node, (), lines)
    loader = yaml.SafeLoader("")
    try:
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    return data, lines


def _index(node: yaml.Node, loc: Loc, lines: dict[Loc, Any]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for i, (k, v) in enumerate(node.value):
            key = k.value
            _index(v, (*loc, key), lines)
            lines[(*loc, key)] = k.start_mark.line + 1
            # a mapping in the short form (targets: {2020: ...}) becomes a list when
            # validated: remember which key the i-th item came from
            lines[(*loc, ("#", i))] = key
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*loc, i), lines)


def line_of(lines: dict[Loc, Any], loc: Loc) -> int | None:
    """The line of the deepest part of ``loc`` that exists in the file."""
    norm: list[Any] = []
    best = lines.get(())
    for part in loc:
        step: Any = part if isinstance(part, int) else str(part)
        if (*norm, step) not in lines and isinstance(part, int):
            step = lines.get((*norm, ("#", part)), step)
        if (*norm, step) not in lines:
            break
        norm.append(step)
        best = lines[tuple(norm)]
    return best


def field_name(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_problems(err: ValidationError, file: str, lines: dict[Loc, Any]) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if p not in ("function-after[_parse(), TargetSpec]",))
        code = _CODES.get(e["type"], "wrong-type")
        msg = e["msg"]
        if e["type"] == "missing":
            msg = f"the field '{loc[-1]}' is required"
        elif e["type"] == "extra_forbidden":
            msg = f"unknown field '{loc[-1]}'"
        elif e["type"] == "string_pattern_mismatch":
            msg = (
                f"{e.get('input')!r} is not a valid key: use lower-case letters, digits, "
                "'_' and '-', starting with a letter"
            )
        problems.append(Problem(code, msg, file, line_of(lines, loc), field_name(loc)))
    return problems


def parse_plan(text: str, file: str = "<plan>") -> Plan:
    """Validate plan text; raise :class:`PlanError` with every problem found."""
    data, lines = _compose(text, file)
    if not isinstance(data, dict):
        raise PlanError([Problem("not-a-mapping", "a plan file is a mapping of fields", file, 1)])
    problems: list[Problem] = []
    plan: Plan | None = None
    try:
        plan = Plan.model_validate(data)
    except ValidationError as e:
        problems.extend(_pydantic_problems(e, file, lines))
    for loc, code, msg in check_plan(data):
        problems.append(Problem(code, msg, file, line_of(lines, loc), field_name(loc)))
    if problems or plan is None:
        problems.sort(key=lambda p: (p.line or 0, p.code))
        raise PlanError(problems)
    plan._version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    plan._path = file
    return plan


def load_plan(path: str | Path) -> Plan:
    """Load and validate the plan file at ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no plan file at {p}") from None
    except IsADirectoryError:
        plan_file = p / "plan.yaml"
        if plan_file.exists():
            return load_plan(plan_file)
        raise UsageError(f"{p} is a folder with no plan.yaml in it") from None
    except UnicodeDecodeError as e:
        raise PlanError([Problem("encoding", f"the file is not UTF-8 text ({e.reason})", str(p))]) from None
    return parse_plan(text, str(p))
