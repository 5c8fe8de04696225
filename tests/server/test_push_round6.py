"""Proves issue 23's round 6 changes nothing a push gives or stores: check_fields deciding
by the value's exact type, check_sent and the batch's prefetch reading the payload without
copying it, SQLite's parameters made column by column (a column's one immutable object
processed once), the guard taking the records the prefetch read, a create's fields without
the workflow fields worked out, the record check's grid code cached and the early return of
`_moved_in_holder` answer and store exactly what they did with each replaced by the old
code (docs/performance.md "Issue 23: optimisation round 6"); and the shortcuts that decide
something equal the old code over generated input."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Table

from gridworker.domain import record
from gridworker.domain.validation import fold_key, validate_grid_code
from gridworker.server import authz, bulk, merge, natural_keys, points, push
from gridworker.server.api.routes import sync as sync_routes
from gridworker.server.core.db import make_engine
from gridworker.server.models import MutationLog, Record
from tests.server.conftest import GRID_B
from tests.server.test_bulk_insert import _Frozen, numbered_mutations, push_everything
from tests.server.test_push import household, resident, tag_payload
from tests.server.test_push_round4 import USER, _batches, _rows, db_pair  # noqa: F401
from tests.server.test_push_round5 import _edges, _old_check_fields


def _round5_check_fields(entity: str, fields: Any) -> None:
    """authz.check_fields as round 5 left it."""
    known = authz.field_types(entity)
    for name, value in fields.items():
        spec = known.get(name)
        if spec is None or not authz._type_ok(spec, value):
            break
    else:
        return
    _old_check_fields(entity, fields)


def _row_by_row(plan: Any, rows: Any) -> list[Any]:
    """bulk's SQLite parameters as round 5 made them: a call per value, row by row."""
    return [tuple(row[n] if p is None else p(row[n]) for n, p in plan) for row in rows]


def _as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of round 6's changes replaced by what it stands for."""
    monkeypatch.setattr(authz, "check_fields", _round5_check_fields)
    monkeypatch.setattr(authz, "_READ_AS_SENT", frozenset())  # check_sent copies, as before
    references = authz.references

    def references_of_a_copy(entity: str, fields: Any) -> Any:
        return references(entity, {k: v for k, v in fields.items() if k not in merge.ENVELOPE})

    monkeypatch.setattr(authz, "references", references_of_a_copy)  # the prefetch's copy
    monkeypatch.setattr(bulk, "_params", _row_by_row)
    monkeypatch.setattr(authz, "BatchGuard", _GuardReadingAgain)
    monkeypatch.setattr(natural_keys, "_moved_in_holder", _old_moved_in_holder)
    monkeypatch.setattr(record, "_valid_grid_code", validate_grid_code)  # every time
    monkeypatch.setattr(push, "_fields", _old_fields)


def _old_fields(mutation: Any, *, for_create: bool) -> dict[str, Any]:
    """push._fields before round 6: the workflow fields worked out for a create too."""
    payload = mutation.payload
    if payload.get("id", mutation.record_id) != mutation.record_id:
        raise merge.Rejected(
            "validation", "记录编号不一致", "The payload id does not match the record"
        )
    fields = {k: v for k, v in payload.items() if k not in merge.ENVELOPE}
    fields = points.strip_server_fields(mutation.entity, fields)
    if for_create:
        if fields.get(merge.GRID, mutation.grid_code) != mutation.grid_code:
            raise merge.Rejected(
                "validation", "网格编码不一致", "The payload grid code does not match"
            )
        fields[merge.GRID] = mutation.grid_code
    elif merge.GRID in fields:
        push._check_grid_code(str(fields[merge.GRID]))
    locked = set(fields) & merge.command_fields(mutation.entity)
    if locked and not for_create and not mutation.full_state:
        raise merge.Rejected(
            "validation",
            "事件状态只能通过办理操作改变",
            "A case's state changes only through workflow actions: " + ", ".join(sorted(locked)),
        )
    return fields


class _GuardReadingAgain(authz.BatchGuard):
    """The batch's guard asking for every record its references name, as before."""

    def __init__(self, session: Any, mutations: Any, peek: Any, read: Any = None) -> None:
        super().__init__(session, mutations, peek)


def _old_moved_in_holder(
    s: Any, grid: str, household_no: str, other_than: str, lookup: Any = None
) -> str | None:
    candidates = natural_keys._moved_into(s, grid).get(fold_key(household_no), set()) - {other_than}
    read = lookup or (lambda e, i: s.get(Record, (e, i)))
    for record_id in sorted(candidates):
        if natural_keys._holds(read(natural_keys.ENTITY, record_id), grid, household_no):
            return str(record_id)
    return None


