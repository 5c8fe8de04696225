"""The supervisor's dashboard (docs/design.md §5): case figures for a scope and an as-of time.

Computed locally from the synced cases in the encrypted profile and stamped with
the last sync. The definitions:

- 累计办件 total: cases that left DRAFT, excluding CANCELLED;
- 办结 closed: CLOSED;
- 正在办理 in progress: total − closed (SUSPENDED included, and also counted apart);
- 今日办件 today: cases of the total reported on the as-of day (calendar time zone);
- 即将超时 due soon / 已超时 overdue: open cases by ``case_deadline_status`` at the
  as-of time, on the workspace calendar.

A scope is a code prefix: the county (district), a street, a community or a grid
(DOMAIN.md codes). A period (``since``) narrows everything to cases reported from
then on. When the as-of time lies before later workflow actions, each case's state
is the one its action log had at that time. Counting is done in SQL; only the open
cases are loaded into Python for their deadline status. Every figure and chart bar
can list the case ids behind it (``case_ids``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from gridworker.domain.clock import district_text
from gridworker.domain.deadlines import DeadlineStatus, case_deadline_status
from gridworker.domain.entities import Case
from gridworker.domain.enums import CaseCategory, CaseState, RegionLevel, Role
from gridworker.services.records import to_entity
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import CaseActionRow, CaseRow, GridRow, RegionRow
from gridworker.sync.state import SyncState

COUNTY_LEN, STREET_LEN, COMMUNITY_LEN, GRID_LEN = 6, 9, 12, 15
_NOT_COUNTED = (CaseState.draft, CaseState.cancelled)
_OPEN = tuple(s for s in CaseState if s.is_open)
DAILY_LIMIT_DAYS = 92  # a longer period is charted by month
DEFAULT_CHART_DAYS = 30


class Figure(Enum):
    """The dashboard's figures, with their Chinese labels (docs/design.md §5)."""

    total = "累计办件"
    closed = "办结"
    in_progress = "正在办理"
    suspended = "挂账"
    today = "今日办件"
    due_soon = "即将超时"
    overdue = "已超时"


@dataclass(frozen=True)
class DashboardQuery:
    """What to count: a code prefix (None: every case in the profile), as of when, since when."""

    scope: str | None = None
    as_of: datetime | None = None  # None: the workspace's now
    since: datetime | None = None  # None: since the beginning


@dataclass(frozen=True)
class Bucket:
    """One bar of a chart: a label, its count, and what narrows ``case_ids`` to it."""

    key: str  # a day or month (ISO), a category code, an area code
    label: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    scope: str | None
    scope_name: str
    as_of: datetime
    since: datetime | None
    last_sync: datetime | None
    total: int
    closed: int
    in_progress: int
    suspended: int
    today: int
    due_soon: int
    overdue: int
    per_day: list[Bucket]  # by day, or by month ("YYYY-MM") for periods over 92 days
    by_category: list[Bucket]
    by_area: list[Bucket]  # the level below the scope: streets, communities or grids
    area_level: str  # "street", "community" or "grid"

    def figure(self, figure: Figure) -> int:
        value: int = getattr(self, figure.name)
        return value

    def to_json(self) -> dict[str, Any]:
        """The figures as `gridworker dashboard --json` prints them (docs/design.md §9)."""
        return {
            "total": self.total,
            "closed": self.closed,
            "in_progress": self.in_progress,
            "today": self.today,
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "suspended": self.suspended,
            "scope": self.scope,
            "scope_name": self.scope_name,
            "as_of": self.as_of.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "per_day": {b.key: b.count for b in self.per_day},
            "by_category": {b.key: b.count for b in self.by_category},
            "by_area": {b.key: b.count for b in self.by_area},
        }


@dataclass(frozen=True)
class ScopeChoice:
    code: str
    name: str
    level: str  # county, street, community, grid


# --- the case set --------------------------------------------------------------------


def _as_of(ws: Workspace, query: DashboardQuery) -> datetime:
    when = query.as_of or ws.now()
    if when.tzinfo is None or when.utcoffset() is None:
        raise ServiceError("naive_datetime", field="as_of")
    return when.astimezone(UTC)


