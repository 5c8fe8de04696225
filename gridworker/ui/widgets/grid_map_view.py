"""The grid map canvas: every grid's boundary drawn offline (no tiles), coloured by a figure.

A QGraphicsView over one path item per grid, projected equirectangularly with the
longitude scaled by cos(latitude) at the district's centre (true enough at a district's
size). Wheel zooms under the pointer, dragging pans, a click (a press and release
without moving) emits `grid_clicked`. Labels appear once a grid is wide enough on
screen to hold them; the legend sits in the bottom-left corner.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from gridworker.services.grid_map import GridFigures, GridShape, MapLayer

SCALE = 10_000.0  # scene units per degree
CLICK_SLOP = 4  # pixels a press may move and still count as a click
ZOOM_STEP = 1.25
MAX_ZOOM = 60.0  # relative to the fitted view
GRID_LABEL_ZOOM = 2.0  # from this zoom on, grids are labelled instead of communities
# Sequential ramp (ColorBrewer YlOrRd), no-data grey first.
EMPTY = QColor("#eef1f5")
RAMP = [QColor(c) for c in ("#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")]
BORDER = QColor("#8a94a6")
SELECTED = QColor("#1d4ed8")


def legend_classes(max_value: int) -> list[tuple[int, int]]:
    """Value classes (low, high inclusive) for a ramp up to `max_value`: one class for
    zero, then at most len(RAMP) classes of equal width."""
    classes = [(0, 0)]
    if max_value <= 0:
        return classes
    steps = min(len(RAMP), max_value)
    width = math.ceil(max_value / steps)
    low = 1
    while low <= max_value:
        high = min(max_value, low + width - 1)
        classes.append((low, high))
        low = high + 1
    return classes


def class_colour(value: int, classes: list[tuple[int, int]]) -> QColor:
    if value <= 0:
        return EMPTY
    for n, (low, high) in enumerate(classes[1:]):
        if low <= value <= high:
            return RAMP[min(n, len(RAMP) - 1)]
    return RAMP[-1]


class GridItem(QGraphicsPathItem):
    """One grid's boundary (all its polygons, holes cut out)."""

    def __init__(self, shape: GridShape, path: QPainterPath) -> None:
        super().__init__(path)
        self.code = shape.code
        self.name = shape.name
        self.value = 0
        self.selected = False
        self.hovered = False
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.restyle()

    def restyle(self) -> None:
        if self.selected:
            pen = QPen(SELECTED, 3)
        elif self.hovered:
            pen = QPen(QColor("#334155"), 2)
        else:
            pen = QPen(BORDER, 0.7)
        pen.setCosmetic(True)  # the same width at every zoom
        self.setPen(pen)
        self.setZValue(3 if self.selected else 2 if self.hovered else 1)

    def hoverEnterEvent(self, event: object) -> None:
        self.hovered = True
        self.restyle()

    def hoverLeaveEvent(self, event: object) -> None:
        self.hovered = False
        self.restyle()


