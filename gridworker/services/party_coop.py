"""三单一协议 on the laptop (docs/design.md §22.7): the community's needs list (a need found
on a visit can be promoted to it), the paired organizations' resources, joint projects and
co-building agreements; a need matched to a resource, a project or a reported member, then
done.

Every grid role that writes the list may use these (grid workers too); a need is matched
to a reported member only by a role that sees party membership (`see_party`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gridworker.domain.permissions import Cap, may
from gridworker.domain.records_coop import (
    CoopNeed,
    CoopNeedKind,
    CoopNeedStatus,
    ProjectStatus,
    ResourceKind,
)
from gridworker.services.attachments import attach
from gridworker.services.party import create_record, live_row, update_record
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import (
    CoopAgreementRow,
    CoopNeedRow,
    CoopProjectRow,
    CoopResourceRow,
    PartyMemberRow,
)
from gridworker.storage.models import AttachmentRow, NeedRow, VisitRow


def sign_agreement(
    ws: Workspace,
    *,
    grid_code: str,
    community: str,
    partner: str,
    signed_on: date,
    starts_on: date,
    ends_on: date | None = None,
    content: str | None = None,
    files: Sequence[Path] = (),
) -> str:
    """A co-building agreement of the grid's community with an organization; its id."""
    values = {
        "grid_code": grid_code,
        "community": community,
        "partner": partner,
        "signed_on": signed_on,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "content": content,
    }
    with ws.write() as s:
        agreement = create_record(s, ws, "coop_agreement", values)
    for path in files:  # the agreement's document (a scan, a PDF)
        attach(ws, owner_entity="coop_agreement", owner_id=agreement, path=path, caption=path.name)
    return agreement


def add_resource(
    ws: Workspace,
    *,
    grid_code: str,
    partner: str,
    kind: ResourceKind | str,
    description: str,
    listed_on: date | None = None,
    contact: str | None = None,
    contact_phone: str | None = None,
    agreement_id: str | None = None,
) -> str:
    """A resource an organization offers (资源清单); its id."""
    values = {
        "grid_code": grid_code,
        "partner": partner,
        "kind": kind,
        "description": description,
        "listed_on": listed_on or ws.today(),
        "contact": contact,
        "contact_phone": contact_phone,
        "agreement_id": agreement_id,
    }
    with ws.write() as s:
        return create_record(s, ws, "coop_resource", values)


def add_project(
    ws: Workspace,
    *,
    grid_code: str,
    name: str,
    partners: str,
    starts_on: date,
    ends_on: date | None = None,
    status: ProjectStatus | str = ProjectStatus.planned,
    description: str | None = None,
    agreement_id: str | None = None,
) -> str:
    """A joint project (项目清单); its id."""
    values = {
        "grid_code": grid_code,
        "name": name,
        "partners": partners,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "status": status,
        "description": description,
        "agreement_id": agreement_id,
    }
    with ws.write() as s:
        return create_record(s, ws, "coop_project", values)


def list_need(
    ws: Workspace,
    *,
    grid_code: str,
    summary: str,
    kind: CoopNeedKind | str,
    listed_on: date | None = None,
    detail: str | None = None,
    beneficiary: str | None = None,
) -> str:
    """Put a need on the community's list (需求清单, 微心愿 among them); its id."""
    day = listed_on or ws.today()
    if day > ws.today():
        raise ServiceError("party_in_future", field="listed_on")
    values = {
        "grid_code": grid_code,
        "summary": summary,
        "kind": kind,
        "listed_on": day,
        "detail": detail,
        "beneficiary": beneficiary,
    }
    with ws.write() as s:
        return create_record(s, ws, "coop_need", values)


