"""The laptop's tables of synced records: GENERATED from the entity declarations
(domain.records_*) by `python -m gridworker.storage.gen_rows`. Do not edit by hand: change
the declaration, run the generator, then add a migration (scripts/new-migration.sh)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
    Relationship,
    ResidenceType,
    Role,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.domain.life_enums import (
    LifeEventKind,
    ResidentStatus,
)
from gridworker.storage.rows_base import SyncRecord
from gridworker.storage.types import EnumCode, ISODate, UTCDateTime


class BuildingRow(SyncRecord):
    """楼栋 (Building): domain.records_register.Building."""

    __tablename__ = "building"
    __entity__ = "building"
    estate_name: Mapped[str] = mapped_column(String(100))
    building_no: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
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
    unit_heads: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    hazard_flag: Mapped[bool] = mapped_column(Boolean, default=False)


class HouseRow(SyncRecord):
    """房屋 (Flat): domain.records_register.House."""

    __tablename__ = "house"
    __entity__ = "house"
    building_id: Mapped[str | None] = mapped_column(String(36), index=True)
    unit: Mapped[str | None] = mapped_column(String(16))
    floor: Mapped[str | None] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(32))
    house_type: Mapped[str | None] = mapped_column(String(32))
    use: Mapped[HouseUse | None] = mapped_column(EnumCode(HouseUse))
    area: Mapped[float | None] = mapped_column(Float)
    owner_name: Mapped[str | None] = mapped_column(String(50))
    occupant_name: Mapped[str | None] = mapped_column(String(50))


class HouseholdRow(SyncRecord):
    """住户 (Household): domain.records_register.Household."""

    __tablename__ = "household"
    __entity__ = "household"
    household_no: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(200))
    house_id: Mapped[str | None] = mapped_column(String(36), index=True)
    head_name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    economic_status: Mapped[EconomicStatus | None] = mapped_column(EnumCode(EconomicStatus))
    residence_type: Mapped[ResidenceType | None] = mapped_column(EnumCode(ResidenceType))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_household_grid_no", "grid_code", "household_no"),)


class ResidentRow(SyncRecord):
    """居民 (Resident): domain.records_register.Resident."""

    __tablename__ = "resident"
    __entity__ = "resident"
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[Gender | None] = mapped_column(EnumCode(Gender))
    id_number: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None] = mapped_column(ISODate())
    phone: Mapped[str | None] = mapped_column(String(20))
    relationship: Mapped[Relationship | None] = mapped_column(EnumCode(Relationship))
    health: Mapped[Health | None] = mapped_column(EnumCode(Health))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    marital_status: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(50))
    domicile: Mapped[str | None] = mapped_column(String(200))
    other_phone: Mapped[str | None] = mapped_column(String(20))
    emergency_contact: Mapped[str | None] = mapped_column(String(50))
    emergency_phone: Mapped[str | None] = mapped_column(String(20))
    life_status: Mapped[ResidentStatus | None] = mapped_column(EnumCode(ResidentStatus))


class ResidentTagRow(SyncRecord):
    """人员标签 (Resident tag): domain.records_register.ResidentTag."""

    __tablename__ = "resident_tag"
    __entity__ = "resident_tag"
    resident_id: Mapped[str] = mapped_column(String(36), index=True)
    tag: Mapped[TagKind] = mapped_column(EnumCode(TagKind), index=True)
    start_date: Mapped[date | None] = mapped_column(ISODate())
    end_date: Mapped[date | None] = mapped_column(ISODate())
    visit_interval_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class VisitRow(SyncRecord):
    """走访 (Visit): domain.records_register.Visit."""

    __tablename__ = "visit"
    __entity__ = "visit"
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    mode: Mapped[VisitMode] = mapped_column(EnumCode(VisitMode))
    visitor: Mapped[str] = mapped_column(String(64))
    visitor_name: Mapped[str | None] = mapped_column(String(64))
    co_visitor: Mapped[str | None] = mapped_column(String(64))
    people_met: Mapped[str | None] = mapped_column(String(200))
    situation: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class NeedRow(SyncRecord):
    """需求 (Need): domain.records_register.Need."""

    __tablename__ = "need"
    __entity__ = "need"
    visit_id: Mapped[str] = mapped_column(String(36), index=True)
    category: Mapped[NeedCategory] = mapped_column(EnumCode(NeedCategory))
    text: Mapped[str] = mapped_column(Text)
    solved_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up_date: Mapped[date | None] = mapped_column(ISODate())
    case_id: Mapped[str | None] = mapped_column(String(36))


class LifeEventRow(SyncRecord):
    """人口变动 (Life event): domain.records_life.LifeEvent."""

    __tablename__ = "life_event"
    __entity__ = "life_event"
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    resident_id: Mapped[str | None] = mapped_column(String(36), index=True)
    kind: Mapped[LifeEventKind] = mapped_column(EnumCode(LifeEventKind))
    event_date: Mapped[date] = mapped_column(ISODate(), index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorder: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    previous_head_id: Mapped[str | None] = mapped_column(String(36))
    undoes_id: Mapped[str | None] = mapped_column(String(36))
    other_household_id: Mapped[str | None] = mapped_column(String(36))
    closed_tags: Mapped[str | None] = mapped_column(String(400))


class HazardSiteRow(SyncRecord):
    """隐患点位 (Hazard site): domain.records_hazards.HazardSite."""

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
    """检查 (Inspection): domain.records_hazards.Inspection."""

    __tablename__ = "inspection"
    __entity__ = "inspection"
    site_id: Mapped[str] = mapped_column(String(36), index=True)
    template_code: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[InspectionKind] = mapped_column(EnumCode(InspectionKind))
    inspector: Mapped[str] = mapped_column(String(64))
    inspector_name: Mapped[str | None] = mapped_column(String(64))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    result: Mapped[InspectionResult | None] = mapped_column(EnumCode(InspectionResult))
    note: Mapped[str | None] = mapped_column(Text)
    rectification_id: Mapped[str | None] = mapped_column(String(36))


class InspectionItemRow(SyncRecord):
    """检查项 (Inspection item): domain.records_hazards.InspectionItem."""

    __tablename__ = "inspection_item"
    __entity__ = "inspection_item"
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    answer: Mapped[ItemAnswer] = mapped_column(EnumCode(ItemAnswer))
    value: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)


class RectificationRow(SyncRecord):
    """整改 (Rectification): domain.records_hazards.Rectification."""

    __tablename__ = "rectification"
    __entity__ = "rectification"
    site_id: Mapped[str] = mapped_column(String(36), index=True)
    inspection_id: Mapped[str] = mapped_column(String(36))
    item_code: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(ISODate(), index=True)
    status: Mapped[RectificationStatus] = mapped_column(
        EnumCode(RectificationStatus), default=RectificationStatus.open
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_basis: Mapped[CloseBasis | None] = mapped_column(EnumCode(CloseBasis))


class CaseRow(SyncRecord):
    """事件 (Case): domain.records_cases.Case."""

    __tablename__ = "case"
    __entity__ = "case"
    __command_fields__ = frozenset(
        {
            "case_no",
            "deadline_at",
            "department_id",
            "escalated",
            "extension_pending",
            "reported_at",
            "state",
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
    state: Mapped[CaseState] = mapped_column(
        EnumCode(CaseState), index=True, default=CaseState.draft
    )
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reporter: Mapped[str] = mapped_column(String(64))
    reporter_name: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    department_id: Mapped[str | None] = mapped_column(String(36))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_seconds: Mapped[int] = mapped_column(Integer, default=0)
    need_id: Mapped[str | None] = mapped_column(String(36))
    case_no: Mapped[str | None] = mapped_column(String(24), index=True)


class CaseActionRow(SyncRecord):
    """事件办理记录 (Case action): domain.records_cases.CaseAction."""

    __tablename__ = "case_action"
    __entity__ = "case_action"
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[CaseActionKind] = mapped_column(EnumCode(CaseActionKind))
    actor: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str | None] = mapped_column(String(64))
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
    """附件 (Attachment): domain.records_cases.Attachment."""

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


ROWS: tuple[type[SyncRecord], ...] = (
    BuildingRow,
    HouseRow,
    HouseholdRow,
    ResidentRow,
    ResidentTagRow,
    VisitRow,
    NeedRow,
    LifeEventRow,
    HazardSiteRow,
    InspectionRow,
    InspectionItemRow,
    RectificationRow,
    CaseRow,
    CaseActionRow,
    AttachmentRow,
)
"""Every synced table, parents before children (the declarations' order)."""
