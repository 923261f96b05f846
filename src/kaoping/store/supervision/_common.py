"""What the parts of supervision share: limits, row-to-dict helpers, checks of links and files."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ...errors import Problem
from ..db import from_db
from ..filetypes import evidence_type
from ..schema import (
    task_evidence,
    task_ratings,
    task_updates,
)

log = logging.getLogger("kaoping.supervision")

if TYPE_CHECKING:
    from ..base import Actor


MAX_EVIDENCE = 20 * 1024 * 1024
OFF_TRACK = ("lagging", "regressing")
tu, te, tr_ = task_updates, task_evidence, task_ratings


def _split(text: str) -> list[str]:
    return [x for x in (text or "").split(",") if x]


def _task_dict(r: Any) -> dict[str, Any]:
    co = _split(r["co"])
    return {
        "key": r["key"],
        "plan_id": r["plan_id"],
        "article": r["article"],
        "title": {"zh": r["title_zh"], "en": r["title_en"] or ""},
        "lead": r["lead"],
        "co": co,
        "departments": [r["lead"], *co],
        "deadline": r["deadline"],
        "milestones": [
            {"date": date.fromisoformat(m["date"]), "text": m["text"]}
            for m in json.loads(r["milestones"] or "[]")
        ],
        "indicators": _split(r["indicators"]),
        "version": r["version"],
        "active": bool(r["active"]),
    }


def _update_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "task": r["task"],
        "period": r["period"],
        "revision": r["revision"],
        "status": r["status"],
        "percent": r["percent"],
        "narrative": r["narrative"],
        "links": json.loads(r["links"] or "[]"),
        "department": r["department"],
        "created_by": r["created_by"],
        "created_at": from_db(r["created_at"]),
    }


def _period_dict(r: Any) -> dict[str, Any]:
    return {
        "key": r["key"],
        "year": r["year"],
        "kind": r["kind"],
        "start": r["start"],
        "end": r["end"],
        "due": r["due"],
    }


def _as_date(d: date | datetime | None) -> date | None:
    if d is None or (isinstance(d, date) and not isinstance(d, datetime)):
        return d
    return d.date()


def _check_links(links: Iterable[str]) -> tuple[list[str], list[Problem]]:
    out, problems = [], []
    for i, link in enumerate(links or ()):
        link = (link or "").strip()
        if not link:
            continue
        p = urlparse(link)
        if p.scheme not in ("http", "https") or not p.netloc:
            problems.append(
                Problem("bad-link", f"{link!r} is not an http(s) address", field=f"links[{i}]")
            )
        else:
            out.append(link)
    return out, problems


def _files(files: Iterable[Any]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Evidence files as dicts: name, media_type, data (bytes); size and sha256 added."""
    out, problems = [], []
    for i, f in enumerate(files or ()):
        if isinstance(f, dict):
            name, mtype, data = f.get("name"), f.get("media_type"), f.get("data")
        else:
            name, mtype, data = f
        name = (str(name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip() or "evidence"
        data = bytes(data or b"")
        if not data:
            continue
        if len(data) > MAX_EVIDENCE:
            problems.append(
                Problem(
                    "too-large",
                    f"{name}: a file of evidence may have at most {MAX_EVIDENCE // 2**20} MB",
                    field=f"files[{i}]",
                )
            )
            continue
        mtype, why = evidence_type(name, data)  # the declared type is never trusted
        if mtype is None:
            problems.append(Problem("file-type", why, field=f"files[{i}]"))
            continue
        out.append(
            {
                "name": name[:255],
                "media_type": mtype[:128],
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
            }
        )
    return out, problems


def _system() -> Actor:
    from ..base import SYSTEM

    return SYSTEM


def _rating_dict(r: Any) -> dict[str, Any]:
    lo, hi = r["scale_min"], r["scale_max"]
    return {
        "id": r["id"],
        "update_id": r["update_id"],
        "score": r["score"],
        "scale": [lo, hi],
        "normalised": (r["score"] - lo) / (hi - lo),
        "comment": r["comment"],
        "rated_by": r["rated_by"],
        "rated_at": from_db(r["rated_at"]),
    }


def _explanation_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "indicator": r["indicator"],
        "area": r["area"],
        "year": r["year"],
        "revision": r["revision"],
        "text": r["text"],
        "corrective_task": r["corrective_task"],
        "department": r["department"],
        "created_by": r["created_by"],
        "created_at": from_db(r["created_at"]),
    }


def _notice_text(kind: str, p: dict[str, Any], keys: list[str], today: date) -> dict[str, str]:
    n, due, period = len(keys), p["due"].isoformat(), p["key"]
    shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
    if kind == "due_soon":
        days = (p["due"] - today).days
        return {
            "title_zh": f"{period} 进度报告将于 {due} 截止",
            "title_en": f"{period} progress reports are due on {due}",
            "message_zh": f"还有 {days} 天截止，{n} 项任务尚未报送进度：{shown}",
            "message_en": f"Due in {days} days; {n} task(s) have no progress update yet: {shown}",
        }
    days = (today - p["due"]).days
    return {
        "title_zh": f"{period} 进度报告已逾期",
        "title_en": f"{period} progress reports are overdue",
        "message_zh": f"已于 {due} 截止（逾期 {days} 天），{n} 项任务尚未报送进度：{shown}",
        "message_en": f"Due on {due} ({days} days ago); {n} task(s) have no progress update: "
        f"{shown}",
    }
