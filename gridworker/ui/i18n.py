"""Translations: English source strings in tr(), zh_CN by default (docs/design.md §1).

The language is the one setting kept in QSettings (nothing personal is stored there).
"""

from __future__ import annotations

from pathlib import Path

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
    # Qt's own dialogs (file dialog, message box buttons): qtbase's catalogue, from where Qt
    # says its translations are, else from the PySide6 package (a frozen bundle may differ).
    qt = QTranslator(app)
    for qt_dir in qt_translation_dirs():
        if qt.load(QLocale(lang), "qtbase", "_", qt_dir):
            app.installTranslator(qt)
            installed.append(qt)
            break
    QLocale.setDefault(QLocale(lang))
    return installed


def qt_translation_dirs() -> list[str]:
    """Where Qt's own .qm files may be: Qt's translations path, then PySide6's folder."""
    import PySide6

    package = Path(PySide6.__file__).resolve().parent
    return [
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(package / "Qt" / "translations"),
        str(package / "translations"),
    ]


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)
