"""Pull: changed rows in the caller's scope, a page at a time (docs/design.md §4).

The cursor rule
---------------
Every versioned write (records, conflicts, moves, reference data) takes its
number from the counter row (sequence.py), whose lock is held until commit. At
any moment at most one transaction holds numbers that are not yet committed,
and they are above the committed counter value. So if a pull reads the counter
*first* and bounds every query by `version <= high_water`, all of those versions
are committed and visible to it: the cursor may then move up to `high_water`
even when the caller's scope had nothing there, and nothing below it can
appear later. Reading the counter *after* the rows would be wrong under
PostgreSQL's READ COMMITTED (a commit between the two statements would be
skipped); we read it first and additionally run the pull in one REPEATABLE
READ snapshot (SQLite's WAL read transaction is a snapshot already). The
new cursor is the last returned version when the page was cut, else
`high_water`. tests/server/test_pull_concurrency.py proves it under real
concurrency, and shows that a plain PostgreSQL sequence would lose changes.

Streams and scope
-----------------
A page merges, ordered by version: records, conflicts (entity "conflict",
fields = ConflictInfo) and moved-out records (a tombstone row with empty
fields in the old grid) of the grids in scope, plus reference data ("grid"
with its boundary, "region", "department"; they carry a version like records,
set by gridworker.server.users) for everyone. Grid roles see records of their
grids, special-group rows (Record.restricted) only where Scope.sees_restricted;
a department sees the records whose department_id is its own; the admin sees
every grid. A page that ends inside a group of rows sharing one version is
extended to the whole group, since the cursor cannot point inside it.

Scope changes
-------------
Device.grids is the set of grids the device is known to hold. A grid added to
the scope since then is back-filled from 0 with its own cursor (and left out of
the main stream meanwhile); the back-fill of a grid covers versions up to the
main cursor of the same reply, so when it ends, the main stream carries on from
there with no gap and no duplicate. A grid stays listed in the reply's
`backfill` until the client has sent it back and nothing is left (so a lost
reply simply starts the back-fill again), and `has_more` is true while any is
listed. A grid removed from the scope is listed in `evicted` until the client's
cursor has moved past the pull that first announced it (Device.evicting), so a
lost reply does not leave the grid's rows on the laptop; that pull also records
the grid and its high water in Device.released (until the grid comes back), which
is what a late change from a copy of the grid is handed over by (handover.py). A
full pull (cursor 0) needs no back-fill.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    and_,
    false,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from gridworker.domain.entities import DECLARED
from gridworker.protocol import ConflictInfo, Cursor, ErrorCode, PullRequest, PullResponse, Row
from gridworker.server import audit, meta, pull_json, sequence, shared_reach
from gridworker.server.calendar_rules import ENTITY as REFERENCE_DOC
from gridworker.server.calendar_rules import ReferenceDoc, wire_fields
from gridworker.server.caller import Caller
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError
from gridworker.server.models import Conflict, Department, Device, Grid, Move, Record, Region
from gridworker.server.pull_json import StoredRecord
from gridworker.server.scope import Scope

# last_seen is refreshed at most this often when nothing else about the device changed,
# so that frequent pulls do not all take SQLite's write lock.
PERSONAL_ENTITIES = frozenset(d.name for d in DECLARED if d.personal)
LAST_SEEN_EVERY = timedelta(seconds=60)


class _Item(NamedTuple):
    version: int
    key: tuple[str, str]  # (entity, id)
    # A record read with its fields as stored text (the reply's JSON, pull_json.py), or
    # any row as a model.
    row: Row | StoredRecord


# (after, upto, limit) -> items with after < version <= upto, ordered by version.
Source = Callable[[int, int, int | None], list[_Item]]


# An item's place in a page: (version, (entity, id)). A C-level key, as the pages of a
# first pull sort tens of thousands of items three times.
_sort_key = itemgetter(0, 1)


@dataclass(frozen=True)
class _View:
    """Which rows a stream covers: some grids, every grid, or a department's cases."""

    grids: frozenset[str] | None  # None: every grid
    department_id: str | None = None
    # Grids whose special-group rows the caller may see; None: all of them.
    restricted_grids: frozenset[str] | None = frozenset()
    # Entities the caller's role never receives (Scope.hidden_entities, §22.2).
    hidden_entities: frozenset[str] = frozenset()

    def condition(
        self, grid: Any, restricted: Any, department: Any, entity: Any, data: Any = None
    ) -> ColumnElement[bool]:
        """`data`: the record's fields, for an organization that reaches every grid it
        covers (shared_reach.py); without it, a row reaches its own grid only."""
        reach = self._reach(grid, restricted, department)
        if (
            data is not None
            and self.grids
            and shared_reach.SHARED_ENTITY not in self.hidden_entities
        ):
            reach = or_(reach, shared_reach.listed_in(entity, data, self.grids))
        if self.hidden_entities:
            return and_(entity.not_in(sorted(self.hidden_entities)), reach)
        return reach

    def _reach(self, grid: Any, restricted: Any, department: Any) -> ColumnElement[bool]:
        if self.department_id is not None:
            cond: ColumnElement[bool] = department == self.department_id
        elif self.grids is None:
            cond = true()
        elif self.grids:
            cond = grid.in_(sorted(self.grids))
        else:
            cond = false()
        # coalesce: `restricted` comes from an outer join for conflicts and moves.
        hidden = func.coalesce(restricted, false(), type_=Boolean)
        if self.restricted_grids is None:
            return cond
        if not self.restricted_grids:
            return and_(cond, not_(hidden))
        return and_(cond, or_(not_(hidden), grid.in_(sorted(self.restricted_grids))))


