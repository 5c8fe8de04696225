"""Small form helpers shared by the register and visit screens.

- `FieldForm`: a form whose rows show their validation message beside the field,
  in the app's language (the domain's `DomainError.message(lang)`).
- `ChangeGuard`: notices edits, and asks "Discard changes?" before they are lost.
- `GuardedDialog`: a dialog whose Esc, Cancel and close button go through the guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from gridworker.domain.enums import LabeledEnum
from gridworker.domain.errors import DomainError
from gridworker.services.errors import user_message
from gridworker.ui.i18n import current_language
from gridworker.ui.tasks import OpChanges, TaskManager

ERROR_STYLE = "color: #b3261e;"
ERROR_WIDTH = 250


TRANSIENT = "transientMessage"  # a label whose text belongs to one visit of its page


def transient(label: QLabel) -> QLabel:
    """Mark `label` as a passing message: its screen clears it when the page is left, so a
    message never carries over to the next time (or the next page)."""
    label.setProperty(TRANSIENT, True)
    return label


def error_label(name: str = "") -> QLabel:
    """A red, word-wrapped label for a validation or service message (transient)."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return transient(label)


class EnumCombo(QComboBox):
    """A pick list of enum members by label; `value()` is the member (None for the blank).

    Members are kept in Python: item data would turn a StrEnum into a plain str."""

    def __init__(
        self, members: Iterable[LabeledEnum], lang: str, *, none_label: str | None = None
    ) -> None:
        super().__init__()
        self.members: list[Any] = [None] if none_label is not None else []
        self.members += list(members)
        for m in self.members:
            self.addItem(m.label(lang) if m is not None else str(none_label), m and m.code)

    def value(self) -> Any:
        index = self.currentIndex()
        return self.members[index] if 0 <= index < len(self.members) else None

    def set_value(self, value: object) -> None:
        """Select the member equal to `value` (a member or its code); the first item if none."""
        self.setCurrentIndex(self.members.index(value) if value in self.members else 0)


class EnumChecklist(QListWidget):
    """Check boxes for several enum members (e.g. tags), flowing left to right."""

    def __init__(self, members: Iterable[LabeledEnum], lang: str, *, height: int = 124) -> None:
        super().__init__()
        self.members = list(members)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFixedHeight(height)
        for member in self.members:
            item = QListWidgetItem(member.label(lang))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)

    def values(self) -> list[Any]:
        checked = Qt.CheckState.Checked
        return [m for row, m in enumerate(self.members) if self.item(row).checkState() == checked]


def error_text(exc: BaseException, lang: str | None = None) -> str:
    """What to show for a refused or failed task, in `lang` (default: the UI language): the
    coded message, or the catalogue's words for the kind of failure; never the exception's
    raw (English, technical) text (services/errors.py)."""
    return user_message(exc, lang or current_language())


def hint_label(text: str = "") -> QLabel:
    """Grey helper text (empty states, hints, draft status)."""
    label = QLabel(text)
    label.setStyleSheet("color: #6b7280")
    label.setWordWrap(True)
    return label


def search_box(placeholder: str, search: Callable[[], None], *, delay_ms: int = 300) -> QLineEdit:
    """A search field that runs `search` once typing pauses, or at once on Enter."""
    box = QLineEdit()
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    timer = QTimer(box, singleShot=True, interval=delay_ms)
    timer.timeout.connect(search)
    box.textEdited.connect(lambda _t: timer.start())
    box.returnPressed.connect(timer.stop)
    box.returnPressed.connect(search)
    return box


class EmptyHint(QObject):
    """Says so over an item view while it has no rows ("no households match"), instead of
    an empty white box; hidden while a paged model is still loading."""

    def __init__(self, view: QAbstractItemView, text: str | Callable[[], str]) -> None:
        super().__init__(view)
        self.view = view
        self.text = text
        self.label = QLabel(view.viewport())
        self.label.setObjectName("emptyHint")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #6b7280; background: transparent;")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.update)
        model.layoutChanged.connect(self.update)
        loaded = getattr(model, "loaded", None)
        if loaded is not None:
            loaded.connect(self.update)
        self.update()

    def update(self, *_args: object) -> None:
        if not shiboken6.isValid(self.view) or not shiboken6.isValid(self.label):
            return  # the view is being destroyed (its model says its rows went)
        model = self.view.model()
        empty = model.rowCount() == 0 and not getattr(model, "loading", False)
        if empty:
            self.label.setText(self.text() if callable(self.text) else self.text)
            self.label.setGeometry(self.view.viewport().rect().adjusted(12, 12, -12, -12))
        self.label.setVisible(empty)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self.view.viewport().rect().adjusted(12, 12, -12, -12))
        return False


def empty_hint(view: QAbstractItemView, text: str | Callable[[], str]) -> EmptyHint:
    """Show `text` over `view` whenever it has no rows (see EmptyHint)."""
    return EmptyHint(view, text)


