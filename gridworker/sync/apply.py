"""Applying what the server says to the local database (always with capture off).

The rebase rule of docs/design.md §4: a pulled row never overwrites a field that
still has an unacknowledged outbox entry; local values stay on top and the
pending mutation keeps its original base_version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gridworker.domain.enums import GridType, RegionLevel
from gridworker.domain.wire import wire_value
from gridworker.protocol import MutationOutcome, Row
from gridworker.storage.bulk import NewRow, write_new
from gridworker.storage.codec import coerce_fields, column_binds, stored_converters
from gridworker.storage.models import (
    SYNC_MODELS,
    DepartmentRow,
    GridRow,
    LocalConflict,
    OutboxEntry,
    RegionRow,
    SyncRecord,
)
from gridworker.storage.reference_terms import store_reference_doc
from gridworker.sync import own
from gridworker.sync.state import SyncState

UNSENT = ("pending", "sending")
# Ids per IN (...) list: well under SQLite's limit on bound parameters.
CHUNK = 500


class AllFields(frozenset[str]):
    """Marker: every field is pending (an unsent create or full-state re-send)."""

    def __contains__(self, item: object) -> bool:
        return True


ALL = AllFields()


def pending_fields(
    session: Session, entity: str, record_id: str, exclude: int | None = None
) -> frozenset[str]:
    fields: set[str] = set()
    for entry in session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.entity == entity,
            OutboxEntry.record_id == record_id,
            OutboxEntry.status.in_(UNSENT),
        )
    ):
        if entry.mutation_id == exclude:
            continue
        if entry.op in ("create", "command") or entry.full_state:
            return ALL
        fields |= set(entry.payload)
    return frozenset(fields)


def pending_fields_many(
    session: Session, entity: str, record_ids: Iterable[str]
) -> dict[str, frozenset[str]]:
    """`pending_fields` for many records of one entity, one query per CHUNK ids.

    Records without unsent entries are absent from the result."""
    ids = list(dict.fromkeys(record_ids))
    found: dict[str, set[str] | AllFields] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(
                OutboxEntry.record_id, OutboxEntry.op, OutboxEntry.full_state, OutboxEntry.payload
            ).where(
                OutboxEntry.entity == entity,
                OutboxEntry.record_id.in_(ids[start : start + CHUNK]),
                OutboxEntry.status.in_(UNSENT),
            )
        )
        for record_id, op, full_state, payload in rows:
            seen = found.setdefault(record_id, set())
            if isinstance(seen, AllFields):
                continue
            if op in ("create", "command") or full_state:
                found[record_id] = ALL
            else:
                seen |= set(payload or {})
    return {k: v if isinstance(v, AllFields) else frozenset(v) for k, v in found.items()}


def _now() -> datetime:
    return datetime.now(UTC)


def set_fields(row: SyncRecord, values: dict[str, Any], pending: frozenset[str]) -> None:
    for key, value in values.items():
        if key in ("id", "version") or key in pending:
            continue
        if getattr(row, key) != value:
            setattr(row, key, value)


def apply_row(session: Session, row: Row) -> None:
    """Store one pulled row (a record, a conflict or reference data)."""
    if row.entity == "conflict":
        store_conflict(session, row.fields, row.version)
        return
    if row.entity in ("grid", "department", "region"):
        store_reference(session, row)
        return
    if row.entity == "reference_doc":  # the district's calendar or deadline rules
        store_reference_doc(session, row.id, version=row.version, fields=row.fields)
        return
    model = SYNC_MODELS.get(row.entity)
    if model is None:
        return  # an entity this client version does not know: ignored until it updates
    local = session.get(model, row.id)
    if local is not None and local.version >= row.version:
        return  # our own change coming back, or an older copy
    if local is None:
        if row.deleted:
            return
        session.add(model(**_new_values(model, row)))
        session.flush()
        return
    _apply_existing(session, model, local, row, pending_fields(session, row.entity, row.id))


def _new_values(model: type[SyncRecord], row: Row, now: datetime | None = None) -> dict[str, Any]:
    now = now or _now()
    values = coerce_fields(model, {**row.fields, "grid_code": row.grid_code}, strict=False)
    return {
        "id": row.id,
        "version": row.version,
        "deleted": False,
        "created_at": now,
        "updated_at": now,
        **values,
    }


class _NewRows:
    """A page's new records as the driver is given them: what `_new_values` gives, each
    value already through its column's bind processor (codec.stored_converters), so that
    `write_new` passes them on as they are (one pass over the values instead of two)."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.dialect = session.connection().dialect
        self.now = now
        self.fixed: dict[type[SyncRecord], tuple[dict[str, Any], dict[str, Any], Any, Any]] = {}

    def values(self, model: type[SyncRecord], row: Row) -> dict[str, Any]:
        known = self.fixed.get(model)
        if known is None:
            binds = column_binds(model, self.dialect)
            fixed = {"deleted": False, "created_at": self.now, "updated_at": self.now}
            stamped = {key: binds[key](value) for key, value in fixed.items()}
            converters = stored_converters(model, self.dialect)
            known = self.fixed[model] = (stamped, converters, binds["id"], binds["version"])
        stamped, converters, bind_id, bind_version = known
        out = {"id": bind_id(row.id), "version": bind_version(row.version), **stamped}
        for key, value in chain(row.fields.items(), (("grid_code", row.grid_code),)):
            convert = converters.get(key)
            if convert is not None:
                out[key] = None if value is None or value == "" else convert(value)
        return out


