"""Domain entities from rows and back (the wire codec lives in storage.codec)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any, TypeVar

from gridworker.storage.codec import PHONE_FIELDS, coerce_fields, to_wire
from gridworker.storage.models import SyncRecord

E = TypeVar("E")
R = TypeVar("R", bound=SyncRecord)

__all__ = ["PHONE_FIELDS", "coerce_fields", "copy_entity", "row_from", "to_entity", "to_wire"]


def to_entity(row: SyncRecord, entity_cls: type[E]) -> E:
    """The domain entity for a row (same field names, docs/design.md §2's one vocabulary)."""
    names = {f.name for f in fields(entity_cls)}  # type: ignore[arg-type]
    return entity_cls(**{k: getattr(row, k) for k in names})


def row_from(model: type[R], entity: Any) -> R:
    """A new row holding a domain entity's synced fields (the inverse of `to_entity`)."""
    return model(**{name: getattr(entity, name) for name in model.synced_fields()})


def copy_entity(entity: Any, row: SyncRecord, names: Iterable[str]) -> None:
    """Set `names` on `row` from the entity where they differ."""
    for name in names:
        value = getattr(entity, name)
        if getattr(row, name) != value:
            setattr(row, name, value)
