"""Case numbers through a real server: cases created offline on two laptops the same day
get distinct numbers in sync order (county code + the district's day + sequence), which
reach every laptop and the printed sheet."""

from __future__ import annotations

import re
from pathlib import Path

from gridworker.domain.clock import district_today
from gridworker.domain.enums import CaseCategory
from gridworker.services import cases
from gridworker.services.case_queries import case_detail
from gridworker.services.syncing import sync_now
from gridworker.storage.models import CaseRow
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.services.test_ledger_pdf import extract


def _number(ws, case_id: str) -> str | None:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.get_one(CaseRow, case_id).case_no


def test_offline_cases_of_two_laptops_get_distinct_numbers(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves two workers' cases made offline have no number until they sync, then get
    360302-<today>-0001, -0002, -0003 in the order the server received them (never the
    same number twice), the numbers reach the colleague and the supervisor, and the
    事件处置单 prints the number."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        hazard, dispute = CaseCategory.hazard, CaseCategory.dispute
        first = cases.report_case(a, grid_code=GRID_A, title="井盖缺失", category=hazard)
        second = cases.report_case(a, grid_code=GRID_A, title="路灯不亮", category=hazard)
        other = cases.report_case(a2, grid_code=GRID_A, title="噪音扰民", category=dispute)
        assert _number(a, first) is None and case_detail(a, first).item.case_no is None
        sync_now(a2)
        sync_now(a)
        for ws in (a, a2, sup):
            sync_now(ws)
        day = district_today(a.now(), a.zone).strftime("%Y%m%d")
        expected = {
            other: f"360302-{day}-0001",
            first: f"360302-{day}-0002",
            second: f"360302-{day}-0003",
        }
        for ws in (a, a2, sup):
            assert {cid: _number(ws, cid) for cid in expected} == expected
        assert all(re.fullmatch(r"\d{6}-\d{8}-\d{4}", n) for n in expected.values())
        from gridworker.services.printing import print_case

        text = extract(print_case(sup, first, tmp_path / "sheet.pdf"))
        assert f"事件编号：360302-{day}-0002" in text
    finally:
        for ws in (a, a2, sup):
            ws.close()
