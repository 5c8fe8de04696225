"""`gridworker export`: households, residents, visits, inspections, rectifications, cases.

Masked by default (ID numbers `360302********1234`, phones `138****5678`,
DESIGN.md §7); `unmasked=True` is an audited action. In .xlsx, ID numbers are
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
from gridworker.domain.enums import Role, TagKind
from gridworker.domain.masking import mask_id_number, mask_phone
from gridworker.services import cells
from gridworker.services.cells import csv_row, xlsx_value
from gridworker.services.records import PHONE_FIELDS, to_wire
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    CaseRow,
    HouseholdRow,
    InspectionRow,
    RectificationRow,
    ResidentRow,
    ResidentTagRow,
    SyncRecord,
    VisitRow,
)

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "xlsx")


@dataclass(frozen=True)
class ExportKind:
    model: type[SyncRecord]
    # (field, 中文表头, English header) in column order
    columns: tuple[tuple[str, str, str], ...]


COMMON_HEAD = (("id", "记录编号", "Record id"), ("grid_code", "网格编码", "Grid code"))

KINDS: dict[str, ExportKind] = {
    "households": ExportKind(
        HouseholdRow,
        COMMON_HEAD
        + (
            ("household_no", "户号", "Household no."),
            ("address", "地址", "Address"),
            ("head_name", "户主姓名", "Head of household"),
            ("phone", "联系电话", "Phone"),
            ("economic_status", "经济状况", "Economic status"),
            ("residence_type", "居住类型", "Residence type"),
            ("note", "备注", "Note"),
        ),
    ),
    "residents": ExportKind(
        ResidentRow,
        COMMON_HEAD
        + (
            ("household_id", "所属户编号", "Household id"),
            ("name", "姓名", "Name"),
            ("gender", "性别", "Gender"),
            ("id_number", "身份证号码", "ID number"),
            ("birth_date", "出生日期", "Birth date"),
            ("phone", "联系电话", "Phone"),
            ("relationship", "与户主关系", "Relationship to head"),
            ("health", "健康状况", "Health"),
            # What a roster import needs to find the household and the tags again, and the
            # register's other fields (issue 18: an unmasked export re-imports as itself).
            ("household_no", "户号", "Household no."),
            ("address", "地址", "Address"),
            ("tags", "人员标签", "Tags"),
            ("ethnicity", "民族", "Ethnicity"),
            ("marital_status", "婚姻状况", "Marital status"),
            ("education", "文化程度", "Education"),
            ("occupation", "职业", "Occupation"),
            ("domicile", "户籍地", "Domicile"),
            ("other_phone", "其他电话", "Other phone"),
        ),
    ),
    "visits": ExportKind(
        VisitRow,
        COMMON_HEAD
        + (
            ("household_id", "走访户编号", "Household id"),
            ("visited_at", "走访时间", "Visited at"),
            ("mode", "走访方式", "Mode"),
            ("visitor", "走访人", "Visitor"),
            ("co_visitor", "陪同人", "Co-visitor"),
            ("people_met", "见面人员", "People met"),
            ("situation", "走访情况", "Situation"),
        ),
    ),
    "inspections": ExportKind(
        InspectionRow,
        COMMON_HEAD
        + (
            ("site_id", "场所编号", "Site id"),
            ("template_code", "检查表", "Checklist"),
            ("template_version", "检查表版本", "Checklist version"),
            ("kind", "检查类型", "Kind"),
            ("inspector", "检查人", "Inspector"),
            ("inspected_at", "检查时间", "Inspected at"),
            ("result", "检查结果", "Result"),
            ("note", "备注", "Note"),
        ),
    ),
    "rectifications": ExportKind(
        RectificationRow,
        COMMON_HEAD
        + (
            ("site_id", "场所编号", "Site id"),
            ("item_code", "检查项", "Item"),
            ("description", "隐患描述", "Description"),
            ("measures", "整改措施", "Measures"),
            ("deadline", "整改期限", "Deadline"),
            ("status", "状态", "Status"),
            ("closed_at", "销号时间", "Closed at"),
            ("close_basis", "销号依据", "Close-out basis"),
        ),
    ),
    "cases": ExportKind(
        CaseRow,
        COMMON_HEAD
        + (
            ("title", "事件标题", "Title"),
            ("category", "事件类别", "Category"),
            ("urgency", "紧急程度", "Urgency"),
            ("source", "来源", "Source"),
            ("state", "状态", "State"),
            ("reported_at", "上报时间", "Reported at"),
            ("deadline_at", "办理期限", "Deadline"),
            ("reporter", "上报人", "Reporter"),
            ("address", "地点", "Place"),
        ),
    ),
}

BULK_EXPORT_ROLES = frozenset({Role.grid_worker, Role.supervisor, Role.admin})


@dataclass
class ExportResult:
    path: Path
    kind: str
    format: str
    records: int
    masked: bool


def mask_field(field: str, value: Any) -> Any:
    """An ID number or phone masked for a list or export; other fields unchanged."""
    if value is None:
        return None
    if field == "id_number":
        return mask_id_number(str(value))
    if field in PHONE_FIELDS:
        return mask_phone(str(value))
    if field == "birth_date":
        return None  # the birth date is the eight digits an ID mask hides
    return value


def _rows(ws: Workspace, kind: ExportKind) -> Iterator[SyncRecord]:
    with ws.read() as s:
        stmt = select(kind.model).where(kind.model.deleted.is_(False)).order_by(kind.model.id)
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
) -> ExportResult:
    """Write one kind of record to `out`; see the module docstring."""
    if kind not in KINDS:
        raise ServiceError("export_kind", kind=kind, kinds=", ".join(KINDS))
    if fmt not in FORMATS:
        raise ServiceError("export_format", fmt=fmt)
    if ws.actor.role not in BULK_EXPORT_ROLES:
        raise ServiceError("role_no_bulk_export")
    spec = KINDS[kind]
    out = out.resolve()
    with atomic_path(out, durable=False) as tmp:
        count = _write(ws, spec, fmt, tmp, unmasked, lang)
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


def _write(ws: Workspace, spec: ExportKind, fmt: str, tmp: Path, unmasked: bool, lang: str) -> int:
    count = 0
    fields = [c[0] for c in spec.columns]
    headers = [c[1] if lang.startswith("zh") else c[2] for c in spec.columns]
    extras = _resident_extras(ws, lang) if spec.model is ResidentRow and fmt != "jsonl" else {}

    def cells(row: SyncRecord) -> list[Any]:
        values = []
        for f in fields:
            v = extras[f](row) if f in extras else getattr(row, f)
            values.append(display_value(v if unmasked else mask_field(f, v), lang, ws.zone))
        return values

    if fmt == "jsonl":
        with tmp.open("w", encoding="utf-8") as fh:
            for row in _rows(ws, spec):
                record = to_wire(row)
                if not unmasked:
                    record = {k: mask_field(k, v) for k, v in record.items()}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    elif fmt == "csv":
        # BOM so that Excel on Chinese Windows reads UTF-8 instead of guessing GBK.
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(csv_row(headers))
            for row in _rows(ws, spec):
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
            for row in _rows(ws, spec):
                values = cells(row)
                sheet.append(
                    [
                        text_cell(sheet, v) if i in text_columns and v is not None
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


SHEET_TITLES: dict[str, tuple[str, str]] = {
    "household": ("住户", "Households"),
    "resident": ("居民", "Residents"),
    "visit": ("走访", "Visits"),
    "inspection": ("隐患排查", "Inspections"),
    "rectification": ("整改", "Rectifications"),
    "case": ("事件", "Cases"),
}
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
