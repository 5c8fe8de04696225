"""The change-log sequence, handed out in commit order.

PostgreSQL sequences are not commit-ordered: a transaction that took 41 may
commit after the one that took 42, and a pull between the two would move its
cursor past 41 forever. So writers take the next number from a counter row
with UPDATE, whose row lock is held until commit: writers that change records
are serialized, and a number is never visible before all smaller ones are. On
SQLite, BEGIN IMMEDIATE already serializes writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


_ALLOCATED = "gridworker.sequence.allocated"


def next_seq(session: Session) -> int:
    allocated = session.info.get(_ALLOCATED)
    if allocated is not None:
        # Inside `allocating`: this transaction holds the counter's lock, so the next
        # number is known without asking the database.
        session.info[_ALLOCATED] = allocated + 1
        return int(allocated) + 1
    # A Core statement on the session's connection: the ORM's bulk-update machinery
    # costs more than the update itself.
    value = session.connection().execute(_NEXT).scalar_one()
    return int(value)


@contextmanager
def allocating(session: Session, locked_value: int) -> Iterator[None]:
    """Hand out the numbers after `locked_value` from memory, then store the last one.

    For a transaction that already holds the counter's lock (`lock_sequence` returned
    `locked_value`): nobody else can take a number before it commits, so one UPDATE at
    the end replaces one per changed record, and the numbers still become visible in
    commit order. A number taken in a savepoint that rolls back is skipped, never
    reused (a gap; a pull reads ranges, gaps are harmless). On an exception nothing is
    stored: the transaction is rolled back anyway.
    """
    if _ALLOCATED in session.info:
        raise RuntimeError("sequence numbers are already being allocated in this session")
    session.info[_ALLOCATED] = locked_value
    try:
        yield
    except BaseException:
        session.info.pop(_ALLOCATED, None)
        raise
    last = int(session.info.pop(_ALLOCATED))
    if last != locked_value:
        session.connection().execute(
            update(_COUNTER).where(_COUNTER.c.name == CHANGES).values(value=last)
        )


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
