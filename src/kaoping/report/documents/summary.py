"""The evaluation report's summary: the paragraphs written from the scorecard's numbers."""

from __future__ import annotations

from typing import Any

from ...i18n import N_
from ..labels import STATUS, t, word
from ..scorecard import fmt_pct
from .blocks import p
from .off_track import OFF_TRACK
from .words import join, score_text, w, with_note


def _status_counts(card: dict, c: dict[str, int], lang: str) -> dict:
    """How many indicators each status counts."""
    early = w("summary_early", lang, n=c["achieved_early"]) if c["achieved_early"] else ""
    return p(
        w(
            "summary_counts",
            lang,
            year=card["as_of"],
            area=card["area"]["name"],
            n=sum(c.values()),
            met=c["achieved"] + c["achieved_early"],
            early=early,
            **{k: c[k] for k in STATUS if k not in ("achieved", "achieved_early")},
        )
    )


def _overall_score(card: dict, lang: str) -> dict:
    """The overall score and the data coverage it rests on, or why there is none."""
    o = card["overall"]
    cover = w(
        "overall_coverage",
        lang,
        n_scored=o["n_scored"],
        n_with_data=o["n_with_data"],
        coverage=fmt_pct(o["coverage"]),
    )
    if o["score"] is None:
        minimum = fmt_pct(card["method"]["min_coverage"])
        return p(w("overall_unscored", lang, cover=cover, minimum=minimum))
    meaning = word("score_meaning", lang)
    return p(w("overall_scored", lang, score=score_text(o["score"]), meaning=meaning, cover=cover))


def _best_and_worst(card: dict, lang: str) -> list[dict]:
    """The highest- and the lowest-scoring group, when two or more are scored."""
    scored = [g for g in card["groups"] if g["score"] is not None]
    if len(scored) < 2:
        return []
    best = max(scored, key=lambda g: g["score"])
    worst = min(scored, key=lambda g: g["score"])
    return [
        p(
            w(
                "summary_best_worst",
                lang,
                best=best["name"],
                best_score=score_text(best["score"]),
                worst=worst["name"],
                worst_score=score_text(worst["score"]),
            )
        )
    ]


def _listing(key: str, names: list[str], lang: str) -> dict:
    """A paragraph naming the indicators after a label: "Achieved: A; B."."""
    return p(w(key, lang, names=join(names, lang)))


def _named_indicators(card: dict, lang: str) -> list[dict]:
    """The indicators achieved, off track and with data too old, by name."""
    inds = [i for g in card["groups"] for i in g["indicators"]]
    early_mark = w("early_mark", lang)
    achieved = [
        i["name"] + (early_mark if i["status"] == "achieved_early" else "")
        for i in inds
        if i["status"] in ("achieved", "achieved_early")
    ]
    off = [with_note(i["name"], i["status_label"], lang) for i in inds if i["status"] in OFF_TRACK]
    stale = [with_note(i["name"], i["data_age_text"], lang) for i in inds if i["status"] == "stale"]
    out: list[dict] = []
    if achieved:
        out.append(_listing(N_("report", "summary_achieved"), achieved, lang))
    if off:
        out.append(_listing(N_("report", "summary_off_track"), off, lang))
    else:
        out.append(p(w("none_off_track", lang)))
    if stale:
        out.append(_listing(N_("report", "summary_stale"), stale, lang))
    return out


def _step_verdicts(card: dict, lang: str) -> list[dict]:
    """The verdict on each of the plan's steps that is due."""
    out: list[dict] = []
    for s in card["steps"]:
        if not s["due"]:
            continue
        verdict = s["verdict_label"] or w("no_verdict", lang)
        out.append(p(w("step_verdict", lang, name=s["name"], year=s["year"], verdict=verdict)))
    return out


def _by_nature(card: dict, lang: str) -> list[dict]:
    """The targets of each nature the plan states and how many of them are off track:
    "Binding targets: 3 of 8 lagging; anticipatory targets: 1 of 5 lagging." (none when
    the plan states no nature)."""
    natures = card.get("natures") or []
    if not natures:
        return []
    first = join([n["text"] for n in natures], lang, "clause_sep")
    return [p(w("sentence", lang, text=first[:1].upper() + first[1:]))]


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
