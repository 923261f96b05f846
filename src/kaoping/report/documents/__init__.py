"""The printed reports as content models: plain, JSON-ready documents.

A document is a cover, a list of sections made of blocks (heading, paragraph, list,
key–value rows, table, chart) and a workbook (named sheets of rows). The HTML, PDF,
Excel and text renderings are all drawn from it; none of them computes anything. The
numbers come from the scorecard (:mod:`kaoping.report.scorecard`) and the evaluation's
tables, never from a computation of their own.

- :mod:`.words`: the words both reports use;
- :mod:`.blocks`: the blocks, the cell values and the provenance;
- :mod:`.evaluation`: the plan evaluation report, a function per section, drawing on
  :mod:`.summary`, :mod:`.indicators`, :mod:`.off_track`, :mod:`.method` and
  :mod:`.workbook`;
- :mod:`.assessment`: the annual assessment report;
- :mod:`.text`: the plain-text rendering the golden files hold.
"""

from __future__ import annotations

from .assessment import AS_W, COLUMN_LABELS, EVIDENCE_PARTS, KINDS, SHOWN, assessment_document
from .blocks import (
    Provenance,
    chart,
    command_line,
    h,
    kv,
    observations_digest,
    p,
    table,
    ul,
)
from .evaluation import evaluation_document
from .off_track import OFF_TRACK
from .text import to_text
from .words import METHOD_TEXT, W, score_text, w

__all__ = [
    "AS_W",
    "COLUMN_LABELS",
    "EVIDENCE_PARTS",
    "KINDS",
    "METHOD_TEXT",
    "OFF_TRACK",
    "SHOWN",
    "Provenance",
    "W",
    "assessment_document",
    "chart",
    "command_line",
    "evaluation_document",
    "h",
    "kv",
    "observations_digest",
    "p",
    "score_text",
    "table",
    "to_text",
    "ul",
    "w",
]
