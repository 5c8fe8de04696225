"""Checklist templates published by the district (docs/design.md §25).

`gridworker-server publish-checklist FILE` checks a template version against the schema
and the loader's rules (the failing item named), refuses a version that is not newer than
every version known (shipped with the app or published), and refuses a version that drops
an item still used by an open rectification (it could no longer be re-inspected). Each
published version is one reference document (`reference_doc`, kind `cl:<code>:<version>`),
so every laptop pulls it at its next sync, like the calendar, and keeps every version
(an inspection is reopened, printed and re-inspected with the version it was made with).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import checklists
from gridworker.domain.checklist_publish import (
    PREFIX,
    document_kind,
    removed_items,
    template_from_data,
)
from gridworker.domain.checklists import ChecklistError, ChecklistTemplate
from gridworker.domain.errors import DomainError
from gridworker.server import audit
from gridworker.server.calendar_rules import ReferenceDoc, ReferenceDocRevision
from gridworker.server.meta import ensure_initialised
from gridworker.server.models import Record
from gridworker.server.sequence import lock_sequence, next_seq

KIND_SIZE = 32  # reference_doc.kind


class PublishRefused(ChecklistError):
    """A refusal for a publishing reason (a version already known, an item still in use),
    not the template's format: its words stand alone."""

    def __init__(self, en: str, zh: str, *, source: str | None = None) -> None:
        super().__init__(en, zh, source=source, code="checklist_refused")


def refusal(exc: ChecklistError, lang: str = "zh_CN") -> str:
    """What the admin reads of a refusal, without the document's name: a publishing
    refusal as it is, a format problem after "检查表不符合格式要求：" (`checklist_invalid`),
    naming the group and the item, in `lang`."""
    if isinstance(exc, PublishRefused):
        return exc.problem.label(lang)
    return DomainError("checklist_invalid", detail=exc.problem).message(lang)


def published(session: Session) -> dict[tuple[str, int], tuple[ChecklistTemplate, ReferenceDoc]]:
    """Every version published here, by (code, version)."""
    out: dict[tuple[str, int], tuple[ChecklistTemplate, ReferenceDoc]] = {}
    for doc in session.scalars(
        select(ReferenceDoc).where(ReferenceDoc.kind.startswith(PREFIX, autoescape=True))
    ):
        template = template_from_data(doc.data, doc.kind)
        out[(template.code, template.version)] = (template, doc)
    return out


def known(session: Session) -> dict[tuple[str, int], ChecklistTemplate]:
    """Shipped and published versions."""
    out = dict(checklists.load_all())
    out.update({key: template for key, (template, _doc) in published(session).items()})
    return out


def open_rectifications_using(session: Session, item_codes: list[str]) -> dict[str, int]:
    """Item code → open (not closed, not deleted) rectifications of it."""
    if not item_codes:
        return {}
    counts: dict[str, int] = {}
    for record in session.scalars(
        select(Record).where(
            Record.entity == "rectification",
            Record.deleted.is_(False),
            Record.data["item_code"].as_string().in_(item_codes),
        )
    ):
        if record.data.get("status") != "closed":
            code = str(record.data.get("item_code"))
            counts[code] = counts.get(code, 0) + 1
    return counts


def publish_checklist(
    session: Session, data: Any, *, username: str, source: str = "the template"
) -> tuple[ReferenceDoc, bool]:
    """Publish one template version; (its document, whether it is new). Raises
    ChecklistError with the reason (what failed and where)."""
    template = template_from_data(data, source)
    code, version = template.code, template.version
    kind = document_kind(code, version)
    if len(kind) > KIND_SIZE:
        raise PublishRefused(
            f"the code {code!r} is too long to publish",
            f"检查表编码 {code} 太长，不能发布",
            source=source,
        )
    ensure_initialised(session)
    session.flush()
    lock_sequence(session)  # two admins publishing at once are serialised
    versions = known(session)
    same = versions.get((code, version))
    if same is not None:
        doc = session.get(ReferenceDoc, kind)
        if doc is not None and doc.data == data:
            return doc, False
        last = max(v for (c, v) in versions if c == code)
        raise PublishRefused(
            f"{code} version {version} exists already (shipped with the app or "
            f"published); publish a change as version {last + 1}",
            f"检查表 {code} 第{version}版已经存在（随软件发布或已发布），"
            f"修改请作为第{last + 1}版发布",
            source=source,
        )
    newer = sorted(v for (c, v) in versions if c == code and v > version)
    if newer:
        raise PublishRefused(
            f"{code} version {newer[-1]} is newer; number this one {newer[-1] + 1}",
            f"检查表 {code} 已有更新的第{newer[-1]}版，请把这一版编为第{newer[-1] + 1}版",
            source=source,
        )
    older = sorted(v for (c, v) in versions if c == code)
    if older:
        previous = versions[(code, older[-1])]
        used = open_rectifications_using(session, removed_items(previous, template))
        if used:
            listed = ", ".join(f"{item} ({n} open)" for item, n in sorted(used.items()))
            texts = {item.code: item.text.get("zh", "") for item in previous.items}
            named = "；".join(
                f"{item}“{texts.get(item, '')}”（{n}项整改未销号）"
                for item, n in sorted(used.items())
            )
            raise PublishRefused(
                f"version {version} drops items that open rectifications still use: "
                f"{listed}; keep them until those are closed out",
                f"第{version}版删去了仍有整改未销号的检查项：{named}。请保留这些检查项，"
                "待相关整改销号后再删除",
                source=source,
            )
    now = datetime.now(UTC)
    doc = ReferenceDoc(
        kind=kind,
        revision=1,
        data=data,
        version=next_seq(session),
        updated_by=username,
        updated_at=now,
    )
    session.add(doc)
    session.add(
        ReferenceDocRevision(kind=kind, revision=1, data=data, created_by=username, created_at=now)
    )
    audit.record(
        session,
        "publish_checklist",
        username=username,
        entity="reference_doc",
        record_id=kind,
        detail={"code": code, "version": version, "items": len(template.items)},
    )
    session.flush()
    return doc, True


def list_checklists(session: Session) -> list[dict[str, Any]]:
    """Every template code with its versions (shipped or published) and the one in use."""
    shipped = checklists.load_all()
    mine = published(session)
    codes: dict[str, list[dict[str, Any]]] = {}
    kinds: dict[str, str] = {}
    for (code, version), template in sorted(
        {**shipped, **{k: t for k, (t, _d) in mine.items()}}.items()
    ):
        entry: dict[str, Any] = {
            "version": version,
            "items": len(template.items),
            "source": "published" if (code, version) in mine else "shipped",
        }
        if (code, version) in mine:
            doc = mine[(code, version)][1]
            entry["published_at"] = doc.updated_at.isoformat() if doc.updated_at else None
            entry["published_by"] = doc.updated_by
        codes.setdefault(code, []).append(entry)
        kinds[code] = template.kind
    return [
        {
            "code": code,
            "kind": kinds[code],
            "current": max(v["version"] for v in versions),
            "versions": versions,
        }
        for code, versions in sorted(codes.items())
    ]
