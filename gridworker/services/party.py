"""Party building on the laptop (docs/design.md §22): grid party organizations, advisers'
stationings and guidance records, reported party members and their service records.

Every write goes through the declaration (the record is built and validated as the
domain entity, so the laptop refuses what the server would) and the role table
(`access.check_write`: an adviser, a supervisor or the admin writes these records; only
a supervisor or the admin stations advisers). Reading party records needs `see_party`:
a grid worker's laptop never holds them (the server does not send them), and the
services refuse to list them there all the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.declare import declaration
from gridworker.domain.entities import SYNC_ENTITIES
from gridworker.domain.errors import BiText, noun
from gridworker.domain.permissions import Cap, may, may_read
from gridworker.domain.record import Record
from gridworker.domain.records_party import (
    GuidanceKind,
    PartyOrgKind,
    ReportPlace,
)
from gridworker.services.access import check_grid, check_write
from gridworker.services.references import referring
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, CaseRow, VisitRow
from gridworker.storage.rows_base import SyncRecord


def require_party(ws: Workspace) -> None:
    """Party-building records are read only by the roles that work with them (§22.2)."""
    if not may(ws.actor.role, Cap.see_party):
        raise ServiceError("role_no_party")


def _row_values(record: Record) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name != "version"}


def _require_read(ws: Workspace, entity: str) -> None:
    """Party records are read and written only by the roles that see party membership;
    the 三单一协议 lists by every role that writes them."""
    if not may_read(ws.actor.role, declaration(entity).group):
        raise ServiceError("role_no_party")


def create_record(
    s: Session,
    ws: Workspace,
    entity: str,
    values: Mapping[str, Any],
    *,
    record_id: str | None = None,
) -> str:
    """A new record of `entity` (id `record_id`, else a new one), validated as the domain
    entity, in a covered grid."""
    _require_read(ws, entity)
    check_write(ws, entity, str(values["grid_code"]))
    record = SYNC_ENTITIES[entity](id=record_id or ids.new_id(), **values).validate()
    s.add(SYNC_MODELS[entity](**_row_values(record)))
    return record.id


def update_record(
    s: Session, ws: Workspace, entity: str, record_id: str, changes: Mapping[str, Any]
) -> None:
    """Some fields of a record, validated with the rest; only the changed ones are queued."""
    _require_read(ws, entity)
    bad = set(changes) & {"id", "version", "deleted"}
    if bad:
        raise ServiceError("fields_not_editable", fields=", ".join(sorted(bad)))
    row = s.get(SYNC_MODELS[entity], record_id)
    if row is None or row.deleted:
        raise ServiceError("record_missing", what=noun(entity))
    co_grid = _co_grid(ws, entity, row)
    if co_grid:
        # Reached through another of its grids: edited here too, but its grids stay with
        # its first grid's people, as on the server (server/shared_reach.py, §22.1).
        check_write(ws, entity, next(g for g in _covered(row) if ws.actor.covers(g)))
    else:
        check_write(ws, entity, row.grid_code)
    if "grid_code" in changes and not co_grid:
        check_grid(ws, str(changes["grid_code"]))
    current = SYNC_ENTITIES[entity](**row.to_fields())
    new = replace(current, **changes).validate()
    if co_grid and new.covered_grids() != current.covered_grids():  # type: ignore[attr-defined]
        raise ServiceError("party_org_first_grid")
    for key, value in _row_values(new).items():
        if getattr(row, key) != value:
            setattr(row, key, value)


def _co_grid(ws: Workspace, entity: str, row: Any) -> bool:
    """An organization the actor reaches only through one of its other grids."""
    return (
        entity == "party_org"
        and not ws.actor.covers(row.grid_code)
        and any(ws.actor.covers(g) for g in _covered(row))
    )


def _covered(row: Any) -> tuple[str, ...]:
    org = SYNC_ENTITIES["party_org"](**row.to_fields())
    return tuple(org.covered_grids())  # type: ignore[attr-defined]


def live_row(s: Session, model: type[SyncRecord], record_id: str | None, what: str) -> Any:
    """A live row of `model` (else `record_missing`, naming `what`)."""
    row = None if record_id is None else s.get(model, record_id)
    if row is None or row.deleted:
        raise ServiceError("record_missing", what=noun(what))
    return row


# --- organizations and stationings ------------------------------------------------------


def save_org(
    ws: Workspace,
    *,
    grid_code: str,
    name: str,
    kind: PartyOrgKind | str,
    secretary: str | None = None,
    secretary_phone: str | None = None,
    members_count: int = 0,
    other_grids: str | None = None,
    founded_on: date | None = None,
    note: str | None = None,
) -> str:
    """Register a grid's party organization (党支部 or 党小组); its id."""
    values = {
        "grid_code": grid_code,
        "name": name,
        "kind": kind,
        "secretary": secretary,
        "secretary_phone": secretary_phone,
        "members_count": members_count,
        "other_grids": other_grids,
        "founded_on": founded_on,
        "note": note,
    }
    with ws.write() as s:
        return create_record(s, ws, "party_org", values)


