"""Read the site as a user would: crawl its pages in a browser and check the words shown.

A page's text is ``document.body.innerText`` (what a reader sees, in reading order), less the
text of elements the page itself declares as not in its language:

- ``translate="no"`` (HTML's own attribute for "do not translate this"): data shown as it was
  entered or published — user names, source notes, narratives, file names, identifiers a user
  types (a token's name), addresses;
- ``lang="…"`` other than the page's language: the language switch ("English" / "中文").

What remains must be in the page's language. In Chinese: no English word and no raw key
(``gdp_per_capita``, ``no_data``) outside :data:`ZH_ALLOWED`; in English: no Chinese
punctuation (``，。、；：（）「」``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

#: the page's visible text without the parts declared as data or in another language
TEXT_JS = """() => {
  const own = document.documentElement.lang.slice(0, 2);
  const hidden = [];
  for (const el of document.body.querySelectorAll('[translate="no"], [lang]')) {
    const other = el.hasAttribute('lang') && el.getAttribute('lang').slice(0, 2) !== own;
    if (el.getAttribute('translate') !== 'no' && !other) continue;
    hidden.push([el, el.style.display]);
    el.style.display = 'none';
  }
  const text = document.body.innerText;
  for (const [el, display] of hidden) el.style.display = display;
  const links = [];
  for (const a of document.querySelectorAll('a[href]')) {
    links.push(a.href);
  }
  return {text: text, links: links, lang: own};
}"""

# -- Chinese pages: English words and raw keys -------------------------------------------------

#: words a Chinese page may show as they are: proper names and abbreviations Chinese readers
#: use as such (国内生产总值 is written GDP in Chinese statistics too), file formats, the
#: project's own name
ZH_ALLOWED = frozenset(
    {
        "GDP",  # 地区生产总值 is commonly abbreviated GDP in Chinese texts
        "PM2.5",  # the pollutant's name (细颗粒物 PM2.5)
        "PM10",
        "CO2",  # 二氧化碳 is written CO2 in Chinese statistics
        "R&D",  # 研究与试验发展 (R&D) in Chinese statistical yearbooks
        # abbreviations the plans' own Chinese names and notes use, as Chinese texts do
        "HDI",  # 人文发展指数(HDI)
        "AQI",  # 空气质量指数(AQI)
        "COD",  # 化学需氧量（COD）
        "GB",  # the prefix of a national standard's number (GB 3095-2012)
        "T2",  # the airport's Terminal 2, by its name (第二跑道和T2航站楼)
        "SHA-256",  # the name of the checksum shown with evidence files
        "API",  # the programming interface
        "CSV",  # file formats a user downloads or uploads
        "JSON",
        "PDF",
        "HTML",
        "Excel",
        "xlsx",  # the Excel file's extension, on the download's label
        "OpenAPI",  # the API description's standard name
        "kaoping",  # the program's name
    }
)
#: addresses and e-mail addresses are names, shown as they are
ADDRESS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|(?<![\w/])/[\w./?=&%-]+")
#: a Latin word (GDP, PM2.5, R&D, gdp_per_capita, no-data, don't)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_.&'’-][A-Za-z0-9]+)*")
#: a raw key: a snake_case identifier
RAW_KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def zh_offences(text: str) -> list[tuple[str, str]]:
    """(word, context) for every English word or raw key a Chinese page shows."""
    found = []
    masked = ADDRESS.sub(lambda m: " " * len(m.group()), text)
    for m in LATIN_WORD.finditer(masked):
        word = m.group()
        if word in ZH_ALLOWED:
            continue
        kind = "raw key" if RAW_KEY.match(word) else "English"
        found.append((f"{kind}: {word}", snippet(text, m.start(), m.end())))
    return found


# -- English pages: Chinese punctuation --------------------------------------------------------

#: the Chinese punctuation an English page must not show (outside data)
CJK_PUNCT = re.compile(r"[，。、；：（）「」【】《》！？]")


def en_offences(text: str) -> list[tuple[str, str]]:
    """(mark, context) for every Chinese punctuation mark an English page shows."""
    return [(m.group(), snippet(text, m.start(), m.end())) for m in CJK_PUNCT.finditer(text)]


def snippet(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


# -- the crawl ---------------------------------------------------------------------------------

#: paths never followed: downloads (the reports are fetched on their own), the API and its
#: documentation (Swagger UI's own words are English), files, evidence downloads
SKIP = re.compile(
    r"^(/p/[^/]+)?("
    r"/api/|/static/|/docs|/openapi\.json|/reports/|/staff/template|/supervision/evidence/"
    r"|/healthz|/logout"
    r")"
)
#: query parameters whose value alone makes a different address of the same page: an address
#: differing only in these is read once per (path, parameter names)
#: the public pages of one kind: a group, a category, an indicator
PUBLIC_KIND = re.compile(r"^(/p/[^/]+)?(/[gli]/)[^/]+$")
VARIANTS = ("year", "area", "department", "status", "unit", "page", "since", "q", "plan", "kind")


@dataclass
class Page:
    url: str
    text: str
    status: int


@dataclass
class Crawl:
    """Breadth-first over same-site links from ``starts``; each address once (see
    :func:`page_key`); downloads and other languages skipped."""

    base: str
    lang: str
    #: read one page of each public kind only (a signed-in user's crawl: the anonymous crawl
    #: reads them all)
    collapse_public: bool = False
    seen: set = field(default_factory=set)
    pages: list[Page] = field(default_factory=list)
    reports: set = field(default_factory=set)

    def page_key(self, path: str, query: list[tuple[str, str]]) -> tuple:
        names = tuple(sorted({k for k, _ in query}))
        if self.collapse_public:
            path = PUBLIC_KIND.sub(r"\1\2*", path)
        fixed = tuple(sorted((k, v) for k, v in query if k not in VARIANTS))
        return (path, names, fixed)

    def accept(self, href: str) -> str | None:
        """The address to read for a link, or None to skip it."""
        parts = urlsplit(href)
        base = urlsplit(self.base)
        if parts.netloc and parts.netloc != base.netloc:
            return None
        path = parts.path or "/"
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(k == "lang" and v != self.lang for k, v in query):
            return None  # the language switch: the other crawl reads that language
        if any(k == "format" for k, _ in query):
            return None  # the same data as JSON
        if re.search(r"/reports/(evaluation|assessment)\.(pdf|html)$", path):
            self.reports.add(path + ("?" + parts.query if parts.query else ""))
            return None
        if SKIP.match(path):
            return None
        key = self.page_key(path, query)
        if key in self.seen:
            return None
        self.seen.add(key)
        return f"{self.base}{path}" + (f"?{urlencode(query)}" if query else "")

    def run(self, page, starts: Iterable[str], keep: Callable[[str], bool] = lambda p: True):
        queue: deque[str] = deque()
        for s in starts:
            url = self.accept(self.base + s)
            if url:
                queue.append(url)
        while queue:
            url = queue.popleft()
            response = page.goto(url)
            status = response.status if response else 0
            if status == 202:  # a progress page (a report being built): read it as it is
                pass
            found = page.evaluate(TEXT_JS)
            self.pages.append(Page(url, found["text"], status))
            for href in found["links"]:
                if not keep(urlsplit(href).path):
                    continue
                nxt = self.accept(href)
                if nxt:
                    queue.append(nxt)


def report(
    pages: Iterable[Page],
    check: Callable[[str], list[tuple[str, str]]],
    data: Iterable[str] = (),
) -> list[str]:
    """One line per offending page: its address and every offence with its context.
    ``data``: texts entered as data (a narrative, a comment), shown as written wherever they
    appear (a PDF's text cannot say which words are data)."""
    data = tuple(data)
    lines = []
    for p in pages:
        text = p.text
        for d in data:
            text = text.replace(d, " ")
        found = check(text)
        if found:
            lines.append(f"{p.url} ({len(found)}):")
            lines.extend(f"    {what}  …{ctx}…" for what, ctx in found)
    return lines
