"""Editing households and residents: checked as at registration, queued field by field,
masked in the form, tags removed only with a reason (services/register_edit.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from gridworker.domain.declare import declaration
from gridworker.domain.enums import Gender, Relationship, Role, TagKind
from gridworker.domain.errors import ValidationError
from gridworker.domain.field_text import parse_field_text
from gridworker.services.register import HouseholdInput, ResidentInput, register_household
from gridworker.services.register_edit import (
    apply_edit,
    edit_view,
    field_named,
    parse_edits,
)
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    HouseholdRow,
    LocalAudit,
    OutboxEntry,
    ResidentRow,
    ResidentTagRow,
)
from tests.conftest import GRID

HEAD_ID = "36030219560312041X"  # a man born 1956-03-12
OTHER_ID = "36030219580907042X"  # a woman born 1958-09-07
PHONE = "13907991234"


def _household(ws: Workspace, no: str = "0101", *, id_number: str = HEAD_ID) -> tuple[str, str]:
    hid = register_household(
        ws,
        HouseholdInput(grid_code=GRID, household_no=no, address="凤凰小区1栋101室", phone=PHONE),
        [
            ResidentInput(
                name="刘建国",
                id_number=id_number,
                phone=PHONE,
                relationship=Relationship.head,
                tags=(TagKind.living_alone_elderly,),
            )
        ],
    )
    with ws.read() as s:
        rid = s.scalars(select(ResidentRow.id).where(ResidentRow.household_id == hid)).one()
    return hid, rid


def _sent(ws: Workspace) -> None:
    """As after a sync: nothing pending (so the next entries are the edit's own)."""
    with ws.write() as s:
        for entry in s.scalars(select(OutboxEntry)):
            s.delete(entry)


def _entries(ws: Workspace) -> list[tuple[str, str, dict[str, object]]]:
    with ws.read() as s:
        return [
            (e.op, e.entity, dict(e.payload))
            for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id))
        ]


def test_an_edit_queues_only_the_fields_that_changed(ws: Workspace) -> None:
    """Proves a household edit that gives every field but changes two queues one update
    carrying just those two (the phone normalised as at registration)."""
    hid, _rid = _household(ws)
    _sent(ws)
    result = apply_edit(
        ws,
        "household",
        hid,
        parse_edits(
            "household",
            {"户号": "0101", "地址": "凤凰小区1栋102室", "联系电话": "139 0799 1235", "备注": ""},
        ),
    )
    assert set(result.changed) == {"address", "phone"}
    assert _entries(ws) == [
        ("update", "household", {"address": "凤凰小区1栋102室", "phone": "13907991235"})
    ]


def test_a_new_id_number_rederives_gender_and_birth_date(ws: Workspace) -> None:
    """Proves changing a resident's ID number re-derives the gender and birth date (the old
    ones came from the old number), and a gender given against the new number is refused
    with nothing written."""
    _hid, rid = _household(ws)
    with pytest.raises(ValidationError) as refused:
        apply_edit(ws, "resident", rid, {"id_number": OTHER_ID, "gender": Gender.male})
    assert refused.value.code == "id_gender_mismatch"
    with ws.read() as s:
        assert s.get(ResidentRow, rid).id_number == HEAD_ID
    apply_edit(ws, "resident", rid, {"id_number": OTHER_ID})
    with ws.read() as s:
        row = s.get(ResidentRow, rid)
        assert (row.id_number, row.gender, row.birth_date) == (
            OTHER_ID,
            Gender.female,
            date(1958, 9, 7),
        )


def test_a_taken_household_number_or_id_number_is_refused(ws: Workspace) -> None:
    """Proves an edit onto the 户号 of another live household of the grid, or onto another
    live resident's ID number, is refused (the natural keys stay one per record)."""
    first, _ = _household(ws, "0101")
    _second, other = _household(ws, "0102", id_number=OTHER_ID)
    with pytest.raises(ValidationError) as taken:
        apply_edit(ws, "household", first, {"household_no": "0102"})
    assert taken.value.code == "household_no_taken"
    assert "0102" in taken.value.message("zh_CN")
    with pytest.raises(ValidationError) as number:
        apply_edit(ws, "resident", other, {"id_number": HEAD_ID})
    assert number.value.code == "id_number_taken"


