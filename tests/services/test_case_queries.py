"""Read models for the Cases and Hazards screens: countdowns, actions, sites, rectifications."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from gridworker.domain.deadlines import DeadlineStatus
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    HazardKind,
    PremisesType,
    RectificationStatus,
    Role,
    SupervisorLevel,
    Urgency,
)
from gridworker.services import case_queries, cases, inspections
from gridworker.services.attachments import attach
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import DepartmentRow, GridRow
from tests.conftest import GRID, GRID2

# Wednesday 25 Nov 2026, 10:00 in Shanghai.
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
HOUR = 3600


@pytest.fixture
def worker(ws: Workspace) -> Workspace:
    ws.clock = lambda: NOW
    return ws


def street_supervisor(ws: Workspace) -> Workspace:
    ws.actor = dataclasses.replace(
        ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )
    return ws


def test_open_case_counts_down_in_working_time(worker: Workspace) -> None:
    """Proves a normal case reported Wed 10:00 has 3 working days 6 hours left (deadline Mon
    17:30), is due soon on its last day and overdue after, with negative time left."""
    case_id = cases.report_case(
        worker,
        grid_code=GRID,
        title="楼道堆放杂物",
        category=CaseCategory.hazard,
        subcategory="02",
    )
    [item] = case_queries.list_cases(worker, states=[CaseState.reported])
    assert item.id == case_id and item.countdown.status is DeadlineStatus.ok
    assert item.countdown.working_seconds_left == 27 * HOUR  # Wed 6 h + Thu, Fri, Mon 7 h
    assert item.countdown.working_seconds_per_day == 7 * HOUR
    assert case_queries.subcategory_label(item.category, item.subcategory) == "消防"
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    [soon] = case_queries.list_cases(worker, now=monday)
    assert soon.countdown.status is DeadlineStatus.due_soon
    assert soon.countdown.working_seconds_left == 1.5 * HOUR
    tuesday = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 11:00: two working hours late
    [late] = case_queries.list_cases(worker, now=tuesday)
    assert late.countdown.status is DeadlineStatus.overdue
    assert late.countdown.working_seconds_left == -2 * HOUR
    assert case_queries.list_cases(worker, states=[CaseState.closed]) == []
    assert case_queries.count_cases(worker) == {CaseState.reported: 1}


def test_drafts_have_no_clock_and_sort_after_running_cases(worker: Workspace) -> None:
    """Proves a draft has no countdown and lists after cases whose clock runs."""
    draft = cases.report_case(
        worker, grid_code=GRID, title="草稿", category=CaseCategory.policy, submit=False
    )
    urgent = cases.report_case(
        worker,
        grid_code=GRID,
        title="即时",
        category=CaseCategory.livelihood,
        urgency=Urgency.immediate,
    )
    items = case_queries.list_cases(worker)
    assert [i.id for i in items] == [urgent, draft]
    assert items[1].countdown.status is None and items[1].countdown.working_seconds_left is None


def test_case_detail_offers_only_the_actors_actions_and_a_plain_timeline(
    worker: Workspace,
) -> None:
    """Proves the worker gets no action on a reported case, a street supervisor gets accept,
    return, reject and escalate, and the timeline carries department names."""
    case_id = cases.report_case(
        worker, grid_code=GRID, title="邻里噪音纠纷", category=CaseCategory.dispute
    )
    assert case_queries.case_detail(worker, case_id).actions == []
    sup = street_supervisor(worker)
    detail = case_queries.case_detail(sup, case_id)
    assert detail.actions == [
        CaseActionKind.accept,
        CaseActionKind.return_,
        CaseActionKind.reject,
        CaseActionKind.escalate,
    ]
    with sup.write() as s:
        s.add(DepartmentRow(id="dept-1", name="城管执法中队"))
    cases.act_on_case(sup, case_id, CaseActionKind.accept)
    cases.act_on_case(sup, case_id, CaseActionKind.dispatch, department_id="dept-1")
    detail = case_queries.case_detail(sup, case_id)
    assert detail.item.state is CaseState.dispatched and detail.department == "城管执法中队"
    assert [e.action for e in detail.timeline] == [
        CaseActionKind.report,
        CaseActionKind.accept,
        CaseActionKind.dispatch,
    ]
    assert detail.timeline[-1].department == "城管执法中队"
    assert detail.timeline[1].from_state is CaseState.reported
    assert case_queries.departments(sup) == [case_queries.Choice("dept-1", "城管执法中队")]
    with pytest.raises(ServiceError):
        case_queries.case_detail(sup, "no-such-case")


def test_my_grids_are_named_from_the_grid_table(worker: Workspace) -> None:
    """Proves the actor's grids come back in order, named where the grid table knows them."""
    with worker.write() as s:
        s.add(
            GridRow(code=GRID, name="凤凰社区第一网格", community_code=GRID[:12], grid_type="basic")
        )
    assert case_queries.my_grids(worker) == [
        case_queries.Choice(GRID, "凤凰社区第一网格"),
        case_queries.Choice(GRID2, ""),
    ]


