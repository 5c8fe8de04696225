"""First run and a server that goes away, against a real server: the sign-in dialog's
progress (news, not an error) and its stop button, its Chinese failure line, and 离线 in
the status bar within two seconds of the server stopping."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from gridworker.storage.keyvault import KdfParams
from gridworker.storage.profile import profile_exists
from gridworker.ui.dialogs.enroll import EnrollDialog
from gridworker.ui.main_window import MainWindow
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import PASSPHRASE, PASSWORD, LiveServer, enrolled

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    """The app as users get it: Chinese (pytest-qt's own app has no translations)."""
    from gridworker.ui.app import make_app

    return make_app(qapp_args, lang="zh_CN")


def filled(qtbot, profile: Path, server: str) -> EnrollDialog:  # type: ignore[no-untyped-def]
    dialog = EnrollDialog(profile, kdf_params=KdfParams.fast())
    qtbot.addWidget(dialog)
    dialog.server.setText(server)
    dialog.username.setText("worker.a")
    dialog.password.setText(PASSWORD)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.passphrase2.setText(PASSPHRASE)
    return dialog


def sign_in(qtbot, dialog: EnrollDialog) -> None:  # type: ignore[no-untyped-def]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_progress_is_grey_news_and_stop_keeps_what_arrived(
    qtbot, qapp, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves the first download's progress shows in grey words beside a bar (the red error
    line stays empty), and Stop during it opens the profile with what arrived and a note
    that the rest comes with the next sync."""
    from gridworker.sync.engine import SyncEngine

    engine_init = SyncEngine.__init__

    def one_record_pages(self: SyncEngine, *args: object, **kwargs: object) -> None:
        engine_init(self, *args, **kwargs)  # type: ignore[arg-type]
        self.pull_limit = 1  # several pages even from this small server: a stop lands between

    monkeypatch.setattr(SyncEngine, "__init__", one_record_pages)
    release = threading.Event()
    original = EnrollDialog._on_progress

    def held(self: EnrollDialog, p: object) -> None:  # the worker waits until Stop is clicked
        original(self, p)  # type: ignore[arg-type]
        release.wait(30)

    monkeypatch.setattr(EnrollDialog, "_on_progress", held)
    dialog = filled(qtbot, tmp_path / "laptop", live_server.url)
    sign_in(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog._pulling, timeout=30_000)
    assert dialog.progress_row.isVisibleTo(dialog) and dialog.error.text() == ""
    assert "#6b7280" in dialog.status.styleSheet() and CJK.search(dialog.status.text())
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
        release.set()
    assert dialog.workspace is not None and dialog.note.startswith("首次下载已停止")
    assert dialog.workspace.actor.username == "worker.a"
    with dialog.workspace.read() as session:
        from gridworker.sync.state import SyncState

        assert SyncState.load(session).seq > 0  # the first pages were kept
    dialog.workspace.close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers (a server hung mid-request)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    sock.close()


def test_stop_while_signing_in_frees_the_dialog_and_makes_nothing(
    qtbot, qapp, silent_server: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Proves Stop while the server has not answered the sign-in gives the dialog back at
    once, says nothing was kept, and no profile is made."""
    profile = tmp_path / "laptop"
    dialog = filled(qtbot, profile, silent_server)
    sign_in(qtbot, dialog)
    assert not dialog.username.isEnabled()
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    assert dialog.username.isEnabled() and not dialog.progress_row.isVisibleTo(dialog)
    assert dialog.status.text() == "已停止登录，本机没有保存任何内容。"
    assert dialog.workspace is None and not profile_exists(profile)


def test_an_unreachable_server_is_one_chinese_line(qtbot, qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Proves signing in to a server that is not there says so in Chinese, naming the address,
    with no exception name (ConnectionError) or English."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    dialog = filled(qtbot, tmp_path / "laptop", f"http://127.0.0.1:{port}")
    sign_in(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=60_000)
    text = dialog.error.text()
    assert f"连不上服务器 http://127.0.0.1:{port}" in text, text
    assert "Error" not in text and not re.search(r"[A-Za-z]{4,}", text.replace("http", ""))


def test_offline_shows_within_two_seconds_of_the_server_stopping(
    qtbot, qapp, live_server: LiveServer, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Proves the status bar turns 在线 from the reachability probe, then 离线 within two
    seconds of the server going away (not after a failing sync's retries)."""
    ws = enrolled(live_server, tmp_path, "worker.a")
    tasks = TaskManager()
    session = AppSession(
        ws, tasks, idle_lock_minutes=0, background_sync=False, probe_interval_ms=1000
    )
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.online_label.text() == "● 在线", timeout=10_000)
        live_server.stop()
        gone = time.monotonic()
        qtbot.waitUntil(lambda: window.online_label.text() == "● 离线", timeout=10_000)
        assert time.monotonic() - gone <= 2.5
        assert "保存在这台电脑上" in window.online_label.toolTip()
    finally:
        session.close()
        tasks.shutdown()
