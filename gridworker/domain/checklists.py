"""Hazard-inspection checklist templates: loading, validation and evaluation.

Templates are versioned data (``resources/checklists/*.json``; the format is
described in the README there). An inspection stores the template code and the
version it was answered against, so an old inspection can be re-opened with
exactly its items after the district publishes a newer version.

Codes are plain strings here on purpose: the domain enums are the labelled
source of truth, this module only has to agree with their codes.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from gridworker.domain.enums import DangerGrade, HazardKind, PremisesType
from gridworker.domain.errors import BiText, DetailedError
from gridworker.resources import resource

# The codes a template may name are the domain's own (one copy, in domain.enums): a
# template's kind is a hazard kind, its premises types and grades the register's.
# resources/checklists/schema.json repeats them for editors; a test holds it to these.
HAZARD_KINDS = tuple(kind.code for kind in HazardKind)
PREMISES_TYPES = tuple(premises.code for premises in PremisesType)
GRADES = tuple(grade.code for grade in DangerGrade)
ANSWER_TYPES = ("yes_no", "number", "date", "text")
SEVERITIES = ("major", "general")
PHOTO_RULES = ("on_fail", "required", "optional")
DEADLINE_UNITS = ("working_days", "working_hours", "same_day")
PASS, FAIL, NA = "pass", "fail", "na"
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt, "lt": operator.lt, "ge": operator.ge, "le": operator.le,
}  # fmt: skip
COMPARISONS = tuple(_COMPARE)
LANGS = ("zh", "en")

SCHEMA_FILE = "schema.json"  # lives beside the templates but is not one

_TEMPLATE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_ITEM_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")

_TEMPLATE_KEYS = {"code", "version", "kind", "title", "applies_to", "source", "sections"}
_SECTION_KEYS = {"code", "title", "items"}
_ITEM_REQUIRED = {"code", "text", "answer", "severity", "photo", "opens_rectification"}
_ITEM_OPTIONAL = {"hint", "unit", "fail_if", "fail_if_older_than_days", "rectification"}
_ITEM_OPTIONAL |= {"applies_to", "only_grade", "required"}


class ChecklistError(ValueError):
    """A template that cannot be used; the message names the file and the item."""


class AnswerError(DetailedError, ValueError):
    """An answer that does not fit its item, e.g. "两具" for a number. Its message names
    the item by what it says (``item``), never by its code; the English detail keeps the
    code for logs."""

    default_code = "answer_invalid"


def label(text: Mapping[str, str], lang: str) -> str:
    """The text in the UI language: English when `lang` starts with "en", else Chinese."""
    return text["en"] if lang.lower().startswith("en") else text["zh"]


@dataclass(frozen=True)
class RectificationDefault:
    """Default deadline of the rectification a failed item opens."""

    amount: int  # 0 when unit is "same_day"
    unit: str  # one of DEADLINE_UNITS


@dataclass(frozen=True)
class ChecklistItem:
    """One question of a checklist; `answer` says how it is answered and judged."""

    code: str
    section: str
    text: Mapping[str, str]
    answer: str
    severity: str
    photo: str
    opens_rectification: bool
    rectification: RectificationDefault | None = None
    hint: Mapping[str, str] | None = None
    unit: Mapping[str, str] | None = None
    fail_if: Mapping[str, float] = field(default_factory=dict)
    fail_if_older_than_days: int | None = None
    applies_to: tuple[str, ...] = ()  # empty: every premises type of the template
    only_grade: tuple[str, ...] = ()  # empty: every building grade
    required: bool = True

    def name(self) -> BiText:
        """What the item says, as people name it in a message (not its code)."""
        return BiText(self.text.get("zh", self.code), self.text.get("en", self.code))

    def __hash__(self) -> int:  # the text dicts are not hashable; the code is enough
        return hash(self.code)

    @property
    def major(self) -> bool:
        return self.severity == "major"

    def applies(self, premises_type: str | None, grade: str | None) -> bool:
        """Whether the item is asked; a restricted item needs a known, listed type or grade."""
        if self.applies_to and premises_type not in self.applies_to:
            return False
        return not (self.only_grade and grade not in self.only_grade)

    def fails(self, answer: str, *, today: date) -> bool:
        """Whether a non-empty answer fails the item; "na" never does.

        Raises AnswerError when the answer does not fit the item's answer type.
        """
        answer = answer.strip()
        if answer == NA:
            return False
        if self.answer == "yes_no":
            if answer not in (PASS, FAIL):
                raise AnswerError(
                    f"{self.code}: answer {answer!r} is not pass, fail or na",
                    code="answer_not_choice",
                    item=self.name(),
                )
            return answer == FAIL
        if self.answer == "number":
            value = _parse_number(self, answer)
            return any(_COMPARE[op](value, limit) for op, limit in self.fail_if.items())
        if self.answer == "date":
            when = _parse_date(self, answer)
            if when > today:
                raise AnswerError(
                    f"{self.code}: date {answer} is in the future",
                    code="answer_future_date",
                    item=self.name(),
                )
            limit = self.fail_if_older_than_days
            return limit is not None and (today - when).days > limit
        return False  # free text records, it does not judge


@dataclass(frozen=True)
class Section:
    """A block of the form, e.g. 用电与火源 (electricity and ignition sources)."""

    code: str
    title: Mapping[str, str]
    items: tuple[ChecklistItem, ...]

    def __hash__(self) -> int:
        return hash(self.code)


@dataclass(frozen=True)
class ChecklistTemplate:
    """One version of a checklist template, as loaded from `path`."""

    code: str
    version: int
    kind: str
    title: Mapping[str, str]
    applies_to: tuple[str, ...]
    source: str
    sections: tuple[Section, ...]
    path: Path | None = field(default=None, compare=False)

    def __hash__(self) -> int:
        return hash((self.code, self.version))

    @property
    def items(self) -> list[ChecklistItem]:
        """Every item in form order, whatever it applies to."""
        return [item for section in self.sections for item in section.items]

    def item(self, code: str) -> ChecklistItem:
        for candidate in self.items:
            if candidate.code == code:
                return candidate
        raise KeyError(f"{self.code} v{self.version} has no item {code}")

    def items_for(self, premises_type: str | None, grade: str | None) -> list[ChecklistItem]:
        """The items to ask for these premises and building grade, in form order.

        None means unknown: items restricted to some premises types or grades are
        then left out. Use `items` to show the whole template.
        """
        if premises_type is not None and premises_type not in PREMISES_TYPES:
            raise ValueError(f"unknown premises type {premises_type!r}")
        if grade is not None and grade not in GRADES:
            raise ValueError(f"unknown building grade {grade!r}")
        return [item for item in self.items if item.applies(premises_type, grade)]


@dataclass(frozen=True)
class Evaluation:
    """What a set of answers means: failures, gaps and the rectifications to open."""

    failed: list[ChecklistItem]
    missing: list[str]  # codes of required items left unanswered
    rectifications: list[tuple[ChecklistItem, RectificationDefault]]
    missing_photos: list[str] = field(default_factory=list)  # only when photos were given

    @property
    def result(self) -> str:
        """Either "fail" (some item failed) or "pass"; see `complete` for unanswered items."""
        return FAIL if self.failed else PASS

    @property
    def complete(self) -> bool:
        return not self.missing and not self.missing_photos


def evaluate(
    template: ChecklistTemplate,
    answers: Mapping[str, str],
    *,
    today: date,
    premises_type: str | None = None,
    grade: str | None = None,
    photos: Iterable[str] | None = None,
) -> Evaluation:
    """Judge answers (item code → "pass"/"fail"/"na", a number, an ISO date or text).

    Answers to items that do not apply are ignored; a code the template does not
    have raises AnswerError, since it means the wrong template version. `photos`,
    when given, holds the codes of items that have at least one photo.
    """
    unknown = sorted(set(answers) - {item.code for item in template.items})
    if unknown:
        raise AnswerError(
            f"{template.code} v{template.version} has no item {', '.join(unknown)}",
            code="answer_wrong_template",
        )
    with_photo = None if photos is None else set(photos)
    failed: list[ChecklistItem] = []
    missing: list[str] = []
    missing_photos: list[str] = []
    rectifications: list[tuple[ChecklistItem, RectificationDefault]] = []
    for item in template.items_for(premises_type, grade):
        answer = answers.get(item.code, "").strip()
        if not answer:
            if item.required:
                missing.append(item.code)
            continue
        item_failed = item.fails(answer, today=today)
        if item_failed:
            failed.append(item)
            if item.opens_rectification and item.rectification is not None:
                rectifications.append((item, item.rectification))
        needs_photo = item.photo == "required" or (item.photo == "on_fail" and item_failed)
        if needs_photo and answer != NA and with_photo is not None and item.code not in with_photo:
            missing_photos.append(item.code)
    return Evaluation(failed, missing, rectifications, missing_photos)


# Loading -----------------------------------------------------------------------


def load_template(path: Path | str) -> ChecklistTemplate:
    """Read and validate one template file; raises ChecklistError naming file and item."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")  # tolerate a BOM from Windows editors
    except OSError as exc:
        raise ChecklistError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw, object_pairs_hook=_refuse_duplicate_keys)
    except ValueError as exc:
        raise ChecklistError(f"{path}: not valid JSON: {exc}") from exc
    return _Parser(path).template(data)


