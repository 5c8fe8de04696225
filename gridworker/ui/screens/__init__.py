"""The main window's screens, in navigation order, and who sees each.

Each entry is (key, factory). What a person sees follows their role (docs/design.md §6):
the supervisor and the admin get the dashboard and the desks, a department gets
its cases.

A screen's module is imported when the screen is first shown (start-up pays only for
the first screen), with a plain import: a module that cannot be imported raises.
`import_all` imports every one of them, and the app runs it while the unlock dialog
is open (`gridworker.ui.app.run`), so a broken or missing module stops the app from
opening instead of showing up on the day someone clicks its entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from gridworker.domain.enums import Role
from gridworker.ui.screens.base import Screen
from gridworker.ui.session import AppSession

_FIELD = frozenset({Role.grid_worker, Role.adviser})
_DESK = frozenset({Role.supervisor, Role.admin})
_ALL = frozenset(Role)
_WORKER = frozenset({Role.grid_worker})
_PARTY = frozenset({Role.adviser, Role.supervisor, Role.admin})  # Cap.see_party (§22.2)

# key, module, class, English title, roles that see it
ENTRIES: list[tuple[str, str, str, str, frozenset[Role]]] = [
    ("today", "gridworker.ui.screens.today", "TodayScreen", "My day", _FIELD | {Role.department}),
    ("dashboard", "gridworker.ui.screens.dashboard", "DashboardScreen", "Dashboard", _DESK),
    ("casedesk", "gridworker.ui.screens.case_desk", "CaseDeskScreen", "Case desk", _DESK),
    ("hazarddesk", "gridworker.ui.screens.hazard_desk", "HazardDeskScreen", "Hazard desk", _DESK),
    ("taskdesk", "gridworker.ui.screens.task_desk", "TaskDeskScreen", "Task desk", _DESK),
    ("workstats", "gridworker.ui.screens.work_stats", "WorkStatsScreen", "Work statistics", _DESK),
    ("map", "gridworker.ui.screens.grid_map", "GridMapScreen", "Grid map", _FIELD | _DESK),
    ("register", "gridworker.ui.screens.register", "RegisterScreen", "Households", _FIELD | _DESK),
    ("visits", "gridworker.ui.screens.visits", "VisitsScreen", "Visits", _FIELD | _DESK),
    ("hazards", "gridworker.ui.screens.hazards", "HazardsScreen", "Hazards", _WORKER),
    ("party", "gridworker.ui.screens.party", "PartyScreen", "Party building", _PARTY),
    # The grid worker's 三单一协议 and volunteer service (the others have them in `party`).
    (
        "community",
        "gridworker.ui.screens.community",
        "CommunityScreen",
        "Community service",
        _WORKER,
    ),
    (
        "partyboard",
        "gridworker.ui.screens.party_board",
        "PartyBoardScreen",
        "Party-building dashboard",
        _DESK,
    ),
    ("cases", "gridworker.ui.screens.cases", "CasesScreen", "Cases", _ALL),
    ("ledgers", "gridworker.ui.screens.ledgers", "LedgersScreen", "Ledgers", _DESK),
    (
        "checklists",
        "gridworker.ui.screens.checklist_editor",
        "ChecklistEditorScreen",
        "Checklist editor",
        frozenset({Role.admin}),
    ),
    ("notices", "gridworker.ui.screens.notices", "NoticesScreen", "Notices", _FIELD | _DESK),
    ("conflicts", "gridworker.ui.screens.conflicts", "ConflictsScreen", "Conflicts", _ALL),
    ("sync", "gridworker.ui.screens.sync_page", "SyncScreen", "Sync", _ALL),
]


def _factory(module: str, cls: str) -> Callable[[AppSession], Screen]:
    def make(session: AppSession) -> Screen:
        screen: Screen = getattr(importlib.import_module(module), cls)(session)
        return screen

    return make


def import_all() -> None:
    """Import every screen's module and check it has its class: raises what the first
    broken one raises (ImportError, a syntax error, ...) or AttributeError."""
    for _key, module, cls, _title, _roles in ENTRIES:
        getattr(importlib.import_module(module), cls)


@dataclass(frozen=True)
class ScreenEntry:
    """A navigation entry: built on first use, so start-up pays only for the first screen."""

    key: str
    title: str  # translated
    build: Callable[[AppSession], Screen]
    eager: bool = False  # built at start-up: it records what happens before it is opened


# The sync screen keeps the log of every cycle since start-up, so it exists from the start.
EAGER = frozenset({"sync"})


def registry(role: Role | None = None) -> list[ScreenEntry]:
    """The screens `role` sees (every screen when role is None), in navigation order."""
    return [
        ScreenEntry(
            key,
            QCoreApplication.translate("Navigation", title),
            _factory(module, cls),
            eager=key in EAGER,
        )
        for key, module, cls, title, roles in ENTRIES
        if role is None or role in roles
    ]


def _titles_for_lupdate() -> list[str]:
    # Never called: lupdate reads these literal calls so the titles get translated.
    return [
        QCoreApplication.translate("Navigation", "My day"),
        QCoreApplication.translate("Navigation", "Dashboard"),
        QCoreApplication.translate("Navigation", "Case desk"),
        QCoreApplication.translate("Navigation", "Hazard desk"),
        QCoreApplication.translate("Navigation", "Task desk"),
        QCoreApplication.translate("Navigation", "Work statistics"),
        QCoreApplication.translate("Navigation", "Grid map"),
        QCoreApplication.translate("Navigation", "Ledgers"),
        QCoreApplication.translate("Navigation", "Checklist editor"),
        QCoreApplication.translate("Navigation", "Households"),
        QCoreApplication.translate("Navigation", "Visits"),
        QCoreApplication.translate("Navigation", "Hazards"),
        QCoreApplication.translate("Navigation", "Party building"),
        QCoreApplication.translate("Navigation", "Party-building dashboard"),
        QCoreApplication.translate("Navigation", "Community service"),
        QCoreApplication.translate("Navigation", "Cases"),
        QCoreApplication.translate("Navigation", "Notices"),
        QCoreApplication.translate("Navigation", "Conflicts"),
        QCoreApplication.translate("Navigation", "Sync"),
    ]
