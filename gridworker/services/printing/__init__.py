"""Printable PDFs: 事件处置单 per case, 隐患排查记录 per inspection, 一户一档 per household.

Set in the computer's own Chinese font, embedded as a subset (the app bundles no
fonts), so the text prints, displays and extracts (pdftotext) exactly as written.
Each print is audit-logged like any export.
"""

from __future__ import annotations

from gridworker.services.printing.case_sheet import print_case
from gridworker.services.printing.fonts import FontNotFound, find_cjk_font
from gridworker.services.printing.household_sheet import print_household
from gridworker.services.printing.inspection_sheet import print_inspection

__all__ = ["FontNotFound", "find_cjk_font", "print_case", "print_household", "print_inspection"]