def _history_needed(s: Session, as_of: datetime, scope: str | None) -> bool:
    """Whether any action happened after `as_of` (then states are taken from the log)."""
    stmt = select(CaseActionRow.id).where(CaseActionRow.at > as_of).limit(1)
    if scope:
        stmt = stmt.where(CaseActionRow.grid_code.startswith(scope, autoescape=True))
    return s.scalar(stmt) is not None


def _case_set(s: Session, query: DashboardQuery, as_of: datetime) -> Subquery:
    """(id, grid_code, category, state, reported_at) of the counted cases at `as_of`."""
    if query.as_of is not None and _history_needed(s, as_of, query.scope):
        # A case acted on after `as_of` had the state its last action up to then left it in
        # (an index lookup on case_action.case_id, NULL before its report); the others
        # still have their current state, so only the changed few are looked up.
        then = (
            select(CaseActionRow.to_state)
            .where(
                CaseActionRow.case_id == CaseRow.id,
                CaseActionRow.at <= as_of,
                CaseActionRow.rejected.is_(False),
                CaseActionRow.deleted.is_(False),
                CaseActionRow.to_state.is_not(None),
            )
            .order_by(CaseActionRow.at.desc(), CaseActionRow.id.desc())
            .limit(1)
            .correlate(CaseRow)
            .scalar_subquery()
        )
        changed = select(CaseActionRow.case_id).where(CaseActionRow.at > as_of)
        state: Any = case((CaseRow.id.in_(changed), then), else_=CaseRow.state)
        stmt: Select[Any] = select(
            CaseRow.id, CaseRow.grid_code, CaseRow.category, state.label("state"),
            CaseRow.reported_at,
        )  # fmt: skip
    else:
        state = CaseRow.state
        stmt = select(  # type: ignore[assignment]
            CaseRow.id, CaseRow.grid_code, CaseRow.category, CaseRow.state, CaseRow.reported_at
        )
    history = state is not CaseRow.state
    return stmt.where(*_filters(query, as_of, state)).subquery(
        "counted_then" if history else "counted"
    )


def _uses_history(counted: Subquery) -> bool:
    return counted.name == "counted_then"


def _filters(query: DashboardQuery, as_of: datetime, state: Any) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        CaseRow.deleted.is_(False),
        state.not_in(_NOT_COUNTED),
        CaseRow.reported_at.is_not(None),
        CaseRow.reported_at <= as_of,
    ]
    if query.scope and len(query.scope) > COUNTY_LEN:
        # A range rather than LIKE, so the grid_code index narrows a street to its rows.
        conditions += [CaseRow.grid_code >= query.scope, CaseRow.grid_code < query.scope + "\uffff"]
    elif query.scope:  # the whole district: a plain scan beats a lookup per row
        conditions.append(CaseRow.grid_code.startswith(query.scope, autoescape=True))
    if query.since is not None:
        conditions.append(CaseRow.reported_at >= query.since)
    return conditions


def _day_bounds(ws: Workspace, day: date) -> tuple[datetime, datetime]:
    zone = ws.calendar.zone
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _deadline_statuses(
    ws: Workspace, s: Session, query: DashboardQuery, counted: Subquery, as_of: datetime
) -> dict[str, DeadlineStatus]:
    """The deadline status at `as_of` of each case open then (loaded: they are few)."""
    if _uses_history(counted):
        stmt = (
            select(CaseRow, counted.c.state)
            .join(counted, counted.c.id == CaseRow.id)
            .where(counted.c.state.in_(_OPEN))
        )
    else:  # the current state: found through its index, no scan of the closed cases
        stmt = select(CaseRow, CaseRow.state).where(*_filters(query, as_of, CaseRow.state))
        stmt = stmt.where(CaseRow.state.in_(_OPEN))
    terms = ws.deadline_terms(s)
    out: dict[str, DeadlineStatus] = {}
    for row, state in s.execute(stmt):
        entity = dataclasses.replace(to_entity(row, Case), state=state)
        status = case_deadline_status(entity, as_of, terms.calendar, terms.rules)
        if status is not None:
            out[row.id] = status
    return out


