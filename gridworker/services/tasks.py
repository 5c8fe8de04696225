"""Tasks sent to the field (任务下发, docs/design.md §23): issuing, acting, listing.

A supervisor (or the district admin) issues a task to a grid or to a named worker of it;
the worker signs for it, answers it with a visit or an inspection (which records the
task it answers) or reports it done, or returns it with a reason; the supervisor reminds
(催办), sends a done task back for redo (退回重办), reissues a returned one or cancels it.
Each action is applied here at once by the domain's state machine and queued as a
`command`; the server applies it again in arrival order (§4.8), so `task.state` changes
nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.entities import COMMAND_FIELDS
from gridworker.domain.enums import Role
from gridworker.domain.enums_field import TaskActionKind, TaskKind, TaskState
from gridworker.domain.permissions import Cap
from gridworker.domain.records_field import TARGET_ENTITIES, Task, TaskAction
from gridworker.domain.task_workflow import (
    apply_task_action,
    check_due_date,
)
from gridworker.services.access import check_grid, check_write, require
from gridworker.services.attachments import attach, check_picture
from gridworker.services.records import copy_entity, row_from, to_entity
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import TaskActionRow, TaskRow
from gridworker.storage.models import ROWS, GridRow, Setting, SyncRecord

STAFF_SETTING = "reference:staff"
TASK_COMMAND_FIELDS = COMMAND_FIELDS["task"]
_ROW_OF: dict[str, type[SyncRecord]] = {row.__entity__: row for row in ROWS}


@dataclass(frozen=True)
class Worker:
    """A grid worker of the staff directory the server hands out."""

    username: str
    display_name: str
    grids: tuple[str, ...]


def staff_directory(ws: Workspace, session: Session | None = None) -> list[Worker]:
    """The grid workers as last synced (empty before the first sync)."""

    def read(s: Session) -> list[Worker]:
        setting = s.get(Setting, STAFF_SETTING)
        value = setting.value if setting is not None else None
        data = value.get("data") if isinstance(value, dict) else None
        workers = data.get("workers") if isinstance(data, dict) else None
        out: list[Worker] = []
        for w in workers if isinstance(workers, list) else []:
            if isinstance(w, dict) and isinstance(w.get("username"), str):
                out.append(
                    Worker(
                        w["username"],
                        str(w.get("display_name") or w["username"]),
                        tuple(str(g) for g in w.get("grids") or ()),
                    )
                )
        return out

    if session is not None:
        return read(session)
    with ws.read() as s:
        return read(s)


def _task_grid(ws: Workspace, s: Session, grid_code: str | None, assignee: str | None) -> str:
    """The task's grid: the one given, or the named worker's (one of it within reach)."""
    if assignee is None:
        if grid_code is None:
            raise ServiceError("usage_one_required", args="--grid, --to")
        if not ws.actor.covers(grid_code):
            raise ServiceError("task_grid_not_yours", grid=grid_code)
        return grid_code
    worker = next((w for w in staff_directory(ws, s) if w.username == assignee), None)
    if worker is None:
        raise ServiceError("task_assignee_unknown", user=assignee)
    if grid_code is not None:
        if grid_code not in worker.grids:
            raise ServiceError("task_assignee_not_in_grid", user=assignee, grid=grid_code)
        if not ws.actor.covers(grid_code):
            raise ServiceError("task_grid_not_yours", grid=grid_code)
        return grid_code
    mine = [g for g in worker.grids if ws.actor.covers(g)]
    if not mine:
        raise ServiceError("task_grid_not_yours", grid="、".join(worker.grids) or "-")
    if len(mine) > 1:
        raise ServiceError("task_assignee_grids", user=assignee, grids="、".join(mine))
    return mine[0]


def _target(s: Session, kind: TaskKind, grid_code: str, target_id: str, entity: str | None) -> str:
    """The kind of record `target_id` is (among those the task's kind may point at); it
    must be live and in the task's grid."""
    kinds = (entity,) if entity is not None else TARGET_ENTITIES[kind]
    for name in kinds:
        model = _ROW_OF.get(name)
        row = s.get(model, target_id) if model is not None else None
        if row is None:
            continue
        if row.deleted:
            break
        if row.grid_code != grid_code:
            raise ServiceError("task_target_other_grid", target_grid=row.grid_code, grid=grid_code)
        return name
    raise ServiceError("task_target_missing")


def create_task(
    ws: Workspace,
    *,
    title: str,
    kind: TaskKind,
    due: date,
    grid_code: str | None = None,
    assignee: str | None = None,
    description: str | None = None,
    target_id: str | None = None,
    target_entity: str | None = None,
    photos: Sequence[tuple[bytes, str | None]] = (),
) -> str:
    """Issue a task to a grid (`grid_code`) or a named worker (`assignee`); its id.
    `photos` (bytes, caption) are attached to it, encrypted, GPS stripped, and reach the
    grid's laptops with the task; each must be a picture (checked before anything is
    written)."""
    require_issue(ws)
    for data, _caption in photos:
        check_picture(data)
    with ws.write() as s:
        grid = _task_grid(ws, s, grid_code, assignee)
        check_write(ws, "task", grid)
        check_due_date(due, ws.today(), ws.deadline_terms(s).calendar)
        if target_id is not None:
            target_entity = _target(s, kind, grid, target_id.strip(), target_entity)
        task = Task(
            id=ids.new_id(),
            grid_code=grid,
            title=title,
            description=description,
            kind=kind,
            assignee=assignee,
            due_date=due,
            target_entity=target_entity if target_id else None,
            target_id=target_id.strip() if target_id else None,
            issued_by=ws.actor.username,
            issued_at=ws.now(),
        ).validate()
        s.add(row_from(TaskRow, task))
    for data, caption in photos:
        attach(ws, owner_entity="task", owner_id=task.id, data=data, caption=caption, photo=True)
    return task.id


def require_issue(ws: Workspace) -> None:
    if ws.actor.role not in (Role.supervisor, Role.admin):
        raise ServiceError("role_no_tasks")
    require(ws, Cap.issue_tasks)


def act_on_task(
    ws: Workspace,
    task_id: str,
    action: TaskActionKind,
    *,
    note: str | None = None,
    answer_entity: str | None = None,
    answer_id: str | None = None,
) -> TaskState:
    """Take one action on a task; WorkflowError (with a message) when not allowed now."""
    with ws.write() as s:
        return apply_in_session(
            ws, s, task_id, action, note=note, answer_entity=answer_entity, answer_id=answer_id
        )


def apply_in_session(
    ws: Workspace,
    s: Session,
    task_id: str,
    kind: TaskActionKind,
    *,
    note: str | None = None,
    answer_entity: str | None = None,
    answer_id: str | None = None,
) -> TaskState:
    """`act_on_task` inside the caller's transaction (a visit answering its task)."""
    row = s.get(TaskRow, task_id)
    if row is None or row.deleted:
        raise ServiceError("task_missing")
    check_grid(ws, row.grid_code)
    check_write(ws, "task_action", row.grid_code)
    task = to_entity(row, Task)
    action = TaskAction(
        id=ids.new_id(),
        grid_code=row.grid_code,
        task_id=row.id,
        action=kind,
        actor=ws.actor.username,
        actor_role=ws.actor.role,
        at=ws.now(),
        note=(note or "").strip() or None,
        answer_entity=answer_entity,
        answer_id=answer_id,
    )
    new_task, applied = apply_task_action(task, action, now=ws.now())
    copy_entity(new_task, row, TASK_COMMAND_FIELDS)
    s.add(row_from(TaskActionRow, applied))
    return new_task.state


def answer_task(ws: Workspace, s: Session, task_id: str, entity: str, record_id: str) -> None:
    """A visit or inspection made for a task reports it done (in the same transaction)."""
    row = s.get(TaskRow, task_id)
    if row is None or row.deleted:
        raise ServiceError("task_missing")
    if not row.state.is_open:
        raise ServiceError("task_not_open", state=row.state)
    apply_in_session(ws, s, task_id, TaskActionKind.done, answer_entity=entity, answer_id=record_id)


def timeline(ws: Workspace, task_id: str) -> list[TaskActionRow]:
    with ws.read() as s:
        return list(
            s.scalars(
                select(TaskActionRow)
                .where(TaskActionRow.task_id == task_id)
                .order_by(TaskActionRow.at, TaskActionRow.id)
            )
        )


def mine_clause(ws: Workspace) -> object:
    """The tasks a worker is to do: addressed to them, or to their grid and not signed
    for by a colleague."""
    me = ws.actor.username
    return or_(
        TaskRow.assignee == me,
        (TaskRow.assignee.is_(None))
        & TaskRow.grid_code.in_(ws.actor.grids)
        & (TaskRow.signed_by.is_(None) | (TaskRow.signed_by == me)),
    )


@dataclass(frozen=True)
class IssueChoices:
    """What the 下发任务 form offers: the grids within reach and their workers."""

    grids: list[tuple[str, str]]  # (code, name)
    workers: list[Worker]
    default_due: date


def issue_choices(ws: Workspace, *, working_days: int = 3) -> IssueChoices:
    """Grids the actor may send tasks to, the workers of those grids, and a due date
    `working_days` working days ahead on the district's calendar."""
    with ws.read() as s:
        grids = [
            (code, name)
            for code, name in s.execute(select(GridRow.code, GridRow.name).order_by(GridRow.code))
            if ws.actor.covers(code)
        ]
        workers = [
            w for w in staff_directory(ws, s) if any(ws.actor.covers(g) for g in w.grids)
        ]
        calendar = ws.deadline_terms(s).calendar
    due = ws.today()
    for _ in range(working_days):
        due = calendar.next_working_day(due)
    return IssueChoices(grids, workers, due)
