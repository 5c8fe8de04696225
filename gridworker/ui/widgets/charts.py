"""Small bar charts drawn with QPainter (QtCharts is not in PySide6-Essentials).

A chart shows (key, label, count) bars, vertical (a time series: cases per day) or
horizontal (categories, areas). Clicking a bar emits ``bar_clicked(key)`` so the
screen can list the cases behind it; the bar under the mouse is highlighted and
its exact count shows as a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR = QColor("#2f6fad")
BAR_HOVER = QColor("#f59e0b")
AXIS = QColor("#9ca3af")
TEXT = QColor("#374151")
MUTED = QColor("#6b7280")


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int


def nice_ceiling(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


class BarChart(QWidget):
    """A titled bar chart; vertical bars for series over time, horizontal for categories."""

    bar_clicked = Signal(str)

    def __init__(
        self, title: str, *, horizontal: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.horizontal = horizontal
        self.bars: list[Bar] = []
        self._rects: list[QRectF] = []
        self._hover = -1
        self.empty_text = ""
        self.setMouseTracking(True)
        self.setMinimumSize(240, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self._hover = -1
        self.update()

    def bar_rect(self, index: int) -> QRectF:
        """Where bar `index` was drawn (for tests that click it)."""
        return self._rects[index]

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        painter.setPen(TEXT)
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(QPointF(10, 8 + line * 0.8), self.title)
        painter.setFont(self.font())
        area = QRectF(10, 16 + line, self.width() - 20, self.height() - 24 - line)
        self._rects = []
        if not self.bars or all(b.count == 0 for b in self.bars):
            painter.setPen(MUTED)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        top = nice_ceiling(max(b.count for b in self.bars))
        if self.horizontal:
            self._paint_horizontal(painter, area, metrics, top)
        else:
            self._paint_vertical(painter, area, metrics, top)
        painter.end()

    def _paint_horizontal(
        self, painter: QPainter, area: QRectF, metrics: QFontMetrics, top: int
    ) -> None:
        label_w = min(
            area.width() * 0.4, max(metrics.horizontalAdvance(b.label) for b in self.bars) + 8
        )
        number_w = metrics.horizontalAdvance(str(top)) + 10
        row_h = min(28.0, area.height() / len(self.bars))
        bar_h = max(4.0, row_h * 0.65)
        plot_w = area.width() - label_w - number_w
        for n, bar in enumerate(self.bars):
            y = area.top() + n * row_h
            label_rect = QRectF(area.left(), y, label_w - 6, row_h)
            painter.setPen(TEXT)
            elided = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_w - 6))
            painter.drawText(
                label_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elided
            )
            width = plot_w * bar.count / top
            rect = QRectF(area.left() + label_w, y + (row_h - bar_h) / 2, max(width, 1.0), bar_h)
            painter.fillRect(rect, BAR_HOVER if n == self._hover else BAR)
            painter.setPen(MUTED)
            painter.drawText(
                QRectF(rect.right() + 4, y, number_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                str(bar.count),
            )
            # The whole row is clickable, so short bars are easy to hit.
            self._rects.append(QRectF(area.left(), y, area.width(), row_h))

    def _paint_vertical(
        self, painter: QPainter, area: QRectF, metrics: QFontMetrics, top: int
    ) -> None:
        line = metrics.height()
        axis_w = metrics.horizontalAdvance(str(top)) + 8
        plot = QRectF(
            area.left() + axis_w, area.top(), area.width() - axis_w, area.height() - line - 4
        )
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(MUTED)
        for value in (0, top // 2, top) if top > 1 else (0, top):
            y = plot.bottom() - plot.height() * value / top
            painter.drawText(
                QRectF(area.left(), y - line / 2, axis_w - 4, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
            if value:
                painter.setPen(QPen(QColor("#eef0f3"), 1))
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                painter.setPen(MUTED)
        slot = plot.width() / len(self.bars)
        widest = max(metrics.horizontalAdvance(b.label) for b in self.bars) + 6
        every = max(1, int(widest // slot) + 1)
        for n, bar in enumerate(self.bars):
            height = plot.height() * bar.count / top
            x = plot.left() + n * slot
            rect = QRectF(x + slot * 0.15, plot.bottom() - height, max(slot * 0.7, 1.0), height)
            painter.fillRect(rect, BAR_HOVER if n == self._hover else BAR)
            if n % every == 0 or (n == len(self.bars) - 1 and (n % every) > every // 2):
                painter.setPen(MUTED)
                painter.drawText(
                    QRectF(x + slot / 2 - widest / 2, plot.bottom() + 2, widest, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    bar.label,
                )
            self._rects.append(QRectF(x, plot.top(), slot, plot.height()))

    # --- mouse -------------------------------------------------------------------------

    def _index_at(self, event: QMouseEvent) -> int:
        point = event.position()
        return next((n for n, r in enumerate(self._rects) if r.contains(point)), -1)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event)
        if index != self._hover:
            self._hover = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor
            )
            self.update()
        if index >= 0:
            bar = self.bars[index]
            QToolTip.showText(event.globalPosition().toPoint(), f"{bar.label}: {bar.count}", self)

    def leaveEvent(self, event: object) -> None:
        self._hover = -1
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event)
        if event.button() == Qt.MouseButton.LeftButton and index >= 0:
            self.bar_clicked.emit(self.bars[index].key)
