"""Charts as inline SVG, drawn on the server from page data (no script, no external files).

Every chart carries a ``<title>`` and ``<desc>`` and is paired on the page with a data
table, so that the numbers are readable without the picture.
"""

from __future__ import annotations

import math
import unicodedata
from html import escape

from markupsafe import Markup

from ..i18n import label
from ..i18n.formats import format_large, with_unit


def cw(key: str, lang: str) -> str:
    """A word of the charts (msgctxt ``chart`` of the catalogs)."""
    return label("chart", key, lang)


tr = cw  # the charts' words under their older name


# colours with at least 3:1 contrast on white (WCAG 2.1 non-text contrast)
SERIES = "#1d4ed8"
EXPECTED = "#92400e"
TARGET = "#166534"
PROJECTION = "#7e22ce"
GRID = "#d1d5db"
AXIS = "#374151"

# bar charts: the height of one row (name above, bar below) in CSS pixels, and the share of
# the width (in %) that a full bar of 100 takes; the value is written to its right
BAR_ROW = 44
BAR_TRACK = 84


#: the width of a character of a chart's labels, in the picture's units: a wide (CJK) character
#: is a square of the type size, a narrow one about half of it
WIDE, NARROW = 16.0, 8.5
#: the room for a bar's name, on a screen and on a printed page
BAR_NAME_ROOM, FIXED_BAR_NAME_ROOM = 416.0, 272.0


def text_width(text: str) -> float:
    """The width of ``text`` as drawn, by its characters (wide CJK ones, narrow Latin ones),
    whatever the page's language."""
    return sum(WIDE if unicodedata.east_asian_width(ch) in "WF" else NARROW for ch in text)


def shorten(text: str, room: float) -> str:
    """``text`` as it fits in ``room``: whole, or cut with "…" in place of its last character."""
    if text_width(text) <= room:
        return text
    used, n = 0.0, 0
    for ch in text:
        w = text_width(ch)
        if used + w > room - w:
            break
        used, n = used + w, n + 1
    return text[:n] + "…"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round numbers spanning ``[lo, hi]``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 0.5 and len(ticks) < 50:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v: float, lang: str) -> str:
    """A value on a chart (a tick, a point's title): from 10,000 in 万/亿 in Chinese, from a
    million in millions, billions… in English (:mod:`kaoping.i18n.formats`), so that a tick
    stays narrow; never in exponent form."""
    return format_large(v, lang)


def unit_word(ind: dict, lang: str) -> str:
    """An indicator's unit as the language writes it ("元" for ``yuan``)."""
    return ind.get("unit_label") or label("unit", ind.get("unit") or "", lang)