def _view(scope: Scope, grids: Iterable[str] | None) -> _View:
    hidden = scope.hidden_entities
    if scope.role == "department":
        return _View(
            grids=frozenset(), department_id=scope.department_id or "", hidden_entities=hidden
        )
    if grids is None:
        return _View(
            grids=None,
            restricted_grids=None if scope.special_access else frozenset(),
            hidden_entities=hidden,
        )
    chosen = frozenset(grids)
    return _View(
        grids=chosen,
        restricted_grids=frozenset(g for g in chosen if scope.sees_restricted(g)),
        hidden_entities=hidden,
    )


# --- sources --------------------------------------------------------------------


def _records(
    s: Session, view: _View, own: Sequence[tuple[int, int]] = (), *, stored: bool = False
) -> Source:
    """Records in the view. `own`: ranges of versions the caller already holds (its own
    pushes' answers, PullRequest.own), left out in the query itself, before the limit,
    so that paging and the cursor work as if those rows had been handed out. `stored`:
    each row's fields as the stored JSON text (pull_json.py), else decoded into a model."""

    def condition(grid: Any) -> ColumnElement[bool]:
        cond = view.condition(grid, Record.restricted, Record.department_id, Record.entity,
                              Record.data)  # fmt: skip
        if own:
            cond = and_(cond, not_(or_(*(Record.version.between(lo, hi) for lo, hi in own))))
        return cond

    cond = condition(Record.grid_code)
    by_version = _VersionPlan(s, view, condition)
    columns = (Record.entity, Record.id, Record.grid_code, Record.version, Record.deleted)
    data = pull_json.data_text(s) if stored else Record.data

    def fetch(after: int, upto: int, limit: int | None) -> list[_Item]:
        steered = by_version.condition(after, upto, limit)
        where = cond if steered is None else steered
        q = (
            select(*columns, data)
            .where(Record.version > after, Record.version <= upto, where)
            .order_by(Record.version, Record.entity, Record.id)
            .limit(limit)
        )
        if stored:
            return [_Item(r[3], (r[0], r[1]), StoredRecord(*r)) for r in s.execute(q)]
        return [
            _Item(
                r.version,
                (r.entity, r.id),
                Row(
                    entity=r.entity,
                    id=r.id,
                    grid_code=r.grid_code,
                    version=r.version,
                    deleted=r.deleted,
                    fields=dict(r.data or {}),
                ),
            )
            for r in s.execute(q)
        ]

    return fetch


