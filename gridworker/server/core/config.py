"""Server settings: from the command line and GRIDWORKER_SERVER_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("GridWorkerServer", appauthor=False))


def default_db_url() -> str:
    return f"sqlite:///{default_data_dir() / 'server.db'}"


@dataclass(frozen=True)
class Settings:
    db_url: str = field(
        default_factory=lambda: os.environ.get("GRIDWORKER_SERVER_DB") or default_db_url()
    )
    attachment_dir: Path = field(
        default_factory=lambda: Path(
            os.environ.get("GRIDWORKER_SERVER_FILES") or default_data_dir() / "attachments"
        )
    )
    token_ttl_days: int = 30
    tombstone_days: int = 180
    # Sign-in limits (server/throttle.py): failures per account, and per address, in a
    # window; a known device waits a doubling delay past the account's limit instead.
    login_failures_allowed: int = 5
    login_address_failures_allowed: int = 50
    login_window_seconds: int = 300
    login_delay_seconds: float = 1.0
    login_delay_max_seconds: float = 60.0
    max_attachment_bytes: int = 50 * 1024 * 1024
    max_body_bytes: int = 20 * 1024 * 1024
    # Argon2id cost for password hashes; tests lower it.
    password_time_cost: int = 2
    password_memory_kib: int = 19 * 1024
