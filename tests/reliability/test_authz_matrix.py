"""Who gets in: every role and credential × every endpoint of the OpenAPI × in and out of scope.

The endpoint list comes from the app's own OpenAPI document, so an endpoint added without
a row in MATRIX fails the test. Requests go through the real app in process (one SQLite
file per test); data is made by pushing through the API as the clients would.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from gridworker.resources import resource
from gridworker.server.app import create_app
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.models import Record, Token
from gridworker.server.scope import ALL_ENTITIES
from gridworker.server.users import create_department, create_user, import_grids, revoke_device
from tests.reliability.records import ORDER, REFERRING, family, payload
from tests.server.conftest import PASSWORD, square
from tests.server.test_push import action_payload, case_payload, household, new_id

GRID_A = "360302001001001"  # street 001, community 001
GRID_B = "360302001001002"  # same community
GRID_C = "360302001002001"  # same street, another community
GRID_D = "360302002001001"  # another street

# role -> (username, the grid in scope, a grid out of scope)
ROLES: dict[str, tuple[str, str, str]] = {
    "grid_worker": ("worker.a", GRID_A, GRID_B),
    "adviser": ("adviser.a", GRID_A, GRID_B),
    "supervisor_community": ("sup.community", GRID_A, GRID_C),
    "supervisor_street": ("sup.street", GRID_A, GRID_D),
    "department": ("dept.cg", GRID_A, GRID_B),
    "admin": ("admin", GRID_A, GRID_D),
}
# Credentials that are not a valid sign-in (all of worker.a, whose role would let it in).
BAD_CREDENTIALS = ("no_token", "garbage_token", "expired_token", "revoked_device", "logged_out")
WHO = (*ROLES, *BAD_CREDENTIALS)
REVIEWERS = {"grid_worker", "supervisor_community", "supervisor_street", "admin"}
WRITERS = {"grid_worker", "supervisor_community", "supervisor_street", "admin"}
DENIED = {
    "no_token": (401, "auth_required"),
    "garbage_token": (401, "auth_required"),
    "expired_token": (401, "token_expired"),
    "revoked_device": (403, "device_revoked"),
    "logged_out": (401, "auth_required"),
}


@dataclass
class World:
    """Everything the matrix needs: tokens per role and credential, records per grid."""

    app: FastAPI
    client: TestClient
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)
    households: dict[str, str] = field(default_factory=dict)  # grid -> household id
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)  # grid -> case
    files: dict[str, str] = field(default_factory=dict)  # grid -> sha256 of a case photo
    # grid -> one record of every kind (tests/reliability/records.py), pushed by the admin
    families: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    special_tag: dict[str, Any] = field(default_factory=dict)  # a 社区矫正 tag in grid A
    counters: dict[str, int] = field(default_factory=dict)

    def login(self, username: str, device_id: str | None = None) -> Any:
        return self.client.post(
            "/api/v1/auth/login",
            json={
                "username": username,
                "password": PASSWORD,
                "device_id": device_id or f"dev-{uuid.uuid4().hex[:12]}",
            },
        )

    def sign_in(self, key: str, username: str) -> None:
        device = f"dev-{key}-{uuid.uuid4().hex[:8]}"
        r = self.login(username, device)
        assert r.status_code == 200, r.text
        self.headers[key] = {"Authorization": f"Bearer {r.json()['token']}"}
        self.devices[key] = device

    def push(self, key: str, *mutations: dict[str, Any]) -> Any:
        return self.client.post(
            "/api/v1/sync/push",
            json={"device_id": self.devices.get(key, "dev-none-000"), "mutations": list(mutations)},
            headers=self.headers.get(key, {}),
        )

    def mutation(
        self, key: str, op: str, entity: str, payload: dict[str, Any], *, base: int = 0
    ) -> dict[str, Any]:
        self.counters[key] = self.counters.get(key, 0) + 1
        return {
            "mutation_id": self.counters[key],
            "op": op,
            "entity": entity,
            "record_id": payload.get("id") or payload["__id"],
            "grid_code": payload["grid_code"],
            "base_version": base,
            "schema_version": 1,
            "payload": {k: v for k, v in payload.items() if k != "__id"},
        }

    def ok(self, key: str, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.push(key, *mutations)
        assert r.status_code == 200, r.text
        outcomes: list[dict[str, Any]] = r.json()["outcomes"]
        assert all(o["status"] == "applied" for o in outcomes), outcomes
        return outcomes

    def act(
        self, key: str, actor: str, role: str, case: dict[str, Any], action: str, **kw: Any
    ) -> None:
        payload = action_payload(case, action, actor, role, **kw)
        self.ok(key, self.mutation(key, "command", "case_action", payload))

    def conflict(self, grid: str) -> str:
        """A field conflict in `grid`: two admins edit the same note from the same version."""
        hh = household(grid, household_no=uuid.uuid4().hex[:6])
        [made] = self.ok("admin", self.mutation("admin", "create", "household", hh))
        base = made["version"]
        upd = {"__id": hh["id"], "grid_code": grid}
        self.ok(
            "admin2",
            self.mutation("admin2", "update", "household", {**upd, "note": "甲"}, base=base),
        )
        r = self.push(
            "admin", self.mutation("admin", "update", "household", {**upd, "note": "乙"}, base=base)
        )
        [outcome] = r.json()["outcomes"]
        assert outcome["status"] == "conflict", outcome
        return str(outcome["conflict_id"])

    def upload(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        h = self.headers["admin"]
        assert self.client.put(
            f"/api/v1/attachments/{sha}", json={"size": len(data)}, headers=h
        ).status_code in (200, 201)
        r = self.client.patch(
            f"/api/v1/attachments/{sha}",
            content=data,
            headers={**h, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        assert r.status_code == 200, r.text
        return sha


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'server.db'}",
        attachment_dir=tmp_path / "files",
        password_time_cost=1,
        password_memory_kib=1024,
        login_failures_allowed=1000,  # the rate limit has its own test
    )
    app = create_app(settings)
    with transaction(app.state.sessions) as s:
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
                    for n, code in enumerate((GRID_A, GRID_B, GRID_C, GRID_D))
                ],
            },
        )
        dept = create_department(s, name="城管局")
        for username, role, kwargs in (
            ("worker.a", "grid_worker", {"grids": [GRID_A]}),
            ("adviser.a", "adviser", {"grids": [GRID_A]}),
            ("sup.community", "supervisor", {"area_code": GRID_A[:12]}),
            ("sup.street", "supervisor", {"area_code": GRID_A[:9]}),
            ("sup.far", "supervisor", {"area_code": GRID_D[:9]}),
            ("dept.cg", "department", {"department_id": dept.id}),
            ("admin", "admin", {}),
            ("admin.b", "admin", {}),
        ):
            create_user(
                s, settings=settings, username=username, password=PASSWORD, role=role, **kwargs
            )
    with TestClient(app) as client:
        w = World(app, client)
        for role, (username, _in, _out) in ROLES.items():
            w.sign_in(role, username)
        w.sign_in("admin2", "admin.b")
        w.sign_in("sup.street.actor", "sup.street")
        for key in ("expired_token", "revoked_device", "logged_out"):
            w.sign_in(key, "worker.a")
        w.headers["garbage_token"] = {"Authorization": "Bearer " + "x" * 43}
        w.headers["no_token"] = {}
        with transaction(app.state.sessions) as s:
            s.execute(
                update(Token)
                .where(Token.device_id == w.devices["expired_token"])
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
            revoke_device(s, device_id=w.devices["revoked_device"])
        assert (
            client.post("/api/v1/auth/logout", headers=w.headers["logged_out"]).status_code == 204
        )
        # A household, a case with a photo, in every grid; grid A's case dispatched to 城管局.
        for grid in (GRID_A, GRID_B, GRID_C, GRID_D):
            hh = household(grid, household_no=f"9{grid[-3:]}")
            case = case_payload(grid, reporter="admin")
            w.ok(
                "admin",
                w.mutation("admin", "create", "household", hh),
                w.mutation("admin", "create", "case", case),
            )
            w.households[grid] = hh["id"]
            w.cases[grid] = case
            sha = w.upload(f"photo of grid {grid}".encode())
            w.files[grid] = sha
            photo = {
                "id": new_id(),
                "grid_code": grid,
                "deleted": False,
                "owner_entity": "case",
                "owner_id": case["id"],
                "sha256": sha,
                "mime": "image/jpeg",
                "size": len(f"photo of grid {grid}"),
                "caption": None,
                "is_evidence": True,
                "taken_at": None,
            }
            w.ok("admin", w.mutation("admin", "create", "attachment", photo))
        # One record of every kind in every grid, and a special-group tag in grid A (pushed
        # by its grid worker: the admin has no special access).
        for grid in (GRID_A, GRID_B, GRID_C, GRID_D):
            records = family(grid)
            w.ok("admin", *(w.mutation("admin", "create", e, records[e]) for e in ORDER))
            w.families[grid] = records
        special = payload(
            "resident_tag", GRID_A, {"resident": w.families[GRID_A]["resident"]["id"]},
            tag="community_correction",
        )
        w.ok("grid_worker", w.mutation("grid_worker", "create", "resident_tag", special))
        w.special_tag = special
        case_a = w.cases[GRID_A]
        w.act("grid_worker", "worker.a", "grid_worker", case_a, "report")
        w.act("sup.street.actor", "sup.street", "supervisor", case_a, "accept")
        w.act(
            "sup.street.actor",
            "sup.street",
            "supervisor",
            case_a,
            "dispatch",
            department_id=dept.id,
        )
        yield w
    app.state.engine.dispose()


# --- the matrix --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request of the matrix and what must come back."""

    status: int
    check: Callable[[Any], None] | None = None


