"""Case deadlines: rules by urgency and 12345 work-order type, and the deadline status.

The defaults follow DOMAIN.md (即时 same day, 一般 3 working days, 较复杂 7, 疑难 15;
12345: 咨询 2, 求助/建议 10, 投诉/举报 15). A district publishes its own rules as a
dict (``DeadlineRules.from_dict``), which overrides these key by key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, TypeVar, cast

from gridworker.domain.calendar import WorkCalendar
from gridworker.domain.entities import Case
from gridworker.domain.enums import CaseCategory, CaseSource, HotlineType, LabeledEnum, Urgency
from gridworker.domain.errors import ValidationError

DeadlineUnit = Literal["working_days", "working_hours", "same_day"]
_UNITS: tuple[str, ...] = ("working_days", "working_hours", "same_day")
_E = TypeVar("_E", bound=LabeledEnum)


def _invalid(detail: str) -> ValidationError:
    return ValidationError("deadline_rule_invalid", detail=detail)


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long a case may take: whole working days, working hours, or the same day.

    ``same_day`` ends with the working day the case was reported on (the next
    working day if it came in after hours).
    """

    unit: DeadlineUnit
    amount: float = 0

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise _invalid(f"unit {self.unit!r} is not one of {', '.join(_UNITS)}")
        if self.amount < 0:
            raise _invalid("amount must not be negative")
        if self.unit == "working_days" and self.amount != int(self.amount):
            raise _invalid("working days must be a whole number; use working_hours")

    def deadline(self, start: datetime, calendar: WorkCalendar) -> datetime:
        """The deadline for a case whose clock starts at ``start``."""
        if self.unit == "same_day":
            return calendar.add_working_days(start, 0)
        if self.unit == "working_days":
            return calendar.add_working_days(start, int(self.amount))
        return calendar.add_working_hours(start, self.amount)

    def label(self, lang: str = "zh_CN") -> str:
        """"3个工作日" / "3 working days", for settings screens and case details."""
        english = lang.lower().startswith("en")
        amount = f"{self.amount:g}"
        if self.unit == "same_day":
            return "same working day" if english else "当日"
        if self.unit == "working_days":
            return f"{amount} working days" if english else f"{amount}个工作日"
        return f"{amount} working hours" if english else f"{amount}个工作小时"

    @classmethod
    def from_value(cls, raw: object) -> DeadlineRule:
        """Parse ``{"unit": ..., "amount": ...}``, ``"same_day"`` or a number of working days."""
        if isinstance(raw, DeadlineRule):
            return raw
        if raw == "same_day":
            return cls("same_day")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return cls("working_days", raw)
        if isinstance(raw, Mapping):
            unit = raw.get("unit")
            amount = raw.get("amount", 0)
            if not isinstance(unit, str) or unit not in _UNITS:
                raise _invalid(f"unit {unit!r} is not one of {', '.join(_UNITS)}")
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                raise _invalid(f"amount {amount!r} is not a number")
            return cls(cast(DeadlineUnit, unit), amount)
        raise _invalid(f"cannot read a deadline rule from {raw!r}")

    def to_dict(self) -> dict[str, object]:
        """The JSON shape read by ``from_value``."""
        return {"unit": self.unit, "amount": self.amount}


class DeadlineStatus(LabeledEnum):
    ok = ("ok", "正常", "On time")
    due_soon = ("due_soon", "即将超时", "Due soon")
    overdue = ("overdue", "已超时", "Overdue")


class CaseTerms(Protocol):
    """What a deadline depends on; a Case, or a storage row with the same fields."""

    @property
    def category(self) -> CaseCategory: ...
    @property
    def urgency(self) -> Urgency: ...
    @property
    def source(self) -> CaseSource: ...
    @property
    def hotline_type(self) -> HotlineType | None: ...


def _working_days(n: float) -> DeadlineRule:
    return DeadlineRule("working_days", n)


