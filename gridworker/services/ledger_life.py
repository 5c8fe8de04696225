"""The 人口变动 sheet of the 台账 (services.ledgers, docs/design.md §13): the life events
of the scope in the period (by the event's date), with the person, household and who
recorded each; a withdrawn death says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from gridworker.domain.declare import declaration
from gridworker.services.workspace import Workspace
from gridworker.storage.models import GridRow, HouseholdRow, LifeEventRow, ResidentRow


def life_event_columns(
    date_format: str, datetime_format: str
) -> list[tuple[str, str, str, float, str | None]]:
    """(key, zh, en, width, number format) of the event's own columns, labelled as declared."""
    fields = declaration("life_event").fields
    widths = (
        ("kind", 11, None),
        ("event_date", 12, date_format),
        ("place", 20, None),
        ("reason", 20, None),
        ("note", 20, None),
        ("recorded_by", 10, None),
        ("recorded_at", 17, datetime_format),
    )
    return [(k, fields[k].spec.zh, fields[k].spec.en, w, fmt) for k, w, fmt in widths]


def _days(ws: Workspace, period: Any) -> tuple[date | None, date | None]:
    """The period's local days [first, last] (it is given as UTC instants [lo, hi))."""
    zone = ws.zone
    first = period.lo.astimezone(zone).date() if period.lo is not None else None
    last = (period.hi - timedelta(microseconds=1)).astimezone(zone).date() if period.hi else None
    return first, last


def _select(ws: Workspace, scope: str | None, period: Any, what: Any) -> Any:
    stmt = what.where(LifeEventRow.deleted.is_(False))
    if scope:
        stmt = stmt.where(LifeEventRow.grid_code.startswith(scope, autoescape=True))
    first, last = _days(ws, period)
    if first is not None:
        stmt = stmt.where(LifeEventRow.event_date >= first)
    if last is not None:
        stmt = stmt.where(LifeEventRow.event_date <= last)
    return stmt


def life_event_rows(
    ws: Workspace, s: Session, scope: str | None, period: Any, lang: str
) -> Iterator[dict[str, Any]]:
    previous = aliased(ResidentRow)
    stmt = _select(
        ws,
        scope,
        period,
        select(LifeEventRow, GridRow.name, HouseholdRow, ResidentRow.name, previous.name)
        .outerjoin(GridRow, GridRow.code == LifeEventRow.grid_code)
        .outerjoin(HouseholdRow, HouseholdRow.id == LifeEventRow.household_id)
        .outerjoin(ResidentRow, ResidentRow.id == LifeEventRow.resident_id)
        .outerjoin(previous, previous.id == LifeEventRow.previous_head_id),
    ).order_by(LifeEventRow.event_date, LifeEventRow.recorded_at, LifeEventRow.id)
    undone = select(LifeEventRow.undoes_id).where(LifeEventRow.undoes_id.is_not(None))
    withdrawn = {i for (i,) in s.execute(undone)}
    english = lang.startswith("en")
    for event, grid_name, household, person, previous_head in s.execute(stmt):
        notes = [event.note] if event.note else []
        if previous_head:
            notes.append(f"previous head {previous_head}" if english else f"原户主 {previous_head}")
        if event.id in withdrawn:
            notes.append("withdrawn" if english else "已撤销")
        yield {
            "id": event.id,
            "grid_code": event.grid_code,
            "grid_name": grid_name,
            "household_no": household.household_no if household else None,
            "address": household.address if household else None,
            "name": person,
            "kind": event.kind,
            "event_date": event.event_date,
            "place": event.place,
            "reason": event.reason,
            "note": "；".join(notes) if not english else "; ".join(notes),
            "recorded_by": event.recorded_by,
            "recorded_at": event.recorded_at,
        }


def count_life_events(ws: Workspace, s: Session, scope: str | None, period: Any) -> int:
    counted = select(func.count()).select_from(LifeEventRow)
    return int(s.scalar(_select(ws, scope, period, counted)) or 0)
