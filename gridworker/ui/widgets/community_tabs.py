"""The 三单一协议 and volunteer-service tabs with what their buttons do, for a screen that
picks a grid: the party-building screen (advisers, supervisors, the admin) and the
community-service screen (grid workers) share them (docs/design.md §22.7, §22.8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from gridworker.domain.records_coop import CoopNeedStatus
from gridworker.domain.records_volunteer import OVERDRAW_SETTLERS
from gridworker.services import party, party_coop, volunteering
from gridworker.services.attachments import attach, save_owner_files
from gridworker.services.party_coop import CoopBoard, OfferView
from gridworker.ui.forms import error_text
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.party_coop_tab import (
    ClaimDialog,
    CoopTab,
    DoneDialog,
    NeedDialog,
    PromoteDialog,
)
from gridworker.ui.widgets.party_offer_forms import (
    AgreementDialog,
    OffersDialog,
    ProjectDialog,
    ResourceDialog,
    ServiceStationDialog,
    WithdrawDialog,
)
from gridworker.ui.widgets.party_volunteer_tab import (
    ActivityDialog,
    AttendanceDialog,
    ExchangeDialog,
    SettleDialog,
    VolunteerDialog,
    VolunteerTab,
)

COMMUNITY = frozenset(
    {"coop_agreement", "coop_resource", "coop_project", "coop_need", "need"}
    | {"service_station", "volunteer", "volunteer_activity", "volunteer_signup"}
    | {"point_exchange"}
)


class CommunityTabs(QObject):
    """Owns the two tabs; `grid()` is the host's chosen grid, `error` its message line."""

    def __init__(
        self,
        host: QWidget,
        session: AppSession,
        lang: str,
        grid: Callable[[], str | None],
        error: QLabel,
        changes: frozenset[str],
    ) -> None:
        super().__init__(host)
        self.host, self.session, self.lang = host, session, lang
        self.grid, self.error, self.changes = grid, error, changes
        self.dialog: QDialog | None = None
        self.coop = CoopTab(lang)
        self.coop.add_need.clicked.connect(self.new_need)
        self.coop.promote.clicked.connect(self.promote_need)
        self.coop.claim.clicked.connect(self.claim_need)
        self.coop.done.clicked.connect(self.complete_need)
        self.coop.add_agreement.clicked.connect(self.new_agreement)
        self.coop.add_resource.clicked.connect(self.new_resource)
        self.coop.add_project.clicked.connect(self.new_project)
        self.coop.lists.clicked.connect(self.show_offers)
        self.volunteering = VolunteerTab(lang)
        self.volunteering.add_activity.clicked.connect(self.new_activity)
        self.volunteering.add_volunteer.clicked.connect(self.new_volunteer)
        self.volunteering.attend.clicked.connect(self.attend)
        self.volunteering.exchange.clicked.connect(self.exchange)
        self.volunteering.can_settle = session.ws.actor.role.value in OVERDRAW_SETTLERS
        self.volunteering.settle.clicked.connect(self.settle)
        self.volunteering.add_station.clicked.connect(self.new_station)
        self.volunteering.station_list.clicked.connect(self.show_stations)
        self.offers: OffersDialog | None = None  # the open 清单… or 邻里之家… list

    def load(self, grid: str) -> None:
        ws, tasks = self.session.ws, self.session.tasks
        failed = self._failed
        tasks.run_db(lambda _s: party_coop.coop_board(ws, grid), done=self._coop, failed=failed)
        tasks.run_db(
            lambda _s: volunteering.volunteer_board(ws, grid), done=self._volunteers, failed=failed
        )

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(error_text(exc))

    def _coop(self, board: CoopBoard) -> None:
        if board.grid_code == self.grid():
            self.coop.show_board(board)

    def _volunteers(self, board: volunteering.VolunteerBoard) -> None:
        if board.grid_code == self.grid():
            self.volunteering.show_board(board)

    # --- 三单一协议 -------------------------------------------------------------------

    def new_need(self) -> None:
        grid = self.grid()
        if grid is not None:
            self.open(NeedDialog(grid, self.lang, self.host), party_coop.list_need)

    def promote_need(self) -> None:
        board = self.coop.board
        if board is None or not board.promotable:
            self.error.setText(self.tr("No need found on a visit is waiting for the list"))
            return
        self.open(PromoteDialog(board, self.lang, self.host), _promote)

    def claim_need(self) -> None:
        picked = self.coop.selected(CoopNeedStatus.listed)
        if picked is None or self.coop.board is None:
            self.error.setText(self.tr("Pick a need still listed"))
            return
        dialog = ClaimDialog(picked[0], picked[1], self.coop.board, self.host)
        self.open(dialog, _by_need(party_coop.claim_need))

    def complete_need(self) -> None:
        picked = self.coop.selected(CoopNeedStatus.claimed)
        if picked is None:
            self.error.setText(self.tr("Pick a claimed need"))
            return
        dialog = DoneDialog(picked[0], picked[1], self.host)
        self.open(dialog, _by_need(party_coop.complete_need))

    def new_agreement(self) -> None:
        grid = self.grid()
        if grid is not None:
            dialog = AgreementDialog(grid, "", self.session.ws.today(), self.host)
            self.open(dialog, party_coop.sign_agreement)

    def new_resource(self) -> None:
        grid = self.grid()
        if grid is not None:
            self.open(ResourceDialog(grid, self.lang, self.host), party_coop.add_resource)

    def new_project(self) -> None:
        grid = self.grid()
        if grid is not None:
            dialog = ProjectDialog(grid, self.lang, self.session.ws.today(), self.host)
            self.open(dialog, party_coop.add_project)

    def show_offers(self) -> None:
        board = self.coop.board
        if board is None:
            return
        dialog = OffersDialog(board.offers, self.host)
        ws = self.session.ws

        def save(agreement_id: str, folder: Path) -> None:
            self.session.tasks.run_db(
                lambda _s: save_owner_files(ws, "coop_agreement", agreement_id, folder),
                done=dialog.saved,
                failed=lambda exc: dialog.message.setText(error_text(exc)),
            )

        dialog.save_requested.connect(save)
        self._list(dialog)

    def _list(self, dialog: OffersDialog) -> None:
        dialog.edit_requested.connect(self.edit_offer)
        dialog.withdraw_requested.connect(self.withdraw_offer)
        self.offers = dialog
        self.dialog = dialog
        dialog.open()

    def _refresh_list(self) -> None:
        """The open list again, as the record's edit or withdrawal left it."""
        dialog, grid, ws = self.offers, self.grid(), self.session.ws
        if dialog is None or grid is None:
            return
        if dialog.objectName() == "stations_list":
            canteen = self.tr("canteen")
            self.session.tasks.run_db(
                lambda _s: _station_offers(volunteering.volunteer_board(ws, grid), canteen),
                done=dialog.show_offers,
                failed=self._failed,
            )
        else:
            self.session.tasks.run_db(
                lambda _s: party_coop.coop_board(ws, grid).offers,
                done=dialog.show_offers,
                failed=self._failed,
            )

    def edit_offer(self, entity: str, record_id: str) -> None:
        """编辑…: the record's own form, filled with its values."""
        ws, lists = self.session.ws, self.offers

        def show(values: dict[str, object]) -> None:
            grid = str(values["grid_code"])
            today = ws.today()
            form: AgreementDialog | ResourceDialog | ProjectDialog | ServiceStationDialog
            if entity == "coop_agreement":
                form = AgreementDialog(grid, "", today, self.host)
                title = self.tr("Edit the agreement")
            elif entity == "coop_resource":
                form = ResourceDialog(grid, self.lang, self.host)
                title = self.tr("Edit the resource")
            elif entity == "coop_project":
                form = ProjectDialog(grid, self.lang, today, self.host)
                title = self.tr("Edit the project")
            else:
                form = ServiceStationDialog(grid, self.host)
                title = self.tr("Edit the service station")
            form.fill(values, title)
            form.finished.connect(lambda _r: self._refresh_list())
            self.open(form, _edit_saver(entity, record_id))

        failed = (lambda exc: lists.message.setText(error_text(exc))) if lists else self._failed
        self.session.tasks.run_db(
            lambda _s: party.values_of(ws, entity, record_id), done=show, failed=failed
        )

    def withdraw_offer(self, entity: str, record_id: str) -> None:
        """撤销…: asks why, then withdraws it (refused while a record refers to it)."""
        lists = self.offers
        name = next((o.name for o in (lists.offers if lists else []) if o.id == record_id), "")
        dialog = WithdrawDialog(entity, record_id, name, self.host)
        dialog.finished.connect(lambda _r: self._refresh_list())
        self.open(dialog, _withdraw)

    # --- volunteer service --------------------------------------------------------------

    def new_station(self) -> None:
        grid = self.grid()
        if grid is not None:
            self.open(ServiceStationDialog(grid, self.host), volunteering.add_station)

    def show_stations(self) -> None:
        """邻里之家…: the community's stations, to edit or withdraw one."""
        board = self.volunteering.board
        if board is None:
            return
        rows = _station_offers(board, self.tr("canteen"))
        dialog = OffersDialog(rows, self.host, self.tr("Service stations"))
        dialog.setObjectName("stations_list")
        dialog.save.setVisible(False)
        self._list(dialog)

    def new_activity(self) -> None:
        board, grid = self.volunteering.board, self.grid()
        if board is not None and grid is not None:
            dialog = ActivityDialog(grid, board, self.session.ws.today(), self.host)
            self.open(dialog, volunteering.plan_activity)

    def new_volunteer(self) -> None:
        grid = self.grid()
        if grid is not None:
            self.open(VolunteerDialog(grid, self.host), volunteering.register_volunteer)

    def attend(self) -> None:
        board, row = self.volunteering.board, self.volunteering.activities.currentRow()
        if board is None or not 0 <= row < len(board.activities):
            self.error.setText(self.tr("Pick an activity first"))
            return
        activity = board.activities[row]
        dialog = AttendanceDialog(
            activity.id, activity.name, activity.length_hours, board, self.host
        )
        self.open(dialog, _attendance)

    def exchange(self) -> None:
        board, row = self.volunteering.board, self.volunteering.volunteers.currentRow()
        if board is None or not 0 <= row < len(board.volunteers):
            self.error.setText(self.tr("Pick a volunteer first"))
            return
        person = board.volunteers[row]
        dialog = ExchangeDialog(person.id, person.name, person.balance, board, self.host)
        self.open(dialog, _exchange)

    def settle(self) -> None:
        board = self.volunteering.board
        if board is None or not board.overdrawn:
            return
        self.open(SettleDialog(board, self.host), volunteering.settle_overdraw)

    # --- saving -------------------------------------------------------------------------

    def open(
        self,
        dialog: QDialog,
        save: Callable[..., object],
        adjust: Callable[[dict[str, object]], dict[str, object]] | None = None,
    ) -> None:
        """Show `dialog`; what it submits is saved by `save(ws, **values)` in the
        background, closing it when saved and showing a refusal in it."""
        self.error.setText("")
        self.dialog = dialog
        ws = self.session.ws

        def submitted(value: dict[str, object]) -> None:
            if adjust is not None:
                value = adjust(value)
            self.session.tasks.run_db(
                lambda _s: save(ws, **value),
                done=lambda _id: dialog.accept(),
                failed=lambda exc: dialog.error.setText(error_text(exc)),  # type: ignore[attr-defined]
                changes=OpChanges(self.changes),
            )

        dialog.submitted.connect(submitted)  # type: ignore[attr-defined]
        dialog.open()


