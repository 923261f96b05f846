"""The evaluation report's off-track section: each lagging or regressing indicator, with the
explanation, department and corrective task the supervision records give for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .blocks import h, kv, localised, p, plain
from .indicators import pace_text, status_row, value_text
from .words import w

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
    sep = "，" if lang == "zh" else ", "
    who = sep.join(x for x in (by, when) if x)
    return plain(ex.get("text")) + (f" ({who})" if who else "")


def _corrective(n: dict, lang: str) -> str:
    """The corrective task recorded: its key, title, deadline and latest status."""
    task = n.get("task")
    if task:
        deadline = f" — {task['deadline']}" if task.get("deadline") else ""
        latest = task.get("latest") or {}
        state = f" [{latest['status']}]" if latest.get("status") else ""
        return f"{task['key']}: {localised(task.get('title'), lang)}{deadline}{state}"
    if n.get("task_key"):
        return str(n["task_key"])
    return w("no_task", lang)


def _off_track_rows(i: dict, n: dict, depts: dict[str, str], lang: str) -> list[tuple[str, str]]:
    rows = [
        status_row(i, lang),
        (w("latest", lang), value_text(i["latest"]["value"], i["unit"], i["latest"]["year"])),
        (w("expected", lang), value_text(i["expected"], i["unit"])),
        (w("pace", lang), pace_text(i, lang)),
    ]
    if n.get("department"):
        rows.append((w("department", lang), depts.get(n["department"], n["department"])))
    rows.append((w("explanation", lang), _explanation(n.get("explanation"), depts, lang)))
    rows.append((w("corrective", lang), _corrective(n, lang)))
    return rows


def off_track_section(
    card: dict, plan: Plan, ev: Evaluation, area: str, lang: str, supervision: Any = None
) -> dict:
    """The off-track indicators, or a line saying there are none."""
    off = [i for g in card["groups"] for i in g["indicators"] if i["status"] in OFF_TRACK]
    notes = _off_track_notes(supervision, ev, plan, [i["key"] for i in off], area)
    depts = {d.key: d.name.get(lang) for d in plan.departments}
    blocks: list[dict] = [h(w("off_track", lang), anchor="off-track", page_break=True)]
    if not off:
        blocks.append(p(w("none_off_track", lang)))
    for i in off:
        blocks.append(h(i["name"], 3, anchor=f"off-{i['key']}"))
        blocks.append(kv(_off_track_rows(i, notes.get(i["key"], {}), depts, lang)))
    return {"id": "off-track", "blocks": blocks}
