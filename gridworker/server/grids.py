"""Grid boundaries as GIS offices deliver them: `gridworker-server import-grids`.

GeoJSON (a FeatureCollection, e.g. exported from QGIS or shaped like the public DataV
outlines) or a zipped Shapefile. The grid code and name are read from the properties
(grid_code/name, 网格编码/网格名称, WGBM/WGMC, or the fields named with --code-field and
--name-field); street and community names from the file's properties or from the
statistics bureau's division list, never replaced by their codes. Every geometry is
checked with the rules the laptops draw by (domain.geometry) and with GEOS validity
(shapely); one bad feature refuses the whole file, with every bad feature named, so a
half-imported district never reaches the laptops. Drawings made on Amap or Baidu maps
are converted from GCJ-02 / BD-09 to WGS-84 with --from.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.coordinates import CONVERTERS
from gridworker.domain.errors import ValidationError
from gridworker.domain.geometry import BoundaryError, geometry_polygons
from gridworker.domain.validation import validate_grid_code, validate_region_code
from gridworker.server.meta import ensure_initialised
from gridworker.server.models import Grid, Region
from gridworker.server.sequence import next_seq
from gridworker.server.users import AdminError

CODE_FIELDS = ("grid_code", "网格编码", "网格代码", "网格编号", "wgbm", "wgdm", "code")
NAME_FIELDS = ("name", "网格名称", "wgmc", "名称", "mc")
STREET_FIELDS = ("street", "街道", "街道名称", "所属街道", "乡镇", "乡镇街道", "jdmc", "xzmc")
COMMUNITY_FIELDS = ("community", "社区", "社区名称", "所属社区", "村", "社区村", "sqmc", "cmc")
MAX_LISTED = 20  # problems listed in the refusal; the rest are counted
NAME_MAX = 100  # grid.name's column


class GridFileError(AdminError):
    """The file is refused; ``problems`` names each bad feature."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        listed = "; ".join(problems[:MAX_LISTED])
        more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{name}: nothing imported: {listed}{more}")


@dataclass
class Feature:
    number: int  # 1-based, as a person counts the features of the file
    properties: dict[str, Any]
    geometry: Any


@dataclass
class GridImport:
    grids: int = 0
    changed: int = 0
    regions_named: int = 0
    notes: list[str] = field(default_factory=list)


def _seq(session: Session) -> int:
    """A change-log number for reference data (the counter row may not exist yet right
    after `init`)."""
    ensure_initialised(session)
    session.flush()
    return next_seq(session)


# --- reading ----------------------------------------------------------------------------