def promote_need(
    ws: Workspace, need_id: str, *, kind: CoopNeedKind | str = CoopNeedKind.livelihood
) -> str:
    """Put a need found on a visit on the list (once), with its text; the list's id."""
    with ws.write() as s:
        found = live_row(s, NeedRow, need_id, "need")
        already = s.scalar(
            select(CoopNeedRow.id).where(
                CoopNeedRow.visit_need_id == need_id, CoopNeedRow.deleted.is_(False)
            )
        )
        if already is not None:
            raise ServiceError("coop_need_promoted")
        text = " ".join(found.text.split())
        values = {
            "grid_code": found.grid_code,
            "summary": text if len(text) <= 100 else text[:99] + "…",
            "kind": kind,
            "listed_on": ws.today(),
            "detail": found.text,
            "visit_need_id": need_id,
        }
        return create_record(s, ws, "coop_need", values)


_CLAIMANT_ROWS = {
    "resource_id": (CoopResourceRow, "coop_resource"),
    "project_id": (CoopProjectRow, "coop_project"),
    "member_id": (PartyMemberRow, "party_member"),
}


def claim_need(
    ws: Workspace,
    need_id: str,
    *,
    resource_id: str | None = None,
    project_id: str | None = None,
    member_id: str | None = None,
    on: date | None = None,
) -> None:
    """Match a listed need to one resource, project or reported member of its community."""
    day = on or ws.today()
    if day > ws.today():
        raise ServiceError("party_in_future", field="claimed_on")
    chosen = {
        k: v
        for k, v in (
            ("resource_id", resource_id),
            ("project_id", project_id),
            ("member_id", member_id),
        )
        if v
    }
    if "member_id" in chosen and not may(ws.actor.role, Cap.see_party):
        raise ServiceError("role_no_party")
    with ws.write() as s:
        row = live_row(s, CoopNeedRow, need_id, "coop_need")
        for field, value in chosen.items():
            model, what = _CLAIMANT_ROWS[field]
            claimant = live_row(s, model, value, what)
            if claimant.grid_code[:12] != row.grid_code[:12]:
                raise ServiceError("coop_claim_community")
        need = CoopNeed(**row.to_fields()).claim(on=day, **chosen)
        update_record(s, ws, "coop_need", need_id, _changes(row, need))


def complete_need(
    ws: Workspace, need_id: str, *, on: date | None = None, outcome: str | None = None
) -> None:
    """A claimed need is done."""
    day = on or ws.today()
    if day > ws.today():
        raise ServiceError("party_in_future", field="done_on")
    with ws.write() as s:
        row = live_row(s, CoopNeedRow, need_id, "coop_need")
        need = CoopNeed(**row.to_fields()).complete(on=day, outcome=outcome)
        update_record(s, ws, "coop_need", need_id, _changes(row, need))


def _changes(row: CoopNeedRow, need: CoopNeed) -> dict[str, object]:
    fields = ("status", "resource_id", "project_id", "member_id", "claimed_on", "done_on")
    return {
        f: getattr(need, f) for f in (*fields, "outcome") if getattr(row, f) != getattr(need, f)
    }


@dataclass(frozen=True)
class NeedView:
    id: str
    summary: str
    kind: CoopNeedKind
    status: CoopNeedStatus
    listed_on: date
    claimant: str  # the resource's, project's or member's name; "" while listed
    done_on: date | None


@dataclass(frozen=True)
class Claimant:
    field: str  # resource_id, project_id or member_id
    id: str
    label: str


@dataclass(frozen=True)
class CoopBoard:
    grid_code: str
    needs: list[NeedView]
    claimants: list[Claimant]  # what a need of this grid may be matched to
    promotable: list[tuple[str, str]]  # needs found on visits not yet listed: id, label
    agreements: int
    resources: int
    projects: int
    # the community's lists themselves (三单一协议's 资源清单, 项目清单 and the agreements)
    offers: list[OfferView] = field(default_factory=list)


@dataclass(frozen=True)
class OfferView:
    """One agreement, resource or project of the community, as its list shows it."""

    entity: str  # coop_agreement | coop_resource | coop_project
    id: str
    name: str  # the partner (agreement), partner：what (resource), the project's name
    kind: str  # the resource's kind, the project's status ("" for an agreement)
    period: str  # from – until (agreement, project), listed on (resource)
    files: int  # files attached (an agreement's document)


