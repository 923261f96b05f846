"""The public JSON API under /api/v1: plan, overview, groups, lenses, indicators, scores,
exports. Anonymous requests see approved data only; logged-in staff may add ?pending=1."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from . import schemas, views
from .common import Ctx, JSONBytes, context, dumps, json_response

Lang = Annotated[
    Literal["en", "zh"] | None,
    Query(description="language (default: cookie, then Accept-Language)"),
]
Year = Annotated[
    int | None, Query(ge=1000, le=9999, description="as-of year (default: the plan's end year)")
]
# the OpenAPI document narrows both to the served plan's years (year_range_in_schema)
AssessYear = Annotated[
    int | None,
    Query(ge=1000, le=9999, description="assessment year (default: the plan's end year)"),
]
Area = Annotated[
    str | None, Query(max_length=100, description="area key (default: the plan's first)")
]
Pending = Annotated[bool, Query(description="include data awaiting review (staff only)")]
Nature = Annotated[
    Literal["binding", "anticipatory"] | None,
    Query(description="only the indicators of this nature (binding 约束性, anticipatory 预期性)"),
]

ERRORS = {
    400: {"model": schemas.ErrorBody, "description": "bad request (year, area, language)"},
    404: {"model": schemas.ErrorBody, "description": "no such group, lens, indicator or area"},
}

router = APIRouter(prefix="/api/v1", tags=["public"])


def cached_json(ctx: Ctx, name: str, build) -> Response:
    body = ctx.snap.memo(("json", name, *ctx.cache_key), lambda: dumps(build()))
    return JSONBytes(body)


@router.get("/plan", response_model=None, responses={200: {"model": schemas.PlanInfo}, **ERRORS})
def plan(request: Request, lang: Lang = None) -> Response:
    """The plan served: id, version, period, areas, steps, groups, lenses, methods."""
    from .i18n import choose_lang

    lang_ = choose_lang(lang, request.cookies.get("lang"), request.headers.get("accept-language"))
    return json_response(views.plan_info(request.app.state.cache.plan(), lang_))


@router.get(
    "/overview", response_model=None, responses={200: {"model": schemas.Overview}, **ERRORS}
)
def overview(
    request: Request,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """Overall score, group and lens scores, status counts, the steps, data coverage."""
    ctx = context(request)
    return cached_json(ctx, "overview", lambda: views.overview(ctx.snap, ctx.area, ctx.lang))


@router.get("/groups", response_model=None, responses={200: {"model": schemas.GroupList}, **ERRORS})
def groups(
    request: Request,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """Every group with its score and coverage."""
    ctx = context(request)
    return cached_json(ctx, "groups", lambda: views.groups(ctx.snap, ctx.area, ctx.lang))


@router.get(
    "/groups/{key}", response_model=None, responses={200: {"model": schemas.GroupPage}, **ERRORS}
)
def group(
    request: Request,
    key: str,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
    nature: Nature = None,
) -> Response:
    """One group: every indicator with latest value, target, attainment, pace, status."""
    ctx = context(request)
    return cached_json(
        ctx, ("group", key, nature), lambda: views.group(ctx.snap, key, ctx.area, ctx.lang, nature)
    )


@router.get("/lenses", response_model=None, responses={200: {"model": schemas.LensList}, **ERRORS})
def lenses(
    request: Request,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """Every lens (e.g. the five types) with the scores of its categories."""
    ctx = context(request)
    return cached_json(ctx, "lenses", lambda: views.lenses(ctx.snap, ctx.area, ctx.lang))


@router.get(
    "/lenses/{category}",
    response_model=None,
    responses={200: {"model": schemas.LensPage}, **ERRORS},
)
def lens(
    request: Request,
    category: str,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
    nature: Nature = None,
) -> Response:
    """One lens category: its score and every indicator tagged with it."""
    ctx = context(request)
    return cached_json(
        ctx,
        ("lens", category, nature),
        lambda: views.lens(ctx.snap, category, ctx.area, ctx.lang, nature),
    )


@router.get(
    "/indicators", response_model=None, responses={200: {"model": schemas.IndicatorList}, **ERRORS}
)
def indicators(
    request: Request,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
    nature: Nature = None,
) -> Response:
    """Every indicator (of one nature, if asked) with latest value, target, attainment,
    pace and status."""
    ctx = context(request)
    return cached_json(
        ctx,
        ("indicators", nature),
        lambda: views.indicators(ctx.snap, ctx.area, ctx.lang, nature),
    )


def indicator_data(ctx: Ctx, key: str) -> dict:
    """The indicator page's data, with the revision history for logged-in staff."""
    data = views.indicator(ctx.snap, key, ctx.area, ctx.lang)
    store = ctx.request.app.state.source.store
    if ctx.who.is_staff and store is not None:
        data = {**data, "history": [dict(h) for h in store.history(key, ctx.area)]}
    return data


