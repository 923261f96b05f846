"""A report document as PDF (WeasyPrint), with a CJK font embedded.

What makes the first PDF of a process fast (docs/reports.md, "Building a PDF"):

- the CJK font is named by family, never loaded through ``@font-face`` (which would copy
  the 20 MB Noto collection to a temporary folder and have fontconfig scan it for every
  PDF); one WeasyPrint font configuration serves every PDF of the process;
- the charts are SVG images, drawn without the page's style cascade;
- the cyclic garbage collector runs rarely while a PDF is laid out (the layout makes
  hundreds of thousands of objects that all live until the PDF is written);
- the finished PDF is kept per digest of its HTML (which names the plan version, the data
  version, the year and the language), in memory and, unless ``KAOPING_PDF_CACHE=off``,
  on disk, so that the same report is never laid out twice.

A render reports its stage and progress (WeasyPrint logs every page it lays out) to a
``progress(stage, fraction)`` callback: the web's background builds show it.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from .fonts import Font, require_cjk_font
from .html import render_html

SVG = re.compile(r'<svg class="([^"]*)"(.*?)</svg>', re.S)
TITLES = re.compile(r"<title[^>]*>[^<]*</title>|<desc[^>]*>[^<]*</desc>")

#: progress(stage, fraction 0–1); stages: "layout", "writing", "done"
Progress = Callable[[str, float], None]

#: share of a render's time its layout takes (the rest writes the PDF), measured in bench/
LAYOUT_SHARE = 0.65
#: characters of report HTML per PDF page, to estimate the page count (about 3,200 in the
#: bundled plans' reports)
BYTES_PER_PAGE = 3200
#: PDFs kept in memory (bytes) and on disk (files) per process
MEMORY_ENTRIES = 8
DISK_ENTRIES = 64
#: generation-0 threshold of the garbage collector while a PDF is rendered
GC_THRESHOLD = 200_000

_render_lock = threading.Lock()  # WeasyPrint and Pango: one render at a time per process
_state: dict[str, Any] = {"fonts": None}
_memory: OrderedDict[str, bytes] = OrderedDict()
_memory_lock = threading.Lock()


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


def pdf_html(doc: dict, font: Font | None = None) -> str:
    """The HTML a PDF is made from: the report's HTML with the font rules, charts as
    SVG images."""
    font = font or require_cjk_font()
    return _svg_images(render_html(doc, extra_css=font.css()), font)


def render_pdf(doc: dict, progress: Progress | None = None, pages: int | None = None) -> bytes:
    """The document as PDF bytes: A4, page numbers, a running header, a page per group.
    ``progress`` hears the stages (``pages``: the expected page count, if known).

    Raises :class:`~kaoping.report.fonts.NoCJKFont` when no CJK font is installed, rather
    than printing empty boxes where the Chinese should be."""
    font = require_cjk_font()
    text = pdf_html(doc, font)
    key = cache_key(text, font)
    body = _cached(key)
    if body is None:
        body = html_to_pdf(text, progress, pages)
        _keep(key, body)
    if progress is not None:
        progress("done", 1.0)
    return body


def html_to_pdf(text: str, progress: Progress | None = None, pages: int | None = None) -> bytes:
    """Lay out ``text`` and write it as PDF; ``pages`` (if known) makes the layout's
    progress a share of pages laid out."""
    from weasyprint import HTML

    pages = pages or max(1, len(text) // BYTES_PER_PAGE)
    with _render_lock, _few_collections(), _watch(progress, pages):
        if progress is not None:
            progress("layout", 0.0)
        document = HTML(string=text, base_url=".").render(font_config=_font_config())
        if progress is not None:
            progress("writing", LAYOUT_SHARE)
        return document.write_pdf()


def _font_config() -> Any:
    """One WeasyPrint font configuration per process (created on first use)."""
    fc = _state["fonts"]
    if fc is None:
        from weasyprint.text.fonts import FontConfiguration

        fc = _state["fonts"] = FontConfiguration()
    return fc


@contextmanager
def _few_collections() -> Iterator[None]:
    """Collect garbage rarely while a PDF is rendered: the layout's objects all live
    until the PDF is written, so frequent collections only walk them again and again.
    (Only this module changes the thresholds, under the render lock.)"""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


class _PageCounter(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") into the
    share of the layout done, for the thread that renders."""

    def __init__(self, progress: Progress, pages: int | None) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.pages = max(int(pages or 0), 1)
        self.seen = 0
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or not record.msg.startswith("Step 5"):
            return
        args = record.args if isinstance(record.args, tuple) else ()
        if "Page" in record.msg and args:
            self.seen = max(self.seen, int(args[0]))
            done = min(self.seen / self.pages, 0.98)
            self.progress("layout", LAYOUT_SHARE * done)


@contextmanager
def _watch(progress: Progress | None, pages: int | None) -> Iterator[None]:
    if progress is None:
        yield
        return
    log = logging.getLogger("weasyprint.progress")
    handler = _PageCounter(progress, pages)
    level = log.level
    log.addHandler(handler)
    if not log.isEnabledFor(logging.INFO):
        log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


# ---- the cache of finished PDFs ---------------------------------------------------------


def cache_key(text: str, font: Font) -> str:
    """The digest of what decides a PDF's bytes: its HTML (plan, data version, year,
    language and every word), the font files and the WeasyPrint version."""
    version = _weasyprint_version()
    h = hashlib.sha256()
    for part in (version, font.key(), text):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def _weasyprint_version() -> str:
    """WeasyPrint's version, read without importing it (a cached PDF needs no WeasyPrint)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover - WeasyPrint is a dependency
        return "?"


def cache_dir() -> Path | None:
    """Where finished PDFs are kept between processes: ``KAOPING_PDF_CACHE`` (a folder, or
    ``off``), else ``$XDG_CACHE_HOME/kaoping/pdf`` (``~/.cache/kaoping/pdf``)."""
    value = os.environ.get("KAOPING_PDF_CACHE", "").strip()
    if value.lower() in ("off", "0", "no", "false"):
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kaoping" / "pdf"


def _cached(key: str) -> bytes | None:
    with _memory_lock:
        body = _memory.get(key)
        if body is not None:
            _memory.move_to_end(key)
            return body
    folder = cache_dir()
    if folder is None:
        return None
    try:
        body = (folder / f"{key}.pdf").read_bytes()
    except OSError:
        return None
    if not body.startswith(b"%PDF") or not body.rstrip().endswith(b"%%EOF"):
        return None
    _remember(key, body)
    return body


def _remember(key: str, body: bytes) -> None:
    with _memory_lock:
        _memory[key] = body
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def _keep(key: str, body: bytes) -> None:
    """Keep a finished PDF in memory and on disk (written whole, then renamed; the
    oldest files beyond :data:`DISK_ENTRIES` removed). A disk that refuses is no error."""
    _remember(key, body)
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, folder / f"{key}.pdf")
        files = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime)
        for old in files[:-DISK_ENTRIES]:
            old.unlink(missing_ok=True)
    except OSError:
        logging.getLogger(__name__).debug("the PDF cache at %s is not writable", folder)


def clear_memory() -> None:
    """Forget the PDFs kept in memory (tests)."""
    with _memory_lock:
        _memory.clear()
