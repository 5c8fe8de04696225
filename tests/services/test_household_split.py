"""分户 and 并户: members leave for a new household (head, address and flat carried, events
in both histories, only the changed fields queued), a household merges into another and
is closed; each refusal (the head leaving, everyone leaving, a taken 户号, someone not a
member, another grid, a date ahead) says why and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.enums import Relationship, TagKind
from gridworker.domain.errors import CodedError
from gridworker.domain.life_enums import LifeEventKind
from gridworker.services.household_split import merge_households, split_household
from gridworker.services.life_events import household_history
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.today import visits_due
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, OutboxEntry, ResidentRow
from tests.conftest import DISTRICT_KEY, GRID, GRID2

FAMILY = (
    ("刘建国", "36030219560312041X", Relationship.head),
    ("王秀兰", "36030219580907042X", Relationship.spouse),
    ("刘伟", "360302198203150410", Relationship.son),
    ("陈静", "36030219850620042X", Relationship.child_in_law),
)


def _family(ws: Workspace) -> tuple[str, dict[str, str]]:
    hid = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0201", address="凤凰小区3栋1单元501室"),
        [ResidentInput(name, number, relationship=rel) for name, number, rel in FAMILY],
    )
    with ws.write() as s:
        s.get(HouseholdRow, hid).house_id = "flat-501"  # type: ignore[union-attr]
        people = {r.name: r.id for r in s.scalars(select(ResidentRow))}
        for entry in s.scalars(select(OutboxEntry)):
            s.delete(entry)  # as after a sync
    return hid, people


def _refused(code: str, call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(CodedError) as err:
        call(*args, **kwargs)  # type: ignore[operator]
    assert err.value.code == code
    return err.value.message("zh_CN")


def test_a_son_and_his_wife_split_off_into_a_household_of_their_own(ws: Workspace) -> None:
    """Proves a split makes the new household in the old one's address and flat, moves the
    members ticked with 陈静 (the old head's 儿媳) as the new head's 配偶, queues only the
    moved fields and records the event in both households' histories."""
    hid, people = _family(ws)
    today = ws.today()
    new = split_household(
        ws, hid, [people["陈静"]], head_id=people["刘伟"], household_no="0202",
        event_date=today, reason="结婚后另立户",
    )  # fmt: skip
    assert new == ids.household_id(DISTRICT_KEY, GRID, "0202")
    with ws.read() as s:
        home = s.get(HouseholdRow, new)
        assert home is not None
        assert (home.head_name, home.address, home.house_id) == (
            "刘伟", "凤凰小区3栋1单元501室", "flat-501"
        )  # fmt: skip
        rows = {r.name: r for r in s.scalars(select(ResidentRow))}
        assert {n for n, r in rows.items() if r.household_id == new} == {"刘伟", "陈静"}
        assert rows["刘伟"].relationship is Relationship.head
        assert rows["陈静"].relationship is Relationship.spouse
        assert rows["刘建国"].household_id == hid
        updates = {
            e.record_id: set(e.payload)
            for e in s.scalars(select(OutboxEntry).where(OutboxEntry.entity == "resident"))
        }
    assert updates[people["陈静"]] >= {"household_id", "relationship"}
    assert "name" not in updates[people["陈静"]]
    for household, place in ((hid, "分出新户：户号0202"), (new, "分自户号0201")):
        [event] = household_history(ws, household)
        assert (event.kind, event.place, event.resident_name, event.reason) == (
            LifeEventKind.split_off, place, "刘伟", "结婚后另立户"
        )  # fmt: skip


def test_a_split_is_refused_with_its_reason(ws: Workspace) -> None:
    hid, people = _family(ws)
    today = ws.today()
    msg = _refused("split_takes_head", split_household, ws, hid, [people["刘建国"]],
                   head_id=people["刘建国"], household_no="0203", event_date=today)  # fmt: skip
    assert msg == "户主不能分出：请先办理户主变更"
    everyone = [people[n] for n in ("王秀兰", "刘伟", "陈静")]
    with ws.write() as s:  # the head moved out: only the three remain in the register
        s.get(ResidentRow, people["刘建国"]).relationship = Relationship.other  # type: ignore[union-attr]
        s.get(ResidentRow, people["刘建国"]).life_status = "moved_out"  # type: ignore[union-attr]
    _refused("split_takes_all", split_household, ws, hid, everyone, head_id=people["刘伟"],
             household_no="0203", event_date=today)  # fmt: skip
    _refused("split_not_member", split_household, ws, hid, [people["刘建国"]],
             head_id=people["刘伟"], household_no="0203", event_date=today)  # fmt: skip
    register_household(ws, HouseholdInput(grid_code=GRID, household_no="0203", address="别处"))
    assert _refused("household_no_taken", split_household, ws, hid, [], head_id=people["刘伟"],
                    household_no="0203", event_date=today) == (
        "户号“0203”在本网格已有另一户登记"
    )  # fmt: skip
    _refused("event_in_future", split_household, ws, hid, [], head_id=people["刘伟"],
             household_no="0204", event_date=today + timedelta(days=1))  # fmt: skip
    with ws.read() as s:
        assert {r.household_id for r in s.scalars(select(ResidentRow))} == {hid}
    assert household_history(ws, hid) == []


def test_a_mother_living_alone_merges_into_her_sons_household(ws: Workspace) -> None:
    son = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0301", address="凤凰小区3栋2单元302室"),
        [ResidentInput("刘伟", "360302198203150410", relationship=Relationship.head)],
    )
    mother = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0302", address="凤凰小区5栋101室"),
        [ResidentInput("刘玉珍", "36030219480312041X", relationship=Relationship.head,
                       tags=(TagKind.living_alone_elderly,))],
    )  # fmt: skip
    other_grid = register_household(
        ws, HouseholdInput(grid_code=GRID2, household_no="0401", address="城南新村1栋")
    )
    today = ws.today()
    assert _refused("merge_other_grid", merge_households, ws, mother, other_grid,
                    event_date=today) == "并户的两户须在同一网格"  # fmt: skip
    _refused("merge_into_itself", merge_households, ws, mother, mother, event_date=today)
    assert merge_households(ws, mother, son, event_date=today, reason="随子女居住") == 1
    with ws.read() as s:
        assert s.get(HouseholdRow, mother).deleted  # type: ignore[union-attr]
        her = s.scalars(select(ResidentRow).where(ResidentRow.name == "刘玉珍")).one()
        assert (her.household_id, her.relationship) == (son, Relationship.other)
    [due] = [v for v in visits_due(ws, today=today) if v.name == "刘玉珍"]
    assert due.household_id == son and due.address == "凤凰小区3栋2单元302室"
    [into] = household_history(ws, son)
    assert (into.kind, into.place) == (LifeEventKind.merged, "户号0302并入本户")
    [closed] = household_history(ws, mother)
    assert closed.place == "并入户号0301"
    _refused("record_missing", merge_households, ws, mother, son, event_date=today)


