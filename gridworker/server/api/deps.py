"""Typed dependencies: the session factory, settings and the authenticated caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gridworker.protocol import HEADER_PROTOCOL, PROTOCOL_VERSION, ErrorCode
from gridworker.server.caller import Caller
from gridworker.server.core.config import Settings
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError
from gridworker.server.models import Device, Token, User
from gridworker.server.scope import scope_for
from gridworker.server.security import token_hash


def get_sessions(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.sessions
    return factory


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def check_protocol(request: Request) -> None:
    raw = request.headers.get(HEADER_PROTOCOL)
    if raw is None:
        return
    try:
        version = int(raw)
    except ValueError:
        raise ApiError(ErrorCode.bad_request, "协议版本无效", "Invalid protocol version") from None
    if version < PROTOCOL_VERSION:
        raise ApiError(
            ErrorCode.client_too_old,
            "客户端版本过旧，请升级后再同步（未同步的数据会保留）",
            "This client is too old: update it to sync (unsent changes are kept)",
        )


def current_caller(request: Request, sessions: SessionsDep) -> Caller:
    check_protocol(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            ErrorCode.auth_required,
            "请先登录",
            "Sign in first",
            headers={"WWW-Authenticate": "Bearer"},
        )
    now = datetime.now(UTC)
    with transaction(sessions, write=False) as s:
        row = s.execute(
            select(Token, Device, User)
            .join(Device, Device.id == Token.device_id)
            .join(User, User.id == Token.user_id)
            .where(Token.token_hash == token_hash(token))
        ).first()
        if row is None:
            raise ApiError(
                ErrorCode.auth_required,
                "登录已失效，请重新登录",
                "Your session is not valid: sign in again",
            )
        tok, device, user = row
        if device.revoked_at is not None:
            raise ApiError(
                ErrorCode.device_revoked,
                "此设备已被停用，本机数据将被清除",
                "This device was revoked; its local data will be wiped",
            )
        if tok.revoked or user.disabled:
            raise ApiError(
                ErrorCode.auth_required,
                "登录已失效，请重新登录",
                "Your session is not valid: sign in again",
            )
        if tok.expires_at.replace(tzinfo=tok.expires_at.tzinfo or UTC) <= now:
            raise ApiError(
                ErrorCode.token_expired,
                "登录已过期，请重新输入密码",
                "Your sign-in expired: enter your password again",
            )
        scope = scope_for(s, user)
        return Caller(user.id, user.username, user.role, device.id, scope)


CallerDep = Annotated[Caller, Depends(current_caller)]
