"""Loading plan files: one fixture per problem code, line numbers, and the happy paths."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoping.errors import KaopingError, PlanError, Problem, UsageError
from kaoping.plan import Plan, load_plan, parse_plan
from kaoping.plan.bundled import PLANS_DIR, bundled_plans
from kaoping.plan.light import Plan as PlanView
from kaoping.plan.loader import _CODES

HERE = Path(__file__).parent
INVALID = HERE / "invalid"
MINIMAL = HERE / "examples" / "minimal.yaml"
SRC = Path(__file__).resolve().parents[2] / "src" / "kaoping" / "plan"

# every stable code a plan file can get
CODES = {
    # reading the file
    "encoding",
    "yaml-syntax",
    "not-a-mapping",
    # the typed model
    "missing-field",
    "unknown-field",
    "bad-choice",
    "bad-key",
    "bad-expression",
    "bad-tolerance",
    "bad-thresholds",
    "target-form",
    "all-and-expr",
    "bad-all",
    "empty-list",
    "out-of-range",
    "empty-text",
    "wrong-type",
    # cross-checks
    "duplicate-key",
    "period-order",
    "base-year",
    "unknown-area",
    "milestone-outside-period",
    "unknown-article",
    "unknown-chapter",
    "unknown-tag",
    "unknown-group",
    "unknown-department",
    "unknown-indicator",
    "reference-cycle",
    "reference-qualitative",
    "reference-year",
    "year-outside-period",
    "duplicate-target",
    "percent-unit",
    "direction-needed",
    "direction-conflict",
    "bad-bounds",
    "bad-goalposts",
    "target-out-of-bounds",
    # schedules and rate series
    "bad-schedule",
    "rate-absolute-change",
    "rate-reference",
    # the assessment section
    "assessment-weights",
    "bad-scale",
    "grade-order",
    "grade-coverage",
    "no-districts",
}

FIXTURES = sorted(INVALID.glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: line (\d+|none)(?: field (\S+))?$", re.MULTILINE)


def _code_of(path: Path) -> str:
    """``unknown-chapter--category.yaml`` is a second fixture for ``unknown-chapter``."""
    return path.stem.split("--")[0]


def _expectation(path: Path) -> tuple[int | None, str]:
    head = path.read_bytes().decode("latin-1")  # the encoding fixture is not UTF-8
    m = _EXPECT.search(head)
    assert m, f"{path.name} has no '# expect: line N field F' comment"
    line = None if m[1] == "none" else int(m[1])
    return line, m[2] or ""


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(PlanError) as err:
        load_plan(path)
    return err.value.problems


def _is_plain_sentence(message: str) -> bool:
    return (
        bool(message.strip())
        and (message[0].isalnum() or message[0] in "'\"")
        and "\n" not in message
        and "Traceback" not in message
        and "[type=" not in message
        and "pydantic" not in message.lower()
        and not re.search(r"\{\w*(![rs])?\}", message)  # an unfilled template field
        and len(message) < 400
    )


# -- one fixture per code ------------------------------------------------------------------


def test_every_code_has_a_fixture() -> None:
    assert {_code_of(p) for p in FIXTURES} == CODES


def test_every_code_the_sources_emit_is_known() -> None:
    """A new code in the loader or the checks needs a fixture and a line in the docs."""
    emitted = set(_CODES.values())
    names = ("checks.py", "checks_forms.py", "loader.py", "cache.py", "../errors.py")
    for name in names:  # errors.py: the reading of an input file, shared
        source = (SRC / name).read_text(encoding="utf-8")
        # every code is a quoted word with hyphens; "encoding" is the one without
        emitted |= set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source))
        emitted |= set(re.findall(r'Problem\(\s*"([a-z-]+)"', source))
    assert {"unknown-group", "encoding", "wrong-type", "yaml-syntax"} <= emitted
    assert emitted == CODES, (
        f"codes without a fixture: {sorted(emitted - CODES)}; "
        f"codes no longer emitted: {sorted(CODES - emitted)}"
    )


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reports_exactly_its_code(path: Path) -> None:
    code = _code_of(path)
    line, field = _expectation(path)
    problems = _problems(path)
    assert [p.code for p in problems] == [code], "\n".join(map(str, problems))
    (p,) = problems
    assert p.file == str(path)
    assert p.line == line, str(p)
    assert p.field == field, str(p)
    assert _is_plain_sentence(p.message), p.message


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_problem_prints_file_line_code_and_field(path: Path) -> None:
    (p,) = _problems(path)
    text = str(p)
    assert text.startswith(str(path))
    assert f"[{p.code}]" in text and p.message in text
    if p.line is not None:
        assert text.startswith(f"{path}:{p.line}: ")
    if p.field:
        assert f" {p.field}: " in text


def test_plan_error_is_a_kaoping_error_with_every_problem_as_a_line() -> None:
    path = INVALID / "unknown-group.yaml"
    with pytest.raises(PlanError) as err:
        load_plan(path)
    e = err.value
    assert isinstance(e, KaopingError) and e.code == "plan"
    assert str(e) == "1 problem in the plan"
    assert e.lines()[0] == "1 problem in the plan"
    assert e.lines()[1].strip() == str(e.problems[0])


# -- many mistakes at once -----------------------------------------------------------------

MANY_MISTAKES = """\
id: Demo Plan
title: {zh: 示例规划}
period: {start: 2021, end: 2025}
base_year: 2023
areas:
  - key: city
    name: {zh: 示例市}
