"""An attacker's toolkit for the attack tests: ordinary accounts against a real server process.

The `attack_server` fixture (conftest.py) starts `gridworker-server serve` on a SQLite
file with the e2e users plus an adviser, a named officer (special access) and an admin;
`Account` signs one of them in over HTTP and pushes, pulls and transfers files as any
client could, with no help from the app.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.users import create_user
from tests.e2e.conftest import GRID_A, GRID_B, PASSWORD, LiveServer, prepare_database


@dataclass
class AttackServer:
    server: LiveServer
    log_file: Path
    files: Path
    db_url: str

    @property
    def url(self) -> str:
        return self.server.url


def prepare_attack_database(db_url: str, files: Path) -> None:
    settings = prepare_database(db_url, files)
    engine = make_engine(db_url)
    with transaction(session_factory(engine)) as s:
        for username, role, kwargs in (
            ("adviser.a", "adviser", {"grids": [GRID_A]}),
            ("sup.officer", "supervisor", {"area_code": GRID_A[:9], "special_access": True}),
            ("admin", "admin", {}),
        ):
            create_user(
                s, settings=settings, username=username, password=PASSWORD, role=role, **kwargs
            )
    engine.dispose()


@dataclass
class Account:
    """One signed-in device of one user, speaking the wire protocol directly."""

    url: str
    username: str
    password: str = PASSWORD
    device_id: str = field(default_factory=lambda: f"dev-{uuid.uuid4().hex[:12]}")
    token: str = ""
    login_body: dict[str, Any] = field(default_factory=dict)
    next_id: int = 1
    http: requests.Session = field(default_factory=requests.Session)

    def sign_in(self) -> Account:
        r = self.http.post(
            self.url + "/api/v1/auth/login",
            json={
                "username": self.username,
                "password": self.password,
                "device_id": self.device_id,
            },
            timeout=30,
        )
        assert r.status_code == 200, r.text
        self.login_body = r.json()
        self.token = self.login_body["token"]
        return self

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def mutation(
        self,
        op: str,
        entity: str,
        record: dict[str, Any],
        *,
        base: int = 0,
        grid: str | None = None,
    ) -> dict[str, Any]:
        self.next_id += 1
        return {
            "mutation_id": self.next_id,
            "op": op,
            "entity": entity,
            "record_id": record["id"],
            "grid_code": grid or record.get("grid_code") or GRID_A,
            "base_version": base,
            "schema_version": 1,
            "payload": record,
        }

    def push_raw(self, *mutations: dict[str, Any]) -> requests.Response:
        return self.http.post(
            self.url + "/api/v1/sync/push",
            json={"device_id": self.device_id, "mutations": list(mutations)},
            headers=self.headers,
            timeout=60,
        )

    def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.push_raw(*mutations)
        assert r.status_code == 200, r.text
        outcomes: list[dict[str, Any]] = r.json()["outcomes"]
        return outcomes

    def create(self, entity: str, record: dict[str, Any]) -> dict[str, Any]:
        return self.push(self.mutation("create", entity, record))[0]

    def pull_all(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        cursor, backfill = None, {}
        while True:
            r = self.http.post(
                self.url + "/api/v1/sync/pull",
                json={
                    "device_id": self.device_id,
                    "cursor": cursor,
                    "backfill": backfill,
                    "limit": 5000,
                },
                headers=self.headers,
                timeout=60,
            )
            assert r.status_code == 200, r.text
            body = r.json()
            rows += body["rows"]
            cursor, backfill = body["cursor"], body.get("backfill") or {}
            if not body["has_more"] and not backfill:
                return rows

    def upload(self, data: bytes) -> str:
        """Declare and send a whole file; its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        url = f"{self.url}/api/v1/attachments/{sha}"
        declared = self.http.put(url, json={"size": len(data)}, headers=self.headers, timeout=30)
        assert declared.status_code in (200, 201), declared.text
        if declared.json()["complete"]:
            return sha
        sent = self.http.patch(
            url,
            data=data,
            headers={
                **self.headers,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
            timeout=60,
        )
        assert sent.status_code == 200, sent.text
        return sha


def sign_in(server: AttackServer, username: str) -> Account:
    return Account(server.url, username).sign_in()


__all__ = ["GRID_A", "GRID_B", "Account", "AttackServer", "sign_in"]
