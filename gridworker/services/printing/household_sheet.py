"""一户一档 on paper: the household, its members (with their standing and tags) and its
whole record in time order (services/household_file.py), numbers masked, audit-logged."""

from __future__ import annotations

from pathlib import Path

from gridworker.services.household_file import FileMember, household_file
from gridworker.services.printing.case_sheet import ZH, grid_label, printed_by
from gridworker.services.workspace import Workspace


def _member_row(m: FileMember) -> list[str]:
    tags = []
    for t in m.tags:
        start = t.start.isoformat() if t.start else ""
        end = t.end.isoformat() if t.end else ""
        tags.append(t.tag.zh + (f"（{start}—{end}）" if start or end else ""))
    return [
        m.name,
        m.gender.label(ZH) if m.gender else "",
        m.relationship.label(ZH) if m.relationship else "",
        m.id_masked or "",
        m.phone_masked or "",
        m.life_status.label(ZH) if m.life_status else "在册",
        "、".join(tags),
    ]


def print_household(ws: Workspace, household_id: str, out: Path) -> Path:
    """Write the 一户一档 of a household to `out` (PDF) and audit-log it; returns the path.

    Raises ServiceError for a missing household, FontNotFound without a Chinese font.
    """
    from gridworker.services.printing.sheet import Sheet

    f = household_file(ws, household_id)
    doc = Sheet(title=f"一户一档 {f.address}", footer_note=printed_by(ws))
    doc.heading("一户一档", f"户号：{f.household_no}")
    doc.fields(
        [
            ("地址", f.address),
            ("所属网格", grid_label(ws, f.grid_code)),
            ("户号", f.household_no),
            ("房屋", f.flat or ""),
            ("户主", f.head_name or ""),
            ("联系电话", f.phone_masked or ""),
            ("经济状况", f.economic_status.label(ZH) if f.economic_status else ""),
            ("居住类型", f.residence_type.label(ZH) if f.residence_type else ""),
            ("备注", f.note or ""),
        ],
        wide=("地址", "所属网格", "房屋", "备注"),
    )
    doc.section("家庭成员")
    if f.members:
        departed = frozenset(
            n
            for n, m in enumerate(f.members)
            if m.life_status is not None and not m.life_status.active
        )
        doc.grid(
            ["姓名", "性别", "与户主关系", "身份证号码", "联系电话", "状态", "人员标签"],
            [_member_row(m) for m in f.members],
            (22, 12, 22, 38, 26, 18, 42),
            warn_rows=departed,
        )
    else:
        doc.paragraph("（尚无登记成员）")
    doc.section("档案记录（按时间）")
    if f.entries:
        doc.grid(
            ["时间", "类别", "内容", "登记人 / 走访人"],
            [[e.at, e.kind, e.text, e.who] for e in f.entries],
            (30, 20, 104, 26),
        )
    else:
        doc.paragraph("（尚无记录）")
    path = doc.save(out)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="household",
            record_id=household_id,
            detail={"format": "pdf", "file": path.name},
        )
    return path
