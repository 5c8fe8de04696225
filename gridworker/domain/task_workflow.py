"""The workflow of a task sent to the field (docs/design.md §23), as data, and the one
function that changes a task's state.

The laptop applies an action at once (the worker sees it signed for offline); the server
applies it again in arrival order against the task's current state, so two laptops
acting on one task offline meet here: the first action to arrive wins, the second is
kept as a rejected action with a workflow conflict, as for cases (§4.8).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.enums import Role
from gridworker.domain.enums_field import TaskActionKind, TaskState
from gridworker.domain.errors import DomainError, ValidationError, WorkflowError
from gridworker.domain.permissions import TASK_ACTION_ROLES
from gridworker.domain.records_field import Task, TaskAction

_A = TaskActionKind
_S = TaskState


@dataclass(frozen=True, slots=True)
class TaskTransition:
    from_state: TaskState
    action: TaskActionKind
    to_state: TaskState
    roles: frozenset[Role]


def _row(state: TaskState, action: TaskActionKind, to: TaskState) -> TaskTransition:
    return TaskTransition(state, action, to, TASK_ACTION_ROLES[action])


TASK_TRANSITIONS: tuple[TaskTransition, ...] = (
    _row(_S.issued, _A.sign, _S.signed),
    # Reporting done without signing first signs for it too (the visit was made).
    _row(_S.issued, _A.done, _S.done),
    _row(_S.signed, _A.done, _S.done),
    _row(_S.issued, _A.return_, _S.returned),
    _row(_S.signed, _A.return_, _S.returned),
    _row(_S.issued, _A.remind, _S.issued),
    _row(_S.signed, _A.remind, _S.signed),
    _row(_S.done, _A.redo, _S.signed),
    _row(_S.returned, _A.reissue, _S.issued),
    _row(_S.issued, _A.cancel, _S.cancelled),
    _row(_S.signed, _A.cancel, _S.cancelled),
    _row(_S.returned, _A.cancel, _S.cancelled),
)
"""docs/design.md §23, row by row; who takes each action is the role table's."""

_BY_KEY = {(t.from_state, t.action): t for t in TASK_TRANSITIONS}
# Actions taken by the worker the task is for (the assignee, or any worker of its grid).
WORKER_ACTIONS = frozenset({_A.sign, _A.done, _A.return_})
NEEDS_REASON = frozenset({_A.return_, _A.redo})


def find_task_transition(state: TaskState, action: TaskActionKind) -> TaskTransition | None:
    return _BY_KEY.get((state, action))


def _refusal(t: TaskTransition, task: Task, role: Role, username: str) -> str | None:
    if role not in t.roles:
        return "task_forbidden_role"
    if t.action in WORKER_ACTIONS:
        if task.assignee is not None and task.assignee != username:
            return "task_not_yours"
        if t.from_state is _S.signed and task.signed_by not in (None, username):
            return "task_signed_by_other"
    return None


def available_task_actions(task: Task, role: Role, username: str) -> list[TaskActionKind]:
    """What `username` (of `role`) may do with the task now, in table order (its buttons)."""
    return [
        t.action
        for t in TASK_TRANSITIONS
        if t.from_state is task.state and _refusal(t, task, role, username) is None
    ]


def may_ever_act_on_task(role: Role, action: TaskActionKind) -> bool:
    return role in TASK_ACTION_ROLES[action]


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("naive_datetime", field=name)


def apply_task_action(task: Task, action: TaskAction, *, now: datetime) -> tuple[Task, TaskAction]:
    """Apply one action to a task; the new task and the action with from/to set.

    The action takes effect at its own time (when the worker acted, possibly offline),
    never later than `now`. Raises WorkflowError: task_invalid_transition,
    task_forbidden_role, task_not_yours, task_signed_by_other, task_reason_required,
    task_mismatch.
    """
    if action.task_id != task.id:
        raise WorkflowError("task_mismatch", field="task_id")
    _aware(action.at, "at")
    _aware(now, "now")
    transition = find_task_transition(task.state, action.action)
    if transition is None:
        raise WorkflowError("task_invalid_transition", state=task.state, action=action.action)
    refusal = _refusal(transition, task, action.actor_role, action.actor)
    if refusal is not None:
        raise WorkflowError(
            refusal, field="actor_role", action=action.action, who=task.signed_by or ""
        )
    if action.action in NEEDS_REASON and not (action.note or "").strip():
        raise WorkflowError("task_reason_required", field="note", action=action.action)
    at = min(action.at, now)
    kind = action.action
    changes: dict[str, Any] = {"state": transition.to_state}
    if kind is _A.sign:
        changes.update(signed_by=action.actor, signed_at=at)
    elif kind is _A.done:
        if task.state is _S.issued:
            changes.update(signed_by=action.actor, signed_at=at)
        changes.update(done_at=at, answer_entity=action.answer_entity, answer_id=action.answer_id)
    elif kind in (_A.return_, _A.cancel):
        changes["reason"] = (action.note or "").strip() or None
    elif kind is _A.remind:
        changes.update(remind_count=task.remind_count + 1, reminded_at=at)
    elif kind is _A.redo:
        changes.update(
            done_at=None, answer_entity=None, answer_id=None, reason=(action.note or "").strip()
        )
    elif kind is _A.reissue:
        changes.update(signed_by=None, signed_at=None, reason=None)
    applied = replace(
        action,
        from_state=task.state,
        to_state=transition.to_state,
        rejected=False,
        reject_code=None,
    )
    return replace(task, **changes), applied


def reject_task_action(task: Task, action: TaskAction, error: DomainError) -> TaskAction:
    """The action as kept when it could not be applied (shown in a conflict, never lost)."""
    return replace(
        action, from_state=task.state, to_state=None, rejected=True, reject_code=error.code
    )


# --- the deadline on the working-day calendar ------------------------------------------


class TaskDue(StrEnum):
    ok = "ok"
    due_soon = "due_soon"  # the due date is the next working day or today
    overdue = "overdue"  # open after its due date


def working_days_left(due: date, today: date, calendar: WorkCalendar) -> int:
    """Working days from today to the due date, both counted (due today on a working day:
    1); past the due date, minus the working days since (at least -1)."""
    if due >= today:
        return calendar.working_days_between(today, due)
    return -max(1, calendar.working_days_between(due + timedelta(days=1), today))


def task_due_status(task: Task, today: date, calendar: WorkCalendar) -> TaskDue | None:
    """None for a task no longer open (done, returned, cancelled)."""
    if not task.is_open:
        return None
    if today > task.due_date:
        return TaskDue.overdue
    if working_days_left(task.due_date, today, calendar) <= 1:
        return TaskDue.due_soon
    return TaskDue.ok


def check_due_date(due: date, today: date, calendar: WorkCalendar) -> None:
    """A new task's due date: not in the past, and a working day on the calendar (a due
    date on a holiday would count days nobody works)."""
    if due < today:
        raise ValidationError("task_due_past", field="due_date", due=due.isoformat())
    if not calendar.is_working_day(due):
        raise ValidationError(
            "task_due_not_working_day",
            field="due_date",
            due=due.isoformat(),
            next=calendar.next_working_day(due).isoformat(),
        )
