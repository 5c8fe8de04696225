"""Push: apply a batch of mutations idempotently (docs/design.md §4, server side).

One write transaction per batch. It plans the batch (digests, the creates' own
checks, the mutation-log lookup), then takes the change-log counter's lock
(sequence.py), so the sequence numbers it hands out become visible in commit
order; what another push may have changed while it planned is read again under
the lock, and every read of a record happens under it (docs/design.md §4.6
step 2). A rejected mutation rolls back alone and the others stand (the batch
shares one savepoint until a mutation is rejected: see `_apply_batch`). Its
outcome is logged per (device, mutation_id) with the SHA-256 of the mutation in
the same transaction as its effects, so a replay returns the recorded outcome
and changes nothing, and a different mutation under a logged id (a cloned or
restored laptop) refuses the whole push.

Every mutation is checked against the caller's scope and role, whatever the
laptop allowed offline: the checks are authz.py's, and this module is the apply
loop. Field changes go through the field-level merge (merge.py), workflow actions
through the state machine (commands.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.util import identity_key

from gridworker import protocol
from gridworker.domain.entities import COMMAND_ENTITIES, GUARD_FIELDS, SYNC_ENTITIES
from gridworker.domain.enums import SupervisorLevel
from gridworker.domain.errors import DomainError
from gridworker.domain.validation import validate_grid_code
from gridworker.protocol import (
    ErrorCode,
    Mutation,
    MutationOutcome,
    OutcomeStatus,
    PushRequest,
    PushResponse,
)
from gridworker.server import (
    audit,
    authz,
    bulk,
    departures,
    handover,
    meta,
    natural_keys,
    notices,
    points,
    restore,
    sequence,
    shared_reach,
    tasks,
)
from gridworker.server.caller import Caller
from gridworker.server.case_numbers import assign_case_no
from gridworker.server.children import move_children, parent_grid, parent_key
from gridworker.server.commands import Actor, apply_command
from gridworker.server.conflicts import open_conflict
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError
from gridworker.server.merge import (
    DELETED,
    ENVELOPE,
    GRID,
    Rejected,
    check_entity,
    command_fields,
    current_values,
    delete_conflicts,
    edit_against_delete,
    merge_update,
    new_record_values,
    record_values,
    write_changes,
)
from gridworker.server.models import Device, Meta, MutationLog, Record, User
from gridworker.server.sequence import current_seq, lock_sequence, next_seq
from gridworker.server.task_rules import NAMING_FIELDS, check_task

_LOG_TABLE = cast(Table, MutationLog.__table__)
_EPOCH_NOW = select(Meta.value).where(Meta.key == meta.EPOCH).scalar_subquery()
_RECORD_TABLE = cast(Table, Record.__table__)

MAX_INT64 = 2**63 - 1
# The outcome code of a re-sent mutation whose log entry the purge removed (see _plan).
REPLAY_EXPIRED = "replay_expired"

# Ids per IN (...) list: well under SQLite's limit on bound parameters.
CHUNK = 500

# A new case starts as a draft: its workflow fields are set by the actions that follow.
CASE_DRAFT: dict[str, Any] = {
    "state": "draft",
    "reported_at": None,
    "deadline_at": None,
    "department_id": None,
    "escalated": False,
    "extension_pending": False,
    "suspended_at": None,
    "suspended_seconds": 0,
}


def payload_hash(mutation: Mutation) -> str:
    """SHA-256 of the mutation's canonical JSON (sorted keys, no spaces).

    Stored in the mutation log and compared with every replay, so it must never change
    (tests/server/test_push.py pins it). The fields are read directly: what
    `model_dump(mode="json")` gives for them, at a third of the cost (the payload comes
    from parsed JSON and holds JSON values only)."""
    fields = {
        "mutation_id": mutation.mutation_id,
        "op": mutation.op,
        "entity": mutation.entity,
        "record_id": mutation.record_id,
        "grid_code": mutation.grid_code,
        "base_version": mutation.base_version,
        "schema_version": mutation.schema_version,
        "payload": mutation.payload,
        "full_state": mutation.full_state,
    }
    # Newer optional keys count only when set, so older mutations keep their digests.
    # `seen` never counts: which replaced values a laptop sends as seen changed between
    # client versions (none, then every `old` value, then only those it held from the
    # server); an entry frozen and sent by one version and re-sent by the next is the same
    # change and must stay a replay, not a clone.
    if mutation.bases is not None:
        fields["bases"] = mutation.bases
    if mutation.restored_version is not None:
        fields["restored_version"] = mutation.restored_version
    if _same_in_orjson(mutation.payload):
        try:
            # The same bytes as json.dumps below, at a quarter of the cost (issue 23);
            # a lone surrogate or an integer beyond 64 bits raises: the slow path.
            return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:
            pass
    try:
        text = json.dumps(
            fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError:
        # NaN or ±Infinity in the payload (accepted by the request's JSON parser): null,
        # as model_dump gave them.
        dumped = mutation.model_dump(mode="json")
        dumped.pop("seen", None)  # never part of the digest (above)
        for key in ("bases", "restored_version"):
            if dumped.get(key) is None:
                dumped.pop(key, None)
        text = json.dumps(
            dumped,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
    # surrogatepass: a lone surrogate (refused later, as that mutation's outcome) must not
    # fail the whole batch here; valid text encodes exactly as with the strict codec.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_PLAIN = frozenset({str, int, bool, type(None)})


def _same_in_orjson(value: Any) -> bool:
    """Whether orjson writes `value` exactly as json.dumps does. Text (escapes included),
    integers and the key order are the same; floats too, except NaN and ±Infinity (orjson
    writes null) and magnitudes in [1e-9, 1e-4), which orjson writes without an exponent
    (0.00001 against 1e-05): such a payload takes the slow path. tests/server/
    test_push_digest.py compares the two over generated mutations."""
    kind = type(value)
    if kind is float:
        return math.isfinite(value) and not 0.0 < abs(value) < 1e-4
    if kind is dict:
        # A payload is mostly text, numbers and None: only the other values need a look
        # (issue 23: a call per value cost a third of the digest).
        return all(_same_in_orjson(item) for item in value.values() if type(item) not in _PLAIN)
    if kind is list:
        return all(_same_in_orjson(item) for item in value)
    return True


# Where a decoded JSON text can hold a NUL or a lone surrogate: a \u0000 escape, a
# surrogate escape (\uD800-\uDFFF, paired or not), a NUL byte (also every UTF-16 or
# UTF-32 body) or a UTF-8-encoded surrogate (json.loads decodes bytes with surrogatepass;
# its lead byte is 0xED, which the scan takes as suspect wherever it appears).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def text_is_clean(body: bytes) -> bool:
    """True when no string decoded from the JSON `body` can hold what `check_text` refuses:
    then the push need not walk every payload (issue 23: one scan of the raw body costs a
    tenth). False says nothing (a pair of surrogate escapes is an emoji): check each one.
    tests/server/test_push_text_scan.py checks it against check_text."""
    # Two byte searches first (memchr): a quarter of the cost of one regex for all three.
    return b"\x00" not in body and b"\xed" not in body and _SUSPECT_ESCAPE.search(body) is None


def check_text(value: Any) -> None:
    """Refuse text that no database can hold: a NUL character (PostgreSQL rejects it) or a
    lone surrogate (not encodable as UTF-8). Raises Rejected (validation), which refuses
    that one mutation, instead of failing the whole batch at the INSERT."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Rejected(
                "validation", "文本中含有空字符（NUL），无法保存", "Text contains a NUL character"
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Rejected(
                "validation",
                "文本中含有无效的 Unicode 字符，无法保存",
                "Text contains invalid Unicode (a lone surrogate)",
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key)
            check_text(item)
    elif isinstance(value, list):
        for item in value:
            check_text(item)


