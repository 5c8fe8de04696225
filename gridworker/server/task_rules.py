"""What a task names must fit its grid (docs/design.md §23): one check for every way a
task's grid, worker or target changes — a create or an update pushed (push.py) and a
conflict's resolution (conflicts.py). Its own module so that conflicts.py, which tasks.py
imports, can use it too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.enums import Role
from gridworker.server import authz
from gridworker.server.merge import GRID, Rejected
from gridworker.server.models import Record, User
from gridworker.server.scope import Scope

# The fields whose change asks `check_task` again.
NAMING_FIELDS = frozenset({"assignee", "target_entity", "target_id", GRID})


def check_task(s: Session, scope: Scope, grid_code: str, fields: dict[str, Any]) -> None:
    """What a task names must fit its grid: the named worker works it, and the target
    record is the caller's, live and in it (a target moved to another grid since, or
    deleted, refuses the task: it would send a worker to a record it cannot see)."""
    assignee = fields.get("assignee")
    if assignee:
        user = s.scalar(select(User).where(User.username == str(assignee)))
        if (
            user is None
            or user.disabled
            or user.role != Role.grid_worker.value
            or grid_code not in (user.grids or [])
        ):
            raise Rejected(
                "validation",
                f"网格员“{assignee}”不负责网格 {grid_code}",
                f"Grid worker {assignee!r} does not work grid {grid_code}",
            )
    entity, target_id = fields.get("target_entity"), fields.get("target_id")
    if entity is None or target_id is None:
        return
    record = s.get(Record, (str(entity), str(target_id)))
    authz.check_target(scope, str(entity), str(target_id), record)
    assert record is not None
    if record.deleted:
        raise Rejected("record_deleted", "任务对象已被删除", "The task's target was deleted")
    if record.grid_code != grid_code:
        raise Rejected(
            "validation",
            f"任务对象在网格 {record.grid_code}，不在任务的网格 {grid_code}",
            f"The task's target is in grid {record.grid_code}, not in the task's grid {grid_code}",
        )
