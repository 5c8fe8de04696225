"""Masking of ID numbers, phones and names never leaks the hidden part."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.masking import mask_id_number, mask_name, mask_phone


def test_examples_from_the_design() -> None:
    """docs/design.md §7's examples: 360302********1234 and 138****5678."""
    assert mask_id_number("360302199001011234") == "360302********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("0797-1234567") == "0797-***4567"
    assert mask_phone("010 12345678") == "010-****5678"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"


def test_none_empty_and_short_values() -> None:
    """None stays None, empty stays empty, short or unrecognised values are fully masked."""
    assert mask_id_number(None) is None
    assert mask_phone(None) is None
    assert mask_name(None) is None
    assert mask_id_number("") == ""
    assert mask_id_number("1234567") == "*******"
    assert mask_phone("12345") == "*****"
    assert mask_phone("call me") == "*******"
    assert mask_name("张") == "*"
    assert mask_name("") == ""


@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
def test_masked_id_hides_the_birth_date_and_sequence(number: str) -> None:
    """Only the first 6 and last 4 characters survive; length is kept."""
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle_four(number: str) -> None:
    """Digits 4–7 of a mobile are never shown."""
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]


@given(st.text(min_size=1, max_size=20))
def test_masking_never_grows_a_leak(text: str) -> None:
    """For any text, a masked name keeps at most its first and last character."""
    masked = mask_name(text)
    stripped = text.strip()
    assert len(masked) == len(stripped)
    assert set(masked[1:-1]) <= {"*"}
    if len(stripped) <= 1:
        assert set(masked) <= {"*"}
