"""工作统计 as an .xlsx workbook (docs/design.md §26), laid out like the 台账
(services/ledgers.py): a sheet per grid and one per person, headers frozen and filtered,
printed landscape on the page width, then 导出说明 (who exported what, when, for which
scope and period); written beside the target and moved into place, audit-logged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridworker.domain.atomic import atomic_path
from gridworker.services.cells import xlsx_value
from gridworker.services.exporting import discard_workbook
from gridworker.services.ledger_rows import Column
from gridworker.services.ledgers import _new_sheet, get_letter
from gridworker.services.work_stats import FIGURE_LABELS, FIGURES, StatsLine, WorkStats
from gridworker.services.workspace import Workspace

_FIGURE_COLUMNS = [Column(f, *FIGURE_LABELS[f], width=12) for f in FIGURES]
GRID_COLUMNS = [
    Column("key", "网格编码", "Grid code", 18),
    Column("name", "网格名称", "Grid", 22),
    *_FIGURE_COLUMNS,
]
PERSON_COLUMNS = [
    Column("key", "用户名", "Username", 16),
    Column("name", "姓名", "Name", 12),
    Column("grids", "负责网格", "Grids", 20),
    *_FIGURE_COLUMNS[2:],  # visits due belong to grids
]
_SHEETS = {"grid": ("按网格", "By grid"), "person": ("按人员", "By person"),
           "info": ("导出说明", "About this export")}  # fmt: skip


def write_stats(ws: Workspace, stats: WorkStats, out: Path, *, lang: str = "zh_CN") -> Path:
    """Write `stats` to `out` (.xlsx) and audit-log the export; returns the path."""
    from openpyxl import Workbook

    zh = lang.startswith("zh")
    out = out.resolve()
    with atomic_path(out, durable=False) as tmp:
        wb = Workbook(write_only=True)
        try:
            _sheet(wb, _SHEETS["grid"][0 if zh else 1], GRID_COLUMNS, stats.by_grid, lang)
            _sheet(wb, _SHEETS["person"][0 if zh else 1], PERSON_COLUMNS, stats.by_worker, lang)
            _info(wb, ws, stats, zh)
        except BaseException:
            discard_workbook(wb)
            raise
        wb.save(tmp)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="work_stats",
            detail={
                "format": "xlsx",
                "scope": stats.scope,
                "from": stats.start.isoformat(),
                "to": stats.end.isoformat(),
                "grids": len(stats.by_grid),
                "people": len(stats.by_worker),
                "file": out.name,
            },
        )
    return out


def _sheet(wb: Any, title: str, columns: list[Column], lines: list[StatsLine], lang: str) -> None:
    sheet = _new_sheet(wb, title, columns, lang)
    for line in lines:
        values: dict[str, Any] = {
            "key": line.key,
            "name": line.name,
            "grids": "、".join(line.grids),
            **line.figures,
        }
        sheet.append([_value(sheet, values.get(c.key)) for c in columns])
    sheet.auto_filter.ref = f"A1:{get_letter(len(columns))}{len(lines) + 1}"


def _value(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    return value if isinstance(value, int) else xlsx_value(sheet, value)


def _info(wb: Any, ws: Workspace, stats: WorkStats, zh: bool) -> None:
    sheet = wb.create_sheet(title=_SHEETS["info"][0 if zh else 1])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    now = ws.now().astimezone(ws.calendar.zone).strftime("%Y-%m-%d %H:%M")
    name, user = ws.actor.display_name, ws.actor.username
    who = f"{name}（{user}）" if name and name != user else user
    scope = stats.scope or ("全部（您的管辖范围）" if zh else "all (your area)")
    if stats.scope_name:
        scope = f"{scope} {stats.scope_name}"
    rows: list[tuple[str, Any]] = [
        ("导出时间" if zh else "Exported at", now),
        ("导出人" if zh else "Exported by", who),
        ("范围" if zh else "Scope", scope),
        ("起始日期" if zh else "From", stats.start.isoformat()),
        ("截止日期" if zh else "To", stats.end.isoformat()),
        ("工作日" if zh else "Working days", stats.working_days),
        (
            "排序" if zh else "Order",
            "按网格编码、人员排列，不排名" if zh else "by grid code and person; no ranking",
        ),
    ]
    for label, value in rows:
        sheet.append([xlsx_value(sheet, label), _value(sheet, value)])
