"""The words of a checklist template's refusals (docs/design.md §25), in Chinese and
English: a field by the name the editor shows it under (编码, 内容（中文）, 重大项, 拍照…),
a coded value by its label (是/否, 不合格时必拍, 工作日…), and where a problem is as people
read the template: "第2个分组“用电与火源”第3项 FS-ELEC-03“电气线路无私拉乱接”".

The loader (`checklist_parser`) and the schema check (`checklist_publish`) both word their
problems with these, so the editor, the server's HTTP answer and the server command say
the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gridworker.domain.enums import DangerGrade, HazardKind, PremisesType
from gridworker.domain.errors import BiText

# A field's name by its key (the JSON key is the English name). The editor's own labels
# where it shows the field (编码, 内容, 重大项, 拍照, 提示, 单位, 不合格界限, 整改期限).
FIELDS: dict[str, str] = {
    "$schema": "$schema",
    "code": "编码",
    "version": "版本号",
    "kind": "隐患类别",
    "title": "名称",
    "applies_to": "适用场所",
    "source": "依据",
    "sections": "分组",
    "items": "检查项",
    "text": "内容",
    "hint": "提示",
    "answer": "答题方式",
    "severity": "重大项",
    "photo": "拍照",
    "opens_rectification": "不合格时开整改单",
    "rectification": "整改期限",
    "unit": "单位",
    "fail_if": "不合格界限",
    "fail_if_older_than_days": "超期天数",
    "only_grade": "适用危房等级",
    "required": "必答",
}
# Inside an object the name depends on the parent: rectification › unit is not an item's unit.
_NESTED: dict[tuple[str, str], str] = {
    ("rectification", "amount"): "整改期限数",
    ("rectification", "unit"): "整改期限单位",
    ("fail_if", "gt"): "不合格界限（大于）",
    ("fail_if", "lt"): "不合格界限（小于）",
    ("fail_if", "ge"): "不合格界限（不小于）",
    ("fail_if", "le"): "不合格界限（不大于）",
}
_LANG_SUFFIX = {"zh": "（中文）", "en": "（英文）"}

_ANSWERS = {"yes_no": "是/否", "number": "数值", "date": "日期", "text": "文字"}
_VALUES: dict[str, dict[str, str]] = {
    "answer": _ANSWERS,
    "severity": {"major": "重大项", "general": "一般项"},
    "photo": {"optional": "可选", "on_fail": "不合格时必拍", "required": "必须拍照"},
    "rectification.unit": {
        "working_days": "工作日",
        "working_hours": "工作小时",
        "same_day": "当日",
    },
    "kind": {kind.code: kind.zh for kind in HazardKind},
    "applies_to": {premises.code: premises.zh for premises in PremisesType},
    "only_grade": {grade.code: f"{grade.code}级" for grade in DangerGrade},
}
_TYPES: dict[str, tuple[str, str]] = {
    "integer": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "string": ("文字", "a text"),
    "boolean": ("是或否（true 或 false）", "true or false"),
    "object": ("JSON 对象（{…}）", "a JSON object"),
    "array": ("列表（[…]）", "a list"),
}


def field_name(keys: Sequence[str]) -> BiText:
    """A field by its path inside the template, section or item (list positions left out):
    ("text", "zh") is 内容（中文） / text.zh."""
    keys = [k for k in keys if isinstance(k, str)]
    if not keys:
        return BiText("", "")
    en = ".".join(keys)
    last = keys[-1]
    if len(keys) >= 2 and last in _LANG_SUFFIX:
        return BiText(field_name(keys[:-1]).zh + _LANG_SUFFIX[last], en)
    if len(keys) >= 2 and (keys[-2], last) in _NESTED:
        return BiText(_NESTED[(keys[-2], last)], en)
    return BiText(FIELDS.get(last, last), en)


def quoted(keys: Sequence[str]) -> BiText:
    """A field's name as a message quotes it: “内容（中文）” / text.zh."""
    name = field_name(keys)
    return BiText(f"“{name.zh}”", name.en)


def value_text(value: Any) -> str:
    """A value as written in the file: a text as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def shown(value: Any) -> str:
    """A wrong value as a message quotes it: “sometimes”, 0, [], {}."""
    return f"“{value}”" if isinstance(value, str) else value_text(value)


def value_label(keys: Sequence[str], value: Any) -> str:
    """A coded value's Chinese label (是/否, 工作日…), else the value as written."""
    table = _VALUES.get(_value_key(keys), {})
    return table.get(value, value_text(value)) if isinstance(value, str) else value_text(value)


def choices(keys: Sequence[str], allowed: Iterable[Any]) -> BiText:
    """The values a field may take, labelled: 可选、不合格时必拍、必须拍照."""
    allowed = list(allowed)
    return BiText(
        "、".join(value_label(keys, v) for v in allowed),
        ", ".join(value_text(v) for v in allowed),
    )


def type_name(expected: str | Sequence[str]) -> BiText:
    names = [expected] if isinstance(expected, str) else list(expected)
    pairs = [_TYPES.get(n, (n, n)) for n in names]
    return BiText("或".join(p[0] for p in pairs), " or ".join(p[1] for p in pairs))


def answer_label(answer: str) -> str:
    return _ANSWERS.get(answer, answer)


def _value_key(keys: Sequence[str]) -> str:
    keys = [k for k in keys if isinstance(k, str)]
    if len(keys) >= 2 and keys[-2] == "rectification":
        return "rectification." + keys[-1]
    return keys[-1] if keys else ""


# Where a problem is -------------------------------------------------------------------


def _text_of(data: Any, key: str, lang: str) -> str:
    if isinstance(data, Mapping):
        text = data.get(key)
        if isinstance(text, Mapping) and isinstance(text.get(lang), str):
            return str(text[lang]).strip()
    return ""


def _code_of(data: Any) -> str:
    code = data.get("code") if isinstance(data, Mapping) else None
    return code.strip() if isinstance(code, str) else ""


def section_place(index: int, data: Any) -> BiText:
    """The n-th group (from 1) by its title: 第2个分组“用电与火源”. The English keeps the
    loader's words: section electrical (its code), or section #2."""
    title = _text_of(data, "title", "zh")
    code = _code_of(data)
    return BiText(
        f"第{index}个分组“{title}”" if title else f"第{index}个分组",
        f"section {code}" if code else f"section #{index}",
    )


def item_place(section: BiText, index: int, data: Any) -> BiText:
    """The n-th item (from 1) of a group by its code and text:
    第2个分组“用电与火源”第3项 FS-ELEC-03“电气线路无私拉乱接”."""
    code = _code_of(data)
    text = _text_of(data, "text", "zh")
    named = f" {code}" if code else ""
    named += f"“{text}”" if text else ""
    return BiText(
        f"{section.zh}第{index}项{named}",
        f"item {code}" if code else f"{section.en}, item #{index}",
    )


def at(place: BiText, zh: str, en: str) -> BiText:
    """A problem said at its place ("" for the template as a whole)."""
    return BiText(
        f"{place.zh}，{zh}" if place.zh else zh,
        f"{place.en}: {en}" if place.en else en,
    )
