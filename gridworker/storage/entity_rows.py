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
from gridworker.domain.enums_field import (
    TaskActionKind,
    TaskKind,
    TaskState,
)
from gridworker.domain.life_enums import (
    LifeEventKind,
    ResidentStatus,
)
from gridworker.domain.records_coop import (
    CoopNeedKind,
    CoopNeedStatus,
    ProjectStatus,
    ResourceKind,
)
from gridworker.domain.records_party import (
    GuidanceKind,
    PartyOrgKind,
    ReportPlace,
)
from gridworker.domain.records_volunteer import (
    ActivityStatus,
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
    met_resident_ids: Mapped[str | None] = mapped_column(String(1000))
    situation: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    task_id: Mapped[str | None] = mapped_column(String(36))


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
    task_id: Mapped[str | None] = mapped_column(String(36))


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


class TaskRow(SyncRecord):
    """任务 (Task): domain.records_field.Task."""

    __tablename__ = "task"
    __entity__ = "task"
    __command_fields__ = frozenset(
        {
            "answer_entity",
            "answer_id",
            "done_at",
            "reason",
            "remind_count",
            "reminded_at",
            "signed_at",
            "signed_by",
            "state",
        }
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[TaskKind] = mapped_column(EnumCode(TaskKind))
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    due_date: Mapped[date] = mapped_column(ISODate(), index=True)
    target_entity: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(36))
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[TaskState] = mapped_column(
        EnumCode(TaskState), index=True, default=TaskState.issued
    )
    signed_by: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer_entity: Mapped[str | None] = mapped_column(String(32))
    answer_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str | None] = mapped_column(Text)
    remind_count: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TaskActionRow(SyncRecord):
    """任务办理记录 (Task action): domain.records_field.TaskAction."""

    __tablename__ = "task_action"
    __entity__ = "task_action"
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[TaskActionKind] = mapped_column(EnumCode(TaskActionKind))
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[Role] = mapped_column(EnumCode(Role))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    answer_entity: Mapped[str | None] = mapped_column(String(32))
    answer_id: Mapped[str | None] = mapped_column(String(36))
    from_state: Mapped[TaskState | None] = mapped_column(EnumCode(TaskState))
    to_state: Mapped[TaskState | None] = mapped_column(EnumCode(TaskState))
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_code: Mapped[str | None] = mapped_column(String(32))


