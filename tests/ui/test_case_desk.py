"""The case desk screen, as the 凤凰街道 street supervisor synced from the seeded district."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gridworker.domain.enums import CaseActionKind, CaseState
from gridworker.services import cases
from gridworker.services.case_desk import Queue
from gridworker.services.workspace import open_workspace
from gridworker.ui.main_window import STYLE
from gridworker.ui.screens.case_desk import CaseDeskScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.cli.test_dashboard_cli import SEED_TIME, Seeded, seeded_server  # noqa: F401
from tests.ui.conftest import enroll_demo, grab

# The module's fixtures make a seeded server and a profile once: its tests share one worker.
pytestmark = pytest.mark.xdist_group("case_desk")

PASSPHRASE = "case desk ui passphrase"


@pytest.fixture(scope="module")
def street_profile(
    seeded_server: Seeded,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    return enroll_demo(
        seeded_server.server.url, "demo.street", tmp_path_factory.mktemp("desk-street"), PASSPHRASE
    )


@pytest.fixture
def street_session(street_profile: Path, tmp_path: Path, qapp) -> Iterator[AppSession]:  # type: ignore[no-untyped-def]
    # Each test works on its own copy of the synced profile.
    import shutil

    copy = tmp_path / "profile"
    shutil.copytree(street_profile, copy, ignore=shutil.ignore_patterns("profile.lock"))
    ws = open_workspace(copy, PASSPHRASE)
    ws.clock = lambda: SEED_TIME
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    yield session
    session.close()
    tasks.shutdown()


def shown(qtbot: QtBot, session: AppSession) -> CaseDeskScreen:
    screen = CaseDeskScreen(session)
    screen.setStyleSheet(STYLE + screen.styleSheet())
    screen.resize(1280, 720)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.shown_queue is Queue.reported and not screen.loading)
    return screen


def pick_queue(qtbot: QtBot, screen: CaseDeskScreen, queue: Queue) -> None:
    index = next(n for n in range(screen.tabs.count()) if screen.tabs.tabData(n) == queue.name)
    screen.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: screen.shown_queue is queue and not screen.loading)


def test_queues_show_counts_and_overdue_first(qtbot: QtBot, street_session: AppSession) -> None:
    """Proves the street supervisor's desk shows the queues with counts, the 已受理 queue
    with its overdue case on top in red wording, and only the actions the workflow allows."""
    screen = shown(qtbot, street_session)
    assert screen.tabs.tabText(0) == "待受理 (3)"
    pick_queue(qtbot, screen, Queue.accepted)
    rows = screen.model.rows
    assert len(rows) == 2 and rows[0].overdue and rows[0].title == "菜市场周边占道经营"
    texts = [c.text(rows[0]) for c in screen.model.columns]
    assert "已超时" in texts[5]
    screen.select_rows([0])
    assert screen.buttons[CaseActionKind.dispatch].isEnabled()
    assert screen.buttons[CaseActionKind.handle_directly].isEnabled()
    assert not screen.buttons[CaseActionKind.close].isVisible()
    pick_queue(qtbot, screen, Queue.extension)
    [pending] = screen.model.rows
    assert pending.title == "地下车库积水严重" and pending.requested_deadline is not None


def test_batch_accept_with_a_refusal(qtbot: QtBot, street_session: AppSession) -> None:
    """Proves selecting the three 待受理 cases and pressing 受理, while another supervisor has
    accepted one of them meanwhile, accepts two and shows the third refused with a reason,
    and the queue counts follow; the screenshot is taken."""
    screen = shown(qtbot, street_session)
    rows = list(screen.model.rows)
    assert len(rows) == 3
    screen.select_rows([0, 1, 2])
    assert screen.buttons[CaseActionKind.accept].isEnabled()
    cases.act_on_case(street_session.ws, rows[1].id, CaseActionKind.accept)  # meanwhile
    screen.note.setText("请尽快核实处置")
    qtbot.mouseClick(screen.buttons[CaseActionKind.accept], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.results.isVisible() and screen.results.count() == 4)
    qtbot.waitUntil(lambda: not screen.loading and screen.tabs.tabText(0) == "待受理 (0)")
    lines = [screen.results.item(n).text() for n in range(screen.results.count())]
    assert lines[0] == "共3件，已办理2件"
    assert lines[1] == f"✓ {rows[0].title} → {CaseState.accepted.zh}"
    assert lines[2].startswith(f"✗ {rows[1].title}：")
    assert lines[3] == f"✓ {rows[2].title} → {CaseState.accepted.zh}"
    assert screen.tabs.tabText(0) == "待受理 (0)" and screen.tabs.tabText(1) == "已受理 (5)"
    pick_queue(qtbot, screen, Queue.accepted)
    screen.select_rows([0, 1])


def test_the_selected_case_is_shown_beside_the_queue(
    qtbot: QtBot, street_session: AppSession
) -> None:
    """Proves selecting a case in the queue shows its description, place, coordinates and
    timeline beside the list without leaving the desk (no action buttons of its own, the
    batch bar acts), that with several selected the current row's case is shown, that a
    refresh keeps it, and nothing selected shows the hint; screenshots at 1280 and 1366."""
    screen = shown(qtbot, street_session)
    assert screen.detail_hint.isVisible() and not screen.detail_scroll.isVisible()
    pick_queue(qtbot, screen, Queue.accepted)
    rows = list(screen.model.rows)
    screen.select_rows([0])
    qtbot.waitUntil(lambda: screen.detail.case_id == rows[0].id)
    assert screen.detail_scroll.isVisible() and not screen.detail_hint.isVisible()
    detail = screen.detail
    assert detail.title.text() == rows[0].title
    assert detail.description.text() and detail.description.text() != "（无描述）"
    assert detail.timeline.rowCount() >= 2  # reported, accepted
    assert "° N" in detail.values["location"].text() or "北纬" in detail.values["location"].text()
    assert detail.values["grid"].text() == rows[0].grid_code
    assert not detail.actions_row.isVisible()  # the batch bar below acts, not a second set
    screen.select_rows([0, 1], current=rows[1].id)
    qtbot.waitUntil(lambda: screen.detail.case_id == rows[1].id)
    assert screen.current_case() == rows[1]
    screen.refresh()
    qtbot.waitUntil(lambda: not screen.loading and screen.detail.case_id == rows[1].id)
    assert {c.id for c in screen.selected()} == {rows[0].id, rows[1].id}
    grab(screen, "case-desk-detail")
    screen.resize(1366, 768)
    qtbot.wait(50)
    grab(screen, "case-desk-detail-1366")
    screen.select_rows([])
    qtbot.waitUntil(lambda: screen.detail_hint.isVisible())
    assert not screen.detail_scroll.isVisible()
