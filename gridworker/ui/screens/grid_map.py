"""电子网格区域图: the district's grids drawn offline, coloured by open cases, hazards or
overdue visits. Clicking a grid narrows every screen to it (session.set_grid_filter);
the side panel lists its figures and opens its households, cases or hazards."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gridworker.domain.enums import Role
from gridworker.services.grid_map import (
    GridFigures,
    GridShape,
    GridShapes,
    MapLayer,
    grid_figures,
    grid_shapes,
    household_count,
    region_names,
)
from gridworker.services.workspace import Workspace
from gridworker.ui.forms import error_text, hint_label
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.grid_map_view import GridMapView


@dataclass(frozen=True)
class MapData:
    shapes: GridShapes
    figures: dict[str, GridFigures]
    regions: dict[str, str]


def load_map(ws: Workspace) -> MapData:
    """Everything the map shows, read in one database task."""
    return MapData(grid_shapes(ws), grid_figures(ws), region_names(ws))


class GridMapScreen(Screen):
    watches = frozenset(
        {"case", "rectification", "hazard_site", "visit", "household", "resident", "resident_tag"}
    )
    navigate = Signal(str, str)  # screen key, record id

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.data: MapData | None = None
        self._drawn: list[str] | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Colour by")))
        self.layer_box = QComboBox()
        self.layer_box.setObjectName("layer")
        for layer, text in self._layer_titles().items():
            self.layer_box.addItem(text, layer.value)
        self.layer_box.currentIndexChanged.connect(self._layer_changed)
        top.addWidget(self.layer_box)
        self.fit_button = QPushButton(self.tr("Whole district"))
        self.fit_button.setToolTip(self.tr("Zoom out to show every grid"))
        top.addWidget(self.fit_button)
        layout.addLayout(top)

        self.view = GridMapView()
        self.view.setObjectName("gridMap")
        self.view.grid_clicked.connect(self._grid_clicked)
        self.fit_button.clicked.connect(self.view.fit_to_view)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self._build_panel())
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([900, 300])
        layout.addWidget(splitter, 1)
        self.status = hint_label()
        layout.addWidget(self.status)
        self._layer_changed()

    def title(self) -> str:
        return self.tr("Grid map")

    def _layer_titles(self) -> dict[MapLayer, str]:
        return {
            MapLayer.cases: self.tr("Open cases"),
            MapLayer.hazards: self.tr("Hazards"),
            MapLayer.visits: self.tr("Overdue visits"),
        }

    def _figure_labels(self) -> dict[str, str]:
        return {
            "households": self.tr("Households"),
            "open_cases": self.tr("Open cases"),
            "hazards": self.tr("Hazard sites needing attention"),
            "open_rectifications": self.tr("Open rectifications"),
            "overdue_rectifications": self.tr("Overdue rectifications"),
            "dangerous_buildings": self.tr("C/D dangerous buildings"),
            "visits_overdue": self.tr("Residents overdue for a visit"),
        }

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        panel.setMinimumWidth(260)
        box = QVBoxLayout(panel)
        box.setContentsMargins(10, 0, 0, 0)
        self.panel_title = QLabel()
        self.panel_title.setObjectName("gridTitle")
        self.panel_title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.panel_title.setWordWrap(True)
        box.addWidget(self.panel_title)
        self.panel_code = hint_label()
        box.addWidget(self.panel_code)
        form = QFormLayout()
        self.figure_labels: dict[str, QLabel] = {}
        for key, text in self._figure_labels().items():
            value = QLabel("—")
            value.setObjectName(f"figure_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.figure_labels[key] = value
            form.addRow(text, value)
        box.addLayout(form)
        self.households_button = QPushButton(self.tr("Households of this grid"))
        self.cases_button = QPushButton(self.tr("Cases of this grid"))
        self.hazards_button = QPushButton(self.tr("Hazards of this grid"))
        self.clear_button = QPushButton(self.tr("Show all grids"))
        hazards_key = (
            "hazarddesk" if self.session.actor.role in (Role.supervisor, Role.admin) else "hazards"
        )
        for button, key in (
            (self.households_button, "register"),
            (self.cases_button, "cases"),
            (self.hazards_button, hazards_key),
        ):
            button.clicked.connect(lambda _c=False, k=key: self.navigate.emit(k, ""))
            box.addWidget(button)
        self.clear_button.clicked.connect(lambda: self.session.set_grid_filter(None))
        box.addWidget(self.clear_button)
        box.addSpacing(12)
        self.panel_hint = hint_label(
            self.tr(
                "Click a grid to see its figures; every screen then shows that grid only. "
                "Scroll to zoom, drag to move the map."
            )
        )
        box.addWidget(self.panel_hint)
        box.addStretch(1)
        self._show_panel()
        return panel

    # --- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(lambda _s: load_map(ws), done=self._loaded, failed=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc, self.lang))

    def _loaded(self, data: MapData) -> None:
        self.data = data
        codes = [s.code for s in data.shapes.shapes]
        if codes != self._drawn:  # redraw only when the grids themselves changed
            self.view.set_shapes(data.shapes.shapes, data.regions)
            self._drawn = codes
        self.view.set_figures(data.figures)
        self.view.set_tooltips({s.code: self._tooltip(s) for s in data.shapes.shapes})
        self.view.select(self.session.grid_filter or None)
        self._show_panel()
        if not codes:
            self.status.setText(
                self.tr("No grid boundaries yet: they arrive with the reference data at sync.")
            )
        elif data.shapes.skipped:
            self.status.setText(
                self.tr("%1 grids drawn; %2 skipped (no or malformed boundary).")
                .replace("%1", str(len(codes)))
                .replace("%2", str(len(data.shapes.skipped)))
            )
            self.status.setToolTip(
                "\n".join(f"{s.code} {s.name}: {s.reason}" for s in data.shapes.skipped[:30])
            )
        else:
            self.status.setText(self.tr("%1 grids").replace("%1", str(len(codes))))

    def _tooltip(self, shape: GridShape) -> str:
        figures = self.data.figures.get(shape.code) if self.data else None
        labels = self._figure_labels()
        lines = [f"<b>{shape.name}</b>", shape.code]
        for key in ("open_cases", "hazards", "visits_overdue"):
            value = getattr(figures, key) if figures else 0
            lines.append(f"{labels[key]}: {value}")
        return "<br>".join(lines)

    # --- interaction -------------------------------------------------------------------

    def _layer_changed(self, _index: int = 0) -> None:
        layer = MapLayer(self.layer_box.currentData())
        self.view.set_layer(layer, self._layer_titles()[layer])

    def current_layer(self) -> MapLayer:
        return MapLayer(self.layer_box.currentData())

    def set_layer(self, layer: MapLayer) -> None:
        self.layer_box.setCurrentIndex(self.layer_box.findData(layer.value))

    def _grid_clicked(self, code: str) -> None:
        self.session.set_grid_filter(code)

    def apply_grid_filter(self, grid_code: str | None) -> None:
        self.view.select(grid_code)
        self._show_panel()

    def _show_panel(self) -> None:
        code = self.session.grid_filter or None
        shape = None
        if code and self.data is not None:
            shape = next((s for s in self.data.shapes.shapes if s.code == code), None)
        selected = code is not None
        for button in (
            self.households_button,
            self.cases_button,
            self.hazards_button,
            self.clear_button,
        ):
            button.setEnabled(selected)
        if not selected:
            self.panel_title.setText(self.tr("No grid selected"))
            self.panel_code.setText("")
            for label in self.figure_labels.values():
                label.setText("—")
            return
        assert code is not None
        regions = self.data.regions if self.data else {}
        self.panel_title.setText(shape.name if shape else code)
        place = [regions.get(code[:9], ""), regions.get(code[:12], "")]
        self.panel_code.setText("  ".join([p for p in place if p] + [code]))
        figures = self.data.figures.get(code) if self.data else None
        for key, label in self.figure_labels.items():
            if key != "households":
                label.setText(str(getattr(figures, key) if figures else 0))
        if self.session.locked:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: household_count(ws, code),
            done=lambda n: self._show_households(code, n),
            failed=self._failed,
        )

    def _show_households(self, code: str, n: int) -> None:
        if code == self.session.grid_filter:  # not another grid picked meanwhile
            self.figure_labels["households"].setText(str(n))
