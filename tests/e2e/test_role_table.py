"""Server, laptop and screens follow one role table (domain.permissions), checked against a
real server process and real profiles: a department acts on its cases from the laptop, an
adviser's laptop refuses register writes before queueing them, and the server refuses a
销号 from anyone but a supervisor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    CloseBasis,
    RectificationStatus,
    VisitMode,
)
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Record
from gridworker.server.users import create_user
from gridworker.services import cases, inspections, visits
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import CaseRow, DepartmentRow, OutboxEntry, RectificationRow
from tests.e2e.conftest import GRID_A, PASSWORD, LiveServer, enrolled
from tests.services.test_hazard_desk import fire_rect


def server_record(server: LiveServer, entity: str, record_id: str) -> dict[str, Any]:
    engine = make_engine(server.db_url)
    try:
        with transaction(session_factory(engine)) as s:
            record = s.scalar(select(Record).where(Record.entity == entity, Record.id == record_id))
            assert record is not None
            return dict(record.data)
    finally:
        engine.dispose()


def outbox(ws: Workspace) -> list[tuple[str, str, str | None]]:
    with ws.read() as s:
        return [(e.entity, e.status, e.last_error) for e in s.scalars(select(OutboxEntry))]


def add_user(server: LiveServer, username: str, role: str, **kwargs: Any) -> None:
    settings = Settings(
        db_url=server.db_url,
        attachment_dir=server.settings.attachment_dir,
        password_time_cost=1,
        password_memory_kib=1024,
    )
    engine = make_engine(server.db_url)
    try:
        with transaction(session_factory(engine)) as s:
            create_user(
                s, settings=settings, username=username, password=PASSWORD, role=role, **kwargs
            )
    finally:
        engine.dispose()


def test_a_department_signs_its_case_from_the_laptop(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a department's laptop takes the actions the workflow gives it on a case
    dispatched to it, and the server applies them (the laptop used to refuse every case:
    `grid … is outside your grids`)."""
    worker = enrolled(live_server, tmp_path, "worker.a")
    case_id = cases.report_case(
        worker, grid_code=GRID_A, title="井盖缺失", category=CaseCategory.livelihood
    )
    sync_now(worker)
    street = enrolled(live_server, tmp_path, "sup.street")
    with street.read() as s:
        dept_id = s.scalars(select(DepartmentRow.id)).one()
    cases.act_on_case(street, case_id, CaseActionKind.accept)
    cases.act_on_case(street, case_id, CaseActionKind.dispatch, department_id=dept_id)
    sync_now(street)
    department = enrolled(live_server, tmp_path, "dept.cg")
    assert cases.act_on_case(department, case_id, CaseActionKind.sign) is CaseState.in_progress
    sync_now(department)
    assert outbox(department) == []  # applied, nothing refused
    assert server_record(live_server, "case", case_id)["state"] == CaseState.in_progress.value
    sync_now(worker)
    with worker.read() as s:
        row = s.get(CaseRow, case_id)
        assert row is not None and row.state is CaseState.in_progress


def test_an_advisers_laptop_refuses_register_writes_before_queueing(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an adviser's laptop refuses a new household locally (nothing queued, where it
    used to keep a change the server then refused `forbidden`) and its visit syncs."""
    add_user(live_server, "adviser.a", "adviser", grids=[GRID_A])
    worker = enrolled(live_server, tmp_path, "worker.a")
    hid = register_household(
        worker, HouseholdInput(grid_code=GRID_A, household_no="0301", address="凤凰小区3栋")
    )
    sync_now(worker)
    adviser = enrolled(live_server, tmp_path, "adviser.a")
    try:
        register_household(
            adviser, HouseholdInput(grid_code=GRID_A, household_no="0302", address="凤凰小区3栋")
        )
    except ServiceError as exc:
        assert exc.code == "role_may_not_write"
    else:
        raise AssertionError("the adviser's laptop registered a household")
    assert outbox(adviser) == []
    visits.record_visit(adviser, household_id=hid, mode=VisitMode.home)
    sync_now(adviser)
    assert outbox(adviser) == []


def test_the_server_refuses_a_close_out_but_a_supervisors(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a rectification pushed as closed by a grid worker's laptop (one that skips its
    own check) is refused `forbidden` and stays open on the server, and a supervisor's
    销号 is applied (the server used to take 销号 from any role that writes hazards)."""
    worker = enrolled(live_server, tmp_path, "worker.a")
    rect = fire_rect(worker, "老王小炒", worker.now())
    sync_now(worker)
    with worker.write() as s:  # what the services refuse, written as an old laptop would
        row = s.get(RectificationRow, rect)
        assert row is not None
        row.status, row.close_basis = RectificationStatus.closed, CloseBasis.certificate
    sync_now(worker)
    [(entity, status, error)] = outbox(worker)
    assert (entity, status) == ("rectification", "rejected") and error and "销号" in error
    assert server_record(live_server, "rectification", rect)["status"] == "open"
    street = enrolled(live_server, tmp_path, "sup.street")
    inspections.close_out(street, rect, basis=CloseBasis.certificate)
    sync_now(street)
    assert outbox(street) == []
    assert server_record(live_server, "rectification", rect)["status"] == "closed"