def _cloned() -> ApiError:
    return ApiError(
        ErrorCode.client_cloned,
        "此设备的同步记录与服务器不一致（可能是复制或还原的电脑），请重新注册设备后再同步",
        "This device's sync history does not match the server (a cloned or restored "
        "laptop): register it again as a new device, then sync",
    )


def apply_push(
    sessions: sessionmaker[Session],
    caller: Caller,
    request: PushRequest,
    settings: Settings,
    *,
    lang: str = "zh_CN",
    text_clean: bool = False,
) -> PushResponse:
    """Apply a batch; one outcome per mutation, in order. Raises ApiError for the batch:
    forbidden (another device), epoch_changed, client_too_old, client_cloned.
    `text_clean`: the request's raw body passed `text_is_clean`, so no payload needs
    `check_text`."""
    if request.device_id != caller.device_id:
        raise ApiError(
            ErrorCode.forbidden,
            "只能以本设备的身份推送",
            "A push must come from the device it names",
        )
    if any(_largest_number(m) > MAX_INT64 for m in request.mutations):
        # The protocol bounds them only from below; a 64-bit column holds no more.
        raise ApiError(
            ErrorCode.validation,
            "同步编号超出范围",
            "A mutation id or base version is out of range (at most 2**63 - 1)",
        )
    now = datetime.now(UTC)
    # What needs no stored record is done before the transaction (docs/design.md §4.6):
    # the digests and the checks of each create's own fields.
    digests = [payload_hash(m) for m in request.mutations]
    prechecked = _precheck(request.mutations)
    with transaction(sessions) as s:
        # Planned before the change counter's lock, which serialises every writer until
        # its commit: the checks of the request and the mutation-log lookup. What another
        # push may have changed meanwhile is read again under the lock (below).
        epoch = _check_request(s, request)
        device = s.get(Device, caller.device_id)
        user = s.get(User, caller.user_id)
        if device is None or user is None:
            raise ApiError(ErrorCode.auth_required, "请重新登录", "Sign in again")
        level = SupervisorLevel.parse(user.supervisor_level) if user.supervisor_level else None
        actor = Actor(
            scope=caller.scope,
            supervisor_level=level,
            now=now,
            lang=lang,
            device_id=caller.device_id,
        )
        planned_for = (device.last_mutation_id or 0, device.log_purged_through or 0)
        plan = _plan(s, device.id, request.mutations, digests, *planned_for)
        start = lock_sequence(s)
        # In one statement, what only writers holding this lock change, as it is now: the
        # epoch (a restore) and the device's numbers (a push of this device, i.e. a laptop
        # retrying while its first push ran; a purge). Nothing changes them from here to
        # the commit. (The rest of what was read above has no order with the lock.)
        epoch_now, last_before, purged_through = s.execute(
            select(_EPOCH_NOW, Device.last_mutation_id, Device.log_purged_through).where(
                Device.id == device.id
            )
        ).one()
        if str(epoch_now) != epoch:
            s.expire_all()  # meta.get reads the epoch afresh
            epoch = _check_request(s, request)
        last_before, purged_through = last_before or 0, purged_through or 0
        if (last_before, purged_through) != planned_for:
            plan = _plan(s, device.id, request.mutations, digests, last_before, purged_through)
        todo = [
            request.mutations[i]
            for i, step in enumerate(plan)
            if step.logged is None and not step.repeat
        ]
        records = _Records(s, todo)
        records.text_clean = text_clean
        records.prechecked = prechecked
        with sequence.allocating(s, start):
            done = _apply_batch(s, actor, todo, lang, records)
            # A visit and a departure of one person meet only here (departures.py).
            households = departures.touched_households(s, zip(todo, done, strict=True))
            departures.check_households(s, households, author=caller.username, now=now)
            applied = iter(done)
        outcomes: list[MutationOutcome] = []
        by_id: dict[int, MutationOutcome] = {}
        counts: Counter[str] = Counter()
        logs: list[dict[str, Any]] = []
        for mutation, step in zip(request.mutations, plan, strict=True):
            if step.logged is not None or mutation.mutation_id in by_id:
                outcome = by_id.get(mutation.mutation_id) or MutationOutcome.model_validate(
                    step.logged
                )
                outcomes.append(outcome)
                counts["replayed"] += 1
                continue
            outcome = next(applied)
            by_id[mutation.mutation_id] = outcome
            logs.append(
                {
                    "device_id": device.id,
                    "mutation_id": mutation.mutation_id,
                    "payload_hash": step.digest,
                    "outcome": outcome_json(outcome),
                    "at": now,
                }
            )
            outcomes.append(outcome)
            counts[outcome.status] += 1
        if logs:
            bulk.insert_rows(s, _LOG_TABLE, logs)  # one COPY (PostgreSQL) or executemany
        if request.mutations:
            device.last_mutation_id = max(
                last_before, max(m.mutation_id for m in request.mutations)
            )
        device.last_seen = now
        # Counts only: an audit row never holds field values.
        audit.record(
            s,
            "push",
            username=caller.username,
            device_id=caller.device_id,
            detail={"mutations": len(request.mutations), **dict(sorted(counts.items()))},
        )
        return PushResponse(epoch=epoch, outcomes=outcomes)


