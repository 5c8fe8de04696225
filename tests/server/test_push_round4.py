"""Proves issue 23's round 4 changes nothing a push gives or stores: the same pushes, with
the checks of each create's own fields made before the transaction, the grid-code check
memoised and outcomes built without pydantic, answer and store exactly what they did
with each of those replaced by the old code (server/push.py, docs/performance.md "Issue
23: optimisation round 4"); and the outcome shortcuts equal pydantic's own models. (The
log lookup left out for ids above the device's last is in both runs; the replay and
clone tests of test_push.py and the replays here cover it.)"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from gridworker.domain.validation import validate_grid_code
from gridworker.protocol import ErrorCode, MutationOutcome, PushResponse
from gridworker.server import push
from gridworker.server.core.db import make_engine
from tests.server.conftest import GRID_A, GRID_B, GRID_C, _pg_database
from tests.server.test_bulk_insert import _Frozen, numbered_mutations, push_everything
from tests.server.test_push import household, resident, tag_payload

USER = "sup.street"
TABLES = {
    "record": "entity, id",
    "mutation_log": "device_id, mutation_id",
    "record_move": "seq",
    "conflict": "id",
    "counter": "name",
}


def _as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of round 4's shortcuts replaced by what it stands for."""
    monkeypatch.setattr(push, "_precheck", lambda mutations: {})
    monkeypatch.setattr(push, "_check_grid_code", validate_grid_code)
    monkeypatch.setattr(
        push,
        "applied_outcome",
        lambda mid, version: MutationOutcome(
            mutation_id=mid, status="applied", version=version, record=None
        ),
    )
    monkeypatch.setattr(push, "outcome_json", lambda o: o.model_dump(mode="json"))


def _batches(seed: int) -> list[list[dict[str, Any]]]:
    """Four bodies of one laptop: creates with every kind of own-field fault (an empty or
    over-long 户号, a bad ID number, a wrong grid code, a payload id or grid that is not
    the mutation's), children placed in their parent's grid, out-of-scope creates,
    updates (one moving a record), a delete, a create under an id that exists (an edit
    from nothing), replays inside a body of new mutations, then the first body again."""
    rnd = random.Random(seed)
    mutation = numbered_mutations()

    households = [household(head_name="欧阳" + "伟明芳"[n % 3]) for n in range(30)]
    faults: list[dict[str, Any]] = [
        {"household_no": ""},
        {"household_no": "户" * 200},
        {"grid_code": "12345"},
        {"grid_code": GRID_C},  # out of scope
        {"id": str(uuid.uuid4())},  # not the mutation's record id
        {"head_name": 5},
        {"address": ""},
    ]
    first: list[dict[str, Any]] = []
    for n, h in enumerate(households[:20]):
        if rnd.random() < 0.3:
            base = household()
            bad = {**base, **rnd.choice(faults)}
            record = {"id": base["id"], "grid_code": bad["grid_code"]}
            first.append(mutation("create", "household", bad, record))
        first.append(mutation("create", "household", h))
        if n % 4 == 0:
            first.append(mutation("create", "household", household(grid=GRID_C)))
    residents = []
    for n, h in enumerate(households[:20]):
        # A resident sent in another grid is placed in its household's (status merged).
        grid = GRID_B if n % 5 == 0 else GRID_A
        r = resident(h["id"], grid=grid, name="刘伟明")
        if n % 6 == 1:
            r["id_number"] = "11010519491231002" + "X"  # wrong check digit
        if n % 7 == 2:
            r["name"] = ""
        residents.append(r)
        first.append(mutation("create", "resident", r))
    first += [
        mutation("create", "resident_tag", tag_payload(r["id"], "living_alone_elderly"))
        for r in residents[3:8]
    ]
    second = [mutation("update", "household", {"note": "改过"}, h) for h in households[:3]]
    second.append(mutation("update", "household", {"head_name": ""}, households[4]))
    second.append(mutation("delete", "household", {"deleted": True}, households[5]))
    second.append(mutation("create", "household", dict(households[6])))  # exists: an edit
    second += [mutation("create", "household", h) for h in households[20:]]
    second += first[:4]  # replays inside a body of new mutations
    rnd.shuffle(second)
    third = [mutation("create", "household", household()) for _ in range(3)]
    return [first, second, list(first), third]


