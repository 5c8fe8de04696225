"""Grid and division codes: parsing, street kinds and prefix scope checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.codes import GridCode, is_within, parent_code, region_level, street_kind
from gridworker.domain.enums import RegionLevel
from gridworker.domain.errors import ValidationError


def test_grid_code_parts() -> None:
    """A grid code splits into county, street, community and grid number."""
    grid = GridCode.from_str("360302101005003")
    assert (grid.county, grid.street, grid.community, grid.grid_no) == (
        "360302", "101", "005", "003"
    )
    assert grid.street_code == "360302101"
    assert grid.community_code == "360302101005"
    assert str(grid) == grid.code == "360302101005003"
    assert grid.street_kind == "town"
    with pytest.raises(ValidationError):
        GridCode.from_str("360302101005")


@pytest.mark.parametrize(
    ("part", "kind"),
    [("001", "street"), ("099", "street"), ("100", "town"), ("199", "town"),
     ("200", "township"), ("399", "township"), ("400", "other_unit"), ("599", "other_unit")],
)
def test_street_kind_ranges(part: str, kind: str) -> None:
    """001–099 street, 100–199 town, 200–399 township (DOMAIN.md), 400–599 development zones,
    farms and 管委会 (the statistics bureau's division codes)."""
    assert street_kind(part) == kind


@pytest.mark.parametrize("part", ["000", "600", "12", "abc"])
def test_street_kind_rejects_out_of_range(part: str) -> None:
    """Anything outside 001–599 is refused."""
    with pytest.raises(ValueError):
        street_kind(part)


def test_is_within_and_hierarchy() -> None:
    """A grid lies in its county, street and community, and in no sibling area."""
    grid = "360302101005003"
    for area in ("360302", "360302101", "360302101005", grid):
        assert is_within(grid, area)
    assert not is_within(grid, "360303")
    assert not is_within(grid, "360302102")
    assert not is_within("360302", "360302101")
    with pytest.raises(ValueError):
        is_within(grid, "3603")
    assert parent_code(grid) == "360302101005"
    assert parent_code("360302101") == "360302"
    assert parent_code("360302") is None
    assert region_level("360302101") is RegionLevel.street
    assert region_level(grid) is None


@given(st.from_regex(r"360302[0-3][0-9]{2}[0-9]{3}[0-9]{3}", fullmatch=True))
def test_every_grid_is_within_each_of_its_ancestors(code: str) -> None:
    """Walking parent_code from any grid stays inside each ancestor."""
    current: str | None = code
    while current is not None:
        assert is_within(code, current)
        current = parent_code(current)
