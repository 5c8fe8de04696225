"""One live resident per ID number on the server, however a resident comes to hold its
number (server/natural_keys.py, docs/design.md §4.6): a create with an id its number does
not give, a number corrected in place, a restore re-send and a revival; on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.validation import id_check_digit
from gridworker.server import meta
from gridworker.server.core.db import transaction
from gridworker.server.migrate import downgrade, upgrade
from gridworker.server.models import Record, RecordKey
from tests.server.conftest import GRID_A, GRID_B
from tests.server.test_conflicts import resolve
from tests.server.test_push import Laptop, household, new_id, resident

TAKEN = "id_number_taken"


def number(n: int) -> str:
    first17 = f"36030219{70 + n:02d}0202{n:03d}"
    return first17 + id_check_digit(first17)


def derived(app: FastAPI, id_number: str) -> str:
    with transaction(app.state.sessions, write=False) as s:
        return ids.resident_id(bytes.fromhex(meta.get_id_secret(s)), id_number)


def live_with(app: FastAPI, id_number: str) -> list[str]:
    with transaction(app.state.sessions, write=False) as s:
        return sorted(
            r.id
            for r in s.scalars(select(Record).where(Record.entity == "resident"))
            if not r.deleted and r.data.get("id_number") == id_number
        )


def a_household(laptop: Laptop, grid: str = GRID_A) -> str:
    h = household(grid)
    assert laptop.create("household", h, grid=grid)["status"] == "applied"
    return str(h["id"])


def person(app: FastAPI, hid: str, n: int | None, *, grid: str = GRID_A, **kw: Any) -> Any:
    """A resident as the laptop registers one: its id derived from its number, if any."""
    record_id = derived(app, number(n)) if n is not None else new_id()
    return resident(hid, grid, id=record_id, id_number=number(n) if n else None, **kw)


def refused(outcome: dict[str, Any]) -> bool:
    return outcome["status"] == "rejected" and outcome["code"] == TAKEN


def test_a_create_under_another_id_is_checked_both_ways(app: FastAPI, client: TestClient) -> None:
    """Proves a resident created under an id its number does not give is refused when the
    number's own resident lives (in another grid too), and, once accepted, holds the number
    against a later registration of it under the derived id."""
    a, b = Laptop(client, "worker.a"), Laptop(client, "worker.b")
    hid, hid_b = a_household(a), a_household(b, GRID_B)
    native = person(app, hid_b, 1, grid=GRID_B)
    assert b.create("resident", native, grid=GRID_B)["status"] == "applied"
    other_id = {**person(app, hid, 1), "id": new_id()}
    assert refused(a.create("resident", other_id))
    assert live_with(app, number(1)) == [native["id"]]
    # Accepted under another id: its number is then held (a key row), by it alone.
    held = {**person(app, hid, 2), "id": new_id()}
    assert a.create("resident", held)["status"] == "applied"
    assert refused(b.create("resident", person(app, hid_b, 2, grid=GRID_B), grid=GRID_B))
    assert live_with(app, number(2)) == [held["id"]]
    with transaction(app.state.sessions, write=False) as s:
        row = s.scalars(select(RecordKey).where(RecordKey.record_id == held["id"])).one()
        assert row.key_id == derived(app, number(2))  # the HMAC'd id, not the number


def test_a_corrected_number_is_checked_and_held(app: FastAPI, client: TestClient) -> None:
    """Proves an ID number edited in place onto a number another live resident holds is
    refused (nothing written), onto a free one applied and held against a registration,
    and that the number it left is free again; a deleted holder holds nothing."""
    a, a2 = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    hid = a_household(a)
    first, second = person(app, hid, 3), person(app, hid, 4)
    v1 = a.create("resident", first)["version"]
    v2 = a.create("resident", second)["version"]
    onto = a.update("resident", first["id"], {"id_number": number(4)}, base=v1)
    assert refused(onto)
    assert live_with(app, number(3)) == [first["id"]]
    moved = a.update("resident", first["id"], {"id_number": number(5)}, base=v1)
    assert moved["status"] == "applied"
    assert refused(a2.create("resident", person(app, hid, 5)))
    assert live_with(app, number(5)) == [first["id"]]
    # The number it left is free: another resident may be given it in place.
    nameless = person(app, hid, None)
    v0 = a2.create("resident", nameless)["version"]
    given = a2.update("resident", nameless["id"], {"id_number": number(3)}, base=v0)
    assert given["status"] == "applied", given
    assert live_with(app, number(3)) == [nameless["id"]]
    # A deleted holder holds nothing: its number can be given to someone else.
    assert a.delete("resident", second["id"], base=v2)["status"] == "applied"
    fresh = person(app, hid, None)
    v3 = a.create("resident", fresh)["version"]
    given = a.update("resident", fresh["id"], {"id_number": number(4)}, base=v3)
    assert given["status"] == "applied", given
    assert live_with(app, number(4)) == [fresh["id"]]


def test_a_restore_resend_and_a_revival_are_checked(app: FastAPI, client: TestClient) -> None:
    """Proves a restore re-send of a resident the server lacks, carrying a number another
    live resident holds, is refused; and that reviving a deleted resident (a conflict
    resolved by keeping the edit made against its delete) is refused while another
    resident holds its number, the tombstone kept."""
    a, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    hid = a_household(a)
    holder = person(app, hid, 6)
    assert a.create("resident", holder)["status"] == "applied"
    resend = {**person(app, hid, 7), "id_number": number(6)}  # corrected after the backup
    m = a.mutation("create", "resident", resend["id"], resend)
    m.update(full_state=True, restored_version=1)
    assert refused(a.one(m))
    assert live_with(app, number(6)) == [holder["id"]]
    # A resident under another id, deleted; the number then registered under its own id.
    gone = {**person(app, hid, 8), "id": new_id()}
    v = a.create("resident", gone)["version"]
    assert sup.delete("resident", gone["id"], base=v)["status"] == "applied"
    assert a.create("resident", person(app, hid, 8))["status"] == "applied"
    edit = a.update("resident", gone["id"], {"name": "仍在住"}, base=v)
    assert edit["status"] == "conflict"
    r = resolve(client, a, edit["conflict_id"], choice="local")
    assert r.status_code == 422 and "身份证号码" in r.text, r.text
    assert live_with(app, number(8)) == [derived(app, number(8))]


def test_the_migration_backfills_residents_corrected_before_it(
    app: FastAPI, client: TestClient
) -> None:
    """Proves server migration s0006 gives a key row to each resident stored before it
    whose id its number does not give (a number corrected or added in place), and to no
    other, so such a resident holds its number from the upgrade on."""
    a = Laptop(client, "worker.a")
    hid = a_household(a)
    plain = person(app, hid, 9)
    corrected = {**person(app, hid, 10), "id": new_id()}
    for payload in (plain, corrected, person(app, hid, None)):
        assert a.create("resident", payload)["status"] == "applied"
    engine = app.state.sessions.kw["bind"]
    downgrade(engine, "s0005")  # as stored before the revision: no key rows
    upgrade(engine)
    with transaction(app.state.sessions, write=False) as s:
        rows = s.scalars(select(RecordKey)).all()
    assert [(r.record_id, r.key_id) for r in rows] == [(corrected["id"], derived(app, number(10)))]
    assert refused(a.create("resident", person(app, hid, 10)))
