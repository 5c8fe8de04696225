"""Push: idempotency, field-level merge, scope and savepoints, on SQLite and PostgreSQL.

The helpers at the top (a Laptop that signs in and pushes, record payloads as the
client's outbox builds them) are shared by test_commands.py and test_conflicts.py.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from gridworker import protocol
from gridworker.domain import ids
from gridworker.server import meta
from gridworker.server.core.db import transaction
from gridworker.server.models import Audit, Conflict, Move, MutationLog, Record
from gridworker.server.sequence import current_seq
from tests.server.conftest import GRID_A, GRID_B, login


class Laptop:
    """A signed-in device that numbers its mutations like the client's outbox."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = client
        self.username = username
        self.device_id = f"dev-{username}-{uuid.uuid4().hex[:8]}"
        self.headers = login(client, username, self.device_id)
        self.next_id = 1

    def mutation(
        self,
        op: str,
        entity: str,
        record_id: str,
        payload: dict[str, Any],
        *,
        grid: str = GRID_A,
        base: int = 0,
        mutation_id: int | None = None,
    ) -> dict[str, Any]:
        if mutation_id is None:
            mutation_id = self.next_id
            self.next_id += 1
        return {
            "mutation_id": mutation_id,
            "op": op,
            "entity": entity,
            "record_id": record_id,
            "grid_code": grid,
            "base_version": base,
            "schema_version": 1,
            "payload": payload,
        }

    def send(self, *mutations: dict[str, Any], epoch: str | None = None) -> Any:
        body: dict[str, Any] = {"device_id": self.device_id, "mutations": list(mutations)}
        if epoch is not None:
            body["epoch"] = epoch
        return self.client.post("/api/v1/sync/push", json=body, headers=self.headers)

    def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        """Push and return the outcomes (the push itself must succeed)."""
        response = self.send(*mutations)
        assert response.status_code == 200, response.text
        outcomes: list[dict[str, Any]] = response.json()["outcomes"]
        return outcomes

    def one(self, mutation: dict[str, Any]) -> dict[str, Any]:
        return self.push(mutation)[0]

    # record-level shortcuts, shaped as storage/outbox.py builds them
    def create(self, entity: str, payload: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return self.one(self.mutation("create", entity, payload["id"], payload, **kw))

    def update(
        self, entity: str, record_id: str, fields: dict[str, Any], base: int, **kw: Any
    ) -> dict[str, Any]:
        return self.one(self.mutation("update", entity, record_id, fields, base=base, **kw))

    def delete(self, entity: str, record_id: str, base: int, **kw: Any) -> dict[str, Any]:
        return self.one(
            self.mutation("delete", entity, record_id, {"deleted": True}, base=base, **kw)
        )


def new_id() -> str:
    return str(uuid.uuid4())


def household(grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    """A household with a random id; its own 户号 (one live household per grid and 户号,
    server/natural_keys.py), which a random id holds as a moved-in household would."""
    record_id = new_id()
    record = {
        "id": record_id,
        "grid_code": grid,
        "deleted": False,
        "household_no": f"0101-{record_id[:8]}",
        "address": "城南路1号1栋101",
        "house_id": None,
        "head_name": "张三",
        "economic_status": None,
        "residence_type": None,
        "phone": "13800138000",
        "note": None,
    }
    record.update(fields)
    return record


def case_payload(grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    record = {
        "id": new_id(),
        "grid_code": grid,
        "deleted": False,
        "title": "楼道堆放杂物",
        "description": None,
        "category": "hazard",
        "subcategory": None,
        "hotline_type": None,
        "urgency": "normal",
        "scale": None,
        "source": "grid_worker",
        "address": None,
        "lat": None,
        "lon": None,
        "reporter": "worker.a",
        "confidential": False,
        "state": "draft",
        "reported_at": None,
        "deadline_at": None,
        "department_id": None,
        "escalated": False,
        "extension_pending": False,
        "suspended_at": None,
        "suspended_seconds": 0,
        "need_id": None,
    }
    record.update(fields)
    return record


def resident(household_id: str, grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    record = {
        "id": new_id(),
        "grid_code": grid,
        "deleted": False,
        "household_id": household_id,
        "name": "李四",
    }
    record.update(fields)
    return record


def tag_payload(resident_id: str, tag: str, grid: str = GRID_A, **fields: Any) -> dict[str, Any]:
    """A resident tag under the id its resident and tag derive (the unkeyed one, which the
    server accepts from a profile without the special-group key)."""
    record = {
        "id": ids.unkeyed_resident_tag_id(resident_id, tag),
        "grid_code": grid,
        "deleted": False,
        "resident_id": resident_id,
        "tag": tag,
    }
    record.update(fields)
    return record


def registered(laptop: Laptop, grid: str = GRID_A) -> tuple[str, str]:
    """A household with one resident in `grid`, pushed by `laptop`: (household id, resident id)."""
    h = household(grid, household_no=uuid.uuid4().hex[:6])
    r = resident(h["id"], grid)
    for entity, payload in (("household", h), ("resident", r)):
        assert laptop.create(entity, payload, grid=grid)["status"] == "applied"
    return h["id"], r["id"]


def action_payload(
    case: dict[str, Any], action: str, actor: str, role: str, **fields: Any
) -> dict[str, Any]:
    record = {
        "id": new_id(),
        "grid_code": case["grid_code"],
        "deleted": False,
        "case_id": case["id"],
        "action": action,
        "actor": actor,
        "actor_role": role,
        "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "note": None,
        "department_id": None,
        "new_deadline": None,
        "from_state": None,
        "to_state": None,
        "rejected": False,
        "reject_code": None,
    }
    record.update(fields)
    return record


def stored(app: FastAPI, entity: str, record_id: str) -> Record | None:
    with transaction(app.state.sessions, write=False) as s:
        return s.get(Record, (entity, record_id))


def seq_now(app: FastAPI) -> int:
    with transaction(app.state.sessions, write=False) as s:
        return current_seq(s)


def count(app: FastAPI, model: type[Any]) -> int:
    with transaction(app.state.sessions, write=False) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


# --- idempotency -----------------------------------------------------------------------


def test_payload_hash_is_pinned() -> None:
    """Proves the mutation's digest (kept in the mutation log, compared with each replay) is
    the same as the one every earlier version stored: a push logged before an upgrade and
    replayed after it is still recognised, not refused as a cloned client."""
    from gridworker.server.push import payload_hash

    edit = protocol.Mutation(
        mutation_id=7,
        op="update",
        entity="resident",
        record_id="r-1",
        grid_code="360302001001001",
        base_version=3,
        schema_version=2,
        payload={
            "name": "张秀英",
            "floors": 6,
            "lat": 28.5,
            "note": 'a\nb"c',
            "tags": ["x", None, True],
            "nested": {"b": 1, "a": [1.0, -0.0]},
        },
    )
    create = protocol.Mutation(
        mutation_id=8,
        op="create",
        entity="household",
        record_id="h-1",
        grid_code="360302001001001",
        base_version=0,
        schema_version=2,
        payload={},
        full_state=True,
    )
    # Computed with the code before this change (model_dump(mode="json")).
    assert payload_hash(edit) == "af0fe1aa49d12d9c9ff7eae52002037955d9444d2d905f328b3fd1e69936a23a"
    assert (
        payload_hash(create) == "1e6ec0555d99949d9b4f98eb0be5648f7221d1c02e62b5b7165e753056f7dcb3"
    )
    # NaN and ±Infinity, which the request's JSON parser accepts: null, as before.
    odd = protocol.Mutation.model_validate(
        json.loads(
            '{"mutation_id": 9, "op": "update", "entity": "building", "record_id": "b-1",'
            ' "grid_code": "360302001001001", "base_version": 1, "schema_version": 2,'
            ' "payload": {"built_area": NaN, "x": [Infinity, 1e400]}}'
        )
    )
    assert payload_hash(odd) == "ac63c1734134a3ed67cc6c6152d7ed8ceea64c3909a99f212466c07f9376ab8a"
    assert set(protocol.Mutation.model_fields) == {
        "mutation_id",
        "op",
        "entity",
        "record_id",
        "grid_code",
        "base_version",
        "schema_version",
        "payload",
        "full_state",
        "bases",
        "restored_version",
        "seen",
    }  # a new field must be added to payload_hash too (or say why it is not)
    # The newer keys count only when set: a mutation with them has a digest of its own.
    coalesced = edit.model_copy(update={"bases": {"note": 7}})
    restored = create.model_copy(update={"restored_version": 12})
    assert len({payload_hash(m) for m in (edit, coalesced, create, restored)}) == 4
    # `seen` never counts: an entry frozen and sent before the upgrade, re-sent with the
    # values its user saw, is the same change (a replay, not a clone).
    assert payload_hash(edit.model_copy(update={"seen": {"note": "x"}})) == payload_hash(edit)
    assert payload_hash(odd.model_copy(update={"seen": {"x": 1}})) == payload_hash(odd)


def test_replayed_push_changes_nothing(app: FastAPI, client: TestClient) -> None:
    """Proves a replayed batch returns the recorded outcomes and takes no new sequence
    number: the record keeps its version and nothing new is logged."""
    laptop = Laptop(client, "worker.a")
    h = household()
    batch = [
        laptop.mutation("create", "household", h["id"], h),
        laptop.mutation("update", "household", h["id"], {"phone": "13900139000"}, base=0),
    ]
    first = laptop.push(*batch)
    assert [o["status"] for o in first] == ["applied", "applied"]
    version, seq, logs = (
        stored(app, "household", h["id"]).version,
        seq_now(app),
        count(app, MutationLog),
    )
    again = laptop.push(*batch)
    assert again == first
    assert stored(app, "household", h["id"]).version == version
    assert seq_now(app) == seq and count(app, MutationLog) == logs


def test_replay_with_other_payload_is_client_cloned(app: FastAPI, client: TestClient) -> None:
    """Proves a logged mutation id arriving with another payload refuses the whole push
    with 409 client_cloned (the batch's new mutations are not applied), and so does an
    id at or below the device's last one that the log no longer holds (purged); gaps in
    the ids are fine."""
    laptop = Laptop(client, "worker.a")
    h = household()
    laptop.push(laptop.mutation("create", "household", h["id"], h, mutation_id=5))
    other = household()
    r = laptop.send(
        laptop.mutation("create", "household", other["id"], other, mutation_id=6),
        laptop.mutation("create", "household", h["id"], {**h, "note": "改过"}, mutation_id=5),
    )
    assert r.status_code == 409 and r.json()["code"] == "client_cloned"
    assert stored(app, "household", other["id"]) is None
    with transaction(app.state.sessions) as s:
        s.execute(delete(MutationLog))
    r = laptop.send(laptop.mutation("update", "household", h["id"], {"note": "x"}, mutation_id=3))
    assert r.status_code == 409 and r.json()["code"] == "client_cloned"
    ok = laptop.one(laptop.mutation("update", "household", h["id"], {"note": "x"}, mutation_id=9))
    assert ok["status"] == "applied"


def test_batch_level_refusals(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves another device's id → 403 forbidden, a stale epoch → 412 epoch_changed with
    the high-water mark and epoch, and an old schema → 426 client_too_old, each applying
    nothing."""
    laptop = Laptop(client, "worker.a")
    h = household()
    m = laptop.mutation("create", "household", h["id"], h)
    seq = seq_now(app)
    r = client.post(
        "/api/v1/sync/push",
        json={"device_id": "dev-someone-else", "mutations": [m]},
        headers=laptop.headers,
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    with transaction(app.state.sessions) as s:
        meta.put(s, meta.RESTORED_HIGH_WATER, 41)
        epoch = meta.get_epoch(s)
    r = laptop.send(m, epoch="an-older-epoch")
    assert r.status_code == 412
    assert r.json() | {"message": ""} == {
        "code": "epoch_changed",
        "message": "",
        "high_water": 41,
        "epoch": epoch,
    }
    monkeypatch.setattr(protocol, "OLDEST_SCHEMA_ACCEPTED", 2)
    r = laptop.send(m, epoch=epoch)
    assert r.status_code == 426 and r.json()["code"] == "client_too_old"
    assert stored(app, "household", h["id"]) is None and seq_now(app) == seq


# --- the merge table -------------------------------------------------------------------


def _shared_household(client: TestClient) -> tuple[Laptop, Laptop, dict[str, Any], int]:
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    h = household()
    version = worker.create("household", h)["version"]
    return worker, sup, h, version


def test_one_side_changed_is_applied(app: FastAPI, client: TestClient) -> None:
    """Proves an update with nothing else changed since its base is `applied` with a new
    version, field_meta records its sequence number, author and device, and the author's
    own later edit from the same base is no conflict."""
    worker, _sup, h, v0 = _shared_household(client)
    out = worker.update("household", h["id"], {"phone": "13900139000"}, base=v0)
    assert out["status"] == "applied" and out["version"] > v0 and out["record"] is None
    record = stored(app, "household", h["id"])
    assert record.data["phone"] == "13900139000"
    assert record.field_meta["phone"][:3] == [out["version"], "worker.a", worker.device_id]
    assert record.field_meta["address"][:3] == [v0, "worker.a", worker.device_id]
    # ... and when the change reached the server (a conflict says when each side was made).
    assert abs(record.field_meta["phone"][3] - time.time()) < 120
    # A second edit by the same person from the old base: never news to its author.
    again = worker.update("household", h["id"], {"phone": "13700137000"}, base=v0)
    assert again["status"] == "applied"
    assert stored(app, "household", h["id"]).data["phone"] == "13700137000"


def test_both_changed_to_the_same_value_is_no_conflict(app: FastAPI, client: TestClient) -> None:
    """Proves two people setting a field to the same value from the same base do not
    conflict, and the second takes no new version."""
    worker, sup, h, v0 = _shared_household(client)
    first = sup.update("household", h["id"], {"phone": "13900139000"}, base=v0)
    second = worker.update("household", h["id"], {"phone": "13900139000"}, base=v0)
    assert second["status"] == "applied" and second["version"] == first["version"]
    assert count(app, Conflict) == 0


def test_both_changed_to_different_values_is_a_conflict(app: FastAPI, client: TestClient) -> None:
    """Proves differing edits of one field from the same base make a field conflict that
    holds the server value and author and the incoming value and author, while the
    server value stays as the provisional winner."""
    worker, sup, h, v0 = _shared_household(client)
    sup.update("household", h["id"], {"phone": "13900139000"}, base=v0)
    out = worker.update("household", h["id"], {"phone": "13700137000"}, base=v0)
    assert out["status"] == "conflict" and out["conflict_id"]
    assert out["record"]["phone"] == "13900139000"
    assert stored(app, "household", h["id"]).data["phone"] == "13900139000"
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.get(Conflict, out["conflict_id"])
        assert conflict.kind == "field" and conflict.created_by == "worker.a"
        [field] = conflict.fields
        # Each side also says which laptop made it and when (the conflict shows it).
        assert {k: v for k, v in field.items() if not k.endswith(("_device", "_at", "_name"))} == {
            "field": "phone",
            "base": None,
            "server": "13900139000",
            "server_author": "sup.street",
            "incoming": "13700137000",
            "incoming_author": "worker.a",
        }
        assert field["server_device"] == sup.device_id
        assert field["incoming_device"] == worker.device_id
        assert field["server_at"] and field["incoming_at"]


def test_different_fields_by_two_people_merge(app: FastAPI, client: TestClient) -> None:
    """Proves edits of different fields of one record by two people both apply: the
    second is `merged` and gets the resulting values, with no conflict."""
    worker, sup, h, v0 = _shared_household(client)
    sup.update("household", h["id"], {"note": "低保复核中"}, base=v0)
    out = worker.update("household", h["id"], {"phone": "13700137000"}, base=v0)
    assert out["status"] == "merged" and out["conflict_id"] is None
    assert out["record"]["note"] == "低保复核中" and out["record"]["phone"] == "13700137000"
    assert out["record"]["id"] == h["id"] and out["record"]["grid_code"] == GRID_A
    assert count(app, Conflict) == 0


def test_edit_against_delete_is_a_conflict(app: FastAPI, client: TestClient) -> None:
    """Proves an edit of a record someone deleted is a `delete` conflict (not "delete
    wins"): the tombstone stays, and the conflict holds the edit."""
    worker, sup, h, v0 = _shared_household(client)
    assert sup.delete("household", h["id"], base=v0)["status"] == "applied"
    out = worker.update("household", h["id"], {"phone": "13700137000"}, base=v0)
    assert out["status"] == "conflict" and out["record"]["deleted"] is True
    record = stored(app, "household", h["id"])
    assert record.deleted and record.data["phone"] == "13800138000"
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.get(Conflict, out["conflict_id"])
        assert conflict.kind == "delete"
        by_field = {f["field"]: f for f in conflict.fields}
        assert by_field["deleted"]["server"] is True
        assert by_field["deleted"]["server_author"] == "sup.street"
        assert by_field["phone"]["incoming"] == "13700137000"


def test_delete_against_edit_is_a_conflict(app: FastAPI, client: TestClient) -> None:
    """Proves a delete made from a base older than someone else's edit is a `delete`
    conflict that keeps the record alive and shows the edit it would discard."""
    worker, sup, h, v0 = _shared_household(client)
    sup.update("household", h["id"], {"note": "已核实"}, base=v0)
    out = worker.delete("household", h["id"], base=v0)
    assert out["status"] == "conflict" and out["record"]["deleted"] is False
    assert not stored(app, "household", h["id"]).deleted
    with transaction(app.state.sessions, write=False) as s:
        conflict = s.get(Conflict, out["conflict_id"])
        assert conflict.kind == "delete"
        assert [f["field"] for f in conflict.fields] == ["deleted", "note"]
        assert conflict.fields[1]["server_author"] == "sup.street"


def test_update_of_a_missing_record_is_refused(app: FastAPI, client: TestClient) -> None:
    """Proves an update or delete of a record the server does not hold (purged) is refused
    with the answer a record outside the caller's scope gets (docs/design.md §4) and creates
    nothing."""
    worker = Laptop(client, "worker.a")
    missing = new_id()
    out = worker.update("household", missing, {"phone": "13700137000"}, base=3)
    assert out["status"] == "rejected" and out["code"] == "out_of_scope" and out["reason"]
    assert worker.delete("household", missing, base=3)["code"] == "out_of_scope"
    assert stored(app, "household", missing) is None


def test_same_deterministic_record_created_twice(app: FastAPI, client: TestClient) -> None:
    """Proves a create of an id that exists (one roster imported on two laptops) is an
    update from version 0: equal values merge silently, differing ones conflict."""
    _worker, sup, h, v0 = _shared_household(client)
    same = sup.create("household", h)
    assert same["status"] == "applied" and same["version"] == v0
    differing = sup.create("household", {**h, "head_name": "张叁"})
    assert differing["status"] == "conflict"
    assert stored(app, "household", h["id"]).data["head_name"] == "张三"


# --- scope, role and savepoints -----------------------------------------------------------


def test_worker_cannot_push_into_another_grid(app: FastAPI, client: TestClient) -> None:
    """Proves worker.a's create in grid B is rejected out_of_scope with nothing written,
    and so is moving its own household to grid B; a street supervisor may move it, which
    records a Move for the old grid's clients."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    h = household(GRID_B)
    out = worker.create("household", h, grid=GRID_B)
    assert out["status"] == "rejected" and out["code"] == "out_of_scope"
    assert stored(app, "household", h["id"]) is None
    mine = household()
    v0 = worker.create("household", mine)["version"]
    moved = worker.update("household", mine["id"], {"grid_code": GRID_B}, base=v0)
    assert moved["code"] == "out_of_scope"
    assert stored(app, "household", mine["id"]).grid_code == GRID_A
    ok = sup.update("household", mine["id"], {"grid_code": GRID_B}, base=v0)
    assert ok["status"] == "applied" and stored(app, "household", mine["id"]).grid_code == GRID_B
    with transaction(app.state.sessions, write=False) as s:
        # (A random id counts as moved in from its create: a Move row into its own grid.)
        move = s.scalars(select(Move).where(Move.old_grid != Move.new_grid)).one()
        assert (move.seq, move.old_grid, move.new_grid) == (ok["version"], GRID_A, GRID_B)
    # Worker.a no longer covers the record's grid. An edit made before the move (from v0)
    # is handed over as a conflict in grid B (handover.py); one claiming to have seen the
    # record after the move is refused.
    late = worker.update("household", mine["id"], {"note": "x"}, base=v0)
    assert (late["status"], late["code"], late["record"]) == ("conflict", "left_scope", None)
    later = worker.update("household", mine["id"], {"note": "y"}, base=ok["version"])
    assert later["code"] == "out_of_scope"


def test_roles_limit_what_may_be_written(app: FastAPI, client: TestClient) -> None:
    """Proves an adviser cannot write households (forbidden) but may write visits, and a
    department cannot write register records."""
    adviser, dept = Laptop(client, "adviser.a"), Laptop(client, "dept.cg")
    h = household()
    assert adviser.create("household", h)["code"] == "forbidden"
    assert Laptop(client, "worker.a").create("household", h)["status"] == "applied"
    assert dept.create("household", household())["code"] == "forbidden"
    visit = {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "household_id": h["id"],
        "visitor": "adviser.a",
        "visited_at": "2026-11-27T02:30:00.000000+00:00",
        "mode": "home",
    }
    assert adviser.create("visit", visit)["status"] == "applied"


def test_one_rejected_mutation_does_not_undo_the_others(app: FastAPI, client: TestClient) -> None:
    """Proves each mutation has its own savepoint: in one batch the good creates and
    update stand around an out-of-scope create, an invalid record and a forbidden
    workflow-field update; every mutation id is logged and the push audited by counts."""
    worker = Laptop(client, "worker.a")
    a, b, bad, c = household(), household(GRID_B), household(household_no=""), case_payload()
    outcomes = worker.push(
        worker.mutation("create", "household", a["id"], a),
        worker.mutation("create", "household", b["id"], b, grid=GRID_B),
        worker.mutation("create", "household", bad["id"], bad),
        worker.mutation("create", "case", c["id"], c),
        worker.mutation("update", "case", c["id"], {"state": "closed"}, base=0),
        worker.mutation("update", "household", a["id"], {"note": "ok"}, base=0),
    )
    assert [o["status"] for o in outcomes] == [
        "applied",
        "rejected",
        "rejected",
        "applied",
        "rejected",
        "applied",
    ]
    assert [o["code"] for o in outcomes if o["status"] == "rejected"] == [
        "out_of_scope",
        "validation",
        "validation",
    ]
    assert stored(app, "household", a["id"]).data["note"] == "ok"
    assert stored(app, "household", bad["id"]) is None
    assert stored(app, "case", c["id"]).data["state"] == "draft"
    assert count(app, MutationLog) == 6
    # The push is audited with counts only, never field values.
    with transaction(app.state.sessions, write=False) as s:
        row = s.scalars(select(Audit).where(Audit.action == "push")).one()
    assert row.detail == {"mutations": 6, "applied": 3, "rejected": 3}


def test_case_create_starts_as_draft(app: FastAPI, client: TestClient) -> None:
    """Proves a case created with workflow fields set is stored as a draft with those
    fields cleared (only actions set them), and the outcome sends the truth back."""
    worker = Laptop(client, "worker.a")
    c = case_payload(state="closed", department_id="somewhere", escalated=True)
    out = worker.create("case", c)
    assert out["status"] == "merged" and out["record"]["state"] == "draft"
    record = stored(app, "case", c["id"])
    assert record.data["state"] == "draft" and record.data["department_id"] is None
    assert record.department_id is None and not record.data["escalated"]


def test_restricted_tags_are_flagged_and_guarded(app: FastAPI, client: TestClient) -> None:
    """Proves a special-group tag is stored restricted and a care tag is not, and that a
    supervisor without special access may write the care tag but not the restricted one."""
    worker, sup = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    tags = {}
    _hid, rid = registered(worker)
    for tag in ("community_correction", "living_alone_elderly"):
        payload = tag_payload(rid, tag)
        tags[tag] = (payload["id"], worker.create("resident_tag", payload)["version"])
    restricted_id, v_restricted = tags["community_correction"]
    care_id, v_care = tags["living_alone_elderly"]
    assert stored(app, "resident_tag", restricted_id).restricted
    assert not stored(app, "resident_tag", care_id).restricted
    assert sup.update("resident_tag", care_id, {"note": "x"}, base=v_care)["status"] == "applied"
    denied = sup.update("resident_tag", restricted_id, {"note": "x"}, base=v_restricted)
    assert denied["code"] == "out_of_scope"
    # Turning a care tag into a special-group one is the same write.
    upgraded = sup.update("resident_tag", care_id, {"tag": "drug_user"}, base=v_care)
    assert upgraded["code"] == "out_of_scope"
