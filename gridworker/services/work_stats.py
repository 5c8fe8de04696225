"""工作统计 (work statistics, docs/design.md §26): what was done per grid and per worker over
a period of district days, for supervisors and the district admin.

Figures (the same for a grid and a worker, except that visits due belong to a grid):

- visits due / done: tagged residents in the register (§12) whose visit fell due by the
  period's last day (their household's last visit before the period plus the tag's
  interval, as on 今日待办), once each; done: their household was visited within the
  period;
- visits: visits recorded in the period (a worker: as the visitor);
- tasks due / done / on time: tasks (not cancelled) whose due date lies in the period; done
  by the period's end; on time: done on or before the due date (a working day, §23). A
  worker's are the tasks addressed to them, else the ones they signed for;
- inspections in the period (a worker: as the inspector);
- rectifications found in the period (the 台账's rule: by the inspection's date; a worker:
  found by their inspection), closed in the period, and of those closed by the deadline.

Lines are sorted by grid code and by person (grid workers by grid, then username; others
after them), never by a figure: the
2023 central guidance against forced rankings in government apps; a screen ranks only when
the user sorts a column. Grids of the scope with nothing done are listed with zeros.
Plain values only (safe to hand from a worker thread to the UI).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from gridworker.domain.enums import Role
from gridworker.domain.enums_field import TaskState
from gridworker.services.dashboard import area_known, scope_name
from gridworker.services.standing import in_register
from gridworker.services.tasks import staff_directory
from gridworker.services.today import _interval
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import TaskRow
from gridworker.storage.models import (
    GridRow,
    HouseholdRow,
    InspectionRow,
    RectificationRow,
    ResidentRow,
    ResidentTagRow,
    VisitRow,
)

STATS_ROLES = frozenset({Role.supervisor, Role.admin})
_SCOPE = re.compile(r"^\d{2,18}$")
# The figures of a line, in the order of the screen's and the workbook's columns.
FIGURES = (
    "visits_due",
    "visits_due_done",
    "visits",
    "tasks_due",
    "tasks_done",
    "tasks_on_time",
    "inspections",
    "rectifications_found",
    "rectifications_closed",
    "rectifications_on_time",
)
# Headers (zh, en) of the figures: the screen, the CLI's table and the workbook share them.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "visits_due": ("应走访人数", "Visits due"),
    "visits_due_done": ("已走访人数", "Due and visited"),
    "visits": ("走访次数", "Visits made"),
    "tasks_due": ("到期任务", "Tasks due"),
    "tasks_done": ("已完成任务", "Tasks done"),
    "tasks_on_time": ("按时完成", "Done on time"),
    "inspections": ("隐患排查次数", "Inspections"),
    "rectifications_found": ("发现整改项", "Rectifications found"),
    "rectifications_closed": ("整改销号", "Rectifications closed"),
    "rectifications_on_time": ("按期销号", "Closed by the deadline"),
}
# A worker line has no visits due (they belong to a grid, whoever visits).
GRID_ONLY = frozenset({"visits_due", "visits_due_done"})


@dataclass
class StatsLine:
    """The figures of one grid or one worker."""

    key: str  # grid code or username
    name: str  # grid name or display name
    grids: tuple[str, ...]
    figures: dict[str, int | None] = field(default_factory=dict)

    def add(self, figure: str, n: int = 1) -> None:
        self.figures[figure] = (self.figures.get(figure) or 0) + n


@dataclass(frozen=True)
class WorkStats:
    scope: str | None
    scope_name: str
    start: date
    end: date
    working_days: int
    by_grid: list[StatsLine]
    by_worker: list[StatsLine]

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "scope_name": self.scope_name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "working_days": self.working_days,
            "by_grid": [asdict(line) for line in self.by_grid],
            "by_worker": [asdict(line) for line in self.by_worker],
        }


def default_period(today: date) -> tuple[date, date]:
    """This month so far."""
    return today.replace(day=1), today


def check_scope(ws: Workspace, scope: str | None) -> str | None:
    """The scope code to count within (None: the actor's whole reach), refusing a role
    without statistics, a malformed code, an unknown area or one outside the actor's area."""
    actor = ws.actor
    if actor.role not in STATS_ROLES:
        raise ServiceError("stats_role")
    code = (scope or "").strip() or None
    if code is None:
        return None
    if not _SCOPE.match(code):
        raise ServiceError("scope_format", scope=code)
    if not area_known(ws, code):
        raise ServiceError("scope_unknown", scope=code)
    if actor.role is not Role.admin:
        area = actor.area_code or ""
        within = bool(area) and code.startswith(area)
        within = within or any(g.startswith(code) and len(code) == len(g) for g in actor.grids)
        if not within:
            raise ServiceError("stats_out_of_scope", scope=code)
    return code


def _grid_filter(ws: Workspace, column: Any, scope: str | None) -> ColumnElement[bool] | None:
    if scope is not None:
        return column.startswith(scope, autoescape=True)  # type: ignore[no-any-return]
    actor = ws.actor
    if actor.role is Role.admin:
        return None
    clauses: list[ColumnElement[bool]] = []
    if actor.grids:
        clauses.append(column.in_(actor.grids))
    if actor.area_code:
        clauses.append(column.startswith(actor.area_code, autoescape=True))
    return or_(*clauses) if clauses else false()


def _where(stmt: Any, model: Any, where: ColumnElement[bool] | None) -> Any:
    stmt = stmt.where(model.deleted.is_(False))
    return stmt.where(where) if where is not None else stmt


def work_stats(
    ws: Workspace,
    *,
    scope: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> WorkStats:
    """Figures per grid and per worker (module docstring) for `scope` (a code prefix within
    the actor's reach; None: all of it) over the district days [start, end] (default: this
    month so far)."""
    code = check_scope(ws, scope)
    zone = ws.calendar.zone
    first, last = default_period(ws.now().astimezone(zone).date())
    start, end = start or first, end or (last if start is None or start <= last else start)
    if end < start:
        raise ServiceError("date_order")
    lo = datetime.combine(start, time(), zone).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    grids: dict[str, StatsLine] = {}
    workers: dict[str, StatsLine] = {}
    with ws.read() as s:
        directory = {w.username: w for w in staff_directory(ws, s)}

        def grid(code_: str) -> StatsLine:
            return grids.setdefault(code_, StatsLine(code_, "", (code_,)))

        def worker(username: str | None) -> StatsLine | None:
            if not username:
                return None
            known = directory.get(username)
            name = known.display_name if known is not None else username
            return workers.setdefault(
                username, StatsLine(username, name, known.grids if known is not None else ())
            )

        def count(figure: str, grid_code: str, who: str | None) -> None:
            grid(grid_code).add(figure)
            line = worker(who)
            if line is not None:
                line.add(figure)

        where = _grid_filter(ws, GridRow.code, code)
        reference = select(GridRow.code, GridRow.name)  # reference rows: never deleted
        for grid_code, name in s.execute(
            reference.where(where) if where is not None else reference
        ):
            grid(grid_code).name = name or ""
        for username, known in directory.items():
            if any(_in(ws, g, code) for g in known.grids):
                worker(username)
        _visits_due(ws, s, code, start, end, lo, hi, grid)
        visits = select(VisitRow.grid_code, VisitRow.visitor).where(
            VisitRow.visited_at >= lo, VisitRow.visited_at < hi
        )
        for grid_code, visitor in s.execute(
            _where(visits, VisitRow, _grid_filter(ws, VisitRow.grid_code, code))
        ):
            count("visits", grid_code, visitor)
        _tasks(ws, s, code, start, end, hi, grid, worker)
        inspections = select(InspectionRow.grid_code, InspectionRow.inspector).where(
            InspectionRow.inspected_at >= lo, InspectionRow.inspected_at < hi
        )
        for grid_code, inspector in s.execute(
            _where(inspections, InspectionRow, _grid_filter(ws, InspectionRow.grid_code, code))
        ):
            count("inspections", grid_code, inspector)
        _rectifications(ws, s, code, lo, hi, count)
    for lines, grid_only in ((grids.values(), True), (workers.values(), False)):
        for line in lines:
            for figure in FIGURES:
                if figure in GRID_ONLY and not grid_only:
                    line.figures[figure] = None
                else:
                    line.figures.setdefault(figure, 0)
            line.figures = {f: line.figures[f] for f in FIGURES}
    return WorkStats(
        scope=code,
        scope_name=scope_name(ws, code) if code else "",
        start=start,
        end=end,
        working_days=ws.calendar.working_days_between(start, end),
        by_grid=sorted(grids.values(), key=lambda line: line.key),
        # Grid workers by their (first) grid, then the others (a supervisor who closed a
        # rectification, a worker no longer in the directory), by username.
        by_worker=sorted(
            workers.values(), key=lambda line: (not line.grids, line.grids[:1], line.key)
        ),
    )


def _in(ws: Workspace, grid_code: str, scope: str | None) -> bool:
    if scope is not None:
        return grid_code.startswith(scope)
    return ws.actor.covers(grid_code)


def _visits_due(
    ws: Workspace,
    s: Session,
    scope: str | None,
    start: date,
    end: date,
    lo: datetime,
    hi: datetime,
    grid: Any,
) -> None:
    zone = ws.calendar.zone
    stmt = (
        select(
            ResidentTagRow.resident_id,
            ResidentTagRow.tag,
            ResidentTagRow.start_date,
            ResidentTagRow.visit_interval_days,
            ResidentRow.household_id,
            ResidentRow.grid_code,
        )
        .join(ResidentRow, ResidentRow.id == ResidentTagRow.resident_id)
        .join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
        .where(
            ResidentTagRow.deleted.is_(False),
            ResidentRow.deleted.is_(False),
            in_register(),  # moved out or died: no longer due, as on 今日待办 (§12)
            HouseholdRow.deleted.is_(False),
            or_(ResidentTagRow.start_date.is_(None), ResidentTagRow.start_date <= end),
            or_(ResidentTagRow.end_date.is_(None), ResidentTagRow.end_date >= start),
        )
    )
    where = _grid_filter(ws, ResidentRow.grid_code, scope)
    if where is not None:
        stmt = stmt.where(where)
    rows = list(s.execute(stmt))
    households = {row.household_id for row in rows}
    before: dict[str, date] = {}  # household -> last visit day before the period
    visited: set[str] = set()  # households visited within the period
    for hid, at in _household_visits(s, households, hi):
        if at < lo:
            day = at.astimezone(zone).date()
            before[hid] = max(before.get(hid, day), day)
        else:
            visited.add(hid)
    due: dict[str, tuple[str, str]] = {}  # resident -> (household, grid), once each
    for rid, tag, tag_start, row_days, hid, grid_code in rows:
        interval = _interval(row_days, tag)
        last_visit = before.get(hid)
        if last_visit is not None:
            due_on = last_visit + timedelta(days=interval)
        elif tag_start is not None:
            due_on = tag_start + timedelta(days=interval)
        else:
            due_on = start
        if due_on <= end:
            due[rid] = (hid, grid_code)
    for hid, grid_code in due.values():
        line = grid(grid_code)
        line.add("visits_due")
        if hid in visited:
            line.add("visits_due_done")


def _household_visits(s: Session, households: set[str], hi: datetime) -> Iterable[Any]:
    ids = sorted(households)
    for n in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        chunk = ids[n : n + 500]
        yield from s.execute(
            select(VisitRow.household_id, VisitRow.visited_at).where(
                VisitRow.deleted.is_(False),
                VisitRow.household_id.in_(chunk),
                VisitRow.visited_at < hi,
            )
        )


def _tasks(
    ws: Workspace,
    s: Session,
    scope: str | None,
    start: date,
    end: date,
    hi: datetime,
    grid: Any,
    worker: Any,
) -> None:
    zone = ws.calendar.zone
    stmt = select(
        TaskRow.grid_code, TaskRow.assignee, TaskRow.signed_by, TaskRow.due_date, TaskRow.done_at
    ).where(
        TaskRow.due_date >= start,
        TaskRow.due_date <= end,
        TaskRow.state != TaskState.cancelled,
    )
    for grid_code, assignee, signed_by, due_date, done_at in s.execute(
        _where(stmt, TaskRow, _grid_filter(ws, TaskRow.grid_code, scope))
    ):
        lines = [grid(grid_code)]
        who = worker(assignee or signed_by)
        if who is not None:
            lines.append(who)
        done = done_at is not None and done_at < hi
        on_time = done and done_at.astimezone(zone).date() <= due_date
        for line in lines:
            line.add("tasks_due")
            if done:
                line.add("tasks_done")
            if on_time:
                line.add("tasks_on_time")


def _rectifications(
    ws: Workspace, s: Session, scope: str | None, lo: datetime, hi: datetime, count: Any
) -> None:
    zone = ws.calendar.zone
    where = _grid_filter(ws, RectificationRow.grid_code, scope)
    found = (
        select(RectificationRow.grid_code, InspectionRow.inspector)
        .join(InspectionRow, InspectionRow.id == RectificationRow.inspection_id)
        .where(InspectionRow.inspected_at >= lo, InspectionRow.inspected_at < hi)
    )
    for grid_code, inspector in s.execute(_where(found, RectificationRow, where)):
        count("rectifications_found", grid_code, inspector)
    closed = select(
        RectificationRow.grid_code,
        RectificationRow.closed_by,
        RectificationRow.closed_at,
        RectificationRow.deadline,
    ).where(RectificationRow.closed_at >= lo, RectificationRow.closed_at < hi)
    for grid_code, closed_by, closed_at, deadline in s.execute(
        _where(closed, RectificationRow, where)
    ):
        count("rectifications_closed", grid_code, closed_by)
        if closed_at.astimezone(zone).date() <= deadline:
            count("rectifications_on_time", grid_code, closed_by)
