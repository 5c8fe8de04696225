"""Proves every kind of refusal of a broken checklist template — each JSON Schema validator
the schema uses (required, additionalProperties, type, enum, pattern, minimum, minLength,
minItems, uniqueItems, const, minProperties, anyOf, if/then/else) and each of the loader's
own rules — is worded in Chinese naming the group and the item as people read them, with
no English words but the codes and values written in the file; and English on request."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gridworker.domain.checklist_parser import Parser
from gridworker.domain.checklist_publish import schema_problems, template_from_data
from gridworker.domain.checklists import ChecklistError, load_template
from gridworker.resources import resource

Doc = dict[str, Any]
FIRST = "第1个分组“消防管理”第1项 FS-MGMT-01“已明确消防安全责任人和管理人”"
FIRST_NO_TEXT = "第1个分组“消防管理”第1项 FS-MGMT-01，"
NUMBER = "第5个分组“消防设施器材”第1项 FS-EQP-01“每层 4 kg ABC 干粉灭火器数量（按最少的一层填）”"
SECOND_GROUP = "第2个分组“用电与火源”"


def _shipped() -> Doc:
    data: Doc = json.loads(resource("checklists", "fire_safety.json").read_text("utf-8"))
    return data


def first(d: Doc) -> Doc:
    item: Doc = d["sections"][0]["items"][0]
    return item


def number(d: Doc) -> Doc:
    item: Doc = d["sections"][4]["items"][0]
    assert item["answer"] == "number"
    return item


# (id, mutation, the place named, what the schema check says, what the loader says;
#  None: the same words). The schema check runs first when publishing; the loader alone
#  reads the shipped files and catches what the schema cannot express.
CASES: list[tuple[str, Callable[[Doc], object], str, str, str | None]] = [
    ("required", lambda d: first(d).pop("photo"), FIRST, "缺少“拍照”", None),
    ("required text", lambda d: first(d).pop("text"), FIRST_NO_TEXT, "缺少“内容”", None),
    (
        "required zh",
        lambda d: first(d)["text"].pop("zh"),
        FIRST_NO_TEXT,
        "缺少“内容（中文）”",
        None,
    ),
    (
        "additionalProperties",
        lambda d: first(d).update(serverity="major"),
        FIRST,
        "有无法识别的字段 serverity（请检查拼写）",
        None,
    ),
    (
        "type",
        lambda d: d.update(version="2"),
        "",
        "“版本号”应为整数，现为“2”",
        "版本号应为从1起的整数",
    ),
    (
        "type boolean",
        lambda d: first(d).update(required="yes"),
        FIRST,
        "“必答”应为是或否（true 或 false），现为“yes”",
        None,
    ),
    (
        "enum",
        lambda d: first(d).update(photo="sometimes"),
        FIRST,
        "“拍照”不能是“sometimes”，应为不合格时必拍、必须拍照、可选之一",
        None,
    ),
    (
        "enum severity",
        lambda d: first(d).update(severity="huge"),
        FIRST,
        "“重大项”不能是“huge”，应为重大项、一般项之一",
        None,
    ),
    (
        "enum rectification unit",
        lambda d: first(d).update(rectification={"amount": 2, "unit": "weeks"}),
        FIRST,
        "“整改期限单位”不能是“weeks”，应为工作日、工作小时、当日之一",
        None,
    ),
    (
        "pattern",
        lambda d: first(d).update(code="fs-01"),
        "第1个分组“消防管理”第1项 fs-01“已明确消防安全责任人和管理人”",
        "“编码”“fs-01”应为大写字母和数字、用连字符分段，如 FS-ELEC-01",
        None,
    ),
    (
        "pattern group",
        lambda d: d["sections"][1].update(code="Electrical"),
        SECOND_GROUP,
        "“编码”“Electrical”应以小写字母开头",
        None,
    ),
    (
        "minimum",
        lambda d: d.update(version=0),
        "",
        "“版本号”不能小于1，现为0",
        "版本号应为从1起的整数",
    ),
    (
        "minLength",
        lambda d: first(d)["text"].update(zh=""),
        FIRST_NO_TEXT,
        "“内容（中文）”不能为空",
        None,
    ),
    (
        "minItems",
        lambda d: d["sections"][1].update(items=[]),
        SECOND_GROUP,
        "至少要有一个检查项",
        None,
    ),
    ("minItems sections", lambda d: d.update(sections=[]), "", "至少要有一个分组", None),
    (
        "uniqueItems",
        lambda d: first(d).update(applies_to=["hotel", "hotel"]),
        FIRST,
        "“适用场所”中有重复的值",
        None,
    ),
    (
        "const (if/then)",
        lambda d: first(d).update(rectification={"amount": 2, "unit": "same_day"}),
        FIRST,
        "整改期限为“当日”时，整改期限数应为0",
        None,
    ),
    (
        "const text answer",
        lambda d: first(d).update(answer="text"),
        FIRST,
        "“文字”类检查项只作记录、不判合格与否",
        "“文字”类检查项没有不合格界限，不会判为不合格",
    ),
    (
        "minimum (if/else)",
        lambda d: first(d).update(rectification={"amount": 0, "unit": "working_days"}),
        FIRST,
        "整改期限为工作日或工作小时时，整改期限数至少为1",
        "整改期限至少为1个工作日",
    ),
    (
        "required (if/then)",
        lambda d: first(d).pop("rectification"),
        FIRST,
        "不合格时开整改单，须填写整改期限",
        None,
    ),
    (
        "required unit (if/then)",
        lambda d: number(d).pop("unit"),
        NUMBER,
        "“数值”类检查项须填写单位",
        None,
    ),
    (
        "required fail_if (if/then)",
        lambda d: number(d).pop("fail_if"),
        NUMBER,
        "不合格时开整改单的“数值”类检查项须填写不合格界限",
        "“数值”类检查项没有不合格界限，不会判为不合格，不能设为不合格时开整改单",
    ),
    (
        "refused (if/else)",
        lambda d: first(d).update(unit="mm"),
        FIRST,
        "只有“数值”类检查项才有“单位”，这一项是“是/否”类",
        "只有“数值”类检查项才有单位，这一项是“是/否”类",
    ),
    (
        "refused rectification (if/else)",
        lambda d: first(d).update(opens_rectification=False),
        FIRST,
        "只有不合格时开整改单的检查项才有“整改期限”",
        "不合格时不开整改单，不应填写整改期限",
    ),
    (
        "refused age (if/else)",
        lambda d: first(d).update(fail_if_older_than_days=30),
        FIRST,
        "只有“日期”类检查项才有“超期天数”，这一项是“是/否”类",
        "只有“日期”类检查项才有超期天数，这一项是“是/否”类",
    ),
    (
        "minProperties",
        lambda d: number(d).update(fail_if={}),
        NUMBER,
        "不合格界限至少要填一个（大于、小于、不小于或不大于）",
        None,
    ),
    (
        "anyOf",
        lambda d: number(d).update(unit=""),
        NUMBER,
        "单位应为非空的文字（如 mm），或分别写出中文和英文",
        "“单位”应为 JSON 对象",
    ),
    (
        "kind",
        lambda d: d.update(kind="flood"),
        "",
        "“隐患类别”不能是“flood”，应为危房、消防安全、燃气安全之一",
        None,
    ),
    # The loader's own rules (the schema cannot express them)
    (
        "item code twice",
        lambda d: d["sections"][1]["items"][0].update(code="FS-MGMT-01"),
        "第2个分组“用电与火源”第1项 FS-MGMT-01“无私拉乱接电线”",
        "",
        f"编码 FS-MGMT-01 已用于{FIRST}，检查项编码不能重复",
    ),
    (
        "group code twice",
        lambda d: d["sections"][1].update(code="management"),
        SECOND_GROUP,
        "",
        "分组编码 management 与前面的分组重复",
    ),
    (
        "premises outside the template's",
        lambda d: first(d).update(applies_to=["household"]),
        FIRST,
        "",
        "“适用场所”中的“household”不在本检查表适用的场所之中（小学校/幼儿园、",
    ),
    (
        "grade outside a building template",
        lambda d: first(d).update(only_grade=["D"]),
        FIRST,
        "",
        "只有危房检查表的检查项才能限定危房等级",
    ),
]

# Latin words a Chinese message may hold: what the file itself says (codes, values, keys
# it got wrong) and the format's own words.
ALLOWED_LATIN = {"JSON", "true", "false", "mm", "fire_safety", "FS", "ELEC", "kg", "ABC"}


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _written(doc: Doc) -> set[str]:
    """Every Latin word the document's values and keys contain."""
    return _latin_words(json.dumps(doc, ensure_ascii=False))