def _apply_existing(
    session: Session, model: type[SyncRecord], local: SyncRecord, row: Row, pending: frozenset[str]
) -> None:
    if row.deleted and not row.fields:
        # Moved to a grid outside this user's scope: evicted locally, no delete is queued.
        if not pending:
            session.delete(local)
        return
    values = coerce_fields(model, {**row.fields, "grid_code": row.grid_code}, strict=False)
    set_fields(local, values, pending)
    if not pending:
        local.deleted = row.deleted
    local.version = row.version


def apply_rows(session: Session, rows: Sequence[Row]) -> None:
    """Store a page of pulled rows, with the effect of `apply_row` on each in order.

    Built for pages of thousands: the local copies and the unsent outbox entries of
    the page's records are read with one query per entity and CHUNK ids, records new
    to this laptop are inserted with one executemany per entity (storage/bulk.py's
    `write_new`, no ORM unit of work),
    and only rows that change a local record go through the ORM (the rebase rule).
    """
    keys = [(r.entity, r.id) for r in rows if r.entity in SYNC_MODELS]
    if len(set(keys)) != len(keys):
        # The same record twice in one page: keep the strict one-by-one order.
        for row in rows:
            apply_row(session, row)
        return
    ids_by_entity: dict[str, list[str]] = {}
    for entity, record_id in keys:
        ids_by_entity.setdefault(entity, []).append(record_id)
    local: dict[tuple[str, str], SyncRecord] = {}
    pending: dict[tuple[str, str], frozenset[str]] = {}
    session.flush()  # the lookups below are the driver's: they see what the ORM holds
    conn = session.connection()
    for entity, ids in ids_by_entity.items():
        known_model = SYNC_MODELS[entity]
        # Which of the page's records this laptop has, at the driver (an enrollment's
        # pages are all new: ORM queries that find nothing cost a tenth of the store);
        # the ORM loads only those.
        table = conn.dialect.identifier_preparer.format_table(known_model.__table__)
        present: list[str] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT id FROM {table} WHERE id IN ({marks})"
            present += [r[0] for r in conn.exec_driver_sql(sql, tuple(chunk))]
        for start in range(0, len(present), CHUNK):
            for obj in session.scalars(
                select(known_model).where(known_model.id.in_(present[start : start + CHUNK]))
            ):
                local[(entity, obj.id)] = obj  # a strong reference: the identity map is weak
        known = [i for i in ids if (entity, i) in local]
        if known:
            for record_id, fields in pending_fields_many(session, entity, known).items():
                pending[(entity, record_id)] = fields
    inserts: list[NewRow] = []
    # One stamp for the page's new rows; their values as the driver takes them (_NewRows).
    new_rows = _NewRows(session, _now())
    for row in rows:
        model = SYNC_MODELS.get(row.entity)
        if model is None:
            apply_row(session, row)  # conflicts, reference data, unknown entities
            continue
        existing = local.get((row.entity, row.id))
        if existing is None:
            if row.deleted:
                continue  # a tombstone or eviction of a record this laptop never had
            inserts.append((model, new_rows.values(model, row)))
            continue
        if existing.version >= row.version:
            continue  # our own change coming back, or an older copy
        _apply_existing(
            session, model, existing, row, pending.get((row.entity, row.id), frozenset())
        )
    session.flush()
    # From the server: nothing to queue; the values are bound already.
    write_new(session, inserts, queue=False, bound=True)


