"""Proves the checklist editor's draft edits (services/checklist_editor, docs/design.md
§25): moving groups and items up and down (not past either end, never across groups),
hints, units, number and date limits and rectification terms as the rules read them;
and that check_draft names a wrong edit in Chinese (English on request)."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from gridworker.domain.checklist_publish import template_from_data
from gridworker.domain.checklists import ChecklistError
from gridworker.resources import resource
from gridworker.services import checklist_editor as ed
from gridworker.services.workspace import ServiceError

TODAY = date(2026, 12, 7)


def draft() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource("checklists", "fire_safety.json").read_text("utf-8"))
    data["version"] = 2
    return data


def codes(data: dict[str, Any], section: int) -> list[str]:
    return [item["code"] for item in data["sections"][section]["items"]]


def test_moving_groups_and_items() -> None:
    """An item moves within its group and stops at either end; a group moves among the
    groups with its items; the template made keeps the new order."""
    data = draft()
    first = codes(data, 0)
    assert ed.move(data, 0, 0, -1) == (0, 0)  # already first: nothing moves
    assert ed.move(data, 0, 0, 1) == (0, 1)
    assert codes(data, 0) == [first[1], first[0], *first[2:]]
    last = len(first) - 1
    assert ed.move(data, 0, last, 1) == (0, last)  # never into the next group
    assert codes(data, 0)[last] == first[last]
    titles = [s["title"]["zh"] for s in data["sections"]]
    assert ed.move(data, 1, None, -1) == (0, None)
    assert [s["title"]["zh"] for s in data["sections"]][:2] == [titles[1], titles[0]]
    assert codes(data, 1)[:2] == [first[1], first[0]]  # the group took its items along
    assert ed.move(data, len(titles) - 1, None, 1) == (len(titles) - 1, None)
    template = ed.check_draft(data)
    assert [s.title["zh"] for s in template.sections][:2] == [titles[1], titles[0]]
    assert template.items[len(codes(data, 0))].code == first[1]


def test_terms_are_written_as_the_rules_read_them() -> None:
    """Hint (both empty: none), unit (one symbol or a text in each language), number
    limits (typed text to numbers, empty ones left out), a date's age limit and the
    rectification term (same day: 0 whatever was typed) make the template they say."""
    data = draft()
    item = data["sections"][0]["items"][0]
    ed.set_text(item, "hint", " 看公示牌 ", "Check the board")
    ed.set_rectification(item, True, 7, "working_days")
    number = data["sections"][4]["items"][0]
    ed.set_unit(number, "具", "units")
    ed.set_limits(number, {"gt": "", "lt": "3", "ge": "", "le": ""})
    template = ed.check_draft(data)
    first = template.item(item["code"])
    assert first.hint == {"zh": "看公示牌", "en": "Check the board"}
    assert (first.rectification.amount, first.rectification.unit) == (7, "working_days")  # type: ignore[union-attr]
    extinguishers = template.item(number["code"])
    assert extinguishers.unit == {"zh": "具", "en": "units"}
    assert extinguishers.fail_if == {"lt": 3}
    assert extinguishers.fails("2", today=TODAY) and not extinguishers.fails("3", today=TODAY)
    ed.set_unit(number, "mm", "")
    ed.set_limits(number, {"gt": "1.5", "le": "-2"})
    assert number["unit"] == "mm" and number["fail_if"] == {"gt": 1.5, "le": -2}
    ed.set_text(item, "hint", "", " ")
    ed.set_rectification(item, True, 5, "same_day")
    assert "hint" not in item and item["rectification"] == {"amount": 0, "unit": "same_day"}
    ed.set_rectification(item, False, 5, "working_days")
    assert "rectification" not in item and item["opens_rectification"] is False
    ed.check_draft(data)
    data = draft()
    dated = next(i for s in data["sections"] for i in s["items"] if i["answer"] == "date")
    ed.set_max_age(dated, "400")
    assert ed.check_draft(data).item(dated["code"]).fail_if_older_than_days == 400


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda d: ed.set_limits(d["sections"][4]["items"][0], {"lt": "两具"}),
            "，“不合格界限（小于）”应为数字，现为“两具”",
        ),
        (lambda d: ed.set_limits(d["sections"][4]["items"][0], {}), "须填写不合格界限"),
        (lambda d: ed.set_unit(d["sections"][4]["items"][0], "", ""), "“数值”类检查项须填写单位"),
        (
            lambda d: ed.set_text(d["sections"][0]["items"][0], "hint", "看公示牌", ""),
            "“提示（英文）”不能为空",
        ),
        (
            lambda d: ed.set_rectification(d["sections"][0]["items"][0], True, 0, "working_days"),
            "整改期限为工作日或工作小时时，整改期限数至少为1",
        ),
        (
            lambda d: ed.set_max_age(d["sections"][0]["items"][0], "30"),
            "只有“日期”类检查项才有“超期天数”，这一项是“是/否”类",
        ),
    ],
    ids=[
        "limit not a number",
        "no limit",
        "no unit",
        "hint half empty",
        "zero days",
        "age on yes/no",
    ],
)
def test_a_wrong_edit_is_named_in_chinese(edit: Any, says: str) -> None:
    """check_draft refuses the edit with checklist_invalid naming the group, the item and
    the field as the form names it; the English is there on request."""
    data = draft()
    edit(data)
    with pytest.raises(ServiceError) as refused:
        ed.check_draft(data)
    assert refused.value.code == "checklist_invalid"
    message = refused.value.message()
    assert message.startswith("检查表不符合格式要求：第") and says in message, message
    assert refused.value.message("en").startswith("The checklist template is not valid: ")
    with pytest.raises(ChecklistError):  # the server's own check agrees
        template_from_data(copy.deepcopy(data), "draft")
