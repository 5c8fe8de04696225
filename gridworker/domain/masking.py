"""Masking of personal data for lists, notices and exports (DESIGN.md §7).

Masking must never leak: a value that does not look like what the mask expects is
masked entirely rather than shown.
"""

from __future__ import annotations

from typing import overload

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
