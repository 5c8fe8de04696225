"""Translations: every UI string has a zh_CN translation, and the shipped .qm is current."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from gridworker.resources import resource

TS = resource("translations", "gridworker_zh_CN.ts")
QM = resource("translations", "gridworker_zh_CN.qm")


def test_every_string_is_translated() -> None:
    """Proves the catalogue has no unfinished or empty zh_CN translation."""
    missing = []
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            if (
                translation.get("type") in ("unfinished", "vanished", "obsolete")
                or not (translation.text or "").strip()
            ):
                missing.append(f"{name}: {message.findtext('source')}")
    assert missing == []


def test_catalogue_covers_the_sources_and_the_qm_is_compiled_from_it(tmp_path: Path) -> None:
    """Proves lupdate finds no string missing from the committed catalogue, and lrelease of the
    committed .ts gives the committed .qm byte for byte."""
    tools = Path(sys.executable).parent
    sources = sorted(str(p) for p in Path(resource("..", "gridworker", "ui")).rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [
            str(tools / "pyside6-lupdate"),
            *sources,
            "-ts",
            str(fresh),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "zh_CN",
        ],
        check=True,
        capture_output=True,
    )

    def keys(path: Path) -> set[tuple[str, str]]:
        return {
            (c.findtext("name") or "", m.findtext("source") or "")
            for c in ET.parse(path).getroot().iter("context")
            for m in c.iter("message")
        }

    assert keys(fresh) <= keys(TS), sorted(keys(fresh) - keys(TS))[:20]
    built = tmp_path / "built.qm"
    subprocess.run(
        [str(tools / "pyside6-lrelease"), str(TS), "-qm", str(built)],
        check=True,
        capture_output=True,
    )
    assert built.read_bytes() == QM.read_bytes(), "run scripts/translations.sh"


def test_the_app_speaks_chinese_by_default(qapp) -> None:  # type: ignore[no-untyped-def]
    """Proves a window built with the default language shows Chinese text."""
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "Sync now") == "立即同步"
    assert QCoreApplication.translate("Navigation", "Households") == "住户"


def test_chinese_translations_use_full_width_punctuation() -> None:
    """Proves no zh_CN translation puts ASCII punctuation (?,;:! or brackets) against Chinese
    text; Qt's file filters "(*.pdf)" and mnemonics "(&L)" keep theirs, as Qt needs them."""
    import re

    filter_or_mnemonic = r"(?![*&%])"  # "(*.pdf)", "(%1)" of file filters; "(&L)"
    ascii_next_to_cjk = re.compile(
        r"[\u4e00-\u9fff][?,;:!]|[?,;:!][\u4e00-\u9fff]"
        rf"|[\u4e00-\u9fff] ?\({filter_or_mnemonic}|\) ?[\u4e00-\u9fff]"
    )
    found = [
        (c.findtext("name"), m.findtext("translation"))
        for c in ET.parse(TS).getroot().iter("context")
        for m in c.iter("message")
        if ascii_next_to_cjk.search(m.findtext("translation") or "")
    ]
    assert found == []
