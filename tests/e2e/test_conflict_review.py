"""Conflict review across grids: a street supervisor settles, on the real server, a conflict
between two grid workers' laptops, and the workers get the supervisor's value by pull."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridworker.services import register
from gridworker.services.conflict_review import grid_conflicts, resolve_grid_conflict
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import ServiceError
from gridworker.storage.models import HouseholdRow
from tests.e2e.conftest import GRID_A, PASSWORD, LiveServer, enrolled


def test_supervisor_resolves_a_conflict_in_their_grid(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a conflict between two workers of one grid is listed for the street supervisor
    with both values and authors, a typed value per field settles it on the server, and both
    workers' laptops then hold the supervisor's value; another grid's worker sees nothing."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    other = enrolled(live_server, tmp_path, "worker.b")
    household = register.register_household(
        a,
        register.HouseholdInput(grid_code=GRID_A, household_no="0101", address="凤凰小区3栋101室"),
    )
    sync_now(a, password=PASSWORD)
    sync_now(a2, password=PASSWORD)
    register.edit_record(a, HouseholdRow, household, {"address": "凤凰小区3栋1单元101室"})
    register.edit_record(a2, HouseholdRow, household, {"address": "凤凰小区3栋101号"})
    sync_now(a, password=PASSWORD)
    report = sync_now(a2, password=PASSWORD)
    assert report.conflicts == 1

    sync_now(sup, password=PASSWORD)
    [conflict] = grid_conflicts(sup)
    assert conflict.grid_code == GRID_A and conflict.kind == "field"
    assert conflict.record_label == "凤凰小区3栋1单元101室"  # the supervisor's synced copy
    [field] = conflict.fields
    assert field["field"] == "address"
    assert (field["server"], field["server_author"]) == ("凤凰小区3栋1单元101室", "worker.a")
    assert (field["incoming"], field["incoming_author"]) == ("凤凰小区3栋101号", "worker.a2")
    assert grid_conflicts(sup, grid_prefix="360302001001002") == []
    assert grid_conflicts(other) == []

    with pytest.raises(ServiceError):
        resolve_grid_conflict(sup, conflict.id)
    settled = resolve_grid_conflict(
        sup, conflict.id, values={"address": "凤凰小区3栋1单元101室（核实）"}
    )
    assert settled.status == "resolved" and settled.resolved_by == "sup.street"
    assert grid_conflicts(sup) == []
    assert [c.id for c in grid_conflicts(sup, status="resolved")] == [conflict.id]

    for ws in (a, a2, sup):
        sync_now(ws, password=PASSWORD)
        with ws.read() as s:
            row = s.get(HouseholdRow, household)
            assert row is not None and row.address == "凤凰小区3栋1单元101室（核实）"
    for ws in (a, a2, sup, other):
        ws.close()