@pytest.mark.parametrize(
    ("mutate", "place", "schema_says", "loader_says"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_refusal_is_chinese_and_names_where(
    tmp_path: Path,
    mutate: Callable[[Doc], object],
    place: str,
    schema_says: str,
    loader_says: str | None,
) -> None:
    """One broken template: the publisher's check (schema first) and the loader's alone
    both refuse it in Chinese at the named place; the English is there on request."""
    doc = copy.deepcopy(_shipped())
    mutate(doc)
    allowed = ALLOWED_LATIN | _written(doc)
    prefix = f"{place}，" if place and not place.endswith("，") else place
    checks: list[tuple[str, ChecklistError]] = []
    if schema_says:
        with pytest.raises(ChecklistError) as by_schema:
            template_from_data(doc, "draft")
        checks.append((schema_says, by_schema.value))
    else:  # a rule only the loader has: the schema lets it through
        assert schema_problems(doc) == []
    with pytest.raises(ChecklistError) as by_loader:
        Parser(Path("draft")).template(doc)
    checks.append((loader_says or schema_says, by_loader.value))
    for says, refused in checks:
        zh = refused.problem.zh
        assert f"{prefix}{says}" in zh, zh
        assert _latin_words(zh) <= allowed, _latin_words(zh) - allowed
        assert refused.message() == f"draft：{zh}"
        english = refused.message("en")
        assert english.startswith("draft: ") and not re.search(r"[\u4e00-\u9fff]", english), english
    # A shipped-style file is read by the same loader: the file named, the same words.
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ChecklistError) as from_file:
        load_template(path)
    assert from_file.value.problem == by_loader.value.problem
    assert from_file.value.message().startswith(f"{path}：")


def test_several_schema_problems_are_listed_in_document_order() -> None:
    """Every problem the schema finds is said, in the order of the document, joined by "；"."""
    doc = _shipped()
    doc["version"] = 0
    number(doc).pop("unit")
    first(doc)["photo"] = "sometimes"
    with pytest.raises(ChecklistError) as refused:
        template_from_data(doc, "draft")
    parts = refused.value.problem.zh.split("；")
    assert len(parts) == 3, parts
    assert parts[0].startswith(FIRST) and "“拍照”" in parts[0]
    assert parts[1].startswith(NUMBER) and "单位" in parts[1]
    assert parts[2] == "“版本号”不能小于1，现为0"


def test_unreadable_json_is_said_in_chinese() -> None:
    """A syntax error is named by line and column, a key written twice by the key."""
    from gridworker.domain.checklist_publish import parse_document

    with pytest.raises(ChecklistError) as broken:
        parse_document('{\n  "code": ', "v.json")
    assert broken.value.message() == "v.json：不是有效的 JSON（第2行第11列）"
    with pytest.raises(ChecklistError) as twice:
        parse_document('{"code": "a", "code": "b"}', "v.json")
    assert twice.value.message() == "v.json：同一个对象中字段“code”写了两次"
    assert "appears twice" in twice.value.message("en")