def coop_board(ws: Workspace, grid_code: str) -> CoopBoard:
    """The needs of a grid (open first) and what its community offers to match them."""
    community = grid_code[:12]
    sees_members = may(ws.actor.role, Cap.see_party)
    with ws.read() as s:

        def of_community(model: Any) -> list[Any]:
            return list(
                s.scalars(
                    select(model).where(
                        model.deleted.is_(False),
                        model.grid_code.startswith(community, autoescape=True),
                    )
                )
            )

        resources = of_community(CoopResourceRow)
        projects = of_community(CoopProjectRow)
        agreements = of_community(CoopAgreementRow)
        members = (
            list(
                s.scalars(
                    select(PartyMemberRow).where(
                        PartyMemberRow.deleted.is_(False),
                        PartyMemberRow.grid_code == grid_code,
                        PartyMemberRow.left_on.is_(None),
                    )
                )
            )
            if sees_members
            else []
        )
        needs = list(
            s.scalars(
                select(CoopNeedRow).where(
                    CoopNeedRow.deleted.is_(False), CoopNeedRow.grid_code == grid_code
                )
            )
        )
        listed = {n.visit_need_id for n in needs if n.visit_need_id}
        found = s.execute(
            select(NeedRow.id, NeedRow.text, VisitRow.visited_at)
            .join(VisitRow, VisitRow.id == NeedRow.visit_id)
            .where(
                NeedRow.deleted.is_(False),
                NeedRow.grid_code == grid_code,
                NeedRow.solved_on_spot.is_(False),
            )
            .order_by(VisitRow.visited_at.desc())
            .limit(200)
        ).all()
    zone = ws.zone
    promotable = [
        (need_id, f"{at.astimezone(zone):%m-%d} {text}")
        for need_id, text, at in found
        if need_id not in listed
    ]
    names = {r.id: f"{r.partner}：{r.description}" for r in resources}
    names |= {p.id: p.name for p in projects}
    names |= {m.id: m.name for m in members}
    order = {CoopNeedStatus.listed: 0, CoopNeedStatus.claimed: 1, CoopNeedStatus.done: 2}
    views = [
        NeedView(
            n.id,
            n.summary,
            n.kind,
            n.status,
            n.listed_on,
            names.get(n.resource_id or n.project_id or n.member_id or "", ""),
            n.done_on,
        )
        for n in needs
    ]
    views.sort(key=lambda v: (order[v.status], -v.listed_on.toordinal(), v.summary))
    claimants = [Claimant("resource_id", r.id, names[r.id]) for r in resources]
    claimants += [Claimant("project_id", p.id, p.name) for p in projects]
    claimants += [Claimant("member_id", m.id, m.name) for m in members]
    return CoopBoard(
        grid_code,
        views,
        claimants,
        promotable,
        len(agreements),
        len(resources),
        len(projects),
        _offers(ws, agreements, resources, projects),
    )


def _offers(ws: Workspace, agreements: Any, resources: Any, projects: Any) -> list[OfferView]:
    def span(start: date, end: date | None) -> str:
        return f"{start.isoformat()} – {end.isoformat() if end else ''}".rstrip()

    ids = [a.id for a in agreements]
    with ws.read() as s:
        counted = s.execute(
            select(AttachmentRow.owner_id, func.count())
            .where(AttachmentRow.owner_id.in_(ids), AttachmentRow.deleted.is_(False))
            .group_by(AttachmentRow.owner_id)
        ).all()
    files = {owner: int(n) for owner, n in counted}
    out = [
        OfferView(
            "coop_agreement", a.id, a.partner, "", span(a.starts_on, a.ends_on), files.get(a.id, 0)
        )
        for a in sorted(agreements, key=lambda a: (a.starts_on, a.partner))
    ]
    out += [
        OfferView(
            "coop_resource",
            r.id,
            f"{r.partner}：{r.description}",
            r.kind.zh,
            r.listed_on.isoformat(),
            0,
        )
        for r in sorted(resources, key=lambda r: (r.partner, r.description))
    ]
    out += [
        OfferView("coop_project", p.id, p.name, p.status.zh, span(p.starts_on, p.ends_on), 0)
        for p in sorted(projects, key=lambda p: (p.starts_on, p.name))
    ]
    return out
