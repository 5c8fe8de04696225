"""The party-building dashboard on a real profile, driven as a street supervisor would:
the month's tiles, the areas and the advisers, and the monthly report and ledger written
through the save dialogs."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.services import party, party_coop, volunteering
from gridworker.services.party_report import party_report
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.party_board import PartyBoardScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID, GRID2
from tests.ui.conftest import grab, wait_idle


def seed(session: AppSession) -> None:
    ws = session.ws
    ws.actor = dataclasses.replace(
        ws.actor,
        role=Role.supervisor,
        supervisor_level=SupervisorLevel.community,
        area_code=GRID[:12],
    )
    today = ws.today()
    for grid, name in ((GRID, "第一网格党支部"), (GRID2, "第二网格党支部")):
        org = party.save_org(ws, grid_code=grid, name=name, kind="branch", members_count=12)
        party.station_adviser(
            ws, grid_code=grid, adviser_name="陈明", adviser="chen.ming", org_id=org,
            since=today - timedelta(days=90),
        )  # fmt: skip
        member = party.add_member(
            ws, grid_code=grid, name="李红梅", work_unit="税务局", reported_on=date(2026, 3, 1)
        )
        party.record_service(ws, member_id=member, served_on=today, activity="义诊", hours=2)
    supervisor = ws.actor
    ws.actor = dataclasses.replace(supervisor, role=Role.adviser, username="chen.ming")
    party.record_guidance(ws, grid_code=GRID, kind="yard_meeting", topic="加装电梯", attendees=20)
    ws.actor = supervisor
    party_coop.list_need(ws, grid_code=GRID, summary="楼道灯坏了", kind="livelihood")
    activity = volunteering.plan_activity(
        ws, grid_code=GRID2, name="助老送餐", held_on=today, length_hours=2
    )
    person = volunteering.register_volunteer(ws, grid_code=GRID2, name="周敏")
    volunteering.record_attendance(ws, activity, person)


def test_a_supervisor_reads_the_month_and_writes_the_report_and_ledger(
    qtbot, session: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves the tiles show the month's figures of the supervisor's community (the
    report's), each grid has its row, the adviser's month counts their 屋场会 and both
    grids; the PDF and Excel buttons write the files chosen in the save dialog."""
    seed(session)
    ws = session.ws
    expected = party_report(ws, scope=GRID[:12])
    screen = PartyBoardScreen(session)
    screen.setStyleSheet(STYLE)
    screen.resize(1366, 768)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.board is not None)
    assert screen.scope.currentData() == GRID[:12]
    assert screen.tiles["organizations"].text() == "2"
    assert screen.tiles["service_hours"].text() == "4"
    assert screen.tiles["needs.listed"].text() == "1"
    assert screen.tiles["volunteers"].text() == "1"
    assert screen.board is not None and screen.board.totals == expected
    assert screen.areas.rowCount() == 2
    assert [screen.advisers.item(0, c).text() for c in range(4)] == ["陈明", "2", "1", "0"]
    assert screen.advisers.item(0, 4).text() == "1"  # one 屋场会
    # The charts show the same figures: needs listed/claimed/done, then per grid.
    assert [b.count for b in screen.needs_chart.bars] == [1, 0, 0]
    assert sorted(b.count for b in screen.hours_chart.bars) == [2, 2]
    assert next((b.key, b.count) for b in screen.guidance_chart.bars) == (GRID, 1)
    wait_idle(qtbot, session)
    grab(screen, "party-board")
    screen.resize(1600, 1000)
    wait_idle(qtbot, session)
    grab(screen, "party-board-1600")
    for button, name in ((screen.pdf, "月报.pdf"), (screen.xlsx, "台账.xlsx")):
        target = tmp_path / name
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *_a, t=target, **_k: (str(t), "")
        )
        button.click()
        qtbot.waitUntil(target.exists)
        qtbot.waitUntil(lambda t=target: str(t) in screen.note.text())
    assert load_workbook(tmp_path / "台账.xlsx", read_only=True).sheetnames[0] == "汇总"
    assert (tmp_path / "月报.pdf").read_bytes().startswith(b"%PDF")
