"""A background task that fails is never silent: the user is told and the log keeps it."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gridworker.logging_setup import setup_client_logging
from gridworker.services.workspace import ServiceError
from gridworker.ui.main_window import MainWindow
from gridworker.ui.session import AppSession
from tests.ui.conftest import wait_idle

pytestmark = pytest.mark.task_failures  # failing tasks are what these tests are about

NAME, ID_NUMBER, PHONE = "王秀英", "360302199003071234", "13812345678"


@pytest.fixture
def log_path(tmp_path: Path) -> Iterator[Path]:
    """The app's log file in a profile folder of this test, removed from the root logger after."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield setup_client_logging(tmp_path / "logged")
    for handler in root.handlers:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def read_log(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def leaky(_state: object) -> None:
    raise RuntimeError(f"row of {NAME} ({ID_NUMBER}, {PHONE}) could not be read")


def test_a_failure_nobody_handles_is_shown_and_logged_without_personal_data(
    qtbot: QtBot, session: AppSession, log_path: Path
) -> None:
    """Proves a task run without `failed=` that raises puts a zh_CN message in the main
    window's status bar and its traceback in the log, with none of the values its
    exception quoted."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(session.tasks.task_failed, timeout=10_000):
        session.tasks.run_db(leaky)
    message = window.statusBar().currentMessage()
    # The catalogue's words for an unexpected failure, not the exception's English text.
    assert message == (
        "后台操作出错：出现了意外错误，操作没有完成；之前保存的工作不受影响。详情已写入日志。"
    )
    text = read_log(log_path)
    assert "task test_background_failures.leaky failed" in text
    assert "Traceback" in text and "RuntimeError" in text
    for value in (NAME, ID_NUMBER, PHONE):
        assert value not in text


def test_a_refusal_shows_its_own_message_and_logs_one_line(
    qtbot: QtBot, session: AppSession, log_path: Path
) -> None:
    """Proves a refusal meant for the user (a coded ServiceError) shows its catalogue
    message in Chinese, and the log gets a line with its type and code, no traceback."""
    window = MainWindow(session)
    qtbot.addWidget(window)

    def refuse(_state: object) -> None:
        raise ServiceError("role_no_bulk_export")

    with qtbot.waitSignal(session.tasks.task_failed, timeout=10_000):
        session.tasks.run_db(refuse)
    assert window.statusBar().currentMessage() == "未完成：您的角色不能批量导出数据"
    text = read_log(log_path)
    assert "refused: ServiceError role_no_bulk_export" in text and "Traceback" not in text


def test_a_file_error_is_said_in_the_catalogue_words_and_a_free_text_code_is_not_logged(
    qtbot: QtBot, session: AppSession, log_path: Path
) -> None:
    """Proves a disk-full OSError shows the catalogue's Chinese line (not "No space left on
    device"), and a refusal whose code is a free sentence quoting a value logs as
    uncatalogued, without the sentence."""
    window = MainWindow(session)
    qtbot.addWidget(window)

    def disk_full(_state: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/media/u/台账.xlsx")

    with qtbot.waitSignal(session.tasks.task_failed, timeout=10_000):
        session.tasks.run_db(disk_full)
    message = window.statusBar().currentMessage()
    assert message.startswith("后台操作出错：磁盘已满，无法写入：") and "No space" not in message

    def free_text(_state: object) -> None:
        raise ServiceError(f"{ID_NUMBER} does not exist")

    with qtbot.waitSignal(session.tasks.task_failed, timeout=10_000):
        session.tasks.run_db(free_text)
    text = read_log(log_path)
    assert "refused: ServiceError uncatalogued" in text and ID_NUMBER not in text
    assert "does not exist" not in text


def test_a_caller_with_failed_gets_the_error_and_the_log_still_has_it(
    qtbot: QtBot, session: AppSession, log_path: Path
) -> None:
    """Proves `failed=` still receives the error (and the default path stays quiet), while
    the traceback is logged all the same."""
    got: list[BaseException] = []
    shown: list[str] = []
    session.tasks.task_failed.connect(lambda name, exc: shown.append(name))
    session.tasks.run_db(leaky, failed=got.append)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert isinstance(got[0], RuntimeError) and shown == []
    assert "leaky failed" in read_log(log_path)


def test_a_task_whose_widget_was_closed_is_still_logged(
    qtbot: QtBot, session: AppSession, log_path: Path
) -> None:
    """Proves the failure of a task whose widget is gone (its result is dropped) still
    reaches the log, and nobody is told about a screen that no longer exists."""
    label = QLabel()
    shown: list[str] = []
    session.tasks.task_failed.connect(lambda name, exc: shown.append(name))
    session.tasks.run_db(leaky, done=lambda _r: label.setText("done"))
    shiboken6.delete(label)  # the screen closed before the task ended
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: "leaky failed" in read_log(log_path), timeout=10_000)
    assert shown == []
