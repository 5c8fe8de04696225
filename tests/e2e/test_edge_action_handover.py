"""A workflow action waiting on a laptop while its case leaves the actor's grids (moved to
another grid, or the grid taken from the user) is handed over like a waiting field edit
(server/handover.py, docs/design.md §4.6): kept as a workflow conflict in the case's grid
that its supervisors see, answered `left_scope` to the actor's laptop, never applied and
never lost. A device that never held the case's grid gets the answer of a case that does
not exist. Real server process on SQLite and PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gridworker.domain.enums import CaseActionKind, CaseCategory
from gridworker.domain.version import SCHEMA_VERSION
from gridworker.services import cases, register
from gridworker.services.conflict_review import grid_conflicts
from gridworker.services.refused import refused_changes
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import CaseRow
from gridworker.sync.client import make_transport
from gridworker.sync.engine import SyncEngine
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.server_ops import set_grids
from tests.e2e.test_sync_e2e import snapshot
from tests.reliability.conftest import ServerDb
from tests.reliability.convergence_checks import check_actions
from tests.reliability.convergence_edges import HookedClient


def _act_offline(ws: Workspace, case_id: str) -> str:
    """Report (上报) the draft case on the laptop; the new action's id."""
    before = {t.id for t in cases.case_timeline(ws, case_id)}
    cases.act_on_case(ws, case_id, CaseActionKind.report, note="离线上报")
    [action] = [t.id for t in cases.case_timeline(ws, case_id) if t.id not in before]
    return action


def _handed_over(
    server: LiveServer, actor: Workspace, sup: Workspace, case_id: str, action: str, grid: str
) -> None:
    """The action is stored rejected `left_scope` in the case's grid, the case unchanged,
    and the supervisor's review desk lists the workflow conflict. The convergence machine's
    check holds the run to the same rule first: before the fix, it failed here (the action
    was only a refused change on the laptop, of a case the server has)."""
    db = ServerDb(server.db_url)
    try:
        records, conflicts = db.records(), db.conflicts()
    finally:
        db.close()
    machine = SimpleNamespace(ws={"actor": actor}, actions=[(action, case_id)], deleted=set())
    check_actions(machine, records, conflicts)
    case = records[("case", case_id)]
    assert (case.grid_code, case.data["state"]) == (grid, "draft")
    stored = records[("case_action", action)]
    assert (stored.grid_code, stored.data["rejected"], stored.data["reject_code"]) == (
        grid,
        True,
        "left_scope",
    )
    [handed] = [c for c in conflicts if c.record_id == case_id]
    assert (handed.kind, handed.grid_code, handed.reject_code) == ("workflow", grid, "left_scope")
    assert handed.action["id"] == action
    [seen] = [c for c in grid_conflicts(sup) if c.record_id == case_id]
    assert (seen.kind, seen.reject_code, seen.action["id"]) == ("workflow", "left_scope", action)


def _left_the_laptop(ws: Workspace, case_id: str, action: str) -> None:
    refused = [(c.entity, c.record_id, c.code) for c in refused_changes(ws)]
    assert refused == [("case_action", action, "left_scope")]
    assert ("case", case_id) not in snapshot(ws, GRID_A) | snapshot(ws, GRID_B)