def test_sites_and_site_detail_show_rectifications_and_overdue(worker: Workspace) -> None:
    """Proves a failed item's rectification is counted on its site, carries the checklist
    text, turns overdue once its deadline passes while open, and item rows are found."""
    site = inspections.register_site(
        worker,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="老王小炒",
        address="建设路12号",
        premises_type=PremisesType.small_restaurant,
        responsible_person="王建国",
        responsible_phone="13812345678",
    )
    inspections.register_site(
        worker,
        grid_code=GRID,
        kind=HazardKind.gas_safety,
        name="李家",
        premises_type=PremisesType.household,
    )
    _template, items = inspections.form_items(worker, site)
    answers = {i.code: "pass" for i in items if i.answer == "yes_no"}
    answers["FS-ELEC-02"] = "fail"
    outcome = inspections.record_inspection(worker, site_id=site, answers=answers)
    sites = case_queries.list_sites(worker)
    assert [s.name for s in sites] == ["老王小炒", "李家"]
    assert sites[0].open_rectifications == 1 and sites[0].last_inspected_at is not None
    assert [s.name for s in case_queries.list_sites(worker, kind=HazardKind.gas_safety)] == ["李家"]
    assert [s.name for s in case_queries.list_sites(worker, text="建设路")] == ["老王小炒"]
    detail = case_queries.site_detail(worker, site)
    [rect] = detail.rectifications
    assert rect.item_text is not None and rect.item_text["zh"] == "电线穿管保护，无裸露"
    assert rect.deadline.isoformat() == "2026-11-30" and not rect.overdue
    assert detail.responsible_phone_masked == "138****5678"
    assert detail.inspections[0].failed_items == 1
    worker.clock = lambda: datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    late = case_queries.site_detail(worker, site)
    assert late.rectifications[0].overdue and late.site.overdue_rectifications == 1
    inspections.mark_rectified(worker, rect.id, measures="电线已穿管")
    done = case_queries.site_detail(worker, site).rectifications[0]
    assert done.status is RectificationStatus.done and not done.overdue
    rows = case_queries.inspection_item_ids(worker, outcome.inspection_id)
    assert set(rows) == set(answers)


def test_photo_thumbnails_are_small_pngs(worker: Workspace) -> None:
    """Proves an attached photo comes back as a small PNG preview, decrypted in memory."""
    case_id = cases.report_case(
        worker, grid_code=GRID, title="井盖缺失", category=CaseCategory.hazard
    )
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buffer, format="JPEG")
    attach(worker, owner_entity="case", owner_id=case_id, data=buffer.getvalue(), caption="现场")
    [thumb] = case_queries.photo_thumbnails(worker, case_id, size=100)
    assert thumb.caption == "现场" and thumb.mime == "image/jpeg" and thumb.png is not None
    with Image.open(io.BytesIO(thumb.png)) as image:
        assert image.size == (100, 75)


