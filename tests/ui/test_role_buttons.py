"""Screens offer what the role table lets the role do (domain.permissions): an adviser's
households screen has no register buttons, and only a supervisor is offered 销号."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pytestqt.qtbot import QtBot

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.services.register import HouseholdInput, register_household
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.hazard_rectifications import RectificationPanel
from tests.conftest import GRID
from tests.ui.conftest import wait_idle


def test_an_advisers_households_screen_offers_visits_not_register_changes(
    qtbot: QtBot, session: AppSession, tmp_path: Path
) -> None:
    """Proves an adviser sees the households and can record a visit, but is offered no new
    household, roster import or new resident (the server refuses those writes)."""
    hid = register_household(
        session.ws, HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋")
    )
    session.ws.actor = dataclasses.replace(session.ws.actor, role=Role.adviser)
    screen = RegisterScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.show_household(hid)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.detail is not None)
    assert not screen.new_button.isVisible() and not screen.import_button.isVisible()
    assert not screen.add_resident_button.isVisible() and screen.visit_button.isVisible()
    screen.grab().save(str(tmp_path / "adviser-register.png"))


def test_close_out_is_offered_to_a_supervisor_only(qtbot: QtBot, session: AppSession) -> None:
    """Proves the rectification panel shows 销号 to a supervisor and not to the admin (it
    used to show it to both, and the admin's close went through)."""
    shown = {}
    for role in (Role.supervisor, Role.admin, Role.grid_worker):
        level = SupervisorLevel.street if role is Role.supervisor else None
        session.ws.actor = dataclasses.replace(session.ws.actor, role=role, supervisor_level=level)
        panel = RectificationPanel(session, "zh_CN")
        qtbot.addWidget(panel)
        panel.show()
        panel.update_buttons()
        shown[role] = panel.close_button.isVisible()
    assert shown == {Role.supervisor: True, Role.admin: False, Role.grid_worker: False}
