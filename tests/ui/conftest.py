"""UI fixtures: real widgets, offscreen, over a real SQLCipher profile (no mocks)."""

from __future__ import annotations

import os

from tests.ui.offscreen import desktop_screen

if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = desktop_screen()

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridworker.services.workspace import Workspace
from gridworker.ui.app import make_app
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["gridworker-tests"]


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The app as users get it: zh_CN translations and a CJK font when one is installed.
    QSettings (window geometry, language) go to a folder of the test run, not the user's."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(
        QSettings.Format.NativeFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("qsettings")),
    )
    return make_app(qapp_args, lang=os.environ.get("GRIDWORKER_TEST_LANG", "zh_CN"))


@pytest.fixture
def session(ws: Workspace, qapp) -> Iterator[AppSession]:  # type: ignore[no-untyped-def]
    """An unlocked session over a fresh profile, with no background sync or auto-lock."""
    tasks = TaskManager()
    app_session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    yield app_session
    app_session.close()
    tasks.shutdown()


def wait_idle(qtbot, session: AppSession, timeout: int = 10_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until every queued database task has run and its result reached the GUI."""
    session.tasks.shutdown_db_wait()
    qtbot.wait(50)


def grab(widget, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a screenshot to docs/screenshots/<name>.png (looked at, committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


def enroll_demo(server_url: str, username: str, folder: Path, passphrase: str) -> Path:
    """A profile enrolled as a demo account of a seeded server (fast KDF), closed again."""
    from gridworker.server.seed import DEMO_PASSWORD
    from gridworker.services.syncing import enroll
    from gridworker.storage.keyvault import KdfParams

    ws, _report = enroll(
        folder / "profile",
        server_url=server_url,
        username=username,
        password=DEMO_PASSWORD,
        passphrase=passphrase,
        kdf_params=KdfParams.fast(),
    )
    path = ws.profile.path
    ws.close()
    return path
