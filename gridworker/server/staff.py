"""The staff directory laptops receive (docs/design.md §23): who works which grid.

A supervisor sends a task to a named worker (`gridworker tasks create --to USER`) while
offline, so the laptop must know which grids each worker works. The server keeps the
list of active grid workers (username, display name, grids; nothing else about them) as
one reference document, kind ``staff``, in the `reference_doc` table the calendar and
the deadline rules use: it takes a change number when an account is created or changed,
and every laptop pulls it at its next sync (server/pull.py streams every document).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.enums import Role
from gridworker.server.meta import ensure_initialised
from gridworker.server.models import User
from gridworker.server.sequence import next_seq

STAFF = "staff"


def staff_document(session: Session) -> dict[str, Any]:
    """The directory as it is now: active grid workers, by username."""
    users = session.scalars(
        select(User)
        .where(User.role == Role.grid_worker.value, User.disabled.is_(False))
        .order_by(User.username)
    )
    return {
        "workers": [
            {
                "username": u.username,
                "display_name": u.display_name or u.username,
                "grids": sorted(u.grids or []),
            }
            for u in users
        ]
    }


def refresh_staff(session: Session, *, username: str = "server") -> bool:
    """Store the directory as a new document version when it changed; True if it did."""
    from gridworker.server.calendar_rules import ReferenceDoc

    ensure_initialised(session)
    session.flush()
    body = staff_document(session)
    doc = session.get(ReferenceDoc, STAFF)
    if doc is not None and doc.data == body:
        return False
    version = next_seq(session)  # takes the counter's row lock: commits stay in order
    if doc is None:
        doc = ReferenceDoc(kind=STAFF, revision=0)
        session.add(doc)
    doc.revision, doc.data, doc.version = doc.revision + 1, body, version
    doc.updated_by, doc.updated_at = username, datetime.now(UTC)
    session.flush()
    return True
