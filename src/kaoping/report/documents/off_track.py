"""The evaluation report's off-track section: each lagging or regressing indicator, with the
explanation, department and corrective task the supervision records give for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import KaopingError
from .blocks import Data, h, kv, localised, p, plain
from .indicators import expected_text, latest_text, pace_text, status_row
from .words import join, w

if TYPE_CHECKING:
    from ...engine.result import Evaluation
    from ...plan.model import Plan

OFF_TRACK = ("lagging", "regressing")


def _off_track_notes(
    supervision: Any, ev: Evaluation, plan: Plan, keys: list[str], area: str
) -> dict[str, dict]:
    """The explanation, department and corrective task of each off-track indicator, from
    the supervision records when the store keeps them (an empty dict when it does not)."""
    if supervision is None or not hasattr(supervision, "off_track"):
        return {}
    rows = supervision.off_track(ev, ev.as_of, plan_id=plan.id)
    tasks: dict[str, dict] = {}
    if hasattr(supervision, "tasks"):
        tasks = {x["key"]: x for x in supervision.tasks(plan_id=plan.id, include_inactive=True)}
    out: dict[str, dict] = {}
    for r in rows:
        if r["area"] != area or r["indicator"] not in keys:
            continue
        task_key = r.get("corrective_task")
        out[r["indicator"]] = {
            "explanation": r.get("explanation"),
            "department": r.get("department"),
            "task_key": task_key,
            "task": tasks.get(task_key) if task_key else None,
        }
    return out


def _explanation(ex: dict | None, depts: dict[str, str], lang: str) -> str:
    """The explanation recorded, with who gave it and when."""
    if not ex:
        return w("no_explanation", lang)
    when = plain(ex.get("created_at"))[:10]
    by = depts.get(ex.get("department"), ex.get("department") or "")
    who = join([x for x in (by, when) if x], lang, "comma_sep")
    return plain(ex.get("text")) + (f" ({who})" if who else "")


def _corrective(n: dict, lang: str) -> list[tuple[str, str]]:
    """The corrective task recorded: its title, deadline and latest status, then its id (as
    data, in a row of its own)."""
    task = n.get("task")
    key = n.get("task_key")
    if task:
        deadline = f" — {task['deadline']}" if task.get("deadline") else ""
        latest = task.get("latest") or {}
        state = f" [{latest['status']}]" if latest.get("status") else ""
        title = localised(task.get("title"), lang) or w("no_task", lang)
        rows = [(w("corrective", lang), f"{title}{deadline}{state}")]
        return [*rows, (w("task_id", lang), Data(str(task.get("key") or key)))]
    if key:
        return [(w("corrective", lang), w("task_not_found", lang)), (w("task_id", lang), Data(key))]
    return [(w("corrective", lang), w("no_task", lang))]


def _departments(plan: Plan, supervision: Any, lang: str) -> dict[str, str]:
    """Each department's name in ``lang``: the plan's, else the city's register's."""
    names: dict[str, str] = {}
    if supervision is not None and hasattr(supervision, "all_departments"):
        try:
            for d in supervision.all_departments():
                text = {"zh": d.get("name_zh") or "", "en": d.get("name_en") or ""}
                names[d["key"]] = localised(text, lang) or d["key"]
        except KaopingError:  # a store without the register: the plan's names
            pass
    names.update({d.key: d.name.get(lang) for d in plan.departments})
    return names


def _off_track_rows(i: dict, n: dict, depts: dict[str, str], lang: str) -> list[tuple[str, str]]:
    rows = [
        status_row(i, lang),
        (
            w("latest", lang),
            latest_text(i, lang),
        ),
        (w("expected", lang), expected_text(i, lang)),
        (w("pace", lang), pace_text(i, lang)),
    ]
    if n.get("department"):
        rows.append((w("department", lang), depts.get(n["department"], n["department"])))
    rows.append((w("explanation", lang), _explanation(n.get("explanation"), depts, lang)))
    rows += _corrective(n, lang)
    return rows


def off_track_section(
    card: dict, plan: Plan, ev: Evaluation, area: str, lang: str, supervision: Any = None
) -> dict:
    """The off-track indicators, or a line saying there are none."""
    off = [i for g in card["groups"] for i in g["indicators"] if i["status"] in OFF_TRACK]
    notes = _off_track_notes(supervision, ev, plan, [i["key"] for i in off], area)
    depts = _departments(plan, supervision, lang)
    blocks: list[dict] = [h(w("off_track", lang), anchor="off-track", page_break=True)]
    if not off:
        blocks.append(p(w("none_off_track", lang)))
    for i in off:
        blocks.append(h(i["name"], 3, anchor=f"off-{i['key']}"))
        blocks.append(kv(_off_track_rows(i, notes.get(i["key"], {}), depts, lang)))
    return {"id": "off-track", "blocks": blocks}
