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

from gridworker.domain.checklist_parser import CODE_FORMS, Parser, parse_json
from gridworker.domain.checklist_words import (
    answer_label,
    choices,
    item_place,
    quoted,
    section_place,
    shown,
    type_name,
    value_text,
)
from gridworker.domain.checklists import SCHEMA_FILE, ChecklistError, ChecklistTemplate
from gridworker.domain.errors import BiText
from gridworker.resources import resource

# The reference document kind of one published version (server `reference_doc.kind`,
# at most 32 characters; the laptop keeps it as the setting `reference:<kind>`).
PREFIX = "cl:"
MAX_PROBLEMS = 20


def document_kind(code: str, version: int) -> str:
    return f"{PREFIX}{code}:{version}"


_SINGULAR = {"sections": "section", "items": "item"}

# A field required or refused only under a condition of the schema (its if/then/else),
# with the condition said: "“数值”类检查项须填写单位" rather than "缺少“单位”".
_REQUIRED_IF: dict[str, BiText] = {
    "unit": BiText("“数值”类检查项须填写单位", "a number answer needs a unit"),
    "fail_if": BiText(
        "不合格时开整改单的“数值”类检查项须填写不合格界限",
        "a number answer that opens a rectification needs fail_if",
    ),
    "fail_if_older_than_days": BiText(
        "不合格时开整改单的“日期”类检查项须填写超期天数",
        "a date answer that opens a rectification needs fail_if_older_than_days",
    ),
    "rectification": BiText(
        "不合格时开整改单，须填写整改期限",
        "rectification is missing but opens_rectification is true",
    ),
}
_REFUSED_UNLESS: dict[str, tuple[str, str]] = {
    # key -> (the condition in Chinese, in English)
    "unit": ("“数值”类检查项", "number answers"),
    "fail_if": ("“数值”类检查项", "number answers"),
    "fail_if_older_than_days": ("“日期”类检查项", "date answers"),
    "rectification": ("不合格时开整改单的检查项", "items that open a rectification"),
}


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(resource("checklists", SCHEMA_FILE).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _where(data: Any, path: Iterable[Any]) -> str:
    """A JSON path as the English detail names it: the section's and the item's code."""
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


def _place(data: Any, path: list[Any]) -> tuple[BiText, list[Any], Any]:
    """Where a path points as people read it (the group, the item), the path left inside
    that group or item, and the group or item itself (the template when neither)."""
    place, node, rest = BiText("", ""), data, path
    if len(rest) >= 2 and rest[0] == "sections" and isinstance(rest[1], int):
        node = data["sections"][rest[1]]
        place, rest = section_place(rest[1] + 1, node), rest[2:]
        if len(rest) >= 2 and rest[0] == "items" and isinstance(rest[1], int):
            node = node["items"][rest[1]]
            place, rest = item_place(place, rest[1] + 1, node), rest[2:]
    return place, rest, node


def _key_order(error: Any) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def schema_problems(data: Any) -> list[BiText]:
    """What the JSON Schema finds wrong (at most MAX_PROBLEMS, in document order), each in
    Chinese and English with where it is (empty: none)."""
    errors = sorted(_validator().iter_errors(data), key=_key_order)
    return [_problem(data, e) for e in errors[:MAX_PROBLEMS]]


def _problem(data: Any, error: Any) -> BiText:
    path = list(error.absolute_path)
    place, rest, _node = _place(data, path)
    keys = tuple(k for k in rest if isinstance(k, str))
    zh = _zh(error, keys, data, path)
    detail = error.message
    if error.validator is None:  # a `false` schema: jsonschema's words name no field
        key = _refused_key(data, path, error.instance)
        detail = f"{key} is only for {_REFUSED_UNLESS.get(key, ('', 'other items'))[1]}"
    return BiText(f"{place.zh}，{zh}" if place.zh else zh, f"{_where(data, path)}: {detail}")


def _zh(error: Any, keys: tuple[str, ...], data: Any, path: list[Any]) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    name = quoted(keys).zh
    conditional = any(step in ("then", "else") for step in error.schema_path)
    if kind == "required":
        missing = _missing_key(error)
        if conditional and missing in _REQUIRED_IF:
            return _REQUIRED_IF[missing].zh
        return f"缺少{quoted((*keys, missing)).zh}"
    if kind == "additionalProperties":
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = sorted(str(k) for k in value if k not in allowed)
        where = f"{name}中" if keys else ""
        return f"{where}有无法识别的字段 {', '.join(extra)}（请检查拼写）"
    if kind == "type":
        return f"{name or '检查表'}应为{type_name(expected).zh}，现为{shown(value)}"
    if kind == "enum":
        return f"{name}不能是{shown(value)}，应为{choices(keys, expected).zh}之一"
    if kind == "const":
        if keys[-1:] == ("opens_rectification",):
            return "“文字”类检查项只作记录、不判合格与否，不合格时开整改单应为否（false）"
        if keys[-1:] == ("amount",):
            return "整改期限为“当日”时，整改期限数应为0"
        return f"{name}应为 {value_text(expected)}，现为{shown(value)}"
    if kind == "pattern":
        form = CODE_FORMS.get(str(expected), BiText("格式不对", ""))
        return f"{name}{shown(value)}{form.zh}"
    if kind == "minimum":
        if keys[-1:] == ("amount",) and conditional:
            return "整改期限为工作日或工作小时时，整改期限数至少为1"
        return f"{name}不能小于{expected}，现为{shown(value)}"
    if kind == "minLength":
        return f"{name}不能为空"
    if kind == "minItems":
        if keys[-1:] == ("sections",):
            return "至少要有一个分组"
        if keys[-1:] == ("items",):
            return "至少要有一个检查项"
        return f"{name}至少要列出{expected}项"
    if kind == "uniqueItems":
        return f"{name}中有重复的值"
    if kind == "minProperties":
        if keys[-1:] == ("fail_if",):
            return "不合格界限至少要填一个（大于、小于、不小于或不大于）"
        return f"{name}不能为空"
    if kind == "anyOf" and keys[-1:] == ("unit",):
        return "单位应为非空的文字（如 mm），或分别写出中文和英文"
    if kind is None:
        key = _refused_key(data, path, value)
        unless = _REFUSED_UNLESS.get(key)
        if unless is not None:
            answer = _answer_of(data, path)
            now = (
                f"，这一项是“{answer_label(answer)}”类" if answer and key != "rectification" else ""
            )
            return f"只有{unless[0]}才有{quoted((*keys, key)).zh}{now}"
        return f"不应填写{quoted((*keys, key)).zh}"
    return f"{name or '检查表'}不符合格式要求"


def _missing_key(error: Any) -> str:
    # jsonschema reports one missing property per error, by its repr in the message.
    for key in error.validator_value:
        missing = isinstance(error.instance, Mapping) and key not in error.instance
        if missing and repr(key) in error.message:
            return str(key)
    return str(error.message)


def _refused_key(data: Any, path: list[Any], value: Any) -> str:
    """The field a `false` schema refused (jsonschema's error stops at its object)."""
    node = data
    for step in path:
        node = node[step]
    if isinstance(node, Mapping):
        for key, held in node.items():
            if held is value:
                return str(key)
    return ""


def _answer_of(data: Any, path: list[Any]) -> str:
    node = data
    for step in path:
        node = node[step]
    answer = node.get("answer") if isinstance(node, Mapping) else None
    return answer if isinstance(answer, str) else ""


def parse_document(text: str, source: str) -> Any:
    return parse_json(text, source)


def template_from_data(data: Any, source: str) -> ChecklistTemplate:
    """A template from its JSON data: the schema first, then the loader's own rules (item
    codes unique, applies_to within the template's…). Raises ChecklistError naming every
    problem the schema found (in document order), or the loader's first."""
    problems = schema_problems(data)
    if problems:
        raise ChecklistError(
            "; ".join(p.en for p in problems),
            "；".join(p.zh for p in problems),
            source=source,
        )
    return Parser(Path(source)).template(data)


def removed_items(old: ChecklistTemplate, new: ChecklistTemplate) -> list[str]:
    """Item codes the older version asks and the newer one no longer does."""
    kept = {item.code for item in new.items}
    return [item.code for item in old.items if item.code not in kept]
