"""Notices in the window (docs/design.md §24): unread ones on 今日待办 and in a dialog when
the window opens, marked read there; the 通知公告 screen with the read counts per grid and
the 发布通知 dialog, driven through real widgets over a real profile."""

from __future__ import annotations

from gridworker.services import notices
from gridworker.services.workspace import Workspace
from gridworker.ui.main_window import MainWindow
from gridworker.ui.screens.notices import NoticesScreen
from gridworker.ui.screens.today import TodayScreen
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.notices import UnreadNoticesDialog
from tests.conftest import GRID
from tests.services.test_tasks import NOW, as_supervisor, with_staff
from tests.ui.conftest import grab, wait_idle


def publish_two(ws: Workspace) -> tuple[str, str]:
    """Two notices of the street supervisor, one must-read, as a sync brings them."""
    with_staff(ws)
    worker = as_supervisor(ws)
    ws.clock = lambda: NOW
    gas = notices.publish_notice(
        ws,
        area_code="360302001",
        title="关于开展燃气安全夜查的通知",
        body="请各网格于12月4日前完成辖区餐饮场所燃气安全检查，重点检查软管和报警器。",
        must_read=True,
    )
    water = notices.publish_notice(
        ws, area_code=GRID, title="凤凰小区周三停水", body="12月2日9:00–17:00停水，请提醒住户储水。"
    )
    ws.actor = worker
    return gas.publication_id, water.publication_id


def test_unread_notices_on_my_day_and_when_the_window_opens(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the window offers the unread notices when it opens (must-read counted), and
    今日待办's panel lists them; 标为已读 takes one off and the panel follows."""
    gas, _water = publish_two(session.ws)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: hasattr(window, "notices_dialog"), timeout=5000)
    dialog = window.notices_dialog
    assert isinstance(dialog, UnreadNoticesDialog)
    assert dialog.intro.text() == "有 2 条未读通知，其中 1 条必读"
    assert dialog.reader.list.item(0).text() == "● 【必读】关于开展燃气安全夜查的通知"
    grab(dialog, "notices-unread")
    dialog.accept()
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 900)
    screen.show()
    wait_idle(qtbot, session)
    panel = screen.notices
    qtbot.waitUntil(lambda: len(panel.reader.items) == 2, timeout=5000)
    assert panel.isVisible() and panel.title.text() == "未读通知（2）"
    panel.reader.mark.click()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: len(panel.reader.items) == 1, timeout=5000)
    assert [n.publication_id for n in notices.list_notices(session.ws) if n.read] == [gas]


def test_the_notices_screen_shows_read_counts_and_publishes(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the sender's screen counts per grid who read the selected notice, and the
    发布通知 dialog refuses an area outside the street and publishes inside it."""
    gas, _water = publish_two(session.ws)
    notices.mark_read(session.ws, gas)  # wang.wei read it (GRID and GRID2 are his)
    as_supervisor(session.ws)
    screen = NoticesScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: len(screen.reader.items) == 2, timeout=5000)
    row = [n.publication_id for n in screen.reader.items].index(gas)
    screen.reader.list.setCurrentRow(row)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.receipts.rowCount() == 2, timeout=5000)
    cells = [[screen.receipts.item(r, c).text() for c in range(3)] for r in range(2)]
    assert cells == [["凤凰社区第一网格", "1 / 1", ""], ["凤凰社区第二网格", "1 / 2", "li.na"]]
    grab(screen, "notices-receipts")
    dialog = screen.open_publish()
    dialog.area.setText("360302002")
    dialog.title_edit.setText("网格员业务培训通知")
    dialog.body.setPlainText("12月5日下午在街道三楼会议室培训。")
    dialog.submit()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: "没有您管辖的网格" in dialog.error.text(), timeout=5000)
    dialog.area.setText("360302001")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.published is not None and dialog.published.grids == 2


def test_a_notices_files_are_published_from_the_dialog_and_saved_by_a_reader(  # type: ignore[no-untyped-def]
    qtbot, session: AppSession, tmp_path
) -> None:
    """Proves the 发布通知 dialog attaches files (its 附件 row lists them; 清除 empties it) to
    every copy of the notice; a reader's 保存附件… writes them decrypted, under their own
    names, into the folder chosen (a second save does not overwrite: " (2)"), the button
    only on a notice with files; screenshots."""
    with_staff(session.ws)
    worker = as_supervisor(session.ws)
    session.ws.clock = lambda: NOW
    leaflet = tmp_path / "燃气安全告知书.pdf"
    leaflet.write_bytes(b"%PDF-1.4 leaflet")
    form = tmp_path / "检查登记表.xlsx"
    form.write_bytes(b"PK\x03\x04 form")
    screen = NoticesScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    dialog = screen.open_publish()
    dialog.area.setText("360302001")
    dialog.title_edit.setText("燃气安全夜查工作安排")
    dialog.body.setPlainText("附件为告知书和登记表，请打印后随身携带。")
    dialog.set_files([leaflet])
    dialog.clear_files.click()
    assert dialog.files == [] and dialog.files_label.text() == "无"
    dialog.set_files([leaflet, form])
    assert dialog.files_label.text() == "燃气安全告知书.pdf、检查登记表.xlsx"
    qtbot.wait(100)
    grab(dialog, "notices-publish-files")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, session)
    assert dialog.published is not None and dialog.published.grids == 2

    session.ws.actor = worker
    screen.refresh()
    wait_idle(qtbot, session)
    reader = screen.reader
    qtbot.waitUntil(lambda: len(reader.items) == 1, timeout=5000)
    reader.list.setCurrentRow(0)
    assert reader.save.isVisible() and reader.items[0].files == 2
    folder = tmp_path / "下载"
    folder.mkdir()
    for _ in range(2):
        reader.save_files(folder)
        wait_idle(qtbot, session)
        qtbot.waitUntil(lambda: "已保存" in reader.saved.text(), timeout=5000)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["燃气安全告知书.pdf", "检查登记表.xlsx", "燃气安全告知书 (2).pdf", "检查登记表 (2).xlsx"]
    )
    assert (folder / "燃气安全告知书.pdf").read_bytes() == leaflet.read_bytes()
    assert (folder / "检查登记表 (2).xlsx").read_bytes() == form.read_bytes()
    grab(screen, "notices-files-1366")
