"""A site's rectifications (整改) and what the role may do with the selected one:
mark it rectified with the measures taken, re-inspect its item, close it out (销号)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import CloseBasis, RectificationStatus
from gridworker.domain.permissions import Cap
from gridworker.services import inspections
from gridworker.services.access import may_do
from gridworker.services.case_queries import RectificationItem
from gridworker.ui.forms import empty_hint, error_label, error_text
from gridworker.ui.models.sites import RectificationsModel
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets import combo, setup_table

RECT_CHANGES = OpChanges(frozenset({"rectification"}))


class RectificationPanel(QWidget):
    """The table of a site's rectifications with the actions on the selected one."""

    acted = Signal()  # an action was saved (the site is reloaded through the change signal)

    def __init__(self, session: AppSession, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rects = RectificationsModel(lang, self)
        self.rect_view = QTableView()
        self.rect_view.setObjectName("rectifications")
        self.rect_view.setModel(self.rects)
        empty_hint(self.rect_view, self.tr("No rectification at this site."))
        setup_table(self.rect_view)
        header = self.rect_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (RectificationsModel.ITEM, RectificationsModel.DESCRIPTION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.rect_view.selectionModel().selectionChanged.connect(self.update_buttons)
        layout.addWidget(self.rect_view, 1)
        actions = QHBoxLayout()
        self.measures = QLineEdit()
        self.measures.setObjectName("measures")
        self.measures.setPlaceholderText(self.tr("Measures taken"))
        self.rectified_button = QPushButton(self.tr("Mark rectified"))
        self.rectified_button.setObjectName("mark_rectified")
        self.reinspect_button = QPushButton(self.tr("Re-inspect"))
        self.reinspect_button.setObjectName("reinspect")
        self.basis = combo("close_basis", CloseBasis.choices(lang))
        self.close_button = QPushButton(self.tr("Close out (销号)"))
        self.close_button.setObjectName("close_out")
        for widget in (self.measures, self.rectified_button, self.reinspect_button):
            actions.addWidget(widget)
        actions.addSpacing(16)
        actions.addWidget(self.basis)
        actions.addWidget(self.close_button)
        layout.addLayout(actions)
        self.error = error_label("error")
        layout.addWidget(self.error)
        self.rectified_button.clicked.connect(self.mark_rectified)
        self.close_button.clicked.connect(self.close_out)
        self.update_buttons()

    def selected(self) -> RectificationItem | None:
        rows = self.rect_view.selectionModel().selectedRows()
        return self.rects.items[rows[0].row()] if rows else None

    def select_rectification(self, rect_id: str) -> None:
        row = self.rects.row_of(rect_id)
        if row >= 0:
            self.rect_view.selectionModel().select(
                self.rects.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def set_items(self, items: list[RectificationItem]) -> None:
        """Show `items`, keeping the selected rectification selected."""
        keep = self.selected()
        self.rects.set_items(items)
        if keep is not None:
            self.select_rectification(keep.id)
        self.update_buttons()

    def update_buttons(self, *_args: object) -> None:
        # Offer only what the role may do (the role table, docs/design.md §6).
        ws = self.session.ws
        may_inspect, may_close = may_do(ws, Cap.inspect), may_do(ws, Cap.close_out)
        self.reinspect_button.setVisible(may_inspect)
        self.basis.setVisible(may_close)
        self.close_button.setVisible(may_close)
        rect = self.selected()
        status = rect.status if rect is not None else None
        self.rectified_button.setEnabled(status is RectificationStatus.open)
        self.measures.setEnabled(status is RectificationStatus.open)
        self.reinspect_button.setEnabled(
            rect is not None
            and rect.item_code is not None
            and status in (RectificationStatus.open, RectificationStatus.done)
        )
        self.close_button.setEnabled(rect is not None and status is not RectificationStatus.closed)
        self.error.setText("")

    def _run(self, work: Callable[[object], None]) -> None:
        self.error.setText("")
        self.session.tasks.run_db(
            work,
            done=lambda _r: self.acted.emit(),
            failed=lambda exc: self.error.setText(error_text(exc)),
            changes=RECT_CHANGES,
        )

    def mark_rectified(self) -> None:
        rect = self.selected()
        if rect is None:
            return
        ws, measures = self.session.ws, self.measures.text().strip() or None
        self.measures.clear()
        self._run(lambda _s: inspections.mark_rectified(ws, rect.id, measures=measures))

    def close_out(self) -> None:
        rect = self.selected()
        if rect is None:
            return
        ws, basis = self.session.ws, CloseBasis.parse(str(self.basis.currentData()))
        self._run(lambda _s: inspections.close_out(ws, rect.id, basis=basis))