def read_features(path: Path) -> list[Feature]:
    """The features of a GeoJSON file or a zipped Shapefile (AdminError if unreadable)."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _shapefile_features(path)
    if suffix == ".shp":
        raise AdminError(
            f"{path.name}: zip the .shp with its .dbf, .shx and .prj and import the zip"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise AdminError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise AdminError(f"{path.name}: not valid JSON ({exc})") from None
    return geojson_features(data, path.name)


def geojson_features(data: object, name: str = "the file") -> list[Feature]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise AdminError(f"{name}: expected a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise AdminError(f"{name}: the FeatureCollection has no features list")
    crs = data.get("crs")
    if isinstance(crs, dict):
        crs_name = str((crs.get("properties") or {}).get("name", ""))
        if crs_name and not any(k in crs_name for k in ("4326", "CRS84", "4490")):
            raise AdminError(
                f"{name}: the coordinates are in {crs_name}, not WGS-84 or CGCS2000 "
                "longitude/latitude: export longitude/latitude (EPSG:4326 or CGCS2000 "
                "EPSG:4490) instead"
            )
    out = []
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise AdminError(f"{name}: feature {n} is not a GeoJSON Feature")
        props = feature.get("properties") or {}
        props = dict(props) if isinstance(props, dict) else {}
        out.append(Feature(n, props, feature.get("geometry")))
    return out


def _shapefile_features(path: Path) -> list[Feature]:
    import shapefile

    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise AdminError(f"{path.name}: not a readable zip file ({exc})") from None
    with archive:
        # A zip made on a Mac carries __MACOSX/._name resource forks: not layers.
        names = [
            n
            for n in archive.namelist()
            if not n.endswith("/") and not n.startswith("__MACOSX/")
            and not Path(n).name.startswith("._")
        ]  # fmt: skip
        shps = [n for n in names if n.lower().endswith(".shp")]
        if len(shps) != 1:
            raise AdminError(f"{path.name}: expected one .shp in the zip, found {len(shps)}")
        # The layer's own files share its name: another layer's .dbf must not be paired
        # with this .shp.
        stem = shps[0][: -len(".shp")].lower()
        members = {
            Path(n).suffix.lower(): n for n in names if n[: -len(Path(n).suffix)].lower() == stem
        }
        missing = [s for s in (".dbf", ".shx") if s not in members]
        if missing:
            raise AdminError(f"{path.name}: the zip lacks the {' and '.join(missing)} file")
        prj = archive.read(members[".prj"]).decode("latin-1") if ".prj" in members else ""
        if prj.strip().upper().startswith("PROJCS"):
            system = prj.split('"')[1] if '"' in prj else "a projected system"
            raise AdminError(
                f"{path.name}: the coordinates are in {system} (metres, a projected system): "
                "export the layer in longitude/latitude (WGS-84 or CGCS2000 geographic) instead"
            )
        encoding = "utf-8"
        if ".cpg" in members:
            encoding = _cpg_encoding(archive.read(members[".cpg"])) or encoding
        data = {s: io.BytesIO(archive.read(members[s])) for s in (".shp", ".shx", ".dbf")}
    # Chinese GIS exports often carry GBK attributes and no .cpg: UTF-8 first, then GB18030.
    for attempt in dict.fromkeys([encoding, "utf-8", "gb18030"]):
        for stream in data.values():
            stream.seek(0)
        try:
            return _shapes(shapefile, data, attempt, path.name)
        except UnicodeDecodeError:
            continue
        except shapefile.ShapefileException as exc:
            if "decode" in str(exc):
                continue
            raise AdminError(f"{path.name}: not a readable Shapefile ({exc})") from None
    raise AdminError(f"{path.name}: the attribute table's text encoding is not recognised")


def _cpg_encoding(raw: bytes) -> str | None:
    """The codec a .cpg names, or None when Python does not know it ("System", "OEM"):
    ArcGIS writes code pages as numbers ("936", "ANSI 936", "65001"), QGIS as names."""
    text = raw.decode("ascii", "replace").strip()
    number = re.fullmatch(r"(?:ANSI\s*|CP)?(\d+)", text, re.IGNORECASE)
    if number:
        text = "utf-8" if number.group(1) == "65001" else f"cp{number.group(1)}"
    try:
        return codecs.lookup(text).name if text else None
    except LookupError:
        return None


def _shapes(
    shapefile: Any, data: dict[str, io.BytesIO], encoding: str, name: str
) -> list[Feature]:
    reader = shapefile.Reader(
        shp=data[".shp"], shx=data[".shx"], dbf=data[".dbf"], encoding=encoding
    )
    if reader.numShapes is not None and reader.numRecords != reader.numShapes:
        # iterShapeRecords would pair them up to the shorter and drop the rest silently.
        raise AdminError(
            f"{name}: the .dbf has {reader.numRecords} record(s) for {reader.numShapes} "
            "shape(s): the files of the layer do not belong together"
        )
    out = []
    for n, item in enumerate(reader.iterShapeRecords(), start=1):
        geometry = _lists(item.shape.__geo_interface__) if item.shape.shapeType else None
        out.append(Feature(n, dict(item.record.as_dict()), geometry))
    return out


def _lists(value: Any) -> Any:
    """Tuples (as pyshp gives positions) to lists, as JSON holds them."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


# --- checking and writing ---------------------------------------------------------------


def _prop(props: Mapping[str, Any], wanted: Sequence[str]) -> tuple[str | None, Any]:
    lowered = {str(k).strip().casefold(): k for k in props}
    for name in wanted:
        key = lowered.get(name.casefold())
        if key is not None:
            value = props[key]
            if value is not None and str(value).strip():
                return str(key), value
    return None, None


def _label(feature: Feature, name_field: Sequence[str]) -> str:
    _key, name = _prop(feature.properties, [*name_field, "adcode"])
    return f"feature {feature.number}" + (f" ({name})" if name else "")


def _convert(geometry: Any, fn: Callable[[float, float], tuple[float, float]]) -> Any:
    def walk(value: Any) -> Any:
        if isinstance(value, list) and len(value) >= 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2]
        ):
            lon, lat = fn(float(value[0]), float(value[1]))
            return [round(lon, 7), round(lat, 7), *value[2:]]
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {**geometry, "coordinates": walk(geometry.get("coordinates"))}


