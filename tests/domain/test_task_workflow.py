"""The task workflow of docs/design.md §23: the table as written there, who may act, what
each action changes, and the deadline on the working-day calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from gridworker.domain.calendar import default_calendar
from gridworker.domain.enums import Role
from gridworker.domain.enums_field import TaskActionKind, TaskKind, TaskState
from gridworker.domain.errors import ValidationError, WorkflowError
from gridworker.domain.records_field import Task, TaskAction
from gridworker.domain.task_workflow import (
    TASK_TRANSITIONS,
    TaskDue,
    apply_task_action,
    available_task_actions,
    check_due_date,
    task_due_status,
    working_days_left,
)

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
GRID = "360302001001001"

# docs/design.md §23, transcribed by hand: (from, action, to).
TABLE = {
    ("issued", "sign", "signed"),
    ("issued", "done", "done"),
    ("signed", "done", "done"),
    ("issued", "return", "returned"),
    ("signed", "return", "returned"),
    ("issued", "remind", "issued"),
    ("signed", "remind", "signed"),
    ("done", "redo", "signed"),
    ("returned", "reissue", "issued"),
    ("issued", "cancel", "cancelled"),
    ("signed", "cancel", "cancelled"),
    ("returned", "cancel", "cancelled"),
}


def task(**more: object) -> Task:
    values: dict[str, object] = dict(
        id="t1",
        grid_code=GRID,
        title="走访",
        kind=TaskKind.visit,
        due_date=date(2026, 12, 10),
        issued_by="sup",
        issued_at=NOW,
    )
    values.update(more)
    return Task(**values)  # type: ignore[arg-type]


def act(kind: TaskActionKind, actor: str = "w1", role: Role = Role.grid_worker, **more: object):
    return TaskAction(
        id="a1",
        grid_code=GRID,
        task_id="t1",
        action=kind,
        actor=actor,
        actor_role=role,
        at=NOW,
        **more,  # type: ignore[arg-type]
    )


def test_the_table_is_the_design_documents() -> None:
    """Proves TASK_TRANSITIONS holds exactly the rows docs/design.md §23 lists."""
    got = {(t.from_state.code, t.action.code, t.to_state.code) for t in TASK_TRANSITIONS}
    assert got == TABLE


def test_signing_then_done_records_who_and_the_answer() -> None:
    """Proves 签收 sets the signer and time; done keeps them and records the visit."""
    signed, applied = apply_task_action(task(), act(TaskActionKind.sign), now=NOW)
    assert (signed.state, signed.signed_by, signed.signed_at) == (TaskState.signed, "w1", NOW)
    assert (applied.from_state, applied.to_state) == (TaskState.issued, TaskState.signed)
    done, _ = apply_task_action(
        signed, act(TaskActionKind.done, answer_entity="visit", answer_id="v1"), now=NOW
    )
    assert (done.state, done.answer_entity, done.answer_id) == (TaskState.done, "visit", "v1")
    # Done without signing first signs for it too.
    direct, _ = apply_task_action(task(), act(TaskActionKind.done), now=NOW)
    assert direct.signed_by == "w1" and direct.done_at == NOW


def test_a_named_task_is_only_its_workers_and_a_signed_one_only_the_signers() -> None:
    """Proves the worker checks: another worker may not sign a named task or finish a task
    a colleague signed for; the message names who signed."""
    with pytest.raises(WorkflowError) as refused:
        apply_task_action(task(assignee="w2"), act(TaskActionKind.sign), now=NOW)
    assert refused.value.code == "task_not_yours"
    signed = task(state=TaskState.signed, signed_by="w2")
    with pytest.raises(WorkflowError) as refused:
        apply_task_action(signed, act(TaskActionKind.done), now=NOW)
    assert refused.value.code == "task_signed_by_other" and "w2" in refused.value.message()
    assert available_task_actions(signed, Role.grid_worker, "w1") == []
    assert available_task_actions(signed, Role.grid_worker, "w2") == [
        TaskActionKind.done,
        TaskActionKind.return_,
    ]


def test_roles_reasons_and_the_second_sign() -> None:
    """Proves a supervisor may not sign and a worker may not remind; 退回 and 退回重办 need a
    reason; a second 签收 (two laptops offline) is an invalid transition."""
    with pytest.raises(WorkflowError) as refused:
        apply_task_action(task(), act(TaskActionKind.sign, "sup", Role.supervisor), now=NOW)
    assert refused.value.code == "task_forbidden_role"
    with pytest.raises(WorkflowError) as refused:
        apply_task_action(task(), act(TaskActionKind.remind), now=NOW)
    assert refused.value.code == "task_forbidden_role"
    with pytest.raises(WorkflowError) as refused:
        apply_task_action(task(), act(TaskActionKind.return_, note="  "), now=NOW)
    assert refused.value.code == "task_reason_required"
    signed, _ = apply_task_action(task(), act(TaskActionKind.sign), now=NOW)
    with pytest.raises(WorkflowError) as refused:
        apply_task_action(signed, act(TaskActionKind.sign, "w2"), now=NOW)
    assert refused.value.code == "task_invalid_transition"
    assert "已签收" in refused.value.message()


def test_supervisor_actions() -> None:
    """Proves 催办 counts, 退回重办 clears the answer and keeps the signer, 重新下发 clears the
    signer, and the effective time is never after now."""
    reminded, _ = apply_task_action(
        task(), act(TaskActionKind.remind, "sup", Role.supervisor), now=NOW
    )
    assert (reminded.remind_count, reminded.reminded_at) == (1, NOW)
    done = task(state=TaskState.done, signed_by="w1", answer_entity="visit", answer_id="v")
    redo, _ = apply_task_action(
        done, act(TaskActionKind.redo, "sup", Role.admin, note="补拍照片"), now=NOW
    )
    assert (redo.state, redo.signed_by, redo.answer_id, redo.reason) == (
        TaskState.signed,
        "w1",
        None,
        "补拍照片",
    )
    returned = task(state=TaskState.returned, signed_by="w1", reason="不是我的")
    again, _ = apply_task_action(
        returned, act(TaskActionKind.reissue, "sup", Role.supervisor), now=NOW
    )
    assert (again.state, again.signed_by, again.reason) == (TaskState.issued, None, None)
    future = replace(act(TaskActionKind.sign), at=NOW + timedelta(hours=5))
    signed, _ = apply_task_action(task(), future, now=NOW)
    assert signed.signed_at == NOW


def test_deadline_on_the_working_day_calendar() -> None:
    """Proves the countdown counts working days (a weekend in between does not count), an
    overdue task counts back, and a due date on a day off or in the past is refused naming
    the next working day."""
    calendar = default_calendar()
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    assert working_days_left(monday, friday, calendar) == 2
    assert working_days_left(friday, monday, calendar) == -1
    assert task_due_status(task(due_date=monday), friday, calendar) is TaskDue.ok
    assert task_due_status(task(due_date=friday), friday, calendar) is TaskDue.due_soon
    assert task_due_status(task(due_date=friday), monday, calendar) is TaskDue.overdue
    assert task_due_status(task(due_date=friday, state=TaskState.done), monday, calendar) is None
    with pytest.raises(ValidationError) as refused:
        check_due_date(date(2026, 12, 5), friday, calendar)
    assert refused.value.message() == "截止日期 2026-12-05 不是工作日（下一个工作日是 2026-12-07）"
    with pytest.raises(ValidationError) as refused:
        check_due_date(date(2026, 12, 3), friday, calendar)
    assert refused.value.code == "task_due_past"
    check_due_date(friday, friday, calendar)


def test_a_task_target_must_fit_its_kind() -> None:
    """Proves a visit task may point at a household but not at a hazard site, and a target
    needs both its kind and its id."""
    task(target_entity="household", target_id="h1").validate()
    with pytest.raises(ValidationError) as refused:
        task(target_entity="hazard_site", target_id="s1").validate()
    assert refused.value.code == "task_target_kind"
    with pytest.raises(ValidationError):
        task(target_entity="household").validate()
