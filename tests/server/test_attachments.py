"""Attachment transfer: resumable upload by SHA-256, Range downloads and the scope check,
on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import http.client
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gridworker.protocol import ATTACHMENT_CHUNK
from gridworker.server.attachments import MAX_CHUNK_BYTES, final_path, part_path
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.filestore import read_range
from gridworker.server.models import Audit
from gridworker.server.records import put_record
from tests.server.conftest import GRID_A, GRID_B, login

URL = "/api/v1/attachments"


def content(size: int, seed: int = 1) -> tuple[bytes, str]:
    data = random.Random(seed).randbytes(size)
    return data, hashlib.sha256(data).hexdigest()


def attach(app: FastAPI, sha: str, grid: str, *, department_id: str | None = None) -> str:
    """An attachment record pointing at `sha` (what a client's push would leave)."""
    record_id = str(uuid.uuid4())
    with transaction(app.state.sessions) as s:
        put_record(
            s,
            entity="attachment",
            id=record_id,
            grid_code=grid,
            data={
                "owner_entity": "case",
                "owner_id": str(uuid.uuid4()),
                "sha256": sha,
                "mime": "image/jpeg",
                "size": 1,
                "caption": "现场照片",
                "is_evidence": True,
                "taken_at": None,
            },
            author="worker.a",
            department_id=department_id,
        )
    return record_id


def upload(client: TestClient, headers: dict[str, str], data: bytes, sha: str) -> dict[str, Any]:
    r = client.put(f"{URL}/{sha}", json={"size": len(data)}, headers=headers)
    assert r.status_code in (200, 201), r.text
    offset = r.json()["offset"]
    body: dict[str, Any] = r.json()
    while offset < len(data):
        chunk = data[offset : offset + ATTACHMENT_CHUNK]
        r = client.patch(
            f"{URL}/{sha}", content=chunk, headers={**headers, "Upload-Offset": str(offset)}
        )
        assert r.status_code == 200, r.text
        body = r.json()
        offset = body["offset"]
    return body


@pytest.fixture
def live(app: FastAPI) -> Iterator[tuple[str, int]]:
    """The app under a real uvicorn on a free port (a thread), for a connection that drops."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield "127.0.0.1", sock.getsockname()[1]
    server.should_exit = True
    thread.join(10)
    sock.close()


def _request(
    where: tuple[str, int], method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*where, timeout=10)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        conn.close()


def test_resumable_upload_survives_a_dropped_connection(
    app: FastAPI, client: TestClient, live: tuple[str, int], settings: Settings
) -> None:
    """Proves an upload cut off mid-chunk resumes from HEAD's offset and completes intact."""
    headers = login(client, "worker.a")
    data, sha = content(2 * ATTACHMENT_CHUNK + 300_000)
    path = f"{URL}/{sha}"
    status, _, body = _request(live, "PUT", path, {**headers, "Content-Type": "application/json"},
                               f'{{"size": {len(data)}}}'.encode())  # fmt: skip
    assert status == 201, body
    first = data[:ATTACHMENT_CHUNK]
    status, reply, _ = _request(live, "PATCH", path, {**headers, "Upload-Offset": "0"}, first)
    assert status == 200 and reply["upload-offset"] == str(ATTACHMENT_CHUNK)

    # The laptop loses its connection in the middle of the second chunk.
    raw = socket.create_connection(live, timeout=10)
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: test\r\nAuthorization: {headers['Authorization']}\r\n"
        f"Upload-Offset: {ATTACHMENT_CHUNK}\r\nContent-Length: {ATTACHMENT_CHUNK}\r\n\r\n"
    )
    raw.sendall(head.encode() + data[ATTACHMENT_CHUNK : ATTACHMENT_CHUNK + 200_000])
    raw.close()
    time.sleep(0.3)

    status, reply, _ = _request(live, "HEAD", path, headers)
    assert status == 200
    offset = int(reply["upload-offset"])
    assert offset == ATTACHMENT_CHUNK and reply["upload-length"] == str(len(data))
    status, reply, body = _request(live, "PATCH", path, {**headers, "Upload-Offset": "0"}, first)
    assert status == 409 and reply["upload-offset"] == str(ATTACHMENT_CHUNK)
    assert b'"offset":' in body and b'"code":"bad_request"' in body.replace(b" ", b"")

    while offset < len(data):
        chunk = data[offset : offset + ATTACHMENT_CHUNK]
        status, reply, body = _request(
            live, "PATCH", path, {**headers, "Upload-Offset": str(offset)}, chunk
        )
        assert status == 200, body
        offset = int(reply["upload-offset"])
    assert b'"complete":true' in body.replace(b" ", b"")
    # Stored encrypted: the plaintext is what was sent, the file on disk is not it.
    assert b"".join(read_range(settings, sha, len(data), 0, len(data) - 1)) == data
    assert data[:4096] not in final_path(settings, sha).read_bytes()
    assert not part_path(settings, sha, "worker.a").exists()
    r = client.get(path, headers=headers)  # the uploader may fetch it back
    assert r.status_code == 200 and r.content == data
    with transaction(app.state.sessions, write=False) as s:
        actions = list(s.scalars(select(Audit.action).where(Audit.username == "worker.a")))
    assert "attachment_upload" in actions and "attachment_download" in actions


