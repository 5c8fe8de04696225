"""The signed-in caller as server logic sees it: plain values, no web framework.

`api/deps.py` builds a `Caller` from the request's token; push, pull and fetch take one
as an argument, so they never import the web layer (docs/design.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass

from gridworker.server.scope import Scope


@dataclass(frozen=True)
class Caller:
    """The signed-in device and user, as plain values (no ORM object leaves a session)."""

    user_id: str
    username: str
    role: str
    device_id: str
    scope: Scope
