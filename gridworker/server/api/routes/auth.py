"""Sign in (register the device, issue a token) and sign out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from sqlalchemy import select

from gridworker.protocol import ErrorCode, LoginRequest, LoginResponse, UserInfo
from gridworker.server import audit, throttle
from gridworker.server.api.deps import CallerDep, SessionsDep, SettingsDep, check_protocol
from gridworker.server.core.db import transaction
from gridworker.server.errors import ApiError, error_responses
from gridworker.server.meta import get_epoch, get_id_secret, get_special_id_secret
from gridworker.server.models import Device, Token, User
from gridworker.server.security import burn_time, new_token, token_hash, verify_password
from gridworker.server.special_tags import receives_special_secret

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
ERRORS = error_responses(400, 401, 403, 409, 422, 426, 429)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", response_model=LoginResponse, responses=ERRORS)
def login(
    body: LoginRequest, request: Request, sessions: SessionsDep, settings: SettingsDep
) -> LoginResponse:
    """Sign in once online: checks the password, registers the device, returns a token."""
    check_protocol(request)
    now = datetime.now(UTC)
    address = _address(request)
    # Counted first, in its own transaction (throttle.py): parallel guesses cannot all
    # pass the limit before any of them is recorded.
    with transaction(sessions) as s:
        user = s.scalar(select(User).where(User.username == body.username))
        known = throttle.known_device(s, user, body.device_id)
        attempt = throttle.reserve(
            s, settings, username=body.username, address=address, known=known, now=now
        )
        stored_hash = user.password_hash if user is not None else None
        disabled = user is None or user.disabled
    # The same Argon2 work whether the account exists, is disabled or is active: the
    # time of the answer must not tell them apart.
    if stored_hash is None:
        burn_time(settings, body.password)
        ok = False
    else:
        ok = verify_password(settings, stored_hash, body.password) and not disabled
    if not ok or user is None:
        with transaction(sessions) as s:
            audit.record(s, "login_failed", username=body.username, device_id=body.device_id)
        raise ApiError(ErrorCode.auth_required, "用户名或密码错误", "Wrong username or password")
    with transaction(sessions) as s:
        device = s.get(Device, body.device_id)
        if device is not None and device.revoked_at is not None:
            raise ApiError(
                ErrorCode.device_revoked,
                "此设备已被停用，本机数据将被清除",
                "This device was revoked; its local data will be wiped",
            )
        if device is not None and device.user_id != user.id:
            raise ApiError(
                ErrorCode.client_cloned,
                "此设备编号已被其他用户使用，请重新注册设备",
                "This device id belongs to another user: register as a new device",
            )
        if device is None:
            device = Device(
                id=body.device_id,
                user_id=user.id,
                name=body.device_name,
                registered_at=now,
                last_mutation_id=0,
            )
            s.add(device)
        device.last_seen = now
        throttle.succeeded(s, attempt, now)
        token = new_token()
        expires = now + timedelta(days=settings.token_ttl_days)
        s.add(
            Token(
                token_hash=token_hash(token),
                device_id=device.id,
                user_id=user.id,
                created_at=now,
                expires_at=expires,
                revoked=False,
            )
        )
        audit.record(s, "login", username=user.username, device_id=device.id)
        info = UserInfo(
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            grids=list(user.grids or []),
            area_code=user.area_code,
            department_id=user.department_id,
            supervisor_level=user.supervisor_level,
        )
        return LoginResponse(
            token=token,
            expires_at=expires.isoformat(),
            user=info,
            id_secret=get_id_secret(s),
            special_id_secret=get_special_id_secret(s).hex()
            if receives_special_secret(user.role, user.special_access)
            else None,
            epoch=get_epoch(s),
            server_time=now.isoformat(),
        )


@router.post("/logout", status_code=204, responses=ERRORS)
def logout(request: Request, caller: CallerDep, sessions: SessionsDep) -> None:
    """Revoke the token used for this request."""
    token = request.headers.get("authorization", "").partition(" ")[2]
    with transaction(sessions) as s:
        row = s.get(Token, token_hash(token))
        if row is not None:
            row.revoked = True
        audit.record(s, "logout", username=caller.username, device_id=caller.device_id)
