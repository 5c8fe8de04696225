"""Masking of personal data for lists, notices and exports (docs/design.md §7).

Masking must never leak: a value that does not look like what the mask expects is
masked entirely rather than shown.
"""

from __future__ import annotations

from functools import cache
from typing import Any, overload

from gridworker.domain import entities
from gridworker.domain.declare import Mask, field_decl, find
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import validate_phone


@overload
def mask_id_number(value: str) -> str: ...
@overload
def mask_id_number(value: None) -> None: ...
def mask_id_number(value: str | None) -> str | None:
    """``360302199001011234`` → ``360302********1234``: first 6 and last 4 kept.

    The length is preserved, so a 15-digit old number keeps 6 + 5 stars + 4.
    Anything shorter than 12 characters is masked entirely.
    """
    if value is None:
        return None
    text = value.strip()
    if len(text) < 12:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


@overload
def mask_phone(value: str) -> str: ...
@overload
def mask_phone(value: None) -> None: ...
def mask_phone(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; landline ``0797-1234567`` → ``0797-***4567``.

    The value is normalised first, so "+86 138 1234 5678" masks the same way;
    an unrecognised value is masked entirely.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return text
    try:
        phone = validate_phone(text)
    except ValidationError:
        return "*" * len(text)
    if "-" in phone:
        area, local = phone.split("-", 1)
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return phone[:3] + "****" + phone[-4:]


@overload
def mask_name(value: str) -> str: ...
@overload
def mask_name(value: None) -> None: ...
def mask_name(value: str | None) -> str | None:
    """``张三丰`` → ``张*丰``, ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧**娜``.

    A single character is masked entirely.
    """
    if value is None:
        return None
    text = value.strip()
    if len(text) <= 1:
        return "*" * len(text)
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_kind(entity: str | None, field: str) -> Mask | None:
    """How a field is masked, as its declaration says (domain.declare); by name alone when
    the entity is not known (every entity declaring the name masks it alike)."""
    if entity is not None and find(entity) is not None:
        declared = field_decl(entity, field)
        return declared.spec.mask if declared is not None else None
    return _masks_by_name().get(field)


@cache
def _masks_by_name() -> dict[str, Mask]:
    out: dict[str, Mask] = {}
    for decl in entities.DECLARED:
        for f in decl.fields.values():
            if f.spec.mask is not None:
                out.setdefault(f.name, f.spec.mask)
    return out


def mask_value(entity: str | None, field: str, value: Any) -> Any:
    """A field's value as lists, conflicts and masked exports show it: an ID number or a
    phone masked, a hidden field (a birth date) left out; other fields unchanged."""
    if value is None:
        return None
    kind = mask_kind(entity, field)
    if kind is None:
        return value
    if kind is Mask.id_number:
        return mask_id_number(str(value))
    if kind is Mask.phone:
        return mask_phone(str(value))
    return None
