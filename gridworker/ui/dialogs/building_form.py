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
from gridworker.services.building_edit import (
    FORM_FIELDS,
    KEY_FIELDS,
    add_building,
    building_by_key,
    building_values,
    edit_building,
)
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
        if editing:
            self._fix_key()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        # Said when a new building's key turns out to be one the grid has (_open_existing).
        self.notice = hint_label("")
        self.notice.setObjectName("notice")
        self.notice.hide()
        layout.addWidget(self.notice)
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

    def _fix_key(self) -> None:
        for key in KEY_FIELDS:
            box = self.fields.widgets[key]
            if isinstance(box, QLineEdit):
                # The key names the record (docs/design.md §12.1): shown, not changed.
                box.setReadOnly(True)
                box.setToolTip(self.tr("The estate and number identify the building."))

    def accept(self) -> None:
        if not self.form.check_all():
            return
        values = self.fields.values()
        ws, bid = self.session.ws, self.building_id
        if bid is None:
            grid = str(self.grid.currentData() or "")

            def work() -> Any:
                # 3号楼 when 3栋 is there: open that one rather than refuse (§12.1).
                found = building_by_key(ws, grid, values)
                if found is not None:
                    return ("existing", found, building_values(ws, found)[1], values)
                return ("added", add_building(ws, grid, values), None, None)

        else:
            changed = {k: v for k, v in values.items() if v != self.baseline.get(k)}

            def work() -> Any:
                edit_building(ws, bid, changed)
                return ("edited", bid, None, None)

        self.submit(
            self.session.tasks, _beside_field(work), changes=BUILDING_CHANGES, done=self._saved
        )

    def _saved(self, result: tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]) -> None:
        how, building_id, stored, typed = result
        if how == "existing" and stored is not None and typed is not None:
            self._open_existing(building_id, stored, typed)
            return
        self.saved.emit(building_id)
        self.accept_saved()

    def _open_existing(
        self, building_id: str, stored: dict[str, Any], typed: dict[str, Any]
    ) -> None:
        """The form becomes the edit of the building the typed key names: its stored
        values, with what the person typed laid over the fields they filled, unsaved until
        they press Save (nothing is overwritten without them seeing it)."""
        self.building_id = building_id
        self.baseline = {k: v for k, v in stored.items() if k in FORM_FIELDS}
        merged = dict(self.baseline)
        merged.update(
            {k: v for k, v in typed.items() if k not in KEY_FIELDS and v not in (None, "")}
        )
        with self.guard.quiet():
            self.fields.restore(merged)
        self.grid.setEnabled(False)
        self._fix_key()
        self.setWindowTitle(self.tr("Edit building"))
        name = f"{stored.get('estate_name') or ''}{stored.get('building_no') or ''}"
        changed = [k for k in FORM_FIELDS if merged.get(k) != self.baseline.get(k)]
        self.notice.setText(
            self.tr(
                "The grid already has building %1: the form now shows it, with what you "
                "typed in the fields you filled. Save to update it."
            ).replace("%1", name)
            if changed
            else self.tr("The grid already has building %1: the form now shows it.").replace(
                "%1", name
            )
        )
        self.notice.show()
        if changed:
            self.guard.mark()
        else:
            self.guard.mark_clean()


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
