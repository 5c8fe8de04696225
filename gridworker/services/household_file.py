"""一户一档: everything the register holds about one household, in time order
(docs/design.md §12) — for the household file screen and its printed PDF.

The members (those who moved out or died too, with their standing), their tags with the
dates they ran, and one time line: life events, visits with the needs found, the cases
reported from those needs, tag starts and ends, and the hazard sites at the household's
address or in its building with their inspections. Numbers are masked (§7.2); nothing
here reveals a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gridworker.domain.buildings import unit_label
from gridworker.domain.clock import district_text
from gridworker.domain.enums import (
    EconomicStatus,
    Gender,
    Relationship,
    ResidenceType,
    TagKind,
)
from gridworker.domain.errors import noun
from gridworker.domain.life_enums import ResidentStatus
from gridworker.domain.masking import mask_id_number, mask_phone
from gridworker.services.life_events import HistoryEntry, household_history
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    BuildingRow,
    CaseRow,
    GridRow,
    HazardSiteRow,
    HouseholdRow,
    HouseRow,
    InspectionRow,
    NeedRow,
    ResidentRow,
    ResidentTagRow,
    VisitRow,
)


@dataclass(frozen=True)
class FileTag:
    tag: TagKind
    start: date | None
    end: date | None


@dataclass(frozen=True)
class FileMember:
    id: str
    name: str
    gender: Gender | None
    relationship: Relationship | None
    id_masked: str | None
    phone_masked: str | None
    life_status: ResidentStatus | None
    tags: tuple[FileTag, ...]


@dataclass(frozen=True)
class FileEntry:
    """One line of the time line: when (a day, and a time when there is one), what kind
    (事件, 走访, 需求, 事件办理, 标签, 隐患), what, who, and the record it is about."""

    day: date
    at: str  # the district's time as shown ("2026-12-05 10:30", or the day alone)
    kind: str
    text: str
    who: str
    record_id: str
    sort: tuple[date, str, str]


@dataclass(frozen=True)
class HouseholdFile:
    id: str
    grid_code: str
    grid_name: str | None
    household_no: str
    address: str
    head_name: str | None
    phone_masked: str | None
    economic_status: EconomicStatus | None
    residence_type: ResidenceType | None
    note: str | None
    members: tuple[FileMember, ...]
    entries: tuple[FileEntry, ...]
    history: tuple[HistoryEntry, ...]
    # The flat it lives in (人房关联, docs/design.md §12.1): "凤凰小区3栋 1单元 1502（出租）".
    flat: str | None = None


def household_file(ws: Workspace, household_id: str) -> HouseholdFile:
    """The household's file (ServiceError if there is no such live household)."""
    zone = ws.zone
    with ws.read() as s:
        h = s.get(HouseholdRow, household_id)
        if h is None or h.deleted:
            raise ServiceError("record_missing", what=noun("household"))
        grid_name = s.scalar(select(GridRow.name).where(GridRow.code == h.grid_code))
        people = list(
            s.scalars(
                select(ResidentRow)
                .where(ResidentRow.household_id == h.id, ResidentRow.deleted.is_(False))
                .order_by(ResidentRow.name, ResidentRow.id)
            )
        )
        tags = _tags(s, [p.id for p in people])
        entries = _visits(s, h.id, zone) + _sites(s, h, zone)
        flat = flat_label(s, h.house_id)
    history = tuple(household_history(ws, household_id))
    entries += [_event_entry(e) for e in history]
    for person in people:
        for t in tags.get(person.id, ()):
            label, who = t.tag.zh, person.name
            if t.start is not None:
                entries.append(_day_entry(t.start, "标签", f"{who}：加上“{label}”", person.id))
            if t.end is not None:
                entries.append(_day_entry(t.end, "标签", f"{who}：“{label}”结束", person.id))
    members = tuple(
        FileMember(
            id=p.id,
            name=p.name,
            gender=p.gender,
            relationship=p.relationship,
            id_masked=mask_id_number(p.id_number) if p.id_number else None,
            phone_masked=mask_phone(p.phone) if p.phone else None,
            life_status=p.life_status,
            tags=tuple(tags.get(p.id, ())),
        )
        for p in sorted(people, key=lambda p: (p.life_status is not None, _rank(p), p.name))
    )
    return HouseholdFile(
        id=h.id,
        grid_code=h.grid_code,
        grid_name=grid_name,
        household_no=h.household_no,
        address=h.address,
        head_name=h.head_name,
        phone_masked=mask_phone(h.phone) if h.phone else None,
        economic_status=h.economic_status,
        residence_type=h.residence_type,
        note=h.note,
        members=members,
        entries=tuple(sorted(entries, key=lambda e: e.sort)),
        history=history,
        flat=flat,
    )


def flat_label(s: Session, house_id: str | None) -> str | None:
    """The household's flat as one line, or None when none is known (or it was deleted)."""
    if not house_id:
        return None
    house = s.get(HouseRow, house_id)
    if house is None or house.deleted:
        return None
    building = s.get(BuildingRow, house.building_id) if house.building_id else None
    parts = []
    if building is not None and not building.deleted:
        parts.append(f"{building.estate_name}{building.building_no}")
    if house.unit:
        parts.append(unit_label(house.unit))
    parts.append(house.number)
    facts = [x for x in (house.use.zh if house.use else None,
                         f"{house.area:g}㎡" if house.area else None) if x]  # fmt: skip
    return " ".join(parts) + (f"（{'，'.join(facts)}）" if facts else "")