def series_chart(page: dict, lang: str, chart_id: str = "series-chart") -> Markup:
    """The indicator chart: values with points, baseline, expected path (dashed),
    milestone values, projection to the target year and the target line or band."""
    ind = page["indicator"]
    series = [p for p in page["series"] if p["value"] is not None]
    path = page["expected_path"]
    band = page["target_band"]
    proj = page["projection"]
    ms = [m for m in page["milestones"] if m["explicit"] and m["expected"] is not None]
    tgt_year = ind["target_year"]
    tgt_level = ind["target_level"]

    xs: list[float] = [p["year"] for p in series] + [p["year"] for p in path]
    ys: list[float] = [p["value"] for p in series] + [p["value"] for p in path]
    xs += [m["year"] for m in ms]
    ys += [m["expected"] for m in ms]
    if tgt_year is not None:
        xs.append(tgt_year)
    if tgt_level is not None:
        ys.append(tgt_level)
    if band:
        ys += [v for v in (band["lo"], band["hi"]) if v is not None]
    if proj.get("value") is not None and proj.get("to_year") is not None:
        xs.append(proj["to_year"])
        ys.append(proj["value"])
    base = ind["base"]
    if base["year"] is not None and base["value"] is not None:
        xs.append(base["year"])
        ys.append(base["value"])
    unit = unit_word(ind, lang)
    named = f"{ind['name']} ({unit})" if unit else ind["name"]
    title = f"{named}: {cw('chart_series', lang)}"
    if not xs or not ys:
        empty_id = "chart-empty" if chart_id == "series-chart" else f"{chart_id}-empty"
        return Markup(
            f'<p class="chart-empty" id="{escape(empty_id)}">{escape(cw("no_data_yet", lang))}</p>'
        )

    W, H = 720, 340
    cid = escape(chart_id)
    ml, mr, mt, mb = 72, 20, 44, 36
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    y_lo, y_hi = min(ys), max(ys)
    pad = (y_hi - y_lo) * 0.08 or abs(y_hi) * 0.1 or 1.0
    ticks = nice_ticks(y_lo - pad, y_hi + pad)
    y0, y1 = ticks[0], ticks[-1]
    if y1 == y0:
        y1 = y0 + 1

    def X(v: float) -> float:
        return round(ml + (v - x0) / (x1 - x0) * (W - ml - mr), 1)

    def Y(v: float) -> float:
        return round(H - mb - (v - y0) / (y1 - y0) * (H - mt - mb), 1)

    out: list[str] = [
        f'<svg class="chart" id="{cid}" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(_describe(page, lang))}</desc>',
    ]
    # grid and axes
    for t in ticks:
        y = Y(t)
        out.append(
            f'<line x1="{ml}" x2="{W - mr}" y1="{y}" y2="{y}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{ml - 6}" y="{y + 4}" text-anchor="end" class="tick">{_fmt(t, lang)}</text>'
        )
    span = int(x1 - x0)
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    for yr in range(math.ceil(x0), int(x1) + 1):
        if (yr - math.ceil(x0)) % step:
            continue
        x = X(yr)
        out.append(f'<text x="{x}" y="{H - mb + 18}" text-anchor="middle" class="tick">{yr}</text>')
    out.append(
        f'<line x1="{ml}" x2="{W - mr}" y1="{H - mb}" y2="{H - mb}" stroke="{AXIS}"/>'
        f'<line x1="{ml}" x2="{ml}" y1="{mt}" y2="{H - mb}" stroke="{AXIS}"/>'
    )
    # target band or line
    tl = cw("target", lang)
    if band and band["lo"] is not None and band["hi"] is not None and band["hi"] > band["lo"]:
        ya, yb = Y(band["hi"]), Y(band["lo"])
        out.append(
            f'<rect class="target-band" x="{ml}" y="{ya}" width="{W - ml - mr}" '
            f'height="{round(yb - ya, 1)}" fill="{TARGET}" fill-opacity="0.12" '
            f'stroke="{TARGET}" stroke-width="1"><title>{escape(tl)}: '
            f"{_fmt(band['lo'], lang)}–{_fmt(band['hi'], lang)}</title></rect>"
        )
    else:
        level = tgt_level
        if level is None and band:
            level = band["lo"] if band["lo"] is not None else band["hi"]
        if level is not None:
            y = Y(level)
            out.append(
                f'<line class="target-line" x1="{ml}" x2="{W - mr}" y1="{y}" y2="{y}" '
                f'stroke="{TARGET}" stroke-width="2"><title>{escape(tl)}: {_fmt(level, lang)}'
                f"</title></line>"
            )
    if tgt_year is not None:
        x = X(tgt_year)
        out.append(
            f'<line class="target-year" x1="{x}" x2="{x}" y1="{mt}" y2="{H - mb}" '
            f'stroke="{TARGET}" stroke-dasharray="2 3"><title>{escape(cw("target_year", lang))}: '
            f"{tgt_year}</title></line>"
        )
    # expected path
    if len(path) >= 2:
        pts = " ".join(f"{X(p['year'])},{Y(p['value'])}" for p in path)
        out.append(
            f'<polyline class="expected-path" points="{pts}" fill="none" stroke="{EXPECTED}" '
            f'stroke-width="2" stroke-dasharray="6 4"><title>{escape(cw("expected_path", lang))}'
            f"</title></polyline>"
        )
    # projection
    if proj.get("value") is not None and proj.get("from_year") is not None and proj.get("to_year"):
        out.append(
            f'<line class="projection" x1="{X(proj["from_year"])}" y1="{Y(proj["from_value"])}" '
            f'x2="{X(proj["to_year"])}" y2="{Y(proj["value"])}" stroke="{PROJECTION}" '
            f'stroke-width="2" stroke-dasharray="1 4" stroke-linecap="round">'
            f"<title>{escape(cw('projection', lang))}: {proj['to_year']} "
            f"{_fmt(proj['value'], lang)}</title></line>"
        )
    # milestone values
    for m in ms:
        x, y = X(m["year"]), Y(m["expected"])
        out.append(
            f'<path class="milestone" d="M{x} {y - 7}L{x + 7} {y}L{x} {y + 7}L{x - 7} {y}Z" '
            f'fill="#fff" stroke="{TARGET}" stroke-width="2"><title>'
            f"{escape(cw('milestone_targets', lang))} {m['year']}: {_fmt(m['expected'], lang)}"
            f"</title></path>"
        )
    # values
    if len(series) >= 2:
        pts = " ".join(f"{X(p['year'])},{Y(p['value'])}" for p in series)
        out.append(
            f'<polyline class="series" points="{pts}" fill="none" stroke="{SERIES}" '
            f'stroke-width="2.5"/>'
        )
    for p in series:
        hollow = p["status"] == "provisional" or not p.get("approved", True)
        fill = "#fff" if hollow else SERIES
        out.append(
            f'<circle class="point" cx="{X(p["year"])}" cy="{Y(p["value"])}" r="4.5" '
            f'fill="{fill}" stroke="{SERIES}" stroke-width="2"><title>{p["year"]}: '
            f"{escape(with_unit(_fmt(p['value'], lang), unit, lang))}</title></circle>"
        )
    if base["year"] is not None and base["value"] is not None:
        x, y = X(base["year"]), Y(base["value"])
        out.append(
            f'<rect class="baseline" x="{x - 5}" y="{y - 5}" width="10" height="10" fill="none" '
            f'stroke="{AXIS}" stroke-width="2"><title>{escape(cw("base", lang))} '
            f"{base['year']}: {_fmt(base['value'], lang)}</title></rect>"
        )
    # legend
    legend = [
        (SERIES, "", cw("series", lang)),
        (EXPECTED, "6 4", cw("expected_path", lang)),
        (TARGET, "", cw("target", lang)),
        (PROJECTION, "1 4", cw("projection", lang)),
    ]
    lx = ml
    for color, dash, text in legend:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="16" y2="16" stroke="{color}" '
            f'stroke-width="3"{d}/><text x="{lx + 27}" y="20" class="legend">{escape(text)}</text>'
        )
        # room for the text at up to 15 px (the size on a narrow screen, see style.css)
        lx += 40 + round(text_width(text))
    out.append("</svg>")
    return Markup("".join(out))


