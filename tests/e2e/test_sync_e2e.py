"""Client and server end to end: real server process, real SQLCipher profiles, real HTTP."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseState,
    NeedCategory,
    TagKind,
    VisitMode,
)
from gridworker.services import cases, register, visits
from gridworker.services.attachments import attach
from gridworker.services.conflict_review import grid_conflicts
from gridworker.services.status import status
from gridworker.services.syncing import list_conflicts, resolve_conflict, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import SYNC_MODELS, CaseRow, HouseholdRow, OutboxEntry
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled


def snapshot(ws: Workspace, grid: str = GRID_A) -> dict[tuple[str, str], dict[str, Any]]:
    """Every live record of a grid as plain values, without local bookkeeping (a tombstone
    counts as absence: once purged on the server it is simply gone)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with ws.read() as s:
        for entity, model in SYNC_MODELS.items():
            for row in s.scalars(
                select(model).where(model.grid_code == grid, model.deleted.is_(False))
            ):
                fields = row.to_fields()
                fields["version"] = row.version
                out[(entity, row.id)] = fields
    return out


def outbox_size(ws: Workspace) -> int:
    with ws.read() as s:
        return len(list(s.scalars(select(OutboxEntry))))


def add_household(ws: Workspace, no: str, grid: str = GRID_A) -> str:
    return register.register_household(
        ws,
        register.HouseholdInput(grid_code=grid, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(
                name="张秀英", id_number="360302195003070025", tags=[TagKind.living_alone_elderly]
            )
        ],
    )


def set_field(ws: Workspace, household_id: str, **changes: Any) -> None:
    register.edit_record(ws, HouseholdRow, household_id, changes)


