"""One roster line to a household and a person, keeping every value that can be kept.

A line is refused only when a required field is missing (网格编码, 地址, 户号, 姓名) or
the person cannot be identified (an ID number that is not valid, e.g. one Excel turned
into a number and rounded). Any other value that cannot be read is reported with its
line, column and text, and the person is imported without it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from gridworker.domain.enums import Education, Gender, Health, MaritalStatus, TagKind
from gridworker.domain.errors import CodedError, DomainError, ValidationError
from gridworker.domain.roster_values import (
    DEFAULT_AREA_CODE,
    RelationshipCodes,
    parse_ethnicity,
    parse_phone_cell,
    parse_relationship,
)
from gridworker.domain.validation import (
    id_birth_date,
    id_check_digit,
    id_gender,
    validate_grid_code,
    validate_id_number,
    validate_name,
)
from gridworker.services.register import HouseholdInput, ResidentInput
from gridworker.services.roster_columns import FIELDS, INVISIBLE, REQUIRED, Column, Layout

# 、，；／ and ｜ are folded to , ; / | by NFKC before the split.
TAG_SEPARATORS = re.compile(r"[、,;/|\\\s]+")
# What Excel (and WPS) show for a formula that failed; with data_only the cached result
# is this text, which is not a name or an address.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!",
    }
)  # fmt: skip
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
MASK = "*"


@dataclass(frozen=True)
class ValueProblem:
    """A value left out of an imported line: where it was, what it said, why."""

    line: int
    column: str  # the column letter
    header: str
    value: str
    reason: str
    sheet: str | None = None  # named when the workbook has several sheets


@dataclass
class RosterContext:
    """What reading a line needs besides the line: the language, the district's area code,
    which one-digit relationship codes the file uses, and grid names known locally."""

    lang: str = "zh_CN"
    area_code: str | None = DEFAULT_AREA_CODE
    relationship_codes: RelationshipCodes | None = None
    grids_by_name: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None  # the sheet being read, in a workbook of several

    @property
    def zh(self) -> bool:
        return not self.lang.startswith("en")

    def say(self, code: str, **params: Any) -> str:
        """A catalogue message (domain/import_messages.py) in the reader's language."""
        return CodedError(code, **params).message(self.lang)


@dataclass
class ParsedLine:
    line: int
    household: HouseholdInput
    resident: ResidentInput
    record_id: str | None
    problems: list[ValueProblem]
    columns: dict[str, Column] = field(default_factory=dict)  # the columns read, by field


class LineRefused(CodedError):
    """The line cannot be imported; the coded message says why."""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    # Invisible characters are gone already: values come through _cell.
    return unicodedata.normalize("NFKC", str(value)).strip()


def _cell(value: Any) -> Any:
    """A cell as a value: text stripped, empty text (or only invisible characters) None."""
    if isinstance(value, str):
        value = value.translate(INVISIBLE).strip()
        return value or None
    return value


def _message(exc: Exception, lang: str) -> str:
    return exc.message(lang) if isinstance(exc, CodedError) else str(exc)


