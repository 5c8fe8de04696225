"""The Qt part of `gridworker --self-test`: the platform plugin and the translations."""

from __future__ import annotations

import os


def check_qt() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QTranslator
    from PySide6.QtWidgets import QApplication

    from gridworker.ui.i18n import qm_path

    app = QApplication.instance() or QApplication(["gridworker-self-test"])
    platform = QApplication.platformName() if isinstance(app, QApplication) else "?"
    translator = QTranslator()
    if not translator.load(qm_path("zh_CN")):
        raise RuntimeError(f"the zh_CN translations are missing ({qm_path('zh_CN')})")
    QCoreApplication.installTranslator(translator)
    try:
        text = QCoreApplication.translate("MainWindow", "Sync now")
    finally:
        QCoreApplication.removeTranslator(translator)
    if text == "Sync now":
        raise RuntimeError("the zh_CN translations do not translate the main window")
    from gridworker.ui.screens import ENTRIES, import_all

    import_all()  # a module the build left out fails here, not when its screen opens
    return (
        f"Qt platform {platform}, zh_CN translations loaded ({text}), "
        f"{len(ENTRIES)} screens importable"
    )
