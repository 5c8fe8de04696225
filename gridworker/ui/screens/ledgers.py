"""台账: the Excel ledger for a scope and a period, and printable inspection records.

The supervisor picks the kinds of records, a street, community or grid, and the
period; masked is the default, unmasked asks first (and the export's audit row
says so). The workbook is written in the background with progress and Cancel
(services.ledgers.write_ledger). Below, the inspections of the same scope and
period: pick one and print its 隐患排查记录 to PDF (ui.widgets.printing).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.ledgers import (
    LEDGER_KINDS,
    InspectionChoice,
    LedgerCancelled,
    LedgerResult,
    ScopeChoice,
    list_inspections,
    scope_choices,
    write_ledger,
)
from gridworker.ui.forms import empty_hint, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskState
from gridworker.ui.widgets.printing import ask_save_path, save_inspection_pdf

STYLE = """
QLabel#ledger_result { background: #ecfdf3; color: #14532d; padding: 6px 10px;
    border-radius: 4px; }
QLabel#ledger_result[failed="true"] { background: #fdecea; color: #8c1d18; }
QPushButton#export_ledger, QPushButton#print_inspection { background: #2f6ea5; color: white;
    padding: 5px 18px; border-radius: 4px; }
QPushButton#export_ledger:disabled, QPushButton#print_inspection:disabled {
    background: #9ca3af; }
