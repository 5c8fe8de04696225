"""Grid boundaries: the rules a boundary must meet to be drawn, the same on the laptop
(grid map) and on the server (import-grids), so the server never accepts a grid that
every laptop would then refuse.

A boundary is GeoJSON: a Polygon or MultiPolygon geometry, or a Feature /
FeatureCollection holding them, in longitude/latitude order (RFC 7946). Each ring has
four or more positions, is closed, encloses an area and does not cross itself; every
position lies within China's bounds. Coordinates in metres (a projected system) and
swapped latitude/longitude are named as such, since that is what a GIS export gets wrong.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from typing import Any

Point = tuple[float, float]  # (lon, lat)
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # the exterior ring first, then any holes

# China's extent with a margin (Mohe to Zengmu Ansha, Pamir to the Wusuli river).
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


class BoundaryError(ValueError):
    """A grid boundary that cannot be drawn; the message says why."""


def in_china(lon: float, lat: float) -> bool:
    return CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def _point(value: Any) -> Point:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise BoundaryError("a position is not a [lon, lat] pair")
    lon, lat = value[0], value[1]
    if isinstance(lon, bool) or isinstance(lat, bool):
        raise BoundaryError("a coordinate is not a number")
    if not isinstance(lon, int | float) or not isinstance(lat, int | float):
        raise BoundaryError("a coordinate is not a number")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise BoundaryError("a coordinate is not finite")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        if abs(lon) > 1000 or abs(lat) > 1000:
            raise BoundaryError(
                f"the coordinates are in metres ({lon}, {lat}), from a projected system "
                "(e.g. CGCS2000 Gauss-Kruger): export longitude/latitude (WGS-84 or CGCS2000 "
                "geographic) instead"
            )
        if in_china(lat, lon):
            raise BoundaryError(
                f"longitude and latitude are swapped ({lon}, {lat}): GeoJSON positions are "
                "[longitude, latitude]"
            )
        raise BoundaryError(f"a coordinate is out of range: {lon}, {lat}")
    return float(lon), float(lat)


def _ring(value: Any) -> Ring:
    if not isinstance(value, list | tuple):
        raise BoundaryError("a ring is not a list of positions")
    points = tuple(_point(p) for p in value)
    if len(points) < 4:
        raise BoundaryError("a ring has fewer than four positions")
    if points[0] != points[-1]:
        raise BoundaryError("a ring is not closed (its first and last positions differ)")
    return points


def ring_area(ring: Ring) -> float:
    """Signed area in square degrees (shoelace); positive counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """True if the two segments meet other than at a shared end (a proper crossing, or one
    touching the other's inside, or overlapping collinear parts)."""
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True

    def on(a: Point, b: Point, c: Point) -> bool:  # c on segment ab, not at its ends
        within = min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(
            a[1], b[1]
        )
        return within and c not in (a, b)

    return (
        (d1 == 0 and on(q1, q2, p1))
        or (d2 == 0 and on(q1, q2, p2))
        or (d3 == 0 and on(p1, p2, q1))
        or (d4 == 0 and on(p1, p2, q2))
    )


def self_crossing(ring: Ring) -> Point | None:
    """Where a closed ring crosses itself, or None. Segments are swept in order of their
    west end, so only those overlapping in longitude are compared."""
    segments = [(ring[i], ring[i + 1], i) for i in range(len(ring) - 1)]
    last = len(segments) - 1
    order = sorted(segments, key=lambda s: min(s[0][0], s[1][0]))
    active: list[tuple[Point, Point, int]] = []
    for seg in order:
        west = min(seg[0][0], seg[1][0])
        active = [a for a in active if max(a[0][0], a[1][0]) >= west]
        for other in active:
            i, j = sorted((seg[2], other[2]))
            if j - i == 1 or (i == 0 and j == last):
                continue  # neighbours share an end
            if _segments_cross(seg[0], seg[1], other[0], other[1]):
                return seg[0]
        active.append(seg)
    return None


def _polygon(value: Any) -> Polygon:
    if not isinstance(value, list | tuple) or not value:
        raise BoundaryError("a polygon has no rings")
    rings = tuple(_ring(r) for r in value)
    if abs(ring_area(rings[0])) == 0:
        raise BoundaryError("a polygon's exterior ring encloses no area")
    for ring in rings:
        outside = [p for p in ring if not in_china(*p)]
        if outside:
            lon, lat = outside[0]
            if all(in_china(y, x) for x, y in ring):
                raise BoundaryError(
                    f"longitude and latitude are swapped ({lon}, {lat}): GeoJSON positions are "
                    "[longitude, latitude]"
                )
            raise BoundaryError(f"a position lies outside China: {lon}, {lat}")
        crossing = self_crossing(ring)
        if crossing is not None:
            raise BoundaryError(
                f"a ring crosses itself (near {crossing[0]:.6f}, {crossing[1]:.6f})"
            )
    return rings


def _geometries(data: Any) -> Iterable[Any]:
    if not isinstance(data, dict):
        raise BoundaryError("not a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise BoundaryError("the feature collection has no features")
        for feature in features:
            yield from _geometries(feature)
    elif kind == "Feature":
        yield data.get("geometry")
    else:
        yield data


def geometry_polygons(data: Any) -> tuple[Polygon, ...]:
    """The polygons of a GeoJSON geometry, Feature or FeatureCollection (BoundaryError)."""
    polygons: list[Polygon] = []
    for geometry in _geometries(data):
        if not isinstance(geometry, dict):
            raise BoundaryError("a feature has no geometry")
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "Polygon":
            polygons.append(_polygon(coordinates))
        elif kind == "MultiPolygon":
            if not isinstance(coordinates, list) or not coordinates:
                raise BoundaryError("the multipolygon has no polygons")
            polygons.extend(_polygon(p) for p in coordinates)
        else:
            raise BoundaryError(f"geometry type {kind!r} is not a polygon")
    if not polygons:
        raise BoundaryError("no polygon")
    return tuple(polygons)


def parse_boundary(text: str) -> tuple[Polygon, ...]:
    """The polygons of a grid boundary (GeoJSON text); BoundaryError says what is wrong."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise BoundaryError(f"not valid JSON: {exc}") from exc
    return geometry_polygons(data)
