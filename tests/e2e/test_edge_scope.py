"""Records leaving a laptop's grids: a moved household takes its children along; an edit
waiting on a row that leaves the scope (moved away, or its grid taken from the user) is
never silently lost and never leaves a stale copy. Real server process on SQLite and
PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridworker.domain.enums import NeedCategory, TagKind, VisitMode
from gridworker.services import register, visits
from gridworker.services.attachments import attach
from gridworker.services.syncing import sync_now
from gridworker.storage.models import HouseholdRow
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.test_sync_e2e import snapshot
from tests.reliability.conftest import ServerDb


def _household_with_everything(ws: Any, no: str) -> str:
    hid = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address="凤凰小区5栋"),
        [
            register.ResidentInput(
                name="张秀英", id_number="360302195003070025", tags=[TagKind.living_alone_elderly]
            ),
            register.ResidentInput(name="李建国", id_number="360302195505050032"),
        ],
    )
    done = visits.record_visit(
        ws,
        household_id=hid,
        mode=VisitMode.home,
        needs=[visits.NeedInput(NeedCategory.livelihood, "楼道灯坏了")],
    )
    attach(ws, owner_entity="household", owner_id=hid, data=b"\x89PNG not really" * 10)
    attach(ws, owner_entity="visit", owner_id=done.visit_id, data=b"visit photo" * 10)
    return hid


def test_a_moved_household_takes_its_residents_tags_visits_needs_and_photos(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a household the supervisor moves from grid A to grid B arrives on B's laptop
    with its residents, tags, visit, need and photos, and leaves A's laptop entirely; on
    the server every child lives in the household's grid."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid = _household_with_everything(a, "0501")
        sync_now(a)
        sync_now(sup)
        moving = {k for k in snapshot(a) if k[0] != "household" or k[1] == hid}
        assert {e for e, _ in moving} == {
            "household",
            "resident",
            "resident_tag",
            "visit",
            "need",
            "attachment",
        }
        register.edit_record(sup, HouseholdRow, hid, {"grid_code": GRID_B})
        for ws in (sup, a, b):
            sync_now(ws)
        assert snapshot(a) == {}
        assert set(snapshot(b, GRID_B)) == moving
        assert snapshot(sup, GRID_B) == snapshot(b, GRID_B)
        db = ServerDb(any_server.db_url)
        try:
            records = db.records()
        finally:
            db.close()
        assert {records[k].grid_code for k in moving} == {GRID_B}
    finally:
        a.close()
        b.close()
        sup.close()
