"""References changed by update, against a real server process: moving one's own file onto
another grid's case by sending only the new owner id is refused like a create naming it."""

from __future__ import annotations

from sqlalchemy import select

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Department, Record
from tests.reliability.attack import GRID_A, GRID_B, AttackServer, sign_in
from tests.reliability.records import family
from tests.server.test_push import action_payload


def _stored(db_url: str, entity: str, record_id: str) -> Record:
    engine = make_engine(db_url)
    try:
        with transaction(session_factory(engine), write=False) as s:
            record = s.get(Record, (entity, record_id))
            assert record is not None
            s.expunge(record)
            return record
    finally:
        engine.dispose()


def _department(db_url: str) -> str:
    engine = make_engine(db_url)
    try:
        with transaction(session_factory(engine), write=False) as s:
            return str(s.scalars(select(Department.id)).one())
    finally:
        engine.dispose()


def test_an_attachment_cannot_be_moved_onto_another_grids_case_by_update(
    attack_server: AttackServer,
) -> None:
    """Proves a grid-A worker who updates only the owner id of its own photo to a grid-B case
    dispatched to 城管局 is refused with the out-of-scope answer (it was applied, and the
    photo took that case's department, so the department received the worker's file), and
    the photo stays on its case with no department."""
    b, a = sign_in(attack_server, "worker.b"), sign_in(attack_server, "worker.a")
    grid_b, grid_a = family(GRID_B), family(GRID_A)
    for account, records in ((b, grid_b), (a, grid_a)):
        outcomes = account.push(*(account.mutation("create", e, r) for e, r in records.items()))
        assert all(o["status"] == "applied" for o in outcomes), outcomes
    case = grid_b["case"]
    sup = sign_in(attack_server, "sup.street")
    steps = (
        (b, "report", "worker.b", "grid_worker", {}),
        (sup, "accept", "sup.street", "supervisor", {}),
        (
            sup,
            "dispatch",
            "sup.street",
            "supervisor",
            {"department_id": _department(attack_server.db_url)},
        ),
    )
    for account, action, actor, role, extra in steps:
        [out] = account.push(
            account.mutation(
                "command", "case_action", action_payload(case, action, actor, role, **extra)
            )
        )
        assert out["status"] == "applied", out
    photo = grid_a["attachment"]
    [out] = a.push(
        a.mutation("update", "attachment", {"id": photo["id"], "owner_id": case["id"]}, base=1)
    )
    assert (out["status"], out["code"]) == ("rejected", "out_of_scope"), out
    stored = _stored(attack_server.db_url, "attachment", photo["id"])
    assert stored.data["owner_id"] == grid_a["case"]["id"]
    assert stored.department_id is None
    # Moving it to another case of its own grid still works.
    other = dict(family(GRID_A)["case"])
    assert a.create("case", other)["status"] == "applied"
    [out] = a.push(
        a.mutation(
            "update",
            "attachment",
            {"id": photo["id"], "owner_id": other["id"]},
            base=stored.version,
        )
    )
    assert out["status"] == "applied", out
