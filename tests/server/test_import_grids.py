"""`import-grids` with real-world files: DataV outlines, GIS-office GeoJSON, zipped
Shapefiles, bad geometries refused per feature, region names kept, list-grids."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import shapefile

from gridworker.domain.coordinates import gcj02_to_wgs84
from gridworker.server.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "grids"
DATAV = FIXTURES / "datav-anyuan-360302.json"
GRIDS = FIXTURES / "datav-style-grids-gcj02.json"
SQUARE = [[113.80, 27.70], [113.80, 27.69], [113.81, 27.69], [113.81, 27.70], [113.80, 27.70]]


@pytest.fixture
def db(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--db", db_url, "init"]) == 0
    capsys.readouterr()
    return db_url


def listed(db: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    assert main(["--db", db, "list-grids", "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(code: str, ring: list[list[float]], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"grid_code": code, "name": f"网格{code[-3:]}", **props},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_a_datav_outline_says_the_grid_code_is_missing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves the real DataV outline of 安源区 is refused saying it has no grid code property
    and which properties it has (not "must be 15 digits"), and with --code-field adcode that
    360302 is not a 15-digit code."""
    assert main(["--db", db, "import-grids", str(DATAV)]) == 1
    err = capsys.readouterr().err
    assert "feature 1 (安源区): no grid code property" in err
    assert "it has adcode, name, center" in err and "--code-field" in err
    assert main(["--db", db, "import-grids", str(DATAV), "--code-field", "adcode"]) == 1
    err = capsys.readouterr().err
    assert "adcode '360302'" in err and "15 digits" in err
    assert listed(db, capsys) == []


