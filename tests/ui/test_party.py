"""The party-building screen, driven as an adviser would: the grid's organization and
stationed advisers, their own stationing, a guidance record linked to a visit, a reported
member and a service record; hidden from grid workers."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from gridworker.domain.enums import Role, VisitMode
from gridworker.services import party, party_coop, visits, volunteering
from gridworker.services.register import HouseholdInput, register_household
from gridworker.storage.models import SYNC_MODELS, OutboxEntry
from gridworker.storage.outbox import without_capture
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens import registry
from gridworker.ui.screens.party import PartyScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_register import type_text


def seed_grid(session: AppSession) -> str:
    """An organization, two stationings (the adviser's own) and a visit; the visit's id."""
    ws = session.ws
    home = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0301", address="凤凰小区3栋")
    )
    visit = visits.record_visit(ws, household_id=home, mode=VisitMode.meeting).visit_id
    ws.actor = dataclasses.replace(ws.actor, role=Role.supervisor)
    org = party.save_org(
        ws,
        grid_code=GRID,
        name="凤凰池社区第一网格党支部",
        kind="branch",
        secretary="王建国",
        members_count=14,
    )
    since = ws.today() - timedelta(days=120)
    party.station_adviser(
        ws,
        grid_code=GRID,
        adviser_name="王伟",
        adviser=ws.actor.username,
        org_id=org,
        sent_by="区委组织部",
        since=since,
    )
    party.station_adviser(
        ws, grid_code=GRID, adviser_name="刘洋", sent_by="区税务局", since=since, org_id=org
    )
    party.add_member(
        ws,
        grid_code=GRID,
        name="李红梅",
        work_unit="安源区税务局",
        reported_on=date(2026, 3, 1),
        phone="13907990001",
        skills="法律咨询",
    )
    ws.actor = dataclasses.replace(ws.actor, role=Role.adviser)
    return visit


def open_screen(qtbot, session: AppSession, size: tuple[int, int] = (1280, 800)) -> PartyScreen:  # type: ignore[no-untyped-def]
    screen = PartyScreen(session)
    screen.setStyleSheet(STYLE)
    screen.resize(*size)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.detail is not None)
    return screen


def test_an_adviser_sees_the_grid_and_adds_guidance_a_member_and_service(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves the screen shows the organization, the advisers and the adviser's own
    stationing; a guidance record typed in its dialog with a visit ticked is saved with its
    link and listed; a member and then a service record for that member are added, and the
    member's hours show in the list (phones masked)."""
    visit = seed_grid(session)
    screen = open_screen(qtbot, session)
    assert "凤凰池社区第一网格党支部" in screen.org.text() and "14" in screen.org.text()
    assert "刘洋" in screen.advisers.text() and "王伟" in screen.advisers.text()
    assert screen.stationing.isVisible() and GRID in screen.stationing.text()
    assert screen.members.item(0, 3).text() == "139****0001"

    screen.add_guidance.click()
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible())
    dialog = screen.dialog
    type_text(qtbot, dialog.topic, "加装电梯意见征集")
    dialog.attendees.setValue(23)
    [item] = [dialog.links.item(i) for i in range(dialog.links.count())]
    item.setCheckState(Qt.CheckState.Checked)
    grab(dialog, "party-guidance-dialog")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: screen.guidance.rowCount() == 1)
    assert screen.guidance.item(0, 2).text() == "加装电梯意见征集"
    assert screen.guidance.item(0, 5).text() == "1"
    with session.ws.read() as s:
        [link] = s.scalars(select(SYNC_MODELS["party_guidance_link"])).all()
        assert link.visit_id == visit

    screen.tabs.setCurrentIndex(1)
    screen.add_member.click()
    member_dialog = screen.dialog
    assert member_dialog is not None
    type_text(qtbot, member_dialog.name, "赵志刚")
    member_dialog.buttons.accepted.emit()
    assert "required" in member_dialog.error.text() or "必填" in member_dialog.error.text()
    type_text(qtbot, member_dialog.work_unit, "萍乡市中心医院")
    member_dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.members.rowCount() == 2)
    names = [screen.members.item(r, 0).text() for r in range(2)]
    row = names.index("赵志刚")
    screen.members.selectRow(row)
    screen.add_service.click()
    service = screen.dialog
    assert service is not None
    type_text(qtbot, service.activity, "义诊")
    service.hours.setValue(2.5)
    service.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.members.item(row, 6).text() == "2.5")
    assert screen.members.item(row, 5).text() == "1"
    wait_idle(qtbot, session)
    screen.resize(1366, 768)
    qtbot.wait(50)
    grab(screen, "party-1366")


