"""Hazard sites with inspections and rectifications at every stage."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from gridworker.domain import checklists, ids
from gridworker.domain.buildings import building_key
from gridworker.domain.entities import (
    Building,
    HazardSite,
    Inspection,
    InspectionItem,
    Rectification,
)
from gridworker.domain.enums import (
    Appraisal,
    CloseBasis,
    DangerGrade,
    HazardKind,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    PremisesType,
    Role,
)
from gridworker.server.seed.accounts import supervisor
from gridworker.server.seed.core import Seeder
from gridworker.server.seed.geography import DEMO_GRIDS

FAIL_NOTES = {
    "FS-ELEC-04": "店内过道停放电动车并拉线充电",
    "FS-EXIT-02": "后门疏散通道堆放纸箱和空酒瓶",
    "FS-EQP-03": "2具灭火器压力表指针在红区",
    "FS-ELEC-01": "收银台后插线板串接使用",
    "FS-EXIT-04": "二楼阁楼有3名员工住宿",
    "FS-EQP-05": "客房未装独立式烟感报警器",
    "GS-HOSE-01": "使用普通橡胶软管，已老化龟裂",
    "GS-APPL-01": "灶具无熄火保护装置",
    "GS-ENV-03": "后厨未安装燃气泄漏报警器",
    "GS-LPG-07": "钢瓶放在灶台下密闭橱柜内",
    "DB-CTRL-02": "东侧围挡被拆开一段，有人进出",
    "DB-WALL-01": "北侧墙脚新增约40 cm裂缝",
    "DB-CTRL-06": "监护人电话无法接通",
    "DB-MEMB-04": "二楼屋面漏雨，顶棚大片水渍",
}
NUMBER_PASS = {"DB-WALL-02": "0.5", "DB-WALL-03": "2", "FS-EQP-01": "2", "GS-HOSE-02": "1.5"}
# name; "kind premises grade stage" ("-": none); the items that fail. The stage is how far
# the rectifications got: open, overdue, done, verified, closed (pass: nothing failed).
SITES = (
    ("凤凰池老粮站宿舍", "dangerous_building - D closed", "DB-CTRL-02"),
    ("五一路12号民房", "dangerous_building - C open", "DB-WALL-01"),
    ("老王小炒店", "fire_safety small_restaurant - overdue", "FS-ELEC-04"),
    ("极速网咖", "fire_safety internet_cafe - verified", "FS-EXIT-02 FS-EQP-03"),
    ("凤凰旅社", "fire_safety small_hotel - done", "FS-EQP-05"),
    ("湘味餐馆", "gas_safety restaurant - closed", "GS-ENV-03"),
    ("居民李桂英家", "gas_safety household - open", "GS-HOSE-01"),
    ("安康养老院", "fire_safety care_home - pass", ""),
    ("便民超市", "fire_safety small_shop - overdue", "FS-ELEC-01"),
    ("建设路3号老办公楼", "dangerous_building - C done", "DB-MEMB-04"),
    ("丽人美发店", "fire_safety small_bath_salon - pass", ""),
    ("居民张建国家", "gas_safety household - verified", "GS-APPL-01"),
)


def seed_hazards(seeder: Seeder) -> None:
    """Each site of SITES in a demo grid, and again in another worker's grid."""
    grids = list(seeder.worker_of)
    for n, spec in enumerate(SITES * 2):
        grid = DEMO_GRIDS[n % 2] if n < len(SITES) else grids[(n * 5) % len(grids)]
        _site(seeder, grid, n, *spec)


