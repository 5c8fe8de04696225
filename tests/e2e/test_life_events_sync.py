"""Life events through a real server (SQLite and PostgreSQL) and several laptops: a
move-out and an edit of the same person made without seeing each other end as one visible
conflict in either order; two laptops changing the head differently end as a conflict
too; a death recorded by mistake is withdrawn with a reason on another laptop and every
laptop follows; an edit and an event of a person whose household moved to another grid
meanwhile follow the scope rules; events reach the colleague and the supervisor."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from sqlalchemy import select

from gridworker.domain.enums import Relationship, TagKind
from gridworker.domain.errors import ValidationError
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.domain.life_enums import ResidentStatus
from gridworker.domain.validation import id_check_digit
from gridworker.services import register
from gridworker.services.life_events import EventInput, household_history, record_event
from gridworker.services.refused import refused_changes
from gridworker.services.register_edit import apply_edit
from gridworker.services.syncing import list_conflicts, resolve_conflict, sync_now
from gridworker.services.today import visits_due
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow, ResidentTagRow
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.test_edge_scope import _server_conflicts
from tests.e2e.test_sync_e2e import outbox_size, snapshot

PEOPLE = (
    ("刘建国", "19560312", Relationship.head),
    ("王秀兰", "19580907", Relationship.spouse),
    ("刘伟", "19820315", Relationship.son),
)


def _id_number(born: str, serial: int) -> str:
    """A well-formed ID number (a new person per household: ids follow the number)."""
    first = f"360302{born}{serial:03d}"
    return first + id_check_digit(first)


def _family(
    ws: Workspace, no: str, tags: tuple[TagKind, ...] = ()
) -> tuple[str, dict[str, str]]:
    """A household of three; `tags` go to its head."""
    serial = int(no) % 997
    hid = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(
                name,
                _id_number(born, serial),
                relationship=rel,
                tags=list(tags) if rel is Relationship.head else [],
            )
            for name, born, rel in PEOPLE
        ],
    )
    with ws.read() as s:
        people = {
            r.name: r.id
            for r in s.scalars(select(ResidentRow).where(ResidentRow.household_id == hid))
        }
    return hid, people


def _conflicts(ws: Workspace) -> list:  # type: ignore[type-arg]
    """The open conflicts a laptop holds: a supervisor's own list has only those it is a
    party to, the others it reviews (docs/design.md §4.9)."""
    return list_conflicts(ws, everyone=ws.actor.role.value == "supervisor")


def _resident(ws: Workspace, rid: str) -> ResidentRow:
    with ws.read() as s:
        row = s.get(ResidentRow, rid)
        assert row is not None
        return row


def test_move_out_against_an_unseen_edit_is_a_conflict_in_either_order(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves, for both orders of syncing: worker A records 迁出 of a person while worker A2
    changes that person's phone without knowing; the second to sync gets one visible
    conflict on the person's standing (人员状态), the phone edit is not lost, every laptop
    and the street supervisor see the same conflict, and the event reaches all of them."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    clients = {"a": a, "a2": a2}
    try:
        for n, order in enumerate(itertools.permutations(clients)):
            hid, people = _family(a, f"6{n:03d}")
            for ws in (a, a2, sup):
                sync_now(ws)
            spouse = people["王秀兰"]
            record_event(
                a, EventInput(K.moved_out, date.today(), resident_id=spouse, place="南昌")
            )
            apply_edit(a2, "resident", spouse, {"phone": "13907990011"})
            reports = [sync_now(clients[name]) for name in order]
            assert [r.conflicts for r in reports] == [0, 1], order
            for ws in (a, a2, sup):
                sync_now(ws)
            for ws in (a, a2, sup):
                [conflict] = [c for c in _conflicts(ws) if c.record_id == spouse]
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
            [conflict] = [c for c in _conflicts(sup) if c.record_id == spouse]
            resolve_conflict(sup, conflict.id, field="life_status", value="moved_out")
            for ws in (sup, a, a2):
                sync_now(ws)
            for ws in (a, a2, sup):
                assert _resident(ws, spouse).life_status is ResidentStatus.moved_out
                assert not [c for c in _conflicts(ws) if c.record_id == spouse]
                assert "王秀兰" not in {v.name for v in visits_due(ws, today=date.today())}
    finally:
        for ws in (a, a2, sup):
            ws.close()


def test_two_laptops_changing_the_head_differently_is_a_conflict(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves worker A making the spouse the head and worker A2 making the son the head
    (offline, the same day) end as a visible conflict on the household's 户主 that both
    laptops and the supervisor see, with both events in the history."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
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
            [conflict] = [c for c in _conflicts(ws) if c.record_id == hid]
            [field] = [f for f in conflict.fields if f["field"] == "head_name"]
            assert {field["server"], field["local"]} == {"王秀兰", "刘伟"}
            history = household_history(ws, hid)
            assert sorted(e.resident_name or "" for e in history) == ["刘伟", "王秀兰"]
            with ws.read() as s:
                assert s.get_one(HouseholdRow, hid).head_name == "王秀兰"  # the first, for now
    finally:
        for ws in (a, a2, sup):
            ws.close()


def _tag_ends(ws: Workspace, rid: str) -> list[date | None]:
    with ws.read() as s:
        return [
            t.end_date
            for t in s.scalars(select(ResidentTagRow).where(ResidentTagRow.resident_id == rid))
        ]


def test_a_death_recorded_by_mistake_is_withdrawn_with_a_reason_on_every_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves worker A's mistaken 死亡 of the head (closing his 独居老人 tag) reaches worker
    A2 and the supervisor; A2 cannot withdraw it without a reason, withdraws it with one,
    and after syncing every laptop has him back in the register with the tag open again,
    the death kept in the history marked withdrawn with the reason beside it, nothing left
    to send and no conflict."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid, people = _family(a, "7101", tags=(TagKind.living_alone_elderly,))
        head = people["刘建国"]
        for ws in (a, a2, sup):
            sync_now(ws)
        record_event(a, EventInput(K.died, date.today(), resident_id=head, reason="病故"))
        for ws in (a, a2, sup):
            sync_now(ws)
        for ws in (a, a2, sup):
            assert _resident(ws, head).life_status is ResidentStatus.died
            assert _tag_ends(ws, head) == [date.today()]
        try:
            record_event(a2, EventInput(K.death_undone, date.today(), resident_id=head))
        except ValidationError as exc:
            assert exc.field == "reason"
        else:
            raise AssertionError("a withdrawal without a reason was accepted")
        record_event(
            a2,
            EventInput(K.death_undone, date.today(), resident_id=head, reason="误登记，本人健在"),
        )
        for ws in (a2, a, sup):
            assert sync_now(ws).conflicts == 0
        for ws in (a, a2, sup):
            assert _resident(ws, head).life_status is None
            assert _tag_ends(ws, head) == [None]
            died, undone = household_history(ws, hid)
            assert (died.kind, died.withdrawn) == (K.died, True)
            assert (undone.kind, undone.reason, undone.undoes_id) == (
                K.death_undone,
                "误登记，本人健在",
                died.id,
            )
            assert outbox_size(ws) == 0
            assert not [c for c in _conflicts(ws) if c.record_id == head]
            assert "刘建国" in {v.name for v in visits_due(ws, today=date.today())}
    finally:
        for ws in (a, a2, sup):
            ws.close()


def test_an_edit_and_an_event_of_a_person_whose_household_moved_away_follow_scope_rules(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves worker A's offline phone edit and 迁出 of a person whose household the
    supervisor moved meanwhile to grid B are neither applied nor lost (§4.6): the edit of
    the person is handed over as a conflict in grid B (left_scope) that B's worker lists
    and the supervisor settles, the event is refused as out of A's scope, A keeps both as
    refused changes it can read and no longer holds the household, and B's worker ends
    with the person's new phone and no 迁出 A could not make."""
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid, people = _family(a, "7201")
        son = people["刘伟"]
        for ws in (a, sup):
            sync_now(ws)
        apply_edit(a, "resident", son, {"phone": "13907990022"})
        record_event(a, EventInput(K.moved_out, date.today(), resident_id=son, place="深圳"))
        register.edit_record(sup, HouseholdRow, hid, {"grid_code": GRID_B})
        sync_now(sup)
        sync_now(a)
        assert snapshot(a) == {} and snapshot(a, GRID_B) == {}
        refused = {(c.entity, c.record_id, c.code) for c in refused_changes(a)}
        assert ("resident", son, "left_scope") in refused
        assert {e for e, _r, code in refused if code == "out_of_scope"} == {"life_event"}
        [handed] = [c for c in _server_conflicts(any_server) if c.record_id == son]
        assert (handed.grid_code, handed.reject_code) == (GRID_B, "left_scope")
        incoming = {f["field"]: f["incoming"] for f in handed.fields}
        assert incoming["phone"] == "13907990022"
        for ws in (b, sup):
            sync_now(ws)
        assert [c.record_id for c in list_conflicts(b)] == [son]
        [seen] = [c for c in list_conflicts(sup, everyone=True) if c.record_id == son]
        resolve_conflict(sup, seen.id, field="phone", value="13907990022")
        for ws in (sup, b):
            sync_now(ws)
        assert _resident(b, son).phone == "13907990022"
        assert _resident(b, son).life_status is None  # the refused 迁出 did not happen
        assert household_history(b, hid) == []
    finally:
        for ws in (a, b, sup):
            ws.close()
