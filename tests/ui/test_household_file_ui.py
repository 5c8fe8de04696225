"""一户一档 on the 住户 screen: the button opens the household's file with its members
(the one who moved out shown as such) and its record in time order, and prints it."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridworker.ui.dialogs import household_file as file_dialog
from gridworker.ui.dialogs.household_file import HouseholdFileDialog
from gridworker.ui.session import AppSession
from tests.services.test_household_file import seed_file
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_register import open_screen


def test_the_household_file_opens_from_the_screen_and_prints(
    qtbot: QtBot, session: AppSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Proves 一户一档 opens for the shown household with both members (the moved-out one
    marked 已迁出) and the visit, need, case, move-out and hazard lines in time order, and
    its 打印 button writes the PDF where the person chose, saying where."""
    hid = seed_file(session.ws)
    screen = open_screen(qtbot, session)
    row = screen.model.row_of(hid)
    assert row is not None
    screen.table.selectRow(row)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.id == hid, timeout=5000)
    assert screen.editing.file_button.isVisible()
    qtbot.mouseClick(screen.editing.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: isinstance(screen.file_dialog, HouseholdFileDialog)
        and shiboken6.isValid(screen.file_dialog)
        and screen.file_dialog.isVisible(),
        timeout=5000,
    )
    dialog = screen.file_dialog
    assert isinstance(dialog, HouseholdFileDialog)
    members = [
        (dialog.members.item(r, 0).text(), dialog.members.item(r, 5).text())
        for r in range(dialog.members.rowCount())
    ]
    assert members == [("张德明", "在册"), ("李桂兰", "已迁出")]
    kinds = [dialog.entries.item(r, 1).text() for r in range(dialog.entries.rowCount())]
    assert kinds[:3] == ["走访", "需求", "人口变动"] and {"事件", "隐患"} <= set(kinds)
    grab(dialog, "household-file")
    out = tmp_path / "档案.pdf"
    monkeypatch.setattr(file_dialog, "ask_save_path", lambda *_a: out)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("已保存到"), timeout=10_000)
    assert out.read_bytes()[:5] == b"%PDF-"
