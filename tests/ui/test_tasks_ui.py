"""Tasks in the window (docs/design.md §23): a worker's tasks on 今日待办 with their
countdown and buttons, and the supervisor's task desk with counts, filters, actions and
the 下发任务 dialog, driven through real widgets over a real profile."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

from gridworker.domain.enums_field import TaskKind, TaskState
from gridworker.services import register, task_queries, tasks
from gridworker.storage.entity_rows import HouseholdRow
from gridworker.ui.screens.task_desk import TaskDeskScreen
from gridworker.ui.screens.today import TodayScreen
from gridworker.ui.session import AppSession
from tests.conftest import GRID
from tests.services.test_tasks import NOW, as_supervisor, seed_tasks, with_staff
from tests.services.test_today import seed_day
from tests.ui.conftest import grab, wait_idle


def test_a_worker_signs_and_returns_tasks_on_my_day(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves 今日待办 lists the worker's three open tasks, overdue first with its working
    days, the named one's countdown; 签收 changes the selected task; 退回 without a reason
    says so and with one takes the task off the list."""
    seed_day(session.ws)  # the rest of the day, as a worker has it
    seeded = seed_tasks(session.ws)
    session.ws.clock = lambda: NOW
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1280, 860)
    screen.show()
    wait_idle(qtbot, session)
    panel = screen.tasks
    qtbot.waitUntil(lambda: len(panel.model.rows) == 3, timeout=5000)
    rows = panel.model.texts()
    assert rows[0][0] == "复查老王小炒整改" and rows[0][4] == "逾期3个工作日"
    assert [r[0] for r in rows[1:]] == ["夜查星辰网吧消防", "走访独居老人张秀英"]
    assert rows[1][4] == "剩2个工作日" and rows[1][5] == "已下发"
    assert panel.title.text() == "任务（3） · 1 项逾期"
    grab(screen, "today-tasks")
    buttons = panel.task_actions.buttons
    panel.table.selectRow(1)
    assert [b.text() for b in buttons.values() if b.isVisibleTo(panel)] == ["签收", "完成", "退回"]
    QTest.mouseClick(
        buttons[next(k for k in buttons if k.code == "sign")], Qt.MouseButton.LeftButton
    )
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: panel.model.rows and panel.model.rows[1].state is TaskState.signed)
    panel.table.selectRow(1)
    back = buttons[next(k for k in buttons if k.code == "return")]
    QTest.mouseClick(back, Qt.MouseButton.LeftButton)
    assert panel.task_actions.message.text() == "“退回”须填写原因"
    panel.task_actions.reason.setText("该网吧已停业")
    QTest.mouseClick(back, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: len(panel.model.rows) == 2, timeout=5000)
    assert seeded.named not in {t.id for t in panel.model.rows}
    screen.resize(1366, 768)
    grab(screen, "today-tasks-1366")


