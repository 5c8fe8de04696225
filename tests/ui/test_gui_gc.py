"""Cyclic garbage holding a Qt object is collected on the GUI thread, never on the thread
that happened to allocate (ui/gui_gc.py; a CI run crashed so inside a database task)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt

from gridworker.ui.gui_gc import GuiThreadCollector


def _garbage_cycle(deleted_on: list[str]) -> None:
    """A QObject kept alive only by a reference cycle, noting the thread that deletes it."""
    obj = QObject()
    obj.me = obj  # type: ignore[attr-defined]
    obj.destroyed.connect(
        lambda: deleted_on.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )


def _allocate(kept: list[object]) -> None:
    """Allocate far past every generation's threshold, as a large query does, keeping the
    last of it (a query's result) so that the net count stays above the young threshold."""
    for _ in range(20):
        kept[:] = [[i] for i in range(gc.get_threshold()[0] * 2 + 10_000)]


def test_a_worker_thread_allocating_never_collects_a_qt_object(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Proves the garbage waits for the GUI thread: a worker thread allocating enough to
    trigger every generation leaves the cycle alone, and the collector's timer then
    deletes it on the thread the app runs on."""
    assert not gc.isenabled()  # the tests' own collector (tests/conftest.py) is installed
    deleted_on: list[str] = []
    _garbage_cycle(deleted_on)
    kept: list[object] = []
    worker = threading.Thread(target=_allocate, args=(kept,), name="gw-db-like")
    worker.start()
    worker.join()
    assert deleted_on == []
    qtbot.waitUntil(lambda: deleted_on != [], timeout=5_000)
    assert deleted_on == [threading.current_thread().name]
    del kept


def test_stop_collects_at_once_and_gives_the_collector_back(qapp) -> None:  # type: ignore[no-untyped-def]
    """Proves a collector stopped (the app closing, a test ending) frees what waited, on
    the stopping thread, and leaves the automatic collector as it found it."""
    collector = GuiThreadCollector(qapp)  # nested inside the tests' own: found disabled
    deleted_on: list[str] = []
    _garbage_cycle(deleted_on)
    collector.stop()
    collector.setParent(None)
    assert deleted_on == [threading.current_thread().name]
    assert not gc.isenabled()


def test_check_collects_the_generation_the_thresholds_call_for(qapp) -> None:  # type: ignore[no-untyped-def]
    """Proves a tick below the young threshold does nothing, and one above it collects."""
    collector = GuiThreadCollector(qapp, interval_ms=60_000)
    try:
        gc.collect()
        assert collector.check() == 0
        deleted_on: list[str] = []
        _garbage_cycle(deleted_on)
        keep = [[i] for i in range(gc.get_threshold()[0] + 100)]
        assert gc.get_count()[0] > gc.get_threshold()[0]
        collector.check()
        assert deleted_on == [threading.current_thread().name]
        del keep
    finally:
        collector.stop()
        collector.setParent(None)