def _check_request(s: Session, request: PushRequest) -> str:
    """The server's epoch, once the request is known to be for it (epoch_changed) and
    its client new enough (client_too_old)."""
    epoch = meta.get_epoch(s)
    if request.epoch is not None and request.epoch != epoch:
        high_water = meta.get(s, meta.RESTORED_HIGH_WATER)
        raise ApiError(
            ErrorCode.epoch_changed,
            "服务器已从备份恢复，请按提示重新同步",
            "The server was restored from a backup: resynchronise",
            high_water=int(high_water if high_water is not None else current_seq(s)),
            epoch=epoch,
        )
    # Looked up on the module at call time, not imported by name: a test can raise it.
    if any(m.schema_version < protocol.OLDEST_SCHEMA_ACCEPTED for m in request.mutations):
        raise ApiError(
            ErrorCode.client_too_old,
            "客户端版本过旧，请升级后再同步（未同步的数据会保留）",
            "This client is too old: update it to sync (unsent changes are kept)",
        )
    return epoch


# The fields `MutationOutcome(mutation_id=, status=, version=, record=)` marks as set.
_APPLIED_SET = frozenset({"mutation_id", "status", "version", "record"})
_set_attribute = object.__setattr__


def applied_outcome(mutation_id: int, version: int) -> MutationOutcome:
    """`MutationOutcome(mutation_id=…, status="applied", version=…, record=None)` without
    pydantic's validation of values already known good (two ints): the same model (its
    fields in order, the same fields set), at a fifth of the cost. Most outcomes of a push
    are this one. tests/server/test_push_round4.py compares the two."""
    outcome = MutationOutcome.__new__(MutationOutcome)
    _set_attribute(
        outcome,
        "__dict__",
        {
            "mutation_id": mutation_id,
            "status": "applied",
            "version": version,
            "record": None,
            "conflict_id": None,
            "code": None,
            "reason": None,
        },
    )
    _set_attribute(outcome, "__pydantic_fields_set__", set(_APPLIED_SET))
    _set_attribute(outcome, "__pydantic_extra__", None)
    _set_attribute(outcome, "__pydantic_private__", None)
    return outcome


def outcome_json(outcome: MutationOutcome) -> dict[str, Any]:
    """`outcome.model_dump(mode="json")` (the mutation log's column). An outcome without a
    record and without a code (applied, merged without values, a conflict's id) holds
    ints, texts and None only, which JSON mode leaves as they are: a copy of its fields,
    at a tenth of the cost. tests/server/test_push_round4.py compares the two."""
    values = outcome.__dict__
    if values["record"] is None and values["code"] is None:
        return dict(values)
    return outcome.model_dump(mode="json")


