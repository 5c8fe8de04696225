"""Cases, declared (docs/design.md §2, §5): the case, its workflow actions and the files
attached to any record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    CaseScale,
    CaseSource,
    CaseState,
    DisputeType,
    HazardType,
    HotlineType,
    LabeledEnum,
    Role,
    Urgency,
)
from gridworker.domain.errors import ValidationError
from gridworker.domain.record import Record
from gridworker.domain.validation import validate_text

_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_TITLE_LENGTH = 200


def _workflow(zh: str, en: str, **more: Any) -> F:
    """A case field set only by applying workflow actions (docs/design.md §5)."""
    return F(zh, en, command=True, **more)


@entity(
    "case",
    "事件",
    "Case",
    group=Group.cases,
    plural=("事件", "Cases"),
    export="cases",
    label_field="title",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Case(Record):
    """A reported matter (事件). ``state`` and the other command fields change only
    through workflow.apply_action. ``suspended_seconds`` is working time spent
    suspended (挂账) before the current suspension, in seconds."""

    title: Annotated[str, d.text("事件标题", "Title", MAX_TITLE_LENGTH)]
    description: Annotated[str | None, d.text("描述", "Description", export=False)] = None
    category: Annotated[CaseCategory, F("事件类别", "Category", index=True)]
    subcategory: Annotated[str | None, d.code("子类别", "Subcategory", 8, export=False)] = None
    hotline_type: Annotated[HotlineType | None, F("工单类型", "Work-order type", export=False)] = (
        None
    )
    urgency: Annotated[Urgency, F("紧急程度", "Urgency")]
    scale: Annotated[CaseScale | None, F("事件规模", "Scale", export=False)] = None
    source: Annotated[CaseSource, F("来源", "Source")]
    state: Annotated[CaseState, _workflow("状态", "State", index=True)] = CaseState.draft
    reported_at: Annotated[datetime | None, _workflow("上报时间", "Reported at", index=True)] = None
    deadline_at: Annotated[datetime | None, _workflow("办理期限", "Deadline")] = None
    reporter: Annotated[str, d.code("上报人", "Reporter", 64)]
    # The display name at the time (shown instead of the login; older records have none).
    reporter_name: Annotated[str | None, d.text("上报人姓名", "Reporter's name", 64)] = None
    address: Annotated[str | None, d.text("地点", "Place", 200)] = None
    lat: Annotated[float | None, d.latitude(export=False)] = None
    lon: Annotated[float | None, d.longitude(export=False)] = None
    confidential: Annotated[bool, F("保密", "Confidential", export=False)] = False
    department_id: Annotated[
        str | None, _workflow("处置部门", "Department", size=36, export=False)
    ] = None
    escalated: Annotated[bool, _workflow("已升级", "Escalated", export=False)] = False
    extension_pending: Annotated[bool, _workflow("延期待批", "Extension pending", export=False)] = (
        False
    )
    suspended_at: Annotated[
        datetime | None, _workflow("挂账时间", "Suspended at", export=False)
    ] = None
    suspended_seconds: Annotated[
        int, _workflow("挂账时长（秒）", "Suspended (seconds)", export=False)
    ] = 0
    need_id: Annotated[str | None, d.ref("need", "来源需求", "Need", export=False)] = None
    # 360302-20261207-0012: given by the server at the case's first push (server/case_numbers).
    case_no: Annotated[str | None, _workflow("事件编号", "Case no.", size=24, index=True)] = None

    @property
    def is_open(self) -> bool:
        """Reported and neither closed nor cancelled."""
        return self.state.is_open

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """A dispute or hazard subcategory is stored as its GB/T 31000
        code, and a 12345 case needs its work-order type (its deadline depends on it)."""
        validate_text(self.title, field="title", required=True, max_length=MAX_TITLE_LENGTH)
        if self.source is CaseSource.hotline and self.hotline_type is None:
            raise ValidationError("hotline_type_required", field="hotline_type")
        sub = self.subcategory
        table: type[LabeledEnum] | None = {
            CaseCategory.dispute: DisputeType,
            CaseCategory.hazard: HazardType,
        }.get(self.category)
        if sub is not None and table is not None:
            try:
                sub = table.parse(sub).code
            except ValueError:
                raise ValidationError("invalid_value", field="subcategory", value=sub) from None
        return {"subcategory": sub} if sub != self.subcategory else {}


@entity(
    "case_action",
    "事件办理记录",
    "Case action",
    group=Group.workflow,
    append_only=True,
    command=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class CaseAction(Record):
    """One workflow step, append-only. from/to states are filled when it is applied."""

    case_id: Annotated[str, d.ref("case", "事件编号", "Case id", index=True)]
    action: Annotated[CaseActionKind, F("操作", "Action")]
    actor: Annotated[str, d.code("操作人", "Actor", 64)]
    actor_name: Annotated[str | None, d.text("操作人姓名", "Actor's name", 64)] = None
    actor_role: Annotated[Role, F("操作人角色", "Actor's role")]
    at: Annotated[datetime, F("操作时间", "At")]
    note: Annotated[str | None, d.text("备注", "Note")] = None
    department_id: Annotated[str | None, d.code("部门", "Department", 36)] = None
    new_deadline: Annotated[datetime | None, F("新的办理期限", "New deadline")] = None
    from_state: Annotated[CaseState | None, F("原状态", "From state")] = None
    to_state: Annotated[CaseState | None, F("新状态", "To state")] = None
    rejected: Annotated[bool, F("未被采纳", "Rejected")] = False
    reject_code: Annotated[str | None, d.code("未采纳原因", "Reject code", 32)] = None


@entity("attachment", "附件", "Attachment", group=Group.files)
@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment(Record):
    """A photo or document; the bytes travel separately, addressed by SHA-256."""

    owner_entity: Annotated[str, d.code("所属记录类型", "Owner kind", 32)]
    owner_id: Annotated[str, d.code("所属记录编号", "Owner id", 36, index=True)]
    sha256: Annotated[str, d.code("文件摘要", "SHA-256", 64, index=True)]
    mime: Annotated[str, d.code("文件类型", "File type", 64)]
    size: Annotated[int, F("文件大小", "File size")]
    caption: Annotated[str | None, d.text("说明", "Caption", 200)] = None
    is_evidence: Annotated[bool, F("作为证据", "Evidence")] = False
    taken_at: Annotated[datetime | None, F("拍摄时间", "Taken at")] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """The hash is 64 lower-case hex digits, the owner a known entity."""
        digest = self.sha256.lower()
        if not _SHA256.fullmatch(digest):
            raise ValidationError("sha256_format", field="sha256")
        if d.find(self.owner_entity) is None:
            raise ValidationError(
                "invalid_value", field="owner_entity", value=self.owner_entity
            )
        if "/" not in self.mime:
            raise ValidationError("invalid_value", field="mime", value=self.mime)
        return {"sha256": digest, "mime": self.mime.lower()}
