"""Withdrawing (撤销) what a community offers on a real profile (docs/design.md §22.7,
§22.8): refused, naming what refers to it, while a live record points at it; allowed once
nothing does; a reason required; a record out of the actor's reach answered as missing."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from gridworker.services import party, party_coop, volunteering
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import SYNC_MODELS, LocalAudit, OutboxEntry
from tests.conftest import GRID

OTHER_COMMUNITY = "360302001002001"


def test_an_agreement_is_withdrawn_only_when_no_resource_or_project_names_it(
    ws: Workspace,
) -> None:
    """Proves the agreement a resource and a project belong to is refused naming both
    (zh and en), nothing written; withdrawing those first lets it go, each a queued delete
    with its reason in the audit."""
    deal = party_coop.sign_agreement(
        ws,
        grid_code=GRID,
        community="凤凰池社区",
        partner="区税务局机关党委",
        signed_on=date(2026, 3, 1),
        starts_on=date(2026, 3, 1),
    )
    offer = party_coop.add_resource(
        ws,
        grid_code=GRID,
        partner="区税务局",
        kind="people",
        description="税法宣讲",
        agreement_id=deal,
    )
    joint = party_coop.add_project(
        ws,
        grid_code=GRID,
        name="党员活动室",
        partners="区税务局",
        starts_on=date(2026, 4, 1),
        agreement_id=deal,
    )
    with ws.read() as s:
        before = len(s.scalars(select(OutboxEntry)).all())
    with pytest.raises(ServiceError) as refused:
        party.withdraw(ws, "coop_agreement", deal, reason="协议到期")
    assert refused.value.code == "withdraw_in_use"
    assert refused.value.message("zh_CN") == (
        "共建协议“区税务局机关党委”还被1项资源、1项项目引用，不能撤销：请先改掉或撤销引用它的记录"
    )
    assert "1 × resource, 1 × project" in refused.value.message("en")
    with ws.read() as s:
        assert len(s.scalars(select(OutboxEntry)).all()) == before
        assert not s.get(SYNC_MODELS["coop_agreement"], deal).deleted
    party.withdraw(ws, "coop_resource", offer, reason="重复录入")
    party.edit(ws, "coop_project", joint, agreement_id=None)  # the project kept, unpaired
    party.withdraw(ws, "coop_agreement", deal, reason="协议到期")
    with ws.read() as s:
        assert s.get(SYNC_MODELS["coop_agreement"], deal).deleted
        deletes = [
            e.record_id for e in s.scalars(select(OutboxEntry).where(OutboxEntry.op == "delete"))
        ]
        assert deletes == [offer, deal]
        reasons = {
            a.record_id: a.detail["reason"]
            for a in s.scalars(select(LocalAudit).where(LocalAudit.action == "withdraw"))
        }
        assert reasons == {offer: "重复录入", deal: "协议到期"}


def test_a_station_an_activity_is_held_at_is_not_withdrawn(ws: Workspace) -> None:
    """Proves a station with an activity is refused naming the activity; a blank reason
    is refused before anything is looked at."""
    home = volunteering.add_station(ws, grid_code=GRID, name="凤凰池邻里之家")
    volunteering.plan_activity(
        ws,
        grid_code=GRID,
        name="义务理发",
        held_on=date(2026, 5, 1),
        length_hours=2,
        station_id=home,
    )
    with pytest.raises(ServiceError) as blank:
        party.withdraw(ws, "service_station", home, reason="  ")
    assert blank.value.code == "withdraw_needs_reason"
    with pytest.raises(ServiceError) as refused:
        party.withdraw(ws, "service_station", home, reason="场地收回")
    assert "1项志愿活动" in refused.value.message("zh_CN")


def test_a_record_out_of_reach_is_answered_as_a_missing_one(ws: Workspace) -> None:
    """Proves withdrawing a station of another community's grid (not on any list the actor
    is shown) gets the answer of a made-up id, nothing written; a kind not withdrawn this way
    (a listed need) reads as missing too."""
    ws.actor = dataclasses.replace(ws.actor, grids=(GRID, OTHER_COMMUNITY))
    there = volunteering.add_station(ws, grid_code=OTHER_COMMUNITY, name="别处的邻里之家")
    ws.actor = dataclasses.replace(ws.actor, grids=(GRID,))
    answers = set()
    for record_id in (there, "no-such-station"):
        with pytest.raises(ServiceError) as refused:
            party.withdraw(ws, "service_station", record_id, reason="试探")
        answers.add((refused.value.code, refused.value.message("zh_CN")))
    assert answers == {("record_missing", "邻里之家不存在（可能已被删除）")}
    with pytest.raises(ServiceError) as need:
        party.withdraw(ws, "coop_need", "no-such-need", reason="试探")
    assert need.value.code == "record_missing"
    with ws.read() as s:
        assert not s.get(SYNC_MODELS["service_station"], there).deleted