groups:
  - key: economy
    name: {zh: 经济}
indicators:
  - key: gdp
    name: {zh: 地区生产总值}
    unit: yuan
    group: economics
    colour: blue
    targets:
      - year: 2030
        expr: ">= lots"
  - key: forest
    name: {zh: 森林覆盖率}
    unit: percent
    group: economy
    direction: down
    targets:
      2025: ">= 40%"
  - key: income
    name: {zh: 居民收入}
    group: economy
    weight: -2
    bounds: {min: 10, max: 1}
"""


def test_many_mistakes_are_all_reported_at_once() -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(MANY_MISTAKES, "many.yaml")
    got = {(p.code, p.line) for p in err.value.problems}
    expected = {
        ("bad-key", 1),
        ("base-year", 4),
        ("unknown-group", 15),
        ("unknown-field", 16),
        ("year-outside-period", 18),
        ("bad-expression", 19),
        ("direction-conflict", 24),
        ("percent-unit", 26),
        ("missing-field", 27),
        ("direction-needed", 27),
        ("out-of-range", 30),
        ("bad-bounds", 31),
    }
    assert got == expected, "\n".join(map(str, err.value.problems))
    lines = [p.line or 0 for p in err.value.problems]
    assert lines == sorted(lines), "problems are listed in file order"
    assert str(err.value) == f"{len(expected)} problems in the plan"


# -- valid plans ---------------------------------------------------------------------------


def test_bundled_plans_validate() -> None:
    assert bundled_plans(), "at least the flagship plan is bundled"
    for folder in bundled_plans().values():
        plan = load_plan(folder / "plan.yaml")
        assert isinstance(plan, PlanView)  # the validated plan, read back as views
        assert plan.indicators and plan.groups and plan.areas


def test_flagship_plan_has_its_shape() -> None:
    plan = load_plan(PLANS_DIR / "zhengzhou-2009-2020" / "plan.yaml")
    assert plan.id == "zhengzhou-2009-2020"
    assert (plan.period.start, plan.period.end, plan.base_year) == (2009, 2020, 2008)
    assert [m.year for m in plan.milestones] == [2010, 2015, 2020]
    assert len(plan.articles) == 50 and len(plan.chapters) == 7
    assert plan.default_area == "zhengzhou"
    keys = [i.key for i in plan.indicators]
    assert len(keys) == len(set(keys))
    assert plan.indicator("gdp").scored is False
    assert str(plan.indicator("average_wage").targets[0].parsed) == "growth >= growth(gdp)"


def test_minimal_example_validates() -> None:
    plan = load_plan(MINIMAL)
    assert plan.id == "riverton-sdg-2021-2030"
    kinds = {i.key: i for i in plan.indicators}
    assert kinds["zero_waste_city"].is_qualitative
    assert not kinds["gdp"].targets and kinds["gdp"].direction == "up"
    assert [t.year for t in kinds["forest_cover"].quantitative] == [2025, 2030]
    assert kinds["forest_cover"].targets[1].tolerance_value is not None
    assert plan.default_tolerance.relative and plan.default_tolerance.value == 5


def test_folder_holding_plan_yaml_loads(tmp_path: Path) -> None:
    shutil.copy(MINIMAL, tmp_path / "plan.yaml")
    plan = load_plan(tmp_path)
    assert plan.id == "riverton-sdg-2021-2030"
    assert plan.path == str(tmp_path / "plan.yaml")


def test_missing_plan_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no plan file"):
        load_plan(tmp_path / "nowhere.yaml")
    with pytest.raises(UsageError, match=r"no plan\.yaml"):
        load_plan(tmp_path)


def test_version_is_a_stable_content_hash(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    a = parse_plan(text)
    b = load_plan(MINIMAL)
    assert a.version == b.version == hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    assert re.fullmatch(r"[0-9a-f]{12}", a.version)
    # a copy elsewhere has the same version; any edit, even a comment, changes it
    copy = tmp_path / "copy.yaml"
    copy.write_text(text, encoding="utf-8")
    assert load_plan(copy).version == a.version
    assert parse_plan(text + "# edited\n").version != a.version


def test_short_and_list_forms_of_targets_are_the_same() -> None:
    head = (
        "id: demo\ntitle: {zh: 示例}\nperiod: {start: 2021, end: 2030}\nbase_year: 2020\n"
        "areas: [{key: city, name: {zh: 示例市}}]\ngroups: [{key: g, name: {zh: 组}}]\n"
        "indicators:\n  - key: x\n    name: {zh: 指标}\n    unit: '%'\n    group: g\n"
    )
    short = head + (
        "    targets:\n"
        "      2025: '>= 5'\n"
        "      2030: {expr: '~ 8', tolerance: '1', text: {zh: 八左右}}\n"
    )
    listed = head + (
        "    targets:\n"
        "      - {year: 2025, expr: '>= 5'}\n"
        "      - year: 2030\n"
        "        expr: '~ 8'\n"
        "        tolerance: '1'\n"
        "        text: {zh: 八左右}\n"
    )
    a = parse_plan(short).indicators[0].targets
    b = parse_plan(listed).indicators[0].targets
    assert [t.model_dump() for t in a] == [t.model_dump() for t in b]
    assert [t.parsed for t in a] == [t.parsed for t in b]
    assert [str(t.parsed) for t in a] == [">= 5", "~ 8"]


def test_short_form_qualitative_target() -> None:
    ind = load_plan(MINIMAL).indicator("zero_waste_city")
    (t,) = ind.targets
    assert t.year == 2030 and t.parsed is None and t.qualitative is not None


def test_tolerance_may_be_a_bare_number() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    plan = parse_plan(
        text.replace('tolerance: "1"', "tolerance: 1.5").replace(
            'about_tolerance: "5%"', "about_tolerance: 2"
        )
    )
    assert plan.indicator("forest_cover").targets[1].tolerance == "1.5"
    assert plan.default_tolerance.value == 2 and not plan.default_tolerance.relative


def test_line_numbers_follow_the_short_form_of_targets() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace('2030: "<= 5"', '2030: "<= five"')
    with pytest.raises(PlanError) as err:
        parse_plan(text, "m.yaml")
    (p,) = err.value.problems
    line = text.splitlines().index('      2030: "<= five"') + 1
    assert (p.code, p.line, p.field) == (
        "bad-expression",
        line,
        "indicators[0].targets.2030.expr",
    )


def test_empty_and_scalar_documents() -> None:
    for text in ("", "   \n", "# only a comment\n"):
        with pytest.raises(PlanError) as err:
            parse_plan(text)
        assert [p.code for p in err.value.problems] == ["not-a-mapping"]
    with pytest.raises(PlanError) as err:
        parse_plan("\n\njust words\n")
    assert [(p.code, p.line) for p in err.value.problems] == [("not-a-mapping", 3)]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hi']\n",
        "? [a, b]\n: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: [1, 2\n",
        "a:\tb\n\tc: d\n",
    ],
    ids=["python-tag", "complex-key", "two-documents", "unclosed", "tabs"],
)
def test_unsafe_or_broken_yaml_is_a_syntax_problem(text: str) -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(text)
    assert [p.code for p in err.value.problems] == ["yaml-syntax"]


def test_yaml_anchors_and_merges_are_allowed() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "  - key: people\n    name: {zh: 人民, en: People}\n",
        "  - key: people\n    name: &people {zh: 人民, en: People}\n    description: *people\n",
    )
    plan = parse_plan(text)
    assert plan.groups[0].description is not None and plan.groups[0].description.zh == "人民"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + MINIMAL.read_bytes())
    assert load_plan(p).id == "riverton-sdg-2021-2030"


# -- robustness: a broken plan is a PlanError, never a crash --------------------------------

_MINIMAL_DATA = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))

_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "economy", "gdp", ">= 5", "~ 1 ± 2", "%", "2020"]),
    st.lists(st.sampled_from([1, "a", None, [1], {"k": 1}]), max_size=3),
    st.dictionaries(
        st.sampled_from(["key", "zh", "year", "expr", "min"]), st.integers(), max_size=2
    ),
)


def _paths(node: object, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


_PATHS = [p for p in _paths(_MINIMAL_DATA) if p]


def _replace(node: object, path: tuple, value: object) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in node.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(node)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _junk), min_size=1, max_size=4))
def test_any_damage_is_reported_not_raised(damage: list[tuple[tuple, object]]) -> None:
    data = _MINIMAL_DATA
    for path, value in damage:
        try:
            data = _replace(data, path, value)
        except (TypeError, KeyError, IndexError):
            continue  # the path no longer exists after an earlier replacement
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        plan = parse_plan(text, "fuzz.yaml")
    except PlanError as e:
        assert e.problems
        for p in e.problems:
            assert p.code in CODES, str(p)
            assert p.line is None or 1 <= p.line <= text.count("\n") + 1
            assert _is_plain_sentence(p.message), p.message
    else:
        assert isinstance(plan, Plan)


def test_text_given_as_a_plain_string_gets_a_helpful_message() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "    name: {zh: 森林覆盖率, en: Forest cover}\n", "    name: Forest cover\n"
    )
    with pytest.raises(PlanError) as err:
        parse_plan(text)
    (p,) = err.value.problems
    assert (p.code, p.field) == ("wrong-type", "indicators[1].name")
    assert p.message.startswith("expected text in a mapping such as {zh: ")
    assert p.message.endswith("not the text 'Forest cover'")


def test_json_schema_allows_what_the_loader_accepts() -> None:
    schema = Plan.model_json_schema()
    defs = schema["$defs"]
    targets = defs["Indicator"]["properties"]["targets"]
    assert [o["type"] for o in targets["anyOf"]] == ["array", "object"]
    assert targets["anyOf"][0]["items"] == {"$ref": "#/$defs/TargetSpec"}
    assert {"type": "number"} in defs["TargetSpec"]["properties"]["tolerance"]["anyOf"]
    assert {"type": "number"} in defs["Methods"]["properties"]["about_tolerance"]["anyOf"]
    # every field the example uses is in the schema, and unknown fields are not allowed
    assert set(_MINIMAL_DATA) <= set(schema["properties"])
    for ind in _MINIMAL_DATA["indicators"]:
        assert set(ind) <= set(defs["Indicator"]["properties"])
    assert schema["additionalProperties"] is False
    assert defs["Indicator"]["additionalProperties"] is False


PLAIN = """\
id: demo
title: {zh: 示例}
period: {start: 2021, end: 2025}
base_year: 2020
areas: [{key: city, name: {zh: 市}}]
groups: [{key: g, name: {zh: 组}}]
indicators:
  - key: gdp
    name: {zh: 生产总值}
    unit: "%"
    group: g
    targets:
      2025: TARGET
"""


@pytest.mark.parametrize(
    ("target", "hint"),
    [(">= 65", 'write 2025: ">= 65"'), ("% 5", 'write 2025: "% 5"'), ("> 7", 'write 2025: "> 7"')],
)
def test_an_unquoted_target_gets_a_quote_hint(target: str, hint: str) -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(PLAIN.replace("TARGET", target))
    (problem,) = err.value.problems
    assert (problem.code, problem.line) == ("yaml-syntax", 13)
    assert "quote this value" in problem.message and hint in problem.message


def test_a_bare_number_target_says_to_write_an_expression() -> None:
    with pytest.raises(PlanError) as err:
        parse_plan(PLAIN.replace("TARGET", "65"))
    (problem,) = err.value.problems
    assert problem.code == "wrong-type"
    assert "a target is an expression in quotes, not a number" in problem.message
    assert '">= 65"' in problem.message and "valid string" not in problem.message