def test_hash_mismatch_is_refused_and_the_part_discarded(
    client: TestClient, settings: Settings
) -> None:
    """Proves bytes not matching the SHA-256 get 422 and are discarded."""
    headers = login(client, "worker.a")
    data, _ = content(5000, seed=2)
    _, wrong = content(5000, seed=3)
    assert client.put(f"{URL}/{wrong}", json={"size": 5000}, headers=headers).status_code == 201
    r = client.patch(f"{URL}/{wrong}", content=data, headers={**headers, "Upload-Offset": "0"})
    assert r.status_code == 422 and r.json()["code"] == "validation"
    assert "SHA-256" in r.json()["message"]
    assert not part_path(settings, wrong, "worker.a").exists()
    assert not final_path(settings, wrong).exists()
    assert client.head(f"{URL}/{wrong}", headers=headers).status_code == 404


def test_declaration_limits_and_bad_chunks(client: TestClient, settings: Settings) -> None:
    """Proves size limits, bad hashes, bad chunks and already-held files are answered right."""
    headers = login(client, "worker.a")
    too_big = settings.max_attachment_bytes + 1
    r = client.put(f"{URL}/{'a' * 64}", json={"size": too_big}, headers=headers)
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    assert client.put(f"{URL}/xyz", json={"size": 1}, headers=headers).status_code == 400
    data, sha = content(1000, seed=4)
    client.put(f"{URL}/{sha}", json={"size": 1000}, headers=headers)
    r = client.patch(f"{URL}/{sha}", content=data + b"x", headers={**headers, "Upload-Offset": "0"})
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
    assert client.patch(f"{URL}/{sha}", content=data, headers=headers).status_code == 400
    huge = b"\0" * (MAX_CHUNK_BYTES + 1)
    r = client.patch(f"{URL}/{sha}", content=huge, headers={**headers, "Upload-Offset": "0"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    upload(client, headers, data, sha)
    r = client.put(f"{URL}/{sha}", json={"size": 1000}, headers=headers)
    assert r.status_code == 200 and r.json() == {
        "sha256": sha, "size": 1000, "offset": 1000, "complete": True
    }  # fmt: skip
    # Someone who only knows the hash is told what an unknown file gets: send it.
    other = login(client, "worker.b")
    r = client.put(f"{URL}/{sha}", json={"size": 1000}, headers=other)
    assert r.status_code == 201 and r.json() == {
        "sha256": sha, "size": 1000, "offset": 0, "complete": False
    }  # fmt: skip


def test_download_needs_an_attachment_record_in_scope(app: FastAPI, client: TestClient) -> None:
    """Proves downloads (with Range) need a record in scope; others get the 404 of no file."""
    data, sha = content(300_000, seed=5)
    upload(client, login(client, "worker.a"), data, sha)
    attach(app, sha, GRID_A, department_id=app.state.test_department_id)

    for username in ("adviser.a", "sup.street", "dept.cg", "admin"):
        r = client.get(f"{URL}/{sha}", headers=login(client, username))
        assert r.status_code == 200 and r.content == data, username
        assert r.headers["content-type"] == "image/jpeg"
    street = login(client, "sup.street")
    r = client.get(f"{URL}/{sha}", headers={**street, "Range": "bytes=1000-1999"})
    assert r.status_code == 206 and r.content == data[1000:2000]
    assert r.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    r = client.get(f"{URL}/{sha}", headers={**street, "Range": "bytes=-10"})
    assert r.status_code == 206 and r.content == data[-10:]
    r = client.get(f"{URL}/{sha}", headers={**street, "Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(data)}"

    missing = "0" * 64
    for username in ("worker.b", "sup.other"):
        headers = login(client, username)
        hidden = client.get(f"{URL}/{sha}", headers=headers)
        absent = client.get(f"{URL}/{missing}", headers=headers)
        assert hidden.status_code == absent.status_code == 404, username
        assert hidden.json() == absent.json() and hidden.json()["code"] == "not_found"

    # A record in worker.b's grid makes the same file theirs too (content addressing).
    attach(app, sha, GRID_B)
    assert client.get(f"{URL}/{sha}", headers=login(client, "worker.b")).status_code == 200
