"""Minimal valid wire payloads of every record kind, and a family of them in one grid.

Shared by the authorization matrix and the attack tests: `family(grid)` is one record of
each entity kind, linked as the client links them (a resident in a household, a tag on
the resident, a visit and a need, a site with an inspection, an item and a
rectification, a case, an attachment of the case), in the order a laptop pushes them.
"""

from __future__ import annotations

import uuid
from typing import Any

from gridworker.domain import ids

NOW = "2026-11-27T02:30:00.000000+00:00"


def new_id() -> str:
    return str(uuid.uuid4())


def payload(entity: str, grid: str, refs: dict[str, str], **fields: Any) -> dict[str, Any]:
    """A valid record of `entity` in `grid`; `refs` gives the ids it points to by entity."""
    base: dict[str, Any] = {"id": new_id(), "grid_code": grid, "deleted": False}
    body: dict[str, Any] = {
        "building": {"estate_name": "幸福里", "building_no": uuid.uuid4().hex[:4]},
        "house": {"number": "101", "building_id": refs.get("building")},
        "household": {
            "household_no": uuid.uuid4().hex[:6],
            "address": "城南路1号",
            "house_id": refs.get("house"),
        },
        "resident": {"household_id": refs.get("household"), "name": "李四"},
        "resident_tag": {"resident_id": refs.get("resident"), "tag": "living_alone_elderly"},
        "visit": {
            "household_id": refs.get("household"),
            "visitor": "someone",
            "visited_at": NOW,
            "mode": "home",
        },
        "need": {"visit_id": refs.get("visit"), "category": "livelihood", "text": "灯坏了"},
        "hazard_site": {
            "kind": "fire_safety",
            "name": "小饭馆",
            "building_id": refs.get("building"),
        },
        "inspection": {
            "site_id": refs.get("hazard_site"),
            "template_code": "fire_small",
            "template_version": 1,
            "kind": "routine",
            "inspector": "someone",
            "inspected_at": NOW,
        },
        "inspection_item": {
            "inspection_id": refs.get("inspection"),
            "item_code": "F01",
            "answer": "fail",
        },
        "rectification": {
            "site_id": refs.get("hazard_site"),
            "inspection_id": refs.get("inspection"),
            "description": "灭火器过期",
            "deadline": "2026-12-31",
        },
        "case": {
            "title": "楼道堆放杂物",
            "category": "hazard",
            "urgency": "normal",
            "source": "grid_worker",
            "reporter": "someone",
            "need_id": refs.get("need"),
        },
        "attachment": {
            "owner_entity": "case",
            "owner_id": refs.get("case"),
            "sha256": "ab" * 32,
            "mime": "image/jpeg",
            "size": 10,
        },
    }[entity]
    record = {**base, **body, **fields}
    if entity == "resident_tag":
        record["id"] = ids.unkeyed_resident_tag_id(record["resident_id"], record["tag"])
    return record


# Push order: every record after the ones it names.
ORDER = (
    "building",
    "house",
    "household",
    "resident",
    "resident_tag",
    "visit",
    "need",
    "hazard_site",
    "inspection",
    "inspection_item",
    "rectification",
    "case",
    "attachment",
)


def family(grid: str) -> dict[str, dict[str, Any]]:
    """One record of each kind in `grid`, linked together (see the module docstring)."""
    out: dict[str, dict[str, Any]] = {}
    refs: dict[str, str] = {}
    for entity in ORDER:
        record = payload(entity, grid, refs)
        out[entity] = record
        refs[entity] = record["id"]
    return out


# What each kind names (field, entity): the references a push must keep in scope.
REFERRING: dict[str, tuple[str, str]] = {
    "house": ("building_id", "building"),
    "household": ("house_id", "house"),
    "resident": ("household_id", "household"),
    "resident_tag": ("resident_id", "resident"),
    "visit": ("household_id", "household"),
    "need": ("visit_id", "visit"),
    "hazard_site": ("building_id", "building"),
    "inspection": ("site_id", "hazard_site"),
    "inspection_item": ("inspection_id", "inspection"),
    "rectification": ("inspection_id", "inspection"),
    "case": ("need_id", "need"),
    "attachment": ("owner_id", "case"),
}
