"""Review of a whole import in one decision: the API endpoints and the staff page's form."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..errors import KaopingError
from .auth import REVIEWERS, STAFF, Principal, current, principal
from .common import json_response
from .csrf import check_csrf
from .routes_staff_api import ERRORS, changed, store_of

router = APIRouter(tags=["staff"], dependencies=[Depends(check_csrf)], responses=ERRORS)

Who = Annotated[Principal, Depends(current)]
ImportId = Annotated[int, Path(ge=1, le=2**31 - 1, description="an import's id")]


class ImportBatch(BaseModel):
    """An import with rows awaiting review."""

    id: int
    plan_id: str
    filename: str
    username: str
    at: str
    row_count: int
    pending: int


class BatchResult(BaseModel):
    """What a decision on a whole import did."""

    import_id: int
    plan_id: str
    decision: Literal["approved", "rejected"]
    decided: int
    skipped: int


class BatchDecision(BaseModel):
    """A decision on every row of an import still awaiting review."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    reason: str = Field("", max_length=4000, description="required to reject")


@router.get("/api/v1/import-batches", response_model=list[ImportBatch])
def pending_imports(request: Request, who: Who) -> Response:
    """The plan's imports with rows awaiting review, newest first: id, filename, username,
    at, row_count, pending (the rows a decision on the whole import would decide)."""
    who.require(STAFF)
    return json_response(store_of(request).pending_imports())


@router.post("/api/v1/import-batches/{import_id}/review", response_model=BatchResult)
def review_import(request: Request, import_id: ImportId, body: BatchDecision, who: Who) -> Response:
    """Approve or reject every row of an import still awaiting review, in one decision
    (reviewers and administrators; a rejection needs a reason). Rows decided one by one
    already, or superseded since, are left as they are (``skipped``). Audited as one
    entry (``import.approve`` / ``import.reject``) listing the cells."""
    user = who.require(REVIEWERS)
    done = store_of(request).review_import(user, import_id, body.decision, body.reason)
    changed(request)
    return json_response(done)


@router.post("/staff/review/import/{import_id}", include_in_schema=False)
async def review_import_form(request: Request, import_id: ImportId) -> Response:
    """The staff review page's "approve all" / "reject all" of an import."""
    user = principal(request).require(REVIEWERS)
    form = await request.form()
    # the store's work runs in a worker thread: never on the event loop
    return await run_in_threadpool(_review_import_form, request, user, import_id, form)


def _review_import_form(request: Request, user: dict, import_id: int, form: Any) -> Response:
    from .routes_staff import _form_error, review_page

    try:
        done = store_of(request).review_import(
            user, import_id, str(form.get("action", "")), str(form.get("reason", ""))
        )
    except KaopingError as e:
        err = _form_error(e)
        return review_page(request, err["status"], error=err)
    changed(request)
    return RedirectResponse(
        f"/staff/review?import={done['import_id']}&decided={done['decided']}", status_code=303
    )
