"""The staff pages in human terms: names instead of keys, local times to the minute, values as
their indicator's unit writes them, and audit entries as readable changes ("field: old → new").
In the audit lines, values that are data rather than words (a version, a SHA-256, a file name, a
token's name, a text someone wrote) are marked ``translate="no"``: shown as they were entered.

A :class:`StaffView` is made per request (:func:`staff_view`) and handed to the staff templates
as ``h``: ``h.indicator(key)``, ``h.area(key)``, ``h.department(key)``, ``h.value(v, key,
censor)``, ``h.when(dt)``, ``h.role(code)``, ``h.audit(row)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from ..errors import KaopingError
from ..i18n import K_, _, label
from ..i18n.formats import MISSING, format_datetime, format_number
from ..i18n.periods import PERIOD, period_text
from ..report.labels import censored_text

ARROW = "→"

# audit detail fields → the catalog key of their label
FIELDS: dict[str, str] = {
    "value": K_("value"),
    "censor": K_("f_censor"),
    "previous_basis": K_("previous_basis"),
    "status": K_("data_status"),
    "flags": K_("flags"),
    "state": K_("f_state"),
    "revision": K_("revision"),
    "reason": K_("f_reason"),
    "role": K_("role"),
    "department": K_("department"),
    "active": K_("active"),
    "sessions_ended": K_("f_sessions_ended"),
    "name": K_("f_name"),
    "expires_at": K_("expires"),
    "verdict": K_("verdict"),
    "evidence": K_("evidence"),
    "source": K_("source"),
    "note": K_("note"),
    "filename": K_("import_file"),
    "import_id": K_("f_import"),
    "decided": K_("f_decided"),
    "cells": K_("f_cells"),
    "counts": K_("f_counts"),
    "comments": K_("comments"),
    "approved": K_("approved"),
    "changes": K_("changes"),
    "delta": K_("f_delta"),
    "text": K_("f_text"),
    "corrective_task": K_("f_corrective_task"),
    "version": K_("f_version"),
    "indicators": K_("indicators"),
    "created": K_("f_created"),
    "file": K_("file"),
    "added": K_("f_added"),
    "changed": K_("f_changed"),
    "score": K_("score"),
    "comment": K_("comments"),
    "percent": K_("f_percent"),
    "created_by": K_("who"),
    "attempted": K_("f_attempted"),
    "current": K_("current_value"),
    "update": K_("f_update"),
    "scale": K_("f_scale"),
    "sha256": K_("f_sha256"),
    "key": K_("f_code"),
    "name_zh": K_("f_name_zh"),
    "name_en": K_("f_name_en"),
    "email": K_("f_email"),
    "plan_id": K_("f_plan"),
    "due": K_("sv_due"),
    "start": K_("sv_start"),
    "end": K_("sv_end"),
    "kind": K_("sv_kind"),
    "year": K_("year"),
    "files": K_("sv_evidence"),
    "links": K_("sv_link_list"),
    "size": K_("f_size"),
    "retired": K_("f_retired"),
}
#: the label of ``name`` by what the entry is about: a token's name, a file's name
NAMED = {"token": K_("token_name"), "files": K_("f_file_name"), "file": K_("f_file_name")}
#: the field of an entry whose detail is one value changed ("before" -> "after")
SINGLE = {
    "assignment.set": "department",
    "plan.activate": "version",
    "assignment.load": "version",
    "user.email": "email",
}
#: data shown in ``<code>``: identifiers and checksums (other data in a ``<span>``)
CODE_FIELDS = frozenset({"version", "sha256", "key", "file", "filename", "import_id", "update"})
# words of coded values in the details (each a catalog key)
CODED = ("final", "provisional", "submitted", "approved", "rejected", "superseded")
CODED += ("estimated", "imputed", "break", "new", "unchanged", "rows", "skipped", "errors")
CODED += ("warnings", "uncommented")
# audit actions → the catalog key of their name
ACTIONS: dict[str, str] = {
    "observation.submit": K_("act_observation_submit"),
    "observation.conflict": K_("act_observation_conflict"),
    "observation.approve": K_("act_observation_approve"),
    "observation.reject": K_("act_observation_reject"),
    "observation.unlock": K_("act_observation_unlock"),
    "import": K_("act_import"),
    "import.bundled": K_("act_import_bundled"),
    "import.approve": K_("act_import_approve"),
    "import.reject": K_("act_import_reject"),
    "user.create": K_("act_user_create"),
    "user.password": K_("act_user_password"),
    "user.role": K_("act_user_role"),
    "user.deactivate": K_("act_user_deactivate"),
    "user.email": K_("act_user_email"),
    "token.create": K_("act_token_create"),
    "token.revoke": K_("act_token_revoke"),
    "verdict.record": K_("act_verdict_record"),
    "calendar.set": K_("act_calendar_set"),
    "notices.generate": K_("act_notices_generate"),
    "explanation.record": K_("act_explanation_record"),
    "department.save": K_("act_department_save"),
    "assignment.set": K_("act_assignment_set"),
    "assignment.load": K_("act_assignment_load"),
    "task.update": K_("act_task_update"),
    "task.conflict": K_("act_task_conflict"),
    "task.rate": K_("act_task_rate"),
    "assessment.adjust": K_("act_assessment_adjust"),
    "plan.load": K_("act_plan_load"),
    "plan.activate": K_("act_plan_activate"),
}


class StaffView:
    """Names, numbers and times for one staff page in one language."""

    def __init__(
        self,
        plan: Any,
        departments: Iterable[Mapping[str, Any]],
        lang: str,
        tz: str | None = None,
        tasks: Mapping[str, Mapping[str, str]] | None = None,
    ):
        self.lang = lang
        self._task = dict(tasks or {})  # task key -> title by language
        self.tz = tz
        self._plan = plan
        self._ind = {i.key: i for i in plan.indicators}
        self._area = {a.key: a for a in plan.areas}
        self._step = {m.key: m for m in getattr(plan, "milestones", ())}
        self._dept = {d["key"]: d for d in departments}

    # ---- names --------------------------------------------------------------------------
    def indicator(self, key: str | None) -> str:
        ind = self._ind.get(key or "")
        if ind is not None:
            return ind.name.get(self.lang)
        step = self._step.get(key or "")
        return step.name.get(self.lang) if step is not None else str(key or "")

    def area(self, key: str | None) -> str:
        a = self._area.get(key or "")
        return a.name.get(self.lang) if a is not None else str(key or "")

    def department(self, key: str | None) -> str:
        d = self._dept.get(key or "")
        if d is None:
            return str(key or "")
        name = d.get("name_zh") if self.lang == "zh" else (d.get("name_en") or d.get("name_zh"))
        return str(name or key)

    def task(self, key: str | None) -> str:
        """A task of the assignment by its title (its key if the assignment has no such)."""
        title = self._task.get(key or "")
        if not title:
            return str(key or "")
        return str(title.get(self.lang) or title.get("zh") or key)

    def role(self, code: str | None) -> str:
        return label("role", code, self.lang) if code else ""

    def unit(self, key: str | None) -> str:
        ind = self._ind.get(key or "")
        unit = getattr(ind, "unit", "") or ""
        return label("unit", unit, self.lang) if unit else ""

    def cell(self, indicator: str, area: str | None, year: Any) -> str:
        """An observation's cell: "人均地区生产总值 · 郑州市 · 2020"."""
        return " · ".join(x for x in (self.indicator(indicator), self.area(area), str(year)) if x)

    # ---- values and times ---------------------------------------------------------------
    def value(self, v: Any, indicator: str | None = None, censor: str | None = "") -> str:
        """A value as its indicator's unit writes it (``29,095元``; ``> 25%``)."""
        if v is None or v == "":
            return MISSING
        try:
            x = float(v)
        except (TypeError, ValueError):
            return str(v)
        shown = format_number(x, self.lang, unit=self.unit(indicator))
        return censored_text(shown, censor, self.lang) if censor else shown

    def number(self, v: Any) -> str:
        return format_number(v, self.lang)

    def when(self, dt: Any) -> str:
        return format_datetime(dt, self.lang, self.tz)

    def word(self, code: Any) -> str:
        return _(str(code), self.lang)

    # ---- the audit log ------------------------------------------------------------------
    def action(self, code: str) -> str:
        return _(ACTIONS[code], self.lang) if code in ACTIONS else code

    def subject(self, row: Mapping[str, Any]) -> Markup:
        """What an entry is about, by name (HTML): the cell, the indicator, the department, …;
        a version or a key without a name (a user's) is data, marked ``translate="no"``."""
        key, entity = str(row.get("key") or ""), row.get("entity")
        parts = key.split("/")
        if entity in ("observation", "verdict") and len(parts) == 3:
            return escape(self.cell(*parts))
        if len(parts) == 3 and parts[0] in self._ind:  # an explanation of a cell
            return escape(self.cell(*parts))
        if entity == "indicator":
            return escape(self.indicator(key))
        if entity == "department":
            return escape(self.department(key))
        if entity == "task" and len(parts) == 2:
            return escape(f"{self.task(parts[0])} · {period_text(parts[1], self.lang)}")
        if entity == "task" and len(parts) == 1:
            return escape(self.task(key))
        if entity in ("plan", "import", "assignment") and key.split("@")[0] == self._plan.id:
            title = (self._plan.short_title or self._plan.title).get(self.lang)
            if "@" in key:
                return Markup("{} · {}").format(title, data(key.split("@", 1)[1], "version"))
            return escape(title)
        if entity == "unit" and len(parts) == 2:
            return escape(f"{self.department(parts[0])} · {parts[1]}")
        return data(key, "key") if key else escape(key)

    def audit(self, row: Mapping[str, Any]) -> list[Markup]:
        """An entry's detail as readable lines (HTML): "数值: 29,000元 → 29,095元", "原因: …";
        values that are data are marked ``translate="no"`` (:meth:`_plain`)."""
        detail = row.get("detail")
        key = str(row.get("key") or "")
        indicator = key.split("/")[0] if row.get("entity") == "observation" else None
        if not isinstance(detail, Mapping):
            return [self._plain(detail, None, indicator)] if detail not in (None, "") else []
        about = "token" if str(row.get("action") or "").startswith("token.") else None
        lines: list[Markup] = []
        if "before" in detail or "after" in detail:
            lines += self._changes(detail.get("before"), detail.get("after"), row, indicator)
        for f, v in detail.items():
            if f in ("before", "after") or v is None or v == "" or v == [] or v == {}:
                continue
            lines.append(
                Markup("{}: {}").format(self.field(f, about), self._plain(v, f, indicator))
            )
        return lines

    def field(self, name: str, about: str | None = None) -> str:
        """A detail field's label; ``about``: what holds it (``token``, ``files``), which
        says whose ``name`` it is."""
        if name == "name" and about in NAMED:
            return _(NAMED[about], self.lang)
        return _(FIELDS.get(name, name), self.lang)

    def _changes(self, before: Any, after: Any, row: Mapping[str, Any], ind: str | None) -> list:
        if isinstance(before, Mapping) or isinstance(after, Mapping):
            b = before if isinstance(before, Mapping) else {}
            a = after if isinstance(after, Mapping) else {}
            out = []
            # the fields written (all of the old ones when a thing was removed)
            for f in a if isinstance(after, Mapping) else b:
                new_s = self._plain(a.get(f), f, ind) if f in a else escape(MISSING)
                if before is not None and f not in b:  # not kept before: the new value only
                    out.append(Markup("{}: {}").format(self.field(f), new_s))
                    continue
                old_s = self._plain(b.get(f), f, ind) if f in b else escape(MISSING)
                if old_s != new_s:
                    out.append(Markup("{}: {} {} {}").format(self.field(f), old_s, ARROW, new_s))
            return out
        # a single value changed: a department, a version, an address
        f = SINGLE.get(str(row.get("action")), "")
        old, new = self._plain(before, f, ind), self._plain(after, f, ind)
        if f:
            return [Markup("{}: {} {} {}").format(self.field(f), old, ARROW, new)]
        return [Markup("{} {} {}").format(old, ARROW, new)]

    def _plain(self, v: Any, f: str | None, ind: str | None) -> Markup:
        """One value of a detail in words (never JSON), as HTML: words escaped; data (a text,
        a name, a version, a checksum: what was entered or computed, as it is) marked
        ``translate="no"`` (:func:`data`)."""
        if v is None or v == "":
            return escape(MISSING)
        if isinstance(v, bool):
            return escape("✓" if v else "✗")
        if f in ("value", "previous_basis") and isinstance(v, (int, float)):
            return escape(self.value(v, ind))
        if f in ("delta", "score") and isinstance(v, (int, float)):
            return escape(format_number(v, self.lang))
        if f == "department":
            return escape(self.department(str(v)))
        if f == "plan_id" and v == self._plan.id:
            return escape((self._plan.short_title or self._plan.title).get(self.lang))
        if f == "role":
            return escape(self.role(str(v)))
        if f == "status" and v in ("green", "amber", "red"):
            return escape(_(f"sv_{v}", self.lang))
        if f == "kind" and v in ("quarter", "annual"):
            return escape(_(f"sv_{v}", self.lang))
        if f == "key" and isinstance(v, str) and PERIOD.match(v):
            return escape(period_text(v, self.lang))
        if f == "verdict":
            return escape(label("status", str(v), self.lang))
        if f in ("state", "status") or (isinstance(v, str) and v in CODED):
            return escape(_(str(v), self.lang))
        if f in ("expires_at",) or (isinstance(v, str) and _looks_like_time(v)):
            return escape(self.when(v))
        if isinstance(v, Mapping):
            return Markup("; ").join(
                Markup("{}: {}").format(self._mapping_key(k, f), self._plain(x, str(k), ind))
                for k, x in v.items()
            )
        if isinstance(v, (list, tuple)):
            sep = Markup("、" if self.lang == "zh" else ", ")
            if f == "flags":
                return sep.join(_(str(x), self.lang) for x in v) if v else escape(MISSING)
            # a list of entries (files) keeps its field: it says whose `name` each one's is
            return sep.join(self._plain(x, f if isinstance(x, Mapping) else None, ind) for x in v)
        if isinstance(v, float):
            return escape(format_number(v, self.lang))
        if isinstance(v, int):
            return escape(str(v))
        if isinstance(v, str) and v.count("/") == 2 and v.split("/")[0] in self._ind:
            return escape(self.cell(*v.split("/")))
        if isinstance(v, str) and v in self._task:
            return escape(self.task(v))
        return data(v, f)

    def _mapping_key(self, k: Any, f: str | None) -> str:
        if f == "counts":
            return _(str(k), self.lang)
        if f == "comments":
            return f"{_('row', self.lang)} {k}"
        return self.field(str(k), f)


