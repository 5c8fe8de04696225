"""Use cases end to end on a real profile: visit → need → case → workflow; inspection →
rectification → re-inspection → close-out; paged search."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    CloseBasis,
    HazardKind,
    InspectionKind,
    NeedCategory,
    PremisesType,
    RectificationStatus,
    Role,
    SupervisorLevel,
    TagKind,
    Urgency,
    VisitMode,
)
from gridworker.domain.errors import WorkflowError
from gridworker.services import cases, inspections, register, visits
from gridworker.services.attachments import attach
from gridworker.services.queries import search_households
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import CaseRow, NeedRow, OutboxEntry
from tests.conftest import GRID, GRID2

# Friday 27 Nov 2026, 10:00 in Shanghai.
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def worker(ws: Workspace) -> Workspace:
    ws.clock = lambda: NOW
    return ws


def as_supervisor(ws: Workspace) -> Workspace:
    ws.actor = dataclasses.replace(
        ws.actor, role=Role.supervisor, supervisor_level=SupervisorLevel.street
    )
    return ws


def household(ws: Workspace, no: str = "0001", grid: str = GRID) -> str:
    return register.register_household(
        ws,
        register.HouseholdInput(grid_code=grid, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(
                name="张秀英", id_number="360302195003070025", tags=[TagKind.living_alone_elderly]
            )
        ],
    )


def test_visit_need_becomes_a_reported_case_with_a_deadline(worker: Workspace) -> None:
    """Proves a need from a visit becomes a reported case in one step, linked both ways, with a
    3-working-day deadline (Fri → Wed), and that it syncs as create + command."""
    hid = household(worker)
    recorded = visits.record_visit(
        worker,
        household_id=hid,
        mode=VisitMode.home,
        people_met="张秀英",
        situation="独居，行动不便",
        needs=[visits.NeedInput(NeedCategory.livelihood, "楼道灯坏了")],
    )
    case_id = cases.need_to_case(worker, recorded.need_ids[0])
    with worker.read() as s:
        case = s.get_one(CaseRow, case_id)
        need = s.get_one(NeedRow, recorded.need_ids[0])
        ops = [(e.op, e.entity) for e in s.scalars(select(OutboxEntry))]
    assert need.case_id == case_id and case.need_id == need.id
    assert case.state is CaseState.reported and case.category is CaseCategory.livelihood
    assert case.deadline_at is not None
    assert case.deadline_at.astimezone(worker.calendar.zone).date().isoformat() == "2026-12-02"
    assert ("create", "case") in ops and ("command", "case_action") in ops
    assert ops.count(("create", "need")) == 1


def test_workflow_is_enforced_by_role_and_state(worker: Workspace) -> None:
    """Proves a worker cannot accept, a street supervisor can accept and dispatch, the department
    step is refused to a worker, and a closed case refuses further actions."""
    case_id = cases.report_case(
        worker,
        grid_code=GRID,
        title="占道经营",
        category=CaseCategory.dispute,
        urgency=Urgency.normal,
    )
    with pytest.raises(WorkflowError) as refused:
        cases.act_on_case(worker, case_id, CaseActionKind.accept)
    assert refused.value.code == "forbidden_role"
    sup = as_supervisor(worker)
    assert cases.act_on_case(sup, case_id, CaseActionKind.accept) is CaseState.accepted
    assert cases.act_on_case(sup, case_id, CaseActionKind.handle_directly) is CaseState.in_progress
    assert cases.act_on_case(sup, case_id, CaseActionKind.report_done) is CaseState.handled
    sup.actor = dataclasses.replace(sup.actor, role=Role.grid_worker, supervisor_level=None)
    assert cases.act_on_case(sup, case_id, CaseActionKind.verify_ok) is CaseState.verified
    with pytest.raises(WorkflowError):
        cases.act_on_case(sup, case_id, CaseActionKind.close)
    as_supervisor(sup)
    assert cases.act_on_case(sup, case_id, CaseActionKind.close) is CaseState.closed
    with pytest.raises(WorkflowError) as late:
        cases.act_on_case(sup, case_id, CaseActionKind.escalate)
    assert late.value.code == "invalid_transition"
    timeline = cases.case_timeline(sup, case_id)
    assert next(a.action for a in timeline) is CaseActionKind.report
    assert [a.to_state for a in timeline][-1] is CaseState.closed


def test_solving_on_the_spot_needs_a_photo(worker: Workspace) -> None:
    """Proves 当场办结 is refused without a photo and allowed once one is attached."""
    case_id = cases.report_case(
        worker, grid_code=GRID, title="井盖松动", category=CaseCategory.hazard, submit=False
    )
    with pytest.raises(WorkflowError) as refused:
        cases.act_on_case(worker, case_id, CaseActionKind.solve_on_spot)
    assert refused.value.code == "photo_required"
    attach(worker, owner_entity="case", owner_id=case_id, data=b"\x89PNG fake photo bytes")
    assert cases.act_on_case(worker, case_id, CaseActionKind.solve_on_spot) is CaseState.handled


def test_failed_item_opens_a_rectification_then_reinspection_and_close_out(
    worker: Workspace,
) -> None:
    """Proves an inspection with a failed item opens a rectification with the template's
    deadline, a passing re-inspection verifies it, and only a supervisor closes it out."""
    site = inspections.register_site(
        worker,
        grid_code=GRID,
        kind=HazardKind.fire_safety,
        name="老王小炒",
        premises_type=PremisesType.small_restaurant,
    )
    _template, items = inspections.form_items(worker, site)
    answers = {item.code: "pass" for item in items if item.answer == "yes_no"}
    answers["FS-ELEC-02"] = "fail"  # cables not in conduit: 3 working days
    outcome = inspections.record_inspection(
        worker, site_id=site, answers=answers, notes={"FS-ELEC-02": "后厨电线裸露"}
    )
    assert outcome.failed_items == ["FS-ELEC-02"] and len(outcome.rectification_ids) == 1
    [rect] = inspections.open_rectifications(worker)
    assert rect.description == "后厨电线裸露" and rect.deadline.isoformat() == "2026-12-02"
    inspections.mark_rectified(worker, rect.id, measures="已穿管")
    again = inspections.record_inspection(
        worker,
        site_id=site,
        answers={"FS-ELEC-02": "pass"},
        kind=InspectionKind.reinspection,
        rectification_id=rect.id,
    )
    assert again.rectification_ids == []
    assert inspections.open_rectifications(worker)[0].status is RectificationStatus.verified
    with pytest.raises(WorkflowError):
        inspections.close_out(worker, rect.id, basis=CloseBasis.verification)
    inspections.close_out(as_supervisor(worker), rect.id, basis=CloseBasis.verification)
    assert inspections.open_rectifications(worker) == []


def test_writes_outside_my_grids_are_refused(worker: Workspace) -> None:
    """Proves a grid worker cannot register a household in a grid that is not theirs."""
    with pytest.raises(ServiceError, match="outside your grids"):
        household(worker, grid="360302001001099")


def test_search_pages_through_households_by_text_and_tag(worker: Workspace) -> None:
    """Proves keyset paging returns every household once, and text and tag filters work."""
    for n in range(25):
        register.register_household(
            worker,
            register.HouseholdInput(
                grid_code=GRID if n % 2 else GRID2, household_no=f"{n:04d}", address=f"建设路{n}号"
            ),
            [register.ResidentInput(name=f"李{n}")],
        )
    household(worker, no="9999")
    seen: list[str] = []
    after = None
    while True:
        page = search_households(worker, after=after, limit=7)
        seen += [h.id for h in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == len(set(seen)) == 26
    assert [h.household_no for h in search_households(worker, text="张秀英").items] == ["9999"]
    tagged = search_households(worker, tag=TagKind.living_alone_elderly).items
    assert [h.household_no for h in tagged] == ["9999"]
    assert len(search_households(worker, grid_code=GRID2).items) == 13
