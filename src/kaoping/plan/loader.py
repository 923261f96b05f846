"""Load a plan file: YAML with line numbers, typed validation, then cross-checks.

Every problem is collected and raised at once as :class:`~kaoping.errors.PlanError`,
each naming the file, the line, the field and a stable code (see ``docs/plan-file.md``).
Plan files are read through :func:`load_plan` (:mod:`kaoping.plan.cache`), which validates
with :func:`parse_plan` only what it has not stored already.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import PlanError, Problem
from .cache import load_plan
from .checks import check_plan
from .typed import Plan

__all__ = ["field_name", "line_of", "load_plan", "parse_plan"]

Loc = tuple[Any, ...]
Found = tuple[int, str, str, str]  # line, code, message, field
# lines maps a location to its line; (*loc, ('#', i)) maps to the i-th key of a mapping

# pydantic error type -> stable problem code
_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "literal_error": "bad-choice",
    "string_pattern_mismatch": "bad-key",
    "bad_expression": "bad-expression",
    "bad_tolerance": "bad-tolerance",
    "bad_thresholds": "bad-thresholds",
    "target_form": "target-form",
    "all_and_expr": "all-and-expr",
    "bad_all": "bad-all",
    "too_short": "empty-list",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "string_too_short": "empty-text",
    "string_too_long": "bad-key",
}


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader (libyaml's when present); nodes keep their start line."""


def _compose(text: str, file: str) -> tuple[Any, dict[Loc, Any], list[Problem]]:
    try:
        node = yaml.compose(text, Loader=_LineLoader)
    except yaml.YAMLError as e:
        raise PlanError([_yaml_problem(e, file, text)]) from None
    if node is None:
        raise PlanError([Problem("not-a-mapping", "the plan file is empty", file, 1)])
    lines: dict[Loc, Any] = {}
    found: list[Found] = []
    _index(node, (), lines, found, set())
    loader = yaml.SafeLoader("")
    try:
        data = loader.construct_document(node)
    except yaml.YAMLError as e:
        raise PlanError([_yaml_problem(e, file, text)]) from None
    finally:
        loader.dispose()
    problems = [Problem(code, msg, file, line, field) for line, code, msg, field in found]
    return data, lines, problems


# a value YAML cannot read unquoted: a target expression or a percentage
_UNQUOTED = re.compile(
    r"^\s*(?:-\s+)?(?P<key>[^:#]+):\s+(?P<value>[><=~%!@`|*&][^#]*?)\s*(?:#.*)?$"
)


def _yaml_problem(e: yaml.YAMLError, file: str, text: str = "") -> Problem:
    mark = getattr(e, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(e, "problem", None) or str(e)
    msg = f"the file is not valid YAML: {reason}"
    hint = _quote_hint(text, line)
    if hint:
        msg += f"; {hint}"
    return Problem("yaml-syntax", msg, file, line)


def _quote_hint(text: str, line: int | None) -> str:
    """'quote this value' when the line (or the one before: YAML reports some errors on the
    next line) has a value that starts with a character YAML reads as syntax."""
    if not line:
        return ""
    lines = text.splitlines()
    for n in (line, line - 1):
        if 1 <= n <= len(lines):
            m = _UNQUOTED.match(lines[n - 1])
            if m:
                key, value = m.group("key").strip(), m.group("value").strip()
                return (
                    f'quote this value: write {key}: "{value}" (line {n}); a value that '
                    "starts with >, <, =, ~ or % must be in quotes"
                )
    return ""


def _index(
    node: yaml.Node, loc: Loc, lines: dict[Loc, Any], found: list[Found], active: set[int]
) -> None:
    lines[loc] = node.start_mark.line + 1
    if id(node) in active:  # an alias that contains itself
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.value == "<<":
                continue  # a complex key is reported when constructed; merges are kept
            key = k.value
            if key in first:
                found.append(
                    (
                        k.start_mark.line + 1,
                        "duplicate-key",
                        f"{key!r} appears twice in the same mapping (first on line "
                        f"{first[key]}); only one can be kept, so remove or rename one",
                        field_name((*loc, key)),
                    )
                )
                continue
            first[key] = k.start_mark.line + 1
            _index(v, (*loc, key), lines, found, active)
            lines[(*loc, key)] = k.start_mark.line + 1
            # a mapping in the short form (targets: {2020: ...}) becomes a list when
            # validated: remember which key the i-th item came from
            lines[(*loc, ("#", len(first) - 1))] = key
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*loc, i), lines, found, active)
    active.discard(id(node))


