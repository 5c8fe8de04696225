"""The sync scheduler: start-up, timer, network and manual triggers; never two at once."""

from __future__ import annotations

import threading
import time

from gridworker.sync.scheduler import SyncScheduler


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def wait_for(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_startup_timer_network_and_manual_triggers() -> None:
    """Proves a cycle runs at start-up, when the (fake) clock passes the interval, when the
    network comes back and on demand, each reported with its reason."""
    clock = Clock()
    reasons: list[str] = []
    sched = SyncScheduler(
        lambda cancel: "ok",
        interval=600,
        clock=clock,
        on_result=lambda reason, result, error: reasons.append(reason),
    )
    sched.start()
    try:
        wait_for(lambda: reasons == ["startup"])
        sched.network_changed(False)
        sched.network_changed(True)
        wait_for(lambda: len(reasons) == 2)
        sched.request()
        wait_for(lambda: len(reasons) == 3)
        clock.now += 601
        with sched._cond:
            sched._cond.notify_all()
        wait_for(lambda: len(reasons) == 4, timeout=8)
        assert reasons == ["startup", "network", "manual", "timer"]
    finally:
        sched.stop()


def test_never_two_cycles_at_once_and_requests_coalesce() -> None:
    """Proves requests during a running cycle never start a second one in parallel and are
    served by exactly one more cycle afterwards."""
    active = 0
    most = 0
    runs = 0
    gate = threading.Event()
    lock = threading.Lock()

    def run(cancel: threading.Event) -> None:
        nonlocal active, most, runs
        with lock:
            active += 1
            most = max(most, active)
            runs += 1
        gate.wait(2)
        with lock:
            active -= 1

    sched = SyncScheduler(run, interval=3600)
    sched.start()
    try:
        wait_for(lambda: runs == 1)
        for _ in range(5):
            sched.request()
        gate.set()
        wait_for(lambda: runs == 2)
        time.sleep(0.2)
        assert runs == 2 and most == 1
    finally:
        sched.stop()


def test_cancel_reaches_the_running_cycle_and_errors_are_reported() -> None:
    """Proves cancel_current sets the running cycle's cancel flag and an exception is handed to
    on_result instead of killing the scheduler."""
    seen: list[BaseException | None] = []

    def run(cancel: threading.Event) -> None:
        assert cancel.wait(5), "cancel never arrived"
        raise RuntimeError("cancelled by the user")

    sched = SyncScheduler(run, interval=3600, on_result=lambda r, res, err: seen.append(err))
    sched.start()
    try:
        wait_for(lambda: sched.running)
        sched.cancel_current()
        wait_for(lambda: len(seen) == 1)
        assert isinstance(seen[0], RuntimeError)
    finally:
        sched.stop()


def test_paused_while_locked() -> None:
    """Proves no background cycle runs while paused (profile locked), and one runs on resume."""
    runs: list[str] = []
    sched = SyncScheduler(
        lambda c: None, interval=3600, on_result=lambda r, res, err: runs.append(r)
    )
    sched.pause()
    sched.start()
    try:
        sched.request()
        time.sleep(0.3)
        assert runs == []
        sched.resume()
        wait_for(lambda: runs == ["manual"])
    finally:
        sched.stop()
