"""The laptop's one bulk-write path (storage/bulk.py `write_new`), on a real SQLCipher profile:
what a roster import, a pulled page and test seeding all rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from gridworker.domain.enums import CaseActionKind, Gender, Relationship, Role
from gridworker.services.workspace import Workspace
from gridworker.storage.bulk import write_new
from gridworker.storage.models import (
    CaseActionRow,
    HouseholdRow,
    HouseholdSearchRow,
    OutboxEntry,
    ResidentRow,
)
from tests.conftest import GRID

HID = "00000000-0000-4000-8000-0000000002{:02d}"
NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def _household(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": HID.format(n),
        "grid_code": GRID,
        "household_no": f"B{n:03d}",
        "address": f"凤凰小区{n}栋",
        "head_name": "王建国",
        "version": 3,
        "deleted": False,
        "created_at": NOW,
        "updated_at": NOW,
        **extra,
    }


def _resident(n: int, household: int) -> dict[str, Any]:
    return {
        "id": HID.format(50 + n),
        "grid_code": GRID,
        "household_id": HID.format(household),
        "name": f"赵{'一二三四五'[n]}",
        "gender": Gender.female,
        "relationship": Relationship.spouse,
        "version": 2,
        "deleted": False,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _outbox(ws: Workspace) -> list[OutboxEntry]:
    with ws.read() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id)))


def test_rows_from_the_server_are_stored_indexed_and_not_queued(ws: Workspace) -> None:
    """Proves `queue=False` stores rows of several tables and column sets in one call, as
    the ORM reads them back, fills the household search index through the triggers (a
    member's name finds the household) and queues nothing."""
    rows = [
        (HouseholdRow, _household(1)),
        (HouseholdRow, _household(2, phone="13800138000")),  # another set of columns
        (ResidentRow, _resident(1, household=1)),
    ]
    with ws.write() as s:
        assert write_new(s, rows, queue=False) == 3
    with ws.read() as s:
        homes = {h.id: h for h in s.scalars(select(HouseholdRow))}
        search = {r.household_id: r.text for r in s.scalars(select(HouseholdSearchRow))}
        member = s.get(ResidentRow, HID.format(51))
    assert set(homes) == {HID.format(1), HID.format(2)}
    assert homes[HID.format(2)].phone == "13800138000" and homes[HID.format(1)].phone is None
    assert homes[HID.format(1)].version == 3 and homes[HID.format(1)].created_at == NOW
    assert member is not None and member.gender is Gender.female
    assert "赵二" in search[HID.format(1)] and "b002" in search[HID.format(2)]
    assert _outbox(ws) == []


def test_records_made_here_are_queued_in_order(ws: Workspace) -> None:
    """Proves `queue=True` gives each row the `create` entry change capture would queue:
    rising mutation ids in list order, the row's grid and version, the full record as
    payload (fields never given travel as null), pending and never sent."""
    with ws.write() as s:
        s.add(HouseholdRow(id=HID.format(9), grid_code=GRID, household_no="B009", address="a"))
    before = _outbox(ws)
    rows = [(HouseholdRow, _household(3)), (ResidentRow, _resident(2, household=3))]
    with ws.write() as s:
        assert write_new(s, rows, queue=True, now=NOW) == 2
    entries = _outbox(ws)[len(before) :]
    assert [e.record_id for e in entries] == [HID.format(3), HID.format(52)]
    assert entries[0].mutation_id > before[-1].mutation_id
    assert entries[1].mutation_id == entries[0].mutation_id + 1
    home, person = entries
    assert (home.op, home.entity, home.grid_code, home.base_version) == (
        "create",
        "household",
        GRID,
        3,
    )
    assert home.payload["head_name"] == "王建国" and home.payload["phone"] is None
    assert person.payload["gender"] == Gender.female.value
    assert person.payload["household_id"] == HID.format(3)
    assert all(e.status == "pending" and e.attempts == 0 and e.old is None for e in entries)
    assert home.created_at == NOW


def test_workflow_actions_are_stored_from_the_server_but_never_queued_in_bulk(
    ws: Workspace,
) -> None:
    """Proves a case action (a command) may be stored as pulled, while queuing one in bulk
    is refused before anything is written: actions travel as commands only."""
    action = {
        "id": HID.format(80),
        "grid_code": GRID,
        "case_id": HID.format(81),
        "action": CaseActionKind.report,
        "actor": "worker",
        "actor_role": Role.grid_worker,
        "rejected": False,
        "at": NOW,
        "version": 1,
        "deleted": False,
        "created_at": NOW,
        "updated_at": NOW,
    }
    with ws.write() as s, pytest.raises(ValueError, match="commands"):
        write_new(s, [(HouseholdRow, _household(4)), (CaseActionRow, action)], queue=True)
    with ws.read() as s:
        assert s.get(HouseholdRow, HID.format(4)) is None
    with ws.write() as s:
        assert write_new(s, [(CaseActionRow, action)], queue=False) == 1
    with ws.read() as s:
        stored = s.get(CaseActionRow, HID.format(80))
    assert stored is not None and stored.action is CaseActionKind.report
    assert _outbox(ws) == []
    with ws.write() as s:
        assert write_new(s, [], queue=True) == 0
