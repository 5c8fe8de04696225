"""Notices (通知公告, docs/design.md §24) on the server: what a plain push cannot say.

A notice is copied into each grid of its area by the publisher's laptop and pushed like
any record (its grid must be in the publisher's scope, §4.6); only a street-level
supervisor or the district admin publishes. A read receipt is the reader's own.
"""

from __future__ import annotations

from typing import Any

from gridworker.domain.enums import SupervisorLevel
from gridworker.server.commands import Actor
from gridworker.server.merge import Rejected


def check_new(actor: Actor, entity: str, fields: dict[str, Any]) -> None:
    """Refuse a notice from a community supervisor and a receipt in someone else's name."""
    scope = actor.scope
    if (
        entity == "notice"
        and scope.role == "supervisor"
        and actor.supervisor_level is not SupervisorLevel.street
    ):
        raise Rejected(
            "forbidden",
            "只有街道督办员和区管理员可以发布通知",
            "Only a street supervisor or the district admin may publish notices",
        )
    if entity == "notice_read" and fields.get("reader") != scope.username:
        raise Rejected(
            "forbidden",
            "只能提交本人的已读回执",
            "Only your own read receipts can be pushed",
        )
