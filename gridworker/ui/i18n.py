"""Translations: English source strings in tr(), zh_CN by default (DESIGN.md, mission).

The language is the one setting kept in QSettings (nothing personal is stored there).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from gridworker.resources import resource

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}


def settings() -> QSettings:
    return QSettings("GridWorker", "GridWorker")


def current_language() -> str:
    value = settings().value("language", DEFAULT_LANGUAGE)
    return str(value) if str(value) in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    settings().setValue("language", lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def qm_path(lang: str) -> str:
    return str(resource("translations", f"gridworker_{lang}.qm"))


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Load GridWorker's and Qt's own translations for `lang` (none needed for English)."""
    installed: list[QTranslator] = []
    if lang.startswith("en"):
        return installed
    ours = QTranslator(app)
    if ours.load(qm_path(lang)):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(lang), "qtbase", "_", qt_dir):
        app.installTranslator(qt)
        installed.append(qt)
    QLocale.setDefault(QLocale(lang))
    return installed


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)
