"""Buildings and flats as people write them (docs/design.md §12.1).

A district's sheets name the same building "3栋", "3号楼", "３幢" or "第3栋", a unit "1单元",
"一单元" or "1", and a flat "1502", "1502室" or "１５０２". Ids are derived from the folded
keys, so each spelling finds the one record; what is shown keeps the first spelling.
"""

from __future__ import annotations

import re
import unicodedata

from gridworker.domain.ids import fold_number

# "第3栋", "3号楼", "3幢", "3座", "3号", "3栋楼": the suffixes and prefix people add.
_BUILDING_AFFIX = re.compile(r"^第|(?:号楼|栋楼|幢楼|栋|幢|座|号|楼)$")
_UNIT_AFFIX = re.compile(r"^第|单元$")
_FLAT_AFFIX = re.compile(r"(?:室|号|户)$")
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _chinese_number(text: str) -> str:
    """ "一" … "九十九" as digits; any other text unchanged."""
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        return text
    if "十" not in text:
        return "".join(str(_DIGITS[c]) for c in text) if len(text) == 1 else text
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return text
    return str((_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0))


def _strip_zeros(text: str) -> str:
    return str(int(text)) if text.isdigit() else text


def building_key(text: str) -> str:
    """ "3栋", "3号楼", "３幢", "第三栋" → "3"; "A座" → "A"; "3-1栋" → "3-1"."""
    folded = fold_number(text)
    bare = _BUILDING_AFFIX.sub("", folded) or folded
    return _strip_zeros(_chinese_number(bare))


def building_label(text: str) -> str:
    """How a building is stored and shown: a numbered one as "3栋" ("3号楼", "３幢" and
    "第三栋" too, so that two laptops writing it differently create the same record with
    the same text, not a conflict over its spelling); another name as written, folded."""
    key = building_key(text)
    if re.fullmatch(r"\d+(?:-\d+)*", key):
        return f"{key}栋"
    return fold_number(text)


def estate_label(text: str) -> str:
    """An estate's name folded (full-width letters and digits) with its spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def unit_key(text: str | None) -> str:
    """ "1单元", "一单元", "01" → "1"; no unit → ""."""
    if text is None:
        return ""
    folded = fold_number(text)
    bare = _UNIT_AFFIX.sub("", folded) or folded
    return _strip_zeros(_chinese_number(bare))


def flat_key(text: str) -> str:
    """ "1502", "1502室", "１５０２" → "1502" (leading zeros kept: "0101" is a name)."""
    folded = fold_number(text)
    return _FLAT_AFFIX.sub("", folded) or folded


def floor_of(number: str) -> int | None:
    """The floor a flat number says: "1502" → 15, "101" → 1; None when it does not say
    ("A", "12")."""
    key = flat_key(number)
    if key.isdigit() and len(key) >= 3 and int(key[:-2]) > 0:
        return int(key[:-2])
    return None


def floor_key(text: str | None) -> int | None:
    """A floor as written ("15", "15层", "十五层", "-1"), as a number; None if none."""
    if text is None:
        return None
    bare = re.sub(r"(?:层|楼|F)$", "", fold_number(text))
    bare = _chinese_number(bare)
    try:
        return int(bare)
    except ValueError:
        return None


def unit_label(key: str) -> str:
    """How a unit is shown: "1" → "1单元"; a unit named otherwise stays as it is."""
    return f"{key}单元" if key.isdigit() else key
