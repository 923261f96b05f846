"""User names that cannot be mistaken for one another.

A user name is compared by its *key*: the name in Unicode normal form NFKC, case-folded,
with letters that look like Latin letters (Cyrillic ``а``, Greek ``ο``, …) folded to them.
``Admin``, ``ADMIN``, ``аdmin`` (Cyrillic а) and ``ａｄｍｉｎ`` (full-width) all have the key
``admin``, and the store keeps keys unique, so none of them can be created beside ``admin``;
at login any of them finds the same account.

A new name must also pass :func:`check_username` (see docs/settings.md):

- 1 to 64 characters after NFKC, not ``system``;
- only letters, combining marks, ASCII digits and ``. _ - @``: no spaces, no invisible or
  formatting characters (zero-width space, joiners, direction marks), no control characters;
- letters from one script, or Latin together with Chinese characters (as in ``王admin``):
  no mixing of Latin with Cyrillic or Greek, for instance.
"""

from __future__ import annotations

import unicodedata

from ..errors import UsageError

MAX_LENGTH = 64
PUNCTUATION = frozenset("._-@")
RESERVED = frozenset({"system"})

# letters of other scripts that look like Latin ones (after case folding)
_LOOKALIKE = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "һ": "h", "і": "i", "ї": "i",
        "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "ϲ": "c",
        # Latin look-alikes
        "ı": "i", "ł": "l", "ſ": "s",
    }
)  # fmt: skip


def username_key(name: str) -> str:
    """The form user names are compared in (never raises)."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip().casefold()
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))
    return unicodedata.normalize("NFKC", text.translate(_LOOKALIKE))


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, CJK, …)."""
    try:
        word = unicodedata.name(ch).split()[0]
    except ValueError:
        return "UNKNOWN"
    if word in ("CJK", "HIRAGANA", "KATAKANA", "BOPOMOFO", "HANGUL"):
        return "HAN"
    return word


def check_username(name: str) -> str:
    """The name as stored (NFKC, trimmed) if it is acceptable; else a clear UsageError."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    if not text or len(text) > MAX_LENGTH:
        raise UsageError(f"a user name has 1 to {MAX_LENGTH} characters; {name!r} has not")
    if username_key(text) in RESERVED:
        raise UsageError(f"{text!r} cannot be a user name (it is reserved)")
    scripts: set[str] = set()
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Co", "Cs", "Cn") or cat.startswith("Z"):
            code = f"U+{ord(ch):04X}"
            raise UsageError(
                f"a user name may not contain spaces or invisible characters ({code} found)"
            )
        if cat.startswith("L"):
            scripts.add(_script(ch))
        elif cat.startswith("M") or (ch.isdigit() and ch.isascii()):
            continue
        elif ch not in PUNCTUATION:
            raise UsageError(
                f"a user name has letters, digits 0-9 and . _ - @ only; {ch!r} is not allowed"
            )
    if len(scripts - {"HAN"}) > 1 or (scripts - {"HAN", "LATIN"} and "HAN" in scripts):
        raise UsageError(
            f"{text!r} mixes the scripts {', '.join(sorted(s.title() for s in scripts))}; "
            "a user name uses one script (Latin may go with Chinese characters)"
        )
    return text
