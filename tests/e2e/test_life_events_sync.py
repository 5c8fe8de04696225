"""Life events through a real server and several laptops: a move-out and an edit of the
same person made without seeing each other end as one visible conflict in either order;
two laptops changing the head differently end as a conflict too; events reach the
colleague and the supervisor in the household's grid."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from sqlalchemy import select

from gridworker.domain.enums import Relationship
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.domain.life_enums import ResidentStatus
from gridworker.domain.validation import id_check_digit
from gridworker.services import register
from gridworker.services.life_events import EventInput, household_history, record_event
from gridworker.services.register_edit import apply_edit
from gridworker.services.syncing import list_conflicts, resolve_conflict, sync_now
from gridworker.services.today import visits_due
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_sync_e2e import outbox_size

PEOPLE = (
    ("刘建国", "19560312", Relationship.head),
    ("王秀兰", "19580907", Relationship.spouse),
    ("刘伟", "19820315", Relationship.son),
)


def _id_number(born: str, serial: int) -> str:
    """A well-formed ID number (a new person per household: ids follow the number)."""
    first = f"360302{born}{serial:03d}"
    return first + id_check_digit(first)


def _family(ws: Workspace, no: str) -> tuple[str, dict[str, str]]:
    serial = int(no) % 997
    hid = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(name, _id_number(born, serial), relationship=rel)
            for name, born, rel in PEOPLE
        ],
    )
    with ws.read() as s:
        people = {
            r.name: r.id
            for r in s.scalars(select(ResidentRow).where(ResidentRow.household_id == hid))
        }
    return hid, people


def _resident(ws: Workspace, rid: str) -> ResidentRow:
    with ws.read() as s:
        row = s.get(ResidentRow, rid)
        assert row is not None
        return row


def test_move_out_against_an_unseen_edit_is_a_conflict_in_either_order(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves, for both orders of syncing: worker A records 迁出 of a person while worker A2
    changes that person's phone without knowing; the second to sync gets one visible
    conflict on the person's standing (人员状态), the phone edit is not lost, every laptop
    and the street supervisor see the same conflict, and the event reaches all of them."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    clients = {"a": a, "a2": a2}
    try:
        for n, order in enumerate(itertools.permutations(clients)):
            hid, people = _family(a, f"6{n:03d}")
            for ws in (a, a2, sup):
                sync_now(ws)
            spouse = people["王秀兰"]
            record_event(a, EventInput(K.moved_out, date.today(), resident_id=spouse, place="南昌"))
            apply_edit(a2, "resident", spouse, {"phone": "13907990011"})
            reports = [sync_now(clients[name]) for name in order]
            assert [r.conflicts for r in reports] == [0, 1], order
            for ws in (a, a2, sup):
                sync_now(ws)
            for ws in (a, a2, sup):
                [conflict] = [
                    c for c in list_conflicts(ws, everyone=ws is sup) if c.record_id == spouse
                ]
                fields = {f["field"]: f for f in conflict.fields}
                assert "life_status" in fields, (order, conflict.fields)
                assert {fields["life_status"]["server"], fields["life_status"]["local"]} == {
                    None,
                    "moved_out",
                }
                assert _resident(ws, spouse).phone == "13907990011"
                assert [e.kind for e in household_history(ws, hid)] == [K.moved_out]
                assert outbox_size(ws) == 0
            # The supervisor decides: she moved out.
            [conflict] = [c for c in list_conflicts(sup, everyone=True) if c.record_id == spouse]
            resolve_conflict(sup, conflict.id, field="life_status", value="moved_out")
            for ws in (sup, a, a2):
                sync_now(ws)
            for ws in (a, a2, sup):
                assert _resident(ws, spouse).life_status is ResidentStatus.moved_out
                assert not [
                    c for c in list_conflicts(ws, everyone=ws is sup) if c.record_id == spouse
                ]
                assert "王秀兰" not in {v.name for v in visits_due(ws, today=date.today())}
    finally:
        for ws in (a, a2, sup):
            ws.close()


def test_two_laptops_changing_the_head_differently_is_a_conflict(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves worker A making the spouse the head and worker A2 making the son the head
    (offline, the same day) end as a visible conflict on the household's 户主 that both
    laptops and the supervisor see, with both events in the history."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        hid, people = _family(a, "7001")
        for ws in (a, a2, sup):
            sync_now(ws)
        record_event(a, EventInput(K.head_changed, date.today(), resident_id=people["王秀兰"]))
        record_event(a2, EventInput(K.head_changed, date.today(), resident_id=people["刘伟"]))
        assert sync_now(a).conflicts == 0
        assert sync_now(a2).conflicts == 1
        for ws in (a, a2, sup):
            sync_now(ws)
        for ws in (a, a2, sup):
            [conflict] = [c for c in list_conflicts(ws, everyone=ws is sup) if c.record_id == hid]
            [field] = [f for f in conflict.fields if f["field"] == "head_name"]
            assert {field["server"], field["local"]} == {"王秀兰", "刘伟"}
            history = household_history(ws, hid)
            assert sorted(e.resident_name or "" for e in history) == ["刘伟", "王秀兰"]
            with ws.read() as s:
                assert s.get_one(HouseholdRow, hid).head_name == "王秀兰"  # the first, for now
    finally:
        for ws in (a, a2, sup):
            ws.close()
