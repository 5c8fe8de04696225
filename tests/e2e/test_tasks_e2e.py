"""Tasks sent to the field across a supervisor's and workers' laptops through a real server
(docs/design.md §23): issuing to a grid and to a named worker, signing, answering with a
visit, returning, reminding, sending back, and two laptops acting on one task offline."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from gridworker.domain.enums import VisitMode
from gridworker.domain.enums_field import TaskActionKind, TaskKind, TaskState
from gridworker.domain.errors import WorkflowError
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.users import create_user
from gridworker.services import register, task_queries, tasks, visits
from gridworker.services.attachments import attachments_of
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.entity_rows import HouseholdRow, TaskRow
from gridworker.storage.models import LocalConflict, OutboxEntry
from tests.e2e.conftest import GRID_A, GRID_B, PASSWORD, LiveServer, enrolled
from tests.e2e.test_cli_sync import gw


def _due(ws: Workspace) -> date:
    return ws.calendar.next_working_day(ws.today() + timedelta(days=3))


def _sync(*workspaces: Workspace) -> None:
    for ws in workspaces:
        sync_now(ws, password=PASSWORD)


def _mine(ws: Workspace) -> dict[str, task_queries.TaskView]:
    return {t.id: t for t in task_queries.list_tasks(ws, mine=True, open_only=True)}


def test_tasks_flow_between_a_supervisor_and_two_workers(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the flow end to end: a grid task reaches both workers of the grid and a named
    task only its worker; two workers signing for one task offline end with the first one
    signed and the second one's action kept as a workflow conflict; a visit made for the
    task reports it done; the supervisor's desk counts per grid and worker; 退回重办 and a
    returned task come back to the right laptops; a 催办 made offline after the task was
    done is a conflict on the supervisor's laptop."""
    sup = enrolled(live_server, tmp_path, "sup.street")
    wa = enrolled(live_server, tmp_path, "worker.a")
    wa2 = enrolled(live_server, tmp_path, "worker.a2")
    wb = enrolled(live_server, tmp_path, "worker.b")
    try:
        # The staff directory arrived with the first pull: --to needs no grid.
        assert {w.username for w in tasks.staff_directory(sup)} >= {"worker.a", "worker.b"}
        grid_task = tasks.create_task(
            sup, title="走访独居老人", kind=TaskKind.visit, due=_due(sup), grid_code=GRID_A
        )
        named = tasks.create_task(
            sup, title="巡查凤凰小区3栋", kind=TaskKind.patrol, due=_due(sup), assignee="worker.b"
        )
        _sync(sup, wa, wa2, wb)
        assert set(_mine(wa)) == {grid_task} and set(_mine(wa2)) == {grid_task}
        assert set(_mine(wb)) == {named}
        assert _mine(wb)[named].grid_code == GRID_B
        assert _mine(wa)[grid_task].days_left >= 1

        # Both workers of grid A sign for the grid's task offline; worker.a reaches the
        # server first.
        tasks.act_on_task(wa, grid_task, TaskActionKind.sign)
        tasks.act_on_task(wa2, grid_task, TaskActionKind.sign)
        _sync(wa)
        report = sync_now(wa2, password=PASSWORD)
        assert report.conflicts == 1
        with wa2.read() as s:
            row = s.get(TaskRow, grid_task)
            assert row is not None and row.signed_by == "worker.a"
            conflict = s.query(LocalConflict).one()
            assert (conflict.kind, conflict.entity, conflict.record_id) == (
                "workflow",
                "task",
                grid_task,
            )
            assert conflict.reject_code == "task_invalid_transition"
        assert grid_task not in _mine(wa2)  # a colleague's now
        with pytest.raises(WorkflowError) as refused:
            tasks.act_on_task(wa2, grid_task, TaskActionKind.done)
        assert refused.value.code == "task_signed_by_other"
        assert "worker.a" in refused.value.message()

        # worker.a answers the task with a visit: the visit records it, the task is done.
        household = register.register_household(
            wa,
            register.HouseholdInput(grid_code=GRID_A, household_no="0301", address="凤凰小区3栋"),
        )
        visit = visits.record_visit(
            wa, household_id=household, mode=VisitMode.home, task_id=grid_task
        )
        # worker.b returns its task with a reason.
        tasks.act_on_task(wb, named, TaskActionKind.return_, note="该楼栋不在我的网格")
        _sync(wa, wb)
        # The supervisor reminds on the grid task offline, not knowing it was done.
        tasks.act_on_task(sup, grid_task, TaskActionKind.remind)
        report = sync_now(sup, password=PASSWORD)
        assert report.conflicts == 1  # the remind came after the task was done
        desk = task_queries.task_desk(sup)
        by_grid = {line.key: line.counts for line in desk.by_grid}
        by_worker = {line.key: line.counts for line in desk.by_worker}
        assert by_grid[GRID_A]["done"] == 1 and by_grid[GRID_B]["returned"] == 1
        assert by_worker["worker.a"]["done"] == 1 and by_worker["worker.b"]["returned"] == 1
        views = {t.id: t for t in desk.tasks}
        assert (views[grid_task].answer_entity, views[grid_task].answer_id) == (
            "visit",
            visit.visit_id,
        )
        assert views[named].reason == "该楼栋不在我的网格"

        # 退回重办 goes back to worker.a, signed for, with the reason.
        tasks.act_on_task(sup, grid_task, TaskActionKind.redo, note="照片不清楚，请补拍")
        tasks.act_on_task(sup, named, TaskActionKind.cancel, note="已改派")
        _sync(sup, wa, wb)
        again = _mine(wa)[grid_task]
        assert again.state is TaskState.signed and again.reason == "照片不清楚，请补拍"
        assert named not in _mine(wb)
        with wa.read() as s:
            pending = s.query(OutboxEntry).count()
        assert pending == 0
    finally:
        for ws in (sup, wa, wa2, wb):
            ws.close()


