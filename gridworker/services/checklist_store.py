"""The checklist templates this laptop may use (docs/design.md §25): the ones shipped with
the app and every version the district published, as synced (`reference:cl:<code>:<v>`
settings). New inspections use a code's highest version; an inspection keeps the version it
was opened with, and an old one reopens, prints and is re-inspected with its own."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from gridworker.domain import checklists
from gridworker.domain.checklist_publish import PREFIX, template_from_data
from gridworker.domain.checklists import ChecklistError, ChecklistTemplate
from gridworker.services.workspace import Workspace
from gridworker.storage.models import Setting
from gridworker.storage.reference_terms import PREFIX as SETTING_PREFIX

log = logging.getLogger(__name__)

# Parsed published templates by their setting key and content digest (two profiles in one
# process, or a server restored and published again, may hold different documents under
# one key and version).
_parsed: dict[tuple[str, str], ChecklistTemplate | None] = {}


def _synced(s: Session) -> dict[tuple[str, int], ChecklistTemplate]:
    out: dict[tuple[str, int], ChecklistTemplate] = {}
    key_prefix = SETTING_PREFIX + PREFIX
    for row in s.scalars(select(Setting).where(Setting.key.startswith(key_prefix))):
        value: Any = row.value
        if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
            continue
        digest = hashlib.sha256(orjson.dumps(value["data"], option=orjson.OPT_SORT_KEYS))
        cache_key = (row.key, digest.hexdigest())
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
        return templates_in(s)


def templates_in(s: Session) -> dict[tuple[str, int], ChecklistTemplate]:
    """`all_templates` inside an open session (ledgers, printing)."""
    return {**checklists.load_all(), **_synced(s)}


def item_labels(
    templates: dict[tuple[str, int], ChecklistTemplate], code: str
) -> dict[str, Mapping[str, str]]:
    """Item code -> its text (zh/en) over every version of `code`, the newest text winning,
    so that an item a later version dropped still has its words (old rectifications)."""
    texts: dict[str, Mapping[str, str]] = {}
    for (c, _v), template in sorted(templates.items(), key=lambda kv: kv[0][1]):
        if c == code:
            texts.update({i.code: i.text for i in template.items})
    return texts


def item_texts(templates: dict[tuple[str, int], ChecklistTemplate], code: str) -> dict[str, str]:
    """`item_labels` in Chinese."""
    return {k: checklists.label(v, "zh_CN") for k, v in item_labels(templates, code).items()}


def title_of(templates: dict[tuple[str, int], ChecklistTemplate], code: str, version: int) -> str:
    """A version's Chinese title (`code vN` for one this laptop does not hold)."""
    template = templates.get((code, version))
    return checklists.label(template.title, "zh_CN") if template else f"{code} v{version}"


def newest(ws: Workspace, code: str) -> ChecklistTemplate:
    """The highest version of `code` (what a new inspection uses)."""
    versions = [t for (c, _v), t in all_templates(ws).items() if c == code]
    if not versions:
        raise ChecklistError(
            f"no checklist template {code}", f"没有检查表 {code}", code="checklist_unknown"
        )
    return max(versions, key=lambda t: t.version)


def get_template(ws: Workspace, code: str, version: int) -> ChecklistTemplate:
    """One version (an inspection's own), shipped or synced."""
    try:
        return all_templates(ws)[(code, version)]
    except KeyError:
        raise ChecklistError(
            f"no checklist template {code} version {version}",
            f"没有检查表 {code} 第{version}版",
            code="checklist_unknown",
        ) from None
