"""Autosaved drafts of the household, inspection and case report forms, driven through
the real widgets: what was typed survives the form going away, comes back on reopening,
and is gone once saved or thrown away on purpose."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QRadioButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from gridworker.domain.enums import (
    CaseCategory,
    CaseState,
    EconomicStatus,
    HazardKind,
    PremisesType,
    Relationship,
    Urgency,
)
from gridworker.services import drafts, inspections
from gridworker.storage.models import CaseRow, HouseholdRow, ResidentRow, Setting
from gridworker.ui.dialogs.household import HouseholdDialog
from gridworker.ui.screens.cases import CasesScreen
from gridworker.ui.screens.hazards import HazardsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.drafts import DraftKeeper
from tests.conftest import GRID, GRID2
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_cases import ime_type

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai
ID_NUMBER = "360302195003120010"  # generated, well-formed


def quick(keeper: DraftKeeper) -> None:
    """Autosave after 20 ms instead of 2 s (the interval is the only thing changed)."""
    keeper.timer.setInterval(20)


def autosaved(qtbot: QtBot, session: AppSession, kind: str, record_id: str) -> dict:  # type: ignore[type-arg]
    draft = None

    def written() -> bool:
        nonlocal draft
        wait_idle(qtbot, session)
        draft = drafts.load_draft(session.ws, kind, record_id)
        return draft is not None

    qtbot.waitUntil(written)
    # The draft can be read as soon as the write commits, a moment before its result (the
    # form's "草稿已保存" line) reaches the GUI thread: let it arrive.
    wait_idle(qtbot, session)
    assert draft is not None
    return draft.data


def no_draft(session: AppSession, kind: str) -> bool:
    with session.ws.read() as s:
        prefix = f"draft:{kind}:"
        return not s.scalar(select(func.count()).where(Setting.key.startswith(prefix)))


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox.StandardButton]:
    """The person's answers to "discard?" questions, in order."""
    queue: list[QMessageBox.StandardButton] = []

    def question(*_args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return queue


GRIDS = [(GRID, "凤凰社区一网格"), (GRID2, None)]


def test_household_draft_survives_and_goes_with_the_registration(
    qtbot: QtBot, session: AppSession, answers: list[QMessageBox.StandardButton]
) -> None:
    """Proves the new-household form autosaves its fields and residents, a new form (after
    the first went away unsaved) restores them and says so, and registering removes the
    draft; a restored draft thrown away with Cancel → Yes is gone too."""
    first = HouseholdDialog(session, GRIDS)
    qtbot.addWidget(first)
    quick(first.keeper)
    first.show()
    wait_idle(qtbot, session)  # the draft lookup of an empty profile
    first.grid.setCurrentIndex(1)
    qtbot.keyClicks(first.household_no, "0815")
    ime_type(first.address, "凤凰小区3栋2单元501室")
    first.economic.set_value(EconomicStatus.low_income)
    first.open_resident_dialog()
    resident = first.resident_dialog
    assert resident is not None
    ime_type(resident.name, "李秀兰")
    qtbot.keyClicks(resident.id_number, ID_NUMBER)
    resident.accept()
    assert first.residents.rowCount() == 1
    data = autosaved(qtbot, session, "household", "new")
    assert data["household_no"] == "0815" and data["grid_code"] == GRID2
    assert data["residents"][0]["name"] == "李秀兰"
    assert first.draft_label.text().startswith("草稿已保存")
    first.done(0)  # gone without Cancel: as when the app is closed or crashes

    again = HouseholdDialog(session, GRIDS)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.address.text() == "凤凰小区3栋2单元501室")
    assert again.grid.currentData() == GRID2 and again.household_no.text() == "0815"
    assert again.economic.value() is EconomicStatus.low_income
    assert again.residents.item(0, 0).text() == "李秀兰"
    assert again.people[0].relationship is Relationship.head
    assert again.draft_label.text().startswith("已恢复") and again.guard.dirty
    grab(again, "household-draft")
    with qtbot.waitSignal(again.saved):
        again.accept()
    wait_idle(qtbot, session)
    assert no_draft(session, "household")
    with session.ws.read() as s:
        assert s.scalar(select(HouseholdRow.address)) == "凤凰小区3栋2单元501室"
        assert s.scalar(select(ResidentRow.name)) == "李秀兰"

    third = HouseholdDialog(session, GRIDS)
    qtbot.addWidget(third)
    quick(third.keeper)
    third.show()
    ime_type(third.address, "建设路8号")
    autosaved(qtbot, session, "household", "new")
    answers.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(third.finished):
        third.reject()
    wait_idle(qtbot, session)
    assert no_draft(session, "household") and answers == []


def click_radio(qtbot: QtBot, editor: QWidget, name: str) -> None:
    radio = editor.findChild(QRadioButton, name)
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))