# --- the figures ---------------------------------------------------------------------


def scope_name(ws: Workspace, code: str | None) -> str:
    """The region's or grid's name from the local reference tables ("" when unknown)."""
    if not code:
        return ""
    with ws.read() as s:
        if len(code) > COMMUNITY_LEN:
            name = s.scalar(select(GridRow.name).where(GridRow.code == code))
        else:
            name = s.scalar(select(RegionRow.name).where(RegionRow.code == code))
    return name or ""


def area_known(ws: Workspace, code: str) -> bool:
    """Whether `code` names an area this profile knows: a region or grid of the synced
    reference tables (or under one), or one of the user's own grids or their area."""
    area = ws.actor.area_code or ""
    if any(g.startswith(code) for g in ws.actor.grids):
        return True
    if area and (code.startswith(area) or area.startswith(code)):
        return True
    with ws.read() as s:
        if s.scalar(select(RegionRow.code).where(RegionRow.code == code).limit(1)):
            return True
        return bool(s.scalar(select(GridRow.code).where(GridRow.code.startswith(code)).limit(1)))


def dashboard(ws: Workspace, query: DashboardQuery | None = None) -> Dashboard:
    """The six figures (plus 挂账) and the chart series for a scope, as of a time."""
    query = query or DashboardQuery()
    as_of = _as_of(ws, query)
    day_start, day_end = _day_bounds(ws, as_of.astimezone(ws.calendar.zone).date())
    length, level = _child_length(query.scope)
    with ws.read() as s:
        counted = _case_set(s, query, as_of)
        # One pass over the cases, grouped small: area × category × state × reported today.
        area = func.substr(counted.c.grid_code, 1, length)
        is_today = case(
            (and_(counted.c.reported_at >= day_start, counted.c.reported_at < day_end), 1),
            else_=0,
        )
        groups = list(
            s.execute(
                select(area, counted.c.category, counted.c.state, is_today, func.count()).group_by(
                    area, counted.c.category, counted.c.state, is_today
                )
            )
        )
        statuses = _deadline_statuses(ws, s, query, counted, as_of)
        per_day = _per_day(ws, s, counted, query, as_of)
        by_area = _area_buckets(s, level, groups)
        last_sync = SyncState.load(s).last_sync
    total = closed = suspended = today = 0
    categories: dict[CaseCategory, int] = {}
    for _area, category, state, in_today, n in groups:
        total += n
        closed += n if state is CaseState.closed else 0
        suspended += n if state is CaseState.suspended else 0
        today += n if in_today else 0
        categories[category] = categories.get(category, 0) + n
    by_category = [Bucket(c.code, c.zh, categories.get(c, 0)) for c in CaseCategory]
    values = list(statuses.values())
    return Dashboard(
        scope=query.scope,
        scope_name=scope_name(ws, query.scope),
        as_of=as_of,
        since=query.since,
        last_sync=datetime.fromisoformat(last_sync) if last_sync else None,
        total=total,
        closed=closed,
        in_progress=total - closed,
        suspended=suspended,
        today=today,
        due_soon=values.count(DeadlineStatus.due_soon),
        overdue=values.count(DeadlineStatus.overdue),
        per_day=per_day,
        by_category=by_category,
        by_area=by_area,
        area_level=level,
    )


def _chart_window(ws: Workspace, query: DashboardQuery, as_of: datetime) -> tuple[date, date]:
    zone = ws.calendar.zone
    last = as_of.astimezone(zone).date()
    first = (
        query.since.astimezone(zone).date()
        if query.since is not None
        else last - timedelta(days=DEFAULT_CHART_DAYS - 1)
    )
    return min(first, last), last


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _per_day(
    ws: Workspace, s: Session, counted: Subquery, query: DashboardQuery, as_of: datetime
) -> list[Bucket]:
    first, last = _chart_window(ws, query, as_of)
    start, _ = _day_bounds(ws, first)
    zone = ws.calendar.zone
    monthly = (last - first).days + 1 > DAILY_LIMIT_DAYS
    keys: list[str] = []
    day = first
    while day <= last:
        key = _month_key(day) if monthly else day.isoformat()
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    counts = dict.fromkeys(keys, 0)
    for (reported,) in s.execute(
        select(counted.c.reported_at).where(counted.c.reported_at >= start)
    ):
        local = reported.astimezone(zone).date()
        key = _month_key(local) if monthly else local.isoformat()
        if key in counts:
            counts[key] += 1
    return [Bucket(k, k[5:] if not monthly else k, n) for k, n in counts.items()]


