"""The merge rules alone: pure functions over dicts, no database."""

from __future__ import annotations

import pytest

from gridworker.domain.entities import Building
from gridworker.domain.errors import ValidationError
from gridworker.server.merge import (
    changed_by_others,
    delete_conflicts,
    edit_against_delete,
    is_restricted,
    merge_update,
    resolution_changes,
    values_equal,
)
from gridworker.server.typed import to_entity, typed_values

CURRENT = {"phone": "13800138000", "note": None, "head_name": "张三", "grid_code": "g1"}
# Everything created at seq 10 by wang; li changed the phone at 12 and the note at 14.
META = {
    "phone": [12, "li"],
    "note": [14, "li"],
    "head_name": [10, "wang"],
    "grid_code": [10, "wang"],
}


# wang on two laptops: "pc" created it at 10, "tab" changed the phone at 12 and the note
# at 14; the head's name was set on the server at 16 (a resolution: no device).
TWO_LAPTOPS = {
    "phone": [12, "wang", "tab"],
    "note": [14, "wang", "tab"],
    "head_name": [16, "wang"],
    "grid_code": [10, "wang", "pc"],
}


def test_one_persons_other_laptop_is_another_client() -> None:
    """Proves authorship is by device: the same person's edit from another laptop is news
    to this one (merged, not applied), the same field changed differently on both is a
    conflict naming the person on both sides, and the laptop's own later edit is not."""
    other = merge_update(
        CURRENT, TWO_LAPTOPS, {"grid_code": "g2"}, base_version=10, author="wang", device="pc"
    )
    assert other.changes == {"grid_code": "g2"} and not other.conflicts
    assert other.status == "merged" and other.others_changed == {"phone", "note", "head_name"}
    both = merge_update(
        CURRENT, TWO_LAPTOPS, {"phone": "137"}, base_version=10, author="wang", device="pc"
    )
    assert both.status == "conflict" and not both.changes
    (field,) = both.conflicts
    assert (field.field, field.server_author, field.incoming_author) == ("phone", "wang", "wang")
    own = merge_update(
        CURRENT, TWO_LAPTOPS, {"phone": "137"}, base_version=10, author="wang", device="tab"
    )
    assert own.changes == {"phone": "137"} and not own.conflicts
    # A server-side change without a device: no conflict with its author, but news.
    assert own.status == "merged" and own.others_changed == {"head_name"}
    assert merge_update(
        CURRENT, TWO_LAPTOPS, {"head_name": "张叁"}, base_version=10, author="wang", device="tab"
    ).changes == {"head_name": "张叁"}
    assert changed_by_others(TWO_LAPTOPS, since=10, author="wang", device="pc") == {
        "phone": (12, "wang"),
        "note": (14, "wang"),
    }
    assert [
        f.field
        for f in delete_conflicts(CURRENT, TWO_LAPTOPS, base_version=10, author="wang", device="pc")
    ] == ["deleted", "note", "phone"]
    assert (
        delete_conflicts(CURRENT, TWO_LAPTOPS, base_version=10, author="wang", device="tab") == []
    )


def test_nothing_changed_since_base_is_applied() -> None:
    """Proves an edit from the latest version applies as is, with status applied."""
    result = merge_update(CURRENT, META, {"phone": "139"}, base_version=14, author="wang")
    assert result.changes == {"phone": "139"} and result.status == "applied"
    assert not result.conflicts and not result.others_changed


def test_same_value_is_no_conflict() -> None:
    """Proves an incoming value equal to the server's is neither a change nor a conflict,
    even when another author set it after the base."""
    result = merge_update(CURRENT, META, {"phone": "13800138000"}, base_version=10, author="wang")
    assert result.changes == {} and not result.conflicts


def test_differing_value_changed_by_another_is_a_conflict() -> None:
    """Proves a field another author changed after the base conflicts, recording the
    server value and author and the incoming value and author; the rest still applies."""
    result = merge_update(
        CURRENT, META, {"phone": "137", "head_name": "张叁"}, base_version=10, author="wang"
    )
    assert result.status == "conflict"
    assert result.changes == {"head_name": "张叁"}
    (conflict,) = result.conflicts
    assert conflict.model_dump(exclude_none=True) == {
        "field": "phone",
        "server": "13800138000",
        "server_author": "li",
        "incoming": "137",
        "incoming_author": "wang",
    }


