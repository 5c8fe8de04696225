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
from gridworker.domain import life_enums as enums_life
from gridworker.domain.calendar import default_calendar
from gridworker.domain.declare import Mask, field_decl
from gridworker.domain.declare import find as find_entity
from gridworker.domain.enums_field import TaskActionKind
from gridworker.domain.errors import WorkflowError
from gridworker.domain.errors import field_label as domain_field_label
from gridworker.domain.masking import mask_kind, mask_value
from gridworker.services.syncing import ConflictView
from gridworker.ui.i18n import current_language

Side = Literal["server", "local", "typed"]


def entity_label(entity: str) -> str:
    """A kind of record in the app's language, as its declaration names it."""
    decl = find_entity(entity)
    return decl.label(current_language()) if decl is not None else entity


def kind_label(kind: str) -> str:
    labels = {
        "field": QCoreApplication.translate("Conflicts", "Field conflict"),
        "delete": QCoreApplication.translate("Conflicts", "Delete conflict"),
        "workflow": QCoreApplication.translate("Conflicts", "Workflow conflict"),
    }
    return labels.get(kind, kind)


def field_label(field: str, lang: str, entity: str | None = None) -> str:
    """A field's label as its declaration gives it (domain.declare); without the entity,
    the label every entity declaring the name agrees on, or a neutral one."""
    declared = field_decl(entity, field) if entity is not None else None
    return declared.label(lang) if declared is not None else domain_field_label(field, lang)


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


# A visit met a person another laptop recorded as moved out or dead (server/departures.py).
VISITED_AFTER_DEPARTURE = "visited_after_departure"


def value_text(entity: str, field: str, value: Any, lang: str) -> str:
    """How a value of a conflict is shown: labels for codes, masks for ID numbers and phones."""
    if entity == "resident" and field == "life_status" and value in (None, ""):
        return QCoreApplication.translate("Conflicts", "in the register")  # None: 在册
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
    if mask_kind(entity, field) in (Mask.id_number, Mask.phone):
        return str(mask_value(entity, field, value))
    declared = field_decl(entity, field)
    enum = declared.enum if declared is not None else None
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
    # A task's action (docs/design.md §23) or a case's.
    kinds = TaskActionKind if "task_id" in action else enums.CaseActionKind
    try:
        what = kinds.parse(str(code)).label(lang) if code else ""
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


def departure_text(action: dict[str, Any] | None, lang: str) -> str:
    """What a visit-after-departure conflict is about (its `action` names the visit and the
    event), and what each choice means."""
    action = action or {}
    try:
        kind = enums_life.LifeEventKind.parse(str(action.get("event_kind"))).label(lang)
    except ValueError:
        kind = str(action.get("event_kind") or "")
    try:
        mode = enums.VisitMode.parse(str(action.get("visit_mode"))).label(lang)
    except ValueError:
        mode = str(action.get("visit_mode") or "")
    visitor = action.get("visitor_name") or action.get("visitor") or "?"
    text = QCoreApplication.translate(
        "Conflicts",
        "A visit (%1, %2 by %3) met this person on or after the day %4 recorded their %5 "
        "(%6). Keep the server's value to confirm the %5 (the visit stays in the household's "
        "file), or choose “in the register” to put the person back.",
    )
    for key, value in (
        ("%1", moment_text(action.get("visited_at"))),
        ("%2", mode),
        ("%3", visitor),
        ("%4", action.get("recorded_by") or "?"),
        ("%5", kind),
        ("%6", action.get("event_date") or "?"),
    ):
        text = text.replace(key, str(value))
    return text


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
        "task_invalid_transition": QCoreApplication.translate(
            "Conflicts", "Someone acted on the task first: your action no longer applies."
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
