"""Finding a Chinese font on this computer for the printable PDFs.

The packaged app ships no fonts (licences, size). A PDF is only readable if the
font it uses is embedded, so we take the system's own CJK font and embed the
subset of glyphs the document uses (fpdf2 subsets TrueType and CFF-flavoured
OpenType, also inside .ttc collections, and writes a ToUnicode map so the text
can be searched and extracted).

Lookup order: the ``GRIDWORKER_PDF_FONT`` setting (``path`` or ``path#index``),
then fontconfig (``fc-match``, Linux and most Unix desktops), then the fonts
every Chinese Windows has (Microsoft YaHei, SimSun, SimHei under ``%WINDIR%\\Fonts``),
then well-known Linux and macOS paths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gridworker.services.workspace import ServiceError

FONT_ENV = "GRIDWORKER_PDF_FONT"
_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# (file name under %WINDIR%\Fonts, face index), in order of preference.
_WINDOWS = (("msyh.ttc", 0), ("simsun.ttc", 0), ("simhei.ttf", 0), ("Deng.ttf", 0))
_KNOWN = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # 2: the SC face
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)


class FontNotFound(ServiceError):
    """No usable Chinese font: the PDF cannot be made readable."""


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # the face inside a .ttc/.otc collection


def _usable(path: Path) -> bool:
    return path.suffix.lower() in _SUFFIXES and path.is_file()


def _from_setting() -> FontFile | None:
    value = os.environ.get(FONT_ENV, "").strip()
    if not value:
        return None
    path, _, index = value.partition("#")
    font = FontFile(Path(path), int(index) if index.isdigit() else 0)
    if not _usable(font.path):
        raise FontNotFound(
            "font_missing", en=f"{FONT_ENV}={value}: not a .ttf, .otf, .ttc or .otc file"
        )
    return font


def _fontconfig() -> FontFile | None:
    """The best face fontconfig has for Simplified Chinese (None without fontconfig)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = "sans-serif:lang=zh-cn"
    try:
        done = subprocess.run(
            [fc_match, "-s", "-f", "%{file}\t%{index}\t%{lang}\n", pattern],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    # -s lists every font in preference order; fc-match alone would happily answer
    # DejaVu Sans on a machine without a Chinese font, so check the language set.
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or "zh-cn" not in parts[2].split("|"):
            continue
        path = Path(parts[0])
        if _usable(path):
            return FontFile(path, int(parts[1]) if parts[1].isdigit() else 0)
    return None


def _windows(names: tuple[tuple[str, int], ...]) -> FontFile | None:
    folder = Path(os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows")
    for name, index in names:
        path = folder / "Fonts" / name
        if _usable(path):
            return FontFile(path, index)
    return None


def _known(paths: tuple[tuple[str, int], ...]) -> FontFile | None:
    for name, index in paths:
        if _usable(Path(name)):
            return FontFile(Path(name), index)
    return None


@cache
def find_cjk_font() -> FontFile:
    """The Chinese face to embed; FontNotFound when the computer has none.

    One regular face only: parsing a CJK font costs about a second, and not every
    system has a bold face (SimSun has none), so emphasis is drawn (sheet.py).
    """
    found = _from_setting()
    if found is None and sys.platform == "win32":
        found = _windows(_WINDOWS) or _fontconfig()
    elif found is None:
        found = _fontconfig() or _known(_KNOWN)
    if found is None:
        raise FontNotFound(
            "font_missing",
            en="no Chinese font found for the PDF: install one (Debian: fonts-noto-cjk; "
            f"Windows has Microsoft YaHei) or set {FONT_ENV} to a .ttf/.ttc file",
        )
    return found
