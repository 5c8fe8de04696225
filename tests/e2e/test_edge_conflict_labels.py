"""Who made each side of a conflict: "本机" only on the laptop that made it, the others by
person, laptop and time; supervisors review others' conflicts in their desk; `conflicts
list` masks personal values. Real server process on SQLite and PostgreSQL, real profiles,
the real conflicts screen and command line."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.services import register
from gridworker.services.conflict_review import grid_conflicts
from gridworker.services.syncing import device_identity, list_conflicts, sync_now
from gridworker.services.workspace import open_workspace
from gridworker.storage.models import HouseholdRow, LocalAudit
from gridworker.ui.app import make_app
from gridworker.ui.screens.conflicts import ConflictsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import PASSPHRASE, LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household


@pytest.fixture(scope="session")
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    """The app as users get it (zh_CN, CJK font), as in tests/ui."""
    return make_app(qapp_args, lang="zh_CN")


def conflicts_cli(profile: Path, *extra: str) -> list[dict]:  # type: ignore[type-arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    env["GRIDWORKER_PASSPHRASE"] = PASSPHRASE
    done = subprocess.run(
        [sys.executable, "-m", "gridworker.cli", "--profile", str(profile)]
        + ["conflicts", "list", "--json", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_each_side_says_who_made_it_and_only_its_laptop_says_this_laptop(  # type: ignore[no-untyped-def]
    qtbot, any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a conflict between two laptops of one worker is labelled "本机" only on the
    side each laptop made, the other side by person, laptop and time; the supervisor and a
    colleague do not list it as their own (the supervisor reviews it in the review desk);
    and `conflicts list` masks the phone numbers unless asked, which is logged."""
    first = enrolled(any_server, tmp_path, "worker.a", name="first")
    second = enrolled(any_server, tmp_path, "worker.a", name="second")
    colleague = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    tasks = TaskManager()
    session = AppSession(second, tasks, idle_lock_minutes=0, background_sync=False)
    closed = False
    try:
        hid = add_household(first, "1401")
        sync_now(first)
        sync_now(second)
        register.edit_record(first, HouseholdRow, hid, {"phone": "13800001111"})
        register.edit_record(second, HouseholdRow, hid, {"phone": "13900002222"})
        sync_now(first)
        assert sync_now(second).conflicts == 1
        for ws in (first, colleague, sup):
            sync_now(ws)
        one, two = device_identity(first).device_id, device_identity(second).device_id
        [on_second] = list_conflicts(second)
        [field] = on_second.fields
        assert (field["local_mine"], field["server_mine"]) == (True, False)
        assert (field["server_author"], field["server_device"]) == ("worker.a", one)
        assert field["server_at"] and field["local_at"]
        [on_first] = list_conflicts(first)
        [field] = on_first.fields
        assert (field["local_mine"], field["server_mine"]) == (False, True)
        assert field["local_device"] == two
        assert list_conflicts(colleague) == [] and list_conflicts(sup) == []
        assert [c.record_id for c in grid_conflicts(sup)] == [hid]

        screen = ConflictsScreen(session)
        screen.resize(1366, 768)
        qtbot.addWidget(screen)
        screen.show()
        screen.refresh()
        qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
        row = screen.rows["phone"]
        mine = row.local_text.parentWidget().findChild(object, "mine")
        theirs = row.server_text.parentWidget().findChild(object, "author")
        assert mine.text() == "本机"
        assert theirs.text().startswith(f"worker.a · 电脑 …{one[-6:]} · 20")
        assert "本机" in screen.fields_hint.text()
        qtbot.wait(100)
        screen.grab().save(str(tmp_path / "conflict-labels.png"))

        session.close()
        closed = True
        second.close()
        listed = conflicts_cli(tmp_path / "second")
        [side] = listed[0]["fields"]
        assert (side["server"], side["local"]) == ("138****1111", "139****2222")
        shown = conflicts_cli(tmp_path / "second", "--unmasked")
        [side] = shown[0]["fields"]
        assert (side["server"], side["local"]) == ("13800001111", "13900002222")
        second = open_workspace(tmp_path / "second", PASSPHRASE)
        with second.read() as s:
            reveals = s.scalars(select(LocalAudit).where(LocalAudit.action == "reveal")).all()
        assert [r.entity for r in reveals] == ["conflict"]
    finally:
        if not closed:
            session.close()
        tasks.shutdown()
        for ws in (first, second, colleague, sup):
            ws.close()
