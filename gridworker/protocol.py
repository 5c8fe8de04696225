"""The sync wire protocol shared by the client and the server (docs/design.md §4).

Every type here is what travels as JSON; both sides validate with these models,
so a corrupt server reply is a clear `ProtocolError` on the client rather than a
KeyError deep in the sync engine. Field values inside records are plain JSON
(enums by code, dates and times as ISO 8601 text).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridworker.domain.version import SCHEMA_VERSION

PROTOCOL_VERSION = 1
# The server accepts payloads of schema N, N-1 and N-2 (docs/design.md §4).
OLDEST_SCHEMA_ACCEPTED = max(1, SCHEMA_VERSION - 2)
MAX_PUSH_MUTATIONS = 500
DEFAULT_PULL_LIMIT = 1000
MAX_PULL_LIMIT = 5000
# Ranges of own change numbers a pull may name (PullRequest.own); more are simply pulled.
MAX_OWN_RANGES = 200
ATTACHMENT_CHUNK = 1024 * 1024

HEADER_PROTOCOL = "X-GridWorker-Protocol"
HEADER_SCHEMA = "X-GridWorker-Schema"
HEADER_DEVICE = "X-GridWorker-Device"


class ErrorCode(StrEnum):
    """The `code` of the one JSON error body, with what the client does (docs/design.md §4)."""

    bad_request = "bad_request"  # 400: show the message; keep the outbox
    validation = "validation"  # 422
    auth_required = "auth_required"  # 401: ask for the password again; never wipe
    token_expired = "token_expired"  # 401
    forbidden = "forbidden"  # 403: mark the mutation rejected, visibly
    out_of_scope = "out_of_scope"  # 403
    device_revoked = "device_revoked"  # 403: wipe the profile (the only code that does)
    not_found = "not_found"  # 404
    client_cloned = "client_cloned"  # 409: re-register as a new device, re-push
    cursor_expired = "cursor_expired"  # 410: resync from zero, keep the outbox
    record_deleted = "record_deleted"  # 410: show a conflict
    epoch_changed = "epoch_changed"  # 412: the restore path
    too_large = "too_large"  # 413: split the batch or refuse the file
    client_too_old = "client_too_old"  # 426: say so; keep the outbox
    rate_limited = "rate_limited"  # 429: wait (Retry-After)
    server_error = "server_error"  # 5xx: retry with backoff


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.bad_request: 400,
    ErrorCode.validation: 422,
    ErrorCode.auth_required: 401,
    ErrorCode.token_expired: 401,
    ErrorCode.forbidden: 403,
    ErrorCode.out_of_scope: 403,
    ErrorCode.device_revoked: 403,
    ErrorCode.not_found: 404,
    ErrorCode.client_cloned: 409,
    ErrorCode.cursor_expired: 410,
    ErrorCode.record_deleted: 410,
    ErrorCode.epoch_changed: 412,
    ErrorCode.too_large: 413,
    ErrorCode.client_too_old: 426,
    ErrorCode.rate_limited: 429,
    ErrorCode.server_error: 500,
}


class Wire(BaseModel):
    """Base of every wire type: unknown keys are ignored (a newer peer may add some)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorBody(Wire):
    code: ErrorCode
    message: str
    retry_after: float | None = None
    # For epoch_changed: the restored server's high-water mark (docs/design.md §4).
    high_water: int | None = None
    epoch: str | None = None


# --- auth ------------------------------------------------------------------------


class LoginRequest(Wire):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_id: str = Field(min_length=8, max_length=64)
    device_name: str = Field(default="", max_length=100)
    client_version: str = Field(default="", max_length=32)
    protocol_version: int = PROTOCOL_VERSION


class UserInfo(Wire):
    username: str
    display_name: str
    role: str
    grids: list[str]
    area_code: str | None = None
    department_id: str | None = None
    supervisor_level: str | None = None


class LoginResponse(Wire):
    token: str
    expires_at: str
    user: UserInfo
    id_secret: str  # hex: the district's secret for deterministic ids
    # hex: the secret that keys special-group tag ids; only for those who may see such
    # tags (grid workers, named officers), None for everyone else (docs/design.md §4).
    special_id_secret: str | None = None
    epoch: str
    server_time: str


# --- push ------------------------------------------------------------------------

Op = Literal["create", "update", "delete", "command"]
OutcomeStatus = Literal["applied", "merged", "conflict", "rejected"]