def _two_households(ws: Workspace) -> tuple[str, str, dict[str, str]]:
    son = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0501", address="凤凰小区6栋101室"),
        [ResidentInput("刘伟", "360302198203150410", relationship=Relationship.head)],
    )
    parents = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0502", address="凤凰小区6栋102室"),
        [
            ResidentInput("刘建国", "36030219560312041X", relationship=Relationship.head),
            ResidentInput("王秀兰", "36030219580907042X", relationship=Relationship.spouse),
        ],
    )
    with ws.read() as s:
        people = {r.name: r.id for r in s.scalars(select(ResidentRow))}
    return son, parents, people


def test_a_merge_takes_each_members_relationship_to_the_new_head(ws: Workspace) -> None:
    """Proves a merge gives each joining member the relationship it is told (刘建国 as
    father), the others one following from it (his wife 王秀兰, a woman by her ID number,
    as mother), and refuses a second 户主 or a person who is not a member of the joining
    household, writing nothing."""
    son, parents, people = _two_households(ws)
    today = ws.today()
    assert _refused("merge_second_head", merge_households, ws, parents, son, event_date=today,
                    relationships={people["刘建国"]: Relationship.head}) == (
        "刘建国不能以“户主”身份并入：并入的户已有户主（户主变更请另行登记）"
    )  # fmt: skip
    assert _refused("merge_not_member", merge_households, ws, parents, son, event_date=today,
                    relationships={people["刘伟"]: Relationship.father}) == (
        "刘伟不是并出户的在册成员，不能为其指定与户主关系"
    )  # fmt: skip
    with ws.read() as s:
        assert not s.get(HouseholdRow, parents).deleted  # type: ignore[union-attr]
    assert merge_households(ws, parents, son, event_date=today,
                            relationships={people["刘建国"]: Relationship.father}) == 2  # fmt: skip
    with ws.read() as s:
        rows = {r.name: r for r in s.scalars(select(ResidentRow))}
    assert {n: (r.household_id, r.relationship) for n, r in rows.items()} == {
        "刘伟": (son, Relationship.head),
        "刘建国": (son, Relationship.father),
        "王秀兰": (son, Relationship.mother),
    }