def test_change_before_base_or_by_the_pusher_is_no_conflict() -> None:
    """Proves changes the pusher had seen (at or before its base) or made itself never
    conflict."""
    seen = merge_update(CURRENT, META, {"phone": "137"}, base_version=12, author="wang")
    assert seen.changes == {"phone": "137"} and not seen.conflicts
    own = merge_update(CURRENT, META, {"phone": "137"}, base_version=10, author="li")
    assert own.changes == {"phone": "137"} and not own.conflicts


def test_a_change_over_the_value_the_pusher_saw_is_no_conflict() -> None:
    """Proves a field another author changed after the base applies without a conflict
    when the server holds the very value the pusher replaced (`seen`) on an update, and
    still conflicts when the server holds another value, or on a create merged as an edit
    (what a create replaced are its own words, never a value seen from the server)."""
    as_seen = merge_update(
        CURRENT,
        META,
        {"phone": "137"},
        base_version=10,
        author="wang",
        seen={"phone": "13800138000"},
    )
    assert as_seen.changes == {"phone": "137"} and not as_seen.conflicts
    create = merge_update(
        CURRENT,
        META,
        {"phone": "137"},
        base_version=0,
        author="wang",
        seen={"phone": "13800138000"},
        create=True,
    )
    assert [c.field for c in create.conflicts] == ["phone"] and create.changes == {}
    other = merge_update(
        CURRENT, META, {"phone": "137"}, base_version=10, author="wang", seen={"phone": "139"}
    )
    assert [c.field for c in other.conflicts] == ["phone"] and other.changes == {}
    unnamed = merge_update(
        CURRENT, META, {"phone": "137"}, base_version=10, author="wang", seen={"note": None}
    )
    assert [c.field for c in unnamed.conflicts] == ["phone"]


def test_other_fields_changed_is_merged() -> None:
    """Proves an edit of one field while another author changed other fields since the
    base is `merged`, naming those fields."""
    result = merge_update(CURRENT, META, {"head_name": "张叁"}, base_version=10, author="wang")
    assert result.status == "merged" and result.others_changed == {"phone", "note"}
    assert result.changes == {"head_name": "张叁"}


def test_new_field_and_null_for_absent_field() -> None:
    """Proves a field the server lacks is added, and null for an absent field is no change."""
    result = merge_update(
        CURRENT, META, {"floor_area": 86.5, "missing": None}, base_version=14, author="wang"
    )
    assert result.changes == {"floor_area": 86.5}


def test_values_equal_is_json_equality() -> None:
    """Proves numbers compare by value, but a flag is never equal to a number."""
    assert values_equal(1, 1.0) and values_equal({"a": [1, 2]}, {"a": [1.0, 2]})
    assert not values_equal(True, 1) and not values_equal(0, False)
    assert not values_equal("1", 1) and not values_equal(None, "")
    assert values_equal(None, None) and not values_equal([1], [1, 2])


def test_changed_by_others() -> None:
    """Proves only later changes by other authors count."""
    assert changed_by_others(META, since=12, author="wang") == {"note": (14, "li")}
    assert changed_by_others(META, since=0, author="li") == {
        "head_name": (10, "wang"),
        "grid_code": (10, "wang"),
    }


def test_delete_against_edit() -> None:
    """Proves a delete from a base older than another author's edit conflicts, showing
    the edits it would discard; with nothing newer it may proceed."""
    assert delete_conflicts(CURRENT, META, base_version=14, author="wang") == []
    fields = delete_conflicts(CURRENT, META, base_version=12, author="wang")
    assert [(f.field, f.server, f.incoming, f.server_author) for f in fields] == [
        ("deleted", False, True, "li"),
        ("note", None, None, "li"),
    ]
    assert fields[1].incoming_author is None  # the delete sent no value for it
    assert delete_conflicts(CURRENT, META, base_version=10, author="li") == []


def test_edit_against_delete() -> None:
    """Proves an edit of a tombstone keeps the tombstone's author and the edit's values."""
    meta = {**META, "deleted": [20, "li"]}
    fields = edit_against_delete(CURRENT, meta, {"phone": "137", "note": None}, author="wang")
    assert [(f.field, f.server, f.incoming) for f in fields] == [
        ("deleted", True, False),
        ("phone", "13800138000", "137"),
    ]
    assert fields[0].server_author == "li" and fields[1].incoming_author == "wang"


