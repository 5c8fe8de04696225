"""Which live records refer to a record: asked before a record is withdrawn or deleted, so
nothing is left pointing at a tombstone (docs/design.md §22.7, §12.1).

Read from the record declarations (every `ref` field, domain/declare.py), so a record kind
declared later with a reference is counted without an edit here.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridworker.domain.declare import declarations
from gridworker.storage.models import SYNC_MODELS


def referring(s: Session, entity: str, record_id: str) -> list[tuple[str, int]]:
    """(entity, how many) of the live records whose reference fields name this record, in
    declaration order."""
    found: list[tuple[str, int]] = []
    for decl in declarations():
        model = SYNC_MODELS.get(decl.name)
        if model is None:
            continue
        for field_name, target in decl.references:
            if target != entity:
                continue
            column = getattr(model, field_name)
            n = s.scalar(
                select(func.count())
                .select_from(model)
                .where(column == record_id, model.deleted.is_(False))
            )
            if n:
                found.append((decl.name, int(n)))
    return found
