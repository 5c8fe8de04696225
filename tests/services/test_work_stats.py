"""Work statistics on one laptop (docs/design.md §26): the figures per grid and per person
over a period, zero lines kept, no ranking (grid/name order), scope and role refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from gridworker.domain.enums import (
    CloseBasis,
    GridType,
    HazardKind,
    PremisesType,
    Role,
    TagKind,
    VisitMode,
)
from gridworker.domain.enums_field import TaskActionKind
from gridworker.services import inspections, register, tasks, visits, work_stats
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import GridRow
from tests.conftest import GRID, GRID2
from tests.services.test_tasks import NOW, OTHER, as_supervisor, seed_tasks

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def seed_work(ws: Workspace) -> None:
    """wang.wei's month: a tagged resident due and visited, one not due yet, tasks (one late
    grid task, one named task answered by an inspection with a failed item)."""
    seeded = seed_tasks(ws)  # leaves wang.wei signed in, the clock at NOW (27 Nov)
    with ws.write() as s:
        s.add(
            GridRow(
                code=OTHER, name="远方网格", community_code=OTHER[:12], grid_type=GridType.basic
            )
        )
    due = register.register_household(
        ws, register.HouseholdInput(grid_code=GRID, household_no="0101", address="3栋101")
    )
    register.add_resident(
        ws, due, register.ResidentInput(name="张秀英", tags=(TagKind.living_alone_elderly,))
    )
    later = register.register_household(
        ws, register.HouseholdInput(grid_code=GRID2, household_no="0202", address="5栋202")
    )
    register.add_resident(
        ws, later, register.ResidentInput(name="李大爷", tags=(TagKind.empty_nest_elderly,))
    )
    # Visited on 29 Oct (before the period): next due 28 Nov, inside November.
    visits.record_visit(
        ws,
        household_id=later,
        mode=VisitMode.home,
        visited_at=datetime(2026, 10, 29, 2, 0, tzinfo=UTC),
    )
    visits.record_visit(ws, household_id=due, mode=VisitMode.home)  # 27 Nov
    site = inspections.register_site(
        ws,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="星辰网吧",
        premises_type=PremisesType.internet_cafe,
    )
    inspections.record_inspection(
        ws, site_id=site, answers={"FS-MGMT-01": "fail"}, task_id=seeded.named
    )
    tasks.act_on_task(ws, seeded.grid_task, TaskActionKind.sign)  # due in December


def test_figures_per_grid_and_per_person(ws: Workspace) -> None:
    """Proves the November figures: visits due/done per grid (a resident due by the last
    day, once), visits and inspections per grid and per person, tasks due in the period with
    done and on time (a grid task nobody signed counts only under its grid), rectifications
    found by the inspector; a colleague with nothing done is listed with zeros, a worker of
    another street is not; grids in code order, people by grid then name — not by figure."""
    seed_work(ws)
    as_supervisor(ws)
    stats = work_stats.work_stats(ws, start=NOV[0], end=NOV[1])
    grids = {line.key: line.figures for line in stats.by_grid}
    assert [line.key for line in stats.by_grid] == sorted(grids)
    assert OTHER not in grids
    assert grids[GRID] == {
        "visits_due": 1,
        "visits_due_done": 1,
        "visits": 1,
        "tasks_due": 2,  # the late grid task (not done) and the named one (done on time)
        "tasks_done": 1,
        "tasks_on_time": 1,
        "inspections": 1,
        "rectifications_found": 1,
        "rectifications_closed": 0,
        "rectifications_on_time": 0,
    }
    assert grids[GRID2]["visits_due"] == 1 and grids[GRID2]["visits_due_done"] == 0
    assert grids[GRID2]["visits"] == 0  # its visit was on 29 Oct, before the period
    people = {line.key: line for line in stats.by_worker}
    assert [line.key for line in stats.by_worker] == ["wang.wei", "li.na"]
    wang = people["wang.wei"].figures
    assert wang["visits_due"] is None  # visits due belong to a grid
    assert (wang["visits"], wang["tasks_due"], wang["tasks_on_time"], wang["inspections"]) == (
        1,
        1,
        1,
        1,
    )
    assert people["li.na"].name == "李娜" and set(people["li.na"].figures.values()) <= {0, None}
    assert "far.away" not in people
    assert stats.working_days == 21  # November 2026 on the shipped calendar
    # October alone: the one visit, nothing else.
    october = work_stats.work_stats(ws, start=date(2026, 10, 1), end=date(2026, 10, 31))
    by_grid = {line.key: line.figures for line in october.by_grid}
    assert by_grid[GRID2]["visits"] == 1 and by_grid[GRID]["tasks_due"] == 0


def test_scope_period_and_role_refusals(ws: Workspace) -> None:
    """Proves the refusals in Chinese: a grid worker, an area of another street, a malformed
    code, an unknown area, a reversed period; a grid scope lists only that grid."""
    seed_work(ws)
    with pytest.raises(ServiceError) as refused:
        work_stats.work_stats(ws)
    assert refused.value.message() == "工作统计仅供督办员和区管理员查看"
    as_supervisor(ws)
    for scope, text in (
        (OTHER, f"区域 {OTHER} 不在您的管辖范围内，不能统计"),
        ("36030200", "区域 36030200 不在您的管辖范围内，不能统计"),
        ("abc", "“abc”不是街道、社区或网格编码"),
    ):
        with pytest.raises(ServiceError) as refused:
            work_stats.work_stats(ws, scope=scope)
        assert refused.value.message() == text
    with pytest.raises(ServiceError) as refused:
        work_stats.work_stats(ws, scope="360302999")
    assert refused.value.code == "scope_unknown"
    with pytest.raises(ServiceError) as refused:
        work_stats.work_stats(ws, start=NOV[1], end=NOV[0])
    assert refused.value.message() == "结束日期不能早于开始日期"
    only = work_stats.work_stats(ws, scope=GRID2, start=NOV[0], end=NOV[1])
    assert [line.key for line in only.by_grid] == [GRID2]
    assert only.scope_name == "凤凰社区第二网格"
    # The admin reaches every grid; the default period is this month so far.
    ws.actor = replace(ws.actor, role=Role.admin, area_code=None)
    ws.clock = lambda: NOW
    everything = work_stats.work_stats(ws)
    assert (everything.start, everything.end) == (date(2026, 11, 1), date(2026, 11, 27))
    assert OTHER in {line.key for line in everything.by_grid}


def test_a_resident_who_moved_out_is_not_due(ws: Workspace) -> None:
    """Proves visits due follow the register's standing (docs/design.md §12), as 今日待办
    does: a tagged resident who moved out before the period is no longer a visit due of
    their grid, while one still in the register is."""
    from gridworker.domain.life_enums import LifeEventKind
    from gridworker.services import life_events

    seed_work(ws)
    worker = as_supervisor(ws)
    before = work_stats.work_stats(ws, start=NOV[0], end=NOV[1])
    due_before = {line.key: line.figures["visits_due"] for line in before.by_grid}
    assert due_before[GRID2] == 1
    with ws.read() as s:
        from sqlalchemy import select

        from gridworker.storage.models import ResidentRow

        [rid] = s.scalars(select(ResidentRow.id).where(ResidentRow.grid_code == GRID2))
    ws.actor = worker
    life_events.record_event(
        ws,
        life_events.EventInput(
            kind=LifeEventKind.moved_out, event_date=date(2026, 10, 30), resident_id=rid
        ),
    )
    as_supervisor(ws)
    after = work_stats.work_stats(ws, start=NOV[0], end=NOV[1])
    due_after = {line.key: line.figures["visits_due"] for line in after.by_grid}
    assert due_after[GRID2] == 0 and due_after[GRID] == due_before[GRID]


def test_rectifications_closed_on_time_and_late(ws: Workspace) -> None:
    """Proves 整改销号 and 按期销号: of two rectifications found on 27 Nov (deadline 2 Dec, three
    working days), the one closed on 27 Nov counts on time, the one closed on 3 Dec not;
    both count under the supervisor who closed them, listed after the grid workers."""
    seed_work(ws)
    site = inspections.register_site(
        ws,
        grid_code=GRID2,
        kind=HazardKind.fire_safety,
        name="湘味餐馆",
        premises_type=PremisesType.small_restaurant,
    )
    outcome = inspections.record_inspection(
        ws, site_id=site, answers={"FS-MGMT-02": "fail", "FS-MGMT-03": "fail"}
    )
    first, second = outcome.rectification_ids
    for rect in (first, second):
        inspections.mark_rectified(ws, rect, measures="已整改")
    as_supervisor(ws)
    for rect in (first, second):
        inspections.verify_rectification(ws, rect)
    inspections.close_out(ws, first, basis=CloseBasis.verification)
    ws.clock = lambda: datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    inspections.close_out(ws, second, basis=CloseBasis.verification)
    stats = work_stats.work_stats(ws, start=NOV[0], end=date(2026, 12, 31))
    grid = {line.key: line.figures for line in stats.by_grid}[GRID2]
    assert (grid["rectifications_found"], grid["rectifications_closed"]) == (2, 2)
    assert grid["rectifications_on_time"] == 1
    people = stats.by_worker
    assert people[-1].key == "zhou.sup" and people[-1].grids == ()
    assert people[-1].figures["rectifications_closed"] == 2
    assert people[-1].figures["rectifications_on_time"] == 1
    november = work_stats.work_stats(ws, start=NOV[0], end=NOV[1])
    grid = {line.key: line.figures for line in november.by_grid}[GRID2]
    assert (grid["rectifications_closed"], grid["rectifications_on_time"]) == (1, 1)
