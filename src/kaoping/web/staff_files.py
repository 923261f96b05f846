"""Files staff download: the department's Excel template."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from ..errors import UsageError
from .errors import NoStore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_response(request: Request, user: dict, department: str | None) -> Response:
    """The Excel template of ``department`` (a reporter: their own) with the years due."""
    store = request.app.state.source.store
    if store is None:
        raise NoStore("this site is read-only: no templates")
    from ..data.template import department_template

    if user.get("role") == "reporter":
        department = user.get("department")
    known = [d["key"] for d in store.departments()]
    if not department:
        raise UsageError(
            f"name a department (?department=…); departments: {', '.join(known) or 'none yet'}"
        )
    if department not in known:
        from ..store.errors import NotFound

        raise NotFound(f"no department {department!r}; departments: {', '.join(known)}")
    plan = request.app.state.cache.plan()
    years = _years(request.query_params.get("years"), plan.base_year, plan.period.end)
    body = department_template(store, department, years)
    name = f"template-{department}-{years[0]}-{years[-1]}.xlsx"
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _years(text: str | None, first: int, last: int) -> list[int]:
    """``2019`` or ``2015-2020``; default: the plan's years up to last year."""
    import datetime

    if not text:
        end = min(last, datetime.date.today().year - 1)
        return list(range(first, max(first, end) + 1))
    try:
        a, _, b = text.partition("-")
        lo, hi = int(a), int(b or a)
    except ValueError:
        raise UsageError(f"years={text!r}: give a year or a range such as 2015-2020") from None
    if not (first - 20 <= lo <= hi <= last):
        raise UsageError(f"years={text!r}: choose years within {first}–{last}")
    return list(range(lo, hi + 1))
