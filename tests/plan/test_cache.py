"""The cache of validated plans: a hit skips validation and reads plain data back into
read-only views; anything changed or damaged validates again; a plan reads the same with the
cache on and off."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kaoping.errors import PlanError
from kaoping.plan import bundled_plans, cache, light, load_plan
from kaoping.plan.loader import parse_plan

MINIMAL = Path(__file__).parent / "examples" / "minimal.yaml"


@pytest.fixture
def plan_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    p = tmp_path / "plan.yaml"
    shutil.copy(MINIMAL, p)
    return p


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each full validation (the function the cache calls on a miss)."""
    calls: list[str] = []
    real = cache.cached_plan

    def counting(text, file, validate=None):
        def counted(t, f):
            calls.append(f)
            return parse_plan(t, f)

        return real(text, file, counted)

    monkeypatch.setattr(cache, "cached_plan", counting)
    return calls


def stored(plan_file: Path) -> list[Path]:
    return sorted((plan_file.parent / "cache" / "plans").glob("*.json"))


def test_miss_then_hit(plan_file: Path, validations: list[str]) -> None:
    first = load_plan(plan_file)
    assert validations == [str(plan_file)]
    assert len(stored(plan_file)) == 1
    second = load_plan(plan_file)
    assert validations == [str(plan_file)]  # read back, not validated
    assert second is not first
    assert second.model_dump() == first.model_dump()
    assert second.version == first.version
    assert second.path == str(plan_file)
    # the parsed target expressions come back too
    ind = second.indicators[0]
    assert [t.parsed for t in ind.quantitative] == [
        t.parsed for t in first.indicators[0].quantitative
    ]


def test_stored_plan_is_plain_json(plan_file: Path) -> None:
    load_plan(plan_file)
    (path,) = stored(plan_file)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data[light.TAG] == "Plan"
    assert data["id"] == "riverton-sdg-2021-2030"  # as examples/minimal.yaml says
    assert data["period"] == {light.TAG: "Period", "start": 2021, "end": 2030}
    assert data["short_title"] == {
        light.TAG: "Text",
        "zh": "河口市可持续发展行动方案",
        "en": "Riverton SDG plan",
    }


def _same(typed, view, where: str = "plan") -> None:
    """Every field and derived property of a typed model answered alike by its view."""
    assert type(view).__name__ in (type(typed).__name__, "Node"), where
    assert view.model_dump() == typed.model_dump(), where
    assert view.model_dump(mode="json") == typed.model_dump(mode="json"), where
    assert repr(view) == repr(typed), where
    for name in type(typed).model_fields:
        a, b = getattr(typed, name), getattr(view, name)
        if isinstance(a, list):
            assert len(a) == len(b), f"{where}.{name}"
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                if hasattr(type(x), "model_fields"):
                    _same(x, y, f"{where}.{name}[{i}]")
                else:
                    assert x == y, f"{where}.{name}[{i}]"
        elif hasattr(type(a), "model_fields"):
            _same(a, b, f"{where}.{name}")
        else:
            assert a == b and type(a) is type(b), f"{where}.{name}"
    kind = type(typed).__name__
    derived = {
        "Text": lambda m: (m.get("en"), m.get("zh")),
        "TargetSpec": lambda m: (m.parsed, m.conditions, m.expression, m.tolerance_value),
        "ScheduleSpec": lambda m: (m.parsed, m.tolerance_value),
        "Indicator": lambda m: (
            m.rate,
            [s.year for s in m.scheduled],
            [t.year for t in m.quantitative],
            m.is_qualitative,
        ),
        "Plan": lambda m: (
            m.version,
            m.path,
            m.default_area,
            m.default_tolerance,
            {k: (lens.key, c.key) for k, (lens, c) in m.categories.items()},
            [m.indicator(i.key).key for i in m.indicators],
        ),
    }.get(kind)
    if derived is not None:
        assert derived(view) == derived(typed), where


