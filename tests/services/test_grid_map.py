"""电子网格区域图 services: boundaries parsed and validated, figures counted per grid."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from gridworker.domain.enums import (
    CaseCategory,
    DangerGrade,
    GridType,
    HazardKind,
    TagKind,
    VisitMode,
)
from gridworker.resources import resource
from gridworker.services import cases, inspections, register, visits
from gridworker.services.grid_map import (
    BoundaryError,
    MapLayer,
    grid_figures,
    grid_shapes,
    household_count,
    parse_boundary,
)
from gridworker.services.today import visits_due
from gridworker.services.workspace import Workspace
from gridworker.storage.models import GridRow
from tests.conftest import GRID, GRID2
from tests.services.test_today import NOW, seed_day

SQUARE = [[113.80, 27.70], [113.80, 27.69], [113.81, 27.69], [113.81, 27.70], [113.80, 27.70]]


def polygon(west: float, north: float, size: float = 0.01) -> dict[str, object]:
    ring = [
        [west, north],
        [west, north - size],
        [west + size, north - size],
        [west + size, north],
        [west, north],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def add_grids(ws: Workspace, boundaries: dict[str, str | None]) -> None:
    with ws.write() as s:
        for n, (code, text) in enumerate(boundaries.items()):
            s.add(
                GridRow(
                    code=code,
                    name=f"凤凰池社区第{n + 1}网格",
                    community_code=code[:12],
                    grid_type=GridType.basic,
                    boundary_geojson=text,
                )
            )


def test_polygons_multipolygons_and_features_parse() -> None:
    """Proves a Polygon (with a hole), a MultiPolygon and a Feature / FeatureCollection
    wrapping them all parse into exterior-first rings."""
    hole = [[113.802, 27.698], [113.804, 27.698], [113.804, 27.696], [113.802, 27.698]]
    [with_hole] = parse_boundary(json.dumps({"type": "Polygon", "coordinates": [SQUARE, hole]}))
    assert len(with_hole) == 2 and with_hole[0][0] == (113.80, 27.70)
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], polygon(113.9, 27.6)["coordinates"]]}
    assert len(parse_boundary(json.dumps(multi))) == 2
    feature = {"type": "Feature", "properties": {}, "geometry": multi}
    assert len(parse_boundary(json.dumps(feature))) == 2
    collection = {"type": "FeatureCollection", "features": [feature, feature]}
    assert len(parse_boundary(json.dumps(collection))) == 4


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"type": "Point", "coordinates": [113.8, 27.7]}), "is not a polygon"),
        (json.dumps({"type": "Polygon", "coordinates": [SQUARE[:-1]]}), "not closed"),
        (json.dumps({"type": "Polygon", "coordinates": [SQUARE[:3]]}), "fewer than four"),
        (json.dumps({"type": "Polygon", "coordinates": [[[913.8, 27.7]] * 4]}), "out of range"),
        (json.dumps({"type": "Polygon", "coordinates": [[["a", 1]] * 4]}), "not a number"),
        (json.dumps({"type": "Polygon", "coordinates": [[[1, 1]] * 4]}), "encloses no area"),
        (json.dumps({"type": "Feature", "geometry": None}), "no geometry"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "no features"),
        (json.dumps({"type": "MultiPolygon", "coordinates": []}), "no polygons"),
        (json.dumps([1, 2]), "not a GeoJSON object"),
    ],
)
def test_malformed_boundaries_say_why(text: str, reason: str) -> None:
    """Proves each kind of malformed boundary is refused with a reason naming the fault."""
    with pytest.raises(BoundaryError, match=reason):
        parse_boundary(text)


def test_a_malformed_boundary_is_skipped_not_fatal(ws: Workspace) -> None:
    """Proves grid_shapes draws the good grids and lists the bad or missing boundaries
    with their reason instead of failing the whole map."""
    good, other = GRID, GRID2
    bad, empty = "360302001001003", "360302001001004"
    add_grids(
        ws,
        {
            good: json.dumps(polygon(113.80, 27.70)),
            other: json.dumps({"type": "Feature", "geometry": polygon(113.81, 27.70)}),
            bad: json.dumps({"type": "Polygon", "coordinates": [SQUARE[:-1]]}),
            empty: None,
        },
    )
    result = grid_shapes(ws)
    assert [s.code for s in result.shapes] == [good, other]
    reasons = {s.code: s.reason for s in result.skipped}
    assert "not closed" in reasons[bad] and reasons[empty] == "no boundary"
    shape = result.shapes[0]
    assert shape.bbox == pytest.approx((113.80, 27.69, 113.81, 27.70))
    assert shape.label_point == pytest.approx((113.805, 27.695))
    assert result.bbox == pytest.approx((113.80, 27.69, 113.82, 27.70))


def test_expired_grids_are_not_drawn(ws: Workspace) -> None:
    """Proves a grid whose valid_to has passed is left off the map."""
    add_grids(ws, {GRID: json.dumps(polygon(113.80, 27.70))})
    with ws.write() as s:
        row = s.get(GridRow, GRID)
        assert row is not None
        row.valid_to = date(2020, 1, 1)
    assert grid_shapes(ws, today=date(2026, 11, 27)).shapes == []


def test_every_demo_district_boundary_parses() -> None:
    """Proves all 360 grids of the demo district's GeoJSON (what the server seeds) parse."""
    from gridworker.services.grid_map import shape_of

    data = json.loads(resource("demo", "district.geojson").read_text(encoding="utf-8"))
    shapes = [
        shape_of(f["properties"]["grid_code"], f["properties"]["name"], "", json.dumps(f))
        for f in data["features"]
    ]
    assert len(shapes) == 360
    assert all(s.bbox[0] < s.label_point[0] < s.bbox[2] for s in shapes)


