"""Background work for the UI (Anki's taskman, Orange3's TaskState).

- One serialized executor for work that touches the local database
  (max_workers=1), a separate pool for network calls.
- Workers get plain values and a small `TaskState` (progress, cancelled), never a
  widget; results come back to the GUI thread only through queued signals.
- After a change, `changed` is emitted once with what changed (an `OpChanges`), and
  each view decides whether to refresh.
- A task that fails always leaves a trace: the log gets its traceback, and when the
  caller gave no `failed=` (or its widget is gone), `task_failed` carries the error to
  whoever tells the user (the main window's status bar).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from gridworker.domain.errors import CodedError
from gridworker.services.errors import log_code

log = logging.getLogger(__name__)
# Errors that say no to the person at the keyboard, with a message for them: every coded
# error (a rule, a wrong passphrase, an unreachable server; domain/errors.py).
REFUSALS: tuple[type[BaseException], ...] = (CodedError,)


@dataclass(frozen=True)
class OpChanges:
    """What an operation changed: entity names ("household", "case", ...), or everything."""

    entities: frozenset[str] = frozenset()
    everything: bool = False

    def touches(self, *names: str) -> bool:
        return self.everything or bool(self.entities & set(names))


EVERYTHING = OpChanges(everything=True)


class TaskState:
    """Handed to a worker: report progress (throttled) and check for cancellation."""

    def __init__(self, emit: Callable[[float, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()
        self._last = -1.0
        self._last_at = 0.0

    def report(self, fraction: float, message: str = "") -> None:
        # Re-emit only when progress moved by 0.1 or 150 ms passed (Orange3 / Anki).
        now = time.monotonic()
        if abs(fraction - self._last) >= 0.1 or now - self._last_at >= 0.15:
            self._last, self._last_at = fraction, now
            self._emit(fraction, message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def cancelled(self) -> bool:
        return self._cancel.is_set()


@dataclass
class _Job:
    name: str  # for the log: the work's function, never its arguments
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None
    progress: Callable[[float, str], None] | None
    changes: OpChanges | None
    state: TaskState = field(init=False)
    owners: list[QObject] = field(default_factory=list)

    def alive(self) -> bool:
        """False once a widget whose method is a callback was deleted (window closed)."""
        return all(shiboken6.isValid(owner) for owner in self.owners)


def _qobjects_of(callback: Callable[..., Any] | None) -> list[QObject]:
    """The widgets a callback belongs to: a bound method's object, or the objects a lambda
    closes over (``lambda v: self._show(v)``). Its result is dropped once one is deleted."""
    if callback is None:
        return []
    found = [getattr(callback, "__self__", None)]
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            found.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    return [obj for obj in found if isinstance(obj, QObject)]


def _log_failure(name: str, error: BaseException) -> None:
    # A refusal meant for the user (a rule, a wrong passphrase) is a line with its type and
    # code; anything else is a failure with its traceback. Never the message: it may quote
    # a value someone typed (the log handler's filter is the second guard).
    if isinstance(error, REFUSALS):
        log.info("task %s refused: %s %s", name, type(error).__name__, log_code(error))
    else:
        log.error("task %s failed", name, exc_info=error)


def _name_of(fn: Callable[..., Any]) -> str:
    """`module.function` of the work, for the log (a lambda names where it was written)."""
    module = getattr(fn, "__module__", None) or "?"
    return f"{module.rsplit('.', 1)[-1]}.{getattr(fn, '__qualname__', type(fn).__name__)}"


class TaskManager(QObject):
    """Runs callables off the GUI thread; every callback runs on the GUI thread."""

    _finished = Signal(object, object, object)  # job, result, error
    _progressed = Signal(object, float, str)
    changed = Signal(object)  # OpChanges
    busy_changed = Signal(bool)
    # A task failed and its caller had no `failed=` for it: (task name, the exception).
    task_failed = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gw-db")
        self._net = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gw-net")
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._running = 0

    def run_db(
        self,
        fn: Callable[[TaskState], Any],
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progress: Callable[[float, str], None] | None = None,
        changes: OpChanges | None = None,
    ) -> TaskState:
        """Work on the local database, one task at a time, in submission order."""
        return self._submit(self._db, fn, done, failed, progress, changes)

    def run_net(
        self,
        fn: Callable[[TaskState], Any],
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progress: Callable[[float, str], None] | None = None,
        changes: OpChanges | None = None,
    ) -> TaskState:
        """Network work that does not hold the database (e.g. a health probe)."""
        return self._submit(self._net, fn, done, failed, progress, changes)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[TaskState], Any],
        done: Callable[[Any], None] | None,
        failed: Callable[[BaseException], None] | None,
        progress: Callable[[float, str], None] | None,
        changes: OpChanges | None,
    ) -> TaskState:
        job = _Job(_name_of(fn), done, failed, progress, changes)
        job.owners = [o for cb in (done, failed, progress) for o in _qobjects_of(cb)]
        job.state = TaskState(lambda f, m: self._progressed.emit(job, f, m))
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)

        def work() -> None:
            try:
                result = fn(job.state)
            except BaseException as exc:  # reported on the GUI thread
                self._finished.emit(job, None, exc)
                return
            self._finished.emit(job, result, None)

        future: Future[None] = pool.submit(work)
        del future
        return job.state

    @Slot(object, object, object)
    def _on_finished(self, job: _Job, result: Any, error: BaseException | None) -> None:
        try:
            self._deliver(job, result, error)
        finally:
            # A job and its TaskState refer to each other (a cycle only the garbage collector
            # frees, in whichever thread it happens to run). Dropping the callbacks here, on
            # the GUI thread, keeps widgets they hold from being deleted by a collection on
            # the database thread, which crashed the interpreter.
            job.done = job.failed = job.progress = None
            job.owners = []

    def _deliver(self, job: _Job, result: Any, error: BaseException | None) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)
        if error is not None:
            _log_failure(job.name, error)
        if not job.alive():
            if job.changes is not None and error is None:
                self.changed.emit(job.changes)
            return
        if error is not None:
            if job.failed is not None:
                job.failed(error)
            else:
                self.task_failed.emit(job.name, error)
            return
        if job.done is not None:
            job.done(result)
        if job.changes is not None:
            self.changed.emit(job.changes)

    @Slot(object, float, str)
    def _on_progress(self, job: _Job, fraction: float, message: str) -> None:
        if job.progress is not None and job.alive():
            job.progress(fraction, message)

    def shutdown_db_wait(self) -> None:
        """Wait until every database task queued so far has finished (before a lock)."""
        self._db.submit(lambda: None).result(timeout=60)

    def shutdown(self) -> None:
        self._db.shutdown(wait=True, cancel_futures=True)
        self._net.shutdown(wait=False, cancel_futures=True)