def _geos_problem(geometry: Any) -> str | None:
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    try:
        shaped = shape(geometry)
    except (ValueError, TypeError, AttributeError) as exc:
        return f"not a valid polygon ({exc})"
    if shaped.is_valid:
        return None
    return f"not a valid polygon: {explain_validity(shaped)}"


@dataclass(frozen=True)
class CheckedGrid:
    code: str
    name: str
    grid_type: str
    geometry: dict[str, Any]
    street: str | None
    community: str | None


def check_features(
    features: Sequence[Feature],
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    convert: str | None = None,
) -> tuple[list[CheckedGrid], list[str]]:
    """Each feature's grid, or the problems of the bad ones (nothing is half-accepted)."""
    codes = [code_field] if code_field else list(CODE_FIELDS)
    names = [name_field] if name_field else list(NAME_FIELDS)
    fn = CONVERTERS[convert] if convert else None
    problems: list[str] = []
    grids: list[CheckedGrid] = []
    seen: dict[str, int] = {}
    for feature in features:
        where = _label(feature, names)
        key, raw = _prop(feature.properties, codes)
        if key is None:
            have = ", ".join(str(k) for k in feature.properties) or "no properties"
            problems.append(
                f"{where}: no grid code property (looked for {', '.join(codes)}; it has "
                f"{have}): name the property with --code-field"
            )
            continue
        text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        try:
            code = validate_grid_code(text)
        except ValidationError as exc:
            problems.append(f"{where}: {key} {text!r}: {exc.message('en')}")
            continue
        if code in seen:
            problems.append(f"{where}: grid {code} is also feature {seen[code]}")
            continue
        seen[code] = feature.number
        geometry = feature.geometry
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or kind not in ("Polygon", "MultiPolygon"):
            problems.append(f"{where}: the geometry must be a Polygon or MultiPolygon, not {kind}")
            continue
        if fn is not None:
            geometry = _convert(geometry, fn)
        try:
            geometry_polygons(geometry)
        except BoundaryError as exc:
            problems.append(f"{where}: {exc}")
            continue
        geos = _geos_problem(geometry)
        if geos is not None:
            problems.append(f"{where}: {geos}")
            continue
        _k, name = _prop(feature.properties, names)
        if name is not None and len(str(name).strip()) > NAME_MAX:
            problems.append(f"{where}: the name is longer than {NAME_MAX} characters")
            continue
        _k, street = _prop(feature.properties, STREET_FIELDS)
        _k, community = _prop(feature.properties, COMMUNITY_FIELDS)
        _k, grid_type = _prop(feature.properties, ("grid_type", "网格类型"))
        grids.append(
            CheckedGrid(
                code=code,
                name=str(name).strip() if name else code,
                grid_type=_grid_type(grid_type),
                geometry=geometry,
                street=str(street).strip() if street else None,
                community=str(community).strip() if community else None,
            )
        )
    return grids, problems


def _grid_type(value: Any) -> str:
    text = str(value or "").strip()
    return "dedicated" if text in ("dedicated", "专属网格", "专属") else "basic"


