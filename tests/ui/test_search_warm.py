"""The households screen warms its name filter (issue 8): clicking into the search box reads
the search table on the database thread, once until something changes; after a change the
refreshed list warms it again, so the next search is served from the cache."""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import event, text

from gridworker.services.register import HouseholdInput, register_household
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from tests.conftest import GRID
from tests.ui.conftest import wait_idle
from tests.ui.test_register import open_screen


def warm_ups(session: AppSession) -> list[str]:
    """The thread of every warm-up statement run on the profile from now on."""
    threads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "sum(length(text)) FROM household_search" in statement:
            threads.append(threading.current_thread().name)

    event.listen(session.ws.profile.engine, "before_cursor_execute", seen)
    return threads


def test_focusing_the_search_box_warms_the_filter_in_the_background(
    qtbot,  # type: ignore[no-untyped-def]
    session: AppSession,
) -> None:
    """Proves focusing the search box runs the warm-up on the database thread (not the UI
    thread), focusing it again with nothing changed does not, a change (here a household
    registered) warms it again with the list's refresh, and the search then finds it."""
    ws = session.ws
    register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="A-1", address="凤凰小区1栋")
    )
    screen = open_screen(qtbot, session)
    threads = warm_ups(session)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
    wait_idle(qtbot, session)
    assert threads == []  # the list alone does not warm the filter

    screen.search.setFocus()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    wait_idle(qtbot, session)
    assert len(threads) == 1
    assert threads[0].startswith("gw-db")
    assert threads[0] != threading.main_thread().name

    screen.table.setFocus()
    screen.search.setFocus()
    assert screen.search.hasFocus()
    wait_idle(qtbot, session)
    assert len(threads) == 1

    session.tasks.run_db(
        lambda _s: register_household(
            ws, HouseholdInput(grid_code=GRID, household_no="B-2", address="城南新村2栋")
        ),
        changes=OpChanges(frozenset({"household"})),
    )
    qtbot.waitUntil(lambda: len(threads) > 1, timeout=5000)
    wait_idle(qtbot, session)
    assert len(threads) == 2
    assert threads[1].startswith("gw-db")
    screen.table.setFocus()
    screen.search.setFocus()
    wait_idle(qtbot, session)
    assert len(threads) == 2

    screen.search.setText("城南")
    screen.search.returnPressed.emit()
    qtbot.waitUntil(lambda: not screen.model.loading and screen.model.rowCount() == 1)
    assert screen.model.item(0).household_no == "B-2"


def test_a_failed_warm_up_is_only_logged(
    qtbot,  # type: ignore[no-untyped-def]
    session: AppSession,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    """Proves a warm-up that fails (here the search table is missing from a damaged
    profile) shows nothing to the user: the list and its count stay, no message appears,
    the failure is logged at debug level, and the next focus tries again."""
    ws = session.ws
    register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="A-1", address="凤凰小区1栋")
    )
    screen = open_screen(qtbot, session)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
    wait_idle(qtbot, session)
    shown = screen.count_label.text()
    with ws.write() as s:
        s.execute(text("DROP TABLE household_search"))
    threads = warm_ups(session)
    caplog.set_level(logging.DEBUG, logger="gridworker.ui.screens.register")

    screen.search.setFocus()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    wait_idle(qtbot, session)

    assert screen.model.rowCount() == 1
    assert screen.count_label.text() == shown
    assert screen.status.text() == ""
    assert [r.levelno for r in caplog.records if "warming" in r.getMessage()] == [logging.DEBUG]
    screen.table.setFocus()
    screen.search.setFocus()
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=5000)
