"""Statistical division and grid codes.

A 12-digit division code is county (6, GB/T 2260) + street/town (3) + community or
village (3); a grid code appends a 3-digit grid number (DOMAIN.md). Scope checks
are prefix checks on these codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gridworker.domain.enums import RegionLevel
from gridworker.domain.validation import validate_grid_code

StreetKind = Literal["street", "town", "township", "other_unit"]

_LEVEL_BY_LENGTH = {6: RegionLevel.county, 9: RegionLevel.street, 12: RegionLevel.community}


@dataclass(frozen=True, slots=True)
class GridCode:
    """A parsed 15-digit grid code."""

    county: str
    street: str
    community: str
    grid_no: str

    @classmethod
    def from_str(cls, value: str) -> GridCode:
        """Parse and validate a grid code (raises ValidationError)."""
        code = validate_grid_code(value)
        return cls(county=code[:6], street=code[6:9], community=code[9:12], grid_no=code[12:])

    @property
    def street_code(self) -> str:
        """The 9-digit street/town code."""
        return self.county + self.street

    @property
    def community_code(self) -> str:
        """The 12-digit community/village code."""
        return self.county + self.street + self.community

    @property
    def code(self) -> str:
        """The full 15-digit grid code."""
        return self.community_code + self.grid_no

    @property
    def street_kind(self) -> StreetKind:
        """Whether the second level is a street office, a town or a township."""
        return street_kind(self.street)

    def __str__(self) -> str:
        return self.code


def street_kind(street3: str) -> StreetKind:
    """001–099 street (街道), 100–199 town (镇), 200–399 township (乡), 400–599 another unit
    at that level (development zone, farm, 管委会; e.g. 五陂下垦殖场 360302400)."""
    if len(street3) != 3 or not street3.isdigit():
        raise ValueError(f"a street/town part has 3 digits, got {street3!r}")
    number = int(street3)
    if 1 <= number <= 99:
        return "street"
    if 100 <= number <= 199:
        return "town"
    if 200 <= number <= 399:
        return "township"
    if 400 <= number <= 599:
        return "other_unit"
    raise ValueError(f"street/town part {street3!r} is outside 001–599")


def region_level(code: str) -> RegionLevel | None:
    """The level of a 6/9/12-digit division code, None for a grid or anything else."""
    return _LEVEL_BY_LENGTH.get(len(code)) if code.isdigit() else None


def parent_code(code: str) -> str | None:
    """The enclosing code: grid → community → street → county → None."""
    if len(code) <= 6:
        return None
    return code[:-3]


def is_within(code: str, area_code: str) -> bool:
    """True if ``code`` (a grid or area) lies in the 6/9/12/15-digit area ``area_code``.

    Codes nest by prefix, so this is a prefix test on well-formed digit strings;
    an area code of any other length is a programming error (ValueError).
    """
    if len(area_code) not in (6, 9, 12, 15) or not area_code.isdigit():
        raise ValueError(f"not an area code: {area_code!r}")
    return len(code) >= len(area_code) and code.isdigit() and code.startswith(area_code)
