"""The district admin's checklist editor against a live server: edit a draft, preview it
with the inspection form, a refused change named and not previewed, publish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridworker.services.syncing import client_for
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.checklist_editor import ChecklistEditorScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import LiveServer, enrolled, live_server  # noqa: F401
from tests.e2e.test_checklist_editor_e2e import add_admin
from tests.ui.conftest import grab


@pytest.fixture
def admin_session(  # type: ignore[no-untyped-def]
    live_server: LiveServer,  # noqa: F811
    tmp_path: Path,
    qapp,
) -> Iterator[AppSession]:
    add_admin(live_server)
    ws = enrolled(live_server, tmp_path, "admin.d")
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    yield session
    session.close()
    tasks.shutdown()


def test_edit_preview_and_publish(qtbot: QtBot, admin_session: AppSession) -> None:
    """Proves the editor: fire_safety's draft is version 2; making the first item major with
    a photo always required shows ★ and reaches the preview (the inspection form's own
    item); a malformed code is refused in Chinese naming the rule and the preview keeps the
    last good draft; an added item is previewed; 发布 publishes version 2 through the server;
    screenshots at 1280 and 1366."""
    screen = ChecklistEditorScreen(admin_session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1280, 800)
    qtbot.addWidget(screen)
    screen.show()
    screen.template.setCurrentIndex(screen.template.findData("fire_safety"))
    assert screen.draft is not None and screen.draft["version"] == 2
    assert screen.version_label.text() == "第2版草稿"
    group = screen.tree.topLevelItem(0)
    assert group is not None and screen.tree.topLevelItemCount() == len(screen.draft["sections"])
    first = group.child(0)
    code = first.text(1)
    screen.tree.setCurrentItem(first)
    assert screen.code.text() == code and screen.major.isEnabled()
    screen.major.setChecked(True)
    screen.photo.setCurrentIndex(screen.photo.findData("required"))
    item = screen.preview.editor(code).item
    assert item.severity == "major" and item.photo == "required"
    assert screen.tree.topLevelItem(0).child(0).text(2) == "★"
    assert "符合规则" in screen.message.text()
    screen.code.setText("bad code")
    screen.code.editingFinished.emit()
    assert screen.message.text().startswith("检查表不符合格式要求：")
    assert screen.preview.editor(code).item.major  # the last good draft stays previewed
    screen.code.setText(code)
    screen.code.editingFinished.emit()
    qtbot.mouseClick(screen.add_item_button, Qt.MouseButton.LeftButton)
    added = screen.code.text()
    assert added.startswith("NEW-1-") and screen.preview.editor(added).item.text["zh"] == "新检查项"
    screen.text_zh.setText("夜间营业时安全出口未上锁")
    screen.text_zh.editingFinished.emit()
    assert screen.preview.editor(added).item.text["zh"] == "夜间营业时安全出口未上锁"
    assert not screen.preview.save_button.isVisible()
    qtbot.wait(200)
    grab(screen, "checklist-editor")
    screen.resize(1366, 768)
    qtbot.wait(200)
    grab(screen, "checklist-editor-1366")
    qtbot.mouseClick(screen.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已发布" in screen.message.text(), timeout=10_000)
    assert screen.message.text() == "第2版已发布，各电脑下次同步时收到。"
    reply = client_for(admin_session.ws).request("GET", "/api/v1/checklists").json()
    listed = {e["code"]: e["current"] for e in reply}
    assert listed["fire_safety"] == 2