def test_the_screen_is_not_a_grid_workers_and_shows_no_org_plainly(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves grid workers get no party-building screen in the navigation (advisers,
    supervisors and the admin do), and a grid with no organization says so."""
    keys = {role: {e.key for e in registry(role)} for role in Role}
    assert "party" not in keys[Role.grid_worker] and "party" not in keys[Role.department]
    assert all("party" in keys[r] for r in (Role.adviser, Role.supervisor, Role.admin))
    session.ws.actor = dataclasses.replace(session.ws.actor, role=Role.adviser)
    screen = open_screen(qtbot, session)
    assert screen.org.text() in (
        "本网格尚未登记党组织。",
        "No party organization is registered for this grid.",
    )
    assert not screen.stationing.isVisible()
    assert screen.add_guidance.isVisibleTo(screen)


def test_an_adviser_lists_a_need_matches_it_and_marks_it_done(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the 三单一协议 tab: the community's offers are counted, a need typed in its
    dialog is listed, matched in the match dialog to a reported member (members offered to
    an adviser), then marked done with its outcome; matching a need already claimed asks
    for a listed one instead."""
    seed_grid(session)
    ws = session.ws
    party_coop.add_resource(
        ws, grid_code=GRID, partner="区税务局", kind="people", description="税务志愿者"
    )
    party_coop.add_project(
        ws, grid_code=GRID, name="楼道微改造", partners="区住建局", starts_on=ws.today()
    )
    screen = open_screen(qtbot, session)
    screen.tabs.setCurrentWidget(screen.coop)
    qtbot.waitUntil(lambda: screen.coop.board is not None)
    assert "1" in screen.coop.offers.text()
    screen.coop.add_need.click()
    dialog = screen.dialog
    assert dialog is not None
    type_text(qtbot, dialog.title, "想要一台助听器")
    dialog.kind.setCurrentIndex(dialog.kind.findData("wish"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.needs.rowCount() == 1)
    screen.coop.needs.selectRow(0)
    screen.coop.claim.click()
    claim = screen.dialog
    assert claim is not None and claim.claimant.count() == 3  # resource, project, member
    claim.claimant.setCurrentIndex(2)
    claim.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.needs.item(0, 4).text() == "李红梅")
    screen.coop.needs.selectRow(0)
    screen.coop.claim.click()
    assert screen.error.text() in ("请选择一项尚未认领的需求", "Pick a need still listed")
    screen.coop.done.click()
    done = screen.dialog
    assert done is not None
    type_text(qtbot, done.outcome, "已送达")
    done.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.needs.item(0, 5).text() == ws.today().isoformat())
    with ws.read() as s:
        [need] = s.scalars(select(SYNC_MODELS["coop_need"])).all()
        assert (need.status.code, need.outcome) == ("done", "已送达")
    screen.resize(1366, 768)
    wait_idle(qtbot, session)
    grab(screen, "party-coop")