def _round6_body() -> list[list[dict[str, Any]]]:
    """Creates whose fields fail check_fields (an unknown field, a wrong type, a float
    for text, an int where a flag goes), tags (read from a copy), a resident naming a
    household out of scope, updates that send the envelope's keys, and plain creates."""
    mutation = numbered_mutations(2000)
    homes = [household(household_no=f"六-{n:02d}") for n in range(4)]
    people = [resident(h["id"]) for h in homes]
    body = [mutation("create", "household", h) for h in homes]
    body += [mutation("create", "resident", p) for p in people]
    body.append(mutation("create", "household", household(household_no="六-x", colour="红")))
    body.append(mutation("create", "household", household(household_no="六-y", phone=5)))
    body.append(mutation("create", "resident", resident(homes[0]["id"], name=1.5)))
    body.append(mutation("create", "resident", resident(homes[0]["id"], deleted=1)))
    body.append(mutation("create", "resident_tag", tag_payload(people[0]["id"], "disabled")))
    body.append(mutation("create", "resident_tag", tag_payload(people[1]["id"], "x", note=3)))
    body.append(mutation("create", "resident", resident(str(uuid.uuid4()), grid=GRID_B)))
    body.append(
        mutation(
            "update",
            "household",
            {"id": homes[1]["id"], "version": 7, "deleted": False, "note": "六"},
            homes[1],
        )
    )
    body.append(mutation("update", "resident", {"name": 3, "id": people[2]["id"]}, people[2]))
    later = [mutation("create", "resident", {**resident(homes[3]["id"]), "household_id": None})]
    return [body, later]


@pytest.mark.parametrize("bodies", ["round4-1", "edges", "round6"])
def test_the_same_pushes_answer_and_store_the_same_with_and_without_round_6(
    db_pair: tuple[str, str],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bodies: str,
) -> None:
    """Proves pushes of refused, placed, moved, deleted, replayed and colliding mutations
    and fields of unknown names and wrong types get the same outcomes and leave the same
    rows (records, log, moves, keys, conflicts, counter) with round 6's changes as with
    each of them replaced by the old code."""
    monkeypatch.setattr(push, "datetime", _Frozen)
    device = f"dev-{USER}-{uuid.uuid4().hex[:8]}"
    batches = {"edges": _edges, "round6": _round6_body}.get(bodies, lambda: _batches(1))()
    url_new, url_old = db_pair
    replies_new = push_everything(url_new, tmp_path / "new", device, batches, USER)
    with monkeypatch.context() as old:
        _as_before(old)
        replies_old = push_everything(url_old, tmp_path / "old", device, batches, USER)
    assert replies_new == replies_old
    statuses = [o.get("status") for reply in replies_new for o in reply]
    assert {"applied", "rejected"} <= set(statuses)
    if bodies == "round6":
        reasons = {o.get("reason") or "" for reply in replies_new for o in reply}
        assert any("未知字段" in r for r in reasons), reasons
        assert any("字段类型不正确" in r for r in reasons), reasons
    engine_new, engine_old = make_engine(url_new), make_engine(url_old)
    try:
        rows_new, rows_old = _rows(engine_new), _rows(engine_old)
    finally:
        engine_new.dispose()
        engine_old.dispose()
    assert len(rows_new["record"]) > 4
    assert rows_new == rows_old


class _Code(enum.IntEnum):
    one = 1


class _Text(str):
    pass


_VALUE = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.just(_Code.one)
    | st.just(_Text("子类"))
)
_VALUES = _VALUE | st.lists(_VALUE, max_size=2) | st.dictionaries(st.text(max_size=3), _VALUE)
_NAMES = ["name", "household_no", "note", "phone", "x", "tag", "birth_date", "lat", "confidential"]
_NAMES += ["visit_interval_days", "suspended_seconds", "remind_count", "escalated"]
_ENTITIES = ["household", "resident", "resident_tag", "case", "visit", "task", "nope"]


def _outcome(check: Any, entity: str, fields: Any) -> Any:
    try:
        check(entity, fields)
    except merge.Rejected as exc:
        return (exc.code, exc.zh, exc.en)
    except Exception as exc:
        return (type(exc).__name__, str(exc))
    return None


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(_ENTITIES),
    st.dictionaries(st.sampled_from(_NAMES), _VALUES, max_size=6),
)
def test_check_fields_refuses_what_it_refused(entity: str, fields: dict[str, Any]) -> None:
    """check_fields by the value's exact type: the same refusal (code and both texts) or
    none as round 5's and the first one's, for generated fields of known and unknown names
    and values of any JSON type and of subclasses of them (an IntEnum, a str)."""
    found = _outcome(authz.check_fields, entity, fields)
    assert found == _outcome(_round5_check_fields, entity, fields)
    assert found == _outcome(_old_check_fields, entity, fields)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(_ENTITIES),
    st.dictionaries(st.sampled_from([*_NAMES, "id", "version", "deleted"]), _VALUES, max_size=7),
)
def test_a_payload_is_checked_as_its_copy_without_the_envelope(
    entity: str, payload: dict[str, Any]
) -> None:
    """`_check_payload_fields(payload)`: what check_fields says of the payload's copy
    without `id`, `version` and `deleted`, whatever they hold."""
    stripped = {k: v for k, v in payload.items() if k not in merge.ENVELOPE}
    assert _outcome(authz._check_payload_fields, entity, payload) == _outcome(
        _old_check_fields, entity, stripped
    )


