"""Build a report from plan files or from the store, and render it in a format.

The command line and the web call these; the documents themselves are built in
:mod:`kaoping.report.documents`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..i18n.formats import format_datetime
from .documents import (
    Provenance,
    assessment_document,
    command_line,
    evaluation_document,
    observations_digest,
    w,
)

if TYPE_CHECKING:
    from ..engine.table import Table
    from ..plan.model import Plan

FORMATS = ("html", "pdf", "xlsx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_filename(plan_id: str, document: str, year: int, lang: str, fmt: str) -> str:
    """The one name of a report file, the same from the web and the command line:
    ``<plan>-<document>-<year>-<lang>.<ext>``, e.g.
    ``zhengzhou-2009-2020-evaluation-2020-zh.pdf``."""
    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r}: choose html, pdf or xlsx")
    return f"{plan_id}-{document}-{year}-{lang}.{fmt}"


def document_filename(doc: dict, fmt: str) -> str:
    """:func:`report_filename` of a built document."""
    return report_filename(doc["plan_id"], doc["kind"], doc["year"], doc["lang"], fmt)


def render(doc: dict, fmt: str) -> bytes:
    """The document as bytes in ``fmt`` (html, pdf or xlsx)."""
    if fmt == "html":
        from .html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(doc)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(doc)
    raise UsageError(f"format {fmt!r}: choose html, pdf or xlsx")


def _latest_year(obs: Table) -> int | None:
    if obs.n_rows == 0:
        return None
    return int(max(int(y) for y in obs["year"].tolist()))


def _approved_at(obs: Table) -> Any:
    """The time of the latest approval among the observations read (store data): a datetime
    (UTC when naive, as the store keeps it) or its text."""
    if "approved_at" not in obs or obs.n_rows == 0:
        return None
    times = [t for t in obs["approved_at"].tolist() if t is not None and not _nat(t)]
    if not times:
        return None
    latest = max(times)
    return latest if hasattr(latest, "isoformat") else str(latest)


def _nat(t: Any) -> bool:
    try:
        return t != t or (isinstance(t, float) and math.isnan(t))
    except TypeError:
        return False


def file_provenance(
    plan: Plan,
    obs: Table,
    data_source: str,
    *,
    data_given: str | None,
    year: int,
    lang: str,
    fmt: str = "pdf",
    report: str = "evaluation",
) -> Provenance:
    """Where file data came from: the file (relative to the plan when bundled), the latest
    year with a value, and a digest of the values (the data version)."""
    from ..plan.bundled import bundled_plans

    bundled = plan.id in bundled_plans() and not data_given
    if bundled:
        where = f"{plan.id}/{Path(data_source).name}" if data_source else "(no data)"
        where = w("bundled_with_plan", lang, where=where)
    else:
        where = data_source or "(no data)"
    latest = _latest_year(obs)
    as_of = w("data_latest_year", lang, year=latest) if latest else w("data_none", lang)
    plan_arg = plan.id if plan.id in bundled_plans() else str(plan.path)
    return Provenance(
        data_source=where,
        data_as_of=as_of,
        data_version="sha256:" + observations_digest(obs),
        command=command_line(report, plan_arg, year, lang, fmt, data=data_given),
    )


def store_provenance(
    store: Any,
    plan_id: str,
    obs: Table,
    *,
    year: int,
    lang: str,
    fmt: str = "pdf",
    report: str = "evaluation",
    approved_only: bool = True,
) -> Provenance:
    approved = _approved_at(obs)
    at = format_datetime(approved, lang) if approved else w("none_value", lang)
    what = w("approved_data", lang) if approved_only else w("data_with_revisions", lang)
    return Provenance(
        data_source=f"{store.url} ({what})",
        data_as_of=at,
        data_version=str(store.data_version(plan_id)),
        command=command_line(report, plan_id, year, lang, fmt, db=True),
    )


def evaluation_from_files(
    plan_name: str | None,
    data: str | None,
    year: int | None,
    lang: str,
    fmt: str = "pdf",
    verdicts: str | None = None,
    area: str | None = None,
) -> dict:
    """The evaluation report of a plan and its data files (the bundled data by default)."""
    from ..core import check_area, evaluate_loaded, load

    loaded = load(plan_name, data, verdicts)
    ev = evaluate_loaded(loaded, year)
    area = check_area(loaded.plan, ev, area)
    prov = file_provenance(
        loaded.plan,
        loaded.observations,
        loaded.data_source,
        data_given=data,
        year=ev.as_of,
        lang=lang,
        fmt=fmt,
    )
    return evaluation_document(loaded.plan, ev, loaded.observations, lang, prov, area=area)


def evaluation_from_store(
    store: Any,
    year: int | None,
    lang: str,
    fmt: str = "pdf",
    plan_id: str | None = None,
    area: str | None = None,
) -> dict:
    """The evaluation report on the store's approved data, with the supervision records."""
    from ..core import check_area

    plan = store.plan(plan_id)
    ev = store.evaluation(plan.id, year)
    area = check_area(plan, ev, area)
    obs = store.observations(plan.id)
    prov = store_provenance(store, plan.id, obs, year=ev.as_of, lang=lang, fmt=fmt)
    return evaluation_document(plan, ev, obs, lang, prov, area=area, supervision=store)


def run_assessment(store: Any, year: int, plan_id: str | None = None) -> Any:
    try:
        from ..assess.service import run_assessment as run
    except ImportError as e:  # the assessment service is not installed with this version
        raise UsageError(f"the annual assessment is not available: {e}") from None
    return run(store, year, plan_id)


def assessment_from_store(
    store: Any, year: int | None, lang: str, fmt: str = "pdf", plan_id: str | None = None
) -> dict:
    """The annual assessment report of a year, from the store (the plan's end year by default)."""
    plan = store.plan(plan_id)
    year = year or plan.period.end
    result = run_assessment(store, year, plan.id)
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    obs = store.observations(plan.id)
    prov = store_provenance(store, plan.id, obs, year=year, lang=lang, fmt=fmt, report="assessment")
    doc = assessment_document(plan, data, lang, prov)
    doc.setdefault("plan_id", plan.id)
    doc.setdefault("year", year)
    return doc