def data(v: Any, f: str | None = None) -> Markup:
    """A value shown as it is, marked as not in the page's language: identifiers and checksums
    in ``<code>``, other data (a text, a name, an address) in a ``<span>``."""
    tag = "code" if f in CODE_FIELDS else "span"
    return Markup('<{0} translate="no">{1}</{0}>').format(Markup(tag), str(v))


#: the columns of an indicator's revision history (staff): field -> catalog key of its header
HISTORY: dict[str, str] = {
    "revision": K_("revision"),
    "year": K_("year"),
    "value": K_("value"),
    "previous_basis": K_("previous_basis"),
    "status": K_("data_status"),
    "state": K_("f_state"),
    "flags": K_("flags"),
    "source": K_("source"),
    "note": K_("note"),
    "comment": K_("hist_comment"),
    "created_by": K_("hist_created_by"),
    "created_at": K_("hist_created_at"),
    "reviewed_by": K_("hist_reviewed_by"),
    "reviewed_at": K_("hist_reviewed_at"),
    "review_reason": K_("hist_review_reason"),
    "locked": K_("hist_locked"),
    "unlocked_by": K_("hist_unlocked_by"),
    "unlocked_at": K_("hist_unlocked_at"),
    "unlock_reason": K_("hist_unlock_reason"),
}
#: history fields shown as entered (names of people, sources, notes): not translated
HISTORY_VERBATIM = frozenset(
    {"source", "note", "comment", "created_by", "reviewed_by", "review_reason"}
    | {"unlocked_by", "unlock_reason"}
)


