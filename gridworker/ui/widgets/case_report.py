"""事件上报: the case report form (what, where, how urgent, photos), reported at once or
kept as a case draft.

While it is filled in, the form autosaves a draft (services.drafts, encrypted in the
profile; photos are not part of it): "Report a case" brings it back after a switch,
a lock or a crash. Reporting, or cancelling and agreeing to lose the edits, removes it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import CaseCategory, CaseState, Urgency
from gridworker.services import case_queries, drafts
from gridworker.services.case_queries import SUBCATEGORIES, Choice
from gridworker.services.cases import report_case
from gridworker.ui.forms import ChangeGuard, error_label, error_text, hint_label
from gridworker.ui.screens.base import heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.drafts import DraftKeeper
from gridworker.ui.widgets.photos import PhotoStrip, store_photos

REPORT_CHANGES = OpChanges(frozenset({"case", "case_action", "attachment"}))
DRAFT_KIND, NEW = "case", "new"  # one draft of a case not reported yet


class ReportForm(QWidget):
    """事件上报: what, where, how urgent, photos; reported at once or kept as a draft."""

    reported = Signal(str, object)  # case id, CaseState
    cancelled = Signal()

    def __init__(self, session: AppSession, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(self.tr("Report a case")))
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setMaxLength(200)
        self.description = QPlainTextEdit()
        self.description.setObjectName("description")
        self.description.setPlaceholderText(self.tr("What happened, who is affected, since when"))
        self.category = QComboBox()
        self.category.setObjectName("category")
        for code, text in CaseCategory.choices(lang):
            self.category.addItem(text, code)
        self.subcategory = QComboBox()
        self.subcategory.setObjectName("subcategory")
        self.urgency = QComboBox()
        self.urgency.setObjectName("urgency")
        for code, text in Urgency.choices(lang):
            self.urgency.addItem(text, code)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.code))
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setPlaceholderText(self.tr("Place or address"))
        self.grid = QComboBox()
        self.grid.setObjectName("grid")
        self.confidential = QCheckBox(self.tr("Confidential (保密)"))
        self.confidential.setObjectName("confidential")
        self.photos = PhotoStrip(session)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Subcategory"), self.subcategory)
        form.addRow(self.tr("Urgency"), self.urgency)
        form.addRow(self.tr("Place"), self.address)
        form.addRow(self.tr("Grid"), self.grid)
        form.addRow("", self.confidential)
        form.addRow(self.tr("Photos"), self.photos)
        layout.addLayout(form)
        self.error = error_label("error")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.draft_label = hint_label()
        self.draft_label.setObjectName("draft_note")
        self.draft_label.setWordWrap(False)
        buttons.addWidget(self.draft_label)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.draft_button = QPushButton(self.tr("Save as draft"))
        self.draft_button.setObjectName("save_draft")
        self.draft_button.clicked.connect(lambda: self.submit(draft=True))
        self.submit_button = QPushButton(self.tr("Report"))
        self.submit_button.setObjectName("submit_report")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(lambda: self.submit(draft=False))
        for button in (self.cancel_button, self.draft_button, self.submit_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.category.currentIndexChanged.connect(self._category_changed)
        self._category_changed()
        self.guard = ChangeGuard(self)
        self.guard.watch(self.title, self.description, self.category, self.subcategory)
        self.guard.watch(self.urgency, self.address, self.grid, self.confidential)
        self.photos.changed.connect(self.guard.mark)
        self.keeper = DraftKeeper(
            session, self.guard, DRAFT_KIND, self.snapshot, is_empty=self._empty, parent=self
        )
        self.keeper.show_in(self.draft_label)

    def reset(self) -> None:
        """An empty form with the user's grids loaded, then its draft if there is one."""
        self.keeper.stop()
        with self.guard.quiet():
            self.title.clear()
            self.description.clear()
            self.address.clear()
            self.confidential.setChecked(False)
            self.category.setCurrentIndex(0)
            self.urgency.setCurrentIndex(self.urgency.findData(Urgency.normal.code))
            self.photos.bind(None, None)
        self.guard.mark_clean()
        self.error.setText("")
        self.draft_label.clear()
        ws = self.session.ws
        self.session.tasks.run_db(lambda _s: case_queries.my_grids(ws), done=self._show_grids)

    def _show_grids(self, grids: list[Choice]) -> None:
        with self.guard.quiet():
            self.grid.clear()
            for grid in grids:
                self.grid.addItem(f"{grid.code} {grid.name}".strip(), grid.code)
        self.keeper.open(NEW, self.restore)  # after the grids: the draft may pick one

    # --- drafts and leaving --------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "category": self.category.currentData(),
            "subcategory": self.subcategory.currentData(),
            "urgency": self.urgency.currentData(),
            "address": self.address.text(),
            "grid_code": self.grid.currentData(),
            "confidential": self.confidential.isChecked(),
        }

    @staticmethod
    def _empty(data: dict[str, Any]) -> bool:
        return not (data["title"].strip() or data["description"].strip() or data["address"])

    def restore(self, data: dict[str, Any]) -> None:
        for box, key in ((self.category, "category"), (self.subcategory, "subcategory")):
            index = box.findData(data.get(key))  # the category first: it fills the subcategories
            if index >= 0:
                box.setCurrentIndex(index)
        for box, key in ((self.urgency, "urgency"), (self.grid, "grid_code")):
            index = box.findData(data.get(key))
            if index >= 0:
                box.setCurrentIndex(index)
        self.title.setText(str(data.get("title") or ""))
        self.description.setPlainText(str(data.get("description") or ""))
        self.address.setText(str(data.get("address") or ""))
        self.confidential.setChecked(bool(data.get("confidential")))

    def cancel(self) -> bool:
        """Leave the form; the edits and their draft go only once the person confirms."""
        dirty = self.guard.dirty
        if not self.guard.confirm_discard(
            self, self.tr("Discard this report? Its autosaved draft is deleted too.")
        ):
            return False
        if dirty:
            self.keeper.discard()
        else:
            self.keeper.stop()
        self.guard.mark_clean()
        self.cancelled.emit()
        return True

    def leave(self) -> None:
        """The screen shows something else: keep the edits as a draft for next time."""
        self.keeper.close()

    def _category_changed(self, *_args: object) -> None:
        category = CaseCategory.parse(str(self.category.currentData()))
        table = SUBCATEGORIES.get(category)
        self.subcategory.clear()
        if table is not None:
            self.subcategory.addItem("—", None)
            for code, text in table.choices(self.lang):
                self.subcategory.addItem(text, code)
        self.subcategory.setEnabled(table is not None)

    def submit(self, *, draft: bool) -> None:
        title = self.title.text().strip()
        if not title:
            self.error.setText(self.tr("Give the case a title"))
            self.title.setFocus()
            return
        if self.grid.currentData() is None:
            self.error.setText(self.tr("Choose the grid"))
            return
        values = {
            "grid_code": str(self.grid.currentData()),
            "title": title,
            "description": self.description.toPlainText().strip() or None,
            "category": CaseCategory.parse(str(self.category.currentData())),
            "subcategory": self.subcategory.currentData(),
            "urgency": Urgency.parse(str(self.urgency.currentData())),
            "address": self.address.text().strip() or None,
            "confidential": self.confidential.isChecked(),
        }
        photos, ws = self.photos.pending(), self.session.ws

        def work(_s: object) -> str:
            case_id = report_case(ws, submit=not draft, **values)
            store_photos(ws, "case", case_id, photos)
            drafts.discard_draft(ws, DRAFT_KIND, NEW)
            return case_id

        def done(case_id: str) -> None:
            self.submit_button.setEnabled(True)
            self.keeper.stop()
            self.guard.mark_clean()
            self.reported.emit(case_id, CaseState.draft if draft else CaseState.reported)

        def failed(exc: BaseException) -> None:
            self.submit_button.setEnabled(True)
            self.error.setText(error_text(exc))

        self.keeper.hold()
        self.submit_button.setEnabled(False)
        self.error.setText("")
        self.session.tasks.run_db(work, done=done, failed=failed, changes=REPORT_CHANGES)