def write_grids(
    session: Session, grids: Iterable[CheckedGrid], *, divisions: Mapping[str, str] | None = None
) -> GridImport:
    """Upsert checked grids and their regions; names from the file, else the division
    list; a region keeps its code as its name only while no name is known."""
    result = GridImport()
    names: dict[str, str] = dict(divisions or {})
    for grid in grids:
        if grid.street:
            names.setdefault(grid.code[:9], grid.street)
        if grid.community:
            names.setdefault(grid.code[:12], grid.community)
    for grid in grids:
        result.grids += 1
        row = session.get(Grid, grid.code) or Grid(
            code=grid.code, name=grid.name, community_code=grid.code[:12]
        )
        boundary = json.dumps(grid.geometry, ensure_ascii=False)
        # A new version only when something changed: re-importing the same file must not
        # send every grid to every client again.
        if row.version is None or (row.name, row.grid_type, row.boundary_geojson) != (
            grid.name,
            grid.grid_type,
            boundary,
        ):
            row.version = _seq(session)
            result.changed += 1
        row.name, row.grid_type, row.boundary_geojson = grid.name, grid.grid_type, boundary
        session.merge(row)
        for level, code in (("community", grid.code[:12]), ("street", grid.code[:9]),
                            ("county", grid.code[:6])):  # fmt: skip
            if session.get(Region, code) is None:
                parent = {"community": code[:9], "street": code[:6], "county": None}[level]
                session.add(
                    Region(
                        code=code,
                        name=names.get(code, code),
                        level=level,
                        parent_code=parent,
                        version=_seq(session),
                    )
                )
                session.flush()
    result.regions_named = set_region_names(session, names, only_unnamed=True)
    # A file of some grids leaves the others as they were: say so, so that a re-import
    # meant to replace the district's grids does not look like it did.
    imported = {grid.code for grid in grids}
    kept = [code for code in session.scalars(select(Grid.code).order_by(Grid.code))
            if code not in imported]  # fmt: skip
    if kept and imported:
        listed = ", ".join(kept[:MAX_LISTED]) + (" …" if len(kept) > MAX_LISTED else "")
        result.notes.append(
            f"{len(kept)} grid(s) on the server are not in this file and were kept as they "
            f"were: {listed}"
        )
    return result


def set_region_names(
    session: Session, names: Mapping[str, str], *, only_unnamed: bool = False
) -> int:
    """Give regions their names (a street, community or county code → its name); each
    changed region takes a change number, so laptops get the name at their next sync.
    ``only_unnamed``: leave a name an admin set alone, fill only those still showing their
    code. Returns how many changed."""
    changed = 0
    for code, name in names.items():
        region = session.get(Region, code)
        name = name.strip()
        if region is None or not name or region.name == name:
            continue
        if only_unnamed and region.name != region.code:
            continue
        region.name = name
        region.version = _seq(session)
        changed += 1
    return changed


# --- the statistics bureau's division list -------------------------------------------------

_CODE_HEADERS = ("统计用区划代码", "区划代码", "代码", "code", "区划代码（12位）")
_NAME_HEADERS = ("名称", "name", "区划名称", "单位名称")


def read_divisions(path: Path) -> dict[str, str]:
    """Code → name from the statistics bureau's division list as CSV (统计用区划代码, 名称;
    codes of 12 digits with zero-padded levels: 360302001000 is a street). UTF-8 or GB18030."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - GB18030 decodes almost anything
        raise AdminError(f"{path.name}: the text encoding is not recognised")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise AdminError(f"{path.name} is empty")
    header = [h.strip() for h in rows[0]]
    try:
        code_at = next(i for i, h in enumerate(header) if h in _CODE_HEADERS)
        name_at = next(i for i, h in enumerate(header) if h in _NAME_HEADERS)
    except StopIteration:
        raise AdminError(
            f"{path.name}: expected the columns 统计用区划代码 and 名称 (or code and name)"
        ) from None
    names: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) <= max(code_at, name_at) or not row[code_at].strip():
            continue
        code = _division_code(row[code_at].strip())
        if code is None:
            raise AdminError(f"{path.name}, line {number}: {row[code_at]!r} is not a division code")
        if code:  # "" for a province or city row: not a region of a district
            names[code] = row[name_at].strip()
    return names


def _division_code(text: str) -> str | None:
    digits = text.split(".")[0]
    if not digits.isdigit() or len(digits) not in (6, 9, 12):
        return None
    if len(digits) == 12:
        digits = digits[:9] if digits[9:] == "000" else digits
        digits = digits[:6] if len(digits) == 9 and digits[6:] == "000" else digits
    if len(digits) == 9 and digits[6:] == "000":
        digits = digits[:6]
    if digits[4:6] == "00":
        return ""  # a city or province, not a region of a district
    try:
        return validate_region_code(digits)
    except ValidationError:
        return None


def list_grids(session: Session) -> list[dict[str, Any]]:
    """Every grid with its street and community by name (for `list-grids --json`)."""
    regions = {r.code: r.name for r in session.scalars(select(Region))}
    out = []
    for grid in session.scalars(select(Grid).order_by(Grid.code)):
        out.append(
            {
                "code": grid.code,
                "name": grid.name,
                "street_code": grid.code[:9],
                "street": regions.get(grid.code[:9]),
                "community_code": grid.code[:12],
                "community": regions.get(grid.code[:12]),
                "grid_type": grid.grid_type,
            }
        )
    return out
