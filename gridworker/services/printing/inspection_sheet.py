"""隐患排查记录: one inspection on paper — the site, every checklist item with its answer,
the failed items, the rectifications they opened, photos and the lines to sign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from gridworker.domain import checklists
from gridworker.domain.checklists import ChecklistItem, ChecklistTemplate
from gridworker.domain.enums import (
    Appraisal,
    CloseBasis,
    DangerGrade,
    HazardKind,
    InspectionKind,
    InspectionResult,
    ItemAnswer,
    PremisesType,
    RectificationStatus,
)
from gridworker.domain.errors import noun
from gridworker.domain.masking import mask_phone
from gridworker.services import checklist_store
from gridworker.services.case_queries import photo_thumbnails
from gridworker.services.inspections import template_for
from gridworker.services.printing.case_sheet import PHOTO_PIXELS, ZH, grid_label, local, printed_by
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    HazardSiteRow,
    InspectionItemRow,
    InspectionRow,
    RectificationRow,
)


@dataclass(frozen=True)
class _Answer:
    id: str
    answer: ItemAnswer
    value: str | None
    note: str | None


@dataclass(frozen=True)
class _Rect:
    item_code: str | None
    description: str
    measures: str | None
    deadline: str
    status: RectificationStatus
    closed: str
    close_basis: CloseBasis | None


@dataclass(frozen=True)
class _Inspection:
    grid_code: str
    site_name: str
    site_address: str | None
    site_kind: HazardKind | None
    premises: PremisesType | None
    grade: DangerGrade | None
    appraisal: Appraisal | None
    responsible: str | None
    responsible_phone: str | None
    template_code: str
    template_version: int
    kind: InspectionKind
    inspector: str
    inspected_at: datetime
    result: InspectionResult | None
    note: str | None
    answers: dict[str, _Answer]
    rectifications: list[_Rect]
    reinspects: str | None  # the description of the rectification this re-inspection checks


def _load(ws: Workspace, inspection_id: str) -> _Inspection:
    zone = ws.calendar.zone
    with ws.read() as s:
        row = s.get(InspectionRow, inspection_id)
        if row is None or row.deleted:
            raise ServiceError("record_missing", what=noun("inspection"))
        site = s.get(HazardSiteRow, row.site_id)
        answers = {
            a.item_code: _Answer(a.id, a.answer, a.value, a.note)
            for a in s.scalars(
                select(InspectionItemRow).where(
                    InspectionItemRow.inspection_id == inspection_id,
                    InspectionItemRow.deleted.is_(False),
                )
            )
        }
        rects = [
            _Rect(
                r.item_code,
                r.description,
                r.measures,
                r.deadline.isoformat(),
                r.status,
                f"{local(r.closed_at, zone)} {r.closed_by or ''}".strip(),
                r.close_basis,
            )
            for r in s.scalars(
                select(RectificationRow)
                .where(
                    RectificationRow.inspection_id == inspection_id,
                    RectificationRow.deleted.is_(False),
                )
                .order_by(RectificationRow.deadline, RectificationRow.id)
            )
        ]
        checked = s.get(RectificationRow, row.rectification_id) if row.rectification_id else None
        return _Inspection(
            grid_code=row.grid_code,
            site_name=site.name if site else "（场所已删除）",
            site_address=site.address if site else None,
            site_kind=site.kind if site else None,
            premises=site.premises_type if site else None,
            grade=site.danger_grade if site else None,
            appraisal=site.appraisal if site else None,
            responsible=site.responsible_person if site else None,
            responsible_phone=site.responsible_phone if site else None,
            template_code=row.template_code,
            template_version=row.template_version,
            kind=row.kind,
            inspector=row.inspector_name or row.inspector,
            inspected_at=row.inspected_at,
            result=row.result,
            note=row.note,
            answers=answers,
            rectifications=rects,
            reinspects=checked.description if checked is not None else None,
        )


def _template(ws: Workspace, data: _Inspection) -> ChecklistTemplate | None:
    """The template version the inspection was answered against, shipped or published
    (docs/design.md §25); else the kind's newest."""
    try:
        return checklist_store.get_template(ws, data.template_code, data.template_version)
    except checklists.ChecklistError:
        return template_for(data.site_kind, ws) if data.site_kind is not None else None


def _result_text(item: ChecklistItem | None, answer: _Answer | None) -> str:
    if answer is None:
        return "未检查"
    text = answer.answer.label(ZH)
    if answer.value:
        unit = checklists.label(item.unit, ZH) if item is not None and item.unit else ""
        text = f"{answer.value}{unit}（{text}）"
    return text


