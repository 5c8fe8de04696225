"""Checklist templates published by the district (docs/design.md §25): read from a
document rather than a shipped file, checked against `resources/checklists/schema.json`
(JSON Schema draft 2020-12) and by the loader's own rules, each problem named by where it
is (the section and item)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from gridworker.domain.checklists import (
    SCHEMA_FILE,
    ChecklistError,
    ChecklistTemplate,
    _Parser,
    _refuse_duplicate_keys,
)
from gridworker.resources import resource

# The reference document kind of one published version (server `reference_doc.kind`,
# at most 32 characters; the laptop keeps it as the setting `reference:<kind>`).
PREFIX = "cl:"


def document_kind(code: str, version: int) -> str:
    return f"{PREFIX}{code}:{version}"


_SINGULAR = {"sections": "section", "items": "item"}


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(resource("checklists", SCHEMA_FILE).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _where(data: Any, path: Iterable[Any]) -> str:
    """A JSON path as a person reads it: the section's and the item's code where known."""
    parts: list[str] = []
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            parts.append(str(key))
            continue
        if isinstance(key, int) and isinstance(node, Mapping) and isinstance(node.get("code"), str):
            noun = _SINGULAR.get(parts[-1], parts[-1]) if parts else ""
            parts[-1:] = [f"{noun} {node['code']}".strip()]
        elif not isinstance(key, int):
            parts.append(str(key))
        else:
            parts.append(f"#{key + 1}")
    return " › ".join(parts) or "the template"


def schema_problems(data: Any) -> list[str]:
    """What the JSON Schema finds wrong, each with where it is (empty: none)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{_where(data, e.absolute_path)}: {e.message}" for e in errors[:20]]


def parse_document(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except ValueError as exc:
        raise ChecklistError(f"{source}: not valid JSON: {exc}") from exc


def template_from_data(data: Any, source: str) -> ChecklistTemplate:
    """A template from its JSON data: the schema first, then the loader's own rules (item
    codes unique, applies_to within the template's…). Raises ChecklistError naming every
    problem the schema found, or the loader's first."""
    problems = schema_problems(data)
    if problems:
        raise ChecklistError(f"{source}: " + "; ".join(problems))
    return _Parser(Path(source)).template(data)


def removed_items(old: ChecklistTemplate, new: ChecklistTemplate) -> list[str]:
    """Item codes the older version asks and the newer one no longer does."""
    kept = {item.code for item in new.items}
    return [item.code for item in old.items if item.code not in kept]