def _largest_number(mutation: Mutation) -> int:
    """The largest id or version a mutation carries (each must fit a 64-bit column)."""
    numbers = [mutation.mutation_id, mutation.base_version, mutation.restored_version or 0]
    numbers += [int(v) for v in (mutation.bases or {}).values()]
    return max(numbers)


def _rejected(mutation: Mutation, code: str, reason: str) -> MutationOutcome:
    return MutationOutcome(
        mutation_id=mutation.mutation_id, status="rejected", code=code, reason=reason
    )


@dataclass(frozen=True)
class _Step:
    """What the mutation at one position of a batch is: its hash, and its logged outcome
    if it is a replay of one applied by an earlier push (None: apply it, or, for an id
    repeated within this batch — `repeat` — replay the first one's outcome, never apply
    it again)."""

    digest: str
    logged: dict[str, Any] | None
    repeat: bool = False


def _plan(
    s: Session,
    device_id: str,
    mutations: Sequence[Mutation],
    digests: Sequence[str],
    last_before: int,
    purged_through: int = 0,
) -> list[_Step]:
    """Sort a batch into replays and mutations to apply, reading the mutation log once.

    Raises client_cloned for a logged id with another payload, and for an id at or below
    the device's last one that is not in the log (the laptop's outbox was restored from a
    copy). An id whose log entry the purge removed (at or below `purged_through`) is a
    laptop back after the horizon re-sending what the server applied long ago: answered
    as settled (`replay_expired`), never applied again; the laptop then fetches the
    record's truth."""
    # A logged id is never above the device's last one (both are written by the push
    # that applied it, and nothing lowers the last one): ids above it are not looked up,
    # so a batch of new mutations reads no log at all.
    ids = sorted({m.mutation_id for m in mutations if m.mutation_id <= last_before})
    logged: dict[int, MutationLog] = {}
    for begin in range(0, len(ids), CHUNK):
        for log in s.scalars(
            select(MutationLog).where(
                MutationLog.device_id == device_id,
                MutationLog.mutation_id.in_(ids[begin : begin + CHUNK]),
            )
        ):
            logged[log.mutation_id] = log
    seen: dict[int, str] = {}
    plan: list[_Step] = []
    for mutation, digest in zip(mutations, digests, strict=True):
        row = logged.get(mutation.mutation_id)
        earlier = seen.get(mutation.mutation_id)
        if row is not None:
            if row.payload_hash != digest:
                raise _cloned()
            plan.append(_Step(digest, dict(row.outcome)))
        elif earlier is not None:
            if earlier != digest:
                raise _cloned()
            plan.append(_Step(digest, None, repeat=True))  # the first one's outcome
        elif mutation.mutation_id <= purged_through:
            plan.append(_Step(digest, _expired(mutation)))
        elif mutation.mutation_id <= last_before:
            raise _cloned()
        else:
            seen[mutation.mutation_id] = digest
            plan.append(_Step(digest, None))
    return plan


def _expired(mutation: Mutation) -> dict[str, Any]:
    """The outcome of a replay whose log entry was purged: settled, result unknown."""
    return MutationOutcome(
        mutation_id=mutation.mutation_id, status="applied", code=REPLAY_EXPIRED
    ).model_dump(mode="json")


def _precheck(mutations: Sequence[Mutation]) -> dict[int, tuple[Mutation, dict[str, Any]]]:
    """The fields of each plain create that pass `check_entity` as sent, by the mutation's
    id(): `_create` skips the check when it would check the very same values (issue 23:
    the check is pure, and run here it is not run under the counter's lock). A create
    whose fields `_create` changes (a child placed in its parent's grid, a case's or a
    task's starting state) or that fails here is checked there as before, in its turn."""
    checked: dict[int, tuple[Mutation, dict[str, Any]]] = {}
    for mutation in mutations:
        if (
            mutation.op != "create"
            or mutation.full_state
            or mutation.entity not in SYNC_ENTITIES
            or mutation.entity in ("case", "task")
        ):
            continue
        try:
            fields = _fields(mutation, for_create=True)
            check_entity(mutation.entity, mutation.record_id, fields)
        except Exception:  # any failure: checked in its turn, after the
            continue  # checks before it (a wrong type is refused there, not raised here)
        checked[id(mutation)] = (mutation, fields)
    return checked


