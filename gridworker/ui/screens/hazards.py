"""隐患排查: hazard sites, inspections from checklists, rectifications and close-out (销号).

The screen composes widgets/hazard_site_list.py (sites and their filters),
widgets/hazard_site_panel.py (a site, with widgets/hazard_rectifications.py) and
widgets/inspection_form.py (an inspection or re-inspection, the whole width).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.services import case_queries, inspections
from gridworker.services.case_queries import SiteDetail
from gridworker.services.inspections import InspectionOutcome
from gridworker.ui.forms import error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.hazard_site_dialog import NewSiteDialog
from gridworker.ui.widgets.hazard_site_list import SiteList
from gridworker.ui.widgets.hazard_site_panel import SitePanel
from gridworker.ui.widgets.inspection_form import FormTarget, InspectionForm

__all__ = ["HazardsScreen", "NewSiteDialog", "SitePanel"]

SITE_CHANGES = OpChanges(frozenset({"hazard_site"}))


class HazardsScreen(Screen):
    watches = frozenset({"hazard_site", "inspection", "rectification"})

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.site_id: str | None = None
        self._pending_outcome: tuple[InspectionOutcome, str | None] | None = None
        self._select_rect: str | None = None
        self.dialog: NewSiteDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.new_button = QPushButton(self.tr("New site"))
        self.new_button.setObjectName("new_site")
        self.new_button.clicked.connect(self.new_site)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        splitter = QSplitter()
        self.site_list = SiteList(session, self.lang)
        self.site_list.site_selected.connect(self._site_selected)
        self.sites, self.site_view = self.site_list.model, self.site_list.view
        splitter.addWidget(self.site_list)
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
        self.panel.rectifications.reinspect_button.clicked.connect(self.start_reinspection)
        self.form.saved.connect(self._inspection_saved)
        self.form.cancelled.connect(self._show_panel)

    def title(self) -> str:
        return self.tr("Hazards")

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.site_list.grids is None:
            self.site_list.load_grids()  # then lists the sites of session.grid_filter
        else:
            self.site_list.refresh()
        self._load_site()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        """Show the sites of one grid (the map's or the status chip's choice); None: all."""
        if self.site_list.grids is not None:
            self.site_list.set_grid(grid_code)
        # else: the first refresh applies session.grid_filter

    def select(self, record_id: str) -> None:
        """Open a site, or the site of a rectification with it selected (from 工作台)."""
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: case_queries.locate_hazard_record(ws, record_id), done=self._located
        )

    def _located(self, found: tuple[str, str | None] | None) -> None:
        if found is None:
            return
        site_id, rect_id = found
        self._select_rect = rect_id
        self._site_selected(site_id)

    def _site_selected(self, site_id: str) -> None:
        self.site_id = self.site_list.site_id = site_id
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
            failed=lambda exc: self.panel.rectifications.error.setText(error_text(exc)),
        )

    def _show_site(self, detail: SiteDetail) -> None:
        if detail.site.id != self.site_id:
            return
        self.panel.show_detail(detail)
        if self._select_rect is not None:
            self.panel.rectifications.select_rectification(self._select_rect)
            self._select_rect = None
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
            self.site_id = self.site_list.site_id = site_id
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
        self.site_list.setVisible(False)
        self.pages.setCurrentWidget(self.form)

    def _show_panel(self) -> None:
        self.site_list.setVisible(True)
        self.pages.setCurrentWidget(self.panel)

    def _inspection_saved(self, outcome: InspectionOutcome) -> None:
        target = self.form.target
        self._pending_outcome = (outcome, target.rectification_id if target else None)
        self._show_panel()
        if not self.isVisible():
            self._load_site()