class _VersionPlan:
    """SQLite's plan for a page of a list of grids, steered where it would sort too much.

    SQLite reads a page of the caller's grids by the (grid_code, version) index and sorts
    every row of those grids in the range to return the first `limit` (its rows' data
    with them): a first pull sorted its records again for each page, a third of the
    server's time for a row of it once the reply was spliced. Where the caller's grids
    hold most records, the version index read in order, stopping after `limit` rows that
    match, reads about as many rows and sorts none. Which is the case is judged per page
    from a sample: the first SAMPLE records of the range in version order (an index
    read that costs the same whatever the district's size); at least 1/SHARE of them in
    the grids steers the plan. Pages of at least MIN_LIMIT rows only: the probes `_page`
    makes with a limit of 1 or none keep the plan SQLite picks. `+grid_code` is SQLite's
    way of keeping a term off an index; the rows and their order are the same either way
    (ORDER BY decides them). PostgreSQL plans a top-N sort of its own and is left alone."""

    MIN_LIMIT = 100
    SAMPLE = 1000
    SHARE = 2

    def __init__(self, s: Session, view: _View, condition: Callable[[Any], Any]) -> None:
        self.s = s
        self.grids = sorted(view.grids or ())
        self.active = (
            bool(self.grids)
            and view.department_id is None
            and s.get_bind().dialect.name == "sqlite"
        )
        self._condition = condition
        self._unindexed: ColumnElement[bool] | None = None

    def condition(self, after: int, upto: int, limit: int | None) -> ColumnElement[bool] | None:
        """The condition with the grid term off its index, or None to keep the plan."""
        if not self.active or limit is None or limit < self.MIN_LIMIT:
            return None
        first = (
            select(Record.grid_code)
            .where(Record.version > after, Record.version <= upto)
            .order_by(Record.version)
            .limit(self.SAMPLE)
            .subquery()
        )
        sampled, mine = self.s.execute(
            select(
                func.count(), func.count().filter(first.c.grid_code.in_(self.grids))
            ).select_from(first)
        ).one()
        if not sampled or mine * self.SHARE < sampled:
            return None
        if self._unindexed is None:
            column = Record.__table__.c.grid_code
            grid = UnaryExpression(column, operator=operators.custom_op("+"), type_=String())
            self._unindexed = self._condition(grid)
        return self._unindexed


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _conflicts(s: Session, view: _View) -> Source:
    """Conflicts reach whoever sees their record (its special-group flag, its department)."""
    joined = and_(Record.entity == Conflict.entity, Record.id == Conflict.record_id)
    # A conflict whose record was purged counts as restricted if it was about a tag
    # (conflicts.restricted_conflict).
    restricted = func.coalesce(Record.restricted, Conflict.entity == "resident_tag")
    # An organization's conflicts reach every grid it covers, as the organization does.
    cond = view.condition(
        Conflict.grid_code, restricted, Record.department_id, Conflict.entity, Record.data
    )

    def fetch(after: int, upto: int, limit: int | None) -> list[_Item]:
        q = (
            select(Conflict)
            .outerjoin(Record, joined)
            .where(Conflict.version > after, Conflict.version <= upto, cond)
            .order_by(Conflict.version, Conflict.id)
            .limit(limit)
        )
        items = []
        for c in s.scalars(q):
            info = ConflictInfo.model_validate(
                {
                    "id": c.id,
                    "kind": c.kind,
                    "entity": c.entity,
                    "record_id": c.record_id,
                    "grid_code": c.grid_code,
                    "status": c.status,
                    "created_at": _iso(c.created_at),
                    "fields": c.fields or [],
                    "action": c.action,
                    "reject_code": c.reject_code,
                    "resolved_by": c.resolved_by,
                    "resolved_at": _iso(c.resolved_at),
                    "created_by": c.created_by,
                }
            )
            row = Row(
                entity="conflict",
                id=c.id,
                grid_code=c.grid_code,
                version=c.version,
                fields=info.model_dump(mode="json"),
            )
            items.append(_Item(c.version, ("conflict", c.id), row))
        return items

    return fetch


