"""People appear by their display name, not their login: 走访人, 上报人, a case's timeline,
检查人, the ledgers and the printed sheets; a record made without one shows the login."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from gridworker.domain.enums import CaseActionKind, CaseCategory, HazardKind, Role, VisitMode
from gridworker.services import cases, inspections
from gridworker.services.case_queries import case_detail, site_detail
from gridworker.services.household_detail import recent_visits
from gridworker.services.household_file import household_file
from gridworker.services.ledgers import write_ledger
from gridworker.services.register import HouseholdInput, register_household
from gridworker.services.visits import record_visit
from gridworker.services.workspace import Workspace
from tests.conftest import GRID


def test_records_show_the_display_name_and_older_ones_the_login(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves a visit, a case with an action and an inspection made by 王伟 (login
    wang.wei) show 王伟 in the household's visits, the case's reporter and timeline, the
    site's inspections, the household file and the ledger, while a visit recorded on a
    profile without a display name shows the login."""
    assert ws.actor.display_name == "王伟"
    hid = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋101室")
    )
    now = datetime.now(UTC)
    record_visit(ws, household_id=hid, mode=VisitMode.home, visited_at=now - timedelta(hours=2))
    case_id = cases.report_case(ws, grid_code=GRID, title="井盖缺失", category=CaseCategory.hazard)
    site = inspections.register_site(
        ws, grid_code=GRID, kind=HazardKind.gas_safety, name="张宅燃气", address="凤凰小区1栋101室"
    )
    inspections.record_inspection(ws, site_id=site, answers={})
    anonymous = replace(ws.actor, display_name="")
    named, ws.actor = ws.actor, anonymous
    record_visit(ws, household_id=hid, mode=VisitMode.phone, visited_at=now - timedelta(hours=1))
    ws.actor = named
    assert [v.visitor for v in recent_visits(ws, hid)] == ["wang.wei", "王伟"]
    detail = case_detail(ws, case_id)
    assert detail.item.reporter == "王伟" and [e.actor for e in detail.timeline] == ["王伟"]
    assert [i.inspector for i in site_detail(ws, site).inspections] == ["王伟"]
    whos = {e.kind: e.who for e in household_file(ws, hid).entries if e.kind in ("走访", "隐患")}
    assert "王伟" in whos.values()
    ws.actor = replace(ws.actor, role=Role.supervisor)
    cases.act_on_case(ws, case_id, CaseActionKind.accept)
    ledger = write_ledger(ws, tmp_path / "台账.xlsx")
    book = load_workbook(ledger.path)
    visits = [r for r in book["走访"].iter_rows(2, values_only=True)]
    header = next(book["走访"].iter_rows(1, 1, values_only=True))
    at = header.index("走访人")
    assert sorted(r[at] for r in visits) == ["wang.wei", "王伟"]
    cases_header = next(book["事件"].iter_rows(1, 1, values_only=True))
    [case_row] = list(book["事件"].iter_rows(2, values_only=True))
    assert case_row[cases_header.index("上报人")] == "王伟"
