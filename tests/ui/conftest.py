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
from tests.conftest import SCREENSHOTS


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
def session(  # type: ignore[no-untyped-def]
    ws: Workspace, qapp, request: pytest.FixtureRequest
) -> Iterator[AppSession]:
    """An unlocked session over a fresh profile, with no background sync or auto-lock.

    A background task that fails with no `failed=` of its own fails the test too (the app
    would only show it in the status bar), unless the test expects it:
    `@pytest.mark.task_failures`."""
    tasks = TaskManager()
    unhandled: list[str] = []
    tasks.task_failed.connect(lambda name, exc: unhandled.append(f"{name}: {exc!r}"))
    app_session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    yield app_session
    app_session.close()
    tasks.shutdown()
    if request.node.get_closest_marker("task_failures") is None:
        assert not unhandled, f"background tasks failed with nobody to handle it: {unhandled}"


def wait_idle(qtbot, session: AppSession, timeout: int = 10_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until every queued database task has run and its result reached the GUI."""
    session.tasks.shutdown_db_wait()
    qtbot.wait(50)


def grab(widget, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a screenshot to <SCREENSHOTS>/<name>.png: build/screenshots, or docs/screenshots
    (looked at, committed) with GRIDWORKER_REFRESH_SCREENSHOTS=1."""
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
