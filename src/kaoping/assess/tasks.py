"""The assignment file: which department carries out which measure of a plan, by when.

A plan names articles; an assignment file beside it breaks articles into tasks (measures),
each with a lead department, co-departments, a deadline and milestones, and says which
department is responsible for which indicator. :func:`parse_assignment` validates the file
against its plan and raises :class:`AssignmentError` with every problem at once, each with
the file, the line, the field and a stable code (see ``docs/supervision.md``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PlanError, Problem, ProblemsError, read_input
from ..plan.loader import _compose, _kind, field_name, line_of

if TYPE_CHECKING:
    from ..plan.model import Plan

KEY = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
STATUSES = ("green", "amber", "red")

TOP_FIELDS = {"plan", "label", "departments", "indicators", "tasks"}
DEPT_FIELDS = {"key", "name"}
TASK_FIELDS = {"key", "article", "title", "lead", "co", "deadline", "milestones", "indicators"}
MILESTONE_FIELDS = {"date", "text"}


class AssignmentError(ProblemsError):
    """An assignment file that does not validate against its plan."""

    code = "assignment"
    what = "assignment"


@dataclass(frozen=True)
class Milestone:
    date: date
    zh: str
    en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "text": {"zh": self.zh, "en": self.en}}


@dataclass(frozen=True)
class Task:
    key: str
    article: int
    title_zh: str
    title_en: str
    lead: str
    co: tuple[str, ...]
    deadline: date
    milestones: tuple[Milestone, ...] = ()
    indicators: tuple[str, ...] = ()

    @property
    def departments(self) -> tuple[str, ...]:
        """The lead department, then the co-departments."""
        return (self.lead, *self.co)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "article": self.article,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "lead": self.lead,
            "co": list(self.co),
            "deadline": self.deadline.isoformat(),
            "milestones": [m.to_dict() for m in self.milestones],
            "indicators": list(self.indicators),
        }


@dataclass
class Assignment:
    """A validated assignment file."""

    plan_id: str
    label_zh: str
    label_en: str
    departments: list[tuple[str, str, str]]  # key, name_zh, name_en
    indicators: dict[str, str]  # indicator -> department
    tasks: list[Task]
    text: str = ""
    file: str = ""
    version: str = field(default="")

    def task(self, key: str) -> Task:
        for t in self.tasks:
            if t.key == key:
                return t
        raise KeyError(key)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class _Checker:
    def __init__(self, file: str, lines: dict) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, code: str, msg: str, loc: tuple) -> None:
        self.problems.append(
            Problem(code, msg, self.file, line_of(self.lines, loc), field_name(loc))
        )

    def fields(self, data: dict, allowed: set[str], required: set[str], loc: tuple) -> None:
        for k in data:
            if k not in allowed:
                self.add("unknown-field", f"unknown field '{k}'", (*loc, k))
        for k in sorted(required - set(data)):
            self.add("missing-field", f"the field '{k}' is required", loc)

    def text(self, value: Any, loc: tuple, example: str) -> tuple[str, str] | None:
        """Text in Chinese and English (``{zh: …, en: …}``, or one string): every other key
        is an error — most often words after a comma in a ``{…}`` mapping that is not in
        quotes, which YAML reads as keys of their own."""
        if isinstance(value, str):
            if not value.strip():
                self.add("empty-text", "the text is empty", loc)
                return None
            return value.strip(), ""
        if not isinstance(value, dict):
            self.add("wrong-type", f"expected text such as {example}", loc)
            return None
        ok = True
        for k, v in value.items():
            if k in ("zh", "en"):
                continue
            ok = False
            hint = (
                f"; if '{k}' is the rest of a text cut at a comma, put the whole text in "
                f'quotes: en: "…, {k}"'
                if v is None
                else ""
            )
            self.add("unknown-field", f"unknown field '{k}': a text has zh and en{hint}", (*loc, k))
        if "zh" not in value:
            self.add("missing-field", "the field 'zh' is required", loc)
            return None
        for k in ("zh", "en"):
            v = value.get(k)
            if k in value and not isinstance(v, str):
                self.add("wrong-type", f"expected text, not {_kind(v)}", (*loc, k))
                ok = False
        zh, en = value["zh"], value.get("en") or ""
        if not ok or not isinstance(zh, str):
            return None
        if not zh.strip():
            self.add("empty-text", "the text is empty", (*loc, "zh"))
            return None
        return zh.strip(), en.strip()

    def key(self, value: Any, loc: tuple) -> str | None:
        if not isinstance(value, str) or not KEY.match(value):
            self.add(
                "bad-key",
                f"{value!r} is not a valid key: use lower-case letters, digits, '_' and '-', "
                "starting with a letter",
                loc,
            )
            return None
        return value


def parse_assignment(text: str, plan: Plan, file: str = "<assignment>") -> Assignment:
    """Validate assignment text against ``plan``; raise :class:`AssignmentError` with every
    problem found."""
    try:
        data, lines, yaml_problems = _compose(text, file)
    except PlanError as e:
        problems = [
            Problem(p.code, "the assignment file is empty", p.file, p.line, p.field)
            if p.code == "not-a-mapping"
            else p
            for p in e.problems
        ]
        raise AssignmentError(problems) from None
    c = _Checker(file, lines)
    c.problems.extend(yaml_problems)
    if not isinstance(data, dict):
        c.add("not-a-mapping", "an assignment file is a mapping of fields such as 'plan: ...'", ())
        raise AssignmentError(c.problems)
    c.fields(data, TOP_FIELDS, {"plan", "departments", "tasks"}, ())
    plan_id = data.get("plan")
    if "plan" in data and plan_id != plan.id:
        c.add("wrong-plan", f"the file is for plan {plan_id!r}, not {plan.id!r}", ("plan",))
    label = ("", "")
    if "label" in data:
        got = c.text(data["label"], ("label",), "{zh: 示例, en: Example}")
        if got is not None:
            label = got

    # departments --------------------------------------------------------------------------
    depts: list[tuple[str, str, str]] = []
    seen_dept: dict[str, int] = {}
    raw_depts = data.get("departments")
    if "departments" in data and not isinstance(raw_depts, list):
        c.add("wrong-type", "expected a list of departments", ("departments",))
        raw_depts = []
    for i, d in enumerate(raw_depts or []):
        loc = ("departments", i)
        if not isinstance(d, dict):
            c.add("wrong-type", "expected a mapping such as {key: stats, name: {zh: 统计局}}", loc)
            continue
        c.fields(d, DEPT_FIELDS, DEPT_FIELDS, loc)
        key = c.key(d["key"], (*loc, "key")) if "key" in d else None
        name = (
            c.text(d["name"], (*loc, "name"), "{zh: 统计局, en: Statistics Bureau}")
            if "name" in d
            else None
        )
        if key is None:
            continue
        if key in seen_dept:
            c.add(
                "duplicate-department",
                f"department {key!r} is listed twice (first as item {seen_dept[key]})",
                (*loc, "key"),
            )
            continue
        seen_dept[key] = i
        if name is not None:
            depts.append((key, name[0], name[1]))
    known_depts = set(seen_dept) | {d.key for d in plan.departments}

    def dept_ref(value: Any, loc: tuple) -> str | None:
        if not isinstance(value, str):
            c.add("wrong-type", "expected a department key", loc)
            return None
        if value not in known_depts:
            c.add("unknown-department", f"no department {value!r} in the file or the plan", loc)
            return None
        return value

    indicator_keys = {i.key for i in plan.indicators}

    # indicators ---------------------------------------------------------------------------
    owners: dict[str, str] = {}
    raw_inds = data.get("indicators") or {}
    if not isinstance(raw_inds, dict):
        c.add(
            "wrong-type", "expected a mapping of indicator key to department key", ("indicators",)
        )
        raw_inds = {}
    for ind, dept in raw_inds.items():
        loc = ("indicators", str(ind))
        if ind not in indicator_keys:
            c.add("unknown-indicator", f"no indicator {ind!r} in plan {plan.id}", loc)
            continue
        got = dept_ref(dept, loc)
        if got:
            owners[str(ind)] = got

    # tasks --------------------------------------------------------------------------------
    articles = {a.number for a in plan.articles}
    first_day, last_day = date(plan.period.start, 1, 1), date(plan.period.end, 12, 31)
    tasks: list[Task] = []
    seen_task: dict[str, int] = {}
    raw_tasks = data.get("tasks")
    if "tasks" in data and not isinstance(raw_tasks, list):
        c.add("wrong-type", "expected a list of tasks", ("tasks",))
        raw_tasks = []
    for i, t in enumerate(raw_tasks or []):
        loc = ("tasks", i)
        if not isinstance(t, dict):
            c.add("wrong-type", "expected a mapping of task fields", loc)
            continue
        n_before = len(c.problems)
        c.fields(t, TASK_FIELDS, {"key", "article", "title", "lead", "deadline"}, loc)
        key = c.key(t["key"], (*loc, "key")) if "key" in t else None
        if key is not None:
            if key in seen_task:
                c.add(
                    "duplicate-task",
                    f"task {key!r} appears twice (first as item {seen_task[key]})",
                    (*loc, "key"),
                )
            else:
                seen_task[key] = i
        article = t.get("article")
        if "article" in t:
            if not isinstance(article, int) or isinstance(article, bool):
                c.add("wrong-type", "expected an article number", (*loc, "article"))
            elif articles and article not in articles:
                c.add(
                    "unknown-article", f"plan {plan.id} has no article {article}", (*loc, "article")
                )
        title = c.text(t["title"], (*loc, "title"), "{zh: …, en: …}") if "title" in t else None
        lead = dept_ref(t["lead"], (*loc, "lead")) if "lead" in t else None
        co_raw = t.get("co") or []
        if not isinstance(co_raw, list):
            c.add("wrong-type", "expected a list of department keys", (*loc, "co"))
            co_raw = []
        co: list[str] = []
        for j, dk in enumerate(co_raw):
            got = dept_ref(dk, (*loc, "co", j))
            if got is None:
                continue
            if got == lead or got in co:
                c.add(
                    "duplicate-department", f"{got!r} is named twice for this task", (*loc, "co", j)
                )
                continue
            co.append(got)
        deadline = None
        if "deadline" in t:
            deadline = _date(t["deadline"])
            if deadline is None:
                c.add(
                    "bad-date", f"{t['deadline']!r} is not a date (YYYY-MM-DD)", (*loc, "deadline")
                )
            elif not first_day <= deadline <= last_day:
                c.add(
                    "deadline-outside-plan",
                    f"the deadline {deadline} is outside the plan period "
                    f"{plan.period.start}–{plan.period.end}",
                    (*loc, "deadline"),
                )
        milestones: list[Milestone] = []
        ms_raw = t.get("milestones") or []
        if not isinstance(ms_raw, list):
            c.add("wrong-type", "expected a list of milestones", (*loc, "milestones"))
            ms_raw = []
        for j, m in enumerate(ms_raw):
            mloc = (*loc, "milestones", j)
            if not isinstance(m, dict):
                c.add("wrong-type", "expected a mapping such as {date: 2012-06-30, text: …}", mloc)
                continue
            c.fields(m, MILESTONE_FIELDS, MILESTONE_FIELDS, mloc)
            md = _date(m.get("date")) if "date" in m else None
            if "date" in m and md is None:
                c.add("bad-date", f"{m['date']!r} is not a date (YYYY-MM-DD)", (*mloc, "date"))
            elif md is not None and deadline is not None and md > deadline:
                c.add(
                    "milestone-after-deadline",
                    f"the milestone {md} falls after the task's deadline {deadline}",
                    (*mloc, "date"),
                )
            elif md is not None and not first_day <= md <= last_day:
                c.add(
                    "milestone-outside-plan",
                    f"the milestone {md} is outside the plan period",
                    (*mloc, "date"),
                )
            mt = c.text(m["text"], (*mloc, "text"), "{zh: …, en: …}") if "text" in m else None
            if md is not None and mt is not None:
                milestones.append(Milestone(md, mt[0], mt[1]))
        inds: list[str] = []
        ind_raw = t.get("indicators") or []
        if not isinstance(ind_raw, list):
            c.add("wrong-type", "expected a list of indicator keys", (*loc, "indicators"))
            ind_raw = []
        for j, ik in enumerate(ind_raw):
            if ik not in indicator_keys:
                c.add(
                    "unknown-indicator",
                    f"no indicator {ik!r} in plan {plan.id}",
                    (*loc, "indicators", j),
                )
            elif ik not in inds:
                inds.append(ik)
        if len(c.problems) == n_before and key and title and lead and deadline:
            tasks.append(
                Task(
                    key=key,
                    article=int(article),
                    title_zh=title[0],
                    title_en=title[1],
                    lead=lead,
                    co=tuple(co),
                    deadline=deadline,
                    milestones=tuple(sorted(milestones, key=lambda m: m.date)),
                    indicators=tuple(inds),
                )
            )
    if c.problems:
        c.problems.sort(key=lambda p: (p.line or 0, p.code))
        raise AssignmentError(c.problems)
    return Assignment(
        plan_id=plan.id,
        label_zh=label[0],
        label_en=label[1],
        departments=depts,
        indicators=owners,
        tasks=tasks,
        text=text,
        file=file,
        version=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
    )


def load_assignment(path: str | Path, plan: Plan) -> Assignment:
    """Read and validate the assignment file at ``path`` against ``plan``."""
    p = Path(path)
    return parse_assignment(read_input(p, AssignmentError), plan, str(p))


def example_assignment_path(plan_id: str) -> Path | None:
    """The example assignment shipped beside a bundled plan, if there is one."""
    from ..plan.bundled import bundled_plans

    folder = bundled_plans().get(plan_id)
    if folder is None:
        return None
    p = folder / "example-assignment.yaml"
    return p if p.is_file() else None