def _checklist_rows(
    data: _Inspection, template: ChecklistTemplate | None
) -> tuple[list[list[str]], frozenset[int], frozenset[int], list[tuple[str, ChecklistItem | None]]]:
    """Rows for every item (section bands between), red rows, band rows, failed items."""
    rows: list[list[str]] = []
    warn: set[int] = set()
    bands: set[int] = set()
    failed: list[tuple[str, ChecklistItem | None]] = []
    seen: set[str] = set()
    premises = data.premises.value if data.premises else None
    grade = data.grade.value if data.grade else None
    number = 0

    def add(code: str, text: str, item: ChecklistItem | None) -> None:
        nonlocal number
        number += 1
        answer = data.answers.get(code)
        note = answer.note if answer is not None and answer.note else ""
        if answer is not None and answer.answer is ItemAnswer.fail:
            warn.add(len(rows))
            failed.append((code, item))
            if item is not None and item.major:
                note = f"【重大隐患】{note}"
        rows.append([str(number), text, _result_text(item, answer), note])

    for section in template.sections if template is not None else ():
        items = [i for i in section.items if i.code in data.answers or i.applies(premises, grade)]
        if not items:
            continue
        bands.add(len(rows))
        rows.append([checklists.label(section.title, ZH), "", "", ""])
        for item in items:
            seen.add(item.code)
            add(item.code, checklists.label(item.text, ZH), item)
    for code in sorted(set(data.answers) - seen):  # answered items the template no longer has
        add(code, code, None)
    return rows, frozenset(warn), frozenset(bands), failed


def _site_type(data: _Inspection) -> str:
    parts = [data.site_kind.label(ZH) if data.site_kind else ""]
    if data.premises is not None:
        parts.append(data.premises.label(ZH))
    if data.grade is not None:
        parts.append(f"{data.grade.label(ZH)}")
    if data.appraisal is not None:
        parts.append(data.appraisal.label(ZH))
    return " / ".join(p for p in parts if p)


def print_inspection(ws: Workspace, inspection_id: str, out: Path) -> Path:
    """Write the 隐患排查记录 of an inspection to `out` (PDF) and audit-log it.

    The responsible person's phone is masked. Raises ServiceError for a missing
    inspection, FontNotFound without a Chinese font.
    """
    from gridworker.services.printing.sheet import Sheet

    data = _load(ws, inspection_id)
    zone = ws.calendar.zone
    template = _template(ws, data)
    title = checklists.label(template.title, ZH) if template is not None else data.template_code
    doc = Sheet(title=f"隐患排查记录 {data.site_name}", footer_note=printed_by(ws))
    doc.heading("隐患排查记录", title)
    phone = mask_phone(data.responsible_phone) if data.responsible_phone else ""
    doc.fields(
        [
            ("场所名称", data.site_name),
            ("场所地址", data.site_address or ""),
            ("所属网格", grid_label(ws, data.grid_code)),
            ("场所类型", _site_type(data)),
            ("责任人", f"{data.responsible or ''} {phone}".strip()),
            ("检查表", f"{title}（第 {data.template_version} 版）"),
            ("检查类型", data.kind.label(ZH)),
            ("检查人", data.inspector),
            ("检查时间", local(data.inspected_at, zone)),
            ("检查结果", data.result.label(ZH) if data.result else ""),
            ("复查整改项", data.reinspects or ""),
        ],
        wide=("场所名称", "场所地址", "所属网格", "检查表", "复查整改项"),
    )
    rows, warn, bands, failed = _checklist_rows(data, template)
    doc.section("检查项目")
    doc.grid(
        ["序号", "检查项目", "检查结果", "说明"],
        rows,
        (12, 96, 30, 42),
        warn_rows=warn,
        band_rows=bands,
    )
    doc.section(f"不合格项（{len(failed)} 项）")
    if failed:
        doc.paragraph(
            "\n".join(
                f"{n}. {checklists.label(item.text, ZH) if item else code}"
                + ("（重大隐患）" if item is not None and item.major else "")
                for n, (code, item) in enumerate(failed, start=1)
            )
        )
    else:
        doc.paragraph("无")
    if data.rectifications:
        doc.section("整改要求")
        doc.grid(
            ["隐患描述", "整改措施", "整改期限", "状态", "销号"],
            [
                [
                    r.description,
                    r.measures or "",
                    r.deadline,
                    r.status.label(ZH),
                    f"{r.close_basis.label(ZH)} {r.closed}".strip() if r.close_basis else r.closed,
                ]
                for r in data.rectifications
            ],
            (56, 44, 24, 26, 30),
        )
    if data.note:
        doc.section("备注")
        doc.paragraph(data.note)
    owners = [inspection_id] + [a.id for a in data.answers.values()]
    pictures = [
        (p.png, p.caption or "")
        for owner in owners
        for p in photo_thumbnails(ws, owner, size=PHOTO_PIXELS)
        if p.png is not None
    ]
    if pictures:
        doc.section("现场照片")
        doc.photos(pictures)
    doc.signatures(["检查人（签字）", "被检查单位负责人（签字）"])
    path = doc.save(out)
    with ws.write() as s:
        ws.audit(
            s,
            "export",
            entity="inspection",
            record_id=inspection_id,
            detail={"format": "pdf", "file": path.name},
        )
    return path
