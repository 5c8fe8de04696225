"""Building, unit and flat numbers as people write them fold to one key each, and the
ids derived from them agree whatever the spelling (docs/design.md §12.1)."""

from __future__ import annotations

import pytest

from gridworker.domain import ids
from gridworker.domain.buildings import (
    building_key,
    building_label,
    flat_key,
    floor_key,
    floor_of,
    unit_key,
)

SECRET = b"k" * 32


@pytest.mark.parametrize("text", ["3栋", "3号楼", "３幢", "第3栋", "第三栋", "03栋", "3座", "3"])
def test_building_spellings_fold_to_one_key(text: str) -> None:
    assert building_key(text) == "3"


def test_other_building_names_keep_their_letters_and_dashes() -> None:
    assert [building_key(t) for t in ("A座", "3-1栋", "十二栋", "二十一号楼")] == [
        "A", "3-1", "12", "21"
    ]  # fmt: skip


def test_a_numbered_building_is_stored_one_way() -> None:
    assert {building_label(t) for t in ("3栋", "3号楼", "３幢", "第三栋")} == {"3栋"}
    assert [building_label(t) for t in ("3-1号楼", "A座", "Ａ座")] == ["3-1栋", "A座", "A座"]


def test_units_flats_and_floors() -> None:
    assert [unit_key(t) for t in ("1单元", "一单元", "01", "第1单元", None, "东单元")] == [
        "1", "1", "1", "1", "", "东"
    ]  # fmt: skip
    assert [flat_key(t) for t in ("1502", "1502室", "１５０２", " 15 02 ", "0101")] == [
        "1502", "1502", "1502", "1502", "0101"
    ]  # fmt: skip
    assert [floor_of(t) for t in ("1502", "101", "12", "A")] == [15, 1, None, None]
    assert [floor_key(t) for t in ("15", "15层", "十五层", "-1", "15F", "顶层")] == [
        15, 15, 15, -1, 15, None
    ]  # fmt: skip


def test_ids_follow_the_keys() -> None:
    one = ids.building_id(SECRET, "360302001001001", "凤凰小区", building_key("3号楼"))
    assert one == ids.building_id(SECRET, "360302001001001", " 凤凰小区 ", building_key("３幢"))
    assert one != ids.building_id(SECRET, "360302001001002", "凤凰小区", "3")
    flat = ids.house_id(SECRET, one, unit_key("1单元"), flat_key("１５０２室"))
    assert flat == ids.house_id(SECRET, one, "1", "1502")
    assert flat != ids.house_id(SECRET, one, "2", "1502")
