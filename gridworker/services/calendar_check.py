"""Does the working-day calendar cover the open deadlines? (issue 18)

After the last year the calendar covers, holidays silently count as working days: a
deadline set in late December would run through the Spring Festival week. The laptop and
the dashboard say so when an open case or rectification has its deadline in such a year,
and from December on the admin (and supervisors) are told when next year is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from gridworker.domain.calendar_files import next_year_missing, uncovered_years
from gridworker.domain.enums import CaseState, RectificationStatus, Role
from gridworker.services.workspace import Workspace
from gridworker.storage.models import CaseRow, RectificationRow

_OPEN = tuple(s for s in CaseState if s.is_open)


@dataclass(frozen=True)
class CalendarCoverage:
    covered: list[int]
    uncovered: list[int] = field(default_factory=list)  # years of open deadlines not covered
    open_deadlines: int = 0  # how many open deadlines fall in those years
    next_year: int | None = None  # from December on, next year if it is missing

    @property
    def ok(self) -> bool:
        return not self.uncovered and self.next_year is None


def calendar_coverage(ws: Workspace, *, today: date | None = None) -> CalendarCoverage:
    """Which open deadlines lie in years the calendar in force does not cover."""
    terms = ws.deadline_terms()
    calendar = terms.calendar
    zone = calendar.zone
    day = today or ws.now().astimezone(zone).date()
    with ws.read() as s:
        cases = s.scalars(
            select(CaseRow.deadline_at).where(
                CaseRow.deleted.is_(False),
                CaseRow.state.in_(_OPEN),
                CaseRow.deadline_at.is_not(None),
            )
        ).all()
        fixes = s.scalars(
            select(RectificationRow.deadline).where(
                RectificationRow.deleted.is_(False),
                RectificationRow.status != RectificationStatus.closed,
            )
        ).all()
    days = [d.astimezone(zone).date() for d in cases if d is not None]
    days += [d for d in fixes if d is not None]
    missing = uncovered_years(calendar, days)
    affected = sum(1 for d in days if d.year in missing)
    watch = ws.actor.role in (Role.admin, Role.supervisor)
    return CalendarCoverage(
        covered=sorted(calendar.years),
        uncovered=missing,
        open_deadlines=affected,
        next_year=next_year_missing(calendar, day) if watch else None,
    )
