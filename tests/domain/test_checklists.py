"""Checklist templates: the shipped files, validation on load, evaluation, versions."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gridworker.domain import checklists as cl
from gridworker.domain.checklists import (
    AnswerError,
    ChecklistError,
    ChecklistTemplate,
    evaluate,
    label,
    load_template,
    load_templates,
)
from gridworker.resources import resource

TODAY = date(2025, 6, 16)
SHIPPED = resource("checklists")
SCHEMA: dict[str, Any] = json.loads((SHIPPED / "schema.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


# schema.json documents the template format; the tests check the shipped templates and the
# broken ones against it with the jsonschema library (the app itself does not use it).
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(value: Any, schema: Any = SCHEMA) -> list[str]:
    validator = VALIDATOR if schema is SCHEMA else Draft202012Validator(schema)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(value)]


# A small template written per test, so each rule is checked on known data.


def _item(code: str, answer: str = "yes_no", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "text": {"zh": "检查项", "en": "Check"},
        "answer": answer,
        "severity": "major",
        "photo": "on_fail",
        "opens_rectification": True,
        "rectification": {"amount": 3, "unit": "working_days"},
    }
    item.update(extra)
    return item


def _doc(version: int = 1) -> dict[str, Any]:
    return {
        "code": "test_list",
        "version": version,
        "kind": "gas_safety",
        "title": {"zh": "测试", "en": "Test"},
        "applies_to": ["household", "restaurant"],
        "source": "tests",
        "sections": [
            {
                "code": "main",
                "title": {"zh": "主要", "en": "Main"},
                "items": [
                    _item("T-YES-01"),
                    _item("T-NUM-01", "number", unit="m", fail_if={"gt": 2}),
                    _item("T-NUM-02", "number", unit="pcs", fail_if={"lt": 2}),
                    _item("T-DATE-01", "date", fail_if_older_than_days=1461),
                    _item("T-REST-01", applies_to=["restaurant"], photo="required"),
                    {
                        "code": "T-TEXT-01",
                        "text": {"zh": "其他", "en": "Other"},
                        "answer": "text",
                        "severity": "general",
                        "photo": "optional",
                        "opens_rectification": False,
                        "required": False,
                    },
                ],
            }
        ],
    }


def _write(folder: Path, doc: dict[str, Any], name: str = "test_list.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> ChecklistTemplate:
    return load_template(_write(tmp_path, _doc()))


@pytest.fixture(scope="module")
def shipped() -> dict[str, ChecklistTemplate]:
    return load_templates()


# Shipped templates


def test_shipped_templates_load_and_match_the_schema(shipped: dict[str, ChecklistTemplate]) -> None:
    """Each shipped file loads through the validator and also satisfies schema.json."""
    assert set(shipped) == {"dangerous_building", "fire_safety", "gas_safety"}
    for code, template in shipped.items():
        assert template.kind == code
        assert 15 <= len(template.items) <= 35, code
        raw = json.loads(Path(str(template.path)).read_text(encoding="utf-8"))
        assert schema_errors(raw, SCHEMA) == [], code


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    """schema.json is itself a valid JSON Schema of the draft it names."""
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_lists_the_same_codes_as_the_module() -> None:
    """schema.json (the documentation) and checklists.py (the validator) agree on codes."""
    item = SCHEMA["$defs"]["item"]["properties"]
    assert SCHEMA["properties"]["kind"]["enum"] == list(cl.HAZARD_KINDS)
    assert SCHEMA["$defs"]["premises_types"]["items"]["enum"] == list(cl.PREMISES_TYPES)
    assert item["answer"]["enum"] == list(cl.ANSWER_TYPES)
    assert item["severity"]["enum"] == list(cl.SEVERITIES)
    assert item["photo"]["enum"] == list(cl.PHOTO_RULES)
    assert item["only_grade"]["items"]["enum"] == list(cl.GRADES)
    assert list(item["fail_if"]["properties"]) == list(cl.COMPARISONS)
    rect = SCHEMA["$defs"]["rectification"]["properties"]
    assert rect["unit"]["enum"] == list(cl.DEADLINE_UNITS)


def test_item_codes_are_unique_across_templates(shipped: dict[str, ChecklistTemplate]) -> None:
    """No item code is shared between templates, so a code alone names an item."""
    codes = [item.code for template in shipped.values() for item in template.items]
    assert len(codes) == len(set(codes))


def test_every_item_has_chinese_and_english_text(shipped: dict[str, ChecklistTemplate]) -> None:
    """Every title, item text and hint has a Chinese text and an English one."""
    for template in shipped.values():
        texts = [template.title] + [s.title for s in template.sections]
        for item in template.items:
            texts += [item.text] + ([item.hint] if item.hint else [])
        for text in texts:
            assert CJK.search(text["zh"]), text
            assert re.search("[A-Za-z]", text["en"]), text


def test_shipped_deadlines_follow_severity(shipped: dict[str, ChecklistTemplate]) -> None:
    """Major building dangers get same-day or 1-working-day deadlines, others 3-7 days."""
    for item in shipped["dangerous_building"].items:
        rect = item.rectification
        if rect is None:
            continue
        if item.major:
            assert rect.unit == "same_day" or (rect.unit, rect.amount) == ("working_days", 1)
        else:
            assert rect.unit == "working_days" and 3 <= rect.amount <= 7, item.code


# Evaluation


def test_evaluate_fails_each_answer_type(small: ChecklistTemplate) -> None:
    """A yes_no "fail", a number past its limit and a too-old date each fail; text never does."""
    answers = {
        "T-YES-01": "fail",
        "T-NUM-01": "2.5",
        "T-NUM-02": "1",
        "T-DATE-01": "2019-01-10",
        "T-TEXT-01": "墙角堆放纸箱",
    }
    result = evaluate(small, answers, today=TODAY, premises_type="household")
    assert [i.code for i in result.failed] == ["T-YES-01", "T-NUM-01", "T-NUM-02", "T-DATE-01"]
    assert result.result == "fail"
    assert [(i.code, r.amount, r.unit) for i, r in result.rectifications] == [
        (code, 3, "working_days") for code in ("T-YES-01", "T-NUM-01", "T-NUM-02", "T-DATE-01")
    ]

    passing = {"T-YES-01": "pass", "T-NUM-01": "2", "T-NUM-02": "2", "T-DATE-01": "2023-05"}
    result = evaluate(small, passing, today=TODAY, premises_type="household")
    assert result.failed == [] and result.result == "pass" and result.complete


def test_not_applicable_and_missing_answers(small: ChecklistTemplate) -> None:
    """ "na" counts as answered and never fails; blank required items are listed as missing."""
    answers = {"T-YES-01": "na", "T-NUM-01": "na", "T-DATE-01": " "}
    result = evaluate(small, answers, today=TODAY, premises_type="restaurant")
    assert result.failed == []
    assert result.missing == ["T-NUM-02", "T-DATE-01", "T-REST-01"]  # T-TEXT-01 is optional
    assert result.result == "pass" and not result.complete


def test_malformed_answers_are_refused_naming_the_item(small: ChecklistTemplate) -> None:
    """Answers that do not fit their item, or name no item, raise AnswerError: the code in its
    English detail (for logs), the item by what it says in the Chinese message."""
    bad = [
        ({"T-YES-01": "yes"}, "“检查项”只能选合格、不合格或不适用"),
        ({"T-NUM-01": "两米"}, "“检查项”应填写数字"),
        ({"T-NUM-01": "nan"}, "“检查项”应填写数字"),
        ({"T-DATE-01": "2024/13/01"}, "“检查项”应填写日期（如 2026-11-27 或 2026-11）"),
        ({"T-DATE-01": "2030-01-01"}, "“检查项”的日期不能晚于今天"),
        ({"FS-ELEC-01": "pass"}, "检查表的版本与记录不符：请关闭后重新打开检查表"),
    ]
    for answers, zh in bad:
        with pytest.raises(AnswerError, match=next(iter(answers))) as refused:
            evaluate(small, answers, today=TODAY, premises_type="household")
        assert refused.value.message() == zh


def test_missing_photos_are_reported_when_photos_are_given(small: ChecklistTemplate) -> None:
    """Required photos, and on_fail photos of failed items, are checked against those taken."""
    answers = {"T-YES-01": "fail", "T-NUM-01": "1", "T-REST-01": "pass"}
    result = evaluate(small, answers, today=TODAY, premises_type="restaurant", photos=[])
    assert result.missing_photos == ["T-YES-01", "T-REST-01"]
    photos = ["T-YES-01", "T-REST-01"]
    result = evaluate(small, answers, today=TODAY, premises_type="restaurant", photos=photos)
    assert result.missing_photos == []


def test_crack_width_thresholds(shipped: dict[str, ChecklistTemplate]) -> None:
    """A single 1.5 mm diagonal crack fails with a same-day deadline; 0.5 and 1.0 mm pass."""
    template = shipped["dangerous_building"]
    widest = template.item("DB-WALL-02")
    assert widest.fails("1.5", today=TODAY)
    assert not widest.fails("0.5", today=TODAY)
    assert not widest.fails("1.0", today=TODAY)  # "over 1 mm" is the danger
    assert template.item("DB-WALL-03").fails("6", today=TODAY)
    assert not template.item("DB-WALL-03").fails("4.5", today=TODAY)

    result = evaluate(template, {"DB-WALL-02": "1.5"}, today=TODAY, grade="D")
    assert [i.code for i in result.failed] == ["DB-WALL-02"]
    assert result.rectifications == [(widest, cl.RectificationDefault(0, "same_day"))]


def test_cylinder_test_date(shipped: dict[str, ChecklistTemplate]) -> None:
    """A cylinder tested 5 years ago fails; 3 years ago passes; no cylinder ("na") passes."""
    cylinder = shipped["gas_safety"].item("GS-LPG-01")
    assert cylinder.fails(TODAY.replace(year=TODAY.year - 5).isoformat(), today=TODAY)
    assert not cylinder.fails(TODAY.replace(year=TODAY.year - 3).isoformat(), today=TODAY)
    assert not cylinder.fails(TODAY.replace(year=TODAY.year - 4).isoformat(), today=TODAY)
    assert not cylinder.fails("na", today=TODAY)


def test_hose_longer_than_two_metres_fails(shipped: dict[str, ChecklistTemplate]) -> None:
    """The gas hose fails above 2 m, and its unit reads "m" in both languages."""
    hose = shipped["gas_safety"].item("GS-HOSE-02")
    assert hose.fails("2.1", today=TODAY) and not hose.fails("2", today=TODAY)
    assert hose.unit is not None and label(hose.unit, "zh") == "m"


# Filtering


def test_items_for_filters_restaurant_only_items(shipped: dict[str, ChecklistTemplate]) -> None:
    """Kitchen and restaurant gas items appear for restaurants only; sleeping rules skip hotels."""
    fire = shipped["fire_safety"]
    restaurant = {i.code for i in fire.items_for("small_restaurant", None)}
    shop = {i.code for i in fire.items_for("small_shop", None)}
    hotel = {i.code for i in fire.items_for("hotel", None)}
    assert {"FS-KIT-01", "FS-KIT-05"} <= restaurant
    assert not any(code.startswith("FS-KIT-") for code in shop)
    assert "FS-EXIT-04" in shop and "FS-EXIT-04" not in hotel

    gas = shipped["gas_safety"]
    assert "GS-ENV-03" in {i.code for i in gas.items_for("restaurant", None)}
    household = {i.code for i in gas.items_for("household", None)}
    assert "GS-ENV-03" not in household and "GS-ENV-02" in household
    # Unknown premises type: restricted items are left out rather than guessed.
    assert not any(i.applies_to for i in gas.items_for(None, None))


def test_items_for_filters_grade_only_items(shipped: dict[str, ChecklistTemplate]) -> None:
    """D-grade items show for D only, C-grade items for C only, neither for an ungraded building."""
    building = shipped["dangerous_building"]
    d = {i.code for i in building.items_for(None, "D")}
    c = {i.code for i in building.items_for(None, "C")}
    ungraded = {i.code for i in building.items_for(None, None)}
    assert {"DB-CTRL-03", "DB-CTRL-04", "DB-CTRL-08"} <= d
    assert not d & {"DB-CTRL-05", "DB-CTRL-06", "DB-CTRL-07"}
    assert {"DB-CTRL-05", "DB-CTRL-07", "DB-CTRL-08"} <= c and "DB-CTRL-03" not in c
    assert not ungraded & {"DB-CTRL-03", "DB-CTRL-05", "DB-CTRL-08"}
    assert "DB-WALL-02" in ungraded
    with pytest.raises(ValueError, match="grade"):
        building.items_for(None, "E")
    with pytest.raises(ValueError, match="premises"):
        building.items_for("restuarant", None)


def test_label_picks_the_language() -> None:
    """label() gives English for any "en*" locale and Chinese otherwise."""
    text = {"zh": "灭火器", "en": "Extinguisher"}
    assert label(text, "en_US") == "Extinguisher"
    assert label(text, "zh_CN") == label(text, "") == "灭火器"


# Broken templates


def _items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = doc["sections"][0]["items"]
    return items


def _no_en(doc: dict[str, Any]) -> None:
    del _items(doc)[0]["text"]["en"]


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str, bool]] = [
    # (name, mutation, words the message must contain, schema.json catches it too)
    ("duplicate code", lambda d: _items(d)[1].update(code="T-YES-01"), "T-YES-01", False),
    ("unknown answer", lambda d: _items(d)[0].update(answer="scale"), "T-YES-01", True),
    ("missing en", _no_en, "T-YES-01: text is missing en", True),
    (
        "no rectification",
        lambda d: _items(d)[0].pop("rectification"),
        "T-YES-01: rectification is missing",
        True,
    ),
    ("number no unit", lambda d: _items(d)[1].pop("unit"), "T-NUM-01", True),
    (
        "date limit on number",
        lambda d: _items(d)[1].update(fail_if_older_than_days=3),
        "T-NUM-01",
        True,
    ),
    (
        "same_day amount",
        lambda d: _items(d)[0].update(rectification={"amount": 2, "unit": "same_day"}),
        "T-YES-01",
        True,
    ),
    ("typo in field", lambda d: _items(d)[0].update(serverity="major"), "T-YES-01", True),
    ("foreign premises", lambda d: _items(d)[0].update(applies_to=["hotel"]), "T-YES-01", False),
    ("grade in gas list", lambda d: _items(d)[0].update(only_grade=["D"]), "T-YES-01", False),
    ("text opens case", lambda d: _items(d)[5].update(opens_rectification=True), "T-TEXT-01", True),
    ("version zero", lambda d: d.update(version=0), "version", True),
]


@pytest.mark.parametrize(
    ("mutate", "words", "schema_catches"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_template_is_refused_naming_the_item(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], words: str, schema_catches: bool
) -> None:
    """A broken template raises ChecklistError naming the file and the item at fault."""
    doc = _doc()
    mutate(doc)
    path = _write(tmp_path, doc, "broken.json")
    with pytest.raises(ChecklistError) as caught:
        load_template(path)
    assert "broken.json" in str(caught.value) and words in str(caught.value)
    assert bool(schema_errors(doc, SCHEMA)) == schema_catches


def test_unreadable_json_is_refused(tmp_path: Path) -> None:
    """Invalid JSON, or a key written twice in one object, is refused with the file named."""
    path = tmp_path / "bad.json"
    path.write_text('{"code": "x", "code": "y"}', encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"bad\.json.*twice"):
        load_template(path)
    path.write_text('{"code": ', encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"bad\.json: not valid JSON"):
        load_template(path)


# Versions


def test_highest_version_wins_and_old_version_stays_retrievable(tmp_path: Path) -> None:
    """A newer template in an admin folder replaces the shipped one; the old stays reachable."""
    admin = tmp_path / "published"
    newer = json.loads((SHIPPED / "fire_safety.json").read_text(encoding="utf-8"))
    newer["version"] = 2
    newer["sections"][0]["items"][0]["text"]["en"] = "Responsible person named and posted"
    _write(admin, newer, "fire_safety.v2.json")

    for folders in [(SHIPPED, admin), (admin, SHIPPED)]:
        templates = load_templates(*folders)
        assert templates["fire_safety"].version == 2
        assert templates["gas_safety"].version == 1
    old = cl.get("fire_safety", 1, SHIPPED, admin)
    assert old.version == 1 and old.items[0].text["en"].startswith("Fire safety responsible")
    assert cl.get("fire_safety", 2, SHIPPED, admin).items[0].text["en"].endswith("posted")
    with pytest.raises(ChecklistError, match="fire_safety version 3"):
        cl.get("fire_safety", 3, SHIPPED, admin)


def test_same_version_with_other_content_is_refused(tmp_path: Path) -> None:
    """Two different files claiming one code and version are refused; an identical copy is fine."""
    _write(tmp_path / "a", _doc())
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert load_templates(tmp_path / "a", tmp_path / "b")["test_list"].version == 1

    changed = copy.deepcopy(_doc())
    _items(changed)[0]["severity"] = "general"
    _write(tmp_path / "c", changed)
    with pytest.raises(ChecklistError, match="new version"):
        load_templates(tmp_path / "a", tmp_path / "c")


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    """A templates folder that does not exist is reported, not silently skipped."""
    with pytest.raises(ChecklistError, match="not a folder"):
        load_templates(tmp_path / "nowhere")
