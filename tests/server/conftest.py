"""Server fixtures: the same tests on SQLite and on a real PostgreSQL 15.

scripts/test.sh starts a throwaway cluster and exports GRIDWORKER_TEST_PG_URL;
each PostgreSQL test gets a database of its own. Without the variable the
PostgreSQL variants are skipped locally but fail in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gridworker.server.app import create_app
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.users import create_department, create_user, import_grids

PG_URL = os.environ.get("GRIDWORKER_TEST_PG_URL")
PASSWORD = "test-password-123"
GRID_A = "360302001001001"
GRID_B = "360302001001002"
GRID_C = "360302002001001"  # another street


def _pg_database(tmp_name: str) -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("GRIDWORKER_TEST_PG_URL is not set: run the tests with scripts/test.sh")
        pytest.skip("no PostgreSQL (run scripts/test.sh)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{tmp_name}"'))
    try:
        yield make_url(PG_URL).set(database=tmp_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                {"d": tmp_name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{tmp_name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
    else:
        yield from _pg_database(f"gw_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        db_url=db_url,
        attachment_dir=tmp_path / "files",
        password_time_cost=1,
        password_memory_kib=1024,
    )


def square(x: float, y: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]],
    }


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = build_app(settings)
    yield application
    application.state.engine.dispose()


def build_app(settings: Settings) -> FastAPI:
    """The test district's server: three grids, a department and one user per role."""
    application = create_app(settings)
    with transaction(application.state.sessions) as s:
        import_grids(
            s,
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"grid_code": code, "name": f"网格{n}"},
                        "geometry": square(113.85 + n * 0.01, 27.62),
                    }
                    for n, code in enumerate((GRID_A, GRID_B, GRID_C))
                ],
            },
        )
        dept = create_department(s, name="城管局")
        application.state.test_department_id = dept.id
        for username, role, kwargs in (
            ("worker.a", "grid_worker", {"grids": [GRID_A]}),
            ("worker.b", "grid_worker", {"grids": [GRID_B]}),
            ("adviser.a", "adviser", {"grids": [GRID_A]}),
            ("sup.street", "supervisor", {"area_code": GRID_A[:9]}),
            ("sup.other", "supervisor", {"area_code": GRID_C[:9]}),
            ("dept.cg", "department", {"department_id": dept.id}),
            ("admin", "admin", {}),
        ):
            create_user(
                s, settings=settings, username=username, password=PASSWORD, role=role, **kwargs
            )
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def login(client: TestClient, username: str, device_id: str | None = None) -> dict[str, str]:
    """Sign in and return the Authorization header for that device."""
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": username,
            "password": PASSWORD,
            "device_id": device_id or f"dev-{username}-{uuid.uuid4().hex[:8]}",
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
