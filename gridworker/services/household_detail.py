"""Read models for the household screens: one household with its residents, its visits.

Everything returned is a plain frozen dataclass with personal numbers already
masked (docs/design.md §7), safe to hand from a worker thread to the UI. The full value
of a masked field is only available through `services.privacy.reveal`, which logs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.enums import (
    CaseState,
    EconomicStatus,
    Gender,
    NeedCategory,
    Relationship,
    ResidenceType,
    TagKind,
    VisitMode,
)
from gridworker.domain.life_enums import ResidentStatus
from gridworker.domain.masking import mask_id_number, mask_phone
from gridworker.services.standing import in_register
from gridworker.services.workspace import Workspace
from gridworker.storage.models import (
    CaseRow,
    GridRow,
    HouseholdRow,
    NeedRow,
    ResidentRow,
    ResidentTagRow,
    VisitRow,
)


@dataclass(frozen=True)
class ResidentView:
    id: str
    name: str
    gender: Gender | None
    relationship: Relationship | None
    birth_date: date | None
    id_masked: str | None
    phone_masked: str | None
    tags: tuple[TagKind, ...]
    life_status: ResidentStatus | None = None  # 人户分离 (the others are not listed)


@dataclass(frozen=True)
class HouseholdDetail:
    id: str
    grid_code: str
    grid_name: str | None
    household_no: str
    address: str
    head_name: str | None
    phone_masked: str | None
    economic_status: EconomicStatus | None
    residence_type: ResidenceType | None
    residents: tuple[ResidentView, ...]
    # Members who moved out or died (name, standing): out of the register, in its history.
    departed: tuple[tuple[str, ResidentStatus], ...] = ()


@dataclass(frozen=True)
class NeedView:
    id: str
    category: NeedCategory
    text: str
    solved_on_spot: bool
    follow_up_date: date | None
    case_id: str | None
    case_state: CaseState | None


@dataclass(frozen=True)
class VisitSummary:
    id: str
    visited_at: datetime
    mode: VisitMode
    visitor: str
    co_visitor: str | None
    people_met: str | None
    situation: str | None
    needs: tuple[NeedView, ...]


_ORDER = {Relationship.head: 0, Relationship.spouse: 1}


def grid_choices(ws: Workspace) -> list[tuple[str, str | None]]:
    """The actor's grids as (code, name), the name when the reference data knows it."""
    codes = list(ws.actor.grids)
    if not codes:
        return []
    with ws.read() as s:
        stmt = select(GridRow.code, GridRow.name).where(GridRow.code.in_(codes))
        names = {code: name for code, name in s.execute(stmt)}
    return [(code, names.get(code)) for code in codes]


def find_household(ws: Workspace, grid_code: str, household_no: str) -> str | None:
    """The id of the live household with this grid code and 户号, if registered."""
    hid = ids.household_id(ws.id_secret, grid_code, household_no)
    with ws.read() as s:
        row = s.get(HouseholdRow, hid)
        return row.id if row is not None and not row.deleted else None


def household_detail(ws: Workspace, household_id: str) -> HouseholdDetail | None:
    """One household and its residents (head first), masked; None if missing or deleted."""
    with ws.read() as s:
        h = s.get(HouseholdRow, household_id)
        if h is None or h.deleted:
            return None
        grid_name = s.scalar(select(GridRow.name).where(GridRow.code == h.grid_code))
        people = list(
            s.scalars(
                select(ResidentRow).where(
                    ResidentRow.household_id == household_id,
                    ResidentRow.deleted.is_(False),
                    in_register(),  # who moved out or died: in the household's history
                )
            )
        )
        departed = tuple(
            (name, status)
            for name, status in s.execute(
                select(ResidentRow.name, ResidentRow.life_status)
                .where(
                    ResidentRow.household_id == household_id,
                    ResidentRow.deleted.is_(False),
                    ~in_register(),
                )
                .order_by(ResidentRow.name)
            )
            if status is not None
        )
        tags: dict[str, list[TagKind]] = {}
        if people:
            rows = s.execute(
                select(ResidentTagRow.resident_id, ResidentTagRow.tag).where(
                    ResidentTagRow.resident_id.in_([p.id for p in people]),
                    ResidentTagRow.deleted.is_(False),
                )
            )
            for resident_id, tag in rows:
                tags.setdefault(resident_id, []).append(tag)
    people.sort(
        key=lambda p: (
            _ORDER.get(p.relationship, 2) if p.relationship else 3,
            p.birth_date or date.max,
            p.name,
        )
    )
    residents = tuple(
        ResidentView(
            id=p.id,
            name=p.name,
            gender=p.gender,
            relationship=p.relationship,
            birth_date=p.birth_date,
            id_masked=mask_id_number(p.id_number) if p.id_number else None,
            phone_masked=mask_phone(p.phone) if p.phone else None,
            tags=tuple(sorted(tags.get(p.id, ()), key=list(TagKind).index)),
            life_status=p.life_status,
        )
        for p in people
    )
    return HouseholdDetail(
        id=h.id,
        grid_code=h.grid_code,
        grid_name=grid_name,
        household_no=h.household_no,
        address=h.address,
        head_name=h.head_name,
        phone_masked=mask_phone(h.phone) if h.phone else None,
        economic_status=h.economic_status,
        residence_type=h.residence_type,
        residents=residents,
        departed=departed,
    )


def recent_visits(ws: Workspace, household_id: str, *, limit: int = 20) -> list[VisitSummary]:
    """The household's latest visits, newest first, each with its needs and their cases."""
    with ws.read() as s:
        visits = list(
            s.scalars(
                select(VisitRow)
                .where(VisitRow.household_id == household_id, VisitRow.deleted.is_(False))
                .order_by(VisitRow.visited_at.desc(), VisitRow.id.desc())
                .limit(limit)
            )
        )
        needs: list[NeedRow] = []
        if visits:
            needs = list(
                s.scalars(
                    select(NeedRow)
                    .where(
                        NeedRow.visit_id.in_([v.id for v in visits]),
                        NeedRow.deleted.is_(False),
                    )
                    .order_by(NeedRow.id)
                )
            )
        case_ids = [n.case_id for n in needs if n.case_id]
        states: dict[str, CaseState] = {}
        if case_ids:
            stmt = select(CaseRow.id, CaseRow.state).where(CaseRow.id.in_(case_ids))
            states = {case_id: state for case_id, state in s.execute(stmt)}
    by_visit: dict[str, list[NeedView]] = {}
    for n in needs:
        by_visit.setdefault(n.visit_id, []).append(
            NeedView(
                id=n.id,
                category=n.category,
                text=n.text,
                solved_on_spot=n.solved_on_spot,
                follow_up_date=n.follow_up_date,
                case_id=n.case_id,
                case_state=states.get(n.case_id) if n.case_id else None,
            )
        )
    return [
        VisitSummary(
            id=v.id,
            visited_at=v.visited_at,
            mode=v.mode,
            visitor=v.visitor_name or v.visitor,  # the name, where the record has it
            co_visitor=v.co_visitor,
            people_met=v.people_met,
            situation=v.situation,
            needs=tuple(by_visit.get(v.id, ())),
        )
        for v in visits
    ]