"""


def _kind_titles() -> dict[str, str]:
    # Literal translate() calls, so that lupdate finds the strings.
    return {
        "cases": QCoreApplication.translate("Ledgers", "Cases"),
        "inspections": QCoreApplication.translate("Ledgers", "Inspections"),
        "rectifications": QCoreApplication.translate("Ledgers", "Rectifications"),
        "visits": QCoreApplication.translate("Ledgers", "Visits"),
        "residents": QCoreApplication.translate("Ledgers", "Residents"),
        "life_events": QCoreApplication.translate("Ledgers", "Life events"),
    }


class LedgersScreen(Screen):
    """Excel ledgers and printable inspection records for the supervisor and the admin."""

    watches = frozenset({"case", "inspection", "rectification", "visit", "resident"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setStyleSheet(STYLE)
        self.scopes: list[ScopeChoice] = []
        self.inspections: list[InspectionChoice] = []
        self.running: TaskState | None = None
        self.last_result: LedgerResult | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Ledgers")))
        layout.addWidget(self._build_filters())
        layout.addWidget(self._build_export())
        layout.addWidget(self._build_inspections(), 1)

    def title(self) -> str:
        return self.tr("Ledgers")

    # --- building -------------------------------------------------------------------

    def _build_filters(self) -> QGroupBox:
        box = QGroupBox(self.tr("Scope and period"))
        form = QFormLayout(box)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        self.scope.setMinimumWidth(340)
        self.scope.addItem(self.tr("All my area"), "")
        # This month up to and including today, on the district's calendar (the laptop's
        # own date may still be yesterday there: a ledger would leave today's work out).
        day = self.session.ws.today()
        today = QDate(day.year, day.month, day.day)
        self.start = QDateEdit(QDate(today.year(), today.month(), 1))
        self.end = QDateEdit(today)
        for edit, name in ((self.start, "date_from"), (self.end, "date_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.whole_period = QCheckBox(self.tr("Everything, whatever the date"))
        self.whole_period.setObjectName("whole_period")
        self.whole_period.toggled.connect(self._period_toggled)
        period = QHBoxLayout()
        period.addWidget(self.start)
        period.addWidget(QLabel("—"))
        period.addWidget(self.end)
        period.addWidget(self.whole_period)
        period.addStretch(1)
        form.addRow(self.tr("Scope"), self.scope)
        form.addRow(self.tr("Period"), period)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh_inspections())
        self.start.dateChanged.connect(lambda _d: self.refresh_inspections())
        self.end.dateChanged.connect(lambda _d: self.refresh_inspections())
        return box

    def _build_export(self) -> QGroupBox:
        box = QGroupBox(self.tr("Excel ledger (.xlsx)"))
        column = QVBoxLayout(box)
        kinds = QHBoxLayout()
        kinds.addWidget(QLabel(self.tr("Sheets:")))
        self.kind_boxes: dict[str, QCheckBox] = {}
        for kind, text in _kind_titles().items():
            check = QCheckBox(text)
            check.setObjectName(f"kind_{kind}")
            check.setChecked(True)
            self.kind_boxes[kind] = check
            kinds.addWidget(check)
        kinds.addStretch(1)
        column.addLayout(kinds)
        privacy = QHBoxLayout()
        privacy.addWidget(QLabel(self.tr("ID numbers and phones:")))
        self.masked = QRadioButton(self.tr("Masked (recommended)"))
        self.masked.setObjectName("masked")
        self.masked.setChecked(True)
        self.unmasked = QRadioButton(self.tr("In full (asks first; logged)"))
        self.unmasked.setObjectName("unmasked")
        privacy.addWidget(self.masked)
        privacy.addWidget(self.unmasked)
        privacy.addStretch(1)
        column.addLayout(privacy)
        actions = QHBoxLayout()
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.setObjectName("export_ledger")
        self.export_button.clicked.connect(self.export)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(240)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel_export")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton(self.tr("Open folder"))
        self.open_button.setObjectName("open_folder")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self._open_folder)
        for widget in (self.export_button, self.progress, self.cancel_button, self.open_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        column.addLayout(actions)
        self.result = QLabel()
        self.result.setObjectName("ledger_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setVisible(False)
        column.addWidget(self.result)
        return box

    def _build_inspections(self) -> QGroupBox:
        box = QGroupBox(self.tr("Inspection records (PDF)"))
        column = QVBoxLayout(box)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("inspections")
        empty_hint(self.table, self.tr("No inspection in this scope and period."))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Inspected"),
                self.tr("Site"),
                self.tr("Checklist"),
                self.tr("Result"),
                self.tr("Failed items"),
                self.tr("Grid"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.print_selected())
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print inspection record (PDF)…"))
        self.print_button.setObjectName("print_inspection")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_selected)
        self.print_note = QLabel()
        self.print_note.setObjectName("print_note")
        self.print_note.setWordWrap(True)
        row.addWidget(self.print_button)
        row.addWidget(self.print_note, 1)
        column.addLayout(row)
        return box

    # --- state ----------------------------------------------------------------------

    def _period_toggled(self, everything: bool) -> None:
        self.start.setEnabled(not everything)
        self.end.setEnabled(not everything)
        self.refresh_inspections()

    def period(self) -> tuple[date | None, date | None]:
        if self.whole_period.isChecked():
            return None, None
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def scope_code(self) -> str | None:
        return str(self.scope.currentData() or "") or None

    def chosen_kinds(self) -> list[str]:
        return [k for k in LEDGER_KINDS if self.kind_boxes[k].isChecked()]

    def apply_grid_filter(self, grid_code: str | None) -> None:
        index = self.scope.findData(grid_code or "")
        if index >= 0:
            self.scope.setCurrentIndex(index)

    def refresh(self) -> None:
        ws = self.session.ws
        self.session.tasks.run_db(lambda _s: scope_choices(ws), done=self._show_scopes)

    def _show_scopes(self, choices: list[ScopeChoice]) -> None:
        current = self.scope_code() or self.session.grid_filter
        self.scopes = choices
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(self.tr("All my area"), "")
        levels = {"street": "", "community": "    ", "grid": "        "}
        for choice in choices:
            label = f"{levels[choice.level]}{choice.name or choice.code}"
            if choice.name:
                label += f"（{choice.code}）"
            self.scope.addItem(label, choice.code)
        index = self.scope.findData(current or "")
        self.scope.setCurrentIndex(max(index, 0))
        self.scope.blockSignals(False)
        self.refresh_inspections()

    def refresh_inspections(self) -> None:
        if self.session.locked:
            return
        ws, scope = self.session.ws, self.scope_code()
        start, end = self.period()
        if start is not None and end is not None and end < start:
            return
        self.session.tasks.run_db(
            lambda _s: list_inspections(ws, scope=scope, start=start, end=end),
            done=self._show_inspections,
        )

    def _show_inspections(self, items: list[InspectionChoice]) -> None:
        lang, zone = current_language(), self.session.zone
        self.inspections = items
        self.table.setRowCount(len(items))
        for n, item in enumerate(items):
            cells = [
                item.inspected_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                item.site_name,
                item.template,
                item.result.label(lang) if item.result is not None else "",
                str(item.failed_items),
                item.grid_code,
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.failed_items and col in (3, 4):
                    cell.setForeground(Qt.GlobalColor.red)
                self.table.setItem(n, col, cell)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.print_button.setEnabled(self.selected_inspection() is not None)

    def selected_inspection(self) -> InspectionChoice | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.inspections):
            return None
        return self.inspections[rows[0].row()]

    def select(self, inspection_id: str) -> None:
        """Select an inspection in the list (navigation from another screen)."""
        for n, item in enumerate(self.inspections):
            if item.id == inspection_id:
                self.table.selectRow(n)
                return

    # --- exporting --------------------------------------------------------------------

    def export(self) -> None:
        kinds = self.chosen_kinds()
        start, end = self.period()
        if not kinds:
            self._fail(self.tr("Choose at least one sheet."))
            return
        if start is not None and end is not None and end < start:
            self._fail(self.tr("The period ends before it starts."))
            return
        unmasked = self.unmasked.isChecked()
        if unmasked and not self._confirm_unmasked():
            return
        scope = self.scope_code()
        parts = ["台账", scope or "", f"{start:%Y%m%d}-{end:%Y%m%d}" if start and end else ""]
        name = "_".join(p for p in parts if p) + ".xlsx"
        path = ask_save_path(self, self.tr("Save ledger"), name, self.tr("Excel files (*.xlsx)"))
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        ws, lang = self.session.ws, current_language()

        def work(state: TaskState) -> LedgerResult:
            return write_ledger(
                ws,
                path,
                kinds=kinds,
                scope=scope,
                start=start,
                end=end,
                unmasked=unmasked,
                lang=lang,
                progress=state.report,
                cancelled=state.cancelled,
            )

        self._busy(True)
        self.result.setVisible(False)
        self.running = self.session.tasks.run_db(
            work, done=self._exported, failed=self._export_failed, progress=self._progressed
        )

    def _confirm_unmasked(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Export in full?"),
            self.tr(
                "The ledger will hold full ID numbers and phone numbers. Keep the file "
                "safe and delete it when done. The export is recorded in the audit log. "
                "Continue?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def cancel(self) -> None:
        if self.running is not None:
            self.running.cancel()

    def _busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.cancel_button.setVisible(busy)
        if busy:
            self.open_button.setVisible(False)

    def _progressed(self, fraction: float, _message: str) -> None:
        self.progress.setValue(int(fraction * 100))

    def _exported(self, result: LedgerResult) -> None:
        self.running = None
        self.last_result = result
        self._busy(False)
        titles = _kind_titles()
        counts = "，".join(
            self.tr("%1 %2").replace("%1", titles[k]).replace("%2", str(n))
            for k, n in result.counts.items()
        )
        privacy = self.tr("masked") if result.masked else self.tr("in full, logged")
        text = self.tr("Saved %1 (%2): %3").replace("%1", str(result.path))
        self._say(text.replace("%2", privacy).replace("%3", counts), failed=False)
        self.open_button.setVisible(True)

    def _export_failed(self, exc: BaseException) -> None:
        self.running = None
        self._busy(False)
        if isinstance(exc, LedgerCancelled):
            self._fail(self.tr("The export was cancelled; no file was written."))
        else:
            self._fail(error_text(exc))

    def _fail(self, text: str) -> None:
        self._say(text, failed=True)

    def _say(self, text: str, *, failed: bool) -> None:
        self.result.setText(text)
        self.result.setProperty("failed", failed)
        self.result.style().unpolish(self.result)  # the colour follows the property
        self.result.style().polish(self.result)
        self.result.setVisible(True)

    def _open_folder(self) -> None:
        if self.last_result is not None:
            folder = self.last_result.path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --- printing ---------------------------------------------------------------------

    def print_selected(self) -> None:
        item = self.selected_inspection()
        if item is None:
            return
        self.print_note.setText("")
        started = save_inspection_pdf(
            self,
            self.session,
            item.id,
            item.site_name,
            done=lambda path: self.print_note.setText(self.tr("Saved %1").replace("%1", str(path))),
            failed=lambda exc: self.print_note.setText(error_text(exc)),
        )
        if started:
            self.print_note.setText(self.tr("Printing…"))