class NoticeRow(SyncRecord):
    """通知公告 (Notice): domain.records_field.Notice."""

    __tablename__ = "notice"
    __entity__ = "notice"
    publication_id: Mapped[str] = mapped_column(String(36), index=True)
    area_code: Mapped[str] = mapped_column(String(15))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    must_read: Mapped[bool] = mapped_column(Boolean, default=False)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class NoticeReadRow(SyncRecord):
    """通知已读回执 (Read receipt): domain.records_field.NoticeRead."""

    __tablename__ = "notice_read"
    __entity__ = "notice_read"
    notice_id: Mapped[str] = mapped_column(String(36), index=True)
    reader: Mapped[str] = mapped_column(String(64), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class PartyOrgRow(SyncRecord):
    """网格党组织 (Grid party organization): domain.records_party.PartyOrg."""

    __tablename__ = "party_org"
    __entity__ = "party_org"
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[PartyOrgKind] = mapped_column(EnumCode(PartyOrgKind))
    secretary: Mapped[str | None] = mapped_column(String(50))
    secretary_phone: Mapped[str | None] = mapped_column(String(20))
    members_count: Mapped[int] = mapped_column(Integer, default=0)
    other_grids: Mapped[str | None] = mapped_column(String(400))
    founded_on: Mapped[date | None] = mapped_column(ISODate())
    note: Mapped[str | None] = mapped_column(Text)


class AdviserPostingRow(SyncRecord):
    """指导员驻点 (Adviser stationing): domain.records_party.AdviserPosting."""

    __tablename__ = "adviser_posting"
    __entity__ = "adviser_posting"
    adviser_name: Mapped[str] = mapped_column(String(50))
    adviser: Mapped[str | None] = mapped_column(String(64), index=True)
    org_id: Mapped[str | None] = mapped_column(String(36))
    sent_by: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    since: Mapped[date] = mapped_column(ISODate())
    until: Mapped[date | None] = mapped_column(ISODate())


class PartyGuidanceRow(SyncRecord):
    """指导记录 (Guidance record): domain.records_party.PartyGuidance."""

    __tablename__ = "party_guidance"
    __entity__ = "party_guidance"
    adviser: Mapped[str] = mapped_column(String(64))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    kind: Mapped[GuidanceKind] = mapped_column(EnumCode(GuidanceKind))
    topic: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[str | None] = mapped_column(String(36))
    attendees: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_party_guidance_adviser_held", "adviser", "held_at"),)


class PartyGuidanceLinkRow(SyncRecord):
    """指导记录关联 (Guidance link): domain.records_party.PartyGuidanceLink."""

    __tablename__ = "party_guidance_link"
    __entity__ = "party_guidance_link"
    guidance_id: Mapped[str] = mapped_column(String(36), index=True)
    visit_id: Mapped[str | None] = mapped_column(String(36))
    case_id: Mapped[str | None] = mapped_column(String(36))


class PartyMemberRow(SyncRecord):
    """报到党员 (Reported party member): domain.records_party.PartyMember."""

    __tablename__ = "party_member"
    __entity__ = "party_member"
    name: Mapped[str] = mapped_column(String(50))
    work_unit: Mapped[str] = mapped_column(String(100))
    unit_party_org: Mapped[str | None] = mapped_column(String(100))
    reported_on: Mapped[date] = mapped_column(ISODate())
    place: Mapped[ReportPlace] = mapped_column(EnumCode(ReportPlace), default=ReportPlace.residence)
    phone: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[str | None] = mapped_column(String(200))
    left_on: Mapped[date | None] = mapped_column(ISODate())
    __table_args__ = (Index("ix_party_member_grid_name", "grid_code", "name"),)


class PartyServiceRow(SyncRecord):
    """服务记录 (Service record): domain.records_party.PartyService."""

    __tablename__ = "party_service"
    __entity__ = "party_service"
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    served_on: Mapped[date] = mapped_column(ISODate(), index=True)
    activity: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float] = mapped_column(Float)
    beneficiaries: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)


class CoopAgreementRow(SyncRecord):
    """共建协议 (Co-building agreement): domain.records_coop.CoopAgreement."""

    __tablename__ = "coop_agreement"
    __entity__ = "coop_agreement"
    community: Mapped[str] = mapped_column(String(100))
    partner: Mapped[str] = mapped_column(String(100))
    signed_on: Mapped[date] = mapped_column(ISODate())
    starts_on: Mapped[date] = mapped_column(ISODate())
    ends_on: Mapped[date | None] = mapped_column(ISODate())
    content: Mapped[str | None] = mapped_column(Text)


class CoopResourceRow(SyncRecord):
    """资源 (Resource): domain.records_coop.CoopResource."""

    __tablename__ = "coop_resource"
    __entity__ = "coop_resource"
    partner: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ResourceKind] = mapped_column(EnumCode(ResourceKind))
    description: Mapped[str] = mapped_column(String(200))
    listed_on: Mapped[date] = mapped_column(ISODate())
    contact: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    agreement_id: Mapped[str | None] = mapped_column(String(36))


class CoopProjectRow(SyncRecord):
    """项目 (Project): domain.records_coop.CoopProject."""

    __tablename__ = "coop_project"
    __entity__ = "coop_project"
    name: Mapped[str] = mapped_column(String(100))
    partners: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(ISODate())
    ends_on: Mapped[date | None] = mapped_column(ISODate())
    status: Mapped[ProjectStatus] = mapped_column(
        EnumCode(ProjectStatus), default=ProjectStatus.planned
    )
    description: Mapped[str | None] = mapped_column(Text)
    agreement_id: Mapped[str | None] = mapped_column(String(36))