def store_reference(session: Session, row: Row) -> None:
    f = row.fields
    if row.entity == "grid":
        grid = session.get(GridRow, row.id) or GridRow(code=row.id)
        grid.name = f.get("name") or row.id
        grid.community_code = f.get("community_code") or row.id[:12]
        grid.grid_type = GridType.parse(f.get("grid_type") or "basic")
        boundary = f.get("boundary_geojson") or f.get("boundary")
        grid.boundary_geojson = (
            boundary
            if isinstance(boundary, str) or boundary is None
            else json.dumps(boundary, ensure_ascii=False)
        )
        grid.version = row.version
        session.merge(grid)
    elif row.entity == "region":
        region = session.get(RegionRow, row.id) or RegionRow(code=row.id)
        region.name = f.get("name") or row.id
        region.level = RegionLevel.parse(f.get("level") or "community")
        region.parent_code = f.get("parent_code")
        region.version = row.version
        session.merge(region)
    else:
        dept = session.get(DepartmentRow, row.id) or DepartmentRow(id=row.id)
        dept.name = f.get("name") or row.id
        dept.code = f.get("code")
        dept.version = row.version
        session.merge(dept)


# Per side of a conflict field: the value ("") and who made it, where and when.
_SIDE_KEYS = ("", "_author", "_device", "_device_name", "_at")


def store_conflict(session: Session, info: dict[str, Any], version: int = 0) -> LocalConflict:
    """Upsert a conflict from the server's ConflictInfo (incoming = this laptop's side)."""
    conflict = session.get(LocalConflict, info["id"])
    # `local` is the incoming side (the push that met the server's value), whoever made it.
    fields = [
        {
            "field": f.get("field"),
            "base": f.get("base"),
            **{f"server{k}": f.get(f"server{k}") for k in _SIDE_KEYS},
            **{f"local{k}": f.get(f"incoming{k}") for k in _SIDE_KEYS},
        }
        for f in info.get("fields") or []
    ]
    if conflict is None:
        conflict = LocalConflict(id=info["id"], created_at=_parse_time(info.get("created_at")))
        session.add(conflict)
    conflict.kind = info.get("kind", "field")
    conflict.entity = info["entity"]
    conflict.record_id = info["record_id"]
    conflict.grid_code = info["grid_code"]
    conflict.fields = fields
    conflict.action = info.get("action")
    conflict.reject_code = info.get("reject_code")
    conflict.created_by = info.get("created_by") or conflict.created_by
    if info.get("status") == "resolved":
        conflict.status = "resolved"
        conflict.resolved_by = info.get("resolved_by")
        conflict.resolved_at = _parse_time(info.get("resolved_at"))
        conflict.resolution = None
    elif conflict.status != "resolved":
        conflict.status = "open"
    conflict.version = max(conflict.version or 0, version)
    return conflict


def _parse_time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return _now()


# A change handed over after its record left this user's grids (server/handover.py).
LEFT_SCOPE = "left_scope"
# A re-sent mutation whose log entry the server purged (server/push.py `_plan`).
REPLAY_EXPIRED = "replay_expired"


