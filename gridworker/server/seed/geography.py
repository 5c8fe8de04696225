"""The demo district's geography: Anyuan district (360302, 安源区) as "1+11+360".

7 streets and 4 towns, 44 communities and villages, 360 grids with boundaries
(resources/demo/district.geojson, made by ``district_geojson``).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from gridworker.resources import resource
from gridworker.server.models import Region
from gridworker.server.seed.core import Seeder
from gridworker.server.sequence import next_seq
from gridworker.server.users import import_grids

COUNTY, COUNTY_NAME = "360302", "安源区"
# street/town code, name, communities or villages (a 村 gets a 2xx code), grids in each
STREETS: tuple[tuple[str, str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("001", "凤凰街道", ("凤凰池社区", "建设路社区", "五一路社区", "东门社区"), (12, 12, 8, 8)),
    ("002", "八一街道", ("八一社区", "跃进社区", "北桥社区", "南正街社区"), (12, 8, 8, 8)),
    ("003", "东大街道", ("东大社区", "公园社区", "万龙山社区", "文化路社区"), (12, 8, 8, 8)),
    ("004", "后埠街道", ("后埠社区", "鹅湖社区", "白沙社区", "萍实社区"), (8, 8, 8, 8)),
    ("005", "丹江街道", ("丹江社区", "楚萍社区", "田中社区", "渌水社区"), (8, 8, 8, 4)),
    ("006", "白源街道", ("白源社区", "南坑社区", "洪塘社区", "沿江社区"), (8, 8, 4, 4)),
    ("007", "城郊管委会", ("城郊社区", "横龙社区", "赣西社区", "新田社区"), (8, 4, 4, 4)),
    ("101", "安源镇", ("安源社区", "张家湾村", "王家源村", "高冲村"), (12, 12, 8, 8)),
    ("102", "青山镇", ("青山社区", "棉花村", "长潭村", "新龙村"), (12, 8, 8, 8)),
    ("103", "高坑镇", ("高坑社区", "东源村", "马岭村", "塘坪村"), (12, 8, 8, 8)),
    ("104", "五陂镇", ("五陂社区", "下埠村", "樟树村", "长丰村"), (8, 8, 8, 8)),
)
# The district as a rectangle around Pingxiang (lon 113.85, lat 27.62): one band of
# four rows of grids per street, north to south; grids numbered west to east, north to south.
NORTH, WEST, WIDTH, ROW_HEIGHT, ROWS = 27.708, 113.79, 0.12, 0.004, 4
DEMO_GRIDS = ("360302001001001", "360302001001002")


def communities(street: str, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(12-digit code, name): 社区 numbered from 001, 村 from 201 (statistical practice)."""
    out, community_no, village_no = [], 1, 201
    for name in names:
        if name.endswith("村"):
            number, village_no = village_no, village_no + 1
        else:
            number, community_no = community_no, community_no + 1
        out.append((f"{COUNTY}{street}{number:03d}", name))
    return out


def district_geojson() -> dict[str, Any]:
    """The 360 demo grids as a GeoJSON FeatureCollection (what resources/demo holds)."""
    features = []
    for s_index, (street, street_name, names, counts) in enumerate(STREETS):
        columns = sum(counts) // ROWS
        col0 = 0
        for (code, name), count in zip(communities(street, names), counts, strict=True):
            own = count // ROWS
            for row in range(ROWS):
                north = round(NORTH - (s_index * ROWS + row) * ROW_HEIGHT, 6)
                south = round(NORTH - (s_index * ROWS + row + 1) * ROW_HEIGHT, 6)
                for col in range(own):
                    west = round(WEST + (col0 + col) * WIDTH / columns, 6)
                    east = round(WEST + (col0 + col + 1) * WIDTH / columns, 6)
                    number = row * own + col + 1
                    # Counter-clockwise, as RFC 7946 wants an exterior ring.
                    ring = [
                        [west, north],
                        [west, south],
                        [east, south],
                        [east, north],
                        [west, north],
                    ]
                    features.append(
                        {
                            "type": "Feature",
                            "properties": {
                                "grid_code": f"{code}{number:03d}",
                                "name": f"{name}第{number}网格",
                                "community": name,
                                "street": street_name,
                                "grid_type": "basic",
                            },
                            "geometry": {"type": "Polygon", "coordinates": [ring]},
                        }
                    )
            col0 += own
    return {"type": "FeatureCollection", "name": "安源区网格（演示）", "features": features}


def geojson_text(collection: dict[str, Any]) -> str:
    """The collection as UTF-8 JSON text, one feature a line (readable diffs)."""
    features = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    )
    head = json.dumps({k: v for k, v in collection.items() if k != "features"}, ensure_ascii=False)
    return f'{head[:-1]}, "features": [\n{features}\n]}}\n'


def load_district() -> dict[str, Any]:
    """resources/demo/district.geojson (regenerate it with ``geojson_text(district_geojson())``)."""
    path = resource("demo", "district.geojson")
    if path.is_file():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return district_geojson()


def seed_district(seeder: Seeder) -> None:
    """The 360 grids with their boundaries, the region names, and where each grid lies."""
    geojson = load_district()
    seeder.summary.grids = import_grids(seeder.s, geojson)
    for feature in geojson["features"]:
        ring = feature["geometry"]["coordinates"][0]
        lon = (ring[0][0] + ring[2][0]) / 2
        lat = (ring[0][1] + ring[2][1]) / 2
        props = feature["properties"]
        seeder.centre[props["grid_code"]] = (lon, lat)
        seeder.place[props["grid_code"]] = f"萍乡市安源区{props['street']}{props['community']}"
    names = {COUNTY: COUNTY_NAME}
    for street, street_name, community_names, _counts in STREETS:
        names[COUNTY + street] = street_name
        names.update(communities(street, community_names))
    seeder.s.flush()
    for region in seeder.s.scalars(select(Region)):
        if region.code in names and region.name != names[region.code]:
            region.name = names[region.code]
            region.version = next_seq(seeder.s)
    seeder.summary.streets = len(STREETS)
    seeder.summary.communities = sum(len(street[2]) for street in STREETS)
