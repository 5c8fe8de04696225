"""Buildings and flats (人房关联, docs/design.md §12.1): the list of a grid's buildings, one
building laid out as floors × units (the 楼栋图), saving them by their natural keys, and
deleting them only when nothing refers to them.

A building or a flat outside the user's grids answers exactly as one that does not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gridworker.domain import ids
from gridworker.domain.buildings import (
    building_key,
    building_label,
    estate_label,
    flat_key,
    floor_key,
    floor_of,
    unit_key,
    unit_label,
)
from gridworker.domain.enums import HouseUse, TagGroup, TagKind
from gridworker.domain.errors import BiText
from gridworker.domain.masking import mask_phone
from gridworker.services.access import check_write
from gridworker.services.references import referring
from gridworker.services.register import upsert
from gridworker.services.standing import in_register
from gridworker.services.today import visits_due
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    BuildingRow,
    GridRow,
    HouseholdRow,
    HouseRow,
    ResidentRow,
    ResidentTagRow,
)

BUILDING = BiText("楼栋", "building")
FLAT = BiText("房屋", "flat")
# Fields kept as first written: the natural key's own spelling ("3栋" stays "3栋" when a
# later sheet says "3号楼").
_KEY_FIELDS = frozenset({"estate_name", "building_no", "unit", "number"})


@dataclass(frozen=True)
class BuildingSummary:
    id: str
    grid_code: str
    estate_name: str
    building_no: str
    address: str | None
    flats: int
    households: int
    by_use: dict[str, int]  # HouseUse code (or "" for not said) -> flats

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "grid_code": self.grid_code,
            "estate_name": self.estate_name,
            "building_no": self.building_no,
            "address": self.address,
            "flats": self.flats,
            "households": self.households,
            "by_use": self.by_use,
        }


@dataclass(frozen=True)
class FlatHousehold:
    id: str
    household_no: str
    head_name: str | None
    care_tags: tuple[TagKind, ...]  # active tags of the 关爱对象 group, of living members
    days_overdue: int  # > 0: a tagged member's visit is that many days overdue


@dataclass(frozen=True)
class FlatCell:
    id: str
    unit: str  # the unit's key ("1"); "" when the flat names none
    floor: int | None  # None: neither the floor nor the number says
    number: str
    use: HouseUse | None
    area: float | None
    households: tuple[FlatHousehold, ...]

    @property
    def care_tags(self) -> tuple[TagKind, ...]:
        seen = dict.fromkeys(t for h in self.households for t in h.care_tags)
        return tuple(seen)

    @property
    def days_overdue(self) -> int:
        return max((h.days_overdue for h in self.households), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "floor": self.floor,
            "number": self.number,
            "use": self.use.value if self.use else None,
            "area": self.area,
            "care_tags": [t.value for t in self.care_tags],
            "days_overdue": self.days_overdue,
            "households": [
                {"id": h.id, "household_no": h.household_no, "head_name": h.head_name}
                for h in self.households
            ],
        }


@dataclass(frozen=True)
class BuildingView:
    id: str
    grid_code: str
    grid_name: str | None
    estate_name: str
    building_no: str
    address: str | None
    property_company: str | None
    building_head: str | None
    building_head_phone: str | None  # masked
    unit_heads: str | None
    floors: tuple[int, ...]  # top floor first
    units: tuple[str, ...]  # unit keys in order
    flats: tuple[FlatCell, ...]
    _at: dict[tuple[int | None, str], list[FlatCell]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for cell in self.flats:
            self._at.setdefault((cell.floor, cell.unit), []).append(cell)

    def at(self, floor: int | None, unit: str) -> list[FlatCell]:
        """The flats of one floor of one unit, by number."""
        return self._at.get((floor, unit), [])

    @property
    def unplaced(self) -> list[FlatCell]:
        """Flats whose floor nobody wrote and whose number does not say it."""
        return [c for c in self.flats if c.floor is None]

    def unit_name(self, key: str) -> str:
        return unit_label(key) if key else "—"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "grid_code": self.grid_code,
            "grid_name": self.grid_name,
            "estate_name": self.estate_name,
            "building_no": self.building_no,
            "address": self.address,
            "property_company": self.property_company,
            "building_head": self.building_head,
            "building_head_phone": self.building_head_phone,
            "unit_heads": self.unit_heads,
            "floors": list(self.floors),
            "units": list(self.units),
            "flats": [c.to_json() for c in self.flats],
        }


def _visible(ws: Workspace, grid_code: str) -> bool:
    return ws.actor.covers(grid_code)


def _building(ws: Workspace, s: Session, building_id: str) -> BuildingRow:
    """The live building, or `record_missing` (also for one outside the user's grids)."""
    row = s.get(BuildingRow, building_id)
    if row is None or row.deleted or not _visible(ws, row.grid_code):
        raise ServiceError("record_missing", what=BUILDING)
    return row


def list_buildings(ws: Workspace, *, grid_code: str | None = None) -> list[BuildingSummary]:
    """The user's buildings (one grid's when given), by grid, estate and number."""
    with ws.read() as s:
        stmt = select(BuildingRow).where(BuildingRow.deleted.is_(False))
        if grid_code:
            stmt = stmt.where(BuildingRow.grid_code == grid_code)
        rows = [b for b in s.scalars(stmt) if _visible(ws, b.grid_code)]
        bids = [b.id for b in rows]
        uses: dict[str, Counter[str]] = {b: Counter() for b in bids}
        flats: dict[str, str] = {}
        for hid, bid, use in s.execute(
            select(HouseRow.id, HouseRow.building_id, HouseRow.use).where(
                HouseRow.deleted.is_(False), HouseRow.building_id.in_(bids)
            )
        ):
            uses[str(bid)][use.value if use else ""] += 1
            flats[hid] = str(bid)
        lived: Counter[str] = Counter()
        for (house,) in s.execute(
            select(HouseholdRow.house_id).where(
                HouseholdRow.deleted.is_(False), HouseholdRow.house_id.in_(list(flats))
            )
        ):
            lived[flats[str(house)]] += 1
    out = [
        BuildingSummary(
            id=b.id,
            grid_code=b.grid_code,
            estate_name=b.estate_name,
            building_no=b.building_no,
            address=b.address,
            flats=sum(uses[b.id].values()),
            households=lived[b.id],
            by_use=dict(uses[b.id]),
        )
        for b in rows
    ]
    out.sort(key=lambda b: (b.grid_code, b.estate_name, _order(building_key(b.building_no))))
    return out


def _order(key: str) -> tuple[int, int, str]:
    """Numbers in numeric order, then names."""
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def building_view(ws: Workspace, building_id: str, *, today: date | None = None) -> BuildingView:
    """One building as floors × units, each flat with its use, the households living in it,
    their care tags and how overdue their visits are (as on 今日待办)."""
    today = today or ws.today()
    with ws.read() as s:
        b = _building(ws, s, building_id)
        grid_name = s.scalar(select(GridRow.name).where(GridRow.code == b.grid_code))
        houses = list(
            s.scalars(
                select(HouseRow).where(HouseRow.building_id == b.id, HouseRow.deleted.is_(False))
            )
        )
        homes = list(
            s.scalars(
                select(HouseholdRow).where(
                    HouseholdRow.house_id.in_([h.id for h in houses]),
                    HouseholdRow.deleted.is_(False),
                )
            )
        )
        care = _care_tags(s, [h.id for h in homes], today)
        view_fields = (
            b.grid_code, b.estate_name, b.building_no, b.address, b.property_company,
            b.building_head, mask_phone(b.building_head_phone), b.unit_heads,
            b.floors_above, b.floors_below, b.units,
        )  # fmt: skip
    overdue: dict[str, int] = {}
    wanted = {h.id for h in homes}
    for due in visits_due(ws, today=today, horizon_days=0):
        if due.household_id in wanted and due.overdue:
            overdue[due.household_id] = max(overdue.get(due.household_id, 0), due.days_overdue)
    living: dict[str, list[FlatHousehold]] = {}
    for h in sorted(homes, key=lambda h: (h.household_no, h.id)):
        living.setdefault(h.house_id or "", []).append(
            FlatHousehold(
                h.id, h.household_no, h.head_name, care.get(h.id, ()), overdue.get(h.id, 0)
            )
        )
    cells = [
        FlatCell(
            id=h.id,
            unit=unit_key(h.unit),
            floor=floor_key(h.floor) if h.floor else floor_of(h.number),
            number=h.number,
            use=h.use,
            area=h.area,
            households=tuple(living.get(h.id, ())),
        )
        for h in houses
    ]
    cells.sort(key=lambda c: (_order(c.unit), _order(flat_key(c.number))))
    (grid, estate, no, address, company, head, phone, unit_heads, above, below, n_units) = (
        view_fields
    )
    floors = {c.floor for c in cells if c.floor is not None}
    floors |= set(range(1, (above or 0) + 1)) | set(range(-(below or 0), 0))
    units = {c.unit for c in cells} | {str(i) for i in range(1, (n_units or 0) + 1)}
    return BuildingView(
        id=building_id,
        grid_code=grid,
        grid_name=grid_name,
        estate_name=estate,
        building_no=no,
        address=address,
        property_company=company,
        building_head=head,
        building_head_phone=phone,
        unit_heads=unit_heads,
        floors=tuple(sorted(floors, reverse=True)),
        units=tuple(sorted(units, key=_order)),
        flats=tuple(cells),
    )


def _care_tags(s: Session, household_ids: list[str], today: date) -> dict[str, tuple[TagKind, ...]]:
    """Household id -> the active 关爱对象 tags of its members still in the register."""
    out: dict[str, dict[TagKind, None]] = {}
    rows = s.execute(
        select(ResidentRow.household_id, ResidentTagRow.tag)
        .join(ResidentRow, ResidentRow.id == ResidentTagRow.resident_id)
        .where(
            ResidentRow.household_id.in_(household_ids),
            ResidentRow.deleted.is_(False),
            ResidentTagRow.deleted.is_(False),
            in_register(),
            or_(ResidentTagRow.start_date.is_(None), ResidentTagRow.start_date <= today),
            or_(ResidentTagRow.end_date.is_(None), ResidentTagRow.end_date >= today),
        )
    )
    for hid, tag in rows:
        if tag.group is TagGroup.care:
            out.setdefault(hid, {})[tag] = None
    return {hid: tuple(sorted(tags, key=lambda t: t.value)) for hid, tags in out.items()}


# --- writing ------------------------------------------------------------------------------


def save_building(
    ws: Workspace, s: Session, grid_code: str, estate_name: str, building_no: str, **values: Any
) -> tuple[BuildingRow, bool]:
    """Create or update the building of (grid, 小区, 楼栋号 as a key); (row, created)."""
    check_write(ws, "building", grid_code)
    bid = ids.building_id(ws.id_secret, grid_code, estate_name, building_key(building_no))
    existing = s.get(BuildingRow, bid)
    fields = {
        "grid_code": grid_code,
        "estate_name": estate_label(estate_name),
        "building_no": building_label(building_no),
    }
    fields.update({k: v for k, v in values.items() if v is not None})
    if existing is not None and not existing.deleted:
        fields = {k: v for k, v in fields.items() if k not in _KEY_FIELDS}
    return upsert(s, BuildingRow, bid, fields), existing is None or existing.deleted


def flat_id(ws: Workspace, building_id: str, unit: str | None, number: str) -> str:
    return ids.house_id(ws.id_secret, building_id, unit_key(unit), flat_key(number))


def save_flat(
    ws: Workspace, s: Session, building: BuildingRow, unit: str | None, number: str, **values: Any
) -> tuple[HouseRow, bool]:
    """Create or update the flat of (building, unit, number as keys); (row, created)."""
    check_write(ws, "house", building.grid_code)
    hid = flat_id(ws, building.id, unit, number)
    existing = s.get(HouseRow, hid)
    fields = {
        "grid_code": building.grid_code,
        "building_id": building.id,
        "unit": unit_key(unit) or None,
        "number": flat_key(number),
    }
    fields.update({k: v for k, v in values.items() if v is not None})
    if existing is not None and not existing.deleted:
        fields = {k: v for k, v in fields.items() if k not in _KEY_FIELDS}
    return upsert(s, HouseRow, hid, fields), existing is None or existing.deleted


def add_flat(ws: Workspace, building_id: str, unit: str | None, number: str, **values: Any) -> str:
    """One new flat; a number the unit already has (`１５０２` is `1502`) is refused. Its
    floor is stored as a number: the one written ("15层"), else the one its number says."""
    floor_text = values.pop("floor", None)
    floor = floor_key(floor_text) if floor_text else floor_of(number)
    if floor_text and floor is None:
        raise ServiceError("buildings_bad_number", field="floor", value=floor_text)
    if floor is not None:
        values["floor"] = str(floor)
    with ws.write() as s:
        b = _building(ws, s, building_id)
        existing = s.get(HouseRow, flat_id(ws, b.id, unit, number))
        if existing is not None and not existing.deleted:
            raise ServiceError(
                "flat_taken",
                field="number",
                building=b.building_no,
                unit=unit_label(unit_key(unit)) if unit_key(unit) else "",
                number=existing.number,
            )
        row, _ = save_flat(ws, s, b, unit, number, **values)
        return row.id


def live_in(ws: Workspace, household_id: str, flat_id_: str | None) -> None:
    """The household lives in this flat (None: in none known)."""
    with ws.write() as s:
        h = s.get(HouseholdRow, household_id)
        if h is None or h.deleted or not _visible(ws, h.grid_code):
            raise ServiceError("record_missing", what=BiText("住户", "household"))
        if flat_id_ is not None:
            flat = s.get(HouseRow, flat_id_)
            if flat is None or flat.deleted or not _visible(ws, flat.grid_code):
                raise ServiceError("record_missing", what=FLAT)
        check_write(ws, "household", h.grid_code)
        if h.house_id != flat_id_:
            h.house_id = flat_id_


def live_in_by_number(ws: Workspace, flat_id_: str, household_no: str) -> str:
    """The household of the flat's grid with this 户号 lives in the flat; its id."""
    with ws.read() as s:
        flat = s.get(HouseRow, flat_id_)
        if flat is None or flat.deleted or not _visible(ws, flat.grid_code):
            raise ServiceError("record_missing", what=FLAT)
        hid = ids.household_id(ws.id_secret, flat.grid_code, household_no.strip())
        home = s.get(HouseholdRow, hid)
        if home is None or home.deleted:
            raise ServiceError("household_no_unknown", value=household_no.strip())
    live_in(ws, hid, flat_id_)
    return hid


def _count(s: Session, model: Any, column: Any, values: Iterable[str]) -> int:
    wanted = list(values)
    if not wanted:
        return 0
    return int(
        s.scalar(
            select(func.count())
            .select_from(model)
            .where(column.in_(wanted), model.deleted.is_(False))
        )
        or 0
    )


def delete_building(ws: Workspace, building_id: str) -> None:
    """Tombstone a building nothing refers to; one with flats, households living in them or
    hazard sites is refused, naming how many (they would point at nothing)."""
    with ws.write() as s:
        b = _building(ws, s, building_id)
        check_write(ws, "building", b.grid_code)
        refs = dict(referring(s, "building", b.id))
        if refs:
            flat_ids = s.scalars(
                select(HouseRow.id).where(HouseRow.building_id == b.id, HouseRow.deleted.is_(False))
            )
            raise ServiceError(
                "building_in_use",
                name=f"{b.estate_name}{b.building_no}",
                flats=refs.get("house", 0),
                households=_count(s, HouseholdRow, HouseholdRow.house_id, flat_ids),
                sites=refs.get("hazard_site", 0),
            )
        b.deleted = True


def delete_flat(ws: Workspace, flat_id_: str) -> None:
    """Tombstone a flat no household lives in."""
    with ws.write() as s:
        flat = s.get(HouseRow, flat_id_)
        if flat is None or flat.deleted or not _visible(ws, flat.grid_code):
            raise ServiceError("record_missing", what=FLAT)
        check_write(ws, "house", flat.grid_code)
        refs = dict(referring(s, "house", flat.id))
        if refs:
            raise ServiceError(
                "flat_in_use", number=flat.number, households=refs.get("household", 0)
            )
        flat.deleted = True
