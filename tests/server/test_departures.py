"""The server's check of a visit against a departure (server/departures.py), on SQLite and
PostgreSQL: batch order does not matter, a pair is never opened twice (not after it was
resolved either), and a person back in the register is no contradiction."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.server.conftest import GRID_A
from tests.server.test_conflicts import listed, resolve
from tests.server.test_push import Laptop, new_id, registered

CODE = "visited_after_departure"


def _visit(household_id: str, people: str, at: str = "2026-12-07T02:30:00.000000+00:00") -> Any:
    return {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "household_id": household_id,
        "visitor": "sup.street",
        "visited_at": at,
        "mode": "home",
        "people_met": people,
    }


def _event(household_id: str, resident_id: str, kind: str, day: str = "2026-12-07") -> Any:
    return {
        "id": new_id(),
        "grid_code": GRID_A,
        "deleted": False,
        "household_id": household_id,
        "resident_id": resident_id,
        "kind": kind,
        "event_date": day,
        "recorded_by": "张网格员",
        "recorder": "worker.a",
        "recorded_at": "2026-12-07T03:00:00.000000+00:00",
    }


def _ours(client: TestClient, laptop: Laptop, status: str = "all") -> list[dict[str, Any]]:
    return [c for c in listed(client, laptop, status) if c["reject_code"] == CODE]


def test_either_order_within_one_push_opens_one_conflict_and_never_again(
    client: TestClient,
) -> None:
    """Proves a move-out pushed as the standing's update before its event, or after it, in
    one batch after the supervisor.s visit that met 李四 opens exactly one conflict; a later
    push touching the household (another visit of someone else, a re-sent event of the
    same person) opens no second one, nor after the first is resolved; and a visit the day
    before the move-out's date is none."""
    a, a2 = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    for standing_first in (True, False):
        hid, rid = registered(a)
        a2.create("visit", _visit(hid, "李四", at="2026-12-06T02:30:00.000000+00:00"))
        a2.create("visit", _visit(hid, "户主李四及家人"))
        payload = _event(hid, rid, "moved_out")
        event = a.mutation("create", "life_event", payload["id"], payload)
        standing = a.mutation("update", "resident", rid, {"life_status": "moved_out"}, base=0)
        batch = (standing, event) if standing_first else (event, standing)
        outcomes = a.push(*batch)
        assert {o["status"] for o in outcomes} == {"applied"}, outcomes
        mine = [c for c in _ours(client, a) if c["record_id"] == rid]
        assert len(mine) == 1, (standing_first, mine)
        [field] = mine[0]["fields"]
        assert (field["server"], field["incoming"]) == ("moved_out", None)
        assert (field["server_author"], field["incoming_author"]) == ("worker.a", "sup.street")
        assert mine[0]["action"]["event_id"] == event["record_id"]
        a2.create("visit", _visit(hid, "王五"))
        assert len([c for c in _ours(client, a) if c["record_id"] == rid]) == 1
        r = resolve(client, a, mine[0]["id"], choice="server")
        assert r.status_code == 200, r.text
        a2.create("visit", _visit(hid, "邻居王五"))
        again = [c for c in _ours(client, a) if c["record_id"] == rid]
        assert [c["status"] for c in again] == ["resolved"]


def test_a_person_back_in_the_register_is_no_contradiction(client: TestClient) -> None:
    """Proves a visit after a death that was withdrawn (the standing back to 在册) opens no
    conflict, while the same visit against a standing death does."""
    a, a2 = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    hid, rid = registered(a)
    a.create("life_event", _event(hid, rid, "died"))
    v1 = a.update("resident", rid, {"life_status": "died"}, base=0)["version"]
    a.update("resident", rid, {"life_status": None}, base=v1)
    undone = _event(hid, rid, "death_undone")
    a.create("life_event", undone)
    a2.create("visit", _visit(hid, "李四"))
    assert _ours(client, a) == []
    hid2, rid2 = registered(a)
    a.create("life_event", _event(hid2, rid2, "died"))
    a.update("resident", rid2, {"life_status": "died"}, base=0)
    phone = _visit(hid2, "李四") | {"mode": "phone"}
    a2.create("visit", phone)
    assert [c["record_id"] for c in _ours(client, a)] == [rid2]


