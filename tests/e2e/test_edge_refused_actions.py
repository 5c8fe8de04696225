"""Convergence finding 5 replayed as a fixed sequence against the real server and real
profiles, with the machine's own checks (docs/reliability.md §9)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from gridworker.domain.enums import CaseActionKind, CaseCategory
from gridworker.services import cases
from gridworker.services.refused import refused_changes
from gridworker.services.syncing import sync_now
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.server_ops import set_grids
from tests.reliability.conftest import ServerDb
from tests.reliability.convergence_checks import check_actions, check_created, check_refused


def test_actions_on_a_case_refused_with_its_grid_are_refused_changes_on_the_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves finding 5's sequence (worker b reports a case in grid B and takes an action on
    it offline; the admin gives b grid A instead; b syncs) ends with the case's create and
    its actions refused `out_of_scope` and readable on b's laptop, each with the reason in
    Chinese, and that the machine's checks accept that end: the action is visible (a
    refused change), not lost. The check counted only applied actions and workflow
    conflicts, and failed here."""
    b = enrolled(any_server, tmp_path, "worker.b")
    try:
        case_id = cases.report_case(
            b, grid_code=GRID_B, title="漏水", category=CaseCategory.dispute, submit=False
        )
        before = {t.id for t in cases.case_timeline(b, case_id)}
        cases.act_on_case(b, case_id, CaseActionKind.report, note="现场核实")
        actions = [t.id for t in cases.case_timeline(b, case_id) if t.id not in before]
        assert actions
        set_grids(any_server.db_url, "worker.b", [GRID_A])
        sync_now(b)
        sync_now(b)
        refused = {(c.entity, c.code): c.explanation for c in refused_changes(b)}
        assert set(refused) == {("case", "out_of_scope"), ("case_action", "out_of_scope")}
        assert all("服务器没有接受这项修改" in why for why in refused.values())
        db = ServerDb(any_server.db_url)
        try:
            records, conflicts = db.records(), db.conflicts()
        finally:
            db.close()
        assert ("case", case_id) not in records
        machine = SimpleNamespace(
            ws={"b": b},
            actions=[(a, case_id) for a in actions],
            created={("case", case_id): "b"},
            deleted=set(),
            purges=0,
            moves=set(),
            scope_changes={"b"},
            key_edits=0,
        )
        check_refused(machine, "b", b)
        check_created(machine, records, conflicts)
        check_actions(machine, records, conflicts)
    finally:
        b.close()
