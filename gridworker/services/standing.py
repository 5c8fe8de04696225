"""Who is in the active register (docs/design.md §12): a resident who moved out or died
leaves lists, due visits, map counts and exports (unless asked for all) but stays in the
household's history; 人户分离 stays in the register."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from gridworker.domain.life_enums import DEPARTED
from gridworker.storage.models import ResidentRow


def in_register() -> ColumnElement[bool]:
    """SQL: the resident row is in the active register."""
    return or_(ResidentRow.life_status.is_(None), ResidentRow.life_status.notin_(DEPARTED))
