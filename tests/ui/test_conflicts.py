"""冲突 screen: real LocalConflict rows (as a sync leaves them), resolved through the widgets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from gridworker.domain.enums import CaseCategory, EconomicStatus, TagKind
from gridworker.services import cases, register
from gridworker.services.syncing import list_conflicts
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, LocalConflict, ResidentRow
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_today import window_with_my_screens

NOTE_LOCAL = "子女每周六回来探望"
NOTE_SERVER = "已安装一键呼叫设备"


@dataclass
class Seeded:
    household: str
    resident: str
    case: str
    field_conflict: str
    delete_conflict: str
    workflow_conflict: str


def _field(name: str, base: Any, server: Any, local: Any, local_author: str | None = "wang.wei"):  # type: ignore[no-untyped-def]
    return {
        "field": name,
        "base": base,
        "server": server,
        "server_author": "li.na",
        "local": local,
        "local_author": local_author,
    }


def _conflict(ws: Workspace, minute: int, **values: Any) -> str:
    conflict_id = str(uuid.uuid4())
    with ws.write() as s:
        s.add(
            LocalConflict(
                id=conflict_id,
                status="open",
                grid_code=GRID,
                created_at=datetime(2026, 11, 27, 2, minute, tzinfo=UTC),
                version=0,
                **values,
            )
        )
    return conflict_id


def seed_conflicts(ws: Workspace) -> Seeded:
    """A household edited on two laptops, a resident deleted here but edited there, and a
    verification that came too late: what a sync leaves behind (the record holds the
    server's values)."""
    hid = register.register_household(
        ws,
        register.HouseholdInput(
            grid_code=GRID,
            household_no="0101",
            address="凤凰小区3栋1单元101室",
            head_name="张秀英",
            phone="13912345678",
            economic_status=EconomicStatus.low_income,
            note=NOTE_SERVER,
        ),
        [register.ResidentInput(name="张秀英", tags=[TagKind.living_alone_elderly])],
    )
    with ws.read() as s:
        [rid] = [r.id for r in s.query(ResidentRow).filter_by(household_id=hid)]
    case_id = cases.report_case(
        ws, grid_code=GRID, title="楼道堆放杂物占用消防通道", category=CaseCategory.hazard
    )
    field_conflict = _conflict(
        ws,
        10,
        kind="field",
        entity="household",
        record_id=hid,
        fields=[
            _field("note", "独居，行动不便", NOTE_SERVER, NOTE_LOCAL),
            _field("phone", "13812345678", "13912345678", "13712345678"),
            _field("economic_status", "02", "03", "02"),
        ],
    )
    delete_conflict = _conflict(
        ws,
        20,
        kind="delete",
        entity="resident",
        record_id=rid,
        fields=[
            _field("deleted", False, False, True),
            _field("occupation", None, "退休", None, local_author=None),
        ],
    )
    workflow_conflict = _conflict(
        ws,
        30,
        kind="workflow",
        entity="case",
        record_id=case_id,
        fields=[],
        action={
            "action": "verify_fail",
            "actor": "wang.wei",
            "at": "2026-11-27T01:40:00+00:00",
            "note": "杂物仍未清理",
        },
        reject_code="invalid_transition",
    )
    return Seeded(hid, rid, case_id, field_conflict, delete_conflict, workflow_conflict)


def open_screen(qtbot, session: AppSession) -> ConflictsScreen:  # type: ignore[no-untyped-def]
    screen = ConflictsScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1100, 640)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=5000)
    return screen


def click_conflict(qtbot, screen: ConflictsScreen, conflict_id: str) -> None:  # type: ignore[no-untyped-def]
    row = screen.model.row_of(conflict_id)
    rect = screen.table.visualRect(screen.model.index(row, 0))
    QTest.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.id == conflict_id)


