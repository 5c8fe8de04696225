"""三单一协议 on a real profile: a visit's need promoted once to the list, matched to a
resource, a project or a member of the same community, then done; the status rules of
the declaration; grid workers list needs but match none to a party member."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from gridworker.domain.enums import NeedCategory, Role, VisitMode
from gridworker.domain.errors import DomainError
from gridworker.domain.records_coop import CoopNeed, CoopNeedStatus
from gridworker.services import party, party_coop, visits
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.visits import NeedInput
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import CoopNeedRow
from gridworker.storage.models import OutboxEntry
from tests.conftest import GRID, GRID2

OTHER_COMMUNITY = "360302001002001"


def as_role(ws: Workspace, role: Role) -> None:
    ws.actor = dataclasses.replace(ws.actor, role=role, grids=(GRID, GRID2, OTHER_COMMUNITY))


def test_a_visit_need_goes_on_the_list_and_through_to_done(ws: Workspace) -> None:
    """Proves a grid worker promotes a need found on a visit (its text kept, once only),
    lists a 微心愿, matches the need to a resource of the community and marks it done; the
    list's record ends claimed then done with its dates, each step one queued change."""
    home = register_household(ws, HouseholdInput(grid_code=GRID, household_no="1", address="1栋"))
    found = visits.record_visit(
        ws,
        household_id=home,
        mode=VisitMode.home,
        needs=[NeedInput(NeedCategory.livelihood, "  楼道声控灯损坏，夜间出行不便 ")],
    )
    listed = party_coop.promote_need(ws, found.need_ids[0])
    with pytest.raises(ServiceError) as twice:
        party_coop.promote_need(ws, found.need_ids[0])
    assert twice.value.code == "coop_need_promoted"
    wish = party_coop.list_need(ws, grid_code=GRID, summary="想要一台助听器", kind="微心愿")
    resource = party_coop.add_resource(
        ws, grid_code=GRID2, partner="国网安源供电公司", kind="people", description="电工志愿服务队"
    )
    party_coop.claim_need(ws, listed, resource_id=resource)
    party_coop.complete_need(ws, listed, outcome="已更换声控灯")
    with ws.read() as s:
        row = s.get(CoopNeedRow, listed)
        assert row is not None and row.summary == "楼道声控灯损坏，夜间出行不便"
        assert (row.status, row.resource_id, row.outcome) == (
            CoopNeedStatus.done,
            resource,
            "已更换声控灯",
        )
        assert row.claimed_on == row.done_on == ws.today()
        assert s.get(CoopNeedRow, wish).status is CoopNeedStatus.listed  # type: ignore[union-attr]
        entries = [
            (e.op, e.entity) for e in s.scalars(select(OutboxEntry)) if e.entity == "coop_need"
        ]
    # Not yet sent: the claim and the completion coalesce into the pending create.
    assert entries == [("create", "coop_need"), ("create", "coop_need")]


def test_matching_refuses_what_does_not_fit(ws: Workspace) -> None:
    """Proves the edges: a grid worker may not match a need to a reported member, nothing
    of another community may claim a need, a need is claimed once and completed only when
    claimed, and the declaration refuses a status that disagrees with its claim."""
    as_role(ws, Role.grid_worker)
    need = party_coop.list_need(ws, grid_code=GRID, summary="小区路面积水", kind="livelihood")
    with pytest.raises(ServiceError) as member:
        party_coop.claim_need(ws, need, member_id="whoever")
    assert member.value.code == "role_no_party"
    far = party_coop.add_project(
        ws, grid_code=OTHER_COMMUNITY, name="路面修补", partners="区住建局", starts_on=ws.today()
    )
    with pytest.raises(ServiceError) as community:
        party_coop.claim_need(ws, need, project_id=far)
    assert community.value.code == "coop_claim_community"
    with pytest.raises(DomainError) as not_claimed:
        party_coop.complete_need(ws, need)
    assert not_claimed.value.code == "coop_need_not_claimed"
    as_role(ws, Role.adviser)
    member_id = party.add_member(
        ws, grid_code=GRID, name="李红梅", work_unit="税务局", reported_on=ws.today()
    )
    party_coop.claim_need(ws, need, member_id=member_id)
    with pytest.raises(DomainError) as again:
        party_coop.claim_need(ws, need, member_id=member_id)
    assert again.value.code == "coop_need_not_listed"
    with pytest.raises(ServiceError) as tomorrow:
        party_coop.complete_need(ws, need, on=ws.today() + timedelta(days=1))
    assert tomorrow.value.code == "party_in_future"
    base = CoopNeed(id="n", grid_code=GRID, summary="x", kind="wish", listed_on=date(2026, 11, 1))
    with pytest.raises(DomainError):
        dataclasses.replace(base, status=CoopNeedStatus.claimed).validate()
    with pytest.raises(DomainError):
        dataclasses.replace(base, resource_id="r").validate()
    with pytest.raises(DomainError):
        dataclasses.replace(
            base,
            status=CoopNeedStatus.claimed,
            resource_id="r",
            project_id="p",
            claimed_on=date(2026, 11, 2),
        ).validate()
    with pytest.raises(DomainError):
        dataclasses.replace(
            base, status=CoopNeedStatus.claimed, resource_id="r", claimed_on=date(2026, 10, 2)
        ).validate()
