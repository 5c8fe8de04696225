"""Household visits (入户走访) and the needs found on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.enums import NeedCategory, VisitMode
from gridworker.domain.errors import noun
from gridworker.domain.permissions import Cap
from gridworker.domain.validation import validate_text
from gridworker.services.access import check_write, require
from gridworker.services.tasks import answer_task
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow, NeedRow, ResidentRow, VisitRow


@dataclass
class NeedInput:
    category: NeedCategory
    text: str
    solved_on_spot: bool = False
    follow_up_date: date | None = None


@dataclass(frozen=True)
class VisitRecorded:
    visit_id: str
    need_ids: list[str]


def record_visit(
    ws: Workspace,
    *,
    household_id: str,
    mode: VisitMode,
    visited_at: datetime | None = None,
    people_met: str | None = None,
    situation: str | None = None,
    co_visitor: str | None = None,
    needs: Sequence[NeedInput] = (),
    lat: float | None = None,
    lon: float | None = None,
    task_id: str | None = None,
    met_resident_ids: Sequence[str] = (),
) -> VisitRecorded:
    """Log one visit and its needs in one transaction (each need a child row). A visit
    made for a task (`task_id`) records it and reports the task done (docs/design.md §23).
    `met_resident_ids`: the household's members met, ticked on the form (any member of the
    household, one recorded as gone too: meeting them is what the departure check is for,
    §4.9); someone else is refused."""
    require(ws, Cap.record_visit)
    when = visited_at or ws.now()
    if when.tzinfo is None:
        raise ServiceError("naive_datetime", field="visited_at")
    if when > ws.now():
        raise ServiceError("visit_in_future")
    for need in needs:
        validate_text(need.text, field="text", required=True)
    with ws.write() as s:
        household = s.get(HouseholdRow, household_id)
        if household is None or household.deleted:
            raise ServiceError("record_missing", what=noun("household"))
        check_write(ws, "visit", household.grid_code)
        met = list(dict.fromkeys(met_resident_ids))
        if met:
            members = set(
                s.scalars(
                    select(ResidentRow.id).where(
                        ResidentRow.household_id == household.id,
                        ResidentRow.deleted.is_(False),
                        ResidentRow.id.in_(met),
                    )
                )
            )
            stranger = next((rid for rid in met if rid not in members), None)
            if stranger is not None:
                raise ServiceError("visit_met_not_member", field="met_resident_ids")
        visit = VisitRow(
            id=ids.new_id(),
            grid_code=household.grid_code,
            household_id=household.id,
            visitor=ws.actor.username,
            visitor_name=ws.actor.display_name or None,
            co_visitor=co_visitor,
            visited_at=when,
            mode=mode,
            people_met=people_met,
            situation=situation,
            lat=lat,
            lon=lon,
            task_id=task_id,
            met_resident_ids=" ".join(met) or None,
        )
        s.add(visit)
        if task_id is not None:
            answer_task(ws, s, task_id, "visit", visit.id)
        need_ids = []
        for need in needs:
            row = NeedRow(
                id=ids.new_id(),
                grid_code=household.grid_code,
                visit_id=visit.id,
                category=need.category,
                text=need.text.strip(),
                solved_on_spot=need.solved_on_spot,
                follow_up_date=need.follow_up_date,
            )
            s.add(row)
            need_ids.append(row.id)
        return VisitRecorded(visit.id, need_ids)
