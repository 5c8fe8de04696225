"""The loader's own rules for a checklist template (docs/design.md §25): parsed JSON turned
into `checklists`' dataclasses, refusing what cannot be used with a ChecklistError that
names the group and the item as people read them, in Chinese and English
(`checklist_words`). The schema (resources/checklists/schema.json) repeats most of these
rules for editors; a few it cannot express are only here (item codes unique, an item's
applies_to within the template's, only_grade only in dangerous_building templates)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gridworker.domain.checklist_words import (
    answer_label,
    at,
    choices,
    item_place,
    quoted,
    section_place,
    shown,
    value_label,
)
from gridworker.domain.checklists import (
    ANSWER_TYPES,
    COMPARISONS,
    DEADLINE_UNITS,
    GRADES,
    HAZARD_KINDS,
    LANGS,
    PHOTO_RULES,
    PREMISES_TYPES,
    SEVERITIES,
    ChecklistError,
    ChecklistItem,
    ChecklistTemplate,
    RectificationDefault,
    Section,
)
from gridworker.domain.errors import BiText

TEMPLATE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
ITEM_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
# How a code is written, for the refusal of a code that is not.
CODE_FORMS: dict[str, BiText] = {
    TEMPLATE_CODE.pattern: BiText(
        "应以小写字母开头，只用小写字母、数字和下划线，如 fire_safety",
        f"does not match {TEMPLATE_CODE.pattern}",
    ),
    ITEM_CODE.pattern: BiText(
        "应为大写字母和数字、用连字符分段，如 FS-ELEC-01",
        f"does not match {ITEM_CODE.pattern}",
    ),
}

_TEMPLATE_KEYS = {"code", "version", "kind", "title", "applies_to", "source", "sections"}
_SECTION_KEYS = {"code", "title", "items"}
_ITEM_REQUIRED = {"code", "text", "answer", "severity", "photo", "opens_rectification"}
_ITEM_OPTIONAL = {"hint", "unit", "fail_if", "fail_if_older_than_days", "rectification"}
_ITEM_OPTIONAL |= {"applies_to", "only_grade", "required"}
_WHOLE = BiText("", "")  # the template as a whole


class DuplicateKey(ValueError):
    """One JSON object with a key written twice (json.loads would keep the last)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"key {key!r} appears twice in one object")
        self.key = key


def refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = value
    return result


def parse_json(text: str, source: str) -> Any:
    """A template document's JSON; refused naming the line, or the key written twice."""
    try:
        return json.loads(text, object_pairs_hook=refuse_duplicate_keys)
    except DuplicateKey as exc:
        raise ChecklistError(
            f"not valid JSON: {exc}",
            f"同一个对象中字段“{exc.key}”写了两次",
            source=source,
        ) from exc
    except json.JSONDecodeError as exc:
        raise ChecklistError(
            f"not valid JSON: {exc}",
            f"不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）",
            source=source,
        ) from exc