def _moves_out(s: Session, grids: frozenset[str], visible: _View) -> Source:
    """Records moved out of `grids` that the caller no longer sees: a tombstone in the old
    grid, with no fields (the record's values now belong to a grid outside the scope)."""
    joined = and_(Record.entity == Move.entity, Record.id == Move.record_id)
    still_visible = visible.condition(
        Record.grid_code, Record.restricted, Record.department_id, Record.entity, Record.data
    )
    # A record of an entity the caller never receives leaves no tombstone either.
    hidden = sorted(visible.hidden_entities)

    def fetch(after: int, upto: int, limit: int | None) -> list[_Item]:
        if not grids:
            return []
        q = (
            select(Move.seq, Move.entity, Move.record_id, Move.old_grid)
            .outerjoin(Record, joined)
            .where(
                Move.seq > after,
                Move.seq <= upto,
                Move.old_grid.in_(sorted(grids)),
                Move.entity.not_in(hidden) if hidden else true(),
                or_(Record.id.is_(None), not_(still_visible)),
            )
            .order_by(Move.seq)
            .limit(limit)
        )
        return [
            _Item(
                m.seq,
                (m.entity, m.record_id),
                Row(
                    entity=m.entity,
                    id=m.record_id,
                    grid_code=m.old_grid,
                    version=m.seq,
                    deleted=True,
                    fields={},
                ),
            )
            for m in s.execute(q)
        ]

    return fetch


def _reference_source(
    s: Session,
    model: Any,
    entity: str,
    key: Any,
    fields: Callable[[Any], dict[str, Any]],
    *,
    is_grid: bool = False,
) -> Source:
    def fetch(after: int, upto: int, limit: int | None) -> list[_Item]:
        q = (
            select(model)
            .where(model.version > after, model.version <= upto)
            .order_by(model.version, key)
            .limit(limit)
        )
        items = []
        for obj in s.scalars(q):
            ident = str(getattr(obj, key.key))
            row = Row(
                entity=entity,
                id=ident,
                # Only a grid belongs to a grid; the other reference rows are district-wide.
                grid_code=ident if is_grid else "",
                version=obj.version,
                fields=fields(obj),
            )
            items.append(_Item(obj.version, (entity, ident), row))
        return items

    return fetch


_GRID_FIELDS = ("code", "name", "community_code", "grid_type", "boundary_geojson")

# District-wide reference data, for everyone: (entity, model, key, its fields). Grids come
# with their boundaries; the calendar and deadline rules are server/calendar_rules.py's.
_REFERENCE: tuple[tuple[str, Any, Any, Callable[[Any], dict[str, Any]]], ...] = (
    (
        "grid",
        Grid,
        Grid.code,
        lambda g: {name: getattr(g, name) for name in (*_GRID_FIELDS, "valid_from", "valid_to")},
    ),
    (
        "region",
        Region,
        Region.code,
        lambda r: {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code},
    ),
    (
        "department",
        Department,
        Department.id,
        lambda d: {"id": d.id, "name": d.name, "code": d.code},
    ),
    (REFERENCE_DOC, ReferenceDoc, ReferenceDoc.kind, wire_fields),
)


def _reference(s: Session, streams: frozenset[str]) -> list[Source]:
    """The reference streams among `streams` (see `_changed_streams`)."""
    return [
        _reference_source(s, model, entity, key, fields, is_grid=entity == "grid")
        for entity, model, key, fields in _REFERENCE
        if entity in streams
    ]


# The streams besides the records, by the column that numbers their changes.
_STREAM_VERSIONS = (
    ("conflict", Conflict.version),
    ("move", Move.seq),
    *((entity, model.version) for entity, model, _key, _fields in _REFERENCE),
)