def test_the_edit_view_is_masked(ws: Workspace) -> None:
    """Proves the form's starting values hold no full number: ID number and phones masked,
    the birth date (the digits the ID mask hides) left empty while the ID number is set."""
    hid, rid = _household(ws)
    person = edit_view(ws, "resident", rid)
    assert person.values["id_number"] == "360302********041X"
    assert person.values["phone"] == "139****1234"
    assert person.values["birth_date"] == ""
    assert person.masked == {"id_number", "phone", "birth_date"}
    assert person.tags == (TagKind.living_alone_elderly,)
    assert person.values["relationship"] == Relationship.head.code
    household = edit_view(ws, "household", hid)
    assert household.values["phone"] == "139****1234"
    assert PHONE not in repr(household) and HEAD_ID not in repr(person)


def test_a_tag_is_removed_only_with_a_reason_which_is_logged(ws: Workspace) -> None:
    """Proves removing a tag without a reason changes nothing; with one the tag row is
    tombstoned and a local audit row keeps who, which tag and why; adding a tag queues it."""
    _hid, rid = _household(ws)
    with pytest.raises(ValidationError) as refused:
        apply_edit(ws, "resident", rid, {}, remove_tags=[TagKind.living_alone_elderly])
    assert refused.value.code == "tag_reason_required"
    result = apply_edit(
        ws,
        "resident",
        rid,
        {},
        add_tags=[TagKind.disabled],
        remove_tags=[TagKind.living_alone_elderly],
        reason="已搬去与子女同住",
    )
    assert result.tags_added == (TagKind.disabled,)
    assert result.tags_removed == (TagKind.living_alone_elderly,)
    with ws.read() as s:
        tags = {t.tag: t.deleted for t in s.scalars(select(ResidentTagRow))}
        audit = s.scalars(select(LocalAudit).where(LocalAudit.action == "remove_tag")).one()
    assert tags == {TagKind.living_alone_elderly: True, TagKind.disabled: False}
    assert audit.detail == {
        "resident": rid,
        "tag": "living_alone_elderly",
        "reason": "已搬去与子女同住",
    }


def test_the_heads_new_name_follows_to_the_household(ws: Workspace) -> None:
    """Proves renaming the head of household updates the household's 户主姓名 too."""
    hid, rid = _household(ws)
    apply_edit(ws, "resident", rid, {"name": "刘建军"})
    with ws.read() as s:
        assert s.get(HouseholdRow, hid).head_name == "刘建军"


def test_fields_are_found_by_name_label_or_roster_header(ws: Workspace) -> None:
    """Proves a field is named by its code, its zh or en label or a roster header, and an
    unknown one is refused listing what can be edited (references and the grid cannot)."""
    assert field_named("resident", "phone").name == "phone"
    assert field_named("resident", "手机号码").name == "phone"
    assert field_named("resident", "Birth date").name == "birth_date"
    assert field_named("household", "家庭电话").name == "phone"
    for name in ("颜色", "household_id", "grid_code", "网格编码"):
        with pytest.raises(ServiceError) as unknown:
            field_named("resident", name)
        assert unknown.value.code == "edit_unknown_field"
        assert "可修改的有 姓名、性别" in unknown.value.message("zh_CN")


def test_typed_text_becomes_dates_numbers_and_enums() -> None:
    """Proves the typed-text parser reads dates, numbers (ranges kept) and enum labels and
    refuses each bad form naming the field."""
    resident, tag = declaration("resident"), declaration("resident_tag")
    birth = resident.fields["birth_date"]
    assert parse_field_text(resident.cls, birth, "1990-01-02") == date(1990, 1, 2)
    assert parse_field_text(resident.cls, birth, " ") is None
    with pytest.raises(ValidationError) as bad_date:
        parse_field_text(resident.cls, birth, "1990/1/2")
    assert bad_date.value.code == "date_format" and "出生日期" in bad_date.value.message()
    interval = tag.fields["visit_interval_days"]
    assert parse_field_text(tag.cls, interval, "30") == 30
    for text, code in (("三十", "number_format"), ("-1", "out_of_range")):
        with pytest.raises(ValidationError) as bad:
            parse_field_text(tag.cls, interval, text)
        assert bad.value.code == code
    assert parse_field_text(resident.cls, resident.fields["gender"], "女") is Gender.female
    with pytest.raises(ValidationError) as required:
        parse_field_text(resident.cls, resident.fields["name"], "")
    assert required.value.code == "required"


def test_an_adviser_cannot_edit_the_register(ws: Workspace) -> None:
    """Proves the role table's refusal: an adviser's edit is refused and nothing queued."""
    hid, _rid = _household(ws)
    _sent(ws)
    ws.actor = replace(ws.actor, role=Role.adviser)
    with pytest.raises(ServiceError) as refused:
        apply_edit(ws, "household", hid, {"address": "别处"})
    assert refused.value.code == "role_may_not_write"
    assert _entries(ws) == []