@router.get(
    "/indicators/{key}",
    response_model=None,
    responses={200: {"model": schemas.IndicatorPage}, **ERRORS},
)
def indicator(
    request: Request,
    key: str,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """One indicator: series with sources and flags, expected path, milestones, projection,
    target band, the numbers behind the status; revision history for staff."""
    ctx = context(request)
    if ctx.who.is_staff:
        return json_response(indicator_data(ctx, key))
    return cached_json(
        ctx, ("indicator", key), lambda: views.indicator(ctx.snap, key, ctx.area, ctx.lang)
    )


@router.get("/scores", response_model=None, responses={200: {"model": schemas.Scores}, **ERRORS})
def scores(
    request: Request,
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """Overall, group and lens scores with coverage, and the methods used."""
    ctx = context(request)
    return cached_json(ctx, "scores", lambda: views.scores(ctx.snap, ctx.area, ctx.lang))


ExportFormat = Annotated[Literal["csv", "json", "xlsx"], Query(description="file format")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    200: {
        "description": "the file, as a download (Content-Disposition: attachment)",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    **ERRORS,
}


def _download(body: bytes, fmt: str, name: str) -> Response:
    from ..data.exports import media_type

    return Response(
        body,
        media_type=media_type(fmt),
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@router.get("/export/observations", response_model=None, responses=DOWNLOADS)
def export_observations(
    request: Request,
    format: ExportFormat = "csv",
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """Observations as CSV, JSON or Excel, headers and codes in the language asked
    (approved only; staff may add pending=true)."""
    from ..data.exports import export_observations as export

    ctx = context(request)
    body = ctx.snap.memo(
        ("export-obs", format, ctx.lang),
        lambda: export(ctx.snap.observations, ctx.snap.plan, format, ctx.lang),
    )
    return _download(body, format, f"observations-{ctx.snap.plan.id}-{ctx.lang}")


@router.get("/export/evaluation", response_model=None, responses=DOWNLOADS)
def export_evaluation(
    request: Request,
    format: ExportFormat = "csv",
    lang: Lang = None,
    year: Year = None,
    area: Area = None,
    pending: Pending = False,
) -> Response:
    """The evaluation as the scorecard's rows (CSV, Excel) or the whole scorecard (JSON)."""
    from ..data.exports import export_evaluation as export

    ctx = context(request)
    body = ctx.snap.memo(
        ("export-ev", format, ctx.area, ctx.lang),
        lambda: export(ctx.snap.plan, ctx.snap.evaluation, format, ctx.lang, ctx.area),
    )
    name = f"evaluation-{ctx.snap.plan.id}-{ctx.snap.year}-{ctx.lang}"
    return _download(body, format, name)


def year_range_in_schema(app: Any) -> None:
    """Let the OpenAPI document say which years the server accepts: an as-of ``year``
    ranges over the served plan's years (base year to end year), an assessment year over
    its period, as the server checks."""
    from fastapi.openapi.utils import get_openapi

    made: dict[tuple, dict] = {}

    def openapi() -> dict:
        try:
            plan = app.state.cache.plan()
            key: tuple = (plan.id, plan.version)
            lo, start, hi = plan.base_year, plan.period.start, plan.period.end
        except Exception:  # no plan yet: the wide range
            key, lo, start, hi = (), 1000, 1000, 9999
        if key not in made:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            first = {"as-of year": lo, "assessment year": start}
            for item in doc.get("paths", {}).values():
                for op in item.values():
                    for p in op.get("parameters", []) if isinstance(op, dict) else ():
                        what = str(p.get("description", "")).split(" (")[0]
                        if p.get("in") == "query" and what in first:
                            _bound(p.get("schema", {}), first[what], hi)
            made[key] = doc
        return made[key]

    app.openapi = openapi


def _bound(schema: dict, lo: int, hi: int) -> None:
    for s in [schema, *schema.get("anyOf", [])]:
        if s.get("type") == "integer":
            s["minimum"], s["maximum"] = lo, hi