def test_scope_and_targets_of_tasks(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves a task for a grid outside the creator's scope is refused on the laptop with a
    clear message, and by the server when a laptop sends one anyway; a task whose target
    was deleted meanwhile is refused by the server; the named worker must work the grid."""
    engine = make_engine(live_server.db_url)
    with transaction(session_factory(engine)) as s:
        create_user(
            s,
            settings=live_server.settings,
            username="sup.narrow",
            password=PASSWORD,
            role="supervisor",
            grids=[GRID_A],
        )
    engine.dispose()
    narrow = enrolled(live_server, tmp_path, "sup.narrow")
    sup = enrolled(live_server, tmp_path, "sup.street")
    wa = enrolled(live_server, tmp_path, "worker.a")
    try:
        with pytest.raises(ServiceError) as refused:
            tasks.create_task(
                narrow, title="检查", kind=TaskKind.patrol, due=_due(narrow), grid_code=GRID_B
            )
        assert refused.value.message() == f"网格 {GRID_B} 不在您的管辖范围内，不能向它下发任务"
        with pytest.raises(ServiceError) as refused:
            tasks.create_task(
                narrow, title="检查", kind=TaskKind.patrol, due=_due(narrow), assignee="worker.b"
            )
        assert refused.value.code == "task_grid_not_yours"
        with pytest.raises(ServiceError) as refused:
            tasks.create_task(
                sup,
                title="x",
                kind=TaskKind.patrol,
                due=_due(sup),
                assignee="worker.b",
                grid_code=GRID_A,
            )
        assert refused.value.code == "task_assignee_not_in_grid"
        # A laptop that sends one anyway (written past the service) is refused by the server.
        with narrow.write() as s:
            s.add(
                TaskRow(
                    id="0193a9b0-0000-7000-8000-00000000abcd",
                    grid_code=GRID_B,
                    title="越权任务",
                    kind=TaskKind.patrol,
                    due_date=_due(narrow),
                    issued_by="sup.narrow",
                    issued_at=narrow.now(),
                )
            )
        report = sync_now(narrow, password=PASSWORD)
        assert report.rejected == 1
        with narrow.read() as s:
            entry = s.query(OutboxEntry).one()
        assert "不能向它下发任务" in (entry.last_error or "")

        # The target is deleted on a worker's laptop while the supervisor, offline, sends
        # a task about it.
        household = register.register_household(
            wa,
            register.HouseholdInput(grid_code=GRID_A, household_no="0402", address="凤凰小区4栋"),
        )
        _sync(wa, sup)
        register.delete_record(wa, HouseholdRow, household)
        _sync(wa)
        task_id = tasks.create_task(
            sup,
            title="走访",
            kind=TaskKind.visit,
            due=_due(sup),
            grid_code=GRID_A,
            target_id=household,
        )
        report = sync_now(sup, password=PASSWORD)
        assert report.rejected == 1
        with sup.read() as s:
            entry = s.query(OutboxEntry).filter_by(record_id=task_id).one()
        assert "任务对象已被删除" in (entry.last_error or "")
    finally:
        for ws in (narrow, sup, wa):
            ws.close()


def test_tasks_from_the_command_line(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves `gridworker tasks create --to`, `tasks list --json`, `tasks sign|done|return`
    and `tasks desk --json` against a live server, and a refused action's one line."""
    sup, wb = tmp_path / "sup", tmp_path / "wb"
    for profile, user in ((sup, "sup.street"), (wb, "worker.b")):
        r = gw(profile, "enroll", "--server", live_server.url, "--username", user, "--quiet")
        assert r.returncode == 0, r.stderr
    due = date.today() + timedelta(days=10)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    r = gw(sup, "tasks", "create", "--to", "worker.b", "--kind", "inspect", "--title",
           "夜查网吧消防", "--due", due.isoformat(), "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    task_id = json.loads(r.stdout)["id"]
    r = gw(sup, "tasks", "create", "--grid", "360302009001001", "--kind", "visit", "--title",
           "x", "--due", due.isoformat())  # fmt: skip
    assert r.returncode == 1 and "不在您的管辖范围内" in r.stderr
    assert gw(sup, "sync", "--quiet").returncode == 0
    assert gw(wb, "sync", "--quiet").returncode == 0
    r = gw(wb, "tasks", "list", "--json", "--mine")
    listed = json.loads(r.stdout)
    assert [t["id"] for t in listed] == [task_id]
    assert listed[0]["state"] == "issued" and listed[0]["actions"] == ["sign", "done", "return"]
    r = gw(wb, "tasks", "return", task_id)
    assert r.returncode == 1 and "须填写原因" in r.stderr
    r = gw(wb, "tasks", "sign", task_id)
    assert r.returncode == 0 and "已签收" in r.stdout
    assert gw(wb, "tasks", "done", task_id).returncode == 0
    assert gw(wb, "sync", "--quiet").returncode == 0
    assert gw(sup, "sync", "--quiet").returncode == 0
    desk = json.loads(gw(sup, "tasks", "desk", "--json").stdout)
    line = next(row for row in desk["by_worker"] if row["key"] == "worker.b")
    assert (line["done"], line["overdue"], line["returned"]) == (1, 0, 0)


def test_a_task_stays_when_its_target_moves_or_is_deleted(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves DESIGN's scope rules for a task's target that changes after the task was
    issued (docs/design.md §23): the household a visit task names is moved to grid B by the
    supervisor; the task stays in grid A with worker.a, who no longer holds the household
    (the list has no label for it: 今日待办 says "（对象已不在本机）", tests/ui/test_tasks_ui.py),
    while the supervisor still names it; a
    second task's household deleted by a colleague leaves that task with worker.a too, and
    the worker of grid B receives neither task."""
    sup = enrolled(live_server, tmp_path, "sup.street")
    wa = enrolled(live_server, tmp_path, "worker.a")
    wa2 = enrolled(live_server, tmp_path, "worker.a2")
    wb = enrolled(live_server, tmp_path, "worker.b")
    try:
        moving, going = (
            register.register_household(
                wa,
                register.HouseholdInput(grid_code=GRID_A, household_no=no, address=f"凤凰小区{no}"),
            )
            for no in ("0501", "0502")
        )
        _sync(wa, wa2, sup)
        issued = [
            tasks.create_task(
                sup,
                title=title,
                kind=TaskKind.visit,
                due=_due(sup),
                assignee="worker.a",
                target_id=target,
            )
            for title, target in (("走访搬迁户", moving), ("走访注销户", going))
        ]
        _sync(sup, wa)
        assert {t.target_label for t in _mine(wa).values()} == {"凤凰小区0501", "凤凰小区0502"}

        register.edit_record(sup, HouseholdRow, moving, {"grid_code": GRID_B})
        _sync(sup)
        register.delete_record(wa2, HouseholdRow, going)
        _sync(wa2, wa, wb)
        with wa.read() as s:
            assert s.get(HouseholdRow, moving) is None
        mine = _mine(wa)
        assert set(mine) == set(issued)
        for task_id in issued:
            view = mine[task_id]
            assert (view.grid_code, view.target_label) == (GRID_A, None)
            assert view.target_id is not None
        assert not set(issued) & {t.id for t in task_queries.list_tasks(wb)}
        by_id = {t.id: t for t in task_queries.list_tasks(sup)}
        assert by_id[issued[0]].target_label == "凤凰小区0501"  # the street still holds it
    finally:
        for ws in (sup, wa, wa2, wb):
            ws.close()


def test_a_tasks_photos_reach_the_workers_of_its_grid(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves photos sent with a task (`tasks create --photo`, twice) are stored encrypted on
    the supervisor's laptop, uploaded with the task and downloaded by both workers of its
    grid (each the picture sent), and by no worker of another grid; a file
    that is not a picture is refused before any task is written."""
    colours = [(200, 80, 40), (40, 80, 200)]
    sup = tmp_path / "sup"
    r = gw(sup, "enroll", "--server", live_server.url, "--username", "sup.street", "--quiet")
    assert r.returncode == 0, r.stderr
    photos = [tmp_path / "楼道堆物.png", tmp_path / "消防通道.png"]
    for colour, path in zip(colours, photos, strict=True):
        Image.new("RGB", (40, 30), colour).save(path, format="PNG")
    not_a_photo = tmp_path / "通知.png"
    not_a_photo.write_text("不是图片", encoding="utf-8")
    due = date.today() + timedelta(days=10)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    base = ["tasks", "create", "--grid", GRID_A, "--kind", "patrol", "--title", "清理楼道堆物",
            "--due", due.isoformat()]  # fmt: skip
    refused = gw(sup, *base, "--photo", str(not_a_photo))
    assert refused.returncode == 1 and "图片" in refused.stderr
    r = gw(sup, *base, "--photo", str(photos[0]), "--photo", str(photos[1]), "--json")
    assert r.returncode == 0, r.stderr
    task_id = json.loads(r.stdout)["id"]
    assert gw(sup, "sync", "--quiet").returncode == 0
    wa = enrolled(live_server, tmp_path, "worker.a")
    wa2 = enrolled(live_server, tmp_path, "worker.a2")
    wb = enrolled(live_server, tmp_path, "worker.b")
    try:
        for ws in (wa, wa2):
            assert [t.id for t in task_queries.list_tasks(ws)] == [task_id]
            files = sorted(attachments_of(ws, task_id), key=lambda a: a.caption or "")
            assert [a.caption for a in files] == [p.name for p in sorted(photos)]
            for a, path in zip(files, sorted(photos), strict=True):
                assert ws.profile.attachments.open_bytes(a.sha256) == path.read_bytes()
        assert task_queries.list_tasks(wb) == [] and attachments_of(wb, task_id) == []
    finally:
        for ws in (wa, wa2, wb):
            ws.close()


def test_a_task_names_its_target_from_the_command_line(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves `tasks create --target ID`: a household of grid B named for worker.b's task
    reaches worker.b with the household's address as its target; the same household for a
    task to grid A is refused in Chinese (the target must be in the task's grid), and an id
    this laptop does not hold is refused too; neither makes a task."""
    wb = enrolled(live_server, tmp_path, "worker.b")
    sup = enrolled(live_server, tmp_path, "sup.street")
    try:
        household = register.register_household(
            wb, register.HouseholdInput(grid_code=GRID_B, household_no="0701", address="建设路7号")
        )
        _sync(wb, sup)
    finally:
        sup.close()
    profile = tmp_path / "sup.street"
    due = date.today() + timedelta(days=10)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    base = ["tasks", "create", "--kind", "visit", "--title", "走访", "--due", due.isoformat()]
    r = gw(profile, *base, "--to", "worker.b", "--target", household, "--json")
    assert r.returncode == 0, r.stderr
    task_id = json.loads(r.stdout)["id"]
    wrong = gw(profile, *base, "--grid", GRID_A, "--target", household)
    assert wrong.returncode == 1 and "网格" in wrong.stderr, wrong.stderr
    unknown = gw(
        profile, *base, "--grid", GRID_B, "--target", "0193a9b0-0000-7000-8000-0000000000ff"
    )
    assert unknown.returncode == 1, unknown.stderr
    assert gw(profile, "sync", "--quiet").returncode == 0
    try:
        _sync(wb)
        [view] = task_queries.list_tasks(wb)
        assert (view.id, view.target_entity, view.target_id) == (task_id, "household", household)
        assert view.target_label == "建设路7号"
    finally:
        wb.close()
