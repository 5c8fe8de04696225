"""楼栋图: the user's buildings, and one of them laid out as floors × units; each flat is
coloured by its use (自住/出租/空置/经营) and marked for its households' care tags and
overdue visits; clicking a flat opens the 一户一档 of the household living there
(services/buildings.py, docs/design.md §12.1)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import HouseUse
from gridworker.services.access import may_write_entity
from gridworker.services.building_edit import building_values
from gridworker.services.building_import import BuildingImportReport, describe, import_buildings
from gridworker.services.buildings import (
    BuildingSummary,
    BuildingView,
    FlatCell,
    FlatHousehold,
    building_view,
    list_buildings,
    live_in,
    live_in_by_number,
)
from gridworker.services.household_detail import grid_choices
from gridworker.services.household_file import HouseholdFile, household_file
from gridworker.ui.dialogs.building_form import BuildingDialog, FlatDialog
from gridworker.ui.dialogs.household_file import HouseholdFileDialog
from gridworker.ui.forms import error_text, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

# Background by use; a flat whose use nobody wrote is white.
USE_COLORS = {
    HouseUse.own: "#dcfce7",
    HouseUse.rented: "#dbeafe",
    HouseUse.vacant: "#e5e7eb",
    HouseUse.business: "#fef3c7",
    HouseUse.other: "#f3e8ff",
    None: "#ffffff",
}
OVERDUE_BORDER = "#dc2626"
CARE_MARK = "♥"
LIVED_MARK = "●"  # a household is registered in the flat
FLAT_WIDTH = 84


class BuildingViewDialog(QDialog):
    """The buildings on the left, the chosen one's floors × units on the right."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.view: BuildingView | None = None
        self.buttons: dict[str, QPushButton] = {}  # flat id -> its button
        self.file_dialog: QDialog | None = None
        self.report_lines: list[str] = []
        self.note = ""  # what the last change said, kept when the building is shown again
        self.setWindowTitle(self.tr("Buildings"))
        self.resize(1180, 700)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setMinimumWidth(200)
        self.list.currentItemChanged.connect(self._picked)
        splitter.addWidget(self.list)
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        box.addWidget(self.title)
        box.addWidget(self.facts)
        box.addLayout(self._legend())
        self.flats_area = QScrollArea()
        self.flats_area.setWidgetResizable(True)
        self.grid_host = QWidget()
        self.flats_area.setWidget(self.grid_host)
        box.addWidget(self.flats_area, 1)
        splitter.addWidget(right)
        splitter.setSizes([230, 950])
        layout.addWidget(splitter, 1)
        self.status = hint_label()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.import_button = close.addButton(
            self.tr("Import buildings…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.clicked.connect(self.import_sheet)
        self.writes = may_write_entity(session.ws, "household")
        self.import_button.setVisible(self.writes)
        self.form_dialog: QDialog | None = None
        self.new_button = close.addButton(
            self.tr("New building…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.new_button.clicked.connect(self.new_building)
        self.edit_button = close.addButton(
            self.tr("Edit building…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.edit_button.clicked.connect(self.edit_building)
        self.flat_button = close.addButton(
            self.tr("Add flat…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.flat_button.clicked.connect(self.add_flat)
        self.new_button.setVisible(may_write_entity(session.ws, "building"))
        for button in (self.edit_button, self.flat_button):
            button.setVisible(may_write_entity(session.ws, "building"))
            button.setEnabled(False)  # until a building is shown
        layout.addWidget(close)
        self.load()

    def _legend(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for use in (HouseUse.own, HouseUse.rented, HouseUse.vacant, HouseUse.business, None):
            text = use.label(self.lang) if use else self.tr("Use not given")
            chip = QLabel(text)
            chip.setStyleSheet(
                f"background: {USE_COLORS[use]}; border: 1px solid #9ca3af; padding: 2px 8px;"
            )
            row.addWidget(chip)
        lived = QLabel(f"{LIVED_MARK} " + self.tr("household registered"))
        row.addWidget(lived)
        care = QLabel(f"{CARE_MARK} " + self.tr("care group"))
        overdue = QLabel(self.tr("red border: visit overdue"))
        overdue.setStyleSheet(f"color: {OVERDUE_BORDER};")
        row.addWidget(care)
        row.addWidget(overdue)
        row.addStretch(1)
        return row

    def import_sheet(self, path: Path | None = None) -> None:
        """导入楼栋表: a sheet of buildings and flats; the report is shown line by line."""
        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Import buildings"), "", self.tr("Spreadsheets (*.xlsx *.csv)")
            )
            if not name:
                return
            path = Path(name)
        ws, lang, chosen = self.session.ws, self.lang, path

        def done(report: BuildingImportReport) -> None:
            self.report_lines = describe(report, lang)
            self.status.setText("\n".join(self.report_lines))
            self.load()

        self.session.tasks.run_db(
            lambda _s: import_buildings(ws, chosen, lang=lang),
            done=done,
            failed=self._failed,
            changes=OpChanges(entities=frozenset({"building", "house", "household"})),
        )

    def load(self, select: str | None = None) -> None:
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: list_buildings(ws),
            done=lambda found: self._listed(found, select),
            failed=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))

    def _listed(self, found: list[BuildingSummary], select: str | None) -> None:
        self.list.clear()
        if not found:
            self.title.setText(self.tr("No building yet"))
            self.facts.setText(
                self.tr("Import a sheet of buildings and flats: gridworker import FILE --buildings")
            )
            return
        pick = 0
        for i, b in enumerate(found):
            item = QListWidgetItem(f"{b.estate_name}{b.building_no}\n{b.flats}" + self.tr(" flats"))
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            self.list.addItem(item)
            if b.id == select:
                pick = i
        self.list.setCurrentRow(pick)

    def _picked(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        self.show_building(str(item.data(Qt.ItemDataRole.UserRole)))

    def show_building(self, building_id: str) -> None:
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: building_view(ws, building_id), done=self._show, failed=self._failed
        )

    def _show(self, view: BuildingView) -> None:
        self.view = view
        self.edit_button.setEnabled(True)
        self.flat_button.setEnabled(True)
        self.title.setText(f"{view.estate_name}{view.building_no}")
        facts = [
            (self.tr("Grid"), view.grid_name or view.grid_code),
            (self.tr("Address"), view.address),
            (self.tr("Building head"), _joined(view.building_head, view.building_head_phone)),
            (self.tr("Unit heads"), view.unit_heads),
            (self.tr("Property company"), view.property_company),
        ]
        self.facts.setText("　".join(f"{k}：{v}" for k, v in facts if v))
        host = QWidget()
        grid = QGridLayout(host)
        grid.setSpacing(4)
        grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.buttons = {}
        for col, unit in enumerate(view.units, start=1):
            head = QLabel(view.unit_name(unit))
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            head.setStyleSheet("font-weight: 600;")
            grid.addWidget(head, 0, col)
        floors: list[int | None] = list(view.floors)
        if view.unplaced:
            floors.append(None)
        for row, floor in enumerate(floors, start=1):
            label = QLabel(self.tr("Floor %1").replace("%1", str(floor)) if floor is not None
                           else self.tr("Floor unknown"))  # fmt: skip
            grid.addWidget(label, row, 0)
            for col, unit in enumerate(view.units, start=1):
                cell = QWidget()
                line = QHBoxLayout(cell)
                line.setContentsMargins(0, 0, 0, 0)
                line.setSpacing(3)
                for flat in view.at(floor, unit):
                    line.addWidget(self._flat_button(flat))
                line.addStretch(1)
                grid.addWidget(cell, row, col)
        self.flats_area.setWidget(host)
        self.grid_host = host
        counts = {
            use: sum(1 for f in view.flats if f.use is use)
            for use in (HouseUse.own, HouseUse.rented, HouseUse.vacant, HouseUse.business)
        }
        summary = "、".join(f"{u.label(self.lang)} {n}" for u, n in counts.items() if n)
        lived = sum(len(f.households) for f in view.flats)
        self.status.setText(
            self.tr("%1 flats (%2), %3 households living in them")
            .replace("%1", str(len(view.flats)))
            .replace("%2", summary or "—")
            .replace("%3", str(lived))
            + (f"　{self.note}" if self.note else "")
        )
        self.note = ""

    def _flat_button(self, flat: FlatCell) -> QPushButton:
        marks = []
        if flat.care_tags:
            marks.append(CARE_MARK)
        if flat.days_overdue > 0:
            marks.append(self.tr("overdue %1d").replace("%1", str(flat.days_overdue)))
        number = f"{LIVED_MARK} {flat.number}" if flat.households else flat.number
        button = QPushButton(number + ("\n" + " ".join(marks) if marks else "\n "))
        button.setObjectName(f"flat_{flat.id}")
        button.setFixedWidth(FLAT_WIDTH)
        border = f"2px solid {OVERDUE_BORDER}" if flat.days_overdue > 0 else "1px solid #9ca3af"
        button.setStyleSheet(
            f"QPushButton {{ background: {USE_COLORS[flat.use]}; border: {border}; "
            "padding: 2px 2px; }"
        )
        button.setToolTip(self._tooltip(flat))
        button.clicked.connect(lambda _c=False, f=flat: self.open_flat(f))
        if self.writes:
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            button.customContextMenuRequested.connect(
                lambda _p, f=flat, btn=button: self.flat_menu(f).popup(
                    btn.mapToGlobal(btn.rect().bottomLeft())
                )
            )
        self.buttons[flat.id] = button
        return button

    def _tooltip(self, flat: FlatCell) -> str:
        lines = [
            f"{flat.number}  {flat.use.label(self.lang) if flat.use else self.tr('Use not given')}"
        ]
        if flat.area:
            lines.append(f"{flat.area:g} m²")
        for h in flat.households:
            lines.append(_household_text(h))
        if flat.care_tags:
            lines.append(CARE_MARK + " " + "、".join(t.label(self.lang) for t in flat.care_tags))
        if not flat.households:
            lines.append(self.tr("No household registered here"))
        return "\n".join(lines)

    def open_flat(self, flat: FlatCell) -> None:
        """The household's file; with several households, a menu to pick one."""
        if not flat.households:
            self.status.setText(
                self.tr("No household is registered in flat %1").replace("%1", flat.number)
            )
            return
        if len(flat.households) == 1:
            self.open_file(flat.households[0].id)
            return
        menu = QMenu(self)
        for h in flat.households:
            menu.addAction(_household_text(h), partial(self.open_file, h.id))
        button = self.buttons.get(flat.id)
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()) if button else self.pos())

    def flat_menu(self, flat: FlatCell) -> QMenu:
        """Right-click: register a household living here (by its 户号), or one as gone."""
        menu = QMenu(self)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.addAction(self.tr("A household lives here…"), partial(self.link_household, flat))
        for h in flat.households:
            text = self.tr("No longer lives here: %1").replace("%1", _household_text(h))
            menu.addAction(text, partial(self.unlink_household, h.id))
        return menu

    def link_household(self, flat: FlatCell, household_no: str | None = None) -> None:
        if household_no is None:
            household_no, ok = QInputDialog.getText(
                self,
                self.tr("A household lives here"),
                self.tr("Household no. of the household living in %1:").replace("%1", flat.number),
            )
            if not ok or not household_no.strip():
                return
        ws, number = self.session.ws, household_no
        self._write(lambda: live_in_by_number(ws, flat.id, number))

    def unlink_household(self, household_id: str) -> None:
        ws = self.session.ws
        self._write(lambda: live_in(ws, household_id, None))

    def _write(self, work: Callable[[], object]) -> None:
        shown = self.view.id if self.view else None

        def done(_result: object) -> None:
            self.note = self.tr("Saved; it syncs with the register.")
            self.status.setText(self.note)
            if shown:
                self.show_building(shown)

        self.session.tasks.run_db(
            lambda _s: work(),
            done=done,
            failed=self._failed,
            changes=OpChanges(entities=frozenset({"household"})),
        )

    # --- the building and flat forms (ui/dialogs/building_form.py) ----------------------

    def new_building(self) -> None:
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: grid_choices(ws),
            done=lambda grids: self._open_form(BuildingDialog(self.session, grids, self)),
            failed=self._failed,
        )

    def edit_building(self) -> None:
        if self.view is None:
            return
        ws, bid = self.session.ws, self.view.id

        def show(found: tuple[str, dict[str, object]]) -> None:
            dialog = BuildingDialog(self.session, [], self, building_id=bid, values=found[1])
            self._open_form(dialog)

        self.session.tasks.run_db(
            lambda _s: building_values(ws, bid), done=show, failed=self._failed
        )

    def add_flat(self) -> None:
        if self.view is None:
            return
        title = f"{self.view.estate_name}{self.view.building_no}"
        self._open_form(FlatDialog(self.session, self.view.id, title, self))

    def _open_form(self, dialog: BuildingDialog | FlatDialog) -> None:
        if isinstance(dialog, FlatDialog):
            shown = dialog.building_id
            dialog.saved.connect(lambda _id: self._form_saved(shown))
        else:
            dialog.saved.connect(self._form_saved)
        dialog.finished.connect(dialog.deleteLater)
        self.form_dialog = dialog
        dialog.open()

    def _form_saved(self, building_id: str) -> None:
        self.note = self.tr("Saved; it syncs with the register.")
        self.load(select=building_id)

    def open_file(self, household_id: str) -> None:
        ws = self.session.ws

        def show(data: HouseholdFile) -> None:
            dialog = HouseholdFileDialog(self.session, data, self)
            dialog.finished.connect(dialog.deleteLater)
            self.file_dialog = dialog
            dialog.open()

        self.session.tasks.run_db(
            lambda _s: household_file(ws, household_id), done=show, failed=self._failed
        )


def _joined(*parts: str | None) -> str | None:
    text = " ".join(p for p in parts if p)
    return text or None


def _household_text(h: FlatHousehold) -> str:
    return f"{h.household_no} {h.head_name or ''}".strip()