def _child_length(scope: str | None) -> tuple[int, str]:
    length = len(scope or "")
    if length <= COUNTY_LEN:
        return STREET_LEN, RegionLevel.street.code
    if length <= STREET_LEN:
        return COMMUNITY_LEN, RegionLevel.community.code
    return GRID_LEN, "grid"


def _area_buckets(s: Session, level: str, groups: Sequence[Any]) -> list[Bucket]:
    counts: dict[str, int] = {}
    for code, _category, _state, _today, n in groups:
        counts[str(code)] = counts.get(str(code), 0) + int(n)
    table = (GridRow.code, GridRow.name) if level == "grid" else (RegionRow.code, RegionRow.name)
    names = {
        str(code): str(name)
        for code, name in s.execute(select(*table).where(table[0].in_(list(counts))))
    }
    buckets = [Bucket(code, names.get(code) or code, n) for code, n in counts.items()]
    return sorted(buckets, key=lambda b: (-b.count, b.key))


# --- click-through -------------------------------------------------------------------


def case_ids(
    ws: Workspace,
    query: DashboardQuery,
    figure: Figure = Figure.total,
    *,
    category: CaseCategory | None = None,
    area: str | None = None,
    bucket: str | None = None,
) -> list[str]:
    """The ids of the cases behind a figure, narrowed to a chart bar if given.

    ``bucket`` is a ``per_day`` key (a day "YYYY-MM-DD" or a month "YYYY-MM"),
    ``area`` a ``by_area`` key, ``category`` a ``by_category`` one. Newest report first.
    """
    as_of = _as_of(ws, query)
    with ws.read() as s:
        counted = _case_set(s, query, as_of)
        conditions: list[ColumnElement[bool]] = []
        if figure is Figure.closed:
            conditions.append(counted.c.state == CaseState.closed)
        elif figure is Figure.in_progress:
            conditions.append(counted.c.state != CaseState.closed)
        elif figure is Figure.suspended:
            conditions.append(counted.c.state == CaseState.suspended)
        elif figure is Figure.today:
            start, end = _day_bounds(ws, as_of.astimezone(ws.calendar.zone).date())
            conditions += [counted.c.reported_at >= start, counted.c.reported_at < end]
        if category is not None:
            conditions.append(counted.c.category == category)
        if area:
            conditions.append(counted.c.grid_code.startswith(area, autoescape=True))
        if bucket:
            start, end = _bucket_bounds(ws, bucket)
            conditions += [counted.c.reported_at >= start, counted.c.reported_at < end]
        stmt = (
            select(counted.c.id)
            .where(*conditions)
            .order_by(counted.c.reported_at.desc(), counted.c.id)
        )
        ids = list(s.scalars(stmt))
        if figure in (Figure.due_soon, Figure.overdue):
            wanted = (
                DeadlineStatus.due_soon if figure is Figure.due_soon else DeadlineStatus.overdue
            )
            statuses = _deadline_statuses(ws, s, query, counted, as_of)
            ids = [i for i in ids if statuses.get(i) is wanted]
    return ids


def _bucket_bounds(ws: Workspace, key: str) -> tuple[datetime, datetime]:
    try:
        if len(key) == len("YYYY-MM"):
            first = date.fromisoformat(f"{key}-01")
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return _day_bounds(ws, first)[0], _day_bounds(ws, following)[0]
        return _day_bounds(ws, date.fromisoformat(key))
    except ValueError as exc:
        raise ServiceError("bad_day_or_month", value=key) from exc


