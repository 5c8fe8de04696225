"""Typed SQLAlchemy models of the local profile database.

The synced records' tables are generated from the entity declarations
(`storage/entity_rows.py`, docs/design.md §2) and re-exported here with the rest: the
reference data, the household search table and the local state (outbox, conflicts,
transfers, settings, audit). Every synced table carries the record columns of
docs/design.md §4: `id`, `grid_code`, `version` (server sequence of the last change,
0 before the first sync) and `deleted` (tombstone), plus local bookkeeping
(`created_at`, `updated_at`) that is never synced.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gridworker.domain.entities import APPEND_ONLY as DOMAIN_APPEND_ONLY
from gridworker.domain.entities import COMMAND_ENTITIES as DOMAIN_COMMAND_ENTITIES
from gridworker.domain.enums import GridType, RegionLevel
from gridworker.storage.entity_rows import (
    ROWS,
    AttachmentRow,
    BuildingRow,
    CaseActionRow,
    CaseRow,
    HazardSiteRow,
    HouseholdRow,
    HouseRow,
    InspectionItemRow,
    InspectionRow,
    LifeEventRow,
    NeedRow,
    RectificationRow,
    ResidentRow,
    ResidentTagRow,
    VisitRow,
)
from gridworker.storage.rows_base import NAMING, Base, SyncRecord
from gridworker.storage.types import EnumCode, ISODate, JSONText, UTCDateTime

__all__ = [
    "APPEND_ONLY",
    "COMMAND_ENTITIES",
    "NAMING",
    "ROWS",
    "SYNC_MODELS",
    "AttachmentRow",
    "Base",
    "BuildingRow",
    "CaseActionRow",
    "CaseRow",
    "DepartmentRow",
    "GridRow",
    "HazardSiteRow",
    "HouseRow",
    "HouseholdRow",
    "HouseholdSearchRow",
    "InspectionItemRow",
    "InspectionRow",
    "LifeEventRow",
    "LocalAudit",
    "LocalConflict",
    "NeedRow",
    "OutboxEntry",
    "RectificationRow",
    "RegionRow",
    "ResidentRow",
    "ResidentTagRow",
    "Setting",
    "SyncRecord",
    "Transfer",
    "VisitRow",
]

# --- reference data (district-wide, read-only for most roles) -------------------


class RegionRow(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[RegionLevel] = mapped_column(EnumCode(RegionLevel))
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class GridRow(Base):
    __tablename__ = "grid"
    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    community_code: Mapped[str] = mapped_column(String(12), index=True)
    grid_type: Mapped[GridType] = mapped_column(EnumCode(GridType))
    valid_from: Mapped[date | None] = mapped_column(ISODate())
    valid_to: Mapped[date | None] = mapped_column(ISODate())
    boundary_geojson: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0)


class DepartmentRow(Base):
    __tablename__ = "department"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=0)


# --- local search table --------------------------------------------------------


class HouseholdSearchRow(Base):
    """Local only, never synced: one row per live household, in the list's order, with
    the lower-cased text the households filter scans (户号, address, head and living
    residents' names). SQLite triggers of migration 0003 keep it in step with
    `household` and `resident`; nothing in Python writes it."""

    __tablename__ = "household_search"
    grid_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    household_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    __table_args__ = ({"sqlite_with_rowid": False},)


# --- local state ----------------------------------------------------------------


class OutboxEntry(Base):
    """One unacknowledged local change (docs/design.md §4, client side).

    `mutation_id` is strictly increasing per client and never reused
    (AUTOINCREMENT), assigned when the row is created; coalescing an unsent edit
    into an earlier row keeps that row's id and base_version, and a field it adds
    gets its own base in `bases`.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_record", "entity", "record_id"),
        {"sqlite_autoincrement": True},
    )
    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op: Mapped[str] = mapped_column(String(16))  # create | update | delete | command
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36))
    grid_code: Mapped[str] = mapped_column(String(18))
    base_version: Mapped[int] = mapped_column(Integer)
    schema_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText())
    old: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # pending: may still be coalesced; sending: part of a push in flight (frozen).
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set on re-sends after a server restore (epoch change): the record in full.
    full_state: Mapped[bool] = mapped_column(Boolean, default=False)
    # {field: base} for fields of a coalesced update first edited from a newer version than
    # `base_version` (docs/design.md §4: the version the user saw when editing that field).
    bases: Mapped[dict[str, int] | None] = mapped_column(JSONText())
    # A restore re-send: the record's version in the timeline before the server's restore.
    restored_version: Mapped[int | None] = mapped_column(Integer)
    # {field: value} of the `old` values this laptop held from the server (pulled, or
    # acknowledged), never its own unsent words: sent as `Mutation.seen` (docs/design.md §4.3).
    seen: Mapped[dict[str, Any] | None] = mapped_column(JSONText())


class LocalConflict(Base):
    """A conflict as this laptop knows it: server and local values side by side.

    `fields` holds, per field, base / server (+ author) / local (+ author). A
    resolution chosen here waits in `resolution` until the next sync sends it.
    """

    __tablename__ = "conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # field | delete | workflow
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    grid_code: Mapped[str] = mapped_column(String(18))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONText())
    action: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    reject_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSONText())
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Who pushed the losing side (the server's ConflictInfo.created_by).
    created_by: Mapped[str | None] = mapped_column(String(64))
    # Why the server refused the last resolution sent (the conflict is open again).
    last_error: Mapped[str | None] = mapped_column(Text)


class Transfer(Base):
    """An attachment still to upload or download (resumable, retried).

    `attempts` counts failures (a few, then it stops); `waits` counts downloads of a file
    that is referenced but not uploaded yet, which is no failure: retried with backoff
    (`next_try`) for as long as a record references it."""

    __tablename__ = "transfer"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), primary_key=True)  # up | down
    size: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    waits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_try: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_try: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Setting(Base):
    """Profile settings inside the encrypted database (server URL, device token, ...)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText())


class LocalAudit(Base):
    """Who revealed or exported what on this laptop (PIPL); synced to the server later."""

    __tablename__ = "local_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))  # reveal | export | import
    entity: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONText())


SYNC_MODELS: dict[str, type[SyncRecord]] = {m.__entity__: m for m in ROWS}
"""Wire entity name → the table of its records, parents before children."""
# Rows never edited after creation (docs/design.md §4): a correction is a new row.
APPEND_ONLY = DOMAIN_APPEND_ONLY
# New rows of these entities travel as workflow commands, applied by the server in order.
COMMAND_ENTITIES = DOMAIN_COMMAND_ENTITIES