@dataclass(frozen=True, slots=True)
class DeadlineRules:
    """The district's deadline settings.

    Lookup order: a 12345 case keeps the hotline's deadline for its work-order
    type; otherwise a category-specific rule for the urgency if one is set;
    otherwise the rule for the urgency. ``pause_while_suspended``: whether time
    spent 挂账 stops the clock. Due soon: less than ``due_soon_working_days`` of
    working time left, or under ``due_soon_fraction`` of the allowed time.
    """

    by_urgency: Mapping[Urgency, DeadlineRule]
    by_hotline: Mapping[HotlineType, DeadlineRule] = field(default_factory=dict)
    by_category: Mapping[CaseCategory, Mapping[Urgency, DeadlineRule]] = field(
        default_factory=dict
    )
    pause_while_suspended: bool = True
    due_soon_fraction: float = 0.2
    due_soon_working_days: float = 1.0

    def __post_init__(self) -> None:
        missing = [u.code for u in Urgency if u not in self.by_urgency]
        if missing:
            raise _invalid(f"no rule for urgency {', '.join(missing)}")
        if not 0 <= self.due_soon_fraction <= 1:
            raise _invalid("due_soon_fraction must be between 0 and 1")
        if self.due_soon_working_days < 0:
            raise _invalid("due_soon_working_days must not be negative")

    def rule_for(self, case: CaseTerms) -> DeadlineRule:
        """The rule that sets this case's deadline."""
        if case.source is CaseSource.hotline and case.hotline_type is not None:
            hotline = self.by_hotline.get(case.hotline_type)
            if hotline is not None:
                return hotline
        special = self.by_category.get(case.category, {}).get(case.urgency)
        return special if special is not None else self.by_urgency[case.urgency]

    @classmethod
    def from_dict(
        cls, data: Mapping[str, object], base: DeadlineRules | None = None
    ) -> DeadlineRules:
        """Rules from the published JSON, each key overriding ``base`` (the defaults).

        ``{"urgency": {"normal": {"unit": "working_days", "amount": 3}, ...},
        "hotline": {"consult": 2, ...}, "category": {"hazard": {"normal": ...}},
        "pause_while_suspended": true, "due_soon_fraction": 0.2,
        "due_soon_working_days": 1}``.
        """
        start = base if base is not None else DEFAULT_RULES
        by_urgency = dict(start.by_urgency)
        by_urgency.update(_rule_map(data.get("urgency"), Urgency))
        by_hotline = dict(start.by_hotline)
        by_hotline.update(_rule_map(data.get("hotline"), HotlineType))
        by_category = {cat: dict(rules) for cat, rules in start.by_category.items()}
        raw_categories = data.get("category") or {}
        if not isinstance(raw_categories, Mapping):
            raise _invalid("category must map categories to urgency rules")
        for key, raw in raw_categories.items():
            category = _parse(CaseCategory, key)
            by_category.setdefault(category, {}).update(_rule_map(raw, Urgency))
        return cls(
            by_urgency=by_urgency,
            by_hotline=by_hotline,
            by_category=by_category,
            pause_while_suspended=bool(
                data.get("pause_while_suspended", start.pause_while_suspended)
            ),
            due_soon_fraction=_number(data, "due_soon_fraction", start.due_soon_fraction),
            due_soon_working_days=_number(
                data, "due_soon_working_days", start.due_soon_working_days
            ),
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON shape read by ``from_dict``."""
        return {
            "urgency": {u.code: r.to_dict() for u, r in self.by_urgency.items()},
            "hotline": {h.code: r.to_dict() for h, r in self.by_hotline.items()},
            "category": {
                c.code: {u.code: r.to_dict() for u, r in rules.items()}
                for c, rules in self.by_category.items()
            },
            "pause_while_suspended": self.pause_while_suspended,
            "due_soon_fraction": self.due_soon_fraction,
            "due_soon_working_days": self.due_soon_working_days,
        }


def _parse(enum: type[_E], key: object) -> _E:
    try:
        return enum.parse(str(key))
    except ValueError as exc:
        raise _invalid(str(exc)) from None


def _rule_map(raw: object, enum: type[_E]) -> dict[_E, DeadlineRule]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _invalid(f"expected a mapping of {enum.__name__} to rules")
    return {_parse(enum, key): DeadlineRule.from_value(value) for key, value in raw.items()}


def _number(data: Mapping[str, object], key: str, default: float) -> float:
    value = data.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _invalid(f"{key} must be a number")
    return float(value)


DEFAULT_RULES = DeadlineRules(
    by_urgency={
        Urgency.immediate: DeadlineRule("same_day"),
        Urgency.normal: _working_days(3),
        Urgency.complex: _working_days(7),
        Urgency.difficult: _working_days(15),
    },
    by_hotline={
        HotlineType.consult: _working_days(2),
        HotlineType.help: _working_days(10),
        HotlineType.suggest: _working_days(10),
        HotlineType.complain: _working_days(15),
        HotlineType.report: _working_days(15),
    },
)


def compute_deadline(
    case: CaseTerms,
    reported_at: datetime,
    calendar: WorkCalendar,
    rules: DeadlineRules = DEFAULT_RULES,
) -> datetime:
    """The deadline of a case reported at ``reported_at`` under ``rules``."""
    return rules.rule_for(case).deadline(reported_at, calendar)


def effective_deadline(
    deadline_at: datetime, calendar: WorkCalendar, paused_seconds: float = 0
) -> datetime:
    """The deadline pushed back by working time during which the clock was paused."""
    if paused_seconds <= 0:
        return deadline_at
    return calendar.add_working_seconds(deadline_at, paused_seconds)


def deadline_status(
    reported_at: datetime | None,
    deadline_at: datetime | None,
    now: datetime,
    calendar: WorkCalendar,
    paused_seconds: float = 0,
    *,
    due_soon_fraction: float = DEFAULT_RULES.due_soon_fraction,
    due_soon_working_days: float = DEFAULT_RULES.due_soon_working_days,
) -> DeadlineStatus:
    """ok / due_soon / overdue for an open case (docs/design.md §5).

    Overdue once ``now`` is past the deadline (moved back by ``paused_seconds``
    of working time). Due soon when less than ``due_soon_working_days`` working
    days, or under ``due_soon_fraction`` of the working time allowed between
    report and deadline, is left. Without a deadline a case is ok.
    """
    if deadline_at is None:
        return DeadlineStatus.ok
    deadline = effective_deadline(deadline_at, calendar, paused_seconds)
    if now > deadline:
        return DeadlineStatus.overdue
    left = calendar.working_seconds_between(now, deadline)
    if left < due_soon_working_days * calendar.working_seconds_per_day:
        return DeadlineStatus.due_soon
    if reported_at is not None:
        allowed = calendar.working_seconds_between(reported_at, deadline_at)
        if allowed > 0 and left < due_soon_fraction * allowed:
            return DeadlineStatus.due_soon
    return DeadlineStatus.ok


def paused_seconds(case: Case, now: datetime, calendar: WorkCalendar) -> float:
    """Working seconds the case has spent suspended, including a suspension still running."""
    total = float(case.suspended_seconds)
    if case.suspended_at is not None and now > case.suspended_at:
        total += calendar.working_seconds_between(case.suspended_at, now)
    return total


def case_effective_deadline(
    case: Case, now: datetime, calendar: WorkCalendar, rules: DeadlineRules = DEFAULT_RULES
) -> datetime | None:
    """The deadline to show for a case, with suspended time added back if the policy says so."""
    if case.deadline_at is None:
        return None
    paused = paused_seconds(case, now, calendar) if rules.pause_while_suspended else 0.0
    return effective_deadline(case.deadline_at, calendar, paused)


def case_deadline_status(
    case: Case, now: datetime, calendar: WorkCalendar, rules: DeadlineRules = DEFAULT_RULES
) -> DeadlineStatus | None:
    """The status of an open case with a deadline; None when no clock runs (draft, closed…)."""
    if not case.state.is_open or case.deadline_at is None:
        return None
    paused = paused_seconds(case, now, calendar) if rules.pause_while_suspended else 0.0
    return deadline_status(
        case.reported_at,
        case.deadline_at,
        now,
        calendar,
        paused,
        due_soon_fraction=rules.due_soon_fraction,
        due_soon_working_days=rules.due_soon_working_days,
    )
