"""The dialog that registers a hazard site (its kind decides which facts it asks for)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from gridworker.domain.enums import Appraisal, DangerGrade, HazardKind, PremisesType
from gridworker.services import case_queries
from gridworker.ui.forms import error_label
from gridworker.ui.widgets import combo


class NewSiteDialog(QDialog):
    """Register a site: kind, name, address, premises type, or grade and appraisal.

    OK emits `submitted` with register_site's arguments; the dialog stays open until
    the screen has saved them (a refusal shows here).
    """

    submitted = Signal(dict)

    def __init__(
        self, grids: list[case_queries.Choice], lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New hazard site"))
        form = QFormLayout(self)
        self.grid = combo("grid", [(g.code, f"{g.code} {g.name}".strip()) for g in grids])
        self.kind = combo("kind", HazardKind.choices(lang))
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.premises = combo("premises_type", PremisesType.choices(lang), "—")
        self.grade = combo("danger_grade", DangerGrade.choices(lang), "—")
        self.appraisal = combo("appraisal", Appraisal.choices(lang), "—")
        self.person = QLineEdit()
        self.phone = QLineEdit()
        self.error = error_label("error")
        form.addRow(self.tr("Grid"), self.grid)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Premises type"), self.premises)
        form.addRow(self.tr("Danger grade"), self.grade)
        form.addRow(self.tr("Appraisal"), self.appraisal)
        form.addRow(self.tr("Responsible person"), self.person)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.error)
        self.name.setMinimumWidth(260)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        building = self.kind.currentData() == HazardKind.dangerous_building.code
        self.grade.setEnabled(building)
        self.appraisal.setEnabled(building)
        self.premises.setEnabled(not building)

    def _check(self) -> None:
        if not self.name.text().strip():
            self.error.setText(self.tr("Give the site a name"))
            return
        if self.kind.currentData() == HazardKind.dangerous_building.code and (
            self.grade.currentData() is None
        ):
            self.error.setText(self.tr("A dangerous building needs its grade (A–D)"))
            return
        self.error.setText("")
        self.submitted.emit(self.value())

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.inspections.register_site."""
        kind = HazardKind.parse(str(self.kind.currentData()))
        building = kind is HazardKind.dangerous_building
        grade, appraisal, premises = (
            self.grade.currentData(),
            self.appraisal.currentData(),
            self.premises.currentData(),
        )
        return {
            "grid_code": str(self.grid.currentData()),
            "kind": kind,
            "name": self.name.text().strip(),
            "address": self.address.text().strip() or None,
            "premises_type": PremisesType.parse(premises) if premises and not building else None,
            "danger_grade": DangerGrade.parse(grade) if grade and building else None,
            "appraisal": Appraisal.parse(appraisal) if appraisal and building else None,
            "responsible_person": self.person.text().strip() or None,
            "responsible_phone": self.phone.text().strip() or None,
        }
