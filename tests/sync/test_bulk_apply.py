"""The bulk paths of the sync engine (issue 8) do what the one-by-one paths did.

`apply.apply_rows` stores a pulled page with bulk reads and driver-level inserts;
`apply.settle_applied` settles plain `applied` outcomes in bulk. Each is compared
with the original one-row-at-a-time function on two copies of the same real
SQLCipher profile.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from gridworker.protocol import MutationOutcome, Row
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.storage.models import SYNC_MODELS, HouseholdRow, OutboxEntry, ResidentRow
from gridworker.storage.outbox import without_capture
from gridworker.sync import apply, own
from tests.conftest import GRID, GRID2, PASSPHRASE

HID = "00000000-0000-4000-8000-0000000000{:02d}"


def _household(n: int, version: int, **fields: Any) -> Row:
    values = {"household_no": f"{n:04d}", "address": f"城南路{n}号", "head_name": "张三"}
    values.update(fields)
    return Row(entity="household", id=HID.format(n), grid_code=GRID, version=version, fields=values)


def _resident(n: int, version: int) -> Row:
    return Row(
        entity="resident",
        id=HID.format(50 + n),
        grid_code=GRID2,
        version=version,
        fields={
            "household_id": HID.format(n),
            "name": "李四",
            "gender": "2",
            "relationship": "spouse",
            "birth_date": "1980-01-02",
        },
    )


def _snapshot(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Every synced row with every column except the local timestamps."""
    out: dict[str, list[dict[str, Any]]] = {}
    with ws.read() as s:
        for entity, model in SYNC_MODELS.items():
            rows = s.scalars(select(model).order_by(model.id)).all()
            out[entity] = [
                {
                    c.key: getattr(r, c.key)
                    for c in model.__table__.columns
                    if c.key not in ("created_at", "updated_at")
                }
                for r in rows
            ]
    return out


def _both_ways(ws: Workspace, profile_dir: Path, page: list[Row], view: Any) -> tuple[Any, Any]:
    """`view` of two copies of the profile: one that stored `page` row by row (apply_row),
    one that stored it in bulk (apply_rows)."""
    twin = _twin(ws, profile_dir)
    first = open_workspace(profile_dir, PASSPHRASE)
    try:
        with first.write() as s, without_capture(s):
            for row in page:
                apply.apply_row(s, row)
        with twin.write() as s, without_capture(s):
            apply.apply_rows(s, page)
        return view(first), view(twin)
    finally:
        first.close()
        twin.close()


def _twin(ws: Workspace, profile_dir: Path) -> Workspace:
    """A second profile with the same contents as `ws` (closed while copying)."""
    ws.close()
    other = profile_dir.parent / "twin"
    shutil.copytree(profile_dir, other, ignore=shutil.ignore_patterns("profile.lock"))
    return open_workspace(other, PASSPHRASE)


def test_apply_rows_stores_a_page_like_apply_row_one_by_one(
    ws: Workspace, profile_dir: Path
) -> None:
    """Proves a page stored in bulk equals the same page stored row by row: new records
    inserted with their fields and version, a newer copy of a local record updated except
    the field an unsent edit holds (the rebase rule), an older copy ignored, a tombstone
    of an unknown record skipped, an eviction removing a local record, in one page."""
    with ws.write() as s:
        s.add(
            HouseholdRow(
                id=HID.format(1),
                grid_code=GRID,
                household_no="0001",
                address="旧地址",
                head_name="王五",
                version=5,
                deleted=False,
            )
        )
        s.add(
            HouseholdRow(
                id=HID.format(2),
                grid_code=GRID,
                household_no="0002",
                address="旧地址2",
                version=9,
                deleted=False,
            )
        )
        s.add(HouseholdRow(id=HID.format(3), grid_code=GRID, household_no="0003",
                           address="将被移走", version=2, deleted=False))  # fmt: skip
    with ws.write() as s, without_capture(s):  # pushed and acknowledged: versions set
        s.execute(delete(OutboxEntry))
        for n, version in ((1, 5), (2, 9), (3, 2)):
            s.get(HouseholdRow, HID.format(n)).version = version  # type: ignore[union-attr]
    with ws.write() as s:  # then an unsent local edit of household 1's address
        s.get(HouseholdRow, HID.format(1)).address = "本机改的地址"  # type: ignore[union-attr]
    page = [
        _household(1, 20, address="服务器地址", head_name="赵六"),  # newer: rebase
        _household(2, 7, address="更旧的副本"),  # older than local: ignored
        Row(
            entity="household",
            id=HID.format(3),
            grid_code=GRID,
            version=21,
            deleted=True,
            fields={},
        ),
        Row(
            entity="household",
            id=HID.format(4),
            grid_code=GRID,
            version=22,
            deleted=True,
            fields={"household_no": "0004", "address": "x"},
        ),
        *(_household(n, 30 + n) for n in range(10, 20)),
        *(_resident(n, 40 + n) for n in range(10, 20)),
    ]
    one_by_one, bulk = _both_ways(ws, profile_dir, page, _snapshot)
    assert bulk == one_by_one
    households = {h["id"]: h for h in bulk["household"]}
    assert households[HID.format(1)]["address"] == "本机改的地址"  # the unsent edit stays
    assert households[HID.format(1)]["head_name"] == "赵六"
    assert households[HID.format(1)]["version"] == 20
    assert households[HID.format(2)]["address"] == "旧地址2"
    assert HID.format(3) not in households and HID.format(4) not in households
    assert len(bulk["resident"]) == 10
    assert {r["grid_code"] for r in bulk["resident"]} == {GRID2}


