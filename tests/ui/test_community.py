"""The grid worker's community-service screen: a need found on a visit put on the needs
list from the screen, matched to a resource of the community (no party member offered to
a grid worker), and the volunteer tab present."""

from __future__ import annotations

from sqlalchemy import select

from gridworker.domain.enums import NeedCategory, VisitMode
from gridworker.services import party_coop, visits
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.visits import NeedInput
from gridworker.storage.models import SYNC_MODELS
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.community import CommunityScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle


def test_a_worker_puts_a_visit_need_on_the_list_and_matches_it(
    qtbot, session: AppSession
) -> None:  # type: ignore[no-untyped-def]
    """Proves the worker's screen offers the visit's need (not one solved on the spot) in
    the 来自走访 dialog, lists it with its text, offers only the community's resource to
    match it (the worker may not see party members), and the matched need shows its
    claimant; a second 来自走访 then says nothing is waiting."""
    ws = session.ws
    home = register_household(ws, HouseholdInput(grid_code=GRID, household_no="1", address="1栋"))
    visits.record_visit(
        ws,
        household_id=home,
        mode=VisitMode.home,
        needs=[
            NeedInput(NeedCategory.livelihood, "楼道声控灯损坏"),
            NeedInput(NeedCategory.policy, "咨询高龄津贴", solved_on_spot=True),
        ],
    )
    party_coop.add_resource(
        ws, grid_code=GRID, partner="国网安源供电公司", kind="people", description="电工服务队"
    )
    screen = CommunityScreen(session)
    screen.setStyleSheet(STYLE)
    screen.resize(1366, 768)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.coop.board is not None)
    assert len(screen.coop.board.promotable) == 1
    screen.coop.promote.click()
    dialog = screen.dialog
    assert dialog is not None and dialog.need.count() == 1
    assert "楼道声控灯损坏" in dialog.need.itemText(0)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: screen.coop.needs.rowCount() == 1)
    assert screen.coop.needs.item(0, 0).text() == "楼道声控灯损坏"
    screen.coop.needs.selectRow(0)
    screen.coop.claim.click()
    claim = screen.dialog
    assert claim is not None and claim.claimant.count() == 1  # the resource only
    claim.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "电工服务队" in screen.coop.needs.item(0, 4).text())
    screen.coop.promote.click()
    assert screen.error.text() in (
        "没有等待列入清单的走访需求",
        "No need found on a visit is waiting for the list",
    )
    with ws.read() as s:
        [need] = s.scalars(select(SYNC_MODELS["coop_need"])).all()
        assert need.visit_need_id is not None and need.status.code == "claimed"
    screen.tabs.setCurrentWidget(screen.volunteering)
    wait_idle(qtbot, session)
    screen.tabs.setCurrentWidget(screen.coop)
    grab(screen, "community")
