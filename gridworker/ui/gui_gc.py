"""Cyclic garbage collected on the GUI thread only (docs/design.md §2, "Garbage on the
GUI thread only").

CPython's cyclic collector runs in whichever thread happens to cross its allocation
threshold. When that is the database thread (`ui/tasks.py`) or the sync thread, and the
garbage holds a Qt object (a dialog in a cycle with the lambdas it connected), the
object's C++ side is deleted off the GUI thread and the interpreter crashes: CI saw a
segmentation fault inside a party-screen query on the database thread. So the app turns
the automatic collector off and collects, on the GUI thread, what the thresholds would
have collected, looking every `interval_ms` (the pattern of GitFourchette, OpenCue and
Spyder). Objects without cycles are still freed at once by their reference count; only
cyclic garbage waits, at most one interval.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# How often the GUI thread looks at the collector's counts (ms).
INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """While it runs, garbage is collected by its timer on the thread that created it."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generation CPython would have collected by now; its count found."""
        young, middle, old = gc.get_threshold()
        counts = gc.get_count()
        if counts[0] <= young:
            return 0
        generation = 0
        if counts[1] > middle:
            generation = 2 if counts[2] > old else 1
        return gc.collect(generation)

    def stop(self) -> None:
        """Collect everything now, on this thread, and give the collector back."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def collect_on_gui_thread(parent: QObject) -> GuiThreadCollector:
    """Install the collector for the life of `parent` (the application)."""
    return GuiThreadCollector(parent)
