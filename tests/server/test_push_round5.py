"""Proves issue 23's round 5 changes nothing a push gives or stores: the same pushes, with
the prefetch asking the driver which ids exist, sqlite3's executemany, one stamp shared by
a new record's fields, check_fields' one-pass common case, the identity shortcut of
`_same_values`, natural-key ids without UUID objects and a household's key id worked out
once, answer and store exactly what they did with each replaced by the old code
(docs/performance.md "Issue 23: optimisation round 5"); and the two shortcuts that decide
something equal the old code over generated input."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain import ids
from gridworker.domain.validation import id_check_digit
from gridworker.server import authz, bulk, merge, natural_keys, push
from gridworker.server.core.db import make_engine
from tests.server.conftest import GRID_B, GRID_C
from tests.server.test_bulk_insert import _Frozen, numbered_mutations, push_everything
from tests.server.test_push import household, resident
from tests.server.test_push_round4 import USER, _batches, _rows, db_pair  # noqa: F401


def _old_check_fields(entity: str, fields: Any) -> None:
    """authz.check_fields before round 5."""
    known = authz.field_types(entity)
    unknown = sorted(name for name in fields if name not in known)
    if unknown:
        names = ", ".join(unknown[:5])
        raise merge.Rejected("validation", f"未知字段：{names}", f"Unknown fields: {names}")
    wrong = sorted(
        name for name, value in fields.items() if not authz._type_ok(known[name], value)
    )
    if wrong:
        names = ", ".join(wrong[:5])
        raise merge.Rejected(
            "validation", f"字段类型不正确：{names}", f"Values of the wrong type: {names}"
        )


def _old_same_values(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return len(a) == len(b) and all(
        k in b and (b[k] is v or (type(b[k]) is type(v) and b[k] == v)) for k, v in a.items()
    )


def _as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of round 5's changes replaced by what it stands for."""
    monkeypatch.setattr(bulk, "USE_COPY", False)  # SQLAlchemy's executemany (both databases)
    monkeypatch.setattr(bulk, "USE_DRIVER_LOOKUP", False)  # the prefetch's IN lists
    real_values = push.new_record_values

    def values_with_a_list_per_field(*args: Any, **kwargs: Any) -> dict[str, Any]:
        values = real_values(*args, **kwargs)
        values["field_meta"] = {k: list(v) for k, v in values["field_meta"].items()}
        return values

    monkeypatch.setattr(push, "new_record_values", values_with_a_list_per_field)
    monkeypatch.setattr(authz, "check_fields", _old_check_fields)
    monkeypatch.setattr(push, "_same_values", _old_same_values)
    monkeypatch.setattr(ids, "uuid5_text", lambda name: str(uuid.uuid5(ids.NAMESPACE, name)))

    def old_check_create(s: Any, record_id: str, grid: str, household_no: str, **kw: Any) -> bool:
        secret = kw.get("secret") or natural_keys.id_secret(s)
        natural_keys.check_free(
            s, record_id, grid, household_no, secret=secret, lookup=kw.get("lookup")
        )
        return ids.household_id(secret, grid, household_no) != record_id

    monkeypatch.setattr(natural_keys, "check_create", old_check_create)


def _number(n: int) -> str:
    first17 = f"36030219{70 + n:02d}0303{n:03d}"
    return first17 + id_check_digit(first17)


def _edges() -> list[list[dict[str, Any]]]:
    """Bodies at the edges of a batch of creates: creates mixed with edits of records the
    same batch made, a 户号 and an ID number twice in one batch and again in a later one
    (taken on the server), a mutation id repeated in a batch, creates out of scope,
    creates refused for their values, replayed mutations."""
    mutation = numbered_mutations(1000)

    homes = [household(household_no=f"七-{n:02d}") for n in range(6)]
    same_no = household(household_no="七-00")  # another id, a 户号 the batch just took
    people = [resident(h["id"], id_number=_number(n)) for n, h in enumerate(homes)]
    same_person = resident(homes[1]["id"], id_number=_number(0))  # a number taken
    first = [mutation("create", "household", h) for h in homes[:3]]
    first.append(mutation("update", "household", {"note": "同批改"}, homes[0]))
    first.append(mutation("create", "household", same_no))
    first += [mutation("create", "resident", p) for p in people[:3]]
    first.append(mutation("create", "resident", same_person))
    first.append(first[1])  # the same mutation id again in the batch: its first outcome
    first.append(mutation("create", "household", household(grid=GRID_C)))  # out of scope
    first.append(mutation("create", "household", household(household_no="")))  # refused
    first.append(mutation("create", "resident", resident(homes[2]["id"], name="")))
    first.append(mutation("create", "resident", resident(homes[2]["id"], grid=GRID_B)))
    first.append(mutation("delete", "household", {"deleted": True}, homes[2]))
    first += [mutation("create", "household", h) for h in homes[3:]]
    second = [mutation("create", "household", household(household_no="七-01"))]  # taken
    second.append(mutation("create", "resident", resident(homes[4]["id"], id_number=_number(4))))
    second += [mutation("create", "resident", p) for p in people[3:]]
    second += first[:2]  # replays
    return [first, second]


