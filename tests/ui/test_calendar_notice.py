"""The laptop says when an open deadline lies in a year the calendar does not cover."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gridworker.domain.enums import CaseCategory, Urgency
from gridworker.services.cases import report_case
from gridworker.ui.screens.today import TodayScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import wait_idle


def test_my_day_warns_about_an_uncovered_deadline(  # type: ignore[no-untyped-def]
    qtbot, session: AppSession, tmp_path: Path
) -> None:
    """Proves 工作台 shows no notice while every deadline is covered, and names 2027 once a
    case reported on 30 December has its deadline there."""
    ws = session.ws
    ws.clock = lambda: datetime(2026, 12, 30, 2, tzinfo=UTC)
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    wait_idle(qtbot, session)
    assert not screen.calendar_notice.isVisible()
    report_case(
        ws, grid_code=GRID, title="楼道堆物", category=CaseCategory.hazard,
        urgency=Urgency.complex,
    )
    screen.refresh()
    wait_idle(qtbot, session)
    qtbot.waitUntil(screen.calendar_notice.isVisible, timeout=5000)
    text = screen.calendar_notice.text()
    assert "2027" in text and "1" in text
    screen.grab().save(str(tmp_path / "today-calendar.png"))
    print(tmp_path / "today-calendar.png")
