"""Tasks on one laptop (docs/design.md §23): issuing checks (scope, the named worker from
the staff directory, the due date on the calendar, the target), what a worker sees, a
visit or an inspection answering its task, and the desk's counts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from gridworker.domain.enums import (
    GridType,
    HazardKind,
    PremisesType,
    Role,
    SupervisorLevel,
    VisitMode,
)
from gridworker.domain.enums_field import TaskActionKind, TaskKind, TaskState
from gridworker.services import inspections, register, task_queries, tasks, visits
from gridworker.services.workspace import Actor, ServiceError, Workspace
from gridworker.storage.entity_rows import TaskRow, VisitRow
from gridworker.storage.models import GridRow, OutboxEntry
from gridworker.storage.reference_terms import store_reference_doc
from tests.conftest import GRID, GRID2

NOW = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)  # Friday 27 Nov, 10:30 in Shanghai
OTHER = "360302002001001"


def as_supervisor(ws: Workspace) -> Actor:
    worker = ws.actor
    ws.actor = Actor(
        username="zhou.sup",
        role=Role.supervisor,
        grids=(),
        display_name="周督办",
        supervisor_level=SupervisorLevel.street,
        area_code="360302001",
    )
    return worker


def with_staff(ws: Workspace) -> None:
    """The staff directory and the grids' names, as a sync brings them."""
    with ws.write() as s:
        for code, name in ((GRID, "凤凰社区第一网格"), (GRID2, "凤凰社区第二网格")):
            if s.get(GridRow, code) is None:
                s.add(
                    GridRow(
                        code=code, name=name, community_code=code[:12], grid_type=GridType.basic
                    )
                )
        store_reference_doc(
            s,
            "staff",
            version=1,
            fields={
                "revision": 1,
                "data": {
                    "workers": [
                        {"username": "wang.wei", "display_name": "王伟", "grids": [GRID, GRID2]},
                        {"username": "li.na", "display_name": "李娜", "grids": [GRID2]},
                        {"username": "far.away", "display_name": "远方", "grids": [OTHER]},
                    ]
                },
            },
        )


@dataclass
class Seeded:
    grid_task: str
    named: str
    late: str
    other_workers: str


def seed_tasks(ws: Workspace) -> Seeded:
    """A supervisor's tasks for the profile's worker wang.wei (used by the UI tests too):
    one for grid GRID, one named, one already overdue and one for li.na."""
    with_staff(ws)
    worker = as_supervisor(ws)
    ws.clock = lambda: NOW - timedelta(days=7)
    late = tasks.create_task(
        ws, title="复查老王小炒整改", kind=TaskKind.recheck, due=date(2026, 11, 24), grid_code=GRID
    )
    ws.clock = lambda: NOW
    grid_task = tasks.create_task(
        ws, title="走访独居老人张秀英", kind=TaskKind.visit, due=date(2026, 12, 3), grid_code=GRID
    )
    named = tasks.create_task(
        ws,
        title="夜查星辰网吧消防",
        kind=TaskKind.inspect,
        due=date(2026, 11, 30),
        assignee="wang.wei",
        grid_code=GRID,
        description="重点看电动车充电和安全出口",
    )
    other = tasks.create_task(
        ws, title="采集新入住人员", kind=TaskKind.collect, due=date(2026, 12, 4), assignee="li.na"
    )
    ws.actor = worker
    return Seeded(grid_task, named, late, other)


def test_issuing_checks_scope_worker_due_date_and_target(ws: Workspace) -> None:
    """Proves the refusals of 下发: a grid outside the area (clear message), a worker of
    another area, a worker of several grids without --grid, an unknown worker, a due date on
    a Saturday, a target of another grid, a deleted target; a worker may not issue."""
    with_staff(ws)
    household = register.register_household(
        ws, register.HouseholdInput(grid_code=GRID, household_no="0101", address="3栋101")
    )
    as_supervisor(ws)
    ws.clock = lambda: NOW
    due = date(2026, 12, 1)

    def create(**more: object) -> str:
        values: dict[str, object] = dict(title="走访", kind=TaskKind.visit, due=due)
        values.update(more)
        return tasks.create_task(ws, **values)  # type: ignore[arg-type]

    with pytest.raises(ServiceError) as refused:
        create(grid_code=OTHER)
    assert refused.value.message() == f"网格 {OTHER} 不在您的管辖范围内，不能向它下发任务"
    for more, code in (
        ({"assignee": "far.away"}, "task_grid_not_yours"),
        ({"assignee": "wang.wei"}, "task_assignee_grids"),
        ({"assignee": "nobody"}, "task_assignee_unknown"),
        ({"assignee": "li.na", "grid_code": GRID}, "task_assignee_not_in_grid"),
        ({"grid_code": GRID2, "target_id": household}, "task_target_other_grid"),
        ({"grid_code": GRID, "target_id": "no-such-id"}, "task_target_missing"),
        ({"grid_code": GRID, "due": date(2026, 11, 28)}, "task_due_not_working_day"),
        ({"grid_code": GRID, "due": date(2026, 11, 26)}, "task_due_past"),
    ):
        with pytest.raises(Exception) as refused:
            create(**more)
        assert getattr(refused.value, "code", None) == code, more
    assert create(assignee="li.na")  # one grid: it is the task's
    task_id = create(grid_code=GRID, target_id=household)
    with ws.read() as s:
        row = s.get(TaskRow, task_id)
        assert row is not None and row.target_entity == "household"
        entry = s.query(OutboxEntry).filter_by(record_id=task_id).one()
        assert entry.op == "create" and entry.payload["state"] == "issued"
    ws.actor = replace(ws.actor, role=Role.grid_worker, username="wang.wei", area_code=None)
    with pytest.raises(ServiceError) as refused:
        create(grid_code=GRID)
    assert refused.value.code == "role_no_tasks"