def apply_outcome(
    session: Session,
    entry: OutboxEntry,
    outcome: MutationOutcome,
    author: str,
    device: str | None = None,
) -> str:
    """Settle one pushed entry; returns its status.

    A change refused for good stays, readable, as a refused change (the entry, `rejected`,
    with the reason; the user dismisses it), and so does one the server handed over to
    the people who now cover its record (`left_scope`): either way the record is asked
    for again (sync/refetch.py), so the laptop ends with the server's truth, never with a
    copy only it holds."""
    if outcome.code == REPLAY_EXPIRED:
        # Applied long ago, its answer lost and its log purged since (the laptop was away
        # past the horizon): settled; the record's truth is fetched again.
        queue_refetch(session, [(entry.entity, entry.record_id)])
        session.delete(entry)
        return "applied"
    if outcome.status == "rejected" or outcome.code == LEFT_SCOPE:
        entry.status = "rejected"
        entry.last_error = f"{outcome.code}: {outcome.reason}" if outcome.reason else outcome.code
        model = SYNC_MODELS.get(entry.entity)
        row = session.get(model, entry.record_id) if model is not None else None
        if row is not None:
            # The record as the user knew it, kept with the refused change (the row itself
            # goes back to the server's truth): what it was about stays readable.
            before = {k: wire_value(v) for k, v in row.to_fields().items()}
            entry.old = {**before, **(entry.old or {})}
        keys = [(entry.entity, entry.record_id)]
        case_id = entry.payload.get("case_id") if entry.op == "command" else None
        if isinstance(case_id, str):
            keys.append(("case", case_id))  # its state was moved on locally
        queue_refetch(session, keys)
        return "rejected"
    model = SYNC_MODELS.get(entry.entity)
    row = session.get(model, entry.record_id) if model is not None else None
    if outcome.status == "conflict" and outcome.conflict_id:
        _conflict_from_outcome(session, entry, outcome, author, device)
    if row is not None and model is not None and outcome.version is not None:
        if outcome.record and outcome.status in ("merged", "conflict"):
            # Take the server's values, except where a later unsent edit stays on top
            # (earlier outcomes of this batch flushed first: their entries are settled).
            session.flush()
            pending = pending_fields(
                session, entry.entity, entry.record_id, exclude=entry.mutation_id
            )
            # The server's grid too: the record (or its parent) may have moved meanwhile.
            values = coerce_fields(
                model,
                {"grid_code": row.grid_code, **outcome.record},
                strict=False,
            )
            set_fields(row, values, pending)
            if "deleted" in outcome.record and "deleted" not in pending:
                row.deleted = bool(outcome.record["deleted"])
        row.version = max(row.version or 0, outcome.version)
    session.delete(entry)
    return outcome.status


def _conflict_from_outcome(
    session: Session,
    entry: OutboxEntry,
    outcome: MutationOutcome,
    author: str,
    device: str | None,
) -> None:
    if session.get(LocalConflict, outcome.conflict_id) is not None:
        return  # already pulled with full detail
    server = outcome.record or {}
    fields = [
        {
            "field": key,
            "base": (entry.old or {}).get(key),
            "server": server.get(key),
            "server_author": None,
            "local": value,
            "local_author": author,
            "local_device": device,  # this laptop's side, until the pull brings the rest
            "local_at": _now().isoformat(),
        }
        for key, value in entry.payload.items()
        if server.get(key) != value
    ]
    kind = "workflow" if entry.op == "command" else ("delete" if entry.op == "delete" else "field")
    session.add(
        LocalConflict(
            id=outcome.conflict_id,
            kind=kind,
            entity=entry.entity,
            record_id=entry.record_id,
            grid_code=entry.grid_code,
            status="open",
            fields=fields,
            action=entry.payload if entry.op == "command" else None,
            reject_code=outcome.code,
            created_at=_now(),
            version=0,
            created_by=author,
        )
    )


def keep_only_unsent_rows(session: Session) -> None:
    """The resync from zero (after `cursor_expired` or a server restore): every synced row
    with no unsent change goes, and the full pull brings back what the server still has.
    Rows of refused changes go too: the server's truth replaces them, the refused change
    stays readable in the outbox."""
    session.flush()
    waiting = set(
        session.execute(
            select(OutboxEntry.entity, OutboxEntry.record_id).where(OutboxEntry.status.in_(UNSENT))
        ).all()
    )
    for entity, model in SYNC_MODELS.items():
        keep = [rid for (e, rid) in waiting if e == entity]
        stmt = delete(model)
        if keep:
            stmt = stmt.where(model.id.not_in(keep))
        session.execute(stmt)


