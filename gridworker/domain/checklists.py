"""Hazard-inspection checklist templates: loading, validation and evaluation.

Templates are versioned data (``resources/checklists/*.json``; the format is
described in the README there). An inspection stores the template code and the
version it was answered against, so an old inspection can be re-opened with
exactly its items after the district publishes a newer version.

Codes are plain strings here on purpose: the domain enums are the labelled
source of truth, this module only has to agree with their codes.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gridworker.domain.enums import DangerGrade, HazardKind, PremisesType
from gridworker.domain.errors import BiText, CodedError, DetailedError
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


class ChecklistError(CodedError, ValueError):
    """A template that cannot be used. `problem` says what is wrong and where (the group and
    the item as people read them, `checklist_words`) in Chinese and English; `source` is
    the file or document, which the server command and the log show and the editor does
    not. ``message(lang)`` is the source and the problem in that language; str() is the
    English, for logs."""

    def __init__(
        self, en: str, zh: str, *, source: str | None = None, code: str = "checklist_invalid"
    ) -> None:
        self.problem = BiText(zh, en)
        self.source = source
        super().__init__(
            code,
            zh=f"{source}：{zh}" if source else zh,
            en=f"{source}: {en}" if source else en,
        )

    def __str__(self) -> str:
        return self.message("en")


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
        reason = exc.strerror or str(exc)
        raise ChecklistError(
            f"cannot read: {reason}", f"无法读取（{reason}）", source=str(path)
        ) from exc
    return template_from_text(raw, path)


def template_from_text(raw: str, path: Path) -> ChecklistTemplate:
    """A template from a file's text (the loader's rules; the schema is the publisher's)."""
    # Imported here: the parser builds this module's dataclasses.
    from gridworker.domain.checklist_parser import Parser, parse_json

    return Parser(path).template(parse_json(raw, str(path)))


def load_all(*folders: Path | str) -> dict[tuple[str, int], ChecklistTemplate]:
    """Every template version in the folders (default: the shipped ones), by (code, version)."""
    found: dict[tuple[str, int], ChecklistTemplate] = {}
    for folder in [Path(f) for f in folders] or [resource("checklists")]:
        if not folder.is_dir():
            raise ChecklistError(
                "not a folder of checklist templates", "不是存放检查表的文件夹", source=str(folder)
            )
        for path in sorted(folder.glob("*.json")):
            if path.name == SCHEMA_FILE:
                continue
            template = load_template(path)
            key = (template.code, template.version)
            other = found.get(key)
            if other is not None and other != template:
                raise ChecklistError(
                    f"{template.code} version {template.version} differs from the one"
                    f" in {other.path}; publish a changed template under a new version",
                    f"检查表 {template.code} 第{template.version}版与 {other.path} 中的同一版"
                    "内容不同；修改过的检查表请作为新的一版发布",
                    source=str(path),
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
        raise ChecklistError(
            f"no checklist template {code} version {version}",
            f"没有检查表 {code} 第{version}版",
            code="checklist_unknown",
        ) from None


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
