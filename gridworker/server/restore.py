"""Restore re-sends: what a laptop sends back after the server was restored from a backup
(docs/design.md §4).

After `new-epoch`, every laptop re-sends, as restore mutations (`full_state`, base = the
restored high-water mark, `restored_version` = the record's version in the old timeline),
the records the server acknowledged after the backup: a live record as a `create`, a
tombstone as a `delete`, its own workflow actions as the original commands with their
original times, in causal order (a record before its children and the actions on it).

One rule per field, `deleted` included:
- last changed at or below the high-water mark (the backup's value, or never set): the
  re-sent value wins, it is newer;
- last changed by another laptop's re-send: the copy with the higher old-timeline version
  wins, silently (both laptops are repeating what the server had once acknowledged; the
  newer copy saw the older);
- last changed since the restore by an ordinary edit: concurrent with everything re-sent,
  so two different non-empty values are a conflict (the new value stays the provisional
  winner) and an empty re-sent value is no change.
A re-sent delete of a record someone edited since the restore is a delete conflict; a
re-sent live record meeting a tombstone made since the restore is an edit against a delete.
Re-sending the same values from several laptops is no conflict. The outcome is always the
server's resulting record ("merged"), which the laptop takes. Once the purge has removed a
tombstone written since the restore (the horizon passed since), a live re-send of a record
the server lacks is refused (`restore_expired`): the server cannot tell it from a record
deleted and purged since, and will not bring that back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gridworker.protocol import ConflictField, Mutation, MutationOutcome
from gridworker.server import authz, meta, natural_keys, shared_reach
from gridworker.server.case_numbers import restored_case_no
from gridworker.server.children import move_children, parent_key
from gridworker.server.commands import Actor
from gridworker.server.conflicts import open_conflict
from gridworker.server.merge import (
    DELETED,
    ENVELOPE,
    GRID,
    Rejected,
    check_entity,
    command_fields,
    current_values,
    edit_against_delete,
    is_empty,
    last_change,
    new_record_values,
    record_values,
    restored_from,
    values_equal,
    write_changes,
)
from gridworker.server.models import Record
from gridworker.server.sequence import next_seq

_APPLY, _SKIP, _CONFLICT = "apply", "skip", "conflict"


def high_water(s: Session, mutation: Mutation) -> int:
    """The restored high-water mark (what the laptop was told), else the mutation's base."""
    mark = meta.get(s, meta.RESTORED_HIGH_WATER)
    return int(mark) if mark is not None else mutation.base_version


def resends_expired(s: Session) -> bool:
    """Whether the purge removed a tombstone written since the restore (its version is above
    the restored high-water mark): the tombstone horizon passed since the restore. A record
    the server lacks may then be one deleted and purged since, so a live re-send of it can
    no longer make it again (docs/design.md §4.13)."""
    mark = meta.get(s, meta.RESTORED_HIGH_WATER)
    purged = meta.get(s, meta.PURGED_THROUGH)
    return mark is not None and int(purged or 0) > int(mark)


def _expired() -> Rejected:
    return Rejected(
        "restore_expired",
        "服务器恢复已超过删除记录的保留期限，服务器没有这条记录（可能在此期间已删除并清除），"
        "不再按本机的旧副本重建",
        "The server was restored longer ago than deleted records are kept: it lacks this "
        "record (it may have been deleted and purged since) and no longer makes it again "
        "from this laptop's old copy",
    )


def restore_actor(actor: Actor, mutation: Mutation) -> Actor:
    """A re-sent workflow action runs at its original time (never in the future), so the
    case gets back its reported time and deadlines."""
    at = mutation.payload.get("at")
    if not isinstance(at, str):
        return actor
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return actor
    if when.tzinfo is None:
        return actor
    return replace(actor, now=min(when, actor.now))


