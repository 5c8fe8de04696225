"""The households screen, driven as a grid worker would: register, page, filter, reveal."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox, QWidget
from sqlalchemy import func, select

from gridworker.demo_data import RosterLine, make_roster
from gridworker.domain.enums import (
    EconomicStatus,
    NeedCategory,
    Relationship,
    ResidenceType,
    TagKind,
    VisitMode,
)
from gridworker.services.importing import import_file
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.visits import NeedInput, record_visit
from gridworker.storage.models import HouseholdRow, LocalAudit
from gridworker.ui.main_window import STYLE
from gridworker.ui.models.households import PAGE_SIZE
from gridworker.ui.screens.register import HouseholdDialog, RegisterScreen, ResidentDialog
from gridworker.ui.session import AppSession
from tests.conftest import GRID, GRID2
from tests.services.test_importing import write_csv
from tests.ui.conftest import wait_idle

HEAD_ID = "36030219560312041X"
SPOUSE_ID = "36030219580907042X"
SPOUSE_ID_WRONG_CHECK = "360302195809070421"


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a person does: Latin text key by key, Chinese committed by the input method
    (QTest can only press Latin-1 keys)."""
    widget.setFocus()
    for part in _runs(text):
        if part.isascii():
            qtbot.keyClicks(widget, part)
        else:
            event = QInputMethodEvent()
            event.setCommitString(part)
            QApplication.sendEvent(widget, event)


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def open_screen(qtbot, session: AppSession) -> RegisterScreen:  # type: ignore[no-untyped-def]
    screen = RegisterScreen(session)
    screen.setStyleSheet(STYLE)
    screen.resize(1280, 760)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.grids is not None and not screen.model.loading, timeout=5000)
    return screen


def add_person(qtbot, household: HouseholdDialog, name: str, id_number: str) -> ResidentDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(household.add_button, Qt.MouseButton.LeftButton)
    dialog = household.resident_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    type_text(qtbot, dialog.name, name)
    type_text(qtbot, dialog.id_number, id_number)
    return dialog


def household_count(session: AppSession) -> int:
    with session.ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(HouseholdRow)) or 0)


