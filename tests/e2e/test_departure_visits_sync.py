"""A 迁出 or 死亡 recorded on one laptop and a visit that met the person on or after that
day recorded on another end as one visible conflict on the person's standing, whichever
syncs first, on the supervisor's review desk and on both laptops; neither record is lost.
Real server process on SQLite and PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from gridworker.domain.enums import Relationship, VisitMode
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.domain.life_enums import ResidentStatus
from gridworker.services import visits
from gridworker.services.conflict_review import grid_conflicts, resolve_grid_conflict
from gridworker.services.conflicts import list_conflicts
from gridworker.services.life_events import EventInput, household_history, record_event
from gridworker.services.register import ResidentInput, add_resident
from gridworker.services.syncing import sync_now
from gridworker.services.today import visits_due
from gridworker.services.workspace import Workspace
from gridworker.storage.models import VisitRow
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.test_life_events_sync import _family, _resident
from tests.e2e.test_sync_e2e import outbox_size

CODE = "visited_after_departure"


def _visit(ws: Workspace, hid: str, people: str, mode: VisitMode = VisitMode.home) -> str:
    return visits.record_visit(
        ws, household_id=hid, mode=mode, people_met=people, situation="入户了解近况"
    ).visit_id


def _visits(ws: Workspace, hid: str) -> set[str]:
    with ws.read() as s:
        return set(s.scalars(select(VisitRow.id).where(VisitRow.household_id == hid)))


def _conflicts_about(ws: Workspace, rid: str) -> list:  # type: ignore[type-arg]
    return [c for c in list_conflicts(ws, status="all", everyone=True) if c.record_id == rid]


def test_a_visit_meeting_a_person_moved_out_elsewhere_is_a_conflict_in_either_order(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves, visit first and move-out first: worker A records 王秀兰's 迁出 today while
    worker A2 records a home visit today that met her; after both sync there is one open
    conflict on her standing (server 已迁出 by A, incoming 在册 by A2's visit) that A's and
    A2's laptops list as their own and the supervisor's review desk shows, the move-out
    stands for now, the visit and the event are both kept everywhere, and syncing again
    opens nothing more. The supervisor then settles it: 在册 in one order, 迁出 in the
    other, and every laptop follows."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        for n, first in enumerate(("visit", "move_out")):
            hid, people = _family(a, f"81{n:02d}")
            for ws in (a, a2, sup):
                sync_now(ws)
            spouse = people["王秀兰"]
            record_event(a, EventInput(K.moved_out, date.today(), resident_id=spouse, place="南昌"))
            visit = _visit(a2, hid, "刘建国、王秀兰")
            for ws in (a2, a) if first == "visit" else (a, a2):
                sync_now(ws)
            for ws in (a, a2, sup, a, a2):
                sync_now(ws)
            for ws in (a, a2, sup):
                [conflict] = _conflicts_about(ws, spouse)
                assert (conflict.kind, conflict.reject_code) == ("field", CODE), first
                assert conflict.status == "open"
                [field] = conflict.fields
                assert field["field"] == "life_status"
                assert (field["server"], field["server_author"]) == ("moved_out", "worker.a")
                assert (field["local"], field["local_author"]) == (None, "worker.a2")
                assert conflict.action is not None and conflict.action["visit_id"] == visit
                assert _resident(ws, spouse).life_status is ResidentStatus.moved_out
                assert visit in _visits(ws, hid)
                assert [e.kind for e in household_history(ws, hid)] == [K.moved_out]
                assert outbox_size(ws) == 0
            for ws in (a, a2):  # each laptop lists it as its own
                assert [c.id for c in list_conflicts(ws) if c.record_id == spouse]
            [review] = [c for c in grid_conflicts(sup) if c.record_id == spouse]
            assert review.reject_code == CODE
            side = review.fields[0]
            assert side["server_device"] and side["incoming_device"] and side["incoming_at"]
            assert side["server_device"] != side["incoming_device"]
            keep = "incoming" if first == "visit" else "server"
            resolve_grid_conflict(sup, review.id, keep=keep)
            for ws in (sup, a, a2):
                sync_now(ws)
            expected = None if keep == "incoming" else ResidentStatus.moved_out
            for ws in (a, a2, sup):
                assert _resident(ws, spouse).life_status is expected
                assert [c.status for c in _conflicts_about(ws, spouse)] == ["resolved"]
                assert visit in _visits(ws, hid)
            due = {v.name for v in visits_due(a, today=date.today())}
            assert ("王秀兰" in due) is False  # no care tag: never due; standing checked above
    finally:
        for ws in (a, a2, sup):
            ws.close()


def test_a_death_against_a_later_phone_call_conflicts_but_a_move_out_does_not(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the edges of the rule: a phone call that spoke with someone recorded as moved
    out is no contradiction (they can be phoned where they live now), a visit before the
    move-out's date is none either, a visit that does not name the person is none; a phone
    call with someone recorded as dead is one (a visible conflict, the death kept); and
    the same laptop recording both opens nothing."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    try:
        hid, people = _family(a, "8201")
        for ws in (a, a2):
            sync_now(ws)
        son, head = people["刘伟"], people["刘建国"]
        record_event(a, EventInput(K.moved_out, date.today(), resident_id=son, place="深圳"))
        record_event(a, EventInput(K.died, date.today(), resident_id=head, reason="病故"))
        _visit(a2, hid, "刘伟", VisitMode.phone)  # phoned the son where he lives now
        _visit(a2, hid, "王秀兰")  # met the widow: not about anyone departed
        earlier = datetime.now().astimezone() - timedelta(days=3)
        visits.record_visit(
            a2, household_id=hid, mode=VisitMode.home, visited_at=earlier, people_met="刘伟"
        )
        dead = _visit(a2, hid, "刘建国", VisitMode.phone)  # a call with the dead: contradicts
        _visit(a, hid, "刘伟")  # A itself met the son after recording his move-out: A knew
        for ws in (a2, a, a2, a):
            sync_now(ws)
        conflicts = [c for c in list_conflicts(a, everyone=True) if c.reject_code == CODE]
        assert [(c.record_id, c.action["visit_id"]) for c in conflicts] == [(head, dead)]
        assert conflicts[0].fields[0]["server"] == "died"
        assert _resident(a2, head).life_status is ResidentStatus.died
    finally:
        a.close()
        a2.close()


def test_a_visit_that_ticked_the_members_met_is_matched_by_id_on_every_laptop(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves a visit that names the members met by id reaches the colleague and the
    supervisor with them, and is matched by id: after 刘伟's 迁出 on laptop A, a visit on
    A2 that ticked only 刘伟明 (another member) opens no conflict, though its 见面人员 text
    "刘伟明、刘伟" would name him (the ticked members are what was met), and a visit that
    ticked 刘伟 opens exactly one, which the three laptops see."""
    a = enrolled(any_server, tmp_path, "worker.a")
    a2 = enrolled(any_server, tmp_path, "worker.a2")
    sup = enrolled(any_server, tmp_path, "sup.street")
    try:
        hid, people = _family(a, "8301")
        namesake = add_resident(
            a, hid, ResidentInput("刘伟明", relationship=Relationship.grandchild)
        )
        for ws in (a, a2, sup):
            sync_now(ws)
        son = people["刘伟"]
        record_event(a, EventInput(K.moved_out, date.today(), resident_id=son, place="南昌"))
        other = visits.record_visit(
            a2, household_id=hid, mode=VisitMode.home, people_met="刘伟明、刘伟",
            met_resident_ids=[namesake],
        ).visit_id  # fmt: skip
        for ws in (a, a2, sup, a):
            sync_now(ws)
        for ws in (a, a2, sup):
            assert _conflicts_about(ws, son) == []
            with ws.read() as s:
                row = s.get(VisitRow, other)
                assert row is not None and row.met_resident_ids == namesake
        met = visits.record_visit(
            a2, household_id=hid, mode=VisitMode.home, people_met="家人",
            met_resident_ids=[son, namesake],
        ).visit_id  # fmt: skip
        for ws in (a2, a, sup):
            sync_now(ws)
        for ws in (a, a2, sup):
            [conflict] = _conflicts_about(ws, son)
            assert conflict.reject_code == CODE and conflict.action is not None
            assert conflict.action["visit_id"] == met
            assert outbox_size(ws) == 0
    finally:
        for ws in (a, a2, sup):
            ws.close()