def test_search_cases_pages_by_deadline_without_gaps_and_filters(worker: Workspace) -> None:
    """Proves search_cases returns open cases soonest deadline first, a page at a time with
    every case exactly once across pages, narrows by grid prefix and by title/place text,
    and that count_cases counts within the same filter."""
    made: dict[str, str] = {}
    urgencies = [Urgency.immediate, Urgency.normal, Urgency.complex]
    for n in range(11):
        worker.clock = lambda n=n: NOW.replace(minute=n)  # distinct report times
        made[f"case {n}"] = cases.report_case(
            worker,
            grid_code=GRID if n % 2 else GRID2,
            title=f"路灯不亮 {n}" if n % 3 else f"井盖缺失 {n}",
            category=CaseCategory.livelihood,
            urgency=urgencies[n % 3],
            address="凤凰小区" if n < 5 else "建设路",
        )
    worker.clock = lambda: NOW
    seen, after = [], None
    while True:
        page = case_queries.search_cases(worker, after=after, limit=4)
        seen += page.items
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == len({i.id for i in seen}) == 11
    deadlines = [i.countdown.deadline_at for i in seen]
    assert deadlines == sorted(deadlines)  # type: ignore[type-var]
    assert seen[0].urgency is Urgency.immediate
    lefts = [i.countdown.working_seconds_left for i in seen]
    assert lefts == sorted(lefts)  # type: ignore[type-var]  # least time left first

    mine = case_queries.search_cases(worker, grid_code=GRID).items
    assert {i.grid_code for i in mine} == {GRID} and len(mine) == 5
    lids = case_queries.search_cases(worker, text="井盖").items
    assert sorted(i.title for i in lids) == ["井盖缺失 0", "井盖缺失 3", "井盖缺失 6", "井盖缺失 9"]
    place = case_queries.search_cases(worker, text="建设路", grid_code=GRID).items
    assert {i.id for i in place} == {made["case 5"], made["case 7"], made["case 9"]}
    assert case_queries.count_cases(worker, grid_code=GRID) == {CaseState.reported: 5}
    assert case_queries.count_cases(worker, text="井盖") == {CaseState.reported: 4}
    assert case_queries.search_cases(worker, states=[CaseState.closed]).items == []


def test_search_cases_lists_drafts_newest_first_across_pages(worker: Workspace) -> None:
    """Proves a tab without a running clock (drafts) lists newest first, and keyset paging
    continues in that order without repeating or skipping a case."""
    ids = []
    for n in range(5):
        worker.clock = lambda n=n: NOW.replace(hour=n)
        ids.append(
            cases.report_case(
                worker,
                grid_code=GRID,
                title=f"草稿 {n}",
                category=CaseCategory.policy,
                submit=False,
            )
        )
    first = case_queries.search_cases(worker, states=[CaseState.draft], limit=2)
    second = case_queries.search_cases(
        worker, states=[CaseState.draft], limit=2, after=first.next_after
    )
    third = case_queries.search_cases(
        worker, states=[CaseState.draft], limit=2, after=second.next_after
    )
    listed = [i.id for p in (first, second, third) for i in p.items]
    assert listed == ids[::-1] and third.next_after is None


def test_sites_narrow_to_a_grid_and_records_locate_their_site(worker: Workspace) -> None:
    """Proves list_sites keeps to the grid asked for, and locate_hazard_record finds the site
    of a site id and of a rectification id (None for an unknown id)."""
    here = inspections.register_site(
        worker,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="老王小炒",
        premises_type=PremisesType.small_restaurant,
    )
    inspections.register_site(
        worker,
        grid_code=GRID2,
        kind=HazardKind.gas_safety,
        name="李家",
        premises_type=PremisesType.household,
    )
    assert [s.name for s in case_queries.list_sites(worker, grid_code=GRID2)] == ["李家"]
    assert [s.name for s in case_queries.list_sites(worker, grid_code=GRID)] == ["老王小炒"]
    _template, items = inspections.form_items(worker, here)
    answers = {i.code: "pass" for i in items if i.answer == "yes_no"}
    answers["FS-ELEC-02"] = "fail"
    outcome = inspections.record_inspection(worker, site_id=here, answers=answers)
    [rect_id] = outcome.rectification_ids
    assert case_queries.locate_hazard_record(worker, here) == (here, None)
    assert case_queries.locate_hazard_record(worker, rect_id) == (here, rect_id)
    assert case_queries.locate_hazard_record(worker, "no-such-id") is None