def _site(seeder: Seeder, grid: str, n: int, name: str, spec: str, failing: str) -> None:
    kind_code, premises_code, grade_code, stage = spec.split()
    kind = HazardKind(kind_code)
    premises = None if premises_code == "-" else PremisesType(premises_code)
    grade = None if grade_code == "-" else DangerGrade(grade_code)
    fails = tuple(failing.split())
    worker = seeder.worker_of[grid]
    lat, lon = seeder.spot(grid)
    building_id = None
    if kind is HazardKind.dangerous_building:
        # Keyed as a laptop keys it (docs/design.md §12.1): a sheet naming this building
        # later finds this record.
        building = Building(
            id=ids.building_id(seeder.secret, grid, name, building_key("1栋")),
            grid_code=grid,
            estate_name=name,
            building_no="1栋",
            house_type="砖混",
            floors_above=seeder.rng.choice((2, 3, 4)),
            built_year=1978 + n,
            building_head=seeder.person(),
            hazard_flag=True,
            lat=lat,
            lon=lon,
        ).validate()
        seeder.put(building, worker)
        building_id = building.id
    appraisal = {DangerGrade.C: Appraisal.repair, DangerGrade.D: Appraisal.stop_use}
    site = HazardSite(
        id=ids.new_id(),
        grid_code=grid,
        kind=kind,
        name=name if n < len(SITES) else f"{name}（{grid[-3:]}网格）",
        address=f"{seeder.place[grid]}{seeder.rng.randint(1, 60)}号",
        building_id=building_id,
        premises_type=premises,
        danger_grade=grade,
        appraisal=appraisal.get(grade) if grade else None,
        appraised_on=seeder.today - timedelta(days=200) if grade else None,
        responsible_person=seeder.person(),
        lat=lat,
        lon=lon,
    ).validate()
    seeder.put(site, worker)
    days = {"open": 0.1, "overdue": 25, "done": 12, "verified": 20, "closed": 40, "pass": 6}
    inspected = seeder.ago(days[stage])
    _inspection, rects = _inspect(seeder, site, fails, inspected, InspectionKind.routine, None)
    for rect in rects:
        if stage in ("done", "verified", "closed"):
            rect = rect.mark_done(at=seeder.ago(days[stage] * 0.6))
            rect = dataclasses.replace(rect, measures="已整改：" + rect.description)
        if stage in ("verified", "closed"):
            check, _ = _inspect(
                seeder,
                site,
                (),
                seeder.ago(days[stage] * 0.5),
                InspectionKind.reinspection,
                rect.id,
            )
            rect = rect.apply_reinspection(check)
            seeder.photo(rect.grid_code, "rectification", rect.id, worker, "整改后")
        if stage == "closed":
            basis = CloseBasis.certificate if grade is DangerGrade.D else CloseBasis.verification
            rect = rect.close(
                basis=basis,
                by=supervisor(seeder, grid, street_level=True),
                role=Role.supervisor,
                at=seeder.ago(days[stage] * 0.4),
            )
        seeder.put(rect.validate(), worker)


def _inspect(
    seeder: Seeder,
    site: HazardSite,
    fails: tuple[str, ...],
    at: datetime,
    kind: InspectionKind,
    rect_id: str | None,
) -> tuple[Inspection, list[Rectification]]:
    template = seeder.templates[site.kind.code]
    premises = site.premises_type.code if site.premises_type else None
    grade = site.danger_grade.code if site.danger_grade else None
    day = at.astimezone(seeder.cal.zone).date()
    answers: dict[str, str] = {}
    for item in template.items_for(premises, grade):
        if item.answer == "yes_no":
            answers[item.code] = "fail" if item.code in fails else "pass"
        elif item.answer == "number":
            answers[item.code] = NUMBER_PASS.get(item.code, "0")
        elif item.answer == "date":
            answers[item.code] = (day - timedelta(days=60)).isoformat()
    evaluation = checklists.evaluate(
        template, answers, today=day, premises_type=premises, grade=grade
    )
    worker = seeder.worker_of[site.grid_code]
    inspection = Inspection(
        id=ids.new_id(),
        grid_code=site.grid_code,
        site_id=site.id,
        template_code=template.code,
        template_version=template.version,
        kind=kind,
        inspector=worker,
        inspected_at=at,
        result=InspectionResult.parse(evaluation.result),
        rectification_id=rect_id,
    ).validate()
    seeder.put(inspection, worker)
    failed = {item.code for item in evaluation.failed}
    for code, raw in answers.items():
        item = template.item(code)
        answer = (
            ItemAnswer.parse(raw)
            if item.answer == "yes_no"
            else (ItemAnswer.fail if code in failed else ItemAnswer.pass_)
        )
        seeder.put(
            InspectionItem(
                id=ids.new_id(),
                grid_code=site.grid_code,
                inspection_id=inspection.id,
                item_code=code,
                answer=answer,
                value=None if item.answer == "yes_no" else raw,
                note=FAIL_NOTES.get(code) if code in failed else None,
            ).validate(),
            worker,
        )
    rects = []
    for item, default in evaluation.rectifications if rect_id is None else ():
        if default.unit == "same_day" or default.amount == 0:
            end = seeder.cal.add_working_days(at, 0)
        elif default.unit == "working_hours":
            end = seeder.cal.add_working_hours(at, default.amount)
        else:
            end = seeder.cal.add_working_days(at, default.amount)
        rects.append(
            Rectification(
                id=ids.new_id(),
                grid_code=site.grid_code,
                site_id=site.id,
                inspection_id=inspection.id,
                item_code=item.code,
                description=FAIL_NOTES.get(item.code) or item.text["zh"],
                deadline=end.astimezone(seeder.cal.zone).date(),
            ).validate()
        )
    return inspection, rects
