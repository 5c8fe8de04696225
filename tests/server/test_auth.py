"""Sign-in, tokens, revocation and rate limiting, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from gridworker.server.core.db import transaction
from gridworker.server.users import revoke_device
from tests.server.conftest import PASSWORD, login


def test_login_returns_token_scope_and_district_secret(client: TestClient) -> None:
    """Proves a good login returns a token, the user's grids and the district id secret."""
    r = client.post(
        "/api/v1/auth/login",
        json={"username": "worker.a", "password": PASSWORD, "device_id": "dev-laptop-0001"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["user"]["grids"] == ["360302001001001"] and body["user"]["role"] == "grid_worker"
    assert len(body["id_secret"]) == 64 and body["token"] and body["epoch"]


def test_wrong_password_then_rate_limit(client: TestClient) -> None:
    """Proves wrong passwords get 401 auth_required, and the sixth try in the window gets 429
    rate_limited with Retry-After even with the right password."""
    for _ in range(5):
        r = client.post(
            "/api/v1/auth/login",
            json={"username": "worker.a", "password": "wrong-password", "device_id": "dev-x-00001"},
        )
        assert r.status_code == 401 and r.json()["code"] == "auth_required"
    r = client.post(
        "/api/v1/auth/login",
        json={"username": "worker.a", "password": PASSWORD, "device_id": "dev-x-00001"},
    )
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0


def test_revoked_device_is_told_to_wipe(app: FastAPI, client: TestClient) -> None:
    """Proves a revoked device gets 403 device_revoked on its next request."""
    headers = login(client, "worker.a", "dev-revoke-0001")
    with transaction(app.state.sessions) as s:
        revoke_device(s, device_id="dev-revoke-0001")
    r = client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "device_revoked"


def test_missing_or_bad_token_and_old_client(client: TestClient) -> None:
    """Proves no token → 401 auth_required, a bad one → 401, protocol 0 → 426 client_too_old,
    and the message follows Accept-Language."""
    r = client.post("/api/v1/auth/logout")
    assert r.status_code == 401 and r.json()["code"] == "auth_required"
    assert r.json()["message"] == "请先登录"
    r = client.post(
        "/api/v1/auth/logout", headers={"Authorization": "Bearer nope", "Accept-Language": "en"}
    )
    assert r.status_code == 401 and "sign in" in r.json()["message"].lower()
    headers = login(client, "worker.a")
    r = client.post("/api/v1/auth/logout", headers={**headers, "X-GridWorker-Protocol": "0"})
    assert r.status_code == 426 and r.json()["code"] == "client_too_old"


def test_logout_revokes_the_token(client: TestClient) -> None:
    """Proves the token stops working after logout."""
    headers = login(client, "worker.a")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 401