def test_gis_office_grids_with_chinese_properties_from_amap(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves a DataV-style file with 网格编码/网格名称/所属街道/所属社区, drawn on Amap, imports
    with --from gcj02 (boundaries moved to WGS-84), accepts the 400-series unit 360302400,
    and list-grids shows street and community by name, not by code."""
    assert main(["--db", db, "import-grids", str(GRIDS), "--from", "gcj02"]) == 0
    out = capsys.readouterr().out
    assert "imported 4 grid(s)" in out and "converted from GCJ02" in out
    grids = {g["code"]: g for g in listed(db, capsys)}
    assert set(grids) == {
        "360302001001001", "360302001001002", "360302101201001", "360302400201001",
    }
    assert grids["360302001001001"]["street"] == "凤凰街道"
    assert grids["360302001001001"]["community"] == "凤凰池社区"
    assert grids["360302400201001"]["street"] == "五陂下垦殖场"
    assert grids["360302101201001"]["name"] == "张家湾村第1网格"
    source = json.loads(GRIDS.read_text(encoding="utf-8"))["features"][0]
    first = source["geometry"]["coordinates"][0][0][0]
    from sqlalchemy import text

    from gridworker.server.core.db import make_engine

    engine = make_engine(db)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT boundary_geojson FROM grid WHERE code = '360302001001001'")
        ).scalar_one()
    engine.dispose()
    assert json.loads(stored)["coordinates"][0][0][0] == pytest.approx(
        list(gcj02_to_wgs84(*first)), abs=1e-6
    )


def test_bad_geometries_refuse_the_file_naming_each_feature(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves swapped lat/lon, metres, a self-crossing ring, an unclosed ring and a point
    outside China are each named by feature with the reason, and nothing is written."""
    bowtie = [[113.80, 27.70], [113.81, 27.69], [113.81, 27.70], [113.80, 27.68], [113.80, 27.70]]
    metres = [[x * 111000, y * 111000] for x, y in SQUARE]
    bad = collection(
        feature("360302001001001", SQUARE),
        feature("360302001001002", [[y, x] for x, y in SQUARE]),
        feature("360302001001003", metres),
        feature("360302001001004", bowtie),
        feature("360302001001005", SQUARE[:-1]),
        feature("360302001001006", [[x - 100, y] for x, y in SQUARE]),
    )
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["--db", db, "import-grids", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing imported" in err
    assert "feature 2 (网格002): longitude and latitude are swapped" in err
    assert "feature 3 (网格003): the coordinates are in metres" in err
    assert "feature 4 (网格004): a ring crosses itself" in err
    assert "feature 5 (网格005): a ring is not closed" in err
    assert "feature 6 (网格006): a position lies outside China" in err
    assert "feature 1 " not in err
    assert listed(db, capsys) == []


def _zipped_shapefile(
    tmp_path: Path, records: list[tuple[str, str, list[list[float]]]], *, prj: str | None,
    encoding: str = "gbk", cpg: bool = False,
) -> Path:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON,
                          encoding=encoding) as writer:  # fmt: skip
        writer.field("WGBM", "C", size=20)
        writer.field("WGMC", "C", size=50)
        writer.field("JDMC", "C", size=50)
        for code, name, ring in records:
            # Shapefile exterior rings run clockwise.
            writer.poly([list(reversed(ring))])
            writer.record(code, name, "凤凰街道")
    path = tmp_path / "grids.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("网格/grids.shp", shp.getvalue())
        archive.writestr("网格/grids.shx", shx.getvalue())
        archive.writestr("网格/grids.dbf", dbf.getvalue())
        if prj is not None:
            archive.writestr("网格/grids.prj", prj)
        if cpg:
            archive.writestr("网格/grids.cpg", encoding.upper())
    return path


WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
CGCS_3_DEGREE_PRJ = (
    'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],UNIT["Meter",1.0]]'
)


def test_a_zipped_shapefile_in_gbk_imports(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves a zipped Shapefile (in a folder, GBK attributes without a .cpg, WGBM/WGMC/JDMC
    fields as Chinese GIS offices name them) imports with its names read correctly."""
    east = [[x + 0.01, y] for x, y in SQUARE]
    path = _zipped_shapefile(
        tmp_path,
        [("360302001001001", "凤凰池第1网格", SQUARE), ("360302001001002", "凤凰池第2网格", east)],
        prj=WGS84_PRJ,
    )
    assert main(["--db", db, "import-grids", str(path)]) == 0, capsys.readouterr().err
    assert "imported 2 grid(s)" in capsys.readouterr().out
    grids = {g["code"]: g for g in listed(db, capsys)}
    assert grids["360302001001001"]["name"] == "凤凰池第1网格"
    assert grids["360302001001002"]["street"] == "凤凰街道"


def test_a_projected_shapefile_is_refused_saying_so(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves a Shapefile whose .prj is a projected system (CGCS2000 Gauss-Kruger, metres) is
    refused with a message naming the system and what to export instead."""
    metres = [[x * 111000, y * 111000] for x, y in SQUARE]
    path = _zipped_shapefile(
        tmp_path, [("360302001001001", "网格", metres)], prj=CGCS_3_DEGREE_PRJ, cpg=True
    )
    assert main(["--db", db, "import-grids", str(path)]) == 1
    err = capsys.readouterr().err
    assert "CGCS2000_3_Degree_GK_CM_114E" in err and "projected" in err
    assert "longitude/latitude" in err


def test_region_names_from_the_division_list_and_by_hand(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves names missing from the file come from the statistics bureau's division list
    (12-digit codes, province and city rows skipped), set-regions renames one by hand, and
    an admin's name is not overwritten by a later import."""
    plain = collection(feature("360302001001001", SQUARE))
    path = tmp_path / "plain.geojson"
    path.write_text(json.dumps(plain), encoding="utf-8")
    divisions = tmp_path / "2023年统计用区划代码.csv"
    divisions.write_text(
        "统计用区划代码,城乡分类代码,名称\n"
        "360000000000,,江西省\n360300000000,,萍乡市\n360302000000,,安源区\n"
        "360302001000,,凤凰街道\n360302001001,111,凤凰池社区居委会\n",
        encoding="gb18030",
    )
    assert main(["--db", db, "import-grids", str(path), "--divisions", str(divisions)]) == 0
    capsys.readouterr()
    [grid] = listed(db, capsys)
    assert (grid["street"], grid["community"]) == ("凤凰街道", "凤凰池社区居委会")
    assert main(["--db", db, "set-regions", "--code", "360302001001", "--name", "凤凰池社区"]) == 0
    assert "1 street/community name(s) changed" in capsys.readouterr().out
    assert main(["--db", db, "import-grids", str(path), "--divisions", str(divisions)]) == 0
    capsys.readouterr()
    assert listed(db, capsys)[0]["community"] == "凤凰池社区"


def _layer(records: list[tuple[str, str]], encoding: str) -> tuple[bytes, bytes, bytes]:
    """A polygon layer's .shp, .shx and .dbf: one square per record, side by side."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON,
                          encoding=encoding) as writer:  # fmt: skip
        writer.field("WGBM", "C", size=20)
        writer.field("WGMC", "C", size=50)
        for n, (code, name) in enumerate(records):
            ring = [[x + 0.01 * n, y] for x, y in SQUARE]
            writer.poly([list(reversed(ring))])
            writer.record(code, name)
    return shp.getvalue(), shx.getvalue(), dbf.getvalue()


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "extra",
    [
        # Zipped in the Finder: resource forks beside each file.
        {"__MACOSX/网格/._grids.shp": b"\x00\x05\x16\x07", "__MACOSX/网格/._grids.dbf": b"x"},
        # ArcGIS's code page as a number.
        {"网格/grids.cpg": "ANSI 936"},
        # A code page Python does not know: the attributes are read as without a .cpg.
        {"网格/grids.cpg": "System"},
        # Another layer's attribute table in the same folder.
        {"网格/notes.dbf": _layer([("x", "备注")], "gbk")[2]},
    ],
    ids=["macosx", "ansi-936", "system", "other-dbf"],
)
def test_shapefile_zips_as_gis_offices_send_them(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: dict[str, bytes | str]
) -> None:
    """Proves a zipped GBK Shapefile imports both grids with their names when the zip was
    made on a Mac (refused: "expected one .shp, found 2"), has an ArcGIS .cpg "ANSI 936" or
    a .cpg "System" (a LookupError traceback), or carries another layer's .dbf (paired
    with the .shp: one grid imported with the other layer's attributes, one dropped)."""
    records = [("360302001001001", "凤凰池第1网格"), ("360302001001002", "凤凰池第2网格")]
    shp, shx, dbf = _layer(records, "gbk")
    layer = {"网格/grids.shp": shp, "网格/grids.shx": shx, "网格/grids.dbf": dbf}
    path = _zip(tmp_path / "grids.zip", {**layer, "网格/grids.prj": WGS84_PRJ, **extra})
    assert main(["--db", db, "import-grids", str(path)]) == 0, capsys.readouterr().err
    assert "imported 2 grid(s)" in capsys.readouterr().out
    names = {g["code"]: g["name"] for g in listed(db, capsys)}
    assert names == {"360302001001001": "凤凰池第1网格", "360302001001002": "凤凰池第2网格"}


def test_a_table_with_fewer_records_than_shapes_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves a .dbf of one record beside a .shp of two shapes refuses the file saying so
    (one grid was imported and the other dropped without a word)."""
    shp, shx, _dbf = _layer([("360302001001001", "一"), ("360302001001002", "二")], "utf-8")
    one = _layer([("360302001001001", "一")], "utf-8")[2]
    path = _zip(tmp_path / "grids.zip", {"grids.shp": shp, "grids.shx": shx, "grids.dbf": one})
    assert main(["--db", db, "import-grids", str(path)]) == 1
    assert "the .dbf has 1 record(s) for 2 shape(s)" in capsys.readouterr().err
    assert listed(db, capsys) == []


def test_a_reimport_renames_and_says_which_grids_it_left(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves importing a file with one grid renamed updates that name and says which grids
    on the server the file did not have (kept, not removed: records point at them), where it
    said nothing; a grid name longer than the column (100) is refused, not stored."""
    east = [[x + 0.01, y] for x, y in SQUARE]
    first = tmp_path / "all.json"
    first.write_text(json.dumps(collection(
        feature("360302001001001", SQUARE), feature("360302001001002", east),
    )), encoding="utf-8")  # fmt: skip
    assert main(["--db", db, "import-grids", str(first)]) == 0
    capsys.readouterr()
    renamed = tmp_path / "one.json"
    renamed.write_text(
        json.dumps(collection(feature("360302001001001", SQUARE, name="凤凰池第一网格"))),
        encoding="utf-8",
    )
    assert main(["--db", db, "import-grids", str(renamed)]) == 0
    out = capsys.readouterr().out
    assert "note: 1 grid(s) on the server are not in this file and were kept as they were: " \
        "360302001001002" in out  # fmt: skip
    assert {g["code"]: g["name"] for g in listed(db, capsys)} == {
        "360302001001001": "凤凰池第一网格", "360302001001002": "网格002",
    }  # fmt: skip
    long = tmp_path / "long.json"
    long.write_text(
        json.dumps(collection(feature("360302001001003", SQUARE, name="长" * 101))),
        encoding="utf-8",
    )
    assert main(["--db", db, "import-grids", str(long)]) == 1
    assert "the name is longer than 100 characters" in capsys.readouterr().err


def test_a_geographic_crs_other_than_wgs84_is_named_as_such(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proves a GeoJSON in Beijing 1954 longitude/latitude (EPSG:4214) is refused as "not
    WGS-84 or CGCS2000" (it was called "a projected system", which it is not)."""
    path = tmp_path / "bj54.json"
    data = collection(feature("360302001001001", SQUARE))
    data["crs"] = {"type": "name", "properties": {"name": "EPSG:4214"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--db", db, "import-grids", str(path)]) == 1
    err = capsys.readouterr().err
    assert "EPSG:4214, not WGS-84 or CGCS2000 longitude/latitude" in err and "projected" not in err
