"""Accounts, departments and grids (keyword-only CRUD, called by the CLI and tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.domain.validation import validate_grid_code, validate_region_code
from gridworker.server.core.config import Settings
from gridworker.server.meta import ensure_initialised
from gridworker.server.models import Department, Device, MutationLog, Token, User
from gridworker.server.security import hash_password
from gridworker.server.sequence import next_seq


class AdminError(Exception):
    """A refused admin operation; the message says why."""


def _grids(codes: list[str] | None) -> list[str]:
    return [validate_grid_code(c) for c in codes or []]


def _reference_seq(session: Session) -> int:
    """A change-log number for reference data, which clients pull like records.

    Taken from the same counter as record changes (its row lock orders commits, see
    sequence.py); the counter row may not exist yet when an admin command runs right
    after `init`, hence ensure_initialised.
    """
    ensure_initialised(session)
    session.flush()
    return next_seq(session)


def create_user(
    session: Session,
    *,
    settings: Settings,
    username: str,
    password: str,
    role: str,
    grids: list[str] | None = None,
    area_code: str | None = None,
    department_id: str | None = None,
    display_name: str = "",
    supervisor_level: str | None = None,
    special_access: bool = False,
    refresh_staff: bool = True,
) -> User:
    role = Role.parse(role).code
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AdminError(f"user {username} already exists")
    if len(password) < 8:
        raise AdminError("the password must have at least 8 characters")
    if role == "department" and not department_id:
        raise AdminError("a department user needs --department")
    if department_id and session.get(Department, department_id) is None:
        raise AdminError(f"no department {department_id}")
    if area_code:
        area_code = validate_region_code(area_code)
    if role == "supervisor" and supervisor_level is None:
        # A street-level area (9 digits) makes a street supervisor (派遣, 延期, 挂账).
        supervisor_level = "street" if area_code and len(area_code) <= 9 else "community"
    if supervisor_level:
        supervisor_level = SupervisorLevel.parse(supervisor_level).code
    user = User(
        id=str(uuid.uuid4()),
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(settings, password),
        role=role,
        grids=_grids(grids),
        area_code=area_code,
        department_id=department_id,
        supervisor_level=supervisor_level,
        special_access=special_access,
        disabled=False,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    if refresh_staff:
        _refresh_staff(session)
    return user


def _refresh_staff(session: Session) -> None:
    """Laptops learn who works which grid from the staff directory (server/staff.py)."""
    from gridworker.server.staff import refresh_staff

    refresh_staff(session)


def update_user(
    session: Session,
    *,
    username: str,
    grids: list[str] | None = None,
    area_code: str | None = None,
    role: str | None = None,
    disable: bool = False,
) -> User:
    """Scope changes take effect at the user's next pull (back-fill or eviction)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AdminError(f"no user {username}")
    if grids is not None:
        user.grids = _grids(grids)
    if area_code is not None:
        user.area_code = validate_region_code(area_code) if area_code else None
    if role is not None:
        user.role = Role.parse(role).code
    if disable:
        user.disabled = True
        for token in session.scalars(select(Token).where(Token.user_id == user.id)):
            token.revoked = True
    _refresh_staff(session)
    return user


def create_department(session: Session, *, name: str, code: str | None = None) -> Department:
    if session.scalar(select(Department).where(Department.name == name)) is not None:
        raise AdminError(f"department {name} already exists")
    dept = Department(id=str(uuid.uuid4()), name=name, code=code, version=_reference_seq(session))
    session.add(dept)
    return dept


def import_grids(session: Session, geojson: dict[str, Any]) -> int:
    """Upsert grids from a FeatureCollection (grid_code/name, 网格编码/网格名称 … and a
    polygon; street and community names when the properties carry them). Every feature is
    checked first (server/grids.py); AdminError names each bad one and nothing is written."""
    from gridworker.server.grids import GridFileError, check_features, geojson_features, write_grids

    grids, problems = check_features(geojson_features(geojson))
    if problems:
        raise GridFileError("the file", problems)
    return write_grids(session, grids).grids


def revoke_device(session: Session, *, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise AdminError(f"no device {device_id}")
    device.revoked_at = datetime.now(UTC)
    for token in session.scalars(select(Token).where(Token.device_id == device_id)):
        token.revoked = True
    return device


def reassign_device(session: Session, *, device_id: str, username: str) -> Device:
    """Register a device to another user: for a laptop whose enrollment went to the wrong
    account (a mistyped username on an older client). Only a device that never pushed a
    change: one that did carries another user's history and must enroll as a new device.
    Its tokens are revoked; it signs in again as `username`."""
    device = session.get(Device, device_id)
    if device is None:
        raise AdminError(f"no device {device_id}")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AdminError(f"no user {username}")
    if device.revoked_at is not None:
        raise AdminError(f"device {device_id} is revoked")
    pushed = session.scalar(
        select(MutationLog.mutation_id).where(MutationLog.device_id == device_id).limit(1)
    )
    if (device.last_mutation_id or 0) > 0 or pushed is not None:
        raise AdminError(
            f"device {device_id} has pushed changes as its user: it cannot change hands "
            "(enroll the laptop as a new device instead)"
        )
    device.user_id = user.id
    device.grids = None
    device.evicting = None
    device.released = None
    for token in session.scalars(select(Token).where(Token.device_id == device_id)):
        token.revoked = True
    return device