@pytest.mark.parametrize("bodies", ["round4-1", "round4-2", "edges"])
def test_the_same_pushes_answer_and_store_the_same_with_and_without_round_5(
    db_pair: tuple[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bodies: str,
) -> None:
    """Proves pushes full of refused, placed, moved, deleted, replayed and colliding
    mutations get the same outcomes and leave the same rows
    (records, log, moves, keys, conflicts, counter) with round 5's changes as with each
    of them replaced by the old code."""
    monkeypatch.setattr(push, "datetime", _Frozen)
    device = f"dev-{USER}-{uuid.uuid4().hex[:8]}"
    batches = _edges() if bodies == "edges" else _batches(int(bodies[-1]))
    url_new, url_old = db_pair
    replies_new = push_everything(url_new, tmp_path / "new", device, batches, USER)
    with monkeypatch.context() as old:
        _as_before(old)
        replies_old = push_everything(url_old, tmp_path / "old", device, batches, USER)
    assert replies_new == replies_old
    statuses = [o.get("status") for reply in replies_new for o in reply]
    assert {"applied", "rejected"} <= set(statuses)
    if bodies == "edges":
        codes = {o.get("code") for reply in replies_new for o in reply}
        assert {"id_number_taken", natural_keys.CODE} <= codes, codes
    engine_new, engine_old = make_engine(url_new), make_engine(url_old)
    try:
        rows_new, rows_old = _rows(engine_new), _rows(engine_old)
    finally:
        engine_new.dispose()
        engine_old.dispose()
    assert len(rows_new["record"]) > 8
    assert rows_new == rows_old


_VALUE = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
_VALUES = _VALUE | st.lists(_VALUE, max_size=2) | st.dictionaries(st.text(max_size=3), _VALUE)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["household", "resident", "resident_tag", "case", "visit", "nope"]),
    st.dictionaries(
        st.sampled_from(["name", "household_no", "note", "age", "phone", "x", "tag", "id"]),
        _VALUES,
        max_size=6,
    ),
)
def test_check_fields_refuses_what_it_refused(entity: str, fields: dict[str, Any]) -> None:
    """check_fields' one-pass common case: the same refusal (code and both texts) or none,
    for generated fields of known and unknown names and values of any JSON type."""

    def outcome(check: Any) -> Any:
        try:
            check(entity, fields)
        except merge.Rejected as exc:
            return (exc.code, exc.zh, exc.en)
        except KeyError as exc:
            return ("KeyError", str(exc))
        return None

    assert outcome(authz.check_fields) == outcome(_old_check_fields)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdef"), _VALUE, max_size=5),
    st.dictionaries(st.sampled_from("abcdef"), _VALUE, max_size=5),
    st.booleans(),
)
def test_same_values_decides_as_before(a: dict[str, Any], b: dict[str, Any], copy: bool) -> None:
    """`_same_values` with its identity shortcut: the old answer for generated pairs, and
    for a copy (same objects; NaN included) with keys reordered or a value replaced."""
    if copy:
        b = dict(a)
        if b and len(b) % 2:
            first = next(iter(b))
            b[first] = 1.0 if b[first] == 1 and type(b[first]) is not float else 1
        elif len(b) > 1:
            b = dict(reversed(list(b.items())))
    assert push._same_values(a, b) == _old_same_values(a, b)
    assert push._same_values(b, a) == _old_same_values(b, a)



@pytest.mark.parametrize("driver", [True, False])
def test_stored_records_finds_what_the_orm_query_finds(
    db_pair: tuple[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    driver: bool,
) -> None:
    """Proves `bulk.stored_records` gives the records `select(Record) … IN` gives: stored
    ones, one added to the session and not flushed yet (the ORM query's autoflush), none
    for absent or other-entity ids; and an id the database cannot take (a NUL) fails with
    the same SQLAlchemy error (PostgreSQL) or none (SQLite) on either path."""
    from sqlalchemy import select

    from gridworker.server.core.db import session_factory, transaction
    from gridworker.server.migrate import upgrade
    from gridworker.server.models import Record

    monkeypatch.setattr(bulk, "USE_DRIVER_LOOKUP", driver)
    engine = make_engine(db_pair[0])
    upgrade(engine)

    def row(entity: str, n: int) -> Record:
        return Record(
            entity=entity, id=f"id-{n}", grid_code="360302001001001", version=n, deleted=False,
            data={}, field_meta={}, restricted=False, created_by="x", updated_at=_Frozen.now(),
        )  # fmt: skip

    try:
        with transaction(session_factory(engine)) as s:
            s.add_all([row("household", 1), row("household", 2), row("resident", 3)])
            s.flush()
            s.add(row("household", 4))  # not flushed
            wanted = [f"id-{n}" for n in range(6)]
            found = bulk.stored_records(s, "household", wanted)
            s.flush()
            expected = s.scalars(
                select(Record).where(Record.entity == "household", Record.id.in_(wanted))
            ).all()
            assert sorted(r.id for r in found) == ["id-1", "id-2", "id-4"]
            assert {id(r) for r in found} == {id(r) for r in expected}
            assert bulk.stored_records(s, "resident", ["id-1", "nope"]) == []
            assert bulk.stored_records(s, "household", []) == []
            if engine.dialect.name == "postgresql":
                from sqlalchemy.exc import DataError

                with pytest.raises(DataError), s.begin_nested():
                    bulk.stored_records(s, "household", ["a\x00b"])
            else:
                assert bulk.stored_records(s, "household", ["a\x00b"]) == []
    finally:
        engine.dispose()