def _describe(page: dict, lang: str) -> str:
    ind = page["indicator"]
    parts = []
    s = [p for p in page["series"] if p["value"] is not None]
    if s:
        parts.append(
            f"{cw('series', lang)}: "
            + ", ".join(f"{p['year']} {_fmt(p['value'], lang)}" for p in s[-6:])
        )
    if ind["target_level"] is not None and ind["target_year"] is not None:
        parts.append(
            f"{cw('target', lang)} {ind['target_year']}: {_fmt(ind['target_level'], lang)}"
        )
    proj = page["projection"]
    if proj.get("value") is not None:
        parts.append(f"{cw('projection', lang)} {proj['to_year']}: {_fmt(proj['value'], lang)}")
    parts.append(f"{cw('status', lang)}: {ind['status_label']}")
    return "; ".join(parts)


def bar_chart(
    items: list[dict], title: str, lang: str, chart_id: str, *, fluid: bool = True
) -> Markup:
    """Horizontal bars of scores (0–100, as the engine gives them) with the value written
    beside each bar; the full width is 100.

    ``fluid`` (the web pages): each name stands above its bar and the SVG has no viewBox: it
    is as wide as its box (lengths across are percentages) and its text is drawn at the
    stylesheet's size in CSS pixels, so that the labels stay readable on a phone instead of
    shrinking with the picture. Otherwise (the printed reports, a fixed page width) the
    names stand left of the bars in a picture that scales as one.

    ``items``: dicts with ``name`` and ``score`` (None draws "not scored")."""
    if not fluid:
        return _fixed_bar_chart(items, title, lang, chart_id)
    row = BAR_ROW
    H = 4 + row * len(items)
    top = max([100.0] + [i["score"] for i in items if i.get("score") is not None])
    cid = escape(chart_id)
    out = [
        f'<svg class="chart bars" id="{cid}" width="100%" height="{H}" role="img" '
        f'aria-labelledby="{cid}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
    ]
    for k, it in enumerate(items):
        y = k * row
        name = str(it["name"])
        short = shorten(name, BAR_NAME_ROOM)
        out.append(
            f'<text x="0" y="{y + 15}" class="bar-label"><title>{escape(name)}</title>'
            f"{escape(short)}</text>"
        )
        out.append(f'<rect x="0" y="{y + 21}" width="{BAR_TRACK}%" height="16" fill="#f3f4f6"/>')
        s = it.get("score")
        if s is None:
            out.append(
                f'<text x="6" y="{y + 34}" class="bar-none">{escape(cw("not_scored", lang))}</text>'
            )
            continue
        w = round(max(0.0, s) / top * BAR_TRACK, 2)
        out.append(
            f'<rect class="bar" x="0" y="{y + 21}" width="{w}%" height="16" '
            f'fill="{SERIES}"><title>{escape(name)}: {s:.1f}</title></rect>'
        )
        out.append(f'<text x="{BAR_TRACK + 2}%" y="{y + 34}" class="bar-value">{s:.1f}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _fixed_bar_chart(items: list[dict], title: str, lang: str, chart_id: str) -> Markup:
    """The bar chart of a printed page: one picture 640 units wide, names left of the bars."""
    W = 640
    row = 30
    ml, mr = 250, 70  # the names (at up to 14 px, the PDF's size) take 242 units
    H = 12 + row * len(items)
    top = max([100.0] + [i["score"] for i in items if i.get("score") is not None])
    out = [
        f'<svg class="chart bars" id="{escape(chart_id)}" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for k, it in enumerate(items):
        y = 6 + k * row
        name = str(it["name"])
        short = shorten(name, FIXED_BAR_NAME_ROOM)
        out.append(
            f'<text x="{ml - 8}" y="{y + 19}" text-anchor="end" class="bar-label">'
            f"<title>{escape(name)}</title>{escape(short)}</text>"
        )
        out.append(
            f'<rect x="{ml}" y="{y + 4}" width="{W - ml - mr}" height="{row - 10}" fill="#f3f4f6"/>'
        )
        s = it.get("score")
        if s is None:
            out.append(
                f'<text x="{ml + 6}" y="{y + 19}" class="bar-none">{escape(cw("not_scored", lang))}'
                f"</text>"
            )
            continue
        w = round(max(0.0, s) / top * (W - ml - mr), 1)
        out.append(
            f'<rect class="bar" x="{ml}" y="{y + 4}" width="{w}" height="{row - 10}" '
            f'fill="{SERIES}"><title>{escape(name)}: {s:.1f}</title></rect>'
        )
        out.append(f'<text x="{W - mr + 6}" y="{y + 19}" class="bar-value">{s:.1f}</text>')
    out.append("</svg>")
    return Markup("".join(out))
