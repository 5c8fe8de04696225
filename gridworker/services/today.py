"""工作台 ("my day"): what a grid worker should do today, from the local database.

Three lists, each sorted most urgent first:

- visits due: every tagged resident of the user's grids whose household's last
  visit is older than the tag's visit interval (the resident's own interval on
  the tag row, else the tag's default, DOMAIN.md); a resident with several tags
  is listed once, under the tag that falls due first;
- rectifications due: open rectifications whose deadline is within a week or past;
- cases near their deadline: open cases that are due soon or overdue (docs/design.md §5),
  with the working time left on the workspace's calendar.

Everything returned is plain values (safe to hand from a worker thread to the UI).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select

from gridworker.domain.deadlines import (
    DeadlineRules,
    DeadlineStatus,
    case_deadline_status,
    case_effective_deadline,
)
from gridworker.domain.entities import Case
from gridworker.domain.enums import (
    CaseState,
    HazardKind,
    RectificationStatus,
    Role,
    TagKind,
    Urgency,
)
from gridworker.services.records import to_entity
from gridworker.services.standing import in_register
from gridworker.services.workspace import Workspace
from gridworker.storage.models import (
    CaseRow,
    HazardSiteRow,
    HouseholdRow,
    RectificationRow,
    ResidentRow,
    ResidentTagRow,
    VisitRow,
)

# Visits falling due within this many days are listed with the overdue ones (default).
VISIT_HORIZON_DAYS = 2
# Rectifications are listed a week before their deadline (the brief of the 工作台).
RECTIFICATION_HORIZON_DAYS = 7
OPEN_CASE_STATES = tuple(state for state in CaseState if state.is_open)


@dataclass(frozen=True)
class VisitDue:
    """A tagged resident whose next visit is due (or overdue)."""

    resident_id: str
    household_id: str
    grid_code: str
    name: str
    address: str
    tag: TagKind  # the tag whose interval falls due first
    tags: tuple[TagKind, ...]  # all active tags, the driving one first
    interval_days: int
    last_visit: date | None  # the household's last visit, local date; None if never
    due_on: date
    days_overdue: int  # > 0 overdue by that many days, 0 due today, < 0 due in -n days

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class RectificationDue:
    """An open rectification whose deadline is near or past."""

    id: str
    site_id: str
    grid_code: str
    site_name: str
    site_kind: HazardKind | None
    item: str
    deadline: date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class CaseDue:
    """An open case that is due soon or overdue."""

    id: str
    grid_code: str
    title: str
    state: CaseState
    urgency: Urgency
    deadline: datetime  # effective deadline (suspended time added back), calendar zone
    status: DeadlineStatus  # due_soon or overdue
    remaining_seconds: float  # working seconds left; negative: overdue by that much
    escalated: bool
    extension_pending: bool

    @property
    def overdue(self) -> bool:
        return self.status is DeadlineStatus.overdue


@dataclass(frozen=True)
class DayCounts:
    visits_due: int  # overdue included
    visits_overdue: int
    rectifications_due: int
    rectifications_overdue: int
    cases_due: int  # due soon + overdue
    cases_overdue: int


@dataclass(frozen=True)
class MyDay:
    now: datetime
    today: date  # in the calendar's zone
    visits: list[VisitDue]
    rectifications: list[RectificationDue]
    cases: list[CaseDue]
    working_day_seconds: float  # length of a working day, to show working time left

    @property
    def counts(self) -> DayCounts:
        return DayCounts(
            visits_due=len(self.visits),
            visits_overdue=sum(v.overdue for v in self.visits),
            rectifications_due=len(self.rectifications),
            rectifications_overdue=sum(r.overdue for r in self.rectifications),
            cases_due=len(self.cases),
            cases_overdue=sum(c.overdue for c in self.cases),
        )


def my_day(
    ws: Workspace,
    *,
    now: datetime | None = None,
    visit_horizon_days: int = VISIT_HORIZON_DAYS,
    rectification_horizon_days: int = RECTIFICATION_HORIZON_DAYS,
    rules: DeadlineRules | None = None,
) -> MyDay:
    """The 工作台 of the signed-in user at `now` (default: the workspace clock).

    `rules` default to the workspace's (the district's as synced, else built-in).
    """
    moment = now or ws.now()
    today = moment.astimezone(ws.calendar.zone).date()
    return MyDay(
        now=moment,
        today=today,
        visits=visits_due(ws, today=today, horizon_days=visit_horizon_days),
        rectifications=rectifications_due(ws, today=today, horizon_days=rectification_horizon_days),
        cases=cases_near_deadline(ws, now=moment, rules=rules),
        working_day_seconds=ws.calendar.working_seconds_per_day,
    )


def _in_scope(ws: Workspace, column: Any) -> ColumnElement[bool] | None:
    """Rows of the user's grids (None: no filter). The local database already holds only
    what the server shares; this keeps a supervisor's or an old profile's view honest."""
    actor = ws.actor
    if actor.role in (Role.admin, Role.department):
        return None  # district-wide, or the cases dispatched to the department
    clauses: list[ColumnElement[bool]] = []
    if actor.grids:
        clauses.append(column.in_(actor.grids))
    if actor.area_code:
        clauses.append(column.startswith(actor.area_code, autoescape=True))
    return or_(*clauses) if clauses else false()


def _interval(row_days: int | None, tag: TagKind) -> int:
    return row_days if row_days is not None and row_days > 0 else tag.visit_interval_days


def visits_due(
    ws: Workspace, *, today: date, horizon_days: int = VISIT_HORIZON_DAYS
) -> list[VisitDue]:
    """Tagged residents whose household's next visit falls due by `today + horizon_days`,
    most overdue first. A resident never visited is due one interval after the tag's
    start date, or today when the tag has none."""
    last = (
        select(
            VisitRow.household_id.label("household_id"),
            func.max(VisitRow.visited_at).label("last_at"),
        )
        .where(VisitRow.deleted.is_(False))
        .group_by(VisitRow.household_id)
        .subquery()
    )
    stmt = (
        select(
            ResidentTagRow.resident_id,
            ResidentTagRow.tag,
            ResidentTagRow.start_date,
            ResidentTagRow.visit_interval_days,
            ResidentRow.name,
            ResidentRow.household_id,
            ResidentRow.grid_code,
            HouseholdRow.address,
            last.c.last_at,
        )
        .join(ResidentRow, ResidentRow.id == ResidentTagRow.resident_id)
        .join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
        .outerjoin(last, last.c.household_id == ResidentRow.household_id)
        .where(
            ResidentTagRow.deleted.is_(False),
            ResidentRow.deleted.is_(False),
            in_register(),  # moved out or died: no visit is due (docs/design.md §12)
            HouseholdRow.deleted.is_(False),
            or_(ResidentTagRow.start_date.is_(None), ResidentTagRow.start_date <= today),
            or_(ResidentTagRow.end_date.is_(None), ResidentTagRow.end_date >= today),
        )
    )
    scope = _in_scope(ws, ResidentRow.grid_code)
    if scope is not None:
        stmt = stmt.where(scope)
    zone = ws.calendar.zone
    # resident id -> [(due_on, interval, tag)], plus the fields shown once per resident
    per_resident: dict[str, list[tuple[date, int, TagKind]]] = {}
    info: dict[str, tuple[str, str, str, str, date | None]] = {}
    with ws.read() as s:
        for rid, tag, start, row_days, name, hid, grid, address, last_at in s.execute(stmt):
            interval = _interval(row_days, tag)
            last_visit = last_at.astimezone(zone).date() if last_at is not None else None
            if last_visit is not None:
                due_on = last_visit + timedelta(days=interval)
            elif start is not None:
                due_on = start + timedelta(days=interval)
            else:
                due_on = today
            per_resident.setdefault(rid, []).append((due_on, interval, tag))
            info[rid] = (name, hid, grid, address, last_visit)
    horizon = today + timedelta(days=horizon_days)
    out: list[VisitDue] = []
    for rid, dues in per_resident.items():
        dues.sort(key=lambda d: (d[0], d[1], d[2].code))
        due_on, interval, tag = dues[0]
        if due_on > horizon:
            continue
        name, hid, grid, address, last_visit = info[rid]
        out.append(
            VisitDue(
                resident_id=rid,
                household_id=hid,
                grid_code=grid,
                name=name,
                address=address,
                tag=tag,
                tags=tuple(d[2] for d in dues),
                interval_days=interval,
                last_visit=last_visit,
                due_on=due_on,
                days_overdue=(today - due_on).days,
            )
        )
    out.sort(key=lambda v: (-v.days_overdue, v.interval_days, v.name, v.resident_id))
    return out


def rectifications_due(
    ws: Workspace, *, today: date, horizon_days: int = RECTIFICATION_HORIZON_DAYS
) -> list[RectificationDue]:
    """Rectifications still being fixed (整改中) with a deadline by `today + horizon_days`,
    earliest deadline first. Those reported fixed wait for re-inspection, not a deadline."""
    horizon = today + timedelta(days=horizon_days)
    stmt = (
        select(
            RectificationRow.id,
            RectificationRow.site_id,
            RectificationRow.grid_code,
            RectificationRow.description,
            RectificationRow.deadline,
            HazardSiteRow.name,
            HazardSiteRow.kind,
        )
        .outerjoin(HazardSiteRow, HazardSiteRow.id == RectificationRow.site_id)
        .where(
            RectificationRow.deleted.is_(False),
            RectificationRow.status == RectificationStatus.open,
            RectificationRow.deadline <= horizon,
        )
        .order_by(RectificationRow.deadline, RectificationRow.id)
    )
    scope = _in_scope(ws, RectificationRow.grid_code)
    if scope is not None:
        stmt = stmt.where(scope)
    with ws.read() as s:
        return [
            RectificationDue(
                id=rid,
                site_id=site_id,
                grid_code=grid,
                site_name=site_name or "",
                site_kind=kind,
                item=description,
                deadline=deadline,
                days_left=(deadline - today).days,
            )
            for rid, site_id, grid, description, deadline, site_name, kind in s.execute(stmt)
        ]


def cases_near_deadline(
    ws: Workspace, *, now: datetime, rules: DeadlineRules | None = None
) -> list[CaseDue]:
    """Open cases due soon or overdue (docs/design.md §5), nearest deadline first."""
    stmt = select(CaseRow).where(
        CaseRow.deleted.is_(False),
        CaseRow.state.in_(OPEN_CASE_STATES),
        CaseRow.deadline_at.is_not(None),
    )
    scope = _in_scope(ws, CaseRow.grid_code)
    if scope is not None:
        stmt = stmt.where(scope)
    out: list[CaseDue] = []
    with ws.read() as s:
        terms = ws.deadline_terms(s)
        calendar, rules = terms.calendar, rules or terms.rules
        for row in s.scalars(stmt):
            case = to_entity(row, Case)
            status = case_deadline_status(case, now, calendar, rules)
            if status not in (DeadlineStatus.due_soon, DeadlineStatus.overdue):
                continue
            deadline = case_effective_deadline(case, now, calendar, rules)
            if deadline is None:
                continue
            out.append(
                CaseDue(
                    id=row.id,
                    grid_code=row.grid_code,
                    title=row.title,
                    state=row.state,
                    urgency=row.urgency,
                    deadline=deadline.astimezone(calendar.zone),
                    status=status,
                    remaining_seconds=calendar.working_seconds_between(now, deadline),
                    escalated=row.escalated,
                    extension_pending=row.extension_pending,
                )
            )
    out.sort(key=lambda c: (c.deadline, c.id))
    return out
