"""Importing buildings and flats from a spreadsheet (.xlsx or .csv), with the roster's
rules (docs/design.md §9.1, §12.1): title rows above the header, headers and values as
people write them ("3栋"/"3号楼", "1单元", "1502室", "出租", "89.5㎡"), one Chinese
reason per refused line, a value that cannot be read left out and listed, nothing dropped
without the report saying so.

One line is a flat with its building's columns repeated, or a building alone (no 房号).
The same building on several lines is one record (its id comes from grid + 小区 + 楼栋号
as a key); a building column that differs from an earlier line keeps the earlier value and
says so. The same flat twice is refused on the second line. A 户号 column links the
household of that grid to the flat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridworker.domain import ids
from gridworker.domain.buildings import flat_key, floor_key, floor_of, unit_key, unit_label
from gridworker.domain.enums import HouseUse
from gridworker.domain.errors import CodedError
from gridworker.domain.import_messages import place
from gridworker.domain.record import normalised_values
from gridworker.domain.records_register import Building, House
from gridworker.domain.validation import validate_grid_code
from gridworker.services.buildings import save_building, save_flat
from gridworker.services.import_report import RowError
from gridworker.services.roster_columns import column_letter, normalise_header
from gridworker.services.tabular import has_content, open_table
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import HouseholdRow

# field -> (zh label, the headers people write). The first is the template's.
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "grid_code": ("网格编码", ("网格编码", "网格代码", "所属网格编码", "网格编号")),
    "estate_name": (
        "小区名称",
        ("小区名称", "小区", "所属小区", "小区/村组", "小区(村组)", "村组", "院落", "院落名称"),
    ),
    "building_no": (
        "楼栋号",
        ("楼栋号", "楼栋", "楼号", "栋号", "幢号", "楼栋名称", "楼栋编号", "栋", "幢"),
    ),
    "address": ("地址", ("地址", "楼栋地址", "门牌地址", "详细地址")),
    "floors_above": ("地上层数", ("地上层数", "总层数", "层数", "楼层数")),
    "floors_below": ("地下层数", ("地下层数",)),
    "units": ("单元数", ("单元数", "单元总数")),
    "built_year": ("建成年份", ("建成年份", "建成年代", "建造年份")),
    "property_company": ("物业公司", ("物业公司", "物业服务企业", "物业", "物业名称")),
    "property_contact": ("物业联系人", ("物业联系人",)),
    "building_head": ("楼栋长", ("楼栋长", "楼长", "楼栋长姓名")),
    "building_head_phone": ("楼栋长电话", ("楼栋长电话", "楼长电话", "楼栋长联系电话")),
    "unit_heads": ("单元长", ("单元长", "单元长姓名")),
    "unit": ("单元", ("单元", "单元号", "所在单元")),
    "floor": ("楼层", ("楼层", "所在楼层", "层")),
    "number": ("房号", ("房号", "门牌号", "房间号", "室号", "户室号", "房屋编号")),
    "use": ("房屋用途", ("房屋用途", "用途", "使用性质", "房屋性质", "居住性质", "使用情况")),
    "area": ("建筑面积", ("建筑面积", "面积", "房屋面积", "建筑面积(㎡)", "建筑面积(m2)")),
    "house_type": ("房屋类型", ("房屋类型", "户型")),
    "owner_name": ("产权人", ("产权人", "房主", "业主", "业主姓名")),
    "household_no": ("户号", ("户号", "住户户号", "户编号")),
}
BUILDING_FIELDS = (
    "address", "floors_above", "floors_below", "units", "built_year", "property_company",
    "property_contact", "building_head", "building_head_phone", "unit_heads",
)  # fmt: skip
FLAT_FIELDS = ("use", "area", "house_type", "owner_name")
_INT_FIELDS = frozenset({"floors_above", "floors_below", "units", "built_year"})
_HEADERS = {normalise_header(h): f for f, (zh, more) in COLUMNS.items() for h in (zh, f, *more)}
# How people write a flat's use in the sheets districts keep.
_USES = {
    "自住": HouseUse.own, "自住房": HouseUse.own, "自有": HouseUse.own, "自用": HouseUse.own,
    "出租": HouseUse.rented, "出租房": HouseUse.rented, "租住": HouseUse.rented,
    "租赁": HouseUse.rented, "空置": HouseUse.vacant, "空房": HouseUse.vacant,
    "闲置": HouseUse.vacant, "空闲": HouseUse.vacant, "经营": HouseUse.business,
    "商用": HouseUse.business, "商铺": HouseUse.business, "门面": HouseUse.business,
    "经营性": HouseUse.business, "其他": HouseUse.other,
}  # fmt: skip
_AREA_UNIT = re.compile(r"(?:㎡|m2|m²|平方米|平米|平)$", re.IGNORECASE)
_HEAD_ROWS = 10


@dataclass
class Problem:
    """A value left out of an imported line, and why."""

    line: int
    column: str
    header: str
    value: str
    reason: str
    sheet: str | None = None


@dataclass
class BuildingImportReport:
    file: str
    rows: int = 0
    imported: int = 0
    buildings_new: int = 0
    buildings_updated: int = 0
    flats_new: int = 0
    flats_updated: int = 0
    households_linked: int = 0
    header_line: int | None = None
    mapping: list[tuple[str, str, str]] = field(default_factory=list)  # letter, header, field
    ignored: list[tuple[str, str]] = field(default_factory=list)  # letter, header
    skipped_sheets: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            "buildings_new": self.buildings_new,
            "buildings_updated": self.buildings_updated,
            "flats_new": self.flats_new,
            "flats_updated": self.flats_updated,
            "households_linked": self.households_linked,
            "header_line": self.header_line,
            "mapping": [{"column": c, "header": h, "field": f} for c, h, f in self.mapping],
            "ignored": [{"column": c, "header": h} for c, h in self.ignored],
            "skipped_sheets": self.skipped_sheets,
            "errors": [{"sheet": e.sheet, "line": e.line, "reason": e.reason} for e in self.errors],
            "problems": [
                {
                    "sheet": p.sheet,
                    "line": p.line,
                    "column": p.column,
                    "header": p.header,
                    "value": p.value,
                    "reason": p.reason,
                }
                for p in self.problems
            ],
        }


class _Refused(Exception):
    def __init__(self, error: CodedError) -> None:
        self.error = error


def _text(value: Any) -> str:
    """A cell as text: 1502.0 (Excel's number) is "1502"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_header(head: list[tuple[int, list[Any]]]) -> tuple[int, dict[int, str]] | None:
    """(the header's line, column index -> field) of the best row naming 小区 and 楼栋."""
    best: tuple[int, dict[int, str]] | None = None
    for line, cells in head:
        found: dict[int, str] = {}
        for i, cell in enumerate(cells):
            name = _HEADERS.get(normalise_header(cell)) if isinstance(cell, str) else None
            if name is None and isinstance(cell, str):
                bare = re.sub(r"[（(][^）)]*[）)]", "", normalise_header(cell))
                name = _HEADERS.get(bare)
            if name and name not in found.values():
                found[i] = name
        if {"estate_name", "building_no"} <= set(found.values()) and (
            best is None or len(found) > len(best[1])
        ):
            best = (line, found)
    return best


def import_buildings(
    ws: Workspace, path: Path, *, lang: str = "zh_CN", dry_run: bool = False
) -> BuildingImportReport:
    """Read every sheet with a buildings header; write what its lines say in one
    transaction (nothing when `dry_run`)."""
    report = BuildingImportReport(file=path.name, dry_run=dry_run)
    lines: list[tuple[str | None, int, dict[str, str], dict[str, str]]] = []
    with open_table(path) as table:
        several = len(table.sheets) > 1
        for sheet in table.sheets:
            rows = [(n, list(c)) for n, c in table.rows(sheet) if has_content(c)]
            name = sheet.name if several else None
            found = _find_header(rows[:_HEAD_ROWS])
            if found is None:
                if rows and several:
                    report.skipped_sheets.append(str(sheet.name))
                    continue
                raise ServiceError("buildings_no_header", name=path.name, rows=_HEAD_ROWS)
            header_line, columns = found
            header_cells = next(c for n, c in rows if n == header_line)
            if report.header_line is None:
                report.header_line = header_line
                for i, cell in enumerate(header_cells):
                    text = _text(cell)
                    if i in columns:
                        report.mapping.append((column_letter(i), text, columns[i]))
                    elif text:
                        report.ignored.append((column_letter(i), text))
            headers = {f: _text(header_cells[i]) for i, f in columns.items()}
            for n, cells in rows:
                if n <= header_line:
                    continue
                values = {f: _text(cells[i]) if i < len(cells) else "" for i, f in columns.items()}
                letters = {f: column_letter(i) for i, f in columns.items()}
                lines.append((name, n, values, {f: f"{letters[f]}|{headers[f]}" for f in values}))
    report.rows = len(lines)
    with ws.write() as s:
        _Run(ws, s, report, lang).all(lines)
        if dry_run:
            s.rollback()
    return report


class _Run:
    def __init__(self, ws: Workspace, s: Any, report: BuildingImportReport, lang: str) -> None:
        self.ws, self.s, self.report, self.lang = ws, s, report, lang
        self.buildings: dict[str, tuple[Any, dict[str, tuple[int, str]]]] = {}
        self.flats: dict[str, int] = {}
        self.seen_buildings: set[str] = set()

    def all(self, lines: list[tuple[str | None, int, dict[str, str], dict[str, str]]]) -> None:
        for sheet, line, values, where in lines:
            try:
                self.one(sheet, line, values, where)
                self.report.imported += 1
            except _Refused as exc:
                self.report.errors.append(RowError(line, exc.error.message(self.lang), sheet))

    def _problem(self, sheet: str | None, line: int, where: str, value: str, reason: str) -> None:
        letter, _, header = where.partition("|")
        self.report.problems.append(Problem(line, letter, header, value, reason, sheet))

    def _value(
        self, cls: type, name: str, raw: str, sheet: str | None, line: int, where: str
    ) -> Any:
        """One optional value read as its field declares; a bad one is left out and listed."""
        if not raw:
            return None
        try:
            if name in _INT_FIELDS:
                return int(_number(raw, name))
            if name == "area":
                return normalised_values(cls, {name: _number(_AREA_UNIT.sub("", raw), name)})[name]
            if name == "use":
                found = _USES.get(raw) or HouseUse.parse(raw)
                return found
            return normalised_values(cls, {name: raw})[name]
        except ValueError:
            if name == "use":
                err: CodedError = ServiceError("buildings_bad_use", value=raw)
            else:
                err = ServiceError("buildings_bad_number", value=raw)
            self._problem(sheet, line, where, raw, err.message(self.lang))
        except CodedError as exc:
            self._problem(sheet, line, where, raw, exc.message(self.lang))
        return None

    def one(self, sheet: str | None, line: int, v: dict[str, str], where: dict[str, str]) -> None:
        ws, s = self.ws, self.s
        grid = v.get("grid_code") or ""
        if not grid:
            if len(ws.actor.grids) != 1:
                raise _Refused(ServiceError("buildings_grid_missing"))
            grid = ws.actor.grids[0]
        try:
            grid = validate_grid_code(grid)
        except CodedError as exc:
            raise _Refused(exc) from None
        if not ws.actor.covers(grid):
            raise _Refused(ServiceError("grid_not_yours", grid=grid))
        for required in ("estate_name", "building_no"):
            if not v.get(required):
                raise _Refused(ServiceError("buildings_missing", field=COLUMNS[required][0]))
        estate = " ".join(v["estate_name"].split())
        building_values = {
            f: self._value(Building, f, v[f], sheet, line, where[f])
            for f in BUILDING_FIELDS
            if v.get(f)
        }
        number = v.get("number") or ""
        if not number and (v.get("unit") or v.get("floor")):
            raise _Refused(ServiceError("buildings_floor_without_flat"))
        try:
            building, created = save_building(ws, s, grid, estate, v["building_no"])
        except CodedError as exc:
            raise _Refused(exc) from None
        first = self.buildings.setdefault(building.id, (building, {}))[1]
        changed = {}
        for f, value in building_values.items():
            if value is None:
                continue
            if f in first and first[f][1] != value:
                reason = ServiceError(
                    "buildings_value_differs", line=first[f][0], first=first[f][1]
                )
                self._problem(sheet, line, where[f], v[f], reason.message(self.lang))
                continue
            first.setdefault(f, (line, value))
            if getattr(building, f) != value:
                changed[f] = value
        for f, value in changed.items():
            setattr(building, f, value)
        if building.id not in self.seen_buildings:
            self.seen_buildings.add(building.id)
            if created:
                self.report.buildings_new += 1
            else:
                self.report.buildings_updated += 1
        if not number:
            return
        self._flat(sheet, line, v, where, building)

    def _flat(
        self, sheet: str | None, line: int, v: dict[str, str], where: dict[str, str], building: Any
    ) -> None:
        ws, s = self.ws, self.s
        unit = v.get("unit") or None
        from gridworker.services.buildings import flat_id

        fid = flat_id(ws, building.id, unit, v["number"])
        if fid in self.flats:
            u = unit_label(unit_key(unit)) if unit_key(unit) else ""
            raise _Refused(
                ServiceError(
                    "buildings_flat_twice",
                    line=self.flats[fid],
                    building=f"{building.estate_name}{building.building_no}",
                    unit=u,
                    number=flat_key(v["number"]),
                )
            )
        values = {
            f: self._value(House, f, v[f], sheet, line, where[f]) for f in FLAT_FIELDS if v.get(f)
        }
        floor_text = v.get("floor") or ""
        floor = floor_key(floor_text) if floor_text else floor_of(v["number"])
        if floor_text and floor is None:
            reason = ServiceError("buildings_bad_number", value=floor_text)
            self._problem(sheet, line, where["floor"], floor_text, reason.message(self.lang))
        if floor is not None:
            values["floor"] = str(floor)
        try:
            flat, created = save_flat(ws, s, building, unit, v["number"], **values)
        except CodedError as exc:
            raise _Refused(exc) from None
        self.flats[fid] = line
        if created:
            self.report.flats_new += 1
        else:
            self.report.flats_updated += 1
        household_no = v.get("household_no")
        if household_no:
            hid = ids.household_id(ws.id_secret, building.grid_code, household_no)
            home = s.get(HouseholdRow, hid)
            if home is None or home.deleted:
                reason = ServiceError("buildings_no_household", value=household_no)
                self._problem(
                    sheet, line, where["household_no"], household_no, reason.message(self.lang)
                )
            elif home.house_id != flat.id:
                home.house_id = flat.id
                self.report.households_linked += 1


def _number(text: str, name: str) -> float:
    """A number as a sheet writes it ("18", "18层", "89.5"); ValueError otherwise."""
    bare = re.sub(r"(?:层|个|年)$", "", text.strip())
    value = float(bare)
    if value < 0 or value != value:
        raise ValueError(name)
    return value


def describe(report: BuildingImportReport, lang: str) -> list[str]:
    """The report as lines for a terminal."""
    en = lang.startswith("en")
    labels = {f: zh for f, (zh, _more) in COLUMNS.items()}
    out: list[str] = []
    if report.header_line is not None:
        where = place(None, report.header_line, lang)
        out.append(f"{report.file}: header on {where}" if en else f"{report.file}：表头在{where}")
        for letter, header, f in report.mapping:
            out.append(f"  {letter} {header} → {f if en else labels[f]}")
    if report.ignored:
        out.append("ignored columns:" if en else "未导入的列：")
        out += [f"  {letter} {header}" for letter, header in report.ignored]
    if report.skipped_sheets:
        out.append(
            "sheets not read (no buildings header):" if en else "未导入的工作表（无楼栋表头）："
        )
        out += [f"  {name}" for name in report.skipped_sheets]
    r = report
    if en:
        verb = "would be imported" if r.dry_run else "imported"
        out.append(
            f"{r.imported} of {r.rows} rows {verb} (buildings: {r.buildings_new} new, "
            f"{r.buildings_updated} updated; flats: {r.flats_new} new, {r.flats_updated} "
            f"updated; {r.households_linked} households linked), {len(r.errors)} refused, "
            f"{len(r.problems)} values left out"
        )
    else:
        verb = "可导入" if r.dry_run else "已导入"
        out.append(
            f"共{r.rows}行，{verb}{r.imported}行（楼栋：新增{r.buildings_new}、更新"
            f"{r.buildings_updated}；房屋：新增{r.flats_new}、更新{r.flats_updated}；关联住户"
            f"{r.households_linked}户），拒绝{len(r.errors)}行，{len(r.problems)}个值未导入"
        )
    if r.dry_run:
        out.append("dry run: nothing was written" if en else "试导入：没有写入任何数据")
    for err in r.errors:
        out.append(
            f"  {err.where(lang)}: {err.reason}" if en else f"  {err.where(lang)}：{err.reason}"
        )
    for p in r.problems:
        where = place(p.sheet, p.line, lang)
        if en:
            out.append(f"  {where}, column {p.column} {p.header} “{p.value}”: {p.reason}")
        else:
            out.append(f"  {where} {p.column}列 {p.header}“{p.value}”：{p.reason}")
    return out
