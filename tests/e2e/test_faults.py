"""A failing network between client and server: nothing lost, nothing doubled, clear errors."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridworker.protocol import ErrorCode, PullRequest
from gridworker.services.syncing import client_for, sync_now
from gridworker.sync.client import (
    InsecureServer,
    Offline,
    ProtocolError,
    SyncClient,
    SyncError,
    make_transport,
)
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter
from tests.e2e.conftest import LiveServer, enrolled
from tests.e2e.test_sync_e2e import add_household, outbox_size, set_field, snapshot


def faulty_client(ws, plan: FaultPlan) -> SyncClient:  # type: ignore[no-untyped-def]
    good = client_for(ws)
    transport = make_transport(good.base_url, adapter=FaultyAdapter(plan))
    return SyncClient(transport, device_id=good.device_id, token=good.token)


def assert_converge(a, a2, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Clean syncs of both laptops: the outbox empties and both hold exactly `ids`'s
    households (each once) and the same records."""
    sync_now(a)
    sync_now(a2)
    assert outbox_size(a) == 0
    view = snapshot(a2)
    assert sorted(k[1] for k in view if k[0] == "household") == sorted(ids)
    assert snapshot(a) == view


@pytest.mark.parametrize("fault", ["lose_response", "duplicate", "drop", "error_503", "timeout"])
def test_each_fault_on_push_then_recovery(
    live_server: LiveServer, tmp_path: Path, fault: str
) -> None:
    """Proves a push hit by each fault either fails cleanly (outbox kept) or succeeds once, and
    the next clean sync converges with no duplicate records and an empty outbox."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        ids = [add_household(a, f"7{n:03d}") for n in range(3)]
        plan = FaultPlan(script=[fault], only=lambda r: r.path_url.endswith("/push"))
        engine = SyncEngine(a.profile, faulty_client(a, plan), username="worker.a")
        try:
            engine.run_cycle()
        except SyncError:
            assert outbox_size(a) > 0  # nothing acknowledged was dropped
        assert plan.log and plan.log[0][0] == fault
        assert_converge(a, a2, ids)
    finally:
        a.close()
        a2.close()


@pytest.mark.parametrize("fault", ["lose_response", "drop", "error_503", "timeout"])
@pytest.mark.parametrize("at", [1, 2])
def test_a_fault_between_pipelined_push_batches(
    live_server: LiveServer, tmp_path: Path, fault: str, at: int
) -> None:
    """Proves the overlapped push (the next batch frozen while one is in flight, sent before
    the one before is settled) loses and doubles nothing when the network fails on a later
    batch: the batches before it are settled, the frozen ones go again, and the next clean
    sync converges with every record once."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    try:
        ids = [add_household(a, f"71{n:02d}") for n in range(7)]
        queued = outbox_size(a)  # sent in batches of 2
        plan = FaultPlan(script=[None] * at + [fault], only=lambda r: r.path_url.endswith("/push"))
        engine = SyncEngine(a.profile, faulty_client(a, plan), username="worker.a", push_batch=2)
        try:
            engine.run_cycle()
        except SyncError:
            # Each batch before the fault was answered and settled; nothing after it was.
            assert 0 < outbox_size(a) <= queued - 2 * at
        assert [f for f, _ in plan.log] == [fault]
        assert_converge(a, a2, ids)
    finally:
        a.close()
        a2.close()


def test_random_faults_over_many_cycles_converge(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves two clients editing through a network that drops, duplicates, delays, loses
    responses and answers 503 at random still converge once the network heals."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    rates = {"drop": 0.1, "lose_response": 0.1, "duplicate": 0.1, "delay": 0.1, "error_503": 0.1}
    try:
        hid = add_household(a, "8000")
        sync_now(a)
        sync_now(a2)
        for n in range(8):
            add_household(a if n % 2 else a2, f"8{n + 1:03d}")
            set_field(a, hid, address=f"地址{n}")
            set_field(a2, hid, note=f"备注{n}")
            for ws, seed in ((a, n), (a2, 100 + n)):
                plan = FaultPlan(rates=rates, seed=seed)
                with contextlib.suppress(SyncError):
                    SyncEngine(
                        ws.profile, faulty_client(ws, plan), username=ws.actor.username
                    ).run_cycle()
        for ws in (a, a2, a, a2):
            sync_now(ws)
        assert outbox_size(a) == outbox_size(a2) == 0
        assert snapshot(a) == snapshot(a2)
        row = snapshot(a)[("household", hid)]
        assert row["address"] == "地址7" and row["note"] == "备注7"
        assert len([k for k in snapshot(a) if k[0] == "household"]) == 9
    finally:
        a.close()
        a2.close()


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if self.path.endswith("/pull"):
            body = b'{"epoch": "x", "cursor": {"epoch": "x", "seq": 1}, "rows": [{"ent'
            self.send_response(200)
        else:
            body = b"<html><body>502 Bad Gateway (proxy)</body></html>"
            self.send_response(418)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def garbage_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_corrupt_replies_are_clear_errors(garbage_server: str) -> None:
    """Proves a truncated JSON reply and an HTML error page (a proxy in the way) become
    ProtocolErrors with a plain message, not crashes deep in the engine."""
    client = SyncClient(make_transport(garbage_server), device_id="dev-garbage-1")
    with pytest.raises(ProtocolError, match="not valid"):
        client.pull(PullRequest(device_id="dev-garbage-1"))
    with pytest.raises(ProtocolError, match="not a GridWorker error"):
        client.login("x", "y")


def test_transport_rules() -> None:
    """Proves plain HTTP is refused to anything but loopback, TLS verification is on, and an
    unreachable server is Offline (the caller keeps the outbox)."""
    with pytest.raises(InsecureServer):
        make_transport("http://192.0.2.10:8443")
    assert make_transport("https://grid.example.cn").verify is True
    assert make_transport("https://grid.example.cn", ca_bundle="/etc/office-ca.pem").verify == (
        "/etc/office-ca.pem"
    )
    client = SyncClient(make_transport("http://127.0.0.1:9", retries=0), device_id="dev-off-01")
    with pytest.raises(Offline) as exc:
        client.pull(PullRequest(device_id="dev-off-01"))
    assert exc.value.code is ErrorCode.server_error and "cannot reach" in str(exc.value)
