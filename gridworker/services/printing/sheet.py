"""An A4 form in the house layout: title, field grid, sections, tables, photos, signatures.

A thin layer over fpdf2 so the case and inspection sheets read as what they print.
Text is set in the system's Chinese font (see fonts.py), embedded as a subset.
Long Chinese text wraps at any character (there are no spaces to break at).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from gridworker.domain.atomic import atomic_path
from gridworker.services.printing.fonts import find_cjk_font

FAMILY = "cjk"
INK = (31, 41, 55)
MUTED = (107, 114, 128)
ACCENT = (31, 59, 90)
LABEL_FILL = (238, 242, 247)
BAND_FILL = (248, 250, 252)
WARN = (179, 38, 30)
LINE_HEIGHT = 6.5


class Sheet(FPDF):
    """One printable document; `footer_note` is printed at the foot of every page."""

    def __init__(self, *, title: str, footer_note: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        font = find_cjk_font()
        self.add_font(FAMILY, "", str(font.path), collection_font_number=font.index)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_creator("GridWorker 网格通")
        self.footer_note = footer_note
        self.add_page()
        self.set_text_color(*INK)

    @property
    def width(self) -> float:
        """The printable width between the margins."""
        return float(self.w - self.l_margin - self.r_margin)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(self.width / 2, 5, self.footer_note, align=Align.L)
        self.cell(self.width / 2, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align=Align.R)
        self.set_text_color(*INK)

    @contextmanager
    def drawn_bold(self, rgb: tuple[int, int, int] = INK, weight: float = 0.3) -> Iterator[None]:
        """Bold drawn by stroking the glyph outlines (one embedded face serves all)."""
        self.set_text_color(*rgb)
        self.set_draw_color(*rgb)
        self.set_line_width(weight)
        self.text_mode = TextMode.FILL_STROKE
        try:
            yield
        finally:
            self.text_mode = TextMode.FILL
            self.set_text_color(*INK)
            self.set_draw_color(0, 0, 0)
            self.set_line_width(0.2)

    # --- blocks -------------------------------------------------------------------------

    def heading(self, text: str, subtitle: str = "") -> None:
        self.set_font(FAMILY, "", 18)
        with self.drawn_bold(weight=0.35):
            self.cell(0, 11, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font(FAMILY, "", 9)
            self.set_text_color(*MUTED)
            self.cell(0, 6, subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(*INK)
        self.ln(2)

    def section(self, text: str) -> None:
        """A section title with a rule under it; starts a new page if too close to the end."""
        if self.get_y() > self.page_break_trigger - 25:
            self.add_page()
        self.ln(3)
        self.set_font(FAMILY, "", 12)
        with self.drawn_bold(ACCENT, 0.2):
            self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_line_width(0.4)
            self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
        self.ln(2)

    def fields(self, pairs: Sequence[tuple[str, str]], *, wide: Sequence[str] = ()) -> None:
        """Label/value pairs two to a row; labels in `wide` take a whole row."""
        self.set_font(FAMILY, "", 10)
        label_w, value_w = 24.0, self.width / 2 - 24.0
        label_style = FontFace(color=ACCENT, fill_color=LABEL_FILL)
        with self.table(
            col_widths=(label_w, value_w, label_w, value_w),
            first_row_as_headings=False,
            text_align="LEFT",
            wrapmode=WrapMode.CHAR,
            line_height=LINE_HEIGHT,
            padding=(1, 1.5),
        ) as table:
            row = None
            filled = 0
            for label, value in pairs:
                if label in wide or filled == 2:
                    filled = 0
                if filled == 0:
                    row = table.row()
                assert row is not None
                row.cell(label, style=label_style)
                if label in wide:
                    row.cell(value or "—", colspan=3)
                    filled = 2
                    continue
                row.cell(value or "—")
                filled += 1
            if filled == 1 and row is not None:
                row.cell("", style=label_style)
                row.cell("")

    def paragraph(self, text: str) -> None:
        self.set_font(FAMILY, "", 10)
        self.multi_cell(
            0, LINE_HEIGHT, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def grid(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        warn_rows: frozenset[int] = frozenset(),
        band_rows: frozenset[int] = frozenset(),
    ) -> None:
        """A table with a repeated header row; `warn_rows` in red, `band_rows` as sub-headings
        spanning the whole width (their first cell is the text)."""
        self.set_font(FAMILY, "", 9)
        heading = FontFace(color=ACCENT, fill_color=LABEL_FILL)
        warn = FontFace(color=WARN)
        band = FontFace(color=ACCENT, fill_color=BAND_FILL)
        with self.table(
            col_widths=tuple(widths),
            headings_style=heading,
            text_align="LEFT",
            wrapmode=WrapMode.CHAR,
            line_height=LINE_HEIGHT - 0.5,
            padding=(1, 1.5),
        ) as table:
            header = table.row()
            for text in headers:
                header.cell(text)
            for n, values in enumerate(rows):
                row = table.row()
                if n in band_rows:
                    row.cell(values[0], colspan=len(headers), style=band)
                    continue
                style = warn if n in warn_rows else None
                for text in values:
                    row.cell(text, style=style)

    def photos(self, photos: Sequence[tuple[bytes, str]], *, width: float = 40.0) -> None:
        """PNG thumbnails with their captions, four to a row."""
        gap, per_row = 5.0, max(1, int((self.width + 5.0) // (width + 5.0)))
        x0 = self.l_margin
        for start in range(0, len(photos), per_row):
            batch = photos[start : start + per_row]
            height = width * 0.75 + 8
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            top = self.get_y()
            for n, (png, caption) in enumerate(batch):
                x = x0 + n * (width + gap)
                self.image(
                    io.BytesIO(png), x=x, y=top, w=width, h=width * 0.75, keep_aspect_ratio=True
                )
                self.set_xy(x, top + width * 0.75 + 1)
                self.set_font(FAMILY, "", 8)
                self.set_text_color(*MUTED)
                self.cell(width, 5, caption[:24], align=Align.C)
                self.set_text_color(*INK)
            self.set_xy(x0, top + height)

    def signatures(self, labels: Sequence[str]) -> None:
        """Lines to sign by hand, two to a row, each with a date."""
        if self.get_y() > self.page_break_trigger - 12 * ((len(labels) + 1) // 2) - 10:
            self.add_page()
        self.ln(6)
        self.set_font(FAMILY, "", 10.5)
        half = self.width / 2
        for start in range(0, len(labels), 2):
            for label in labels[start : start + 2]:
                self.cell(half, 10, f"{label}：________________")
            self.ln(8)
            for _ in labels[start : start + 2]:
                self.cell(half, 8, "日期：______年____月____日")
            self.ln(12)

    def save(self, out: Path) -> Path:
        """Write beside `out`, then move into place: a failure leaves no half-written file."""
        out = out.resolve()
        with atomic_path(out, durable=False) as tmp:
            self.output(str(tmp))
        return out