def parse_line(line: int, cells: Sequence[Any], layout: Layout, ctx: RosterContext) -> ParsedLine:
    """A data line to validated inputs (see the module doc); raises LineRefused."""
    values: dict[str, Any] = {}
    columns: dict[str, Column] = {}
    for column in layout.columns:
        if column.field and column.index < len(cells):
            value = _cell(cells[column.index])
            if value is not None:
                values[column.field] = value
                columns[column.field] = column
    problems: list[ValueProblem] = []

    def drop(name: str, exc: Exception | str) -> None:
        column = columns[name]
        reason = exc if isinstance(exc, str) else _message(exc, ctx.lang)
        text = _text(values[name])
        problems.append(ValueProblem(line, column.letter, column.header, text, reason, ctx.sheet))
        values.pop(name, None)

    _masked(values, drop)
    for name in list(values):
        if isinstance(values[name], str) and values[name].upper() in EXCEL_ERRORS:
            if name in REQUIRED or name == "id_number":
                text = f"{columns[name].letter}列“{columns[name].header}”"
                raise LineRefused("row_excel_error", column=text, value=values[name])
            drop(name, ctx.say("value_excel_error"))
    missing = [k for k in REQUIRED if not _text(values.get(k, ""))]
    if missing:
        names = "、".join(FIELDS[k].label(ctx.lang) for k in missing)
        raise LineRefused("row_missing", names=names)
    id_number = _id_number(values.get("id_number"), ctx) if "id_number" in values else None
    id_sex = id_gender(id_number) if id_number else None
    gender = _gender(values, id_sex, drop, ctx)
    try:
        grid_code = _grid_code(_text(values["grid_code"]), ctx)
        name = validate_name(_text(values["name"]))
        household = HouseholdInput(
            grid_code=grid_code,
            household_no=_text(values["household_no"]),
            address=_text(values["address"]),
        ).normalised()
    except (DomainError, ValueError) as exc:
        raise LineRefused(_message(exc, ctx.lang)) from None
    phones = _phones(values, "phone", drop, ctx)
    others = _phones(values, "other_phone", drop, ctx)
    household_phones = _phones(values, "household_phone", drop, ctx)
    if household_phones:
        household.phone = household_phones[0]
    numbers = list(dict.fromkeys([*phones, *others]))
    relationship = None
    if "relationship" in values:
        try:
            relationship = parse_relationship(
                _text(values["relationship"]), gender=gender, codes=ctx.relationship_codes
            )
        except ValidationError as exc:
            drop("relationship", exc)
    resident = ResidentInput(
        name=name,
        id_number=id_number,
        gender=gender,
        birth_date=_birth_date(values, id_number, drop, ctx),
        phone=numbers[0] if numbers else None,
        other_phone=numbers[1] if len(numbers) > 1 else None,
        relationship=relationship,
        health=_coded(values, "health", Health, drop),
        ethnicity=_ethnicity(values, drop),
        occupation=_plain(values, "occupation", 50, drop, ctx),
        tags=_tags(values, drop, ctx),
        marital_status=_label(values, "marital_status", MaritalStatus, drop),
        education=_label(values, "education", Education, drop),
        domicile=_plain(values, "domicile", 200, drop, ctx),
    )
    if len(numbers) > 2:
        extra = "、".join(numbers[2:])
        column = columns.get("phone") or columns["other_phone"]
        problems.append(
            ValueProblem(
                line,
                column.letter,
                column.header,
                extra,
                ctx.say("value_extra_phones"),
                ctx.sheet,
            )
        )
    record_id = _record_id(values.get("record_id"))
    return ParsedLine(line, household, resident, record_id, problems, columns)


MASKABLE = ("id_number", "phone", "other_phone", "household_phone")


def is_masked(value: Any) -> bool:
    """A value starred out by a masked export (138****1234)."""
    return isinstance(value, str) and MASK in value


def _masked(values: dict[str, Any], drop: Any) -> None:
    """A starred ID number refuses the line (the person cannot be identified); a starred
    phone is left out. (A file masked throughout is refused whole before any line is
    read: importing.py looks at its first lines.)"""
    if is_masked(values.get("id_number")):
        raise LineRefused("row_id_masked")
    for key in MASKABLE[1:]:
        if is_masked(values.get(key)):
            drop(key, CodedError("value_masked"))


def _id_number(value: Any, ctx: RosterContext) -> str:
    """The ID number, or LineRefused: a person whose number is wrong cannot be identified
    (importing them without it would make a second record next time)."""
    rounded = isinstance(value, int | float) and not isinstance(value, bool)
    text = _text(value)
    if rounded or _SCIENTIFIC.match(text):
        raise LineRefused("row_id_as_number")
    text = upgrade_old_id(text)
    try:
        return validate_id_number(text)
    except ValidationError as exc:
        reason = exc.message(ctx.lang)
        if exc.code == "id_checksum" and text.endswith("000"):
            raise LineRefused("row_id_ends_000", reason=reason) from None
        params: dict[str, Any] = dict(exc.params)
        raise LineRefused(exc.code, field=exc.field, **params) from None


def upgrade_old_id(text: str) -> str:
    """A 15-digit ID number (issued until 1999: year of birth in two digits, no check
    character) as the 18-digit number the same person holds now (GB 11643-1999: "19"
    inserted before the year, the check character appended), so the person gets the
    record their 18-digit number gives. Anything else is returned as it is."""
    digits = re.sub(r"\s", "", text)
    if len(digits) != 15 or not digits.isascii() or not digits.isdigit():
        return text
    first17 = digits[:6] + "19" + digits[6:]
    return first17 + id_check_digit(first17)