_NOW = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
_CELL = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3) | st.just(_NOW)
_JSON = _CELL | st.dictionaries(st.text(max_size=2), _CELL, max_size=2) | st.just({1, 2})


def _plan(table: Table) -> Any:
    engine = make_engine("sqlite://")  # the server's: its JSON serializer
    try:
        with engine.connect() as conn:
            return bulk._sqlite_plan(conn, table)[1]
    finally:
        engine.dispose()


_PLANS = {"record": _plan(Record.__table__), "log": _plan(MutationLog.__table__)}  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(_PLANS)),
    st.integers(1, 4),
    st.data(),
)
def test_sqlite_parameters_are_the_row_by_row_ones(table: str, count: int, data: Any) -> None:
    """`bulk._params` against a call per value, row by row, over the real processors of the
    record and log tables: the same parameters, or the same error (a set is no JSON); a
    column sometimes holding one object in every row (as the push's time does)."""
    plan = _PLANS[table]
    shared = {name: data.draw(_JSON) for name, _p in plan if data.draw(st.booleans())}
    rows = [
        {name: shared[name] if name in shared else data.draw(_JSON) for name, _p in plan}
        for _ in range(count)
    ]
    if data.draw(st.booleans()):
        del rows[-1][plan[-1][0]]  # a column left out: a KeyError either way

    def outcome(make: Any) -> Any:
        try:
            return make(plan, rows)
        except Exception as exc:
            return (type(exc).__name__, str(exc))

    assert outcome(bulk._params) == outcome(_row_by_row)


def test_the_guard_does_not_ask_again_for_what_the_prefetch_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a push of residents asks for each household they name once: the batch's
    guard takes what the prefetch read (the households, stored by an earlier push, and
    one named but absent) instead of asking the database again."""
    mutation = numbered_mutations(3000)
    homes = [household(household_no=f"问-{n}") for n in range(3)]
    people = [resident(h["id"]) for h in homes] + [resident(str(uuid.uuid4()))]
    batches = [
        [mutation("create", "household", h) for h in homes],
        [mutation("create", "resident", p) for p in people],
    ]
    asked: list[list[tuple[str, str]]] = []
    stored_records = bulk.stored_records

    def counted(s: Any, entity: str, ids: Any) -> Any:
        asked[-1].extend((entity, i) for i in ids)
        return stored_records(s, entity, ids)

    real_apply = push.apply_push

    def apply_push(*args: Any, **kwargs: Any) -> Any:
        asked.append([])
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(bulk, "stored_records", counted)
    monkeypatch.setattr(sync_routes, "apply_push", apply_push)
    device = f"dev-{USER}-{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{tmp_path / 'one.db'}"
    replies = push_everything(url, tmp_path / "files", device, batches, USER)
    assert [o["status"] for reply in replies for o in reply] == ["applied"] * 7
    households = [key for key in asked[1] if key[0] == "household"]
    assert len(households) == 4  # three stored, one absent: each once
    assert len(asked[1]) == len(set(asked[1]))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.sampled_from(["360302001001001", " 360302001001002 ", "３６０３０２００１００１００１"]),
        st.sampled_from(["360302001000001", "000000001001001", "36030200100100", ""]),
        st.text("0123456789 ", max_size=16),
        st.integers(),
        st.none(),
    )
)
def test_a_grid_code_is_checked_as_every_time(grid: Any) -> None:
    """The record check's grid code once per code: the same code back, or the same
    refusal, as validate_grid_code called each time, asked twice (the second answer is
    the cached one)."""

    def outcome(check: Any) -> Any:
        try:
            return ("code", check(grid))
        except Exception as exc:
            return (type(exc).__name__, str(exc), getattr(exc, "code", None))

    def cached(value: Any) -> Any:
        return record._valid_grid_code(value) if type(value) is str else validate_grid_code(value)

    expected = outcome(validate_grid_code)
    assert outcome(cached) == expected
    assert outcome(cached) == expected
