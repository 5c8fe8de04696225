"""One rectification on the hazard desk: the finding, the fix, the photos before and after,
and the supervisor's decision (复查通过, 销号, 退回重新整改), each a service call in a
database task."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import CloseBasis, RectificationStatus
from gridworker.services import hazard_desk, inspections
from gridworker.services.attachments import attach
from gridworker.services.case_queries import PhotoThumb
from gridworker.services.hazard_desk import RectificationDetail
from gridworker.ui.forms import EnumCombo, error_label, error_text, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.photos import IMAGE_FILTER

DESK_CHANGES = OpChanges(
    frozenset({"rectification", "inspection", "inspection_item", "attachment"})
)
THUMB = 96
OVERDUE = QColor("#b3261e")


class ThumbRow(QWidget):
    """Read-only thumbnails (decrypted in memory by the service, never on disk)."""

    def __init__(self, empty_text: str) -> None:
        super().__init__()
        self.empty_text = empty_text
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.count = 0

    def show_thumbs(self, thumbs: list[PhotoThumb]) -> None:
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.count = len(thumbs)
        if not thumbs:
            self.row.addWidget(hint_label(self.empty_text))
        for thumb in thumbs:
            label = QLabel()
            label.setObjectName("thumbnail")
            label.setFixedSize(THUMB, THUMB)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("border: 1px solid #9ca3af; background: white;")
            image = QImage.fromData(thumb.png) if thumb.png else QImage()
            if image.isNull():
                label.setText(thumb.mime)
            else:
                label.setPixmap(
                    QPixmap.fromImage(image).scaled(
                        THUMB - 4,
                        THUMB - 4,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
            label.setToolTip(thumb.caption or "")
            self.row.addWidget(label)
        self.row.addStretch(1)


class RectificationReview(QScrollArea):
    """One rectification: the finding, the fix, the photos and the supervisor's decision.
    With none chosen it says so (an empty state, not an empty form)."""

    acted = Signal(str)  # what was done, to show
    closed_out = Signal(str)  # the rectification's id, once 销号 is recorded

    def __init__(self, session: AppSession) -> None:
        super().__init__()
        self.session = session
        self.lang = current_language()
        self.detail: RectificationDetail | None = None
        self.zone = session.zone
        self.setWidgetResizable(True)
        self.pages = QStackedWidget()
        self.empty = hint_label(self.tr("Choose a rectification in the list to review it."))
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.empty)
        body = QWidget()
        self.pages.addWidget(body)
        box = QVBoxLayout(body)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        facts = QFormLayout()
        self.facts = {
            k: QLabel()
            for k in ("grid", "address", "item", "deadline", "status", "person", "measures")
        }
        for key, text in (
            ("grid", self.tr("Grid")),
            ("address", self.tr("Address")),
            ("item", self.tr("Item to fix")),
            ("deadline", self.tr("Deadline")),
            ("status", self.tr("Status")),
            ("person", self.tr("Responsible person")),
            ("measures", self.tr("Measures taken")),
        ):
            self.facts[key].setWordWrap(True)
            facts.addRow(text, self.facts[key])
        box.addLayout(facts)
        finding = QGroupBox(self.tr("Inspection that found it"))
        finding_box = QVBoxLayout(finding)
        self.inspection_label = QLabel()
        self.inspection_label.setWordWrap(True)
        finding_box.addWidget(self.inspection_label)
        self.failed = QLabel()
        self.failed.setObjectName("failedItems")
        self.failed.setWordWrap(True)
        self.failed.setTextFormat(Qt.TextFormat.RichText)
        finding_box.addWidget(self.failed)
        box.addWidget(finding)
        photos = QGroupBox(self.tr("Photos"))
        pair = QHBoxLayout(photos)
        self.before = ThumbRow(self.tr("No photo before the fix"))
        self.after = ThumbRow(self.tr("No photo after the fix yet"))
        self.add_photo_button = QPushButton(self.tr("Add photo after the fix…"))
        self.add_photo_button.clicked.connect(self.pick_after_photos)
        for caption, thumbs, extra in (
            (self.tr("Before the fix"), self.before, None),
            (self.tr("After the fix"), self.after, self.add_photo_button),
        ):
            column = QVBoxLayout()
            column.addWidget(QLabel(caption))
            column.addWidget(thumbs)
            if extra is not None:
                column.addWidget(extra, 0, Qt.AlignmentFlag.AlignLeft)
            column.addStretch(1)
            pair.addLayout(column, 1)
        box.addWidget(photos)
        self.reviews = QLabel()
        self.reviews.setWordWrap(True)
        box.addWidget(self.reviews)
        box.addWidget(self._build_actions())
        self.message = error_label("message")
        box.addWidget(self.message)
        box.addStretch(1)
        self.setWidget(self.pages)

    def _build_actions(self) -> QWidget:
        actions = QGroupBox(self.tr("Decision"))
        form = QVBoxLayout(actions)
        verify_row = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Re-inspected: fixed"))
        self.verify_button.setObjectName("verify")
        self.verify_button.setToolTip(self.tr("You checked the reported fix on site and it holds"))
        self.verify_button.clicked.connect(self.verify)
        verify_row.addWidget(self.verify_button)
        verify_row.addStretch(1)
        form.addLayout(verify_row)
        close_row = QHBoxLayout()
        close_row.addWidget(QLabel(self.tr("Close out on")))
        self.basis = EnumCombo(CloseBasis, self.lang)
        self.basis.currentIndexChanged.connect(lambda _i: self._update_buttons())
        close_row.addWidget(self.basis)
        self.close_button = QPushButton(self.tr("Close out"))
        self.close_button.setObjectName("close_out")
        self.close_button.clicked.connect(self.close_out)
        close_row.addWidget(self.close_button)
        close_row.addStretch(1)
        form.addLayout(close_row)
        self.close_hint = hint_label()
        form.addWidget(self.close_hint)
        refuse_row = QHBoxLayout()
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Why it is not fixed (required to refuse)"))
        self.new_deadline_check = QCheckBox(self.tr("New deadline"))
        self.new_deadline = QDateEdit()
        self.new_deadline.setCalendarPopup(True)
        self.new_deadline.setEnabled(False)
        self.new_deadline_check.toggled.connect(self.new_deadline.setEnabled)
        self.refuse_button = QPushButton(self.tr("Refuse: fix again"))
        self.refuse_button.setObjectName("refuse")
        self.refuse_button.clicked.connect(self.refuse)
        for widget in (self.reason, self.new_deadline_check, self.new_deadline):
            refuse_row.addWidget(widget)
        refuse_row.addWidget(self.refuse_button)
        form.addLayout(refuse_row)
        return actions

    # --- showing ---------------------------------------------------------------------

    def clear(self) -> None:
        """No rectification chosen: the empty state."""
        self.detail = None
        self.message.setText("")
        self.pages.setCurrentWidget(self.empty)

    def load(self, rectification_id: str) -> None:
        ws = self.session.ws
        self.zone = ws.zone  # the answer may arrive after a lock
        self.session.tasks.run_db(
            lambda _s: hazard_desk.rectification_detail(ws, rectification_id),
            done=self.show_detail,
            failed=self._failed,
        )

    def show_detail(self, detail: RectificationDetail) -> None:
        self.detail = detail
        self.pages.setCurrentIndex(1)
        lang, item = self.lang, detail.item
        grade = f" · {item.danger_grade.label(lang)}" if item.danger_grade else ""
        self.title.setText(f"{item.site_name}（{item.site_kind.label(lang)}{grade}）")
        self.facts["grid"].setText(item.grid_code)
        self.facts["address"].setText(detail.site_address or "—")
        text = (
            detail.item_text.get("zh" if lang.startswith("zh") else "en")
            if detail.item_text
            else ""
        )
        self.facts["item"].setText(
            f"{item.description}\n{text}".strip() if text else item.description
        )
        late = (
            self.tr(" (overdue %1 days)").replace("%1", str(item.days_overdue))
            if item.overdue
            else ""
        )
        self.facts["deadline"].setText(item.deadline.isoformat() + late)
        self.facts["deadline"].setStyleSheet("color: #b3261e;" if item.overdue else "")
        self.facts["status"].setText(item.status.label(lang))
        person = " ".join(
            p for p in (detail.responsible_person, detail.responsible_phone_masked) if p
        )
        self.facts["person"].setText(person or "—")
        self.facts["measures"].setText(detail.measures or "—")
        zone = self.zone
        if detail.inspection is not None:
            i = detail.inspection
            self.inspection_label.setText(
                f"{i.inspected_at.astimezone(zone):%Y-%m-%d %H:%M} · {i.kind.label(lang)} · "
                f"{i.inspector} · {i.result.label(lang) if i.result else '—'}"
            )
        lines = []
        for failed in detail.failed_items:
            label = failed.text.get("zh" if lang.startswith("zh") else "en") if failed.text else ""
            note = f"：{failed.note}" if failed.note else ""
            # The item by what it says (its code only when the template has no text).
            line = html.escape(f"✗ {label or failed.code}{note}")
            # The item this rectification is about stands out from the other failures.
            lines.append(
                f'<span style="color:#b3261e">{line}</span>'
                if failed.code == item.item_code
                else line
            )
        self.failed.setText("<br>".join(lines))
        self.before.show_thumbs(detail.before_photos)
        self.after.show_thumbs(detail.after_photos)
        self.reviews.setText(
            "\n".join(
                f"{r.inspected_at.astimezone(zone):%Y-%m-%d %H:%M} {r.kind.label(lang)} "
                f"{r.inspector}：{r.result.label(lang) if r.result else '—'}"
                + (f"（{r.note}）" if r.note else "")
                for r in detail.reviews
            )
        )
        if self.new_deadline_check.isChecked() is False:
            today = self.session.ws.today() if not self.session.locked else None
            if today is not None:  # a week from today, the district's today
                self.new_deadline.setDate(QDate(today.year, today.month, today.day).addDays(7))
        self._update_buttons()

    def _update_buttons(self) -> None:
        detail = self.detail
        status = detail.item.status if detail else None
        self.verify_button.setEnabled(status is RectificationStatus.done)
        self.refuse_button.setEnabled(
            status in (RectificationStatus.done, RectificationStatus.verified)
        )
        self.add_photo_button.setEnabled(
            detail is not None and status is not RectificationStatus.closed
        )
        basis = self.basis.value()
        problem = detail.close_out_problem(basis) if detail and basis else None
        self.close_button.setEnabled(detail is not None and problem is None)
        self.close_hint.setText(problem.message(self.lang) if problem else "")
        self.close_hint.setVisible(problem is not None)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(error_text(exc))

    # --- acting ----------------------------------------------------------------------

    def _run(
        self, work: Callable[[], object], done_text: str, *, closing: bool = False
    ) -> None:
        assert self.detail is not None
        rect_id = self.detail.item.id
        self.message.setText("")

        def done(_result: object) -> None:
            self.reason.clear()  # only once the decision is recorded
            self.acted.emit(done_text)
            if closing:  # it leaves the list: the desk clears the pane and the selection
                self.closed_out.emit(rect_id)
            else:
                self.load(rect_id)

        self.session.tasks.run_db(
            lambda _s: work(), done=done, failed=self._failed, changes=DESK_CHANGES
        )

    def verify(self) -> None:
        ws, rect = self.session.ws, self.detail.item.id if self.detail else ""
        self._run(
            lambda: inspections.verify_rectification(ws, rect),
            self.tr("Re-inspection recorded: awaiting close-out"),
        )

    def close_out(self) -> None:
        """销号, once the supervisor confirms: it cannot be undone from the desk."""
        if self.detail is None:
            return
        ws, item = self.session.ws, self.detail.item
        basis = self.basis.value()
        question = (
            self.tr("Close out “%1” at %2 on the basis “%3”? A closed-out item cannot be reopened.")
            .replace("%1", item.description)
            .replace("%2", item.site_name)
            .replace("%3", basis.label(self.lang) if basis else "")
        )
        answer = QMessageBox.question(
            self,
            self.tr("Close out"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = self.tr("Closed out: %1 (%2)").replace("%1", item.description)
        self._run(
            lambda: hazard_desk.close_out(ws, item.id, basis=basis),
            done.replace("%2", item.site_name),
            closing=True,
        )

    def refuse(self) -> None:
        ws, rect = self.session.ws, self.detail.item.id if self.detail else ""
        reason = self.reason.text()
        picked = self.new_deadline.date()
        deadline = (
            date(picked.year(), picked.month(), picked.day())
            if self.new_deadline_check.isChecked()
            else None
        )

        def work() -> str:
            return inspections.refuse_close_out(ws, rect, reason=reason, new_deadline=deadline)

        self._run(work, self.tr("Sent back to be fixed again"))

    def pick_after_photos(self) -> None:
        paths, _f = QFileDialog.getOpenFileNames(
            self, self.tr("Photos after the fix"), "", f"({IMAGE_FILTER})"
        )
        self.add_after_photos([Path(p) for p in paths])

    def add_after_photos(self, paths: list[Path]) -> None:
        """Store photos on the rectification (encrypted; GPS kept: they are evidence)."""
        if self.detail is None or not paths:
            return
        ws, rect = self.session.ws, self.detail.item.id
        self._run(
            lambda: [
                attach(
                    ws,
                    owner_entity="rectification",
                    owner_id=rect,
                    path=p,
                    caption=p.name,
                    is_evidence=True,
                    photo=True,
                )
                for p in paths
            ],
            self.tr("Photo added"),
        )
