"""Server tables. Records are stored generically: one row per synced record with its
fields as JSON and, per field, the sequence number and author of its last change
(the basis of field-level merge, docs/design.md §4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")
TZ = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Meta(Base):
    """Server-wide values: epoch, id secret, purge horizon, restored high-water mark."""

    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)


class Counter(Base):
    """The change-log sequence. Its row is locked (UPDATE) by every writing transaction
    until commit, so sequence numbers are handed out in commit order."""

    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class Region(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    # Reference data is pulled like records: the sequence number of its last change.
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Grid(Base):
    __tablename__ = "grid"
    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    community_code: Mapped[str] = mapped_column(String(12), index=True)
    grid_type: Mapped[str] = mapped_column(String(16), default="basic")
    boundary_geojson: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[str | None] = mapped_column(String(10))
    valid_to: Mapped[str | None] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Department(Base):
    __tablename__ = "department"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    grids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    area_code: Mapped[str | None] = mapped_column(String(12))
    department_id: Mapped[str | None] = mapped_column(ForeignKey("department.id"))
    supervisor_level: Mapped[str | None] = mapped_column(String(16))
    # A named officer who may see special-group tags of the grids in scope (docs/design.md §6).
    special_access: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TZ)


class Device(Base):
    """A registered laptop profile. `grids` is the scope it had at its last pull."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    registered_at: Mapped[datetime] = mapped_column(TZ)
    last_seen: Mapped[datetime | None] = mapped_column(TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(TZ)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    grids: Mapped[list[str] | None] = mapped_column(JSONType)
    # Grids removed from the scope whose eviction the device has not yet confirmed:
    # {grid: cursor seq of the pull that first announced it} (see server/pull.py).
    evicting: Mapped[dict[str, int] | None] = mapped_column(JSONType)
    # Grids taken from the scope: {grid: the change number (high water) of the pull that
    # first announced it}. Every copy the laptop had of the grid's records is at or below
    # it, so a change from such a copy is handed over however late it comes (handover.py).
    released: Mapped[dict[str, int] | None] = mapped_column(JSONType)
    # The highest mutation id of this device whose log entry the purge removed: a push of
    # an id at or below it, not in the log, is a late replay, not a cloned laptop (push.py).
    log_purged_through: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Token(Base):
    """An opaque bearer token, stored as its SHA-256 only."""

    __tablename__ = "token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(TZ)
    expires_at: Mapped[datetime] = mapped_column(TZ)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginFailure(Base):
    """Failed logins, counted per username and per address in a window (rate limit)."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(TZ, index=True)


class Record(Base):
    """Current state of one synced record.

    `version` is the sequence number of its last change: pulling `version > cursor`
    returns every change since the cursor. `field_meta` maps each field to
    `[seq, author]` of its last change, `[seq, author, device]` when a laptop's push
    made it (merge.py decides by device). `department_id` is denormalised from the
    case (for cases, their actions and attachments) for the department scope.
    """

    __tablename__ = "record"
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    grid_code: Mapped[str] = mapped_column(String(18))
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(TZ)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    field_meta: Mapped[dict[str, Any]] = mapped_column(JSONType)
    department_id: Mapped[str | None] = mapped_column(String(36), index=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(TZ)
    __table_args__ = (Index("ix_record_grid_version", "grid_code", "version"),)


class Move(Base):
    """A record moved out of a grid: clients of the old grid must evict it."""

    __tablename__ = "record_move"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    old_grid: Mapped[str] = mapped_column(String(18), index=True)
    new_grid: Mapped[str] = mapped_column(String(18))


class RecordKey(Base):
    """A record holding a natural key its id does not give: a resident whose ID number was
    corrected or added in place, or who came under another id (docs/design.md §4.6,
    server/natural_keys.py). `key_id` is the id the key gives (an HMAC of the ID number
    under the district's id secret: no number in the clear). A row may outlive its
    record's hold on the key (corrected again, deleted): readers check the record."""

    __tablename__ = "record_key"
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class MutationLog(Base):
    """Outcome of each pushed mutation, for idempotent replays (docs/design.md §4)."""

    __tablename__ = "mutation_log"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[dict[str, Any]] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(TZ, index=True)


class Conflict(Base):
    """An overlapping edit or a rejected workflow action, visible until resolved."""

    __tablename__ = "conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # field | delete | workflow
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    grid_code: Mapped[str] = mapped_column(String(18), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    action: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    reject_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZ)
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(TZ)


class Audit(Base):
    """Who changed, viewed or exported what, from which device (PIPL). No field values."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(TZ, index=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    device_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class Upload(Base):
    """An attachment upload, resumable: bytes so far in a part file, then the final file."""

    __tablename__ = "upload"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZ)


class UploadPart(Base):
    """One user's upload of a file in progress (resumable); each uploader has their own,
    so nobody learns from an offset that someone else is sending the same file."""

    __tablename__ = "upload_part"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(TZ)


class FileGrant(Base):
    """A user who proved they hold a file (sent all of its bytes, hash checked). An
    attachment record grants its readers the file only when the person who named the
    file in it holds this (server/attachments.py): knowing a hash grants nothing."""

    __tablename__ = "file_grant"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(TZ)


class LoginCounter(Base):
    """Failed sign-ins in the current window, per account (`user:NAME`) and per address
    (`addr:IP`), counted atomically before the password is checked (api/routes/auth.py)."""

    __tablename__ = "login_counter"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(TZ)
    last_failure: Mapped[datetime | None] = mapped_column(TZ)
