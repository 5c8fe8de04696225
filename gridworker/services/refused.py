"""Refused changes: what the server did not take, kept on the laptop to read and dismiss.

A change the server refuses for good (its record was deleted and purged, moved to a grid
this user does not cover, a value it does not accept) or hands over to the people who now
cover its record is never dropped silently: its outbox entry stays, marked refused, with
the server's reason, while the record itself goes back to the server's truth. The user
reads what was refused (the values they typed) and dismisses it once done with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from gridworker.services.syncing import LABEL_FIELDS
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import OutboxEntry

# Why, by the refusal's code: what a person can do about it (zh, en).
REASONS: dict[str, tuple[str, str]] = {
    "left_scope": (
        "该记录已移出您的网格，您的修改已作为冲突交给现在负责的网格员和督导员处理。",
        "The record left your grids: your change was handed to the people who cover it now.",
    ),
    # Also a record deleted and purged: the server gives both one answer (no oracle).
    "out_of_scope": (
        "该记录已不存在（已删除并清除），或不在您的网格内，服务器没有接受这项修改。",
        "The record no longer exists, or is outside your grids: the server did not take "
        "this change.",
    ),
    "record_deleted": (
        "该记录已被删除并清除，这项修改无法保存。",
        "The record was deleted and purged: this change cannot be kept.",
    ),
    "restore_expired": (
        "服务器恢复后本机很久未同步：服务器已没有这条记录（可能已被删除并清除），"
        "本机的旧副本不再重建它。如仍需要，请重新登记。",
        "This laptop did not sync for long after the server was restored: the server no "
        "longer has this record (it may have been deleted and purged) and does not make it "
        "again from this old copy. Register it again if it is still needed.",
    ),
    "validation": (
        "服务器认为这项修改的取值不符合要求。",
        "The server found a value of this change invalid.",
    ),
    "forbidden": (
        "您的角色不能做这项修改。",
        "Your role may not make this change.",
    ),
}


UNKNOWN = ("服务器没有接受这项修改。", "The server did not take this change.")


@dataclass(frozen=True)
class RefusedChange:
    id: int  # the outbox entry's mutation id
    op: str  # create | update | delete | command
    entity: str
    record_id: str
    record_label: str
    grid_code: str
    values: dict[str, Any]  # what the change would have set
    code: str
    reason: str  # the server's words
    explanation: str  # what it means, in the user's language
    made_at: datetime


def _label(entity: str, payload: dict[str, Any], record_id: str) -> str:
    field = LABEL_FIELDS.get(entity)
    value = payload.get(field) if field else None
    return str(value) if value else f"…{record_id[-8:]}"


def refused_changes(ws: Workspace, *, lang: str = "zh_CN") -> list[RefusedChange]:
    """The refused changes on this laptop, oldest first."""
    english = lang.lower().startswith("en")
    with ws.read() as s:
        entries = list(
            s.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.status == "rejected")
                .order_by(OutboxEntry.mutation_id)
            )
        )
        out = []
        for e in entries:
            code, _, reason = (e.last_error or "").partition(":")
            zh, en = REASONS.get(code.strip(), UNKNOWN)
            values = {k: v for k, v in (e.payload or {}).items() if k not in ("id", "version")}
            out.append(
                RefusedChange(
                    id=e.mutation_id,
                    op=e.op,
                    entity=e.entity,
                    record_id=e.record_id,
                    record_label=_label(e.entity, {**(e.old or {}), **values}, e.record_id),
                    grid_code=e.grid_code,
                    values=values,
                    code=code.strip(),
                    reason=reason.strip(),
                    explanation=en if english else zh,
                    made_at=e.created_at,
                )
            )
        return out


def dismiss_refused(ws: Workspace, change_id: int) -> None:
    """The user has read a refused change and is done with it: it goes."""
    with ws.write() as s:
        entry = s.get(OutboxEntry, change_id)
        if entry is None or entry.status != "rejected":
            raise ServiceError("refused_missing", id=change_id)
        s.delete(entry)
