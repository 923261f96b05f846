"""A report document as PDF (WeasyPrint), with a CJK font embedded."""

from __future__ import annotations

import base64
import re

from .fonts import Font, require_cjk_font
from .html import render_html

SVG = re.compile(r'<svg class="([^"]*)"(.*?)</svg>', re.S)
TITLES = re.compile(r"<title[^>]*>[^<]*</title>|<desc[^>]*>[^<]*</desc>")


def _svg_images(text: str, font: Font) -> str:
    """Each inline chart as an SVG image: the same drawing, but WeasyPrint then draws it
    without running the page's style cascade over every line and label of every chart
    (several times faster for a report of seventy charts). Tooltips are dropped: paper
    has no pointer."""
    style = (
        f"<style>text {{ font-family: '{font.family}', sans-serif; font-size: 14px; "
        f"fill: #374151; }}</style>"
    )

    def image(m: re.Match) -> str:
        cls, rest = m.group(1), m.group(2)
        head, _, body = rest.partition(">")
        svg = f'<svg class="{cls}"{head}>{style}{TITLES.sub("", body)}</svg>'
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'<img class="{cls}" alt="" src="data:image/svg+xml;base64,{data}">'

    return SVG.sub(image, text)


def render_pdf(doc: dict) -> bytes:
    """The document as PDF bytes: A4, page numbers, a running header, a page per group.

    Raises :class:`~kaoping.report.fonts.NoCJKFont` when no CJK font is installed, rather
    than printing empty boxes where the Chinese should be."""
    font = require_cjk_font()
    from weasyprint import HTML

    text = _svg_images(render_html(doc, extra_css=font.font_face_css()), font)
    return HTML(string=text, base_url=".").write_pdf()
