"""The forms that put what a community offers on record (docs/design.md §22.7, §22.8): a
co-building agreement with a partner organization (三单一协议's 协议), a resource of its
resource list, a joint project, and a service station (邻里之家). Each submits the keyword
arguments of its service (services.party_coop.sign_agreement, add_resource, add_project;
services.volunteering.add_station). Filled with a record's values (`fill`), the same form
edits it: `changes()` holds only the fields changed, saved through services.party.edit;
an unsaved-changes guard asks before edits are thrown away. The lists (清单…, 邻里之家…)
open a record for editing or withdraw it with a reason (`WithdrawDialog`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.records_coop import ProjectStatus, ResourceKind
from gridworker.services.attachments import SavedFiles
from gridworker.services.party_coop import OfferView
from gridworker.ui.forms import ChangeGuard, set_rows, text_table
from gridworker.ui.widgets import combo
from gridworker.ui.widgets.party_coop_tab import _Form


def _line(name: str, width: int = 280) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMinimumWidth(width)
    return edit


def _text(edit: QLineEdit | QPlainTextEdit) -> str | None:
    raw = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
    return raw.strip() or None


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class _Until(QWidget):
    """An optional end date: off means open-ended."""

    def __init__(self, name: str, day: date, label: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.on = QCheckBox(label)
        self.on.setObjectName(f"{name}_set")
        self.edit = _date_edit(name, day)
        self.edit.setEnabled(False)
        self.on.toggled.connect(self.edit.setEnabled)
        row.addWidget(self.on)
        row.addWidget(self.edit)
        row.addStretch(1)

    def value(self) -> date | None:
        return _day(self.edit) if self.on.isChecked() else None


def _plain(value: object) -> object:
    """A value as the form holds it (an enum by its code)."""
    return getattr(value, "code", value)


def _set_date(edit: QDateEdit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


class _OfferForm(_Form):
    """A form that enters a record or, filled with one (`fill`), edits it; the guard asks
    before typed edits are thrown away (Esc, Cancel, the close button)."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(title, parent)
        self.guard = ChangeGuard(self)
        self.original: dict[str, Any] | None = None  # the record's values when editing

    def finish(self) -> None:
        super().finish()
        self.guard.watch(*self.findChildren(QLineEdit), *self.findChildren(QPlainTextEdit))
        self.guard.watch(*self.findChildren(QDateEdit), *self.findChildren(QCheckBox))
        self.guard.watch(*self.findChildren(QComboBox))

    def reject(self) -> None:
        if self.guard.confirm_discard(self):
            super().reject()

    def accept(self) -> None:
        self.guard.mark_clean()
        super().accept()

    def fill(self, values: dict[str, Any], title: str) -> None:
        """Show a record's values for editing (not an edit of its own)."""
        self.setWindowTitle(title)
        self.original = dict(values)
        with self.guard.quiet():
            self.load(values)

    def load(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def changes(self) -> dict[str, object]:
        """The fields that differ from the record's (all of `value()` for a new one)."""
        value = self.value()
        if self.original is None:
            return value
        return {
            k: v
            for k, v in value.items()
            if k in self.original and k != "grid_code" and _plain(self.original[k]) != _plain(v)
        }

    def _check(self) -> None:
        missing = self.missing()
        self.error.setText(missing)
        if not missing:
            self.submitted.emit(self.changes() if self.original is not None else self.value())


def _fill_until(until: _Until, day: date | None) -> None:
    until.on.setChecked(day is not None)
    if day is not None:
        _set_date(until.edit, day)


def _fill_combo(box: Any, value: object) -> None:
    index = box.findData(_plain(value))
    if index >= 0:
        box.setCurrentIndex(index)


class AgreementDialog(_OfferForm):
    """A co-building agreement (共建协议) of the community with a partner organization."""

    def __init__(
        self, grid_code: str, community: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Sign an agreement"), parent)
        self.grid_code = grid_code
        self.community = _line("community")
        self.community.setText(community)
        self.partner = _line("partner")
        self.signed_on = _date_edit("signed_on", today)
        self.starts_on = _date_edit("starts_on", today)
        self.ends_on = _Until("ends_on", date(today.year + 1, today.month, 1), self.tr("until"))
        self.content = QPlainTextEdit()
        self.content.setObjectName("content")
        self.content.setFixedHeight(60)
        self.form.addRow(self.tr("Community"), self.community)
        self.form.addRow(self.tr("Partner organization"), self.partner)
        self.form.addRow(self.tr("Signed on"), self.signed_on)
        self.form.addRow(self.tr("Runs from"), self.starts_on)
        self.form.addRow("", self.ends_on)
        self.form.addRow(self.tr("What it covers"), self.content)
        self.files: list[Path] = []
        files_row = QHBoxLayout()
        self.add_files = QPushButton(self.tr("Add the document…"))
        self.add_files.setObjectName("agreement_add_files")
        self.add_files.clicked.connect(self.pick_files)
        self.files_label = QLabel(self.tr("none"))
        self.files_label.setWordWrap(True)
        files_row.addWidget(self.add_files)
        files_row.addWidget(self.files_label, 1)
        self.form.addRow(self.tr("Document"), files_row)
        self.finish()

    def load(self, values: dict[str, Any]) -> None:
        self.community.setText(values["community"])
        self.partner.setText(values["partner"])
        _set_date(self.signed_on, values["signed_on"])
        _set_date(self.starts_on, values["starts_on"])
        _fill_until(self.ends_on, values["ends_on"])
        self.content.setPlainText(values["content"] or "")
        self.add_files.setText(self.tr("Add another document…"))

    def changes(self) -> dict[str, object]:
        changed = super().changes()
        if self.original is not None and self.files:
            changed["files"] = list(self.files)  # attached to the agreement as it is saved
        return changed

    def pick_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("The agreement's document"))
        self.set_files(self.files + [Path(p) for p in paths if Path(p) not in self.files])

    def set_files(self, files: list[Path]) -> None:
        self.files = list(files)
        self.files_label.setText("、".join(f.name for f in self.files) or self.tr("none"))

    def missing(self) -> str:
        if not self.community.text().strip() or not self.partner.text().strip():
            return self.tr("Name the community and the partner")
        return ""

    def value(self) -> dict[str, object]:
        return {
            "grid_code": self.grid_code,
            "community": self.community.text().strip(),
            "partner": self.partner.text().strip(),
            "signed_on": _day(self.signed_on),
            "starts_on": _day(self.starts_on),
            "ends_on": self.ends_on.value(),
            "content": _text(self.content),
            "files": list(self.files),
        }


class ResourceDialog(_OfferForm):
    """A resource a partner offers (资源清单): people, a venue, funds, goods or skills."""

    def __init__(self, grid_code: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add a resource"), parent)
        self.grid_code = grid_code
        self.partner = _line("partner")
        self.kind = combo("kind", ResourceKind.choices(lang))
        self.description = _line("description")
        self.contact = _line("contact", 160)
        self.contact_phone = _line("contact_phone", 160)
        self.form.addRow(self.tr("Offered by"), self.partner)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("What"), self.description)
        self.form.addRow(self.tr("Contact"), self.contact)
        self.form.addRow(self.tr("Phone"), self.contact_phone)
        self.finish()

    def load(self, values: dict[str, Any]) -> None:
        self.partner.setText(values["partner"])
        _fill_combo(self.kind, values["kind"])
        self.description.setText(values["description"])
        self.contact.setText(values["contact"] or "")
        self.contact_phone.setText(values["contact_phone"] or "")

    def missing(self) -> str:
        if not self.partner.text().strip() or not self.description.text().strip():
            return self.tr("Say who offers what")
        return ""

    def value(self) -> dict[str, object]:
        return {
            "grid_code": self.grid_code,
            "partner": self.partner.text().strip(),
            "kind": self.kind.currentData(),
            "description": self.description.text().strip(),
            "contact": _text(self.contact),
            "contact_phone": _text(self.contact_phone),
        }


class ProjectDialog(_OfferForm):
    """A joint project (项目清单) with its partners, period and status."""

    def __init__(
        self, grid_code: str, lang: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Add a project"), parent)
        self.grid_code = grid_code
        self.name = _line("name")
        self.partners = _line("partners")
        self.starts_on = _date_edit("starts_on", today)
        self.ends_on = _Until("ends_on", today, self.tr("until"))
        self.status = combo("status", ProjectStatus.choices(lang))
        self.description = QPlainTextEdit()
        self.description.setObjectName("description")
        self.description.setFixedHeight(60)
        self.form.addRow(self.tr("Project"), self.name)
        self.form.addRow(self.tr("Partners"), self.partners)
        self.form.addRow(self.tr("Runs from"), self.starts_on)
        self.form.addRow("", self.ends_on)
        self.form.addRow(self.tr("Status"), self.status)
        self.form.addRow(self.tr("Description"), self.description)
        self.finish()

    def load(self, values: dict[str, Any]) -> None:
        self.name.setText(values["name"])
        self.partners.setText(values["partners"])
        _set_date(self.starts_on, values["starts_on"])
        _fill_until(self.ends_on, values["ends_on"])
        _fill_combo(self.status, values["status"])
        self.description.setPlainText(values["description"] or "")

    def missing(self) -> str:
        if not self.name.text().strip() or not self.partners.text().strip():
            return self.tr("Name the project and its partners")
        return ""

    def value(self) -> dict[str, object]:
        return {
            "grid_code": self.grid_code,
            "name": self.name.text().strip(),
            "partners": self.partners.text().strip(),
            "starts_on": _day(self.starts_on),
            "ends_on": self.ends_on.value(),
            "status": self.status.currentData(),
            "description": _text(self.description),
        }


class ServiceStationDialog(_OfferForm):
    """A neighbourhood service station (邻里之家): its services, canteen and opening hours."""

    def __init__(self, grid_code: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Register a service station"), parent)
        self.grid_code = grid_code
        self.name = _line("name")
        self.address = _line("address")
        self.services = _line("services")
        self.services.setPlaceholderText(self.tr("e.g. reading room, TCM therapy"))
        self.canteen = QCheckBox(self.tr("Community canteen"))
        self.canteen.setObjectName("canteen")
        self.opening_hours = _line("opening_hours", 200)
        self.manager = _line("manager", 160)
        self.phone = _line("phone", 160)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Address"), self.address)
        self.form.addRow(self.tr("Services"), self.services)
        self.form.addRow("", self.canteen)
        self.form.addRow(self.tr("Opening hours"), self.opening_hours)
        self.form.addRow(self.tr("Manager"), self.manager)
        self.form.addRow(self.tr("Phone"), self.phone)
        self.finish()

    def load(self, values: dict[str, Any]) -> None:
        self.name.setText(values["name"])
        self.address.setText(values["address"] or "")
        self.services.setText(values["services"] or "")
        self.canteen.setChecked(bool(values["canteen"]))
        self.opening_hours.setText(values["opening_hours"] or "")
        self.manager.setText(values["manager"] or "")
        self.phone.setText(values["phone"] or "")

    def missing(self) -> str:
        return "" if self.name.text().strip() else self.tr("Name the station")

    def value(self) -> dict[str, object]:
        return {
            "grid_code": self.grid_code,
            "name": self.name.text().strip(),
            "address": _text(self.address),
            "services": _text(self.services),
            "canteen": self.canteen.isChecked(),
            "opening_hours": _text(self.opening_hours),
            "manager": _text(self.manager),
            "phone": _text(self.phone),
        }


class OffersDialog(QDialog):
    """The community's agreements, resources and projects as lists; an agreement's document
    saved into a folder the reader picks."""

    save_requested = Signal(str, Path)  # agreement id, folder
    edit_requested = Signal(str, str)  # entity, record id
    withdraw_requested = Signal(str, str)  # entity, record id

    def __init__(
        self, offers: list[OfferView], parent: QWidget | None = None, title: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Agreements, resources and projects"))
        self.setMinimumSize(720, 360)
        self.offers = offers
        box = QVBoxLayout(self)
        self.kinds = {
            "coop_agreement": self.tr("Agreement"),
            "coop_resource": self.tr("Resource"),
            "coop_project": self.tr("Project"),
            "service_station": self.tr("Service station"),
        }
        self.table = text_table(
            self.tr("List"),
            self.tr("Kind / status"),
            self.tr("Period"),
            self.tr("Files"),
            self.tr("Name"),
        )
        self.table.setObjectName("offers_table")
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.edit = QPushButton(self.tr("Edit…"))
        self.edit.setObjectName("offers_edit")
        self.edit.clicked.connect(self._edit)
        self.withdraw = QPushButton(self.tr("Withdraw…"))
        self.withdraw.setObjectName("offers_withdraw")
        self.withdraw.clicked.connect(self._withdraw)
        row.addWidget(self.edit)
        row.addWidget(self.withdraw)
        self.save = QPushButton(self.tr("Save the document…"))
        self.save.setObjectName("offers_save")
        self.save.clicked.connect(self.pick_folder)
        self.message = QLabel()
        self.message.setObjectName("offers_message")
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(self.save)
        row.addWidget(self.message, 1)
        row.addWidget(close)
        box.addLayout(row)
        self.table.currentCellChanged.connect(lambda *_: self._follow())
        self.show_offers(offers)

    def show_offers(self, offers: list[OfferView]) -> None:
        """The rows (again after an edit or a withdrawal), the same record kept selected."""
        kept = self.current()
        self.offers = offers
        rows = [
            (self.kinds[o.entity], o.kind, o.period, str(o.files) if o.files else "", o.name)
            for o in offers
        ]
        set_rows(self.table, rows)
        self.table.resizeColumnsToContents()
        ids = [o.id for o in offers]
        if kept is not None and kept.id in ids:
            self.table.selectRow(ids.index(kept.id))
        self._follow()

    def current(self) -> OfferView | None:
        row = self.table.currentRow()
        return self.offers[row] if 0 <= row < len(self.offers) else None

    def _follow(self) -> None:
        offer = self.current()
        self.save.setEnabled(offer is not None and offer.files > 0)
        self.edit.setEnabled(offer is not None)
        self.withdraw.setEnabled(offer is not None)

    def _edit(self) -> None:
        offer = self.current()
        if offer is not None:
            self.message.setText("")
            self.edit_requested.emit(offer.entity, offer.id)

    def _withdraw(self) -> None:
        offer = self.current()
        if offer is not None:
            self.message.setText("")
            self.withdraw_requested.emit(offer.entity, offer.id)

    def pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save the document in"))
        if folder:
            self.save_to(Path(folder))

    def save_to(self, folder: Path) -> None:
        offer = self.current()
        if offer is not None and offer.files:
            self.save_requested.emit(offer.id, folder)

    def saved(self, result: SavedFiles) -> None:
        text = self.tr("%1 files saved in %2").replace("%1", str(len(result.saved)))
        text = text.replace("%2", str(result.saved[0].parent) if result.saved else "")
        if result.waiting:
            waiting = self.tr("%1 not downloaded yet (the next sync brings them)")
            text += "；" + waiting.replace("%1", str(result.waiting))
        self.message.setText(text)


class WithdrawDialog(_Form):
    """Withdraw (撤销) a record of the lists: why, asked before it goes."""

    def __init__(
        self, entity: str, record_id: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Withdraw"), parent)
        self.entity, self.record_id = entity, record_id
        text = self.tr("Withdraw “%1”? It leaves the list on every laptop.")
        what = QLabel(text.replace("%1", name))
        what.setWordWrap(True)
        self.form.addRow(what)
        self.reason = _line("reason")
        self.form.addRow(self.tr("Reason"), self.reason)
        self.finish()

    def missing(self) -> str:
        return "" if self.reason.text().strip() else self.tr("Say why it is withdrawn")

    def value(self) -> dict[str, object]:
        return {"entity": self.entity, "record_id": self.record_id, "reason": self.reason.text()}
