"""After the server was restored from a backup (`epoch_changed`): the laptop's side of the
restore procedure (docs/design.md §4), in one transaction.

1. Every unsent change keeps its place but its base versions above the restored
   high-water mark are clamped to it: what the laptop saw after the mark is unknown to the
   new timeline, so any change made there since is concurrent (a conflict where values
   differ, never an overwrite).
2. What the server acknowledged after the backup (a record whose version is above the
   mark) is re-sent as restore mutations (`full_state`, base = the mark, with the record's
   old-timeline version), in causal order: a record before its children and before the
   actions on it; a live record as a create, a tombstone as a delete, this user's workflow
   actions as the original commands (server/restore.py runs them at their original time).
   A photo's live record is re-sent only by a laptop that holds the file (the one that
   uploads it again).
   What a re-send carries is the acknowledged state: a field with an unsent edit goes with
   the value from before that edit, which follows as the ordinary change it is.
   Every live photo whose file this laptop holds is offered again (an upload whose first
   question, HEAD, ends it where the server still has the file for this user): the
   restored database knows no upload made after the backup, nor who proved possession,
   and the attachments snapshot may lack the file, while a photo's record acknowledged
   before the backup is not re-sent; without this it would wait for ever everywhere else.
3. The re-sends go first: the unsent changes are queued again after them, with new
   mutation ids (the restored server never saw the old ones: a push of the old epoch is
   refused before anything is applied), so an edit never reaches the server before the
   record it edits.
4. Local versions are forgotten and the laptop resyncs from zero, keeping its outbox and
   only the rows with an unsent change (as after `cursor_expired`); conflicts the restored
   server cannot know are dropped (the re-sends raise them again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from gridworker.domain.entities import COMMAND_ENTITIES, SYNC_ENTITIES
from gridworker.domain.version import SCHEMA_VERSION
from gridworker.domain.wire import wire_value
from gridworker.storage.codec import coerce_fields
from gridworker.storage.models import (
    SYNC_MODELS,
    AttachmentRow,
    LocalConflict,
    OutboxEntry,
    SyncRecord,
    Transfer,
)
from gridworker.storage.outbox import now_utc
from gridworker.sync.apply import UNSENT, keep_only_unsent_rows
from gridworker.sync.state import SyncState

# Causal order of the re-sends: parents before children (the declarations' order, parents
# first), and workflow actions last, after the records and photos they need. Derived, so a
# newly declared record kind takes its place without an edit here.
CAUSAL_ORDER = tuple(e for e in SYNC_ENTITIES if e not in COMMAND_ENTITIES) + tuple(
    e for e in SYNC_ENTITIES if e in COMMAND_ENTITIES
)
_RANK = {entity: n for n, entity in enumerate(CAUSAL_ORDER)}
# Columns of an outbox entry copied when it is queued again behind the re-sends.
_KEPT = (
    "op",
    "entity",
    "record_id",
    "grid_code",
    "schema_version",
    "payload",
    "old",
    "seen",
    "created_at",
)


def after_restore(
    s: Session,
    *,
    username: str,
    epoch: str | None,
    high_water: int,
    holds_file: Callable[[str], bool] = lambda sha: True,
    device: str | None = None,
) -> int:
    """Prepare the restore re-sends (see the module doc); return how many were queued.
    `holds_file(sha256)`: whether this laptop has a photo's file (only then is its live
    record re-sent: the bytes vouch for the hash, and its uploader re-sends it)."""
    mark = high_water
    unsent = list(
        s.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.status.in_(UNSENT))
            .order_by(OutboxEntry.mutation_id)
        )
    )
    acked = _acknowledged_values(unsent)
    rows: list[SyncRecord] = []
    for model in SYNC_MODELS.values():
        rows += list(s.scalars(select(model).where(model.version > mark)))
    rows.sort(key=lambda r: (_RANK.get(r.__entity__, len(_RANK)), r.version))
    queued = 0
    for row in rows:
        command = row.__entity__ in COMMAND_ENTITIES  # a case's or a task's action
        if command and getattr(row, "actor", None) != username:
            continue  # an action is re-sent by its own actor's laptop, never on behalf
        if isinstance(row, AttachmentRow) and not row.deleted and not holds_file(row.sha256):
            # A photo's record only pulled, its file never here: the laptop that holds the
            # file re-sends it and uploads the bytes, which is what lets the others download
            # it (the server grants a file by the hash its record's author proved). Sent
            # from here, the record would name a file its sender cannot vouch for.
            continue
        s.add(_resend(row, mark, acked.get((row.__entity__, row.id), {})))
        queued += 1
    s.flush()  # the re-sends take their mutation ids first
    _offer_files_again(s, holds_file)
    for entry in unsent:
        s.add(_requeued(entry, mark))
        s.delete(entry)
    # Conflicts the restored server never had (or had in another state) go: the re-sends
    # raise again whatever still conflicts. The re-sends carry the records as the server
    # had them, so a change that lost provisionally in such a conflict (this laptop's
    # side: a delete that met a colleague's edit, an edit that met a delete or another
    # value) would be nowhere: this laptop sends it again, after the re-sends, based on
    # the mark, and the server raises the conflict again.
    forgotten = list(
        s.scalars(
            select(LocalConflict).where(
                or_(LocalConflict.version > mark, LocalConflict.version == 0)
            )
        )
    )
    sides: dict[tuple[str, str], dict[str, Any]] = {}
    for conflict in forgotten:
        mine = _own_side(conflict, device)
        if mine:
            sides.setdefault((conflict.entity, conflict.record_id), {}).update(mine)
    for (entity, record_id), mine in sides.items():
        side = _side_entry(s, entity, record_id, mine, mark)
        if side is not None:
            s.add(side)
    s.execute(
        delete(LocalConflict).where(or_(LocalConflict.version > mark, LocalConflict.version == 0))
    )
    # The resync from zero, as after `cursor_expired`: a row with no unsent change (the
    # re-sends are unsent changes) goes, and the full pull brings back what the restored
    # server has. A delete this laptop never pulled whose tombstone was purged is in no
    # pull: kept, the row would live on here alone.
    keep_only_unsent_rows(s)
    # The restored server numbers changes anew from the mark: local versions from the old
    # timeline would hide rows on the resync, so forget them.
    for model in SYNC_MODELS.values():
        s.execute(update(model).values(version=0))
    state = SyncState.load(s)
    state.epoch = epoch
    state.seq = 0
    state.backfill = {}
    state.own, state.own_epoch = [], None  # another timeline's numbers (sync/own.py)
    state.save(s)
    return queued


def _offer_files_again(s: Session, holds_file: Callable[[str], bool]) -> None:
    """Queue an upload of every live photo's file this laptop holds (module doc, step 2).
    Where the server still has the file for this user, as its uploader or through a record
    whose author proved possession, the upload's HEAD answers complete and no byte goes;
    otherwise the bytes go again and prove possession anew. A colleague's photo whose
    uploader's proof was lost is sent too (it grants only the sender): the laptop cannot
    tell whose photo a pulled record is, and a restore is rare."""
    held = dict(
        s.execute(
            select(AttachmentRow.sha256, AttachmentRow.size).where(AttachmentRow.deleted.is_(False))
        ).all()
    )
    for sha, size in held.items():
        if holds_file(sha) and s.get(Transfer, (sha, "up")) is None:
            s.add(Transfer(sha256=sha, direction="up", size=size or 0, attempts=0))


def _own_side(conflict: LocalConflict, device: str | None) -> dict[str, Any]:
    """This laptop's losing side of an open field or delete conflict: field -> its value
    (empty when the side is another laptop's, or a resolution waits to be sent: that says
    what this laptop wants now)."""
    if device is None or conflict.status != "open" or conflict.kind not in ("field", "delete"):
        return {}
    if conflict.resolution is not None:
        return {}
    return {
        str(f["field"]): f.get("local")
        for f in conflict.fields or []
        if f.get("field") and f.get("local_device") == device
    }


def _side_entry(
    s: Session, entity: str, record_id: str, mine: dict[str, Any], mark: int
) -> OutboxEntry | None:
    """This laptop's side of the forgotten conflicts of one record as a change made again:
    queued (based on the mark) and applied to the local row, as the user's change was (a
    delete marks the row deleted; the server's answer brings back its provisional
    winner)."""
    model = SYNC_MODELS.get(entity)
    row = s.get(model, record_id) if model is not None else None
    if model is None or row is None:
        return None
    payload: dict[str, Any]
    if mine.get("deleted") is True:
        op, payload = "delete", {"deleted": True}
        old = {"deleted": False}
        row.deleted = True
    else:
        op = "update"
        payload = {k: v for k, v in mine.items() if k not in ("deleted", "id", "version")}
        if not payload:
            return None
        before = row.to_fields()
        old = {k: wire_value(before.get(k)) for k in payload}
        for key, value in coerce_fields(model, payload, strict=False).items():
            setattr(row, key, value)
    return OutboxEntry(
        op=op,
        entity=entity,
        record_id=record_id,
        grid_code=row.grid_code,
        base_version=mark,
        schema_version=SCHEMA_VERSION,
        payload=payload,
        old=old,
        created_at=now_utc(),
        status="pending",
        attempts=0,
        full_state=False,
        bases={k: mark for k in payload} if op == "update" else None,
        restored_version=None,
    )


def _acknowledged_values(unsent: list[OutboxEntry]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per record, the values from before its unsent edits (the acknowledged ones): the
    first entry's `old` value of each field wins; an unsent delete was not acknowledged."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in unsent:
        key = (entry.entity, entry.record_id)
        before = out.setdefault(key, {})
        if entry.op == "delete":
            before.setdefault("deleted", False)
        elif entry.op == "update":
            for field, value in (entry.old or {}).items():
                before.setdefault(field, value)
    return out


def _resend(row: SyncRecord, mark: int, before: dict[str, Any]) -> OutboxEntry:
    payload = {k: wire_value(v) for k, v in row.to_fields().items()}
    payload.update({k: v for k, v in before.items() if k in payload})
    if row.__entity__ in COMMAND_ENTITIES:
        op = "command"
    else:
        op = "delete" if payload.get("deleted") else "create"
    return OutboxEntry(
        op=op,
        entity=row.__entity__,
        record_id=row.id,
        grid_code=str(payload.get("grid_code") or row.grid_code),
        base_version=mark,
        schema_version=SCHEMA_VERSION,
        payload=payload,
        old=None,
        created_at=now_utc(),
        status="pending",
        attempts=0,
        full_state=True,
        bases=None,
        restored_version=row.version,
    )


def _requeued(entry: OutboxEntry, mark: int) -> OutboxEntry:
    bases = {k: min(int(v), mark) for k, v in (entry.bases or {}).items()} or None
    return OutboxEntry(
        **{k: getattr(entry, k) for k in _KEPT},
        base_version=min(entry.base_version, mark),
        status="pending",
        attempts=0,
        full_state=entry.full_state,
        bases=bases,
        restored_version=entry.restored_version,
    )
