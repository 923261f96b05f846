"""The JSON twins of the supervision pages (:mod:`.routes_supervision`): tasks, progress
updates, ratings, the reporting calendar, completeness, what is late and the record of a
plan, notices and the off-track loop."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from .auth import REVIEWERS, STAFF, Principal, current
from .common import json_response
from .csrf import check_csrf
from .routes_api import Year
from .routes_staff_api import ERRORS, store_of

api = APIRouter(
    prefix="/api/v1", tags=["supervision"], dependencies=[Depends(check_csrf)], responses=ERRORS
)

Who = Annotated[Principal, Depends(current)]
TaskKey = Annotated[str, Path(min_length=1, max_length=64, description="a task's key")]
RowId = Annotated[int, Path(ge=1, le=2**53)]
PlanYear = Annotated[
    int | None,
    Query(ge=1000, le=9999, description="only this year of the plan (default: every year)"),
]


def _off_track(request: Request, year: int | None) -> tuple[Any, list[dict], int]:
    snap = request.app.state.cache.snapshot(year)
    rows = store_of(request).off_track(snap.evaluation)
    return snap, rows, snap.year


# ---- JSON API -----------------------------------------------------------------------------------


class UpdateBody(BaseModel):
    period: str = Field(max_length=16, description="reporting period, e.g. 2015-Q1 or 2015-A")
    status: str = Field(max_length=8, description="green, amber or red")
    percent: int = Field(ge=0, le=100)
    narrative: str = Field(default="", max_length=20000)
    links: list[str] = Field(default_factory=list, max_length=50)
    base_revision: int | None = Field(default=None, ge=0, le=2**31)


class RatingBody(BaseModel):
    score: float = Field(ge=-1e6, le=1e6)
    comment: str = Field(default="", max_length=4000)
    scale_min: int = Field(default=1, ge=-1000, le=1000)
    scale_max: int = Field(default=5, ge=-1000, le=1000)


class ExplanationBody(BaseModel):
    indicator: str = Field(max_length=200)
    area: str | None = Field(default=None, max_length=200)
    year: int = Field(ge=1900, le=2200)
    text: str = Field(min_length=1, max_length=20000)
    corrective_task: str | None = Field(default=None, max_length=64)


@api.get("/tasks")
def api_tasks(
    request: Request,
    who: Who,
    department: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The tasks of the assignment in force (a department's, if named), each with its
    latest progress update."""
    who.require(STAFF)
    store = store_of(request)
    return json_response({"assignment": store.assignment_info(), "tasks": store.tasks(department)})


@api.get("/tasks/{key}")
def api_task(request: Request, key: TaskKey, who: Who) -> Response:
    """One task with every progress update (newest first), its evidence and ratings."""
    who.require(STAFF)
    store = store_of(request)
    return json_response({**store.task(key), "history": store.task_history(key)})


@api.post("/tasks/{key}/updates", status_code=201)
def api_file_update(request: Request, key: TaskKey, body: UpdateBody, who: Who) -> Response:
    """File a progress update (reporters of the task's departments, administrators). Send
    ``base_revision`` (the revision you saw for this period, 0 for none) to get 409 rather
    than a silent second update."""
    user = who.require(STAFF)
    up = store_of(request).file_update(
        user,
        key,
        body.period,
        body.status,
        body.percent,
        body.narrative,
        links=body.links,
        base_revision=body.base_revision,
    )
    return json_response(up, 201)


@api.post("/task-updates/{update_id}/ratings", status_code=201)
def api_rate(request: Request, update_id: RowId, body: RatingBody, who: Who) -> Response:
    """Rate a progress update on a stated scale (reviewers, administrators)."""
    user = who.require(REVIEWERS)
    r = store_of(request).rate(
        user, update_id, body.score, body.comment, (body.scale_min, body.scale_max)
    )
    return json_response(r, 201)


@api.get("/calendar")
def api_calendar(
    request: Request, who: Who, year: Annotated[int | None, Query(ge=1900, le=2200)] = None
) -> Response:
    """Reporting periods (of one year, or all) with their due dates."""
    who.require(STAFF)
    return json_response(store_of(request).calendar(year))


@api.get("/completeness")
def api_completeness(
    request: Request,
    who: Who,
    period: Annotated[str, Query(max_length=16)],
    by: Annotated[str, Query(pattern="^(department|group|chapter)$")] = "department",
) -> Response:
    """Share of tasks with an update for a period, per department, group or chapter."""
    who.require(STAFF)
    return json_response(store_of(request).completeness(period, by))


@api.get("/overdue")
def api_overdue(
    request: Request,
    who: Who,
    department: Annotated[str | None, Query(max_length=100)] = None,
    year: PlanYear = None,
) -> Response:
    """Reports past due and tasks past their deadline (those of ``year``, or all), as of
    today — or, for a plan whose period has ended, as of its close (see
    ``/api/v1/task-record``)."""
    who.require(STAFF)
    return json_response(store_of(request).overdue(department=department, year=year))


@api.get("/task-record")
def api_task_record(
    request: Request,
    who: Who,
    department: Annotated[str | None, Query(max_length=100)] = None,
    year: PlanYear = None,
) -> Response:
    """The record of supervision, judged within the plan's period: each task done on time,
    done late (``days_late`` after its deadline), not done or still open, with its reports
    filed on time, late or missing; and per reporting period the same counts. For a plan
    whose period has ended (``window.closed``) this is its final record."""
    who.require(STAFF)
    return json_response(store_of(request).task_record(year=year, department=department))


@api.get("/notices")
def api_notices(request: Request, who: Who, unread: Annotated[bool, Query()] = False) -> Response:
    """The user's notices, newest first."""
    user = who.require(STAFF)
    return json_response(store_of(request).notices(user, unread_only=unread))


@api.post("/notices/read")
def api_notices_read(
    request: Request, who: Who, id: Annotated[int | None, Query(ge=1, le=2**53)] = None
) -> Response:
    """Mark one notice (``id``) or all of the user's notices read."""
    user = who.require(STAFF)
    return json_response({"marked": store_of(request).mark_read(user, id)})


@api.get("/off-track")
def api_off_track(
    request: Request,
    who: Who,
    year: Year = None,
    all: Annotated[bool, Query(description="also those explained and linked")] = False,
) -> Response:
    """Off-track (lagging or regressing) indicators as of a year that lack an explanation
    or a corrective task (all of them with ``all=true``)."""
    who.require(STAFF)
    _snap, rows, y = _off_track(request, year)
    if not all:
        rows = [r for r in rows if r["missing"]]
    return json_response({"year": y, "indicators": rows})


@api.post("/explanations", status_code=201)
def api_explain(request: Request, body: ExplanationBody, who: Who) -> Response:
    """Explain an off-track indicator and link the corrective task (the indicator's
    department's reporters, administrators)."""
    user = who.require(STAFF)
    e = store_of(request).explain(
        user, body.indicator, body.area, body.year, body.text, body.corrective_task
    )
    return json_response(e, 201)
