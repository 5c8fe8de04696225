"""Where the shipped resources (checklists, demo district, translations) live.

`resources/` sits beside the package in a source checkout; a PyInstaller build
puts it under sys._MEIPASS; GRIDWORKER_RESOURCES overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("GRIDWORKER_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