def load_all(*folders: Path | str) -> dict[tuple[str, int], ChecklistTemplate]:
    """Every template version in the folders (default: the shipped ones), by (code, version)."""
    found: dict[tuple[str, int], ChecklistTemplate] = {}
    for folder in [Path(f) for f in folders] or [resource("checklists")]:
        if not folder.is_dir():
            raise ChecklistError(f"{folder}: not a folder of checklist templates")
        for path in sorted(folder.glob("*.json")):
            if path.name == SCHEMA_FILE:
                continue
            template = load_template(path)
            key = (template.code, template.version)
            other = found.get(key)
            if other is not None and other != template:
                raise ChecklistError(
                    f"{path}: {template.code} version {template.version} differs from the one"
                    f" in {other.path}; publish a changed template under a new version"
                )
            found.setdefault(key, template)
    return found


def load_templates(*folders: Path | str) -> dict[str, ChecklistTemplate]:
    """The newest version of each template code found in the folders (default: shipped)."""
    newest: dict[str, ChecklistTemplate] = {}
    for (code, version), template in sorted(load_all(*folders).items()):
        if code not in newest or version > newest[code].version:
            newest[code] = template
    return newest


def get(code: str, version: int, *folders: Path | str) -> ChecklistTemplate:
    """A given version of a template, e.g. to re-open an old inspection."""
    try:
        return load_all(*folders)[(code, version)]
    except KeyError:
        raise ChecklistError(f"no checklist template {code} version {version}") from None


