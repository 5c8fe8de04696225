"""The deterministic ids: the shortcut that builds their text gives uuid.uuid5's."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain import ids


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_uuid5_text_is_the_text_of_uuid5(name: str) -> None:
    """Any name (lone surrogates included: both refuse them) gives uuid.uuid5's text."""
    try:
        expected = str(uuid.uuid5(ids.NAMESPACE, name))
    except UnicodeEncodeError:
        try:
            ids.uuid5_text(name)
        except UnicodeEncodeError:
            return
        raise AssertionError("uuid5_text took a name uuid5 refuses") from None
    assert ids.uuid5_text(name) == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40), st.text(min_size=1, max_size=20), st.text(max_size=20))
def test_keyed_ids_are_as_before(secret: bytes, grid: str, number: str) -> None:
    """A household's and a resident's id are the HMAC-then-uuid5 of before (ids never
    move: a roster imported before and after the change gives the same ids)."""

    def before(*parts: str) -> str:
        msg = "\x1f".join(parts).encode("utf-8", "surrogatepass")
        digest = hmac.new(secret, msg, hashlib.sha256).hexdigest()
        return str(uuid.uuid5(ids.NAMESPACE, digest))

    folded = ids.fold_key
    try:
        household = ids.household_id(secret, grid, number)
        resident = ids.resident_id(secret, number)
    except UnicodeEncodeError:
        return  # a lone surrogate: refused by both (the text must be UTF-8)
    assert household == before("household", folded(grid), folded(number))
    assert resident == before("resident", folded(number).upper())
    assert ids.unkeyed_resident_tag_id(resident, number) == str(
        uuid.uuid5(ids.NAMESPACE, f"resident_tag\x1f{resident}\x1f{number}")
    )
