"""Open deadlines in a year the calendar does not cover are found (issue 18)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gridworker.domain.enums import CaseCategory, Urgency
from gridworker.services.calendar_check import calendar_coverage
from gridworker.services.cases import report_case
from gridworker.services.workspace import Workspace
from tests.conftest import GRID


def test_a_late_december_deadline_is_flagged(ws: Workspace) -> None:
    """Proves a case reported on 30 December 2026 with a 7-working-day deadline (in January
    2027, which the shipped calendar does not cover) is counted as uncovered, and one due
    within 2026 is not."""
    ws.clock = lambda: datetime(2026, 12, 1, 2, tzinfo=UTC)
    report_case(ws, grid_code=GRID, title="路灯不亮", category=CaseCategory.livelihood)
    assert calendar_coverage(ws, today=date(2026, 12, 1)).uncovered == []
    ws.clock = lambda: datetime(2026, 12, 30, 2, tzinfo=UTC)
    report_case(
        ws, grid_code=GRID, title="楼道堆物", category=CaseCategory.hazard,
        urgency=Urgency.complex,
    )
    coverage = calendar_coverage(ws, today=date(2026, 12, 30))
    assert coverage.uncovered == [2027] and coverage.open_deadlines == 1
    assert coverage.covered == [2026]
    # A grid worker is not the one to publish the calendar: no December reminder for them.
    assert coverage.next_year is None and not coverage.ok
