"""`gridworker status`: what is waiting to sync and when the last sync was."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from gridworker.domain.errors import CodedError
from gridworker.services.conflicts import list_conflicts
from gridworker.services.errors import as_coded
from gridworker.services.workspace import Workspace
from gridworker.storage.models import OutboxEntry
from gridworker.sync.state import ServerConfig, SyncState

if TYPE_CHECKING:
    from gridworker.sync.engine import CycleReport


def status(ws: Workspace) -> dict[str, Any]:
    """Keys of docs/design.md §9: pending, conflicts, last_sync, server, online (+ who and where).

    `online` means the last contact with the server succeeded.
    """
    with ws.read() as s:
        counts = dict(
            s.execute(select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)).all()
        )
        state = SyncState.load(s)
        server = ServerConfig.load(s)
    # This user's own (a supervisor reviews the grid's others in the review desk).
    conflicts = len(list_conflicts(ws, status="open"))
    return {
        "pending": int(counts.get("pending", 0) + counts.get("sending", 0)),
        "rejected": int(counts.get("rejected", 0)),
        "conflicts": int(conflicts),
        "last_sync": state.last_sync,
        "server": server.url if server else None,
        "online": state.online,
        "last_error": state.last_error,
        "user": ws.actor.username,
        "role": ws.actor.role.value,
        "grids": list(ws.actor.grids),
        "profile": str(ws.profile.path),
    }


# The sync engine's phases (sync.engine.Progress.phase) as people read them.
PHASES: dict[str, tuple[str, str]] = {
    "push": ("上传修改", "uploading changes"),
    "pull": ("下载数据", "downloading data"),
    "upload": ("上传照片", "uploading photos"),
    "download": ("下载照片", "downloading photos"),
    "done": ("完成", "done"),
}


def phase_label(phase: str, lang: str = "zh_CN") -> str:
    """A sync phase in `lang` ("上传修改" for push)."""
    zh, en = PHASES.get(phase, (phase, phase))
    return en if lang.lower().startswith("en") else zh


def sync_summary(report: CycleReport, lang: str = "zh_CN") -> str:
    """One line saying what a sync cycle did, in `lang`."""
    if lang.lower().startswith("en"):
        return (
            f"pushed {report.pushed} (conflicts {report.conflicts}, rejected {report.rejected}), "
            f"pulled {report.pulled}, files up {report.uploaded} down {report.downloaded}"
        )
    return (
        f"上传 {report.pushed} 条修改（冲突 {report.conflicts}，被拒 {report.rejected}），"
        f"下载 {report.pulled} 条记录，照片上传 {report.uploaded}、下载 {report.downloaded}"
    )


# Failures that mean "the server is not there right now": said as such, kindly.
_UNREACHABLE = frozenset(
    {"server_unreachable", "request_failed", "server_error", "server_status", "rate_limited"}
)
# Failures that already say what to do and that the work is kept.
_SELF_EXPLAINED = frozenset(
    {"sync_offline", "sync_cancelled", "needs_sign_in", "device_revoked", "client_too_old"}
)


def sync_failure_text(error: BaseException, lang: str = "zh_CN") -> str:
    """What a failed sync says: that the work is safe on this laptop, and (when the server
    is simply not there) that it goes out when the server answers."""
    coded = as_coded(error)
    if coded.key in _UNREACHABLE:
        return CodedError("sync_offline").message(lang)
    if coded.key in _SELF_EXPLAINED:
        return coded.message(lang)
    return CodedError("sync_failed", reason=coded.message(lang)).message(lang)


def probe_target(ws: Workspace) -> tuple[str, str | None] | None:
    """The server's address and CA bundle, for reachability probes (None: not enrolled)."""
    with ws.read() as s:
        server = ServerConfig.load(s)
    return (server.url, server.ca_bundle) if server is not None else None


def server_answers(url: str, ca_bundle: str | None = None, *, timeout: float = 1.0) -> bool:
    """Whether the server answers GET /health within `timeout` seconds: a cheap probe, so
    the window says 离线 within a second or two of the server going away (a failing sync
    takes far longer: it retries with backoff)."""
    import requests

    try:
        reply = requests.get(
            url.rstrip("/") + "/health", timeout=timeout, verify=ca_bundle or True
        )
    except requests.RequestException:
        return False
    return reply.status_code < 500


def stored_failure(last_error: str | None, lang: str = "zh_CN") -> str:
    """The sync state's stored failure ("code: detail", written by the engine) as a person
    reads it: only its code is trusted, its detail may be raw English."""
    if not last_error:
        return ""
    code = last_error.split(":", 1)[0].strip()
    return sync_failure_text(CodedError(code), lang)
