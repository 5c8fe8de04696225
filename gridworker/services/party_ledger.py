"""The party-building ledger (党建台账, docs/design.md §22.9): one .xlsx for a scope and
month, with the dashboard's figures per area and in total (汇总), each adviser's month
(指导员月度), the reported members with their month's service (报到党员, names and phones
masked unless `unmasked`), the needs list's month (需求清单) and a 导出说明 sheet; and the
printable monthly report (月报) as a PDF. Both are audit-logged like every export, and
both are for the roles that see party membership and may export (supervisors, the admin).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, or_, select

from gridworker.domain.atomic import atomic_path
from gridworker.domain.masking import mask_name, mask_phone
from gridworker.domain.permissions import Cap, may
from gridworker.domain.records_party import GuidanceKind
from gridworker.services.party import require_party
from gridworker.services.party_dashboard import FIGURES, PartyBoard, figure, party_board
from gridworker.services.party_report import parse_month
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import CoopNeedRow, PartyMemberRow, PartyServiceRow

ZH = "zh_CN"


def _require(ws: Workspace) -> None:
    require_party(ws)
    if not may(ws.actor.role, Cap.bulk_export):
        raise ServiceError("role_no_bulk_export")


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    for n, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[n - 1] or "")) for r in rows[:500]])
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = min(40, 2 + width * 1.6)


def _figure_row(name: str, report: dict[str, Any]) -> list[Any]:
    return [name, *(figure(report, key) for key, _zh, _en in FIGURES)]


def write_party_ledger(
    ws: Workspace,
    out: Path,
    *,
    scope: str | None = None,
    month: str | None = None,
    unmasked: bool = False,
) -> Path:
    """Write the 党建台账 workbook to `out` and audit-log it; returns the path."""
    _require(ws)
    board = party_board(ws, scope=scope, month=month)
    span = parse_month(board.month, ws.today())
    prefix = board.scope or ""
    with ws.read() as s:
        hours = {
            member: (int(n), float(h or 0))
            for member, n, h in s.execute(
                select(PartyServiceRow.member_id, func.count(), func.sum(PartyServiceRow.hours))
                .where(
                    PartyServiceRow.deleted.is_(False),
                    PartyServiceRow.grid_code.startswith(prefix, autoescape=True),
                    PartyServiceRow.served_on >= span.first,
                    PartyServiceRow.served_on <= span.last,
                )
                .group_by(PartyServiceRow.member_id)
            )
        }
        members = s.scalars(
            select(PartyMemberRow)
            .where(
                PartyMemberRow.deleted.is_(False),
                PartyMemberRow.grid_code.startswith(prefix, autoescape=True),
                PartyMemberRow.reported_on <= span.last,
                or_(PartyMemberRow.left_on.is_(None), PartyMemberRow.left_on >= span.first),
            )
            .order_by(PartyMemberRow.grid_code, PartyMemberRow.name)
        ).all()
        member_rows = [
            [
                m.grid_code,
                m.name if unmasked else mask_name(m.name),
                m.work_unit,
                m.unit_party_org or "",
                m.reported_on.isoformat(),
                (m.phone if unmasked else mask_phone(m.phone)) or "",
                m.skills or "",
                *hours.get(m.id, (0, 0.0)),
            ]
            for m in members
        ]
        dated = [CoopNeedRow.listed_on, CoopNeedRow.claimed_on, CoopNeedRow.done_on]
        needs = s.scalars(
            select(CoopNeedRow)
            .where(
                CoopNeedRow.deleted.is_(False),
                CoopNeedRow.grid_code.startswith(prefix, autoescape=True),
                or_(*(d.between(span.first, span.last) for d in dated)),
            )
            .order_by(CoopNeedRow.grid_code, CoopNeedRow.listed_on)
        ).all()
        need_rows = [
            [
                n.grid_code,
                n.summary,
                n.kind.label(ZH),
                n.status.label(ZH),
                n.listed_on.isoformat(),
                n.claimed_on.isoformat() if n.claimed_on else "",
                n.done_on.isoformat() if n.done_on else "",
            ]
            for n in needs
        ]
    book = Workbook()
    book.remove(book.active)
    labels = [zh for _key, zh, _en in FIGURES]
    summary = [_figure_row(a.name, a.report) for a in board.areas]
    summary.append(
        _figure_row(f"合计（{board.scope_name or board.scope or '全部'}）", board.totals)
    )
    _sheet(book, "汇总", ["区域", *labels], summary)
    _sheet(book, "指导员月度", _adviser_headers(), [_adviser_row(a) for a in board.advisers])
    _sheet(
        book,
        "报到党员",
        ["网格编码", "姓名", "工作单位", "单位党组织", "报到日期", "联系电话", "特长"]
        + ["本月服务次数", "本月服务时长（小时）"],
        member_rows,
    )
    _sheet(
        book,
        "需求清单",
        ["网格编码", "需求", "类型", "状态", "发布日期", "认领日期", "完成日期"],
        need_rows,
    )
    _sheet(
        book,
        "导出说明",
        ["项目", "内容"],
        [
            ["导出人", f"{ws.actor.display_name or ws.actor.username}（{ws.actor.username}）"],
            ["导出时间", ws.now().astimezone(ws.zone).strftime("%Y-%m-%d %H:%M")],
            ["范围", f"{board.scope_name} {board.scope or '全部'}".strip()],
            ["月份", board.month],
            ["姓名和电话", "未脱敏" if unmasked else "已脱敏"],
        ],
    )
    out = out.resolve()
    with atomic_path(out, durable=False) as tmp:
        book.save(str(tmp))
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="party_ledger",
            record_id=board.scope or "",
            detail={
                "format": "xlsx",
                "file": out.name,
                "month": board.month,
                "members": len(member_rows),
                "masked": not unmasked,
            },
        )
    return out


_KINDS = (GuidanceKind.meeting, GuidanceKind.yard_meeting, GuidanceKind.problem)


def _adviser_headers() -> list[str]:
    return ["指导员", "账号", "驻点网格", "指导记录", *(k.zh for k in _KINDS), "参加人数"] + [
        "关联走访和事件"
    ]


def _adviser_row(a: Any) -> list[Any]:
    return [
        a.name,
        a.adviser,
        a.grids,
        a.guidance,
        *(a.by_kind.get(k, 0) for k in _KINDS),
        a.attendees,
        a.taken_up,
    ]


def print_party_report(
    ws: Workspace, out: Path, *, scope: str | None = None, month: str | None = None
) -> Path:
    """Write the printable monthly report (党建引领网格化治理月报, PDF) and audit-log it."""
    from gridworker.services.printing.case_sheet import printed_by
    from gridworker.services.printing.sheet import Sheet

    _require(ws)
    board: PartyBoard = party_board(ws, scope=scope, month=month)
    where = board.scope_name or board.scope or "全部"
    doc = Sheet(title=f"党建引领网格化治理月报 {where} {board.month}", footer_note=printed_by(ws))
    doc.heading("党建引领网格化治理月报", f"{where} · {board.month}")
    doc.section("主要指标")
    doc.fields([(zh, _shown(figure(board.totals, key))) for key, zh, _en in FIGURES])
    shown = (
        *("organizations", "advisers", "guidance_records", "reported_members"),
        *("service_hours", "needs.done", "activities", "points_exchanged"),
    )
    heads = [zh for key, zh, _en in FIGURES if key in shown]
    doc.section("分区域情况")
    doc.grid(
        ["区域", *heads],
        [[a.name, *(_shown(figure(a.report, key)) for key in shown)] for a in board.areas],
        (34, *([146 / len(heads)] * len(heads))),
    )
    doc.section("党建指导员工作情况")
    if board.advisers:
        doc.grid(
            _adviser_headers(),
            [[str(v) for v in _adviser_row(a)] for a in board.advisers],
            (22, 24, 16, 16, 18, 16, 18, 18, 32),
        )
    else:
        doc.paragraph("本月本范围内没有驻点党建指导员。")
    doc.signatures(["填报人（签字）", "街道党工委（签章）"])
    path = doc.save(out)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="party_report",
            record_id=board.scope or "",
            detail={"format": "pdf", "file": path.name, "month": board.month},
        )
    return path


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
