"""Enrollment, sync and conflict resolution: what the CLI's enroll/sync/conflicts and the
app's sync screen call."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.services.workspace import Actor, ServiceError, Workspace, init_profile
from gridworker.services.workspace import open_workspace as open_ws
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import SYNC_MODELS, LocalConflict, Setting
from gridworker.storage.outbox import without_capture
from gridworker.storage.profile import profile_exists
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import CycleReport, Progress, SyncEngine
from gridworker.sync.protocol import ErrorCode, LoginResponse
from gridworker.sync.state import DeviceIdentity, ServerConfig, SyncState

ProgressFn = Callable[[Progress], None]
AUTH_CODES = (ErrorCode.auth_required, ErrorCode.token_expired)


class NeedsSignIn(ServiceError):
    """The server wants the password again (expired or revoked token). Nothing is lost."""


def _actor_from(login: LoginResponse) -> Actor:
    user = login.user
    return Actor(
        username=user.username,
        role=Role.parse(user.role),
        grids=tuple(user.grids),
        display_name=user.display_name,
        department_id=user.department_id,
        area_code=user.area_code,
        supervisor_level=SupervisorLevel.parse(user.supervisor_level)
        if user.supervisor_level
        else None,
    )


def _store_login(ws: Workspace, login: LoginResponse, server: ServerConfig, device_id: str) -> None:
    ws.actor = _actor_from(login)
    with ws.write() as s:
        server.save(s)
        DeviceIdentity(device_id=device_id, token=login.token, username=login.user.username).save(s)
        s.merge(Setting(key="actor", value=ws.actor.to_setting()))


def enroll(
    path: Path,
    *,
    server_url: str,
    username: str,
    password: str,
    passphrase: str,
    ca_bundle: str | None = None,
    kdf_params: KdfParams | None = None,
    progress: ProgressFn | None = None,
    lang: str = "zh_CN",
) -> tuple[Workspace, CycleReport]:
    """Sign in once online, register the device, create (or attach) the profile, first pull."""
    server = ServerConfig(url=server_url, ca_bundle=ca_bundle)
    if profile_exists(path):
        ws = open_ws(path, passphrase)
        if ws.actor.username != username.strip():
            # Refused before the server hears of it: signing in would register this device
            # to the other user, and the right user's enrollment would then be refused.
            owner = ws.actor.username
            ws.close()
            raise ServiceError(
                f"this profile belongs to {owner}, not {username}: nothing was registered"
            )
        device_id = device_identity(ws).device_id
    else:
        ws = None
        device_id = str(uuid.uuid4())
    client = SyncClient(
        make_transport(server.url, ca_bundle=ca_bundle), device_id=device_id, lang=lang
    )
    try:
        login = client.login(username, password)
    except BaseException:
        if ws is not None:
            ws.close()
        raise
    secret = bytes.fromhex(login.id_secret)
    if ws is None:
        actor = _actor_from(login)
        ws = init_profile(
            path,
            passphrase,
            username=actor.username,
            grids=list(actor.grids),
            role=actor.role,
            display_name=actor.display_name,
            kdf_params=kdf_params,
            district_key=secret,
            area_code=actor.area_code,
            supervisor_level=actor.supervisor_level,
            department_id=actor.department_id,
        )
    else:
        _adopt_district_secret(ws, secret)
    _store_login(ws, login, server, device_id)
    report = SyncEngine(ws.profile, client, username=username, progress=progress).run_cycle()
    return ws, report


def _adopt_district_secret(ws: Workspace, secret: bytes) -> None:
    """A profile made offline with `init` used a local secret; from now on the district's.

    Records already created keep their ids (they are pushed as they are); only new
    ones use the district secret. Importing the same roster again after enrollment
    then matches what other laptops made.
    """
    with ws.write() as s:
        s.merge(Setting(key="id_secret", value={"hex": secret.hex(), "source": "district"}))
    ws.id_secret = secret


def device_identity(ws: Workspace) -> DeviceIdentity:
    with ws.read() as s:
        identity = DeviceIdentity.load(s)
    if identity is None:
        identity = DeviceIdentity(device_id=str(uuid.uuid4()), username=ws.actor.username)
        with ws.write() as s:
            identity.save(s)
    return identity


def client_for(ws: Workspace, *, lang: str = "zh_CN") -> SyncClient:
    with ws.read() as s:
        server = ServerConfig.load(s)
    if server is None:
        raise ServiceError("this profile is not enrolled with a server (run `gridworker enroll`)")
    identity = device_identity(ws)
    return SyncClient(
        make_transport(server.url, ca_bundle=server.ca_bundle),
        device_id=identity.device_id,
        token=identity.token,
        lang=lang,
    )


def sign_in_again(
    ws: Workspace, client: SyncClient, password: str, *, new_device: bool = False
) -> None:
    """A fresh token (and, for a cloned profile, a fresh device id); the outbox is kept."""
    if new_device:
        client.device_id = str(uuid.uuid4())
        client.transport.session.headers["X-GridWorker-Device"] = client.device_id
    login = client.login(ws.actor.username, password)
    with ws.read() as s:
        server = ServerConfig.load(s)
    assert server is not None
    _store_login(ws, login, server, client.device_id)


def sync_now(
    ws: Workspace,
    *,
    password: str | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    lang: str = "zh_CN",
    pull_limit: int | None = None,
    push_batch: int | None = None,
) -> CycleReport:
    """One push-then-pull cycle. With `password`, an expired sign-in or a cloned profile is
    handled by signing in again; without it, NeedsSignIn says so. `pull_limit` caps the
    records a pull page carries and `push_batch` the changes a push request sends (the
    protocol's maxima when None)."""
    client = client_for(ws, lang=lang)
    for attempt in range(2):
        engine = SyncEngine(
            ws.profile,
            client,
            username=ws.actor.username,
            progress=progress,
            cancel=cancel,
            clock=ws.clock,
        )
        if pull_limit is not None:
            engine.pull_limit = pull_limit
        if push_batch is not None:
            engine.push_batch = push_batch
        try:
            return engine.run_cycle()
        except SyncError as exc:
            cloned = exc.code is ErrorCode.client_cloned
            if exc.code not in AUTH_CODES and not cloned:
                raise
            if password is None or attempt:
                raise NeedsSignIn(exc.args[0]) from exc
            sign_in_again(ws, client, password, new_device=cloned)
    raise AssertionError("unreachable")


# --- conflicts -------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str
    entity: str
    record_id: str
    grid_code: str
    status: str
    fields: list[dict[str, Any]]
    reject_code: str | None
    pending_resolution: bool
    created_at: str = ""
    action: dict[str, Any] | None = None
    record_label: str = ""
    resolution: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "entity": self.entity,
            "record_id": self.record_id,
            "record_label": self.record_label,
            "grid_code": self.grid_code,
            "status": self.status,
            "created_at": self.created_at,
            "fields": self.fields,
            "action": self.action,
            "reject_code": self.reject_code,
            "pending_resolution": self.pending_resolution,
        }


