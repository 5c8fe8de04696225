"""The same household from two laptops: natural keys folded, creates merged as edits of the
fields they set, per-field bases of coalesced edits, profiles set up offline, enrollment.
Real server process (SQLite and PostgreSQL), real SQLCipher profiles."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridworker.services import register
from gridworker.services.syncing import sync_now
from gridworker.storage.models import HouseholdRow
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_sync_e2e import snapshot
from tests.reliability.conftest import ServerDb


def households(ws) -> list[HouseholdRow]:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        rows = list(s.scalars(select(HouseholdRow).where(HouseholdRow.deleted.is_(False))))
        s.expunge_all()
        return rows


def test_full_width_household_number_is_the_same_household(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves `１０１` typed on one laptop and `101` on another make one household (folded
    like an ID number), on the server and on both laptops, and the same address typed in
    composed and decomposed Unicode is no conflict."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        composed = "凤凰小区Café 1栋"
        decomposed = "凤凰小区Cafe\u0301 1栋"
        one = register.register_household(
            a, register.HouseholdInput(grid_code=GRID_A, household_no="１０１", address=composed)
        )
        two = register.register_household(
            a2,
            register.HouseholdInput(grid_code=GRID_A, household_no=" 101 ", address=decomposed),
        )
        assert one == two
        for ws in (a, a2, a, a2):
            report = sync_now(ws)
            assert report.conflicts == 0
        db = ServerDb(any_server.db_url)
        try:
            live = [
                r for (e, _i), r in db.records().items() if e == "household" and not r.deleted
            ]
            assert not db.conflicts()
        finally:
            db.close()
        assert [r.data["household_no"] for r in live] == ["101"]
        assert [h.household_no for h in households(a)] == ["101"]
        assert snapshot(a) == snapshot(a2)
    finally:
        a.close()
        a2.close()
