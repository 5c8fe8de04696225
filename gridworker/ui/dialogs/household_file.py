"""一户一档: one household's file on one screen — the household, its members (those who
moved out or died too, with their tags and the dates they ran) and everything recorded
about it in time order (services/household_file.py); printable as a PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.household_file import FileMember, HouseholdFile
from gridworker.services.printing import print_household
from gridworker.ui.forms import empty_hint, error_text, hint_label, set_rows, text_table
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.printing import ask_save_path

DEPARTED_COLOR = QColor("#9a3412")


class HouseholdFileDialog(QDialog):
    """The file of one household (`data` from services.household_file)."""

    def __init__(
        self, session: AppSession, data: HouseholdFile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.data = session, data
        self.lang = current_language()
        self.setWindowTitle(self.tr("Household file") + f" · {data.address}")
        self.resize(1100, 680)
        layout = QVBoxLayout(self)
        title = QLabel(data.address)
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        title.setWordWrap(True)
        layout.addWidget(title)
        facts = QFormLayout()
        lang = self.lang
        grid = f"{data.grid_name}  {data.grid_code}" if data.grid_name else data.grid_code
        economy = [e.label(lang) for e in (data.economic_status, data.residence_type) if e]
        for label, value in (
            (self.tr("Grid"), grid),
            (self.tr("Household no."), data.household_no),
            (self.tr("Flat"), data.flat or "—"),
            (self.tr("Head"), data.head_name or "—"),
            (self.tr("Phone"), data.phone_masked or "—"),
            (self.tr("Economy / residence"), " / ".join(economy) or "—"),
        ):
            facts.addRow(label, QLabel(value))
        layout.addLayout(facts)
        layout.addWidget(QLabel(self.tr("Members")))
        self.members = text_table(
            self.tr("Name"),
            self.tr("Gender"),
            self.tr("Relationship"),
            self.tr("ID number"),
            self.tr("Phone"),
            self.tr("Status"),
            self.tr("Tags"),
        )
        self.members.setObjectName("members")
        set_rows(self.members, [self._member_row(m) for m in data.members])
        for n, member in enumerate(data.members):
            if member.life_status is not None and not member.life_status.active:
                for column in range(self.members.columnCount()):
                    item = self.members.item(n, column)
                    if item is not None:
                        item.setForeground(QBrush(DEPARTED_COLOR))
        self.members.resizeColumnsToContents()
        empty_hint(self.members, self.tr("No member registered."))
        layout.addWidget(self.members, 2)
        layout.addWidget(QLabel(self.tr("Record, in time order")))
        self.entries = text_table(self.tr("When"), self.tr("Kind"), self.tr("Who"), self.tr("What"))
        self.entries.setObjectName("entries")
        set_rows(self.entries, [[e.at, e.kind, e.who, e.text] for e in data.entries])
        self.entries.resizeColumnsToContents()
        self.entries.setWordWrap(True)
        empty_hint(self.entries, self.tr("Nothing recorded yet."))
        layout.addWidget(self.entries, 3)
        self.status = hint_label()
        self.status.setObjectName("status")
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        # 分户 / 并户 for the roles that write the register (set_split_actions).
        self.split_button = QPushButton(self.tr("Split household…"))
        self.split_button.setObjectName("split")
        self.merge_button = QPushButton(self.tr("Merge into another household…"))
        self.merge_button.setObjectName("merge")
        for button in (self.split_button, self.merge_button):
            button.setVisible(False)
            row.addWidget(button)
        self.print_button = QPushButton(self.tr("Print (PDF)…"))
        self.print_button.setObjectName("print")
        self.print_button.clicked.connect(self.print_pdf)
        row.addWidget(self.print_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)

    def set_split_actions(
        self, writes: bool, split: Callable[[], None], merge: Callable[[], None]
    ) -> None:
        """Offer 分户 and 并户 (when `writes`): the file closes and the form opens."""
        for button, act in ((self.split_button, split), (self.merge_button, merge)):
            button.setVisible(writes)
            button.clicked.connect(lambda _c=False, act=act: self._close_then(act))

    def _close_then(self, act: Callable[[], None]) -> None:
        self.accept()
        act()

    def _member_row(self, m: FileMember) -> list[str]:
        lang = self.lang
        tags = []
        for t in m.tags:
            label = t.tag.label(lang)
            if t.end is not None:
                label += self.tr(" (until %1)").replace("%1", t.end.isoformat())
            tags.append(label)
        return [
            m.name,
            m.gender.label(lang) if m.gender else "",
            m.relationship.label(lang) if m.relationship else "",
            m.id_masked or "",
            m.phone_masked or "",
            m.life_status.label(lang) if m.life_status else self.tr("Registered"),
            "、".join(tags),
        ]

    def print_pdf(self) -> None:
        """Ask where, then write the 一户一档 PDF in the background (audit-logged)."""
        name = "".join(c for c in self.data.address if c not in '\\/:*?"<>|')[:40]
        path = ask_save_path(
            self, self.tr("Save PDF"), f"一户一档_{name}.pdf", self.tr("PDF files (*.pdf)")
        )
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        ws, hid = self.session.ws, self.data.id
        self.print_button.setEnabled(False)
        self.session.tasks.run_db(
            lambda _s: print_household(ws, hid, path), done=self._printed, failed=self._failed
        )

    def _printed(self, path: Path) -> None:
        self.print_button.setEnabled(True)
        self.status.setText(self.tr("Saved to %1").replace("%1", str(path)))

    def _failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        self.status.setText(error_text(exc, self.lang))
