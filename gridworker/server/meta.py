"""Server-wide values kept in the database: epoch, id secret, purge horizon."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy.orm import Session

from gridworker.server.models import Counter, Meta
from gridworker.server.sequence import CHANGES

EPOCH = "epoch"
ID_SECRET = "id_secret"
# Keys the ids of special-group tags; sent at sign-in only to those who may see them.
SPECIAL_ID_SECRET = "special_id_secret"
PURGED_THROUGH = "purged_through"  # highest seq of a purged tombstone
RESTORED_HIGH_WATER = "restored_high_water"


def get(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Meta, key)
    return default if row is None else row.value


def put(session: Session, key: str, value: Any) -> None:
    session.merge(Meta(key=key, value=value))


def ensure_initialised(session: Session) -> None:
    """First start: an epoch, the district id secret, the change counter."""
    if get(session, EPOCH) is None:
        put(session, EPOCH, str(uuid.uuid4()))
    if get(session, ID_SECRET) is None:
        put(session, ID_SECRET, secrets.token_hex(32))
    if get(session, SPECIAL_ID_SECRET) is None:
        put(session, SPECIAL_ID_SECRET, secrets.token_hex(32))
    if session.get(Counter, CHANGES) is None:
        session.add(Counter(name=CHANGES, value=0))


def get_epoch(session: Session) -> str:
    return str(get(session, EPOCH))


def get_id_secret(session: Session) -> str:
    return str(get(session, ID_SECRET))


def get_special_id_secret(session: Session) -> bytes:
    return bytes.fromhex(str(get(session, SPECIAL_ID_SECRET)))