def _changed_streams(s: Session, after: int, upto: int) -> frozenset[str]:
    """Which streams besides the records changed in (after, upto]: one statement of EXISTS
    probes (an index seek each) instead of one query per stream. Most pulls, a one-record
    sync's among them, then read the records alone; a stream left out had nothing in the
    range, so the page is the same."""
    if upto <= after:
        return frozenset()
    probes = [
        select(column).where(column > after, column <= upto).exists().label(name)
        for name, column in _STREAM_VERSIONS
    ]
    found = s.execute(select(*probes)).one()
    return frozenset(name for (name, _), hit in zip(_STREAM_VERSIONS, found, strict=True) if hit)


def _page(sources: list[Source], after: int, upto: int, room: int) -> tuple[list[_Item], bool]:
    """Up to `room` items with after < version <= upto, never cutting a version in two.

    Returns the items and whether more remain below `upto`.
    """
    if upto <= after:
        return [], False
    if room <= 0:
        return [], any(src(after, upto, 1) for src in sources)
    fetched = [src(after, upto, room + 1) for src in sources]
    merged = sorted(chain.from_iterable(fetched), key=_sort_key)
    if len(merged) <= room:
        return merged, False
    cut = merged[room - 1].version
    page: list[_Item] = []
    more = False
    for src, got in zip(sources, fetched, strict=True):
        if len(got) > room and got[-1].version == cut:
            # This source stopped inside the cut version: fetch the rest of that group.
            got = [i for i in got if i.version < cut] + src(cut - 1, cut, None)
            more = more or bool(src(cut, upto, 1))
        else:
            more = more or any(i.version > cut for i in got)
        page.extend(i for i in got if i.version <= cut)
    page.sort(key=_sort_key)
    return page, more


# --- scope changes -----------------------------------------------------------------


@dataclass
class _ScopePlan:
    grids: frozenset[str] | None  # the scope for the main stream (None: every grid)
    in_scope: frozenset[str]  # every grid in scope, back-filling or not
    backfill: dict[str, int] = field(default_factory=dict)  # grid -> its cursor
    echoed: frozenset[str] = frozenset()  # back-fills the client already knows about
    evicted: list[str] = field(default_factory=list)
    snapshot: list[str] = field(default_factory=list)  # Device.grids to store
    evicting: dict[str, int] = field(default_factory=dict)  # Device.evicting to store
    released: dict[str, int] = field(default_factory=dict)  # Device.released to store


def _plan_scope(
    s: Session,
    scope: Scope,
    device: Device | None,
    cursor: int,
    requested: dict[str, int],
    high_water: int,
) -> _ScopePlan:
    if scope.everything:
        in_scope = frozenset(s.scalars(select(Grid.code)))
    elif scope.role == "department":
        in_scope = frozenset()
    else:
        in_scope = scope.grids
    previous = device.grids if device is not None else None
    # Never pulled (or pulled before snapshots existed): nothing to compare with.
    held = set(in_scope if previous is None else previous)
    backfill: dict[str, int] = {}
    echoed: set[str] = set()
    if cursor > 0 and not scope.everything:
        backfill = {g: b for g, b in requested.items() if g in in_scope}
        echoed = set(backfill)
        for grid in in_scope - held - echoed:
            backfill[grid] = 0
    # A full pull delivers every grid in scope, so the device then holds them all;
    # otherwise a newly added grid counts as held once the client echoes its back-fill.
    snapshot = set(in_scope) if cursor == 0 else (held & in_scope) | echoed
    pending = {
        g: since
        for g, since in ((device.evicting or {}) if device is not None else {}).items()
        if cursor <= since and g not in in_scope
    }
    # A grid leaves the snapshot here, once: every copy of its records the laptop had is
    # at or below this pull's high water (pulled, or answered to its own pushes), which
    # is what a late change from such a copy is checked against (handover.py).
    released = {
        g: since
        for g, since in ((device.released or {}) if device is not None else {}).items()
        if g not in in_scope
    }
    for grid in held - in_scope:
        pending.setdefault(grid, cursor)
        released[grid] = high_water
    evicted = sorted(set(pending) | (set(requested) - in_scope))
    main = None if scope.everything else in_scope - set(backfill)
    return _ScopePlan(
        grids=main,
        in_scope=in_scope,
        backfill=backfill,
        echoed=frozenset(echoed),
        evicted=evicted,
        snapshot=sorted(snapshot),
        evicting=pending,
        released=released,
    )


