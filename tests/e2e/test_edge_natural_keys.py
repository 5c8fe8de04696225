"""One live household per grid and 户号 whichever way a household comes to hold its key
(server/natural_keys.py, docs/design.md §4.3, §4.6): registered and moved before it was
ever sent, its 户号 edited in place, a registration racing either. Found by the
convergence machine (a household registered in grid B and moved to grid A on the
supervisor's laptop before a sync reached the server as one create in grid A, next to
grid A's own household of that 户号)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridworker.domain.validation import id_check_digit
from gridworker.services import register, register_edit
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


# --- one live resident per ID number --------------------------------------------------


def _number(n: int) -> str:
    """A valid GB 11643 ID number, different for each n."""
    first17 = f"36030219{60 + n:02d}0101{n:03d}"
    return first17 + id_check_digit(first17)


def _live_residents(server: LiveServer, number: str) -> list[str]:
    db = ServerDb(server.db_url)
    try:
        return sorted(
            key[1]
            for key, rec in db.records().items()
            if key[0] == "resident" and not rec.deleted and rec.data.get("id_number") == number
        )
    finally:
        db.close()


def _correct(ws: Any, rid: str, number: str) -> None:
    """The register's edit: the number checked against the laptop's residents, gender and
    birth date derived from it again."""
    register_edit.apply_edit(ws, "resident", rid, {"id_number": number})


def _resident(ws: Any, hid: str, name: str, number: str | None) -> str:
    return register.add_resident(ws, hid, register.ResidentInput(name=name, id_number=number))


def test_an_id_number_corrected_in_place_holds_it_against_a_registration(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an ID number corrected on one laptop and the same number registered on
    another make one live resident, in either order: the second to reach the server is
    refused `id_number_taken`, visibly, and the other keeps its number."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid = _household(a, GRID_A, "0621", "凤凰小区7栋")
        first = _resident(a, hid, "张秀英", _number(1))
        second = _resident(a, hid, "李建国", _number(2))
        sync_now(a)
        sync_now(a2)
        # The correction reaches the server first.
        _correct(a, first, _number(3))
        taken = _resident(a2, hid, "王芳", _number(3))
        sync_now(a)
        sync_now(a2)
        assert ("resident", taken, "id_number_taken") in _refused(a2)
        assert _live_residents(any_server, _number(3)) == [first]
        # The registration reaches the server first.
        registered = _resident(a2, hid, "刘洋", _number(4))
        _correct(a, second, _number(4))
        sync_now(a2)
        sync_now(a)
        assert ("resident", second, "id_number_taken") in _refused(a)
        assert _live_residents(any_server, _number(4)) == [registered]
        assert _live_residents(any_server, _number(2)) == [second]
    finally:
        a.close()
        a2.close()


def test_an_id_number_is_one_resident_across_grids(any_server: LiveServer, tmp_path: Path) -> None:
    """Proves an ID number is the district's, not a grid's: grid A's worker giving a
    resident (registered without a number) the number of a resident of grid B, which A's
    laptop cannot see, is refused `id_number_taken` visibly, and so is grid B's worker
    registering the number a grid A resident was given."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    try:
        elsewhere = _resident(b, _household(b, GRID_B, "0631", "新村路3号"), "陈静", _number(5))
        sync_now(b)
        hid = _household(a, GRID_A, "0632", "凤凰小区8栋")
        nameless = _resident(a, hid, "杨帆", None)
        later = _resident(a, hid, "张三", None)
        sync_now(a)
        _correct(a, nameless, _number(5))
        sync_now(a)
        assert ("resident", nameless, "id_number_taken") in _refused(a)
        assert _live_residents(any_server, _number(5)) == [elsewhere]
        _correct(a, later, _number(6))
        sync_now(a)
        again = _resident(b, _household(b, GRID_B, "0633", "新村路4号"), "李四", _number(6))
        sync_now(b)
        assert ("resident", again, "id_number_taken") in _refused(b)
        assert _live_residents(any_server, _number(6)) == [later]
    finally:
        a.close()
        b.close()
