"""Which column of a roster holds which register field: headers as people write them.

A district's rosters are kept for years in Excel, often in the census layout: a title
row or two above the headers, merged cells, a two-level header (联系方式 over 手机 and
固定电话), headers with line breaks or a trailing *. The header row is found among the
first rows; every column is either mapped to a field or listed as ignored with the
reason, so nothing is dropped without the report saying so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gridworker.services.workspace import ServiceError


@dataclass(frozen=True)
class FieldSpec:
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


# Register fields a roster column can fill, in template order. The first synonym is what
# docs/design.md §9 names; the English field name is always accepted too.
FIELDS: dict[str, FieldSpec] = {
    "grid_code": FieldSpec(
        "网格编码", "Grid code",
        ("网格编码", "网格代码", "网格编号", "所属网格编码", "所属网格", "网格", "网格名称",
         "所在网格"),
    ),
    "address": FieldSpec(
        "地址", "Address",
        ("地址", "现住址", "居住地址", "现居住地址", "住址", "家庭住址", "详细地址", "现住地址",
         "实际居住地址", "居住地", "现居住地"),
    ),
    "household_no": FieldSpec(
        "户号", "Household no.", ("户号", "户编号", "户编码", "家庭编号", "户代码")
    ),
    "name": FieldSpec("姓名", "Name", ("姓名", "居民姓名", "人员姓名", "名字")),
    "gender": FieldSpec("性别", "Gender", ("性别",)),
    "id_number": FieldSpec(
        "身份证号码", "ID number",
        ("身份证号码", "身份证号", "公民身份号码", "公民身份证号码", "证件号码", "证件号",
         "身份证", "居民身份证号码", "身份证件号码"),
    ),
    "phone": FieldSpec(
        "联系电话", "Phone",
        ("联系电话", "联系方式", "手机号", "手机号码", "手机", "电话", "电话号码", "本人电话",
         "移动电话", "联系手机"),
    ),
    "relationship": FieldSpec(
        "与户主关系", "Relationship to head",
        ("与户主关系", "与户主的关系", "户主关系", "关系"),
    ),
    "tags": FieldSpec(
        "人员标签", "Tags",
        ("人员标签", "标签", "人员类别", "人群类别", "人员类型", "重点人群", "关爱对象类别",
         "特殊人群"),
    ),
    "ethnicity": FieldSpec("民族", "Ethnicity", ("民族",)),
    "birth_date": FieldSpec(
        "出生日期", "Birth date", ("出生日期", "出生年月", "出生年月日", "生日")
    ),
    "domicile": FieldSpec(
        "户籍地", "Domicile",
        ("户籍地", "户籍所在地", "户籍地址", "户口所在地", "户籍地详址", "户籍"),
    ),
    "marital_status": FieldSpec("婚姻状况", "Marital status", ("婚姻状况", "婚姻状态", "婚姻")),
    "education": FieldSpec(
        "文化程度", "Education", ("文化程度", "受教育程度", "学历", "文化")
    ),
    "occupation": FieldSpec("职业", "Occupation", ("职业", "工作单位及职业", "职业类别")),
    "health": FieldSpec("健康状况", "Health", ("健康状况", "身体状况")),
    "other_phone": FieldSpec(
        "其他电话", "Other phone", ("其他电话", "备用电话", "第二联系电话", "其他联系方式")
    ),
    "household_phone": FieldSpec(
        "户联系电话", "Household phone",
        ("户联系电话", "家庭电话", "住宅电话", "固定电话", "家庭联系电话", "座机"),
    ),
    "record_id": FieldSpec("记录编号", "Record id", ("记录编号",)),
}
REQUIRED = ("grid_code", "address", "household_no", "name")
# What an export carries that an import does not take (the household is found again by
# 网格编码 + 户号): listed as ignored with this reason rather than as unknown.
DERIVED = {"所属户编号": "household_id", "household_id": "household_id"}

_SYNONYMS: dict[str, str] = {}
for _field, _spec in FIELDS.items():
    _SYNONYMS.setdefault(_field, _field)
    for _name in (_spec.zh, *_spec.synonyms):
        _SYNONYMS.setdefault(_name, _field)

_NOISE = re.compile(r"[\s*＊:：]+")
# Characters that show as nothing: a byte-order mark (a GB18030 or doubled UTF-8 BOM
# survives decoding at the start of the first header), zero-width spaces and joiners,
# soft hyphens and direction marks pasted from web pages.
INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\ufeff")
)
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def normalise_header(text: object) -> str:
    """The header as a key: full-width folded, spaces, line breaks, * and : removed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE)
    return _NOISE.sub("", text).casefold()


def field_for(header: object) -> str | None:
    """The field a header names: exactly, then without a bracketed hint (联系电话（手机）)."""
    key = normalise_header(header)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    bare = _BRACKETED.sub("", key)
    return _SYNONYMS.get(bare) if bare else None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel names columns)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str | None
    why_ignored: str | None = None  # a code: unknown, duplicate, derived, empty_header

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class Layout:
    """Where a roster's header is and what each column holds."""

    header_line: int  # the (last) header row, 1-based as the file shows it
    columns: tuple[Column, ...]

    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field}

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if c.field is None]


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """``--map 列名=field`` options to {normalised header: field}; ServiceError if bad."""
    out: dict[str, str] = {}
    for item in items:
        header, sep, target = item.partition("=")
        target = target.strip()
        if not sep or not header.strip():
            raise ServiceError("map_format", item=item)
        if target in ("", "-", "ignore"):
            out[normalise_header(header)] = ""
            continue
        found = target if target in FIELDS else field_for(target)
        if found is None:
            names = "、".join(f"{spec.zh}（{key}）" for key, spec in FIELDS.items())
            raise ServiceError("map_unknown_field", item=item, target=target, names=names)
        out[normalise_header(header)] = found
    return out


