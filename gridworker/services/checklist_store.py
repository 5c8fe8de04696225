"""The checklist templates this laptop may use (docs/design.md §25): the ones shipped with
the app and every version the district published, as synced (`reference:cl:<code>:<v>`
settings). New inspections use a code's highest version; an inspection keeps the version it
was opened with, and an old one reopens, prints and is re-inspected with its own."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import checklists
from gridworker.domain.checklist_publish import PREFIX, template_from_data
from gridworker.domain.checklists import ChecklistError, ChecklistTemplate
from gridworker.services.workspace import Workspace
from gridworker.storage.models import Setting
from gridworker.storage.reference_terms import PREFIX as SETTING_PREFIX

log = logging.getLogger(__name__)

# Parsed published templates by their setting key and document version.
_parsed: dict[tuple[str, int], ChecklistTemplate | None] = {}


def _synced(s: Session) -> dict[tuple[str, int], ChecklistTemplate]:
    out: dict[tuple[str, int], ChecklistTemplate] = {}
    key_prefix = SETTING_PREFIX + PREFIX
    for row in s.scalars(select(Setting).where(Setting.key.startswith(key_prefix))):
        value: Any = row.value
        if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
            continue
        cache_key = (row.key, int(value.get("version") or 0))
        if cache_key not in _parsed:
            try:
                _parsed[cache_key] = template_from_data(value["data"], row.key)
            except ChecklistError as exc:  # a newer format than this app reads
                log.warning("a synced checklist cannot be used: %s", exc)
                _parsed[cache_key] = None
        template = _parsed[cache_key]
        if template is not None:
            out[(template.code, template.version)] = template
    return out


def all_templates(ws: Workspace) -> dict[tuple[str, int], ChecklistTemplate]:
    """Shipped and synced versions, by (code, version)."""
    with ws.read() as s:
        synced = _synced(s)
    return {**checklists.load_all(), **synced}


def newest(ws: Workspace, code: str) -> ChecklistTemplate:
    """The highest version of `code` (what a new inspection uses)."""
    versions = [t for (c, _v), t in all_templates(ws).items() if c == code]
    if not versions:
        raise ChecklistError(f"no checklist template {code}")
    return max(versions, key=lambda t: t.version)


def get_template(ws: Workspace, code: str, version: int) -> ChecklistTemplate:
    """One version (an inspection's own), shipped or synced."""
    try:
        return all_templates(ws)[(code, version)]
    except KeyError:
        raise ChecklistError(f"no checklist template {code} version {version}") from None
