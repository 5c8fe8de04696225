"""The change-log sequence, handed out in commit order.

PostgreSQL sequences are not commit-ordered: a transaction that took 41 may
commit after the one that took 42, and a pull between the two would move its
cursor past 41 forever. So writers take the next number from a counter row
with UPDATE, whose row lock is held until commit: writers that change records
are serialized, and a number is never visible before all smaller ones are. On
SQLite, BEGIN IMMEDIATE already serializes writers.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from gridworker.server.models import Counter

CHANGES = "changes"


_COUNTER = cast(Table, Counter.__table__)
_NEXT = (
    update(_COUNTER)
    .where(_COUNTER.c.name == CHANGES)
    .values(value=_COUNTER.c.value + 1)
    .returning(_COUNTER.c.value)
)


def next_seq(session: Session) -> int:
    # A Core statement on the session's connection: the ORM's bulk-update machinery
    # costs more than the update itself, and this runs once per changed record.
    value = session.connection().execute(_NEXT).scalar_one()
    return int(value)


def current_seq(session: Session) -> int:
    return int(session.scalar(select(Counter.value).where(Counter.name == CHANGES)) or 0)


def lock_sequence(session: Session) -> int:
    """Take the counter's row lock now (for a transaction that will write), return its value."""
    value = session.execute(
        update(Counter)
        .where(Counter.name == CHANGES)
        .values(value=Counter.value)
        .returning(Counter.value)
    ).scalar_one()
    return int(value)
