"""Photo strip: pick files or paste from the clipboard, see thumbnails.

Bound to a saved record, each photo is stored at once through
services.attachments.attach (encrypted, EXIF GPS stripped unless marked
evidence). Unbound (a form not saved yet), photos wait in memory — never in a
temp file — and the form stores them with `store_photos` inside its save task.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from gridworker.domain.errors import ValidationError
from gridworker.services.attachments import attach, check_picture
from gridworker.services.case_queries import PhotoThumb, photo_thumbnails
from gridworker.services.workspace import Workspace
from gridworker.ui.forms import error_text
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.photo_viewer import PhotoSource, PhotoViewer

THUMB = 64
IMAGE_FILTER = "*.jpg *.jpeg *.png *.webp *.tif *.tiff"
ATTACHMENT_CHANGES = OpChanges(frozenset({"attachment"}))


@dataclass(frozen=True)
class PendingPhoto:
    """A photo picked before its record exists: plain bytes, stored when the form saves."""

    data: bytes
    caption: str | None
    is_evidence: bool


def store_photos(
    ws: Workspace, owner_entity: str, owner_id: str, photos: list[PendingPhoto]
) -> list[str]:
    """Store waiting photos on a record (call inside a database task); returns their ids."""
    return [
        attach(
            ws,
            owner_entity=owner_entity,
            owner_id=owner_id,
            data=p.data,
            caption=p.caption,
            is_evidence=p.is_evidence,
            photo=True,
        )
        for p in photos
    ]


def image_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; Qt wants str
    buffer.close()
    return bytes(data.data())


class PhotoStrip(QWidget):
    """Add photos (file or clipboard), mark them as evidence, show thumbnails."""

    changed = Signal()  # the number of photos changed
    stored = Signal(str)  # attachment id, once stored on a bound record

    def __init__(
        self,
        session: AppSession,
        *,
        owner_entity: str | None = None,
        owner_id: str | None = None,
        compact: bool = False,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.owner_entity = owner_entity
        self.owner_id = owner_id
        self._pending: list[PendingPhoto] = []
        self._stored = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.add_button = QToolButton()
        self.add_button.setObjectName("add_photo")
        self.add_button.setText(self.tr("+ Photo") if compact else self.tr("Add photo…"))
        self.add_button.setToolTip(self.tr("Pick photo files"))
        self.add_button.clicked.connect(self.pick_files)
        self.paste_button = QToolButton()
        self.paste_button.setObjectName("paste_photo")
        self.paste_button.setText(self.tr("Paste"))
        self.paste_button.setToolTip(self.tr("Paste a photo from the clipboard"))
        self.paste_button.clicked.connect(self.paste)
        self.evidence = QCheckBox(self.tr("Evidence"))
        self.evidence.setToolTip(
            self.tr("Evidence photos keep their GPS location; other photos lose it")
        )
        self.thumbs = QHBoxLayout()
        self.thumbs.setSpacing(4)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setVisible(False)
        for widget in (self.add_button, self.paste_button, self.evidence):
            row.addWidget(widget)
            widget.setVisible(not read_only)  # read only: the thumbnails and the viewer
        row.addLayout(self.thumbs)
        row.addWidget(self.message)
        row.addStretch(1)
        # What the thumbnails show, in order, for the viewer; and whether one waits for
        # its file (a sync that brings files reloads the strip).
        self.sources: list[PhotoSource] = []
        self.waiting = 0
        self.viewer: PhotoViewer | None = None
        session.tasks.changed.connect(self._changed)
        if owner_id is not None:
            self.reload()

    # --- what the form reads --------------------------------------------------------

    def count(self) -> int:
        return self._stored + len(self._pending)

    def pending(self) -> list[PendingPhoto]:
        return list(self._pending)

    def bind(self, owner_entity: str | None, owner_id: str | None) -> None:
        """Show (and store further photos on) another record; waiting photos are dropped."""
        self.owner_entity, self.owner_id = owner_entity, owner_id
        self._pending.clear()
        self._stored = 0
        self._clear_thumbs()
        if owner_id is not None:
            self.reload()
        self.changed.emit()

    # --- adding ---------------------------------------------------------------------

    def pick_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Add photos"), "", self.tr("Photos (%1)").replace("%1", IMAGE_FILTER)
        )
        for path in paths:
            self.add_file(Path(path))

    def paste(self) -> None:
        clipboard = QApplication.clipboard()
        mime = clipboard.mimeData()
        if mime is not None and mime.hasUrls():
            files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
            for path in files:
                self.add_file(path)
            if files:
                return
        image = clipboard.image()
        if image.isNull():
            self._show_message(self.tr("The clipboard holds no picture"))
            return
        self.add_bytes(image_png(image), caption=self.tr("pasted"))

    def add_file(self, path: Path) -> None:
        if self.owner_id is None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self._show_message(error_text(exc))
                return
            self.add_bytes(data, caption=path.name)
            return
        self._store(path=path, data=None, caption=path.name)

    def add_bytes(self, data: bytes, *, caption: str | None = None) -> None:
        if self.owner_id is None:
            try:
                check_picture(data)  # say so now, not when the form is saved
            except ValidationError as exc:
                self._show_message(error_text(exc))
                return
            photo = PendingPhoto(data, caption, self.evidence.isChecked())
            self._pending.append(photo)
            image = QImage.fromData(data)
            self.sources.append(PhotoSource(None, data, caption, photo.is_evidence))
            self._add_thumb(image if not image.isNull() else None, caption, photo.is_evidence)
            self._show_message("")
            self.changed.emit()
            return
        self._store(path=None, data=data, caption=caption)

    def _store(self, *, path: Path | None, data: bytes | None, caption: str | None) -> None:
        ws = self.session.ws
        entity, owner = self.owner_entity or "", self.owner_id or ""
        evidence = self.evidence.isChecked()

        def work(_state: object) -> str:
            return attach(
                ws,
                owner_entity=entity,
                owner_id=owner,
                data=data,
                path=path,
                caption=caption,
                is_evidence=evidence,
                photo=True,
            )

        def done(attachment_id: str) -> None:
            self.stored.emit(attachment_id)
            self.reload()

        self.session.tasks.run_db(work, done=done, failed=self._failed, changes=ATTACHMENT_CHANGES)

    # --- showing ----------------------------------------------------------------------

    def reload(self) -> None:
        owner = self.owner_id
        if owner is None:
            return
        ws = self.session.ws
        self.session.tasks.run_db(
            lambda _s: photo_thumbnails(ws, owner, size=THUMB * 2),
            done=lambda thumbs: self._show_stored(owner, thumbs),
            failed=self._failed,
        )

    def _show_stored(self, owner: str, thumbs: list[PhotoThumb]) -> None:
        if owner != self.owner_id:
            return  # the strip moved on to another record meanwhile
        self._clear_thumbs()
        for thumb in thumbs:
            image = QImage.fromData(thumb.png) if thumb.png else None
            self.sources.append(PhotoSource(thumb.id, None, thumb.caption, thumb.is_evidence))
            self._add_thumb(
                image, thumb.caption, thumb.is_evidence, waiting=thumb.waiting, unsent=thumb.unsent
            )
        self.waiting = sum(1 for t in thumbs if t.waiting)
        self._stored = len(thumbs)
        self._show_message("")
        self.changed.emit()

    def _add_thumb(
        self,
        image: QImage | None,
        caption: str | None,
        evidence: bool,
        *,
        waiting: bool = False,
        unsent: bool = False,
    ) -> None:
        label = _Thumb(len(self.sources) - 1)
        label.clicked.connect(self.open_viewer)
        label.setObjectName("thumbnail")
        label.setFixedSize(THUMB, THUMB)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        border = "#b45309" if evidence else "#9ca3af"
        label.setStyleSheet(f"border: 2px solid {border}; background: white;")
        if image is not None:
            label.setPixmap(
                QPixmap.fromImage(image).scaled(
                    THUMB - 4,
                    THUMB - 4,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        elif waiting:
            # Not here yet: the server has it (等待下载), or the laptop that took it has not
            # uploaded it yet (等待上传); either way a later sync brings it.
            if unsent:
                label.setText(self.tr("Waiting for upload"))
            else:
                label.setText(self.tr("Waiting for download"))
            label.setWordWrap(True)
        else:
            label.setText(self.tr("file"))
        tips = [caption or ""]
        if unsent:
            tips.append(self.tr("taken on another laptop and not uploaded yet"))
        if evidence:
            tips.append(self.tr("evidence (location kept)"))
        tip = " · ".join(t for t in tips if t)
        label.setToolTip(tip)
        self.thumbs.addWidget(label)

    def open_viewer(self, index: int) -> None:
        """The photo at full size, with the record's others a click away."""
        if not 0 <= index < len(self.sources):
            return
        viewer = PhotoViewer(self.session, list(self.sources), index, self.window())
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.viewer = viewer
        viewer.show()

    def _changed(self, changes: OpChanges) -> None:
        if self.waiting and changes.touches("attachment") and self.owner_id is not None:
            self.reload()  # the files a sync brought show up

    def _clear_thumbs(self) -> None:
        self.sources = []
        self.waiting = 0
        while self.thumbs.count():
            item = self.thumbs.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        self._show_message(error_text(exc))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


class _Thumb(QLabel):
    """A thumbnail that opens the viewer when clicked."""

    clicked = Signal(int)

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.index)
        super().mouseReleaseEvent(event)
