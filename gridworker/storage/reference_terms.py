"""The district's calendar and deadline rules as pulled, kept in the profile's settings.

Each document is one Setting row (``reference:calendar``,
``reference:deadline_rules``) holding ``{"revision", "version", "data"}``. A
pulled document always replaces the stored one: pulls arrive in change order,
and after a server restore the server's copy is the one in force. A profile
that never synced (or a document the district never published) uses the
built-in default; so does a stored document this client version cannot read,
rather than refusing to compute deadlines.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.deadlines import DeadlineRules
from gridworker.domain.rules_data import (
    CALENDAR,
    DEADLINE_RULES,
    KINDS,
    DeadlineTerms,
    ReferenceDataError,
    calendar_from_document,
    default_terms,
    rules_from_document,
)
from gridworker.storage.models import Setting

log = logging.getLogger(__name__)

PREFIX = "reference:"
# District documents kept as they are pulled, read by their own services (tasks: the
# staff directory, docs/design.md §23).
KEPT_DOCUMENTS = ("staff",)
# Every published checklist template version (`cl:<code>:<version>`, docs/design.md §25).
KEPT_PREFIXES = ("cl:",)
_KEYS = tuple(PREFIX + kind for kind in KINDS)
# Parsed documents by content: reading the terms happens on every deadline query.
_parsed: dict[str, WorkCalendar | DeadlineRules | None] = {}
_PARSED_MAX = 16


def store_reference_doc(
    session: Session, kind: str, *, version: int, fields: dict[str, Any]
) -> None:
    """Keep a pulled calendar or rules document (the pulled row's version and fields), or
    another district document this client reads (`KEPT_DOCUMENTS`: the staff directory;
    `KEPT_PREFIXES`: published checklist templates)."""
    kept = kind in KINDS + KEPT_DOCUMENTS or kind.startswith(KEPT_PREFIXES)
    if not kept or not isinstance(fields.get("data"), dict):
        return  # a document this client version does not know
    value = {
        "revision": int(fields.get("revision") or 0),
        "version": version,
        "data": fields["data"],
        "updated_at": fields.get("updated_at"),
    }
    session.merge(Setting(key=PREFIX + kind, value=value))


def stored_revisions(session: Session) -> dict[str, int]:
    """kind -> revision of the stored document (absent: the built-in default applies)."""
    return {
        row.key.removeprefix(PREFIX): int(row.value.get("revision") or 0)
        for row in session.scalars(select(Setting).where(Setting.key.in_(_KEYS)))
        if isinstance(row.value, dict)
    }


def _parse(kind: str, data: dict[str, Any]) -> WorkCalendar | DeadlineRules | None:
    text = json.dumps(data, sort_keys=True)
    key = f"{kind}:{text}"
    if key not in _parsed:
        if len(_parsed) > _PARSED_MAX:
            _parsed.clear()
        try:
            _parsed[key] = (
                calendar_from_document(data) if kind == CALENDAR else rules_from_document(data)
            )
        except ReferenceDataError as exc:
            log.warning("the synced %s cannot be used, the default applies: %s", kind, exc)
            _parsed[key] = None
    return _parsed[key]


def load_terms(session: Session) -> DeadlineTerms:
    """The synced calendar and rules, each falling back to the built-in default."""
    terms = default_terms()
    calendar, rules = terms.calendar, terms.rules
    revisions = {CALENDAR: 0, DEADLINE_RULES: 0}
    for row in session.scalars(select(Setting).where(Setting.key.in_(_KEYS))):
        value = row.value
        if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
            continue
        kind = row.key.removeprefix(PREFIX)
        parsed = _parse(kind, value["data"])
        if isinstance(parsed, WorkCalendar):
            calendar = parsed
        elif isinstance(parsed, DeadlineRules):
            rules = parsed
        else:
            continue
        revisions[kind] = int(value.get("revision") or 0)
    return DeadlineTerms(calendar, rules, revisions[CALENDAR], revisions[DEADLINE_RULES])
