"""The evaluation report's summary: the paragraphs written from the scorecard's numbers."""

from __future__ import annotations

from typing import Any

from ..labels import STATUS, t, word
from ..scorecard import fmt_pct
from .blocks import p
from .off_track import OFF_TRACK
from .words import score_text, w


def _join(names: list[str], lang: str) -> str:
    return "、".join(names) if lang == "zh" else "; ".join(names)


def _status_counts(card: dict, c: dict[str, int], lang: str) -> dict:
    """How many indicators each status counts."""
    met = c["achieved"] + c["achieved_early"]
    n, year, area = sum(c.values()), card["as_of"], card["area"]["name"]
    if lang == "zh":
        early = f"（其中提前实现{c['achieved_early']}项）" if c["achieved_early"] else ""
        return p(
            f"截至{year}年，本报告对{area}的{n}项指标进行了评估：已实现{met}项{early}，"
            f"快于预期{c['ahead']}项，基本符合预期{c['on_track']}项，滞后{c['lagging']}项，"
            f"倒退{c['regressing']}项，数据过旧{c['stale']}项，无数据{c['no_data']}项，"
            f"仅监测{c['monitoring']}项。"
        )
    early = f" ({c['achieved_early']} of them early)" if c["achieved_early"] else ""
    return p(
        f"As of {year}, this report evaluates {n} indicators for {area}: "
        f"{met} achieved{early}, {c['ahead']} ahead of schedule, "
        f"{c['on_track']} on track, {c['lagging']} lagging, "
        f"{c['regressing']} moving away from the target, {c['stale']} with data too old, "
        f"{c['no_data']} without data and {c['monitoring']} monitored only."
    )


#: the overall score's sentence: the coverage, no score for too little data, the score
_OVERALL = {
    "zh": (
        "{n_scored}项计分指标中{n_with_data}项有数据（数据覆盖率{coverage}）",
        "总体不予评分：{cover}，低于规划要求的{minimum}。",
        "总体得分为{score}（满分100）——{meaning}；{cover}。",
    ),
    "en": (
        "{n_with_data} of the {n_scored} scored indicators have data (data coverage {coverage})",
        "No overall score is given: {cover}, below the plan's minimum of {minimum}.",
        "The overall score is {score} out of 100 — {meaning}; {cover}.",
    ),
}


def _overall_score(card: dict, lang: str) -> dict:
    """The overall score and the data coverage it rests on, or why there is none."""
    o = card["overall"]
    coverage, unscored, scored = _OVERALL["zh" if lang == "zh" else "en"]
    cover = coverage.format(
        n_scored=o["n_scored"], n_with_data=o["n_with_data"], coverage=fmt_pct(o["coverage"])
    )
    if o["score"] is None:
        return p(unscored.format(cover=cover, minimum=fmt_pct(card["method"]["min_coverage"])))
    meaning = word("score_meaning", lang)
    return p(scored.format(score=score_text(o["score"]), meaning=meaning, cover=cover))


def _best_and_worst(card: dict, lang: str) -> list[dict]:
    """The highest- and the lowest-scoring group, when two or more are scored."""
    scored = [g for g in card["groups"] if g["score"] is not None]
    if len(scored) < 2:
        return []
    best = max(scored, key=lambda g: g["score"])
    worst = min(scored, key=lambda g: g["score"])
    return [
        p(
            f"得分最高的分组是“{best['name']}”（{score_text(best['score'])}），"
            f"最低的是“{worst['name']}”（{score_text(worst['score'])}）。"
            if lang == "zh"
            else f"The highest-scoring group is {best['name']} ({score_text(best['score'])}); "
            f"the lowest is {worst['name']} ({score_text(worst['score'])})."
        )
    ]


def _named(name: str, note: str, lang: str) -> str:
    return f"{name}（{note}）" if lang == "zh" else f"{name} ({note})"


def _listing(zh: str, en: str, names: list[str], lang: str) -> dict:
    """A paragraph naming the indicators after a label: "Achieved: A; B."."""
    if lang == "zh":
        return p(zh + _join(names, lang) + "。")
    return p(en + _join(names, lang) + ".")


def _named_indicators(card: dict, lang: str) -> list[dict]:
    """The indicators achieved, off track and with data too old, by name."""
    inds = [i for g in card["groups"] for i in g["indicators"]]
    early_mark = "（提前实现）" if lang == "zh" else " (early)"
    achieved = [
        i["name"] + (early_mark if i["status"] == "achieved_early" else "")
        for i in inds
        if i["status"] in ("achieved", "achieved_early")
    ]
    off = [_named(i["name"], i["status_label"], lang) for i in inds if i["status"] in OFF_TRACK]
    stale = [_named(i["name"], i["data_age_text"], lang) for i in inds if i["status"] == "stale"]
    out: list[dict] = []
    if achieved:
        out.append(_listing("已实现的目标：", "Achieved: ", achieved, lang))
    if off:
        out.append(_listing("未按进度推进的指标：", "Off track: ", off, lang))
    else:
        out.append(p(w("none_off_track", lang)))
    if stale:
        out.append(
            _listing("数据过旧、不判断进度的指标：", "Data too old to judge pace: ", stale, lang)
        )
    return out


def _step_verdicts(card: dict, lang: str) -> list[dict]:
    """The verdict on each of the plan's steps that is due."""
    out: list[dict] = []
    for s in card["steps"]:
        if not s["due"]:
            continue
        verdict = s["verdict_label"] or w("no_verdict", lang)
        out.append(
            p(
                f"{s['name']}（{s['year']}年）：{verdict}。"
                if lang == "zh"
                else f"{s['name']} ({s['year']}): {verdict}."
            )
        )
    return out


def _by_nature(card: dict, lang: str) -> list[dict]:
    """The targets of each nature the plan states and how many of them are off track:
    "Binding targets: 3 of 8 lagging; anticipatory targets: 1 of 5 lagging." (none when
    the plan states no nature)."""
    natures = card.get("natures") or []
    if not natures:
        return []
    texts = [n["text"] for n in natures]
    if lang == "zh":
        return [p("；".join(texts) + "。")]
    first = "; ".join(texts)
    return [p(first[:1].upper() + first[1:] + ".")]


def summary_paragraphs(card: dict, lang: str) -> list[dict]:
    """The summary: what the statuses count (and per nature, when the plan states natures),
    the scores, the groups at either end, the indicators by name and the verdicts on the
    steps due."""
    counts = {k: card["status_counts"].get(k, 0) for k in STATUS} | card["status_counts"]
    return [
        _status_counts(card, counts, lang),
        *_by_nature(card, lang),
        _overall_score(card, lang),
        p(word("score_vs_status", lang), "note"),
        *_best_and_worst(card, lang),
        *_named_indicators(card, lang),
        *_step_verdicts(card, lang),
    ]


def status_count_rows(card: dict, lang: str) -> list[list[Any]]:
    """Each status with its count and its meaning."""
    meanings = {x["status"]: x["meaning"] for x in card["legend"]}
    return [[t(STATUS, k, lang), v, meanings.get(k, "")] for k, v in card["status_counts"].items()]