def table_view(model: QAbstractItemModel) -> QTableView:
    """A list of records over a model: whole rows, one at a time, no row numbers."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    return view


def text_table(*headers: str) -> QTableWidget:
    """A read-only table of text cells; the last column takes the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def set_rows(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Replace the table's rows with these texts."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


@dataclass
class FieldRow:
    name: str
    widget: QWidget
    error: QLabel
    check: Callable[[], Any] | None


class FieldForm:
    """A QFormLayout whose rows carry their validation message to the right of the field.

    `check` callables read their widget and return the normalised value or raise a
    DomainError; the message appears beside the field and the field gets the focus.
    Checks run when a filled field loses focus and all together on submit; typing
    clears a field's message.
    """

    def __init__(self, *, error_width: int = ERROR_WIDTH, reserve: bool = True) -> None:
        self.layout = QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, FieldRow] = {}
        self.error_width = error_width
        self.reserve = reserve  # keep the message's room free, or show it only when needed
        self.lang = current_language()

    def add(
        self,
        name: str,
        label: str,
        widget: QWidget,
        check: Callable[[], Any] | None = None,
    ) -> QWidget:
        error = error_label(f"{name}_error")
        error.setFixedWidth(self.error_width)
        error.setVisible(self.reserve)
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        fixed = widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Fixed
        row.addWidget(widget, 0 if fixed else 1)
        row.addWidget(error)
        if fixed:
            row.addStretch(1)
        self.layout.addRow(label, cell)
        self.rows[name] = FieldRow(name, widget, error, check)
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _t, n=name: self.set_error(n, None))
            widget.editingFinished.connect(
                lambda n=name, w=widget: self.check(n) if w.text().strip() else None
            )
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, n=name: self.set_error(n, None))
        return widget

    def set_error(self, name: str, message: str | None) -> None:
        error = self.rows[name].error
        error.setText(message or "")
        if not self.reserve:
            error.setVisible(bool(message))

    def error(self, name: str) -> str:
        return self.rows[name].error.text()

    def check(self, name: str) -> bool:
        row = self.rows[name]
        if row.check is None:
            return True
        try:
            row.check()
        except DomainError as exc:
            self.set_error(name, exc.message(self.lang))
            return False
        self.set_error(name, None)
        return True

    def check_all(self) -> bool:
        """Check every row; focus the first one in error. True when all are valid."""
        first: QWidget | None = None
        for name, row in self.rows.items():
            if not self.check(name) and first is None:
                first = row.widget
        if first is not None:
            first.setFocus()
        return first is None

    def show_failure(self, exc: BaseException, fallback: QLabel) -> None:
        """A failed save: a validation error beside its field, anything else in `fallback`."""
        if isinstance(exc, DomainError) and exc.field in self.rows:
            self.set_error(exc.field, exc.message(self.lang))
            self.rows[exc.field].widget.setFocus()
        else:
            fallback.setText(error_text(exc, self.lang))


class ChangeGuard(QObject):
    """Tracks whether watched widgets were edited since the last save."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dirty = False
        self._quiet = 0

    @property
    def dirty(self) -> bool:
        return self._dirty

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            if isinstance(w, QLineEdit | QPlainTextEdit):
                w.textChanged.connect(self.mark)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.mark)
                if w.isEditable():
                    w.editTextChanged.connect(self.mark)
            elif isinstance(w, QDateTimeEdit):  # QDateEdit too
                w.dateTimeChanged.connect(self.mark)
            elif isinstance(w, QAbstractButton):
                w.toggled.connect(self.mark)
            elif isinstance(w, QSpinBox):
                w.valueChanged.connect(self.mark)
            elif isinstance(w, QListWidget):
                w.itemChanged.connect(self.mark)

    def mark(self, *_args: object) -> None:
        if self._quiet:
            return
        self._dirty = True
        self.changed.emit()

    def mark_clean(self) -> None:
        self._dirty = False

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Changes made by the program (filling the form) are not edits."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def confirm_discard(self, parent: QWidget, text: str | None = None) -> bool:
        """True when there is nothing to lose or the person agrees to lose it."""
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            parent,
            self.tr("Unsaved changes"),
            text or self.tr("Discard changes?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


class GuardedDialog(QDialog):
    """A form dialog: Enter submits; Esc, Cancel and the close button ask before edits
    are thrown away; `submit` saves in the background and reports failures beside the
    field they concern (or below the form)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guard = ChangeGuard(self)
        self.form = FieldForm()
        self.error = error_label("error")

    def reject(self) -> None:
        if self.guard.confirm_discard(self):
            self.guard.mark_clean()
            super().reject()

    def buttons(self, ok_text: str) -> QDialogButtonBox:
        """OK (the default button: Enter) and Cancel (Esc), wired to accept and reject."""
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setObjectName("ok")
        ok.setDefault(True)
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        return box

    def submit(
        self,
        tasks: TaskManager,
        work: Callable[[Any], Any],
        *,
        changes: OpChanges,
        done: Callable[[Any], None],
    ) -> None:
        """Run `work` on the database thread; the dialog waits (disabled) for the result."""
        self.error.clear()
        self.setEnabled(False)

        def finished(result: Any) -> None:
            self.setEnabled(True)
            done(result)

        def failed(exc: BaseException) -> None:
            self.setEnabled(True)
            self.form.show_failure(exc, self.error)

        tasks.run_db(work, done=finished, failed=failed, changes=changes)

    def accept_saved(self) -> None:
        """Close after a successful save (nothing left to lose)."""
        self.guard.mark_clean()
        super().accept()
