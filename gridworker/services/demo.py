"""A demo profile with a small, realistic grid: roster, visits, a case, inspections.

Until the desktop app and the embedded server exist, `gridworker demo` builds
this profile and prints what a grid worker would see on the first screen.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from gridworker.domain.deadlines import case_deadline_status
from gridworker.domain.entities import Case
from gridworker.domain.enums import (
    CaseCategory,
    HazardKind,
    NeedCategory,
    PremisesType,
    Urgency,
    VisitMode,
)
from gridworker.resources import resource
from gridworker.services import cases, inspections, visits
from gridworker.services.importing import import_file
from gridworker.services.records import to_entity
from gridworker.services.workspace import Workspace, init_profile, open_workspace
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import CaseRow, HouseholdRow, ResidentRow, VisitRow
from gridworker.storage.profile import profile_exists

DEMO_PASSPHRASE = "demo-passphrase"
DEMO_GRIDS = ["360302001001001", "360302001001002"]


def open_or_build_demo(path: Path, *, reset: bool = False) -> Workspace:
    """Open the demo profile in `path`, building it first if it is not there."""
    if reset and path.exists():
        shutil.rmtree(path)
    if profile_exists(path):
        return open_workspace(path, DEMO_PASSPHRASE)
    ws = init_profile(
        path,
        DEMO_PASSPHRASE,
        username="demo.worker",
        grids=DEMO_GRIDS,
        display_name="演示网格员",
        kdf_params=KdfParams.default(),
    )
    _populate(ws)
    return ws


def _populate(ws: Workspace) -> None:
    import_file(ws, resource("demo", "roster.csv"))
    with ws.read() as s:
        households = list(s.scalars(select(HouseholdRow.id).order_by(HouseholdRow.id).limit(3)))
    now = ws.now()
    visits.record_visit(
        ws,
        household_id=households[0],
        mode=VisitMode.home,
        visited_at=now - timedelta(days=2),
        people_met="户主",
        situation="老人独居，身体尚可，反映楼道灯不亮",
        needs=[visits.NeedInput(NeedCategory.livelihood, "3栋楼道声控灯损坏，夜间出行不便")],
    )
    second = visits.record_visit(
        ws,
        household_id=households[1],
        mode=VisitMode.phone,
        visited_at=now - timedelta(hours=3),
        situation="电话回访低保复核进度",
        needs=[visits.NeedInput(NeedCategory.policy, "咨询低保年审需要准备的材料")],
    )
    cases.need_to_case(ws, second.need_ids[0], urgency=Urgency.immediate)
    cases.report_case(
        ws,
        grid_code=DEMO_GRIDS[0],
        title="凤凰小区5栋楼道堆放杂物",
        description="5栋2单元一至三楼楼道堆放纸箱和旧家具，堵塞疏散通道",
        category=CaseCategory.hazard,
        subcategory="02",
        urgency=Urgency.normal,
        address="凤凰小区5栋2单元",
    )
    shop = inspections.register_site(
        ws,
        grid_code=DEMO_GRIDS[0],
        kind=HazardKind.fire_safety,
        name="老王小炒店",
        address="五一路12号",
        premises_type=PremisesType.small_restaurant,
        responsible_person="王建国",
    )
    _template, items = inspections.form_items(ws, shop)
    answers = {item.code: "pass" for item in items if item.answer == "yes_no"}
    answers["FS-ELEC-04"] = "fail"
    inspections.record_inspection(
        ws, site_id=shop, answers=answers, notes={"FS-ELEC-04": "店内过道停放电动车充电"}
    )


@dataclass(frozen=True)
class DemoSummary:
    households: int
    residents: int
    visits: int
    open_cases: list[tuple[str, str, str]]  # title, state label, deadline status label
    rectifications: list[tuple[str, str]]  # description, deadline


def summary(ws: Workspace, lang: str = "zh_CN") -> DemoSummary:
    """What the 工作台 would show: counts, open cases with deadlines, open rectifications."""
    now = ws.now()
    with ws.read() as s:
        counts = [
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (HouseholdRow, ResidentRow, VisitRow)
        ]
        rows = list(s.scalars(select(CaseRow).order_by(CaseRow.deadline_at)))
    open_cases = []
    for row in rows:
        if not row.state.is_open:
            continue
        state = case_deadline_status(to_entity(row, Case), now, ws.calendar)
        status = state.label(lang) if state is not None else ""
        deadline = row.deadline_at.astimezone(ws.calendar.zone) if row.deadline_at else None
        when = f"{deadline:%m-%d %H:%M} " if deadline else ""
        open_cases.append((row.title, row.state.label(lang), when + status))
    rects = [(r.description, r.deadline.isoformat()) for r in inspections.open_rectifications(ws)]
    return DemoSummary(counts[0], counts[1], counts[2], open_cases, rects)
