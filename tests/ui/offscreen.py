"""The offscreen platform with a screen of a chosen size (its default is 800×800, and the
app keeps its windows inside the screen)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path


def desktop_screen(width: int = 1920, height: int = 1200) -> str:
    """QT_QPA_PLATFORM for an offscreen screen of `width`×`height` logical pixels at 96 dpi."""
    config = Path(tempfile.gettempdir()) / f"gridworker-test-screen-{width}x{height}.json"
    screen = {"name": "test", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1.0}]}))
    return f"offscreen:configfile={config}"
