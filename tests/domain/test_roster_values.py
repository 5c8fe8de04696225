"""Register values as rosters write them: relationships (GB/T 4761, census), 民族, phones."""

from __future__ import annotations

import pytest

from gridworker.domain.enums import Education, Gender, MaritalStatus, Relationship, TagKind
from gridworker.domain.errors import ValidationError
from gridworker.domain.roster_values import (
    RelationshipCodes,
    parse_ethnicity,
    parse_phone_cell,
    parse_relationship,
)

R = Relationship


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("户主", R.head), ("本人", R.head), ("02", R.head), ("01", R.head),
        ("妻", R.spouse), ("12", R.spouse), ("长子", R.son), ("次女", R.daughter),
        ("老三女", R.daughter), ("22", R.son), ("37", R.daughter), ("28", R.child_in_law),
        ("38", R.child_in_law), ("岳母", R.parent_in_law), ("公婆", R.parent_in_law),
        ("56", R.parent_in_law), ("外甥", R.other_relative), ("侄子", R.other_relative),
        ("95", R.other_relative), ("租户", R.non_relative), ("保姆", R.non_relative),
        ("99", R.non_relative), ("孙子女", R.grandchild), ("43", R.grandchild),
        ("80", R.other), ("2.0", None),
    ],
)
def test_relationship_names_and_gbt_codes(text: str, expected: Relationship | None) -> None:
    """Proves GB/T 4761-2008 names and two-digit codes, ordinals, in-laws, other relatives and
    non-relatives all resolve (None: refused with a reason)."""
    if expected is None:
        with pytest.raises(ValidationError):
            parse_relationship(text)
    else:
        assert parse_relationship(text) is expected


@pytest.mark.parametrize("text", ["子女", "2"])
def test_child_is_son_or_daughter_by_gender(text: str) -> None:
    """Proves 子女 (and census code 2) becomes 子 or 女 by the gender the ID number gives,
    and is refused, saying why, when there is no gender."""
    codes = RelationshipCodes.census
    assert parse_relationship(text, gender=Gender.male, codes=codes) is R.son
    assert parse_relationship(text, gender=Gender.female, codes=codes) is R.daughter
    with pytest.raises(ValidationError) as refused:
        parse_relationship(text, codes=codes)
    assert "性别" in refused.value.message("zh_CN")


def test_one_digit_codes_follow_the_named_table() -> None:
    """Proves 4 is 岳父母或公婆 in the census table and 孙辈 in GB/T 4761, and that without
    a table a code from 2 up is refused with the option to name it (0 and 1 agree)."""
    assert parse_relationship("4", codes=RelationshipCodes.census) is R.parent_in_law
    assert parse_relationship("4", codes=RelationshipCodes.gbt) is R.grandchild
    assert parse_relationship("6", codes=RelationshipCodes.census) is R.child_in_law
    assert parse_relationship("0") is R.head and parse_relationship("1") is R.spouse
    with pytest.raises(ValidationError, match="relationship-codes"):
        parse_relationship("4")


def test_tag_and_coded_value_synonyms() -> None:
    """Proves tags are read with or without their suffix and 婚姻状况/文化程度 by name,
    GB/T code or census code."""
    assert TagKind.parse("低保户") is TagKind.low_income
    assert TagKind.parse("残疾") is TagKind.disabled
    assert TagKind.parse("孤寡") is TagKind.childless_elderly
    assert TagKind.parse("刑满释放") is TagKind.released_prisoner
    assert MaritalStatus.parse("有配偶") is MaritalStatus.married
    assert MaritalStatus.parse("40") is MaritalStatus.divorced
    assert Education.parse("大专") is Education.college
    assert Education.parse("4") is Education.junior


def test_ethnicity() -> None:
    """Proves 民族 by full name, short name or GB 3304 code, and an unknown one refused."""
    assert parse_ethnicity("汉") == "汉族"
    assert parse_ethnicity("01") == "汉族" and parse_ethnicity("3") == "回族"
    assert parse_ethnicity("蒙古族") == "蒙古族"
    with pytest.raises(ValidationError) as refused:
        parse_ethnicity("火星族")
    assert "民族“火星族”" in refused.value.message("zh_CN")


@pytest.mark.parametrize(
    ("cell", "numbers", "added"),
    [
        ("138 0799 1234", ("13807991234",), False),
        ("+86 138-0799-1234", ("13807991234",), False),
        ("0799 6881234 转 8001", ("0799-6881234-8001",), False),
        ("6881234", ("0799-6881234",), True),
        ("688-1234 转 12", ("0799-6881234-12",), True),
        ("13807991234、0799-6881234", ("13807991234", "0799-6881234"), False),
        ("13807991234 13907991234", ("13807991234", "13907991234"), False),
        ("13807991234/13807991234", ("13807991234",), False),
    ],
)
def test_phone_cells(cell: str, numbers: tuple[str, ...], added: bool) -> None:
    """Proves mobiles with spaces, extensions, local numbers given the district's area
    code, and two numbers in one cell are all read, in order, without duplicates."""
    result = parse_phone_cell(cell)
    assert result.numbers == numbers and result.area_code_added is added


def test_a_bad_part_of_a_phone_cell_is_named() -> None:
    """Proves the message quotes the part that is not a number."""
    with pytest.raises(ValidationError, match="12345"):
        parse_phone_cell("13807991234、12345")
