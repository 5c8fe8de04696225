"""Buildings and flats through a real server: two laptops of one grid import the same
building offline, written "3栋" and "3号楼", and the same flat, "1502" and "１５０２室"; after
syncing every laptop and the street supervisor hold one building and one flat (their
ids come from the natural keys), the one field they set differently is one visible
conflict, a household's flat travels with it, a building deleted on one laptop reaches
the others, and a laptop of another grid never receives any of it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from gridworker.domain import ids
from gridworker.domain.enums import HouseUse
from gridworker.services import buildings
from gridworker.services.building_import import import_buildings
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.syncing import list_conflicts, resolve_conflict, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import BuildingRow, HouseholdRow, HouseRow
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_sync_e2e import outbox_size

HEADER = "网格编码,小区名称,楼栋号,单元,房号,房屋用途,建筑面积,楼栋长,物业公司,户号\n"


def _sheet(path: Path, lines: list[str]) -> Path:
    path.write_text("凤凰社区楼栋房屋表\n" + HEADER + "".join(f"{x}\n" for x in lines))
    return path


def _count(ws: Workspace, model: type) -> int:
    with ws.read() as s:
        return int(
            s.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False))) or 0
        )


def test_the_same_building_made_offline_on_two_laptops_is_one_record(
    live_server: LiveServer, tmp_path: Path
) -> None:
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    b = enrolled(live_server, tmp_path, "worker.b")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        hid = register_household(
            a, HouseholdInput(grid_code=GRID_A, household_no="0101", address="凤凰小区3栋1502")
        )
        sync_now(a)
        sync_now(a2)  # a2 knows the household, not yet any building
        one = import_buildings(a, _sheet(tmp_path / "a.csv", [
            f"{GRID_A},凤凰小区,3栋,1单元,1502,出租,89.5,张桂兰,安居物业,0101",
        ]))  # fmt: skip
        two = import_buildings(a2, _sheet(tmp_path / "a2.csv", [
            f"{GRID_A},凤凰小区,3号楼,一单元,１５０２室,出租,89.5,李建国,安居物业,",
            f"{GRID_A},凤凰小区,3号楼,一单元,1501,自住,96,李建国,安居物业,",
        ]))  # fmt: skip
        assert (one.errors, two.errors) == ([], [])
        for ws in (a, a2, a, sup, b):
            sync_now(ws)
        bid = ids.building_id(a.id_secret, GRID_A, "凤凰小区", "3")
        flat = ids.house_id(a.id_secret, bid, "1", "1502")
        for ws in (a, a2, sup):
            assert _count(ws, BuildingRow) == 1 and _count(ws, HouseRow) == 2
            with ws.read() as s:
                building = s.get(BuildingRow, bid)
                assert building is not None and building.building_no == "3栋"
                assert building.property_company == "安居物业"
                house = s.get(HouseRow, flat)
                assert house is not None and (house.use, house.area) == (HouseUse.rented, 89.5)
                assert s.get(HouseholdRow, hid).house_id == flat  # type: ignore[union-attr]
            [conflict] = [
                c for c in list_conflicts(ws, everyone=ws is sup) if c.entity == "building"
            ]
            assert {f["field"] for f in conflict.fields} == {"building_head"}
            assert outbox_size(ws) == 0
        assert (_count(b, BuildingRow), _count(b, HouseRow)) == (0, 0)  # another grid

        [conflict] = [c for c in list_conflicts(sup, everyone=True) if c.entity == "building"]
        resolve_conflict(sup, conflict.id, field="building_head", value="张桂兰")
        for ws in (sup, a, a2):
            sync_now(ws)
        view = buildings.building_view(a2, bid)
        assert view.building_head == "张桂兰"
        assert [h.household_no for h in view.at(15, "1")[1].households] == ["0101"]

        # Emptied on a2 and deleted there: the tombstone reaches the others.
        buildings.live_in(a2, hid, None)
        for number in ("1501", "1502"):
            buildings.delete_flat(a2, buildings.flat_id(a2, bid, "1", number))
        buildings.delete_building(a2, bid)
        for ws in (a2, a, sup):
            sync_now(ws)
        for ws in (a, a2, sup):
            assert (_count(ws, BuildingRow), _count(ws, HouseRow)) == (0, 0)
            assert bid not in {x.id for x in buildings.list_buildings(ws)}
    finally:
        for ws in (a, a2, b, sup):
            ws.close()
