"""The households filter on a colleague's laptop finds what a sync brought (issue 8)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridworker.domain.enums import Relationship
from gridworker.services import register
from gridworker.services.queries import search_households
from gridworker.services.syncing import sync_now
from gridworker.storage.models import ResidentRow
from tests.e2e.conftest import GRID_A, LiveServer, enrolled


def test_a_pulled_household_is_found_by_a_members_given_name(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a household registered on one laptop and pulled by a colleague's is found there
    by a member's given name and by part of its address, and that a member deleted on the
    first laptop stops matching on the second after the next sync."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        register.register_household(
            a,
            register.HouseholdInput(grid_code=GRID_A, household_no="0042", address="凤凰小区7栋"),
            [
                register.ResidentInput(name="陈志强", relationship=Relationship.head),
                register.ResidentInput(name="林美华", relationship=Relationship.spouse),
            ],
        )
        sync_now(a)
        assert search_households(a2, text="美华").items == []
        sync_now(a2)
        assert [h.household_no for h in search_households(a2, text="美华").items] == ["0042"]
        assert [h.household_no for h in search_households(a2, text="小区7").items] == ["0042"]

        with a.read() as s:
            spouse = s.scalars(select(ResidentRow.id).where(ResidentRow.name == "林美华")).one()
        register.delete_record(a, ResidentRow, spouse)
        sync_now(a)
        sync_now(a2)
        assert search_households(a2, text="美华").items == []
        assert [h.household_no for h in search_households(a2, text="志强").items] == ["0042"]
    finally:
        a.close()
        a2.close()
