"""Validation of ID numbers, phone numbers, grid/region codes and names."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.enums import Gender
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import (
    id_birth_date,
    id_check_digit,
    id_gender,
    validate_grid_code,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_region_code,
)


def reference_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 written from the standard's formula, independently of the code."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(region: str, born: date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + reference_check_digit(first17)


ids = st.builds(
    make_id,
    st.sampled_from(["110105", "360302", "440305", "650102", "810000", "830000"]),
    st.dates(min_value=date(1890, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


def code_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code


def test_standard_example_id_is_valid_and_normalised() -> None:
    """GB 11643's own example validates; a lower-case x, spaces and full-width digits normalise."""
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert validate_id_number("110105 19491231 002X") == "11010519491231002X"
    assert validate_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"
    assert id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1101051949123100", "id_length"),
        ("110105491231002", "id_length"),  # old 15-digit number
        ("1101051949123100AX", "id_format"),
        ("X1010519491231002X", "id_format"),
        ("11010519491231002Y", "id_format"),
        ("11010519491231002", "id_length"),
        ("110105194912310021", "id_checksum"),
    ],
)
def test_id_number_errors_have_specific_codes(value: str, code: str) -> None:
    """Length, format and check-digit errors are told apart."""
    assert code_of(lambda: validate_id_number(value)) == code


def test_id_region_and_birth_date_errors() -> None:
    """A bad province, impossible or out-of-range birth date is reported before the checksum."""
    assert code_of(lambda: validate_id_number(make_id("990101", date(1990, 1, 1), 1))) == (
        "id_region"
    )
    bad_day = "36030219900230001"
    assert code_of(lambda: validate_id_number(bad_day + reference_check_digit(bad_day))) == (
        "id_birth_date"
    )
    assert code_of(lambda: validate_id_number(make_id("440524", date(1880, 1, 1), 1))) == (
        "id_birth_date"
    )
    future = make_id("360302", date(2026, 6, 1), 1)
    assert code_of(lambda: validate_id_number(future, today=date(2026, 5, 31))) == (
        "id_birth_date"
    )
    assert validate_id_number(future, today=date(2026, 6, 1)) == future


@given(ids)
def test_generated_ids_round_trip(number: str) -> None:
    """Any ID built with the reference check digit validates and keeps its value."""
    assert id_check_digit(number[:17]) == number[17]
    assert validate_id_number(number.lower()) == number


@given(ids, st.sampled_from("0123456789X"))
def test_any_other_check_character_is_rejected(number: str, wrong: str) -> None:
    """Replacing the check character by any other is an id_checksum error."""
    if wrong != number[17]:
        assert code_of(lambda: validate_id_number(number[:17] + wrong)) == "id_checksum"


@given(ids, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_is_caught(number: str, position: int, delta: int) -> None:
    """MOD 11-2 catches every single-digit substitution (or region/date checks do first)."""
    digit = str((int(number[position]) + delta) % 10)
    altered = number[:position] + digit + number[position + 1:]
    with pytest.raises(ValidationError):
        validate_id_number(altered, today=date(2099, 1, 1))


def test_birth_date_and_gender_from_id() -> None:
    """Digits 7–14 are the birth date; the 17th digit's parity is the gender."""
    assert id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_gender("11010519491231002X") is Gender.female
    assert id_gender(make_id("360302", date(1990, 1, 1), 1)) is Gender.male
    assert code_of(lambda: id_birth_date("123")) == "id_birth_date"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086 19912345678", "19912345678"),
        ("0797-1234567", "0797-1234567"),
        ("07971234567", "0797-1234567"),
        ("(0797) 8123456", "0797-8123456"),
        ("010-12345678", "010-12345678"),
        ("021 87654321", "021-87654321"),
        ("+86 797 1234567", "0797-1234567"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_phone_numbers_normalise(raw: str, normalised: str) -> None:
    """Mobiles become 11 digits, landlines area-code-dash-number."""
    assert validate_phone(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    ["", "12812345678", "1381234567", "138123456789", "0797-123456", "797-1234567",
     "138abcd5678", "12345", "0797-123456789"],
)
def test_bad_phone_numbers_are_rejected(raw: str) -> None:
    """Wrong prefixes, lengths and letters are phone_format errors."""
    assert code_of(lambda: validate_phone(raw)) == "phone_format"


def test_grid_codes() -> None:
    """15 digits with street 001–599 (400–599: development zones, farms, 管委会) and non-zero
    community and grid parts."""
    assert validate_grid_code(" 360302 001 002 003 ") == "360302001002003"
    assert code_of(lambda: validate_grid_code("36030200100200")) == "grid_code_format"
    assert code_of(lambda: validate_grid_code("36030200100200A")) == "grid_code_format"
    assert validate_grid_code("360302400201001") == "360302400201001"  # 五陂下垦殖场
    for bad in ("360302000002003", "360302600002003", "360302001000003", "360302001002000",
                "990302001002003"):
        assert code_of(lambda bad=bad: validate_grid_code(bad)) == "grid_code_range"


def test_region_codes() -> None:
    """County, street/town and community codes have 6, 9 or 12 digits."""
    assert validate_region_code("360302") == "360302"
    assert validate_region_code("360302101") == "360302101"
    assert validate_region_code("360302101005") == "360302101005"
    assert code_of(lambda: validate_region_code("3603021010")) == "region_code_format"
    assert validate_region_code("360302500") == "360302500"
    assert code_of(lambda: validate_region_code("360302600")) == "region_code_range"
    assert code_of(lambda: validate_region_code("360302101000")) == "region_code_range"


def test_names() -> None:
    """Names are stripped, spaces collapsed, ≤ 50 characters and free of control characters."""
    assert validate_name("  张三 ") == "张三"
    assert validate_name("阿依古丽·买买提") == "阿依古丽·买买提"
    assert validate_name("Li   Lei") == "Li Lei"
    assert code_of(lambda: validate_name("   ")) == "required"
    assert code_of(lambda: validate_name("张" * 51)) == "too_long"
    assert code_of(lambda: validate_name("张\x00三")) == "invalid_chars"
    assert code_of(lambda: validate_name("张\u200b三")) == "invalid_chars"
    assert code_of(lambda: validate_name("张\n三")) == "invalid_chars"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0799 6881234 转 8001", "0799-6881234-8001"),
        ("0799-6881234-8001", "0799-6881234-8001"),
        ("(0799)6881234分机801", "0799-6881234-801"),
        ("0799-6881234 ext. 12", "0799-6881234-12"),
    ],
)
def test_landline_extensions_are_kept(raw: str, expected: str) -> None:
    """Proves an extension written 转, 分机, ext or as a third dash group is kept on the
    landline (and the normalised form validates again, as a pushed record must)."""
    assert validate_phone(raw) == expected
    assert validate_phone(expected) == expected


def test_a_mobile_takes_no_extension() -> None:
    """Proves 138… 转 8 is refused rather than read as a landline extension."""
    assert code_of(lambda: validate_phone("13807991234转8001")) == "phone_format"