def test_settle_applied_matches_apply_outcome(ws: Workspace, profile_dir: Path) -> None:
    """Proves settling `applied` outcomes in bulk removes the entries and raises each
    record's version exactly as apply_outcome does, never lowering a newer version."""
    with ws.write() as s:
        for n in range(1, 6):
            s.add(HouseholdRow(id=HID.format(n), grid_code=GRID, household_no=f"{n:04d}",
                               address=f"地址{n}", version=0, deleted=False))  # fmt: skip
    with ws.write() as s, without_capture(s):
        s.get(HouseholdRow, HID.format(5)).version = 99  # type: ignore[union-attr]
    twin = _twin(ws, profile_dir)
    first = open_workspace(profile_dir, PASSPHRASE)
    try:
        for target in (first, twin):
            with target.read() as s:
                entries = [(e.mutation_id, e.record_id) for e in s.scalars(select(OutboxEntry))]
            assert len(entries) == 5
            outcomes = [
                MutationOutcome(mutation_id=m, status="applied", version=10 + i)
                for i, (m, _rid) in enumerate(entries)
            ]
            with target.write() as s, without_capture(s):
                if target is first:
                    for outcome in outcomes:
                        entry = s.get(OutboxEntry, outcome.mutation_id)
                        assert entry is not None
                        apply.apply_outcome(s, entry, outcome, "wang.wei")
                else:
                    apply.settle_applied(
                        s,
                        [
                            (o.mutation_id, "household", rid, o.version)
                            for o, (_m, rid) in zip(outcomes, entries, strict=True)
                        ],
                    )
        one_by_one, bulk = _snapshot(first), _snapshot(twin)
        with twin.read() as s:
            assert s.scalars(select(OutboxEntry)).all() == []
    finally:
        first.close()
        twin.close()
    assert bulk == one_by_one
    versions = sorted(h["version"] for h in bulk["household"])
    assert 99 in versions and 0 not in versions


def test_settle_applied_reports_what_own_held_reads_back(ws: Workspace) -> None:
    """Proves the versions `settle_applied` says the records now hold are the ones
    `own.held` reads back after it (what the old settle sent to the own ranges): every
    record present, one already newer, one settled twice (its last version), and, with a
    record gone from the profile, the present ones only."""
    with ws.write() as s:
        for n in range(1, 5):
            s.add(HouseholdRow(id=HID.format(n), grid_code=GRID, household_no=f"{n:04d}",
                               address=f"地址{n}", version=0, deleted=False))  # fmt: skip
    with ws.write() as s, without_capture(s):
        s.get_one(HouseholdRow, HID.format(4)).version = 99
    with ws.read() as s:
        ids = [e.mutation_id for e in s.scalars(select(OutboxEntry))]
    present = [(m, "household", HID.format(n), 10 + n) for n, m in enumerate(ids, start=1)]
    twice = [(ids[0], "household", HID.format(1), 30)]
    gone = [(ids[1], "household", HID.format(77), 40)]
    for settled in (present + twice, present + gone):
        with ws.write() as s, without_capture(s):
            s.execute(
                OutboxEntry.__table__.update().values(status="sending")  # type: ignore[attr-defined]
            )
            s.execute(HouseholdRow.__table__.update().values(version=0).where(  # type: ignore[attr-defined]
                HouseholdRow.id != HID.format(4)))  # fmt: skip
            held = apply.settle_applied(s, settled)
            read = own.held(s, [(e, rid, v) for _m, e, rid, v in settled])
            assert sorted(held) == sorted(read)
            s.rollback()
    assert sorted(read) == [11, 12, 13, 14]  # the gone record's version is not held


