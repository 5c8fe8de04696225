"""分户 through a real server: a split on one laptop reaches the colleague and the street
supervisor with the members in the new household and the event in both histories; two
laptops splitting the same person into different households end as one visible conflict
on that person's household, never a silent overwrite."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridworker.domain import ids
from gridworker.domain.enums import Relationship
from gridworker.domain.life_enums import LifeEventKind
from gridworker.services import register
from gridworker.services.household_split import split_household
from gridworker.services.life_events import household_history
from gridworker.services.syncing import list_conflicts, sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.models import ResidentRow
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_life_events_sync import _id_number
from tests.e2e.test_sync_e2e import outbox_size


def _family(ws: Workspace, no: str) -> tuple[str, dict[str, str]]:
    serial = int(no) % 997
    family = (
        ("刘建国", "19560312", Relationship.head),
        ("刘伟", "19820315", Relationship.son),
        ("陈静", "19850620", Relationship.child_in_law),
    )
    hid = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(name, _id_number(born, serial), relationship=rel)
            for name, born, rel in family
        ],
    )
    with ws.read() as s:
        people = {
            r.name: r.id
            for r in s.scalars(select(ResidentRow).where(ResidentRow.household_id == hid))
        }
    return hid, people


def _household_of(ws: Workspace, rid: str) -> str:
    with ws.read() as s:
        row = s.get(ResidentRow, rid)
        assert row is not None
        return row.household_id


def test_a_split_syncs_and_two_different_splits_of_one_person_conflict(
    live_server: LiveServer, tmp_path: Path
) -> None:
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        hid, people = _family(a, "7001")
        for ws in (a, a2, sup):
            sync_now(ws)
        today = a.today()
        new = split_household(a, hid, [people["陈静"]], head_id=people["刘伟"],
                              household_no="7002", event_date=today)  # fmt: skip
        for ws in (a, a2, sup):
            sync_now(ws)
        for ws in (a, a2, sup):
            assert _household_of(ws, people["刘伟"]) == new == _household_of(ws, people["陈静"])
            assert [e.kind for e in household_history(ws, hid)] == [LifeEventKind.split_off]
            assert [e.place for e in household_history(ws, new)] == ["分自户号7001"]
            assert outbox_size(ws) == 0 and list_conflicts(ws) == []

        hid2, people2 = _family(a, "7101")
        for ws in (a, a2):
            sync_now(ws)
        son = people2["刘伟"]
        split_household(a, hid2, [], head_id=son, household_no="7102", event_date=today)
        split_household(a2, hid2, [], head_id=son, household_no="7103", event_date=today)
        for ws in (a, a2, a, sup):
            sync_now(ws)
        for ws in (a, a2, sup):
            # A supervisor's own list holds only its parties' conflicts; it reviews the rest.
            held = list_conflicts(ws, everyone=ws is sup)
            [conflict] = [c for c in held if c.record_id == son]
            fields = {f["field"]: f for f in conflict.fields}
            assert set(fields) == {"household_id"}
            assert {fields["household_id"]["server"], fields["household_id"]["local"]} == {
                ids.household_id(a.id_secret, GRID_A, "7102"),
                ids.household_id(a.id_secret, GRID_A, "7103"),
            }
    finally:
        for ws in (a, a2, sup):
            ws.close()