def _same_values(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same keys with the same values, of the same types (1, 1.0 and True differ)."""
    if list(a) == list(b) and all(map(operator.is_, a.values(), b.values())):
        # The same objects in the same key order (a create's copy of its prechecked
        # fields): no value needs comparing (issue 23).
        return True
    return len(a) == len(b) and all(
        k in b and (b[k] is v or (type(b[k]) is type(v) and b[k] == v)) for k, v in a.items()
    )


class _Records:
    """The stored records a batch names, read with one query per entity and CHUNK ids.

    Holds them strongly (the session's identity map is weak) and learns the records the
    batch creates; a key it was never asked about, or any key after `forget`, goes to
    the session as before.

    Plain creates are not ORM objects: their rows wait in `pending` and go in at once
    (`insert_pending`: COPY on PostgreSQL, one executemany on SQLite, bulk.py), which a
    push of thousands of new records needs (the unit of work cost more than the rest of
    the create). Anything that may read a
    record from the database first inserts what is pending (`_apply_one`), and so does
    asking for a pending key here, so no query misses a record the batch created.
    """

    def __init__(self, s: Session, mutations: Sequence[Mutation]) -> None:
        self.s = s
        self.known: dict[tuple[str, str], Record | None] = {}
        self.pending: dict[tuple[str, str], dict[str, Any]] = {}
        self.inserted: set[tuple[str, str]] = set()
        self.text_clean = False  # the raw body was scanned: no check_text (apply_push)
        # Creates whose own fields passed check_entity before the lock (_precheck).
        self.prechecked: dict[int, tuple[Mutation, dict[str, Any]]] = {}
        self._id_secret: bytes | None = None
        by_entity: dict[str, list[str]] = {}
        for m in mutations:
            if m.op != "command":
                by_entity.setdefault(m.entity, []).append(m.record_id)
            parent = parent_key(m.entity, m.payload) if m.op == "create" else None
            if parent is not None:  # a new child lives in its parent's grid (_create)
                by_entity.setdefault(parent[0], []).append(parent[1])
        for entity, ids in by_entity.items():
            unique = list(dict.fromkeys(ids))
            for begin in range(0, len(unique), CHUNK):
                chunk = unique[begin : begin + CHUNK]
                self.known.update({(entity, i): None for i in chunk})
                for record in bulk.stored_records(s, entity, chunk):
                    self.known[(entity, record.id)] = record
        # The checks of what each mutation sent, with the records its references name.
        self.guard = authz.BatchGuard(s, mutations, self.peek, read=self.known)

    def peek(self, entity: str, record_id: str) -> Record | dict[str, Any] | Any | None:
        """What the batch knows of a record without asking the database: a row waiting to
        be inserted, a stored record, None (named by the batch, not there), or Ellipsis
        (not known here)."""
        key = (entity, record_id)
        if key in self.pending:
            return self.pending[key]
        if key in self.known:
            return self.known[key]
        if key in self.inserted:
            return self.s.get(Record, key)
        return ...

    def get(self, entity: str, record_id: str) -> Record | None:
        key = (entity, record_id)
        if key in self.pending:
            self.insert_pending()
        if key in self.known:
            return self.known[key]
        return self.s.get(Record, key)

    def grid_of(self, entity: str, record_id: str) -> str | None:
        """The grid of a stored (or pending) record, without inserting what is pending."""
        key = (entity, record_id)
        if key in self.pending:
            return str(self.pending[key]["grid_code"])
        if key not in self.known:
            self.known[key] = self.s.get(Record, key)
        found = self.known[key]
        return found.grid_code if found is not None else None

    def created(self, record: Record) -> None:
        self.known[(record.entity, record.id)] = record

    def create_later(self, values: dict[str, Any]) -> None:
        """A new record's row (merge.new_record_values), inserted by `insert_pending`."""
        key = (values["entity"], values["id"])
        self.known.pop(key, None)
        self.pending[key] = values

    def id_secret(self) -> bytes:
        """The district's id secret (natural_keys.py), read once per push."""
        if self._id_secret is None:
            self._id_secret = natural_keys.id_secret(self.s)
        return self._id_secret

    def insert_pending(self) -> None:
        if self.pending:
            bulk.insert_rows(self.s, _RECORD_TABLE, list(self.pending.values()))
            self.inserted.update(self.pending)
            self.pending.clear()

    def forget(self) -> None:
        """After a rollback: what was read or created may no longer be so. A row inserted
        here and loaded since is in the session's identity map, which a rollback does not
        clear of it (the ORM did not insert it): it goes, so `get` asks the database."""
        self.known.clear()
        self.pending.clear()
        for key in self.inserted:
            loaded = self.s.identity_map.get(identity_key(Record, key))
            if loaded is not None:
                self.s.expunge(loaded)
        self.inserted.clear()


# What rejects one mutation (its savepoint rolls back) rather than the whole push.
_REJECTIONS = (Rejected, DomainError, ValueError, TypeError)


def _apply_batch(
    s: Session, actor: Actor, todo: Sequence[Mutation], lang: str, records: _Records
) -> list[MutationOutcome]:
    """Apply mutations in order, one outcome each, as if each ran in its own savepoint.

    A savepoint per mutation costs a round trip and a flush each; so the batch runs in
    one savepoint, with one flush at its end. When a mutation is rejected, that savepoint
    rolls back, the mutations before the rejected one run again in savepoints of their
    own (they do the same again: nothing else ran in between), the rejected one is
    recorded, and the rest of the batch goes on in a new shared savepoint. A rejection
    at the final flush, which names no mutation, reruns the rest one by one.
    """
    out: list[MutationOutcome] = []
    begin = 0
    while begin < len(todo):
        done: list[MutationOutcome] = []
        failed_at: int | None = None
        try:
            with s.begin_nested():
                for mutation in todo[begin:]:
                    try:
                        done.append(_apply_one(s, actor, mutation, records))
                    except _REJECTIONS:
                        failed_at = begin + len(done)
                        raise
                records.insert_pending()
        except _REJECTIONS:
            records.forget()
            end = len(todo) - 1 if failed_at is None else failed_at
            out += [_apply_in_savepoint(s, actor, m, lang, records) for m in todo[begin : end + 1]]
            begin = end + 1
            continue
        out += done
        break
    return out


def _apply_in_savepoint(
    s: Session, actor: Actor, mutation: Mutation, lang: str, records: _Records
) -> MutationOutcome:
    try:
        with s.begin_nested():
            outcome = _apply_one(s, actor, mutation, records)
            records.insert_pending()
            return outcome
    except Rejected as exc:
        records.forget()
        authz.note_refusal(
            s, username=actor.username, device_id=actor.device_id, mutation=mutation, exc=exc
        )
        return _rejected(mutation, exc.code, exc.reason(lang))
    except DomainError as exc:
        records.forget()
        return _rejected(mutation, ErrorCode.validation.value, exc.message(lang))
    except (ValueError, TypeError) as exc:
        records.forget()
        return _rejected(mutation, ErrorCode.validation.value, str(exc))


@dataclass(frozen=True)
class _Target:
    """A record-level mutation after the checks that do not need the stored record."""

    mutation: Mutation
    entity: str
    author: str  # the person (shown as the author of a field or a conflict)
    device: str | None  # the laptop: who changed a field, for the merge


def _apply_one(s: Session, actor: Actor, mutation: Mutation, records: _Records) -> MutationOutcome:
    before = None
    if mutation.entity == shared_reach.SHARED_ENTITY and mutation.op == "update":
        found = records.get(mutation.entity, mutation.record_id)
        before = shared_reach.other_grids(found.data) if found is not None else None
    outcome = _apply_mutation(s, actor, mutation, records)
    if before is not None:
        record = records.get(mutation.entity, mutation.record_id)
        shared_reach.record_dropped_grids(s, record, before)
    if mutation.entity in points.TOUCHED and mutation.op != "command":
        records.insert_pending()  # the balance reads this push's records too
        points.after_mutation(s, mutation, author=actor.username, now=actor.now)
    return outcome


def _apply_mutation(
    s: Session, actor: Actor, mutation: Mutation, records: _Records
) -> MutationOutcome:
    scope = actor.scope
    if not records.text_clean:
        check_text(mutation.payload)
        check_text(mutation.record_id)
    if mutation.entity not in SYNC_ENTITIES:
        raise Rejected(
            "validation",
            f"未知的记录类型：{mutation.entity}",
            f"Unknown record type: {mutation.entity}",
        )
    _check_grid_code(mutation.grid_code)
    authz.check_role_writes(scope, mutation.entity)
    records.guard.check_sent(scope, actor.supervisor_level, mutation)
    if not _deferrable(actor, mutation):
        records.insert_pending()  # what follows may read records from the database
    if mutation.op == "command" or mutation.entity in COMMAND_ENTITIES:
        if mutation.op != "command" or mutation.entity not in COMMAND_ENTITIES:
            raise Rejected(
                "validation",
                "办理操作只能以命令提交，且不能修改或删除",
                "Workflow actions are pushed as commands and never changed or deleted",
            )
        # A restore re-send of an action runs at its original time (restore.py).
        by = restore.restore_actor(actor, mutation) if mutation.full_state else actor
        if mutation.entity == "task_action":
            return tasks.apply_task_command(s, by, mutation)
        return apply_command(s, by, mutation)
    # A change made while the laptop still had the grid is handed over (handover.py).
    authz.check_sent_grid(
        scope, mutation, lambda grid, base: handover.had_grid(s, actor, grid, base)
    )
    record = records.get(mutation.entity, mutation.record_id)
    target = _Target(mutation, mutation.entity, scope.username, actor.device_id)
    if mutation.full_state and mutation.op in ("create", "delete"):
        return restore.apply_restore(
            s,
            actor,
            mutation,
            record,
            author=target.author,
            device=target.device,
            case_draft=CASE_DRAFT,
        )
    points.check_settlement(scope, mutation.entity, mutation.payload)
    if mutation.op == "create":
        return _create(s, actor, target, record, records)
    if record is None:
        if mutation.op == "update" and mutation.full_state:
            # Re-sent after a restore that predates the record: it is a create again.
            return _create(s, actor, target, None, records)
        # Purged, never there, or someone else's: one answer (docs/design.md §4).
        raise authz.missing(mutation.entity, mutation.record_id)
    if mutation.op == "update":
        incoming = _fields(mutation, for_create=False)
        return _update_existing(
            s,
            actor,
            target,
            record,
            incoming,
            mutation.base_version,
            bases=mutation.bases,
            seen=mutation.seen,
            records=records,
        )
    return _delete(s, actor, target, record)


@functools.lru_cache(maxsize=4096)
def _check_grid_code(code: str) -> None:
    """validate_grid_code, once per code: a push names a few grids in hundreds of
    mutations (a refused code raises every time: an exception is not cached)."""
    validate_grid_code(code)


def _deferrable(actor: Actor, mutation: Mutation) -> bool:
    """A create whose checks read no other record: its row may wait in `pending`. An
    attachment reads its case, and a department's create checks the case too."""
    return (
        mutation.op == "create"
        and not mutation.full_state
        and mutation.entity not in ("attachment", "case_action", "task")
        and actor.scope.role != "department"
    )


def _fields(mutation: Mutation, *, for_create: bool) -> dict[str, Any]:
    """The payload's fields, checked against the envelope (unknown fields and wrong types
    were refused before: authz.check_fields)."""
    payload = mutation.payload
    if payload.get("id", mutation.record_id) != mutation.record_id:
        raise Rejected("validation", "记录编号不一致", "The payload id does not match the record")
    fields = {k: v for k, v in payload.items() if k not in ENVELOPE}
    fields = points.strip_server_fields(mutation.entity, fields)  # the server's (points.py)
    if for_create:
        if fields.get(GRID, mutation.grid_code) != mutation.grid_code:
            raise Rejected("validation", "网格编码不一致", "The payload grid code does not match")
        fields[GRID] = mutation.grid_code
    elif GRID in fields:
        _check_grid_code(str(fields[GRID]))
    if for_create or mutation.full_state:
        return fields  # may set workflow fields (issue 23, round 6: not worked out for it)
    locked = set(fields) & command_fields(mutation.entity)
    if locked:
        raise Rejected(
            "validation",
            "事件状态只能通过办理操作改变",
            "A case's state changes only through workflow actions: " + ", ".join(sorted(locked)),
        )
    return fields


def _case_department(s: Session, entity: str, fields: dict[str, Any]) -> str | None:
    """The department an attachment of a case follows (None for other records)."""
    if entity != "attachment" or fields.get("owner_entity") != "case":
        return None
    case = s.get(Record, ("case", str(fields.get("owner_id"))))
    return case.department_id if case is not None else None


def _create(
    s: Session, actor: Actor, target: _Target, record: Record | None, records: _Records
) -> MutationOutcome:
    mutation = target.mutation
    checked = records.prechecked.get(id(mutation))
    if checked is not None and checked[0] is mutation:
        fields = dict(checked[1])  # what _fields gave (it reads the mutation alone)
    else:
        fields = _fields(mutation, for_create=True)
    locked = command_fields(target.entity)
    if record is not None:
        # The same deterministic id created elsewhere (one roster, two laptops): an edit of
        # the fields this create set, from nothing (merge_update, `create`). Workflow
        # fields are not a create's to set on a live record.
        incoming = {k: v for k, v in fields.items() if k not in locked}
        return _update_existing(
            s, actor, target, record, incoming, 0, seen=mutation.seen, create=True, records=records
        )
    # A new child lives in its parent's grid (children.py); the pusher must cover it.
    grid = parent_grid(actor.scope, mutation, fields, records.grid_of)
    fields[GRID] = grid
    off_key = target.entity in ("household", "resident") and natural_keys.check_new(
        s,  # one live household per grid and 户号, resident per ID number (natural_keys.py)
        target.entity,
        mutation.record_id,
        fields,
        secret=records.id_secret(),
        lookup=records.get,
    )
    if target.entity == "case":
        fields.update(CASE_DRAFT)
        fields["case_no"] = assign_case_no(s, grid, actor.now)
    elif target.entity == "task":
        fields.update(tasks.TASK_NEW)
        check_task(s, actor.scope, grid, fields)
    elif target.entity in ("notice", "notice_read"):
        notices.check_new(actor, target.entity, fields)
    if actor.scope.role == "department":
        authz.check_department_attachment(s, actor.scope, mutation.grid_code, fields)
    authz.check_restricted(actor.scope, target.entity, grid, fields)
    if checked is None or checked[0] is not mutation or not _same_values(checked[1], fields):
        check_entity(target.entity, mutation.record_id, fields)
    status: OutcomeStatus = "applied"
    start = {"case": CASE_DRAFT, "task": tasks.TASK_NEW}.get(target.entity, {})
    if any(f in mutation.payload and mutation.payload[f] != v for f, v in start.items()):
        status = "merged"  # the laptop's workflow fields were replaced: send the truth back
    if grid != mutation.grid_code:
        status = "merged"  # placed in its parent's grid: the laptop learns where
    deferred = _deferrable(actor, mutation)
    values = new_record_values(
        next_seq(s),
        entity=target.entity,
        record_id=mutation.record_id,
        grid_code=grid,
        data=fields,
        author=target.author,
        now=actor.now,
        department_id=None if deferred else _case_department(s, target.entity, fields),
        device=target.device,
    )
    version = int(values["version"])
    if off_key:
        natural_keys.made_off_key(
            s, target.entity, mutation.record_id, fields, version, secret=records.id_secret()
        )
    if target.entity == "case":
        # Its number is the server's news: a change of its own after the create, with no
        # device stamp, so that the sender's next pull brings it back (as a workflow
        # change does); the outcome names the create's version.
        numbered = next_seq(s)
        values["version"] = numbered
        values["field_meta"]["case_no"] = [numbered, target.author]
    if deferred:
        records.create_later(values)
    else:
        created = Record(**values)
        s.add(created)  # flushed with the batch, or by the next query
        records.created(created)
    if status == "applied":
        return applied_outcome(mutation.mutation_id, version)
    # What record_values gives for the stored row.
    as_stored = {"id": values["id"], GRID: values["grid_code"], DELETED: False, **values["data"]}
    return MutationOutcome(
        mutation_id=mutation.mutation_id, status=status, version=version, record=as_stored
    )


def _update_existing(
    s: Session,
    actor: Actor,
    target: _Target,
    record: Record,
    incoming: dict[str, Any],
    base_version: int,
    *,
    bases: dict[str, int] | None = None,
    seen: dict[str, Any] | None = None,
    create: bool = False,
    records: _Records | None = None,
) -> MutationOutcome:
    mutation = target.mutation
    if handover.left_scope(s, actor, record, base_version):
        return handover.hand_over(s, actor, mutation, record, incoming, author=target.author)
    authz.check_existing(actor.scope, record, incoming.get(GRID))
    shared_reach.check_co_grid(actor.scope, record, incoming)
    if record.restricted or target.entity == "resident_tag":
        authz.check_restricted_change(actor.scope, target.entity, record, incoming)
    # A full-state re-send carries the workflow fields; only actions may set them.
    incoming = {k: v for k, v in incoming.items() if k not in command_fields(target.entity)}
    current = current_values(record)
    if record.deleted:
        fields = edit_against_delete(current, record.field_meta, incoming, author=target.author)
        conflict = open_conflict(
            s,
            kind="delete",
            entity=target.entity,
            record_id=record.id,
            grid_code=record.grid_code,
            fields=fields,
            author=target.author,
            now=actor.now,
            meta=record.field_meta,
            device=target.device,
        )
        return MutationOutcome(
            mutation_id=mutation.mutation_id,
            status="conflict",
            version=record.version,
            record=record_values(record),
            conflict_id=conflict.id,
        )
    result = merge_update(
        current,
        record.field_meta,
        incoming,
        base_version=base_version,
        author=target.author,
        device=target.device,
        bases=bases,
        seen=seen,
        create=create,
        guards=GUARD_FIELDS.get(target.entity, frozenset()),
    )
    if result.changes:
        check_entity(target.entity, record.id, {**current, **result.changes})
    if target.entity == "task" and NAMING_FIELDS & set(result.changes):
        merged = {**current, **result.changes}
        check_task(s, actor.scope, str(merged[GRID]), merged)
    owner_changed = target.entity == "attachment" and {"owner_entity", "owner_id"} & set(
        result.changes
    )
    if owner_changed and actor.scope.role == "department":
        moved = {**record.data, **result.changes}
        authz.check_department_attachment(s, actor.scope, mutation.grid_code, moved)
    moved_from = record.grid_code
    author, device = target.author, target.device
    seq = write_changes(s, record, result.changes, author=author, now=actor.now, device=device)
    natural_keys.after_write(
        s, record, result.changes, seq, lookup=records.get if records is not None else None
    )
    # A record moving to another grid takes its children along (children.py), so that the
    # new grid's clients get all of it and the old grid's evict all of it.
    move_children(s, record, moved_from, author=author, now=actor.now)
    if owner_changed:
        record.department_id = _case_department(s, target.entity, record.data)
    conflict_id = None
    if result.conflicts:
        conflict_id = open_conflict(
            s,
            kind="field",
            entity=target.entity,
            record_id=record.id,
            grid_code=record.grid_code,
            fields=list(result.conflicts),
            author=target.author,
            now=actor.now,
            meta=record.field_meta,
            device=target.device,
        ).id
    status = result.status
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status=status,
        version=record.version,
        record=None if status == "applied" else record_values(record),
        conflict_id=conflict_id,
    )


def _delete(s: Session, actor: Actor, target: _Target, record: Record) -> MutationOutcome:
    mutation = target.mutation
    if handover.left_scope(s, actor, record, mutation.base_version):
        return handover.hand_over(s, actor, mutation, record, None, author=target.author)
    authz.check_existing(actor.scope, record, None)
    shared_reach.check_co_grid(actor.scope, record, None)
    authz.check_restricted(actor.scope, target.entity, record.grid_code, record.data)
    if record.deleted:
        # Deleted twice (two laptops): the same outcome, nothing to change.
        return MutationOutcome(
            mutation_id=mutation.mutation_id, status="applied", version=record.version
        )
    fields = delete_conflicts(
        current_values(record),
        record.field_meta,
        base_version=mutation.base_version,
        author=target.author,
        device=target.device,
    )
    if fields:
        conflict = open_conflict(
            s,
            kind="delete",
            entity=target.entity,
            record_id=record.id,
            grid_code=record.grid_code,
            fields=fields,
            author=target.author,
            now=actor.now,
            meta=record.field_meta,
            device=target.device,
        )
        return MutationOutcome(
            mutation_id=mutation.mutation_id,
            status="conflict",
            version=record.version,
            record=record_values(record),
            conflict_id=conflict.id,
        )
    write_changes(
        s, record, {"deleted": True}, author=target.author, now=actor.now, device=target.device
    )
    return MutationOutcome(
        mutation_id=mutation.mutation_id, status="applied", version=record.version
    )
