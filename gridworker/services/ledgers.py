"""台账: one .xlsx workbook with a sheet per kind of record, for a scope and a period.

Sheets: 事件 (cases), 隐患排查 (inspections), 整改 (rectifications), 走访 (visits)
and 住户人员 (residents with their household), then 导出说明 (who exported what,
when, for which scope and period, masked or not). Headers are Chinese (or English
for `lang="en"`), the header row is frozen and filtered, columns have widths that
fit their content, dates and times are real Excel dates in the calendar's time
zone, coded values carry their labels, and ID numbers and phones are masked
(`360302********1234`, `138****5678`) unless `unmasked` — always as text cells,
so all 18 characters and a final X survive.

Rows stream from the database into openpyxl's write-only workbook, so a ledger of
tens of thousands of rows needs little memory. The file is written beside the
target and moved into place, and the export is audit-logged (LocalAudit) like
every other export.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from gridworker.domain.atomic import atomic_path
from gridworker.services.cells import xlsx_value
from gridworker.services.dashboard import area_known
from gridworker.services.exporting import (
    BULK_EXPORT_ROLES,
    discard_workbook,
    display_value,
    is_text_field,
    mask_field,
    sheet_title,
    text_cell,
)
from gridworker.services.ledger_rows import (
    COLUMNS,
    LEDGER_KINDS,
    ROWS,
    Column,
    InspectionChoice,
    Period,
    ScopeChoice,
    count_rows,
    list_inspections,
    period_bounds,
    scope_choices,
)
from gridworker.services.workspace import ServiceError, Workspace

__all__ = [
    "LEDGER_KINDS",
    "InspectionChoice",
    "LedgerCancelled",
    "LedgerResult",
    "ScopeChoice",
    "list_inspections",
    "scope_choices",
    "write_ledger",
]

ENTITY_OF = {
    "cases": "case",
    "inspections": "inspection",
    "rectifications": "rectification",
    "visits": "visit",
    "residents": "resident",
    "life_events": "life_event",
}
_RESIDENT_SHEET = ("住户人员", "Residents")
_INFO_SHEET = ("导出说明", "About this export")
_SCOPE = re.compile(r"^\d{2,18}$")


class LedgerCancelled(ServiceError):
    """The person stopped the export; nothing was written."""


@dataclass
class LedgerResult:
    path: Path
    counts: dict[str, int]  # kind -> rows written
    masked: bool
    scope: str | None
    start: date | None
    end: date | None
    sheets: list[str] = field(default_factory=list)


# --- writing ------------------------------------------------------------------------------


def write_ledger(
    ws: Workspace,
    out: Path,
    *,
    kinds: Sequence[str] = LEDGER_KINDS,
    scope: str | None = None,
    start: date | None = None,
    end: date | None = None,
    unmasked: bool = False,
    lang: str = "zh_CN",
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LedgerResult:
    """Write the 台账 workbook to `out` (see the module docstring) and audit-log it.

    `scope` is a code prefix (street 9 digits, community 12, grid 15); `start` and
    `end` are inclusive local dates. Raises ServiceError for an unknown kind, a
    malformed scope, a reversed period or a role without bulk exports;
    LedgerCancelled when `cancelled()` turns true (no file is left behind).
    """
    wanted = [k for k in LEDGER_KINDS if k in kinds]
    unknown = sorted(set(kinds) - set(LEDGER_KINDS))
    if unknown or not wanted:
        raise ServiceError("ledger_kinds", kinds=", ".join(LEDGER_KINDS))
    if ws.actor.role not in BULK_EXPORT_ROLES:
        raise ServiceError("role_no_bulk_export")
    code = (scope or "").strip() or None
    if code is not None and not _SCOPE.match(code):
        raise ServiceError("scope_format", scope=code)
    if code is not None and not area_known(ws, code):
        raise ServiceError("scope_unknown", scope=code)
    period = period_bounds(ws, start, end)
    out = out.resolve()
    result = LedgerResult(out, {}, not unmasked, code, start, end)
    with atomic_path(out, durable=False) as tmp:
        _write_workbook(ws, tmp, wanted, code, period, result, lang, progress, cancelled)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="ledger",
            detail={
                "format": "xlsx",
                "kinds": result.counts,
                "masked": not unmasked,
                "scope": code,
                "from": start.isoformat() if start else None,
                "to": end.isoformat() if end else None,
                "file": out.name,
            },
        )
    return result


def _write_workbook(
    ws: Workspace,
    tmp: Path,
    kinds: list[str],
    scope: str | None,
    period: Period,
    result: LedgerResult,
    lang: str,
    progress: Callable[[float, str], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    try:
        _fill(wb, ws, kinds, scope, period, result, lang, progress, cancelled)
    except BaseException:
        discard_workbook(wb)
        raise
    wb.save(tmp)
    if progress is not None:
        progress(1.0, "")


def _fill(
    wb: Any,
    ws: Workspace,
    kinds: list[str],
    scope: str | None,
    period: Period,
    result: LedgerResult,
    lang: str,
    progress: Callable[[float, str], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    zone = ws.calendar.zone
    with ws.read() as s:
        totals = {kind: count_rows(ws, s, kind, scope, period) for kind in kinds}
        grand, done = max(1, sum(totals.values())), 0
        for kind in kinds:
            title = _RESIDENT_SHEET if kind == "residents" else None
            name = (title[0] if lang.startswith("zh") else title[1]) if title else None
            sheet = _new_sheet(wb, name or sheet_title(ENTITY_OF[kind], lang), COLUMNS[kind], lang)
            result.sheets.append(sheet.title)
            columns = COLUMNS[kind]
            count = 0
            for raw in ROWS[kind](ws, s, scope, period, lang):
                count += 1
                raw["no"] = count
                sheet.append(
                    [_cell(sheet, c, raw.get(c.key), result.masked, lang, zone) for c in columns]
                )
                if count % 200 == 0:
                    if cancelled is not None and cancelled():
                        raise LedgerCancelled("export_cancelled")
                    if progress is not None:
                        progress((done + count) / grand, sheet.title)
            done += count
            result.counts[kind] = count
            last = get_letter(len(columns))
            sheet.auto_filter.ref = f"A1:{last}{count + 1}"
            # The record id (last column) is for machines: leave it off the printout,
            # so the rest prints larger on the page width.
            sheet.print_area = f"A1:{get_letter(len(columns) - 1)}{count + 1}"
    _info_sheet(wb, ws, result, lang)


def get_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def _new_sheet(wb: Any, title: str, columns: Sequence[Column], lang: str) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = wb.create_sheet(title=title)
    for n, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_letter(n)].width = column.width
    sheet.freeze_panes = "A2"
    # Printing (LibreOffice, Excel): landscape, every column on the page width,
    # the header row repeated on each page, the sheet name in the page header.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = "&A"
    sheet.oddFooter.center.text = "&P / &N"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    headers = []
    for column in columns:
        cell = xlsx_value(sheet, column.header(lang))
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        headers.append(cell)
    sheet.append(headers)
    return sheet


def _cell(sheet: Any, column: Column, value: Any, masked: bool, lang: str, zone: Any) -> Any:
    if value is None:
        return None
    if is_text_field(column.key):
        return text_cell(sheet, mask_field(column.key, value) if masked else value)
    if isinstance(value, datetime) and column.number_format:
        # Excel has no time zones: the local wall-clock time of the calendar's zone.
        return _dated(sheet, value.astimezone(zone).replace(tzinfo=None), column.number_format)
    if isinstance(value, date) and not isinstance(value, datetime) and column.number_format:
        return _dated(sheet, value, column.number_format)
    if isinstance(value, bool | Enum):
        return xlsx_value(sheet, display_value(value, lang))
    # Text from rosters and forms: a string cell, never a formula (services/cells.py).
    return xlsx_value(sheet, value)


def _dated(sheet: Any, value: date, number_format: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _info_sheet(wb: Any, ws: Workspace, result: LedgerResult, lang: str) -> None:
    zh = lang.startswith("zh")
    sheet = wb.create_sheet(title=_INFO_SHEET[0] if zh else _INFO_SHEET[1])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 40
    now = ws.now().astimezone(ws.calendar.zone).strftime("%Y-%m-%d %H:%M")
    name, user = ws.actor.display_name, ws.actor.username
    who = f"{name}（{user}）" if name and name != user else user
    rows: list[tuple[str, Any]] = [
        ("导出时间" if zh else "Exported at", now),
        ("导出人" if zh else "Exported by", who),
        ("范围" if zh else "Scope", result.scope or ("全部" if zh else "all")),
        ("起始日期" if zh else "From", result.start.isoformat() if result.start else "—"),
        ("截止日期" if zh else "To", result.end.isoformat() if result.end else "—"),
        (
            "个人信息" if zh else "Personal data",
            ("已脱敏" if zh else "masked")
            if result.masked
            else ("未脱敏（已记录审计日志）" if zh else "UNMASKED (audit-logged)"),
        ),
    ]
    for kind, title in zip(result.counts, result.sheets, strict=True):
        rows.append((title, result.counts[kind]))
    for label, value in rows:
        sheet.append([xlsx_value(sheet, label), xlsx_value(sheet, value)])
