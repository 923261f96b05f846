"""Charts as inline SVG, drawn on the server from page data (no script, no external files).

Every chart carries a ``<title>`` and ``<desc>`` and is paired on the page with a data
table, so that the numbers are readable without the picture.
"""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

# the charts' words (the same as the web's): charts do not depend on any one view
WORDS: dict[str, dict[str, str]] = {
    "base": {"en": "Baseline", "zh": "基期值"},
    "target": {"en": "Target", "zh": "目标"},
    "target_year": {"en": "Target year", "zh": "目标年"},
    "status": {"en": "Status", "zh": "状态"},
    "projection": {"en": "Projection", "zh": "预测"},
    "series": {"en": "Values", "zh": "历年数值"},
    "chart_series": {"en": "Series, expected path and target", "zh": "数值、预期路径与目标"},
    "expected_path": {"en": "Expected path", "zh": "预期路径"},
    "milestone_targets": {"en": "Milestone values", "zh": "阶段目标值"},
    "no_data_yet": {"en": "No data yet.", "zh": "暂无数据。"},
    "not_scored": {"en": "not scored", "zh": "未评分"},
}


def tr(key: str, lang: str) -> str:
    entry = WORDS.get(key)
    return key if entry is None else entry.get(lang) or entry["en"]


# colours with at least 3:1 contrast on white (WCAG 2.1 non-text contrast)
SERIES = "#1d4ed8"
EXPECTED = "#92400e"
TARGET = "#166534"
PROJECTION = "#7e22ce"
GRID = "#d1d5db"
AXIS = "#374151"


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


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:,.4g}M"
    if a >= 1e4:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:,.4g}"
    return f"{v:.4g}"


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
    title = f"{ind['name']} ({ind['unit']}): {tr('chart_series', lang)}"
    if not xs or not ys:
        empty_id = "chart-empty" if chart_id == "series-chart" else f"{chart_id}-empty"
        return Markup(
            f'<p class="chart-empty" id="{escape(empty_id)}">{escape(tr("no_data_yet", lang))}</p>'
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
            f'<text x="{ml - 6}" y="{y + 4}" text-anchor="end" class="tick">{_fmt(t)}</text>'
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
    tl = tr("target", lang)
    if band and band["lo"] is not None and band["hi"] is not None and band["hi"] > band["lo"]:
        ya, yb = Y(band["hi"]), Y(band["lo"])
        out.append(
            f'<rect class="target-band" x="{ml}" y="{ya}" width="{W - ml - mr}" '
            f'height="{round(yb - ya, 1)}" fill="{TARGET}" fill-opacity="0.12" '
            f'stroke="{TARGET}" stroke-width="1"><title>{escape(tl)}: '
            f"{_fmt(band['lo'])}–{_fmt(band['hi'])}</title></rect>"
        )
    else:
        level = tgt_level
        if level is None and band:
            level = band["lo"] if band["lo"] is not None else band["hi"]
        if level is not None:
            y = Y(level)
            out.append(
                f'<line class="target-line" x1="{ml}" x2="{W - mr}" y1="{y}" y2="{y}" '
                f'stroke="{TARGET}" stroke-width="2"><title>{escape(tl)}: {_fmt(level)}'
                f"</title></line>"
            )
    if tgt_year is not None:
        x = X(tgt_year)
        out.append(
            f'<line class="target-year" x1="{x}" x2="{x}" y1="{mt}" y2="{H - mb}" '
            f'stroke="{TARGET}" stroke-dasharray="2 3"><title>{escape(tr("target_year", lang))}: '
            f"{tgt_year}</title></line>"
        )
    # expected path
    if len(path) >= 2:
        pts = " ".join(f"{X(p['year'])},{Y(p['value'])}" for p in path)
        out.append(
            f'<polyline class="expected-path" points="{pts}" fill="none" stroke="{EXPECTED}" '
            f'stroke-width="2" stroke-dasharray="6 4"><title>{escape(tr("expected_path", lang))}'
            f"</title></polyline>"
        )
    # projection
    if proj.get("value") is not None and proj.get("from_year") is not None and proj.get("to_year"):
        out.append(
            f'<line class="projection" x1="{X(proj["from_year"])}" y1="{Y(proj["from_value"])}" '
            f'x2="{X(proj["to_year"])}" y2="{Y(proj["value"])}" stroke="{PROJECTION}" '
            f'stroke-width="2" stroke-dasharray="1 4" stroke-linecap="round">'
            f"<title>{escape(tr('projection', lang))}: {proj['to_year']} "
            f"{_fmt(proj['value'])}</title></line>"
        )
    # milestone values
    for m in ms:
        x, y = X(m["year"]), Y(m["expected"])
        out.append(
            f'<path class="milestone" d="M{x} {y - 7}L{x + 7} {y}L{x} {y + 7}L{x - 7} {y}Z" '
            f'fill="#fff" stroke="{TARGET}" stroke-width="2"><title>'
            f"{escape(tr('milestone_targets', lang))} {m['year']}: {_fmt(m['expected'])}"
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
            f"{_fmt(p['value'])} {escape(ind['unit'])}</title></circle>"
        )
    if base["year"] is not None and base["value"] is not None:
        x, y = X(base["year"]), Y(base["value"])
        out.append(
            f'<rect class="baseline" x="{x - 5}" y="{y - 5}" width="10" height="10" fill="none" '
            f'stroke="{AXIS}" stroke-width="2"><title>{escape(tr("base", lang))} '
            f"{base['year']}: {_fmt(base['value'])}</title></rect>"
        )
    # legend
    legend = [
        (SERIES, "", tr("series", lang)),
        (EXPECTED, "6 4", tr("expected_path", lang)),
        (TARGET, "", tr("target", lang)),
        (PROJECTION, "1 4", tr("projection", lang)),
    ]
    lx = ml
    for color, dash, text in legend:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="16" y2="16" stroke="{color}" '
            f'stroke-width="3"{d}/><text x="{lx + 27}" y="20" class="legend">{escape(text)}</text>'
        )
        lx += 40 + 13 * len(text) if lang == "zh" else 40 + 7 * len(text)
    out.append("</svg>")
    return Markup("".join(out))


def _describe(page: dict, lang: str) -> str:
    ind = page["indicator"]
    parts = []
    s = [p for p in page["series"] if p["value"] is not None]
    if s:
        parts.append(
            f"{tr('series', lang)}: " + ", ".join(f"{p['year']} {_fmt(p['value'])}" for p in s[-6:])
        )
    if ind["target_level"] is not None and ind["target_year"] is not None:
        parts.append(f"{tr('target', lang)} {ind['target_year']}: {_fmt(ind['target_level'])}")
    proj = page["projection"]
    if proj.get("value") is not None:
        parts.append(f"{tr('projection', lang)} {proj['to_year']}: {_fmt(proj['value'])}")
    parts.append(f"{tr('status', lang)}: {ind['status_label']}")
    return "; ".join(parts)


def bar_chart(items: list[dict], title: str, lang: str, chart_id: str) -> Markup:
    """Horizontal bars of scores (0–100, as the engine gives them) with the value written
    beside each bar; the full width is 100.

    ``items``: dicts with ``name`` and ``score`` (None draws "not scored")."""
    W = 640
    row = 30
    ml = 190 if lang == "en" else 150
    mr = 70
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
        short = name if len(name) <= (26 if lang == "en" else 12) else name[:24] + "…"
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
                f'<text x="{ml + 6}" y="{y + 19}" class="bar-none">{escape(tr("not_scored", lang))}'
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
