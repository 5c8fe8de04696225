"""The households filter finds any part of the address, 户号, head or a living resident's name
(issue 8), through the trigger-kept household_search table, whichever way a record arrives:
the register services, an import, a pulled sync page, a profile migrated from 0002."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from gridworker.demo_data import ROSTER_HEADER, make_roster
from gridworker.domain.enums import Relationship
from gridworker.protocol import Row
from gridworker.services import register
from gridworker.services.importing import import_file
from gridworker.services.queries import search_households
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage import keyvault, migrate
from gridworker.storage.engine import make_engine
from gridworker.storage.models import HouseholdRow, HouseholdSearchRow, ResidentRow
from gridworker.storage.outbox import without_capture
from gridworker.storage.profile import DB_NAME, KEY_NAME
from gridworker.sync import apply
from tests.conftest import GRID, GRID2, PASSPHRASE

R = register.ResidentInput


def found(ws: Workspace, text: str, grid_code: str | None = None) -> list[str]:
    """The 户号 of every household the filter shows for `text`, page after page."""
    numbers: list[str] = []
    after = None
    while True:
        page = search_households(ws, text=text, grid_code=grid_code, after=after, limit=3)
        numbers += [h.household_no for h in page.items]
        if page.next_after is None:
            return numbers
        after = page.next_after


def wang_family(ws: Workspace) -> str:
    return register.register_household(
        ws,
        register.HouseholdInput(
            grid_code=GRID, household_no="A-0107", address="萍乡市安源区凤凰小区3栋2单元501室"
        ),
        [
            R(name="王建国", relationship=Relationship.head),
            R(name="李小红", relationship=Relationship.spouse),
            R(name="王乐", relationship=Relationship.son),
        ],
    )


def resident_id(ws: Workspace, name: str) -> str:
    with ws.read() as s:
        return s.scalars(select(ResidentRow.id).where(ResidentRow.name == name)).one()


def test_any_part_of_any_field_finds_the_household(ws: Workspace) -> None:
    """Proves a substring of the address, the 户号 (ASCII letters in either case), the head's
    name and any resident's name, a one-character given name too, finds the household; a
    term spanning two fields or found nowhere finds nothing."""
    wang_family(ws)
    register.register_household(
        ws, register.HouseholdInput(grid_code=GRID2, household_no="B-0200", address="城南新村1栋")
    )
    for term in (
        "凤凰小区3栋",
        "2单元501",
        "A-0107",
        "a-01",
        "0107",
        "建国",
        "王建国",
        "小红",
        "乐",
    ):
        assert found(ws, term) == ["A-0107"], term
    assert found(ws, "乐") == ["A-0107"]  # a one-character given name
    assert found(ws, "城南") == ["B-0200"]
    assert found(ws, "-0") == ["A-0107", "B-0200"]
    for term in ("查无此人", "红王", "501室王", "%", "_"):
        assert found(ws, term) == [], term
    assert found(ws, "小红", grid_code=GRID2) == []
    assert found(ws, "小红", grid_code=GRID) == ["A-0107"]


def test_pages_of_a_text_filter_follow_the_list_order(ws: Workspace) -> None:
    """Proves a filter matching many households returns each once, in grid and 户号 order,
    across pages, as the unfiltered list does, with a grid filter too."""

    def grid(n: int) -> str:
        return GRID if n % 3 else GRID2

    for n in range(20):
        register.register_household(
            ws,
            register.HouseholdInput(
                grid_code=grid(n), household_no=f"{19 - n:04d}", address=f"建设路{n}号"
            ),
            [R(name=f"赵{'一二三四五六七八九十'[n % 10]}")],
        )

    def in_list_order(ns: list[int]) -> list[str]:
        return [no for _grid, no in sorted((grid(n), f"{19 - n:04d}") for n in ns)]

    assert found(ws, "建设路") == found(ws, "赵") == in_list_order(list(range(20)))
    assert found(ws, "赵三") == in_list_order([2, 12]) == ["0017", "0007"]
    assert found(ws, "建设路", grid_code=GRID) == in_list_order([n for n in range(20) if n % 3])
    assert found(ws, "", grid_code=GRID2) == in_list_order([n for n in range(20) if not n % 3])
    # A key from before the grid (the list scrolled, then a grid picked) starts at the grid.
    key = search_households(ws, limit=1).next_after
    assert key is not None and key.startswith(GRID + "\x1f")
    for text in ("建设路", None):
        page = search_households(ws, text=text, grid_code=GRID2, after=key, limit=50)
        assert [h.household_no for h in page.items] == in_list_order(
            [n for n in range(20) if not n % 3]
        )


def test_edits_deletes_and_moves_change_what_matches(ws: Workspace) -> None:
    """Proves a deleted resident's name no longer matches, a renamed one matches by the new
    name only, a resident moved to another household is found there and not in the old one,
    an edited address matches by its new text only, and a deleted household matches nothing."""
    wang = wang_family(ws)
    other = register.register_household(
        ws, register.HouseholdInput(grid_code=GRID, household_no="C-0300", address="安源花园2栋")
    )
    register.delete_record(ws, ResidentRow, resident_id(ws, "李小红"))
    assert found(ws, "小红") == []
    assert found(ws, "王乐") == ["A-0107"]

    register.edit_record(ws, ResidentRow, resident_id(ws, "王乐"), {"name": "王乐乐"})
    assert found(ws, "乐乐") == ["A-0107"]
    register.edit_record(ws, ResidentRow, resident_id(ws, "王乐乐"), {"household_id": other})
    assert found(ws, "乐乐") == ["C-0300"]
    assert found(ws, "王建国") == ["A-0107"]  # the head, still there

    register.edit_record(ws, HouseholdRow, wang, {"address": "萍乡市安源区东门街8号"})
    assert found(ws, "东门街") == ["A-0107"]
    assert found(ws, "凤凰") == []
    register.edit_record(ws, HouseholdRow, wang, {"grid_code": GRID2})
    assert found(ws, "东门街", grid_code=GRID2) == ["A-0107"]
    assert found(ws, "东门街", grid_code=GRID) == []

    register.delete_record(ws, HouseholdRow, wang)
    assert found(ws, "东门街") == found(ws, "王建国") == found(ws, "A-0107") == []
    assert found(ws, "乐乐") == ["C-0300"]
    with ws.read() as s:  # the table holds live households only
        assert set(s.scalars(select(HouseholdSearchRow.household_id))) == {other}


def test_an_imported_roster_is_found_by_a_members_given_name(ws: Workspace, tmp_path: Path) -> None:
    """Proves households and residents written by the bulk import are found by a given name
    of a member who is not the head, and by a part of their address."""
    lines = make_roster(30, grid_codes=[GRID, GRID2], seed=3)
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(line.as_list() for line in lines)
    report = import_file(ws, path)
    assert report.households > 0
    member = next(line for line in lines if line.relationship != "户主" and len(line.name) == 3)
    given = member.name[1:]
    expected = {line.household_no for line in lines if given in line.name or given in line.address}
    assert member.household_no in expected
    assert set(found(ws, given)) == expected
    assert set(found(ws, member.address[-6:])) == {
        line.household_no for line in lines if member.address[-6:] in line.address
    }


def _household(n: int, version: int, deleted: bool = False, **fields: str) -> Row:
    values = {"household_no": f"P-{n:03d}", "address": f"城北路{n}号", "head_name": "周大海"}
    values.update(fields)
    return Row(
        entity="household",
        id=f"00000000-0000-4000-8000-{n:012d}",
        grid_code=GRID,
        version=version,
        deleted=deleted,
        fields=values,
    )


def _resident(n: int, household: int, name: str, version: int, deleted: bool = False) -> Row:
    return Row(
        entity="resident",
        id=f"00000000-0000-4000-9000-{n:012d}",
        grid_code=GRID,
        version=version,
        deleted=deleted,
        fields={"household_id": f"00000000-0000-4000-8000-{household:012d}", "name": name},
    )


def test_records_pulled_in_bulk_are_found_and_later_pages_update_them(ws: Workspace) -> None:
    """Proves rows stored by the pull's bulk path (driver-level inserts) are found, whether a
    resident arrives before or after its household, and that a later page's tombstone, move
    and eviction take effect in the filter."""
    first = [
        _resident(1, household=1, name="孙美玲", version=1),  # before its household
        _household(1, version=2),
        _household(2, version=3),
        _resident(2, household=2, name="钱多多", version=4),  # after its household
        _resident(3, household=2, name="钱少少", version=5),
    ]
    with ws.write() as s, without_capture(s):
        apply.apply_rows(s, first)
    assert found(ws, "美玲") == ["P-001"]
    assert found(ws, "多多") == ["P-002"]
    assert found(ws, "城北路") == ["P-001", "P-002"]
    second = [
        _resident(2, household=2, name="钱多多", version=6, deleted=True),
        _resident(3, household=1, name="钱少少", version=7),  # moved to household 1
        _household(3, version=8, deleted=True),  # a tombstone of a record never seen
    ]
    with ws.write() as s, without_capture(s):
        apply.apply_rows(s, second)
    assert found(ws, "多多") == []
    assert found(ws, "少少") == ["P-001"]
    with ws.write() as s, without_capture(s):
        apply.evict_grid(s, GRID)
    assert found(ws, "城北路") == found(ws, "少少") == []


def test_the_migration_backfills_a_profile_made_at_0002(profile_dir: Path) -> None:
    """Proves a profile holding households and residents at revision 0002 is searchable by a
    given name once opened (migrated to 0003), without deleted residents or households."""
    key = keyvault.unlock(profile_dir / KEY_NAME, PASSPHRASE)
    engine = make_engine(profile_dir / DB_NAME, key)
    migrate.downgrade(engine, "0002")
    now = datetime.now(UTC).isoformat()
    with engine.begin() as conn:
        for hid, no, address, deleted in (
            ("h1", "D-001", "凤凰小区1栋", 0),
            ("h2", "D-002", "凤凰小区2栋", 1),
        ):
            conn.exec_driver_sql(
                "INSERT INTO household (id, grid_code, version, deleted, created_at, updated_at,"
                " household_no, address, head_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (hid, GRID, 1, deleted, now, now, no, address, "吴国华"),
            )
        for rid, hid, name, deleted in (
            ("r1", "h1", "吴国华", 0),
            ("r2", "h1", "郑秀兰", 0),
            ("r3", "h1", "吴天佑", 1),
            ("r4", "h2", "冯子墨", 0),
        ):
            conn.exec_driver_sql(
                "INSERT INTO resident (id, grid_code, version, deleted, created_at, updated_at,"
                " household_id, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rid, GRID, 1, deleted, now, now, hid, name),
            )
    assert migrate.current_revision(engine) == "0002"
    engine.dispose()
    ws = open_workspace(profile_dir, PASSPHRASE)
    try:
        assert migrate.current_revision(ws.profile.engine) == migrate.HEAD_REVISION
        assert found(ws, "秀兰") == found(ws, "国华") == found(ws, "凤凰") == ["D-001"]
        assert found(ws, "天佑") == found(ws, "子墨") == found(ws, "D-002") == []
        register.add_resident(ws, "h1", R(name="吴天佑"))  # the triggers work after it too
        assert found(ws, "天佑") == ["D-001"]
    finally:
        ws.close()