def test_inspection_draft_restores_answers_and_goes_on_save_or_confirmed_cancel(
    qtbot: QtBot, session: AppSession, answers: list[QMessageBox.StandardButton]
) -> None:
    """Proves an inspection's answers and notes are autosaved under its site, come back in
    a new screen's form for the same site, Cancel asks first (No keeps everything, Yes
    throws the draft away), and saving the inspection leaves no draft."""
    session.ws.clock = lambda: NOW
    site = inspections.register_site(
        session.ws,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="老王小炒",
        premises_type=PremisesType.small_restaurant,
    )

    def open_form() -> HazardsScreen:
        screen = HazardsScreen(session)
        qtbot.addWidget(screen)
        screen.resize(1100, 760)
        screen.show()
        qtbot.waitUntil(lambda: screen.sites.rowCount() == 1)
        screen.select(site)
        qtbot.waitUntil(lambda: screen.panel.name.text() == "老王小炒")
        screen.start_inspection()
        qtbot.waitUntil(lambda: len(screen.form.editors) > 20)
        quick(screen.form.keeper)
        return screen

    screen = open_form()
    form = screen.form
    click_radio(qtbot, form.editor("FS-ELEC-02"), "answer_fail")
    ime_type(form.editor("FS-ELEC-02").note, "后厨电线裸露")
    form.editor("FS-EQP-01").spin.setValue(3)  # type: ignore[union-attr]
    ime_type(form.overall_note, "老板在场")
    data = autosaved(qtbot, session, "inspection", site)
    assert data["answers"] == {"FS-ELEC-02": "fail", "FS-EQP-01": "3"}
    screen.close()

    screen = open_form()
    form = screen.form
    qtbot.waitUntil(lambda: form.editor("FS-ELEC-02").answer() == "fail")
    assert form.editor("FS-EQP-01").answer() == "3"
    assert form.editor("FS-ELEC-02").note.text() == "后厨电线裸露"
    assert form.overall_note.text() == "老板在场" and form.draft_label.text().startswith("已恢复")
    answers.append(QMessageBox.StandardButton.No)
    assert not form.cancel()
    assert screen.pages.currentWidget() is form and form.overall_note.text() == "老板在场"
    answers.append(QMessageBox.StandardButton.Yes)
    assert form.cancel()
    wait_idle(qtbot, session)
    assert no_draft(session, "inspection") and screen.pages.currentWidget() is screen.panel

    screen.start_inspection()
    qtbot.waitUntil(lambda: len(form.editors) > 20 and form.editor("FS-ELEC-02").answer() == "")
    qtbot.mouseClick(form.all_pass, Qt.MouseButton.LeftButton)
    form.editor("FS-EQP-01").spin.setValue(2)  # type: ignore[union-attr]
    form.editor("FS-KIT-04").set_value("2026-10-08")
    autosaved(qtbot, session, "inspection", site)
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    assert no_draft(session, "inspection") and answers == []


def test_case_report_draft_comes_back_and_goes_when_reported(
    qtbot: QtBot, session: AppSession
) -> None:
    """Proves the case report form autosaves what was typed (category, subcategory,
    urgency, grid included), leaving it for a case keeps the draft, "Report a case" brings
    it back, and reporting removes the draft."""
    session.ws.clock = lambda: NOW
    screen = CasesScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1100, 760)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.mouseClick(screen.report_button, Qt.MouseButton.LeftButton)
    form = screen.form
    quick(form.keeper)
    qtbot.waitUntil(lambda: form.grid.count() == 2)
    wait_idle(qtbot, session)
    ime_type(form.title, "楼道堆放杂物")
    form.category.setCurrentIndex(form.category.findData(CaseCategory.hazard.code))
    form.subcategory.setCurrentIndex(form.subcategory.findData("02"))
    form.urgency.setCurrentIndex(form.urgency.findData(Urgency.immediate.code))
    form.grid.setCurrentIndex(form.grid.findData(GRID2))
    ime_type(form.address, "凤凰小区5栋1单元")
    data = autosaved(qtbot, session, "case", "new")
    assert data["title"] == "楼道堆放杂物" and data["grid_code"] == GRID2
    form.leave()
    screen.pages.setCurrentWidget(screen.hint)

    qtbot.mouseClick(screen.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.title.text() == "楼道堆放杂物")
    assert form.category.currentData() == CaseCategory.hazard.code
    assert form.subcategory.currentText() == "消防"
    assert form.urgency.currentData() == Urgency.immediate.code
    assert form.grid.currentData() == GRID2 and form.address.text() == "凤凰小区5栋1单元"
    assert form.draft_label.text().startswith("已恢复")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.current_filter() == CaseState.reported.code)
    wait_idle(qtbot, session)
    assert no_draft(session, "case")
    with session.ws.read() as s:
        assert s.scalar(select(CaseRow.grid_code).where(CaseRow.title == "楼道堆放杂物")) == GRID2
    QApplication.processEvents()