def test_the_task_desk_counts_filters_acts_and_issues(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves the desk's counts per grid and per worker, a click on the overdue count lists
    that task, 催办 on it counts a reminder, and the 下发任务 dialog issues a task that then
    shows on the desk; a Saturday due date is refused in the dialog."""
    seed_tasks(session.ws)
    as_supervisor(session.ws)
    session.ws.clock = lambda: NOW
    screen = TaskDeskScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1280, 860)
    screen.show()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: screen.desk is not None, timeout=5000)
    grids = screen.by_grid
    assert grids.rowCount() == 2
    cells = [[grids.item(r, c).text() for c in range(6)] for r in range(2)]
    assert cells[0][1:] == ["2", "·", "·", "·", "1"]  # GRID: two issued, one overdue
    workers = {screen.by_worker.item(r, 0).text() for r in range(screen.by_worker.rowCount())}
    assert workers == {"王伟", "李娜"}
    grab(screen, "task-desk")
    grids.cellClicked.emit(0, 5)
    assert [t.title for t in screen.model.rows] == ["复查老王小炒整改"]
    assert screen.show_all.isVisible()
    remind = next(b for k, b in screen.task_actions.buttons.items() if k.code == "remind")
    assert remind.isVisible()
    QTest.mouseClick(remind, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: bool(screen.model.rows) and screen.model.rows[0].remind_count == 1)
    assert "已催办×1" in screen.model.texts()[0][6]

    dialog = screen.open_issue()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.grid.count() > 0, timeout=5000)
    dialog.title_edit.setText("排查电动车入户充电")
    dialog.kind.setCurrentIndex(dialog.kind.findData("patrol"))
    dialog.due.setDate(QDate(2026, 11, 28))  # a Saturday
    grab(dialog, "task-issue")
    dialog.submit()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: "不是工作日" in dialog.error.text(), timeout=5000)
    dialog.due.setDate(QDate(2026, 12, 2))
    with qtbot.waitSignal(dialog.issued, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, session)
    titles = {t.title for t in task_queries.list_tasks(session.ws)}
    assert "排查电动车入户充电" in titles
    screen.clear_filter()
    qtbot.waitUntil(lambda: len(screen.model.rows) == 5, timeout=5000)
    screen.resize(1366, 768)
    grab(screen, "task-desk-1366")


def test_a_task_conflict_reads_as_the_tasks_action(qapp) -> None:  # type: ignore[no-untyped-def]
    """Proves a workflow conflict on a task names the task's refused action (签收, not a
    case action of the same code) and says why in words, not as a code."""
    from gridworker.services.syncing import ConflictView
    from gridworker.ui.models.conflicts import action_text, reason_text

    view = ConflictView(
        id="c1",
        kind="workflow",
        entity="task",
        record_id="t1",
        grid_code="360302001001001",
        status="open",
        fields=[],
        reject_code="task_invalid_transition",
        pending_resolution=False,
        action={"task_id": "t1", "action": "done", "actor": "worker.a2", "note": "已走访"},
    )
    assert action_text(view, "zh_CN") == "完成 · 操作人：worker.a2 · “已走访”"
    assert reason_text(view.reject_code, "zh_CN") == "有人先处理了这项任务：您的操作已不适用。"


def test_a_task_whose_target_left_the_laptop_says_so(qtbot, session: AppSession) -> None:  # type: ignore[no-untyped-def]
    """Proves 今日待办 keeps a task whose household was deleted after it was issued (the
    grid is the task's scope, docs/design.md §23) and names the target as no longer here,
    while a task whose household is held names it by its address."""
    ws = session.ws
    with_staff(ws)
    kept, gone = (
        register.register_household(
            ws, register.HouseholdInput(grid_code=GRID, household_no=no, address=f"凤凰小区{no}")
        )
        for no in ("0601", "0602")
    )
    worker = as_supervisor(ws)
    ws.clock = lambda: NOW
    for title, target in (("走访0601", kept), ("走访0602", gone)):
        tasks.create_task(
            ws,
            title=title,
            kind=TaskKind.visit,
            due=date(2026, 12, 3),
            assignee="wang.wei",
            grid_code=GRID,
            target_id=target,
        )
    ws.actor = worker
    register.delete_record(ws, HouseholdRow, gone)
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, session)
    panel = screen.tasks
    qtbot.waitUntil(lambda: len(panel.model.rows) == 2, timeout=5000)
    where = {row[0]: row[2] for row in panel.model.texts()}
    assert where["走访0601"].endswith(" · 凤凰小区0601")
    assert where["走访0602"].endswith(" · （对象已不在本机）")


def test_a_photo_sent_with_a_task_shows_on_my_day(qtbot, session: AppSession, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Proves the 下发任务 dialog takes a photo (its 照片 row; a file that is not a picture is
    refused there and then) and issues the task with it; the worker's 今日待办 shows the
    selected task's photo under the list, and nothing for a task without one; screenshots."""
    from PIL import Image

    seed_tasks(session.ws)
    worker = as_supervisor(session.ws)
    session.ws.clock = lambda: NOW
    desk = TaskDeskScreen(session)
    qtbot.addWidget(desk)
    dialog = desk.open_issue()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: dialog.grid.count() > 0, timeout=5000)
    dialog.to_worker.setChecked(True)
    dialog.worker.setCurrentIndex(dialog.worker.findData("wang.wei"))
    dialog.title_edit.setText("清理3栋楼道堆物")
    dialog.kind.setCurrentIndex(dialog.kind.findData("patrol"))
    dialog.due.setDate(QDate(2026, 12, 1))
    text = tmp_path / "说明.png"
    text.write_text("不是图片", encoding="utf-8")
    dialog.photos.add_file(text)
    assert dialog.photos.count() == 0 and "图片" in dialog.photos.message.text()
    photo = tmp_path / "楼道.png"
    Image.new("RGB", (160, 120), (120, 90, 60)).save(photo, format="PNG")
    dialog.photos.add_file(photo)
    assert dialog.photos.count() == 1
    dialog.show()
    qtbot.wait(100)
    assert not dialog.photos.evidence.isVisible()
    grab(dialog, "task-issue-photo")
    with qtbot.waitSignal(dialog.issued, timeout=5000) as issued:
        dialog.submit()
    wait_idle(qtbot, session)
    task_id = issued.args[0]

    session.ws.actor = worker
    screen = TodayScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    wait_idle(qtbot, session)
    panel = screen.tasks
    qtbot.waitUntil(lambda: len(panel.model.rows) == 4, timeout=5000)
    row = next(n for n, t in enumerate(panel.model.rows) if t.id == task_id)
    panel.table.selectRow(row)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: panel.photos.isVisible() and panel.photos.count() == 1)
    assert panel.photos.sources[0].caption == "楼道.png"
    assert not panel.photos.add_button.isVisible()
    grab(screen, "today-tasks-photo-1366")
    panel.table.selectRow(0 if row else 1)
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: not panel.photos.isVisible())
