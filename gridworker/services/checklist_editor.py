"""The district admin's checklist editor (docs/design.md §25): a draft is the newest
version's JSON document renumbered one higher; it is checked on the laptop by the same
rules as the server (`domain.checklist_publish.template_from_data`: the schema, then the
loader's rules), and published through the server's authorised route
(`POST /api/v1/checklists`), which runs `gridworker-server publish-checklist`'s own
path: version order, and the refusal to drop an item that open rectifications use."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

from sqlalchemy import select

from gridworker.domain.checklist_publish import PREFIX, template_from_data
from gridworker.domain.checklists import ChecklistError, ChecklistTemplate
from gridworker.domain.enums import Role
from gridworker.services.checklist_store import all_templates, newest
from gridworker.services.syncing import client_for
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import Setting
from gridworker.storage.reference_terms import PREFIX as SETTING_PREFIX

log = logging.getLogger(__name__)


def codes(ws: Workspace) -> list[tuple[str, str, int]]:
    """(code, zh title, highest version) of every template this laptop knows."""
    best: dict[str, ChecklistTemplate] = {}
    for (code, _v), template in all_templates(ws).items():
        if code not in best or template.version > best[code].version:
            best[code] = template
    return [(c, t.title.get("zh", c), t.version) for c, t in sorted(best.items())]


def document_of(ws: Workspace, template: ChecklistTemplate) -> dict[str, Any]:
    """The JSON document of one version: its shipped file, or the synced document."""
    if template.path is not None and template.path.suffix == ".json" and template.path.is_file():
        data = json.loads(template.path.read_text(encoding="utf-8-sig"))
        if isinstance(data, dict):
            return data
    key = f"{SETTING_PREFIX}{PREFIX}{template.code}:{template.version}"
    with ws.read() as s:
        row = s.scalar(select(Setting).where(Setting.key == key))
    value = row.value if row is not None else None
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        return copy.deepcopy(value["data"])
    raise ServiceError("checklist_unknown", template=template.code)


def new_draft(ws: Workspace, code: str) -> dict[str, Any]:
    """The newest version of `code` as a draft of the next version."""
    try:
        current = newest(ws, code)
    except ChecklistError:
        raise ServiceError("checklist_unknown", template=code) from None
    data = document_of(ws, current)
    data["version"] = current.version + 1
    return data


def check_draft(data: dict[str, Any]) -> ChecklistTemplate:
    """The template the draft makes, or ServiceError naming what is wrong and where (the
    group and the item as people read them), in the reader's language. The English detail
    (the schema's words, the JSON path by codes) goes to the log only."""
    try:
        return template_from_data(data, "draft")
    except ChecklistError as exc:
        log.info("checklist draft refused: %s", exc.problem.en)
        raise ServiceError("checklist_invalid", detail=exc.problem) from None


def publish_draft(ws: Workspace, data: dict[str, Any], *, lang: str = "zh_CN") -> dict[str, Any]:
    """Check the draft here, then publish it through the server (online; district admin
    only). Returns the server's answer: code, version, and whether it is new."""
    if ws.actor.role is not Role.admin:
        raise ServiceError("checklist_publish_role")
    check_draft(data)
    client = client_for(ws, lang=lang)
    reply = client.request("POST", "/api/v1/checklists", json=data, retry=False)
    answer: dict[str, Any] = reply.json()
    return answer


# Editing a draft (the editor screen's changes; each is checked by `check_draft` after) --


def move(data: dict[str, Any], section: int, item: int | None, step: int) -> tuple[int, int | None]:
    """Move a group (`item` None) among the groups, or an item within its group, `step`
    places (-1 up, +1 down); returns its new place. At either end nothing moves: an item
    does not jump into the next group (a group is a block of the form; an item goes to
    another one by being added there)."""
    sections: list[dict[str, Any]] = data["sections"]
    rows: list[Any] = sections if item is None else sections[section]["items"]
    here = section if item is None else item
    there = here + step
    if not 0 <= there < len(rows):
        return section, item
    rows[here], rows[there] = rows[there], rows[here]
    return (there, None) if item is None else (section, there)


def set_text(node: dict[str, Any], key: str, zh: str, en: str) -> None:
    """A text in both languages (`hint`); both left empty: the item has none. One left
    empty is kept empty, for the rules to name."""
    zh, en = zh.strip(), en.strip()
    if not zh and not en:
        node.pop(key, None)
    else:
        node[key] = {"zh": zh, "en": en}


def set_unit(item: dict[str, Any], zh: str, en: str) -> None:
    """A number item's unit: one symbol for both languages ("mm", or Chinese only: "具"),
    or a text in each ({"zh": "具", "en": "units"}); both empty: none (the rules then say a
    number item needs one)."""
    zh, en = zh.strip(), en.strip()
    if not zh and not en:
        item.pop("unit", None)
    elif not en or en == zh:
        item["unit"] = zh
    else:
        item["unit"] = {"zh": zh, "en": en}


def number_or_text(text: str) -> Any:
    """What was typed as a limit: a whole number, a decimal, or (not a number) the text as
    typed, for the rules to refuse by name; None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def set_limits(item: dict[str, Any], limits: dict[str, str]) -> None:
    """A number item's fail_if from the typed limits by comparison (gt/lt/ge/le; empty
    ones left out; none at all: no fail_if)."""
    values = {op: number_or_text(text) for op, text in limits.items()}
    kept = {op: value for op, value in values.items() if value is not None}
    if kept:
        item["fail_if"] = kept
    else:
        item.pop("fail_if", None)


def set_max_age(item: dict[str, Any], text: str) -> None:
    """A date item's fail_if_older_than_days (empty: none)."""
    value = number_or_text(text)
    if value is None:
        item.pop("fail_if_older_than_days", None)
    else:
        item["fail_if_older_than_days"] = value


def set_rectification(item: dict[str, Any], opens: bool, amount: int, unit: str) -> None:
    """Whether a failed item opens a rectification, and its default term: `amount` of
    `unit` (same_day: 0 whatever was typed, as the rules require)."""
    item["opens_rectification"] = opens
    if opens:
        item["rectification"] = {"amount": 0 if unit == "same_day" else amount, "unit": unit}
    else:
        item.pop("rectification", None)
