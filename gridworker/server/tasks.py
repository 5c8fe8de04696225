"""Tasks sent to the field (任务下发, docs/design.md §23), on the server.

A task is created by a plain push (`create`), checked here for what the domain alone
cannot see: the named worker works the task's grid, and the record it points at is in
the task's grid, live and the caller's. Its workflow changes only by `task_action`
commands, applied like a case's (commands.py, §4.8): against the task's current state in
arrival order, so two laptops acting on one task offline are settled here; the one that
arrives second is stored as a rejected action with a workflow conflict on the task,
never dropped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.entities import COMMAND_FIELDS
from gridworker.domain.errors import WorkflowError
from gridworker.domain.records_field import Task, TaskAction
from gridworker.domain.task_workflow import (
    apply_task_action,
    reject_task_action,
)
from gridworker.domain.wire import wire_value
from gridworker.protocol import Mutation, MutationOutcome
from gridworker.server import authz, handover
from gridworker.server.commands import Actor
from gridworker.server.conflicts import open_conflict
from gridworker.server.merge import (
    ENVELOPE,
    GRID,
    Rejected,
    new_record,
    record_values,
    values_equal,
    write_changes,
)
from gridworker.server.models import Conflict, Record
from gridworker.server.typed import to_entity

TASK_COMMAND_FIELDS = COMMAND_FIELDS["task"]
ACTION_FIELDS = ("from_state", "to_state", "rejected", "reject_code")

# A new task starts issued, whatever the laptop sent: its workflow fields are the actions'.
TASK_NEW: dict[str, Any] = {
    "state": "issued",
    "signed_by": None,
    "signed_at": None,
    "done_at": None,
    "answer_entity": None,
    "answer_id": None,
    "reason": None,
    "remind_count": 0,
    "reminded_at": None,
}


def apply_task_command(s: Session, actor: Actor, mutation: Mutation) -> MutationOutcome:
    """Apply one pushed TaskAction. Raises Rejected (scope, role, validation)."""
    payload = mutation.payload
    if payload.get("id", mutation.record_id) != mutation.record_id:
        raise Rejected("validation", "操作编号不一致", "The action id does not match the record")
    task_id = payload.get("task_id")
    if not isinstance(task_id, str) or not task_id:
        raise Rejected("validation", "操作缺少任务编号", "The action has no task_id")
    existing = s.get(Record, ("task_action", mutation.record_id))
    if existing is not None:
        authz.check_target(actor.scope, "task_action", existing.id, existing)
        return _outcome_of_stored(s, mutation, existing)
    task = s.get(Record, ("task", task_id))
    if task is None:
        raise authz.missing("task", task_id)
    # Taken while the laptop held the task, which has left the actor's grids since: handed
    # over as a case's action is (commands.py, handover.py).
    left = handover.left_scope(s, actor, task, mutation.base_version)
    if not left:
        authz.check_target(actor.scope, "task", task_id, task)
    for key, mine in (("actor", actor.username), ("actor_role", actor.scope.role)):
        if payload.get(key, mine) != mine:
            raise Rejected(
                "forbidden",
                "只能提交本人的办理操作",
                "Only your own workflow actions can be pushed",
            )
    values = {k: v for k, v in payload.items() if k not in ENVELOPE}
    values.update({GRID: task.grid_code, "actor": actor.username, "actor_role": actor.scope.role})
    action = to_entity(TaskAction, {**values, "id": mutation.record_id})
    current = to_entity(Task, record_values(task))
    if left:
        error = WorkflowError(handover.CODE)
        handed = _store_rejected(s, actor, mutation, task, current, action, values, error)
        return handover.answer(actor, mutation, handed.conflict_id)
    if task.deleted:
        error = WorkflowError("record_deleted", zh="该任务已被删除", en="The task was deleted")
        return _store_rejected(s, actor, mutation, task, current, action, values, error)
    try:
        new_task, applied = apply_task_action(current, action, now=actor.now)
    except WorkflowError as error:
        return _store_rejected(s, actor, mutation, task, current, action, values, error)
    stored = _store_action(s, actor, mutation, task, values, applied)
    changes = {
        field: wire_value(getattr(new_task, field))
        for field in sorted(TASK_COMMAND_FIELDS)
        if not values_equal(task.data.get(field), wire_value(getattr(new_task, field)))
    }
    # No device stamp: the new state is news to every laptop, its sender's included.
    write_changes(s, task, changes, author=actor.username, now=actor.now)
    return MutationOutcome(
        mutation_id=mutation.mutation_id, status="applied", version=stored.version
    )


def _store_action(
    s: Session,
    actor: Actor,
    mutation: Mutation,
    task: Record,
    values: dict[str, Any],
    action: TaskAction,
) -> Record:
    data = {**values, **{f: wire_value(getattr(action, f)) for f in ACTION_FIELDS}}
    return new_record(
        s,
        entity="task_action",
        record_id=mutation.record_id,
        grid_code=task.grid_code,
        data=data,
        author=actor.username,
        now=actor.now,
    )


def _store_rejected(
    s: Session,
    actor: Actor,
    mutation: Mutation,
    task: Record,
    current: Task,
    action: TaskAction,
    values: dict[str, Any],
    error: WorkflowError,
) -> MutationOutcome:
    rejected = reject_task_action(current, action, error)
    stored = _store_action(s, actor, mutation, task, values, rejected)
    conflict = open_conflict(
        s,
        kind="workflow",
        entity="task",
        record_id=task.id,
        grid_code=task.grid_code,
        fields=[],
        author=actor.username,
        now=actor.now,
        action={**mutation.payload, "id": mutation.record_id},
        reject_code=error.code,
    )
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="conflict",
        version=stored.version,
        record=record_values(stored),
        conflict_id=conflict.id,
        code=error.code,
        reason=error.message(actor.lang),
    )


def _outcome_of_stored(s: Session, mutation: Mutation, stored: Record) -> MutationOutcome:
    """A re-sent action already stored: its outcome again, the state machine not rerun."""
    if not stored.data.get("rejected"):
        return MutationOutcome(
            mutation_id=mutation.mutation_id, status="applied", version=stored.version
        )
    conflict_id = next(
        (
            c.id
            for c in s.scalars(
                select(Conflict).where(
                    Conflict.kind == "workflow", Conflict.record_id == stored.data.get("task_id")
                )
            )
            if (c.action or {}).get("id") == stored.id
        ),
        None,
    )
    return MutationOutcome(
        mutation_id=mutation.mutation_id,
        status="conflict",
        version=stored.version,
        record=record_values(stored),
        conflict_id=conflict_id,
        code=stored.data.get("reject_code"),
    )