def _gender(
    values: dict[str, Any], id_sex: Gender | None, drop: Any, ctx: RosterContext
) -> Gender | None:
    if "gender" not in values:
        return id_sex
    try:
        given = Gender.parse(_text(values["gender"]))
    except ValueError:
        drop("gender", ctx.say("value_gender_unknown", value=_text(values["gender"])))
        return id_sex
    if id_sex is not None and given in (Gender.male, Gender.female) and given is not id_sex:
        label = id_sex.en if not ctx.zh else id_sex.zh
        drop("gender", ctx.say("value_gender_mismatch", gender=label))
        return id_sex
    return given


def _grid_code(text: str, ctx: RosterContext) -> str:
    digits = re.sub(r"\s", "", text)
    if digits.isdigit():
        return validate_grid_code(digits)
    code = ctx.grids_by_name.get(text)
    if code is None:
        raise LineRefused("row_grid_unknown", grid=text)
    return code


def _phones(values: dict[str, Any], key: str, drop: Any, ctx: RosterContext) -> list[str]:
    if key not in values:
        return []
    try:
        return list(parse_phone_cell(_text(values[key]), area_code=ctx.area_code).numbers)
    except ValidationError as exc:
        drop(key, exc)
        return []


def _birth_date(
    values: dict[str, Any], id_number: str | None, drop: Any, ctx: RosterContext
) -> date | None:
    from_id = id_birth_date(id_number) if id_number else None
    if "birth_date" not in values:
        return from_id
    raw = values["birth_date"]
    given = raw.date() if isinstance(raw, datetime) else _date_text(_text(raw))
    if given is None:
        drop("birth_date", ctx.say("value_birth_unknown"))
        return from_id
    if from_id is not None and given != from_id:
        # 出生年月 (a month only) agrees if the month does.
        if not (given.day == 1 and (given.year, given.month) == (from_id.year, from_id.month)):
            drop("birth_date", ctx.say("value_birth_mismatch"))
        return from_id
    return given


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*月?")


def _date_text(text: str) -> date | None:
    """1963-09-28, 1963/9/28, 1963年9月28日, 19630928; 1963-09 and 1963年9月 (出生年月)."""
    match = _DATE.fullmatch(text)
    if match is None:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    except ValueError:
        return None


def _coded(values: dict[str, Any], key: str, enum: Any, drop: Any) -> Any:
    if key not in values:
        return None
    try:
        return enum.parse(_text(values[key]))
    except ValueError:
        drop(key, ValidationError("invalid_value", field=key, value=_text(values[key])))
        return None


def _label(values: dict[str, Any], key: str, enum: Any, drop: Any) -> str | None:
    member = _coded(values, key, enum, drop)
    return None if member is None else str(member.zh)


def _ethnicity(values: dict[str, Any], drop: Any) -> str | None:
    if "ethnicity" not in values:
        return None
    try:
        return parse_ethnicity(_text(values["ethnicity"]))
    except ValidationError as exc:
        drop("ethnicity", exc)
        return None


def _plain(
    values: dict[str, Any], key: str, limit: int, drop: Any, ctx: RosterContext
) -> str | None:
    if key not in values:
        return None
    text = _text(values[key])
    if len(text) > limit:
        drop(key, ctx.say("value_too_long", limit=limit))
        return None
    return text or None


def _tags(values: dict[str, Any], drop: Any, ctx: RosterContext) -> list[TagKind]:
    if "tags" not in values:
        return []
    tags: list[TagKind] = []
    unknown: list[str] = []
    for part in TAG_SEPARATORS.split(_text(values["tags"])):
        if not part or part in ("无", "-", "/"):
            continue
        try:
            tags.append(TagKind.parse(part))
        except ValueError:
            unknown.append(part)
    if unknown:
        text = "、".join(unknown)
        drop("tags", ctx.say("value_tags_unknown" if tags else "value_tags_none", tags=text))
    return tags


def _record_id(value: Any) -> str | None:
    text = _text(value) if value is not None else ""
    return text.lower() if _UUID.match(text.lower()) else None
