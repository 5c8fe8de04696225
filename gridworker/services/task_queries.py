"""Reading tasks (docs/design.md §23): a worker's list with its countdown on the
working-day calendar, the tasks a supervisor oversees, and the task desk's counts per
grid and per worker (已下发, 已签收, 已完成, 已退回, 逾期). Plain values only (safe to
hand from a worker thread to the UI)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from gridworker.domain.declare import find
from gridworker.domain.enums import Role
from gridworker.domain.enums_field import TaskActionKind, TaskKind, TaskState
from gridworker.domain.records_field import Task
from gridworker.domain.task_workflow import (
    TaskDue,
    available_task_actions,
    task_due_status,
    working_days_left,
)
from gridworker.services.records import to_entity
from gridworker.services.tasks import _ROW_OF, mine_clause, staff_directory
from gridworker.services.workspace import Workspace
from gridworker.storage.entity_rows import TaskRow
from gridworker.storage.models import GridRow


@dataclass(frozen=True)
class TaskView:
    """One task as a list shows it."""

    id: str
    grid_code: str
    grid_name: str
    title: str
    description: str | None
    kind: TaskKind
    assignee: str | None
    assignee_name: str | None
    due_date: date
    state: TaskState
    signed_by: str | None
    issued_by: str
    reason: str | None
    remind_count: int
    target_entity: str | None
    target_id: str | None
    target_label: str | None  # None with a target: it was deleted or left the laptop's view
    answer_entity: str | None
    answer_id: str | None
    days_left: int  # working days to the due date, both counted; negative: overdue
    due: TaskDue | None  # None once no longer open
    actions: tuple[TaskActionKind, ...]  # what the person at this laptop may do now

    @property
    def overdue(self) -> bool:
        return self.due is TaskDue.overdue

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            kind=self.kind.code,
            state=self.state.code,
            due_date=self.due_date.isoformat(),
            due=self.due.value if self.due is not None else None,
            actions=[a.code for a in self.actions],
        )
        return out


def _scope(ws: Workspace) -> ColumnElement[bool] | None:
    actor = ws.actor
    if actor.role is Role.admin:
        return None
    clauses: list[ColumnElement[bool]] = []
    if actor.grids:
        clauses.append(TaskRow.grid_code.in_(actor.grids))
    if actor.area_code:
        clauses.append(TaskRow.grid_code.startswith(actor.area_code, autoescape=True))
    return or_(*clauses) if clauses else TaskRow.grid_code.is_(None)


def _target_label(s: Session, entity: str | None, target_id: str | None) -> str | None:
    if entity is None or target_id is None:
        return None
    model = _ROW_OF.get(entity)
    decl = find(entity)
    row = s.get(model, target_id) if model is not None else None
    if row is None or row.deleted or decl is None:
        return None
    label = getattr(row, decl.label_field, None) if decl.label_field else None
    return str(label) if label else decl.zh


def list_tasks(
    ws: Workspace, *, mine: bool = False, open_only: bool = False, today: date | None = None
) -> list[TaskView]:
    """Tasks held here within the actor's reach (`mine`: the ones this worker is to do),
    open and overdue first, then by due date."""
    day = today or ws.today()
    stmt = select(TaskRow).where(TaskRow.deleted.is_(False))
    if mine:
        stmt = stmt.where(mine_clause(ws))  # type: ignore[arg-type]
    else:
        scope = _scope(ws)
        if scope is not None:
            stmt = stmt.where(scope)
    if open_only:
        stmt = stmt.where(TaskRow.state.in_([s for s in TaskState if s.is_open]))
    out: list[TaskView] = []
    with ws.read() as s:
        calendar = ws.deadline_terms(s).calendar
        names = {w.username: w.display_name for w in staff_directory(ws, s)}
        grids = {code: name for code, name in s.execute(select(GridRow.code, GridRow.name))}
        for row in s.scalars(stmt):
            task = to_entity(row, Task)
            out.append(
                TaskView(
                    id=row.id,
                    grid_code=row.grid_code,
                    grid_name=grids.get(row.grid_code, row.grid_code),
                    title=row.title,
                    description=row.description,
                    kind=row.kind,
                    assignee=row.assignee,
                    assignee_name=names.get(row.assignee) if row.assignee else None,
                    due_date=row.due_date,
                    state=row.state,
                    signed_by=row.signed_by,
                    issued_by=row.issued_by,
                    reason=row.reason,
                    remind_count=row.remind_count,
                    target_entity=row.target_entity,
                    target_id=row.target_id,
                    target_label=_target_label(s, row.target_entity, row.target_id),
                    answer_entity=row.answer_entity,
                    answer_id=row.answer_id,
                    days_left=working_days_left(row.due_date, day, calendar),
                    due=task_due_status(task, day, calendar),
                    actions=tuple(available_task_actions(task, ws.actor.role, ws.actor.username)),
                )
            )
    out.sort(key=lambda t: (not t.state.is_open, not t.overdue, t.due_date, t.title, t.id))
    return out


# The desk's columns: the four states a supervisor follows, and overdue (open, past due).
DESK_COLUMNS = ("issued", "signed", "done", "returned", "overdue")


@dataclass
class DeskLine:
    """Counts of one grid or one worker (cancelled tasks are not counted)."""

    key: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DESK_COLUMNS, 0))
    task_ids: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in DESK_COLUMNS})


@dataclass(frozen=True)
class TaskDesk:
    by_grid: list[DeskLine]
    by_worker: list[DeskLine]
    tasks: list[TaskView]

    def to_json(self) -> dict[str, Any]:
        def lines(rows: list[DeskLine]) -> list[dict[str, Any]]:
            return [{"key": r.key, "name": r.name, **r.counts} for r in rows]

        return {
            "by_grid": lines(self.by_grid),
            "by_worker": lines(self.by_worker),
            "tasks": [t.to_json() for t in self.tasks],
        }


GRID_TASK = "（网格任务）"


def task_desk(ws: Workspace, *, today: date | None = None) -> TaskDesk:
    """The supervisor's 任务督办: every task within reach, counted per grid and per worker
    (the one it is addressed to, else the one who signed for it; a grid's task nobody has
    signed for counts under the grid)."""
    tasks = list_tasks(ws, today=today)
    grids: dict[str, DeskLine] = {}
    workers: dict[str, DeskLine] = {}
    for t in tasks:
        if t.state is TaskState.cancelled:
            continue
        column = "overdue" if t.overdue else t.state.code
        who = t.assignee or t.signed_by
        lines = [grids.setdefault(t.grid_code, DeskLine(t.grid_code, t.grid_name))]
        if who is not None:
            lines.append(workers.setdefault(who, DeskLine(who, t.assignee_name or who)))
        for line in lines:
            line.counts[column] += 1
            line.task_ids[column].append(t.id)
    return TaskDesk(
        by_grid=sorted(grids.values(), key=lambda line: line.key),
        by_worker=sorted(workers.values(), key=lambda line: line.key),
        tasks=tasks,
    )
