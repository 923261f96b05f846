"""Every word kaoping shows, from gettext message catalogs (Babel).

The catalogs are ``locales/<lang>/LC_MESSAGES/kaoping.po``: one file per language that a
translator edits (see docs/translation.md). They are read with Babel's ``read_po`` the first
time a language is asked for and kept for the life of the process: there is no compiled
``.mo`` file and no build step.

The msgids are stable keys (``"overview"``, ``"sv_tasks"``), not English sentences: the
English text is itself a translation (``en/…/kaoping.po``). Coded values — statuses, reasons,
units, roles, method names — carry a msgctxt naming their kind (``label("status", "lagging",
lang)``), so one code can read differently in two places. Why keys and not English msgids:
docs/translation.md.

    _("approve_all", "zh", n=3)        # 全部批准（3 行）
    label("status", "lagging", "en")   # lagging
    gettext_for("zh").pgettext("unit", "yuan")
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGS = ("en", "zh")
DOMAIN = "kaoping"
LOCALES = Path(__file__).parent / "locales"

#: the kinds of coded values, each a msgctxt of the catalogs
KINDS = (
    "status",
    "status_meaning",
    "pace",
    "reason",
    "trend",
    "nature",
    "censor",
    "break",
    "method",
    "report",
    "words",
    "chart",
    "unit",
    "role",
    "target",
)

__all__ = ["DOMAIN", "KINDS", "K_", "LANGS", "N_", "_", "gettext_for", "label", "po_path"]


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class _Catalog(Translations):
    """Translations read straight from a ``.po`` file (untranslated and fuzzy entries skipped)."""

    def __init__(self, path: Path):
        NullTranslations.__init__(self)
        self.domain = DOMAIN
        self._catalog = {}
        self.plural = lambda n: int(n != 1)
        with path.open("rb") as f:
            catalog = read_po(f, domain=DOMAIN)
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            key = f"{message.context}\x04{msgid}" if message.context else msgid
            string = message.string
            self._catalog[key] = string if isinstance(string, str) else string[0]


def gettext_for(lang: str) -> Translations:
    """The translations of ``lang`` (English for an unknown language), read once."""
    return _read(lang if lang in LANGS else "en")


@cache
def _read(lang: str) -> Translations:
    return _Catalog(po_path(lang))


def _(key: str, lang: str, **kw: object) -> str:
    """A UI word or sentence in ``lang``; ``{name}`` fields filled from ``kw``.

    An unknown key comes back as it is (as gettext does)."""
    text = gettext_for(lang).gettext(key)
    return text.format(**kw) if kw else text


def label(kind: str, code: str | None, lang: str, **kw: object) -> str:
    """A coded value (status, reason, unit, role …) in ``lang``; the code itself if unknown."""
    if not code:
        return ""
    text = gettext_for(lang).pgettext(kind, code)
    return text.format(**kw) if kw else text


def N_(kind: str, code: str) -> str:
    """Marks a coded value for extraction (``pybabel extract -k N_:1c,2``); returns the code."""
    return code


def K_(key: str) -> str:
    """Marks a UI key built at run time for extraction; returns the key."""
    return key
