"""分户 and 并户 made in the app's forms on one laptop, through a real server: the
colleague's laptop and the street supervisor's get the new household with its members, the
merged members with the relationships chosen (or suggested) in the form and the closed
household gone, and 今日待办 lists the people who moved under their new household; a
relationship the colleague changed offline for a member the merge also set is one visible
conflict, not a silent overwrite."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date
from pathlib import Path

import shiboken6
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridworker.domain.enums import Relationship, TagKind
from gridworker.services import register
from gridworker.services.register_edit import apply_edit
from gridworker.services.syncing import list_conflicts, sync_now
from gridworker.services.today import visits_due
from gridworker.services.workspace import Workspace
from gridworker.storage.models import HouseholdRow, ResidentRow
from gridworker.ui.dialogs.household_split import MergeDialog, SplitDialog
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from tests.e2e.conftest import GRID_A, LiveServer, enrolled
from tests.e2e.test_sync_e2e import outbox_size

CARED = ("陈静", "王秀兰")  # tagged: on 今日待办 wherever they live


def _household(ws: Workspace, no: str, *people: tuple[str, Relationship]) -> str:
    return register.register_household(
        ws,
        register.HouseholdInput(grid_code=GRID_A, household_no=no, address=f"凤凰小区{no}室"),
        [
            register.ResidentInput(
                name, relationship=rel, tags=[TagKind.disabled] if name in CARED else []
            )
            for name, rel in people
        ],
    )


def _due(ws: Workspace) -> dict[str, tuple[str, str]]:
    """今日待办's visits due: name -> (household id, address)."""
    return {v.name: (v.household_id, v.address) for v in visits_due(ws, today=date.today())}


def _where(ws: Workspace) -> dict[str, tuple[str, Relationship | None]]:
    with ws.read() as s:
        return {
            r.name: (r.household_id, r.relationship)
            for r in s.scalars(select(ResidentRow).where(ResidentRow.deleted.is_(False)))
        }


def _dialog(qtbot: QtBot, screen: RegisterScreen, kind: type) -> object:  # type: ignore[type-arg]
    qtbot.waitUntil(
        lambda: (
            isinstance(screen.dialog, kind)
            and shiboken6.isValid(screen.dialog)
            and screen.dialog.isVisible()
        ),
        timeout=10_000,
    )
    return screen.dialog


def test_a_split_and_a_merge_made_in_the_forms_reach_the_colleague(
    qtbot: QtBot,
    qapp,
    live_server: LiveServer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """Proves a split (刘伟 and 陈静 to 8002 at a new address, 陈静 the suggested 配偶) and
    a merge (8011 into 8010, 刘老汉 as 父亲) made in the forms on laptop A arrive on laptop
    A2 and the street supervisor's laptop as made, with the merged household closed and
    the tagged 陈静 and 王秀兰 due on 今日待办 under their new households and addresses;
    王秀兰's relationship changed on A2 before it had seen the merge is one conflict on
    `relationship` that every laptop sees; outboxes end empty."""
    a = enrolled(live_server, tmp_path, "worker.a")
    a2 = enrolled(live_server, tmp_path, "worker.a2")
    sup = enrolled(live_server, tmp_path, "sup.street")
    tasks = TaskManager()
    session = AppSession(a, tasks, idle_lock_minutes=0, background_sync=False)
    try:
        family = _household(
            a, "8001", ("刘建国", Relationship.head), ("刘伟", Relationship.son),
            ("陈静", Relationship.child_in_law),
        )  # fmt: skip
        son = _household(a, "8010", ("刘强", Relationship.head))
        parents = _household(
            a, "8011", ("刘老汉", Relationship.head), ("王秀兰", Relationship.spouse)
        )
        for ws in (a, a2, sup):
            sync_now(ws)
        for ws in (a2, sup):
            assert _due(ws)["陈静"] == (family, "凤凰小区8001室")
            assert _due(ws)["王秀兰"] == (parents, "凤凰小区8011室")
        screen = RegisterScreen(session)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitUntil(lambda: screen.grids is not None and not screen.model.loading)

        screen.editing.open_split(family)
        split = _dialog(qtbot, screen, SplitDialog)
        assert isinstance(split, SplitDialog)
        split.tick("刘伟", "陈静")
        split.household_no.setText("8002")
        split.address.setText("凤凰小区9栋101室")
        with qtbot.waitSignal(split.saved, timeout=10_000) as saved:
            split.accept()
        new = saved.args[0]
        tasks.shutdown_db_wait()

        screen.editing.open_split(parents, merge=True)
        merge = _dialog(qtbot, screen, MergeDialog)
        assert isinstance(merge, MergeDialog)
        merge.finder.setText("8010")
        assert merge.into.currentData() == son
        merge.set_relationship("刘老汉", Relationship.father)
        with qtbot.waitSignal(merge.saved, timeout=10_000):
            merge.accept()
        tasks.shutdown_db_wait()

        wang = _where(a2)["王秀兰"]
        with a2.read() as s:
            wang_id = s.scalars(select(ResidentRow.id).where(ResidentRow.name == "王秀兰")).one()
        assert wang == (parents, Relationship.spouse)
        apply_edit(a2, "resident", wang_id, {"relationship": "mother"})
        assert sync_now(a).conflicts == 0
        assert sync_now(a2).conflicts == 1
        sync_now(a)
        sync_now(sup)
        for ws in (a, a2, sup):
            where = _where(ws)
            assert where["刘伟"] == (new, Relationship.head)
            assert where["陈静"] == (new, Relationship.spouse)
            assert where["刘建国"] == (family, Relationship.head)
            assert where["刘老汉"] == (son, Relationship.father)
            assert where["王秀兰"][0] == son  # the move itself merged; the relationship is held
            with ws.read() as s:
                assert s.get(HouseholdRow, parents).deleted  # type: ignore[union-attr]
                assert s.get(HouseholdRow, new).household_no == "8002"  # type: ignore[union-attr]
            [conflict] = [c for c in list_conflicts(ws, everyone=True) if c.record_id == wang_id]
            assert [f["field"] for f in conflict.fields] == ["relationship"]
            assert outbox_size(ws) == 0
            due = _due(ws)
            assert due["陈静"] == (new, "凤凰小区9栋101室")
            assert due["王秀兰"] == (son, "凤凰小区8010室")
    finally:
        session.close()
        tasks.shutdown()
        for ws in (a, a2, sup):
            ws.close()
