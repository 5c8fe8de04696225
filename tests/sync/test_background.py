"""Requests the sync engine runs ahead, on a thread of their own (sync/engine.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from gridworker.sync.engine import _in_background


def test_a_request_in_flight_never_holds_up_the_exit() -> None:
    """Proves a request left in flight (a cancel or a failure while the next push batch or
    pull page was already asked for) does not keep the process from ending: `gridworker
    sync` and the app exit at once instead of waiting for the transport's timeouts."""
    script = (
        "import time\n"
        "from gridworker.sync.engine import _in_background\n"
        "_in_background(time.sleep, 60, 'stuck-request')\n"
        "print('leaving', flush=True)\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=50, check=True
    )
    assert done.stdout.strip() == "leaving"
    assert time.monotonic() - started < 30  # not the 60 s the request would take


def test_the_result_or_the_error_reaches_the_reader() -> None:
    """Proves the reader of a request run ahead gets its answer, or its error as raised
    (a SyncError then goes through the engine's usual handling)."""
    names: list[str] = []

    def answer(value: int) -> int:
        names.append(threading.current_thread().name)
        return value * 2

    def fail(reason: str) -> None:
        raise ValueError(reason)

    assert _in_background(answer, 21, "gridworker-test").result(timeout=10) == 42
    assert names == ["gridworker-test"]
    with pytest.raises(ValueError, match="no route"):
        _in_background(fail, "no route", "gridworker-test").result(timeout=10)
