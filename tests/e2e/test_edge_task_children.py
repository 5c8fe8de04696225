"""A task whose grid changes otherwise than by a plain push takes its actions and photos
along: by a supervisor's conflict resolution, and by a laptop's re-send after the server
was restored to a backup older than the move (docs/design.md §4, server/children.py). The
new grid's laptops then hold the task's history and pictures and the old grid's evict
them. Real server process on SQLite and PostgreSQL, real SQLCipher profiles."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from gridworker.domain.enums_field import TaskActionKind, TaskKind
from gridworker.server.users import import_grids
from gridworker.services import register, tasks
from gridworker.services.conflicts import list_conflicts, resolve_conflict
from gridworker.services.syncing import sync_now
from gridworker.services.workspace import Workspace
from gridworker.storage.entity_rows import TaskRow
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.e2e.server_ops import backup, restore, server_session, set_grids
from tests.e2e.test_edge_children import grids, push_only
from tests.e2e.test_sync_e2e import snapshot

GRID_C = "360302001001003"


def _add_grid_c(server: LiveServer) -> None:
    """A third grid in the supervisor's area, worked by worker.a2 (moved there from grid A):
    a grid conflict needs two values besides the one both laptops saw."""
    x, y = 113.90, 27.62
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    with server_session(server.db_url) as s:
        import_grids(
            s,
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"grid_code": GRID_C, "name": "网格C"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            },
        )
    set_grids(server.db_url, "worker.a2", [GRID_C])


def _picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


def _issue(sup: Workspace, worker: Workspace) -> str:
    """A task of grid A with a photo, signed by `worker`; everything on the server."""
    due = sup.calendar.next_working_day(sup.today() + timedelta(days=3))
    task_id = tasks.create_task(
        sup,
        title="清理楼道堆物",
        kind=TaskKind.patrol,
        due=due,
        grid_code=GRID_A,
        photos=[(_picture(), "楼道")],
    )
    sync_now(sup)
    sync_now(worker)
    tasks.act_on_task(worker, task_id, TaskActionKind.sign)
    sync_now(worker)
    return task_id


def held(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """Every live record the laptop holds, in the three grids."""
    return {**snapshot(ws, GRID_A), **snapshot(ws, GRID_B), **snapshot(ws, GRID_C)}


def _children(ws: Workspace, task_id: str) -> set[tuple[str, str]]:
    """The task's actions and files `ws` holds (in any grid)."""
    return {
        key
        for key, values in held(ws).items()
        if (key[0] == "task_action" and values["task_id"] == task_id)
        or (key[0] == "attachment" and values["owner_id"] == task_id)
    }


def _assert_followed(
    server: LiveServer, task_id: str, grid: str, new: Workspace, old: Workspace, *all: Workspace
) -> None:
    where = grids(server)
    assert where[("task", task_id)] == grid
    children = _children(new, task_id)
    assert {k[0] for k in children} == {"task_action", "attachment"}, children
    for key in children:
        assert where[key] == grid, (key, where[key])
    assert _children(old, task_id) == set()
    for ws in all:
        for key, values in held(ws).items():
            assert values["grid_code"] == where[key], (ws.actor.username, key)


def test_a_task_moved_by_a_conflict_resolution_takes_its_actions_and_photos(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves that a task whose grid is settled by a conflict resolution (one supervisor's
    laptop moved it from grid A to B, another, offline, from A to C) moves with its
    actions and photo: resolved keeping grid C, they end in grid C with the task on the
    server, worker.a2's laptop (grid C) holds them and worker.b's, which held them in
    grid B, evicts them."""
    _add_grid_c(any_server)
    second = enrolled(any_server, tmp_path, "sup.street", name="second")
    first = enrolled(any_server, tmp_path, "sup.street", name="first")
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    c = enrolled(any_server, tmp_path, "worker.a2")
    try:
        task_id = _issue(first, a)
        sync_now(second)
        register.edit_record(second, TaskRow, task_id, {"grid_code": GRID_C})
        register.edit_record(first, TaskRow, task_id, {"grid_code": GRID_B})
        sync_now(first)
        sync_now(b)
        assert len(_children(b, task_id)) == 2  # the push moved the children to grid B
        sync_now(second)
        (conflict,) = [
            x
            for x in list_conflicts(second, status="open")
            if x.record_id == task_id and any(f["field"] == "grid_code" for f in x.fields)
        ]
        resolve_conflict(second, conflict.id, keep="local")
        for ws in (second, first, a, b, c, second, first, a, b, c):
            sync_now(ws)
        _assert_followed(any_server, task_id, GRID_C, c, b, first, second, a, b, c)
    finally:
        for ws in (first, second, a, b, c):
            ws.close()


def test_a_task_moved_after_the_backup_takes_its_actions_and_photos_when_re_sent(
    any_server: LiveServer, tmp_path: Path
) -> None:
    """Proves that after a restore to a backup older than a task's move, the supervisor's
    re-send of the moved task (its laptop never pulled the children's move: the pull after
    the move failed) takes the task's actions and photo along on the server: they end in
    grid B with the task, worker.b's laptop holds them and worker.a's evicts them."""
    sup = enrolled(any_server, tmp_path, "sup.street")
    a = enrolled(any_server, tmp_path, "worker.a")
    b = enrolled(any_server, tmp_path, "worker.b")
    try:
        task_id = _issue(sup, a)
        sync_now(sup)
        saved = backup(any_server.db_url)
        register.edit_record(sup, TaskRow, task_id, {"grid_code": GRID_B})
        push_only(sup)  # moved on the server (children too); sup's copies of them still in A
        restore(any_server, saved)
        for ws in (sup, a, b, sup, a, b):
            sync_now(ws)
        _assert_followed(any_server, task_id, GRID_B, b, a, sup, a, b)
    finally:
        for ws in (sup, a, b):
            ws.close()
