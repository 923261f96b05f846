"""The normalised text rendering of a document: what the golden files hold."""

from __future__ import annotations

from ..scorecard import fmt_number
from .words import score_text


def to_text(doc: dict) -> str:
    """The document as plain text: what the golden files hold (charts by their data)."""
    lines = [f"# {doc['title']}", f"header: {doc['running_header']}", ""]
    c = doc["cover"]
    lines += [f"cover: {c['report']} / {c['title']}"] + [f"  {k}: {v}" for k, v in c["lines"]]
    for s in doc["sections"]:
        lines.append("")
        for b in s["blocks"]:
            lines += _block_text(b)
    lines.append("")
    for sheet in doc["workbook"]:
        lines.append(f"[sheet {sheet['name']}] {len(sheet['rows'])} rows")
        lines.append("  | " + " | ".join(str(x) for x in sheet["columns"]))
        for r in sheet["rows"][:3]:
            lines.append("  | " + " | ".join("" if x is None else str(x) for x in r))
    return "\n".join(lines) + "\n"


def _block_text(b: dict) -> list[str]:
    k = b["t"]
    if k == "h":
        return [
            ("=" * 0)
            + "#" * b["level"]
            + " "
            + b["text"]
            + ("  [page break]" if b["break"] else "")
        ]
    if k == "p":
        return [b["text"]]
    if k == "code":
        return [f"$ {b['text']}"]
    if k == "list":
        return [f"- {x}" for x in b["items"]]
    if k == "kv":
        return [f"  {a}: {v}" for a, v in b["rows"]]
    if k == "table":
        out = ["  | " + " | ".join(b["columns"])]
        out += ["  | " + " | ".join("" if x is None else str(x) for x in r) for r in b["rows"]]
        return out
    if k == "chart":
        if b["kind"] == "bar":
            return [
                f"[bar chart {b['title']}: "
                + ", ".join(f"{d['name']} {score_text(d['score'])}" for d in b["data"])
                + "]"
            ]
        d = b["data"]
        pts = ", ".join(f"{s['year']} {fmt_number(s['value'])}" for s in d["series"])
        path = ", ".join(f"{s['year']} {fmt_number(s['value'])}" for s in d["expected_path"])
        return [f"[series chart {b['title']}: values {pts or '—'}; expected path {path or '—'}]"]
    if k == "indicator":
        return [
            "### " + b["title"],
            *_block_text(b["chart"]),
            *[f"  {a}: {v}" for a, v in b["rows"]],
        ]
    raise ValueError(f"unknown block {k!r}")
