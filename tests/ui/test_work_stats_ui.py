"""The 工作统计 screen as the 凤凰街道 street supervisor synced from the seeded district."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QPoint, Qt
from pytestqt.qtbot import QtBot

from gridworker.services.workspace import open_workspace
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.work_stats import WorkStatsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.cli.test_dashboard_cli import SEED_TIME, Seeded, seeded_server  # noqa: F401
from tests.ui.conftest import enroll_demo, grab

pytestmark = pytest.mark.xdist_group("work_stats_ui")

PASSPHRASE = "work stats ui passphrase"


@pytest.fixture
def street_session(  # type: ignore[no-untyped-def]
    seeded_server: Seeded,  # noqa: F811
    tmp_path: Path,
    qapp,
) -> Iterator[AppSession]:
    profile = enroll_demo(seeded_server.server.url, "demo.street", tmp_path, PASSPHRASE)
    ws = open_workspace(profile, PASSPHRASE)
    ws.clock = lambda: SEED_TIME
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    yield session
    session.close()
    tasks.shutdown()
    shutil.rmtree(profile, ignore_errors=True)


def test_stats_in_grid_order_until_a_column_is_sorted(
    qtbot: QtBot, street_session: AppSession, tmp_path: Path
) -> None:
    """Proves the screen counts this month in grid-code order (the street's grids only), a
    click on 走访次数 ranks by it and 恢复默认顺序 puts grid order back, a reversed period
    is refused in Chinese, and the export writes the workbook; screenshots at 1280 and 1366."""
    screen = WorkStatsScreen(street_session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1280, 760)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.stats is not None and not screen.loading)
    assert screen.start.date() == QDate(2026, 11, 1) and screen.end.date() == QDate(2026, 11, 25)
    codes = screen.by_grid.column_texts(1)
    assert codes and codes == sorted(codes) and all(c.startswith("360302001") for c in codes)
    assert "不排名" in screen.summary.text() and "18个工作日" in screen.summary.text()
    heads = [
        screen.by_grid.model().headerData(n, Qt.Orientation.Horizontal)
        for n in range(screen.by_grid.model().columnCount())
    ]
    visits = heads.index("走访次数")
    header = screen.by_grid.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(visits) + header.sectionSize(visits) // 2, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    ranked = [int(t) for t in screen.by_grid.column_texts(visits)]
    assert ranked in (sorted(ranked), sorted(ranked, reverse=True))
    assert screen.by_grid.column_texts(1) != codes or len(set(ranked)) == 1
    qtbot.mouseClick(screen.unsort_button, Qt.MouseButton.LeftButton)
    assert screen.by_grid.column_texts(1) == codes
    people = screen.by_person.column_texts(1)
    assert people[0] == "demo.worker" and people[-1] == "demo.street"  # workers by grid first
    grab(screen, "work-stats")
    screen.resize(1366, 768)
    qtbot.wait(50)
    grab(screen, "work-stats-1366")
    out = tmp_path / "统计.xlsx"
    screen.export_to(out)
    qtbot.waitUntil(lambda: screen.saved.text() == "已保存 统计.xlsx")
    assert load_workbook(out).sheetnames == ["按网格", "按人员", "导出说明"]
    screen.start.setDate(QDate(2026, 11, 20))
    screen.end.setDate(QDate(2026, 11, 2))
    qtbot.mouseClick(screen.count_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.error.text() != "")
    assert screen.error.text() == "结束日期不能早于开始日期"
