"""Human-facing case numbers (docs/design.md §5): county code + the district's day +
sequence, e.g. 360302-20261207-0012.

The server gives the number when the case is first pushed: pushes are serialized by the
change counter's lock (sequence.lock_sequence), so two laptops that created cases
offline on the same day get different numbers, whatever order they sync in. The number
is written as a change of its own after the create (server/push.py), with no device
stamp, so the sender's pull in the same sync brings it back; until then a laptop shows
待编号.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.clock import district_today
from gridworker.server.calendar_rules import current_terms
from gridworker.server.models import Record

_NEXT = "gridworker.case_no_next"  # session.info: prefix -> next sequence in this push


def prefix_for(grid_code: str, now: datetime, session: Session) -> str:
    day = district_today(now, current_terms(session).calendar.zone)
    return f"{grid_code[:6]}-{day:%Y%m%d}-"


def assign_case_no(session: Session, grid_code: str, now: datetime) -> str:
    """The next number of the case's county on the district's day (call under the
    counter lock). Creates of one push may still be waiting to be inserted: the next
    number of each prefix is kept for the push's session."""
    prefix = prefix_for(grid_code, now, session)
    pending: dict[str, int] = session.info.setdefault(_NEXT, {})
    number = pending.get(prefix)
    if number is None:
        taken = session.scalars(
            select(Record.data["case_no"].as_string()).where(
                Record.entity == "case",
                Record.data["case_no"].as_string().like(prefix + "%"),
            )
        )
        number = 1 + max((int(n[len(prefix) :]) for n in taken if n), default=0)
    pending[prefix] = number + 1
    return f"{prefix}{number:04d}"


def restored_case_no(
    session: Session, case_id: str, wanted: object, grid_code: str, now: datetime
) -> str:
    """The number of a case a laptop re-sends after a server restore (server/restore.py):
    the number it had, unless the restored server has meanwhile given it to another case;
    then, or when it had none, the next number as for a first push. Never two cases with
    one number (docs/design.md §4.13)."""
    if isinstance(wanted, str) and wanted:
        other = session.scalar(
            select(Record.id)
            .where(
                Record.entity == "case",
                Record.data["case_no"].as_string() == wanted,
                Record.id != case_id,
            )
            .limit(1)
        )
        if other is None:
            prefix, _sep, seq = wanted.rpartition("-")
            pending: dict[str, int] = session.info.setdefault(_NEXT, {})
            key = prefix + "-"
            if key in pending and seq.isdigit():  # numbers this push still hands out
                pending[key] = max(pending[key], int(seq) + 1)
            return wanted
    return assign_case_no(session, grid_code, now)
