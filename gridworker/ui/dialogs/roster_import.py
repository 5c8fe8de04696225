"""导入花名册: a roster file checked first (the mapping, the ignored columns, what would be
refused or left out), then imported; the same service as `gridworker import`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.domain.import_messages import place
from gridworker.domain.roster_values import DEFAULT_AREA_CODE, RelationshipCodes
from gridworker.services.importing import ImportOptions, ImportReport, import_file
from gridworker.services.roster_columns import FIELDS, Column, ignored_reason
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

REGISTER_CHANGES = OpChanges(frozenset({"household", "resident", "resident_tag"}))


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RosterImportDialog(QDialog):
    """Choose a file, check it (nothing written), read the report, then import."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = current_language()
        self.report: ImportReport | None = None
        self.setWindowTitle(self.tr("Import a roster"))
        self.resize(1000, 680)
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("File")))
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("A roster (.xlsx or .csv) or an export"))
        row.addWidget(self.path_edit, 1)
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.browse_button)
        layout.addLayout(row)

        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("Area code for local numbers")))
        self.area_edit = QLineEdit(DEFAULT_AREA_CODE)
        self.area_edit.setMaximumWidth(80)
        options.addWidget(self.area_edit)
        options.addWidget(QLabel(self.tr("One-digit relationship codes")))
        self.codes_box = QComboBox()
        self.codes_box.addItem(self.tr("Ask (report them)"), None)
        self.codes_box.addItem(self.tr("GB/T 4761 classes"), RelationshipCodes.gbt.value)
        self.codes_box.addItem(self.tr("Census form (R601)"), RelationshipCodes.census.value)
        options.addWidget(self.codes_box)
        options.addStretch(1)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        options.addWidget(self.check_button)
        options.addWidget(self.import_button)
        layout.addLayout(options)

        self.summary = QLabel(self.tr("Choose a file and check it: nothing is written yet."))
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.error = error_label("error")
        self.error.setVisible(False)
        layout.addWidget(self.error)

        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Columns")))
        self.columns = _table([self.tr("Column"), self.tr("Header"), self.tr("Imported as")])
        left.addWidget(self.columns)
        tables.addLayout(left, 2)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Refused lines and values left out")))
        self.problems = _table(
            [self.tr("Line"), self.tr("Column"), self.tr("Value"), self.tr("What happened")]
        )
        right.addWidget(self.problems)
        tables.addLayout(right, 3)
        layout.addLayout(tables, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.path_edit.textChanged.connect(lambda _t: self.import_button.setEnabled(False))

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a roster"), "", self.tr("Rosters (*.xlsx *.csv *.jsonl)")
        )
        if name:
            self.path_edit.setText(name)

    def options(self, *, dry_run: bool) -> ImportOptions:
        codes = self.codes_box.currentData()
        return ImportOptions(
            dry_run=dry_run,
            area_code=self.area_edit.text().strip() or None,
            relationship_codes=RelationshipCodes(codes) if codes else None,
        )

    def run(self, *, dry_run: bool) -> None:
        """Check (dry run) or import the chosen file on the database thread."""
        text = self.path_edit.text().strip()
        if not text:
            self._show_error(self.tr("Choose a file first."))
            return
        path = Path(text)
        ws, lang, options = self.session.ws, self.lang, self.options(dry_run=dry_run)
        self.check_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Checking…") if dry_run else self.tr("Importing…"))
        self.session.tasks.run_db(
            lambda _state: import_file(ws, path, lang=lang, options=options),
            done=self.show_report,
            failed=self._failed,
            changes=None if dry_run else REGISTER_CHANGES,
        )

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self.check_button.setEnabled(True)
        self._show_error(error_text(error))
        self.summary.setText(self.tr("The file was not imported."))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def show_report(self, report: ImportReport) -> None:
        if not isValid(self):
            return
        self.report = report
        self.error.setVisible(False)
        self.check_button.setEnabled(True)
        # Import only what was checked: a new check is needed after the file changes.
        self.import_button.setEnabled(report.dry_run and report.imported > 0)
        template = (
            self.tr(
                "Checked, nothing written: %1 of %2 lines can be imported (%3 households, "
                "%4 people; new: %5 households, %6 people); %7 refused, %8 values left out."
            )
            if report.dry_run
            else self.tr(
                "Imported %1 of %2 lines (%3 households, %4 people; new: %5 households, "
                "%6 people); %7 refused, %8 values left out."
            )
        )
        values = (
            report.imported, report.rows, report.households, report.residents,
            report.new_households, report.new_residents, len(report.errors),
            len(report.problems),
        )  # fmt: skip
        text = template
        for n, value in reversed(list(enumerate(values, start=1))):
            text = text.replace(f"%{n}", str(value))
        if report.header_line and len(report.sections) == 1:
            text += " " + self.tr("The header is on line %1.").replace(
                "%1", str(report.header_line)
            )
        if report.skipped_sheets:
            skipped = "；".join(f"{s.name}（{s.reason}）" for s in report.skipped_sheets)
            text += " " + self.tr("Sheets not read: %1").replace("%1", skipped)
        self.summary.setText(text)
        self._fill_columns(report)
        self._fill_problems(report)

    def _fill_columns(self, report: ImportReport) -> None:
        self.columns.setRowCount(0)
        ignored_text = self.tr("not imported: %1")
        # Several sheets or tables: each column named with the header it is under.
        several = len(report.sections) > 1
        for section in report.sections:
            where = place(section.sheet, section.header_line, self.lang) if several else ""
            for column in section.columns:
                self._add_column(where, column, ignored_text)

    def _add_column(self, where: str, column: Column, ignored_text: str) -> None:
        r = self.columns.rowCount()
        self.columns.insertRow(r)
        self.columns.setItem(r, 0, _item(f"{where} {column.letter}".strip()))
        self.columns.setItem(r, 1, _item(column.header or "—"))
        if column.field:
            target = _item(FIELDS[column.field].label(self.lang))
        else:
            target = _item(ignored_text.replace("%1", ignored_reason(column, self.lang)))
            target.setForeground(Qt.GlobalColor.darkRed)
        self.columns.setItem(r, 2, target)

    def _fill_problems(self, report: ImportReport) -> None:
        self.problems.setRowCount(0)
        refused = self.tr("refused: %1")
        kept = self.tr("%1; the person was imported without it")
        order = {s.sheet: n for n, s in reversed(list(enumerate(report.sections)))}

        def at(sheet: str | None, line: int) -> str:
            # The line's number, and its sheet's name in a workbook of several.
            return str(line) if sheet is None else place(sheet, line, self.lang)

        rows = [
            ((order.get(e.sheet, 0), e.line), at(e.sheet, e.line), "", "",
             refused.replace("%1", e.reason), True)
            for e in report.errors
        ]  # fmt: skip
        rows += [
            ((order.get(p.sheet, 0), p.line), at(p.sheet, p.line),
             f"{p.column} {p.header}", p.value, kept.replace("%1", p.reason), False)
            for p in report.problems
        ]  # fmt: skip
        for _key, where, column, value, what, bad in sorted(rows, key=lambda x: x[0]):
            r = self.problems.rowCount()
            self.problems.insertRow(r)
            for c, text in enumerate((where, column, value, what)):
                item = _item(text)
                if bad:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.problems.setItem(r, c, item)
