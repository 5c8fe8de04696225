"""工作台 ("my day"): visits due by tag interval, rectifications and cases near their deadline,
on a real profile with a fixed clock."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from gridworker.domain import ids
from gridworker.domain.deadlines import DeadlineStatus
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    HazardKind,
    PremisesType,
    Role,
    SupervisorLevel,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.services import cases, inspections, register, visits
from gridworker.services.today import my_day
from gridworker.services.workspace import Workspace
from gridworker.storage.models import RectificationRow, ResidentTagRow
from tests.conftest import GRID, GRID2

# Friday 27 Nov 2026, 10:00 in Shanghai.
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@dataclass
class Seeded:
    households: dict[str, str]  # resident name -> household id
    overdue_rect: str
    soon_rect: str
    due_soon_case: str
    overdue_case: str
    ok_case: str


def _household(ws: Workspace, no: str, address: str, name: str, *tags: TagKind) -> str:
    return register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID, household_no=no, address=address, head_name=name),
        [register.ResidentInput(name=name, tags=list(tags))],
    )


def _visit(ws: Workspace, household_id: str, days_ago: int) -> None:
    visits.record_visit(
        ws,
        household_id=household_id,
        mode=VisitMode.home,
        visited_at=NOW - timedelta(days=days_ago),
        situation="身体状况良好",
    )


def _rectification(ws: Workspace, name: str, premises: PremisesType, at: datetime) -> str:
    site = inspections.register_site(
        ws, grid_code=GRID, kind=HazardKind.fire_safety, name=name, premises_type=premises
    )
    _template, items = inspections.form_items(ws, site)
    answers = {item.code: "pass" for item in items if item.answer == "yes_no"}
    answers["FS-ELEC-02"] = "fail"  # cables not in conduit: 3 working days
    outcome = inspections.record_inspection(
        ws,
        site_id=site,
        answers=answers,
        notes={"FS-ELEC-02": "后厨电线裸露未穿管"},
        inspected_at=at,
    )
    [rect] = outcome.rectification_ids
    return rect


def _case(ws: Workspace, title: str, reported: datetime) -> str:
    ws.clock = lambda: reported
    try:
        return cases.report_case(
            ws,
            grid_code=GRID,
            title=title,
            category=CaseCategory.livelihood,
            urgency=Urgency.normal,
        )
    finally:
        ws.clock = lambda: NOW


def seed_day(ws: Workspace) -> Seeded:
    """A grid's worth of realistic records around NOW (used by the UI tests too)."""
    ws.clock = lambda: NOW
    homes = {
        "张秀英": _household(
            ws, "0101", "凤凰小区3栋1单元101室", "张秀英", TagKind.living_alone_elderly
        ),
        "李桂兰": _household(
            ws, "0102", "凤凰小区3栋1单元202室", "李桂兰", TagKind.living_alone_elderly
        ),
        "王建国": _household(ws, "0103", "凤凰小区5栋2单元301室", "王建国", TagKind.disabled),
        "刘小宇": _household(ws, "0104", "幸福里小区2栋402室", "刘小宇", TagKind.left_behind_child),
        "陈德福": _household(
            ws, "0105", "幸福里小区6栋101室", "陈德福", TagKind.low_income, TagKind.veteran
        ),
        "赵淑珍": _household(ws, "0106", "建设路18号院1号楼", "赵淑珍", TagKind.empty_nest_elderly),
    }
    for name, days_ago in (
        ("张秀英", 10),  # weekly: due 24 Nov, 3 days overdue
        ("李桂兰", 2),  # weekly: due 2 Dec, not yet
        ("王建国", 38),  # monthly: due 19 Nov, 8 days overdue
        ("刘小宇", 29),  # monthly: due tomorrow
        ("陈德福", 40),  # 低保 every 30 days on this tag row: due 17 Nov, 10 days overdue
    ):
        _visit(ws, homes[name], days_ago)
    # 赵淑珍 was never visited and her tag has no start date: due today.
    with ws.read() as s:
        [resident_id] = [
            r.resident_id for r in s.query(ResidentTagRow).filter_by(tag=TagKind.low_income)
        ]
    register.edit_record(
        ws,
        ResidentTagRow,
        ids.resident_tag_id(resident_id, "low_income"),
        {"visit_interval_days": 30},
    )
    overdue_rect = _rectification(
        ws, "老王小炒", PremisesType.small_restaurant, datetime(2026, 11, 16, 2, tzinfo=UTC)
    )
    soon_rect = _rectification(
        ws, "星辰网吧", PremisesType.internet_cafe, datetime(2026, 11, 26, 2, tzinfo=UTC)
    )
    later = _rectification(
        ws, "好又多超市", PremisesType.small_shop, datetime(2026, 11, 27, 1, tzinfo=UTC)
    )
    # Given until 10 Dec (beyond the week ahead), so not on today's list.
    register.edit_record(ws, RectificationRow, later, {"deadline": date(2026, 12, 10)})
    due_soon = _case(ws, "楼道堆放杂物占用消防通道", datetime(2026, 11, 24, 2, tzinfo=UTC))
    overdue = _case(ws, "小区路灯损坏，夜间无照明", datetime(2026, 11, 19, 2, tzinfo=UTC))
    ok_case = _case(ws, "邻里噪音纠纷调解", NOW)
    closed = _case(ws, "井盖松动", datetime(2026, 11, 25, 2, tzinfo=UTC))
    sup = dataclasses.replace(
        ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )
    worker_actor, ws.actor = ws.actor, sup
    try:
        cases.act_on_case(ws, closed, CaseActionKind.reject)
    finally:
        ws.actor = worker_actor
    return Seeded(homes, overdue_rect, soon_rect, due_soon, overdue, ok_case)


