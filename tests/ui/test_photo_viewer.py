"""Photos that can be looked at: a thumbnail opens the photo full size, zoom and
previous/next work, and a photo whose file has not been downloaded yet says 等待下载 in
the strip and the viewer, and shows in both as soon as a sync brings the file."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from gridworker.services.attachments import attach
from gridworker.services.register import HouseholdInput, register_household
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import OpChanges
from gridworker.ui.widgets.photo_viewer import PhotoViewer
from gridworker.ui.widgets.photos import PhotoStrip, image_png
from tests.conftest import GRID
from tests.ui.conftest import grab, wait_idle


def _png(width: int, height: int, color: str, text: str = "") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    if text:  # something to look at in the screenshot: a sign on a wall
        painter = QPainter(image)
        painter.fillRect(width // 4, height // 3, width // 2, height // 3, QColor("#f8fafc"))
        font = painter.font()
        font.setPixelSize(height // 8)
        painter.setFont(font)
        painter.setPen(QColor("#1e3a8a"))
        painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
    return image_png(image)


def test_a_thumbnail_opens_the_photo_with_zoom_and_next(
    qtbot: QtBot, session: AppSession
) -> None:
    """Proves clicking the first thumbnail opens it full size (fitted to the window, at
    most 100 %), + zooms in, 100% shows it at its size, → and the Next button go to the
    other photo and wrap around, the caption says which of how many."""
    ws = session.ws
    hid = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0101", address="凤凰小区1栋101室")
    )
    sign = _png(1600, 1200, "#64748b", "凤凰小区5栋")
    attach(ws, owner_entity="household", owner_id=hid, data=sign, caption="门牌", photo=True)
    stairs = _png(400, 300, "#16a34a")
    attach(ws, owner_entity="household", owner_id=hid, data=stairs, caption="楼道", photo=True)
    strip = PhotoStrip(session, owner_entity="household", owner_id=hid)
    qtbot.addWidget(strip)
    strip.show()
    qtbot.waitUntil(lambda: len(strip.sources) == 2, timeout=5000)
    thumbs = strip.findChildren(type(strip.thumbs.itemAt(0).widget()))
    first = strip.thumbs.itemAt(0).widget()
    assert first is not None and len(thumbs) >= 2
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    viewer = strip.viewer
    assert isinstance(viewer, PhotoViewer)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.image is not None, timeout=5000)
    assert viewer.caption.text().startswith("1 / 2") and "门牌" in viewer.caption.text()
    assert viewer.fit and viewer.zoom <= 1.0
    grab(viewer, "photo-viewer")
    fitted = viewer.picture.pixmap().width()
    qtbot.mouseClick(viewer.zoom_in, Qt.MouseButton.LeftButton)
    assert viewer.picture.pixmap().width() > fitted and not viewer.fit
    qtbot.mouseClick(viewer.actual_button, Qt.MouseButton.LeftButton)
    assert viewer.picture.pixmap().width() == 1600
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: viewer.caption.text().startswith("2 / 2"), timeout=5000)
    qtbot.waitUntil(lambda: viewer.image is not None and viewer.image.width() == 400)
    qtbot.mouseClick(viewer.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.caption.text().startswith("1 / 2"), timeout=5000)


def test_a_photo_on_its_way_says_so_and_appears_when_it_arrives(
    qtbot: QtBot, session: AppSession
) -> None:
    """Proves a photo whose record is held but whose file is not (as after a pull, before
    its download) shows 等待下载 in the strip and in the viewer, and once the file is in
    the store and a sync announces attachments, both show the picture without a click."""
    ws = session.ws
    hid = register_household(
        ws, HouseholdInput(grid_code=GRID, household_no="0102", address="凤凰小区1栋102室")
    )
    data = _png(800, 600, "#dc2626")
    attach(ws, owner_entity="household", owner_id=hid, data=data, caption="现场", photo=True)
    sha = hashlib.sha256(data).hexdigest()
    assert ws.profile.attachments.delete(sha)  # the record came by pull, the file not yet
    strip = PhotoStrip(session, owner_entity="household", owner_id=hid)
    qtbot.addWidget(strip)
    strip.show()
    qtbot.waitUntil(lambda: strip.waiting == 1, timeout=5000)
    label = strip.thumbs.itemAt(0).widget()
    assert label is not None and label.text() == "等待下载"
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    viewer = strip.viewer
    assert isinstance(viewer, PhotoViewer)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.picture.text() == "等待下载", timeout=5000)
    assert viewer.image is None
    ws.profile.attachments.put_bytes(data, strip_gps=False)  # the download
    session.tasks.changed.emit(OpChanges(frozenset({"attachment"})))
    qtbot.waitUntil(lambda: viewer.image is not None, timeout=5000)
    qtbot.waitUntil(lambda: strip.waiting == 0, timeout=5000)
    wait_idle(qtbot, session)
    label = strip.thumbs.itemAt(0).widget()
    assert label is not None and not label.pixmap().isNull()
