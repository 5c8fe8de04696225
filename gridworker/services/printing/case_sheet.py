"""事件处置单: one case on paper, with its whole handling history, for the file or a signature."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from gridworker.services.case_queries import (
    CaseDetail,
    TimelineEntry,
    case_detail,
    photo_thumbnails,
    subcategory_label,
)
from gridworker.services.workspace import Workspace
from gridworker.storage.models import GridRow

PHOTO_PIXELS = 480  # thumbnails at about 300 dpi for a 40 mm print
ZH = "zh_CN"


def local(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def grid_label(ws: Workspace, grid_code: str) -> str:
    with ws.read() as s:
        grid = s.get(GridRow, grid_code)
    return f"{grid.name}（{grid_code}）" if grid is not None and grid.name else grid_code


def printed_by(ws: Workspace) -> str:
    zone = ws.calendar.zone
    who = ws.actor.display_name or ws.actor.username
    return f"GridWorker 网格通 · 打印人：{who} · 打印时间：{local(ws.now(), zone)}"


def _timeline_row(n: int, entry: TimelineEntry, zone: tzinfo) -> list[str]:
    change = ""
    if entry.from_state is not None:
        to = entry.to_state.label(ZH) if entry.to_state is not None else "未生效"
        change = f"{entry.from_state.label(ZH)} → {to}"
    notes = []
    if entry.department:
        notes.append(f"派往：{entry.department}")
    if entry.new_deadline is not None:
        notes.append(f"新期限：{local(entry.new_deadline, zone)}")
    if entry.note:
        notes.append(entry.note)
    if entry.rejected:
        notes.append("（该操作未被受理）")
    who = f"{entry.actor}（{entry.actor_role.label(ZH)}）"
    return [str(n), local(entry.at, zone), who, entry.action.label(ZH), change, "；".join(notes)]


def _flags(detail: CaseDetail) -> str:
    flags = []
    if detail.item.confidential:
        flags.append("保密")
    if detail.item.escalated:
        flags.append("已升级至区")
    if detail.extension_pending:
        flags.append("延期申请中")
    return "、".join(flags)


def print_case(ws: Workspace, case_id: str, out: Path) -> Path:
    """Write the 事件处置单 of a case to `out` (PDF) and audit-log it; returns the path.

    Raises ServiceError for a missing case, FontNotFound without a Chinese font.
    """
    from gridworker.services.printing.sheet import Sheet

    detail = case_detail(ws, case_id)
    item, zone = detail.item, ws.calendar.zone
    sub = subcategory_label(item.category, item.subcategory, ZH)
    countdown = item.countdown
    doc = Sheet(title=f"事件处置单 {item.title}", footer_note=printed_by(ws))
    doc.heading("事件处置单", f"事件编号：{item.case_no or '待编号（同步后由服务器生成）'}")
    doc.fields(
        [
            ("事件标题", item.title),
            ("事件类别", f"{item.category.label(ZH)}{' / ' + sub if sub else ''}"),
            ("紧急程度", item.urgency.label(ZH)),
            ("事件来源", detail.source.label(ZH)),
            ("当前状态", item.state.label(ZH)),
            ("所属网格", grid_label(ws, item.grid_code)),
            ("事件地点", item.address or ""),
            ("上报人", item.reporter),
            ("上报时间", local(item.reported_at, zone)),
            ("办理期限", local(countdown.deadline_at, zone)),
            ("时限状态", countdown.status.label(ZH) if countdown.status is not None else ""),
            ("处置部门", detail.department or ""),
            ("标记", _flags(detail)),
            ("记录编号", item.id),
        ],
        wide=("事件标题", "所属网格", "事件地点"),
    )
    doc.section("事件描述")
    doc.paragraph(detail.description or "（无）")
    doc.section("处置过程")
    if detail.timeline:
        doc.grid(
            ["序号", "时间", "办理人", "操作", "状态变化", "意见 / 说明"],
            [_timeline_row(n, e, zone) for n, e in enumerate(detail.timeline, start=1)],
            (11, 30, 36, 18, 33, 52),
            warn_rows=frozenset(n for n, e in enumerate(detail.timeline) if e.rejected),
        )
    else:
        doc.paragraph("尚未上报，无处置记录。")
    photos = [(p.png, p.caption or "") for p in photo_thumbnails(ws, case_id, size=PHOTO_PIXELS)]
    pictures = [(png, caption) for png, caption in photos if png is not None]
    if pictures:
        doc.section("现场照片")
        doc.photos(pictures)
    doc.signatures(["上报人（签字）", "处置部门（签章）", "核查人（签字）", "结案审核（签字）"])
    path = doc.save(out)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="case",
            record_id=case_id,
            detail={"format": "pdf", "file": path.name},
        )
    return path