# --- scopes --------------------------------------------------------------------------


def scope_choices(ws: Workspace) -> list[ScopeChoice]:
    """District, streets, communities and grids from the local reference tables, in code
    order: an admin gets everything, a supervisor their area and what lies under it,
    anyone else their grids and the regions around them."""
    actor = ws.actor
    everything = actor.role is Role.admin
    area = actor.area_code or ""
    with ws.read() as s:
        regions = list(s.execute(select(RegionRow.code, RegionRow.name, RegionRow.level)))
        grids = list(s.execute(select(GridRow.code, GridRow.name)))
    mine = [code for code, _name in grids if everything or actor.covers(code)]
    out = [
        ScopeChoice(code, name, level.code)
        for code, name, level in regions
        if everything
        or (area and code.startswith(area))
        or (not area and any(g.startswith(code) for g in mine))
    ]
    names = {code: name for code, name in grids}
    out += [ScopeChoice(code, names[code], "grid") for code in mine]
    return sorted(out, key=lambda c: c.code)


def default_scope(ws: Workspace) -> str | None:
    """Where the dashboard opens: the supervisor's area, the district for the admin (when the
    reference data names one), else everything synced."""
    if ws.actor.area_code:
        return ws.actor.area_code
    if ws.actor.role is Role.admin:
        with ws.read() as s:
            counties = list(
                s.scalars(select(RegionRow.code).where(RegionRow.level == RegionLevel.county))
            )
        if len(counties) == 1:
            return counties[0]
    return None


def describe(board: Dashboard, zone: Any, lang: str = "zh_CN") -> Sequence[str]:
    """Human lines for `gridworker dashboard`, in `lang` (district time)."""
    en = lang.lower().startswith("en")
    stamp = district_text(board.last_sync, zone) or ("never" if en else "从未同步")
    scope = board.scope_name or board.scope or ("all" if en else "全部")
    if board.scope:
        scope += f" ({board.scope})" if en else f"（{board.scope}）"
    if en:
        lines = [
            f"scope: {scope}",
            f"as of {district_text(board.as_of, zone)}; data as of the last sync {stamp}",
        ]
    else:
        lines = [
            f"范围：{scope}",
            f"统计截至 {district_text(board.as_of, zone)}；数据截至上次同步 {stamp}",
        ]
    for figure in (Figure.total, Figure.closed, Figure.in_progress, Figure.today,
                   Figure.due_soon, Figure.overdue, Figure.suspended):  # fmt: skip
        label = f"{figure.name:<12}" if en else f"{figure.value:　<4}"
        lines.append(f"{label} {board.figure(figure):>7}")
    return lines


def parse_time(text: str, ws: Workspace) -> datetime:
    """An ISO 8601 date or time from the command line; a bare date means the end of that
    day, a time without an offset is local (the calendar's zone)."""
    zone = ws.calendar.zone
    try:
        if len(text.strip()) == len("YYYY-MM-DD"):
            day = date.fromisoformat(text.strip())
            return datetime.combine(day, time(23, 59, 59), tzinfo=zone)
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ServiceError("bad_datetime", value=text) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def query_from_cli(
    ws: Workspace, *, scope: str | None, as_of: str | None, since: str | None
) -> DashboardQuery:
    """The query behind `gridworker dashboard --scope --as-of --since`, checked."""
    code = scope.strip() if scope else default_scope(ws)
    if code and (not code.isdigit() or len(code) not in (COUNTY_LEN, STREET_LEN, COMMUNITY_LEN,
                                                          GRID_LEN)):  # fmt: skip
        raise ServiceError("area_format", scope=code)
    if scope and code and not area_known(ws, code):
        raise ServiceError("scope_unknown", scope=code)
    start = None
    if since:
        start = parse_time(since, ws)
        if len(since.strip()) == len("YYYY-MM-DD"):  # a bare date: from the start of that day
            start = datetime.combine(start.date(), time(), tzinfo=ws.calendar.zone)
    return DashboardQuery(
        scope=code or None, as_of=parse_time(as_of, ws) if as_of else None, since=start
    )
