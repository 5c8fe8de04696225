"""Volunteer points at push time (docs/design.md §22.8).

A laptop checks an exchange against the records it holds, which leaves out two laptops
spending offline and a volunteer's sign-ups in grids the laptop does not cover. The
server holds every grid and pushes are serialized by the change counter's lock
(sequence.lock_sequence), so it computes the balance here: an exchange is goods already
handed out, so one that takes the balance below zero is kept and flagged `overdrawn` for
the supervisor to settle, never refused or dropped. The balance is written on the
volunteer record as a change of its own without a device stamp, so that every laptop
holding the volunteer (the sender included, in the same sync) pulls the server's figure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.records_volunteer import OVERDRAW_SETTLERS, SERVER_FIELDS
from gridworker.protocol import Mutation
from gridworker.server.merge import Rejected, write_changes
from gridworker.server.models import Record
from gridworker.server.scope import Scope

POINT_ENTITIES = ("volunteer_signup", "point_exchange")
# Entities a push of which the server follows up here (the others cost nothing).
TOUCHED = frozenset(POINT_ENTITIES) | frozenset(SERVER_FIELDS)


def after_mutation(s: Session, mutation: Mutation, *, author: str, now: datetime) -> None:
    """What the server writes after a mutation was applied: the volunteer's balance over
    every grid and the overdrawn flag; a laptop's own value of a server field corrected."""
    if mutation.entity in POINT_ENTITIES:
        after_push(s, mutation.entity, mutation.record_id, author=author, now=now)
    if mutation.op in ("create", "update"):
        restamp(s, mutation.entity, mutation.record_id, mutation.payload, author=author, now=now)


def strip_server_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The payload without the fields only the server writes (a laptop's value is not
    taken; the server's comes back on the next pull)."""
    owned = SERVER_FIELDS.get(entity)
    if not owned:
        return fields
    return {k: v for k, v in fields.items() if k not in owned}


def restamp(
    s: Session, entity: str, record_id: str, payload: dict[str, Any], *, author: str, now: datetime
) -> None:
    """A laptop that sent its own value of a server field gets the server's back: the
    stored value is written again as a change without a device stamp, which its pull
    brings (the volunteer's balance is computed afresh)."""
    owned = SERVER_FIELDS.get(entity, frozenset())
    record = s.get(Record, (entity, record_id)) if owned & set(payload) else None
    if record is None:
        return
    defaults = {"points_balance": None, "overdrawn": False}
    for field in sorted(owned & set(payload)):
        stored = record.data.get(field, defaults[field])
        if payload[field] != stored:
            if field == "points_balance":
                stored = balance(s, record_id)
            write_changes(s, record, {field: stored}, author=author, now=now)


def check_settlement(scope: Scope, entity: str, fields: dict[str, Any]) -> None:
    """Only a supervisor or the admin settles an overdrawn exchange."""
    if (
        entity == "point_exchange"
        and fields.get("overdraw_note")
        and scope.role not in OVERDRAW_SETTLERS
    ):
        raise Rejected(
            "forbidden",
            "超额兑换只能由督导或管理员核实处理",
            "Only a supervisor or the admin settles an overdrawn exchange",
        )


def _live(s: Session, entity: str, volunteer_id: str) -> list[Record]:
    return list(
        s.scalars(
            select(Record).where(
                Record.entity == entity,
                Record.deleted.is_(False),
                Record.data["volunteer_id"].as_string() == volunteer_id,
            )
        )
    )


def balance(s: Session, volunteer_id: str) -> int:
    """Points of attended sign-ups minus points spent, over every grid."""
    earned = sum(
        int(r.data.get("points") or 0)
        for r in _live(s, "volunteer_signup", volunteer_id)
        if r.data.get("attended")
    )
    spent = sum(
        int(r.data.get("points_spent") or 0) for r in _live(s, "point_exchange", volunteer_id)
    )
    return earned - spent


def after_push(s: Session, entity: str, record_id: str, *, author: str, now: datetime) -> None:
    """Recompute the balance of the volunteer a sign-up or exchange names; flag the
    exchange whose create or change took it below zero."""
    s.flush()
    record = s.get(Record, (entity, record_id))
    if record is None:
        return
    volunteer_id = str(record.data.get("volunteer_id") or "")
    volunteer = s.get(Record, ("volunteer", volunteer_id))
    if volunteer is None:
        return
    held = balance(s, volunteer_id)
    if (
        entity == "point_exchange"
        and not record.deleted
        and held < 0
        and not record.data.get("overdrawn")
    ):
        write_changes(s, record, {"overdrawn": True}, author=author, now=now)
    if volunteer.data.get("points_balance") != held:
        write_changes(s, volunteer, {"points_balance": held}, author=author, now=now)