class Mutation(Wire):
    mutation_id: int = Field(ge=1)
    op: Op
    entity: str = Field(min_length=1, max_length=32)
    record_id: str = Field(min_length=1, max_length=64)
    grid_code: str = Field(min_length=1, max_length=18)
    base_version: int = Field(ge=0)
    schema_version: int = Field(ge=1)
    payload: dict[str, Any]
    # Set when the client re-sends a record in full after an epoch change.
    full_state: bool = False
    # Per-field bases of an update whose fields were edited from different versions (an
    # edit coalesced into an older waiting one): {field: version the user saw}. Fields not
    # named use base_version. None when every field shares base_version.
    bases: dict[str, int] | None = None
    # A restore re-send (full_state): the record's version in the old timeline, so that two
    # laptops' re-sends of one record are ordered (the newer copy wins, no conflict).
    restored_version: int | None = Field(default=None, ge=0)
    # The value each sent field had on the laptop when its user changed it, where the
    # laptop held that value from the server (pulled, or its own change acknowledged; never
    # words it typed itself and has not had answered): a change the laptop had not seen by
    # number but that left the field exactly as the user saw it is no conflict
    # (docs/design.md §4.7). None when the laptop names none; ignored on a create.
    seen: dict[str, Any] | None = None


class PushRequest(Wire):
    device_id: str
    epoch: str | None = None  # the epoch the client last synced with (None: never)
    mutations: list[Mutation] = Field(max_length=MAX_PUSH_MUTATIONS)


class MutationOutcome(Wire):
    mutation_id: int
    status: OutcomeStatus
    version: int | None = None  # the record's new version (applied, merged, conflict)
    record: dict[str, Any] | None = None  # resulting server values (merged, conflict)
    conflict_id: str | None = None
    code: str | None = None  # rejected: an ErrorCode or a domain error code
    reason: str | None = None


class PushResponse(Wire):
    epoch: str
    outcomes: list[MutationOutcome]


# --- pull ------------------------------------------------------------------------


# A change-log number: what a 64-bit column holds (a larger one is a 422, not a 500).
Seq = Annotated[int, Field(ge=0, le=2**63 - 1)]


class Cursor(Wire):
    epoch: str
    seq: Seq


class PullRequest(Wire):
    device_id: str
    cursor: Cursor | None = None  # None: from the start
    # Grids being back-filled, each with its own cursor (docs/design.md §4).
    backfill: dict[Annotated[str, Field(max_length=18)], Seq] = Field(default_factory=dict)
    limit: int = Field(default=DEFAULT_PULL_LIMIT, ge=1, le=MAX_PULL_LIMIT)
    # Change numbers this laptop already holds, as inclusive ranges [first, last]: the
    # versions its own pushes were answered `applied` with and settled at (docs/design.md
    # §4.4). The main stream leaves out a record whose version is one of them.
    own: list[tuple[Seq, Seq]] = Field(default_factory=list, max_length=MAX_OWN_RANGES)


class Row(Wire):
    entity: str
    id: str
    grid_code: str
    version: int
    deleted: bool = False
    fields: dict[str, Any]


class PullResponse(Wire):
    epoch: str
    cursor: Cursor
    rows: list[Row]
    has_more: bool
    backfill: dict[str, int] = Field(default_factory=dict)  # grids still back-filling
    evicted: list[str] = Field(default_factory=list)  # grids removed from the scope
    high_water: int = 0


class RecordKey(Wire):
    entity: str = Field(min_length=1, max_length=32)
    id: str = Field(min_length=1, max_length=64)


MAX_FETCH_KEYS = 500


class FetchRequest(Wire):
    """Records asked for by key: the server's truth for rows whose change it refused."""

    device_id: str
    keys: list[RecordKey] = Field(max_length=MAX_FETCH_KEYS)


class FetchResponse(Wire):
    """The asked-for records the caller may see, tombstones included. A key without a row is
    one the caller does not see: whether it exists elsewhere is not said."""

    rows: list[Row]


# --- conflicts -------------------------------------------------------------------

ConflictKind = Literal["field", "delete", "workflow"]


class ConflictField(Wire):
    """One field of a conflict: the server's value (the provisional winner) and the
    incoming one, each with who made it, on which laptop (device id and name) and when
    it reached the server (ISO 8601), where known."""

    field: str
    base: Any = None
    server: Any = None
    server_author: str | None = None
    server_device: str | None = None
    server_device_name: str | None = None
    server_at: str | None = None
    incoming: Any = None
    incoming_author: str | None = None
    incoming_device: str | None = None
    incoming_device_name: str | None = None
    incoming_at: str | None = None


class ConflictInfo(Wire):
    id: str
    kind: ConflictKind
    entity: str
    record_id: str
    grid_code: str
    status: Literal["open", "resolved"]
    created_at: str
    fields: list[ConflictField]
    # A rejected workflow action (kind="workflow"): the action as it was sent.
    action: dict[str, Any] | None = None
    reject_code: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    created_by: str | None = None  # who pushed the incoming side


class ConflictList(Wire):
    conflicts: list[ConflictInfo]


class ResolveRequest(Wire):
    """Keep the server's value, impose the local one, or type values per field."""

    choice: Literal["server", "local", "values"]
    values: dict[str, Any] = Field(default_factory=dict)


# --- attachments -----------------------------------------------------------------


class UploadStatus(Wire):
    sha256: str
    size: int
    offset: int  # bytes received so far
    complete: bool