def _resolve(lines: dict[Loc, Any], loc: Loc) -> tuple[Loc, int | None]:
    """``loc`` with list positions of the mapping short form turned into keys, and the
    line of its deepest part that exists in the file."""
    norm: list[Any] = []
    best = lines.get(())
    rest = list(loc)
    while rest:
        part = rest[0]
        # a list position, a key (YAML keys are indexed as text), or the i-th key of a
        # mapping that pydantic read as a list (the short form of targets)
        for step in (part, str(part), lines.get((*norm, ("#", part)))):
            if step is not None and (*norm, step) in lines:
                break
        else:
            break
        norm.append(step)
        rest.pop(0)
        best = lines[tuple(norm)]
    return (*norm, *rest), best


def line_of(lines: dict[Loc, Any], loc: Loc) -> int | None:
    """The line of the deepest part of ``loc`` that exists in the file."""
    return _resolve(lines, loc)[1]


def field_name(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _problem(code: str, msg: str, file: str, lines: dict[Loc, Any], loc: Loc) -> Problem:
    where, line = _resolve(lines, loc)
    return Problem(code, msg, file, line, field_name(where))


def _kind(value: Any) -> str:
    """What a YAML value is, in the words of a plan file."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 40 else "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def _pydantic_problems(err: ValidationError, file: str, lines: dict[Loc, Any]) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if not str(p).startswith("function-"))
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
        elif e["type"] == "model_type" and e.get("ctx", {}).get("class_name") == "Text":
            msg = (
                f"expected text in a mapping such as {{zh: 森林覆盖率, en: Forest cover}}, "
                f"not {_kind(e.get('input'))}"
            )
        elif e["type"] in ("model_type", "dict_type"):
            msg = f"expected a mapping of fields, not {_kind(e.get('input'))}"
        elif e["type"] == "invalid_key":
            msg = f"{loc[-1]!r} is not a field name: field names are words such as 'unit'"
        elif e["type"] == "too_short":
            msg = "the list is empty; it needs at least one item"
        elif e["type"] == "string_too_short":
            msg = "the text is empty"
        elif e["type"] == "string_type" and loc and loc[-1] == "expr":
            v = e.get("input")
            number = isinstance(v, (int, float)) and not isinstance(v, bool)
            examples = f'">= {v}", "<= {v}" or "~ {v}"' if number else '">= 65"'
            msg = f"a target is an expression in quotes, not {_kind(v)}: write {examples}"
        elif e["type"] in ("bad_expression", "bad_all"):
            # raised for the whole target; point at its expression, or at the condition
            index = (e.get("ctx") or {}).get("index")
            loc = (*loc, "expr") if index is None else (*loc, "all", index)
        problems.append(_problem(code, msg, file, lines, loc))
    return problems


def parse_plan(text: str, file: str = "<plan>") -> Plan:
    """Validate plan text; raise :class:`PlanError` with every problem found."""
    data, lines, problems = _compose(text, file)
    if not isinstance(data, dict):
        msg = "a plan file is a mapping of fields such as 'id: ...'"
        raise PlanError([Problem("not-a-mapping", msg, file, lines.get(()) or 1)])
    plan: Plan | None = None
    try:
        plan = Plan.model_validate(data)
    except ValidationError as e:
        problems.extend(_pydantic_problems(e, file, lines))
    for loc, code, msg in check_plan(data):
        problems.append(_problem(code, msg, file, lines, loc))
    if problems or plan is None:
        problems.sort(key=lambda p: (p.line or 0, p.code))
        raise PlanError(problems)
    plan._version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    plan._path = file
    return plan
