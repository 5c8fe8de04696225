"""A photo at full size: zoom (buttons, Ctrl+wheel, + and -, fit to the window) and
previous/next through the record's photos (buttons, ← and →). A photo still on its way
says 等待下载 and shows as soon as a sync brings it (services/photo_view.py)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gridworker.services.photo_view import FullPhoto, full_photo
from gridworker.ui.forms import error_text
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.05, 8.0


@dataclass(frozen=True)
class PhotoSource:
    """One photo to show: a stored attachment (`attachment_id`), or bytes in memory (a
    photo picked on a form not saved yet)."""

    attachment_id: str | None
    data: bytes | None = None
    caption: str | None = None
    is_evidence: bool = False


class PhotoViewer(QDialog):
    def __init__(
        self,
        session: AppSession,
        photos: list[PhotoSource],
        index: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.photos = session, photos
        self.index = max(0, min(index, len(photos) - 1))
        self.image: QImage | None = None
        self.zoom = 1.0
        self.fit = True
        self.setWindowTitle(self.tr("Photo"))
        self.resize(1000, 680)
        self.picture = QLabel()
        self.picture.setObjectName("picture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = QScrollArea()
        self.area.setWidget(self.picture)
        self.area.setWidgetResizable(False)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.viewport().installEventFilter(self)
        self.caption = QLabel()
        self.caption.setObjectName("caption")
        self.previous_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.zoom_out = QPushButton("−")
        self.zoom_in = QPushButton("+")
        self.fit_button = QPushButton(self.tr("Fit"))
        self.actual_button = QPushButton("100%")
        self.previous_button.clicked.connect(lambda: self.show_index(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_index(self.index + 1))
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom * ZOOM_STEP))
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom / ZOOM_STEP))
        self.fit_button.clicked.connect(self.fit_to_window)
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        for key, act in (
            (QKeySequence.StandardKey.ZoomIn, lambda: self.set_zoom(self.zoom * ZOOM_STEP)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.set_zoom(self.zoom / ZOOM_STEP)),
        ):
            QShortcut(QKeySequence(key), self, act)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.caption, 1)
        for button in (self.zoom_out, self.zoom_in, self.fit_button, self.actual_button):
            button.setAutoDefault(False)
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area, 1)
        layout.addLayout(bar)
        session.tasks.changed.connect(self._changed)
        self.show_index(self.index)

    # --- which photo ---------------------------------------------------------------------

    def show_index(self, index: int) -> None:
        if not self.photos:
            return
        self.index = index % len(self.photos)
        source = self.photos[self.index]
        self.previous_button.setEnabled(len(self.photos) > 1)
        self.next_button.setEnabled(len(self.photos) > 1)
        if source.attachment_id is None:
            self._loaded(FullPhoto("", source.caption, source.is_evidence, source.data))
            return
        ws, wanted = self.session.ws, source.attachment_id
        self.session.tasks.run_db(
            lambda _s: full_photo(ws, wanted),
            done=lambda photo: self._loaded(photo) if photo.id == self._current_id() else None,
            failed=lambda exc: self._say(error_text(exc)),
        )

    def _current_id(self) -> str | None:
        return self.photos[self.index].attachment_id if self.photos else None

    def waiting(self) -> bool:
        return self.image is None and self.picture.text() == self.tr("Waiting for download")

    def _loaded(self, photo: FullPhoto) -> None:
        position = f"{self.index + 1} / {len(self.photos)}"
        marks = [photo.caption or ""]
        if photo.is_evidence:
            marks.append(self.tr("evidence (location kept)"))
        self.caption.setText("  ".join(m for m in (position, *marks) if m))
        if photo.data is None:
            self.image = None
            self.picture.setPixmap(QPixmap())
            self._say(self.tr("Waiting for download"))
            return
        image = QImage.fromData(photo.data)
        if image.isNull():
            self.image = None
            self._say(self.tr("This file is not a picture that can be shown"))
            return
        self.image = image
        self.picture.setText("")
        if self.fit:
            self.fit_to_window()
        else:
            self.set_zoom(self.zoom)

    def _say(self, text: str) -> None:
        self.picture.setPixmap(QPixmap())
        self.picture.setText(text)
        self.picture.resize(self.area.viewport().size())

    def _changed(self, changes: OpChanges) -> None:
        # A sync that brought files: a photo that was on its way shows up.
        if changes.touches("attachment") and self.image is None and self.isVisible():
            self.show_index(self.index)

    # --- zoom ------------------------------------------------------------------------------

    def fit_to_window(self) -> None:
        self.fit = True
        if self.image is None:
            return
        view = self.area.viewport().size()
        scale = min(view.width() / self.image.width(), view.height() / self.image.height())
        self._draw(min(1.0, scale) if scale > 0 else 1.0)

    def set_zoom(self, zoom: float) -> None:
        self.fit = False
        self._draw(max(ZOOM_MIN, min(ZOOM_MAX, zoom)))

    def _draw(self, zoom: float) -> None:
        self.zoom = zoom
        if self.image is None:
            return
        width = max(1, round(self.image.width() * zoom))
        height = max(1, round(self.image.height() * zoom))
        pixmap = QPixmap.fromImage(self.image).scaled(
            width,
            height,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.picture.setPixmap(pixmap)
        self.picture.resize(pixmap.size())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Left:
            self.show_index(self.index - 1)
        elif event.key() == Qt.Key.Key_Right:
            self.show_index(self.index + 1)
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        ctrl = Qt.KeyboardModifier.ControlModifier
        if isinstance(event, QWheelEvent) and event.modifiers() & ctrl:
            step = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
            self.set_zoom(self.zoom * step)
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit:
            self.fit_to_window()
