"""One hazard site: its facts, what the last inspection did, its rectifications and
its inspection history."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.checklists import label
from gridworker.domain.enums import InspectionResult
from gridworker.domain.permissions import Cap
from gridworker.services.access import may_do
from gridworker.services.case_queries import RectificationItem, SiteDetail
from gridworker.services.inspections import InspectionOutcome
from gridworker.ui.forms import error_text
from gridworker.ui.models.cases import local_time
from gridworker.ui.models.sites import site_class
from gridworker.ui.session import AppSession
from gridworker.ui.widgets import section_label, setup_table
from gridworker.ui.widgets.hazard_rectifications import RectificationPanel
from gridworker.ui.widgets.printing import save_inspection_pdf


class SitePanel(QWidget):
    """One site: its rectifications with their actions, and its inspections."""

    def __init__(self, session: AppSession, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = lang
        self.detail: SiteDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.name = QLabel()
        self.name.setObjectName("heading")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        top.addWidget(self.name, 1)
        self.inspect_button = QPushButton(self.tr("New inspection"))
        self.inspect_button.setObjectName("new_inspection")
        top.addWidget(self.inspect_button)
        layout.addLayout(top)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.facts)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        layout.addWidget(section_label(self.tr("Rectifications")))
        self.rectifications = RectificationPanel(session, lang)
        self.rectifications.acted.connect(lambda: self.banner.setVisible(False))
        layout.addWidget(self.rectifications, 2)
        history_head = QHBoxLayout()
        history_head.addWidget(section_label(self.tr("Inspections")))
        history_head.addStretch(1)
        self.print_button = QPushButton(self.tr("Print record / PDF…"))
        self.print_button.setObjectName("print_inspection")
        self.print_button.setToolTip(
            self.tr("Save the selected (or latest) inspection's record as a PDF to print")
        )
        self.print_button.clicked.connect(self.print_pdf)
        history_head.addWidget(self.print_button)
        layout.addLayout(history_head)
        self.history = QTableWidget(0, 5)
        self.history.setObjectName("inspections")
        self.history.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Kind"),
                self.tr("Inspector"),
                self.tr("Result"),
                self.tr("Failed items"),
            ]
        )
        setup_table(self.history)
        self.history.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.history.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.history, 1)
        self._update_buttons()

    def selected(self) -> RectificationItem | None:
        return self.rectifications.selected()

    def show_detail(self, detail: SiteDetail) -> None:
        self.detail = detail
        site = detail.site
        zone = self.session.ws.calendar.zone
        self.name.setText(site.name)
        facts = [site.kind.label(self.lang), site_class(site, self.lang), site.address or ""]
        if site.appraisal is not None:
            facts.insert(2, site.appraisal.label(self.lang))
        if detail.responsible_person:
            facts.append(
                self.tr("responsible: %1").replace(
                    "%1", f"{detail.responsible_person} {detail.responsible_phone_masked or ''}"
                )
            )
        facts.append(self.tr("grid %1").replace("%1", site.grid_code))
        self.facts.setText(" · ".join(f for f in facts if f.strip()))
        self.rectifications.set_items(detail.rectifications)
        self.history.setRowCount(len(detail.inspections))
        for n, insp in enumerate(detail.inspections):
            result = insp.result.label(self.lang) if insp.result else ""
            cells = [
                local_time(insp.inspected_at, zone),
                insp.kind.label(self.lang),
                insp.inspector,
                result,
                str(insp.failed_items),
            ]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 3 and insp.result is InspectionResult.fail:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                self.history.setItem(n, column, cell)
        self._update_buttons()

    def show_outcome(self, outcome: InspectionOutcome, reinspected: str | None) -> None:
        """Say what the saved inspection did: which rectifications it opened, and by when."""
        assert self.detail is not None
        ok = outcome.result is InspectionResult.pass_
        result = outcome.result.label(self.lang)
        lines = [self.tr("Inspection saved: %1").replace("%1", result)]
        if reinspected is not None:
            rect = next((r for r in self.detail.rectifications if r.id == reinspected), None)
            if rect is not None:
                lines.append(
                    self.tr("Rectification %1 is now: %2")
                    .replace("%1", rect.item_code or "")
                    .replace("%2", rect.status.label(self.lang))
                )
                self.rectifications.select_rectification(rect.id)
        opened = [r for r in self.detail.rectifications if r.id in outcome.rectification_ids]
        for rect in opened:
            text = label(rect.item_text, self.lang) if rect.item_text else rect.description
            lines.append(
                self.tr("Rectification opened: %1 %2 — deadline %3")
                .replace("%1", rect.item_code or "")
                .replace("%2", text)
                .replace("%3", rect.deadline.isoformat())
            )
        if opened:
            self.rectifications.select_rectification(opened[0].id)
        colour = "#e7f5ea; color: #14532d" if ok else "#fdecea; color: #7f1d1d"
        self.banner.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 4px;")
        self.banner.setText("<br>".join(html.escape(line) for line in lines))
        self.banner.setVisible(True)

    def print_pdf(self) -> None:
        """Save the selected inspection's 隐患排查记录 (the latest if none is selected)."""
        if self.detail is None or not self.detail.inspections:
            return
        row = max(self.history.currentRow(), 0)
        inspection = self.detail.inspections[row]

        def note(text: str, colour: str) -> None:
            self.banner.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 4px;")
            self.banner.setText(html.escape(text))
            self.banner.setVisible(True)

        save_inspection_pdf(
            self,
            self.session,
            inspection.id,
            self.detail.site.name,
            done=lambda path: note(
                self.tr("Saved %1").replace("%1", path.name), "#e7f5ea; color: #14532d"
            ),
            failed=lambda exc: note(error_text(exc), "#fdecea; color: #7f1d1d"),
        )

    def _update_buttons(self) -> None:
        self.print_button.setEnabled(bool(self.detail and self.detail.inspections))
        self.inspect_button.setVisible(may_do(self.session.ws, Cap.inspect))
