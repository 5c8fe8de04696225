"""One clock: with the laptop's time zone set to New York, every time the app shows, fills
in, filters by or exports is the district's (Asia/Shanghai), so the status bar and the
dashboard agree and the 台账's default period ends on the district's today."""

from __future__ import annotations

import csv
import dataclasses
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from gridworker.domain.enums import Role, SupervisorLevel, VisitMode
from gridworker.services.exporting import export
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.visits import record_visit
from gridworker.sync.state import SyncState
from gridworker.ui.main_window import MainWindow
from gridworker.ui.screens.dashboard import DashboardScreen
from gridworker.ui.screens.ledgers import LedgersScreen
from gridworker.ui.screens.visits import VisitsScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.ui.conftest import wait_idle

# 20:30 on the 26th in New York, 09:30 on the 27th in the district.
NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


@pytest.fixture
def in_new_york() -> Iterator[None]:
    """The laptop's own zone is New York (13 hours behind the district in November)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    assert datetime.fromtimestamp(NOW.timestamp()).day == 26  # the laptop's date
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def as_street_supervisor(session: AppSession) -> None:
    session.ws.actor = dataclasses.replace(
        session.ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )


def test_status_bar_and_dashboard_show_the_same_district_time(
    qtbot: QtBot, session: AppSession, in_new_york: None
) -> None:
    """Proves the status bar's last sync and the dashboard's "data as of the last sync" both
    read 2026-11-27 09:30 (district), not the UTC or New York clock."""
    with session.ws.write() as s:
        SyncState(last_sync=NOW.isoformat(), online=True).save(s)
    session.ws.clock = lambda: NOW
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    session.refresh_status()
    qtbot.waitUntil(lambda: "2026" in window.last_sync_label.text(), timeout=5000)
    assert window.last_sync_label.text() == "上次同步：2026-11-27 09:30"
    as_street_supervisor(session)
    dashboard = DashboardScreen(session)
    qtbot.addWidget(dashboard)
    dashboard.show()
    qtbot.waitUntil(lambda: dashboard.board is not None, timeout=10_000)
    assert dashboard.stamp.text().endswith("数据截至上次同步 2026-11-27 09:30")


def test_ledger_period_ends_on_the_district_today(
    qtbot: QtBot, session: AppSession, in_new_york: None
) -> None:
    """Proves the 台账's default period is this month up to the district's today (the 27th)
    while the laptop's own date is still the 26th: today's work is in the ledger."""
    session.ws.clock = lambda: NOW
    as_street_supervisor(session)
    screen = LedgersScreen(session)
    qtbot.addWidget(screen)
    assert (screen.start.date(), screen.end.date()) == (QDate(2026, 11, 1), QDate(2026, 11, 27))


def test_visit_time_and_export_are_district_time(
    qtbot: QtBot, session: AppSession, in_new_york: None, tmp_path: Path
) -> None:
    """Proves a new visit form starts at the district's now (09:30 on the 27th), saving it
    stores that moment, and the visits export writes it as district time."""
    ws = session.ws
    ws.clock = lambda: NOW
    hid = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋")
    )
    screen = VisitsScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.select_household(hid)
    wait_idle(qtbot, session)
    assert screen.form.time.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-27 09:30"
    from gridworker.ui.widgets.visits import local_time

    assert local_time(screen.form.time, session.zone) == NOW
    record_visit(ws, household_id=hid, mode=VisitMode.home, visited_at=NOW)
    out = tmp_path / "visits.csv"
    export(ws, kind="visits", fmt="csv", out=out, unmasked=False)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert "2026-11-27 09:30" in rows[1], rows