def test_a_split_may_name_the_new_households_flat_or_none(ws: Workspace) -> None:
    """Proves a split puts the new household in the flat it is told (or in none), and a
    flat that does not exist or lies in another grid is refused as missing."""
    from gridworker.services.buildings import add_flat, save_building
    from gridworker.services.household_split import flat_choices

    hid, people = _family(ws)
    with ws.write() as s:
        b = save_building(ws, s, GRID, "凤凰小区", "7栋")[0]
        b2 = save_building(ws, s, GRID2, "城南新村", "1栋")[0]
        bid, bid2 = b.id, b2.id
    flat = add_flat(ws, bid, "1", "302")
    elsewhere = add_flat(ws, bid2, "1", "101")
    assert [(c.id, c.label) for c in flat_choices(ws, hid)] == [(flat, "凤凰小区7栋 1单元 302")]
    today = ws.today()
    for missing in (elsewhere, "no-such-flat"):
        _refused("record_missing", split_household, ws, hid, [], head_id=people["刘伟"],
                 household_no="0210", event_date=today, house_id=missing)  # fmt: skip
    new = split_household(ws, hid, [], head_id=people["刘伟"], household_no="0210",
                          event_date=today, house_id=flat)  # fmt: skip
    alone = split_household(ws, hid, [], head_id=people["陈静"], household_no="0211",
                            event_date=today, house_id=None)  # fmt: skip
    with ws.read() as s:
        assert s.get(HouseholdRow, new).house_id == flat  # type: ignore[union-attr]
        assert s.get(HouseholdRow, alone).house_id is None  # type: ignore[union-attr]


def test_a_split_takes_the_relationships_it_is_told_and_refuses_a_second_head(
    ws: Workspace,
) -> None:
    """Proves a split gives a leaving member the relationship it is told (陈静 as 其他亲属
    instead of the 配偶 the register suggests), refuses making a second 户主 or giving a
    relationship to someone who does not leave, and writes nothing when refused."""
    hid, people = _family(ws)
    today = ws.today()
    args = dict(head_id=people["刘伟"], household_no="0202", event_date=today)
    assert _refused("split_second_head", split_household, ws, hid, [people["陈静"]], **args,
                    relationships={people["陈静"]: Relationship.head}) == (
        "陈静不能是新户的第二位户主：新户户主已选定，请为其选择其他关系"
    )  # fmt: skip
    assert _refused("split_not_member", split_household, ws, hid, [people["陈静"]], **args,
                    relationships={people["王秀兰"]: Relationship.mother}) == (
        "王秀兰不是本户在册成员，不能分出"
    )  # fmt: skip
    with ws.read() as s:
        assert {r.household_id for r in s.scalars(select(ResidentRow))} == {hid}
    new = split_household(ws, hid, [people["陈静"]], **args,  # type: ignore[arg-type]
                          relationships={people["陈静"]: Relationship.other_relative})
    with ws.read() as s:
        rows = {r.name: r for r in s.scalars(select(ResidentRow))}
    assert (rows["陈静"].household_id, rows["陈静"].relationship) == (
        new, Relationship.other_relative
    )  # fmt: skip
