"""隐患督办台 services: the desk by grid (overdue first), the item detail with before/after
photos, and the supervisor's verify / refuse / close-out (销号) captured to the outbox."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from gridworker.domain.enums import (
    CloseBasis,
    DangerGrade,
    HazardKind,
    InspectionKind,
    InspectionResult,
    PremisesType,
    RectificationStatus,
    Role,
    SupervisorLevel,
)
from gridworker.domain.errors import WorkflowError
from gridworker.services import hazard_desk, inspections
from gridworker.services.attachments import attach
from gridworker.services.case_queries import inspection_item_ids
from gridworker.services.workspace import Workspace
from gridworker.storage.models import OutboxEntry, RectificationRow
from tests.conftest import GRID, GRID2

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


def photo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return out.getvalue()


def supervisor(ws: Workspace) -> Workspace:
    return dataclasses.replace(
        ws,
        actor=dataclasses.replace(
            ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
        ),
    )


def fire_rect(
    ws: Workspace, name: str, at: datetime, *, grid: str = GRID, before_photo: bool = False
) -> str:
    """A small restaurant with cables not in conduit (3 working days to fix)."""
    site = inspections.register_site(
        ws,
        grid_code=grid,
        kind=HazardKind.fire_safety,
        name=name,
        premises_type=PremisesType.small_restaurant,
    )
    _template, items = inspections.form_items(ws, site)
    answers = {item.code: "pass" for item in items if item.answer == "yes_no"}
    answers["FS-ELEC-02"] = "fail"
    outcome = inspections.record_inspection(
        ws, site_id=site, answers=answers, notes={"FS-ELEC-02": "后厨电线裸露"}, inspected_at=at
    )
    if before_photo:
        row = inspection_item_ids(ws, outcome.inspection_id)["FS-ELEC-02"]
        attach(ws, owner_entity="inspection_item", owner_id=row, data=photo((200, 40, 40)))
    [rect] = outcome.rectification_ids
    return rect


@pytest.fixture
def worker(ws: Workspace) -> Workspace:
    ws.clock = lambda: NOW
    return ws


def test_desk_lists_overdue_first_with_counts_per_grid(worker: Workspace) -> None:
    """Proves the desk lists the overdue rectification first, then those awaiting close-out,
    counts C/D buildings, overdue patrols and open items per grid, and narrows to one grid."""
    overdue = fire_rect(worker, "老王小炒", datetime(2026, 11, 10, 2, tzinfo=UTC))
    fresh = fire_rect(worker, "星辰网吧", datetime(2026, 11, 26, 2, tzinfo=UTC))
    waiting = fire_rect(worker, "好又多超市", datetime(2026, 11, 25, 2, tzinfo=UTC), grid=GRID2)
    inspections.mark_rectified(worker, waiting, measures="已穿管")
    inspections.verify_rectification(worker, waiting)
    building = inspections.register_site(
        worker,
        grid_code=GRID2,
        kind=HazardKind.dangerous_building,
        name="东门老粮站宿舍",
        danger_grade=DangerGrade.D,
    )
    desk = hazard_desk.hazard_desk(worker)
    assert [r.id for r in desk.rectifications] == [overdue, waiting, fresh]
    assert desk.rectifications[0].days_overdue == 14 and desk.rectifications[0].overdue
    assert not desk.rectifications[1].overdue
    [b] = desk.buildings
    assert b.site_id == building and b.last_patrol is None and b.danger_grade is DangerGrade.D
    by_grid = {g.grid_code: g for g in desk.grids}
    assert [g.grid_code for g in desk.grids] == [GRID, GRID2]
    one, two = by_grid[GRID], by_grid[GRID2]
    assert (one.open_rectifications, one.overdue_rectifications, one.awaiting_close_out) == (
        2,
        1,
        0,
    )
    assert (two.open_rectifications, two.awaiting_close_out, two.dangerous_buildings) == (1, 1, 1)
    only = hazard_desk.hazard_desk(worker, grid_code=GRID2)
    assert [r.id for r in only.rectifications] == [waiting] and len(only.buildings) == 1


def test_patrol_of_a_c_d_building_falls_due_monthly(worker: Workspace) -> None:
    """Proves a C building last patrolled 40 days ago is 10 days overdue for its monthly
    patrol and counts in its grid's overdue patrols."""
    site = inspections.register_site(
        worker,
        grid_code=GRID,
        kind=HazardKind.dangerous_building,
        name="凤凰池老宿舍",
        danger_grade=DangerGrade.C,
    )
    _template, items = inspections.form_items(worker, site)
    answers = {item.code: "pass" for item in items if item.answer == "yes_no"}
    inspections.record_inspection(
        worker, site_id=site, answers=answers, inspected_at=NOW - timedelta(days=40)
    )
    desk = hazard_desk.hazard_desk(worker)
    [b] = desk.buildings
    assert b.last_patrol == date(2026, 10, 18) and b.patrol_overdue_days(desk.today) == 10
    assert desk.grids[0].patrols_overdue == 1


