"""党建看板: the party-building dashboard of the street office and the district (docs/design.md
§22.9) — a month's figures for a scope as tiles, the same figures for each area below it,
each adviser's month, and the printable monthly report (PDF) and ledger (Excel)."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.records_party import GuidanceKind
from gridworker.services import dashboard, party_dashboard, party_ledger
from gridworker.services.party_dashboard import FIGURES, PartyBoard, figure
from gridworker.ui.forms import error_label, error_text, set_rows, text_table
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.widgets import section_label
from gridworker.ui.widgets.charts import Bar, BarChart
from gridworker.ui.widgets.printing import ask_save_path

_KINDS = (GuidanceKind.meeting, GuidanceKind.yard_meeting, GuidanceKind.problem)


def _months(today: date, count: int = 12) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _rank(key: str, area: party_dashboard.AreaFigures) -> tuple[float, str]:
    return (-float(figure(area.report, key)), area.code)


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class PartyBoardScreen(Screen):
    watches = frozenset(
        {"party_org", "adviser_posting", "party_guidance", "party_member", "party_service"}
        | {"coop_need", "coop_project", "volunteer_activity", "volunteer_signup"}
        | {"point_exchange"}
    )

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.board: PartyBoard | None = None
        self.scopes_loaded = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        self.scope.setMinimumWidth(220)
        self.month = QComboBox()
        self.month.setObjectName("month")
        for text in _months(session.ws.today()):
            self.month.addItem(text, text)
        self.pdf = QPushButton(self.tr("Monthly report (PDF)…"))
        self.pdf.setObjectName("pdf")
        self.xlsx = QPushButton(self.tr("Ledger (Excel)…"))
        self.xlsx.setObjectName("xlsx")
        for widget in (QLabel(self.tr("Scope")), self.scope, QLabel(self.tr("Month")), self.month):
            top.addWidget(widget)
        top.addWidget(self.pdf)
        top.addWidget(self.xlsx)
        layout.addLayout(top)
        tiles = QGridLayout()
        self.tiles: dict[str, QLabel] = {}
        for n, (key, zh, en) in enumerate(FIGURES):
            frame = QFrame()
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            box = QVBoxLayout(frame)
            value = QLabel("—")
            value.setObjectName(f"tile_{key}")
            value.setStyleSheet("font-size: 20px; font-weight: 600;")
            box.addWidget(value)
            box.addWidget(QLabel(en if self.lang.startswith("en") else zh))
            self.tiles[key] = value
            tiles.addWidget(frame, n // 6, n % 6)
        layout.addLayout(tiles)
        # Charts as on the case dashboard (widgets/charts.py): the needs' progress and two
        # figures compared across the areas one level below the scope.
        charts = QGridLayout()
        charts.setSpacing(10)
        self.needs_chart = BarChart(self.tr("Needs this month"))
        self.hours_chart = BarChart(self.tr("Service hours by area"), horizontal=True)
        self.guidance_chart = BarChart(self.tr("Guidance records by area"), horizontal=True)
        for n, chart in enumerate((self.needs_chart, self.hours_chart, self.guidance_chart)):
            chart.empty_text = self.tr("Nothing in this scope and month.")
            chart.setMinimumHeight(170)
            charts.addWidget(chart, 0, n)
        layout.addLayout(charts, 1)
        split = QSplitter()
        left, right = QWidget(), QWidget()
        left_box, right_box = QVBoxLayout(left), QVBoxLayout(right)
        left_box.setContentsMargins(0, 0, 0, 0)
        right_box.setContentsMargins(0, 0, 0, 0)
        self.areas_label = section_label(self.tr("By area"))
        left_box.addWidget(self.areas_label)
        self.areas = text_table(
            self.tr("Area"), *(en if self.lang.startswith("en") else zh for _k, zh, en in FIGURES)
        )
        self.areas.setObjectName("areas")
        left_box.addWidget(self.areas)
        right_box.addWidget(section_label(self.tr("Advisers this month")))
        self.advisers = text_table(
            self.tr("Adviser"),
            self.tr("Grids"),
            self.tr("Guidance"),
            *(k.label(self.lang) for k in _KINDS),
            self.tr("Attendees"),
            self.tr("Taken up"),
        )
        self.advisers.setObjectName("advisers")
        right_box.addWidget(self.advisers)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([700, 500])
        layout.addWidget(split, 2)
        self.note = error_label("note")
        layout.addWidget(self.note)
        self.scope.currentIndexChanged.connect(self._load)
        self.month.currentIndexChanged.connect(self._load)
        self.pdf.clicked.connect(self.write_pdf)
        self.xlsx.clicked.connect(self.write_xlsx)

    def title(self) -> str:
        return self.tr("Party-building dashboard")

    def refresh(self) -> None:
        ws = self.session.ws
        if self.scopes_loaded:
            self._load()
            return

        def choices(_s: object) -> tuple[list[dashboard.ScopeChoice], str | None]:
            return dashboard.scope_choices(ws), dashboard.default_scope(ws)

        self.session.tasks.run_db(choices, done=self._scopes)

    def _scopes(self, found: tuple[list[dashboard.ScopeChoice], str | None]) -> None:
        choices, default = found
        self.scopes_loaded = True
        self.scope.blockSignals(True)
        self.scope.clear()
        for choice in choices:
            if choice.level != "grid":
                self.scope.addItem(f"{choice.name} {choice.code}", choice.code)
        if default and self.scope.findData(default) < 0:  # no reference data names it
            self.scope.insertItem(0, default, default)
        index = self.scope.findData(default) if default else -1
        self.scope.setCurrentIndex(max(0, index))
        self.scope.blockSignals(False)
        self._load()

    def _load(self) -> None:
        ws, scope, month = self.session.ws, self.scope.currentData(), self.month.currentData()
        self.session.tasks.run_db(
            lambda _s: party_dashboard.party_board(ws, scope=scope, month=month),
            done=self._show,
            failed=lambda exc: self.note.setText(error_text(exc)),
        )

    def _show(self, board: PartyBoard) -> None:
        self.board = board
        for key, label in self.tiles.items():
            label.setText(_shown(figure(board.totals, key)))
        set_rows(
            self.areas,
            [
                [a.name, *(_shown(figure(a.report, key)) for key, _zh, _en in FIGURES)]
                for a in board.areas
            ],
        )
        set_rows(
            self.advisers,
            [
                [
                    a.name,
                    str(a.grids),
                    str(a.guidance),
                    *(str(a.by_kind.get(k, 0)) for k in _KINDS),
                    str(a.attendees),
                    str(a.taken_up),
                ]
                for a in board.advisers
            ],
        )
        self.areas.resizeColumnsToContents()
        self.advisers.resizeColumnsToContents()
        self._chart(board)

    def _chart(self, board: PartyBoard) -> None:
        en = self.lang.startswith("en")
        self.needs_chart.set_bars(
            [
                Bar(key, en_label if en else zh, int(figure(board.totals, key)))
                for key, zh, en_label in FIGURES
                if key.startswith("needs.")
            ]
        )
        # The twelve areas with the most, as the case dashboard's area chart shows.
        for chart, key in (
            (self.hours_chart, "service_hours"),
            (self.guidance_chart, "guidance_records"),
        ):
            ranked = sorted(board.areas, key=partial(_rank, key))
            bars = [Bar(a.code, a.name, round(figure(a.report, key))) for a in ranked[:12]]
            chart.set_bars(bars if any(b.count for b in bars) else [])

    # --- files --------------------------------------------------------------------------

    def write_pdf(self) -> None:
        self._write("pdf", self.tr("Save the monthly report"), self.tr("PDF files (*.pdf)"))

    def write_xlsx(self) -> None:
        self._write("xlsx", self.tr("Save the ledger"), self.tr("Excel files (*.xlsx)"))

    def _write(self, suffix: str, title: str, pattern: str) -> None:
        board = self.board
        if board is None:
            return
        kind = self.tr("Party monthly report") if suffix == "pdf" else self.tr("Party ledger")
        name = f"{kind}-{board.scope or ''}-{board.month}.{suffix}"
        path = ask_save_path(self, title, name, pattern)
        if path is None:
            return
        ws, scope, month = self.session.ws, board.scope, board.month

        def work(_s: object) -> Path:
            if suffix == "pdf":
                return party_ledger.print_party_report(ws, path, scope=scope, month=month)
            return party_ledger.write_party_ledger(ws, path, scope=scope, month=month)

        self.session.tasks.run_db(
            work,
            done=lambda written: self.note.setText(
                self.tr("Written: %1").replace("%1", str(written))
            ),
            failed=lambda exc: self.note.setText(error_text(exc)),
        )
