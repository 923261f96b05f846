"""The CJK font a PDF embeds, found with fontconfig."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import KaopingError

#: families tried in order (Debian's fonts-noto-cjk first)
FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


class NoCJKFont(KaopingError):
    """No font that can show Chinese is installed: a PDF would show empty boxes."""

    code = "no_cjk_font"


@dataclass(frozen=True)
class Font:
    family: str
    regular: Path
    bold: Path | None

    def css(self) -> str:
        """The rules that set the font on the page, its running header and the charts, by
        family name: fontconfig finds the installed face (the simplified-Chinese face of a
        Noto CJK collection), and WeasyPrint embeds only the glyphs used. No ``@font-face``
        rule: one would make WeasyPrint copy the 20 MB collection file and have fontconfig
        scan it again for every PDF."""
        family = f"font-family: '{self.family}', sans-serif;"
        return "\n".join(
            (
                f"body, svg text, pre {{ {family} }}",
                f"@page {{ @top-center {{ {family} }} @bottom-center {{ {family} }} }}",
            )
        )

    def key(self) -> str:
        """What identifies the font files (path, size, modification time) in a cache key."""
        parts = []
        for path in (self.regular, self.bold):
            if path is None:
                continue
            try:
                st = path.stat()
                parts.append(f"{path}:{st.st_size}:{int(st.st_mtime)}")
            except OSError:
                parts.append(str(path))
        return f"{self.family}|" + "|".join(parts)


def _fc_match(pattern: str) -> tuple[str, str] | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}|%{family}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, family = out.partition("|")
    return (file, family.split(",")[0]) if file else None


def _has_zh(file: str) -> bool:
    exe = shutil.which("fc-list")
    if exe is None:
        return False
    try:
        out = subprocess.run(
            [exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(line.split(":")[0].strip() == file for line in out.splitlines())


@lru_cache(maxsize=1)
def find_cjk_font() -> Font | None:
    """The first installed CJK font of :data:`FAMILIES`, or any font covering Chinese."""
    for family in FAMILIES:
        hit = _fc_match(f"{family}:lang=zh-cn")
        if hit and family.lower() in hit[1].lower() and _has_zh(hit[0]):
            bold = _fc_match(f"{family}:lang=zh-cn:weight=bold")
            bold_path = Path(bold[0]) if bold and bold[1] == hit[1] else None
            return Font(hit[1], Path(hit[0]), bold_path)
    hit = _fc_match(":lang=zh-cn")
    if hit and _has_zh(hit[0]):
        return Font(hit[1], Path(hit[0]), None)
    return None


def require_cjk_font() -> Font:
    font = find_cjk_font()
    if font is None:
        raise NoCJKFont(
            "no CJK font found: install fonts-noto-cjk (Debian/Ubuntu: "
            "apt-get install fonts-noto-cjk) so that the PDF can show Chinese"
        )
    return font
