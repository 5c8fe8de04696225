"""The invariants of the convergence state machine (test_convergence.py), checked against the
server's database once the network has healed and every client has synced until nothing
moves. Each says what "nothing lost, nothing resurrected, nothing blocked" means for one
kind of record or event; docs/reliability.md lists them."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from gridworker.server import filestore
from gridworker.server.attachments import holds, named_by
from gridworker.server.core.db import transaction
from gridworker.server.models import Conflict, Record, Upload
from gridworker.services.syncing import list_conflicts
from gridworker.services.workspace import Workspace
from gridworker.storage.models import AttachmentRow, OutboxEntry
from gridworker.sync.faults import LateDelivery
from tests.e2e.conftest import LiveServer
from tests.reliability.conftest import ServerDb, assert_equals_server, outbox_rows
from tests.reliability.convergence_edges import edge_on

Stats = dict[str, int]
Key = tuple[str, str]
# What a write's `seen` is when the laptop held its own words there, not the server's (a
# registration or an edit not yet answered): equal to no value (test_convergence.shown).
OWN_WORDS: Any = type("OwnWords", (), {"__repr__": lambda self: "<own words>"})()
# Why the server may refuse a change for good, and only after an edge of the run that can
# cause it: a record moved out of the pusher's grids, its grid taken from the user, the
# record deleted and purged, a restore re-send after a purge (`restore_expired`), or a
# natural key another record holds (a move, or a 户号 or ID number corrected in place).
REFUSAL_CODES = frozenset(
    {
        "out_of_scope",
        "record_deleted",
        "left_scope",
        "household_no_taken",
        "id_number_taken",
        "restore_expired",
    }
)
# The refusals a natural key corrected in place explains (and only those).
KEY_CODES = frozenset({"household_no_taken", "id_number_taken"})
# Household fields the machine writes and follows (conflicts about them are checked).
TRACKED = frozenset({"address", "note", "head_name", "phone", "grid_code", "name"})
# Children and the field naming their parent (case 5: they live in their parent's grid).
PARENTS = {
    "resident": ("household", "household_id"),
    "visit": ("household", "household_id"),
    "resident_tag": ("resident", "resident_id"),
    "need": ("visit", "visit_id"),
}


def endpoint(late: LateDelivery) -> str:
    """What a request was, for the counts: push, pull, resolve, upload or download."""
    if late.path.endswith("/sync/push"):
        return "push"
    if late.path.endswith("/sync/pull"):
        return "pull"
    if "/attachments/" in late.path:
        return "download" if late.method == "GET" else f"upload {late.method}"
    return late.path.rsplit("/", 1)[-1]


def fold(text: Any) -> str:
    """A natural key as people mean it: full-width and half-width digits are the same."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def check_late_deliveries(m: Any) -> None:
    """Every held request reached the server after newer ones and was handled: a push or a
    pull answered 200 (a late push is a replay of logged mutations, never `client_cloned`,
    even after the mutation log was purged), or 412 if the server was restored from a
    backup since, or, for a pull with a cursor older than a purge, 410 `cursor_expired`;
    nothing answered 5xx."""
    stats: Stats = m.stats
    for name, held in m.held.items():
        assert not len(held), f"{name}: the network still holds requests"
        for late in held.delivered:
            what = endpoint(late)
            when = "alongside" if late.overlapped else "after"
            stats[f"held {what} delivered {when} newer requests"] += 1
            if late.overtaken:
                stats[f"held {what} overtaken by a newer {what}"] += 1
            assert late.status is not None, (name, late)
            assert late.status < 500, (name, what, late.status, late.body[:300])
            if what in ("push", "pull"):
                allowed = {200}
                if m.restores:
                    allowed.add(412)  # the server was restored from a backup since
                if m.purges and what == "pull":
                    allowed.add(410)  # an old cursor after a purge: cursor_expired
                assert late.status in allowed, (name, what, late.status, late.body[:300])


def refusals_allowed(m: Any, code: str = "") -> bool:
    if code in KEY_CODES and m.key_edits:
        return True
    return bool(m.moves or m.scope_changes or m.purges)


def check_refused(m: Any, name: str, ws: Workspace) -> None:
    """A change the server refused for good stays readable on the laptop (its entry, with
    the reason), and only for the reasons an edge of the run explains. A record whose
    create was refused for its natural key does not exist on the server, so a later change
    of it that was waiting on the laptop is refused as one of a missing record."""
    rows = [r for r in outbox_rows(ws) if r.status == "rejected"]
    codes = [(r, (r.last_error or "").split(":", 1)[0]) for r in rows]
    never_made = {(r.entity, r.record_id) for r, c in codes if r.op == "create" and c in KEY_CODES}
    for row, code in codes:
        if code in ("out_of_scope", "record_deleted") and (row.entity, row.record_id) in never_made:
            continue
        assert refusals_allowed(m, code) and code in REFUSAL_CODES, (
            name,
            row.op,
            row.entity,
            row.last_error,
            row.payload,
        )
        assert row.last_error, (name, row.entity, "a refused change without a reason")


