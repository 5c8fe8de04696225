"""Records between their wire form (JSON values) and column values.

Used by import/export (strict: a bad or masked value is refused with a reason)
and by the sync engine applying pulled rows (lenient: the server's data is
taken as it is, only converted to column types).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect

from gridworker.domain.entities import PHONE_FIELDS as DOMAIN_PHONE_FIELDS
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import validate_grid_code, validate_id_number, validate_phone
from gridworker.domain.wire import wire_value
from gridworker.storage.models import SyncRecord
from gridworker.storage.types import EnumCode, ISODate, UTCDateTime

# Every field name holding a phone in some entity (their declarations say so).
PHONE_FIELDS = DOMAIN_PHONE_FIELDS


def to_wire(row: SyncRecord) -> dict[str, Any]:
    """A record as one JSON object: entity, id, then its synced fields."""
    out: dict[str, Any] = {"entity": row.__entity__}
    out.update({k: wire_value(v) for k, v in row.to_fields().items()})
    out["version"] = row.version
    return out


def coerce_fields(
    model: type[SyncRecord], values: dict[str, Any], *, strict: bool = True
) -> dict[str, Any]:
    """Wire values to column values for `model`; unknown keys are ignored.

    Strict: raises ValueError / ValidationError naming the field for a bad value,
    and refuses masked values (an export made without --unmasked cannot be
    re-imported). Lenient: only converts types.
    """
    if not strict:
        return _lenient(model, values)
    columns = _columns(model)
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("entity", "id", "version") or key in SyncRecord.LOCAL_COLUMNS:
            continue
        column = columns.get(key)
        if column is None:
            continue
        out[key] = _coerce(key, column.type, value, strict)
    if not strict:
        return out
    if not out.get("grid_code"):
        raise ValidationError("required", field="grid_code")
    out["grid_code"] = validate_grid_code(out["grid_code"])
    return out


_COLUMNS: dict[type[SyncRecord], dict[str, Any]] = {}
_LENIENT: dict[type[SyncRecord], dict[str, Any]] = {}
_SKIPPED = frozenset({"entity", "id", "version"}) | SyncRecord.LOCAL_COLUMNS


def _lenient(model: type[SyncRecord], values: dict[str, Any]) -> dict[str, Any]:
    """The lenient coerce_fields with one converter per column, built once per model: a
    pull converts every field of thousands of rows. Same results as `_coerce`."""
    converters = _LENIENT.get(model)
    if converters is None:
        converters = {
            key: _converter(key, column.type)
            for key, column in _columns(model).items()
            if key not in _SKIPPED
        }
        _LENIENT[model] = converters
    out: dict[str, Any] = {}
    for key, value in values.items():
        convert = converters.get(key)
        if convert is not None:
            out[key] = None if value is None or value == "" else convert(value)
    return out


_STORED: dict[tuple[type[SyncRecord], str], dict[str, Any]] = {}
_BINDS: dict[tuple[type[SyncRecord], str], dict[str, Any]] = {}


def stored_converters(model: type[SyncRecord], dialect: Dialect) -> dict[str, Any]:
    """Per synced field of `model`, a function of one non-empty wire value to what the
    driver is given for it: the lenient conversion of `coerce_fields(strict=False)` and
    then the column's bind processor, in one call (a pulled page's new rows are written
    without a second pass over their values, sync/apply.py). An enum's code maps
    straight to the code stored; a value the map does not hold (a code this client does
    not know, a wrong type) takes both steps, with their error. The same keys as the
    lenient converters; cached per model."""
    cache_key = (model, dialect.name)
    converters = _STORED.get(cache_key)
    if converters is None:
        converters = {
            key: _stored_converter(key, column.type, dialect)
            for key, column in _columns(model).items()
            if key not in _SKIPPED
        }
        _STORED[cache_key] = converters
    return converters


def column_binds(model: type[SyncRecord], dialect: Dialect) -> dict[str, Any]:
    """Per column of `model`, its bind processor (a column value to what the driver is
    given), or the identity where it has none. Cached per model."""
    cache_key = (model, dialect.name)
    binds = _BINDS.get(cache_key)
    if binds is None:
        binds = {}
        for key, column in _columns(model).items():
            bind = column.type.dialect_impl(dialect).bind_processor(dialect)
            binds[key] = bind or _identity
        _BINDS[cache_key] = binds
    return binds


def _identity(value: Any) -> Any:
    return value


def _stored_converter(key: str, ctype: Any, dialect: Dialect) -> Any:
    bind = ctype.dialect_impl(dialect).bind_processor(dialect)
    convert = _converter(key, ctype)
    if isinstance(ctype, EnumCode) and bind is not None:
        codes = {value: bind(member) for value, member in ctype.enum_cls._value2member_map_.items()}

        def enum_code(value: Any) -> Any:
            try:
                code = codes.get(value)
            except TypeError:  # unhashable
                code = None
            return code if code is not None else bind(convert(value))

        return enum_code
    if bind is None:
        return convert
    return lambda value: bind(convert(value))


def _converter(key: str, ctype: Any) -> Any:
    """A function of one non-empty wire value, or the general `_coerce` where unsure."""
    if isinstance(ctype, EnumCode):
        members = ctype.enum_cls._value2member_map_

        def enum_value(value: Any) -> Any:
            try:
                member = members.get(value)
            except TypeError:  # unhashable
                member = None
            return member if member is not None else _coerce(key, ctype, value, False)

        return enum_value
    if isinstance(ctype, UTCDateTime | ISODate):
        return lambda value: _coerce(key, ctype, value, False)
    try:
        python_type = ctype.python_type
    except NotImplementedError:
        python_type = None
    if python_type is str:
        return lambda value: value if type(value) is str else str(value)
    return lambda value: _coerce(key, ctype, value, False)


def _columns(model: type[SyncRecord]) -> dict[str, Any]:
    """The model's columns by attribute name (cached: a pull coerces thousands of rows)."""
    columns = _COLUMNS.get(model)
    if columns is None:
        columns = {c.key: c for c in sa_inspect(model).columns}
        _COLUMNS[model] = columns
    return columns


def _coerce(key: str, ctype: Any, value: Any, strict: bool) -> Any:
    if value is None or value == "":
        return None
    if strict and (key == "id_number" or key in PHONE_FIELDS):
        if isinstance(value, str) and "*" in value:
            raise ValueError(f"{key} is masked: import an export made with --unmasked")
        return validate_id_number(str(value)) if key == "id_number" else validate_phone(str(value))
    try:
        if isinstance(ctype, EnumCode):
            enum_cls: type[Enum] = ctype.enum_cls
            return enum_cls(value)
        if isinstance(ctype, UTCDateTime):
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            if parsed.tzinfo is None:
                raise ValueError("a time needs its UTC offset")
            return parsed
        if isinstance(ctype, ISODate):
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        python_type = ctype.python_type
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{key}: {exc}") from exc
    if python_type is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"{key}: expected true or false")
    if python_type in (int, float):
        try:
            return python_type(value)
        except (TypeError, ValueError):
            raise ValueError(f"{key}: expected a number") from None
    return str(value)