@pytest.mark.parametrize("plan_id", sorted(bundled_plans()))
@pytest.mark.parametrize("stored_plan", [True, False])
def test_views_answer_as_the_typed_models(
    plan_id: str, stored_plan: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path) if stored_plan else "off")
    file = bundled_plans()[plan_id] / "plan.yaml"
    typed = parse_plan(file.read_text(encoding="utf-8"), str(file))
    load_plan(file)  # stores it (when on)
    view = load_plan(file)
    assert isinstance(view, light.Plan)
    _same(typed, view)
    with pytest.raises(KeyError):
        view.indicator("no-such-indicator")


def test_views_are_read_only(plan_file: Path) -> None:
    plan = load_plan(plan_file)
    with pytest.raises(AttributeError):
        plan.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        plan.indicators[0].unit = "t"
    with pytest.raises(AttributeError):
        del plan.title.zh
    assert plan.id == "riverton-sdg-2021-2030"


def test_changed_text_misses(plan_file: Path, validations: list[str]) -> None:
    load_plan(plan_file)
    plan_file.write_text(plan_file.read_text(encoding="utf-8") + "\n# a comment\n", "utf-8")
    load_plan(plan_file)
    assert len(validations) == 2
    assert len(stored(plan_file)) == 2


def test_other_kaoping_python_or_code_version_misses(
    plan_file: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = plan_file.read_text(encoding="utf-8")
    key = cache.cache_key(text)
    monkeypatch.setattr("kaoping.__version__", "999.0")
    assert cache.cache_key(text) != key
    monkeypatch.undo()
    monkeypatch.setattr("sys.version", "3.99.0 (other build)")
    assert cache.cache_key(text) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert cache.cache_key(text) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_code_stamp", lambda: b"typed.py:1:2")
    assert cache.cache_key(text) != key
    monkeypatch.undo()
    assert cache.cache_key(text) == key


def test_code_stamp_names_the_validating_code() -> None:
    stamp = cache._code_stamp().decode()
    for name in ("typed.py", "loader.py", "checks.py", "expr.py", "light.py", "version.py"):
        assert f"{name}:" in stamp
    assert f"{name}:-" not in stamp  # every file found


def test_corrupt_file_validates_again_and_is_replaced(
    plan_file: Path, validations: list[str]
) -> None:
    good = load_plan(plan_file)
    (path,) = stored(plan_file)
    whole = path.read_bytes()
    for damage in (b"", b"not json", whole[:40], b"\xff\xfe", b"[1, 2]", b'{"@": "Text"}'):
        path.write_bytes(damage)
        again = load_plan(plan_file)
        assert again.model_dump() == good.model_dump()
    assert len(validations) == 7
    assert path.read_bytes() == whole  # stored anew


def test_a_stored_value_that_is_no_plan_is_ignored(plan_file: Path, validations: list[str]) -> None:
    load_plan(plan_file)
    (path,) = stored(plan_file)
    path.write_text(json.dumps({"id": "not a plan"}), encoding="utf-8")
    assert load_plan(plan_file).id == parse_plan(plan_file.read_text("utf-8")).id
    assert len(validations) == 2


def test_plans_with_problems_are_never_stored(plan_file: Path) -> None:
    plan_file.write_text("id: x\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlanError):
            load_plan(plan_file)
    assert stored(plan_file) == []


def test_no_temporary_file_is_left(plan_file: Path) -> None:
    load_plan(plan_file)
    folder = plan_file.parent / "cache" / "plans"
    assert [p.name for p in folder.iterdir()] == [stored(plan_file)[0].name]


def test_off_and_unwritable_folder(
    plan_file: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.cache_dir() is None
    load_plan(plan_file)
    load_plan(plan_file)
    assert len(validations) == 2
    blocker = plan_file.parent / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv(cache.ENV, str(blocker))
    assert load_plan(plan_file).id  # nothing stored, no error
    assert len(validations) == 3


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    if sys.platform != "linux":
        pytest.skip("XDG folders are Linux's")
    monkeypatch.delenv(cache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "kaoping" / "plans"
