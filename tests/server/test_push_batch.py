"""A push batch applied in one shared savepoint with sequence numbers from memory
(issue 8), on SQLite and PostgreSQL: the same outcomes, numbers and log as one
savepoint and one counter update per mutation."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.server.core.db import transaction
from gridworker.server.models import MutationLog, Record
from tests.server.conftest import GRID_B
from tests.server.test_push import Laptop, count, household, seq_now, stored


def test_a_batch_takes_consecutive_numbers_and_stores_the_counter(
    app: FastAPI, client: TestClient
) -> None:
    """Proves the records of one batch get increasing versions in batch order, the
    counter afterwards equals the highest one (so a pull sees every record), a rejected
    mutation in the middle changes nothing, and the next batch numbers on from there."""
    worker = Laptop(client, "worker.a")
    before = seq_now(app)
    good = [household(household_no=f"{n:04d}") for n in range(6)]
    bad = household(household_no="")  # invalid: rejected in its own savepoint
    mutations = [worker.mutation("create", "household", h["id"], h) for h in good[:3]]
    mutations.append(worker.mutation("create", "household", bad["id"], bad))
    mutations += [worker.mutation("create", "household", h["id"], h) for h in good[3:]]
    outcomes = worker.push(*mutations)
    assert [o["status"] for o in outcomes] == ["applied"] * 3 + ["rejected"] + ["applied"] * 3
    versions = [o["version"] for o in outcomes if o["status"] == "applied"]
    assert versions == sorted(versions) and len(set(versions)) == 6
    assert versions[0] > before
    assert seq_now(app) == max(versions)
    assert stored(app, "household", bad["id"]) is None
    for h, version in zip(good, versions, strict=True):
        record = stored(app, "household", h["id"])
        assert record is not None and record.version == version
        stamp = [version, "worker.a", worker.device_id]
        assert all(list(meta)[:3] == stamp for meta in record.field_meta.values())
    after = household(household_no="0099")
    (outcome,) = worker.push(worker.mutation("create", "household", after["id"], after))
    assert outcome["version"] == seq_now(app) and outcome["version"] > max(versions)
    assert count(app, MutationLog) == 8


def test_a_repeated_id_within_a_batch_replays_the_first_outcome(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a mutation sent twice in the same batch (a resend glued to the original) is
    applied once: the second copy gets the first one's outcome, one record and one log
    row exist, and a rejection before it (out of scope) does not disturb either."""
    worker = Laptop(client, "worker.a")
    h, outside = household(), household(GRID_B)
    first = worker.mutation("create", "household", h["id"], h)
    stray = worker.mutation("create", "household", outside["id"], outside, grid=GRID_B)
    outcomes = worker.push(stray, first, dict(first))
    assert [o["status"] for o in outcomes] == ["rejected", "applied", "applied"]
    assert outcomes[1] == outcomes[2]
    with transaction(app.state.sessions, write=False) as s:
        logged = s.scalars(select(MutationLog.mutation_id)).all()
        records = s.scalars(select(Record.id).where(Record.entity == "household")).all()
    assert sorted(logged) == sorted({stray["mutation_id"], first["mutation_id"]})
    assert records == [h["id"]]


def test_a_repeated_id_is_not_applied_again_and_the_next_mutation_keeps_its_outcome(
    app: FastAPI, client: TestClient
) -> None:
    """Proves a mutation sent twice in a batch, followed by another, is applied once: the
    copy gets the first one's outcome, the next mutation its own (it was given the
    copy's, and logged with it, when the copy was applied a second time)."""
    worker = Laptop(client, "worker.a")
    first_h, next_h = household(), household()
    first = worker.mutation("create", "household", first_h["id"], first_h)
    following = worker.mutation("create", "household", next_h["id"], next_h)
    outcomes = worker.push(first, dict(first), following)
    assert [o["mutation_id"] for o in outcomes] == [first["mutation_id"]] * 2 + [
        following["mutation_id"]
    ]
    assert outcomes[0] == outcomes[1] and outcomes[2]["status"] == "applied"
    record = stored(app, "household", next_h["id"])
    assert record is not None and record.version == outcomes[2]["version"]
    with transaction(app.state.sessions, write=False) as s:
        logged = {log.mutation_id: log.outcome for log in s.scalars(select(MutationLog))}
    assert logged == {first["mutation_id"]: outcomes[0], following["mutation_id"]: outcomes[2]}
    (replayed,) = worker.push(following)
    assert replayed == outcomes[2]