def _names_field(cell: Any, overrides: Mapping[str, str]) -> bool:
    """Whether a cell is a header naming a field (field_for, normalised once)."""
    key = normalise_header(cell)
    if not key:
        return False
    if overrides.get(key) or key in _SYNONYMS:
        return True
    return "(" in key and _BRACKETED.sub("", key) in _SYNONYMS


def _score(cells: Sequence[Any], overrides: Mapping[str, str]) -> int:
    return sum(1 for c in cells if c is not None and _names_field(c, overrides))


def find_layout(
    head: Sequence[tuple[int, Sequence[Any]]],
    overrides: Mapping[str, str] | None = None,
    *,
    name: str = "",
) -> tuple[Layout, int]:
    """The layout from a file's first rows ((line, cells) pairs), and how many of those rows
    it used (title rows, the header and a sub-header). ServiceError if no row of them
    looks like a roster's header (`name`: the file's, for the message)."""
    overrides = overrides or {}
    best, best_score = -1, 0
    for i, (_line, cells) in enumerate(head):
        score = _score(cells, overrides)
        if score > best_score:
            best, best_score = i, score
    if best < 0 or best_score < 2:
        raise ServiceError("roster_no_header", name=name, rows=len(head))
    line, cells = head[best]
    headers = [("" if c is None else str(c).strip()) for c in cells]
    used = best + 1
    # A two-level header (联系方式 merged over 手机 / 固定电话): the row below the header
    # names columns too, and no data row does.
    if best + 1 < len(head):
        below_line, below = head[best + 1]
        if _score(below, overrides) >= 1 and not _looks_like_data(below):
            width = max(len(headers), len(below))
            headers += [""] * (width - len(headers))
            for i, c in enumerate(below):
                text = "" if c is None else str(c).strip()
                if text:
                    headers[i] = text
            line, used = below_line, best + 2
    return Layout(line, _columns(headers, overrides)), used


def header_row(cells: Sequence[Any], layout: Layout, overrides: Mapping[str, str]) -> Layout | None:
    """The layout a row below `layout`'s header defines if it is itself a roster header (a
    second table pasted under the first, or the header repeated): it names every
    required field, which no data line does. None for a data line.

    Asked of every line, so a data line is let go by the few cells where `layout` reads
    the required fields (a person's name is not a header) before any wider look."""
    if not any(
        c.field in REQUIRED
        and c.index < len(cells)
        and isinstance(cells[c.index], str)
        and _names_field(cells[c.index], overrides)
        for c in layout.columns
    ):
        return None
    if _score(cells, overrides) < len(REQUIRED) or _looks_like_data(cells):
        return None
    headers = [("" if c is None else str(c).strip()) for c in cells]
    columns = _columns(headers, overrides)
    mapped = {c.field for c in columns if c.field}
    return Layout(0, columns) if set(REQUIRED) <= mapped else None


def same_mapping(a: Layout, b: Layout) -> bool:
    """Whether two layouts read the same fields from the same columns."""
    return {c.field: c.index for c in a.columns if c.field} == {
        c.field: c.index for c in b.columns if c.field
    }


def _looks_like_data(cells: Sequence[Any]) -> bool:
    # A data row has an ID number, a phone or a grid code: a long run of digits.
    return any(re.search(r"\d{7,}", str(c)) for c in cells if c is not None)


def _columns(headers: list[str], overrides: Mapping[str, str]) -> tuple[Column, ...]:
    taken: dict[str, int] = {}
    columns: list[Column] = []
    for index, header in enumerate(headers):
        key = normalise_header(header)
        if not key:
            columns.append(Column(index, header, None, "empty_header"))
            continue
        if key in overrides:
            field: str | None = overrides[key] or None
            why = None if field else "mapped_away"
        elif key in DERIVED or header in DERIVED:
            columns.append(Column(index, header, None, "derived"))
            continue
        else:
            field = field_for(header)
            why = None if field else "unknown"
        if field and field in taken:
            # A second phone column keeps its numbers as the other phone.
            if field == "phone" and "other_phone" not in taken:
                field = "other_phone"
            else:
                columns.append(Column(index, header, None, "duplicate"))
                continue
        if field:
            taken[field] = index
        columns.append(Column(index, header, field, why))
    return tuple(columns)


IGNORED_REASONS: dict[str, tuple[str, str]] = {
    "unknown": ("不是登记项目", "not a register field"),
    "duplicate": ("与前面的列是同一项目", "the same field as an earlier column"),
    "derived": ("由网格编码和户号确定", "found from 网格编码 and 户号"),
    "empty_header": ("没有列名", "no header"),
    "mapped_away": ("按 --map 忽略", "ignored by --map"),
}


def ignored_reason(column: Column, lang: str) -> str:
    zh, en = IGNORED_REASONS.get(column.why_ignored or "unknown", IGNORED_REASONS["unknown"])
    return en if lang.startswith("en") else zh