# What names a record for a person: the field shown in place of its id.
LABEL_FIELDS = {
    "household": "address",
    "resident": "name",
    "case": "title",
    "hazard_site": "name",
    "building": "estate_name",
    "visit": "visited_at",
    "rectification": "description",
}


def _record_label(s: Any, entity: str, record_id: str) -> str:
    model = SYNC_MODELS.get(entity)
    field = LABEL_FIELDS.get(entity)
    row = s.get(model, record_id) if model is not None else None
    value = getattr(row, field, None) if row is not None and field else None
    return str(value) if value else f"…{record_id[-8:]}"


def list_conflicts(ws: Workspace, *, status: str = "open") -> list[ConflictView]:
    """Conflicts with what a person needs to judge them: both sides, who, and which record."""
    stmt = select(LocalConflict).order_by(LocalConflict.created_at)
    if status != "all":
        stmt = stmt.where(LocalConflict.status == status)
    with ws.read() as s:
        return [
            ConflictView(
                c.id,
                c.kind,
                c.entity,
                c.record_id,
                c.grid_code,
                c.status,
                list(c.fields),
                c.reject_code,
                c.resolution is not None,
                created_at=c.created_at.isoformat(timespec="seconds") if c.created_at else "",
                action=c.action,
                record_label=_record_label(s, c.entity, c.record_id),
                resolution=c.resolution,
            )
            for c in s.scalars(stmt)
        ]


def resolve_conflict(
    ws: Workspace,
    conflict_id: str,
    *,
    keep: str | None = None,
    field: str | None = None,
    value: Any = None,
) -> None:
    """Keep the local or the server value, or type a value for one field. Applied here at once;
    the resolution goes to the server with the next sync (and the supervisors see it)."""
    if (keep is None) == (field is None):
        raise ServiceError("choose --keep local|server, or --field F --value V")
    if keep is not None and keep not in ("local", "server"):
        raise ServiceError("--keep takes local or server")
    with ws.write() as s, without_capture(s):
        conflict = s.get(LocalConflict, conflict_id)
        if conflict is None:
            raise ServiceError(f"no conflict {conflict_id}")
        if conflict.status != "open":
            raise ServiceError("this conflict is already resolved")
        model = SYNC_MODELS.get(conflict.entity)
        record = s.get(model, conflict.record_id) if model is not None else None
        values: dict[str, Any] = {}
        if field is not None:
            if field not in {f["field"] for f in conflict.fields}:
                raise ServiceError(f"the conflict has no field {field}")
            values = {field: value}
            # Fields are resolved one call at a time: earlier choices stay in the resolution.
            earlier = conflict.resolution or {}
            chosen = dict(earlier.get("values") or {}) if earlier.get("choice") == "values" else {}
            resolution: dict[str, Any] = {"choice": "values", "values": {**chosen, **values}}
        elif keep == "local":
            # Only what this laptop sent: a delete conflict also lists the other side's edits,
            # which have no local value to keep.
            values = {
                f["field"]: f["local"]
                for f in conflict.fields
                if f.get("local_author") is not None or f["field"] == "deleted"
            }
            resolution = {"choice": "local", "values": {}}
        else:
            resolution = {"choice": "server", "values": {}}
        if record is not None and values and conflict.kind != "workflow":
            from gridworker.storage.codec import coerce_fields

            coerced = coerce_fields(
                type(record), {**values, "grid_code": record.grid_code}, strict=False
            )
            for key, new in coerced.items():
                if key != "grid_code":
                    setattr(record, key, new)
        conflict.resolution = resolution
        conflict.resolved_by = ws.actor.username
        conflict.resolved_at = ws.now()


def sync_state(ws: Workspace) -> SyncState:
    with ws.read() as s:
        return SyncState.load(s)
