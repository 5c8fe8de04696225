"""What the party-building screen shows (docs/design.md §22.3): a grid's organization,
the advisers stationed there, its guidance records and reported members with their
service hours, and the actor's own stationings. Read only with `see_party`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from gridworker.domain.masking import mask_phone
from gridworker.domain.records_party import GuidanceKind, PartyOrg, PartyOrgKind
from gridworker.services.party import require_party
from gridworker.services.workspace import Workspace
from gridworker.storage.entity_rows import (
    AdviserPostingRow,
    PartyGuidanceLinkRow,
    PartyGuidanceRow,
    PartyMemberRow,
    PartyOrgRow,
    PartyServiceRow,
)
from gridworker.storage.models import CaseRow, GridRow, HouseholdRow, VisitRow


@dataclass(frozen=True)
class OrgView:
    id: str
    name: str
    kind: PartyOrgKind
    secretary: str | None
    members_count: int
    grids: tuple[str, ...]


@dataclass(frozen=True)
class PostingView:
    id: str
    grid_code: str
    adviser_name: str
    adviser: str | None
    sent_by: str | None
    since: date
    until: date | None


@dataclass(frozen=True)
class GuidanceView:
    id: str
    held_at: datetime
    kind: GuidanceKind
    topic: str
    adviser: str
    attendees: int | None
    links: int


@dataclass(frozen=True)
class MemberView:
    id: str
    name: str
    work_unit: str
    reported_on: date
    phone: str | None  # masked
    skills: str | None
    services: int
    hours: float


@dataclass(frozen=True)
class GridParty:
    grid_code: str
    org: OrgView | None
    postings: list[PostingView]
    guidance: list[GuidanceView]
    members: list[MemberView]


@dataclass(frozen=True)
class LinkChoice:
    entity: str  # visit or case
    id: str
    label: str


def _org_view(row: PartyOrgRow) -> OrgView:
    org = PartyOrg(**row.to_fields())
    return OrgView(
        org.id, org.name, org.kind, org.secretary, org.members_count, org.covered_grids()
    )


def _posting_view(p: AdviserPostingRow) -> PostingView:
    return PostingView(p.id, p.grid_code, p.adviser_name, p.adviser, p.sent_by, p.since, p.until)


def grid_party(ws: Workspace, grid_code: str, *, guidance_limit: int = 200) -> GridParty:
    """The party-building picture of one grid: its organization (its own, or one of its
    community that lists it), stationed advisers (current first), recent guidance and the
    members reported there with their service totals."""
    require_party(ws)
    today = ws.today()
    with ws.read() as s:
        org = None
        community = select(PartyOrgRow).where(
            PartyOrgRow.deleted.is_(False),
            PartyOrgRow.grid_code.startswith(grid_code[:12], autoescape=True),
        )
        for row in s.scalars(community.order_by(PartyOrgRow.grid_code, PartyOrgRow.id)):
            view = _org_view(row)
            if grid_code in view.grids:
                org = view
                if row.grid_code == grid_code:
                    break
        postings = [
            _posting_view(p)
            for p in s.scalars(
                select(AdviserPostingRow).where(
                    AdviserPostingRow.deleted.is_(False), AdviserPostingRow.grid_code == grid_code
                )
            )
        ]
        postings.sort(key=lambda p: (p.until is not None and p.until < today, p.adviser_name))
        links = dict(
            s.execute(
                select(PartyGuidanceLinkRow.guidance_id, func.count())
                .where(
                    PartyGuidanceLinkRow.deleted.is_(False),
                    PartyGuidanceLinkRow.grid_code == grid_code,
                )
                .group_by(PartyGuidanceLinkRow.guidance_id)
            ).all()
        )
        guidance = [
            GuidanceView(
                g.id, g.held_at, g.kind, g.topic, g.adviser, g.attendees, int(links.get(g.id, 0))
            )
            for g in s.scalars(
                select(PartyGuidanceRow)
                .where(PartyGuidanceRow.deleted.is_(False), PartyGuidanceRow.grid_code == grid_code)
                .order_by(PartyGuidanceRow.held_at.desc())
                .limit(guidance_limit)
            )
        ]
        totals: dict[str, tuple[int, float]] = defaultdict(lambda: (0, 0.0))
        for member_id, count, hours in s.execute(
            select(PartyServiceRow.member_id, func.count(), func.sum(PartyServiceRow.hours))
            .where(PartyServiceRow.deleted.is_(False), PartyServiceRow.grid_code == grid_code)
            .group_by(PartyServiceRow.member_id)
        ):
            totals[member_id] = (int(count), float(hours or 0))
        members = [
            MemberView(
                m.id,
                m.name,
                m.work_unit,
                m.reported_on,
                mask_phone(m.phone),
                m.skills,
                *totals[m.id],
            )
            for m in s.scalars(
                select(PartyMemberRow)
                .where(
                    PartyMemberRow.deleted.is_(False),
                    PartyMemberRow.grid_code == grid_code,
                    PartyMemberRow.left_on.is_(None),
                )
                .order_by(PartyMemberRow.name, PartyMemberRow.id)
            )
        ]
    return GridParty(grid_code, org, postings, guidance, members)


def my_stationings(ws: Workspace) -> list[PostingView]:
    """The actor's own current stationings (an adviser's grids and since when)."""
    require_party(ws)
    today = ws.today()
    with ws.read() as s:
        rows = s.scalars(
            select(AdviserPostingRow)
            .where(
                AdviserPostingRow.deleted.is_(False), AdviserPostingRow.adviser == ws.actor.username
            )
            .order_by(AdviserPostingRow.grid_code)
        ).all()
        views = [_posting_view(p) for p in rows]
    return [p for p in views if p.until is None or p.until >= today]


def party_grids(ws: Workspace) -> list[tuple[str, str]]:
    """(code, name) of the grids the actor works in: an adviser's stationings first, then
    the rest of their grids (a supervisor: every grid under the area held here)."""
    require_party(ws)
    with ws.read() as s:
        named = dict(s.execute(select(GridRow.code, GridRow.name)).all())
    codes = [p.grid_code for p in my_stationings(ws)]
    codes += [g for g in ws.actor.grids if g not in codes]
    area = ws.actor.area_code
    if area or ws.actor.role.code == "admin":
        codes += sorted(c for c in named if c.startswith(area or "") and c not in codes)
    return [(c, str(named.get(c) or "")) for c in codes]


def link_choices(ws: Workspace, grid_code: str, *, limit: int = 50) -> list[LinkChoice]:
    """Recent visits and open cases of a grid a guidance record may take up."""
    require_party(ws)
    with ws.read() as s:
        visits = s.execute(
            select(VisitRow.id, VisitRow.visited_at, HouseholdRow.address)
            .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id, isouter=True)
            .where(VisitRow.deleted.is_(False), VisitRow.grid_code == grid_code)
            .order_by(VisitRow.visited_at.desc())
            .limit(limit)
        ).all()
        cases = s.execute(
            select(CaseRow.id, CaseRow.title)
            .where(CaseRow.deleted.is_(False), CaseRow.grid_code == grid_code)
            .order_by(CaseRow.reported_at.desc())
            .limit(limit)
        ).all()
    zone = ws.zone
    out = [
        LinkChoice("visit", v.id, f"{v.visited_at.astimezone(zone):%m-%d %H:%M} {v.address or ''}")
        for v in visits
    ]
    out += [LinkChoice("case", c.id, c.title) for c in cases]
    return out