# --- the pull ------------------------------------------------------------------------


def _epoch_changed(s: Session, epoch: str, high_water: int, *, same_epoch: bool) -> ApiError:
    restored = meta.get(s, meta.RESTORED_HIGH_WATER)
    mark = high_water if same_epoch or restored is None else int(restored)
    return ApiError(
        ErrorCode.epoch_changed,
        "服务器已从备份恢复：本机将重新上传较新的数据并从头同步",
        "The server was restored from a backup: this laptop re-sends newer changes and resyncs",
        high_water=mark,
        epoch=epoch,
    )


def _cursor_expired() -> ApiError:
    return ApiError(
        ErrorCode.cursor_expired,
        "同步位置已过期，需要从头重新同步（未同步的数据会保留）",
        "The sync position is too old: resync from the start (unsent changes are kept)",
    )


def _snapshot(s: Session) -> None:
    """One consistent, read-only snapshot for the whole pull on PostgreSQL."""
    bind = s.get_bind()
    if bind.dialect.name == "postgresql":
        s.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )


def _own_ranges(request: PullRequest, cursor: int, high_water: int) -> list[tuple[int, int]]:
    """The caller's own versions that matter to this pull: within (cursor, high_water], and
    only with a cursor, whose epoch was checked (a number of another epoch may name
    another record). Used by the main stream only: a back-filled grid is sent whole, as
    the laptop may have dropped its rows (an eviction) since it pushed them.

    Why leaving them out changes nothing on the laptop: a record's version is a number
    taken for that one write of that one record (sequence.next_seq), and the laptop
    names a version only after it settled the record at that version or newer; such a
    row is skipped when pulled (docs/design.md §4.5)."""
    if request.cursor is None or not request.own:
        return []
    return [
        (max(lo, cursor + 1), min(hi, high_water))
        for lo, hi in request.own
        if lo <= hi and hi > cursor and lo <= high_water
    ]


@dataclass(frozen=True)
class PullPage:
    """One page of a pull: what a `PullResponse` says, its rows in order."""

    epoch: str
    cursor: int
    rows: list[Row | StoredRecord]
    has_more: bool
    backfill: dict[str, int]
    evicted: list[str]
    high_water: int

    def json(self) -> bytes:
        """The reply's JSON, the records' fields spliced from their stored text."""
        return pull_json.reply_json(
            epoch=self.epoch,
            seq=self.cursor,
            rows=self.rows,
            has_more=self.has_more,
            backfill=self.backfill,
            evicted=self.evicted,
            high_water=self.high_water,
        )


def pull_page(
    sessions: sessionmaker[Session], caller: Caller, request: PullRequest, settings: Settings
) -> PullPage:
    """Rows changed since the cursor in the caller's scope, one page (see the module doc),
    records with their fields as stored JSON text: what the pull route answers."""
    return _pull(sessions, caller, request, stored=True)


def build_pull(
    sessions: sessionmaker[Session], caller: Caller, request: PullRequest, settings: Settings
) -> PullResponse:
    """The same page as models, each record's fields decoded (the way the route answered
    before `pull_page`; kept as the reference it is tested against, and for callers that
    want the models)."""
    page = _pull(sessions, caller, request, stored=False)
    return PullResponse(
        epoch=page.epoch,
        cursor=Cursor(epoch=page.epoch, seq=page.cursor),
        rows=cast(list[Row], page.rows),  # stored=False: models only
        has_more=page.has_more,
        backfill=page.backfill,
        evicted=page.evicted,
        high_water=page.high_water,
    )


