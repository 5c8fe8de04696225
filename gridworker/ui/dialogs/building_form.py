"""楼栋 and 房屋 forms of the 楼栋图 (services/building_edit.py, services/buildings.py):
add or edit one building (小区, 楼栋号, address, floors, units, property company, 楼栋长,
单元长 …) and add a flat to the building shown. The rows come from the declarations and
are checked beside each field; the unsaved-changes guard asks before edits are lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from gridworker.domain.errors import ValidationError
from gridworker.services.building_edit import FORM_FIELDS, add_building, edit_building
from gridworker.services.buildings import add_flat
from gridworker.services.workspace import ServiceError
from gridworker.ui.declared_fields import DeclaredFields
from gridworker.ui.forms import GuardedDialog, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

BUILDING_CHANGES = OpChanges(frozenset({"building", "house"}))
FLAT_FIELDS = ("unit", "number", "floor", "use", "area", "house_type", "owner_name",
               "occupant_name")  # fmt: skip


def _beside_field(work: Callable[[], Any]) -> Callable[[Any], Any]:
    """A service's refusal that names a field of the form, said beside that field."""

    def run(_s: Any) -> Any:
        try:
            return work()
        except ServiceError as exc:
            if exc.field is None:
                raise
            params: dict[str, Any] = dict(exc.params)
            raise ValidationError(exc.code, field=exc.field, **params) from exc

    return run


class BuildingDialog(GuardedDialog):
    """Add a building (`building_id` None: in one of `grids`) or edit one (`values`: its
    current form values); `saved` carries its id."""

    saved = Signal(str)

    def __init__(
        self,
        session: AppSession,
        grids: list[tuple[str, str | None]],
        parent: QWidget | None = None,
        *,
        building_id: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.building_id = session, building_id
        self.lang = current_language()
        self.baseline = {k: v for k, v in (values or {}).items() if k in FORM_FIELDS}
        editing = building_id is not None
        self.setWindowTitle(self.tr("Edit building") if editing else self.tr("New building"))
        self.setMinimumWidth(640)
        self.grid = QComboBox()
        self.grid.setObjectName("grid")
        for code, name in grids:
            self.grid.addItem(f"{name} {code}" if name else code, code)
        self.fields = DeclaredFields("building", self.lang, names=FORM_FIELDS)
        if not editing:
            self.form.add("grid_code", self.tr("Grid"), self.grid)
        self.fields.add_to(self.form)
        for key in ("estate_name", "building_no"):
            box = self.fields.widgets[key]
            if editing and isinstance(box, QLineEdit):
                # The key names the record (docs/design.md §12.1): shown, not changed.
                box.setReadOnly(True)
                box.setToolTip(self.tr("The estate and number identify the building."))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(
            hint_label(
                self.tr("单元长: one per unit, e.g. “1单元 李建国；2单元 王芳”.")
                if not editing
                else self.tr(
                    "Only the fields you change are saved and synced. To correct the estate "
                    "or number, add the right building and delete this one."
                )
            )
        )
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Save")))
        with self.guard.quiet():
            self.fields.restore(self.baseline)
        self.guard.watch(self.grid, *self.fields.widgets.values())
        self.guard.mark_clean()

    def accept(self) -> None:
        if not self.form.check_all():
            return
        values = self.fields.values()
        ws, bid = self.session.ws, self.building_id
        if bid is None:
            grid = str(self.grid.currentData() or "")
            work: Callable[[], Any] = lambda: add_building(ws, grid, values)  # noqa: E731
        else:
            changed = {k: v for k, v in values.items() if v != self.baseline.get(k)}
            work = lambda: (edit_building(ws, bid, changed), bid)[1]  # noqa: E731
        self.submit(
            self.session.tasks, _beside_field(work), changes=BUILDING_CHANGES, done=self._saved
        )

    def _saved(self, building_id: str) -> None:
        self.saved.emit(building_id)
        self.accept_saved()


class FlatDialog(GuardedDialog):
    """Add a flat to the building `building_id` (`title`: how the building is named);
    `saved` carries the flat's id."""

    saved = Signal(str)

    def __init__(
        self,
        session: AppSession,
        building_id: str,
        title: str,
        parent: QWidget | None = None,
        *,
        unit: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.building_id = session, building_id
        self.lang = current_language()
        self.setWindowTitle(self.tr("Add flat") + f" · {title}")
        self.setMinimumWidth(560)
        self.fields = DeclaredFields("house", self.lang, names=FLAT_FIELDS)
        self.fields.add_to(self.form)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(
            hint_label(self.tr("The floor follows from the number when left empty (1502: 15)."))
        )
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("Add")))
        if unit:
            with self.guard.quiet():
                self.fields.restore({"unit": unit})
        self.guard.watch(*self.fields.widgets.values())
        self.guard.mark_clean()

    def accept(self) -> None:
        if not self.form.check_all():
            return
        values = {k: v for k, v in self.fields.values().items() if v is not None}
        unit, number = values.pop("unit", None), values.pop("number")
        ws, bid = self.session.ws, self.building_id
        self.submit(
            self.session.tasks,
            _beside_field(lambda: add_flat(ws, bid, unit, number, **values)),
            changes=BUILDING_CHANGES,
            done=self._saved,
        )

    def _saved(self, flat_id: str) -> None:
        self.saved.emit(flat_id)
        self.accept_saved()
