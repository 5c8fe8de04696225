"""The 同步 screen during a real sync: a real server on a local port, a real profile."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridworker.demo_data import ROSTER_HEADER, make_roster
from gridworker.services.importing import import_file
from gridworker.ui.main_window import MainWindow
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import GRID_A, LiveServer, enrolled, live_server  # noqa: F401


def test_sync_screen_shows_phases_progress_and_the_outcome(
    qtbot: QtBot,
    live_server: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Proves the sync screen of a worker with an imported roster pending shows the pending
    count, then during "Sync now" the phases with counts out of a total (the progress bar),
    and after it nothing pending, online, the bar done and a log line per phase and result."""
    ws = enrolled(live_server, tmp_path, "worker.a")
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(line.as_list() for line in make_roster(60, grid_codes=[GRID_A]))
    import_file(ws, roster)
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        sync = window.show_screen("sync")
        qtbot.waitUntil(lambda: sync.pending.text() not in ("", "0"))
        pending = int(sync.pending.text())
        assert pending > 60
        counts: list[tuple[str, int, int]] = []
        session.sync_progress.connect(lambda *p: counts.append(p))
        with qtbot.waitSignal(session.sync_finished, timeout=60_000) as finished:
            qtbot.mouseClick(sync.sync_button, Qt.MouseButton.LeftButton)
        report, error = finished.args
        assert error is None and report.pushed == pending and report.rejected == 0
        assert any(phase == "push" and total == pending for phase, _done, total in counts)
        qtbot.waitUntil(lambda: sync.pending.text() == "0")
        assert sync.state.text() == "在线" and sync.progress.text() == "完成"
        log = sync.log.toPlainText()
        assert "开始同步" in log and "发送变更" in log and "接收变更" in log
        assert f"发送{pending}条" in log.splitlines()[-1]
    finally:
        session.close()
        tasks.shutdown()
