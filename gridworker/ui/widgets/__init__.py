"""Reusable widgets of the screens (photo strip, inspection form, case detail) and helpers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QTableView


def combo(name: str, choices: list[tuple[str, str]], blank: str | None = None) -> QComboBox:
    """A pick list of (code, label) pairs; the code is each entry's data."""
    box = QComboBox()
    box.setObjectName(name)
    if blank is not None:
        box.addItem(blank, None)
    for code, text in choices:
        box.addItem(text, code)
    return box


def setup_table(view: QTableView) -> None:
    """Read-only rows, one selected at a time."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)


def section_label(text: str) -> QLabel:
    """A bold caption above a block of the page."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("font-weight: 600;")
    return label
