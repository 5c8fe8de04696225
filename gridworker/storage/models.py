"""Typed SQLAlchemy models of the local profile database.

Column names are the field names of the domain entities (gridworker.domain.entities);
a test keeps the two in step. Every synced table carries the record columns of
DESIGN.md §4: `id`, `grid_code`, `version` (server sequence of the last change,
0 before the first sync) and `deleted` (tombstone), plus local bookkeeping
(`created_at`, `updated_at`) that is never synced.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, Float, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridworker.domain.entities import APPEND_ONLY as DOMAIN_APPEND_ONLY
from gridworker.domain.enums import (
    Appraisal,
    CaseActionKind,
    CaseCategory,
    CaseScale,
    CaseSource,
    CaseState,
    CloseBasis,
    DangerGrade,
    EconomicStatus,
    Gender,
    GridType,
    HazardKind,
    Health,
    HotlineType,
    HouseUse,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    NeedCategory,
    PremisesType,
    RectificationStatus,
    RegionLevel,
    Relationship,
    ResidenceType,
    Role,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.storage.types import EnumCode, ISODate, JSONText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SyncRecord(Base):
    """Columns every synced record has. `__entity__` is its name on the wire."""

    __abstract__ = True
    __entity__: ClassVar[str]
    # Fields set only by applying workflow commands, never captured as field updates.
    __command_fields__: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    grid_code: Mapped[str] = mapped_column(String(18), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    LOCAL_COLUMNS: ClassVar[frozenset[str]] = frozenset({"version", "created_at", "updated_at"})

    @classmethod
    def synced_fields(cls) -> list[str]:
        """The fields that travel in sync payloads (everything but local bookkeeping)."""
        return [c.key for c in cls.__table__.columns if c.key not in cls.LOCAL_COLUMNS]

    def to_fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.synced_fields()}


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


# --- register -----------------------------------------------------------------


class BuildingRow(SyncRecord):
    __tablename__ = "building"
    __entity__ = "building"
    estate_name: Mapped[str] = mapped_column(String(100))
    building_no: Mapped[str] = mapped_column(String(32))
    house_type: Mapped[str | None] = mapped_column(String(32))
    floors_above: Mapped[int | None] = mapped_column(Integer)
    floors_below: Mapped[int | None] = mapped_column(Integer)
    units: Mapped[int | None] = mapped_column(Integer)
    built_area: Mapped[float | None] = mapped_column(Float)
    built_year: Mapped[int | None] = mapped_column(Integer)
    property_company: Mapped[str | None] = mapped_column(String(100))
    property_contact: Mapped[str | None] = mapped_column(String(50))
    building_head: Mapped[str | None] = mapped_column(String(50))
    building_head_phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    hazard_flag: Mapped[bool] = mapped_column(Boolean, default=False)


class HouseRow(SyncRecord):
    __tablename__ = "house"
    __entity__ = "house"
    building_id: Mapped[str | None] = mapped_column(String(36), index=True)
    unit: Mapped[str | None] = mapped_column(String(16))
    floor: Mapped[str | None] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(32))
    house_type: Mapped[str | None] = mapped_column(String(32))
    use: Mapped[HouseUse | None] = mapped_column(EnumCode(HouseUse))
    owner_name: Mapped[str | None] = mapped_column(String(50))
    occupant_name: Mapped[str | None] = mapped_column(String(50))


class HouseholdRow(SyncRecord):
    __tablename__ = "household"
    __entity__ = "household"
    household_no: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(200))
    house_id: Mapped[str | None] = mapped_column(String(36))
    head_name: Mapped[str | None] = mapped_column(String(50))
    economic_status: Mapped[EconomicStatus | None] = mapped_column(EnumCode(EconomicStatus))
    residence_type: Mapped[ResidenceType | None] = mapped_column(EnumCode(ResidenceType))
    phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_household_grid_no", "grid_code", "household_no"),)


class ResidentRow(SyncRecord):
    __tablename__ = "resident"
    __entity__ = "resident"
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str | None] = mapped_column(String(18))
    gender: Mapped[Gender | None] = mapped_column(EnumCode(Gender))
    birth_date: Mapped[date | None] = mapped_column(ISODate())
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    marital_status: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    relationship: Mapped[Relationship | None] = mapped_column(EnumCode(Relationship))
    domicile: Mapped[str | None] = mapped_column(String(200))
    emergency_contact: Mapped[str | None] = mapped_column(String(50))
    emergency_phone: Mapped[str | None] = mapped_column(String(20))
    health: Mapped[Health | None] = mapped_column(EnumCode(Health))
    __table_args__ = (Index("ix_resident_name", "name"),)


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


class ResidentTagRow(SyncRecord):
    __tablename__ = "resident_tag"
    __entity__ = "resident_tag"
    resident_id: Mapped[str] = mapped_column(String(36), index=True)
    tag: Mapped[TagKind] = mapped_column(EnumCode(TagKind), index=True)
    start_date: Mapped[date | None] = mapped_column(ISODate())
    end_date: Mapped[date | None] = mapped_column(ISODate())
    visit_interval_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


# --- visits -------------------------------------------------------------------


class VisitRow(SyncRecord):
    __tablename__ = "visit"
    __entity__ = "visit"
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    visitor: Mapped[str] = mapped_column(String(64))
    co_visitor: Mapped[str | None] = mapped_column(String(64))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    mode: Mapped[VisitMode] = mapped_column(EnumCode(VisitMode))
    people_met: Mapped[str | None] = mapped_column(String(200))
    situation: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class NeedRow(SyncRecord):
    __tablename__ = "need"
    __entity__ = "need"
    visit_id: Mapped[str] = mapped_column(String(36), index=True)
    category: Mapped[NeedCategory] = mapped_column(EnumCode(NeedCategory))
    text: Mapped[str] = mapped_column(Text)
    solved_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up_date: Mapped[date | None] = mapped_column(ISODate())
    case_id: Mapped[str | None] = mapped_column(String(36))


# --- hazards ------------------------------------------------------------------


class HazardSiteRow(SyncRecord):
    __tablename__ = "hazard_site"
    __entity__ = "hazard_site"
    kind: Mapped[HazardKind] = mapped_column(EnumCode(HazardKind), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    building_id: Mapped[str | None] = mapped_column(String(36))
    premises_type: Mapped[PremisesType | None] = mapped_column(EnumCode(PremisesType))
    danger_grade: Mapped[DangerGrade | None] = mapped_column(EnumCode(DangerGrade))
    appraisal: Mapped[Appraisal | None] = mapped_column(EnumCode(Appraisal))
    appraised_on: Mapped[date | None] = mapped_column(ISODate())
    responsible_person: Mapped[str | None] = mapped_column(String(50))
    responsible_phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class InspectionRow(SyncRecord):
    __tablename__ = "inspection"
    __entity__ = "inspection"
    site_id: Mapped[str] = mapped_column(String(36), index=True)
    template_code: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[InspectionKind] = mapped_column(EnumCode(InspectionKind))
    inspector: Mapped[str] = mapped_column(String(64))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    result: Mapped[InspectionResult | None] = mapped_column(EnumCode(InspectionResult))
    note: Mapped[str | None] = mapped_column(Text)
    rectification_id: Mapped[str | None] = mapped_column(String(36))


class InspectionItemRow(SyncRecord):
    __tablename__ = "inspection_item"
    __entity__ = "inspection_item"
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    answer: Mapped[ItemAnswer] = mapped_column(EnumCode(ItemAnswer))
    value: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class RectificationRow(SyncRecord):
    __tablename__ = "rectification"
    __entity__ = "rectification"
    site_id: Mapped[str] = mapped_column(String(36), index=True)
    inspection_id: Mapped[str] = mapped_column(String(36))
    item_code: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(ISODate(), index=True)
    status: Mapped[RectificationStatus] = mapped_column(EnumCode(RectificationStatus))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_basis: Mapped[CloseBasis | None] = mapped_column(EnumCode(CloseBasis))


# --- cases --------------------------------------------------------------------


class CaseRow(SyncRecord):
    __tablename__ = "case"
    __entity__ = "case"
    __command_fields__ = frozenset(
        {
            "state",
            "reported_at",
            "deadline_at",
            "department_id",
            "escalated",
            "extension_pending",
            "suspended_at",
            "suspended_seconds",
        }
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[CaseCategory] = mapped_column(EnumCode(CaseCategory), index=True)
    subcategory: Mapped[str | None] = mapped_column(String(8))
    hotline_type: Mapped[HotlineType | None] = mapped_column(EnumCode(HotlineType))
    urgency: Mapped[Urgency] = mapped_column(EnumCode(Urgency))
    scale: Mapped[CaseScale | None] = mapped_column(EnumCode(CaseScale))
    source: Mapped[CaseSource] = mapped_column(EnumCode(CaseSource))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    reporter: Mapped[str] = mapped_column(String(64))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[CaseState] = mapped_column(EnumCode(CaseState), index=True)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    department_id: Mapped[str | None] = mapped_column(String(36))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_seconds: Mapped[int] = mapped_column(Integer, default=0)
    need_id: Mapped[str | None] = mapped_column(String(36))


class CaseActionRow(SyncRecord):
    """Append-only: captured as a `command`, never updated."""

    __tablename__ = "case_action"
    __entity__ = "case_action"
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[CaseActionKind] = mapped_column(EnumCode(CaseActionKind))
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[Role] = mapped_column(EnumCode(Role))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    department_id: Mapped[str | None] = mapped_column(String(36))
    new_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    from_state: Mapped[CaseState | None] = mapped_column(EnumCode(CaseState))
    to_state: Mapped[CaseState | None] = mapped_column(EnumCode(CaseState))
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_code: Mapped[str | None] = mapped_column(String(32))


class AttachmentRow(SyncRecord):
    __tablename__ = "attachment"
    __entity__ = "attachment"
    owner_entity: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(String(200))
    is_evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- local state ----------------------------------------------------------------


class OutboxEntry(Base):
    """One unacknowledged local change (DESIGN.md §4, client side).

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
    # `base_version` (DESIGN.md §4: the version the user saw when editing that field).
    bases: Mapped[dict[str, int] | None] = mapped_column(JSONText())
    # A restore re-send: the record's version in the timeline before the server's restore.
    restored_version: Mapped[int | None] = mapped_column(Integer)


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


SYNC_MODELS: dict[str, type[SyncRecord]] = {
    m.__entity__: m
    for m in (
        BuildingRow,
        HouseRow,
        HouseholdRow,
        ResidentRow,
        ResidentTagRow,
        VisitRow,
        NeedRow,
        HazardSiteRow,
        InspectionRow,
        InspectionItemRow,
        RectificationRow,
        CaseRow,
        CaseActionRow,
        AttachmentRow,
    )
}
# Rows never edited after creation (DESIGN.md §4): a correction is a new row.
APPEND_ONLY = DOMAIN_APPEND_ONLY
# New rows of these entities travel as workflow commands, applied by the server in order.
COMMAND_ENTITIES = frozenset({"case_action"})
