"""The unlocked profile plus who is working in it: what every service receives.

A Workspace is made once per unlock (UI) or per command (CLI) and passed
explicitly; there is no global app object.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from gridworker.domain.calendar import WorkCalendar, default_calendar
from gridworker.domain.clock import district_today
from gridworker.domain.deadlines import DEFAULT_RULES, DeadlineRules
from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.domain.errors import CodedError
from gridworker.domain.rules_data import DeadlineTerms
from gridworker.domain.validation import validate_grid_code
from gridworker.storage import profile as profiles
from gridworker.storage.engine import read_session, write_session
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import LocalAudit, Setting
from gridworker.storage.profile import OpenProfile
from gridworker.storage.reference_terms import load_terms


class ServiceError(CodedError):
    """A use case refused: ``code`` is stable, ``message(lang)`` is for the person at the
    keyboard (the catalogue in domain/messages.py)."""


@dataclass(frozen=True)
class Actor:
    """The person signed in to this profile."""

    username: str
    role: Role
    grids: tuple[str, ...]
    display_name: str = ""
    supervisor_level: SupervisorLevel | None = None
    department_id: str | None = None
    area_code: str | None = None  # a supervisor's community or street: every grid under it

    def covers(self, grid_code: str) -> bool:
        if self.role is Role.admin:
            return True
        if grid_code in self.grids:
            return True
        return bool(self.area_code) and grid_code.startswith(self.area_code or "")

    def to_setting(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role.value,
            "grids": list(self.grids),
            "display_name": self.display_name,
            "supervisor_level": self.supervisor_level.value if self.supervisor_level else None,
            "department_id": self.department_id,
            "area_code": self.area_code,
        }

    @classmethod
    def from_setting(cls, value: dict[str, Any]) -> Actor:
        level = value.get("supervisor_level")
        return cls(
            username=value["username"],
            role=Role.parse(value["role"]),
            grids=tuple(value.get("grids") or ()),
            display_name=value.get("display_name") or "",
            supervisor_level=SupervisorLevel.parse(level) if level else None,
            department_id=value.get("department_id"),
            area_code=value.get("area_code"),
        )


SPECIAL_KEY_SETTING = "special_id_secret"


@dataclass
class Workspace:
    profile: OpenProfile
    actor: Actor
    id_secret: bytes = field(repr=False)
    calendar: WorkCalendar
    clock: Any = None  # a callable returning an aware datetime; tests fake it
    rules: DeadlineRules = DEFAULT_RULES
    # Revisions of the synced calendar and rules that `calendar` and `rules` hold (0: default).
    terms_revisions: tuple[int, int] = (0, 0)
    # Keys special-group tag ids; sign-in delivers it to those who may see them (None:
    # this profile may not, or has not signed in yet).
    special_key: bytes | None = field(default=None, repr=False)

    def now(self) -> datetime:
        return self.clock() if self.clock is not None else datetime.now(UTC)

    @property
    def zone(self) -> tzinfo:
        """The district's time zone (its calendar's, as synced; kept in the profile):
        every time shown, filtered or exported is in it (domain/clock.py)."""
        return self.calendar.zone

    def today(self) -> date:
        """The district's calendar day now."""
        return district_today(self.now(), self.zone)

    def deadline_terms(self, session: Session | None = None) -> DeadlineTerms:
        """The calendar and deadline rules to compute deadlines with (docs/design.md §5).

        The district's, as last synced, else the built-in default. `calendar` and
        `rules` follow: when a sync brought a new revision they are replaced.
        """
        if session is None:
            with self.read() as s:
                stored = load_terms(s)
        else:
            stored = load_terms(session)
        revisions = (stored.calendar_revision, stored.rules_revision)
        if revisions != self.terms_revisions:
            self.calendar, self.rules = stored.calendar, stored.rules
            self.terms_revisions = revisions
        return DeadlineTerms(self.calendar, self.rules, *revisions)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with write_session(self.profile.sessions) as s:
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_session(self.profile.sessions) as s:
            yield s

    def audit(
        self,
        session: Session,
        action: str,
        *,
        entity: str | None = None,
        record_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        session.add(
            LocalAudit(
                at=self.now(),
                actor=self.actor.username,
                action=action,
                entity=entity,
                record_id=record_id,
                detail=detail,
            )
        )

    def close(self) -> None:
        self.profile.close()


def init_profile(
    path: Path,
    passphrase: str,
    *,
    username: str,
    grids: list[str],
    role: Role = Role.grid_worker,
    display_name: str = "",
    kdf_params: KdfParams | None = None,
    district_key: bytes | None = None,
    area_code: str | None = None,
    supervisor_level: SupervisorLevel | None = None,
    department_id: str | None = None,
) -> Workspace:
    """Create an encrypted profile offline (`gridworker init`).

    Deterministic ids (docs/design.md §4) use the district's id secret when the
    admin handed one out (`district_key`, e.g. from a file); otherwise a local
    secret until enrollment delivers the district's.
    """
    if not username.strip():
        raise ServiceError("required", field="username")
    codes = [validate_grid_code(g) for g in grids]
    if not codes and role in (Role.grid_worker, Role.adviser):
        raise ServiceError("grid_required")
    if len(passphrase) < 8:
        raise ServiceError("passphrase_short")
    prof = profiles.create_profile(path, passphrase, kdf_params=kdf_params)
    actor = Actor(
        username=username.strip(),
        role=role,
        grids=tuple(codes),
        display_name=display_name,
        area_code=area_code,
        supervisor_level=supervisor_level,
        department_id=department_id,
    )
    if district_key is not None and len(district_key) < 16:
        raise ServiceError("district_key_short")
    secret = district_key or secrets.token_bytes(32)
    source = "district" if district_key else "local"
    with write_session(prof.sessions) as s:
        s.add(Setting(key="actor", value=actor.to_setting()))
        s.add(Setting(key="id_secret", value={"hex": secret.hex(), "source": source}))
        s.add(Setting(key="created_at", value=datetime.now(UTC).isoformat()))
        # This profile's device id: what the server registers and keys mutation ids by.
        s.add(
            Setting(
                key="device",
                value={"device_id": str(uuid.uuid4()), "token": None, "username": actor.username},
            )
        )
    return Workspace(prof, actor, secret, default_calendar())


def open_workspace(path: Path, passphrase: str, *, lock_timeout: float = 0) -> Workspace:
    prof = profiles.open_profile(path, passphrase, lock_timeout=lock_timeout)
    try:
        settings = prof.settings()
        actor = Actor.from_setting(settings["actor"])
        secret = bytes.fromhex(settings["id_secret"]["hex"])
    except (KeyError, TypeError, ValueError) as exc:
        prof.close()
        raise ServiceError("profile_incomplete") from exc
    ws = Workspace(prof, actor, secret, default_calendar())
    special = settings.get(SPECIAL_KEY_SETTING)
    if isinstance(special, dict) and isinstance(special.get("hex"), str):
        ws.special_key = bytes.fromhex(special["hex"])
    ws.deadline_terms()  # the synced calendar and rules, if any
    return ws