def history_table(
    h: StaffView, history: Iterable[Mapping[str, Any]], indicator: str
) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """An indicator's revisions as a table in words: the columns that hold something
    (field, header) and each revision's cells (values in the unit, times to the minute,
    states and flags translated); keys and ids are left out."""
    rows = list(history)
    cols = [f for f in HISTORY if any(r.get(f) not in (None, "", [], False) for r in rows)]
    out = []
    for r in rows:
        cells = {}
        for f in cols:
            v = r.get(f)
            if v is None or v == "" or v == []:
                cells[f] = ""
            elif f == "value":
                cells[f] = h.value(v, indicator, r.get("censor") or "")
            elif f == "previous_basis":
                cells[f] = h.value(v, indicator)
            elif f in ("status", "state"):
                cells[f] = h.word(v)
            elif f == "flags":
                flags = v if isinstance(v, (list, tuple)) else str(v).split(",")
                cells[f] = _("list_sep", h.lang).join(h.word(x.strip()) for x in flags if x)
            elif f.endswith("_at"):
                cells[f] = h.when(v)
            elif f == "locked":
                cells[f] = "✓" if v else ""
            else:
                cells[f] = str(v)
        out.append(cells)
    return [(f, _(HISTORY[f], h.lang)) for f in cols], out


def _looks_like_time(s: str) -> bool:
    """An ISO time as the store writes it ("2026-11-30T11:29:33+00:00" or with a space)."""
    return len(s) >= 16 and s[4] == "-" and s[7] == "-" and s[10] in "T " and s[13] == ":"


def staff_view(request: Any, lang: str) -> StaffView:
    """The request's :class:`StaffView`: the served plan's names, the city's departments."""
    app = request.app
    plan = app.state.cache.plan()
    store = app.state.source.store
    try:
        departments = store.all_departments() if store is not None else []
    except KaopingError:  # a page without departments still shows their keys
        departments = []
    tz = getattr(app.state.settings, "timezone", None)
    try:
        tasks = {t["key"]: t["title"] for t in store.tasks()} if store is not None else {}
    except KaopingError:  # no assignment loaded
        tasks = {}
    return StaffView(plan, departments, lang, tz, tasks)
