"""Revealing a masked ID number or phone: the value comes back and the reveal is logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gridworker.domain.errors import ValidationError
from gridworker.services import privacy
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.workspace import Actor, ServiceError, Workspace
from gridworker.storage.models import LocalAudit, ResidentRow
from tests.conftest import GRID

ID_NUMBER = "360302198001011236"
PHONE = "13812345678"


def _resident(ws: Workspace) -> str:
    register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋101室"),
        [ResidentInput(name="李秀英", id_number=ID_NUMBER, phone=PHONE)],
    )
    with ws.read() as s:
        return s.scalars(select(ResidentRow.id)).one()


def _audits(ws: Workspace) -> list[LocalAudit]:
    with ws.read() as s:
        return list(s.scalars(select(LocalAudit).where(LocalAudit.action == "reveal")))


def test_reveal_returns_the_value_and_logs_the_reason_not_the_value(ws: Workspace) -> None:
    """Proves reveal returns the full ID number and phone and writes one LocalAudit 'reveal'
    row each, with who, which field and the reason, and without the value anywhere in it."""
    rid = _resident(ws)
    assert (
        privacy.reveal(
            ws, entity="resident", record_id=rid, field="id_number", reason="办理低保申请"
        )
        == ID_NUMBER
    )
    assert (
        privacy.reveal(ws, entity="resident", record_id=rid, field="phone", reason=" 电话联系 ")
        == PHONE
    )
    audits = _audits(ws)
    assert [(a.actor, a.entity, a.record_id) for a in audits] == [("wang.wei", "resident", rid)] * 2
    assert [a.detail for a in audits] == [
        {"field": "id_number", "reason": "办理低保申请"},
        {"field": "phone", "reason": "电话联系"},
    ]
    for a in audits:
        assert ID_NUMBER not in repr(a.detail) and PHONE not in repr(a.detail)


def test_reveal_without_a_reason_reveals_and_logs_nothing(ws: Workspace) -> None:
    """Proves a blank reason is refused with a message in Chinese and leaves no audit row."""
    rid = _resident(ws)
    with pytest.raises(ValidationError) as err:
        privacy.reveal(ws, entity="resident", record_id=rid, field="id_number", reason="  ")
    assert err.value.message("zh_CN") == "请填写查看完整信息的原因"
    assert _audits(ws) == []


def test_only_masked_fields_of_records_in_scope_can_be_revealed(ws: Workspace) -> None:
    """Proves unknown fields, missing records and records outside the actor's grids are
    refused, and none of the refusals is logged as a reveal."""
    rid = _resident(ws)
    with pytest.raises(ServiceError, match="cannot be revealed"):
        privacy.reveal(ws, entity="resident", record_id=rid, field="name", reason="x")
    with pytest.raises(ServiceError, match="does not exist"):
        privacy.reveal(ws, entity="resident", record_id="nope", field="phone", reason="x")
    ws.actor = Actor(username="zhao.lei", role=ws.actor.role, grids=("360302001001009",))
    with pytest.raises(ServiceError, match="outside your grids"):
        privacy.reveal(ws, entity="resident", record_id=rid, field="phone", reason="x")
    assert _audits(ws) == []