def test_register_visit_case_reach_the_right_people(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves records made offline by one worker reach a colleague of the same grid and the
    street supervisor, and not a worker of another grid; outboxes end empty."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    b = enrolled(live_server, tmp_path, "worker.b")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        hid = add_household(a, "0001")
        visit = visits.record_visit(
            a,
            household_id=hid,
            mode=VisitMode.home,
            needs=[visits.NeedInput(NeedCategory.livelihood, "楼道灯坏了")],
        )
        case_id = cases.need_to_case(a, visit.need_ids[0])
        report = sync_now(a)
        assert report.rejected == 0 and report.conflicts == 0, report
        for ws in (a2, b, sup):
            sync_now(ws)
        assert outbox_size(a) == 0
        assert snapshot(a2) == snapshot(a)
        assert snapshot(sup) == snapshot(a)
        assert snapshot(b) == {}
        with sup.read() as s:
            assert s.get_one(CaseRow, case_id).state is CaseState.reported
        assert status(a)["pending"] == 0 and status(a)["online"] is True
    finally:
        for ws in (a, a2, b, sup):
            ws.close()


def test_overlapping_edits_in_every_order(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves, for every order of syncing two workers and a supervisor: different fields merge,
    the same field edited differently becomes one visible conflict, and all converge."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    clients = {"a": a, "a2": a2, "sup": sup}
    try:
        for n, order in enumerate(itertools.permutations(clients)):
            hid = add_household(a, f"1{n:03d}")
            for ws in (a, a2, sup):
                sync_now(ws)
            # Offline edits: a and a2 change different fields; a2 and sup the same field.
            set_field(a, hid, address=f"新地址{n}")
            set_field(a2, hid, head_name="李四", note=f"a2-{n}")
            set_field(sup, hid, note=f"sup-{n}")
            total_conflicts = 0
            for name in order:
                total_conflicts += sync_now(clients[name]).conflicts
            for ws in (a, a2, sup):  # a second round delivers what the first produced
                sync_now(ws)
            assert total_conflicts == 1, order
            views = {name: snapshot(ws) for name, ws in clients.items()}
            assert views["a"] == views["a2"] == views["sup"], order
            row = views["a"][("household", hid)]
            assert row["address"] == f"新地址{n}" and row["head_name"] == "李四"
            assert row["note"] in (f"a2-{n}", f"sup-{n}")
            open_for = {
                name: [c for c in list_conflicts(ws) if c.record_id == hid]
                for name, ws in clients.items()
            }
            # Listed as their own by the two whose edits met; worker a reviews nothing here
            # (the supervisor's review desk shows every conflict of the grid).
            lens = {name: len(v) for name, v in open_for.items()}
            assert lens == {"a": 0, "a2": 1, "sup": 1}, (order, open_for)
            # Resolve from whichever laptop; the choice reaches everyone.
            conflict = open_for["sup"][0]
            resolve_conflict(sup, conflict.id, field="note", value=f"agreed-{n}")
            for ws in (sup, a, a2):
                sync_now(ws)
            assert all(
                snapshot(ws)[("household", hid)]["note"] == f"agreed-{n}" for ws in clients.values()
            )
            assert all(
                not [c for c in list_conflicts(ws) if c.record_id == hid] for ws in clients.values()
            )
            assert all(outbox_size(ws) == 0 for ws in clients.values())
    finally:
        for ws in clients.values():
            ws.close()


def test_edit_against_delete_is_a_conflict(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a delete on one laptop and an edit on another end in a visible conflict, not a
    silent loss of the edit."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "2001")
        sync_now(a)
        sync_now(a2)
        register.delete_record(a, HouseholdRow, hid)
        set_field(a2, hid, note="还住着人")
        sync_now(a)
        report = sync_now(a2)
        assert report.conflicts == 1
        [conflict] = [c for c in list_conflicts(a2) if c.record_id == hid]
        assert conflict.kind == "delete"
    finally:
        a.close()
        a2.close()


def test_a_workflow_action_that_came_too_late_is_kept_as_a_conflict(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves two workers verifying the same handled case offline: the first applies, the
    second is kept as a rejected action in a visible conflict and the state stays right."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        case_id = cases.report_case(
            a, grid_code=GRID_A, title="井盖缺失", category=CaseCategory.hazard
        )
        sync_now(a)
        sync_now(sup)
        for action in (
            CaseActionKind.accept,
            CaseActionKind.handle_directly,
            CaseActionKind.report_done,
        ):
            cases.act_on_case(sup, case_id, action)
        sync_now(sup)
        sync_now(a)
        sync_now(a2)
        cases.act_on_case(a, case_id, CaseActionKind.verify_ok)
        cases.act_on_case(a2, case_id, CaseActionKind.verify_fail)
        sync_now(a)
        late = sync_now(a2)
        assert late.conflicts == 1
        for ws in (a, a2, sup):
            sync_now(ws)
        states = set()
        for ws in (a, a2, sup):
            with ws.read() as s:
                states.add(s.get_one(CaseRow, case_id).state)
        assert states == {CaseState.verified}
        assert any(c.kind == "workflow" for c in list_conflicts(a2))
        # The supervisor reviews it in the review desk, not as their own conflict.
        assert not any(c.kind == "workflow" for c in list_conflicts(sup))
        assert any(c.kind == "workflow" for c in grid_conflicts(sup))
    finally:
        for ws in (a, a2, sup):
            ws.close()


def test_attachments_follow_their_records(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a photo attached offline is uploaded after its record and downloaded, encrypted,
    by a colleague, byte for byte."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        hid = add_household(a, "3001")
        photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 9000  # ~2.3 MB, several chunks
        attach(a, owner_entity="household", owner_id=hid, data=photo, is_evidence=True)
        report = sync_now(a)
        assert report.uploaded == 1
        got = sync_now(a2)
        assert got.downloaded == 1
        import hashlib

        assert a2.profile.attachments.open_bytes(hashlib.sha256(photo).hexdigest()) == photo
    finally:
        a.close()
        a2.close()


def test_other_grid_is_refused_visibly(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a record pushed into a grid outside the worker's scope is rejected and stays
    visible in the outbox (never silently dropped)."""
    a = enrolled(live_server, tmp_path, "worker.a")
    try:
        a.actor = a.actor.__class__(**{**a.actor.__dict__, "grids": (GRID_A, GRID_B)})
        add_household(a, "4001", grid=GRID_B)
        report = sync_now(a)
        assert report.rejected == 3  # the household, its resident and the resident's tag
        assert status(a)["rejected"] == 3 and status(a)["pending"] == 0
    finally:
        a.close()