def edit(ws: Workspace, entity: str, record_id: str, **changes: Any) -> None:
    """Change fields of a party-building record (organization, stationing, member,
    guidance or service record) or of a 三单一协议 list's record."""
    if entity not in _EDITABLE:
        raise ServiceError("record_missing", what=noun("record"))
    with ws.write() as s:
        update_record(s, ws, entity, record_id, changes)


def remove(ws: Workspace, entity: str, record_id: str) -> None:
    """Tombstone a party-building record (it syncs as a delete)."""
    if entity not in _EDITABLE:
        raise ServiceError("record_missing", what=noun("record"))
    _require_read(ws, entity)
    with ws.write() as s:
        row = live_row(s, SYNC_MODELS[entity], record_id, entity)
        if _co_grid(ws, entity, row):
            raise ServiceError("party_org_first_grid")
        check_write(ws, entity, row.grid_code)
        row.deleted = True


def values_of(ws: Workspace, entity: str, record_id: str) -> dict[str, Any]:
    """The fields of a live record held here, to fill its edit form."""
    if entity not in _EDITABLE:
        raise ServiceError("record_missing", what=noun("record"))
    _require_read(ws, entity)
    with ws.read() as s:
        row = live_row(s, SYNC_MODELS[entity], record_id, entity)
        return dict(row.to_fields())


def withdraw(ws: Workspace, entity: str, record_id: str, *, reason: str) -> None:
    """Withdraw (撤销) a 三单一协议 record or a service station entered by mistake or no
    longer offered: tombstoned (it syncs as a delete) only when no live record refers to it,
    else refused naming what does and how many; the reason stays in the profile's audit
    (docs/design.md §22.7)."""
    if entity not in _WITHDRAWABLE:
        raise ServiceError("record_missing", what=noun("record"))
    reason = reason.strip()
    if not reason:
        raise ServiceError("withdraw_needs_reason")
    _require_read(ws, entity)
    with ws.write() as s:
        row = live_row(s, SYNC_MODELS[entity], record_id, entity)
        community = row.grid_code[:12]
        if not ws.actor.covers(row.grid_code) and not any(
            g[:12] == community for g in ws.actor.grids
        ):
            # Not on any list the actor is shown (those are of their communities): an id
            # probed from outside gets the answer of a missing one.
            raise ServiceError("record_missing", what=noun(entity))
        check_write(ws, entity, row.grid_code)
        refs = referring(s, entity, record_id)
        if refs:
            label = declaration(entity).label_field or "id"
            raise ServiceError(
                "withdraw_in_use",
                what=noun(entity),
                name=str(getattr(row, label, "") or ""),
                refs=BiText(
                    "、".join(f"{n}项{noun(e).label('zh_CN')}" for e, n in refs),
                    ", ".join(f"{n} × {noun(e).label('en')}" for e, n in refs),
                ),
            )
        row.deleted = True
        ws.audit(s, "withdraw", entity=entity, record_id=record_id, detail={"reason": reason})


_WITHDRAWABLE = frozenset({"coop_agreement", "coop_resource", "coop_project", "service_station"})

_EDITABLE = frozenset(
    {"party_org", "adviser_posting", "party_member", "party_guidance", "party_service"}
    | {"coop_agreement", "coop_resource", "coop_project", "coop_need"}
    | {"service_station", "volunteer", "volunteer_activity"}
)


