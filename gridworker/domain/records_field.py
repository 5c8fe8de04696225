"""Work sent to the field, declared (docs/design.md §2, §23): tasks (任务下发) and the
workflow actions taken on them.

A task is addressed to a grid (any worker of it may sign for it) or to a named worker
of the grid (`assignee`). Its workflow fields change only by applying a `TaskAction`
(domain.task_workflow), on the laptop at once and on the server again in arrival order,
exactly as a case's do (§4.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
from gridworker.domain.enums import Role
from gridworker.domain.enums_field import TaskActionKind, TaskKind, TaskState
from gridworker.domain.errors import ValidationError
from gridworker.domain.record import Record
from gridworker.domain.validation import validate_text

MAX_TASK_TITLE = 200

# What a task may point at, per kind of task (the record the worker goes to).
TARGET_ENTITIES: dict[TaskKind, tuple[str, ...]] = {
    TaskKind.visit: ("household", "resident"),
    TaskKind.inspect: ("hazard_site",),
    TaskKind.recheck: ("rectification", "hazard_site"),
    TaskKind.patrol: ("hazard_site", "building"),
    TaskKind.collect: ("household", "resident", "building", "house"),
}


def _workflow(zh: str, en: str, **more: Any) -> F:
    """A task field set only by applying task actions (docs/design.md §23)."""
    return F(zh, en, command=True, export=False, **more)


@entity(
    "task",
    "任务",
    "Task",
    group=Group.tasks,
    plural=("任务", "Tasks"),
    label_field="title",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Task(Record):
    """A piece of work a supervisor sends to a grid or a named worker."""

    title: Annotated[str, d.text("任务标题", "Title", MAX_TASK_TITLE)]
    description: Annotated[str | None, d.text("任务说明", "Description")] = None
    kind: Annotated[TaskKind, F("任务类型", "Kind")]
    assignee: Annotated[str | None, d.code("指派网格员", "Assigned to", 64, index=True)] = None
    due_date: Annotated[date, F("截止日期", "Due", index=True)]
    target_entity: Annotated[str | None, d.code("对象类型", "Target kind", 32)] = None
    target_id: Annotated[str | None, d.code("对象编号", "Target id", 36)] = None
    issued_by: Annotated[str, d.code("下发人", "Issued by", 64)]
    issued_at: Annotated[datetime, F("下发时间", "Issued at")]
    state: Annotated[TaskState, _workflow("任务状态", "Task state", index=True)] = TaskState.issued
    signed_by: Annotated[str | None, _workflow("签收人", "Signed by", size=64)] = None
    signed_at: Annotated[datetime | None, _workflow("签收时间", "Signed at")] = None
    done_at: Annotated[datetime | None, _workflow("完成时间", "Done at")] = None
    answer_entity: Annotated[
        str | None, _workflow("办理记录类型", "Answered by (kind)", size=32)
    ] = None
    answer_id: Annotated[str | None, _workflow("办理记录编号", "Answered by", size=36)] = None
    reason: Annotated[str | None, _workflow("退回原因", "Reason")] = None
    remind_count: Annotated[int, _workflow("催办次数", "Reminders")] = 0
    reminded_at: Annotated[datetime | None, _workflow("最近催办", "Last reminded")] = None

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """A title, and a target named by kind and id together, of a kind
        the task's kind may point at."""
        validate_text(self.title, field="title", required=True, max_length=MAX_TASK_TITLE)
        if (self.target_entity is None) != (self.target_id is None):
            raise ValidationError("required", field="target_id")
        if self.target_entity is not None and self.target_entity not in TARGET_ENTITIES[self.kind]:
            raise ValidationError(
                "task_target_kind",
                field="target_entity",
                kind=self.kind.zh,
            )
        return {}


@entity(
    "task_action",
    "任务办理记录",
    "Task action",
    group=Group.task_work,
    append_only=True,
    command=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskAction(Record):
    """One step of a task's workflow, append-only; from/to states are set when applied."""

    task_id: Annotated[str, d.ref("task", "任务编号", "Task id", index=True)]
    action: Annotated[TaskActionKind, F("操作", "Action")]
    actor: Annotated[str, d.code("操作人", "Actor", 64)]
    actor_role: Annotated[Role, F("操作人角色", "Actor's role")]
    at: Annotated[datetime, F("操作时间", "At")]
    note: Annotated[str | None, d.text("备注", "Note")] = None
    answer_entity: Annotated[str | None, d.code("办理记录类型", "Answered by (kind)", 32)] = None
    answer_id: Annotated[str | None, d.code("办理记录编号", "Answered by", 36)] = None
    from_state: Annotated[TaskState | None, F("原状态", "From state")] = None
    to_state: Annotated[TaskState | None, F("新状态", "To state")] = None
    rejected: Annotated[bool, F("未被采纳", "Rejected")] = False
    reject_code: Annotated[str | None, d.code("未采纳原因", "Reject code", 32)] = None


@entity(
    "notice",
    "通知公告",
    "Notice",
    group=Group.notices,
    plural=("通知公告", "Notices"),
    label_field="title",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Notice(Record):
    """A notice published to an area, copied once into each grid of it (docs/design.md
    §24): the grid's laptops pull their copy; `publication_id` is the same in every copy."""

    publication_id: Annotated[str, d.code("通知编号", "Notice no.", 36, index=True)]
    area_code: Annotated[str, d.code("发布范围", "Area", 15)]
    title: Annotated[str, d.text("通知标题", "Title", MAX_TASK_TITLE)]
    body: Annotated[str, d.text("通知内容", "Text")]
    must_read: Annotated[bool, F("必读", "Must read")] = False
    published_by: Annotated[str, d.code("发布人", "Published by", 64)]
    published_at: Annotated[datetime, F("发布时间", "Published at", index=True)]

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        validate_text(self.title, field="title", required=True, max_length=MAX_TASK_TITLE)
        validate_text(self.body, field="body", required=True)
        if not self.grid_code.startswith(self.area_code):
            raise ValidationError("out_of_range", field="area_code")
        return {}


@entity(
    "notice_read",
    "通知已读回执",
    "Read receipt",
    group=Group.notice_reads,
    append_only=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeRead(Record):
    """Someone read a grid's copy of a notice (kept in that grid, so its sender sees it)."""

    notice_id: Annotated[str, d.ref("notice", "通知编号", "Notice", index=True)]
    reader: Annotated[str, d.code("阅读人", "Reader", 64, index=True)]
    read_at: Annotated[datetime, F("阅读时间", "Read at")]