def _person(name: str, record_id: str = "r-1") -> Any:
    from gridworker.server.models import Record

    return Record(entity="resident", id=record_id, data={"name": name})


def test_people_met_names_a_person_only_by_their_whole_name_or_id() -> None:
    """Proves 见面人员 meets 刘伟 when his whole name stands alone (between separators,
    or next to a role word such as 户主, 其子, 及, 夫妇) or his record id is written, and not
    when 刘伟 is only part of another name (刘伟明, 欧阳刘伟, 小刘伟) — the false conflict
    the plain text match made."""
    from gridworker.server.departures import _names

    rid = "3f1c0a52-4d0e-4c0b-9a57-0d1e7c0b1a11"
    liu = _person("刘伟", rid)
    met = ["刘伟", "刘伟、王芳", "王芳，刘伟", "户主刘伟及家人", "其子刘伟", "刘伟夫妇",
           "刘伟明、刘伟", "刘伟 王芳", "ＬＩＵ 刘伟（儿子）", f"见到{rid}"]  # fmt: skip
    not_met = ["刘伟明", "欧阳刘伟", "小刘伟", "刘伟明、王芳", "王刘伟东", "户主本人", ""]
    assert [t for t in met if not _names(t, liu)] == []
    assert [t for t in not_met if _names(t, liu)] == []


def test_a_visit_that_met_someone_with_a_longer_name_opens_no_conflict(
    client: TestClient,
) -> None:
    """Proves a visit that met 李四明 after 李四 moved out opens no conflict (before, the
    plain text match opened one), while one that met 李四、李四明 does."""
    a, a2 = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    hid, rid = registered(a)
    a.create("life_event", _event(hid, rid, "moved_out"))
    a.update("resident", rid, {"life_status": "moved_out"}, base=0)
    a2.create("visit", _visit(hid, "李四明"))
    assert _ours(client, a) == []
    a2.create("visit", _visit(hid, "李四明、李四"))
    assert [c["record_id"] for c in _ours(client, a)] == [rid]


def test_a_name_written_with_spaces_full_width_or_another_dot_is_the_same_name() -> None:
    """Proves the whole name is compared after normalising spaces and full-width forms:
    "刘 伟", "刘　伟" (a full-width space), "ＬＩＵ　Ｗｅｉ" and a minority name written with
    another middle dot all meet the person, a register name stored with a space meets the
    name written without, and a longer name still does not (刘 伟明)."""
    from gridworker.server.departures import _names

    liu = _person("刘伟")
    assert [t for t in ("刘 伟", "刘　伟、王芳", "户主刘 伟及家人") if not _names(t, liu)] == []
    assert [t for t in ("刘 伟明", "刘　伟明、王芳", "小刘 伟") if _names(t, liu)] == []
    assert _names("刘伟", _person("刘 伟"))
    assert _names("见到liu wei本人", _person("ＬＩＵ　Ｗｅｉ"))
    assert not _names("liu weiming", _person("Liu Wei"))
    uyghur = _person("阿依古丽·买买提")
    assert [t for t in ("阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽.买买提、王芳")
            if not _names(t, uyghur)] == []  # fmt: skip
    assert not _names("阿依古丽", uyghur)


def test_a_visit_naming_the_members_it_met_is_matched_by_id_not_by_name(
    client: TestClient,
) -> None:
    """Proves a visit that names the members it met by id (`met_resident_ids`, ticked on the
    form) meets exactly them: after 李四 moved out, a visit that met another member by id
    while its 见面人员 text says 李四 opens no conflict, and one that met 李四 by id while the
    text names nobody opens one (by name alone neither would be right)."""
    a, a2 = Laptop(client, "worker.a"), Laptop(client, "sup.street")
    hid, rid = registered(a)
    a.create("life_event", _event(hid, rid, "moved_out"))
    a.update("resident", rid, {"life_status": "moved_out"}, base=0)
    other = new_id()
    a2.create("visit", _visit(hid, "李四") | {"met_resident_ids": other})
    assert _ours(client, a) == []
    a2.create("visit", _visit(hid, "户主的家人") | {"met_resident_ids": f"{other} {rid}"})
    assert [c["record_id"] for c in _ours(client, a)] == [rid]
