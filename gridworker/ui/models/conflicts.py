"""The conflicts list (a table model over services.syncing.ConflictView) and the pieces of
the conflict screen that are not widgets: labels, value display, and turning the choices
made per field into calls of services.syncing.resolve_conflict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from gridworker.domain import enums
from gridworker.domain.calendar import default_calendar
from gridworker.domain.errors import FIELD_LABELS, WorkflowError
from gridworker.domain.masking import mask_id_number, mask_phone
from gridworker.services.syncing import ConflictView

Side = Literal["server", "local", "typed"]
SENSITIVE_PHONES = frozenset(
    {"phone", "emergency_phone", "building_head_phone", "responsible_phone"}
)

# Field labels the domain's FIELD_LABELS does not have (zh, en).
MORE_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "head_name": ("户主姓名", "Head of household"),
    "note": ("备注", "Note"),
    "economic_status": ("经济状况", "Economic situation"),
    "residence_type": ("居住类型", "Residence type"),
    "gender": ("性别", "Gender"),
    "birth_date": ("出生日期", "Birth date"),
    "ethnicity": ("民族", "Ethnicity"),
    "marital_status": ("婚姻状况", "Marital status"),
    "education": ("文化程度", "Education"),
    "occupation": ("职业", "Occupation"),
    "relationship": ("与户主关系", "Relationship to head"),
    "domicile": ("户籍地", "Domicile"),
    "emergency_contact": ("紧急联系人", "Emergency contact"),
    "health": ("健康状况", "Health"),
    "tag": ("人员标签", "Tag"),
    "start_date": ("开始日期", "Start date"),
    "end_date": ("结束日期", "End date"),
    "mode": ("走访方式", "Visit mode"),
    "people_met": ("见面人员", "People met"),
    "situation": ("走访情况", "Situation"),
    "co_visitor": ("陪同人员", "Co-visitor"),
    "visited_at": ("走访时间", "Visited at"),
    "category": ("类别", "Category"),
    "urgency": ("紧急程度", "Urgency"),
    "deadline": ("整改期限", "Deadline"),
    "measures": ("整改措施", "Measures"),
    "status": ("状态", "Status"),
    "danger_grade": ("危险性等级", "Danger grade"),
    "appraisal": ("鉴定结论", "Appraisal"),
    "premises_type": ("场所类型", "Premises type"),
    "responsible_person": ("责任人", "Responsible person"),
    "unit": ("单元", "Unit"),
    "floor": ("楼层", "Floor"),
    "use": ("房屋用途", "Use"),
    "owner_name": ("产权人", "Owner"),
    "occupant_name": ("居住人", "Occupant"),
    "floors_above": ("地上层数", "Floors above ground"),
    "floors_below": ("地下层数", "Floors below ground"),
    "built_year": ("建成年份", "Year built"),
    "deleted": ("记录状态", "Record"),
}

# Enum-valued fields, by (entity, field) first, then by field alone.
ENUM_FIELDS: dict[tuple[str | None, str], type[enums.LabeledEnum]] = {
    (None, "tag"): enums.TagKind,
    (None, "gender"): enums.Gender,
    (None, "relationship"): enums.Relationship,
    (None, "health"): enums.Health,
    (None, "economic_status"): enums.EconomicStatus,
    (None, "residence_type"): enums.ResidenceType,
    (None, "use"): enums.HouseUse,
    (None, "mode"): enums.VisitMode,
    (None, "urgency"): enums.Urgency,
    (None, "state"): enums.CaseState,
    (None, "danger_grade"): enums.DangerGrade,
    (None, "appraisal"): enums.Appraisal,
    (None, "premises_type"): enums.PremisesType,
    (None, "hotline_type"): enums.HotlineType,
    (None, "scale"): enums.CaseScale,
    (None, "source"): enums.CaseSource,
    (None, "close_basis"): enums.CloseBasis,
    ("rectification", "status"): enums.RectificationStatus,
    ("case", "category"): enums.CaseCategory,
    ("need", "category"): enums.NeedCategory,
    ("hazard_site", "kind"): enums.HazardKind,
    ("inspection", "kind"): enums.InspectionKind,
}


def entity_label(entity: str) -> str:
    labels = {
        "building": QCoreApplication.translate("Conflicts", "Building"),
        "house": QCoreApplication.translate("Conflicts", "House"),
        "household": QCoreApplication.translate("Conflicts", "Household"),
        "resident": QCoreApplication.translate("Conflicts", "Resident"),
        "resident_tag": QCoreApplication.translate("Conflicts", "Resident tag"),
        "visit": QCoreApplication.translate("Conflicts", "Visit"),
        "need": QCoreApplication.translate("Conflicts", "Need"),
        "hazard_site": QCoreApplication.translate("Conflicts", "Hazard site"),
        "inspection": QCoreApplication.translate("Conflicts", "Inspection"),
        "inspection_item": QCoreApplication.translate("Conflicts", "Inspection item"),
        "rectification": QCoreApplication.translate("Conflicts", "Rectification"),
        "case": QCoreApplication.translate("Conflicts", "Case"),
        "case_action": QCoreApplication.translate("Conflicts", "Case action"),
        "attachment": QCoreApplication.translate("Conflicts", "Attachment"),
    }
    return labels.get(entity, entity)


def kind_label(kind: str) -> str:
    labels = {
        "field": QCoreApplication.translate("Conflicts", "Field conflict"),
        "delete": QCoreApplication.translate("Conflicts", "Delete conflict"),
        "workflow": QCoreApplication.translate("Conflicts", "Workflow conflict"),
    }
    return labels.get(kind, kind)


def field_label(field: str, lang: str) -> str:
    zh, en = MORE_FIELD_LABELS.get(field) or FIELD_LABELS.get(field) or (field, field)
    return en if lang.lower().startswith("en") else zh


def extra(view: ConflictView, name: str) -> Any:
    """A ConflictView attribute that services.syncing does not provide yet (created_at,
    action, record_label): shown once it does, left out until then."""
    return getattr(view, name, None)


def moment_text(value: Any) -> str:
    """An ISO time (or datetime) in the calendar's zone, to the minute."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if not isinstance(value, datetime):
        return "—" if value is None else str(value)
    if value.tzinfo is not None:
        value = value.astimezone(default_calendar().zone)
    return f"{value:%Y-%m-%d %H:%M}"


