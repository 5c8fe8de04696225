"""Hazards, declared (docs/design.md §2, §10): sites, inspections, their items and the
rectifications they open, with the rectification's own steps up to 销号."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Annotated, Any, Self

from gridworker.domain import declare as d
from gridworker.domain.declare import F, Group, entity
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
    Role,
)
from gridworker.domain.errors import BiText, ValidationError, WorkflowError
from gridworker.domain.permissions import Cap, may
from gridworker.domain.record import Record


@entity("hazard_site", "隐患点位", "Hazard site", group=Group.hazards, label_field="name")
@dataclass(frozen=True, slots=True, kw_only=True)
class HazardSite(Record):
    kind: Annotated[HazardKind, F("隐患类型", "Kind", index=True)]
    name: Annotated[str, d.text("名称", "Name", 100)]
    address: Annotated[str | None, d.text("地址", "Address", 200)] = None
    building_id: Annotated[str | None, d.ref("building", "所属楼栋", "Building")] = None
    premises_type: Annotated[PremisesType | None, F("场所类型", "Premises type")] = None
    danger_grade: Annotated[DangerGrade | None, F("危险性等级", "Danger grade")] = None
    appraisal: Annotated[Appraisal | None, F("鉴定结论", "Appraisal")] = None
    appraised_on: Annotated[date | None, F("鉴定日期", "Appraised on")] = None
    responsible_person: Annotated[
        str | None, d.text("责任人", "Responsible person", 50, sensitive=True)
    ] = None
    responsible_phone: Annotated[str | None, d.phone("责任人电话", "Responsible person phone")] = (
        None
    )
    lat: Annotated[float | None, d.latitude()] = None
    lon: Annotated[float | None, d.longitude()] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """A dangerous building must have its JGJ 125 grade."""
        if self.kind is HazardKind.dangerous_building and self.danger_grade is None:
            raise ValidationError("danger_grade_required", field="danger_grade")
        return {}


@entity(
    "inspection",
    "检查",
    "Inspection",
    group=Group.hazards,
    plural=("隐患排查", "Inspections"),
    export="inspections",
    append_only=True,
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Inspection(Record):
    site_id: Annotated[str, d.ref("hazard_site", "场所编号", "Site id", index=True)]
    template_code: Annotated[str, d.code("检查表", "Checklist", 64)]
    template_version: Annotated[int, F("检查表版本", "Checklist version")]
    kind: Annotated[InspectionKind, F("检查类型", "Kind")]
    inspector: Annotated[str, d.code("检查人", "Inspector", 64)]
    # The display name at the time (shown instead of the login; older records have none).
    inspector_name: Annotated[str | None, d.text("检查人姓名", "Inspector's name", 64)] = None
    inspected_at: Annotated[datetime, F("检查时间", "Inspected at", index=True)]
    result: Annotated[InspectionResult | None, F("检查结果", "Result")] = None
    note: Annotated[str | None, d.text("备注", "Note")] = None
    rectification_id: Annotated[
        str | None, d.ref("rectification", "整改单编号", "Rectification id", export=False)
    ] = None
    # The task this inspection answers (任务下发, docs/design.md §23).
    task_id: Annotated[str | None, d.ref("task", "任务编号", "Task id", export=False)] = None

    def own_rules(self, today: date | None = None) -> dict[str, Any]:
        """A re-inspection names the rectification it checks."""
        if self.kind is InspectionKind.reinspection and self.rectification_id is None:
            raise ValidationError("rectification_required", field="rectification_id")
        if self.template_version < 1:
            raise ValidationError("out_of_range", field="template_version")
        return {}


@entity("inspection_item", "检查项", "Inspection item", group=Group.hazards, append_only=True)
@dataclass(frozen=True, slots=True, kw_only=True)
class InspectionItem(Record):
    inspection_id: Annotated[str, d.ref("inspection", "检查编号", "Inspection id", index=True)]
    item_code: Annotated[str, d.code("检查项", "Item", 64)]
    answer: Annotated[ItemAnswer, F("检查结论", "Answer")]
    value: Annotated[str | None, d.text("数值", "Value", 100)] = None
    note: Annotated[str | None, d.text("备注", "Note")] = None


_CLOSE_OUT = BiText("销号", "close out")


@entity(
    "rectification",
    "整改",
    "Rectification",
    group=Group.hazards,
    plural=("整改", "Rectifications"),
    export="rectifications",
    label_field="description",
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Rectification(Record):
    """A failed item to fix by a deadline: open → done → verified → closed (销号)."""

    site_id: Annotated[str, d.ref("hazard_site", "场所编号", "Site id", index=True)]
    inspection_id: Annotated[str, d.ref("inspection", "检查编号", "Inspection id", export=False)]
    item_code: Annotated[str | None, d.code("检查项", "Item", 64)] = None
    description: Annotated[str, d.text("隐患描述", "Description")]
    measures: Annotated[str | None, d.text("整改措施", "Measures")] = None
    deadline: Annotated[date, F("整改期限", "Deadline", index=True)]
    status: Annotated[RectificationStatus, F("状态", "Status")] = RectificationStatus.open
    done_at: Annotated[datetime | None, F("整改完成时间", "Done at", export=False)] = None
    verified_at: Annotated[datetime | None, F("复查时间", "Verified at", export=False)] = None
    verified_by: Annotated[str | None, d.code("复查人", "Verified by", 64, export=False)] = None
    closed_at: Annotated[datetime | None, F("销号时间", "Closed at")] = None
    closed_by: Annotated[str | None, d.code("销号人", "Closed by", 64, export=False)] = None
    close_basis: Annotated[CloseBasis | None, F("销号依据", "Close-out basis")] = None

    def is_overdue(self, today: date) -> bool:
        """Past its deadline and not yet fixed (done or later counts as fixed in time)."""
        return self.status is RectificationStatus.open and today > self.deadline

    def mark_done(self, *, at: datetime) -> Self:
        """The owner reports the item fixed; a re-inspection must confirm it."""
        if self.status is not RectificationStatus.open:
            raise WorkflowError("rectification_not_open", field="status")
        return replace(self, status=RectificationStatus.done, done_at=at)

    def apply_reinspection(self, inspection: Inspection) -> Self:
        """A passed re-inspection verifies the fix; a failed one reopens the item."""
        if self.status is not RectificationStatus.done:
            raise WorkflowError("rectification_not_done", field="status")
        if (
            inspection.kind is not InspectionKind.reinspection
            or inspection.rectification_id != self.id
            or inspection.site_id != self.site_id
        ):
            raise WorkflowError("reinspection_mismatch", field="inspection_id")
        if inspection.result is None:
            raise WorkflowError("reinspection_no_result", field="result")
        if inspection.result is InspectionResult.pass_:
            return replace(
                self,
                status=RectificationStatus.verified,
                verified_at=inspection.inspected_at,
                verified_by=inspection.inspector,
            )
        return replace(self, status=RectificationStatus.open, done_at=None)

    def close(self, *, basis: CloseBasis | None, by: str, role: Role, at: datetime) -> Self:
        """销号 by whom the role table allows (a supervisor). A passed re-inspection closes
        a verified item; a 解危证明 or the demolition closes it from any earlier status."""
        if self.status is RectificationStatus.closed:
            raise WorkflowError("already_closed", field="status")
        if not may(role, Cap.close_out):
            raise WorkflowError("forbidden_role", field="closed_by", action=_CLOSE_OUT)
        if basis is None:
            raise WorkflowError("close_basis_required", field="close_basis")
        if basis is CloseBasis.verification and self.status is not RectificationStatus.verified:
            raise WorkflowError("rectification_not_verified", field="close_basis")
        return replace(
            self, status=RectificationStatus.closed, closed_at=at, closed_by=by, close_basis=basis
        )


# The fields only a 销号 sets (a rectification's status becoming `closed` is one).
CLOSE_OUT_FIELDS = frozenset({"closed_at", "closed_by", "close_basis"})
