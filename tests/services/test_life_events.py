"""Life events: each kind changes the register as it should, leaves a record in the
household's history (date, reason, who), and a resident who moved out or died leaves the
active register (lists, due visits, exports, the tag filter) but stays in history."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.domain.enums import Relationship, TagKind
from gridworker.domain.errors import ValidationError
from gridworker.domain.life_enums import LifeEventKind as K
from gridworker.domain.life_enums import ResidentStatus
from gridworker.services.exporting import export
from gridworker.services.household_detail import household_detail
from gridworker.services.life_events import EventInput, household_history, record_event
from gridworker.services.queries import search_households
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.register_edit import apply_edit
from gridworker.services.today import visits_due
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    HouseholdRow,
    LifeEventRow,
    OutboxEntry,
    ResidentRow,
    ResidentTagRow,
)
from tests.conftest import GRID

HEAD_ID = "36030219560312041X"
SPOUSE_ID = "36030219580907042X"


def _family(ws: Workspace) -> tuple[str, str, str]:
    hid = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋101室"),
        [
            ResidentInput(
                "刘建国",
                HEAD_ID,
                relationship=Relationship.head,
                tags=(TagKind.living_alone_elderly,),
            ),
            ResidentInput(
                "王秀兰",
                SPOUSE_ID,
                relationship=Relationship.spouse,
                tags=(TagKind.disabled,),
            ),
        ],
    )
    with ws.read() as s:
        people = {r.name: r.id for r in s.scalars(select(ResidentRow))}
    return hid, people["刘建国"], people["王秀兰"]


def _names(ws: Workspace, hid: str) -> list[str]:
    detail = household_detail(ws, hid)
    assert detail is not None
    return [r.name for r in detail.residents]


def _status(ws: Workspace, rid: str) -> ResidentStatus | None:
    with ws.read() as s:
        row = s.get(ResidentRow, rid)
        assert row is not None
        return row.life_status


def test_a_move_out_leaves_the_active_register_but_not_the_history(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves 迁出 takes the person off the household's list, the due visits, the tag
    filter and the residents export (back with --all), and the history keeps the event
    with its date, destination, reason and the recorder's display name."""
    hid, _head, spouse = _family(ws)
    today = ws.today()
    assert {v.name for v in visits_due(ws, today=today)} == {"刘建国", "王秀兰"}
    record_event(
        ws,
        EventInput(
            K.moved_out,
            today - timedelta(days=1),
            resident_id=spouse,
            place="南昌市青山湖区",
            reason="随子女生活",
        ),
    )
    assert _status(ws, spouse) is ResidentStatus.moved_out
    assert _names(ws, hid) == ["刘建国"]
    assert {v.name for v in visits_due(ws, today=today)} == {"刘建国"}
    assert search_households(ws, tag=TagKind.disabled).items == []
    out = export(ws, kind="residents", fmt="csv", out=tmp_path / "r.csv")
    everyone = export(ws, kind="residents", fmt="csv", out=tmp_path / "all.csv", everyone=True)
    assert (out.records, everyone.records) == (1, 2)
    with (tmp_path / "all.csv").open(encoding="utf-8-sig") as fh:
        header, *rows = list(csv.reader(fh))
    status = header.index("人员状态")
    assert sorted(row[status] for row in rows) == ["", "已迁出"]
    [event] = household_history(ws, hid)
    assert (event.kind, event.resident_name, event.place, event.reason) == (
        K.moved_out,
        "王秀兰",
        "南昌市青山湖区",
        "随子女生活",
    )
    assert event.recorded_by == "王伟" and event.event_date == today - timedelta(days=1)
    assert event.to_json()["kind_label"] == "迁出"


def test_a_death_stops_visits_and_closes_tags_and_can_be_withdrawn(ws: Workspace) -> None:
    """Proves 死亡 closes the person's care tags on the day and stops visits due; a
    withdrawal needs a reason, brings the person back with the tags it closed reopened,
    and the history shows the death as withdrawn."""
    hid, head, _spouse = _family(ws)
    today = ws.today()
    record_event(ws, EventInput(K.died, today, resident_id=head, reason="病故"))
    with ws.read() as s:
        tag = s.scalars(select(ResidentTagRow).where(ResidentTagRow.resident_id == head)).one()
        assert tag.end_date == today and not tag.deleted
    assert "刘建国" not in {v.name for v in visits_due(ws, today=today + timedelta(days=1))}
    with pytest.raises(ValidationError) as no_reason:
        record_event(ws, EventInput(K.death_undone, today, resident_id=head))
    assert no_reason.value.code == "undo_reason_required"
    record_event(ws, EventInput(K.death_undone, today, resident_id=head, reason="误报，系同名"))
    assert _status(ws, head) is None
    with ws.read() as s:
        tag = s.scalars(select(ResidentTagRow).where(ResidentTagRow.resident_id == head)).one()
        assert tag.end_date is None
    assert "刘建国" in _names(ws, hid)
    death, undo = household_history(ws, hid)
    assert death.withdrawn and undo.undoes_id == death.id and undo.reason == "误报，系同名"