class CoopNeedRow(SyncRecord):
    """清单需求 (Listed need): domain.records_coop.CoopNeed."""

    __tablename__ = "coop_need"
    __entity__ = "coop_need"
    summary: Mapped[str] = mapped_column(String(100))
    kind: Mapped[CoopNeedKind] = mapped_column(EnumCode(CoopNeedKind))
    listed_on: Mapped[date] = mapped_column(ISODate(), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    beneficiary: Mapped[str | None] = mapped_column(String(100))
    visit_need_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[CoopNeedStatus] = mapped_column(
        EnumCode(CoopNeedStatus), default=CoopNeedStatus.listed
    )
    resource_id: Mapped[str | None] = mapped_column(String(36))
    project_id: Mapped[str | None] = mapped_column(String(36))
    member_id: Mapped[str | None] = mapped_column(String(36))
    claimed_on: Mapped[date | None] = mapped_column(ISODate(), index=True)
    done_on: Mapped[date | None] = mapped_column(ISODate(), index=True)
    outcome: Mapped[str | None] = mapped_column(Text)


class ServiceStationRow(SyncRecord):
    """邻里之家 (Service station): domain.records_volunteer.ServiceStation."""

    __tablename__ = "service_station"
    __entity__ = "service_station"
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    services: Mapped[str | None] = mapped_column(String(200))
    canteen: Mapped[bool] = mapped_column(Boolean, default=False)
    opening_hours: Mapped[str | None] = mapped_column(String(100))
    manager: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))


class VolunteerRow(SyncRecord):
    """志愿者 (Volunteer): domain.records_volunteer.Volunteer."""

    __tablename__ = "volunteer"
    __entity__ = "volunteer"
    name: Mapped[str] = mapped_column(String(50))
    registered_on: Mapped[date] = mapped_column(ISODate())
    phone: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[str | None] = mapped_column(String(200))
    resident_id: Mapped[str | None] = mapped_column(String(36))
    points_balance: Mapped[int | None] = mapped_column(Integer)


class VolunteerActivityRow(SyncRecord):
    """志愿活动 (Volunteer activity): domain.records_volunteer.VolunteerActivity."""

    __tablename__ = "volunteer_activity"
    __entity__ = "volunteer_activity"
    name: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(ISODate(), index=True)
    length_hours: Mapped[float] = mapped_column(Float)
    station_id: Mapped[str | None] = mapped_column(String(36))
    points_per_hour: Mapped[int] = mapped_column(Integer, default=10)
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ActivityStatus] = mapped_column(
        EnumCode(ActivityStatus), default=ActivityStatus.planned
    )


class VolunteerSignupRow(SyncRecord):
    """活动报名 (Sign-up): domain.records_volunteer.VolunteerSignup."""

    __tablename__ = "volunteer_signup"
    __entity__ = "volunteer_signup"
    activity_id: Mapped[str] = mapped_column(String(36), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(36), index=True)
    signed_up_on: Mapped[date] = mapped_column(ISODate())
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[float | None] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer, default=0)


class PointExchangeRow(SyncRecord):
    """积分兑换 (Points exchange): domain.records_volunteer.PointExchange."""

    __tablename__ = "point_exchange"
    __entity__ = "point_exchange"
    volunteer_id: Mapped[str] = mapped_column(String(36), index=True)
    exchanged_on: Mapped[date] = mapped_column(ISODate(), index=True)
    item: Mapped[str] = mapped_column(String(100))
    points_spent: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[str | None] = mapped_column(String(36))
    overdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    overdraw_note: Mapped[str | None] = mapped_column(String(200))


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
    TaskRow,
    TaskActionRow,
    NoticeRow,
    NoticeReadRow,
    CaseRow,
    CaseActionRow,
    AttachmentRow,
    PartyOrgRow,
    AdviserPostingRow,
    PartyGuidanceRow,
    PartyGuidanceLinkRow,
    PartyMemberRow,
    PartyServiceRow,
    CoopAgreementRow,
    CoopResourceRow,
    CoopProjectRow,
    CoopNeedRow,
    ServiceStationRow,
    VolunteerRow,
    VolunteerActivityRow,
    VolunteerSignupRow,
    PointExchangeRow,
)
"""Every synced table, parents before children (the declarations' order)."""
