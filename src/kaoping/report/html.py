"""A report document as one self-contained HTML file: CSS and SVG charts inline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from . import charts
from .documents.blocks import Data

HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["block"] = render_block
    env.globals["cell"] = _cell_html
    return env


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (HERE / "static" / "report.css").read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render_html(doc: dict, extra_css: str = "") -> str:
    """The document as HTML; ``extra_css`` is added last (the PDF's font rules)."""
    header = f"@page {{ @top-center {{ content: {_css_string(doc['running_header'])}; }} }}"
    css = "\n".join(x for x in (stylesheet(), header, extra_css) if x)
    return _environment().get_template("report.html").render(doc=doc, css=Markup(css))


def _cell(v: Any) -> str:
    return "—" if v is None or v == "" else str(v)


def _cell_html(v: Any) -> Markup:
    """A cell's text; a value in no language (:class:`~.documents.blocks.Data`) as code."""
    if isinstance(v, Data) and v:
        return Markup(f'<code translate="no">{escape(str(v))}</code>')
    return escape(_cell(v))


def render_block(b: dict) -> Markup:
    k = b["t"]
    if k == "h":
        level = b["level"]
        attrs = f' id="{escape(b["id"])}"' if b.get("id") else ""
        cls = ' class="break"' if b.get("break") else ""
        return Markup(f"<h{level}{attrs}{cls}>{escape(b['text'])}</h{level}>\n")
    if k == "p":
        cls = f' class="{escape(b["class"])}"' if b.get("class") else ""
        return Markup(f"<p{cls}>{escape(b['text'])}</p>\n")
    if k == "code":
        return Markup(f'<pre class="command" translate="no">{escape(b["text"])}</pre>\n')
    if k == "list":
        return Markup("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in b["items"]) + "</ul>\n")
    if k == "kv":
        rows = "".join(
            f'<tr><th scope="row">{escape(a)}</th><td>{_cell_html(v)}</td></tr>'
            for a, v in b["rows"]
        )
        return Markup(f'<table class="kv">{rows}</table>\n')
    if k == "table":
        num = set(b.get("numeric") or [])
        nc = ' class="num"'
        head = "".join(
            f'<th scope="col"{nc if n in num else ""}>{escape(c)}</th>'
            for n, c in enumerate(b["columns"])
        )
        body = "".join(
            "<tr>"
            + "".join(f"<td{nc if n in num else ''}>{_cell_html(v)}</td>" for n, v in enumerate(r))
            + "</tr>"
            for r in b["rows"]
        )
        cls = "data cols-2" if len(b["columns"]) == 2 else "data"
        if b.get("class"):
            cls += f" {b['class']}"
        return Markup(
            f'<table class="{escape(cls)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>\n"
        )
    if k == "chart":
        if b["kind"] == "bar":
            return charts.bar_chart(b["data"], b["title"], _lang(b), b["id"], fluid=False)
        return charts.series_chart(b["data"], _lang(b), b["id"])
    if k == "indicator":
        status = (
            f'<span class="status status-{escape(b["status"])}">{escape(b["status_label"])}</span>'
        )
        return (
            Markup(
                f'<div class="indicator" id="{escape(b["id"])}">'
                f"<h3>{escape(b['title'])} {status}</h3>"
            )
            + render_block(b["chart"])
            + render_block({"t": "kv", "rows": b["rows"]})
            + Markup("</div>\n")
        )
    raise ValueError(f"unknown block {k!r}")


def _lang(b: dict) -> str:
    return b.get("lang", "en")
