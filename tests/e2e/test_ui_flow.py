"""The grid worker's first day in the app against a real server: enroll, unlock, work, sync."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialogButtonBox

from gridworker.domain.enums import NeedCategory, VisitMode
from gridworker.services import cases, visits
from gridworker.storage.keyvault import KdfParams
from gridworker.ui.dialogs.enroll import EnrollDialog
from gridworker.ui.dialogs.unlock import UnlockDialog
from gridworker.ui.main_window import MainWindow
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import PASSPHRASE, PASSWORD, LiveServer
from tests.e2e.test_sync_e2e import add_household


def test_enroll_unlock_register_visit_case_sync(
    qtbot,
    qapp,
    live_server: LiveServer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """Proves the first-run path through real dialogs: enroll (with the passphrase typed twice),
    a wrong passphrase refused then unlock offline, register and visit with a need that becomes
    a case, and a sync from the toolbar that leaves nothing pending and shows online, with the
    sync screen's log naming each phase and its progress bar done."""
    profile = tmp_path / "laptop"
    enroll = EnrollDialog(profile, kdf_params=KdfParams.fast())
    qtbot.addWidget(enroll)
    enroll.server.setText(live_server.url)
    qtbot.keyClicks(enroll.username, "worker.a")
    qtbot.keyClicks(enroll.password, PASSWORD)
    qtbot.keyClicks(enroll.passphrase, PASSPHRASE)
    qtbot.keyClicks(enroll.passphrase2, PASSPHRASE + "x")
    ok = enroll.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert enroll.workspace is None and enroll.error.text()  # the passphrases differ
    enroll.passphrase2.setText(PASSPHRASE)
    with qtbot.waitSignal(enroll.accepted, timeout=60_000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # signs in and pulls in the background
        assert not enroll.progress.isHidden() and not enroll.username.isEnabled()
    assert enroll.workspace is not None
    enroll.workspace.close()

    unlock = UnlockDialog(profile)
    qtbot.addWidget(unlock)
    qtbot.keyClicks(unlock.passphrase, "not it at all")
    qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    assert unlock.workspace is None and unlock.error.text()
    unlock.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    ws = unlock.workspace
    assert ws is not None, unlock.error.text()
    assert ws.actor.username == "worker.a"

    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    try:
        household = add_household(ws, "0101")
        visit = visits.record_visit(
            ws,
            household_id=household,
            mode=VisitMode.home,
            needs=[visits.NeedInput(NeedCategory.livelihood, "楼道灯坏")],
        )
        cases.need_to_case(ws, visit.need_ids[0])
        session.refresh_status()
        qtbot.waitUntil(
            lambda: window.pending_label.text().endswith(("5", "6", "7", "8")), timeout=5000
        )
        with qtbot.waitSignal(session.sync_finished, timeout=60_000) as finished:
            window.sync_action.trigger()
        report, error = finished.args
        assert error is None and report.rejected == 0
        qtbot.waitUntil(
            lambda: (
                window.pending_label.text().endswith(" 0")
                or window.pending_label.text().endswith("：0")
            ),
            timeout=5000,
        )
        assert "#15803d" in window.online_label.styleSheet()  # shown as online
        sync = window.show_screen("sync")
        qtbot.waitUntil(lambda: sync.pending.text() == "0", timeout=5000)
        log = sync.log.toPlainText()
        for line in ("sync started", "sending changes", "receiving changes"):
            assert QCoreApplication.translate("SyncScreen", line) in log
        assert sync.progress.text() == QCoreApplication.translate("SyncScreen", "done")
        assert sync.state.text() == QCoreApplication.translate("SyncScreen", "online")
    finally:
        session.close()
        tasks.shutdown()
