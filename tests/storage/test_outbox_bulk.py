"""Outbox entries written in bulk (issue 8): ids assigned before the INSERT, and
`insert_new` queuing exactly what change capture queues, on a real SQLCipher profile."""

from __future__ import annotations

from sqlalchemy import delete, select, text

from gridworker.domain.enums import Gender, Relationship
from gridworker.services.workspace import Workspace
from gridworker.storage.bulk import insert_new
from gridworker.storage.models import HouseholdRow, OutboxEntry, ResidentRow
from gridworker.storage.outbox import without_capture
from tests.conftest import GRID

HID = "00000000-0000-4000-8000-0000000001{:02d}"


def _ids(ws: Workspace) -> list[int]:
    with ws.read() as s:
        return list(s.scalars(select(OutboxEntry.mutation_id).order_by(OutboxEntry.mutation_id)))


def test_mutation_ids_keep_rising_after_acknowledged_entries_are_removed(ws: Workspace) -> None:
    """Proves ids assigned by the capture hook are strictly increasing across flushes and
    never reused, even after every entry was acknowledged and deleted (the server would
    take a reused id for a cloned laptop); SQLite's AUTOINCREMENT mark moves with them."""
    with ws.write() as s:
        for n in range(3):
            s.add(HouseholdRow(id=HID.format(n), grid_code=GRID, household_no=f"{n}", address="a"))
    first = _ids(ws)
    assert len(first) == 3 and first == sorted(set(first))
    with ws.write() as s, without_capture(s):
        s.execute(delete(OutboxEntry))  # all acknowledged
    with ws.write() as s:
        s.add(HouseholdRow(id=HID.format(9), grid_code=GRID, household_no="9", address="b"))
        s.flush()
        s.get(HouseholdRow, HID.format(9)).address = "c"  # type: ignore[union-attr]
    second = _ids(ws)
    assert len(second) == 1 and second[0] > max(first)  # coalesced into the create
    with ws.read() as s:
        mark = s.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")).scalar()
    assert mark == second[0]


def test_insert_new_queues_what_capture_queues(ws: Workspace) -> None:
    """Proves a record written by insert_new reads back like one added through the ORM,
    and its outbox entry carries the same op, grid, base version and payload (column
    defaults included) as the entry change capture makes for the same record."""

    def resident(n: int) -> ResidentRow:
        return ResidentRow(
            id=HID.format(n),
            grid_code=GRID,
            household_id=HID.format(0),
            name="李四",
            gender=Gender.female,
            relationship=Relationship.spouse,
            version=0,
            deleted=False,
        )

    with ws.write() as s:
        s.add(resident(1))
    with ws.write() as s:
        assert insert_new(s, [resident(2), resident(3)]) == 2
    with ws.read() as s:
        entries = {e.record_id: e for e in s.scalars(select(OutboxEntry))}
        rows = {r.id: r for r in s.scalars(select(ResidentRow))}
    captured, bulk = entries[HID.format(1)], entries[HID.format(2)]
    assert bulk.mutation_id > captured.mutation_id
    assert entries[HID.format(3)].mutation_id == bulk.mutation_id + 1
    for key in ("op", "entity", "grid_code", "base_version", "schema_version", "status"):
        assert getattr(bulk, key) == getattr(captured, key)
    assert bulk.full_state is False and bulk.old is None and bulk.attempts == 0
    assert {k: v for k, v in bulk.payload.items() if k != "id"} == {
        k: v for k, v in captured.payload.items() if k != "id"
    }
    assert bulk.payload["id"] == HID.format(2)
    stored, orm = rows[HID.format(2)], rows[HID.format(1)]
    for column in ResidentRow.__table__.columns:
        if column.key not in ("id", "created_at", "updated_at"):
            assert getattr(stored, column.key) == getattr(orm, column.key), column.key
    assert stored.created_at.tzinfo is not None and stored.updated_at >= stored.created_at
    # Later edits of a bulk-written record are captured as usual.
    with ws.write() as s:
        s.get(ResidentRow, HID.format(2)).name = "李五"  # type: ignore[union-attr]
    with ws.read() as s:
        entry = s.scalars(select(OutboxEntry).where(OutboxEntry.record_id == HID.format(2))).one()
    assert entry.op == "create" and entry.payload["name"] == "李五"  # coalesced, unsent