def test_a_worker_sees_their_tasks_and_a_visit_answers_one(ws: Workspace) -> None:
    """Proves 今日待办's list: the grid's task, the named one and the overdue one, not a
    colleague's; the countdown in working days; a visit made for a task records it, reports
    it done in the same transaction and queues the action as a command."""
    seeded = seed_tasks(ws)
    mine = {t.id: t for t in task_queries.list_tasks(ws, mine=True, open_only=True)}
    assert set(mine) == {seeded.grid_task, seeded.named, seeded.late}
    assert mine[seeded.late].overdue and mine[seeded.late].days_left == -3  # Wed–Fri
    assert mine[seeded.named].days_left == 2  # Friday and Monday
    assert mine[seeded.grid_task].actions == (
        TaskActionKind.sign,
        TaskActionKind.done,
        TaskActionKind.return_,
    )
    household = register.register_household(
        ws, register.HouseholdInput(grid_code=GRID, household_no="0101", address="3栋101")
    )
    recorded = visits.record_visit(
        ws, household_id=household, mode=VisitMode.home, task_id=seeded.grid_task
    )
    with ws.read() as s:
        visit = s.get(VisitRow, recorded.visit_id)
        task = s.get(TaskRow, seeded.grid_task)
        assert visit is not None and visit.task_id == seeded.grid_task
        assert task is not None and task.state is TaskState.done
        assert (task.answer_entity, task.answer_id, task.signed_by) == (
            "visit",
            recorded.visit_id,
            "wang.wei",
        )
        ops = [e.op for e in s.query(OutboxEntry).filter_by(entity="task_action")]
    assert ops == ["command"]
    # A task already done cannot be answered again.
    with pytest.raises(ServiceError) as refused:
        visits.record_visit(
            ws, household_id=household, mode=VisitMode.phone, task_id=seeded.grid_task
        )
    assert refused.value.code == "task_not_open"
    with ws.read() as s:  # the refused visit was not kept
        assert s.query(VisitRow).count() == 1


def test_an_inspection_answers_its_task(ws: Workspace) -> None:
    """Proves an inspection made for a task records it and reports the task done."""
    seeded = seed_tasks(ws)
    ws.clock = lambda: NOW
    site = inspections.register_site(
        ws,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="星辰网吧",
        premises_type=PremisesType.internet_cafe,
    )
    outcome = inspections.record_inspection(ws, site_id=site, answers={}, task_id=seeded.named)
    done = {t.id: t for t in task_queries.list_tasks(ws)}[seeded.named]
    assert (done.state, done.answer_entity, done.answer_id) == (
        TaskState.done,
        "inspection",
        outcome.inspection_id,
    )


def test_the_desk_counts_per_grid_and_worker(ws: Workspace) -> None:
    """Proves the desk's counts: overdue apart from issued, a grid's task counted under the
    worker who signed it, returned and done per worker, cancelled not counted."""
    seeded = seed_tasks(ws)
    tasks.act_on_task(ws, seeded.grid_task, TaskActionKind.sign)
    tasks.act_on_task(ws, seeded.named, TaskActionKind.return_, note="不在我的网格")
    as_supervisor(ws)
    tasks.act_on_task(ws, seeded.other_workers, TaskActionKind.cancel)
    desk = task_queries.task_desk(ws, today=date(2026, 11, 27))
    grid = {line.key: line.counts for line in desk.by_grid}
    worker = {line.key: line.counts for line in desk.by_worker}
    assert grid[GRID] == {"issued": 0, "signed": 1, "done": 0, "returned": 1, "overdue": 1}
    assert worker["wang.wei"] == {"issued": 0, "signed": 1, "done": 0, "returned": 1, "overdue": 0}
    assert "li.na" not in worker
    assert desk.to_json()["by_grid"][0]["key"] == GRID