def test_volunteer_service_from_activity_to_exchanged_points(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the volunteer tab: the community's station is named with its canteen; an
    activity planned in its dialog (2 h, 15 points an hour) and a volunteer registered in
    theirs are listed; attendance recorded for the selected activity gives 30 points in the
    volunteers' list, and 20 exchanged at the station leave 10; attendance without a
    selected activity asks for one."""
    seed_grid(session)
    ws = session.ws
    volunteering.add_station(ws, grid_code=GRID, name="凤凰池邻里之家", canteen=True)
    screen = open_screen(qtbot, session)
    tab = screen.volunteering
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.board is not None)
    assert "凤凰池邻里之家" in tab.stations.text()
    tab.attend.click()
    assert screen.error.text() in ("请先选择一项活动", "Pick an activity first")
    tab.add_activity.click()
    dialog = screen.dialog
    assert dialog is not None
    type_text(qtbot, dialog.name, "助老送餐")
    dialog.rate.setValue(15)
    dialog.station.setCurrentIndex(1)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: tab.activities.rowCount() == 1)
    tab.add_volunteer.click()
    person = screen.dialog
    assert person is not None
    type_text(qtbot, person.name, "周敏")
    person.buttons.accepted.emit()
    qtbot.waitUntil(lambda: tab.volunteers.rowCount() == 1)
    tab.activities.selectRow(0)
    tab.attend.click()
    came = screen.dialog
    assert came is not None and came.hours.value() == 2
    came.buttons.accepted.emit()
    qtbot.waitUntil(lambda: tab.volunteers.item(0, 1).text() == "30")
    assert tab.activities.item(0, 5).text() == "1"
    tab.volunteers.selectRow(0)
    tab.exchange.click()
    spend = screen.dialog
    assert spend is not None
    type_text(qtbot, spend.item, "洗衣液")
    spend.points.setValue(20)
    spend.station.setCurrentIndex(1)
    spend.buttons.accepted.emit()
    qtbot.waitUntil(lambda: tab.volunteers.item(0, 1).text() == "10")
    screen.resize(1366, 768)
    wait_idle(qtbot, session)
    grab(screen, "party-volunteers")


def test_a_supervisor_registers_the_organization_and_stations_an_adviser(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves a supervisor registers the grid's organization in its dialog, corrects its
    members count in the same dialog (an edit of that field only), and stations an adviser
    under it; an adviser gets the organization button but not the stationing one."""
    ws = session.ws
    ws.actor = dataclasses.replace(ws.actor, role=Role.supervisor)
    screen = open_screen(qtbot, session)
    assert screen.station_button.isVisibleTo(screen)
    screen.org_button.click()
    dialog = screen.dialog
    assert dialog is not None
    type_text(qtbot, dialog.name, "凤凰池社区第一网格党支部")
    dialog.members_count.setValue(12)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.org is not None)
    screen.org_button.click()
    again = screen.dialog
    assert again is not None and again.name.text() == "凤凰池社区第一网格党支部"
    again.members_count.setValue(15)
    again.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "15" in screen.org.text())
    screen.station_button.click()
    station = screen.dialog
    assert station is not None
    type_text(qtbot, station.adviser_name, "刘洋")
    type_text(qtbot, station.sent_by, "区税务局")
    station.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "刘洋" in screen.advisers.text())
    with ws.read() as s:
        [posting] = s.scalars(select(SYNC_MODELS["adviser_posting"])).all()
        [org] = s.scalars(select(SYNC_MODELS["party_org"])).all()
        assert posting.org_id == org.id and org.members_count == 15
        entries = [e.op for e in s.scalars(select(OutboxEntry)) if e.entity == "party_org"]
    assert entries == ["create"]  # the correction coalesced into the unsent create
    ws.actor = dataclasses.replace(ws.actor, role=Role.adviser)
    adviser_view = open_screen(qtbot, session)
    assert adviser_view.org_button.isVisibleTo(adviser_view)
    assert not adviser_view.station_button.isVisibleTo(adviser_view)