def check_invariants(m: Any, server: LiveServer) -> None:
    check_late_deliveries(m)
    db = ServerDb(server.db_url)
    try:
        records = db.records()
        conflicts = db.conflicts()
    finally:
        db.close()
    for name, ws in m.ws.items():
        unsent = [r for r in outbox_rows(ws) if r.status != "rejected"]
        assert unsent == [], f"{name} still has unsent changes"
        check_refused(m, name, ws)
    check_created(m, records, conflicts)
    check_actions(m, records, conflicts)
    check_writes(m, records, conflicts)
    check_conflict_values(m, conflicts)
    check_no_duplicates(records)
    check_children_follow(records)
    check_case_states(records)
    if edge_on("own_conflicts"):
        check_own_conflicts(m)
    check_clients(m, server)
    check_photos_servable(m, server)
    m.stats["examples checked"] += 1
    # The examples share the server: its conflicts at the last check are all of them.
    m.stats["visible conflicts on the server at the end"] = len(conflicts)


def _refused_keys(m: Any) -> set[Key]:
    keys: set[Key] = set()
    for ws in m.ws.values():
        keys |= {(r.entity, r.record_id) for r in outbox_rows(ws) if r.status == "rejected"}
    return keys


def check_created(m: Any, records: dict[Key, Record], conflicts: list[Conflict]) -> None:
    """Everything created reached the server (live, or deleted by someone), unless it was
    deleted and purged, or the server refused it visibly."""
    conflicted = {(c.entity, c.record_id) for c in conflicts}
    refused = _refused_keys(m)
    for key, who in m.created.items():
        if key not in records:
            assert (key in m.deleted and m.purges) or key in refused, (
                f"{key} made by {who} never reached the server"
            )
            continue
        if records[key].deleted:
            # Re-registering a household deleted earlier (same natural key, same id) is
            # an edit against a delete: a visible conflict, the tombstone stays.
            assert key in m.deleted or key in conflicted, (
                f"{key} was deleted on the server, but no one deleted it and no conflict shows it"
            )


def check_actions(m: Any, records: dict[Key, Record], conflicts: list[Conflict]) -> None:
    """Every workflow action taken locally was applied once, or kept as a rejected action in
    a workflow conflict, or refused for good and kept readable on its laptop as a refused
    change (the Conflicts screen's 未被接受的修改, with the reason in the user's language:
    docs/design.md §4.4), for a reason an edge explains (`check_refused`). The last is how a
    case created in a grid taken from its reporter before the first push ends, with the
    actions taken on it meanwhile: the case's create is refused `out_of_scope`, and so is
    every action on it (convergence finding 5). An action on a case the server has is never
    only a refused change: one taken while the laptop held the case, which left the actor's
    grids before it arrived, is handed over (`left_scope`: stored rejected, with a workflow
    conflict in the case's grid; server/handover.py, docs/design.md §4.6)."""
    rejected_actions = {(c.action or {}).get("id") for c in conflicts if c.kind == "workflow"}
    refused_actions = {
        r.record_id
        for ws in m.ws.values()
        for r in outbox_rows(ws)
        if r.status == "rejected" and r.op == "command"
    }
    for action_id, case_id in m.actions:
        if ("case", case_id) not in records and ("case", case_id) in m.deleted and m.purges:
            continue
        assert (
            ("case_action", action_id) in records
            or action_id in rejected_actions
            or (action_id in refused_actions and ("case", case_id) not in records)
        ), (
            f"workflow action {action_id} on case {case_id} is neither applied nor in a "
            "conflict, nor a refused change on its laptop of a case the server does not have"
        )


