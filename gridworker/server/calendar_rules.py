"""The district's working-day calendar and deadline rules, stored, versioned and audited.

One row per document (``calendar``, ``deadline_rules``) holds the current
version; every published version is kept in ``reference_doc_revision``. Only
the district admin publishes (``gridworker-server set-calendar`` / ``set-rules``
or ``PUT /api/v1/reference/{kind}``). Each publication takes a change-log
number like grids and departments do, so clients pull the new document on their
next sync (server/pull.py, entity ``reference_doc``). Until a document has been
published, the built-in default (revision 0) applies, on the server and on every
laptop alike.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.calendar_files import empty_years
from gridworker.domain.deadlines import DeadlineRules
from gridworker.domain.rules_data import (
    CALENDAR,
    DEADLINE_RULES,
    KINDS,
    DeadlineTerms,
    ReferenceDataError,
    calendar_from_document,
    default_document,
    default_terms,
    document_from,
    rules_from_document,
)
from gridworker.server import audit
from gridworker.server.meta import ensure_initialised
from gridworker.server.models import Base, JSONType
from gridworker.server.sequence import lock_sequence, next_seq
from gridworker.server.users import AdminError

ENTITY = "reference_doc"
TZ = DateTime(timezone=True)


class ReferenceDoc(Base):
    """The current version of one district-wide document; ``version`` is its change-log seq."""

    __tablename__ = "reference_doc"
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(TZ)


class ReferenceDocRevision(Base):
    """Every published version, for the record and to go back to an earlier one."""

    __tablename__ = "reference_doc_revision"
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZ)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise AdminError(f"unknown document {kind!r} (one of {', '.join(KINDS)})")


def wire_fields(doc: ReferenceDoc) -> dict[str, Any]:
    """What a pulled ``reference_doc`` row carries."""
    return {
        "kind": doc.kind,
        "revision": doc.revision,
        "data": doc.data,
        "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
    }


def current_document(session: Session, kind: str) -> dict[str, Any]:
    """The document in force: the published one, else the built-in default (revision 0)."""
    _check_kind(kind)
    doc = session.get(ReferenceDoc, kind)
    if doc is None:
        return default_document(kind)
    return {**doc.data, "revision": doc.revision}


def revision_document(session: Session, kind: str, revision: int) -> dict[str, Any]:
    """An earlier published version (revision 0: the built-in default)."""
    _check_kind(kind)
    if revision == 0:
        return default_document(kind)
    row = session.get(ReferenceDocRevision, (kind, revision))
    if row is None:
        raise AdminError(f"{kind} has no revision {revision}")
    return {**row.data, "revision": row.revision}


def publish(
    session: Session,
    kind: str,
    data: object,
    *,
    username: str,
    device_id: str | None = None,
    allow_empty: bool = False,
) -> ReferenceDoc:
    """Validate and publish a new version of ``kind``; audited, pulled by every client.

    Raises ReferenceDataError (naming each bad field) before anything is written; a
    calendar year without a single day off too, unless ``allow_empty`` (it would count
    the Spring Festival as working days). Publishing the same content again makes no new
    version.
    """
    _check_kind(kind)
    normalised = document_from(kind, data)
    if kind == CALENDAR and not allow_empty:
        empty = empty_years(normalised)
        if empty:
            listed = ", ".join(str(y) for y in empty)
            raise ReferenceDataError(
                "calendar",
                [
                    f"years.{listed}: no day off at all (is the State Council's notice out "
                    "yet?); publish it with allow_empty if that is really meant"
                ],
            )
    body = {k: v for k, v in normalised.items() if k != "revision"}
    # The change counter's row lock first: two admins publishing at once are serialised,
    # and the second reads the first one's revision (no duplicate revision number).
    ensure_initialised(session)
    session.flush()
    lock_sequence(session)
    doc = session.get(ReferenceDoc, kind, populate_existing=True)
    if doc is not None and doc.data == body:
        return doc
    now = datetime.now(UTC)
    revision = 1 if doc is None else doc.revision + 1
    version = next_seq(session)
    if doc is None:
        doc = ReferenceDoc(kind=kind)
        session.add(doc)
    doc.revision, doc.data, doc.version = revision, body, version
    doc.updated_by, doc.updated_at = username, now
    session.add(
        ReferenceDocRevision(
            kind=kind, revision=revision, data=body, created_by=username, created_at=now
        )
    )
    audit.record(
        session,
        f"set_{kind}",
        username=username,
        device_id=device_id,
        entity=ENTITY,
        record_id=kind,
        detail={"revision": revision, "version": version},
    )
    session.flush()
    return doc


# Parsed documents by their content: a workflow command must not rebuild them each time.
_parsed: dict[tuple[str, str], WorkCalendar | DeadlineRules] = {}
_PARSED_MAX = 16


def _cache_key(doc: ReferenceDoc) -> tuple[str, str]:
    if len(_parsed) > _PARSED_MAX:
        _parsed.clear()
    return (doc.kind, json.dumps(doc.data, sort_keys=True))


def current_terms(session: Session) -> DeadlineTerms:
    """The calendar and rules the server computes deadlines with (published or default)."""
    docs = {
        d.kind: d for d in session.scalars(select(ReferenceDoc).where(ReferenceDoc.kind.in_(KINDS)))
    }
    terms = default_terms()
    calendar, rules = terms.calendar, terms.rules
    cal_doc, rules_doc = docs.get(CALENDAR), docs.get(DEADLINE_RULES)
    if cal_doc is not None:
        key = _cache_key(cal_doc)
        parsed = _parsed.get(key)
        if not isinstance(parsed, WorkCalendar):
            parsed = _parsed[key] = calendar_from_document(cal_doc.data)
        calendar = parsed
    if rules_doc is not None:
        key = _cache_key(rules_doc)
        parsed_rules = _parsed.get(key)
        if not isinstance(parsed_rules, DeadlineRules):
            parsed_rules = _parsed[key] = rules_from_document(rules_doc.data)
        rules = parsed_rules
    return DeadlineTerms(
        calendar,
        rules,
        cal_doc.revision if cal_doc is not None else 0,
        rules_doc.revision if rules_doc is not None else 0,
    )
