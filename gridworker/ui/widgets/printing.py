"""Saving a printable PDF (事件处置单, 隐患排查记录) from any screen: ask where, then write
it in the background. Used by the Ledgers screen, the case detail and the hazard site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from gridworker.services.printing import print_case, print_inspection
from gridworker.ui.session import AppSession


def _documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder or Path.home())


def _safe_name(text: str) -> str:
    cleaned = "".join(c for c in text if c not in '\\/:*?"<>|').strip()
    return cleaned[:40] or "gridworker"


def ask_save_path(parent: QWidget, title: str, name: str, pattern: str) -> Path | None:
    """The file the person chooses to write (None: cancelled)."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, title, str(_documents_folder() / name), pattern
    )
    return Path(chosen) if chosen else None


def _save_pdf(
    parent: QWidget,
    session: AppSession,
    work: Callable[[Path], Path],
    name: str,
    done: Callable[[Path], None] | None,
    failed: Callable[[BaseException], None] | None,
) -> bool:
    path = ask_save_path(
        parent,
        QCoreApplication.translate("Ledgers", "Save PDF"),
        name,
        QCoreApplication.translate("Ledgers", "PDF files (*.pdf)"),
    )
    if path is None:
        return False
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    session.tasks.run_db(lambda _s: work(path), done=done, failed=failed)
    return True


def save_case_pdf(
    parent: QWidget,
    session: AppSession,
    case_id: str,
    title: str = "",
    *,
    done: Callable[[Path], None] | None = None,
    failed: Callable[[BaseException], None] | None = None,
) -> bool:
    """Ask where to save, then print the case's 事件处置单 in the background.

    Returns False when the person cancelled the dialog; `done` gets the written path.
    """
    ws = session.ws
    name = f"事件处置单_{_safe_name(title)}.pdf"
    return _save_pdf(parent, session, lambda p: print_case(ws, case_id, p), name, done, failed)


def save_inspection_pdf(
    parent: QWidget,
    session: AppSession,
    inspection_id: str,
    site_name: str = "",
    *,
    done: Callable[[Path], None] | None = None,
    failed: Callable[[BaseException], None] | None = None,
) -> bool:
    """Ask where to save, then print the inspection's 隐患排查记录 in the background."""
    ws = session.ws
    name = f"隐患排查记录_{_safe_name(site_name)}.pdf"
    return _save_pdf(
        parent, session, lambda p: print_inspection(ws, inspection_id, p), name, done, failed
    )