def _pull(
    sessions: sessionmaker[Session], caller: Caller, request: PullRequest, *, stored: bool
) -> PullPage:
    if request.device_id != caller.device_id:
        raise ApiError(
            ErrorCode.bad_request,
            "设备编号与登录的设备不一致",
            "The device id does not match the signed-in device",
        )
    scope = caller.scope
    cursor = request.cursor.seq if request.cursor is not None else 0
    with transaction(sessions, write=False) as s:
        _snapshot(s)
        # The counter first: everything at or below it is committed (module doc).
        high_water = sequence.current_seq(s)
        epoch = meta.get_epoch(s)
        if request.cursor is not None and request.cursor.epoch != epoch:
            raise _epoch_changed(s, epoch, high_water, same_epoch=False)
        if cursor > high_water:
            # A cursor from the future: the database went back in time without new-epoch.
            raise _epoch_changed(s, epoch, high_water, same_epoch=True)
        purged = int(meta.get(s, meta.PURGED_THROUGH, 0) or 0)
        if 0 < cursor < purged or (
            cursor > 0 and any(0 < b < purged for b in request.backfill.values())
        ):
            raise _cursor_expired()
        device = s.get(Device, caller.device_id)
        plan = _plan_scope(s, scope, device, cursor, request.backfill, high_water)

        main_view = _view(scope, plan.grids)
        changed = _changed_streams(s, cursor, high_water)
        own = _own_ranges(request, cursor, high_water)
        sources = [_records(s, main_view, own, stored=stored)]
        if "conflict" in changed:
            sources.append(_conflicts(s, main_view))
        sources += _reference(s, changed)
        if plan.grids and scope.role != "department" and "move" in changed:
            sources.append(_moves_out(s, plan.grids, _view(scope, plan.in_scope)))
        items, main_more = _page(sources, cursor, high_water, request.limit)
        new_cursor = items[-1].version if main_more else high_water

        still_backfilling: dict[str, int] = {}
        for grid in sorted(plan.backfill):
            start = plan.backfill[grid]
            grid_view = _view(scope, [grid])
            grid_sources = [
                _records(s, grid_view, stored=stored),
                _conflicts(s, grid_view),
                _moves_out(s, frozenset([grid]), _view(scope, plan.in_scope)),
            ]
            got, more = _page(grid_sources, start, new_cursor, request.limit - len(items))
            items.extend(got)
            if more:
                still_backfilling[grid] = got[-1].version if got else start
            elif grid not in plan.echoed:
                # Done up to the main cursor; listed once more so that the client
                # confirms it holds the grid (see the module doc).
                still_backfilling[grid] = max(start, new_cursor)

        touch = device is not None and (
            device.grids != plan.snapshot
            or (device.evicting or {}) != plan.evicting
            or (device.released or {}) != plan.released
            or device.last_seen is None
            or device.last_seen.replace(tzinfo=device.last_seen.tzinfo or UTC)
            < datetime.now(UTC) - LAST_SEEN_EVERY
        )
    # Personal records handed out are "viewed" (PIPL): who received how many, never values.
    viewed = Counter(i.row.entity for i in items if i.row.entity in PERSONAL_ENTITIES)
    if touch or viewed:
        with transaction(sessions) as s:
            row = s.get(Device, caller.device_id)
            if row is not None and touch:
                row.grids = plan.snapshot
                row.evicting = plan.evicting or None
                row.released = plan.released or None
                row.last_seen = datetime.now(UTC)
            if viewed:
                audit.record(
                    s,
                    "pull",
                    username=caller.username,
                    device_id=caller.device_id,
                    detail={"records": dict(viewed), "cursor": new_cursor},
                )
    items.sort(key=_sort_key)
    return PullPage(
        epoch=epoch,
        cursor=new_cursor,
        rows=[i.row for i in items],
        has_more=main_more or bool(still_backfilling),
        backfill=still_backfilling,
        evicted=plan.evicted,
        high_water=high_water,
    )