def value_text(entity: str, field: str, value: Any, lang: str) -> str:
    """How a value of a conflict is shown: labels for codes, masks for ID numbers and phones."""
    if value is None or value == "":
        return QCoreApplication.translate("Conflicts", "(empty)")
    if field == "deleted":
        return (
            QCoreApplication.translate("Conflicts", "deleted")
            if value
            else QCoreApplication.translate("Conflicts", "not deleted")
        )
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("Conflicts", "yes")
            if value
            else QCoreApplication.translate("Conflicts", "no")
        )
    if field == "id_number":
        return mask_id_number(str(value))
    if field in SENSITIVE_PHONES:
        return mask_phone(str(value))
    enum = ENUM_FIELDS.get((entity, field)) or ENUM_FIELDS.get((None, field))
    if enum is not None:
        try:
            return enum.parse(str(value)).label(lang)
        except ValueError:
            return str(value)
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
        return moment_text(value)
    return str(value)


def side_text(info: dict[str, Any], side: str) -> str:
    """Who made one side of a conflict field: "This laptop" where this laptop made it,
    else the person, the laptop (its name, or the end of its id) and the time."""
    if info.get(f"{side}_mine"):
        return QCoreApplication.translate("Conflicts", "This laptop")
    parts = []
    author = info.get(f"{side}_author")
    if author:
        parts.append(str(author))
    laptop = info.get(f"{side}_device_name") or (
        f"…{str(info[f'{side}_device'])[-6:]}" if info.get(f"{side}_device") else ""
    )
    if laptop:
        parts.append(
            QCoreApplication.translate("Conflicts", "laptop %1").replace("%1", str(laptop))
        )
    if info.get(f"{side}_at"):
        parts.append(moment_text(info[f"{side}_at"]))
    return " · ".join(parts)


def has_mine(view: ConflictView) -> bool:
    """Whether this laptop made one side of any field of the conflict."""
    return any(f.get("server_mine") or f.get("local_mine") for f in view.fields)


def record_text(view: ConflictView) -> str:
    label = extra(view, "record_label")
    return f"{entity_label(view.entity)} · {label or view.record_id[-8:]}"


def status_text(view: ConflictView) -> str:
    if view.status != "open":
        return QCoreApplication.translate("Conflicts", "Resolved")
    return (
        QCoreApplication.translate("Conflicts", "Waiting for sync")
        if view.pending_resolution
        else QCoreApplication.translate("Conflicts", "Open")
    )