def field_rule(
    fmeta: Mapping[str, Sequence[Any]],
    field: str,
    *,
    server: Any,
    value: Any,
    mark: int,
    restored: int,
    device: str | None,
) -> str:
    """What a re-sent value does to one field (see the module doc)."""
    if values_equal(server, value):
        return _SKIP
    seq, _who = last_change(fmeta, field)
    if seq <= mark:
        return _APPLY
    then = restored_from(fmeta, field)
    if then is not None:
        return _APPLY if restored > then else _SKIP
    entry = fmeta.get(field) or []
    if device is not None and len(entry) > 2 and entry[2] == device:
        return _SKIP  # this laptop's own edit since the restore is newer than its re-send
    if is_empty(value):
        return _SKIP
    return _CONFLICT


def apply_restore(
    s: Session,
    actor: Actor,
    mutation: Mutation,
    record: Record | None,
    *,
    author: str,
    device: str | None,
    case_draft: Mapping[str, Any],
) -> MutationOutcome:
    """Apply one restore re-send of a record (a `create` or a `delete` with `full_state`)."""
    mark = high_water(s, mutation)
    restored = mutation.restored_version or 0
    deleted = mutation.op == "delete"
    entity = mutation.entity
    locked = command_fields(entity)
    incoming = {k: v for k, v in mutation.payload.items() if k not in ENVELOPE and k not in locked}
    incoming[GRID] = incoming.get(GRID, mutation.grid_code)
    if not deleted:
        incoming[GRID] = _parents_grid(s, actor, entity, incoming)
    if record is None:
        if not deleted and resends_expired(s):
            raise _expired()
        return _recreate(s, actor, mutation, incoming, deleted, author, device, case_draft)
    authz.check_existing(actor.scope, record, incoming.get(GRID))
    shared_reach.check_co_grid(actor.scope, record, None if deleted else incoming)
    authz.check_restricted_change(actor.scope, entity, record, incoming)
    rule = field_rule(
        record.field_meta,
        DELETED,
        server=record.deleted,
        value=deleted,
        mark=mark,
        restored=restored,
        device=device,
    )
    changes: dict[str, Any] = {}
    conflicts: list[ConflictField] = []
    kind = "field"
    current = current_values(record)
    if deleted and not record.deleted and rule == _APPLY:
        edited = _edited_since(record, mark, device)
        if edited:
            kind, conflicts = "delete", _delete_conflict(record, edited, author)
        else:
            changes[DELETED] = True
    elif not deleted and record.deleted:
        if rule == _APPLY:
            changes[DELETED] = False
            changes.update(
                _field_changes(record, current, incoming, mark, restored, device, author)[0]
            )
        elif rule == _CONFLICT:
            kind = "delete"
            conflicts = edit_against_delete(current, record.field_meta, incoming, author=author)
    elif not deleted:
        changes, conflicts = _field_changes(
            record, current, incoming, mark, restored, device, author
        )
    if changes and not changes.get(DELETED, record.deleted):
        check_entity(entity, record.id, {**current, **changes})
    meta_before = dict(record.field_meta)
    moved_from = record.grid_code
    seq = write_changes(
        s, record, changes, author=author, now=actor.now, device=device, restored=restored
    )
    natural_keys.after_write(s, record, changes, seq)  # one household per grid and 户号
    # A re-send that moves a record (it had moved in the old timeline) takes its children
    # along, as the move did then (children.py): a laptop may re-send the moved household
    # without its residents (it never pulled their move). Their grid carries the re-send's
    # old-timeline version (`restored`), so an older copy of a child re-sent later does not
    # move it back, and a newer one wins as any re-send does.
    move_children(s, record, moved_from, author=author, now=actor.now, restored=restored)
    conflict_id = None
    if conflicts:
        conflict_id = open_conflict(
            s,
            kind="delete" if kind == "delete" else "field",
            entity=entity,
            record_id=record.id,
            grid_code=record.grid_code,
            fields=conflicts,
            author=author,
            now=actor.now,
            meta=meta_before,
            device=device,
        ).id
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="conflict" if conflict_id else "merged",
        version=record.version,
        record=record_values(record),
        conflict_id=conflict_id,
    )


