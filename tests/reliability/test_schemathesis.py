"""Schemathesis against the server's own OpenAPI: every operation, signed in and not.

Each operation gets generated requests (valid and invalid bodies, odd headers and path
values); every response must be a non-5xx that conforms to the documented schema, status
codes and content types. The app runs in process on a fresh SQLite file.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from gridworker.server.core.db import transaction
from gridworker.server.users import create_department, create_user
from tests.reliability.conftest import one_grid_app, scaled
from tests.server.conftest import GRID_A, PASSWORD

# One account per role (docs/design.md §6): every operation is generated with each one's token.
ROLES = {
    "grid_worker": ("worker.a", {"grids": [GRID_A]}),
    "adviser": ("adviser.a", {"grids": [GRID_A]}),
    "supervisor_community": ("sup.community", {"area_code": GRID_A[:12]}),
    "supervisor_street": ("sup.street", {"area_code": GRID_A[:9], "special_access": True}),
    "department": ("dept.cg", {}),
    "admin": ("admin", {}),
}

# The module's fixtures make a token once: its tests share one worker.
pytestmark = pytest.mark.xdist_group("schemathesis")


def make_app(tmp: Path) -> FastAPI:
    # Generated logins must not lock the next ones out.
    app = one_grid_app(
        f"sqlite:///{tmp / 'server.db'}",
        tmp / "files",
        login_failures_allowed=10**6,
        login_address_failures_allowed=10**6,
    )
    settings = app.state.settings
    with transaction(app.state.sessions) as s:
        dept = create_department(s, name="城管局")
        for role, (username, kwargs) in ROLES.items():
            if username == "worker.a":
                continue  # one_grid_app made it
            if role == "department":
                kwargs = {"department_id": dept.id}
            create_user(
                s,
                settings=settings,
                username=username,
                password=PASSWORD,
                role=role.split("_")[0] if role.startswith("supervisor") else role,
                **kwargs,
            )
    return app


# schemathesis parametrizes at collection time, so the app exists from import on (a
# throwaway SQLite file; schemathesis.pytest.from_fixture does not work with pytest 9).
_TMP = Path(tempfile.mkdtemp(prefix="gw-schemathesis-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
APP = make_app(_TMP)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


DEVICES = {role: f"dev-{role[:6]}-{uuid.uuid4().hex[:8]}" for role in ROLES}


@dataclass(frozen=True)
class SignedIn:
    role: str
    token: str
    device: str


@pytest.fixture(scope="module", params=sorted(ROLES))
def signed_in(request: pytest.FixtureRequest) -> SignedIn:
    """A token of each role in turn: every generated request runs once per role."""
    role = str(request.param)
    with TestClient(APP) as client:
        r = client.post(
            "/api/v1/auth/login",
            json={"username": ROLES[role][0], "password": PASSWORD, "device_id": DEVICES[role]},
        )
        assert r.status_code == 200, r.text
        return SignedIn(role, str(r.json()["token"]), DEVICES[role])


@schemathesis.serializer("application/offset+octet-stream")
def _chunk(ctx: Any, value: Any) -> bytes:
    """An attachment chunk is raw bytes; generated values become bytes as they are."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


# Every check runs (no 5xx; status codes, content types, headers and bodies as documented)
# except the two that judge whether a request *should* have been accepted:
# - negative_data_rejection: the wire models parse in pydantic's lax mode on purpose (an
#   int sent as "3", a bool as 0); invalid data that matters is a 422;
# - positive_data_acceptance: a schema-valid request can still be wrong for the server's
#   state (an epoch from before a restore is 412, bytes that do not hash to the declared
#   SHA-256 are 422), which no schema can express.
CHECK_OPTIONS: dict[str, Any] = {
    "excluded_checks": [negative_data_rejection, positive_data_acceptance]
}

EXAMPLES = settings(
    max_examples=scaled(10, 300), deadline=None, suppress_health_check=list(HealthCheck)
)


@schema.parametrize()
@EXAMPLES
def test_api_signed_in_conforms_and_never_fails(case: Any, signed_in: SignedIn) -> None:
    """Proves every operation, for generated valid and invalid requests with a valid token
    of each role (grid worker, adviser, community and street supervisor, department,
    admin), answers without a server error and with a status, content type and body that
    the OpenAPI document declares."""
    if case.path.endswith("/logout"):
        # Never sign the shared token out mid-run: the other cases need it.
        case.call_and_validate(headers={"Authorization": "Bearer " + "n" * 43}, **CHECK_OPTIONS)
        return
    if (
        isinstance(case.body, dict)
        and "device_id" in case.body
        and case.path != "/api/v1/auth/login"
    ):
        # The body names the signed-in device (a rule the schema cannot state); a request
        # for another device is a 400, tested in the authorization matrix.
        case.body["device_id"] = signed_in.device
    case.call_and_validate(headers={"Authorization": f"Bearer {signed_in.token}"}, **CHECK_OPTIONS)


@schema.parametrize()
@EXAMPLES
def test_api_anonymous_conforms_and_never_fails(case: Any) -> None:
    """Proves the same for requests without credentials (or with whatever Authorization
    header the generator makes up): never a 5xx, always a documented answer."""
    case.call_and_validate(**CHECK_OPTIONS)
