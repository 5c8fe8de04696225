"""隐患排查: hazard sites, inspections from checklists, rectifications and close-out (销号)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.checklists import label
from gridworker.domain.enums import (
    Appraisal,
    CloseBasis,
    DangerGrade,
    HazardKind,
    InspectionResult,
    PremisesType,
    RectificationStatus,
)
from gridworker.services import case_queries, inspections
from gridworker.services.case_queries import RectificationItem, SiteDetail
from gridworker.services.inspections import InspectionOutcome
from gridworker.ui.i18n import current_language
from gridworker.ui.models.cases import local_time
from gridworker.ui.models.sites import RectificationsModel, SitesModel, site_class
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets import combo, section_label, setup_table
from gridworker.ui.widgets.inspection_form import FormTarget, InspectionForm
from gridworker.ui.widgets.photos import error_text

RECT_CHANGES = OpChanges(frozenset({"rectification"}))
SITE_CHANGES = OpChanges(frozenset({"hazard_site"}))


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
        self.error = QLabel()
        self.error.setObjectName("error")
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
        self.rects = RectificationsModel(lang, self)
        self.rect_view = QTableView()
        self.rect_view.setObjectName("rectifications")
        self.rect_view.setModel(self.rects)
        setup_table(self.rect_view)
        header = self.rect_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (RectificationsModel.ITEM, RectificationsModel.DESCRIPTION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.rect_view.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.rect_view, 2)
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
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(section_label(self.tr("Inspections")))
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
        self.rectified_button.clicked.connect(self.mark_rectified)
        self.close_button.clicked.connect(self.close_out)
        self._update_buttons()

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

    def show_detail(self, detail: SiteDetail) -> None:
        keep = self.selected()
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
        self.rects.set_items(detail.rectifications)
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
        if keep is not None:
            self.select_rectification(keep.id)
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
                self.select_rectification(rect.id)
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
            self.select_rectification(opened[0].id)
        colour = "#e7f5ea; color: #14532d" if ok else "#fdecea; color: #7f1d1d"
        self.banner.setStyleSheet(f"background: {colour}; padding: 6px; border-radius: 4px;")
        self.banner.setText("<br>".join(html.escape(line) for line in lines))
        self.banner.setVisible(True)

    def _update_buttons(self, *_args: object) -> None:
        # Offer only what the role may do: 销号 is a supervisor's act (DESIGN.md §6).
        role = self.session.ws.actor.role
        may_inspect, may_close = role in inspections.INSPECT_ROLES, role in inspections.CLOSE_ROLES
        self.inspect_button.setVisible(may_inspect)
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
            done=lambda _r: self.banner.setVisible(False),
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


class HazardsScreen(Screen):
    watches = frozenset({"hazard_site", "inspection", "rectification"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        zone = session.ws.calendar.zone
        self.site_id: str | None = None
        self._pending_outcome: tuple[InspectionOutcome, str | None] | None = None
        self.dialog: NewSiteDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.kind_filter = combo("kind_filter", HazardKind.choices(self.lang), self.tr("All"))
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search name or address"))
        self.search.returnPressed.connect(self.refresh)
        self.new_button = QPushButton(self.tr("New site"))
        self.new_button.setObjectName("new_site")
        self.new_button.clicked.connect(self.new_site)
        for widget in (self.kind_filter, self.search, self.new_button):
            top.addWidget(widget)
        layout.addLayout(top)
        splitter = QSplitter()
        self.sites = SitesModel(zone, self.lang, self)
        self.site_view = QTableView()
        self.site_view.setObjectName("sites")
        self.site_view.setModel(self.sites)
        setup_table(self.site_view)
        header = self.site_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SitesModel.ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.site_view.selectionModel().selectionChanged.connect(self._site_selected)
        splitter.addWidget(self.site_view)
        self.pages = QStackedWidget()
        self.hint = QLabel(self.tr("Pick a site, or add a new one."))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.panel = SitePanel(session, self.lang)
        self.form = InspectionForm(session)
        for page in (self.hint, self.panel, self.form):
            self.pages.addWidget(page)
        splitter.addWidget(self.pages)
        splitter.setSizes([480, 620])
        layout.addWidget(splitter, 1)
        self.panel.inspect_button.clicked.connect(self.start_inspection)
        self.panel.reinspect_button.clicked.connect(self.start_reinspection)
        self.form.saved.connect(self._inspection_saved)
        self.form.cancelled.connect(self._show_panel)

    def title(self) -> str:
        return self.tr("Hazards")

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        ws = self.session.ws
        code = self.kind_filter.currentData()
        kind = HazardKind.parse(code) if code else None
        text = self.search.text()
        self.session.tasks.run_db(
            lambda _s: case_queries.list_sites(ws, kind=kind, text=text), done=self._show_sites
        )
        self._load_site()

    def _show_sites(self, items: list[case_queries.SiteItem]) -> None:
        self.sites.set_items(items)
        if self.site_id is not None:
            row = self.sites.row_of(self.site_id)
            if row >= 0:
                self.site_view.selectionModel().blockSignals(True)
                self.site_view.selectRow(row)
                self.site_view.selectionModel().blockSignals(False)

    def _site_selected(self, *_args: object) -> None:
        rows = self.site_view.selectionModel().selectedRows()
        if not rows:
            return
        self.site_id = self.sites.items[rows[0].row()].id
        self.panel.banner.setVisible(False)
        self._show_panel()
        self._load_site()

    def _load_site(self) -> None:
        site_id = self.site_id
        if site_id is None:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: case_queries.site_detail(ws, site_id),
            done=self._show_site,
            failed=lambda exc: self.panel.error.setText(error_text(exc)),
        )

    def _show_site(self, detail: SiteDetail) -> None:
        if detail.site.id != self.site_id:
            return
        self.panel.show_detail(detail)
        if self._pending_outcome is not None:
            self.panel.show_outcome(*self._pending_outcome)
            self._pending_outcome = None

    # --- sites --------------------------------------------------------------------------

    def new_site(self) -> None:
        ws = self.session.ws
        self.session.tasks.run_db(lambda _s: case_queries.my_grids(ws), done=self._open_dialog)

    def _open_dialog(self, grids: list[case_queries.Choice]) -> None:
        self.dialog = NewSiteDialog(grids, self.lang, self)
        self.dialog.submitted.connect(self._create_site)
        self.dialog.open()

    def _create_site(self, value: dict[str, object]) -> None:
        dialog, ws = self.dialog, self.session.ws
        assert dialog is not None

        def work(_s: object) -> str:
            return inspections.register_site(ws, **value)  # type: ignore[arg-type]

        def done(site_id: str) -> None:
            dialog.accept()
            self.site_id = site_id
            self._show_panel()

        self.session.tasks.run_db(
            work,
            done=done,
            failed=lambda exc: dialog.error.setText(error_text(exc)),
            changes=SITE_CHANGES,
        )

    # --- inspections --------------------------------------------------------------------

    def start_inspection(self) -> None:
        detail = self.panel.detail
        if detail is None:
            return
        self._show_form(FormTarget(detail.site.id, detail.site.name))

    def start_reinspection(self) -> None:
        detail, rect = self.panel.detail, self.panel.selected()
        if detail is None or rect is None:
            return
        context = (
            self.tr("Problem: %1 · deadline %2")
            .replace("%1", rect.description)
            .replace("%2", rect.deadline.isoformat())
        )
        self._show_form(
            FormTarget(detail.site.id, detail.site.name, rect.id, rect.item_code, context)
        )

    def _show_form(self, target: FormTarget) -> None:
        # An inspection is a task of its own: the form gets the whole width.
        self.form.load(target)
        self.site_view.setVisible(False)
        self.pages.setCurrentWidget(self.form)

    def _show_panel(self) -> None:
        self.site_view.setVisible(True)
        self.pages.setCurrentWidget(self.panel)

    def _inspection_saved(self, outcome: InspectionOutcome) -> None:
        target = self.form.target
        self._pending_outcome = (outcome, target.rectification_id if target else None)
        self._show_panel()
        if not self.isVisible():
            self._load_site()
