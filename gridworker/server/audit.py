"""The server's audit log: who changed, viewed or exported what (never the values)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from gridworker.server.models import Audit


def record(
    session: Session,
    action: str,
    *,
    username: str | None = None,
    device_id: str | None = None,
    entity: str | None = None,
    record_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        Audit(
            at=datetime.now(UTC),
            username=username,
            device_id=device_id,
            action=action,
            entity=entity,
            record_id=record_id,
            detail=detail,
        )
    )
