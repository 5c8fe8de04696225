"""The laptop follows the one role table (domain.permissions): what the server refuses for
a role is refused before anything is queued, and a department acts on its own cases."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    CloseBasis,
    HazardKind,
    Role,
    SupervisorLevel,
    VisitMode,
)
from gridworker.domain.errors import WorkflowError
from gridworker.services import cases, inspections, visits
from gridworker.services.attachments import attach
from gridworker.services.register import HouseholdInput, edit_record, register_household
from gridworker.services.workspace import Actor, ServiceError, Workspace
from gridworker.storage.models import DepartmentRow, HouseholdRow, OutboxEntry
from tests.conftest import GRID
from tests.services.test_hazard_desk import fire_rect, photo

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
DEPT, OTHER_DEPT = "dept-chengguan", "dept-shuiwu"


def as_actor(ws: Workspace, **changes: object) -> Workspace:
    return dataclasses.replace(ws, actor=dataclasses.replace(ws.actor, **changes))  # type: ignore[arg-type]


def queued(ws: Workspace) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


@pytest.fixture
def worker(ws: Workspace) -> Workspace:
    ws.clock = lambda: NOW
    return ws


def test_an_adviser_reads_the_register_but_does_not_change_it(worker: Workspace) -> None:
    """Proves an adviser's register writes are refused on the laptop with nothing queued
    (the server refuses them `forbidden`), while its visits are recorded as before."""
    hid = register_household(
        worker, HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋")
    )
    adviser = as_actor(worker, role=Role.adviser)
    before = queued(worker)
    with pytest.raises(ServiceError) as exc:
        register_household(
            adviser, HouseholdInput(grid_code=GRID, household_no="0102", address="凤凰小区2栋")
        )
    assert exc.value.code == "role_may_not_write"
    assert "住户" in exc.value.message("zh_CN")
    with pytest.raises(ServiceError):
        edit_record(adviser, HouseholdRow, hid, {"address": "改了"})
    with pytest.raises(ServiceError):
        inspections.register_site(adviser, grid_code=GRID, kind=HazardKind.gas_safety, name="店")
    assert queued(worker) == before
    visits.record_visit(adviser, household_id=hid, mode=VisitMode.home)
    assert queued(worker) == before + 1


def test_close_out_is_a_supervisors_alone(worker: Workspace) -> None:
    """Proves 销号 through either service is refused for the admin (the laptop used to let
    the admin close through inspections.close_out) and allowed for a supervisor."""
    rect = fire_rect(worker, "老王小炒", NOW)
    admin = as_actor(worker, role=Role.admin)
    with pytest.raises(WorkflowError):
        inspections.close_out(admin, rect, basis=CloseBasis.certificate)
    supervisor = as_actor(worker, role=Role.supervisor, supervisor_level=SupervisorLevel.street)
    inspections.close_out(supervisor, rect, basis=CloseBasis.certificate)


def test_a_department_acts_on_the_cases_dispatched_to_it(worker: Workspace) -> None:
    """Proves a department's laptop (no grids) signs, asks for an extension and attaches a
    photo to a case dispatched to it, and is refused on another department's case (it used
    to be refused on every case: `grid … is outside your grids`)."""
    with worker.write() as s:
        s.add(DepartmentRow(id=DEPT, name="城管局", code="cgj", version=1))
        s.add(DepartmentRow(id=OTHER_DEPT, name="水务局", code="swj", version=1))
    street = as_actor(worker, role=Role.supervisor, supervisor_level=SupervisorLevel.street)
    ours, theirs = (
        cases.report_case(worker, grid_code=GRID, title=t, category=CaseCategory.livelihood)
        for t in ("井盖缺失", "水管爆裂")
    )
    for case_id, dept in ((ours, DEPT), (theirs, OTHER_DEPT)):
        cases.act_on_case(street, case_id, CaseActionKind.accept)
        cases.act_on_case(street, case_id, CaseActionKind.dispatch, department_id=dept)
    department = dataclasses.replace(
        worker,
        actor=Actor(username="cg.li", role=Role.department, grids=(), department_id=DEPT),
    )
    assert cases.act_on_case(department, ours, CaseActionKind.sign) is CaseState.in_progress
    attach(department, owner_entity="case", owner_id=ours, data=photo((10, 120, 10)), photo=True)
    with pytest.raises(ServiceError) as exc:
        cases.act_on_case(department, theirs, CaseActionKind.sign)
    assert exc.value.code == "case_not_dispatched"
    with pytest.raises(ServiceError):
        attach(department, owner_entity="case", owner_id=theirs, data=photo((1, 2, 3)))
