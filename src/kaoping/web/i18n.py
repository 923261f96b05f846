"""The web's words, and how a request chooses its language.

The words are in the message catalogs (:mod:`kaoping.i18n`, ``kaoping/i18n/locales``);
``tr(key, lang, **kw)`` is the catalogs' ``_``."""

from __future__ import annotations

from ..i18n import LANGS
from ..i18n import _ as tr
from ..i18n.codes import PACE_BAND, REASON, STATUS, TREND
from ..report.labels import t as label

__all__ = ["LANGS", "PACE_BAND", "REASON", "STATUS", "TREND", "choose_lang", "label", "tr"]


def choose_lang(query: str | None, cookie: str | None, accept: str | None) -> str:
    """``?lang=`` first, then the ``lang`` cookie, then Accept-Language; English otherwise."""
    for v in (query, cookie):
        if v in LANGS:
            return v  # type: ignore[return-value]
    if accept and accept.strip().lower().startswith("zh"):
        return "zh"
    return "en"
