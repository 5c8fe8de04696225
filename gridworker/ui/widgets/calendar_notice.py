"""A notice above a screen when the working-day calendar does not cover what it should."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid

from gridworker.services.calendar_check import CalendarCoverage, calendar_coverage
from gridworker.ui.session import AppSession

STYLE = (
    "QLabel { background: #fff4e5; color: #7a4100; border: 1px solid #f0b429; "
    "border-radius: 4px; padding: 6px 8px; }"
)


class CalendarNotice(QLabel):
    """Hidden while the calendar covers every open deadline; refreshed by its screen."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("calendar_notice")
        self.setStyleSheet(STYLE)
        self.setWordWrap(True)
        self.setVisible(False)

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(lambda _state: calendar_coverage(ws), done=self.show_coverage)

    def show_coverage(self, coverage: CalendarCoverage) -> None:
        if not isValid(self):
            return
        parts: list[str] = []
        if coverage.uncovered:
            years = "、".join(str(y) for y in coverage.uncovered)
            parts.append(
                self.tr(
                    "%1 open deadline(s) fall in %2, which the working-day calendar does not "
                    "cover: there only weekends count as days off, holidays do not. Ask the "
                    "district admin to publish that year's holidays."
                )
                .replace("%1", str(coverage.open_deadlines))
                .replace("%2", years)
            )
        if coverage.next_year is not None:
            parts.append(
                self.tr(
                    "The working-day calendar does not cover %1 yet: publish it "
                    "(gridworker-server set-calendar) once the State Council's holiday notice "
                    "is out."
                ).replace("%1", str(coverage.next_year))
            )
        self.setText(" ".join(parts))
        self.setVisible(bool(parts))
