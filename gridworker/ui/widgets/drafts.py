"""Autosaved drafts for a form (services.drafts: encrypted in the profile, never synced).

A `DraftKeeper` watches a form's `ChangeGuard`: after an edit it writes the form's
snapshot at most once per interval (on the database thread), and a form opened
again for the same record gets its draft back. The form decides when the draft
goes: with the record's save (in the same task) or when the person confirms they
want to throw their edits away.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from gridworker.domain.clock import district_text
from gridworker.services import drafts
from gridworker.ui.forms import ChangeGuard, error_text
from gridworker.ui.session import AppSession

AUTOSAVE_MS = 2000

Snapshot = Callable[[], dict[str, Any]]


class DraftKeeper(QObject):
    restored = Signal(object)  # the Draft put back into the form
    saved = Signal(object)  # datetime of the write, or None when an empty form removed it
    failed = Signal(str)

    def __init__(
        self,
        session: AppSession,
        guard: ChangeGuard,
        kind: str,
        snapshot: Snapshot,
        *,
        is_empty: Callable[[dict[str, Any]], bool] = lambda _data: False,
        interval_ms: int = AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.guard = guard
        self.kind = kind
        self.snapshot = snapshot
        self.is_empty = is_empty
        self.record_id: str | None = None
        self.saved_at: datetime | None = None
        self.pending = False
        self._generation = 0
        self.timer = QTimer(self, singleShot=True, interval=interval_ms)
        self.timer.timeout.connect(self.flush)
        guard.changed.connect(self._edited)

    def show_in(self, label: QLabel) -> None:
        """Keep `label` saying when the draft was last saved or restored."""
        self.saved.connect(lambda when: label.setText(self.note(when)))
        self.restored.connect(lambda d: label.setText(self.note(d.saved_at, restored=True)))

    def note(self, when: datetime | None, *, restored: bool = False) -> str:
        """ "Draft saved 10:42:05" / "Draft of 11-28 16:20 restored" (a form's status line)."""
        if when is None:
            return ""
        if restored:
            text = self.tr("Draft of %1 restored")
            return text.replace("%1", district_text(when, self.session.zone, "%m-%d %H:%M"))
        return self.tr("Draft saved %1").replace(
            "%1", district_text(when, self.session.zone, "%H:%M:%S")
        )

    def open(self, record_id: str, restore: Callable[[dict[str, Any]], None]) -> None:
        """Keep drafts for `record_id` from now on; put its saved draft back (in the
        background) unless the person has started typing meanwhile."""
        self.timer.stop()
        self.record_id, self.pending, self.saved_at = record_id, False, None
        self._generation += 1
        generation, ws, kind = self._generation, self.session.ws, self.kind
        self.session.tasks.run_db(
            lambda _s: drafts.load_draft(ws, kind, record_id),
            done=lambda draft: self._loaded(generation, draft, restore),
            failed=lambda exc: self.failed.emit(error_text(exc)),
        )

    def _loaded(
        self,
        generation: int,
        draft: drafts.Draft | None,
        restore: Callable[[dict[str, Any]], None],
    ) -> None:
        if generation != self._generation or draft is None or self.guard.dirty:
            return
        with self.guard.quiet():
            restore(draft.data)
        self.guard.mark_clean()
        self.guard.mark()  # restored edits are unsaved edits: leaving asks first
        self.timer.stop()
        self.pending = False
        self.saved_at = draft.saved_at
        self.restored.emit(draft)

    def _edited(self) -> None:
        if self.record_id is None:
            return
        self.pending = True
        if not self.timer.isActive():  # at most one write per interval
            self.timer.start()

    def flush(self) -> None:
        """Write the draft now if there are edits not yet written."""
        self.timer.stop()
        if self.record_id is None or not self.pending or self.session.locked:
            return
        self.pending = False
        data, record_id, ws, kind = self.snapshot(), self.record_id, self.session.ws, self.kind
        empty = self.is_empty(data)

        def write(_s: object) -> datetime | None:
            if empty:
                drafts.discard_draft(ws, kind, record_id)
                return None
            return drafts.save_draft(ws, kind, record_id, data)

        self.session.tasks.run_db(
            write, done=self._written, failed=lambda exc: self.failed.emit(error_text(exc))
        )

    def _written(self, saved_at: datetime | None) -> None:
        self.saved_at = saved_at
        self.saved.emit(saved_at)

    def hold(self) -> None:
        """Write nothing for the edits so far (the form is being saved: a draft written
        after the save would come back). Later edits autosave again."""
        self.timer.stop()
        self.pending = False

    def stop(self) -> str | None:
        """Stop autosaving (before the record is saved: a write queued after the save would
        bring the draft back). Returns the record id whose draft the caller removes."""
        self.timer.stop()
        self.pending = False
        self._generation += 1  # a draft still loading is not restored any more
        record_id, self.record_id = self.record_id, None
        return record_id

    def discard(self) -> None:
        """Stop and delete the draft (the person threw their edits away)."""
        record_id = self.stop()
        if record_id is not None and not self.session.locked:
            ws, kind = self.session.ws, self.kind
            self.session.tasks.run_db(lambda _s: drafts.discard_draft(ws, kind, record_id))

    def close(self) -> None:
        """Write what is pending and stop (the form goes away; its draft stays)."""
        self.flush()
        self.stop()