def _parents_grid(s: Session, actor: Actor, entity: str, incoming: Mapping[str, Any]) -> Any:
    """The grid a re-sent child lives in: its parent's on the server, where the parent is
    live there (a laptop's copy of a child may predate its parent's move, which the
    parent's re-send or the move itself has brought to the server: children live in their
    parent's grid, children.py). A pusher who does not cover that grid is refused, as for
    a child created after its parent moved."""
    key = parent_key(entity, incoming)
    parent = s.get(Record, key) if key is not None else None
    if parent is None or parent.deleted or actor.scope.role == "department":
        return incoming[GRID]
    return parent.grid_code


def _field_changes(
    record: Record,
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    mark: int,
    restored: int,
    device: str | None,
    author: str,
) -> tuple[dict[str, Any], list[ConflictField]]:
    changes: dict[str, Any] = {}
    conflicts: list[ConflictField] = []
    for field, value in incoming.items():
        if field not in current and value is None:
            continue
        server = current.get(field)
        rule = field_rule(
            record.field_meta,
            field,
            server=server,
            value=value,
            mark=mark,
            restored=restored,
            device=device,
        )
        if rule == _APPLY:
            changes[field] = value
        elif rule == _CONFLICT:
            conflicts.append(
                ConflictField(
                    field=field,
                    server=server,
                    server_author=last_change(record.field_meta, field)[1],
                    incoming=value,
                    incoming_author=author,
                )
            )
    return changes, conflicts


def _edited_since(record: Record, mark: int, device: str | None) -> dict[str, str | None]:
    """Fields changed since the restore by an ordinary edit of another laptop."""
    edited: dict[str, str | None] = {}
    for field, entry in record.field_meta.items():
        seq, who = last_change(record.field_meta, field)
        if field == DELETED or seq <= mark or restored_from(record.field_meta, field) is not None:
            continue
        if device is not None and len(entry) > 2 and entry[2] == device:
            continue
        edited[field] = who
    return edited


def _delete_conflict(
    record: Record, edited: Mapping[str, str | None], author: str
) -> list[ConflictField]:
    current = current_values(record)
    fields = [
        ConflictField(
            field=DELETED,
            base=False,
            server=False,
            server_author=next(iter(edited.values()), None),
            incoming=True,
            incoming_author=author,
        )
    ]
    fields += [
        ConflictField(field=f, server=current.get(f), server_author=who)
        for f, who in sorted(edited.items())
    ]
    return fields


def _recreate(
    s: Session,
    actor: Actor,
    mutation: Mutation,
    incoming: dict[str, Any],
    deleted: bool,
    author: str,
    device: str | None,
    case_draft: Mapping[str, Any],
) -> MutationOutcome:
    """A record the restored server lacks: made again, live or as the tombstone it was (so
    that another laptop's older live copy, re-sent later, does not bring it back)."""
    entity = mutation.entity
    grid = str(incoming.pop(GRID))
    if not actor.scope.covers_grid(grid):
        raise authz.out_of_scope()
    authz.check_restricted(actor.scope, entity, grid, incoming)
    data = dict(incoming)
    if entity == "case":
        data.update(case_draft)
        # Its number is a workflow field (not taken from the payload above), given by the
        # server before the restore: kept unless the restored server has given it meanwhile.
        wanted = mutation.payload.get("case_no")
        data["case_no"] = restored_case_no(s, mutation.record_id, wanted, grid, actor.now)
    if not deleted:
        check_entity(entity, mutation.record_id, {**data, GRID: grid})
    keyed = {**data, GRID: grid}
    off_key = not deleted and natural_keys.check_new(s, entity, mutation.record_id, keyed)
    values = new_record_values(
        next_seq(s),
        entity=entity,
        record_id=mutation.record_id,
        grid_code=grid,
        data=data,
        author=author,
        now=actor.now,
        device=device,
        restored=mutation.restored_version or 0,
    )
    if deleted:
        values["deleted"] = True
        values["deleted_at"] = actor.now
        values["field_meta"][DELETED] = list(values["field_meta"][GRID])
    record = Record(**values)
    s.add(record)
    if off_key:  # re-made where it had moved to, or with its corrected key (natural_keys.py)
        natural_keys.made_off_key(s, entity, record.id, keyed, record.version)
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="merged",
        version=record.version,
        record=record_values(record),
    )