class Legend(QWidget):
    """The colour classes of the current layer, painted over the map's corner."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.title = ""
        self.classes: list[tuple[int, int]] = [(0, 0)]
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_classes(self, title: str, classes: list[tuple[int, int]]) -> None:
        self.title, self.classes = title, classes
        metrics = self.fontMetrics()
        width = max(
            metrics.horizontalAdvance(self.title),
            *(metrics.horizontalAdvance(self._text(c)) + 30 for c in classes),
        )
        self.resize(width + 20, 28 + 20 * len(classes))
        self.update()

    @staticmethod
    def _text(item: tuple[int, int]) -> str:
        low, high = item
        return str(low) if low == high else f"{low}–{high}"

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#cbd5e1")))
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.setPen(QColor("#111827"))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(10, 19, self.title)
        painter.setFont(self.font())
        for n, item in enumerate(self.classes):
            y = 28 + n * 20
            painter.setPen(QPen(BORDER, 1))
            painter.setBrush(class_colour(item[0], self.classes))
            painter.drawRect(10, y + 2, 20, 14)
            painter.setPen(QColor("#111827"))
            painter.drawText(38, y + 14, self._text(item))
        painter.end()


class GridMapView(QGraphicsView):
    """Draws grids from their shapes and colours them by one layer's figure."""

    grid_clicked = Signal(str)  # grid code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(QBrush(QColor("#f8fafc")))
        self.setMouseTracking(True)
        # Dragging pans; scroll bars would only take room from the map.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items_by_code: dict[str, GridItem] = {}
        self.labels: dict[str, QGraphicsSimpleTextItem] = {}
        self.anchors: dict[str, tuple[float, float, float]] = {}  # label x, y; grid width
        self.short_names: dict[str, str] = {}  # 第3网格 for 凤凰池社区第3网格
        # community code -> (label, centre x, centre y, width), shown when zoomed out
        self.community_labels: dict[str, tuple[QGraphicsSimpleTextItem, float, float, float]] = {}
        self.extent = QRectF()
        self.figures: Mapping[str, GridFigures] = {}
        self.layer = MapLayer.cases
        self.layer_title = ""
        self.selected_code: str | None = None
        self._fitted_scale = 1.0
        self._auto_fit = True
        self._press: QPoint | None = None
        # A child of the view, not of the viewport: scrolling moves the viewport's children.
        self.legend = Legend(self)

    # --- content ---------------------------------------------------------------------

    def set_shapes(self, shapes: list[GridShape], regions: Mapping[str, str] | None = None) -> None:
        """Replace the drawn grids (keeps the selection when the grid is still there).
        `regions` (community code → name) shortens labels to the grid's own part."""
        regions = regions or {}
        scene = self.scene()
        scene.clear()
        self.items_by_code, self.labels, self.anchors = {}, {}, {}
        self.short_names, self.community_labels = {}, {}
        if not shapes:
            return
        lon0 = (min(s.bbox[0] for s in shapes) + max(s.bbox[2] for s in shapes)) / 2
        lat0 = (min(s.bbox[1] for s in shapes) + max(s.bbox[3] for s in shapes)) / 2
        kx = SCALE * math.cos(math.radians(lat0))

        # Scene origin at the district's centre: QGraphicsView's scrolling is integer
        # based, and coordinates near a million put clicks tens of units off.
        def project(lon: float, lat: float) -> tuple[float, float]:
            return (lon - lon0) * kx, -(lat - lat0) * SCALE

        for shape in shapes:
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)
            for polygon in shape.polygons:
                for ring in polygon:
                    path.addPolygon(QPolygonF([QPointF(*project(x, y)) for x, y in ring]))
                    path.closeSubpath()
            item = GridItem(shape, path)
            scene.addItem(item)
            self.items_by_code[shape.code] = item
            community = regions.get(shape.community_code, "")
            short = (
                shape.name[len(community) :]
                if community and shape.name.startswith(community)
                else ""
            )
            self.short_names[shape.code] = short or shape.code[-3:]
            label = QGraphicsSimpleTextItem(shape.name)
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            label.setBrush(QColor("#1f2937"))
            label.setZValue(4)
            self.anchors[shape.code] = (
                *project(*shape.label_point),
                (shape.bbox[2] - shape.bbox[0]) * kx,
            )
            scene.addItem(label)
            self.labels[shape.code] = label
        self._outline_communities(shapes, regions)
        extent = QRectF()
        for item in self.items_by_code.values():
            extent = extent.united(item.boundingRect())
        self.extent = extent
        pad = max(extent.width(), extent.height()) * 0.03  # room to pan just past the edge
        scene.setSceneRect(extent.adjusted(-pad, -pad, pad, pad))
        if self.selected_code not in self.items_by_code:
            self.selected_code = None
        else:
            self.items_by_code[self.selected_code].selected = True
            self.items_by_code[self.selected_code].restyle()
        self.recolour()
        self.fit_to_view()

    def _outline_communities(self, shapes: list[GridShape], regions: Mapping[str, str]) -> None:
        """A darker outline around each community's grids, and its name for the whole view."""
        members: dict[str, list[GridItem]] = {}
        for shape in shapes:
            members.setdefault(shape.community_code, []).append(self.items_by_code[shape.code])
        for community, items in members.items():
            outline = QPainterPath()
            for item in items:
                outline = outline.united(item.path())
            border = QGraphicsPathItem(outline.simplified())
            pen = QPen(QColor("#475569"), 1.6)
            pen.setCosmetic(True)
            border.setPen(pen)
            border.setBrush(Qt.BrushStyle.NoBrush)
            border.setZValue(2.5)
            border.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.scene().addItem(border)
            name = regions.get(community)
            if not name:
                continue
            label = QGraphicsSimpleTextItem(name)
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            font = QFont(self.font())
            font.setBold(True)
            label.setFont(font)
            label.setBrush(QColor("#1e293b"))
            label.setZValue(4)
            self.scene().addItem(label)
            box = outline.boundingRect()
            self.community_labels[community] = (
                label,
                box.center().x(),
                box.center().y(),
                box.width(),
            )

    def set_figures(self, figures: Mapping[str, GridFigures]) -> None:
        self.figures = figures
        self.recolour()

    def set_layer(self, layer: MapLayer, title: str) -> None:
        self.layer, self.layer_title = layer, title
        self.recolour()

    def value_of(self, code: str) -> int:
        return self.layer.figure(self.figures.get(code))

    def recolour(self) -> None:
        values = {code: self.value_of(code) for code in self.items_by_code}
        classes = legend_classes(max(values.values(), default=0))
        for code, item in self.items_by_code.items():
            item.value = values[code]
            fill = class_colour(item.value, classes)
            item.setBrush(fill)
            if code in self.labels:  # light text on the darkest classes
                dark = fill.lightnessF() < 0.45
                self.labels[code].setBrush(QColor("#ffffff" if dark else "#1f2937"))
        self.legend.set_classes(self.layer_title, classes)
        self._place_legend()

    def colour_of(self, code: str) -> QColor:
        return self.items_by_code[code].brush().color()

    def set_tooltips(self, texts: Mapping[str, str]) -> None:
        for code, item in self.items_by_code.items():
            item.setToolTip(texts.get(code, code))

    def select(self, code: str | None) -> None:
        """Highlight one grid (None: none) and bring it into view."""
        if self.selected_code in self.items_by_code:
            old = self.items_by_code[self.selected_code]
            old.selected = False
            old.restyle()
        self.selected_code = code if code in self.items_by_code else None
        if self.selected_code is not None:
            item = self.items_by_code[self.selected_code]
            item.selected = True
            item.restyle()
            shown = self.mapFromScene(item.boundingRect()).boundingRect()
            if not self.viewport().rect().contains(shown):
                self.centerOn(item)  # only when off screen: the whole-district view stays

    # --- view ------------------------------------------------------------------------

    def fit_to_view(self) -> None:
        """Show the whole district."""
        rect = self.extent
        if rect.isEmpty():
            return
        pad = max(rect.width(), rect.height()) * 0.02
        self.resetTransform()
        self.fitInView(rect.adjusted(-pad, -pad, pad, pad), Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted_scale = self.transform().m11()
        self._auto_fit = True
        self._update_labels()

    def zoom_factor(self) -> float:
        """Zoom relative to the fitted view (1.0 = whole district)."""
        return self.transform().m11() / self._fitted_scale if self._fitted_scale else 1.0

    def zoom(self, factor: float) -> None:
        target = self.zoom_factor() * factor
        if target < 0.5 or target > MAX_ZOOM:
            return
        self.scale(factor, factor)
        self._auto_fit = False
        self._update_labels()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(ZOOM_STEP**steps)
        event.accept()

    def _update_labels(self) -> None:
        """Zoomed out, community names; zoomed in, grid names (or 第N网格) where they fit."""
        pixels_per_unit = self.transform().m11()
        metrics = self.fontMetrics()
        grids_level = self.zoom_factor() >= GRID_LABEL_ZOOM
        for label, x, y, width in self.community_labels.values():
            fits = width * pixels_per_unit > label.boundingRect().width() + 6
            label.setVisible(not grids_level and fits)
            self._centre(label, x, y, pixels_per_unit)
        for code, label in self.labels.items():
            x, y, scene_width = self.anchors[code]
            width = scene_width * pixels_per_unit
            label.setVisible(False)
            if not grids_level:
                continue
            for text in (self.items_by_code[code].name, self.short_names.get(code, "")):
                if text and width > metrics.horizontalAdvance(text) + 8:
                    label.setText(text)
                    self._centre(label, x, y, pixels_per_unit)
                    label.setVisible(True)
                    break

    @staticmethod
    def _centre(label: QGraphicsSimpleTextItem, x: float, y: float, pixels_per_unit: float) -> None:
        # The label ignores the view's scale: offset by half its size in scene units.
        rect = label.boundingRect()
        label.setPos(
            x - rect.width() / 2 / pixels_per_unit, y - rect.height() / 2 / pixels_per_unit
        )

    def labels_shown(self) -> int:
        return sum(1 for label in self.labels.values() if label.isVisible())

    def _place_legend(self) -> None:
        area = self.viewport().geometry()
        self.legend.move(area.left() + 10, area.bottom() - self.legend.height() - 10)
        self.legend.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_to_view()
        self._place_legend()

    # --- clicks ----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        here = event.position().toPoint()
        if (here - press).manhattanLength() > CLICK_SLOP:
            self._auto_fit = False  # a drag panned the map
            return
        code = self.grid_at(here)
        if code is not None:
            self.grid_clicked.emit(code)

    def grid_at(self, pos: QPoint) -> str | None:
        """The grid under a viewport position."""
        for item in self.items(pos):
            if isinstance(item, GridItem):
                return item.code
        return None

    def viewport_point_of(self, code: str) -> QPoint:
        """Where a grid's label point is on screen (tests click there)."""
        x, y, _width = self.anchors[code]
        return self.mapFromScene(QPointF(x, y))
