"""A declared field's value from the text a person typed (a form's box, `--set 字段=值`).

`record.normalised_values` checks text, names, phones, ID numbers, codes and enums; this
adds what a text box also holds: dates (YYYY-MM-DD), whole and decimal numbers and yes/no,
so that every field of a declaration can be typed (docs/design.md §2). Empty text is
None; a required field left empty is refused naming it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gridworker.domain.declare import FieldDecl
from gridworker.domain.errors import BiText, ValidationError
from gridworker.domain.record import normalised_values

_YES = frozenset({"是", "yes", "y", "true", "1", "有"})
_NO = frozenset({"否", "no", "n", "false", "0", "无"})


def parse_field_text(cls: type, field: FieldDecl, text: str | None) -> Any:
    """The typed, checked value of `field` of record class `cls` from `text`."""
    raw = (text or "").strip()
    if not raw:
        if field.required:
            raise ValidationError("required", field=field.name)
        return None
    kind = field.python_type if field.kinds else str
    if field.enum is None and kind is date:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValidationError("date_format", field=field.name, value=raw) from None
    if field.enum is None and kind is bool:
        folded = raw.casefold()
        if folded in _YES or folded in _NO:
            return folded in _YES
        raise ValidationError("invalid_value", field=field.name, value=raw)
    if field.enum is None and kind in (int, float):
        try:
            number: float = int(raw) if kind is int else float(raw)
        except ValueError:
            raise ValidationError("number_format", field=field.name, value=raw) from None
        low = field.spec.lo if field.spec.lo is not None else 0
        if number < low or (field.spec.hi is not None and number > field.spec.hi):
            raise ValidationError("out_of_range", field=field.name)
        return number
    enum = field.enum
    if enum is not None:
        try:
            return enum.parse(raw)
        except ValueError:
            choices = BiText("、".join(m.zh for m in enum), ", ".join(m.code for m in enum))
            raise ValidationError(
                "enum_choice", field=field.name, value=raw, choices=choices
            ) from None
    value = normalised_values(cls, {field.name: raw})[field.name]
    if isinstance(value, str) and field.spec.size is not None and len(value) > field.spec.size:
        raise ValidationError("too_long", field=field.name, max=field.spec.size)
    return value