def test_register_a_household_with_two_residents_and_reveal_an_id(
    qtbot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves the New household form registers a household with two residents by keyboard;
    a wrong ID check digit shows its message beside the field and saves nothing; the new
    household appears in the list with its ID numbers masked; "Show full" with a reason
    reveals the number and logs a LocalAudit 'reveal' row that does not hold it."""
    screen = open_screen(qtbot, session)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    household = screen.dialog
    assert isinstance(household, HouseholdDialog)
    qtbot.waitUntil(household.isVisible)
    qtbot.keyClicks(household.household_no, "0301")
    type_text(qtbot, household.address, "萍乡市安源区凤凰小区3栋1单元301室")
    qtbot.keyClicks(household.phone, "139 0799 1234")

    first = add_person(qtbot, household, "刘建国", HEAD_ID)
    with qtbot.waitSignal(first.finished):
        qtbot.keyClick(first.id_number, Qt.Key.Key_Return)  # Enter adds the person
    assert [p.name for p in household.people] == ["刘建国"]
    assert household.people[0].relationship is Relationship.head  # the first one is the head

    second = add_person(qtbot, household, "王秀兰", SPOUSE_ID_WRONG_CHECK)
    qtbot.keyClick(second.id_number, Qt.Key.Key_Return)
    assert second.isVisible()
    message = second.form.error("id_number")
    assert message == "身份证号码校验位错误"
    error_box = second.form.rows["id_number"].error
    assert error_box.isVisible()
    assert (
        error_box.mapTo(second, error_box.rect().topLeft()).x()
        > second.id_number.mapTo(second, second.id_number.rect().topRight()).x()
    )  # beside the field, to its right
    assert len(household.people) == 1 and household_count(session) == 0

    second.id_number.clear()
    qtbot.keyClicks(second.id_number, SPOUSE_ID)
    assert second.form.error("id_number") == ""  # typing clears the message
    for _ in range(2):  # — → 户主 → 配偶
        qtbot.keyClick(second.relationship, Qt.Key.Key_Down)
    assert second.relationship.currentText() == "配偶"
    tags = second.tags
    tags.setFocus()
    tags.setCurrentRow(tags.members.index(TagKind.disabled))
    qtbot.keyClick(tags, Qt.Key.Key_Space)
    with qtbot.waitSignal(second.finished):
        qtbot.keyClick(second.phone, Qt.Key.Key_Return)
    assert [p.relationship for p in household.people] == [Relationship.head, Relationship.spouse]
    assert household.people[1].tags == (TagKind.disabled,)

    with qtbot.waitSignal(household.finished, timeout=5000):
        qtbot.keyClick(household.address, Qt.Key.Key_Return)  # Enter registers
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.household_no == "0301")
    wait_idle(qtbot, session)
    row = screen.model.row_of(screen.detail.id)  # type: ignore[union-attr]
    assert row is not None and screen.table.currentIndex().row() == row
    assert screen.model.index(row, 4).data() == "139****1234"
    residents = screen.residents
    assert [residents.index(r, 0).data() for r in range(2)] == ["刘建国", "王秀兰"]
    shown_ids = [residents.index(r, 3).data() for r in range(2)]
    assert shown_ids == ["360302********041X", "360302********042X"]
    assert residents.index(1, 5).data() == "残疾人"

    asked: list[str] = []

    def answer(parent, title, label, items, current, editable):  # type: ignore[no-untyped-def]
        asked.append(label)
        return "办理残疾人补贴", True

    monkeypatch.setattr(QInputDialog, "getItem", answer)
    screen.resident_table.selectRow(1)
    qtbot.mouseClick(screen.reveal_id_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: residents.index(1, 3).data() == SPOUSE_ID)
    assert "王秀兰" in asked[0]
    assert residents.index(0, 3).data() == "360302********041X"  # the other stays masked
    with session.ws.read() as s:
        audits = list(s.scalars(select(LocalAudit).where(LocalAudit.action == "reveal")))
    assert [(a.entity, a.detail) for a in audits] == [
        ("resident", {"field": "id_number", "reason": "办理残疾人补贴"})
    ]
    assert SPOUSE_ID not in repr(audits[0].detail) and SPOUSE_ID[6:14] not in repr(audits[0].detail)
    session.lock()
    assert residents.index(1, 3).data() == "360302********042X"  # masked again on lock


def test_household_number_already_registered_is_refused_beside_the_field(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves registering a 户号 that already exists in the grid shows a message beside 户号
    and keeps the dialog open instead of silently updating the other household."""
    register_household(
        session.ws, HouseholdInput(grid_code=GRID, household_no="0007", address="老地址")
    )
    screen = open_screen(qtbot, session)
    household = screen.new_household()
    qtbot.keyClicks(household.household_no, "0007")
    type_text(qtbot, household.address, "新地址")
    qtbot.keyClick(household.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: household.form.error("household_no") != "", timeout=5000)
    assert household.isVisible()
    with session.ws.read() as s:
        assert s.scalars(select(HouseholdRow.address)).all() == ["老地址"]


def test_closing_an_edited_form_asks_and_no_keeps_it(
    qtbot, session: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves Esc on an untouched form closes it without asking, while Esc on an edited one
    asks "Discard changes?": No keeps the form and its text, Yes closes it."""
    screen = open_screen(qtbot, session)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    questions: list[str] = []

    def question(parent, title, text, *args):  # type: ignore[no-untyped-def]
        questions.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    untouched = screen.new_household()
    with qtbot.waitSignal(untouched.finished):
        qtbot.keyClick(untouched.household_no, Qt.Key.Key_Escape)
    assert questions == []

    edited = screen.new_household()
    type_text(qtbot, edited.address, "五一路社区2栋")
    qtbot.keyClick(edited.address, Qt.Key.Key_Escape)
    discard = QCoreApplication.translate("ChangeGuard", "Discard changes?")
    assert questions == [discard] and edited.isVisible()
    assert edited.address.text() == "五一路社区2栋"
    with qtbot.waitSignal(edited.finished):
        edited.close()  # the window's close button goes through the same question
    assert len(questions) == 2


def import_roster(session: AppSession, tmp_path: Path, lines: list[RosterLine]) -> None:
    roster = write_csv(tmp_path / "roster.csv", [x.as_list() for x in lines])
    report = import_file(session.ws, roster)
    assert report.errors == []


def load_all(qtbot, screen: RegisterScreen) -> set[str]:  # type: ignore[no-untyped-def]
    """Scroll to the end until every page is loaded; the household numbers shown."""
    model = screen.model
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    while model.has_more:
        before = model.rowCount()
        screen.table.scrollToBottom()
        qtbot.waitUntil(lambda: model.rowCount() > before and not model.loading, timeout=10_000)  # noqa: B023
    return {model.item(r).household_no for r in range(model.rowCount())}


def test_paging_over_2500_households_and_filters(
    qtbot, session: AppSession, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Proves with 2,500 households the list first loads one page, scrolling down fetches the
    next, and the tag and text filters show exactly the matching households."""
    lines = make_roster(2500, grid_codes=[GRID, GRID2])
    import_roster(session, tmp_path, lines)
    screen = open_screen(qtbot, session)
    model = screen.model
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore(QModelIndex())
    assert screen.model.has_more and str(PAGE_SIZE) in screen.count_label.text()
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=5000)

    tags: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        for tag in filter(None, line.tags.split("、")):
            tags[tag].add(line.household_no)
    screen.tag_filter.setCurrentIndex(screen.tag_filter.findData(TagKind.living_alone_elderly.code))
    assert load_all(qtbot, screen) == tags["独居老人"] and len(tags["独居老人"]) > 0

    screen.tag_filter.setCurrentIndex(0)
    type_text(qtbot, screen.search, "凤凰小区")
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    phoenix = {line.household_no for line in lines if "凤凰小区" in line.address}
    assert load_all(qtbot, screen) == phoenix and 300 < len(phoenix) < 400

    screen.search.clear()
    type_text(qtbot, screen.search, lines[1234].name)  # a resident's name finds the household
    qtbot.waitUntil(lambda: not model.loading and model.rowCount() < 100, timeout=5000)
    assert lines[1234].household_no in load_all(qtbot, screen)

    screen.grid_filter.setCurrentIndex(screen.grid_filter.findData(GRID2))
    qtbot.waitUntil(lambda: not model.loading, timeout=5000)
    assert {model.item(r).grid_code for r in range(model.rowCount())} <= {GRID2}


def register_realistic(session: AppSession, households: int) -> str:
    """Households as a worker keeps them: a phone for each, several members, care tags and
    two visits to the one with the most tags, whose id is returned."""
    by_household: dict[str, list[RosterLine]] = defaultdict(list)
    for line in make_roster(households, grid_codes=[GRID, GRID2], seed=11):
        by_household[line.household_no].append(line)
    for members in by_household.values():
        head = members[0]
        poor = any("低保" in m.tags or "残疾人" in m.tags for m in members)
        economy = EconomicStatus.low_income if poor else EconomicStatus.fixed_income
        register_household(
            session.ws,
            HouseholdInput(
                grid_code=head.grid_code,
                household_no=head.household_no,
                address=head.address,
                phone=next((m.phone for m in members if m.phone), None),
                economic_status=economy,
                residence_type=ResidenceType.rented if len(members) < 3 else ResidenceType.owned,
            ),
            [
                ResidentInput(
                    name=m.name,
                    id_number=m.id_number,
                    phone=m.phone or None,
                    relationship=Relationship.parse(m.relationship),
                    tags=[TagKind.parse(t) for t in m.tags.split("、") if t],
                )
                for m in members
            ],
        )
    hid = register_household(
        session.ws,
        HouseholdInput(
            grid_code=GRID,
            household_no="00062",
            address="萍乡市安源区凤凰小区5栋2单元302室",
            phone="0799-6612345",
            economic_status=EconomicStatus.low_income,
            residence_type=ResidenceType.owned,
        ),
        [
            ResidentInput(
                "张德明",
                HEAD_ID,
                relationship=Relationship.head,
                phone="13907991234",
                tags=[TagKind.veteran, TagKind.low_income],
            ),
            ResidentInput(
                "李桂兰",
                SPOUSE_ID,
                relationship=Relationship.spouse,
                tags=[TagKind.disabled, TagKind.low_income],
            ),
            ResidentInput(
                "张子轩",
                "360302201506100319",
                relationship=Relationship.grandchild,
                tags=[TagKind.left_behind_child],
            ),
        ],
    )
    now = datetime.now(UTC)
    record_visit(
        session.ws,
        household_id=hid,
        mode=VisitMode.home,
        visited_at=now - timedelta(days=12, hours=3),
        people_met="户主本人",
        situation="家中老人身体尚可，反映楼道灯损坏。",
        needs=[NeedInput(category=NeedCategory.hazard, text="楼道灯损坏，夜间上下楼不便")],
    )
    record_visit(
        session.ws,
        household_id=hid,
        mode=VisitMode.phone,
        visited_at=now - timedelta(days=2, hours=5),
        people_met="户主",
        situation="电话回访，楼道灯已由物业修复。",
    )
    return hid


def test_screenshot_register(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the screen renders realistic data (a household with several members and tags
    selected) and saves docs/screenshots/register.png for review."""
    hid = register_realistic(session, 60)
    screen = open_screen(qtbot, session)
    row = screen.model.row_of(hid)
    assert row is not None
    screen.table.selectRow(row)
    qtbot.waitUntil(lambda: screen.visits.rowCount() == 2, timeout=5000)
    screen.resident_table.selectRow(0)
    wait_idle(qtbot, session)


def test_a_new_household_shows_in_the_list_under_a_filter(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves a household registered while the list is narrowed to a tag and a search that
    it does not match still shows in the list, selected: the filter is cleared and the
    status line says why."""
    register_household(
        session.ws, HouseholdInput(grid_code=GRID2, household_no="0900", address="别处小区")
    )
    screen = open_screen(qtbot, session)
    screen.tag_filter.setCurrentIndex(screen.tag_filter.findData(TagKind.disabled.code))
    screen.search.setText("别处")
    screen.apply_filter()
    qtbot.waitUntil(lambda: not screen.model.loading and screen.model.rowCount() == 0)
    household = screen.new_household()
    qtbot.keyClicks(household.household_no, "0302")
    type_text(qtbot, household.address, "凤凰小区3栋1单元302室")
    with qtbot.waitSignal(household.finished, timeout=5000):
        qtbot.keyClick(household.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.household_no == "0302")
    qtbot.waitUntil(lambda: screen.model.row_of(screen.detail.id) is not None, timeout=5000)  # type: ignore[union-attr]
    row = screen.model.row_of(screen.detail.id)  # type: ignore[union-attr]
    assert screen.table.currentIndex().row() == row
    assert screen.search.text() == "" and screen.tag_filter.currentIndex() == 0
    assert screen.status.text() == "已登记。为了在列表中显示它，已清除列表的筛选条件。"


def test_an_empty_list_says_why(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the households list says there is none yet on a fresh profile, and that none
    matches when a search finds nothing (instead of an empty white box)."""
    screen = open_screen(qtbot, session)
    hint = screen.table.viewport().findChild(QLabel, "emptyHint")
    assert hint is not None and hint.isVisible()
    assert hint.text() == "还没有登记住户：点击“新增住户”登记。"
    register_household(
        session.ws, HouseholdInput(grid_code=GRID, household_no="0001", address="凤凰小区")
    )
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=5000)
    assert not hint.isVisible()
    screen.search.setText("没有这个人")
    screen.apply_filter()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0 and not screen.model.loading)
    assert hint.isVisible() and hint.text() == "没有符合筛选条件的住户。"
