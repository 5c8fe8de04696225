"""The fields every synced record has, and the checks every record gets (docs/design.md §4).

Each entity is a frozen dataclass deriving from `Record`, declared in `domain.records_*`
with `domain.declare`. ``validate()`` returns a normalised copy (stripped text, empty
optional text → None, codes parsed into enums, phones and names normalised) or raises
ValidationError; change a record with ``dataclasses.replace``.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, fields, replace
from datetime import date
from typing import Annotated, Any, Self, TypeVar

from gridworker.domain.declare import Check, F, FieldDecl, code, field_decls
from gridworker.domain.enums import LabeledEnum
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import (
    SAME,
    FieldRule,
    field_rules,
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

    def validate(self, *, today: date | None = None) -> Self:
        """Normalised copy of the record, or ValidationError: the rules every record's
        fields follow (`record_changes`), then the entity's own (`own_rules`)."""
        return validate_record(self, today=today)

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The entity's own rules, beyond its fields' declarations, on its normalised
        values: raise ValidationError, or return the further changes they make (none
        here). `today` is the day the rules take as today (None: the clock's)."""
        return {}


def validate_record(record: _R, *, today: date | None = None) -> _R:
    changes = record_changes(record)
    normal = replace(record, **changes) if changes else record
    more = normal.own_rules(today)
    return replace(normal, **more) if more else normal


def record_changes(record: Record) -> dict[str, Any]:
    """What the field rules change: `normalise_record`'s changes, the grid code's and
    the declared names' (validate_name)."""
    return _grid_and_names(
        type(record), normalised_changes(record), lambda name: getattr(record, name)
    )


# validate_grid_code once per code (issue 23, round 6: a push checks hundreds of records of
# a few grids); a refused code raises every time (an exception is not cached).
_valid_grid_code = functools.lru_cache(maxsize=4096)(validate_grid_code)


def _grid_and_names(
    cls: type[Record], changes: dict[str, Any], value_of: Callable[[str], Any]
) -> dict[str, Any]:
    grid = changes.get("grid_code", value_of("grid_code"))
    code = _valid_grid_code(grid) if type(grid) is str else validate_grid_code(grid)
    if code != value_of("grid_code"):
        changes["grid_code"] = code
    for field in _name_fields(cls):
        value = changes.get(field.name, value_of(field.name))
        if value is not None:
            named = validate_name(value, field=field.name, max_length=field.spec.size or 50)
            if named != value_of(field.name):
                changes[field.name] = named
    return changes


def check_values(
    cls: type[Record], values: Mapping[str, Any], *, today: date | None = None
) -> None:
    """Raise what `cls(**values).validate(today=today)` raises, without building the record
    and its normalised copy: the same field rules (`FieldRule.normalised`, grid code,
    names) in the same order over the values given, then, for an entity with rules of its
    own, those on the one record built from the normalised values. `values` are of the
    domain's types and hold every field without a default (the constructor's TypeError
    is the caller's to raise)."""
    rules, own, by_name = _plan(cls)
    changes: dict[str, Any] = {}
    if by_name is not None:
        try:
            # The values as they come: which field fails first is settled below, in order.
            for name, value in values.items():
                rule = by_name[name]
                if value is not None or rule.required:
                    new = rule.normalised(value)
                    if new is not SAME:
                        changes[name] = new
        except Exception:  # the ordered pass raises the first one
            changes = _in_order(rules, values)
    else:
        changes = _in_order(rules, values)
    defaults = _defaults(cls)
    _grid_and_names(
        cls, changes, lambda name: values[name] if name in values else defaults[name]
    )
    if own:
        _built(cls, {**values, **changes} if changes else values).own_rules(today)


def _in_order(rules: _Rules, values: Mapping[str, Any]) -> dict[str, Any]:
    """The field rules in field order, as `normalised_changes` runs them: the first field
    that breaks its rule is the one named."""
    changes: dict[str, Any] = {}
    for rule, default, nullable in rules:
        value = values.get(rule.name, _ABSENT)
        if value is _ABSENT:
            if default is _INERT:
                continue  # the default: no rule changes or refuses it
            value = default
        elif value is None and nullable:
            continue  # what rule.normalised says of it, without the call
        new = rule.normalised(value)
        if new is not SAME:
            changes[rule.name] = new
    return changes


def _built(cls: type[_R], values: Mapping[str, Any]) -> _R:
    """`cls(**values)` for the entity's own rules to read, built through the slots' own
    descriptors: a frozen dataclass's __init__ sets each field by object.__setattr__,
    which costs more than the rest of a resident's check. No record has __post_init__."""
    setters = _setters(cls)
    if setters is None or not _REQUIRED_OF[cls] <= values.keys():
        return cls(**values)  # not slotted, or the constructor's own TypeError
    record = object.__new__(cls)
    for name, put, default in setters:
        put(record, values.get(name, default))
    return record


_Setters = tuple[tuple[str, Callable[[object, Any], None], Any], ...]
_SETTERS: dict[type, _Setters | None] = {}
_REQUIRED_OF: dict[type, frozenset[str]] = {}


def _setters(cls: type[Record]) -> _Setters | None:
    """(field, its slot's setter, its default) per field; None when a field is no slot."""
    if cls not in _SETTERS:
        slots = [(f, inspect.getattr_static(cls, f.name, None)) for f in fields(cls)]
        _SETTERS[cls] = (
            tuple((f.name, slot.__set__, f.default) for f, slot in slots)
            if all(isinstance(slot, types.MemberDescriptorType) for _f, slot in slots)
            and all(f.default_factory is MISSING for f, _slot in slots)
            else None
        )
        _REQUIRED_OF[cls] = frozenset(f.name for f, _slot in slots if f.default is MISSING)
    return _SETTERS[cls]


_ABSENT: Any = object()
_INERT: Any = object()


_Rules = tuple[tuple[FieldRule, Any, bool], ...]
_Plan = tuple[_Rules, bool, dict[str, FieldRule] | None]
_DEFAULTS: dict[type, dict[str, Any]] = {}
_PLANS: dict[type, _Plan] = {}


def _defaults(cls: type[Record]) -> dict[str, Any]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = {f.name: f.default for f in field_decls(cls).values()}
    return found


def _plan(cls: type[Record]) -> _Plan:
    """Each field's rule with its default (_INERT when the rule leaves the default as it
    is, so an absent field needs no look) and whether None passes it; whether the entity
    has rules of its own; the rules by field name when every default is inert."""
    found = _PLANS.get(cls)
    if found is not None:
        return found
    defaults = _defaults(cls)
    plan = []
    for rule in field_rules(cls):  # type: ignore[arg-type]  # frozen: hashed by identity
        default = defaults.get(rule.name, MISSING)
        inert = default is not MISSING and _leaves(rule, default)
        plan.append((rule, _INERT if inert else default, not rule.required))
    # Without a default that a rule changes or refuses, the fields given are all there is
    # to check, in any order (then `by_name`; else the fields go in order every time).
    every_default_inert = all(default is _INERT or default is MISSING for _r, default, _n in plan)
    by_name = {rule.name: rule for rule, _d, _n in plan} if every_default_inert else None
    found = _PLANS[cls] = (tuple(plan), cls.own_rules is not Record.own_rules, by_name)
    return found


def _leaves(rule: FieldRule, value: Any) -> bool:
    try:
        return rule.normalised(value) is SAME
    except ValidationError:
        return False


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