def check_writes(m: Any, records: dict[Key, Record], conflicts: list[Conflict]) -> None:
    """Every acknowledged write is the server's value, or is held in a visible conflict, or
    was overtaken by another client's later write of the value the server holds, made
    *knowing* it (`m.knew`: the writer had it from the server, itself or through the value
    it replaced; the same words typed by chance are not knowing it). A stale edit never
    silently overwrites a newer one, nor a concurrent one. `deleted` counts as a field: a
    delete is never undone without a conflict or a later re-registration (nothing
    resurrected). Writes from before a server restore are held to the order alone: the
    restore re-sends whole records as the laptops held them (docs/design.md §4.13)."""
    conflicted = {(c.entity, c.record_id) for c in conflicts}
    refused = {
        name: {(r.entity, r.record_id) for r in outbox_rows(ws) if r.status == "rejected"}
        for name, ws in m.ws.items()
    }
    conflict_values: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for c in conflicts:
        for f in c.fields or []:
            conflict_values[(c.entity, c.record_id, f["field"])].append(f.get("incoming"))
    for (entity, rid, field), writes in m.writes.items():
        rec = records.get((entity, rid))
        if rec is None:
            continue  # deleted and purged, or refused (check_created)
        if field == "deleted":
            value: Any = rec.deleted
        elif rec.deleted:
            continue
        elif field == "grid_code":
            value = rec.grid_code
        else:
            value = rec.data.get(field)
        last: dict[str, tuple[int, Any]] = {}
        for order, who, v, _seen in writes:
            last[who] = (order, v)
        lives = m.writes.get((entity, rid, "deleted"), [])
        for who, (order, mine) in last.items():
            if mine == value or (entity, rid) in refused.get(who, ()):
                continue  # held, or refused for good and kept readable (check_refused)
            later_holds = any(
                v == value and o > order and (order in m.knew.get(o, ()) or o <= m.restored_at)
                for o, w, v, _seen in writes
                if w != who
            )
            if field != "deleted" and _registered_anew(lives, after=order):
                continue  # deleted since, then registered anew: that record starts afresh
            in_conflict = (
                mine in conflict_values[(entity, rid, field)] or (entity, rid) in conflicted
            )
            assert later_holds or in_conflict, (
                f"{who}'s {entity}.{field} = {mine!r} lost: server has {value!r}, "
                "no later write holds it and no conflict shows it",
                rid,
                [(o, w, v) for o, w, v, _seen in writes],
            )


def _registered_anew(lives: list[tuple[int, str, Any, Any]], *, after: int) -> bool:
    """Whether the record was deleted after write `after` and registered again later (a
    registration once the tombstone was purged makes a new record, without the fields
    written before the delete; before the purge it is a conflict, checked as any)."""
    deletes = [o for o, _w, v, _seen in lives if v is True and o > after]
    return bool(deletes) and any(v is False and o > min(deletes) for o, _w, v, _seen in lives)


def check_conflict_values(m: Any, conflicts: list[Conflict]) -> None:
    """A conflict is about values people wrote: never about a field the other side left
    empty (a create merges as an edit of the fields it set), and never about a value the
    pusher had already seen, *from the server*, when it wrote its own (a coalesced edit
    keeps the base of each field). Its own words equal to the server's by chance are not
    seeing it (OWN_WORDS): a colleague who wrote them never saw the pusher's change, nor
    the pusher theirs, a real concurrent edit. Conflicts that follow a server restore are
    exempt from the second rule: a base from before a restore is clamped, so anything
    since is concurrent by design. A write typed after the conflict was raised is not what
    raised it (finding 7: a registration typed again, the same words, once the laptop had
    the server's; the conflict was its first registration's, its own words)."""
    written: dict[tuple[str, str, str], set[Any]] = defaultdict(set)
    for (entity, rid, field), writes in m.writes.items():
        written[(entity, rid, field)] |= {v for _o, _w, v, _seen in writes}
    usernames = {name: ws.actor.username for name, ws in m.ws.items()}
    for c in conflicts:
        if c.kind != "field" or (c.entity, c.record_id) not in m.touched or c.id in m.earlier:
            continue  # (the examples share the server: conflicts of earlier ones are theirs)
        if m.restored_wall is not None and _aware(c.created_at) >= m.restored_wall:
            # A restore re-sends whole records as the laptops held them: a field edited
            # since the restore meets the value another laptop only held (docs/design.md §4:
            # concurrent by rule), a conflict over a value nobody wrote just then.
            continue
        for f in c.fields or []:
            key = (c.entity, c.record_id, f["field"])
            if f["field"] not in TRACKED:
                continue
            assert f.get("incoming") in written[key], (
                f"conflict on {key}: incoming {f.get('incoming')!r} was never written "
                f"(server {f.get('server')!r}); written: {sorted(map(str, written[key]))}"
            )
            if c.reject_code:
                continue  # a change handed over after its record left the pusher's grids
            raised = _aware(c.created_at)
            written_at = getattr(m, "written_at", {})
            for order, who, v, seen in m.writes.get(key, []):
                if order <= m.restored_at or usernames.get(who) != f.get("incoming_author"):
                    continue
                if order in written_at and written_at[order] > raised:
                    continue  # typed after the conflict was raised: not what raised it
                assert not (
                    v == f.get("incoming") and seen is not OWN_WORDS and seen == f.get("server")
                ), (
                    f"false conflict on {key}: {who} wrote {v!r} having seen {seen!r}, "
                    "which the server reports as an unseen concurrent change"
                )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check_no_duplicates(records: dict[Key, Record]) -> None:
    """One live household per grid and 户号 (full-width digits folded), one live resident
    per ID number."""
    seen: dict[tuple[str, ...], Key] = {}
    for key, rec in records.items():
        if rec.deleted:
            continue
        if key[0] == "household":
            natural = ("household", rec.grid_code, fold(rec.data.get("household_no")))
        elif key[0] == "resident" and rec.data.get("id_number"):
            natural = ("resident", fold(rec.data["id_number"]).upper())
        else:
            continue
        assert natural not in seen, f"duplicate {natural}: {seen[natural]} and {key}"
        seen[natural] = key


