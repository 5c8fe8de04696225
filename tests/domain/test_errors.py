"""Domain errors: stable codes and bilingual messages a grid worker understands."""

from __future__ import annotations

import pickle

from gridworker.domain.enums import CaseActionKind, CaseState
from gridworker.domain.errors import (
    MESSAGES,
    BiText,
    DomainError,
    ValidationError,
    WorkflowError,
    field_label,
)


def test_id_checksum_message_in_both_languages() -> None:
    """The check-digit error reads naturally in Chinese and English."""
    error = ValidationError("id_checksum", field="id_number")
    assert isinstance(error, DomainError)
    assert error.code == "id_checksum" and error.field == "id_number"
    assert error.message() == "身份证号码校验位错误"
    assert error.message("en_US") == "ID number check digit is wrong"
    assert "id_checksum" in str(error)


def test_parameters_and_field_labels_are_rendered_per_language() -> None:
    """Placeholders take field labels and enum labels in the message's language."""
    error = WorkflowError(
        "invalid_transition", state=CaseState.closed, action=CaseActionKind.dispatch
    )
    assert error.message() == "事件当前为“已办结”，不能执行“派遣”"
    assert "“Closed”" in error.message("en") and "“Dispatch”" in error.message("en")
    assert ValidationError("required", field="name").message() == "姓名不能为空"
    assert ValidationError("required", field="name").message("en") == "Name is required"
    assert WorkflowError("forbidden_role", action=BiText("销号", "close out")).message("en") == (
        "Your role may not “close out”"
    )


def test_unknown_code_and_missing_parameter_still_give_a_message() -> None:
    """An uncatalogued code or a missing parameter never breaks message()."""
    assert DomainError("strange", field="x").message() == "x: strange"
    assert DomainError("too_long", field="name").message("en") == (
        "{field} must be at most {max} characters"
    )
    assert DomainError("custom", zh="中文", en="English").message("en") == "English"


def test_every_catalogued_message_has_both_languages() -> None:
    """Each message code has a non-empty Chinese and English text."""
    for code, (zh, en) in MESSAGES.items():
        assert zh and en, code
    assert field_label("phone", "en") == "Phone"
    assert field_label("unknown_field") == "unknown_field"


def test_errors_survive_pickling() -> None:
    """An error sent across a process boundary keeps its class, code, field and parameters."""
    error = ValidationError("too_long", field="name", max=50)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ValidationError
    assert (copy.code, copy.field, copy.message()) == ("too_long", "name", "姓名不能超过50个字符")


def test_chinese_messages_use_full_width_punctuation() -> None:
    """Proves every Chinese message of the catalogue punctuates its sentences full-width
    (，：；？！（）), once placeholders, addresses, options and code examples are taken
    out, and has no English left in it."""
    import re

    from gridworker.domain.errors import CodedError

    allowed = re.compile(
        "|".join(
            (
                r"“[^”]*”",  # a value quoted
                r"\{\w+\}",  # a placeholder
                r"https?://\S*",
                r"--[\w-]+(?: (?:local|server|F|V))?",  # an option and its value
                r"GRIDWORKER_\w+",
                r"\bgridworker(?: [a-z]+)?\b",  # a command
                r"\d{4}-\d{2}(?:-\d{2})?(?:T\d\d:\d\d)?",  # a date example
                r"\.?\b(?:csv|xlsx|jsonl)\b",
                r"[A-Z]{2,}[\w ]*",  # SHA-256, CJK…
                r"0797-1234567|A–D|001–399",
            )
        )
    )
    for code, (zh, _en) in MESSAGES.items():
        text = allowed.sub(" ", zh)
        assert not re.search(r"[,:;?!()]", text), (code, zh)
        # a font, a format, a spreadsheet program by its name
        names = ("X", "PDF", "http", "Noto", "Sans", "WebP", "Excel")
        leftover = [w for w in re.findall(r"[A-Za-z]+", text) if w not in names]
        assert leftover == [], (code, zh)
    assert CodedError("profile_locked").message() == (
        "这个本机档案已在另一个网格通窗口或命令中打开：请先关闭它，再试一次"
    )
