"""`gridworker import`: a residents roster (.csv/.xlsx) or an export (.jsonl).

Good rows are kept, bad rows are reported by line and reason; nothing is
half-written (each chunk of rows is one transaction, captured for sync like
any edit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from gridworker.domain import ids
from gridworker.domain.enums import Gender, Relationship, TagKind
from gridworker.domain.errors import DomainError
from gridworker.services.register import (
    BULK_NEW,
    HouseholdInput,
    ResidentInput,
    check_grid,
    prefetch,
    save_household,
    save_resident,
    upsert,
)
from gridworker.services.tabular import SourceRow, read_rows
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    SYNC_MODELS,
    HouseholdRow,
    ResidentRow,
    ResidentTagRow,
    SyncRecord,
)
from gridworker.storage.outbox import insert_new

CHUNK = 500

# 网格编码, 地址, 户号, 姓名, 性别, 身份证号码, 联系电话, 与户主关系, 人员标签 (DESIGN.md §9)
ROSTER_HEADERS: dict[str, str] = {
    "网格编码": "grid_code",
    "地址": "address",
    "户号": "household_no",
    "姓名": "name",
    "性别": "gender",
    "身份证号码": "id_number",
    "身份证号": "id_number",
    "联系电话": "phone",
    "与户主关系": "relationship",
    "人员标签": "tags",
}
ROSTER_FIELDS = (
    "grid_code",
    "address",
    "household_no",
    "name",
    "gender",
    "id_number",
    "phone",
    "relationship",
    "tags",
)
REQUIRED = ("grid_code", "address", "household_no", "name")
TAG_SEPARATORS = re.compile(r"[、,，;；]+")


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    imported: int = 0
    households: int = 0
    residents: int = 0
    errors: list[RowError] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "imported": self.imported,
            "households": self.households,
            "residents": self.residents,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }


def _roster_key(header: str) -> str | None:
    h = header.strip()
    if h in ROSTER_HEADERS:
        return ROSTER_HEADERS[h]
    low = h.lower()
    return low if low in ROSTER_FIELDS else None


@dataclass
class RosterRow:
    line: int
    household: HouseholdInput
    resident: ResidentInput


def parse_roster_row(row: SourceRow, lang: str = "zh_CN") -> RosterRow:
    """One roster line to validated inputs; raises DomainError/ValueError with the reason."""
    values: dict[str, Any] = {}
    for header, value in row.values.items():
        key = _roster_key(header)
        if key:
            values[key] = value
    missing = [k for k in REQUIRED if not values.get(k)]
    if missing:
        label = {"grid_code": "网格编码", "address": "地址", "household_no": "户号", "name": "姓名"}
        names = "、".join(label[k] if lang.startswith("zh") else k for k in missing)
        raise ValueError(f"缺少{names}" if lang.startswith("zh") else f"missing {names}")
    tags: list[TagKind] = []
    if values.get("tags"):
        tags = [TagKind.parse(t) for t in TAG_SEPARATORS.split(str(values["tags"])) if t.strip()]
    relationship = (
        Relationship.parse(values["relationship"]) if values.get("relationship") else None
    )
    household = HouseholdInput(
        grid_code=str(values["grid_code"]),
        household_no=str(values["household_no"]),
        address=str(values["address"]),
    ).normalised()
    resident = ResidentInput(
        name=str(values["name"]),
        id_number=str(values["id_number"]) if values.get("id_number") else None,
        gender=Gender.parse(values["gender"]) if values.get("gender") else None,
        phone=str(values["phone"]) if values.get("phone") else None,
        relationship=relationship,
        tags=tags,
    ).normalised()
    if resident.id_number and values.get("gender"):
        # The ID number fixes the gender; a roster typo must not contradict it.
        from gridworker.domain.validation import id_gender

        if resident.gender is not id_gender(resident.id_number):
            raise ValueError(
                "性别与身份证号码不符"
                if lang.startswith("zh")
                else "gender does not match the ID number"
            )
    return RosterRow(row.line, household, resident)


def _reason(exc: Exception, lang: str) -> str:
    if isinstance(exc, DomainError):
        return exc.message(lang)
    return str(exc)


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    chunk: list[SourceRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_file(ws: Workspace, path: Path, *, lang: str = "zh_CN") -> ImportReport:
    """Import a roster or a .jsonl export; see the module docstring."""
    if not path.is_file():
        raise ServiceError(f"{path} does not exist")
    report = ImportReport(file=path.name)
    rows = read_rows(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        _import_jsonl(ws, rows, report, lang)
    else:
        _import_roster(ws, rows, report, lang)
    return report


def _import_roster(
    ws: Workspace, rows: Iterator[SourceRow], report: ImportReport, lang: str
) -> None:
    # Held for the whole file (100,000 households: 390,000 entries), so ids are kept as
    # 128-bit ints, half the memory of their text.
    seen_households: set[int] = set()
    line_of: dict[int, int] = {}  # resident id -> the line that brought that ID number
    people_without_id = 0
    for chunk in _chunks(rows, CHUNK):
        parsed: list[RosterRow] = []
        rids: list[str | None] = []
        for row in chunk:
            report.rows += 1
            try:
                item = parse_roster_row(row, lang)
                check_grid(ws, item.household.grid_code)
                number = item.resident.id_number
                rid = ids.resident_id(ws.id_secret, number) if number else None
                first = line_of.setdefault(UUID(rid).int, row.line) if rid else row.line
                if first != row.line:
                    # One person, two lines: keeping both would make the last one win silently.
                    raise ValueError(
                        f"身份证号码与第{first}行重复"
                        if lang.startswith("zh")
                        else f"the same ID number as line {first}"
                    )
            except (DomainError, ValueError, ServiceError) as exc:
                report.errors.append(RowError(row.line, _reason(exc, lang)))
                continue
            parsed.append(item)
            rids.append(rid)
        if not parsed:
            continue
        with ws.write() as s, s.no_autoflush:
            # New records are collected and written in bulk with their outbox entries
            # (storage.outbox.insert_new); changes to existing ones go through the ORM
            # and its change capture, field by field.
            new_records: list[SyncRecord] = []
            s.info[BULK_NEW] = new_records
            # Each id derived once (an HMAC each): the duplicate check, the prefetches and
            # the saves share them.
            hids = [
                ids.household_id(ws.id_secret, p.household.grid_code, p.household.household_no)
                for p in parsed
            ]
            prefetch(s, HouseholdRow, hids)
            prefetch(s, ResidentRow, [r for r in rids if r])
            prefetch(
                s,
                ResidentTagRow,
                [
                    ids.resident_tag_id(rid, tag.value)
                    for p, rid in zip(parsed, rids, strict=True)
                    if rid
                    for tag in p.resident.tags
                ],
            )
            for item, hid, rid in zip(parsed, hids, rids, strict=True):
                household = save_household(ws, s, item.household, hid=hid)
                save_resident(ws, s, household, item.resident, rid=rid)
                seen_households.add(UUID(household.id).int)
                people_without_id += rid is None  # each gets an id of their own
                report.imported += 1
            del s.info[BULK_NEW]
            insert_new(s, new_records)
    report.households = len(seen_households)
    report.residents = len(line_of) + people_without_id


def _import_jsonl(
    ws: Workspace, rows: Iterator[SourceRow], report: ImportReport, lang: str
) -> None:
    """Lines of the export format: {"entity": ..., "id": ..., fields...} (unmasked only)."""
    from gridworker.services.records import coerce_fields

    for chunk in _chunks(rows, CHUNK):
        good: list[tuple[type[SyncRecord], str, dict[str, Any]]] = []
        for row in chunk:
            report.rows += 1
            try:
                if "__error__" in row.values:
                    raise ValueError(row.values["__error__"])
                entity = row.values.get("entity")
                model = SYNC_MODELS.get(str(entity))
                if model is None:
                    raise ValueError(f"unknown entity {entity!r}")
                record_id = str(row.values.get("id") or "")
                if not record_id:
                    raise ValueError("missing id")
                fields = coerce_fields(model, row.values)
                check_grid(ws, fields["grid_code"])
            except (DomainError, ValueError, ServiceError, KeyError) as exc:
                report.errors.append(RowError(row.line, _reason(exc, lang)))
                continue
            good.append((model, record_id, fields))
        if not good:
            continue
        with ws.write() as s:
            for model, record_id, fields in good:
                upsert(s, model, record_id, fields)
                report.imported += 1
