"""Wire values as the domain's types: a record's values held to the domain's rules.

A pushed or typed value arrives as JSON (a date as text, a count perhaps as text typed by
a person resolving a conflict); `to_entity` builds the domain record from such values and
validates it, `typed_values` gives a person's typed values their wire form. Used by the
merge (merge.check_entity) and by conflict resolution.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from gridworker.domain.entities import SYNC_ENTITIES
from gridworker.domain.entities import Record as DomainRecord
from gridworker.domain.record import check_values
from gridworker.domain.wire import wire_value

DELETED = "deleted"
_R = TypeVar("_R", bound=DomainRecord)

_FIELD_TYPES: dict[str, dict[str, tuple[type, ...]]] = {}


def _field_types(cls: type[DomainRecord]) -> dict[str, tuple[type, ...]]:
    """Field name → the non-None types its annotation allows (cached per class)."""
    cached = _FIELD_TYPES.get(cls.__qualname__)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    out: dict[str, tuple[type, ...]] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        out[f.name] = tuple(a for a in args if isinstance(a, type) and a is not type(None))
    _FIELD_TYPES[cls.__qualname__] = out
    return out


def _from_wire(name: str, kinds: tuple[type, ...], value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if datetime in kinds and isinstance(value, str):
        return datetime.fromisoformat(value)
    if date in kinds and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, str) and (int in kinds or float in kinds) and str not in kinds:
        # Typed in by a person resolving a conflict ("--value 6"): the column's number.
        return int(value) if int in kinds and value.strip().lstrip("-").isdigit() else float(value)
    if bool in kinds and isinstance(value, str):
        if value.strip().lower() in ("true", "1", "yes", "是"):
            return True
        if value.strip().lower() in ("false", "0", "no", "否"):
            return False
        raise ValueError(f"{name}: expected true or false")
    return value


def to_entity(cls: type[_R], values: Mapping[str, Any]) -> _R:
    """The domain record for wire values, validated (unknown keys are ignored here; the
    stored data keeps them). Raises ValidationError, ValueError or TypeError."""
    kinds = _field_types(cls)
    kwargs: dict[str, Any] = {}
    for name in kinds:
        if name not in values or name == "version":
            continue
        kwargs[name] = _converted(name, kinds[name], values[name])
    return cls(**kwargs).validate()


def check_wire(cls: type[DomainRecord], record_id: str, values: Mapping[str, Any]) -> None:
    """Raise what `to_entity(cls, {**values, "id": record_id})` raises, building no record
    where the entity has no rules of its own (record.check_values): the same conversion
    of each field, the constructor's TypeError for a missing one, then the domain's rules
    in their order. The push's check of every record (docs/design.md §4.6)."""
    known, converting = _wire_plan(cls)
    # Fields of text or codes as the wire gives them (_from_wire keeps them), `id` too.
    typed = {name: value for name, value in values.items() if name in known}
    typed["id"] = record_id
    try:
        for name, kinds in converting:
            value = typed.get(name)
            if value is not None:
                typed[name] = _from_wire(name, kinds, value)
    except (ValueError, TypeError):
        # Name the first bad field in field order, as to_entity does.
        for name, kinds in _field_types(cls).items():
            if name in values and name not in ("id", "version"):
                _converted(name, kinds, values[name])
        raise  # not reached: the same conversion fails in the loop above
    if not _required(cls) <= typed.keys():
        cls(**typed)  # raises the constructor's TypeError, as to_entity does
    check_values(cls, typed)


def _converted(name: str, kinds: tuple[type, ...], value: Any) -> Any:
    try:
        return _from_wire(name, kinds, value)
    except (ValueError, TypeError):
        # Name the field, never echo the value (it may be personal data).
        raise ValueError(f"{name}: invalid value") from None


_WirePlan = tuple[frozenset[str], tuple[tuple[str, tuple[type, ...]], ...]]
_WIRE_PLANS: dict[str, _WirePlan] = {}


def _wire_plan(cls: type[DomainRecord]) -> _WirePlan:
    """The fields taken from the wire (all but `id` and `version`), and those _from_wire
    may convert (dates, numbers, flags: it reads them from text) with their types."""
    found = _WIRE_PLANS.get(cls.__qualname__)
    if found is None:
        converts = (date, datetime, int, float, bool)
        kinds = {n: k for n, k in _field_types(cls).items() if n not in ("id", "version")}
        found = _WIRE_PLANS[cls.__qualname__] = (
            frozenset(kinds),
            tuple((n, k) for n, k in kinds.items() if any(kind in converts for kind in k)),
        )
    return found


_REQUIRED: dict[str, frozenset[str]] = {}


def _required(cls: type[DomainRecord]) -> frozenset[str]:
    found = _REQUIRED.get(cls.__qualname__)
    if found is None:
        found = _REQUIRED[cls.__qualname__] = frozenset(
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )
    return found


def typed_values(entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values typed by a person, in their wire form (a count as a number, not text)."""
    cls = SYNC_ENTITIES.get(entity)
    kinds = _field_types(cls) if cls is not None else {}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == DELETED:
            out[name] = bool(_from_wire(name, (bool,), value))
        elif name in kinds:
            out[name] = wire_value(_from_wire(name, kinds[name], value))
        else:
            out[name] = value
    return out
