"""Change capture: every write queues its outbox rows in the same transaction, and only then."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseSource,
    CaseState,
    Role,
    Urgency,
)
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.models import CaseActionRow, CaseRow, HouseholdRow, OutboxEntry
from gridworker.storage.outbox import without_capture
from tests.conftest import GRID, PASSPHRASE

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _household(n: int) -> HouseholdRow:
    return HouseholdRow(id=f"h{n}", grid_code=GRID, household_no=str(n), address=f"凤凰小区{n}栋")


def _entries(ws: Workspace) -> list[OutboxEntry]:
    with ws.read() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id)))


def test_each_changed_record_gets_one_entry_in_the_same_transaction(ws: Workspace) -> None:
    """Proves three creates give three create entries, then editing two gives two update entries."""
    with ws.write() as s:
        s.add_all([_household(1), _household(2), _household(3)])
    created = _entries(ws)
    assert [(e.op, e.record_id) for e in created] == [
        ("create", "h1"),
        ("create", "h2"),
        ("create", "h3"),
    ]
    assert created[0].payload["address"] == "凤凰小区1栋" and created[0].payload["deleted"] is False
    with ws.write() as s:  # mark as sent, so the next edits are not coalesced into the creates
        for e in s.scalars(select(OutboxEntry)):
            e.status = "sending"
    with ws.write() as s:
        s.get_one(HouseholdRow, "h1").address = "新地址"
        s.get_one(HouseholdRow, "h2").head_name = "张三"
        s.get_one(HouseholdRow, "h3").address = "凤凰小区3栋"  # same value: no change
    updates = [e for e in _entries(ws) if e.op == "update"]
    assert [(e.record_id, e.payload) for e in updates] == [
        ("h1", {"address": "新地址"}),
        ("h2", {"head_name": "张三"}),
    ]
    assert updates[0].old == {"address": "凤凰小区1栋"}


def test_unsent_edits_coalesce_keeping_the_first_base_version(ws: Workspace) -> None:
    """Proves two pending edits of one record become one entry with the earlier base_version."""
    with ws.write() as s, without_capture(s):
        row = _household(1)
        row.version, row.deleted = 41, False
        row.created_at = row.updated_at = NOW
        s.add(row)  # as if pulled from the server at version 41
    assert _entries(ws) == []
    with ws.write() as s:
        s.get_one(HouseholdRow, "h1").address = "第一次"
    with ws.write() as s:
        h = s.get_one(HouseholdRow, "h1")
        h.version = 57  # a pull moved the record on; the pending edit keeps its base
        h.head_name = "李四"
        h.address = "第二次"
    [entry] = _entries(ws)
    assert entry.op == "update" and entry.base_version == 41
    assert entry.payload == {"address": "第二次", "head_name": "李四"}
    assert entry.old == {"address": "凤凰小区1栋", "head_name": None}


def test_an_entry_in_flight_is_never_changed(ws: Workspace) -> None:
    """Proves an edit made while a push is in flight gets its own, later mutation id."""
    with ws.write() as s:
        s.add(_household(1))
    with ws.write() as s:
        s.scalars(select(OutboxEntry)).one().status = "sending"
    with ws.write() as s:
        s.get_one(HouseholdRow, "h1").address = "改了"
    first, second = _entries(ws)
    assert first.payload["address"] == "凤凰小区1栋" and second.payload == {"address": "改了"}
    assert second.mutation_id > first.mutation_id


def test_tombstone_is_a_delete_and_hard_delete_is_refused(ws: Workspace) -> None:
    """Proves deleting sets a tombstone queued as `delete`; removing the row outright fails."""
    with ws.write() as s:
        s.add(_household(1))
    with ws.write() as s:
        s.get_one(HouseholdRow, "h1").deleted = True
    assert [e.op for e in _entries(ws)] == ["create", "delete"]
    with pytest.raises(ValueError, match="tombstoned"), ws.write() as s:
        s.delete(s.get_one(HouseholdRow, "h1"))


def test_workflow_fields_travel_only_as_commands(ws: Workspace) -> None:
    """Proves case.state changes are not captured as updates, and an action is a `command`."""
    with ws.write() as s:
        s.add(
            CaseRow(
                id="c1",
                grid_code=GRID,
                title="楼道堆物",
                category=CaseCategory.hazard,
                urgency=Urgency.normal,
                source=CaseSource.grid_worker,
                reporter="wang.wei",
                state=CaseState.draft,
            )
        )
    with ws.write() as s:
        s.get_one(CaseRow, "c1").state = CaseState.reported
        s.add(
            CaseActionRow(
                id="a1",
                grid_code=GRID,
                case_id="c1",
                action=CaseActionKind.report,
                actor="wang.wei",
                actor_role=Role.grid_worker,
                at=NOW,
                from_state=CaseState.draft,
                to_state=CaseState.reported,
            )
        )
    ops = [(e.op, e.entity) for e in _entries(ws)]
    assert ops == [("create", "case"), ("command", "case_action")]
    assert "state" not in _entries(ws)[0].payload or _entries(ws)[0].payload["state"] == "draft"


def test_mutation_ids_keep_increasing_after_acknowledged_rows_are_removed(ws: Workspace) -> None:
    """Proves AUTOINCREMENT: ids are never reused once acknowledged entries are deleted."""
    with ws.write() as s:
        s.add_all([_household(1), _household(2)])
    last = _entries(ws)[-1].mutation_id
    with ws.write() as s, without_capture(s):
        s.execute(delete(OutboxEntry))
    with ws.write() as s:
        s.add(_household(3))
    assert _entries(ws)[0].mutation_id > last


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from gridworker.services.workspace import open_workspace
    from gridworker.storage.models import HouseholdRow
    ws = open_workspace(Path(sys.argv[1]), sys.argv[2])
    with ws.write() as s:
        for n in range(50):
            s.add(HouseholdRow(id=f"k{n}", grid_code="360302001001001", household_no=str(n),
                               address="x"))
        s.flush()  # rows and outbox entries are written to the WAL, not yet committed
        print("flushed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_process_killed_before_commit_leaves_neither_rows_nor_entries(profile_dir: Path) -> None:
    """Proves atomicity: SIGKILL after flush but before commit leaves no record and no entry."""
    proc = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(profile_dir), PASSPHRASE],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "flushed" in proc.stdout
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        with ws.read() as s:
            assert s.scalar(select(func.count()).select_from(HouseholdRow)) == 0
            assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
    finally:
        ws.close()
