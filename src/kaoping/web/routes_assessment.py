"""The annual assessment (考评): results, a page per unit with the evidence behind every
number, the district comparison, the adjustment form — and their JSON twins.

Every page needs a logged-in user (any staff role); adjusting needs an administrator or a
reviewer, a reason, and the form's CSRF token. The store checks the role again and audits.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..assess.compute import AssessmentResult
from ..assess.service import adjust, run_assessment
from ..errors import KaopingError, UsageError
from .auth import REVIEWERS, STAFF, Principal, current
from .common import Ctx, context, json_response, remember_lang
from .csrf import check_csrf
from .errors import error_body, http_status
from .i18n import STATUS, label
from .render import html, page_html
from .routes_api import AssessYear, Lang
from .routes_staff_api import ERRORS, changed, store_of
from .staff_view import period_text, staff_view

pages = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
api = APIRouter(
    prefix="/api/v1", tags=["assessment"], dependencies=[Depends(check_csrf)], responses=ERRORS
)

Unit = Annotated[
    str,
    Path(
        max_length=200,
        description="a unit's key, or department:KEY / district:KEY when a key is both",
    ),
]
Who = Annotated[Principal, Depends(current)]


class AdjustmentIn(BaseModel):
    year: int = Field(ge=1900, le=2200)
    delta: float = Field(allow_inf_nan=False, ge=-100, le=100)
    reason: str = Field(min_length=1, max_length=2000)


def _result(ctx: Ctx) -> AssessmentResult:
    """The assessment on approved data only (the cached evaluation unless the request
    asked to include data awaiting review)."""
    store = store_of(ctx.request)
    evaluation = ctx.snap.evaluation if ctx.approved_only else None
    return run_assessment(store, ctx.snap.year, ctx.snap.plan.id, evaluation=evaluation)


def _unit(result: AssessmentResult, unit: str) -> Any:
    try:
        return result.unit(unit)
    except KeyError:
        from ..store.errors import NotFound

        raise NotFound(f"no unit {unit!r} is assessed in {result.year}") from None


def _json_twin(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def _years(ctx: Ctx) -> list[int]:
    plan = ctx.snap.plan
    return list(range(plan.base_year + 1, plan.period.end + 1))


def signed(value: float | None, decimals: int | None = None, negate: bool = False) -> str:
    """A number with its sign: ``+2.0``, ``−15.0`` (``negate``: the value taken away, as a
    deduction); one that shows as zero is ``0.0`` — never ``−0.0`` or ``+0.0``."""
    if value is None:
        return "—"
    v = -float(value) if negate else float(value)
    text = f"{abs(v):.{decimals}f}" if decimals is not None else f"{abs(v):g}"
    if float(text) == 0:
        return text
    return ("+" if v > 0 else "−") + text


def _page(ctx: Ctx, template: str, status: int = 200, **data: Any) -> Response:
    who = ctx.who
    text = page_html(
        ctx.request,
        template,
        ctx,
        ctx.lang,
        years=_years(ctx),
        can_adjust=who.can(REVIEWERS),
        label_status=lambda s: label(STATUS, s, ctx.lang) if s else "",
        signed=signed,
        task_titles=_task_titles(ctx),
        period_name=lambda code: period_text(str(code or ""), ctx.lang),
        fmt=staff_view(ctx.request, ctx.lang),
        **data,
    )
    return remember_lang(ctx, html(text, status))


def _task_titles(ctx: Ctx) -> dict[str, str]:
    """The assignment's task titles in the page's language (ratings name their task)."""
    store = ctx.request.app.state.source.store
    if store is None:
        return {}
    try:
        tasks = store.tasks()
    except KaopingError:
        return {}
    return {t["key"]: t["title"].get(ctx.lang) or t["title"].get("zh") or t["key"] for t in tasks}


# ---- pages --------------------------------------------------------------------------------


@pages.get("/assessment")
def results_page(request: Request) -> Response:
    ctx = context(request)
    ctx.who.require(STAFF)
    result = _result(ctx)
    if _json_twin(request):
        return remember_lang(ctx, json_response(result.to_dict()))
    return _page(ctx, "assessment/index.html", result=result)


@pages.get("/assessment/districts")
def districts_page(request: Request) -> Response:
    ctx = context(request)
    ctx.who.require(STAFF)
    result = _result(ctx)
    if _json_twin(request):
        return remember_lang(ctx, json_response(result.comparison))
    return _page(ctx, "assessment/districts.html", result=result)


@pages.get("/assessment/{unit}")
def unit_page(request: Request, unit: str) -> Response:
    ctx = context(request)
    ctx.who.require(STAFF)
    result = _result(ctx)
    u = _unit(result, unit)
    if _json_twin(request):
        return remember_lang(ctx, json_response(u.to_dict()))
    saved = request.query_params.get("saved") == "1"
    return _page(ctx, "assessment/unit.html", result=result, u=u, saved=saved, v={}, error=None)


@pages.post("/assessment/{unit}/adjust")
async def adjust_form(request: Request, unit: str) -> Response:
    # the evaluation and the store's work run in worker threads: never on the event loop
    ctx = await run_in_threadpool(context, request)
    user = ctx.who.require(REVIEWERS)
    form = await request.form()
    return await run_in_threadpool(_adjust_form, ctx, user, unit, form)


def _adjust_form(ctx: Ctx, user: dict, unit: str, form: Any) -> Response:
    request = ctx.request
    v = {k: str(form.get(k, "")).strip() for k in ("delta", "reason")}
    year = ctx.snap.year
    try:
        try:
            delta = float(v["delta"])
        except ValueError:
            raise UsageError(f"the adjustment {v['delta']!r} is not a number") from None
        adjust(store_of(request), user, unit, year, delta, v["reason"])
    except KaopingError as e:
        result = _result(ctx)
        u = _unit(result, unit)
        body = error_body(e)
        return _page(
            ctx,
            "assessment/unit.html",
            http_status(e),
            result=result,
            u=u,
            saved=False,
            v=v,
            error=body,
        )
    changed(request)
    q = urlencode({"year": year, "saved": 1, "lang": ctx.lang})
    return RedirectResponse(f"/assessment/{unit}?{q}", status_code=303)


# ---- JSON API -----------------------------------------------------------------------------


@api.get("/assessment")
def assessment_api(
    request: Request, who: Who, year: AssessYear = None, lang: Lang = None
) -> Response:
    """The annual assessment of a year: the rules applied, the results table, every unit
    with the evidence behind each number, and the district comparison (staff only)."""
    who.require(STAFF)
    ctx = context(request)
    return json_response(_result(ctx).to_dict())


@api.get("/assessment/{unit}")
def assessment_unit_api(
    request: Request, who: Who, unit: Unit, year: AssessYear = None, lang: Lang = None
) -> Response:
    """One unit's assessment: both parts with the indicators and ratings behind them,
    deductions, adjustments, total, grade and rank (staff only)."""
    who.require(STAFF)
    ctx = context(request)
    result = _result(ctx)
    return json_response(
        {
            "plan_id": result.plan_id,
            "plan_version": result.plan_version,
            "year": result.year,
            **_unit(result, unit).to_dict(),
        }
    )


@api.post("/assessment/{unit}/adjustments", status_code=201)
def assessment_adjust_api(request: Request, who: Who, unit: Unit, body: AdjustmentIn) -> Response:
    """Adjust a unit's total for a year by ``delta`` points, with a reason (administrators
    and reviewers; audited)."""
    user = who.require(REVIEWERS)
    row = adjust(store_of(request), user, unit, body.year, body.delta, body.reason)
    changed(request)
    return json_response(row, 201)


router = APIRouter()
router.include_router(api)
router.include_router(pages)