def _by_need(act: Callable[..., None]) -> Callable[..., object]:
    """A service taking the need's id first, called with the dialog's keyword values."""

    def call(ws: object, *, need_id: str, **rest: object) -> object:
        act(ws, need_id, **rest)
        return need_id

    return call


def _edit_saver(entity: str, record_id: str) -> Callable[..., object]:
    """Saves what an edit form changed (only those fields); an agreement's added
    documents attached to it."""

    def call(ws: object, **changes: object) -> object:
        files = changes.pop("files", [])
        if changes:
            party.edit(ws, entity, record_id, **changes)  # type: ignore[arg-type]
        for path in files:  # type: ignore[attr-defined]
            attach(ws, owner_entity=entity, owner_id=record_id, path=path, caption=path.name)  # type: ignore[arg-type]
        return record_id

    return call


def _withdraw(ws: object, *, entity: str, record_id: str, reason: str) -> object:
    party.withdraw(ws, entity, record_id, reason=reason)  # type: ignore[arg-type]
    return record_id


def _station_offers(board: volunteering.VolunteerBoard, canteen_label: str) -> list[OfferView]:
    """The community's stations as rows of the list (services, opening hours)."""
    out = []
    for station_id, name, canteen in board.stations:
        services, hours = board.station_notes.get(station_id, (None, None))
        kind = "、".join(x for x in (services, canteen_label if canteen else None) if x)
        out.append(OfferView("service_station", station_id, name, kind, hours or "", 0))
    return out


def _promote(ws: object, *, need_id: str, kind: str) -> object:
    return party_coop.promote_need(ws, need_id, kind=kind)  # type: ignore[arg-type]


def _attendance(ws: object, *, activity_id: str, volunteer_id: str, hours: float) -> object:
    return volunteering.record_attendance(ws, activity_id, volunteer_id, hours=hours)  # type: ignore[arg-type]


def _exchange(ws: object, *, volunteer_id: str, **rest: object) -> object:
    return volunteering.exchange_points(ws, volunteer_id, **rest)  # type: ignore[arg-type]