# Validation ---------------------------------------------------------------------


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


class _Parser:
    """Turns parsed JSON into dataclasses, raising ChecklistError with a location."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: str, message: str) -> ChecklistError:
        return ChecklistError(
            f"{self.path}: {where}: {message}" if where else f"{self.path}: {message}"
        )

    def template(self, data: Any) -> ChecklistTemplate:
        obj = self.object(data, "", "the template", _TEMPLATE_KEYS, {"$schema"})
        code = self.string(obj, "code", "", _TEMPLATE_CODE)
        version = obj["version"]
        if type(version) is not int or version < 1:
            raise self.error("", f"version must be a whole number from 1, not {version!r}")
        kind = self.choice(obj, "kind", "", HAZARD_KINDS)
        applies_to = self.codes(obj, "applies_to", "", PREMISES_TYPES)
        sections_raw = obj["sections"]
        if not isinstance(sections_raw, list) or not sections_raw:
            raise self.error("", "sections must be a non-empty list")
        sections: list[Section] = []
        seen_items: set[str] = set()
        for index, raw in enumerate(sections_raw, start=1):
            section = self.section(raw, index, applies_to, kind)
            if any(s.code == section.code for s in sections):
                raise self.error(f"section {section.code}", "section code used twice")
            for item in section.items:
                if item.code in seen_items:
                    raise self.error(f"item {item.code}", "item code used twice")
                seen_items.add(item.code)
            sections.append(section)
        return ChecklistTemplate(
            code=code,
            version=version,
            kind=kind,
            title=self.text(obj, "title", ""),
            applies_to=applies_to,
            source=self.string(obj, "source", ""),
            sections=tuple(sections),
            path=self.path,
        )

    def section(self, data: Any, index: int, applies_to: tuple[str, ...], kind: str) -> Section:
        where = f"section #{index}"
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            where = f"section {data['code']}"
        obj = self.object(data, where, "a section", _SECTION_KEYS, set())
        code = self.string(obj, "code", where, _TEMPLATE_CODE)
        items_raw = obj["items"]
        if not isinstance(items_raw, list) or not items_raw:
            raise self.error(where, "items must be a non-empty list")
        items = tuple(
            self.item(raw, f"{where}, item #{n}", code, applies_to, kind)
            for n, raw in enumerate(items_raw, start=1)
        )
        return Section(code=code, title=self.text(obj, "title", where), items=items)

    def item(
        self, data: Any, where: str, section: str, applies_to: tuple[str, ...], kind: str
    ) -> ChecklistItem:
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            where = f"item {data['code']}"
        obj = self.object(data, where, "an item", _ITEM_REQUIRED, _ITEM_OPTIONAL)
        code = self.string(obj, "code", where, _ITEM_CODE)
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
                f"opens_rectification is true but a {answer} answer without a limit never fails",
            )
        return item

    def rectification(
        self, obj: dict[str, Any], where: str, opens: bool
    ) -> RectificationDefault | None:
        if not opens:
            if "rectification" in obj:
                raise self.error(where, "rectification given but opens_rectification is false")
            return None
        if "rectification" not in obj:
            raise self.error(where, "rectification is missing but opens_rectification is true")
        rect = self.object(obj["rectification"], where, "rectification", {"amount", "unit"}, set())
        unit = self.choice(rect, "unit", where, DEADLINE_UNITS)
        amount = rect["amount"]
        if type(amount) is not int or amount < 0:
            raise self.error(where, f"rectification amount must be a whole number, not {amount!r}")
        if unit == "same_day" and amount != 0:
            raise self.error(where, "rectification amount must be 0 when unit is same_day")
        if unit != "same_day" and amount < 1:
            raise self.error(where, f"rectification amount must be at least 1 {unit}")
        return RectificationDefault(amount=amount, unit=unit)

    def unit(self, obj: dict[str, Any], where: str, answer: str) -> Mapping[str, str] | None:
        if answer != "number":
            if "unit" in obj:
                raise self.error(where, f"unit is only for number answers, not {answer}")
            return None
        if "unit" not in obj:
            raise self.error(where, "a number answer needs a unit")
        if isinstance(obj["unit"], str) and obj["unit"].strip():
            return {"zh": obj["unit"], "en": obj["unit"]}  # a symbol such as "mm" reads the same
        return self.text(obj, "unit", where)

    def fail_if(self, obj: dict[str, Any], where: str, answer: str) -> dict[str, float]:
        if "fail_if" not in obj:
            return {}
        if answer != "number":
            raise self.error(where, f"fail_if is only for number answers, not {answer}")
        limits = self.object(obj["fail_if"], where, "fail_if", set(), set(_COMPARE))
        if not limits:
            raise self.error(where, f"fail_if needs one of {', '.join(_COMPARE)}")
        for op, limit in limits.items():
            if type(limit) not in (int, float) or not math.isfinite(limit):
                raise self.error(where, f"fail_if {op} must be a number, not {limit!r}")
        return dict(limits)

    def max_age(self, obj: dict[str, Any], where: str, answer: str) -> int | None:
        if "fail_if_older_than_days" not in obj:
            return None
        if answer != "date":
            raise self.error(
                where, f"fail_if_older_than_days is only for date answers, not {answer}"
            )
        days = obj["fail_if_older_than_days"]
        if type(days) is not int or days < 1:
            raise self.error(
                where, f"fail_if_older_than_days must be a whole number from 1, not {days!r}"
            )
        return days

    def grades(self, obj: dict[str, Any], where: str, kind: str) -> tuple[str, ...]:
        if "only_grade" in obj and kind != "dangerous_building":
            raise self.error(where, "only_grade is only for dangerous_building templates")
        return self.codes(obj, "only_grade", where, GRADES, optional=True)

    # Primitive readers

    def object(
        self, data: Any, where: str, what: str, required: set[str], optional: set[str]
    ) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.error(where, f"{what} must be a JSON object")
        missing = sorted(required - data.keys())
        if missing:
            raise self.error(where, f"{what} is missing {', '.join(missing)}")
        unknown = sorted(data.keys() - required - optional)
        if unknown:
            raise self.error(where, f"{what} has unknown field {', '.join(unknown)}")
        return data

    def string(
        self, obj: dict[str, Any], key: str, where: str, pattern: re.Pattern[str] | None = None
    ) -> str:
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(where, f"{key} must be a non-empty string")
        if pattern is not None and not pattern.match(value):
            raise self.error(where, f"{key} {value!r} does not match {pattern.pattern}")
        return value

    def text(self, obj: dict[str, Any], key: str, where: str) -> dict[str, str]:
        text = self.object(obj[key], where, key, set(LANGS), set())
        for lang in LANGS:
            if not isinstance(text[lang], str) or not text[lang].strip():
                raise self.error(where, f"{key}.{lang} must be a non-empty string")
        return dict(text)

    def choice(self, obj: dict[str, Any], key: str, where: str, choices: tuple[str, ...]) -> str:
        value = obj[key]
        if value not in choices:
            raise self.error(
                where, f"unknown {key} {value!r}; expected one of {', '.join(choices)}"
            )
        return str(value)

    def flag(self, obj: dict[str, Any], key: str, where: str) -> bool:
        value = obj[key]
        if not isinstance(value, bool):
            raise self.error(where, f"{key} must be true or false, not {value!r}")
        return value

    def codes(
        self,
        obj: dict[str, Any],
        key: str,
        where: str,
        allowed: tuple[str, ...],
        optional: bool = False,
    ) -> tuple[str, ...]:
        if optional and key not in obj:
            return ()
        value = obj[key]
        if not isinstance(value, list) or not value:
            raise self.error(where, f"{key} must be a non-empty list")
        wrong = [v for v in value if v not in allowed]
        if wrong:
            raise self.error(where, f"{key} has {wrong!r}, not among {', '.join(allowed)}")
        if len(set(value)) != len(value):
            raise self.error(where, f"{key} lists a code twice")
        return tuple(value)


# Answers ------------------------------------------------------------------------


def _parse_number(item: ChecklistItem, answer: str) -> float:
    code = item.code
    try:
        value = float(answer)
    except ValueError:
        raise AnswerError(
            f"{code}: answer {answer!r} is not a number", code="answer_not_number", item=item.name()
        ) from None
    if not math.isfinite(value):
        raise AnswerError(
            f"{code}: answer {answer!r} is not a finite number",
            code="answer_not_number",
            item=item.name(),
        )
    return value


def _parse_date(item: ChecklistItem, answer: str) -> date:
    code = item.code
    # Cylinder stamps and rating plates often give only a month: take its first
    # day, which can only make an old date look older, never younger.
    text = f"{answer}-01" if re.fullmatch(r"\d{4}-\d{2}", answer) else answer
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AnswerError(
            f"{code}: answer {answer!r} is not a date (YYYY-MM-DD or YYYY-MM)",
            code="answer_not_date",
            item=item.name(),
        ) from None
