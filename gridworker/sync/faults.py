"""Test harness for failures at the process edge: a faulty network and named kill points.

`FaultyAdapter` is a requests transport adapter that, following a plan, drops a
request before it is sent, loses the response after the server committed it,
sends it twice, delays it, or answers 5xx itself. `killpoint(name)` SIGKILLs the
process when GRIDWORKER_KILL_AT names that point, so a test can stop a real
client process exactly in the middle of a push, a pull or a transfer.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

KILL_ENV = "GRIDWORKER_KILL_AT"
KILL_COUNT_ENV = "GRIDWORKER_KILL_AFTER"  # kill on the N-th time the point is reached
_hits: dict[str, int] = {}


def killpoint(name: str) -> None:
    """SIGKILL this process here if the environment asks for it (tests only)."""
    if os.environ.get(KILL_ENV) != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(os.environ.get(KILL_COUNT_ENV, "1")):
        os.kill(os.getpid(), signal.SIGKILL)


FAULTS = ("drop", "lose_response", "duplicate", "delay", "error_503", "timeout")


@dataclass
class FaultPlan:
    """Which fault to inject for each request: a fixed script, then random by rates."""

    script: list[str | None] = field(default_factory=list)
    rates: Mapping[str, float] = field(default_factory=dict)
    seed: int = 0
    max_delay: float = 0.2
    only: Callable[[requests.PreparedRequest], bool] | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self.log: list[tuple[str, str]] = []

    def next_fault(self, request: requests.PreparedRequest) -> str | None:
        if self.only is not None and not self.only(request):
            return None
        with self._lock:
            if self.script:
                fault = self.script.pop(0)
            else:
                fault = None
                roll = self._rng.random()
                for name, rate in self.rates.items():
                    if roll < rate:
                        fault = name
                        break
                    roll -= rate
            if fault:
                self.log.append((fault, request.path_url))
            return fault


class FaultyAdapter(HTTPAdapter):
    """A transport adapter that misbehaves according to a FaultPlan (no retries of its own)."""

    def __init__(self, plan: FaultPlan) -> None:
        super().__init__(max_retries=0)
        self.plan = plan

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        fault = self.plan.next_fault(request)
        if fault == "drop":
            raise requests.exceptions.ConnectionError("fault: request dropped before sending")
        if fault == "timeout":
            raise requests.exceptions.ReadTimeout("fault: no answer in time")
        if fault == "error_503":
            response = requests.Response()
            response.status_code = 503
            response._content = b"<html>503 Service Unavailable</html>"
            response.request = request
            response.url = request.url or ""
            return response
        if fault == "delay":
            time.sleep(self.plan._rng.uniform(0, self.plan.max_delay))
        response = super().send(request, *args, **kwargs)
        if fault == "duplicate":
            response = super().send(request, *args, **kwargs)
        if fault == "lose_response":
            raise requests.exceptions.ConnectionError(
                "fault: response lost after the server handled the request"
            )
        return response