def _rank(person: ResidentRow) -> int:
    order = {Relationship.head: 0, Relationship.spouse: 1}
    return order.get(person.relationship, 2) if person.relationship else 3


def _tags(s: Session, resident_ids: list[str]) -> dict[str, list[FileTag]]:
    out: dict[str, list[FileTag]] = {}
    if not resident_ids:
        return out
    for row in s.scalars(
        select(ResidentTagRow).where(
            ResidentTagRow.resident_id.in_(resident_ids), ResidentTagRow.deleted.is_(False)
        )
    ):
        out.setdefault(row.resident_id, []).append(FileTag(row.tag, row.start_date, row.end_date))
    for tags in out.values():
        tags.sort(key=lambda t: list(TagKind).index(t.tag))
    return out


def _day_entry(day: date, kind: str, text: str, record_id: str, who: str = "") -> FileEntry:
    return FileEntry(day, day.isoformat(), kind, text, who, record_id, (day, "", record_id))


def _timed_entry(
    at: datetime, zone: tzinfo, kind: str, text: str, who: str, record_id: str
) -> FileEntry:
    local = at.astimezone(zone)
    shown = district_text(at, zone, "%Y-%m-%d %H:%M")
    return FileEntry(
        local.date(), shown, kind, text, who, record_id, (local.date(), shown, record_id)
    )


def _event_entry(e: HistoryEntry) -> FileEntry:
    text = f"{e.kind.zh}：{e.resident_name or ''}"
    if e.place:
        text += f"，{e.place}"
    if e.reason:
        text += f"（{e.reason}）"
    if e.previous_head:
        text += f"，原户主 {e.previous_head}"
    if e.withdrawn:
        text += "［已撤销］"
    return FileEntry(
        e.event_date,
        e.event_date.isoformat(),
        "人口变动",
        text,
        e.recorded_by,
        e.id,
        (e.event_date, e.recorded_at.isoformat(), e.id),
    )


def _visits(s: Session, household_id: str, zone: tzinfo) -> list[FileEntry]:
    visits = list(
        s.scalars(
            select(VisitRow).where(
                VisitRow.household_id == household_id, VisitRow.deleted.is_(False)
            )
        )
    )
    out: list[FileEntry] = []
    if not visits:
        return out
    by_id = {v.id: v for v in visits}
    for v in visits:
        text = f"{v.mode.zh}走访"
        if v.people_met:
            text += f"，见到{v.people_met}"
        if v.situation:
            text += f"：{v.situation}"
        who = v.visitor_name or v.visitor
        out.append(_timed_entry(v.visited_at, zone, "走访", text, who, v.id))
    needs = list(
        s.scalars(
            select(NeedRow).where(NeedRow.visit_id.in_(list(by_id)), NeedRow.deleted.is_(False))
        )
    )
    for n in needs:
        visit = by_id[n.visit_id]
        done = "，当场解决" if n.solved_on_spot else ""
        out.append(
            _timed_entry(
                visit.visited_at, zone, "需求", f"{n.category.zh}：{n.text}{done}", "", n.id
            )
        )
    need_ids = [n.id for n in needs]
    case_ids = [n.case_id for n in needs if n.case_id]
    if need_ids or case_ids:
        cases = s.scalars(
            select(CaseRow).where(
                or_(CaseRow.id.in_(case_ids), CaseRow.need_id.in_(need_ids)),
                CaseRow.deleted.is_(False),
            )
        )
        for c in cases:
            when = c.reported_at or c.created_at
            text = f"{c.title}（{c.state.zh}）"
            out.append(_timed_entry(when, zone, "事件", text, c.reporter_name or c.reporter, c.id))
    return out


def _sites(s: Session, h: HouseholdRow, zone: tzinfo) -> list[FileEntry]:
    """Hazard sites at the household's address or in its building, with inspections."""
    building = None
    if h.house_id:
        building = s.scalar(select(HouseRow.building_id).where(HouseRow.id == h.house_id))
    match = HazardSiteRow.address == h.address
    if building:
        match = or_(match, HazardSiteRow.building_id == building)
    sites = list(
        s.scalars(
            select(HazardSiteRow).where(match, HazardSiteRow.deleted.is_(False))
        )
    )
    out: list[FileEntry] = []
    for site in sites:
        text = f"隐患点位：{site.name}（{site.kind.zh}）"
        out.append(_timed_entry(site.created_at, zone, "隐患", text, "", site.id))
        for inspection in s.scalars(
            select(InspectionRow).where(
                InspectionRow.site_id == site.id, InspectionRow.deleted.is_(False)
            )
        ):
            text = f"{site.name} 检查：{inspection.result.zh if inspection.result else ''}"
            when = inspection.inspected_at
            who = inspection.inspector_name or inspection.inspector
            out.append(_timed_entry(when, zone, "隐患", text, who, inspection.id))
    return out

