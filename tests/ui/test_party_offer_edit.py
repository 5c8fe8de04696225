"""Editing and withdrawing what a community offers from the screen (docs/design.md §22.7,
§22.8): the 清单… list and the volunteer tab's 邻里之家… list open a record in its own
form, filled in; saving queues only the changed fields; a record a need or an activity
refers to is not withdrawn."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import delete, select

from gridworker.services import party, party_coop, volunteering
from gridworker.storage.models import SYNC_MODELS, LocalAudit, OutboxEntry
from gridworker.ui.screens.community import CommunityScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_party import open_screen, seed_grid
from tests.ui.test_register import type_text


def seed_offers(session: AppSession) -> dict[str, str]:
    """An agreement, a resource, a project and a station of the grid, already pushed (the
    outbox emptied as a sync leaves it)."""
    ws = session.ws
    ids = {
        "coop_agreement": party_coop.sign_agreement(
            ws,
            grid_code=GRID,
            community="凤凰池社区",
            partner="区税务局机关党委",
            signed_on=date(2026, 3, 1),
            starts_on=date(2026, 3, 1),
        ),
        "coop_resource": party_coop.add_resource(
            ws, grid_code=GRID, partner="区人民医院", kind="skills", description="上门义诊"
        ),
        "coop_project": party_coop.add_project(
            ws,
            grid_code=GRID,
            name="老旧小区加装电梯",
            partners="区住建局",
            starts_on=date(2026, 4, 1),
        ),
        "service_station": volunteering.add_station(ws, grid_code=GRID, name="凤凰池邻里之家"),
    }
    with ws.write() as s:
        s.execute(delete(OutboxEntry))
    return ids


def queued(session: AppSession, record_id: str) -> list[tuple[str, dict[str, Any]]]:
    with session.ws.read() as s:
        return [
            (e.op, dict(e.payload))
            for e in s.scalars(select(OutboxEntry).where(OutboxEntry.record_id == record_id))
        ]


def open_lists(qtbot, screen, stations: bool = False):  # type: ignore[no-untyped-def]
    if stations:
        screen.tabs.setCurrentWidget(screen.volunteering)
        qtbot.waitUntil(lambda: screen.volunteering.board is not None)
        screen.volunteering.station_list.click()
    else:
        screen.tabs.setCurrentWidget(screen.coop)
        qtbot.waitUntil(lambda: screen.coop.board is not None)
        screen.coop.lists.click()
    lists = screen.dialog
    assert lists is not None
    return lists


def open_edit(qtbot, screen, lists, name: str):  # type: ignore[no-untyped-def]
    row = next(r for r in range(lists.table.rowCount()) if name in lists.table.item(r, 4).text())
    lists.table.selectRow(row)
    before = screen.dialog
    lists.edit.click()
    qtbot.waitUntil(lambda: screen.dialog is not before)
    return screen.dialog


def grab_over(screen, dialog, name: str) -> None:  # type: ignore[no-untyped-def]
    """The screen (1366×768) with the dialog drawn over its middle, as a person sees it
    (offscreen, a dialog is a window of its own)."""
    picture = screen.grab()
    shot = dialog.grab()
    x, y = (picture.width() - shot.width()) // 2, (picture.height() - shot.height()) // 3
    painter = QPainter(picture)
    bar = 28  # the window's title bar, which offscreen windows do not draw
    painter.fillRect(x - 1, y - bar, shot.width() + 2, shot.height() + bar + 1, QColor("#5f6b7a"))
    painter.setPen(QColor("white"))
    painter.drawText(x + 10, y - 9, dialog.windowTitle())
    painter.drawPixmap(x, y, shot)
    painter.end()
    path = grab(screen, name)
    picture.save(str(path))


def save(qtbot, form) -> None:  # type: ignore[no-untyped-def]
    form.buttons.accepted.emit()
    qtbot.waitUntil(lambda: form.result() == QDialog.DialogCode.Accepted, timeout=5000)


def test_each_kind_is_edited_in_its_filled_form_and_only_changes_are_queued(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves 编辑… on the 清单… list opens the agreement's, the resource's and the project's
    own form filled with the record (the title says edit), a cleared required field is
    refused as on entry, and saving stores the change while the outbox holds one update
    with only the changed fields; the same for a station from the volunteer tab's
    邻里之家… list; the list shows the new values; screenshot of the edit form."""
    seed_grid(session)
    ids = seed_offers(session)
    ws = session.ws
    screen = open_screen(qtbot, session, (1366, 768))

    lists = open_lists(qtbot, screen)
    agreement = open_edit(qtbot, screen, lists, "区税务局机关党委")
    assert agreement.windowTitle() in ("修改共建协议", "Edit the agreement")
    assert agreement.partner.text() == "区税务局机关党委"
    assert agreement.community.text() == "凤凰池社区"
    assert not agreement.ends_on.on.isChecked()
    assert not agreement.guard.dirty  # filling is not an edit
    agreement.ends_on.on.setChecked(True)
    agreement.ends_on.edit.setDate(agreement.ends_on.edit.date().addYears(2))
    agreement.content.setPlainText("共建党员活动室")
    assert agreement.guard.dirty
    save(qtbot, agreement)

    resource = open_edit(qtbot, screen, lists, "上门义诊")
    assert resource.kind.currentData() == "skills"
    type_text(qtbot, resource.description, "（每月一次）")
    type_text(qtbot, resource.contact_phone, "13907990003")
    grab_over(screen, resource, "party-offer-edit-1366")
    resource.description.clear()
    resource.buttons.accepted.emit()
    assert resource.error.text() in ("请填写提供单位和资源内容", "Say who offers what")
    type_text(qtbot, resource.description, "每月一次上门义诊")
    save(qtbot, resource)

    project = open_edit(qtbot, screen, lists, "老旧小区加装电梯")
    assert project.partners.text() == "区住建局"
    project.status.setCurrentIndex(project.status.findData("running"))
    save(qtbot, project)
    qtbot.waitUntil(
        lambda: any("每月一次上门义诊" in lists.table.item(r, 4).text() for r in range(3))
    )
    lists.accept()

    stations = open_lists(qtbot, screen, stations=True)
    assert stations.table.rowCount() == 1
    station = open_edit(qtbot, screen, stations, "凤凰池邻里之家")
    assert station.windowTitle() in ("修改邻里之家", "Edit the service station")
    station.canteen.setChecked(True)
    type_text(qtbot, station.opening_hours, "8:30-17:30")
    save(qtbot, station)
    qtbot.waitUntil(lambda: "8:30-17:30" in stations.table.item(0, 2).text())
    stations.accept()
    wait_idle(qtbot, session)

    with ws.read() as s:
        deal = s.get(SYNC_MODELS["coop_agreement"], ids["coop_agreement"])
        assert deal.ends_on is not None and deal.content == "共建党员活动室"
        assert deal.partner == "区税务局机关党委"
        offer = s.get(SYNC_MODELS["coop_resource"], ids["coop_resource"])
        assert (offer.description, offer.contact_phone) == ("每月一次上门义诊", "13907990003")
        joint = s.get(SYNC_MODELS["coop_project"], ids["coop_project"])
        assert joint.status.code == "running" and joint.name == "老旧小区加装电梯"
        home = s.get(SYNC_MODELS["service_station"], ids["service_station"])
        assert home.canteen and home.opening_hours == "8:30-17:30"
    expected = {
        "coop_agreement": {"ends_on", "content"},
        "coop_resource": {"description", "contact_phone"},
        "coop_project": {"status"},
        "service_station": {"canteen", "opening_hours"},
    }
    for entity, fields in expected.items():
        [(op, payload)] = queued(session, ids[entity])
        assert op == "update" and set(payload) == fields, (entity, payload)