def test_an_action_waiting_on_a_case_moved_away_goes_to_the_supervisor(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves worker A's action (上报) taken offline on a case the supervisor then moves to
    grid B is neither applied nor lost: the supervisor sees it as a workflow conflict in
    grid B (`left_scope`), A keeps it as a refused change with that code, and A's laptop
    no longer holds the case. Before the fix it was refused `out_of_scope`, and the
    supervisor saw nothing."""
    a = enrolled(any_server, tmp_path, "worker.a")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="井盖缺失", category=CaseCategory.dispute, submit=False
        )
        sync_now(a)
        sync_now(sup)
        action = _act_offline(a, case_id)
        register.edit_record(sup, CaseRow, case_id, {"grid_code": GRID_B})
        sync_now(sup)
        sync_now(a)
        sync_now(a)
        _handed_over(any_server, a, sup, case_id, action, GRID_B)
        _left_the_laptop(a, case_id, action)
    finally:
        a.close()
        sup.close()


def test_an_action_waiting_when_the_grid_is_taken_away_goes_to_the_supervisor(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the same hand-over when the admin takes grid A from worker A2 while A2's
    action waits (the case stays in grid A): a workflow conflict the supervisor sees, a
    `left_scope` refused change on A2's laptop, no copy of the case left there."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="路灯不亮", category=CaseCategory.dispute, submit=False
        )
        sync_now(a)
        sync_now(a2)
        action = _act_offline(a2, case_id)
        set_grids(any_server.db_url, "worker.a2", [GRID_B])
        sync_now(a2)
        sync_now(a2)
        _handed_over(any_server, a2, sup, case_id, action, GRID_A)
        _left_the_laptop(a2, case_id, action)
    finally:
        a.close()
        a2.close()
        sup.close()
        set_grids(any_server.db_url, "worker.a2", [GRID_A])


def test_an_action_taken_while_the_eviction_is_pulled_is_handed_over(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the hand-over when the laptop pulls the eviction of grid A before the action
    reaches the server (taken while the sync runs, after its push): the action goes as the
    case's version the laptop held, so the server can tell it came from a copy held before
    the release. Sent with base 0 (as before the fix), it was refused `out_of_scope`."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="垃圾满溢", category=CaseCategory.dispute, submit=False
        )
        sync_now(a)
        sync_now(a2)
        set_grids(any_server.db_url, "worker.a2", [GRID_B])
        good = client_for(a2)
        client = HookedClient(
            make_transport(good.base_url), device_id=good.device_id, token=good.token
        )
        taken: list[str] = []
        client.hook = lambda: taken.append(_act_offline(a2, case_id))
        SyncEngine(a2.profile, client, username="worker.a2").run_cycle()
        sync_now(a2)
        sync_now(a2)
        [action] = taken
        _handed_over(any_server, a2, sup, case_id, action, GRID_A)
        _left_the_laptop(a2, case_id, action)
    finally:
        a.close()
        a2.close()
        sup.close()
        set_grids(any_server.db_url, "worker.a2", [GRID_A])


def _push_action(ws: Workspace, mutation_id: int, case_id: str, base: int) -> tuple[int, Any]:
    """POST one 上报 action as the laptop's device does; (status, body without the
    mutation's own number)."""
    client = client_for(ws)
    action_id = str(uuid.uuid4())
    payload = {"id": action_id, "grid_code": GRID_A, "deleted": False, "case_id": case_id,
               "action": "report", "actor": ws.actor.username, "actor_role": "grid_worker",
               "at": "2026-12-07T08:00:00+00:00"}  # fmt: skip
    body = {
        "device_id": client.device_id,
        "mutations": [
            {
                "mutation_id": mutation_id,
                "op": "command",
                "entity": "case_action",
                "record_id": action_id,
                "grid_code": GRID_A,
                "base_version": base,
                "schema_version": SCHEMA_VERSION,
                "payload": payload,
            },
        ],
    }
    response = client.request("POST", "/api/v1/sync/push", json=body, retry=False)
    answer = response.json()
    for outcome in answer.get("outcomes", ()):
        assert outcome.pop("mutation_id") == mutation_id
    return response.status_code, answer


def test_an_action_from_a_device_that_never_held_the_grid_gets_the_missing_answer(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a device that never held grid A (worker B's) pushing an action on a case of
    grid A, whatever base version it claims, gets exactly the HTTP status and body a case
    that does not exist gets (`out_of_scope`), and nothing is stored or handed over."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    try:
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="占道经营", category=CaseCategory.dispute, submit=False
        )
        sync_now(a)
        sync_now(b)
        with a.read() as s:
            version = s.get_one(CaseRow, case_id).version
        db = ServerDb(any_server.db_url)
        try:
            before = (len(db.records()), len(db.conflicts()))
        finally:
            db.close()
        for n, base in enumerate((0, version, version + 1000)):
            real = _push_action(b, 910_001 + 2 * n, case_id, base)
            missing = _push_action(b, 910_002 + 2 * n, str(uuid.uuid4()), base)
            assert real[0] == 200 and real[1]["outcomes"][0]["code"] == "out_of_scope"
            assert real == missing
        db = ServerDb(any_server.db_url)
        try:
            assert (len(db.records()), len(db.conflicts())) == before
        finally:
            db.close()
    finally:
        a.close()
        b.close()
