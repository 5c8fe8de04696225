"""The client's sync bookkeeping, kept in the encrypted profile's settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from gridworker.storage.models import Setting

SYNC_KEY = "sync"
SERVER_KEY = "server"
DEVICE_KEY = "device"


@dataclass
class SyncState:
    epoch: str | None = None
    seq: int = 0
    backfill: dict[str, int] = field(default_factory=dict)
    last_sync: str | None = None
    online: bool = False
    last_error: str | None = None
    open_conflicts: int = 0
    # Records whose change the server refused for good: asked for again (by key) before
    # the next pull, so the laptop ends with the server's truth (sync/refetch.py).
    refetch: list[list[str]] = field(default_factory=list)
    # Versions this laptop's pushes were answered with and its records settled at, as
    # inclusive [first, last] ranges above the cursor, valid in `own_epoch` only: the
    # pull need not send those records back (sync/own.py).
    own: list[list[int]] = field(default_factory=list)
    own_epoch: str | None = None

    @classmethod
    def load(cls, session: Session) -> SyncState:
        row = session.get(Setting, SYNC_KEY)
        value: dict[str, Any] = dict(row.value) if row is not None and row.value else {}
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, session: Session) -> None:
        session.merge(Setting(key=SYNC_KEY, value=asdict(self)))


@dataclass
class ServerConfig:
    url: str
    ca_bundle: str | None = None

    @classmethod
    def load(cls, session: Session) -> ServerConfig | None:
        row = session.get(Setting, SERVER_KEY)
        if row is None or not row.value or not row.value.get("url"):
            return None
        return cls(url=row.value["url"], ca_bundle=row.value.get("ca_bundle"))

    def save(self, session: Session) -> None:
        session.merge(Setting(key=SERVER_KEY, value=asdict(self)))


@dataclass
class DeviceIdentity:
    """This profile's registration: its device id and bearer token (inside the encrypted DB)."""

    device_id: str
    token: str | None = None
    username: str | None = None

    @classmethod
    def load(cls, session: Session) -> DeviceIdentity | None:
        row = session.get(Setting, DEVICE_KEY)
        if row is None or not row.value:
            return None
        return cls(**{k: row.value.get(k) for k in ("device_id", "token", "username")})

    def save(self, session: Session) -> None:
        session.merge(Setting(key=DEVICE_KEY, value=asdict(self)))