def test_an_edit_with_nothing_changed_queues_nothing_and_cancel_asks_first(
    qtbot, session: AppSession, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves OK on an untouched edit form closes it with no update queued, and Cancel on
    a form with typed edits asks first (No keeps the form open, Yes closes it unsaved)."""
    seed_grid(session)
    ids = seed_offers(session)
    screen = open_screen(qtbot, session)
    lists = open_lists(qtbot, screen)
    project = open_edit(qtbot, screen, lists, "老旧小区加装电梯")
    save(qtbot, project)
    assert queued(session, ids["coop_project"]) == []
    project = open_edit(qtbot, screen, lists, "老旧小区加装电梯")
    type_text(qtbot, project.name, "（二期）")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: answers.pop(0))
    project.buttons.rejected.emit()
    assert project.isVisible()
    project.buttons.rejected.emit()
    assert not project.isVisible() and not answers
    wait_idle(qtbot, session)
    assert queued(session, ids["coop_project"]) == []


def test_a_withdrawal_is_refused_while_a_need_refers_to_it_and_allowed_after(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves 撤销… asks for a reason (none refused), refuses the resource a need was matched
    to naming the need that refers to it (nothing written), and once the need is withdrawn
    withdraws the resource: tombstoned, queued as a delete, gone from the list, the reason
    in the profile's audit."""
    seed_grid(session)
    ids = seed_offers(session)
    ws = session.ws
    need = party_coop.list_need(ws, grid_code=GRID, summary="独居老人上门体检", kind="service")
    party_coop.claim_need(ws, need, resource_id=ids["coop_resource"])
    screen = open_screen(qtbot, session)
    lists = open_lists(qtbot, screen)
    row = next(r for r in range(3) if "上门义诊" in lists.table.item(r, 4).text())
    lists.table.selectRow(row)
    lists.withdraw.click()
    form = screen.dialog
    assert form is not lists
    form.buttons.accepted.emit()
    assert form.error.text() in ("请写明撤销原因", "Say why it is withdrawn")
    type_text(qtbot, form.reason, "医院不再提供")
    form.buttons.accepted.emit()
    qtbot.waitUntil(lambda: form.error.text() != "", timeout=5000)
    assert form.error.text() in (
        "资源“上门义诊”还被1项清单需求引用，不能撤销：请先改掉或撤销引用它的记录",
        "The resource “上门义诊” is still referred to by 1 × listed need: change or "
        "withdraw those first",
    )
    assert queued(session, ids["coop_resource"]) == []
    form.reject()

    party.remove(ws, "coop_need", need)  # the need taken off the list: nothing refers now
    lists.table.selectRow(row)
    lists.withdraw.click()
    form = screen.dialog
    type_text(qtbot, form.reason, "医院不再提供")
    form.buttons.accepted.emit()
    qtbot.waitUntil(lambda: form.result() == QDialog.DialogCode.Accepted, timeout=5000)
    qtbot.waitUntil(lambda: lists.table.rowCount() == 2)
    wait_idle(qtbot, session)
    with ws.read() as s:
        assert s.get(SYNC_MODELS["coop_resource"], ids["coop_resource"]).deleted
        [audit] = s.scalars(select(LocalAudit).where(LocalAudit.action == "withdraw")).all()
        assert audit.record_id == ids["coop_resource"]
        assert audit.detail == {"reason": "医院不再提供"}
    assert queued(session, ids["coop_resource"]) == [("delete", {"deleted": True})]


def test_a_grid_worker_withdraws_a_station_from_community_service(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves the grid worker's 社区服务 screen has the same 邻里之家… list: a station an
    activity is held at is refused naming the activity; a station nothing names goes."""
    ws = session.ws
    used = volunteering.add_station(ws, grid_code=GRID, name="凤凰池邻里之家")
    volunteering.add_station(ws, grid_code=GRID, name="临时活动点")
    volunteering.plan_activity(
        ws,
        grid_code=GRID,
        name="义务理发",
        held_on=date(2026, 5, 1),
        length_hours=2,
        station_id=used,
    )
    screen = CommunityScreen(session)
    screen.resize(1366, 768)
    qtbot.addWidget(screen)
    screen.show()
    stations = open_lists(qtbot, screen, stations=True)
    names = [stations.table.item(r, 4).text() for r in range(stations.table.rowCount())]
    for name, refused in (("凤凰池邻里之家", True), ("临时活动点", False)):
        stations.table.selectRow(names.index(name))
        stations.withdraw.click()
        form = screen.dialog
        type_text(qtbot, form.reason, "场地收回")
        form.buttons.accepted.emit()
        if refused:
            qtbot.waitUntil(lambda: form.error.text() != "", timeout=5000)  # noqa: B023
            assert "1项志愿活动" in form.error.text() or "volunteer activity" in form.error.text()
            form.reject()
        else:
            qtbot.waitUntil(lambda: form.result() == QDialog.DialogCode.Accepted, timeout=5000)  # noqa: B023
    qtbot.waitUntil(lambda: stations.table.rowCount() == 1)
    wait_idle(qtbot, session)
    assert stations.table.item(0, 4).text() == "凤凰池邻里之家"
