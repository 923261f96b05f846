"""What both reports are made of: the blocks (heading, paragraph, list, key–value rows, table,
chart), the cell values they hold, and the provenance that lets a report be made again."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .words import w

if TYPE_CHECKING:
    from ...engine.table import Table


# ---- cell values --------------------------------------------------------------------


def plain(v: Any) -> str:
    """``v`` as text: empty for None and NaN."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def localised(v: Any, lang: str) -> str:
    """A bilingual value ({"en": …, "zh": …}) or plain text in ``lang``."""
    if isinstance(v, dict):
        return str(v.get(lang) or v.get("en") or v.get("zh") or "")
    if hasattr(v, "get") and not isinstance(v, str):
        try:
            return str(v.get(lang))
        except TypeError:
            pass
    return plain(v)


# ---- blocks -------------------------------------------------------------------------


def h(text: str, level: int = 2, *, anchor: str | None = None, page_break: bool = False) -> dict:
    return {"t": "h", "level": level, "text": text, "id": anchor, "break": page_break}


def p(text: str, cls: str | None = None) -> dict:
    return {"t": "p", "text": text, "class": cls}


def ul(items: list[str]) -> dict:
    return {"t": "list", "items": items}


def kv(rows: list[tuple[str, str]]) -> dict:
    return {"t": "kv", "rows": [[k, v] for k, v in rows]}


def table(
    columns: list[str], rows: list[list[Any]], numeric: list[int] | None = None, cls: str = ""
) -> dict:
    return {"t": "table", "columns": columns, "rows": rows, "numeric": numeric or [], "class": cls}


def chart(kind: str, title: str, data: Any, anchor: str, lang: str) -> dict:
    return {"t": "chart", "kind": kind, "title": title, "data": data, "id": anchor, "lang": lang}


def code(text: str) -> dict:
    return {"t": "code", "text": text}


# ---- provenance ---------------------------------------------------------------------


@dataclass
class Provenance:
    """Where a report's data came from, and the command that makes it again."""

    data_source: str
    data_as_of: str
    data_version: str
    command: str


class Data(str):
    """A value shown as it is, in no language: a digest, an address, a file's name (the HTML
    marks it ``<code translate="no">``)."""

    __slots__ = ()


def provenance_rows(plan_version: str, provenance: Provenance, lang: str) -> list[tuple[str, str]]:
    """The plan version and where the data came from, as key–value rows."""
    return [
        (w("plan_version", lang), Data(plan_version)),
        (w("data_source", lang), Data(provenance.data_source)),
        (w("data_as_of", lang), provenance.data_as_of),
        (w("data_version", lang), Data(provenance.data_version)),
    ]


def reproduce(provenance: Provenance, lang: str) -> list[dict]:
    """The heading and the command that make the report again (the HTML marks the command
    ``translate="no"``: it is typed as it is, in any language)."""
    return [h(w("reproduce", lang), 3), code(provenance.command)]


def observations_digest(obs: Table) -> str:
    """A short digest of the observations (the data version of files)."""
    digest = hashlib.sha256()
    for name in ("indicator", "area", "year", "value", "source"):
        if name in obs:
            digest.update(repr([plain(x) for x in obs[name].tolist()]).encode())
    return digest.hexdigest()[:12]


def command_line(
    report: str,
    plan: str | None,
    year: int,
    lang: str,
    fmt: str = "pdf",
    data: str | None = None,
    db: bool = False,
) -> str:
    """The ``kaoping report`` command that makes the report again."""
    parts = ["kaoping", "report", report]
    if plan:
        parts.append(plan)
    parts += ["--year", str(year), "--lang", lang, "--format", fmt]
    if data:
        parts += ["--data", data]
    if db:
        parts += ["--db", "$KAOPING_DATABASE_URL"]
    return " ".join(parts)