def resolve_and_wait(qtbot, session: AppSession, screen: ConflictsScreen, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(
        lambda: screen.current is not None and screen.current.pending_resolution, timeout=5000
    )


def type_text(edit: QLineEdit, text: str) -> None:
    """Type as a pinyin input method does: it commits the Chinese text to the focused field."""
    edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def stored(ws: Workspace, conflict_id: str) -> dict[str, Any] | None:
    with ws.read() as s:
        return s.get_one(LocalConflict, conflict_id).resolution


def test_choose_per_field_then_resolve(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves choosing this laptop's note and the server's other fields, then Resolve, writes
    the note locally, keeps the rest, and leaves the conflict waiting for sync."""
    seeded = seed_conflicts(session.ws)
    screen = open_screen(qtbot, session)
    click_conflict(qtbot, screen, seeded.field_conflict)
    assert set(screen.rows) == {"note", "phone", "economic_status"}
    assert screen.rows["phone"].server_text.text() == "139****5678"  # masked, never in full
    assert screen.rows["economic_status"].local_text.text() == "有固定经济来源"
    qtbot.mouseClick(screen.rows["note"].local_text, Qt.MouseButton.LeftButton)  # the text
    assert screen.rows["note"].local.isChecked()
    resolve_and_wait(qtbot, session, screen, screen.resolve_button)
    with session.ws.read() as s:
        household = s.get_one(HouseholdRow, seeded.household)
        assert household.note == NOTE_LOCAL
        assert household.economic_status is EconomicStatus.low_income
        assert household.phone == "13912345678"
    assert stored(session.ws, seeded.field_conflict) == {
        "choice": "values",
        "values": {"note": NOTE_LOCAL},
    }
    [view] = [v for v in list_conflicts(session.ws) if v.id == seeded.field_conflict]
    assert view.pending_resolution and view.status == "open"
    assert screen.pending.isVisible() and "待同步" in screen.pending.text()
    assert not screen.resolve_button.isEnabled() and not screen.rows["note"].local.isEnabled()
    row = screen.model.row_of(seeded.field_conflict)
    assert screen.model.index(row, 4).data() == "待同步"


def test_all_mine_keeps_every_local_value(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves "All my values" then Resolve keeps this laptop's side of every field."""
    seeded = seed_conflicts(session.ws)
    screen = open_screen(qtbot, session)
    click_conflict(qtbot, screen, seeded.field_conflict)
    qtbot.mouseClick(screen.all_local, Qt.MouseButton.LeftButton)
    assert all(row.local.isChecked() for row in screen.rows.values())
    resolve_and_wait(qtbot, session, screen, screen.resolve_button)
    with session.ws.read() as s:
        household = s.get_one(HouseholdRow, seeded.household)
        assert (household.note, household.phone) == (NOTE_LOCAL, "13712345678")
        assert household.economic_status is EconomicStatus.fixed_income
    assert stored(session.ws, seeded.field_conflict) == {"choice": "local", "values": {}}


def test_a_typed_value_wins_and_a_blank_one_is_refused(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves typing a value selects "other" and Resolve writes it; a blank typed value is
    refused with a message and changes nothing."""
    seeded = seed_conflicts(session.ws)
    screen = open_screen(qtbot, session)
    click_conflict(qtbot, screen, seeded.field_conflict)
    note = screen.rows["note"]
    qtbot.mouseClick(note.other, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.resolve_button, Qt.MouseButton.LeftButton)
    assert "备注" in screen.error.text()
    assert stored(session.ws, seeded.field_conflict) is None
    typed = "子女每周探望，已装一键呼叫"
    type_text(note.other_edit, typed)
    assert note.other.isChecked()
    resolve_and_wait(qtbot, session, screen, screen.resolve_button)
    with session.ws.read() as s:
        assert s.get_one(HouseholdRow, seeded.household).note == typed
    assert stored(session.ws, seeded.field_conflict) == {
        "choice": "values",
        "values": {"note": typed},
    }


def test_two_fields_with_different_choices_both_travel(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a typed note and this laptop's phone are both applied here and both wait in
    the resolution the next sync sends."""
    seeded = seed_conflicts(session.ws)
    screen = open_screen(qtbot, session)
    click_conflict(qtbot, screen, seeded.field_conflict)
    type_text(screen.rows["note"].other_edit, "已核实")
    qtbot.mouseClick(screen.rows["phone"].local, Qt.MouseButton.LeftButton)
    resolve_and_wait(qtbot, session, screen, screen.resolve_button)
    with session.ws.read() as s:
        household = s.get_one(HouseholdRow, seeded.household)
        assert (household.note, household.phone) == ("已核实", "13712345678")
    resolution = stored(session.ws, seeded.field_conflict) or {}
    assert resolution.get("values") == {"note": "已核实", "phone": "13712345678"}


def test_delete_conflict_offers_only_what_each_side_has(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a field the delete did not send has no local choice, and keeping this laptop's
    delete removes the resident here, waiting for sync."""
    seeded = seed_conflicts(session.ws)
    screen = open_screen(qtbot, session)
    click_conflict(qtbot, screen, seeded.delete_conflict)
    assert not screen.rows["occupation"].local.isEnabled()
    assert not screen.rows["deleted"].other.isEnabled()
    assert screen.rows["deleted"].local_text.text() == "已删除"
    qtbot.mouseClick(screen.rows["deleted"].local, Qt.MouseButton.LeftButton)
    resolve_and_wait(qtbot, session, screen, screen.resolve_button)
    with session.ws.read() as s:
        assert s.get_one(ResidentRow, seeded.resident).deleted is True
    assert stored(session.ws, seeded.delete_conflict) == {
        "choice": "values",
        "values": {"deleted": True},
    }


def test_workflow_conflict_is_acknowledged(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves a refused workflow action shows its reason and Acknowledge keeps the server's
    state, waiting for sync; after the sync marks it resolved it leaves the list."""
    seeded = seed_conflicts(session.ws)
    screen = open_screen(qtbot, session)
    click_conflict(qtbot, screen, seeded.workflow_conflict)
    assert screen.pages.currentWidget() is screen.workflow_page
    assert "他人已先行办理该事件" in screen.reason_label.text()
    resolve_and_wait(qtbot, session, screen, screen.ack_button)
    assert stored(session.ws, seeded.workflow_conflict) == {"choice": "server", "values": {}}
    with session.ws.write() as s:  # what the next sync does once the server accepted it
        s.get_one(LocalConflict, seeded.workflow_conflict).status = "resolved"
    screen.refresh()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.model.row_of(seeded.workflow_conflict) < 0, timeout=5000)
    qtbot.mouseClick(screen.show_resolved, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.model.row_of(seeded.workflow_conflict) >= 0, timeout=5000)


def test_screenshot_conflicts(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the screen renders the three kinds with Chinese data in the main window
    (docs/screenshots)."""
    seeded = seed_conflicts(session.ws)
    window = window_with_my_screens(session)
    qtbot.addWidget(window)
    window.show()
    screen = window.show_screen("conflicts")
    assert isinstance(screen, ConflictsScreen)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=5000)
    click_conflict(qtbot, screen, seeded.field_conflict)
    qtbot.mouseClick(screen.rows["note"].local, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    grab(window, "conflicts")
    click_conflict(qtbot, screen, seeded.workflow_conflict)
    qtbot.wait(50)
    grab(window, "conflicts-workflow")
