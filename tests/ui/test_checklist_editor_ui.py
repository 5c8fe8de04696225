"""The district admin's checklist editor against a live server: edit a draft, preview it
with the inspection form, a refused change named and not previewed, publish."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gridworker.services.syncing import client_for
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.checklist_editor import ChecklistEditorScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import LiveServer, enrolled, live_server  # noqa: F401
from tests.e2e.test_checklist_editor_e2e import add_admin
from tests.ui.audit import untranslated
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


def test_a_refused_draft_is_named_in_chinese(qtbot: QtBot, admin_session: AppSession) -> None:
    """Proves a draft the rules refuse is named in Chinese on the editor screen — the group
    and the item as the tree shows them, the field by the form's own name — with no English
    anywhere on the screen (the walk's audit), at 1280 and at 1366×768; screenshots."""
    screen = ChecklistEditorScreen(admin_session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1280, 800)
    qtbot.addWidget(screen)
    screen.show()
    screen.template.setCurrentIndex(screen.template.findData("fire_safety"))
    second = screen.tree.topLevelItem(1)
    assert second is not None
    item = second.child(0)
    group, code = second.text(0), item.text(1)  # the tree is rebuilt after each change
    screen.tree.setCurrentItem(item)
    screen.text_zh.setText("")
    screen.text_zh.editingFinished.emit()
    assert screen.message.text() == (
        f"检查表不符合格式要求：第2个分组“{group}”第1项 {code}，“内容（中文）”不能为空"
    )
    assert untranslated(screen, "checklist editor") == []
    qtbot.wait(200)
    grab(screen, "checklist-editor-refused")
    screen.resize(1366, 768)
    qtbot.wait(200)
    assert screen.message.isVisible() and screen.message.width() <= screen.width()
    grab(screen, "checklist-editor-refused-1366")
    screen.tree.setCurrentItem(screen.tree.topLevelItem(1).child(0))
    screen.code.setText("fs-01")
    screen.code.editingFinished.emit()
    assert "，“编码”“fs-01”应为大写字母和数字、用连字符分段，如 FS-ELEC-01" in screen.message.text()
    assert untranslated(screen, "checklist editor") == []


def test_terms_and_order_are_edited_with_the_preview_following(
    qtbot: QtBot, admin_session: AppSession
) -> None:
    """Proves the editor edits a number item's unit and fail limits, an item's hint and
    rectification term (same day: the days box off), and moves items within a group and
    groups up and down, the preview following each change (the inspection form's own
    items and order); the rows a yes/no item has no use for are off; screenshots."""
    screen = ChecklistEditorScreen(admin_session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1366, 768)
    qtbot.addWidget(screen)
    screen.show()
    screen.template.setCurrentIndex(screen.template.findData("fire_safety"))
    qtbot.wait(100)
    # Opened at 1366×768, the preview's items keep their height (they were squashed flat
    # into the visible area before the scroll area's body kept its minimum size).
    squashed = [
        e.item.code for e in screen.preview.editors if e.height() < e.minimumSizeHint().height()
    ]
    assert squashed == []
    terms = screen.terms
    draft = screen.draft
    assert draft is not None
    number = next(
        (s, i)
        for s, sec in enumerate(draft["sections"])
        for i, item in enumerate(sec["items"])
        if item["answer"] == "number"
    )
    code = draft["sections"][number[0]]["items"][number[1]]["code"]
    screen.tree.setCurrentItem(screen.tree.topLevelItem(number[0]).child(number[1]))
    assert terms.unit_zh.isEnabled() and terms.limits["lt"].isEnabled()
    assert not terms.max_age.isEnabled()
    terms.unit_zh.setText("具")
    terms.unit_en.setText("units")
    terms.unit_en.editingFinished.emit()
    for op in ("gt", "lt", "ge", "le"):
        terms.limits[op].setText("")
    terms.limits["lt"].setText("3")
    terms.limits["lt"].editingFinished.emit()
    item = screen.preview.editor(code).item
    assert item.unit == {"zh": "具", "en": "units"} and item.fail_if == {"lt": 3}
    terms.limits["lt"].setText("三")
    terms.limits["lt"].editingFinished.emit()
    assert screen.message.text().endswith("，“不合格界限（小于）”应为数字，现为“三”")
    assert screen.preview.editor(code).item.fail_if == {"lt": 3}  # the last good draft
    terms.limits["lt"].setText("3")
    terms.limits["lt"].editingFinished.emit()
    assert "符合规则" in screen.message.text()

    first = screen.tree.topLevelItem(0).child(0)
    first_code = first.text(1)
    screen.tree.setCurrentItem(first)
    assert not terms.unit_zh.isEnabled() and not terms.limits["gt"].isEnabled()
    terms.hint_zh.setText("查看公示牌")
    terms.hint_en.setText("See the notice board")
    terms.hint_en.editingFinished.emit()
    terms.opens.setChecked(True)
    terms.rect_unit.setCurrentIndex(terms.rect_unit.findData("working_days"))
    terms.amount.setValue(7)
    item = screen.preview.editor(first_code).item
    assert item.hint == {"zh": "查看公示牌", "en": "See the notice board"}
    assert (item.rectification.amount, item.rectification.unit) == (7, "working_days")  # type: ignore[union-attr]
    assert screen.preview.editor(first_code).text_label.toolTip() == "查看公示牌"
    terms.rect_unit.setCurrentIndex(terms.rect_unit.findData("same_day"))
    item = screen.preview.editor(first_code).item
    assert (item.rectification.amount, item.rectification.unit) == (0, "same_day")  # type: ignore[union-attr]
    assert not terms.amount.isEnabled()

    second_code = screen.tree.topLevelItem(0).child(1).text(1)
    qtbot.mouseClick(screen.down_button, Qt.MouseButton.LeftButton)
    assert [screen.tree.topLevelItem(0).child(i).text(1) for i in (0, 1)] == [
        second_code,
        first_code,
    ]
    assert screen.tree.currentItem().text(1) == first_code  # the moved item stays selected
    order = [e.item.code for e in screen.preview.editors]
    assert order.index(second_code) < order.index(first_code)
    group_titles = [screen.tree.topLevelItem(i).text(0) for i in range(2)]
    screen.tree.setCurrentItem(screen.tree.topLevelItem(1))
    qtbot.mouseClick(screen.up_button, Qt.MouseButton.LeftButton)
    assert [screen.tree.topLevelItem(i).text(0) for i in range(2)] == group_titles[::-1]
    qtbot.mouseClick(screen.up_button, Qt.MouseButton.LeftButton)  # first already: stays
    assert [screen.tree.topLevelItem(i).text(0) for i in range(2)] == group_titles[::-1]
    assert screen.preview.editors[0].item.section == screen.draft["sections"][0]["code"]  # type: ignore[index]
    assert untranslated(screen, "checklist editor") == []
    screen.tree.setCurrentItem(screen.tree.topLevelItem(number[0]).child(number[1]))
    qtbot.wait(200)
    grab(screen, "checklist-editor-terms-1366")
    screen.resize(1280, 800)
    qtbot.wait(200)
    grab(screen, "checklist-editor-terms")


def test_a_schema_refusal_is_chinese_on_screen_and_english_only_in_the_log(
    qtbot: QtBot, admin_session: AppSession, caplog: pytest.LogCaptureFixture
) -> None:
    """Proves a draft the JSON Schema refuses (a number item's unit removed: a conditional
    `required`; its text emptied: `minLength`) is said on the screen wholly in Chinese —
    the group and the item, the field by the editor's name, no Latin letters but the
    template's own words — while the schema's English detail (the item by its code, the
    field by its key) is written to the log and nowhere on the screen."""
    screen = ChecklistEditorScreen(admin_session)
    qtbot.addWidget(screen)
    screen.show()
    screen.template.setCurrentIndex(screen.template.findData("fire_safety"))
    draft = screen.draft
    assert draft is not None
    s, i = next(
        (s, i)
        for s, sec in enumerate(draft["sections"])
        for i, item in enumerate(sec["items"])
        if item["answer"] == "number"
    )
    group, code = screen.tree.topLevelItem(s).text(0), draft["sections"][s]["items"][i]["code"]
    text = draft["sections"][s]["items"][i]["text"]["zh"]
    place = f"第{s + 1}个分组“{group}”第{i + 1}项 {code}“{text}”"
    screen.tree.setCurrentItem(screen.tree.topLevelItem(s).child(i))
    caplog.set_level(logging.INFO, logger="gridworker.services.checklist_editor")
    screen.terms.unit_zh.setText("")
    screen.terms.unit_en.setText("")
    screen.terms.unit_en.editingFinished.emit()
    said = screen.message.text()
    assert said == f"检查表不符合格式要求：{place}，“数值”类检查项须填写单位"
    # No Latin letters but the template's own words (the code, the item's text: "4kg").
    assert re.findall(r"[A-Za-z]+", said.replace(place, "")) == []
    logged = [r.getMessage() for r in caplog.records if "checklist draft refused" in r.getMessage()]
    assert logged and f"item {code}" in logged[-1] and "unit" in logged[-1]
    assert not re.search(r"[\u4e00-\u9fff]", logged[-1]), logged[-1]
    shown_texts = [w.text() for w in screen.findChildren(QLabel) if w.isVisible()]
    assert not any(logged[-1].split(": ", 1)[1] in t for t in shown_texts)

    screen.terms.unit_zh.setText("具")
    screen.terms.unit_zh.editingFinished.emit()
    assert "符合规则" in screen.message.text()
    screen.tree.setCurrentItem(screen.tree.topLevelItem(s).child(i))
    screen.text_zh.setText("")
    screen.text_zh.editingFinished.emit()
    assert screen.message.text() == (
        f"检查表不符合格式要求：第{s + 1}个分组“{group}”第{i + 1}项 {code}，“内容（中文）”不能为空"
    )
    assert "text › zh" in caplog.records[-1].getMessage()
