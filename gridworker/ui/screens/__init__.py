"""The main window's screens, in navigation order.

Each entry is (key, factory). A screen not built yet shows as a placeholder so the
navigation stays complete while features land.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from gridworker.ui.screens.base import Placeholder, Screen
from gridworker.ui.session import AppSession

# key, module, class, English title (for the placeholder)
ENTRIES: list[tuple[str, str, str, str]] = [
    ("today", "gridworker.ui.screens.today", "TodayScreen", "My day"),
    ("register", "gridworker.ui.screens.register", "RegisterScreen", "Households"),
    ("visits", "gridworker.ui.screens.visits", "VisitsScreen", "Visits"),
    ("hazards", "gridworker.ui.screens.hazards", "HazardsScreen", "Hazards"),
    ("cases", "gridworker.ui.screens.cases", "CasesScreen", "Cases"),
    ("conflicts", "gridworker.ui.screens.conflicts", "ConflictsScreen", "Conflicts"),
    ("sync", "gridworker.ui.screens.sync_page", "SyncScreen", "Sync"),
]


def _factory(module: str, cls: str, title: str) -> Callable[[AppSession], Screen]:
    def make(session: AppSession) -> Screen:
        try:
            screen_cls = getattr(importlib.import_module(module), cls)
        except (ModuleNotFoundError, AttributeError):
            return Placeholder(session, QCoreApplication.translate("Navigation", title))
        screen: Screen = screen_cls(session)
        return screen

    return make


def registry() -> list[tuple[str, Callable[[AppSession], Screen]]]:
    return [(key, _factory(module, cls, title)) for key, module, cls, title in ENTRIES]


def _titles_for_lupdate() -> list[str]:
    # Never called: lupdate reads these literal calls so the titles get translated.
    return [
        QCoreApplication.translate("Navigation", "My day"),
        QCoreApplication.translate("Navigation", "Households"),
        QCoreApplication.translate("Navigation", "Visits"),
        QCoreApplication.translate("Navigation", "Hazards"),
        QCoreApplication.translate("Navigation", "Cases"),
        QCoreApplication.translate("Navigation", "Conflicts"),
        QCoreApplication.translate("Navigation", "Sync"),
    ]
