"""Natural-key folding (docs/design.md §4): the same 户号 or ID number typed in full-width or
half-width digits derives the same id; free text is compared in one Unicode form."""

from __future__ import annotations

from gridworker.domain import ids
from gridworker.domain.validation import fold_key, normalise_text

SECRET = bytes.fromhex("5a" * 32)


def test_household_and_resident_ids_fold_full_width_forms() -> None:
    """Proves full-width digits, ideographic spaces and a lower-case x give the same ids."""
    assert fold_key("　１０１ ") == "101"
    grid = "360302001001001"
    assert ids.household_id(SECRET, grid, "１０１") == ids.household_id(SECRET, grid, "101")
    assert ids.household_id(SECRET, "３６０３０２００１００１００１", "101") == ids.household_id(
        SECRET, grid, "101"
    )
    assert ids.household_id(SECRET, grid, "102") != ids.household_id(SECRET, grid, "101")
    number = "36030219500307002X"
    assert ids.resident_id(SECRET, "３６０３０２１９５００３０７００２ｘ") == ids.resident_id(
        SECRET, number
    )


def test_free_text_is_composed_and_trimmed() -> None:
    """Proves a decomposed accent and surrounding spaces give the composed, trimmed text."""
    assert normalise_text(" Cafe\u0301 ") == "Café"
