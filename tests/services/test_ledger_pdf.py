"""Printable PDFs (事件处置单, 隐患排查记录): the system's Chinese font embedded as a subset,
text that extracts with pdftotext exactly as written, photos, masking and an audit row."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from gridworker.services import inspections
from gridworker.services.printing import (
    FontNotFound,
    find_cjk_font,
    fonts,
    print_case,
    print_inspection,
)
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import LocalAudit
from tests.conftest import SCREENSHOTS
from tests.services.test_ledgers import add_photo, require_tool, supervisor_ws


def extract(pdf: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it, whitespace removed (lines wrap)."""
    done = subprocess.run(
        [require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return "".join(done.stdout.split())


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_fonts(pdf: Path) -> list[list[str]]:
    done = subprocess.run(
        [require_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    )
    return [line.split() for line in done.stdout.splitlines()[2:]]


def test_case_sheet_extracts_as_the_chinese_written_with_timeline_and_photos(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves the 事件处置单 PDF holds, as pdftotext reads them, the title, category, urgency,
    place, grid, reporter, times, deadline and each timeline step with who, what and the note;
    that its one font is the system CJK font embedded as a subset with a Unicode map; that the
    two photos are in it; and that printing is audit-logged."""
    seeded = supervisor_ws(ws)
    add_photo(ws, "case", seeded.case_id, "楼道现场")
    add_photo(ws, "case", seeded.case_id, "清理前")
    out = print_case(ws, seeded.case_id, tmp_path / "out" / "处置单.pdf")
    assert out == (tmp_path / "out" / "处置单.pdf").resolve() and out.read_bytes()[:5] == b"%PDF-"
    text = extract(out)
    for expected in [
        "事件处置单",
        "事件编号：待编号（同步后由服务器生成）",  # never synced: no number yet
        f"记录编号{seeded.case_id}",
        "事件标题",
        "楼道堆放杂物堵塞消防通道",
        "安全隐患 / 消防",
        "一般",
        "网格员",
        "待签收",
        "凤凰社区第一网格（360302001001001）",
        "凤凰小区3栋2单元",
        "上报人王伟",  # display names, not logins (issue 19)
        "2026-11-25 10:00",
        "2026-11-30 17:30",
        "区城管局",
        "3栋2单元一至三楼楼道堆放纸箱和旧家具，影响疏散。",
        "处置过程",
        "王伟（网格员）",
        "王伟（督办员）",
        "草稿 → 待受理",
        "待受理 → 已受理",
        "已受理 → 待签收",
        "派往：区城管局；请尽快清理",
        "楼道现场",
        "清理前",
        "上报人（签字）",
        "结案审核（签字）",
    ]:
        assert flat(expected) in text, expected
    for action in ("上报", "受理", "派遣"):
        assert flat(action) in text
    [font] = pdf_fonts(out)
    emb, sub, uni = font[-5:-2]
    assert (emb, sub, uni) == ("yes", "yes", "yes") and "+" in font[0]  # ABCDEF+Name subset
    assert out.stat().st_size < 400_000  # a subset, not the 20 MB collection
    images = subprocess.run(
        [require_tool("pdfimages"), "-list", str(out)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len([line for line in images if " image " in line]) == 2
    with ws.read() as s:
        [audit] = s.scalars(select(LocalAudit)).all()
    assert (audit.action, audit.entity, audit.record_id) == ("export", "case", seeded.case_id)
    # The first page as an image, for the docs (looked at: layout, Chinese glyphs, photos).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-r",
            "90",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            str(out),
            str(SCREENSHOTS / "case-pdf"),
        ],
        check=True,
    )
    assert audit.detail == {"format": "pdf", "file": "处置单.pdf"}


def test_inspection_record_lists_every_item_failures_rectification_and_masks_the_phone(
    ws: Workspace, tmp_path: Path
) -> None:
    """Proves the 隐患排查记录 PDF holds the site, checklist title and version, every item of
    the template with its answer (unanswered ones as 未检查), the failed item with its note,
    the rectification it opened with its deadline, the signature lines, the responsible
    person's phone masked (never in full), and an audit row."""
    seeded = supervisor_ws(ws)
    out = print_inspection(ws, seeded.inspection_id, tmp_path / "insp.pdf")
    text = extract(out)
    for expected in [
        "隐患排查记录",
        "消防安全检查（九小场所）",
        "老王小炒",
        "建设路12号",
        "消防安全 / 小餐饮场所",
        "王建国 138****5678",
        "消防安全检查（九小场所）（第 1 版）",
        "日常巡查",
        "不合格",
        "消防管理",
        "已明确消防安全责任人和管理人",
        "电线穿管保护，无裸露",
        "后厨电线裸露",
        "排油烟管道最近一次清洗日期",
        "未检查",
        "不合格项（1 项）",
        "1. 电线穿管保护，无裸露",
        "2026-11-30",
        "整改中",
        "已当场告知",
        "检查人（签字）",
        "被检查单位负责人（签字）",
    ]:
        assert flat(expected) in text, expected
    _template, items = inspections.form_items(ws, seeded.site_id)
    assert len(items) > 20
    for item in items:
        assert flat(item.text["zh"]) in text, item.code
    assert "13812345678" not in text
    with ws.read() as s:
        [audit] = s.scalars(select(LocalAudit)).all()
    assert (audit.entity, audit.record_id) == ("inspection", seeded.inspection_id)


def test_missing_records_and_fonts_give_clear_errors(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves printing an unknown case or inspection says so and writes nothing, and a
    configured font that is not a font file is refused with a message naming the setting."""
    with pytest.raises(ServiceError, match="case does not exist"):
        print_case(ws, "no-such-case", tmp_path / "a.pdf")
    with pytest.raises(ServiceError, match="inspection does not exist"):
        print_inspection(ws, "no-such-inspection", tmp_path / "b.pdf")
    bogus = tmp_path / "font.txt"
    bogus.write_text("not a font")
    monkeypatch.setenv(fonts.FONT_ENV, str(bogus))
    find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontNotFound, match=fonts.FONT_ENV):
            find_cjk_font()
    finally:
        find_cjk_font.cache_clear()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["font.txt", "profile"]


def test_font_lookup_finds_fontconfigs_chinese_face_and_the_windows_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves fontconfig's answer is a font that covers Simplified Chinese (not the Latin
    fallback fc-match gives for a plain pattern), that on Windows msyh.ttc under %WINDIR%\\Fonts
    is found before simsun.ttc, and that GRIDWORKER_PDF_FONT=path#index picks a face."""
    require_tool("fc-match")
    found = fonts._fontconfig()
    assert found is not None and found.path.suffix.lower() in (".ttc", ".otc", ".ttf", ".otf")
    langs = subprocess.run(
        ["fc-query", "-i", str(found.index), "-f", "%{lang}", str(found.path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "zh-cn" in langs.split("|")
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    (windir / "Fonts" / "simsun.ttc").symlink_to(found.path)
    monkeypatch.setenv("WINDIR", str(windir))
    assert fonts._windows(fonts._WINDOWS) == fonts.FontFile(windir / "Fonts" / "simsun.ttc", 0)
    (windir / "Fonts" / "msyh.ttc").symlink_to(found.path)
    assert fonts._windows(fonts._WINDOWS) == fonts.FontFile(windir / "Fonts" / "msyh.ttc", 0)
    monkeypatch.setenv(fonts.FONT_ENV, f"{found.path}#{found.index}")
    assert fonts._from_setting() == found
