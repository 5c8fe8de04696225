"""The boundary rules laptops draw by and the server imports by (one implementation)."""

from __future__ import annotations

import json

import pytest

from gridworker.domain.geometry import BoundaryError, parse_boundary, self_crossing

SQUARE = [[113.80, 27.70], [113.80, 27.69], [113.81, 27.69], [113.81, 27.70], [113.80, 27.70]]


def polygon(ring: list[list[float]]) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.mark.parametrize(
    ("ring", "reason"),
    [
        ([[y, x] for x, y in SQUARE], "longitude and latitude are swapped"),
        ([[x * 111000, y * 111000] for x, y in SQUARE], "in metres"),
        ([[x - 100, y] for x, y in SQUARE], "outside China"),
        (
            [[113.80, 27.70], [113.81, 27.69], [113.81, 27.70], [113.80, 27.68], [113.80, 27.70]],
            "crosses itself",
        ),
    ],
)
def test_what_gis_exports_get_wrong_is_named(ring: list[list[float]], reason: str) -> None:
    """Proves swapped coordinates, metres, places outside China and self-crossing rings are
    refused with a reason naming the fault."""
    with pytest.raises(BoundaryError, match=reason):
        parse_boundary(polygon(ring))


def test_a_real_outline_passes_and_touching_neighbours_are_not_crossings() -> None:
    """Proves the DataV outline of 安源区 (118 positions) passes, and that a ring whose
    segments only meet at shared vertices is not reported as crossing itself."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "fixtures" / "grids" / "datav-anyuan-360302.json"
    assert len(parse_boundary(path.read_text(encoding="utf-8"))) == 1
    assert self_crossing(tuple((x, y) for x, y in SQUARE)) is None