def _sqlite_pair(tmp_path: Path) -> Iterator[tuple[str, str]]:
    yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield from _sqlite_pair(tmp_path)
        return
    first = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
    second = _pg_database(f"gw_{uuid.uuid4().hex[:12]}")
    url_a = next(first)
    try:
        url_b = next(second)
        try:
            yield url_a, url_b
        finally:
            next(second, None)
    finally:
        next(first, None)


def _rows(engine: Engine) -> dict[str, list[Any]]:
    """Every row of the compared tables, in key order (PostgreSQL: as it prints them)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            select = "SELECT t::text FROM {} t ORDER BY {}"
        else:
            select = "SELECT * FROM {} ORDER BY {}"
        return {
            table: [tuple(r) for r in conn.execute(text(select.format(table, key)))]
            for table, key in TABLES.items()
        } | {
            # The key ids come from each database's own id secret: the records they name.
            "record_key": list(
                conn.execute(text("SELECT entity, record_id FROM record_key ORDER BY 1, 2"))
            )
        }


@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_pushes_answer_and_store_the_same_with_and_without_round_4(
    db_pair: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Proves pushes full of refused, placed, moved, deleted and replayed mutations get
    the same outcomes and leave the same rows (records, log, moves, keys, conflicts,
    counter) with round 4's shortcuts as with each of them replaced by the old code."""
    monkeypatch.setattr(push, "datetime", _Frozen)
    device = f"dev-{USER}-{uuid.uuid4().hex[:8]}"
    batches = _batches(seed)
    url_new, url_old = db_pair
    replies_new = push_everything(url_new, tmp_path / "new", device, batches, USER)
    with monkeypatch.context() as old:
        _as_before(old)
        replies_old = push_everything(url_old, tmp_path / "old", device, batches, USER)
    assert replies_new == replies_old
    statuses = [o["status"] for reply in replies_new for o in reply]
    print({s: statuses.count(s) for s in set(statuses)})
    print(sorted({o.get("code") for reply in replies_new for o in reply if o.get("code")}))
    assert set(statuses) >= {"applied", "rejected", "merged"}
    engine_new, engine_old = make_engine(url_new), make_engine(url_old)
    try:
        rows_new, rows_old = _rows(engine_new), _rows(engine_old)
    finally:
        engine_new.dispose()
        engine_old.dispose()
    assert len(rows_new["record"]) > 40
    assert rows_new == rows_old


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(mutation_id=st.integers(1, 2**63 - 1), version=st.integers(0, 2**63 - 1))
def test_the_applied_outcome_is_pydantics_model(mutation_id: int, version: int) -> None:
    """Proves `applied_outcome` makes the model pydantic makes from the same keywords:
    equal, the same fields in the same order, the same fields set, the same JSON alone
    and inside a push reply."""
    fast = push.applied_outcome(mutation_id, version)
    slow = MutationOutcome(mutation_id=mutation_id, status="applied", version=version, record=None)
    assert fast == slow
    assert list(fast.__dict__.items()) == list(slow.__dict__.items())
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    assert (
        PushResponse(epoch="e", outcomes=[fast]).model_dump_json()
        == PushResponse(epoch="e", outcomes=[slow]).model_dump_json()
    )


@given(
    mutation_id=st.integers(1, 2**63 - 1),
    status=st.sampled_from(["applied", "merged", "conflict", "rejected"]),
    version=st.none() | st.integers(0, 2**63 - 1),
    record=st.none() | st.dictionaries(st.text(), _JSON, max_size=4),
    conflict_id=st.none() | st.text(),
    code=st.none() | st.text() | st.sampled_from(list(ErrorCode)),
    reason=st.none() | st.text(),
)
@settings(max_examples=300)
def test_the_logged_outcome_is_pydantics_json(
    mutation_id: int,
    status: str,
    version: int | None,
    record: dict[str, Any] | None,
    conflict_id: str | None,
    code: str | None,
    reason: str | None,
) -> None:
    """Proves `outcome_json` gives what `model_dump(mode="json")` gives (keys in the same
    order, values of the same types) for any outcome, an enum for a code included."""
    outcome = MutationOutcome.model_validate(
        {
            "mutation_id": mutation_id,
            "status": status,
            "version": version,
            "record": record,
            "conflict_id": conflict_id,
            "code": code,
            "reason": reason,
        }
    )
    fast, slow = push.outcome_json(outcome), outcome.model_dump(mode="json")
    assert fast == slow
    assert list(fast) == list(slow)
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]
