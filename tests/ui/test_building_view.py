"""楼栋图 on the 住户 screen: a sheet imported from the dialog, the building laid out as
floors × units with each flat coloured by use and marked for care tags and overdue visits,
and a click on a flat opening the 一户一档 of the household living there."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from gridworker.domain import ids
from gridworker.domain.enums import Relationship, TagKind, VisitMode
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.visits import record_visit
from gridworker.ui.dialogs.building_view import USE_COLORS, BuildingViewDialog
from gridworker.ui.dialogs.household_file import HouseholdFileDialog
from gridworker.ui.session import AppSession
from tests.conftest import DISTRICT_KEY, GRID
from tests.services.test_buildings import write_sheet
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_register import open_screen

USES = ["自住", "出租", "自住", "空置", "自住", "出租", "经营", "自住"]


def building_rows() -> list[list[object]]:
    """凤凰小区3栋: nine floors, two units, two flats a floor, as a community's sheet has it."""
    rows: list[list[object]] = []
    n = 0
    for unit in ("1单元", "2单元"):
        for floor in range(1, 10):
            for flat in (1, 2):
                n += 1
                number = f"{floor}0{flat}"
                use = USES[n % len(USES)] if floor > 1 or unit == "2单元" else "经营"
                household = {("1单元", "501"): "0101", ("2单元", "302"): "0102"}.get(
                    (unit, number)
                )
                rows.append([n, GRID, "凤凰小区", "3栋", unit, number, use, 89.5, "张桂兰",
                             "13907991234", "萍乡市安居物业", household, ""])  # fmt: skip
    return rows


def seed(session: AppSession) -> None:
    ws = session.ws
    first = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区3栋1单元501室"),
        [ResidentInput("刘玉珍", "36030219480312041X", relationship=Relationship.head,
                       tags=(TagKind.living_alone_elderly,))],
    )  # fmt: skip
    register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0102", address="凤凰小区3栋2单元302室")
    )
    record_visit(
        ws,
        household_id=first,
        mode=VisitMode.home,
        visited_at=ws.now() - timedelta(days=20),
        people_met="户主本人",
        situation="身体尚可",
    )


def test_the_building_view_shows_use_care_overdue_and_opens_the_household_file(
    qtbot: QtBot, session: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the 楼栋图 button opens the buildings, the import button reads a sheet, the
    flats sit on their floor and unit with their use's colour, 501 carries the care mark and
    the overdue border, and clicking it opens 刘玉珍's household file, which names the flat;
    a right-click registers a household in a flat by its 户号 (an unknown one refused)."""
    seed(session)
    screen = open_screen(qtbot, session)
    assert screen.buildings_button.text() == "楼栋图…"
    qtbot.mouseClick(screen.buildings_button, Qt.MouseButton.LeftButton)
    dialog = screen.buildings_dialog
    assert isinstance(dialog, BuildingViewDialog)
    wait_idle(qtbot, session)
    assert dialog.title.text() == "还没有楼栋"
    dialog.import_sheet(write_sheet(tmp_path / "凤凰小区3栋.xlsx", building_rows()))
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=10_000)
    assert "共36行，已导入36行（楼栋：新增1、更新0；房屋：新增36" in dialog.report_lines[-1]
    view = dialog.view
    assert view is not None
    assert view.units == ("1", "2") and view.floors == tuple(range(9, 0, -1))
    bid = ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "3")
    five = dialog.buttons[ids.house_id(DISTRICT_KEY, bid, "1", "501")]
    assert five.text().splitlines() == ["● 501", "♥ 逾期13天"]
    assert "#dc2626" in five.styleSheet()
    shop = dialog.buttons[ids.house_id(DISTRICT_KEY, bid, "1", "101")]
    assert USE_COLORS[view.at(1, "1")[0].use] in shop.styleSheet()
    assert "经营" in shop.toolTip() and "没有登记住户" in shop.toolTip()
    assert dialog.facts.text().startswith("网格：")
    grab(dialog, "building-view")
    dialog.resize(1366 - 40, 768 - 80)
    grab(dialog, "building-view-1366")

    qtbot.mouseClick(shop, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "房屋 101 没有登记住户"
    qtbot.mouseClick(five, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: isinstance(dialog.file_dialog, HouseholdFileDialog)
        and shiboken6.isValid(dialog.file_dialog)
        and dialog.file_dialog.isVisible(),
        timeout=5000,
    )
    file = dialog.file_dialog
    assert file.data.household_no == "0101"  # type: ignore[union-attr]
    assert file.data.flat == "凤凰小区3栋 1单元 501（出租，89.5㎡）"  # type: ignore[union-attr]
    file.close()  # type: ignore[union-attr]

    # Right-click: 0102 moves from 2单元302 into 101, asked for by its 户号.
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("0102", True))
    menu = dialog.flat_menu(view.at(1, "1")[0])
    assert [a.text() for a in menu.actions()] == ["登记住户住在这里…"]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: dialog.view is not None and bool(dialog.view.at(1, "1")[0].households),
                    timeout=5000)  # fmt: skip
    assert "已保存，随住户信息同步" in dialog.status.text()
    assert dialog.view is not None and dialog.view.at(3, "2")[1].households == ()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("0999", True))
    dialog.flat_menu(dialog.view.at(2, "1")[0]).actions()[0].trigger()
    qtbot.waitUntil(lambda: "没有户号为“0999”的住户" in dialog.status.text(), timeout=5000)
    menu = dialog.flat_menu(dialog.view.at(1, "1")[0])
    assert menu.actions()[1].text() == "不再住在这里：0102"
    dialog.close()