def test_birth_move_in_and_change_of_head(ws: Workspace) -> None:
    """Proves 出生 adds a member born on the event's date, 迁入 brings a moved-out member
    back, 户主变更 makes the new head 户主 (the household's 户主姓名 follows) and the
    previous head 其他 unless told otherwise."""
    hid, head, spouse = _family(ws)
    today = ws.today()
    record_event(
        ws,
        EventInput(
            K.birth,
            today,
            household_id=hid,
            person=ResidentInput("刘小宝", relationship=Relationship.grandchild),
        ),
    )
    with ws.read() as s:
        baby = s.scalars(select(ResidentRow).where(ResidentRow.name == "刘小宝")).one()
        assert baby.birth_date == today and baby.household_id == hid
    record_event(ws, EventInput(K.moved_out, today, resident_id=spouse))
    record_event(ws, EventInput(K.moved_in, today, resident_id=spouse, place="南昌"))
    assert _status(ws, spouse) is None
    record_event(
        ws,
        EventInput(
            K.head_changed,
            today,
            resident_id=spouse,
            previous_head_relationship=Relationship.spouse,
        ),
    )
    with ws.read() as s:
        assert s.get_one(HouseholdRow, hid).head_name == "王秀兰"
        assert s.get_one(ResidentRow, spouse).relationship is Relationship.head
        assert s.get_one(ResidentRow, head).relationship is Relationship.spouse
    kinds = [(e.kind, e.resident_name) for e in household_history(ws, hid)]
    assert kinds == [
        (K.birth, "刘小宝"),
        (K.moved_out, "王秀兰"),
        (K.moved_in, "王秀兰"),
        (K.head_changed, "王秀兰"),
    ]
    assert household_history(ws, hid)[-1].previous_head == "刘建国"


def test_events_that_contradict_the_register_are_refused(ws: Workspace) -> None:
    """Proves a second move-out, a withdrawal without a death, a date after today and a
    birth without a name are refused, writing nothing."""
    _hid, head, _spouse = _family(ws)
    today = ws.today()
    record_event(ws, EventInput(K.moved_out, today, resident_id=head))
    with pytest.raises(ServiceError) as twice:
        record_event(ws, EventInput(K.moved_out, today, resident_id=head))
    assert twice.value.code == "event_wrong_standing"
    assert twice.value.message("zh_CN") == "刘建国目前为“已迁出”，不能登记“迁出”"
    with pytest.raises(ServiceError) as undo:
        record_event(ws, EventInput(K.death_undone, today, resident_id=head, reason="x"))
    assert undo.value.code == "event_wrong_standing"
    with pytest.raises(ValidationError) as future:
        record_event(ws, EventInput(K.died, today + timedelta(days=1), resident_id=head))
    assert future.value.code == "event_in_future"
    with pytest.raises(ValidationError) as nameless:
        record_event(ws, EventInput(K.birth, today, household_id=_hid))
    assert nameless.value.code == "event_needs_person"
    with ws.read() as s:
        assert len(list(s.scalars(select(LifeEventRow)))) == 1


def test_updates_carry_the_residents_standing(ws: Workspace) -> None:
    """Proves an event is queued as a create in the household's grid with the resident's
    new life_status as an update, and a plain edit of the resident carries its
    life_status too (so that an edit made without knowing of a move-out conflicts)."""
    _hid, head, spouse = _family(ws)
    with ws.write() as s:
        for entry in s.scalars(select(OutboxEntry)):
            s.delete(entry)
    apply_edit(ws, "resident", spouse, {"occupation": "退休"})
    with ws.write() as s:
        plain = s.scalars(select(OutboxEntry)).one()
        assert plain.payload == {"occupation": "退休", "life_status": None}
        s.delete(plain)
    record_event(ws, EventInput(K.separated, date.today(), resident_id=head, place="深圳"))
    apply_edit(ws, "resident", head, {"occupation": "务工"})
    with ws.read() as s:
        entries = [
            (e.op, e.entity, e.grid_code, dict(e.payload))
            for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id))
        ]
    assert [(op, entity, grid) for op, entity, grid, _ in entries] == [
        ("create", "life_event", GRID),
        ("update", "resident", GRID),
    ]
    assert entries[0][3]["kind"] == "separated" and entries[0][3]["recorder"] == "wang.wei"
    assert entries[1][3] == {"life_status": "separated", "occupation": "务工"}


def test_the_ledger_has_the_periods_life_events_and_the_active_register(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves the 台账 gets a 人口变动 sheet with the period's events (kind label, date,
    place, reason, the recorder's name, a withdrawn death marked) and its 住户人员 sheet
    leaves out who moved out."""
    from openpyxl import load_workbook

    from gridworker.services.ledgers import write_ledger

    _hid, head, spouse = _family(ws)
    today = ws.today()
    record_event(
        ws, EventInput(K.moved_out, today, resident_id=spouse, place="南昌", reason="随子女")
    )
    record_event(ws, EventInput(K.died, today - timedelta(days=40), resident_id=head))
    record_event(ws, EventInput(K.death_undone, today, resident_id=head, reason="误报"))
    result = write_ledger(ws, tmp_path / "台账.xlsx", start=today - timedelta(days=7), end=today)
    assert result.counts["life_events"] == 2 and result.counts["residents"] == 1
    sheet = load_workbook(result.path)["人口变动"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:9] == (
        "序号", "网格编码", "网格名称", "户号", "地址", "姓名", "变动类型", "变动日期", "迁往/迁自"
    )
    by_kind = {row[6]: row for row in rows}
    assert set(by_kind) == {"迁出", "撤销死亡登记"}
    moved = by_kind["迁出"]
    assert (moved[5], moved[8], moved[9], moved[11]) == ("王秀兰", "南昌", "随子女", "王伟")
    assert moved[7].date() == today
    whole = write_ledger(ws, tmp_path / "all.xlsx")
    rows = list(load_workbook(whole.path)["人口变动"].iter_rows(2, values_only=True))
    died = next(r for r in rows if r[6] == "死亡")
    assert died[10] == "已撤销"
