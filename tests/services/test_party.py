"""Party-building services on a real profile: writes checked by the declaration and the
role table, links of guidance records, and exports masked and kept from grid workers."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.domain.enums import Role, VisitMode
from gridworker.domain.errors import DomainError
from gridworker.domain.records_party import GuidanceKind, PartyOrgKind
from gridworker.services import party, visits
from gridworker.services.exporting import export
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, OutboxEntry
from tests.conftest import GRID, GRID2


def as_role(ws: Workspace, role: Role, username: str = "chen.ming") -> None:
    ws.actor = dataclasses.replace(ws.actor, role=role, username=username)


def test_an_adviser_records_the_work_of_a_grid(ws: Workspace) -> None:
    """Proves an adviser registers an organization covering two grids, a guidance record
    linked to a visit and a case-less problem, a member and two service records; each is
    one queued create (the links too)."""
    home = register_household(ws, HouseholdInput(grid_code=GRID, household_no="1", address="1栋"))
    visit = visits.record_visit(ws, household_id=home, mode=VisitMode.meeting).visit_id
    as_role(ws, Role.adviser)
    org = party.save_org(
        ws, grid_code=GRID, name="第一网格党支部", kind="党支部", other_grids=f" {GRID2}，"
    )
    guidance = party.record_guidance(
        ws, grid_code=GRID, kind=GuidanceKind.problem, topic="楼道堆物", visit_ids=[visit, visit]
    )
    member = party.add_member(
        ws, grid_code=GRID, name=" 李红梅 ", work_unit="税务局", reported_on=date(2026, 3, 1)
    )
    for hours in (1.5, 2):
        party.record_service(
            ws, member_id=member, served_on=ws.today(), activity="义诊", hours=hours
        )
    with ws.read() as s:
        org_row = s.get(SYNC_MODELS["party_org"], org)
        assert org_row is not None and org_row.other_grids == GRID2
        assert org_row.kind is PartyOrgKind.branch
        links = s.scalars(select(SYNC_MODELS["party_guidance_link"])).all()
        assert [(link.guidance_id, link.visit_id) for link in links] == [(guidance, visit)]
        row = s.get(SYNC_MODELS["party_member"], member)
        assert row is not None and row.name == "李红梅"
        queued = [e.entity for e in s.scalars(select(OutboxEntry)) if e.entity.startswith("party")]
    assert sorted(queued) == sorted(
        ["party_org", "party_guidance", "party_guidance_link", "party_member"]
        + ["party_service"] * 2
    )


def test_party_writes_refuse_what_the_server_would(ws: Workspace) -> None:
    """Proves the edges: a grid worker may neither write nor read party records, an adviser
    may not station advisers, an organization may not cover another community's grid, a
    guidance record may not link a visit of another grid or be dated in the future, a
    service record may not be dated tomorrow; nothing refused is queued."""
    with pytest.raises(ServiceError) as refused:
        party.save_org(ws, grid_code=GRID, name="支部", kind="branch")
    assert refused.value.code == "role_no_party"
    other = register_household(ws, HouseholdInput(grid_code=GRID2, household_no="9", address="9"))
    far_visit = visits.record_visit(ws, household_id=other, mode=VisitMode.home).visit_id
    with ws.read() as s:
        before = len(s.scalars(select(OutboxEntry)).all())
    as_role(ws, Role.adviser)
    with pytest.raises(ServiceError) as posting:
        party.station_adviser(ws, grid_code=GRID, adviser_name="陈明", since=ws.today())
    assert posting.value.code == "role_may_not_write"
    with pytest.raises(DomainError) as community:
        party.save_org(
            ws, grid_code=GRID, name="支部", kind="branch", other_grids="360302001002001"
        )
    assert community.value.code == "party_org_other_community"
    with pytest.raises(ServiceError) as link:
        party.record_guidance(
            ws, grid_code=GRID, kind="meeting", topic="支部会议", visit_ids=[far_visit]
        )
    assert link.value.code == "party_link_grid"
    with pytest.raises(ServiceError) as future:
        party.record_guidance(
            ws, grid_code=GRID, kind="meeting", topic="x", held_at=ws.now() + timedelta(hours=1)
        )
    assert future.value.code == "party_in_future"
    member = party.add_member(
        ws, grid_code=GRID, name="李红梅", work_unit="税务局", reported_on=ws.today()
    )
    with pytest.raises(ServiceError) as tomorrow:
        party.record_service(
            ws,
            member_id=member,
            served_on=ws.today() + timedelta(days=1),
            activity="义诊",
            hours=1,
        )
    assert tomorrow.value.code == "party_in_future"
    with pytest.raises(DomainError):
        party.record_service(ws, member_id=member, served_on=ws.today(), activity="x", hours=25)
    with pytest.raises(ServiceError) as early:
        party.record_service(
            ws, member_id=member, served_on=ws.today() - timedelta(days=1), activity="x", hours=1
        )
    assert early.value.message() == f"服务日期不能早于该党员的报到日期 {ws.today().isoformat()}"
    gone = party.add_member(
        ws,
        grid_code=GRID,
        name="王芳",
        work_unit="财政局",
        reported_on=ws.today() - timedelta(days=60),
    )
    party.edit(ws, "party_member", gone, left_on=ws.today() - timedelta(days=10))
    with pytest.raises(ServiceError) as late:
        party.record_service(ws, member_id=gone, served_on=ws.today(), activity="x", hours=1)
    assert late.value.code == "party_service_after_leaving"
    with ws.read() as s:
        # Only the members went into the outbox: the refused link rolled its guidance back.
        assert len(s.scalars(select(OutboxEntry)).all()) == before + 2


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_member_exports_mask_names_and_phones_and_are_not_a_grid_workers(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a masked export of reported members shows 李*梅 and 139****0001, an unmasked
    one the full values; a grid worker (who may export households) may not export them."""
    as_role(ws, Role.supervisor)
    party.add_member(
        ws,
        grid_code=GRID,
        name="李红梅",
        work_unit="税务局",
        reported_on=ws.today(),
        phone="13907990001",
    )
    masked = export(ws, kind="party_members", fmt="csv", out=tmp_path / "m.csv")
    [line] = _read_csv(masked.path)
    assert (line["姓名"], line["联系电话"]) == ("李*梅", "139****0001")
    full = export(ws, kind="party_members", fmt="csv", out=tmp_path / "f.csv", unmasked=True)
    [line] = _read_csv(full.path)
    assert (line["姓名"], line["联系电话"]) == ("李红梅", "13907990001")
    as_role(ws, Role.grid_worker)
    with pytest.raises(ServiceError) as refused:
        export(ws, kind="party_members", fmt="csv", out=tmp_path / "w.csv")
    assert refused.value.code == "role_no_party"
    assert not (tmp_path / "w.csv").exists()