def evict_grid(session: Session, grid_code: str) -> int:
    """Remove a grid's rows locally, creating no deletes (it left this user's scope).

    The one rule for rows leaving the scope, as for a record moved away: a row with an
    unsent change stays until the change is settled (the server hands it over or refuses
    it, visibly, and the row is then asked for again and dropped), never evicted silently;
    so does a conflict whose resolution waits to be sent."""
    removed = 0
    kept: list[tuple[str, str]] = []
    for entity, model in SYNC_MODELS.items():
        waiting = select(OutboxEntry.record_id).where(
            OutboxEntry.entity == entity, OutboxEntry.status.in_(UNSENT)
        )
        kept += [
            (entity, rid)
            for rid in session.scalars(
                select(model.id).where(model.grid_code == grid_code, model.id.in_(waiting))
            )
        ]
        result = session.execute(
            delete(model).where(model.grid_code == grid_code, model.id.not_in(waiting))
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    # Whatever the server answers for their changes (even `applied`: sent before the grid
    # was taken), they are asked for again once settled, and go (sync/refetch.py).
    # An organization covering several grids that lists this one may still reach the
    # laptop through another of them (server/shared_reach.py): asked for again, it stays
    # or goes by the server's answer.
    orgs = SYNC_MODELS["party_org"]
    padded = "," + func.coalesce(orgs.__table__.c.other_grids, "") + ","
    kept += [
        ("party_org", rid)
        for rid in session.scalars(
            select(orgs.id).where(padded.like(f"%,{grid_code},%"), orgs.grid_code != grid_code)
        )
    ]
    queue_refetch(session, kept)
    session.execute(
        delete(LocalConflict).where(
            LocalConflict.grid_code == grid_code, LocalConflict.resolution.is_(None)
        )
    )
    return removed


def queue_refetch(session: Session, keys: Iterable[tuple[str, str]]) -> None:
    """Remember records to ask the server for again (in the caller's transaction)."""
    state = SyncState.load(session)
    known = {tuple(k) for k in state.refetch}
    for key in keys:
        if key not in known:
            state.refetch.append(list(key))
            known.add(key)
    state.save(session)


def settle_applied(
    session: Session, settled: Sequence[tuple[int, str, str, int | None]]
) -> list[int]:
    """Settle plain `applied` outcomes in bulk, as `apply_outcome` would one by one: each
    `(mutation_id, entity, record_id, version)` entry is removed and its record takes
    the new version unless it already holds a newer one. Returns the versions the local
    records now hold, as `own.held` reads them back (one per record, its last outcome's).

    At the driver, one executemany per entity: `version = max(version, new)` matches every
    record present (a newer version stays), so when the statement matched as many rows as
    it was given, every record is present and holds its version or a newer one, and
    nothing need be read back; otherwise (a record gone meanwhile) `own.held` reads them."""
    if not settled:
        return []
    conn = session.connection()
    preparer = conn.dialect.identifier_preparer
    by_entity: dict[str, list[tuple[int, str]]] = {}
    for _mutation_id, entity, record_id, version in settled:
        if version is not None and entity in SYNC_MODELS:
            by_entity.setdefault(entity, []).append((version, record_id))
    matched = given = 0
    for entity, params in by_entity.items():
        table = preparer.format_table(SYNC_MODELS[entity].__table__)
        result = conn.exec_driver_sql(
            f"UPDATE {table} SET version = max(version, ?) WHERE id = ?", params
        )
        matched += result.rowcount
        given += len(params)
    ids = [mutation_id for mutation_id, *_rest in settled]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        conn.exec_driver_sql(f"DELETE FROM outbox WHERE mutation_id IN ({marks})", tuple(chunk))
    records = [(e, rid, v) for e, params in by_entity.items() for v, rid in params]
    if matched != given:
        return own.held(session, records)
    last = {(e, rid): v for e, rid, v in records}  # own.held keeps one version a record
    return list(last.values())


def load_entries(
    session: Session, mutation_ids: Sequence[int]
) -> tuple[dict[int, OutboxEntry], list[SyncRecord]]:
    """Outbox entries by mutation id, and the local records they name (one query per
    entity and CHUNK ids), so that settling a pushed batch reads no row one at a time.

    Keep the list while settling: the session's identity map holds unchanged rows
    only weakly, and `apply_outcome` finds them there."""
    entries: dict[int, OutboxEntry] = {}
    ids = list(mutation_ids)
    for start in range(0, len(ids), CHUNK):
        for entry in session.scalars(
            select(OutboxEntry).where(OutboxEntry.mutation_id.in_(ids[start : start + CHUNK]))
        ):
            entries[entry.mutation_id] = entry
    by_entity: dict[str, list[str]] = {}
    for entry in entries.values():
        by_entity.setdefault(entry.entity, []).append(entry.record_id)
    records: list[SyncRecord] = []
    for entity, record_ids in by_entity.items():
        model = SYNC_MODELS.get(entity)
        if model is None:
            continue
        unique = list(dict.fromkeys(record_ids))
        for start in range(0, len(unique), CHUNK):
            records += session.scalars(
                select(model).where(model.id.in_(unique[start : start + CHUNK]))
            )
    return entries, records