def test_figures_per_grid_match_the_records(ws: Workspace) -> None:
    """Proves households, open cases, open and overdue rectifications, C/D buildings,
    hazard sites and overdue visits are counted per grid exactly, and that the overdue
    visits agree with the 工作台's own rule (services.today.visits_due) grid by grid."""
    seed_day(ws)  # GRID: 6 households, 3 open cases, 3 rectifications (1 overdue) ...
    # GRID2: a C-grade building with no rectification, a visit made in time, a draft case.
    inspections.register_site(
        ws,
        grid_code=GRID2,
        kind=HazardKind.dangerous_building,
        name="东门老粮站宿舍",
        danger_grade=DangerGrade.C,
    )
    inspections.register_site(
        ws,
        grid_code=GRID2,
        kind=HazardKind.dangerous_building,
        name="建设路12号（B级）",
        danger_grade=DangerGrade.B,
    )
    home = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID2, household_no="0201", address="东门街5号"),
        [register.ResidentInput(name="周玉梅", tags=[TagKind.living_alone_elderly])],
    )
    visits.record_visit(
        ws, household_id=home, mode=VisitMode.home, visited_at=NOW - timedelta(days=3)
    )
    cases.report_case(
        ws, grid_code=GRID2, title="草稿", category=CaseCategory.livelihood, submit=False
    )
    cases.report_case(ws, grid_code=GRID2, title="路面塌陷", category=CaseCategory.hazard)
    figures = grid_figures(ws)
    one, two = figures[GRID], figures[GRID2]
    assert (one.open_cases, one.visits_overdue) == (3, 3)
    assert (one.open_rectifications, one.overdue_rectifications) == (3, 1)
    assert (one.dangerous_buildings, one.hazards) == (0, 3)
    assert (two.open_cases, two.visits_overdue) == (1, 0)
    assert (household_count(ws, GRID), household_count(ws, GRID2)) == (6, 1)
    assert (two.open_rectifications, two.dangerous_buildings, two.hazards) == (0, 1, 1)
    today = NOW.astimezone(ws.calendar.zone).date()
    expected: dict[str, int] = {}
    for due in visits_due(ws, today=today):
        if due.overdue:
            expected[due.grid_code] = expected.get(due.grid_code, 0) + 1
    assert {g: f.visits_overdue for g, f in figures.items() if f.visits_overdue} == expected
    assert MapLayer.cases.figure(one) == 3 and MapLayer.hazards.figure(two) == 1
    assert MapLayer.visits.figure(None) == 0


def test_overdue_visits_follow_the_local_day(ws: Workspace) -> None:
    """Proves a visit is dated by its Shanghai day, not its UTC day: a weekly tag visited at
    07:00 on 21 Nov in Shanghai (23:00 on 20 Nov UTC) is due 28 Nov, so it is not yet overdue
    on 28 Nov and is on 29 Nov."""
    early = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
    ws.clock = lambda: early + timedelta(hours=1)
    home = register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID, household_no="0301", address="凤凰街1号"),
        [register.ResidentInput(name="孙桂芳", tags=[TagKind.living_alone_elderly])],
    )
    visits.record_visit(ws, household_id=home, mode=VisitMode.home, visited_at=early)
    on_28 = grid_figures(ws, now=datetime(2026, 11, 28, 8, tzinfo=UTC))
    on_29 = grid_figures(ws, now=datetime(2026, 11, 29, 8, tzinfo=UTC))
    assert GRID not in on_28 and on_29[GRID].visits_overdue == 1
