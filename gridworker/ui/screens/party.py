"""党建工作: a grid's party organization, the advisers stationed there, the adviser's own
stationings, guidance records (指导记录) and reported members (双报到) with their service
records (docs/design.md §22). Shown to advisers, supervisors and the admin."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.permissions import Cap, may
from gridworker.services import party, party_queries
from gridworker.services.party_queries import GridParty, LinkChoice
from gridworker.ui.forms import error_label, error_text, set_rows, text_table
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading, select_grid
from gridworker.ui.session import AppSession
from gridworker.ui.widgets import section_label
from gridworker.ui.widgets.community_tabs import COMMUNITY, CommunityTabs
from gridworker.ui.widgets.party_forms import (
    GuidanceDialog,
    MemberDialog,
    OrgDialog,
    ServiceDialog,
    StationDialog,
)

PARTY = (
    frozenset(
        {"party_org", "adviser_posting", "party_guidance", "party_guidance_link", "party_member"}
        | {"party_service"}
    )
    | COMMUNITY
)


class PartyScreen(Screen):
    watches = PARTY

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.detail: GridParty | None = None
        self.grids_loaded = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Grid")))
        self.grid = QComboBox()
        self.grid.setObjectName("grid")
        self.grid.setMinimumWidth(260)
        self.grid.currentIndexChanged.connect(self._load)
        top.addWidget(self.grid)
        layout.addLayout(top)
        self.stationing = QLabel()
        self.stationing.setObjectName("stationing")
        self.stationing.setWordWrap(True)
        layout.addWidget(self.stationing)
        self.org_button = QPushButton(self.tr("Organization…"))
        self.org_button.setObjectName("org_button")
        self.org_button.clicked.connect(self.edit_org)
        self.station_button = QPushButton(self.tr("Station an adviser…"))
        self.station_button.setObjectName("station_button")
        self.station_button.clicked.connect(self.station)
        layout.addLayout(self._titled(self.tr("Party organization"), self.org_button))
        self.org = QLabel()
        self.org.setObjectName("org")
        self.org.setWordWrap(True)
        layout.addWidget(self.org)
        layout.addLayout(self._titled(self.tr("Advisers stationed here"), self.station_button))
        self.advisers = QLabel()
        self.advisers.setObjectName("advisers")
        self.advisers.setWordWrap(True)
        layout.addWidget(self.advisers)
        self.tabs = QTabWidget()
        self.guidance = text_table(
            self.tr("Held at"),
            self.tr("Kind"),
            self.tr("Topic"),
            self.tr("Adviser"),
            self.tr("Attendees"),
            self.tr("Taken up"),
        )
        self.guidance.setObjectName("guidance")
        self.members = text_table(
            self.tr("Name"),
            self.tr("Work unit"),
            self.tr("Reported on"),
            self.tr("Phone"),
            self.tr("Skills"),
            self.tr("Services"),
            self.tr("Hours"),
        )
        self.members.setObjectName("members")
        self.tabs.addTab(self._page(self.guidance, self._guidance_buttons()), self.tr("Guidance"))
        self.tabs.addTab(self._page(self.members, self._member_buttons()), self.tr("Members"))
        self.error = error_label("error")
        self.community = CommunityTabs(
            self, session, self.lang, self.grid.currentData, self.error, PARTY
        )
        self.coop, self.volunteering = self.community.coop, self.community.volunteering
        self.tabs.addTab(self.coop, self.tr("Needs, resources, projects"))
        self.tabs.addTab(self.volunteering, self.tr("Volunteer service"))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        writes = may(session.ws.actor.role, Cap.write_party)
        for button in (self.add_guidance, self.add_member, self.add_service, self.org_button):
            button.setVisible(writes)
        self.station_button.setVisible(may(session.ws.actor.role, Cap.station_advisers))

    def title(self) -> str:
        return self.tr("Party building")

    # --- layout ---------------------------------------------------------------------

    def _titled(self, title: str, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(section_label(title))
        row.addWidget(button)
        row.addStretch(1)
        return row

    def _page(self, table: QTableWidget, buttons: QHBoxLayout) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(buttons)
        box.addWidget(table, 1)
        return page

    def _guidance_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_guidance = QPushButton(self.tr("Add guidance record"))
        self.add_guidance.setObjectName("add_guidance")
        self.add_guidance.clicked.connect(self.new_guidance)
        row.addWidget(self.add_guidance)
        row.addStretch(1)
        return row

    def _member_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_member = QPushButton(self.tr("Add member"))
        self.add_member.setObjectName("add_member")
        self.add_member.clicked.connect(self.new_member)
        self.add_service = QPushButton(self.tr("Add service record"))
        self.add_service.setObjectName("add_service")
        self.add_service.clicked.connect(self.new_service)
        row.addWidget(self.add_member)
        row.addWidget(self.add_service)
        row.addStretch(1)
        return row

    # --- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        ws = self.session.ws
        if not self.grids_loaded:
            self.session.tasks.run_db(lambda _s: party_queries.party_grids(ws), done=self._grids)
        else:
            self._load()
        self.session.tasks.run_db(
            lambda _s: party_queries.my_stationings(ws), done=self._show_stationings
        )

    def _grids(self, grids: list[tuple[str, str]]) -> None:
        self.grids_loaded = True
        self.grid.blockSignals(True)
        self.grid.clear()
        for code, name in grids:
            self.grid.addItem(f"{name} {code}".strip(), code)
        self.grid.blockSignals(False)
        if self.session.grid_filter:
            self.apply_grid_filter(self.session.grid_filter)
        else:
            self._load()

    def apply_grid_filter(self, grid_code: str | None) -> None:
        if grid_code is not None:
            select_grid(self.grid, grid_code, loaded=self.grids_loaded, apply=self._load)

    def _load(self) -> None:
        grid = self.grid.currentData()
        if grid is None:
            self.org.setText(self.tr("No grid to show."))
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: party_queries.grid_party(ws, grid),
            done=self._show,
            failed=lambda exc: self.error.setText(error_text(exc)),
        )
        self.community.load(grid)

    def _show_stationings(self, postings: list[party_queries.PostingView]) -> None:
        if not postings:
            self.stationing.setVisible(False)
            return
        names = dict(
            (self.grid.itemData(i), self.grid.itemText(i)) for i in range(self.grid.count())
        )
        parts = [
            self.tr("%1 since %2")
            .replace("%1", names.get(p.grid_code, p.grid_code))
            .replace("%2", p.since.isoformat())
            for p in postings
        ]
        self.stationing.setText(self.tr("My stationing: ") + "；".join(parts))
        self.stationing.setVisible(True)

    def _show(self, detail: GridParty) -> None:
        if detail.grid_code != self.grid.currentData():
            return
        self.detail = detail
        org = detail.org
        if org is None:
            self.org.setText(self.tr("No party organization is registered for this grid."))
        else:
            text = (
                self.tr("%1 (%2) · secretary %3 · %4 members · covers %5 grid(s)")
                .replace("%1", org.name)
                .replace("%2", org.kind.label(self.lang))
                .replace("%3", org.secretary or "—")
                .replace("%4", str(org.members_count))
                .replace("%5", str(len(org.grids)))
            )
            self.org.setText(text)
        if detail.postings:
            self.advisers.setText(
                "；".join(
                    f"{p.adviser_name}（{p.sent_by or '—'}）"
                    + self.tr(" since %1").replace("%1", p.since.isoformat())
                    for p in detail.postings
                )
            )
        else:
            self.advisers.setText(self.tr("No adviser is stationed here."))
        zone = self.session.ws.zone
        set_rows(
            self.guidance,
            [
                (
                    f"{g.held_at.astimezone(zone):%Y-%m-%d %H:%M}",
                    g.kind.label(self.lang),
                    g.topic,
                    g.adviser,
                    "" if g.attendees is None else str(g.attendees),
                    str(g.links),
                )
                for g in detail.guidance
            ],
        )
        set_rows(
            self.members,
            [
                (
                    m.name,
                    m.work_unit,
                    m.reported_on.isoformat(),
                    m.phone or "",
                    m.skills or "",
                    str(m.services),
                    f"{m.hours:g}",
                )
                for m in detail.members
            ],
        )
        self.guidance.resizeColumnsToContents()
        self.members.resizeColumnsToContents()

    # --- adding ---------------------------------------------------------------------

    def new_guidance(self) -> None:
        grid = self.grid.currentData()
        if grid is None:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: party_queries.link_choices(ws, grid),
            done=lambda choices: self._open_guidance(grid, choices),
        )

    def _open_guidance(self, grid: str, choices: list[LinkChoice]) -> None:
        now = self.session.ws.now().astimezone(self.session.ws.zone).replace(tzinfo=None)
        dialog = GuidanceDialog(grid, choices, now, self.lang, self)
        self._open(dialog, party.record_guidance, self._with_zone)

    def _with_zone(self, value: dict[str, object]) -> dict[str, object]:
        held = value["held_at"]
        value["held_at"] = held.replace(tzinfo=self.session.ws.zone)  # type: ignore[attr-defined]
        return value

    def new_member(self) -> None:
        grid = self.grid.currentData()
        if grid is not None:
            self._open(MemberDialog(grid, self.session.ws.today(), self), party.add_member)

    def new_service(self) -> None:
        row = self.members.currentRow()
        if self.detail is None or not 0 <= row < len(self.detail.members):
            self.error.setText(self.tr("Pick a member first"))
            return
        member = self.detail.members[row]
        dialog = ServiceDialog(member.id, member.name, self.session.ws.today(), self)
        self._open(dialog, party.record_service)

    def edit_org(self) -> None:
        grid = self.grid.currentData()
        if grid is None or self.detail is None or self.detail.grid_code != grid:
            return
        dialog = OrgDialog(grid, self.detail.org, self.lang, self)
        self._open(dialog, party.save_org if self.detail.org is None else _edit_org)

    def station(self) -> None:
        grid = self.grid.currentData()
        if grid is None or self.detail is None or self.detail.grid_code != grid:
            return
        org_id = self.detail.org.id if self.detail.org else None
        dialog = StationDialog(grid, org_id, self.session.ws.today(), self)
        self._open(dialog, party.station_adviser)

    def _open(
        self,
        dialog: QDialog,
        save: Callable[..., object],
        adjust: Callable[[dict[str, object]], dict[str, object]] | None = None,
    ) -> None:
        self.community.open(dialog, save, adjust)

    @property
    def dialog(self) -> QDialog | None:
        """The dialog opened last (by this screen or its community tabs)."""
        return self.community.dialog


def _edit_org(ws: object, *, record_id: str, **changes: object) -> object:
    party.edit(ws, "party_org", record_id, **changes)  # type: ignore[arg-type]
    return record_id