def test_a_supervisor_settles_an_overdrawn_exchange_and_an_adviser_only_sees_it(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves the volunteer tab shows an exchange flagged overdrawn (stored as a pull stores
    the server's flag, without queueing a change; the server's side is in
    tests/e2e/test_volunteer_points.py) to an adviser without the settle button, and a
    supervisor settles it in its dialog: the note is queued for the server and the flag
    leaves the tab."""
    seed_grid(session)
    ws = session.ws
    activity = volunteering.plan_activity(
        ws, grid_code=GRID, name="助老送餐", held_on=ws.today(), length_hours=2
    )
    person = volunteering.register_volunteer(ws, grid_code=GRID, name="周敏")
    volunteering.record_attendance(ws, activity, person)
    spent = volunteering.exchange_points(ws, person, item="食用油", points=20)
    with ws.write() as s, without_capture(s):
        row = s.get(SYNC_MODELS["point_exchange"], spent)
        assert row is not None
        row.overdrawn = True
    screen = open_screen(qtbot, session)
    tab = screen.volunteering
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.board is not None)
    assert not tab.overdrawn.isHidden() and "周敏" in tab.overdrawn.text()
    assert tab.settle.isHidden()  # an adviser sees it, and does not settle it
    screen.close()

    ws.actor = dataclasses.replace(ws.actor, role=Role.supervisor)
    screen = open_screen(qtbot, session)
    tab = screen.volunteering
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.board is not None)
    assert not tab.settle.isHidden()
    screen.resize(1366, 768)
    wait_idle(qtbot, session)
    grab(screen, "party-overdrawn")
    tab.settle.click()
    dialog = screen.dialog
    assert dialog is not None
    dialog.buttons.accepted.emit()
    assert dialog.error.text() in ("请说明如何处理", "Say how it was settled")
    type_text(qtbot, dialog.note, "站点核销")
    grab(dialog, "party-settle-dialog")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: tab.overdrawn.isHidden())
    with ws.read() as s:
        queued = [e.payload for e in s.scalars(select(OutboxEntry)) if e.record_id == spent]
    assert any(p.get("overdraw_note") == "站点核销" for p in queued)


def test_an_adviser_puts_the_communitys_offers_and_a_station_on_record(
    qtbot, session: AppSession, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Proves the 三单一协议 tab's 签订协议…, 新增资源… and 新增项目… dialogs (a missing name
    refused in the dialog) write an agreement with its period and document, a resource and a
    project that the offers line counts, the match dialog then offers and 清单… lists (the
    agreement's document saved into a folder from there); and the volunteer tab's
    登记邻里之家… registers a station with its services, canteen and opening hours, which the
    tab then lists; screenshots."""
    seed_grid(session)
    ws = session.ws
    screen = open_screen(qtbot, session, (1366, 768))
    screen.tabs.setCurrentWidget(screen.coop)
    qtbot.waitUntil(lambda: screen.coop.board is not None)
    assert "0" in screen.coop.offers.text()

    screen.coop.add_agreement.click()
    agreement = screen.dialog
    assert agreement is not None
    type_text(qtbot, agreement.partner, "区税务局机关党委")
    agreement.buttons.accepted.emit()
    assert agreement.error.text() == "请填写社区和共建单位"
    type_text(qtbot, agreement.community, "凤凰池社区")
    agreement.ends_on.on.setChecked(True)
    agreement.ends_on.edit.setDate(agreement.ends_on.edit.date().addYears(1))
    agreement.content.setPlainText("共建党员活动室，每季度一次联合主题党日")
    document = tmp_path / "共建协议书.pdf"
    document.write_bytes(b"%PDF-1.4 agreement")
    agreement.set_files([document])
    assert agreement.files_label.text() == "共建协议书.pdf"
    agreement.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.board is not None and screen.coop.board.agreements == 1)

    screen.coop.add_resource.click()
    resource = screen.dialog
    assert resource is not None
    type_text(qtbot, resource.partner, "区人民医院")
    resource.kind.setCurrentIndex(resource.kind.findData("skills"))
    type_text(qtbot, resource.description, "每月一次上门义诊")
    type_text(qtbot, resource.contact_phone, "13907990003")
    resource.show()
    grab(resource, "party-resource-dialog")
    resource.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.board is not None and screen.coop.board.resources == 1)

    screen.coop.add_project.click()
    project = screen.dialog
    assert project is not None
    type_text(qtbot, project.name, "老旧小区加装电梯")
    type_text(qtbot, project.partners, "区住建局、区税务局")
    project.status.setCurrentIndex(project.status.findData("running"))
    project.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.board is not None and screen.coop.board.projects == 1)
    assert screen.coop.offers.text() == "本社区：共建协议 1 份，资源 1 项，项目 1 个"
    with ws.read() as s:
        [deal] = s.scalars(select(SYNC_MODELS["coop_agreement"])).all()
        assert (deal.community, deal.partner, deal.ends_on is not None) == (
            "凤凰池社区",
            "区税务局机关党委",
            True,
        )
        [offer] = s.scalars(select(SYNC_MODELS["coop_resource"])).all()
        assert (offer.kind.code, offer.contact_phone) == ("skills", "13907990003")
        [joint] = s.scalars(select(SYNC_MODELS["coop_project"])).all()
        assert (joint.status.code, joint.ends_on) == ("running", None)
    screen.coop.add_need.click()
    need = screen.dialog
    assert need is not None
    type_text(qtbot, need.title, "独居老人需要上门体检")
    need.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.needs.rowCount() == 1)
    screen.coop.needs.selectRow(0)
    screen.coop.claim.click()
    claim = screen.dialog
    assert claim is not None
    offered = [claim.claimant.itemText(i) for i in range(claim.claimant.count())]
    assert any("每月一次上门义诊" in o for o in offered)
    assert any("老旧小区加装电梯" in o for o in offered)
    claim.reject()
    wait_idle(qtbot, session)
    grab(screen, "party-coop-offers-1366")

    # The lists themselves, and the agreement's document saved into a folder.
    screen.coop.lists.click()
    lists = screen.dialog
    assert lists is not None and lists.table.rowCount() == 3
    rows = [[lists.table.item(r, c).text() for c in range(5)] for r in range(3)]
    assert rows[0][0] == "协议" and rows[0][3] == "1" and rows[0][4] == "区税务局机关党委"
    assert rows[1][:2] == ["资源", "技术"] and rows[1][4] == "区人民医院：每月一次上门义诊"
    assert rows[2][:2] == ["项目", "实施中"] and rows[2][4] == "老旧小区加装电梯"
    lists.table.selectRow(1)
    assert not lists.save.isEnabled()
    lists.table.selectRow(0)
    assert lists.save.isEnabled()
    folder = tmp_path / "存档"
    folder.mkdir()
    lists.save_to(folder)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: "已保存 1 个附件" in lists.message.text())
    assert (folder / "共建协议书.pdf").read_bytes() == document.read_bytes()
    lists.show()
    grab(lists, "party-offer-lists")
    lists.accept()

    screen.tabs.setCurrentWidget(screen.volunteering)
    qtbot.waitUntil(lambda: screen.volunteering.board is not None)
    screen.volunteering.add_station.click()
    station = screen.dialog
    assert station is not None
    station.buttons.accepted.emit()
    assert station.error.text() == "请填写邻里之家名称"
    type_text(qtbot, station.name, "凤凰池邻里之家")
    type_text(qtbot, station.services, "阅览室、中医理疗")
    station.canteen.setChecked(True)
    type_text(qtbot, station.opening_hours, "8:30–17:30")
    station.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "凤凰池邻里之家" in screen.volunteering.stations.text())
    assert screen.volunteering.stations.text().endswith(
        "凤凰池邻里之家（幸福食堂）：阅览室、中医理疗；8:30–17:30"
    )
    with ws.read() as s:
        [row] = s.scalars(select(SYNC_MODELS["service_station"])).all()
        assert (row.services, row.canteen, row.opening_hours) == (
            "阅览室、中医理疗",
            True,
            "8:30–17:30",
        )
