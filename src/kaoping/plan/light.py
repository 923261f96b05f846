"""A validated plan as plain read-only objects, without pydantic.

A plan file is validated once by the typed models (:mod:`kaoping.plan.typed`); the result is
kept as plain data (:func:`plain`: dicts, lists, text and numbers, each model's dict tagged
with its class name under ``"@"``) and read back into the classes of this module
(:func:`view`). A view has the fields of the model it was made from, the same derived
properties (the mixins below are shared with the typed models, so both answer alike) and
``model_dump``; it cannot be changed. Reading a stored plan this way imports neither pydantic
nor YAML, which is most of the start-up of a command.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .expr import Target, Tolerance, parse_target

if TYPE_CHECKING:
    from .typed import Lens, LensCategory

TAG = "@"

_TOL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_tolerance(text: str) -> Tolerance:
    """``"2"`` is an absolute tolerance, ``"5%"`` one relative to the target; anything else
    raises ValueError."""
    m = _TOL.match(str(text))
    if not m:
        raise ValueError(
            f"the tolerance {str(text)!r} is not a number or a percentage such as '2' or '5%'"
        )
    return Tolerance(float(m.group(1)), m.group(2) == "%")


# -- what the typed models and the views share (no annotations here: pydantic would read them
# as fields) -----------------------------------------------------------------------------------


class TextMixin:
    def get(self, lang: str) -> str:
        if lang == "en" and self.en:
            return self.en
        return self.zh


class ToleranceMixin:
    @property
    def tolerance_value(self) -> Tolerance | None:
        tol = getattr(self, "tolerance", None)
        return parse_tolerance(tol) if tol is not None else None


class TargetMixin:
    @property
    def expression(self) -> str:
        """The target as text: its expression, or its conditions joined by 'and'."""
        if self.all is not None:
            return " and ".join(self.all)
        return self.expr or ""


class IndicatorMixin:
    @property
    def rate(self) -> bool:
        """Whether the observations are annual growth or decline rates."""
        return self.observed != "level"

    @cached_property
    def scheduled(self) -> list[Any]:
        return sorted(self.schedule, key=lambda s: s.year)

    @cached_property
    def quantitative(self) -> list[Any]:
        return sorted((t for t in self.targets if t.parsed is not None), key=lambda t: t.year)

    @property
    def is_qualitative(self) -> bool:
        return bool(self.targets) and not self.quantitative and not self.schedule


class PlanMixin:
    @property
    def version(self) -> str:
        """Content hash of the plan file (first 12 hex digits of SHA-256)."""
        return self._version

    @property
    def path(self) -> str:
        return self._path

    @property
    def default_area(self) -> str:
        return self.areas[0].key

    def indicator(self, key: str) -> Any:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    @property
    def categories(self) -> dict[str, tuple[Lens, LensCategory]]:
        return {c.key: (lens, c) for lens in self.lenses for c in lens.categories}

    @property
    def default_tolerance(self) -> Tolerance:
        return parse_tolerance(self.methods.about_tolerance)


# -- the views ---------------------------------------------------------------------------------


def _dump(v: Any) -> Any:
    if isinstance(v, Node):
        return v.model_dump()
    if isinstance(v, list):
        return [_dump(x) for x in v]
    return v


class Node:
    """One model of a validated plan, read-only: its fields as attributes."""

    __hash__ = None  # type: ignore[assignment]  # like the models: compared by value

    def __init__(self, kind: str, fields: dict[str, Any]):
        d = self.__dict__
        d.update(fields)
        d["_kind"] = kind
        d["_fields"] = tuple(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a stored plan is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a stored plan is read-only: cannot delete {name!r}")

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The fields as plain data, as the typed model's ``model_dump`` gives them (the same
        in ``python`` and ``json`` mode: a plan holds only text, numbers and lists)."""
        if mode not in ("python", "json"):
            raise ValueError(f"mode must be 'python' or 'json', not {mode!r}")
        return {k: _dump(self.__dict__[k]) for k in self._fields}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._kind == other._kind and self.model_dump() == other.model_dump()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={self.__dict__[k]!r}" for k in self._fields)
        return f"{self._kind}({fields})"


class Text(TextMixin, Node):
    pass


class TargetSpec(TargetMixin, ToleranceMixin, Node):
    @cached_property
    def conditions(self) -> tuple[Target, ...]:
        """Every condition: one for an expression, each of ``all`` for an all-of target."""
        if self.expr is not None:
            return (parse_target(self.expr),)
        return tuple(parse_target(t) for t in self.all or ())

    @property
    def parsed(self) -> Target | None:
        """The parsed expression (None for a qualitative target); the first condition of an
        all-of target."""
        return self.conditions[0] if self.conditions else None


class ScheduleSpec(ToleranceMixin, Node):
    @cached_property
    def parsed(self) -> Target:
        return parse_target(self.expr)


class Indicator(IndicatorMixin, Node):
    pass


class Plan(PlanMixin, Node):
    def __init__(self, kind: str, fields: dict[str, Any]):
        super().__init__(kind, fields)
        self.__dict__["_version"] = ""
        self.__dict__["_path"] = ""

    def located(self, version: str, path: str) -> Plan:
        """This plan with its content hash and file set (done once, by the loader)."""
        self.__dict__["_version"] = version
        self.__dict__["_path"] = path
        return self


_CLASSES: dict[str, type[Node]] = {
    c.__name__: c for c in (Text, TargetSpec, ScheduleSpec, Indicator, Plan)
}


def _node(d: dict[str, Any]) -> Any:
    kind = d.pop(TAG, None)
    if kind is None:
        return d
    return _CLASSES.get(kind, Node)(kind, d)


def view(data: Any) -> Any:
    """Plain data made by :func:`plain` (and read back from JSON) as views; fresh objects."""
    if isinstance(data, dict):
        return _node({k: view(v) for k, v in data.items()})
    if isinstance(data, list):
        return [view(x) for x in data]
    return data


#: ``json.loads(text, object_hook=OBJECT_HOOK)`` builds the views while parsing
OBJECT_HOOK = _node


def plain(model: Any) -> Any:
    """A typed model (or a view) as plain data: each model a dict of its fields tagged with its
    class name, lists as lists; what JSON can hold."""
    if isinstance(model, Node):
        out = {TAG: model._kind}
        for k in model._fields:
            out[k] = plain(model.__dict__[k])
        return out
    fields = getattr(type(model), "model_fields", None)
    if fields is not None:
        out = {TAG: type(model).__name__}
        for k in fields:
            out[k] = plain(getattr(model, k))
        return out
    if isinstance(model, (list, tuple)):
        return [plain(x) for x in model]
    if isinstance(model, dict):
        return {k: plain(v) for k, v in model.items()}
    return model
