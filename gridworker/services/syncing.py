"""Enrollment, sync and conflict resolution: what the CLI's enroll/sync/conflicts and the
app's sync screen call."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.protocol import ErrorCode, LoginResponse
from gridworker.services.conflicts import (  # re-exported: the CLI and the UI import them here
    LABEL_FIELDS,
    ConflictView,
    list_conflicts,
    resolve_conflict,
)
from gridworker.services.rekey import rekey
from gridworker.services.workspace import (
    SPECIAL_KEY_SETTING,
    Actor,
    ServiceError,
    Workspace,
    init_profile,
)
from gridworker.services.workspace import open_workspace as open_ws
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import Setting
from gridworker.storage.outbox import without_capture
from gridworker.storage.profile import profile_exists
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import Cancelled, CycleReport, Progress, SyncEngine
from gridworker.sync.state import DeviceIdentity, ServerConfig, SyncState

__all__ = [
    "LABEL_FIELDS",
    "ConflictView",
    "NeedsSignIn",
    "client_for",
    "device_identity",
    "enroll",
    "list_conflicts",
    "resolve_conflict",
    "sync_now",
    "sync_state",
]

log = logging.getLogger(__name__)

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
    special = bytes.fromhex(login.special_id_secret) if login.special_id_secret else None
    with ws.write() as s:
        server.save(s)
        DeviceIdentity(device_id=device_id, token=login.token, username=login.user.username).save(s)
        s.merge(Setting(key="actor", value=ws.actor.to_setting()))
        # Only for those who may see special-group tags; a role that no longer may loses it.
        held = s.get(Setting, SPECIAL_KEY_SETTING)
        if special is not None:
            s.merge(Setting(key=SPECIAL_KEY_SETTING, value={"hex": special.hex()}))
        elif held is not None:
            s.delete(held)
    ws.special_key = special


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
    cancel: threading.Event | None = None,
) -> tuple[Workspace, CycleReport]:
    """Sign in once online, register the device, create (or attach) the profile, first pull.

    `cancel` stops the first pull between two pages (sync.engine.Cancelled): the profile
    is then enrolled with what arrived, and the next sync fetches the rest."""
    server = ServerConfig(url=server_url, ca_bundle=ca_bundle)
    if profile_exists(path):
        ws = open_ws(path, passphrase)
        if ws.actor.username != username.strip():
            # Refused before the server hears of it: signing in would register this device
            # to the other user, and the right user's enrollment would then be refused.
            owner = ws.actor.username
            ws.close()
            raise ServiceError("profile_other_user", owner=owner, username=username)
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
    if cancel is not None and cancel.is_set():  # stopped while signing in: nothing is made
        if ws is not None:
            ws.close()
        raise Cancelled("enrollment stopped before the profile was made")
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
    log.info("enrolled (role %s), device %s registered; first pull", login.user.role, device_id)
    engine = SyncEngine(ws.profile, client, username=username, progress=progress, cancel=cancel)
    try:
        report = engine.run_cycle()
    except BaseException:
        ws.close()  # not left open (and its profile locked) when the first pull fails
        raise
    return ws, report


def _adopt_district_secret(ws: Workspace, secret: bytes) -> None:
    """A profile made offline with `init` used a local secret; from now on the district's.

    Records made offline are re-keyed to the ids the district secret gives their natural
    keys (services/rekey.py), so the first push merges them with what other laptops
    registered, and importing the same roster again matches them.
    """
    with ws.write() as s, without_capture(s):
        stored = s.get(Setting, "id_secret")
        local = stored is None or (stored.value or {}).get("source") != "district"
        if local and ws.id_secret != secret:
            rekey(s, ws.id_secret, secret)
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
        raise ServiceError("not_enrolled")
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
                raise NeedsSignIn("needs_sign_in") from exc
            sign_in_again(ws, client, password, new_device=cloned)
    raise AssertionError("unreachable")


def sync_state(ws: Workspace) -> SyncState:
    with ws.read() as s:
        return SyncState.load(s)
