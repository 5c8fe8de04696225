"""The dashboard screen on an admin laptop synced from the seeded demo district."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot

from gridworker.services.dashboard import Figure
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.dashboard import DashboardScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.cli.test_dashboard_cli import SEED_TIME, Seeded, seeded_server  # noqa: F401
from tests.ui.conftest import enroll_demo

# The module's fixtures make a seeded server and a profile once: its tests share one worker.
pytestmark = pytest.mark.xdist_group("dashboard")

PASSPHRASE = "dashboard ui passphrase"


@pytest.fixture(scope="module")
def admin_profile(
    seeded_server: Seeded,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    return enroll_demo(
        seeded_server.server.url, "demo.admin", tmp_path_factory.mktemp("dash-admin"), PASSPHRASE
    )


@pytest.fixture
def admin_session(admin_profile: Path, qapp) -> Iterator[AppSession]:  # type: ignore[no-untyped-def]
    from gridworker.services.workspace import open_workspace

    ws = open_workspace(admin_profile, PASSPHRASE)
    ws.clock = lambda: SEED_TIME
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    yield session
    session.close()
    tasks.shutdown()


def shown(qtbot: QtBot, session: AppSession) -> DashboardScreen:
    screen = DashboardScreen(session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1280, 820)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.board is not None)
    return screen


def test_tiles_show_the_seeded_figures(qtbot: QtBot, admin_session: AppSession) -> None:
    """Proves the admin's dashboard shows 累计办件 559, 办结 538, 正在办理 21, 今日办件 12,
    即将超时 2, 已超时 4 and 挂账 1 for 安源区, stamped with the last sync, with charts that add
    up, and the screenshot is taken."""
    screen = shown(qtbot, admin_session)
    numbers = {f.name: t.number.text() for f, t in screen.tiles.items()}
    assert numbers == {
        "total": "559", "closed": "538", "in_progress": "21", "today": "12",
        "due_soon": "2", "overdue": "4", "suspended": "1",
    }  # fmt: skip
    assert [t.caption.text() for t in screen.tiles.values()][:6] == [
        "累计办件", "办结", "正在办理", "今日办件", "即将超时", "已超时",
    ]  # fmt: skip
    assert screen.scope_box.currentText().strip() == "安源区"
    assert "数据截至上次同步" in screen.stamp.text()
    assert sum(b.count for b in screen.by_category.bars) == 559
    assert screen.per_day.bars[-1].count == 12
    assert screen.by_area.title == "按街道（乡镇）" and screen.by_area.bars[0].label


def test_tiles_and_bars_click_through(qtbot: QtBot, admin_session: AppSession) -> None:
    """Proves clicking the 即将超时 tile lists its 2 cases, clicking a category bar lists as
    many cases as the bar counts, and double-clicking a listed case asks to open it in 事件."""
    screen = shown(qtbot, admin_session)
    qtbot.mouseClick(screen.tiles[Figure.due_soon], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.loaded)
    dialog = screen.dialog
    assert dialog is not None and dialog.isVisible()
    assert len(dialog.model.rows) == 2
    assert {row.status.code for row in dialog.model.rows if row.status} == {"due_soon"}
    dialog.close()
    bar = screen.by_category.bars[0]
    centre = screen.by_category.bar_rect(0).center()
    qtbot.mouseClick(screen.by_category, Qt.MouseButton.LeftButton, pos=QPointF(centre).toPoint())
    qtbot.waitUntil(lambda: screen.dialog is not dialog and screen.dialog.loaded)
    listed = screen.dialog
    assert listed is not None and listed is not dialog and len(listed.model.rows) == bar.count
    with qtbot.waitSignal(screen.navigate) as opened:
        listed.table.selectRow(0)
        listed.table.doubleClicked.emit(listed.model.index(0, 0))
    assert opened.args == ["cases", listed.model.rows[0].id]


def test_scope_picker_and_grid_filter(qtbot: QtBot, admin_session: AppSession) -> None:
    """Proves picking 凤凰街道 in the scope list shows that street's figures (18 in progress,
    2 due soon) by community, the 近7天 period counts only the last 7 days' cases, and
    narrowing to a grid from the map narrows the dashboard."""
    screen = shown(qtbot, admin_session)
    index = next(
        n for n in range(screen.scope_box.count()) if screen.scope_box.itemData(n) == "360302001"
    )
    screen.scope_box.setCurrentIndex(index)
    qtbot.waitUntil(lambda: screen.board.scope == "360302001")
    assert screen.tiles[Figure.in_progress].number.text() == "18"
    assert screen.board is not None and screen.board.due_soon == 2
    assert screen.by_area.title == "按社区（村）"
    screen.period_box.setCurrentIndex(screen.period_box.findData("7d"))
    qtbot.waitUntil(lambda: screen.board.since is not None)
    # The last 7 days (19–25 November): this street's cases reported since then.
    assert screen.board.since.date().isoformat() == "2026-11-19"
    assert len(screen.per_day.bars) == 7 and screen.board.total < 229
    assert sum(b.count for b in screen.per_day.bars) == screen.board.total
    admin_session.set_grid_filter("360302001001001")
    qtbot.waitUntil(lambda: screen.board.scope == "360302001001001")
    assert screen.board.scope == "360302001001001"
    assert screen.board.total < 559 and screen.by_area.title == "按网格"


def test_as_of_an_earlier_day(qtbot: QtBot, admin_session: AppSession) -> None:
    """Proves ticking 截至 and picking an earlier day shows the figures as they stood at the
    end of that day (the service's as-of figures, not today's), and unticking goes back."""
    from datetime import datetime, time, timedelta

    from PySide6.QtCore import QDate

    from gridworker.services.dashboard import DashboardQuery, dashboard

    screen = shown(qtbot, admin_session)
    ws = admin_session.ws
    zone = ws.calendar.zone
    day = SEED_TIME.astimezone(zone).date() - timedelta(days=7)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone) - timedelta(
        microseconds=1
    )
    expected = dashboard(ws, DashboardQuery(scope=screen.scope, as_of=end))
    now = screen.board
    assert now is not None and expected.figure(Figure.total) < now.figure(Figure.total)
    screen.as_of_check.setChecked(True)  # today (not over yet): counts up to now
    assert screen.as_of_date.date() == QDate(SEED_TIME.astimezone(zone).date())
    screen.as_of_date.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: screen.board is not None and screen.board.as_of == end)
    for figure, tile in screen.tiles.items():
        assert tile.number.text() == str(expected.figure(figure)), figure
    assert day.isoformat() in screen.stamp.text()
    screen.as_of_check.setChecked(False)
    qtbot.waitUntil(lambda: screen.board is not None and screen.board.as_of == SEED_TIME)
    assert screen.tiles[Figure.total].number.text() == "559"
