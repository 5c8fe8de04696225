"""The fields every synced record has, and the checks every record gets (docs/design.md §4).

Each entity is a frozen dataclass deriving from `Record`, declared in `domain.records_*`
with `domain.declare`. ``validate()`` returns a normalised copy (stripped text, empty
optional text → None, codes parsed into enums, phones and names normalised) or raises
ValidationError; change a record with ``dataclasses.replace``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any, Self, TypeVar

from gridworker.domain.declare import Check, F, FieldDecl, code, field_decls
from gridworker.domain.enums import LabeledEnum
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import (
    fold_key,
    normalise_text,
    normalised_changes,
    validate_grid_code,
    validate_id_number,
    validate_name,
    validate_phone,
)

_R = TypeVar("_R", bound="Record")


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """Fields every syncable record has (docs/design.md §4)."""

    id: Annotated[str, code("记录编号", "Record id", 36)]
    grid_code: Annotated[
        str, F("网格编码", "Grid code", 18, Check.grid_code, index=True, key=True)
    ]
    version: Annotated[int, F("版本", "Version", export=False)] = 0
    deleted: Annotated[bool, F("记录状态", "Record", export=False)] = False

    def validate(self) -> Self:
        """Normalised copy of the record, or ValidationError."""
        return validate_record(self)


def validate_record(record: _R) -> _R:
    changes = record_changes(record)
    return replace(record, **changes) if changes else record


def record_changes(record: Record) -> dict[str, Any]:
    """What `validate_record` changes: `normalise_record`'s changes, the grid code's and
    the declared names' (validate_name)."""
    changes = normalised_changes(record)
    grid = changes.get("grid_code", record.grid_code)
    code = validate_grid_code(grid)
    if code != record.grid_code:
        changes["grid_code"] = code
    for field in _name_fields(type(record)):
        value = changes.get(field.name, getattr(record, field.name))
        if value is not None:
            named = validate_name(value, field=field.name, max_length=field.spec.size or 50)
            if named != getattr(record, field.name):
                changes[field.name] = named
    return changes


_NAME_FIELDS: dict[type, tuple[FieldDecl, ...]] = {}


def _name_fields(cls: type) -> tuple[FieldDecl, ...]:
    found = _NAME_FIELDS.get(cls)
    if found is None:
        found = tuple(f for f in field_decls(cls).values() if f.spec.check is Check.name)
        _NAME_FIELDS[cls] = found
    return found


def check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError("date_order", field="end_date")


def normalised_values(
    cls: type[Record], values: Mapping[str, Any], *, required: Iterable[str] = ()
) -> dict[str, Any]:
    """Some fields of a record-to-be, checked and normalised by their declarations: what a
    form or a roster line gives before the record exists (no id yet). Text is stripped
    (empty becomes None), codes and labels are parsed into their enums, names, phones,
    ID numbers and grid codes are validated; a field in `required` must have a value.
    Names that are not fields of `cls` are returned unchanged."""
    declared = field_decls(cls)
    out: dict[str, Any] = {}
    for key, value in values.items():
        field = declared.get(key)
        out[key] = value if field is None else _normalised(field, value)
    for key in required:
        if out.get(key) is None:
            raise ValidationError("required", field=key)
    return out


def _normalised(field: FieldDecl, value: Any) -> Any:
    enum = field.enum
    if isinstance(value, str) and not isinstance(value, LabeledEnum):
        # A natural key folded (`１０１` is `101`), other text in one Unicode form: the same
        # 户号 or address typed on two laptops is one value (docs/design.md §4).
        text = fold_key(value) if field.spec.key else normalise_text(value)
        if not text:
            return None
        if enum is not None:
            try:
                return enum.parse(text)
            except ValueError:
                raise ValidationError("invalid_value", field=field.name, value=value) from None
        check = field.spec.check
        if check is Check.name:
            return validate_name(text, field=field.name, max_length=field.spec.size or 50)
        if check is Check.phone:
            return validate_phone(text, field=field.name)
        if check is Check.id_number:
            return validate_id_number(text, field=field.name)
        if check is Check.grid_code:
            return validate_grid_code(text, field=field.name)
        return text
    return value
