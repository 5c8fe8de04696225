"""Who may write what, and one answer for "not yours" and "does not exist" (docs/design.md §4, §6).

Push (push.py), restore re-sends (restore.py) and workflow commands (commands.py) call
these checks; push itself only applies what they let through. Attachment downloads use
`readable`. The rules:

- A record the caller may not write and a record that does not exist get the same
  refusal (`Unreachable`): the same code and text, reached through the same steps (the
  stored record comes from what the batch prefetched either way), and both are written
  to the audit log. So neither the answer, its timing nor any count tells them apart.
- Checks that depend only on what the caller sent run first, before the stored record
  is looked at, so they too answer the same whether it exists or not: fields the server
  does not know or of the wrong JSON type, a special-group tag the caller may not
  write, a tag id that is not the one its content derives (special_tags.py), every
  reference the record makes, and the workflow role of a command.
- Every reference a pushed record makes (its household, resident, visit, site,
  inspection, rectification, need, building, house, an attachment's owner) must not
  name a record outside the caller's write scope (refused as `Unreachable`). A
  reference to a record the server does not hold yet is accepted: offline work
  coalesced on the laptop makes them (a resident created, then moved to a household
  created after it: the resident's create carries the later household's id, possibly in
  a later batch). The server derives nothing from such a reference. Nothing may
  reference a special-group tag (an attachment's owner may not be a tag).
- Except the references in `MUST_EXIST` (a flat's building): these must name a live
  record the caller may write, one created earlier in the same batch included; one that
  does not exist, is deleted or is out of scope gets one refusal (`ParentMissing`: the
  code `out_of_scope`, words naming the reference), audited like `Unreachable`.

What remains observable, by design (docs/reliability.md): a create of, or a reference to,
a record with a district-wide natural key (a resident by ID number, a household by grid
and 户号) tells whether such a record exists somewhere, because such ids are the same on
every laptop of the district on purpose (one person, one record). Such attempts touch a
record outside the caller's scope and are written to the audit log (`push_unreachable`).
- A workflow action the caller's role can never take (a worker's dispatch, an
  adviser's close) is refused outright: it is not stored as a rejected action with a
  workflow conflict on a supervisor's desk.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from gridworker.domain.declare import FieldDecl, declaration
from gridworker.domain.entities import CLOSE_OUT_FIELDS, DECLARED, SYNC_ENTITIES
from gridworker.domain.enums import CaseActionKind, RectificationStatus, Role, SupervisorLevel
from gridworker.domain.enums_field import TaskActionKind
from gridworker.domain.permissions import Cap, may, may_read
from gridworker.domain.task_workflow import may_ever_act_on_task
from gridworker.domain.workflow import may_ever_act
from gridworker.protocol import Mutation
from gridworker.server import audit, bulk, shared_reach, special_tags
from gridworker.server.merge import ENVELOPE, Rejected, is_restricted
from gridworker.server.meta import get_special_id_secret
from gridworker.server.models import Record
from gridworker.server.scope import Scope

# Ids per IN (...) list, as in push.py.
_CHUNK = 500

# (field, entity it names) per entity, from the declarations' references (`declare.ref`).
# An attachment's owner is (owner_entity, owner_id). A need's `case_id` is not one: it is
# the back-link of the case's `need_id` (checked), set in the same local transaction that
# creates the case, so the laptop's create of the need often carries it before the case
# exists (two unsent edits coalesce). The server derives nothing from it and never
# follows it.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    d.name: d.references for d in DECLARED if d.references and not d.command
}


class Unreachable(Rejected):
    """The one refusal for a record that is not the caller's or does not exist.

    `why` and `existed` are for the audit log only; the caller sees code and text,
    which are the same in every case."""

    def __init__(self, entity: str, record_id: str, *, why: str, existed: bool) -> None:
        super().__init__(
            "out_of_scope",
            "该记录不存在，或不在您的管辖范围内",
            "No such record within your scope (it does not exist, or it is not yours)",
        )
        self.entity = entity
        self.record_id = record_id
        self.why = why
        self.existed = existed


class ParentMissing(Unreachable):
    """A record whose parent must be there (`MUST_EXIST`) names one that does not exist,
    is deleted, or is outside the caller's scope: one answer for all three, audited as an
    `Unreachable` is."""

    def __init__(
        self, entity: str, record_id: str, *, why: str, existed: bool, zh: str, en: str
    ) -> None:
        super().__init__(entity, record_id, why=why, existed=existed)
        self.zh, self.en = zh, en  # the code stays `out_of_scope`: one answer, as ever
        self.args = (en,)


# The references that must name a live record the caller may write, and the words of the
# refusal: (entity, field) -> (zh, en). A flat's building: the laptop writes a building
# before its flats (in one transaction, the building first in the outbox), so a flat
# whose building the server does not hold has lost it (deleted, purged, another scope).
MUST_EXIST: dict[tuple[str, str], tuple[str, str]] = {
    ("house", "building_id"): (
        "房屋所属的楼栋不存在、已被删除，或不在您的管辖范围内：服务器没有接受这套房屋",
        "The flat's building does not exist, was deleted, or is outside your scope: the "
        "server did not take the flat",
    ),
}


# A stored Record, or the column values of a row the batch will insert.
Found = Record | Mapping[str, Any]


def _attr(found: Found, name: str) -> Any:
    return found[name] if isinstance(found, Mapping) else getattr(found, name)


def writable(scope: Scope, found: Found) -> bool:
    """Whether the caller may read and change this record (the same rule as pull's)."""
    grid = str(_attr(found, "grid_code"))
    if not scope.sees_entity(str(_attr(found, "entity"))):
        return False  # party building: no answer about such records at all (§22.2)
    if _attr(found, "restricted") and not scope.sees_restricted(grid):
        return False
    if scope.role == "department":
        department = _attr(found, "department_id")
        return department is not None and department == scope.department_id
    if scope.covers_grid(grid):
        return True
    # An organization covering several grids: those of any of its grids edit it too, but
    # only its first grid's change its grids or delete it (shared_reach.check_co_grid).
    return shared_reach.covers_any(
        str(_attr(found, "entity")), _attr(found, "data"), scope.covers_grid
    )


def readable(scope: Scope, record: Record) -> bool:
    """Pull's rule: grid in scope, or a department's dispatched case (and its children);
    special-group rows only where the caller may see them."""
    if not scope.sees_entity(record.entity):
        return False
    if record.restricted and not scope.sees_restricted(record.grid_code):
        return False
    if scope.covers_grid(record.grid_code):
        return True
    if shared_reach.covers_any(record.entity, record.data, scope.covers_grid):
        return True  # an organization covering several grids (shared_reach.py)
    return scope.department_id is not None and record.department_id == scope.department_id


def missing(entity: str, record_id: str) -> Unreachable:
    """The refusal for a record that does not exist: the same as for one not the caller's."""
    return Unreachable(entity, record_id, why="missing", existed=False)


def check_target(scope: Scope, entity: str, record_id: str, record: Found | None) -> None:
    """The record a mutation changes: it must exist and be the caller's, one answer for both."""
    if record is None:
        raise missing(entity, record_id)
    if not writable(scope, record):
        raise Unreachable(entity, record_id, why="not_yours", existed=True)


def out_of_scope(entity: str = "") -> Rejected:
    if entity == "task":
        return Rejected(
            "out_of_scope",
            "该网格不在您的管辖范围内，不能向它下发任务",
            "The grid is outside your area: you cannot send it a task",
        )
    return Rejected("out_of_scope", "该记录不在您管辖的网格内", "The record is outside your grids")


def check_role_writes(scope: Scope, entity: str) -> None:
    """The role table: may this role change this kind of record at all."""
    if not scope.may_write(entity):
        raise Rejected(
            "forbidden",
            "您的角色不能修改这类记录",
            f"Your role may not change {entity} records",
        )


def check_sent_grid(scope: Scope, mutation: Mutation, had: Callable[[str, int], bool]) -> None:
    """The grid a mutation names must be the caller's. A change from a copy the laptop had
    while the grid was its own (`had(grid, base)`: handover.had_grid, read only when
    needed) passes here and is handed over by push. A department's reach is its cases,
    checked per record."""
    if scope.role == "department" or scope.covers_grid(mutation.grid_code):
        return
    if mutation.entity == shared_reach.SHARED_ENTITY and mutation.op != "create":
        return  # reached through another of its grids: checked on the stored record
    if mutation.op == "create" or not had(mutation.grid_code, mutation.base_version):
        raise out_of_scope(mutation.entity)


def check_existing(scope: Scope, record: Record, new_grid: Any) -> None:
    """Changing a record needs its current grid; moving it needs the new one too."""
    check_target(scope, record.entity, record.id, record)
    if scope.role == "department":
        if new_grid is not None and new_grid != record.grid_code:
            raise Rejected("forbidden", "部门不能移动记录", "A department may not move records")
        return
    if new_grid is not None and not scope.covers_grid(str(new_grid)):
        raise Rejected(
            "out_of_scope",
            "不能把记录移到您管辖范围外的网格",
            "The record cannot move to a grid outside your scope",
        )


def check_restricted(scope: Scope, entity: str, grid_code: str, data: Mapping[str, Any]) -> None:
    """A special-group tag is written only by those who may see it (docs/design.md §6)."""
    if is_restricted(entity, data) and not scope.sees_restricted(grid_code):
        raise special_tag_refusal()


def check_restricted_change(
    scope: Scope, entity: str, record: Record, incoming: Mapping[str, Any]
) -> None:
    """Both the tag as stored and the tag it would become."""
    check_restricted(scope, entity, record.grid_code, record.data)
    check_restricted(scope, entity, record.grid_code, {**record.data, **incoming})


def check_department_attachment(
    s: Session, scope: Scope, grid_code: str, fields: Mapping[str, Any]
) -> None:
    """A department attaches files only to cases dispatched to it, in the case's grid."""
    case = None
    owner = str(fields.get("owner_id"))
    if fields.get("owner_entity") == "case":
        case = s.get(Record, ("case", owner))
    check_target(scope, "case", owner, case)  # one answer: missing or not its
    assert case is not None
    if case.grid_code != grid_code:
        raise Rejected("validation", "附件的网格须与事件一致", "Use the case's grid code")


def check_own_action(scope: Scope, payload: Mapping[str, Any]) -> None:
    """A workflow action is pushed by the person who took it, in the role they took it in."""
    for key, mine in (("actor", scope.username), ("actor_role", scope.role)):
        if payload.get(key, mine) != mine:
            raise Rejected(
                "forbidden",
                "只能提交本人的办理操作",
                "Only your own workflow actions can be pushed",
            )


# --- what the caller sent ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _FieldType:
    kinds: tuple[type, ...]
    optional: bool


_TYPES: dict[str, dict[str, _FieldType]] = {}


def _wire_kinds(field: FieldDecl) -> _FieldType:
    kinds: list[type] = []
    for arg in field.kinds:
        if issubclass(arg, Enum) or arg in (date, datetime, str):
            kinds.append(str)  # enums travel as their code, dates as ISO text
        elif arg is bool:
            kinds.append(bool)
        elif arg is int:
            kinds.append(int)
        elif arg is float:
            kinds += [int, float]
        else:
            kinds.append(arg)
    return _FieldType(tuple(dict.fromkeys(kinds)), field.optional)


def field_types(entity: str) -> dict[str, _FieldType]:
    """The fields an entity has on the wire and the JSON types each accepts (from its
    declaration)."""
    cached = _TYPES.get(entity)
    if cached is None:
        decl = declaration(entity)
        cached = {f.name: _wire_kinds(f) for f in decl.fields.values() if f.name not in ENVELOPE}
        _TYPES[entity] = cached
    return cached


def _type_ok(spec: _FieldType, value: Any) -> bool:
    if value is None:
        return spec.optional
    if isinstance(value, bool):
        return bool in spec.kinds
    return isinstance(value, spec.kinds)


# A value of each type a JSON parser gives: `_type_ok` of one depends on its type alone.
_JSON_SAMPLES: tuple[Any, ...] = (None, True, 0, 0.0, "", [], {})
_EXACT: dict[str, dict[str, frozenset[type]]] = {}
_NO_TYPES: frozenset[type] = frozenset()


def _exact_types(entity: str) -> dict[str, frozenset[type]]:
    """Per field, the exact types of parsed JSON that `_type_ok` accepts, worked out by
    asking it once per type: `type(value) in` the set is its answer for a value of one of
    these types, without a call per field (issue 23, round 6)."""
    found = _EXACT.get(entity)
    if found is None:
        found = _EXACT[entity] = {
            name: frozenset(type(v) for v in _JSON_SAMPLES if _type_ok(spec, v))
            for name, spec in field_types(entity).items()
        }
    return found


_ANY_JSON: frozenset[type] = frozenset(type(v) for v in _JSON_SAMPLES)
_EXACT_SENT: dict[str, dict[str, frozenset[type]]] = {}


def _check_payload_fields(entity: str, payload: Mapping[str, Any]) -> None:
    """`check_fields(entity, payload without its envelope keys)` without the copy when
    every field passes (issue 23, round 6): an envelope key takes any JSON value here, as
    leaving it out would."""
    exact = _EXACT_SENT.get(entity)
    if exact is None:
        exact = _EXACT_SENT[entity] = {**_exact_types(entity), **dict.fromkeys(ENVELOPE, _ANY_JSON)}
    for name, value in payload.items():
        if type(value) not in exact.get(name, _NO_TYPES):
            break
    else:
        return
    check_fields(entity, {k: v for k, v in payload.items() if k not in ENVELOPE})


# The entities whose create or update `check_sent` reads only named fields that are never
# an envelope key (the types, the parents, the references): it reads their payload as sent.
_READ_AS_SENT = frozenset(SYNC_ENTITIES) - {"rectification", "resident_tag", "attachment"}


def check_fields(entity: str, fields: Mapping[str, Any]) -> None:
    """Refuse a field the server does not know, or a value of the wrong JSON type (a name
    as a number, a phone as a list). The message names the fields, never the values."""
    exact = _exact_types(entity)
    # The common case first, in one pass (issue 23): every field known, its value of a
    # type the field takes. Anything else (an unknown field, a wrong type, a subclass of
    # a JSON type) goes through `_type_ok` below, which decides.
    for name, value in fields.items():
        if type(value) not in exact.get(name, _NO_TYPES):
            break
    else:
        return
    known = field_types(entity)
    unknown = sorted(name for name in fields if name not in known)
    if unknown:
        names = ", ".join(unknown[:5])
        raise Rejected("validation", f"未知字段：{names}", f"Unknown fields: {names}")
    wrong = sorted(name for name, value in fields.items() if not _type_ok(known[name], value))
    if wrong:
        names = ", ".join(wrong[:5])
        raise Rejected(
            "validation", f"字段类型不正确：{names}", f"Values of the wrong type: {names}"
        )


def check_action_role(
    scope: Scope, level: SupervisorLevel | None, payload: Mapping[str, Any]
) -> None:
    """A workflow action the caller's role can take in no state is refused outright."""
    if "task_id" in payload:
        _check_task_action_role(scope, payload)
        return
    try:
        kind = CaseActionKind.parse(str(payload.get("action")))
        role = Role.parse(scope.role)
    except ValueError:
        return  # an unknown action is the domain validation's to refuse
    if not may_ever_act(role, kind, supervisor_level=level):
        raise Rejected(
            "forbidden",
            f"您的角色不能执行“{kind.zh}”操作",
            f"Your role may not take the action {kind.en!r}",
        )


def _check_task_action_role(scope: Scope, payload: Mapping[str, Any]) -> None:
    try:
        task_kind = TaskActionKind.parse(str(payload.get("action")))
        role = Role.parse(scope.role)
    except ValueError:
        return  # an unknown action is the domain validation's to refuse
    if not may_ever_act_on_task(role, task_kind):
        raise Rejected(
            "forbidden",
            f"您的角色不能对任务执行“{task_kind.zh}”",
            f"Your role may not take the task action {task_kind.en!r}",
        )


def check_close_out(scope: Scope, fields: Mapping[str, Any]) -> None:
    """销号 is the supervisor's (the role table's `close_out`): a rectification pushed as
    closed, or with any close-out field set, by another role is refused outright."""
    closing = fields.get("status") == RectificationStatus.closed.value or any(
        fields.get(name) is not None for name in CLOSE_OUT_FIELDS
    )
    if closing and not may(scope.role, Cap.close_out):
        raise Rejected(
            "forbidden",
            "只有督办员可以销号",
            "Only a supervisor may close out (销号) a rectification",
        )


def special_tag_refusal() -> Rejected:
    return Rejected(
        "out_of_scope",
        "特殊人群标签只有责任网格员和指定人员可以修改",
        "Only the responsible worker and named officers may change special-group tags",
    )


def references(entity: str, fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (entity, id) pairs a record's fields name (only the fields given)."""
    out: list[tuple[str, str]] = []
    for field, target in REFERENCES.get(entity, ()):
        value = fields.get(field)
        if value is not None:
            out.append((target, str(value)))
    if entity == "attachment" and ("owner_id" in fields or "owner_entity" in fields):
        owner_entity, owner_id = fields.get("owner_entity"), fields.get("owner_id")
        if owner_id is not None and owner_entity is None:
            # An update that moves a file to another record of the same kind sends only
            # the id: it must not name a record out of scope of any kind it could be.
            out.extend((kind, str(owner_id)) for kind in OWNER_KINDS)
        else:
            out.append((str(owner_entity), str(owner_id)))
    return out


# The fields `references` reads: none is an envelope key (`BatchGuard` passes it the
# payload as sent).
_REFERENCE_FIELDS = frozenset(
    {f for pairs in REFERENCES.values() for f, _target in pairs} | {"owner_id", "owner_entity"}
)
if _REFERENCE_FIELDS & ENVELOPE:
    raise RuntimeError("authz: a reference field is an envelope key; BatchGuard must copy")


# What an attachment may not belong to: a special-group tag (its id must never be asked
# about by reference), a workflow action (photos belong to the case), and a record only
# some roles receive (party building, §22.2: the attachment row itself reaches everyone
# covering the grid).
NO_ATTACHMENTS = frozenset({"resident_tag", "case_action"}) | frozenset(
    name
    for name, cls in SYNC_ENTITIES.items()
    if not all(may_read(role, declaration(cls).group) for role in Role)
)
OWNER_KINDS = tuple(sorted(set(SYNC_ENTITIES) - NO_ATTACHMENTS))


Peek = Callable[[str, str], Any]


class BatchGuard:
    """The checks of one push batch, with the records its references name read up front.

    `peek(entity, id)` is the batch's view of records it creates or names (push.py's
    `_Records.peek`): a stored Record, a row waiting to be inserted, None (named, not
    there) or Ellipsis (not named by the batch: this guard's prefetch answers). Looking
    a reference up costs the same whether it exists or not: both come from memory.
    """

    def __init__(
        self,
        session: Session,
        mutations: Sequence[Mutation],
        peek: Peek,
        read: Mapping[tuple[str, str], Record | None] | None = None,
    ) -> None:
        """`read`: what the caller has just read of the stored records (push.py's
        `_Records.known`: the same query in the same transaction, nothing written since),
        taken as it is rather than asked again (issue 23, round 6: a push's residents name
        the households its prefetch has read already)."""
        self.s = session
        self.peek = peek
        self._special_key: bytes | None = None
        self.found: dict[tuple[str, str], Record | None] = {}
        wanted: dict[str, set[str]] = {}
        for m in mutations:
            if m.op in ("create", "update") and m.entity in SYNC_ENTITIES:
                # The payload itself: `references` reads only fields that are never an
                # envelope key (_REFERENCE_FIELDS), so without them it gives the same
                # (issue 23, round 6: the copy cost as much as the rest of the loop).
                for entity, record_id in references(m.entity, m.payload):
                    if entity in SYNC_ENTITIES and len(record_id) <= 64:
                        key = (entity, record_id)
                        if read is not None and key in read:
                            self.found[key] = read[key]
                        else:
                            wanted.setdefault(entity, set()).add(record_id)
        for entity, ids in wanted.items():
            unique = sorted(ids)
            for begin in range(0, len(unique), _CHUNK):
                chunk = unique[begin : begin + _CHUNK]
                self.found.update({(entity, i): None for i in chunk})
                for record in bulk.stored_records(session, entity, chunk):
                    self.found[(entity, record.id)] = record

    @property
    def special_key(self) -> bytes:
        if self._special_key is None:
            self._special_key = get_special_id_secret(self.s)
        return self._special_key

    def lookup(self, entity: str, record_id: str) -> Found | None:
        seen = self.peek(entity, record_id)
        if seen is not Ellipsis:
            return typing.cast("Found | None", seen)
        return self.found.get((entity, record_id))

    def check_sent(self, scope: Scope, level: SupervisorLevel | None, mutation: Mutation) -> None:
        """Everything about a mutation that depends only on what was sent and on other
        records (never on the record it names): see the module docstring."""
        if mutation.op == "delete":
            return
        fields: Mapping[str, Any]
        if mutation.op != "command" and mutation.entity in _READ_AS_SENT:
            # What follows reads the same of the payload as of its copy without the
            # envelope keys (none is a type, a parent or a reference field): no copy.
            fields = mutation.payload
            _check_payload_fields(mutation.entity, fields)
        else:
            fields = {k: v for k, v in mutation.payload.items() if k not in ENVELOPE}
            check_fields(mutation.entity, fields)
        if mutation.op == "command":
            check_action_role(scope, level, fields)
            return
        if mutation.entity == "rectification":
            check_close_out(scope, fields)
        # A special-group tag (or a tag made one) is written only by those who may see it.
        sets_tag = mutation.op == "create" or "tag" in fields
        if (
            sets_tag
            and is_restricted(mutation.entity, fields)
            and not scope.sees_restricted(mutation.grid_code)
        ):
            raise special_tag_refusal()
        if mutation.entity == "resident_tag" and mutation.op == "create":
            special_tags.check_tag_id(mutation.record_id, fields, self.special_key)
        if mutation.entity == "attachment" and fields.get("owner_entity") in NO_ATTACHMENTS:
            raise Rejected(
                "validation",
                "附件不能挂在这类记录上",
                "Files cannot be attached to this kind of record",
            )
        self._check_parents(scope, mutation, fields)
        for entity, record_id in references(mutation.entity, fields):
            if entity not in SYNC_ENTITIES:
                continue  # the domain validation refuses an unknown owner entity
            found = self.lookup(entity, record_id)
            if found is not None and not writable(scope, found):
                raise Unreachable(entity, record_id, why="reference", existed=True)

    def _check_parents(self, scope: Scope, mutation: Mutation, fields: Mapping[str, Any]) -> None:
        """A reference in `MUST_EXIST` names a live record within the caller's scope: one
        created earlier in this batch counts (the batch's rows are seen as they are
        made), a later one in the batch does not. Looked up the same way whether it
        exists or not (from what the batch prefetched)."""
        for field, target in REFERENCES.get(mutation.entity, ()):
            words = MUST_EXIST.get((mutation.entity, field))
            value = fields.get(field)
            if words is None or value is None:
                continue
            record_id = str(value)
            found = self.lookup(target, record_id)
            if found is None:
                why, existed = "missing", False
            elif bool(_attr(found, "deleted")):
                why, existed = "deleted", True
            elif not writable(scope, found):
                why, existed = "reference", True
            else:
                continue
            zh, en = words
            raise ParentMissing(target, record_id, why=why, existed=existed, zh=zh, en=en)


def note_refusal(
    session: Session, *, username: str, device_id: str | None, mutation: Mutation, exc: Rejected
) -> None:
    """Audit a refusal that may be a probe for records outside the caller's scope (after
    the mutation's savepoint rolled back, in the push's transaction). Written whether or
    not the record existed, so the extra row costs both cases the same."""
    if not isinstance(exc, Unreachable):
        return
    audit.record(
        session,
        "push_unreachable",
        username=username,
        device_id=device_id,
        entity=exc.entity,
        record_id=exc.record_id[:64],
        detail={
            "op": mutation.op,
            "entity": mutation.entity,
            "why": exc.why,
            "existed": exc.existed,
        },
    )