Probe = Callable[[World, str, str, str], Call]  # (world, who, grid, scope) -> expectation


def _target(role: str, scope: str) -> str:
    _username, in_grid, out_grid = ROLES.get(role, ROLES["grid_worker"])
    return in_grid if scope == "in" else out_grid


def expect_health(w: World, who: str, grid: str, scope: str) -> Call:
    return Call(200)


def expect_login(w: World, who: str, grid: str, scope: str) -> Call:
    # "in": the caller's own device; "out": a device id already registered to someone else
    # (a cloned laptop), which must be refused.
    if who == "revoked_device":
        return Call(403)
    if who in ("no_token", "garbage_token"):
        return Call(401)  # wrong password
    return Call(200 if scope == "in" else 409)


def expect_logout(w: World, who: str, grid: str, scope: str) -> Call:
    return Call(DENIED[who][0] if who in DENIED else 204)


def expect_push(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    allowed = who in WRITERS and (scope == "in" or who == "admin")

    def check(body: Any) -> None:
        [outcome] = body["outcomes"]
        if allowed:
            assert outcome["status"] == "applied", outcome
        else:
            assert outcome["status"] == "rejected", outcome
            assert outcome["code"] in ("out_of_scope", "forbidden"), outcome

    return Call(200, check)


def expect_pull(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    wanted = (
        ("case", w.cases[grid]["id"]) if who == "department" else ("household", w.households[grid])
    )
    visible = scope == "in" or who == "admin"

    def check(body: Any) -> None:
        seen = {(r["entity"], r["id"]) for r in body["rows"]}
        assert (wanted in seen) is visible, (who, scope, wanted)
        if who != "admin":  # reference data (grids, regions, departments) goes to everyone
            leaked = [
                (r["entity"], r["grid_code"])
                for r in body["rows"]
                if r["entity"] in ALL_ENTITIES and r["grid_code"] not in _scope_grids(who)
            ]
            assert not leaked, leaked

    return Call(200, check)


def expect_records(w: World, who: str, grid: str, scope: str) -> Call:
    # Records fetched by key: the same visibility as a pull; a key the caller may not see
    # is simply absent (as one that does not exist).
    if who in DENIED:
        return Call(DENIED[who][0])
    visible = scope == "in" or who == "admin"

    def check(body: Any) -> None:
        assert bool(body["rows"]) is visible, (who, scope, body)

    return Call(200, check)


def _wanted_key(w: World, who: str, grid: str) -> dict[str, str]:
    if who == "department":
        return {"entity": "case", "id": w.cases[grid]["id"]}
    return {"entity": "household", "id": w.households[grid]}


def _scope_grids(who: str) -> set[str]:
    return {
        "grid_worker": {GRID_A},
        "adviser": {GRID_A},
        "supervisor_community": {GRID_A, GRID_B},
        "supervisor_street": {GRID_A, GRID_B, GRID_C},
        "department": {GRID_A},
    }[who]


def expect_conflicts(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    visible = who in REVIEWERS and (scope == "in" or who == "admin")
    conflict = w.conflict(grid)

    def check(body: Any) -> None:
        ids = {c["id"] for c in body["conflicts"]}
        assert (conflict in ids) is visible, (who, scope)

    return Call(200, check)


def expect_resolve(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    allowed = who in REVIEWERS and (scope == "in" or who == "admin")
    # Not theirs: the answer an unknown conflict gets (no existence oracle).
    return Call(200 if allowed else 404)


def expect_declare(w: World, who: str, grid: str, scope: str) -> Call:
    return Call(DENIED[who][0] if who in DENIED else 201)


def expect_head(w: World, who: str, grid: str, scope: str) -> Call:
    # "in": the caller's own upload; "out": another user's upload of a file the caller
    # names by hash, which is answered as a file nobody declared (knowing a hash grants
    # nothing, docs/design.md §4).
    if who in DENIED:
        return Call(DENIED[who][0])
    return Call(200 if scope == "in" else 404)


def expect_patch(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    return Call(200 if scope == "in" else 404)


def expect_download(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    return Call(200 if scope == "in" or who == "admin" else 404)


def expect_reference_read(w: World, who: str, grid: str, scope: str) -> Call:
    # The district's calendar and deadline rules: district-wide, readable by every sign-in.
    return Call(DENIED[who][0] if who in DENIED else 200)


def expect_reference_publish(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    return Call(200 if who == "admin" else 403)


def expect_reference_get(w: World, who: str, grid: str, scope: str) -> Call:
    # District-wide reference data: every signed-in role reads it (no scope).
    return Call(DENIED[who][0] if who in DENIED else 200)


def expect_reference_put(w: World, who: str, grid: str, scope: str) -> Call:
    if who in DENIED:
        return Call(DENIED[who][0])
    return Call(200 if who == "admin" else 403)


def expect_checklists_read(w: World, who: str, grid: str, scope: str) -> Call:
    # Checklist versions are district-wide: every signed-in role lists them.
    return Call(DENIED[who][0] if who in DENIED else 200)


def expect_checklist_publish(w: World, who: str, grid: str, scope: str) -> Call:
    # The district admin publishes (the editor, §25): past authorization, the shipped
    # version sent again is refused on its content (422); any other role is told 403.
    if who in DENIED:
        return Call(DENIED[who][0])
    return Call(422 if who == "admin" else 403)


MATRIX: dict[tuple[str, str], Probe] = {
    ("get", "/health"): expect_health,
    ("post", "/api/v1/auth/login"): expect_login,
    ("post", "/api/v1/auth/logout"): expect_logout,
    ("post", "/api/v1/sync/push"): expect_push,
    ("post", "/api/v1/sync/pull"): expect_pull,
    ("post", "/api/v1/sync/records"): expect_records,
    ("get", "/api/v1/conflicts"): expect_conflicts,
    ("post", "/api/v1/conflicts/{conflict_id}/resolve"): expect_resolve,
    ("put", "/api/v1/attachments/{sha256}"): expect_declare,
    ("head", "/api/v1/attachments/{sha256}"): expect_head,
    ("patch", "/api/v1/attachments/{sha256}"): expect_patch,
    ("get", "/api/v1/attachments/{sha256}"): expect_download,
    ("get", "/api/v1/reference/{kind}"): expect_reference_read,
    ("put", "/api/v1/reference/{kind}"): expect_reference_publish,
    ("get", "/api/v1/checklists"): expect_checklists_read,
    ("post", "/api/v1/checklists"): expect_checklist_publish,
}


def send(w: World, method: str, path: str, who: str, grid: str, scope: str) -> Any:
    """The request for one cell: the same shape for every caller, aimed in or out of scope."""
    headers = dict(w.headers[who])
    device = w.devices.get(who, "dev-anonymous-1")
    c = w.client
    if path == "/health":
        return c.get(path, headers=headers)
    if path.endswith("/login"):
        user = ROLES.get(who, ROLES["grid_worker"])[0]
        if who == "revoked_device":
            target_device = device
        elif scope == "in":
            target_device = f"dev-fresh-{uuid.uuid4().hex[:8]}"
        else:
            target_device = w.devices["admin2"] if who != "admin" else w.devices["grid_worker"]
        password = PASSWORD if who not in ("no_token", "garbage_token") else "wrong-password"
        return c.post(
            path, json={"username": user, "password": password, "device_id": target_device}
        )
    if path.endswith("/logout"):
        if who in ROLES:  # a throwaway sign-in, so the matrix keeps its tokens
            r = w.login(ROLES[who][0])
            headers = {"Authorization": f"Bearer {r.json()['token']}"}
        return c.post(path, headers=headers)
    if path.endswith("/push"):
        hh = household(grid, household_no=uuid.uuid4().hex[:6])
        return w.push(who, w.mutation(who, "create", "household", hh))
    if path.endswith("/pull"):
        return c.post(path, json={"device_id": device, "limit": 1000}, headers=headers)
    if path.endswith("/sync/records"):
        keys = [_wanted_key(w, who, grid)]
        return c.post(path, json={"device_id": device, "keys": keys}, headers=headers)
    if path == "/api/v1/conflicts":
        return c.get(path, headers=headers)
    if path == "/api/v1/reference/{kind}":
        kind = "calendar" if scope == "in" else "deadline-rules"
        url = path.replace("{kind}", kind)
        if method == "get":
            return c.get(url, headers=headers)
        document = {"calendar": {"years": {}}, "deadline-rules": {"urgency": {"normal": 4}}}[kind]
        return c.put(url, json=document, headers=headers)
    if path == "/api/v1/checklists":
        if method == "get":
            return c.get(path, headers=headers)
        # The shipped template itself: its version exists, so even the admin gets 422.
        shipped = json.loads(resource("checklists", "fire_safety.json").read_text("utf-8"))
        return c.post(path, json=shipped, headers=headers)
    if path.endswith("/resolve"):
        conflict = w.conflict(grid)
        return c.post(
            f"/api/v1/conflicts/{conflict}/resolve", json={"choice": "server"}, headers=headers
        )
    if path.startswith("/api/v1/reference/"):
        url = "/api/v1/reference/calendar"
        if method == "get":
            return c.get(url, headers=headers)
        current = c.get(url, headers=w.headers["admin"]).json()
        current.pop("revision", None)
        return c.put(url, json=current, headers=headers)
    if "{sha256}" in path:
        data = f"{who}-{scope}-{uuid.uuid4()}".encode()
        sha = hashlib.sha256(data).hexdigest()
        url = path.replace("{sha256}", sha)
        if method == "put":
            return c.put(url, json={"size": len(data)}, headers=headers)
        if method == "get":
            return c.get(path.replace("{sha256}", w.files[grid]), headers=headers)
        # HEAD and PATCH on an upload declared just before: by the caller ("in"), or by
        # another admin ("out").
        owner = w.headers[who] if scope == "in" else w.headers["admin2"]
        c.put(url, json={"size": len(data)}, headers=owner)
        if method == "head":
            return c.head(url, headers=headers)
        return c.patch(
            url,
            content=data,
            headers={
                **headers,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
        )
    raise AssertionError(f"no request for {method.upper()} {path}")


def test_every_endpoint_is_in_the_matrix(world: World) -> None:
    """Proves the matrix covers every operation the server's OpenAPI lists (a new endpoint
    without an authorization row fails here) and names no endpoint that does not exist."""
    listed = {
        (method, path) for path, ops in world.app.openapi()["paths"].items() for method in ops
    }
    assert listed == set(MATRIX), (sorted(listed - set(MATRIX)), sorted(set(MATRIX) - listed))


@pytest.mark.parametrize("who", WHO)
def test_authorization_matrix(world: World, who: str) -> None:
    """Proves, for one role or broken credential, every endpoint answers the expected status
    in and out of scope: out-of-scope pushes are rejected, pulls and conflict lists hold
    only the caller's grids (or a department's dispatched cases), downloads outside the
    scope are 404, resolving another grid's conflict is 403, and expired, revoked,
    logged-out, garbage or missing tokens get 401/403 with the right error code everywhere."""
    failures = []
    for (method, path), probe in MATRIX.items():
        for scope in ("in", "out"):
            grid = _target(who, scope)
            expected = probe(world, who, grid, scope)
            r = send(world, method, path, who, grid, scope)
            if r.status_code != expected.status:
                failures.append(
                    f"{method.upper()} {path} {scope}: "
                    f"{r.status_code} != {expected.status} {r.text[:200]}"
                )
                continue
            if (
                who in DENIED
                and method != "head"
                and path != "/health"
                and not path.endswith("/login")
            ):
                assert r.json()["code"] == DENIED[who][1], (path, r.text)
            if expected.check is not None:
                try:
                    expected.check(r.json())
                except AssertionError as exc:
                    failures.append(f"{method.upper()} {path} {scope}: {exc}")
    assert not failures, "\n".join(failures)


# --- existence oracles and references (issue 16) -------------------------------------------

# Roles with their reach, for the oracle checks: which records of `World.families` each may
# not write. The admin covers every grid but does not see special-group tags.
ORACLE_ROLES = tuple(ROLES)


def _unreachable_records(w: World, who: str) -> list[tuple[str, dict[str, Any]]]:
    """(entity, record) pairs that exist and that `who` may not write: every kind in its
    out-of-scope grid (none for the admin), grid A's records for the department (not
    dispatched to it, except the case and its photo), and the special-group tag for
    everyone without access to it."""
    out: list[tuple[str, dict[str, Any]]] = []
    if who != "admin":
        _in, out_grid = ROLES[who][1], ROLES[who][2]
        out += list(w.families[out_grid].items())
    if who == "department":
        out += list(w.families[GRID_A].items())
    if who != "grid_worker":
        out.append(("resident_tag", w.special_tag))
    return out


def _outcome(w: World, who: str, mutation: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    r = w.push(who, mutation)
    assert r.status_code == 200, r.text
    [outcome] = r.json()["outcomes"]
    outcome.pop("mutation_id")
    return r.status_code, outcome


@pytest.mark.parametrize("who", ORACLE_ROLES)
def test_no_answer_tells_out_of_scope_from_missing(world: World, who: str) -> None:
    """Proves, for every role and every kind of record it may not write (out of its grids,
    not dispatched to its department, or a special-group tag it may not see), that an
    update, a delete and a workflow command aimed at an existing such record get exactly
    the answer (HTTP status, outcome status, code and text) that the same request aimed at
    an id that does not exist gets, and that both are written to the audit log."""
    w = world
    checked = 0
    grid = ROLES[who][1]
    for entity, record in _unreachable_records(w, who):
        for op, body in (("update", {"grid_code": grid}), ("delete", {"deleted": True})):
            there = {**body, "grid_code": grid, "__id": record["id"]}
            nowhere = {**body, "grid_code": grid, "__id": new_id()}
            a = _outcome(w, who, w.mutation(who, op, entity, there, base=1))
            b = _outcome(w, who, w.mutation(who, op, entity, nowhere, base=1))
            assert a == b, (who, entity, op, a, b)
            assert a[1]["status"] == "rejected", (who, entity, op, a)
            checked += 1
    if who != "admin":
        out_case = w.families[ROLES[who][2]]["case"]
        ghost = {**out_case, "id": new_id()}
        role = "supervisor" if who.startswith("supervisor") else who
        username = ROLES[who][0]
        a, b = (
            _outcome(
                w,
                who,
                w.mutation(
                    who,
                    "command",
                    "case_action",
                    action_payload(case, "escalate", username, role),
                ),
            )
            for case in (out_case, ghost)
        )
        assert a == b, (who, a, b)
    assert checked >= 2


@pytest.mark.parametrize("who", sorted(WRITERS - {"admin"}))
def test_references_must_stay_in_scope(world: World, who: str) -> None:
    """Proves, for every role that writes records and every kind of reference a record
    makes (building, house, household, resident, visit, site, inspection, need, an
    attachment's owner), that a record in the caller's grid naming a record in a grid it
    does not cover is refused (nothing stored) with the one out-of-scope answer, while the
    same record naming its own grid's record is applied."""
    w = world
    in_grid, out_grid = ROLES[who][1], ROLES[who][2]
    for entity, (_field, target) in REFERRING.items():
        outside = w.families[out_grid][target]["id"]
        inside = w.families[in_grid][target]["id"]
        # A tag kind the family's residents do not carry yet: the tag ids are new.
        extra = {"tag": "low_income"} if entity == "resident_tag" else {}
        own = {kind: record["id"] for kind, record in w.families[in_grid].items()}
        bad = payload(entity, in_grid, {**own, target: outside}, **extra)
        good = payload(entity, in_grid, {**own, target: inside}, **extra)
        refused = _outcome(w, who, w.mutation(who, "create", entity, bad))[1]
        assert refused["status"] == "rejected" and refused["code"] == "out_of_scope", (
            who,
            entity,
            refused,
        )
        applied = _outcome(w, who, w.mutation(who, "create", entity, good))[1]
        assert applied["status"] in ("applied", "merged"), (who, entity, applied)
        with transaction(w.app.state.sessions, write=False) as s:
            assert s.get(Record, (entity, bad["id"])) is None
            assert s.get(Record, (entity, good["id"])) is not None