@pytest.fixture
def worker(ws: Workspace) -> Workspace:
    ws.clock = lambda: NOW
    return ws


def test_visits_due_follow_the_tag_interval(worker: Workspace) -> None:
    """Proves a living-alone elder (7 days) last visited 10 days ago is overdue by 3, one
    visited 2 days ago is not due, a tag row's own interval overrides the tag default, and the
    list runs most overdue first."""
    seed_day(worker)
    day = my_day(worker)
    by_name = {v.name: v for v in day.visits}
    assert "李桂兰" not in by_name
    zhang = by_name["张秀英"]
    assert zhang.tag is TagKind.living_alone_elderly and zhang.interval_days == 7
    assert zhang.days_overdue == 3 and zhang.overdue
    assert zhang.last_visit is not None and zhang.last_visit.isoformat() == "2026-11-17"
    chen = by_name["陈德福"]
    assert chen.tag is TagKind.low_income and chen.interval_days == 30
    assert chen.days_overdue == 10 and set(chen.tags) == {TagKind.low_income, TagKind.veteran}
    assert by_name["赵淑珍"].last_visit is None and by_name["赵淑珍"].days_overdue == 0
    assert by_name["刘小宇"].days_overdue == -1 and not by_name["刘小宇"].overdue
    assert [v.name for v in day.visits] == ["陈德福", "王建国", "张秀英", "赵淑珍", "刘小宇"]


def test_rectifications_and_cases_near_their_deadline(worker: Workspace) -> None:
    """Proves an overdue rectification and one due within the week are listed (not one due in
    13 days), and an overdue and a due-soon case are listed with their working time left, while
    a case with time to spare and a closed one are not."""
    seeded = seed_day(worker)
    day = my_day(worker)
    rects = {r.id: r for r in day.rectifications}
    assert list(rects) == [seeded.overdue_rect, seeded.soon_rect]
    overdue = rects[seeded.overdue_rect]
    assert overdue.overdue and overdue.days_left == -8 and overdue.site_name == "老王小炒"
    assert overdue.item == "后厨电线裸露未穿管"
    assert rects[seeded.soon_rect].days_left == 4
    listed = {c.id: c for c in day.cases}
    assert list(listed) == [seeded.overdue_case, seeded.due_soon_case]
    soon = listed[seeded.due_soon_case]
    assert soon.status is DeadlineStatus.due_soon and soon.state is CaseState.reported
    assert soon.remaining_seconds == 6 * 3600  # Fri 10:00–12:00 and 13:30–17:30
    assert listed[seeded.overdue_case].overdue
    assert listed[seeded.overdue_case].remaining_seconds < 0
    counts = day.counts
    assert (counts.visits_due, counts.visits_overdue) == (5, 3)
    assert (counts.rectifications_due, counts.rectifications_overdue) == (2, 1)
    assert (counts.cases_due, counts.cases_overdue) == (2, 1)


def test_only_the_users_grids_count(worker: Workspace) -> None:
    """Proves residents of a grid the user no longer covers are left out of the visits due."""
    register.register_household(
        worker,
        register.HouseholdInput(grid_code=GRID2, household_no="0201", address="东风路2号"),
        [register.ResidentInput(name="孙玉梅", tags=[TagKind.childless_elderly])],
    )
    assert [v.name for v in my_day(worker).visits] == ["孙玉梅"]
    worker.actor = dataclasses.replace(worker.actor, grids=(GRID,))
    assert my_day(worker).visits == []


def test_an_empty_profile_has_an_empty_day(worker: Workspace) -> None:
    """Proves a fresh profile gives three empty lists and zero counts, not an error."""
    day = my_day(worker)
    assert day.visits == day.rectifications == day.cases == []
    assert day.today.isoformat() == "2026-11-27" and day.working_day_seconds == 7 * 3600