def station_adviser(
    ws: Workspace,
    *,
    grid_code: str,
    adviser_name: str,
    since: date,
    adviser: str | None = None,
    org_id: str | None = None,
    sent_by: str | None = None,
    phone: str | None = None,
    until: date | None = None,
) -> str:
    """Station an adviser in a grid from `since` (a supervisor's or the admin's); its id."""
    values = {
        "grid_code": grid_code,
        "adviser_name": adviser_name,
        "adviser": adviser,
        "org_id": org_id,
        "sent_by": sent_by,
        "phone": phone,
        "since": since,
        "until": until,
    }
    with ws.write() as s:
        return create_record(s, ws, "adviser_posting", values)


# --- guidance -------------------------------------------------------------------------


def record_guidance(
    ws: Workspace,
    *,
    grid_code: str,
    kind: GuidanceKind | str,
    topic: str,
    held_at: datetime | None = None,
    org_id: str | None = None,
    attendees: int | None = None,
    problems: str | None = None,
    outcome: str | None = None,
    visit_ids: Iterable[str] = (),
    case_ids: Iterable[str] = (),
) -> str:
    """An adviser's 指导记录 in a grid, with the visits and cases it took up (each a
    link row, in the same transaction); its id. Only the adviser records their own."""
    when = held_at or ws.now()
    if when.tzinfo is None:
        raise ServiceError("naive_datetime", field="held_at")
    if when > ws.now():
        raise ServiceError("party_in_future", field="held_at")
    values = {
        "grid_code": grid_code,
        "adviser": ws.actor.username,
        "held_at": when,
        "kind": kind,
        "topic": topic,
        "org_id": org_id,
        "attendees": attendees,
        "problems": problems,
        "outcome": outcome,
    }
    with ws.write() as s:
        guidance_id = create_record(s, ws, "party_guidance", values)
        targets: list[tuple[str, type[SyncRecord], str, str]] = [
            ("visit_id", VisitRow, v, "visit") for v in dict.fromkeys(visit_ids)
        ]
        targets += [("case_id", CaseRow, c, "case") for c in dict.fromkeys(case_ids)]
        for field, model, target_id, what in targets:
            target = live_row(s, model, target_id, "record" if what == "visit" else what)
            if target.grid_code != grid_code:
                raise ServiceError("party_link_grid")
            link = {"grid_code": grid_code, "guidance_id": guidance_id, field: target_id}
            create_record(s, ws, "party_guidance_link", link)
        return guidance_id


# --- reported members and their service -----------------------------------------------


def add_member(
    ws: Workspace,
    *,
    grid_code: str,
    name: str,
    work_unit: str,
    reported_on: date,
    unit_party_org: str | None = None,
    place: ReportPlace | str = ReportPlace.residence,
    phone: str | None = None,
    skills: str | None = None,
) -> str:
    """An in-service party member who reported to the grid's community (双报到); its id."""
    values = {
        "grid_code": grid_code,
        "name": name,
        "work_unit": work_unit,
        "unit_party_org": unit_party_org,
        "reported_on": reported_on,
        "place": place,
        "phone": phone,
        "skills": skills,
    }
    with ws.write() as s:
        return create_record(s, ws, "party_member", values)


def record_service(
    ws: Workspace,
    *,
    member_id: str,
    served_on: date,
    activity: str,
    hours: float,
    beneficiaries: int = 0,
    note: str | None = None,
) -> str:
    """A reported member's service (in the member's grid); its id."""
    if served_on > ws.today():
        raise ServiceError("party_in_future", field="served_on")
    with ws.write() as s:
        member = live_row(s, SYNC_MODELS["party_member"], member_id, "party_member")
        # Service counts as 双报到 service only while the member is reported here: the
        # party report and the ledger's member sheet then count the same services (§22.6).
        if served_on < member.reported_on:
            raise ServiceError("party_service_before_report", date=member.reported_on.isoformat())
        if member.left_on is not None and served_on > member.left_on:
            raise ServiceError("party_service_after_leaving", date=member.left_on.isoformat())
        values = {
            "grid_code": member.grid_code,
            "member_id": member_id,
            "served_on": served_on,
            "activity": activity,
            "hours": float(hours),
            "beneficiaries": beneficiaries,
            "note": note,
        }
        return create_record(s, ws, "party_service", values)
