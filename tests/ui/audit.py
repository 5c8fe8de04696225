"""The translation audit: every string a person can see in a widget tree, and those of them
that are not Chinese.

A visible string passes when it has Chinese characters, or when what is left after
taking out codes, numbers, dates, addresses, user names, file names and a few words
Chinese readers use as they are (PDF, Excel, ID…) has no Latin word in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QToolBar,
    QWidget,
)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Words Chinese screens use as they are.
KEPT = {"PDF", "Excel", "ID", "GPS", "CSV", "XLSX", "JSON", "WPS", "Ctrl", "Shift", "Esc",
        "Enter", "F5", "KTV", "cm", "mm", "m", "km", "kg", "MPa", "kPa"}  # fmt: skip
_NOT_WORDS = [
    re.compile(r"https?://\S+"),  # addresses of servers
    re.compile(r"(?<![\w])/[^\s]*"),  # paths
    re.compile(r"\b[\w.-]+@[\w.-]+\b"),  # e-mail
    re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b"),  # user names (demo.worker), files
    re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b"),  # codes: FS-ELEC-02, T-NUM-01
    re.compile(r"\b[A-Za-z]?\d[\w./:-]*\b"),  # numbers, dates, times, ids
    re.compile(r"\b[A-D]\b|\bX\b"),  # danger grades, the ID check digit
    re.compile(r"<[^>]+>|&\w+;"),  # rich-text markup
    re.compile(r"\b(?:Ctrl|Shift|Alt)(?:\+\w+)+"),  # keyboard shortcuts
]


def clean(text: str) -> str:
    """`text` without what is allowed to be non-Chinese."""
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    return text


def foreign(text: str) -> bool:
    """Whether a visible string is not Chinese: no Chinese characters, and a Latin word left
    once codes, numbers, names and the kept words are taken out. A Chinese string with a
    long English word in it (an exception's name) is foreign too."""
    words = [w for w in re.findall(r"[A-Za-z]+", clean(text)) if w not in KEPT]
    if not CJK.search(text):
        return bool(words)
    return any(len(w) >= 5 and w != "GridWorker" for w in words) or "GridWorker" in text


def _model_texts(view: QAbstractItemView, *, headers_only: bool = False) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list widget's model: one column, its count not exposed
        columns = 1
    for column in range(columns):
        if isinstance(view, QTableView) and view.isColumnHidden(column):
            continue
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if header:
            yield str(header)
    rows = 0 if headers_only else min(model.rowCount(QModelIndex()), 60)  # what a screen shows
    for row in range(rows):
        for column in range(columns):
            index = model.index(row, column, QModelIndex())
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if isinstance(value, str) and value:
                    yield value


def visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every string shown in `root`'s tree: labels, buttons, headers and
    cells, placeholders, tooltips, tabs, group titles, pick lists, progress text, toolbar
    actions, the status bar's message and window titles."""
    yield "window title", root.windowTitle()
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if w is not root and not w.isVisibleTo(root):
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        if w.toolTip():
            yield f"{name} tooltip", w.toolTip()
        if isinstance(w, QLabel | QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QLineEdit):
            yield f"{name} placeholder", w.placeholderText()
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            yield f"{name} placeholder", w.placeholderText()
            yield name, w.toPlainText()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{name} item", w.itemText(i)
        elif isinstance(w, QGroupBox):
            yield name, w.title()
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"{name} tab", w.tabText(i)
        elif (isinstance(w, QProgressBar) and w.isTextVisible()) or isinstance(w, QAbstractSpinBox):
            yield name, w.text()
        elif isinstance(w, QAbstractItemView):
            # In a file dialog the rows are the person's own files: only the headers count.
            mine = isinstance(w.window(), QFileDialog)
            for text in _model_texts(w, headers_only=mine):
                yield name, text
        elif isinstance(w, QToolBar):
            for action in w.actions():
                yield f"{name} action", action.text()
        if isinstance(w, QMainWindow) and w.statusBar() is not None:
            yield "status bar message", w.statusBar().currentMessage()


def untranslated(root: QWidget, where: str) -> list[str]:
    """Every visible string of `root` that is not Chinese, as "where: widget: text"."""
    found = []
    for widget, text in visible_texts(root):
        for line in (text or "").splitlines():
            if line.strip() and foreign(line):
                found.append(f"{where}: {widget}: {line!r}")
    return sorted(set(found))
