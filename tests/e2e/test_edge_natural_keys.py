"""One live household per grid and 户号 whichever way a household comes to hold its key
(server/natural_keys.py, docs/design.md §4.3, §4.6): registered and moved before it was
ever sent, its 户号 edited in place, a registration racing either. Found by the
convergence machine (a household registered in grid B and moved to grid A on the
supervisor's laptop before a sync reached the server as one create in grid A, next to
grid A's own household of that 户号)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridworker.services import register
from gridworker.services.refused import refused_changes
from gridworker.services.syncing import sync_now
from gridworker.storage.models import HouseholdRow
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.reliability.conftest import ServerDb


def _refused(ws: Any) -> list[tuple[str, str, str]]:
    return [(c.entity, c.record_id, c.code) for c in refused_changes(ws)]


def _live_households(server: LiveServer, grid: str, no: str) -> list[str]:
    db = ServerDb(server.db_url)
    try:
        return sorted(
            key[1]
            for key, rec in db.records().items()
            if key[0] == "household"
            and not rec.deleted
            and rec.grid_code == grid
            and rec.data.get("household_no") == no
        )
    finally:
        db.close()


def _household(ws: Any, grid: str, no: str, address: str) -> str:
    return register.register_household(
        ws, register.HouseholdInput(grid_code=grid, household_no=no, address=address)
    )


def test_a_household_moved_before_its_first_sync_onto_a_taken_number(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the supervisor's household registered in grid B and moved to grid A before
    any sync is registered in grid B and its move refused visibly when grid A already has
    that 户号, and that grid A's worker registering that 户号 after such a move is refused
    (the moved household holds it): one live household per grid and 户号 either way."""
    a = enrolled(any_server, tmp_path, "worker.a")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        # Grid A's own household first, then the supervisor's move arrives.
        native = _household(a, GRID_A, "0601", "凤凰小区1栋")
        sync_now(a)
        moved = _household(sup, GRID_B, "0601", "新村路1号")
        register.edit_record(sup, HouseholdRow, moved, {"grid_code": GRID_A})
        sync_now(sup)
        assert ("household", moved, "household_no_taken") in _refused(sup)
        assert _live_households(any_server, GRID_A, "0601") == [native]
        assert _live_households(any_server, GRID_B, "0601") == [moved]  # registered, not lost
        # The other order: the move reaches the server first, grid A's registration after.
        moved2 = _household(sup, GRID_B, "0602", "新村路2号")
        register.edit_record(sup, HouseholdRow, moved2, {"grid_code": GRID_A})
        late = _household(a, GRID_A, "0602", "凤凰小区2栋")
        sync_now(sup)
        sync_now(a)
        assert ("household", late, "household_no_taken") in _refused(a)
        assert _live_households(any_server, GRID_A, "0602") == [moved2]
    finally:
        a.close()
        sup.close()


def test_a_number_edited_in_place_holds_it_against_a_registration(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a 户号 corrected on one laptop and the same 户号 registered on another make
    one live household, in either order: the second to reach the server is refused
    visibly, and a household whose 户号 was corrected keeps its 户号 held after the
    laptops sync again."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        first = _household(a, GRID_A, "0611", "凤凰小区3栋")
        second = _household(a, GRID_A, "0612", "凤凰小区4栋")
        sync_now(a)
        # The correction reaches the server first.
        register.edit_record(a, HouseholdRow, first, {"household_no": "0613"})
        taken = _household(a2, GRID_A, "0613", "凤凰小区5栋")
        sync_now(a)
        sync_now(a2)
        assert ("household", taken, "household_no_taken") in _refused(a2)
        assert _live_households(any_server, GRID_A, "0613") == [first]
        # The registration reaches the server first.
        registered = _household(a2, GRID_A, "0614", "凤凰小区6栋")
        register.edit_record(a, HouseholdRow, second, {"household_no": "0614"})
        sync_now(a2)
        sync_now(a)
        assert ("household", second, "household_no_taken") in _refused(a)
        assert _live_households(any_server, GRID_A, "0614") == [registered]
        assert _live_households(any_server, GRID_A, "0612") == [second]
    finally:
        a.close()
        a2.close()
