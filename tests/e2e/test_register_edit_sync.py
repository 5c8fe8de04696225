"""Register edits through a real server: made in the edit form on one laptop, they reach a
colleague and the supervisor field by field; the same field edited differently on two
laptops is one visible conflict, other fields merge."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import shiboken6
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.services.register_edit import apply_edit
from gridworker.services.syncing import list_conflicts, sync_now
from gridworker.storage.models import ResidentRow
from gridworker.ui.dialogs.register_edit import RecordEditDialog
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household, outbox_size


def _resident(ws, household_id: str) -> ResidentRow:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalars(select(ResidentRow).where(ResidentRow.household_id == household_id)).one()


def test_an_edit_made_in_the_form_reaches_the_others_field_by_field(
    qtbot: QtBot, qapp, live_server: LiveServer, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Proves a resident's occupation typed in the edit form on laptop A and the phone
    changed on laptop A2 both arrive on the street supervisor's laptop (merged, no
    conflict), while the same phone changed differently by the supervisor is one conflict
    that every laptop sees; outboxes end empty."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    tasks = TaskManager()
    session = AppSession(a, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        hid = add_household(a, "5001")
        for ws in (a, a2, sup):
            sync_now(ws)
        rid = _resident(a, hid).id

        screen = RegisterScreen(session)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitUntil(lambda: screen.grids is not None and not screen.model.loading)
        screen.editing.open("resident", rid)
        qtbot.waitUntil(
            lambda: isinstance(screen.dialog, RecordEditDialog)
            and shiboken6.isValid(screen.dialog)
            and screen.dialog.isVisible(),
            timeout=10_000,
        )
        dialog = screen.dialog
        assert isinstance(dialog, RecordEditDialog)
        tasks.shutdown_db_wait()
        dialog.fields.widgets["occupation"].setText("退休教师")
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            dialog.accept()
        tasks.shutdown_db_wait()

        apply_edit(a2, "resident", rid, {"phone": "13907990001"})
        apply_edit(sup, "resident", rid, {"phone": "13907990002"})
        assert sync_now(a).conflicts == 0
        assert sync_now(a2).conflicts == 0
        assert sync_now(sup).conflicts == 1
        for ws in (a, a2, sup):
            sync_now(ws)
        views = [_resident(ws, hid) for ws in (a, a2, sup)]
        assert {v.occupation for v in views} == {"退休教师"}
        assert {v.phone for v in views} == {"13907990001"}  # the server's, until resolved
        for ws in (a, a2, sup):
            # Every laptop of the grid holds it; only its parties (a2, sup) list it as theirs.
            held = [c for c in list_conflicts(ws, everyone=True) if c.record_id == rid]
            [conflict] = held
            assert [f["field"] for f in conflict.fields] == ["phone"]
            assert outbox_size(ws) == 0
            own = [c.id for c in list_conflicts(ws) if c.record_id == rid]
            assert own == ([] if ws is a else [conflict.id])
    finally:
        session.close()
        tasks.shutdown()
        for ws in (a, a2, sup):
            ws.close()
