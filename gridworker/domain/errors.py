"""Domain errors with a stable code and a message a grid worker can act on, in zh and en.

The code travels (sync rejections, the JSON error body of docs/design.md §4); the
message is rendered in the reader's language when shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gridworker.domain.field_messages import FIELD_MESSAGES
from gridworker.domain.messages import APP_MESSAGES, NOUNS

# code -> (zh, en). Placeholders are filled from the error's params; {field} is the
# field's label in the message language. The domain's rules are here; the messages of the
# services, storage, sync and the command line are in `messages` (one catalogue).
MESSAGES: dict[str, tuple[str, str]] = {
    **APP_MESSAGES,
    **FIELD_MESSAGES,
    # generic
    "required": ("{field}不能为空", "{field} is required"),
    "too_long": ("{field}不能超过{max}个字符", "{field} must be at most {max} characters"),
    "invalid_chars": (
        "{field}含有不可见的控制字符",
        "{field} contains invisible control characters",
    ),
    "invalid_value": ("{field}的值“{value}”无效", "{field}: “{value}” is not a valid value"),
    "negative": ("{field}不能为负数", "{field} cannot be negative"),
    "out_of_range": ("{field}超出允许范围", "{field} is out of range"),
    "naive_datetime": ("{field}缺少时区", "{field} has no time zone"),
    "date_order": ("结束日期不能早于开始日期", "The end date is before the start date"),
    # ID numbers
    "id_length": (
        "身份证号码应为18位（现为{length}位）",
        "The ID number must have 18 characters (it has {length})",
    ),
    "id_format": (
        "身份证号码前17位应为数字，最后一位为数字或X",
        "The ID number must be 17 digits followed by a digit or X",
    ),
    "id_checksum": ("身份证号码校验位错误", "ID number check digit is wrong"),
    "id_birth_date": (
        "身份证号码中的出生日期无效",
        "The birth date in the ID number is not valid",
    ),
    "id_region": (
        "身份证号码前6位不是有效的行政区划代码",
        "The first 6 digits of the ID number are not a valid region code",
    ),
    "id_gender_mismatch": (
        "性别与身份证号码不一致",
        "The gender does not match the ID number",
    ),
    "id_birth_mismatch": (
        "出生日期与身份证号码不一致",
        "The birth date does not match the ID number",
    ),
    # phones and codes
    "phone_format": (
        "电话号码格式不正确（手机11位，座机如0797-1234567）",
        "The phone number is not valid (mobile: 11 digits; landline like 0797-1234567)",
    ),
    "grid_code_format": (
        "网格编码应为15位数字",
        "The grid code must be 15 digits",
    ),
    "grid_code_range": (
        "网格编码无效：街道/乡镇段应为001–599，社区段和网格段不能为000",
        "The grid code is not valid: street part 001–599, community and grid parts not 000",
    ),
    "region_code_format": (
        "区划代码应为6、9或12位数字",
        "The region code must be 6, 9 or 12 digits",
    ),
    "region_code_range": (
        "区划代码无效：街道/乡镇段应为001–599，社区段不能为000",
        "The region code is not valid: street part 001–599, community part not 000",
    ),
    "sha256_format": ("文件校验值格式不正确", "The file checksum is not a valid SHA-256"),
    "not_an_image": (
        "这个文件不是图片（JPEG、PNG、WebP 或 TIFF），不能作为照片",
        "This file is not a picture (JPEG, PNG, WebP or TIFF): it cannot be a photo",
    ),
    # register and inspections
    "danger_grade_required": (
        "危房必须填写危险性等级（A–D）",
        "A dangerous building needs a danger grade (A–D)",
    ),
    "rectification_required": (
        "复查必须关联整改单",
        "A re-inspection must refer to its rectification",
    ),
    "supervisor_level_required": (
        "督办员须指定社区级或街道级",
        "A supervisor must be community or street level",
    ),
    "hotline_type_required": (
        "12345热线来件须填写工单类型",
        "A 12345 hotline case needs its work-order type",
    ),
    # rectifications
    "rectification_not_open": (
        "只有整改中的事项才能标记为已整改",
        "Only an open item can be marked done",
    ),
    "rectification_not_done": ("该事项尚未整改，不能复查", "The item has not been marked done yet"),
    "reinspection_mismatch": (
        "这次检查不是该整改单的复查",
        "This inspection is not a re-inspection of this item",
    ),
    "reinspection_no_result": ("复查还没有结论", "The re-inspection has no result yet"),
    "close_basis_required": (
        "销号须注明依据（复查合格、解危证明或拆除）",
        "Close-out needs a basis (re-inspection, certificate or demolition)",
    ),
    "rectification_not_verified": (
        "复查通过后才能以“复查合格”销号",
        "Close-out on re-inspection needs a passed re-inspection first",
    ),
    "already_closed": ("已经销号", "Already closed out"),
    # case workflow
    "invalid_transition": (
        "事件当前为“{state}”，不能执行“{action}”",
        "The case is “{state}”: “{action}” is not possible now",
    ),
    "forbidden_role": ("您的角色不能执行“{action}”", "Your role may not “{action}”"),
    "photo_required": ("“{action}”须附现场照片", "“{action}” needs a photo"),
    "extension_not_pending": ("没有待审批的延期申请", "There is no pending extension request"),
    "extension_already_pending": (
        "已有待审批的延期申请",
        "An extension request is already pending",
    ),
    "department_required": ("派遣须选择处置部门", "Choose the department to dispatch to"),
    "new_deadline_required": ("同意延期须填写新的办理时限", "Give the new deadline to approve"),
    "new_deadline_not_later": (
        "新的办理时限须晚于原时限",
        "The new deadline must be later than the current one",
    ),
    "case_mismatch": ("操作不属于这个事件", "The action belongs to another case"),
    # an action taken offline before its case (task) left the actor's grids (§4.6)
    "left_scope": (
        "该操作是离线时做的，做完后该记录移出了操作人的网格：操作未执行，已交给现在负责的人；"
        "如仍需要，请另行办理",
        "This action was taken offline before the record left its actor's grids: it was not "
        "applied and was handed to the people who cover it now; take a new action if it "
        "still applies",
    ),
    "deadline_rule_invalid": ("办理时限规则无效：{detail}", "Invalid deadline rule: {detail}"),
}

# Labels of fields a message names that no entity declares, and neutral labels of names
# that entities declare with different labels (a message knows the field, not the entity).
# Every other field's label is its declaration's (domain.declare); unknown ones appear by
# name. tests/domain/test_declare.py checks every ambiguous name has an entry here.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "username": ("用户名", "Username"),
    "display_name": ("显示名", "Display name"),
    "as_of": ("统计时间", "As-of time"),
    "name": ("姓名", "Name"),
    "address": ("地址", "Address"),
    "description": ("描述", "Description"),
    "category": ("类别", "Category"),
    "kind": ("类型", "Kind"),
    "household_id": ("户编号", "Household id"),
    "department_id": ("部门", "Department"),
    "case_id": ("事件编号", "Case id"),
    "place": ("地点", "Place"),
    "reason": ("原因", "Reason"),
    "state": ("状态", "State"),
    "title": ("标题", "Title"),
    "done_at": ("完成时间", "Done at"),
}


def field_label(field: str | None, lang: str = "zh_CN") -> str:
    """Human label of a field in ``lang`` (the field name itself when unknown)."""
    if field is None:
        return "该项" if not lang.lower().startswith("en") else "This field"
    pair = FIELD_LABELS.get(field) or _declared_label(field)
    if pair is None:
        return field
    zh, en = pair
    return en if lang.lower().startswith("en") else zh


def _declared_label(field: str) -> tuple[str, str] | None:
    # Imported here: the entities' modules import this one.
    from gridworker.domain import entities  # noqa: F401  (declares every entity)
    from gridworker.domain.declare import labels_by_name

    return labels_by_name().get(field)


class BiText(NamedTuple):
    """A short text in both languages, for message parameters such as an action's name."""

    zh: str
    en: str

    def label(self, lang: str = "zh_CN") -> str:
        """The text in ``lang``."""
        return self.en if lang.lower().startswith("en") else self.zh


