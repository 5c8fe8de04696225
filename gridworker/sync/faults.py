"""Test harness for failures at the process edge: a faulty network and named kill points.

`FaultyAdapter` is a requests transport adapter that, following a plan, drops a
request before it is sent, loses the response after the server committed it,
sends it twice, delays it, answers 5xx itself, or holds it back and delivers it
later, after newer requests of the same client (`HeldRequests`: reordering).
`killpoint(name)` SIGKILLs the process when GRIDWORKER_KILL_AT names that point,
so a test can stop a real client process exactly in the middle of a push, a pull
or a transfer.

What reordering a real network can do to this protocol: HTTP/1.1 sends one
request at a time on a connection and TCP keeps a connection's bytes in order,
so two requests can only swap places across connections. That happens when a
client gives up on a request (read timeout, reset) and sends the next one, or
the retry, on a new connection while the first is still on its way: queued in
a proxy or load balancer, in the listen backlog of a busy worker, or in a
worker stalled on a lock. The server then handles the old request after the
newer ones, or at the same time in another worker process; its answer goes
nowhere, because the client has closed that connection. A response can never
overtake another on the same connection. `hold` does exactly this: the client
sees a timeout, and the request reaches the server later on a connection of its
own, after a given number of newer requests (or alongside the last of them).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
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


FAULTS = ("drop", "lose_response", "duplicate", "delay", "error_503", "timeout", "hold")
# Faults after which the request never reached the server (a held one reaches it later).
NOT_DELIVERED = frozenset({"drop", "error_503", "timeout", "hold"})


@dataclass
class FaultPlan:
    """Which fault to inject for each request: a fixed script, then random by rates."""

    script: list[str | None] = field(default_factory=list)
    rates: Mapping[str, float] = field(default_factory=dict)
    seed: int = 0
    max_delay: float = 0.2
    only: Callable[[requests.PreparedRequest], bool] | None = None
    # A held request is delivered after this many newer requests reached the server
    # (drawn between the bounds), or, with probability `overlap`, at the same time as the
    # last of them (another connection, so possibly another server worker).
    hold_after: tuple[int, int] = (1, 3)
    overlap: float = 0.0

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

    def hold_terms(self) -> tuple[int, bool]:
        """How long a held request waits: (newer requests first, overlapping the last?)."""
        with self._lock:
            return self._rng.randint(*self.hold_after), self._rng.random() < self.overlap


@dataclass
class LateDelivery:
    """A held request as the server finally got it (its answer went nowhere)."""

    method: str
    path: str
    status: int | None  # None: the late request found no server (connection refused)
    overlapped: bool
    overtaken: int  # newer requests to the same path that reached the server before it
    body: bytes = b""  # kept for an error answer only


@dataclass
class _Held:
    request: requests.PreparedRequest
    kwargs: dict[str, Any]
    wait: int  # newer requests still to reach the server first
    overlap: bool
    seen: int  # requests to its path that had reached the server when it was held


class HeldRequests:
    """Requests the network is holding back for one client, across its sync cycles.

    `FaultyAdapter` puts a request here (the client gets a read timeout) and tells it
    about every later request that reaches the server; when a held request's turn
    comes it is sent on a connection of its own. `deliver_all` empties the network
    (everything still held arrives now)."""

    def __init__(self) -> None:
        self._adapter = HTTPAdapter(max_retries=0)
        self._lock = threading.Lock()
        self._held: list[_Held] = []
        self._reached: Counter[str] = Counter()  # path -> requests that reached the server
        self.delivered: list[LateDelivery] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)

    def hold(
        self, request: requests.PreparedRequest, kwargs: Mapping[str, Any], wait: int, overlap: bool
    ) -> None:
        with self._lock:
            seen = self._reached[request.path_url]
            self._held.append(_Held(request.copy(), dict(kwargs), max(1, wait), overlap, seen))

    def _deliver(self, held: _Held, *, overlapped: bool) -> None:
        path = held.request.path_url
        with self._lock:
            overtaken = self._reached[path] - held.seen
        try:
            response = self._adapter.send(held.request, **held.kwargs)
            content = response.content  # read it all: the server's handler runs to the end
            status: int | None = response.status_code
            body = content if response.status_code >= 400 else b""
            response.close()
        except requests.RequestException:
            status, body = None, b""
        with self._lock:
            self.delivered.append(
                LateDelivery(
                    held.request.method or "",
                    path,
                    status,
                    overlapped,
                    overtaken,
                    body,
                )
            )

    def before_delivery(self) -> list[threading.Thread]:
        """A newer request is about to reach the server: start, alongside it, the held
        requests whose last wait it is and that overlap it. Join them with `after_delivery`."""
        with self._lock:
            now = [h for h in self._held if h.overlap and h.wait == 1]
            self._held = [h for h in self._held if not (h.overlap and h.wait == 1)]
        threads = [
            threading.Thread(target=self._deliver, args=(h,), kwargs={"overlapped": True})
            for h in now
        ]
        for thread in threads:
            thread.start()
        return threads

    def after_delivery(self, path: str, threads: list[threading.Thread]) -> None:
        """A newer request to `path` reached the server (and was answered): count it, then
        deliver the held requests that waited for it, oldest first."""
        for thread in threads:
            thread.join()
        with self._lock:
            self._reached[path] += 1
            for h in self._held:
                h.wait -= 1
            due = [h for h in self._held if h.wait <= 0]
            self._held = [h for h in self._held if h.wait > 0]
        for h in due:
            self._deliver(h, overlapped=False)

    def deliver_all(self) -> None:
        """The network heals: every request still held arrives now, oldest first."""
        with self._lock:
            due, self._held = self._held, []
        for h in due:
            self._deliver(h, overlapped=False)

    def close(self) -> None:
        self._adapter.close()


class FaultyAdapter(HTTPAdapter):
    """A transport adapter that misbehaves according to a FaultPlan (no retries of its own)."""

    def __init__(self, plan: FaultPlan, held: HeldRequests | None = None) -> None:
        super().__init__(max_retries=0)
        self.plan = plan
        self.held = held if held is not None else HeldRequests()

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        fault = self.plan.next_fault(request)
        if fault == "hold":
            wait, overlap = self.plan.hold_terms()
            self.held.hold(request, _send_kwargs(*args, **kwargs), wait, overlap)
            raise requests.exceptions.ReadTimeout("fault: no answer in time (request held back)")
        if fault in NOT_DELIVERED:
            return self._undelivered(request, fault)
        threads = self.held.before_delivery()
        try:
            return self._delivered(request, fault, *args, **kwargs)
        finally:
            # Counted even when the answer was lost: the request reached the server.
            self.held.after_delivery(request.path_url, threads)

    def _undelivered(self, request: requests.PreparedRequest, fault: str) -> requests.Response:
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
        raise AssertionError(fault)  # pragma: no cover - NOT_DELIVERED lists the cases

    def _delivered(
        self, request: requests.PreparedRequest, fault: str | None, *args: Any, **kwargs: Any
    ) -> requests.Response:
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


_SEND_ARGS = ("stream", "timeout", "verify", "cert", "proxies")


def _send_kwargs(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """HTTPAdapter.send's optional arguments by name, however they were passed."""
    return {**dict(zip(_SEND_ARGS, args, strict=False)), **kwargs}
