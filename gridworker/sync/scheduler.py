"""When to sync: at start-up, every N minutes, when the network comes back, on demand.

One background thread runs the cycles, so two never overlap; a request made
while a cycle runs is remembered and served once it ends. The UI feeds
`network_changed` from QNetworkInformation through a plain callback (no Qt
here); a reachability change only triggers an attempt: "online" is decided by
whether the server answered. While the profile is locked, `pause()` holds
background cycles back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

RunFn = Callable[[threading.Event], Any]
ResultFn = Callable[[str, Any, BaseException | None], None]


class SyncScheduler:
    def __init__(
        self,
        run: RunFn,
        *,
        interval: float = 15 * 60,
        on_result: ResultFn | None = None,
        retry_after_error: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run = run
        self.interval = interval
        self.retry_after_error = retry_after_error
        self._on_result = on_result or (lambda reason, result, error: None)
        self._clock = clock
        self._cond = threading.Condition()
        self._requested: str | None = None
        self._next_due = 0.0  # start-up: due at once
        self._stopping = False
        self._paused = False
        self._running = False
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.cycles = 0

    # --- control ---------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="gridworker-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        with self._cond:
            self._stopping = True
            self._cancel.set()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def request(self, reason: str = "manual") -> None:
        """Sync as soon as possible (a cycle already running is followed by one more)."""
        with self._cond:
            self._requested = reason
            self._cond.notify_all()

    def network_changed(self, reachable: bool) -> None:
        if reachable:
            self.request("network")

    def cancel_current(self) -> None:
        self._cancel.set()

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._cancel.set()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    @property
    def running(self) -> bool:
        return self._running

    # --- the thread --------------------------------------------------------------------

    def _take_reason(self) -> str | None:
        """Wait until a cycle is due; returns its reason, or None to stop."""
        with self._cond:
            while True:
                if self._stopping:
                    return None
                if not self._paused:
                    if self._requested is not None:
                        reason, self._requested = self._requested, None
                        return reason
                    wait = self._next_due - self._clock()
                    if wait <= 0:
                        return "timer" if self.cycles else "startup"
                    self._cond.wait(timeout=min(wait, 5.0))
                else:
                    self._cond.wait(timeout=5.0)

    def _loop(self) -> None:
        while True:
            reason = self._take_reason()
            if reason is None:
                return
            self._cancel = threading.Event()
            self._running = True
            result: Any = None
            error: BaseException | None = None
            try:
                result = self._run(self._cancel)
            except BaseException as exc:  # reported to the UI, never kills the thread
                error = exc
            finally:
                self._running = False
                self.cycles += 1
            with self._cond:
                delay = self.retry_after_error if error is not None else self.interval
                retry_after = getattr(error, "retry_after", None)
                if isinstance(retry_after, int | float) and retry_after > 0:
                    delay = max(delay, float(retry_after))
                self._next_due = self._clock() + delay
            if error is not None:
                _log_failure(reason, error, delay)
            self._on_result(reason, result, error)


def _log_failure(reason: str, error: BaseException, delay: float) -> None:
    from gridworker.sync.engine import Cancelled  # loaded by now: it ran the cycle

    code = getattr(error, "code", None)
    if isinstance(error, Cancelled):
        log.info("sync (%s) cancelled", reason)
    elif code is not None:  # the server said no, or could not be reached
        log.warning("sync (%s) failed: %s; next try in %.0f s", reason, code, delay)
    else:
        log.error("sync (%s) failed; next try in %.0f s", reason, delay, exc_info=error)