def test_close_out_needs_an_after_photo(worker: Workspace) -> None:
    """Proves 销号 of a verified item is refused until a photo after the fix is on file, then
    succeeds and is captured to the outbox; the detail shows the before and after photos."""
    rect = fire_rect(worker, "老王小炒", datetime(2026, 11, 20, 2, tzinfo=UTC), before_photo=True)
    inspections.mark_rectified(worker, rect, measures="已穿管")
    inspections.record_inspection(
        worker,
        site_id=hazard_desk.rectification_detail(worker, rect).item.site_id,
        answers={"FS-ELEC-02": "pass"},
        kind=InspectionKind.reinspection,
        rectification_id=rect,
    )
    boss = supervisor(worker)
    detail = hazard_desk.rectification_detail(boss, rect)
    assert detail.item.status is RectificationStatus.verified
    assert len(detail.before_photos) == 1 and detail.after_photos == []
    assert [f.code for f in detail.failed_items] == ["FS-ELEC-02"]
    assert detail.failed_items[0].note == "后厨电线裸露" and detail.measures == "已穿管"
    problem = detail.close_out_problem(CloseBasis.verification)
    assert problem is not None and problem.code == "after_photo_required"
    with pytest.raises(WorkflowError) as refused:
        hazard_desk.close_out(boss, rect, basis=CloseBasis.verification)
    assert refused.value.code == "after_photo_required"
    assert "整改后照片" in refused.value.message("zh_CN")
    attach(worker, owner_entity="rectification", owner_id=rect, data=photo((40, 200, 40)))
    detail = hazard_desk.rectification_detail(boss, rect)
    assert len(detail.after_photos) == 1 and detail.after_photos[0].png
    assert detail.close_out_problem(CloseBasis.verification) is None
    hazard_desk.close_out(boss, rect, basis=CloseBasis.verification)
    with worker.read() as s:
        row = s.get(RectificationRow, rect)
        assert row is not None and row.status is RectificationStatus.closed
        assert row.closed_by == worker.actor.username and row.close_basis is CloseBasis.verification
        payloads = [e.payload for e in s.scalars(select(OutboxEntry).filter_by(record_id=rect))]
    assert any(p.get("status") == "closed" and p.get("close_basis") for p in payloads)
    assert hazard_desk.hazard_desk(boss).rectifications == []