def check_children_follow(records: dict[Key, Record]) -> None:
    """A household's residents, tags, visits and needs live in the household's grid (a
    moved household takes them along)."""
    for key, rec in records.items():
        parent_of = PARENTS.get(key[0])
        if parent_of is None or rec.deleted:
            continue
        parent_entity, ref = parent_of
        parent = records.get((parent_entity, str(rec.data.get(ref))))
        if parent is None or parent.deleted:
            continue
        assert rec.grid_code == parent.grid_code, (
            f"{key} lives in grid {rec.grid_code}, its {parent_entity} in {parent.grid_code}"
        )


def check_case_states(records: dict[Key, Record]) -> None:
    """A case is in the state its applied actions lead to, in their order (a case re-sent
    after a restore comes back in its state, with its history)."""
    actions: dict[str, list[Record]] = defaultdict(list)
    for (entity, _id), rec in records.items():
        if entity == "case_action" and not rec.data.get("rejected"):
            actions[str(rec.data.get("case_id"))].append(rec)
    for (entity, cid), rec in records.items():
        if entity != "case" or rec.deleted:
            continue
        history = sorted(actions.get(cid, []), key=lambda r: r.version)
        expected = history[-1].data.get("to_state") if history else "draft"
        assert rec.data.get("state") == expected, (
            f"case {cid} is {rec.data.get('state')!r}, its actions lead to {expected!r}",
            [(a.data.get("action"), a.data.get("to_state")) for a in history],
        )


def _parties(view: Any) -> set[str]:
    people = {f.get("local_author") for f in view.fields} | {
        f.get("server_author") for f in view.fields
    }
    if view.kind == "workflow":
        people.add((view.action or {}).get("actor"))
    people.add(getattr(view, "created_by", None))
    return {p for p in people if p}


def check_own_conflicts(m: Any) -> None:
    """A laptop's own conflict list holds only conflicts its user is a party to: a
    supervisor reviews the others' in the review desk, a colleague does not see them as
    their own."""
    for name, ws in m.ws.items():
        me = ws.actor.username
        for view in list_conflicts(ws, status="open"):
            if view.reject_code == "left_scope" and ws.actor.role.value == "grid_worker":
                continue  # a change handed over to the grid's worker (services.conflicts)
            assert me in _parties(view), (
                f"{name} ({me}) lists as its own a conflict between {sorted(_parties(view))}"
            )


def check_clients(m: Any, server: LiveServer) -> None:
    """Every client holds exactly the server's in-scope data, and every photo it references."""
    db = ServerDb(server.db_url)
    try:
        for name, ws in m.ws.items():
            assert_equals_server(name, ws, db, ws.actor.username)
            for sha in referenced_photos(ws):
                assert ws.profile.attachments.exists(sha), (name, "photo never arrived", sha)
                assert ws.profile.attachments.open_bytes(sha) == m.photos[sha], (name, sha)
    finally:
        db.close()


def check_photos_servable(m: Any, server: LiveServer) -> None:
    """Every photo of the run a live record names can be had from the server: its file is
    stored and the author of the record's hash proved possession of it. A laptop of this
    example may hold the file from before a restore that lost its upload; a laptop set up
    later (the examples share the server) would wait for it for ever (docs/design.md §4.13,
    "Restore and files")."""
    db = ServerDb(server.db_url)
    try:
        with transaction(db.sessions, write=False) as s:
            named = s.scalars(
                select(Record).where(Record.entity == "attachment", Record.deleted.is_(False))
            ).all()
            for record in named:
                sha = str(record.data.get("sha256"))
                if sha not in m.photos:
                    continue
                upload = s.get(Upload, sha)
                stored = upload is not None and upload.complete
                assert stored and filestore.final_path(server.settings, sha).is_file(), (
                    "photo not stored on the server",
                    sha,
                    record.id,
                )
                assert holds(s, sha, named_by(record)), (
                    "photo's author holds no proof of it on the server",
                    sha,
                    record.id,
                    named_by(record),
                )
    finally:
        db.close()


def referenced_photos(ws: Workspace) -> set[str]:
    with ws.read() as s:
        return set(s.scalars(select(AttachmentRow.sha256).where(AttachmentRow.deleted.is_(False))))


def pending_entries(rows: Iterable[OutboxEntry]) -> list[OutboxEntry]:
    return [r for r in rows if r.status != "rejected"]
