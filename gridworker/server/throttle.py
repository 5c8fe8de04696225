"""Sign-in limits: per account and per address, counted atomically (docs/design.md §8).

Each attempt is counted as a failure *before* the password is checked, in a write
transaction that locks its two counters (`SELECT … FOR UPDATE` on PostgreSQL, `BEGIN
IMMEDIATE` on SQLite); a correct password takes the count back. So forty guesses sent
at once are forty increments in turn, and no more than the limit ever reach the
password check (the check and the count were separate transactions before).

- Per account (`user:NAME`): after `login_failures_allowed` failures in the window, an
  attempt from a device not registered to that account is refused (429) until the
  window ends.
- Per address (`addr:IP`): a separate, larger limit, `login_address_failures_allowed`,
  for attempts from devices not registered to the account. Guessing at one account does
  not lock out the others behind the same address (a street office behind one NAT),
  and guessing at many accounts from one address is still bounded.
- A device already registered to the account (a "known device": its laptop) is never
  locked out: past the account's limit it waits a delay that doubles with each further
  failure (`login_delay_seconds`, at most `login_delay_max_seconds`) since the last one,
  then its right password gets in. Refused attempts are not failures, so an attacker
  who is locked out no longer lengthens the victim's wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridworker.protocol import ErrorCode
from gridworker.server.core.config import Settings
from gridworker.server.errors import ApiError
from gridworker.server.models import Device, LoginCounter, User


def _as_aware(value: datetime, like: datetime) -> datetime:
    # SQLite hands back naive datetimes: they were stored in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=like.tzinfo)


def _counter(session: Session, key: str, now: datetime, window: timedelta) -> LoginCounter:
    """The counter row, locked for this transaction; a new window once the old one ended."""
    query = select(LoginCounter).where(LoginCounter.key == key).with_for_update()
    row = session.scalar(query)
    if row is None:
        try:
            with session.begin_nested():  # another worker may create it right now
                session.add(LoginCounter(key=key, failures=0, window_start=now))
        except IntegrityError:
            pass
        row = session.scalar(query)
        assert row is not None
    if _as_aware(row.window_start, now) + window <= now:
        row.failures, row.window_start, row.last_failure = 0, now, None
    return row


def known_device(session: Session, user: User | None, device_id: str) -> bool:
    """Whether the device is this account's registered, not revoked, laptop."""
    if user is None:
        return False
    device = session.get(Device, device_id)
    return device is not None and device.user_id == user.id and device.revoked_at is None


def _limited(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(
        ErrorCode.rate_limited,
        "登录失败次数过多，请稍后再试",
        "Too many failed sign-ins: try again later",
        headers={"Retry-After": str(wait)},
        retry_after=float(wait),
    )


@dataclass(frozen=True)
class Attempt:
    account_key: str
    address_key: str


def reserve(
    session: Session,
    settings: Settings,
    *,
    username: str,
    address: str,
    known: bool,
    now: datetime,
) -> Attempt:
    """Count this attempt as a failure, or raise 429 (nothing counted) if it must wait."""
    window = timedelta(seconds=settings.login_window_seconds)
    attempt = Attempt(f"user:{username}"[:160], f"addr:{address}"[:160])
    account = _counter(session, attempt.account_key, now, window)
    place = _counter(session, attempt.address_key, now, window)
    over = account.failures - settings.login_failures_allowed
    if known:
        if over >= 0 and account.last_failure is not None:
            delay = min(settings.login_delay_seconds * 2**over, settings.login_delay_max_seconds)
            ready = _as_aware(account.last_failure, now) + timedelta(seconds=delay)
            if ready > now:
                raise _limited((ready - now).total_seconds())
    else:
        for row, allowed in (
            (account, settings.login_failures_allowed),
            (place, settings.login_address_failures_allowed),
        ):
            if row.failures >= allowed:
                ends = _as_aware(row.window_start, now) + window
                raise _limited((ends - now).total_seconds())
    for row in (account, place):
        row.failures += 1
        row.last_failure = now
    return attempt


def succeeded(session: Session, attempt: Attempt, now: datetime) -> None:
    """The right password: the account starts afresh; the address gets its count back."""
    account = _counter(session, attempt.account_key, now, timedelta(days=3650))
    account.failures, account.last_failure = 0, None
    place = session.scalar(
        select(LoginCounter).where(LoginCounter.key == attempt.address_key).with_for_update()
    )
    if place is not None and place.failures > 0:
        place.failures -= 1
