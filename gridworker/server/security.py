"""Passwords (Argon2id) and opaque device tokens (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gridworker.server.core.config import Settings


def hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.password_time_cost,
        memory_cost=settings.password_memory_kib,
        parallelism=1,
    )


def hash_password(settings: Settings, password: str) -> str:
    return hasher(settings).hash(password)


def verify_password(settings: Settings, stored: str, password: str) -> bool:
    try:
        return hasher(settings).verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# Spent on unknown usernames so that timing does not reveal which usernames exist.
_DUMMY = (
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
    "0ohKpCtJ4EPe8wgrpeanBKDH4mmz3VnGBaFQWUudmVM"
)


def burn_time(settings: Settings, password: str) -> None:
    verify_password(settings, _DUMMY, password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
