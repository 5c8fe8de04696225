"""The case desk (no Qt): queues overdue first, and batch actions with a result per case."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.deadlines import DeadlineStatus
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    Role,
    SupervisorLevel,
    Urgency,
)
from gridworker.services import cases
from gridworker.services.case_desk import Queue, batch_act, cases_by_ids, queue, queue_counts
from gridworker.services.workspace import Actor, ServiceError, Workspace
from gridworker.storage.models import DepartmentRow, OutboxEntry
from tests.conftest import GRID, GRID2

SH = WorkCalendar().zone
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SH)  # Friday 10:00
A = CaseActionKind
DEPT = "dept-chengguan"


def as_role(ws: Workspace, role: Role, **changes: object) -> Actor:
    before = ws.actor
    ws.actor = dataclasses.replace(before, role=role, **changes)  # type: ignore[arg-type]
    return before


def report(ws: Workspace, title: str, at: datetime, grid: str = GRID) -> str:
    ws.clock = lambda: at
    worker = as_role(ws, Role.grid_worker)
    try:
        return cases.report_case(
            ws, grid_code=grid, title=title, category=CaseCategory.livelihood,
            urgency=Urgency.normal,
        )  # fmt: skip
    finally:
        ws.actor = worker
        ws.clock = lambda: NOW


@pytest.fixture
def street(ws: Workspace) -> Workspace:
    """The profile's user as a street-level supervisor, with a department in the local table."""
    ws.clock = lambda: NOW
    with ws.write() as s:
        s.add(DepartmentRow(id=DEPT, name="城管局", code="cgj", version=1))
    as_role(ws, Role.supervisor, supervisor_level=SupervisorLevel.street)
    return ws


def test_queues_put_overdue_first(street: Workspace) -> None:
    """Proves the 待受理 queue lists an overdue case before a due-soon one and that before a
    fresh one, with countdowns and the supervisor's allowed actions, and counts per queue."""
    fresh = report(street, "新报：路灯不亮", NOW - timedelta(hours=1))
    late = report(street, "超时：井盖破损", datetime(2026, 11, 19, 10, tzinfo=SH))
    soon = report(street, "将超时：楼道堆物", datetime(2026, 11, 24, 10, tzinfo=SH), GRID2)
    items = queue(street, Queue.reported)
    assert [i.id for i in items] == [late, soon, fresh]
    assert items[0].status is DeadlineStatus.overdue and items[0].working_seconds_left < 0
    assert items[1].status is DeadlineStatus.due_soon
    assert items[1].working_seconds_left == 6 * 3600
    assert set(items[2].actions) == {A.accept, A.return_, A.reject, A.escalate}
    assert [i.id for i in queue(street, Queue.reported, scope=GRID2)] == [soon]
    counts = queue_counts(street)
    assert counts[Queue.reported] == 3 and counts[Queue.accepted] == 0
    assert [i.id for i in cases_by_ids(street, [fresh, late])] == [fresh, late]


def test_batch_accept_reports_each_case(street: Workspace) -> None:
    """Proves a batch accept on three cases, one already accepted, applies two, refuses the
    third with a reason, and captures one command per applied action for sync."""
    first = report(street, "路灯不亮", NOW - timedelta(hours=2))
    second = report(street, "垃圾满溢", NOW - timedelta(hours=1))
    taken = report(street, "井盖破损", NOW - timedelta(hours=3))
    cases.act_on_case(street, taken, A.accept)
    with street.read() as s:
        before = len(list(s.scalars(select(OutboxEntry).where(OutboxEntry.op == "command"))))
    results = batch_act(street, [first, taken, second], A.accept)
    assert [(r.case_id, r.ok, r.state) for r in results] == [
        (first, True, CaseState.accepted),
        (taken, False, None),
        (second, True, CaseState.accepted),
    ]
    assert results[1].title == "井盖破损" and results[1].message
    with street.read() as s:
        after = len(list(s.scalars(select(OutboxEntry).where(OutboxEntry.op == "command"))))
    assert after - before == 2
    assert {i.id for i in queue(street, Queue.accepted)} == {first, second, taken}


def test_dispatch_needs_a_street_supervisor_and_a_department(street: Workspace) -> None:
    """Proves dispatch without a department is refused up front, a community-level supervisor
    is refused per case (street only), and a street supervisor dispatches to the department."""
    case_id = report(street, "占道经营", NOW - timedelta(hours=2))
    cases.act_on_case(street, case_id, A.accept)
    with pytest.raises(ServiceError):
        batch_act(street, [case_id], A.dispatch)
    as_role(street, Role.supervisor, supervisor_level=SupervisorLevel.community)
    [refused] = batch_act(street, [case_id], A.dispatch, department_id=DEPT)
    assert not refused.ok and refused.message
    as_role(street, Role.supervisor, supervisor_level=SupervisorLevel.street)
    [done] = batch_act(street, [case_id], A.dispatch, department_id=DEPT)
    assert done.ok and done.state is CaseState.dispatched
    [item] = cases_by_ids(street, [case_id])
    assert item.department == "城管局"


def test_extension_park_resume_close(street: Workspace) -> None:
    """Proves a pending extension shows in the 延期申请 queue with the requested deadline, a
    batch approval grants that deadline, and park, resume and close move cases between queues."""
    case_id = report(street, "地下车库积水", datetime(2026, 11, 24, 10, tzinfo=SH))
    cases.act_on_case(street, case_id, A.accept)
    cases.act_on_case(street, case_id, A.dispatch, department_id=DEPT)
    supervisor = as_role(street, Role.department, department_id=DEPT)
    asked = datetime(2026, 12, 4, 17, 30, tzinfo=SH)
    cases.act_on_case(street, case_id, A.sign)
    cases.act_on_case(street, case_id, A.request_extension, new_deadline=asked)
    street.actor = supervisor
    [pending] = queue(street, Queue.extension)
    assert pending.requested_deadline == asked
    assert A.approve_extension in pending.actions and A.deny_extension in pending.actions
    [approved] = batch_act(street, [case_id], A.approve_extension)
    assert approved.ok
    [item] = cases_by_ids(street, [case_id])
    assert item.deadline_at == asked and not item.extension_pending
    assert queue(street, Queue.extension) == []
    batch_act(street, [case_id], A.park)
    assert [i.id for i in queue(street, Queue.suspended)] == [case_id]
    batch_act(street, [case_id], A.resume)
    batch_act(street, [case_id], A.report_done)
    as_role(street, Role.grid_worker)
    cases.act_on_case(street, case_id, A.verify_ok)
    street.actor = supervisor
    assert [i.id for i in queue(street, Queue.verified)] == [case_id]
    [closed] = batch_act(street, [case_id], A.close)
    assert closed.state is CaseState.closed
    assert sum(queue_counts(street).values()) == 0
