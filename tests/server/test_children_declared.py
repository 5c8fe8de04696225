"""Proves that the children map (who follows whom to another grid) is derived from the
record declarations and equals the map that was written by hand before (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import pytest

from gridworker.domain import declare as d
from gridworker.domain.declare import Group, entity
from gridworker.domain.record import Record
from gridworker.server import children

# The map server/children.py spelled out by hand until the declarations carried it.
HAND_WRITTEN = {
    "resident": ("household", "household_id"),
    "visit": ("household", "household_id"),
    "resident_tag": ("resident", "resident_id"),
    "need": ("visit", "visit_id"),
}


# Declared since (issue 19): a household's life events, a building's flats.
DECLARED_SINCE = {
    "life_event": ("household", "household_id"),
    "house": ("building", "building_id"),
}


def test_the_derived_parent_map_equals_the_hand_written_one() -> None:
    assert children.PARENT == {**HAND_WRITTEN, **DECLARED_SINCE}


def test_a_household_takes_its_subtree_in_the_old_order() -> None:
    # residents, their tags, visits, their needs: the order children_of listed them in;
    # then its life events (declared after them).
    assert children._descendants("household") == (
        "resident",
        "resident_tag",
        "visit",
        "need",
        "life_event",
    )
    assert children._descendants("building") == ("house",)
    assert children._descendants("need") == ()
    assert {"household", "building"} == children._ROOTS


def test_photos_follow_the_records_of_the_tree() -> None:
    assert {"household", "resident", "visit"} <= children._PHOTO_OWNERS
    assert "case" not in children._PHOTO_OWNERS  # a case's photos go with case_children
    fields = {"owner_entity": "resident", "owner_id": "r1"}
    assert children.parent_key("attachment", fields) == ("resident", "r1")
    assert children.parent_key("attachment", {"owner_entity": "case", "owner_id": "c"}) is None
    assert children.parent_key("need", {"visit_id": "v1"}) == ("visit", "v1")
    assert children.parent_key("household", {}) is None


def test_a_parent_is_one_reference_field() -> None:
    with pytest.raises(ValueError, match="a parent is one reference field"):

        @entity("two_parents_probe", "探针", "Probe", group=Group.register)
        @dataclass(frozen=True, slots=True, kw_only=True)
        class TwoParents(Record):
            a_id: Annotated[str, d.ref("household", "甲", "A", parent=True)]
            b_id: Annotated[str, d.ref("visit", "乙", "B", parent=True)]

    assert d.find("two_parents_probe") is None
