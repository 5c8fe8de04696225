"""Words of Qt's own dialogs that Qt's zh_CN catalogue (qtbase) leaves in English.

Never called: lupdate reads these literal translate() calls, so our catalogue carries
them; our translator answers when Qt's has no translation ("&Look in:" in the file
dialog, for one).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _for_lupdate() -> list[str]:
    return [
        QCoreApplication.translate("QFileDialog", "&Look in:"),
        QCoreApplication.translate("QFileDialog", "Files of &type:"),
        QCoreApplication.translate("QFileSystemModel", "Drive"),
    ]