def action_text(view: ConflictView, lang: str) -> str:
    """The rejected workflow action: what, by whom, when (what the conflict carries)."""
    action = extra(view, "action") or {}
    code = action.get("action")
    try:
        what = enums.CaseActionKind.parse(str(code)).label(lang) if code else ""
    except ValueError:
        what = str(code)
    parts = [what or QCoreApplication.translate("Conflicts", "Your workflow action on this case")]
    if action.get("actor"):
        parts.append(
            QCoreApplication.translate("Conflicts", "by %1").replace("%1", str(action["actor"]))
        )
    if action.get("at"):
        parts.append(moment_text(action["at"]))
    if action.get("note"):
        parts.append(f"“{action['note']}”")
    return " · ".join(parts)


def reason_text(reject_code: str | None, lang: str) -> str:
    """Why the server refused the action, in words a grid worker can act on."""
    reasons = {
        "invalid_transition": QCoreApplication.translate(
            "Conflicts", "Someone acted on the case first: your action no longer applies."
        ),
        "forbidden_role": QCoreApplication.translate(
            "Conflicts", "Your role may not take this action."
        ),
        "photo_required": QCoreApplication.translate(
            "Conflicts", "This action needs a photo of the site."
        ),
    }
    if not reject_code:
        return QCoreApplication.translate("Conflicts", "The server did not say why.")
    if reject_code in reasons:
        return reasons[reject_code]
    message = WorkflowError(reject_code).message(lang)
    return reject_code if "{" in message else message


# --- choices per field -> resolve_conflict calls --------------------------------------


@dataclass(frozen=True)
class FieldChoice:
    field: str
    side: Side
    typed: str = ""


class ChoiceError(ValueError):
    """The choices cannot be sent as they are (the message is for the user)."""


def resolution_calls(
    view: ConflictView, choices: list[FieldChoice], lang: str = "zh_CN"
) -> list[dict[str, Any]]:
    """Keyword arguments of the resolve_conflict calls that carry out `choices`.

    All server → keep=server; all local → keep=local; otherwise one call per field that
    does not keep the server's value (the record already holds the server's values).
    """
    if view.kind == "workflow" or not choices or all(c.side == "server" for c in choices):
        return [{"keep": "server"}]
    if all(c.side == "local" for c in choices):
        return [{"keep": "local"}]
    local = {str(f["field"]): f.get("local") for f in view.fields}
    calls: list[dict[str, Any]] = []
    for choice in choices:
        if choice.side == "server":
            continue
        if choice.side == "local":
            calls.append({"field": choice.field, "value": local.get(choice.field)})
            continue
        typed = choice.typed.strip()
        if not typed:
            raise ChoiceError(
                QCoreApplication.translate(
                    "Conflicts", "Type the value for “%1”, or choose one side."
                ).replace("%1", field_label(choice.field, lang))
            )
        calls.append({"field": choice.field, "value": typed})
    return calls


# --- the list ------------------------------------------------------------------------


class ConflictsModel(QAbstractTableModel):
    """Open (or all) conflicts: record, grid, kind, created, status."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.views: list[ConflictView] = []

    def headers(self) -> list[str]:
        return [
            QCoreApplication.translate("Conflicts", "Record"),
            QCoreApplication.translate("Conflicts", "Grid"),
            QCoreApplication.translate("Conflicts", "Kind"),
            QCoreApplication.translate("Conflicts", "Created"),
            QCoreApplication.translate("Conflicts", "Status"),
        ]

    def set_views(self, views: list[ConflictView]) -> None:
        self.beginResetModel()
        self.views = list(views)
        self.endResetModel()

    def row_of(self, conflict_id: str) -> int:
        return next((n for n, v in enumerate(self.views) if v.id == conflict_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.views)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def cell(self, view: ConflictView, column: int) -> str:
        if column == 0:
            return record_text(view)
        if column == 1:
            return view.grid_code
        if column == 2:
            return kind_label(view.kind)
        if column == 3:
            created = extra(view, "created_at")
            return moment_text(created) if created is not None else "—"
        return status_text(view)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        view = self.views[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(view, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4:
            if view.status != "open":
                return QBrush(QColor("#15803d"))
            return QBrush(QColor("#b45309" if view.pending_resolution else "#b3261e"))
        if role == Qt.ItemDataRole.UserRole:
            return view.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None
