"""A flat's building must be there (docs/design.md §12.1, server/authz.py MUST_EXIST): a
flat pushed naming a building that does not exist, is deleted or lies outside the
caller's scope is refused with one answer (the same code and words, and an audit row
either way) and nothing is stored; a building and its flat in one push go in, in that
order only; two laptops that made the same building offline (its natural-key id) each
keep their flat. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server.core.db import transaction
from gridworker.server.models import Audit, Record
from tests.server.conftest import GRID_A, GRID_B
from tests.server.test_push import Laptop, new_id

ZH = "房屋所属的楼栋不存在、已被删除，或不在您的管辖范围内：服务器没有接受这套房屋"


def building(grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    return {"id": new_id(), "grid_code": grid, "deleted": False, "estate_name": "凤凰小区",
            "building_no": "3栋", **fields}  # fmt: skip


def flat(building_id: str | None, grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    return {"id": new_id(), "grid_code": grid, "deleted": False, "building_id": building_id,
            "unit": "1", "number": "1502", **fields}  # fmt: skip


def _stored(app: Any, entity: str, record_id: str) -> Record | None:
    with transaction(app.state.sessions, write=False) as s:
        return s.get(Record, (entity, record_id))


def test_a_flat_whose_building_is_missing_deleted_or_not_yours_is_refused_alike(
    client: TestClient, app: Any
) -> None:
    """Proves the three refusals are one answer (status, code and reason equal), each
    audited as a probe, and that nothing of the refused flats is stored; a flat without a
    building and one naming a live building of the grid are taken."""
    a, b = Laptop(client, "worker.a"), Laptop(client, "worker.b")
    gone = building()
    assert a.create("building", gone)["status"] == "applied"
    version = _stored(app, "building", gone["id"]).version  # type: ignore[union-attr]
    assert a.delete("building", gone["id"], base=version)["status"] == "applied"
    theirs = building(GRID_B, building_no="9栋")
    assert b.create("building", theirs, grid=GRID_B)["status"] == "applied"

    probes = [flat(new_id()), flat(gone["id"]), flat(theirs["id"])]
    answers = [a.create("house", p) for p in probes]
    assert {(o["status"], o["code"], o["reason"]) for o in answers} == {
        ("rejected", "out_of_scope", ZH)
    }
    for p in probes:
        assert _stored(app, "house", p["id"]) is None
    with transaction(app.state.sessions, write=False) as s:
        audited = [
            (row.record_id, row.detail["why"], row.detail["existed"])
            for row in s.scalars(select(Audit).where(Audit.action == "push_unreachable"))
        ]
    assert audited == [
        (probes[0]["building_id"], "missing", False),
        (gone["id"], "deleted", True),
        (theirs["id"], "reference", True),
    ]

    live = building(building_no="5栋")
    assert a.create("building", live)["status"] == "applied"
    assert a.create("house", flat(live["id"]))["status"] == "applied"
    assert a.create("house", flat(None, number="101"))["status"] == "applied"
    # An update that names another building is checked too.
    kept = flat(live["id"], number="1602")
    assert a.create("house", kept)["status"] == "applied"
    base = _stored(app, "house", kept["id"]).version  # type: ignore[union-attr]
    moved = a.update("house", kept["id"], {"building_id": gone["id"]}, base=base)
    assert (moved["status"], moved["reason"]) == ("rejected", ZH)
    stored = _stored(app, "house", kept["id"])
    assert stored is not None and stored.data["building_id"] == live["id"]


def test_a_building_and_its_flat_in_one_push_and_the_same_building_from_two_laptops(
    client: TestClient, app: Any
) -> None:
    """Proves a push of a building then its flat applies both; a flat sent before its
    building in one push is refused while the building is taken; the building a second
    laptop made offline with the same natural-key id merges and its flat is taken."""
    a = Laptop(client, "worker.a")
    b1 = building()
    f1 = flat(b1["id"])
    outcomes = a.push(
        a.mutation("create", "building", b1["id"], b1), a.mutation("create", "house", f1["id"], f1)
    )
    assert [o["status"] for o in outcomes] == ["applied", "applied"]

    b2 = building(building_no="7栋")
    early = flat(b2["id"])
    outcomes = a.push(
        a.mutation("create", "house", early["id"], early),
        a.mutation("create", "building", b2["id"], b2),
    )
    assert [(o["status"], o.get("reason")) for o in outcomes] == [
        ("rejected", ZH), ("applied", None)
    ]  # fmt: skip

    other = Laptop(client, "worker.a")  # a second laptop of the grid, offline meanwhile
    same = {**b1, "property_company": "萍乡市安居物业"}  # the same id: grid + 小区 + 楼栋号
    f2 = flat(b1["id"], number="1501")
    outcomes = other.push(
        other.mutation("create", "building", same["id"], same),
        other.mutation("create", "house", f2["id"], f2),
    )
    assert outcomes[0]["status"] in ("applied", "merged")
    assert outcomes[1]["status"] == "applied"
    stored = _stored(app, "building", b1["id"])
    assert stored is not None and stored.data["property_company"] == "萍乡市安居物业"