def test_resolution_changes() -> None:
    """Proves `server` writes nothing, `local` writes what the push sent, and `values`
    must name fields of the conflict."""
    fields = [
        {"field": "deleted", "server": False, "incoming": True, "incoming_author": "wang"},
        {"field": "note", "server": "x", "incoming": None, "incoming_author": None},
    ]
    assert resolution_changes(fields, "server", {}) == {}
    assert resolution_changes(fields, "local", {}) == {"deleted": True}
    assert resolution_changes(fields, "values", {"note": "y"}) == {"note": "y"}
    with pytest.raises(ValueError, match="phone"):
        resolution_changes(fields, "values", {"phone": "1"})
    with pytest.raises(ValueError):
        resolution_changes(fields, "values", {})


def test_typed_values_take_the_field_type() -> None:
    """Proves values typed as text become the field's type on the wire."""
    assert typed_values("building", {"floors_above": "7", "built_area": "86.5"}) == {
        "floors_above": 7,
        "built_area": 86.5,
    }
    assert typed_values("building", {"hazard_flag": "是", "deleted": "false"}) == {
        "hazard_flag": True,
        "deleted": False,
    }
    assert typed_values("household", {"note": "7"}) == {"note": "7"}


def test_to_entity_validates_without_echoing_values() -> None:
    """Proves wire values become a validated domain record, and a bad value is named by
    its field only (it may be personal data)."""
    values = {"id": "b1", "grid_code": "360302001001001", "estate_name": "城南", "building_no": "3"}
    assert to_entity(Building, values).estate_name == "城南"
    with pytest.raises(ValueError) as info:
        to_entity(Building, {**values, "floors_above": "seven-secret"})
    assert "seven-secret" not in str(info.value) and "floors_above" in str(info.value)
    with pytest.raises(ValidationError):
        to_entity(Building, {**values, "grid_code": "bad"})


def test_is_restricted() -> None:
    """Proves special-group and unknown tags are restricted, care tags and others not."""
    assert is_restricted("resident_tag", {"tag": "community_correction"})
    assert is_restricted("resident_tag", {"tag": "something-newer"})
    assert not is_restricted("resident_tag", {"tag": "living_alone_elderly"})
    assert not is_restricted("household", {"tag": "community_correction"})


def test_a_guard_field_changed_against_unseen_changes_conflicts() -> None:
    """Proves a move-out (the guard field life_status) pushed from a base before another
    author's phone change is a conflict on life_status (the server value kept) followed by
    the unseen phone change as context; from a base after it, or with nothing unseen, it
    applies; the same value, or null for an absent guard, is no change."""
    guards = frozenset({"life_status"})
    unseen = merge_update(
        CURRENT, META, {"life_status": "moved_out"}, base_version=10, author="wang", guards=guards
    )
    assert unseen.status == "conflict" and unseen.changes == {}
    six = ("field", "base", "server", "server_author", "incoming", "incoming_author")
    assert [{k: c.model_dump()[k] for k in six} for c in unseen.conflicts] == [
        {
            "field": "life_status",
            "base": None,
            "server": None,
            "server_author": "li",
            "incoming": "moved_out",
            "incoming_author": "wang",
        },
        {
            "field": "note",
            "base": None,
            "server": None,
            "server_author": "li",
            "incoming": None,
            "incoming_author": None,
        },
        {
            "field": "phone",
            "base": None,
            "server": "13800138000",
            "server_author": "li",
            "incoming": None,
            "incoming_author": None,
        },
    ]
    seen = merge_update(
        CURRENT, META, {"life_status": "moved_out"}, base_version=14, author="wang", guards=guards
    )
    assert seen.changes == {"life_status": "moved_out"} and not seen.conflicts
    unchanged = merge_update(
        CURRENT, META, {"life_status": None, "head_name": "张叁"}, base_version=10,
        author="wang", guards=guards,
    )
    assert unchanged.changes == {"head_name": "张叁"} and not unchanged.conflicts
    without = merge_update(
        CURRENT, META, {"life_status": "moved_out"}, base_version=10, author="wang"
    )
    assert without.changes == {"life_status": "moved_out"}  # no guard declared: merged