def test_only_a_supervisor_closes_and_verification_needs_a_passed_reinspection(
    worker: Workspace,
) -> None:
    """Proves a grid worker cannot close out, a supervisor cannot close on 复查合格 an item
    never re-inspected (even with a photo), but can on a 解危证明 on file."""
    rect = fire_rect(worker, "老王小炒", datetime(2026, 11, 20, 2, tzinfo=UTC))
    attach(worker, owner_entity="rectification", owner_id=rect, data=photo((0, 0, 200)))
    with pytest.raises(WorkflowError) as by_worker:
        hazard_desk.close_out(worker, rect, basis=CloseBasis.certificate)
    assert by_worker.value.code == "forbidden_role"
    boss = supervisor(worker)
    with pytest.raises(WorkflowError) as unverified:
        hazard_desk.close_out(boss, rect, basis=CloseBasis.verification)
    assert unverified.value.code == "rectification_not_verified"
    hazard_desk.close_out(boss, rect, basis=CloseBasis.certificate)
    assert hazard_desk.rectification_detail(boss, rect).close_basis is CloseBasis.certificate
    with pytest.raises(WorkflowError) as again:
        hazard_desk.close_out(boss, rect, basis=CloseBasis.certificate)
    assert again.value.code == "already_closed"


def test_supervisor_verifies_a_reported_fix(worker: Workspace) -> None:
    """Proves the supervisor's own re-inspection verifies an item reported fixed (an
    append-only re-inspection, captured for sync), and is refused for an item not fixed yet."""
    rect = fire_rect(worker, "老王小炒", datetime(2026, 11, 20, 2, tzinfo=UTC))
    boss = supervisor(worker)
    with pytest.raises(WorkflowError) as not_done:
        inspections.verify_rectification(boss, rect)
    assert not_done.value.code == "rectification_not_done"
    inspections.mark_rectified(worker, rect, measures="已穿管")
    review = inspections.verify_rectification(boss, rect, note="现场查看，已穿管")
    detail = hazard_desk.rectification_detail(boss, rect)
    assert detail.item.status is RectificationStatus.verified
    assert detail.verified_by == boss.actor.username
    [info] = detail.reviews
    assert info.id == review and info.result is InspectionResult.pass_
    assert info.kind is InspectionKind.reinspection and info.note == "现场查看，已穿管"
    with worker.read() as s:
        ops = {(e.op, e.entity) for e in s.scalars(select(OutboxEntry))}
    assert ("create", "inspection") in ops and ("create", "inspection_item") in ops


def test_refusal_needs_a_reason_and_reopens_the_item(worker: Workspace) -> None:
    """Proves a refusal without a reason, of an item still being fixed, or with a past
    deadline is refused; a refusal with a reason sends a verified item back to 整改中 with a
    new deadline and the reason on a failed re-inspection."""
    rect = fire_rect(worker, "老王小炒", datetime(2026, 11, 20, 2, tzinfo=UTC))
    boss = supervisor(worker)
    with pytest.raises(WorkflowError) as nothing:
        inspections.refuse_close_out(boss, rect, reason="照片不清楚")
    assert nothing.value.code == "nothing_to_refuse"
    inspections.mark_rectified(worker, rect)
    inspections.verify_rectification(boss, rect)
    with pytest.raises(WorkflowError) as blank:
        inspections.refuse_close_out(boss, rect, reason="  ")
    assert blank.value.code == "reason_required"
    with pytest.raises(WorkflowError) as past:
        inspections.refuse_close_out(boss, rect, reason="未穿管", new_deadline=date(2026, 11, 1))
    assert past.value.code == "deadline_past"
    with pytest.raises(WorkflowError) as by_worker:
        inspections.refuse_close_out(worker, rect, reason="未穿管")
    assert by_worker.value.code == "forbidden_role"
    inspections.refuse_close_out(
        boss, rect, reason="电线仍有一段裸露", new_deadline=date(2026, 12, 4)
    )
    detail = hazard_desk.rectification_detail(boss, rect)
    assert detail.item.status is RectificationStatus.open
    assert detail.item.deadline == date(2026, 12, 4)
    assert detail.verified_at is None and detail.done_at is None
    latest = detail.reviews[0]
    assert latest.result is InspectionResult.fail and latest.note == "电线仍有一段裸露"