class Parser:
    """Turns parsed JSON into dataclasses, raising ChecklistError with a location."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: BiText, zh: str, en: str) -> ChecklistError:
        problem = at(where, zh, en)
        return ChecklistError(problem.en, problem.zh, source=str(self.path))

    def template(self, data: Any) -> ChecklistTemplate:
        obj = self.object(data, _WHOLE, (), "the template", _TEMPLATE_KEYS, {"$schema"})
        code = self.string(obj, "code", _WHOLE, TEMPLATE_CODE)
        version = obj["version"]
        if type(version) is not int or version < 1:
            raise self.error(
                _WHOLE,
                f"版本号应为从1起的整数，现为{shown(version)}",
                f"version must be a whole number from 1, not {version!r}",
            )
        kind = self.choice(obj, "kind", _WHOLE, HAZARD_KINDS)
        applies_to = self.codes(obj, "applies_to", _WHOLE, PREMISES_TYPES)
        sections_raw = obj["sections"]
        if not isinstance(sections_raw, list) or not sections_raw:
            raise self.error(_WHOLE, "至少要有一个分组", "sections must be a non-empty list")
        sections: list[Section] = []
        places: dict[str, BiText] = {}
        for index, raw in enumerate(sections_raw, start=1):
            where = section_place(index, raw)
            section = self.section(raw, where, applies_to, kind, places)
            if any(s.code == section.code for s in sections):
                raise self.error(
                    where,
                    f"分组编码 {section.code} 与前面的分组重复",
                    "section code used twice",
                )
            sections.append(section)
        return ChecklistTemplate(
            code=code,
            version=version,
            kind=kind,
            title=self.text(obj, "title", _WHOLE),
            applies_to=applies_to,
            source=self.string(obj, "source", _WHOLE),
            sections=tuple(sections),
            path=self.path,
        )

    def section(
        self,
        data: Any,
        where: BiText,
        applies_to: tuple[str, ...],
        kind: str,
        places: dict[str, BiText],
    ) -> Section:
        obj = self.object(data, where, (), "a section", _SECTION_KEYS, set())
        code = self.string(obj, "code", where, TEMPLATE_CODE)
        items_raw = obj["items"]
        if not isinstance(items_raw, list) or not items_raw:
            raise self.error(where, "至少要有一个检查项", "items must be a non-empty list")
        items: list[ChecklistItem] = []
        for n, raw in enumerate(items_raw, start=1):
            place = item_place(where, n, raw)
            item = self.item(raw, place, code, applies_to, kind)
            if item.code in places:
                raise self.error(
                    place,
                    f"编码 {item.code} 已用于{places[item.code].zh}，检查项编码不能重复",
                    "item code used twice",
                )
            places[item.code] = place
            items.append(item)
        return Section(code=code, title=self.text(obj, "title", where), items=tuple(items))

    def item(
        self, data: Any, where: BiText, section: str, applies_to: tuple[str, ...], kind: str
    ) -> ChecklistItem:
        obj = self.object(data, where, (), "an item", _ITEM_REQUIRED, _ITEM_OPTIONAL)
        code = self.string(obj, "code", where, ITEM_CODE)
        answer = self.choice(obj, "answer", where, ANSWER_TYPES)
        opens = self.flag(obj, "opens_rectification", where)
        item = ChecklistItem(
            code=code,
            section=section,
            text=self.text(obj, "text", where),
            answer=answer,
            severity=self.choice(obj, "severity", where, SEVERITIES),
            photo=self.choice(obj, "photo", where, PHOTO_RULES),
            opens_rectification=opens,
            rectification=self.rectification(obj, where, opens),
            hint=self.text(obj, "hint", where) if "hint" in obj else None,
            unit=self.unit(obj, where, answer),
            fail_if=self.fail_if(obj, where, answer),
            fail_if_older_than_days=self.max_age(obj, where, answer),
            applies_to=self.codes(obj, "applies_to", where, applies_to, optional=True),
            only_grade=self.grades(obj, where, kind),
            required=self.flag(obj, "required", where) if "required" in obj else True,
        )
        can_fail = (
            answer == "yes_no" or bool(item.fail_if) or item.fail_if_older_than_days is not None
        )
        if opens and not can_fail:
            raise self.error(
                where,
                f"“{answer_label(answer)}”类检查项没有不合格界限，不会判为不合格，"
                "不能设为不合格时开整改单",
                f"opens_rectification is true but a {answer} answer without a limit never fails",
            )
        return item

    def rectification(
        self, obj: dict[str, Any], where: BiText, opens: bool
    ) -> RectificationDefault | None:
        if not opens:
            if "rectification" in obj:
                raise self.error(
                    where,
                    "不合格时不开整改单，不应填写整改期限",
                    "rectification given but opens_rectification is false",
                )
            return None
        if "rectification" not in obj:
            raise self.error(
                where,
                "不合格时开整改单，须填写整改期限",
                "rectification is missing but opens_rectification is true",
            )
        rect = self.object(
            obj["rectification"], where, ("rectification",), "rectification", {"amount", "unit"}
        )
        unit = self.choice(rect, "unit", where, DEADLINE_UNITS, parent=("rectification",))
        amount = rect["amount"]
        if type(amount) is not int or amount < 0:
            raise self.error(
                where,
                f"整改期限数应为整数，现为{shown(amount)}",
                f"rectification amount must be a whole number, not {amount!r}",
            )
        if unit == "same_day" and amount != 0:
            raise self.error(
                where,
                "整改期限为“当日”时，整改期限数应为0",
                "rectification amount must be 0 when unit is same_day",
            )
        if unit != "same_day" and amount < 1:
            raise self.error(
                where,
                f"整改期限至少为1个{value_label(('rectification', 'unit'), unit)}",
                f"rectification amount must be at least 1 {unit}",
            )
        return RectificationDefault(amount=amount, unit=unit)

    def unit(self, obj: dict[str, Any], where: BiText, answer: str) -> Mapping[str, str] | None:
        if answer != "number":
            if "unit" in obj:
                raise self.error(
                    where,
                    f"只有“数值”类检查项才有单位，这一项是“{answer_label(answer)}”类",
                    f"unit is only for number answers, not {answer}",
                )
            return None
        if "unit" not in obj:
            raise self.error(where, "“数值”类检查项须填写单位", "a number answer needs a unit")
        if isinstance(obj["unit"], str) and obj["unit"].strip():
            return {"zh": obj["unit"], "en": obj["unit"]}  # a symbol such as "mm" reads the same
        return self.text(obj, "unit", where)

    def fail_if(self, obj: dict[str, Any], where: BiText, answer: str) -> dict[str, float]:
        if "fail_if" not in obj:
            return {}
        if answer != "number":
            raise self.error(
                where,
                f"只有“数值”类检查项才有不合格界限，这一项是“{answer_label(answer)}”类",
                f"fail_if is only for number answers, not {answer}",
            )
        limits = self.object(
            obj["fail_if"], where, ("fail_if",), "fail_if", set(), set(COMPARISONS)
        )
        if not limits:
            raise self.error(
                where,
                "不合格界限至少要填一个（大于、小于、不小于或不大于）",
                f"fail_if needs one of {', '.join(COMPARISONS)}",
            )
        for op, limit in limits.items():
            if type(limit) not in (int, float) or not math.isfinite(limit):
                raise self.error(
                    where,
                    f"{quoted(('fail_if', op)).zh}应为数字，现为{shown(limit)}",
                    f"fail_if {op} must be a number, not {limit!r}",
                )
        return dict(limits)

    def max_age(self, obj: dict[str, Any], where: BiText, answer: str) -> int | None:
        if "fail_if_older_than_days" not in obj:
            return None
        if answer != "date":
            raise self.error(
                where,
                f"只有“日期”类检查项才有超期天数，这一项是“{answer_label(answer)}”类",
                f"fail_if_older_than_days is only for date answers, not {answer}",
            )
        days = obj["fail_if_older_than_days"]
        if type(days) is not int or days < 1:
            raise self.error(
                where,
                f"超期天数应为从1起的整数，现为{shown(days)}",
                f"fail_if_older_than_days must be a whole number from 1, not {days!r}",
            )
        return days

    def grades(self, obj: dict[str, Any], where: BiText, kind: str) -> tuple[str, ...]:
        if "only_grade" in obj and kind != "dangerous_building":
            raise self.error(
                where,
                "只有危房检查表的检查项才能限定危房等级",
                "only_grade is only for dangerous_building templates",
            )
        return self.codes(obj, "only_grade", where, GRADES, optional=True)

    # Primitive readers

    def object(
        self,
        data: Any,
        where: BiText,
        keys: tuple[str, ...],
        what: str,
        required: set[str],
        optional: set[str] | None = None,
    ) -> dict[str, Any]:
        """`keys`: the object's field path inside the template, section or item (() for
        the template, section or item itself); `what` names it in English."""
        name = quoted(keys).zh
        if not isinstance(data, dict):
            raise self.error(
                where,
                f"{name}应为 JSON 对象（{{…}}）" if keys else "应为 JSON 对象（{…}）",
                f"{what} must be a JSON object",
            )
        missing = sorted(required - data.keys())
        if missing:
            named = "、".join(quoted((*keys, key)).zh for key in missing)
            raise self.error(where, f"缺少{named}", f"{what} is missing {', '.join(missing)}")
        unknown = sorted(data.keys() - required - (optional or set()))
        if unknown:
            raise self.error(
                where,
                f"{name}中有无法识别的字段 {', '.join(unknown)}（请检查拼写）"
                if keys
                else f"有无法识别的字段 {', '.join(unknown)}（请检查拼写）",
                f"{what} has unknown field {', '.join(unknown)}",
            )
        return data

    def string(
        self, obj: dict[str, Any], key: str, where: BiText, pattern: re.Pattern[str] | None = None
    ) -> str:
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(
                where, f"{quoted((key,)).zh}不能为空", f"{key} must be a non-empty string"
            )
        if pattern is not None and not pattern.match(value):
            form = CODE_FORMS.get(pattern.pattern, BiText("格式不对", ""))
            raise self.error(
                where,
                f"{quoted((key,)).zh}{shown(value)}{form.zh}",
                f"{key} {value!r} does not match {pattern.pattern}",
            )
        return value

    def text(self, obj: dict[str, Any], key: str, where: BiText) -> dict[str, str]:
        text = self.object(obj[key], where, (key,), key, set(LANGS), set())
        for lang in LANGS:
            if not isinstance(text[lang], str) or not text[lang].strip():
                raise self.error(
                    where,
                    f"{quoted((key, lang)).zh}不能为空",
                    f"{key}.{lang} must be a non-empty string",
                )
        return dict(text)

    def choice(
        self,
        obj: dict[str, Any],
        key: str,
        where: BiText,
        allowed: tuple[str, ...],
        parent: tuple[str, ...] = (),
    ) -> str:
        value = obj[key]
        if value not in allowed:
            keys = (*parent, key)
            raise self.error(
                where,
                f"{quoted(keys).zh}不能是{shown(value)}，应为{choices(keys, allowed).zh}之一",
                f"unknown {key} {value!r}; expected one of {', '.join(allowed)}",
            )
        return str(value)

    def flag(self, obj: dict[str, Any], key: str, where: BiText) -> bool:
        value = obj[key]
        if not isinstance(value, bool):
            raise self.error(
                where,
                f"{quoted((key,)).zh}应为是或否（true 或 false），现为{shown(value)}",
                f"{key} must be true or false, not {value!r}",
            )
        return value

    def codes(
        self,
        obj: dict[str, Any],
        key: str,
        where: BiText,
        allowed: tuple[str, ...],
        optional: bool = False,
    ) -> tuple[str, ...]:
        if optional and key not in obj:
            return ()
        value = obj[key]
        name = quoted((key,)).zh
        if not isinstance(value, list) or not value:
            raise self.error(
                where, f"{name}应为至少有一项的列表", f"{key} must be a non-empty list"
            )
        wrong = [v for v in value if v not in allowed]
        if wrong:
            within = "本检查表适用的场所" if where != _WHOLE and key == "applies_to" else "可选的值"
            raise self.error(
                where,
                f"{name}中的{'、'.join(shown(v) for v in wrong)}不在{within}之中"
                f"（{choices((key,), allowed).zh}）",
                f"{key} has {wrong!r}, not among {', '.join(allowed)}",
            )
        if len(set(value)) != len(value):
            raise self.error(where, f"{name}中有重复的值", f"{key} lists a code twice")
        return tuple(value)
