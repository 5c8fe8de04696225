"""工作台 screen: the three panels and the header counts, driven through real widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gridworker.domain.enums import VisitMode
from gridworker.services import visits
from gridworker.ui.main_window import MainWindow
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.screens.today import TodayScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from tests.services.test_today import NOW, seed_day
from tests.ui.conftest import wait_idle

MINE = {"today": TodayScreen, "conflicts": ConflictsScreen}


def window_with_my_screens(session: AppSession) -> MainWindow:
    """The main window with every screen, as users get it."""
    return MainWindow(session)


def test_panels_show_whats_due(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the three panels list the overdue elder, the overdue and the near rectification
    and the two cases near their deadline, with the header counts, and nothing that is not due."""
    seeded = seed_day(session.ws)
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.day is not None, timeout=5000)
    visits_rows = screen.visits.texts()
    assert [row[0] for row in visits_rows] == ["陈德福", "王建国", "张秀英", "赵淑珍", "刘小宇"]
    zhang = visits_rows[2]
    assert zhang[1] == "独居老人" and zhang[3] == "11-17" and "3" in zhang[4]
    assert visits_rows[0][1] == "低保、退役军人"
    assert "李桂兰" not in str(visits_rows)
    rects = screen.rectifications.texts()
    assert [r[0] for r in rects] == ["老王小炒", "星辰网吧"]
    assert rects[0][1] == "后厨电线裸露未穿管" and rects[0][2] == "11-19" and "8" in rects[0][3]
    cases = screen.cases.texts()
    assert [c[0] for c in cases] == ["小区路灯损坏，夜间无照明", "楼道堆放杂物占用消防通道"]
    assert cases[1][1] == "待受理" and cases[1][2] == "11-27 17:30" and "6" in cases[1][3]
    assert screen.visits_card.number.text() == "5" and "3" in screen.visits_card.overdue.text()
    assert screen.rects_card.number.text() == "2" and screen.cases_card.number.text() == "2"
    # Red for overdue: the first rectification's status cell.
    index = screen.rectifications.model.index(0, 3)
    brush = screen.rectifications.model.data(index, Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == "#b3261e"
    # Double-clicking a case asks the lead's window to open it.
    table = screen.cases.table
    rect = table.visualRect(table.model().index(1, 0))
    with qtbot.waitSignal(screen.navigate, timeout=2000) as opened:
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["cases", seeded.due_soon_case]


def test_a_visit_takes_the_resident_off_the_list(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves recording a visit (a change touching "visit") refreshes the panel: the visited
    elder is gone and the count drops."""
    seeded = seed_day(session.ws)
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.visits_card.number.text() == "5", timeout=5000)
    ws = session.ws
    session.tasks.run_db(
        lambda _s: visits.record_visit(
            ws, household_id=seeded.households["张秀英"], mode=VisitMode.phone, visited_at=NOW
        ),
        changes=OpChanges(frozenset({"visit"})),
    )
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.visits_card.number.text() == "4", timeout=5000)
    assert "张秀英" not in [row[0] for row in screen.visits.texts()]


def test_empty_day_says_so(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a fresh profile shows the friendly empty lines instead of empty tables."""
    session.ws.clock = lambda: NOW
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.day is not None, timeout=5000)
    for panel in (screen.visits, screen.rectifications, screen.cases):
        assert panel.stack.currentWidget() is panel.empty
    assert screen.visits_card.number.text() == "0"


def test_double_clicking_a_person_opens_the_visit_of_their_household(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves a double-click on a person due a visit switches the main window to 走访 with
    the visit form open for that person's household."""
    seeded = seed_day(session.ws)
    window = window_with_my_screens(session)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("today")
    assert isinstance(screen, TodayScreen)
    qtbot.waitUntil(lambda: screen.day is not None, timeout=5000)
    row = [r[0] for r in screen.visits.texts()].index("张秀英")
    table = screen.visits.table
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    visits_screen = window.current_screen()
    assert window.keys[window.nav.currentRow()] == "visits"
    assert visits_screen.form.household_id == seeded.households["张秀英"]  # type: ignore[union-attr]
    assert visits_screen.stack.currentIndex() == 1  # type: ignore[union-attr]  # the form shows


def test_overdue_by_less_than_a_working_minute_reads_overdue(session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a case whose deadline passed after working hours (no working time elapsed)
    reads 已超时, not 已超时0分钟 / 已超时1分钟, in 今日待办 and in the case list."""
    from gridworker.domain.deadlines import DeadlineStatus
    from gridworker.services.case_queries import Countdown
    from gridworker.ui.models.cases import countdown_text

    screen = TodayScreen(session)
    due = overdue_cases()
    assert screen._time_left(due[0]) == "已超时"
    assert screen._time_left(due[1]) == "已超时1小时30分钟"
    assert countdown_text(Countdown(DeadlineStatus.overdue, NOW, -20.0, 7 * 3600.0)) == "已超时"
    assert countdown_text(Countdown(DeadlineStatus.overdue, NOW, -5400.0, 7 * 3600.0)) == (
        "已超时1小时"
    )


def overdue_cases() -> list[Any]:
    """Two overdue cases: past the deadline by no working time, and by 1 h 30 min."""
    from gridworker.domain.deadlines import DeadlineStatus
    from gridworker.domain.enums import CaseState, Urgency
    from gridworker.services.today import CaseDue

    def due(seconds: float) -> CaseDue:
        return CaseDue("c", "360302001001001", "路灯坏了", CaseState.in_progress, Urgency.normal,
                       NOW, DeadlineStatus.overdue, seconds, False, False)  # fmt: skip

    return [due(-0.0), due(-5400.0)]