def test_resident_values_survive_the_driver_level_insert(ws: Workspace) -> None:
    """Proves the driver-level insert stores values in the ORM's own column format: an
    enum read back is the enum, a date is a date, timestamps carry their time zone."""
    with ws.write() as s, without_capture(s):
        apply.apply_rows(s, [_household(1, 3), _resident(1, 4)])
    with ws.read() as s:
        person = s.get(ResidentRow, HID.format(51))
        assert person is not None
        assert person.gender is not None and person.gender.value == "2"
        assert person.birth_date is not None and person.birth_date.isoformat() == "1980-01-02"
        assert person.created_at.tzinfo is not None
        assert person.version == 4 and person.deleted is False
        assert s.scalars(select(OutboxEntry)).all() == []  # pulled rows queue nothing


def _sample(column: Any, n: int) -> Any:
    """A wire value for `column` of each kind the columns have (text, codes, times with an
    offset, dates, numbers, flags, JSON)."""
    from gridworker.storage.types import EnumCode, ISODate, JSONText, UTCDateTime

    ctype = column.type
    if isinstance(ctype, EnumCode):
        return list(ctype.enum_cls)[n % len(ctype.enum_cls)].value
    if isinstance(ctype, UTCDateTime):
        return f"2026-03-0{n % 9 + 1}T05:06:07.12345{n % 10}+08:00"
    if isinstance(ctype, ISODate):
        return f"2026-03-0{n % 9 + 1}"
    if isinstance(ctype, JSONText):
        return {"b": [n, "二"], "a": None}
    python_type = ctype.python_type
    if python_type is bool:
        return n % 2 == 0
    if python_type is int:
        return n + 3
    if python_type is float:
        return n + 0.25
    return f"文本{n}"


def test_new_records_reach_the_driver_in_the_orm_stored_form(
    ws: Workspace, profile_dir: Path
) -> None:
    """Proves a page's new records, inserted at the driver with each column's own bind
    processor (`storage/bulk.py`), are stored byte for byte as the ORM stores them, for every
    synced entity and every column kind, including empty text and nulls, with a record whose
    fields come in another order in the same page."""
    page: list[Row] = []
    for number, (entity, model) in enumerate(sorted(SYNC_MODELS.items())):
        for n in range(3):
            fields = {
                c.key: _sample(c, n)
                for c in model.__table__.columns
                if c.key not in ("id", "version", "deleted", "created_at", "updated_at")
            }
            if n == 1:
                fields = dict(reversed(list(fields.items())))  # another key order
                optional = [c.key for c in model.__table__.columns if c.nullable]
                for key in optional[:2]:
                    fields[key] = "" if len(fields) % 2 else None
            grid = fields.pop("grid_code", GRID)
            page.append(
                Row(
                    entity=entity,
                    id=HID.format(10 * number + n),
                    grid_code=grid,
                    version=100 + 3 * number + n,
                    fields=fields,
                )
            )
    orm, bulk = _both_ways(ws, profile_dir, page, _stored)
    assert bulk == orm
    assert sum(len(rows) for rows in bulk.values()) == len(page)


def _stored(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced row as the driver returns it (the stored text), without the local
    timestamps."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with ws.read() as s:
        conn = s.connection()
        quote = conn.dialect.identifier_preparer
        for entity, model in SYNC_MODELS.items():
            table = model.__table__
            names = [
                quote.format_column(c)
                for c in table.columns
                if c.key not in ("created_at", "updated_at")
            ]
            sql = f"SELECT {', '.join(names)} FROM {quote.format_table(table)} ORDER BY id"
            out[entity] = [tuple(r) for r in conn.exec_driver_sql(sql)]
    return out
