"""The signed-in session behind the main window: workspace, background sync, auto-lock.

Widgets talk to the workspace only through `tasks` (and the services); sync runs
on the scheduler's thread; everything it reports reaches the GUI thread through
queued signals.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from gridworker.services.status import probe_target, server_answers, status
from gridworker.services.workspace import Workspace, open_workspace
from gridworker.sync.scheduler import SyncScheduler
from gridworker.ui.i18n import current_language
from gridworker.ui.tasks import EVERYTHING, TaskManager

if TYPE_CHECKING:
    from gridworker.sync.engine import CycleReport, Progress

log = logging.getLogger(__name__)


def _load_sync_stack_in_background() -> None:
    def load() -> None:
        import gridworker.services.syncing  # noqa: F401

    threading.Thread(target=load, name="gridworker-sync-import", daemon=True).start()


DEFAULT_IDLE_LOCK_MINUTES = 15
SYNC_INTERVAL_SECONDS = 15 * 60
# The background scheduler starts this long after the event loop does (see __init__).
SCHEDULER_START_MS = 500
# Records per pull page while the window is open. Decoding and validating a page holds
# the GIL in one call (pydantic's model_validate_json): 5,000 records froze the window
# for up to ~0.5 s on a busy 2-core laptop; 500 keep each freeze short (bench/bench_ui.py).
UI_PULL_LIMIT = 500
# Changes per push request while the window is open, for the same reason (measured in
# bench/bench_ui.py: the longest stall during a 10,000-change push).
UI_PUSH_BATCH = 100
# How often the window asks the server "are you there?" (GET /health), and how long it
# waits: 离线 shows within about two seconds of the server going away.
PROBE_INTERVAL_MS = 1000
PROBE_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class StatusInfo:
    online: bool
    last_sync: str | None
    pending: int
    rejected: int
    conflicts: int
    server: str | None
    last_error: str | None


class AppSession(QObject):
    status_changed = Signal(object)  # StatusInfo
    sync_started = Signal()
    sync_progress = Signal(str, int, int)  # phase, done, total (0 = unknown)
    sync_finished = Signal(object, object)  # CycleReport | None, error | None
    locked_changed = Signal(bool)
    reachability_changed = Signal(bool)  # the probe found the server there (or gone)

    def __init__(
        self,
        workspace: Workspace,
        tasks: TaskManager,
        *,
        idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES,
        background_sync: bool = True,
        probe_interval_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.workspace: Workspace | None = workspace
        self.profile_path: Path = workspace.profile.path
        self.username = workspace.actor.username
        self.actor = workspace.actor  # who is signed in; kept while locked
        self.zone = workspace.zone  # the district's clock, also while locked
        self.lang = current_language()
        self.grid_filter = ""
        # What the last probe found (None: no probe yet, the last sync's word stands).
        self.reachable: bool | None = None
        self._probing = False
        self._probe_target: tuple[str, str | None] | None = None
        self.tasks = tasks
        self._password: str | None = None
        self._sync_lock = threading.Lock()
        self.scheduler: SyncScheduler | None = None
        self._finished_bridge.connect(self._on_sync_finished, Qt.ConnectionType.QueuedConnection)
        self._progress_bridge.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.tasks.changed.connect(lambda _c: self.refresh_status())
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(idle_lock_minutes * 60_000)
        self.idle_timer.timeout.connect(self.lock)
        if idle_lock_minutes > 0:
            self.idle_timer.start()
        if self.enrolled():
            # The sync stack (requests, the protocol models: a third of the start-up
            # imports) loads once the event loop runs, on a thread of its own, so the
            # window shows without it and a first sync does not pay for it.
            QTimer.singleShot(SCHEDULER_START_MS, _load_sync_stack_in_background)
        if background_sync and self.enrolled():
            self.scheduler = SyncScheduler(
                self._run_sync, interval=SYNC_INTERVAL_SECONDS, on_result=self._sync_result
            )
            QTimer.singleShot(SCHEDULER_START_MS, self.scheduler.start)
        interval = probe_interval_ms
        if interval is None:
            interval = PROBE_INTERVAL_MS if background_sync else 0
        self.probe_timer = QTimer(self)
        self.probe_timer.setInterval(interval)
        self.probe_timer.timeout.connect(self.probe)
        if interval > 0 and self.enrolled():
            self._probe_target = probe_target(workspace)
            self.probe_timer.start()

    # The grid every screen narrows to (a click on the map); "" means all my grids.
    grid_filter_changed = Signal(str)

    _finished_bridge = Signal(object, object)
    _progress_bridge = Signal(str, int, int)

    # --- workspace access ----------------------------------------------------------

    @property
    def ws(self) -> Workspace:
        if self.workspace is None:
            raise RuntimeError("the profile is locked")
        return self.workspace

    @property
    def locked(self) -> bool:
        return self.workspace is None

    def enrolled(self) -> bool:
        return status(self.ws).get("server") is not None

    def online(self, info: StatusInfo) -> bool:
        """Online for the status bar: the last probe's answer, else the last sync's."""
        return info.online if self.reachable is None else self.reachable

    # --- reachability ------------------------------------------------------------------

    def probe(self) -> None:
        """Ask the server whether it is there (in the background, one probe at a time)."""
        target = self._probe_target
        if target is None or self._probing or self.locked:
            return
        self._probing = True
        url, ca_bundle = target
        self.tasks.run_net(
            lambda _state: server_answers(url, ca_bundle, timeout=PROBE_TIMEOUT_S),
            done=self._probed,
            failed=lambda _exc: self._probed(False),
        )

    def _probed(self, answered: bool) -> None:
        self._probing = False
        was = self.reachable
        self.reachable = bool(answered)
        if was == self.reachable:
            return
        self.reachability_changed.emit(self.reachable)
        if self.reachable and was is False and self.scheduler is not None:
            # Back: what waited on this laptop goes now.
            self.scheduler.network_changed(True)

    def set_grid_filter(self, grid_code: str | None) -> None:
        """Narrow every screen to one grid (None or "" shows everything again)."""
        code = grid_code or ""
        if code != self.grid_filter:
            self.grid_filter = code
            self.grid_filter_changed.emit(code)

    def user_activity(self) -> None:
        """Any keyboard or mouse input restarts the idle timer."""
        if self.idle_timer.interval() > 0 and not self.locked:
            self.idle_timer.start()

    @Slot()
    def lock(self) -> None:
        """Drop the key: close the database; background sync pauses until unlocked."""
        if self.workspace is None:
            return
        if self.scheduler is not None:
            self.scheduler.pause()
        with self._sync_lock:  # wait for a running cycle to stop touching the database
            self.tasks.shutdown_db_wait()
            self.workspace.close()
            self.workspace = None
        self._password = None
        self.locked_changed.emit(True)

    def unlock(self, passphrase: str) -> None:
        """Reopen offline with the passphrase (WrongPassphrase propagates)."""
        self.workspace = open_workspace(self.profile_path, passphrase, lock_timeout=5)
        if self.scheduler is not None:
            self.scheduler.resume()
        if self.idle_timer.interval() > 0:
            self.idle_timer.start()
        self.locked_changed.emit(False)
        self.tasks.changed.emit(EVERYTHING)

    def close(self) -> None:
        self.probe_timer.stop()
        if self.scheduler is not None:
            self.scheduler.stop(timeout=10)
        if self.workspace is not None:
            self.tasks.shutdown_db_wait()
            self.workspace.close()
            self.workspace = None

    # --- status --------------------------------------------------------------------

    def refresh_status(self) -> None:
        if self.locked:
            return

        def read(_state: Any) -> StatusInfo:
            info = status(self.ws)
            return StatusInfo(
                info["online"],
                info["last_sync"],
                info["pending"],
                info["rejected"],
                info["conflicts"],
                info["server"],
                info["last_error"],
            )

        self.tasks.run_db(read, done=self.status_changed.emit)

    # --- sync ----------------------------------------------------------------------

    def set_password(self, password: str | None) -> None:
        """Kept in memory only, to sign in again when the token expires."""
        self._password = password

    def sync_now(self) -> None:
        if self.scheduler is not None:
            self.scheduler.request("manual")
        elif not self.locked and self.enrolled():
            threading.Thread(
                target=lambda: self._sync_result("manual", *self._guarded(threading.Event())),
                daemon=True,
            ).start()

    def cancel_sync(self) -> None:
        if self.scheduler is not None:
            self.scheduler.cancel_current()

    def network_changed(self, reachable: bool) -> None:
        if self.scheduler is not None:
            self.scheduler.network_changed(reachable)

    def _guarded(self, cancel: threading.Event) -> tuple[Any, BaseException | None]:
        try:
            return self._run_sync(cancel), None
        except BaseException as exc:  # shown in the status bar; a bug's traceback is logged
            if getattr(exc, "code", None) is None:
                log.error("manual sync failed", exc_info=exc)
            return None, exc

    def _run_sync(self, cancel: threading.Event) -> CycleReport | None:
        from gridworker.services.syncing import sync_now  # on this thread, not at start-up

        with self._sync_lock:
            if self.workspace is None:
                return None
            self.sync_started.emit()
            return sync_now(
                self.workspace,
                password=self._password,
                cancel=cancel,
                progress=self._emit_progress,
                pull_limit=UI_PULL_LIMIT,
                push_batch=UI_PUSH_BATCH,
                lang=self.lang,  # the server's messages in the app's language
            )

    def _emit_progress(self, p: Progress) -> None:
        self._progress_bridge.emit(p.phase, p.done, p.total or 0)

    def _sync_result(self, reason: str, result: Any, error: BaseException | None) -> None:
        self._finished_bridge.emit(result, error)

    @Slot(str, int, int)
    def _on_progress(self, phase: str, done: int, total: int) -> None:
        self.sync_progress.emit(phase, done, total)

    @Slot(object, object)
    def _on_sync_finished(self, result: Any, error: Any) -> None:
        self.sync_finished.emit(result, error)
        if error is None and result is not None:
            self.tasks.changed.emit(EVERYTHING)
        self.refresh_status()
