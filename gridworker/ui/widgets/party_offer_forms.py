"""The forms that put what a community offers on record (docs/design.md §22.7, §22.8): a
co-building agreement with a partner organization (三单一协议's 协议), a resource of its
resource list, a joint project, and a service station (邻里之家). Each submits the keyword
arguments of its service (services.party_coop.sign_agreement, add_resource, add_project;
services.volunteering.add_station)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from gridworker.ui.forms import set_rows, text_table
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


class AgreementDialog(_Form):
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


class ResourceDialog(_Form):
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


class ProjectDialog(_Form):
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


class ServiceStationDialog(_Form):
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

    def __init__(self, offers: list[OfferView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Agreements, resources and projects"))
        self.setMinimumSize(720, 360)
        self.offers = offers
        box = QVBoxLayout(self)
        kinds = {
            "coop_agreement": self.tr("Agreement"),
            "coop_resource": self.tr("Resource"),
            "coop_project": self.tr("Project"),
        }
        self.table = text_table(
            self.tr("List"),
            self.tr("Kind / status"),
            self.tr("Period"),
            self.tr("Files"),
            self.tr("Name"),
        )
        self.table.setObjectName("offers_table")
        set_rows(
            self.table,
            [
                (kinds[o.entity], o.kind, o.period, str(o.files) if o.files else "", o.name)
                for o in offers
            ],
        )
        self.table.resizeColumnsToContents()
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
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
        self._follow()

    def current(self) -> OfferView | None:
        row = self.table.currentRow()
        return self.offers[row] if 0 <= row < len(self.offers) else None

    def _follow(self) -> None:
        offer = self.current()
        self.save.setEnabled(offer is not None and offer.files > 0)

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