def noun(key: str) -> BiText:
    """A kind of record as a message parameter (``record_missing``'s ``what``)."""
    zh, en = NOUNS.get(key, (key, key))
    return BiText(zh, en)


class CodedError(Exception):
    """Anything refused or failed that a person reads: a stable ``code`` and ``message()``
    in zh_CN or English. The domain, the services, storage, sync and the CLI raise it (or a
    subclass); the UI and the CLI show ``message(lang)``, never the exception's raw text.

    The message comes from the catalogue (``MESSAGES``: code -> (zh, en) templates filled
    from ``params``), unless an explicit ``zh``/``en`` text was given for that language.
    """

    code: str
    field: str | None
    params: Mapping[str, object]

    def __init__(
        self,
        code: str,
        *,
        field: str | None = None,
        zh: str | None = None,
        en: str | None = None,
        **params: object,
    ) -> None:
        self.code = code
        self.key = code  # the catalogue entry; a subclass may give `code` another meaning
        self.field = field
        self.params = params
        self._zh = zh
        self._en = en
        super().__init__(f"{code}: {self.message('en')}")

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments and subclasses' own constructors defeat the default
        # exception pickling: rebuild from the arguments and restore the attributes.
        return (_rebuild, (type(self), self.args), dict(self.__dict__))

    def message(self, lang: str = "zh_CN") -> str:
        """The message in ``lang`` (English for any "en…", Chinese otherwise)."""
        english = lang.lower().startswith("en")
        explicit = self._en if english else self._zh
        if explicit is not None:
            return explicit
        template = MESSAGES.get(self.key)
        if template is None:
            return self.key if self.field is None else f"{self.field}: {self.key}"
        text = template[1] if english else template[0]
        values = {key: _render(value, lang) for key, value in self.params.items()}
        values["field"] = field_label(self.field, lang)
        try:
            return text.format(**values)
        except (KeyError, IndexError):
            # A missing parameter must not hide the error itself.
            return text


class DetailedError(CodedError):
    """A failure whose class fixes its code (``default_code``), raised with an English
    detail for logs and English readers: ``KeyFileError("salt too short")``. Chinese
    readers get the catalogue's text for the code."""

    default_code = "unexpected_error"

    def __init__(self, detail: str = "", *, code: str | None = None, **params: Any) -> None:
        super().__init__(code or self.default_code, en=detail or None, **params)


class DomainError(CodedError):
    """A rule of the domain was broken; ``code`` is stable, ``message()`` is for people."""


def _rebuild(cls: type[CodedError], args: tuple[object, ...]) -> CodedError:
    error = cls.__new__(cls, *args)
    error.args = args
    return error


def _render(value: object, lang: str) -> str:
    label = getattr(value, "label", None)
    if callable(label):
        return str(label(lang))
    return str(value)


class ValidationError(DomainError):
    """A value is malformed or a record breaks a rule on its own fields."""


class WorkflowError(DomainError):
    """An action is not allowed in the record's current state or for the actor's role."""
