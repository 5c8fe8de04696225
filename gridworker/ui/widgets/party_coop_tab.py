"""The 三单一协议 tab of the party-building screen: a grid's listed needs (open first) with
what its community offers (agreements, resources, projects), and the dialogs that list a
need, match it to a resource, a project or a reported member, and mark it done."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.records_coop import CoopNeedKind, CoopNeedStatus
from gridworker.services.party_coop import CoopBoard
from gridworker.ui.forms import error_label, set_rows, text_table
from gridworker.ui.widgets import combo


class _Form(QDialog):
    submitted = Signal(dict)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = error_label("error")

    def finish(self) -> None:
        self.form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)

    def _check(self) -> None:
        missing = self.missing()
        self.error.setText(missing)
        if not missing:
            self.submitted.emit(self.value())

    def missing(self) -> str:
        return ""

    def value(self) -> dict[str, object]:
        raise NotImplementedError


class NeedDialog(_Form):
    """A need put on the list: what, which kind, details, for whom."""

    def __init__(self, grid_code: str, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("List a need"), parent)
        self.grid_code = grid_code
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setMinimumWidth(280)
        self.kind = combo("kind", CoopNeedKind.choices(lang))
        self.detail = QPlainTextEdit()
        self.detail.setFixedHeight(60)
        self.beneficiary = QLineEdit()
        self.beneficiary.setObjectName("beneficiary")
        self.form.addRow(self.tr("Need"), self.title)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Detail"), self.detail)
        self.form.addRow(self.tr("For whom"), self.beneficiary)
        self.finish()

    def missing(self) -> str:
        return "" if self.title.text().strip() else self.tr("Say what is needed")

    def value(self) -> dict[str, object]:
        """The keyword arguments of services.party_coop.list_need."""
        return {
            "grid_code": self.grid_code,
            "summary": self.title.text().strip(),
            "kind": self.kind.currentData(),
            "detail": self.detail.toPlainText().strip() or None,
            "beneficiary": self.beneficiary.text().strip() or None,
        }


class ClaimDialog(_Form):
    """Match a need to one resource, project or reported member of the community."""

    def __init__(
        self, need_id: str, title: str, board: CoopBoard, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Match the need"), parent)
        self.need_id = need_id
        kinds = {
            "resource_id": self.tr("Resource"),
            "project_id": self.tr("Project"),
            "member_id": self.tr("Member"),
        }
        self.claimant = QComboBox()
        self.claimant.setObjectName("claimant")
        self.claimant.setMinimumWidth(320)
        for c in board.claimants:
            self.claimant.addItem(f"{kinds[c.field]} · {c.label}", (c.field, c.id))
        self.form.addRow(self.tr("Need"), QLabel(title))
        self.form.addRow(self.tr("Taken on by"), self.claimant)
        self.finish()

    def missing(self) -> str:
        return "" if self.claimant.count() else self.tr("The community offers nothing to match yet")

    def value(self) -> dict[str, object]:
        field, claimant = self.claimant.currentData()
        return {"need_id": self.need_id, field: claimant}


class DoneDialog(_Form):
    """A claimed need is done: how it went."""

    def __init__(self, need_id: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Need done"), parent)
        self.need_id = need_id
        self.outcome = QLineEdit()
        self.outcome.setObjectName("outcome")
        self.outcome.setMinimumWidth(280)
        self.form.addRow(self.tr("Need"), QLabel(title))
        self.form.addRow(self.tr("Outcome"), self.outcome)
        self.finish()

    def value(self) -> dict[str, object]:
        return {"need_id": self.need_id, "outcome": self.outcome.text().strip() or None}


class PromoteDialog(_Form):
    """Put a need found on a visit of the grid on the list."""

    def __init__(self, board: CoopBoard, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Need from a visit"), parent)
        self.need = QComboBox()
        self.need.setObjectName("need")
        self.need.setMinimumWidth(360)
        for need_id, label in board.promotable:
            self.need.addItem(label, need_id)
        self.kind = combo("kind", CoopNeedKind.choices(lang))
        self.kind.setCurrentIndex(self.kind.findData(CoopNeedKind.livelihood.code))
        self.form.addRow(self.tr("Need"), self.need)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.finish()

    def value(self) -> dict[str, object]:
        return {"need_id": self.need.currentData(), "kind": self.kind.currentData()}


class CoopTab(QWidget):
    """The needs of the grid and buttons; the screen loads `board` and saves what the
    dialogs submit."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.board: CoopBoard | None = None
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        self.add_need = QPushButton(self.tr("List a need"))
        self.add_need.setObjectName("add_need")
        self.promote = QPushButton(self.tr("From a visit…"))
        self.promote.setObjectName("promote")
        self.claim = QPushButton(self.tr("Match…"))
        self.claim.setObjectName("claim")
        self.done = QPushButton(self.tr("Mark done…"))
        self.done.setObjectName("done")
        for button in (self.add_need, self.promote, self.claim, self.done):
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        # What the community offers: the resource and project lists and the agreements.
        offers = QHBoxLayout()
        self.add_agreement = QPushButton(self.tr("Sign an agreement…"))
        self.add_agreement.setObjectName("add_agreement")
        self.add_resource = QPushButton(self.tr("Add a resource…"))
        self.add_resource.setObjectName("add_resource")
        self.add_project = QPushButton(self.tr("Add a project…"))
        self.add_project.setObjectName("add_project")
        self.lists = QPushButton(self.tr("Lists…"))
        self.lists.setObjectName("offer_lists")
        for button in (self.add_agreement, self.add_resource, self.add_project, self.lists):
            offers.addWidget(button)
        offers.addStretch(1)
        self.offers = QLabel()
        self.offers.setObjectName("offers")
        offers.addWidget(self.offers)
        box.addLayout(offers)
        self.needs = text_table(
            self.tr("Need"),
            self.tr("Kind"),
            self.tr("Status"),
            self.tr("Listed on"),
            self.tr("Taken on by"),
            self.tr("Done on"),
        )
        self.needs.setObjectName("needs")
        box.addWidget(self.needs, 1)

    def show_board(self, board: CoopBoard) -> None:
        self.board = board
        self.offers.setText(
            self.tr("Community: %1 agreement(s), %2 resource(s), %3 project(s)")
            .replace("%1", str(board.agreements))
            .replace("%2", str(board.resources))
            .replace("%3", str(board.projects))
        )
        set_rows(
            self.needs,
            [
                (
                    n.summary,
                    n.kind.label(self.lang),
                    n.status.label(self.lang),
                    n.listed_on.isoformat(),
                    n.claimant,
                    n.done_on.isoformat() if n.done_on else "",
                )
                for n in board.needs
            ],
        )
        self.needs.resizeColumnsToContents()

    def selected(self, status: CoopNeedStatus) -> tuple[str, str] | None:
        """The selected need's (id, title) when it has `status`."""
        row = self.needs.currentRow()
        if self.board is None or not 0 <= row < len(self.board.needs):
            return None
        need = self.board.needs[row]
        return (need.id, need.summary) if need.status is status else None
