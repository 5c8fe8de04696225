"""`gridworker export`: households, residents, visits, inspections, rectifications, cases.

Masked by default (ID numbers `360302********1234`, phones `138****5678`,
docs/design.md §7); `unmasked=True` is an audited action. In .xlsx, ID numbers are
written as text so they keep all 18 characters and a final X. The file is
written to a temporary name beside the target and moved into place, so a failed
export leaves nothing half-written behind.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gridworker.domain.atomic import atomic_path
from gridworker.domain.clock import default_zone, district_text
from gridworker.domain.declare import EntityDecl, declaration
from gridworker.domain.entities import DECLARED
from gridworker.domain.enums import TagKind
from gridworker.domain.masking import mask_value
from gridworker.domain.permissions import Cap, may_read, roles_with
from gridworker.services import cells
from gridworker.services.access import require
from gridworker.services.cells import csv_row, xlsx_value
from gridworker.services.records import PHONE_FIELDS, to_wire
from gridworker.services.standing import in_register
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    SYNC_MODELS,
    HouseholdRow,
    ResidentRow,
    ResidentTagRow,
    SyncRecord,
)

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "xlsx")


@dataclass(frozen=True)
class ExportKind:
    model: type[SyncRecord]
    # (field, 中文表头, English header) in column order
    columns: tuple[tuple[str, str, str], ...]


# Columns an export adds that are not fields of its entity: (after which field, columns).
# The residents' are what a roster import needs to find the household and the tags again
# (issue 18: an unmasked export re-imports as itself).
EXTRA_COLUMNS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "residents": (
        "health",
        (
            ("household_no", "户号", "Household no."),
            ("address", "地址", "Address"),
            ("tags", "人员标签", "Tags"),
        ),
    ),
}


def _export_kind(decl: EntityDecl) -> ExportKind:
    """An entity's export: its fields declared `export` (the default), in declaration
    order, headed by their labels (docs/design.md §13)."""
    columns = [(f.name, f.spec.zh, f.spec.en) for f in decl.export_fields()]
    after, extra = EXTRA_COLUMNS.get(str(decl.export), ("", ()))
    if extra:
        at = [c[0] for c in columns].index(after) + 1
        columns[at:at] = extra
    return ExportKind(SYNC_MODELS[decl.name], tuple(columns))


KINDS: dict[str, ExportKind] = {d.export: _export_kind(d) for d in DECLARED if d.export}
"""`gridworker export` kinds: every entity whose declaration names one."""

BULK_EXPORT_ROLES = roles_with(Cap.bulk_export)


@dataclass
class ExportResult:
    path: Path
    kind: str
    format: str
    records: int
    masked: bool


def mask_field(field: str, value: Any, entity: str | None = None) -> Any:
    """A value as a masked export shows it, as the field's declaration says: ID numbers
    and phones masked, a birth date (the eight digits an ID mask hides) left out."""
    return mask_value(entity, field, value)


def _rows(ws: Workspace, kind: ExportKind, *, everyone: bool = False) -> Iterator[SyncRecord]:
    with ws.read() as s:
        stmt = select(kind.model).where(kind.model.deleted.is_(False)).order_by(kind.model.id)
        if kind.model is ResidentRow and not everyone:
            stmt = stmt.where(in_register())  # who moved out or died: only with `everyone`
        yield from s.scalars(stmt.execution_options(yield_per=1000))


def display_value(value: Any, lang: str, zone: tzinfo | None = None) -> Any:
    """Cell text for csv/xlsx: enum labels in the reader's language, ISO dates, times on
    the district's clock (`zone`; Asia/Shanghai when not given), never the laptop's."""
    if isinstance(value, Enum):
        label = getattr(value, "label", None)
        return label(lang) if callable(label) else value.value
    if isinstance(value, datetime):
        return district_text(value, zone or default_zone())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return ("是" if value else "否") if lang.startswith("zh") else ("yes" if value else "no")
    return value


def export(
    ws: Workspace,
    *,
    kind: str,
    fmt: str,
    out: Path,
    unmasked: bool = False,
    lang: str = "zh_CN",
    everyone: bool = False,
) -> ExportResult:
    """Write one kind of record to `out`; see the module docstring. Residents who moved
    out or died are left out unless `everyone` (`--all`, docs/design.md §12)."""
    if kind not in KINDS:
        raise ServiceError("export_kind", kind=kind, kinds=", ".join(KINDS))
    if fmt not in FORMATS:
        raise ServiceError("export_format", fmt=fmt)
    require(ws, Cap.bulk_export)
    spec = KINDS[kind]
    if not may_read(ws.actor.role, declaration(spec.model.__entity__).group):
        raise ServiceError("role_no_party")  # who is a party member (§22.2)
    out = out.resolve()
    with atomic_path(out, durable=False) as tmp:
        count = _write(ws, spec, fmt, tmp, unmasked, lang, everyone)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity=kind,
            detail={"format": fmt, "records": count, "masked": not unmasked, "file": out.name},
        )
    return ExportResult(out, kind, fmt, count, not unmasked)


def _resident_extras(ws: Workspace, lang: str) -> dict[str, Callable[[Any], Any]]:
    """Columns of the residents export that live on the household or the tag rows."""
    with ws.read() as s:
        households = {
            hid: (no, address)
            for hid, no, address in s.execute(
                select(HouseholdRow.id, HouseholdRow.household_no, HouseholdRow.address)
            )
        }
        tags: dict[str, list[TagKind]] = {}
        for rid, tag in s.execute(
            select(ResidentTagRow.resident_id, ResidentTagRow.tag)
            .where(ResidentTagRow.deleted.is_(False))
            .order_by(ResidentTagRow.resident_id, ResidentTagRow.tag)
        ):
            tags.setdefault(rid, []).append(tag)
    return {
        "household_no": lambda row: households.get(row.household_id, (None, None))[0],
        "address": lambda row: households.get(row.household_id, (None, None))[1],
        "tags": lambda row: "、".join(t.label(lang) for t in tags.get(row.id, [])) or None,
    }


def _write(
    ws: Workspace,
    spec: ExportKind,
    fmt: str,
    tmp: Path,
    unmasked: bool,
    lang: str,
    everyone: bool = False,
) -> int:
    count = 0
    fields = [c[0] for c in spec.columns]
    headers = [c[1] if lang.startswith("zh") else c[2] for c in spec.columns]
    extras = _resident_extras(ws, lang) if spec.model is ResidentRow and fmt != "jsonl" else {}
    entity = spec.model.__entity__

    def cells(row: SyncRecord) -> list[Any]:
        values = []
        for f in fields:
            v = extras[f](row) if f in extras else getattr(row, f)
            shown = v if unmasked else mask_field(f, v, entity)
            values.append(display_value(shown, lang, ws.zone))
        return values

    if fmt == "jsonl":
        with tmp.open("w", encoding="utf-8") as fh:
            for row in _rows(ws, spec, everyone=everyone):
                record = to_wire(row)
                if not unmasked:
                    record = {k: mask_field(k, v, entity) for k, v in record.items()}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    elif fmt == "csv":
        # BOM so that Excel on Chinese Windows reads UTF-8 instead of guessing GBK.
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(csv_row(headers))
            for row in _rows(ws, spec, everyone=everyone):
                writer.writerow(csv_row(cells(row)))
                count += 1
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        try:
            sheet = wb.create_sheet(title=sheet_title(spec.model.__entity__, lang))
            sheet.freeze_panes = "A2"
            sheet.append([xlsx_value(sheet, h) for h in headers])
            text_columns = {i for i, f in enumerate(fields) if is_text_field(f)}
            for row in _rows(ws, spec, everyone=everyone):
                values = cells(row)
                sheet.append(
                    [
                        text_cell(sheet, v)
                        if i in text_columns and v is not None
                        # Every other text is a string cell too: never a formula.
                        else xlsx_value(sheet, v)
                        for i, v in enumerate(values)
                    ]
                )
                count += 1
            sheet.auto_filter.ref = f"A1:{_col(len(fields))}{count + 1}"
        except BaseException:
            discard_workbook(wb)
            raise
        wb.save(tmp)
    return count


SHEET_TITLES: dict[str, tuple[str, str]] = {d.name: d.plural for d in DECLARED if d.plural}
"""Sheet name (zh, en) per entity, shared by single-kind exports and ledgers."""


def sheet_title(entity: str, lang: str) -> str:
    zh, en = SHEET_TITLES[entity]
    return zh if lang.startswith("zh") else en


def is_text_field(field: str) -> bool:
    """Fields always written as text cells: ID numbers and phones (masked or not)."""
    return field == "id_number" or field in PHONE_FIELDS


def text_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell holding `value` as text (format `@`), so 18 digits and a final X
    survive; a string cell, never a formula (services/cells.py)."""
    return cells.text_cell(sheet, value, number_format="@")


def discard_workbook(wb: Any) -> None:
    """Delete the sheets' temporary XML files now (they hold the rows in plain text);
    openpyxl would otherwise leave them in the temp folder until the process exits."""
    for sheet in wb.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        rows = getattr(sheet, "_rows", None)
        try:  # finish the XML stream before its file goes
            if rows is not None:
                rows.close()
            writer.close()
        except Exception as exc:  # the file is still removed below
            log.warning("closing a sheet's temporary file failed (%s)", type(exc).__name__)
        try:
            writer.cleanup()
        except (OSError, ValueError) as exc:
            # Left behind, the file holds rows in plain text until the process exits.
            log.error("a sheet's temporary file could not be removed (%s)", type(exc).__name__)


def _col(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
