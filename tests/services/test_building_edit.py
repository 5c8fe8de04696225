"""One building on its form: added with the fields a worker keeps (numbers typed,
楼栋长's phone checked), a key another building holds refused naming it, an edit that
writes only the changed fields and keeps the key (the same key spelled otherwise is no
change; another 楼栋号 is refused), and a building outside the user's grids missing."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.errors import CodedError
from gridworker.services.building_edit import (
    add_building,
    building_by_key,
    building_values,
    edit_building,
)
from gridworker.services.workspace import Workspace
from gridworker.storage.models import BuildingRow, OutboxEntry
from tests.conftest import DISTRICT_KEY, GRID, GRID2


def _refused(code: str, call: object, *args: object) -> CodedError:
    with pytest.raises(CodedError) as err:
        call(*args)  # type: ignore[operator]
    assert err.value.code == code
    return err.value


def test_a_building_is_added_then_edited_field_by_field(ws: Workspace) -> None:
    """Proves add_building writes the typed fields under the key's id ("3号楼" stored as
    3栋), a second "３栋" of the same 小区 is refused naming the first, a bad phone or
    year is refused beside its field, and an edit queues only the fields it changed."""
    bid = add_building(ws, GRID, {
        "estate_name": "凤凰小区", "building_no": "3号楼", "floors_above": 18, "units": 2,
        "building_head": "张桂兰", "building_head_phone": "139 0799 1234",
        "property_company": "萍乡市安居物业", "unit_heads": "1单元 李建国；2单元 王芳",
    })  # fmt: skip
    assert bid == ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "3")
    grid, values = building_values(ws, bid)
    assert grid == GRID
    assert (values["building_no"], values["floors_above"], values["building_head_phone"]) == (
        "3栋", 18, "13907991234"
    )  # fmt: skip
    taken = _refused("building_taken", add_building, ws, GRID,
                     {"estate_name": "凤凰小区", "building_no": "３栋"})  # fmt: skip
    assert taken.field == "building_no"
    assert taken.message("zh_CN") == "本网格已有楼栋“凤凰小区3栋”：请在楼栋图中选中它修改"
    # What the form looks up first, to open that building instead (3号楼 = 3栋 = ３栋).
    for written in ("3号楼", "３栋", "3幢", "3"):
        assert building_by_key(ws, GRID, {"estate_name": "凤凰小区", "building_no": written}) == bid
    assert building_by_key(ws, GRID, {"estate_name": "凤凰小区", "building_no": "13栋"}) is None
    bad = _refused("phone_format", add_building, ws, GRID,
                   {"estate_name": "凤凰小区", "building_no": "5栋",
                    "building_head_phone": "12345"})  # fmt: skip
    assert bad.field == "building_head_phone"
    late = {"estate_name": "凤凰小区", "building_no": "5栋", "built_year": 2999}
    year = _refused("out_of_range", add_building, ws, GRID, late)
    assert year.field == "built_year"

    with ws.write() as s:
        for entry in s.scalars(select(OutboxEntry)):
            s.delete(entry)  # as after a sync
    assert edit_building(ws, bid, {"floors_above": 20, "building_no": "3号楼"}) == (
        "floors_above",
    )  # fmt: skip
    with ws.read() as s:
        [entry] = s.scalars(select(OutboxEntry)).all()
        assert (entry.entity, set(entry.payload) - {"version"}) == ("building", {"floors_above"})
        assert s.get(BuildingRow, bid).building_no == "3栋"  # type: ignore[union-attr]
    fixed = _refused("building_key_fixed", edit_building, ws, bid, {"building_no": "4栋"})
    assert fixed.field == "building_no"
    assert edit_building(ws, bid, {"floors_above": 20}) == ()


def test_a_building_outside_the_users_grids_is_missing(ws: Workspace) -> None:
    """Proves editing or reading a building of a grid the user no longer covers answers
    exactly as a building that does not exist, and adding one there is refused."""
    other = add_building(ws, GRID2, {"estate_name": "城南新村", "building_no": "1栋"})
    ws.actor = dataclasses.replace(ws.actor, grids=(GRID,))
    answers = []
    for probe in (other, ids.new_id()):
        for call in (edit_building, building_values):
            args = (ws, probe, {"floors_above": 3}) if call is edit_building else (ws, probe)
            err = _refused("record_missing", call, *args)
            answers.append(err.message("zh_CN"))
    assert set(answers) == {"楼栋不存在（可能已被删除）"}
    with pytest.raises(CodedError):
        add_building(ws, GRID2, {"estate_name": "城南新村", "building_no": "2栋"})
    # The form's look-up does not find it either: no way to open it by its key.
    assert building_by_key(ws, GRID2, {"estate_name": "城南新村", "building_no": "1栋"}) is None
