"""Buildings and flats: a district's sheet imported as written (title rows, "3栋"/"3号楼",
"1单元", full-width numbers, 出租), every refused line and left-out value reported; the
building view's floors × units with use, care tags and overdue visits; deletions refused
while something refers to them; an out-of-scope id answered as a missing one."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from gridworker.domain import ids
from gridworker.domain.declare import declarations
from gridworker.domain.enums import HouseUse, Relationship, TagKind, VisitMode
from gridworker.services import buildings as b
from gridworker.services.building_import import describe, import_buildings
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.visits import record_visit
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import BuildingRow, HouseholdRow, HouseRow, OutboxEntry
from tests.conftest import DISTRICT_KEY, GRID, GRID2

HEADER = ["序号", "网格编码", "小区名称", "楼栋号", "单元", "房号", "房屋用途", "建筑面积",
          "楼栋长", "楼栋长电话", "物业公司", "户号", "备注"]  # fmt: skip
ROWS = [
    [1, GRID, "凤凰小区", "3栋", "1单元", "1502", "出租", "89.5㎡", "张桂兰", "13907991234",
     "萍乡市安居物业", "0101", ""],
    [2, GRID, "凤凰小区", "3号楼", "1单元", "1501", "自住房", 96, None, None, None, "0102", ""],
    [3, GRID, "凤凰小区", "３幢", "2单元", "201", "空房", None, None, None, None, None, ""],
    [4, GRID, "凤凰小区", "3栋", "一单元", "１５０２室", "出租", None, None, None, None, None,
     "重复"],
    [5, GRID, "凤凰小区", "3栋", "2单元", "101", "商铺", "120平方米", None, None, None, None, ""],
    [6, GRID, "凤凰小区", "3栋", "2单元", "202", "待定", "很大", None, None, None, "9999", ""],
    [7, GRID, "凤凰小区", "", "1单元", "301", "自住", None, None, None, None, None, ""],
    [8, "360302009009009", "凤凰小区", "5栋", "1单元", "101", "自住", None, None, None, None,
     None, ""],
    [9, GRID, "凤凰小区", "3栋", "1单元", None, None, None, None, None, None, None, ""],
    [10, GRID, "凤凰小区", "3栋", None, None, None, None, "李建国", None, None, None, ""],
    [11, GRID, "凤凰小区", "5栋", None, None, None, None, None, None, None, None, "只有楼栋"],
]  # fmt: skip


def write_sheet(path: Path, rows: list[list[object]] = ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "房屋信息"
    ws.append(["安源区凤凰社区房屋信息登记表"])  # a title row above the header
    ws.append(["填报单位：凤凰社区居委会", None, None, "填报日期：2026年12月"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def households(ws: Workspace) -> None:
    register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区3栋1单元1502室"),
        [ResidentInput("刘玉珍", "36030219480312041X", relationship=Relationship.head,
                       tags=(TagKind.living_alone_elderly,))],
    )  # fmt: skip
    register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0102", address="凤凰小区3栋1单元1501室")
    )


def test_a_district_sheet_imports_as_written_and_every_refusal_is_reported(
    ws: Workspace, tmp_path: Path
) -> None:
    households(ws)
    report = import_buildings(ws, write_sheet(tmp_path / "楼栋房屋.xlsx"))
    reasons = {e.line: e.reason for e in report.errors}
    assert report.header_line == 3
    assert report.rows == 11
    assert reasons == {
        7: "与第4行是同一套房屋（凤凰小区3栋 1单元1502）",
        10: "缺少楼栋号",
        11: "网格 360302009009009 不在您负责的范围内",
        12: "写了单元或楼层但没有房号：房屋须有房号",
    }
    assert report.imported == 7
    assert (report.buildings_new, report.flats_new, report.households_linked) == (2, 5, 2)
    problems = {(p.line, p.header): p.reason for p in report.problems}
    assert problems == {
        (9, "房屋用途"): "房屋用途“待定”无效：可选 自住、出租、空置、经营、其他",
        (9, "建筑面积"): "“很大”不是有效的数字",
        (9, "户号"): "本网格没有户号为“9999”的住户，房屋已导入但未关联住户",
        (13, "楼栋长"): "与第4行写的“张桂兰”不同，保留第4行的值",
    }
    assert "未导入的列：" in describe(report, "zh_CN")
    with ws.read() as s:
        built = {r.building_no: r for r in s.scalars(select(BuildingRow))}
        assert set(built) == {"3栋", "5栋"}  # 3号楼 and ３幢 found the 3栋 of line 4
        three = built["3栋"]
        assert (three.building_head, three.property_company) == ("张桂兰", "萍乡市安居物业")
        assert three.building_head_phone == "13907991234"
        flats = {(f.unit, f.number): f for f in s.scalars(select(HouseRow))}
        assert set(flats) == {("1", "1502"), ("1", "1501"), ("2", "201"), ("2", "101"),
                              ("2", "202")}  # fmt: skip
        assert flats[("1", "1502")].use is HouseUse.rented
        assert flats[("1", "1502")].area == 89.5 and flats[("1", "1502")].floor == "15"
        assert flats[("1", "1501")].use is HouseUse.own
        assert flats[("2", "201")].use is HouseUse.vacant
        assert flats[("2", "101")].use is HouseUse.business and flats[("2", "101")].area == 120
        assert flats[("2", "202")].use is None and flats[("2", "202")].area is None
        lived = dict(s.execute(select(HouseholdRow.household_no, HouseholdRow.house_id)).all())
        assert lived == {"0101": flats[("1", "1502")].id, "0102": flats[("1", "1501")].id}
        queued = s.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.entity == "house")
        )
        assert queued == 5

    again = import_buildings(ws, write_sheet(tmp_path / "again.xlsx"))
    assert (again.buildings_new, again.flats_new) == (0, 0)
    assert (again.buildings_updated, again.flats_updated) == (2, 5)
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(HouseRow)) == 5


def test_a_dry_run_writes_nothing_and_a_csv_reads_like_a_workbook(
    ws: Workspace, tmp_path: Path
) -> None:
    csv = tmp_path / "buildings.csv"
    csv.write_text(
        "凤凰社区楼栋表\n小区,楼号,单元号,门牌号,使用性质,面积\n凤凰小区,3号楼,1,1502,出租,89\n",
        encoding="gb18030",
    )
    refused = import_buildings(ws, csv)  # no 网格编码 column, and the profile has two grids
    assert [e.reason for e in refused.errors] == [
        "缺少网格编码（本机负责多个网格，须写明是哪一个）"
    ]
    ws.actor = dataclasses.replace(ws.actor, grids=(GRID,))
    dry = import_buildings(ws, csv, dry_run=True)
    assert (dry.imported, dry.flats_new, dry.errors) == (1, 1, [])
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(HouseRow)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
    report = import_buildings(ws, csv)
    assert (report.imported, report.flats_new) == (1, 1)
    with ws.read() as s:
        flat = s.scalars(select(HouseRow)).one()
        assert (flat.unit, flat.number, flat.use, flat.area) == ("1", "1502", HouseUse.rented, 89)


def test_a_sheet_without_a_buildings_header_is_refused_whole(ws: Workspace, tmp_path: Path) -> None:
    csv = tmp_path / "roster.csv"
    csv.write_text("姓名,身份证号码\n张三,36030219480312041X\n", encoding="utf-8")
    with pytest.raises(ServiceError) as err:
        import_buildings(ws, csv)
    assert "至少要有“小区名称”和“楼栋号”两列" in err.value.message("zh_CN")


def test_the_building_view_lays_out_floors_and_units_with_use_care_and_overdue(
    ws: Workspace, tmp_path: Path
) -> None:
    households(ws)
    import_buildings(ws, write_sheet(tmp_path / "楼栋房屋.xlsx"))
    bid = ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "3")
    with ws.write() as s:
        s.get(BuildingRow, bid).floors_above = 18  # type: ignore[union-attr]
        s.get(BuildingRow, bid).units = 2  # type: ignore[union-attr]
    record_visit(
        ws,
        household_id=ids.household_id(DISTRICT_KEY, GRID, "0101"),
        mode=VisitMode.home,
        visited_at=ws.now() - timedelta(days=40),
        people_met="户主本人",
        situation="身体尚可",
    )
    view = b.building_view(ws, bid)
    assert view.floors[0] == 18 and view.floors[-1] == 1 and len(view.floors) == 18
    assert view.units == ("1", "2")
    assert [c.number for c in view.at(15, "1")] == ["1501", "1502"]
    flat = view.at(15, "1")[1]
    assert (flat.number, flat.use) == ("1502", HouseUse.rented)
    assert [h.household_no for h in flat.households] == ["0101"]
    assert flat.care_tags == (TagKind.living_alone_elderly,)
    assert flat.days_overdue == 33  # weekly visits, the last 40 days ago
    assert [c.number for c in view.at(2, "2")] == ["201", "202"]
    assert view.at(15, "1")[0].care_tags == () and view.at(15, "1")[0].days_overdue == 0
    assert flat.to_json()["use"] == "rented"
    [summary] = [x for x in b.list_buildings(ws) if x.id == bid]
    assert (summary.flats, summary.households) == (5, 2)
    assert summary.by_use == {"rented": 1, "own": 1, "vacant": 1, "business": 1, "": 1}


def test_deleting_what_others_refer_to_is_refused(ws: Workspace, tmp_path: Path) -> None:
    households(ws)
    import_buildings(ws, write_sheet(tmp_path / "楼栋房屋.xlsx"))
    bid = ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "3")
    with pytest.raises(ServiceError) as err:
        b.delete_building(ws, bid)
    assert err.value.message("zh_CN") == (
        "楼栋“凤凰小区3栋”下还有5套房屋（2户住户）、0个隐患点位，不能删除：请先删除或移走它们"
    )
    flat = b.flat_id(ws, bid, "1单元", "1502")
    with pytest.raises(ServiceError, match="flat_in_use"):
        b.delete_flat(ws, flat)
    hid = ids.household_id(DISTRICT_KEY, GRID, "0101")
    b.live_in(ws, hid, None)
    b.delete_flat(ws, flat)
    five = ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "5")
    b.delete_building(ws, five)  # nothing refers to it
    assert five not in {x.id for x in b.list_buildings(ws)}


def test_the_in_use_refusals_name_every_kind_that_refers_to_a_building_or_flat() -> None:
    """Proves the declarations give a building exactly the referrers `building_in_use`
    counts (flats, hazard sites) and a flat exactly `flat_in_use`'s (households): both
    refuse while `references.referring` finds any, so a kind declared later with a
    reference to a building or flat fails here until the message names it."""
    referrers = {
        (decl.name, target)
        for decl in declarations()
        for _field, target in decl.references
        if target in ("building", "house")
    }
    assert referrers == {
        ("house", "building"),
        ("hazard_site", "building"),
        ("household", "house"),
    }


def test_a_flat_number_is_one_flat_however_it_is_written(ws: Workspace, tmp_path: Path) -> None:
    import_buildings(ws, write_sheet(tmp_path / "楼栋房屋.xlsx"))
    bid = ids.building_id(DISTRICT_KEY, GRID, "凤凰小区", "3")
    with pytest.raises(ServiceError) as err:
        b.add_flat(ws, bid, "1单元", "１５０２")
    assert err.value.message("zh_CN") == "3栋1单元已有房号“1502”的房屋"
    new = b.add_flat(ws, bid, "1单元", "１６０２", use=HouseUse.vacant)
    assert new == b.flat_id(ws, bid, "1", "1602")


def test_an_out_of_scope_building_answers_as_a_missing_one(ws: Workspace, tmp_path: Path) -> None:
    rows = [[1, GRID2, "凤凰小区", "8栋", "1单元", "101", "自住", None, None, None, None, None,
             ""]]  # fmt: skip
    import_buildings(ws, write_sheet(tmp_path / "grid2.xlsx", rows))
    other = ids.building_id(DISTRICT_KEY, GRID2, "凤凰小区", "8")
    assert b.building_view(ws, other).building_no == "8栋"
    ws.actor = dataclasses.replace(ws.actor, grids=(GRID,))
    answers = []
    for probe in (other, ids.new_id()):
        with pytest.raises(ServiceError) as err:
            b.building_view(ws, probe)
        answers.append((err.value.code, err.value.message("zh_CN")))
        with pytest.raises(ServiceError) as err:
            b.delete_building(ws, probe)
        answers.append((err.value.code, err.value.message("zh_CN")))
    assert answers[:2] == answers[2:] == [("record_missing", "楼栋不存在（可能已被删除）")] * 2
    assert other not in {x.id for x in b.list_buildings(ws)}
