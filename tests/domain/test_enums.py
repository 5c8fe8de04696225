"""Labelled enums: codes, labels, parsing and the extra attributes of tags and grades."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.enums import (
    ALL_ENUMS,
    CaseActionKind,
    CaseState,
    DangerGrade,
    DisputeType,
    EconomicStatus,
    Gender,
    HazardType,
    InspectionResult,
    ItemAnswer,
    LabeledEnum,
    PremisesType,
    RegionLevel,
    Relationship,
    Role,
    TagGroup,
    TagKind,
)

ALL_MEMBERS = [member for enum in ALL_ENUMS for member in enum]


def test_all_enums_are_collected() -> None:
    """ALL_ENUMS lists every labelled enum of the module, including the ones with extras."""
    names = {enum.__name__ for enum in ALL_ENUMS}
    assert {"Role", "TagKind", "DangerGrade", "CaseState", "CaseActionKind"} <= names
    assert LabeledEnum not in ALL_ENUMS


@pytest.mark.parametrize("enum", ALL_ENUMS, ids=lambda e: e.__name__)
def test_codes_and_labels_are_unique_and_unambiguous(enum: type[LabeledEnum]) -> None:
    """No two members share a code, and no spelling parse accepts names two members."""
    codes = [m.code for m in enum]
    assert len(codes) == len(set(codes))
    owner: dict[str, LabeledEnum] = {}
    for member in enum:
        keys = {member.code, member.zh, member.en, member.name, *member.zh.split("/")}
        for key in keys:
            folded = key.casefold()
            assert owner.setdefault(folded, member) is member, f"{key!r} is ambiguous"
        assert member.zh and member.en
    for alias, code in enum._aliases().items():
        assert owner.setdefault(alias.casefold(), enum(code)).code == code, alias


@pytest.mark.parametrize("member", ALL_MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_parse_accepts_code_and_both_labels(member: LabeledEnum) -> None:
    """parse() finds each member by its code, its Chinese label and its English label."""
    enum = type(member)
    assert enum.parse(member.code) is member
    assert enum.parse(member.zh) is member
    assert enum.parse(member.en) is member
    assert enum.parse(member) is member


@given(st.sampled_from(ALL_MEMBERS), st.sampled_from([str.upper, str.lower, str.title]),
       st.text(alphabet=" \t", max_size=3))
def test_parse_ignores_case_and_padding(member: LabeledEnum, case: object, pad: str) -> None:
    """English labels parse whatever their case and surrounding whitespace."""
    assert callable(case)
    assert type(member).parse(pad + case(member.en) + pad) is member


def test_value_str_format_and_json_are_the_code() -> None:
    """The code is what str(), f-strings, JSON and equality with plain strings see."""
    assert Gender.male.value == "1"
    assert str(Gender.male) == "1"
    assert f"{Role.grid_worker}" == "grid_worker"
    assert json.dumps({"role": Role.admin}) == '{"role": "admin"}'
    assert EconomicStatus.poor.value == "04"
    assert {"04": "poor"}[EconomicStatus.poor] == "poor"  # hashes and compares as its code
    assert CaseActionKind.return_.value == "return"
    assert ItemAnswer.pass_.value == "pass" and InspectionResult.pass_.value == "pass"


def test_label_language_choice() -> None:
    """Any language starting with "en" gives English; everything else Chinese."""
    assert Role.adviser.label() == "党建指导员"
    assert Role.adviser.label("en_US") == "Party-building adviser"
    assert Role.adviser.label("EN") == "Party-building adviser"
    assert Role.adviser.label("fr_FR") == "党建指导员"
    assert Role.choices("en")[0] == ("grid_worker", "Grid worker")


def test_parse_error_lists_accepted_values() -> None:
    """An unknown value is a ValueError that names the enum and every accepted value."""
    with pytest.raises(ValueError) as caught:
        Gender.parse("boy")
    text = str(caught.value)
    assert "Gender" in text and "'boy'" in text
    for member in Gender:
        assert member.code in text and member.zh in text


def test_numeric_codes_tolerate_dropped_leading_zeros() -> None:
    """Spreadsheets turn "01" into 1; parse still finds the member."""
    assert EconomicStatus.parse("1") is EconomicStatus.no_fixed_income
    assert DisputeType.parse("2") is DisputeType.neighbourhood
    assert HazardType.parse("099") is HazardType.other
    assert Gender.parse("01") is Gender.male


def test_slash_labels_parse_by_either_half() -> None:
    """A label such as 街道/乡镇 accepts each half on its own."""
    assert RegionLevel.parse("乡镇") is RegionLevel.street
    assert RegionLevel.parse("村") is RegionLevel.community
    assert PremisesType.parse("幼儿园") is PremisesType.small_school
    assert Relationship.parse("女婿") is Relationship.child_in_law


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本人", Relationship.head),
        ("户主", Relationship.head),
        ("儿子", Relationship.son),
        ("长子", Relationship.son),
        ("女儿", Relationship.daughter),
        ("妻子", Relationship.spouse),
        ("丈夫", Relationship.spouse),
        ("Wife", Relationship.spouse),
        ("孙女", Relationship.grandchild),
        ("外婆", Relationship.grandparent),
        ("妹妹", Relationship.sibling),
        ("儿媳", Relationship.child_in_law),
        (" 其他 ", Relationship.other),
    ],
)
def test_relationship_accepts_roster_spellings(text: str, expected: Relationship) -> None:
    """Common 与户主关系 spellings from real rosters map to the right member."""
    assert Relationship.parse(text) is expected


def test_item_answer_accepts_yes_no() -> None:
    """Checklist answers typed as 是/否/√/× parse."""
    assert ItemAnswer.parse("是") is ItemAnswer.pass_
    assert ItemAnswer.parse("√") is ItemAnswer.pass_
    assert ItemAnswer.parse("否") is ItemAnswer.fail
    assert ItemAnswer.parse("N/A") is ItemAnswer.na


def test_tag_privacy_classes() -> None:
    """Only special groups are restricted; they, disability, autism and youth are sensitive."""
    for tag in TagKind:
        assert tag.restricted == (tag.group is TagGroup.special)
        if tag.group in (TagGroup.special, TagGroup.key_youth):
            assert tag.sensitive
        assert tag.visit_interval_days > 0
    for sensitive in ("disabled", "autistic_child", "severe_mental_illness", "left_behind_child"):
        assert TagKind(sensitive).sensitive
    assert not TagKind.veteran.sensitive
    assert TagKind.living_alone_elderly.visit_interval_days == 7
    assert TagKind.drug_user.group is TagGroup.special
    assert TagKind.parse("独居老人") is TagKind.living_alone_elderly
    assert len([t for t in TagKind if t.group is TagGroup.key_youth]) == 5


def test_danger_grades_describe_themselves() -> None:
    """JGJ 125 grades carry their descriptions; only C and D are dangerous."""
    assert "局部危房" in DangerGrade.C.description
    assert "whole building" in DangerGrade.D.describe("en")
    assert [g for g in DangerGrade if g.is_dangerous] == [DangerGrade.C, DangerGrade.D]
    assert DangerGrade.parse("d") is DangerGrade.D


def test_case_state_open_and_terminal_partition() -> None:
    """Draft is neither open nor terminal; closed/cancelled are terminal; the rest are open."""
    assert not CaseState.draft.is_open and not CaseState.draft.is_terminal
    assert {s for s in CaseState if s.is_terminal} == {CaseState.closed, CaseState.cancelled}
    assert {s for s in CaseState if s.is_open} == {
        CaseState.reported, CaseState.accepted, CaseState.dispatched, CaseState.in_progress,
        CaseState.handled, CaseState.verified, CaseState.suspended,
    }
