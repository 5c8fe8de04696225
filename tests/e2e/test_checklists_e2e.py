"""A checklist template published on a live server reaches a laptop at its next sync
(docs/design.md §25): new inspections use it, an inspection form opened before the sync
keeps the version it started with, and both versions stay readable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gridworker.domain.enums import HazardKind, PremisesType
from gridworker.services import case_queries, checklist_store, inspections, ledger_rows
from gridworker.services.syncing import sync_now
from gridworker.storage.models import InspectionRow
from tests.e2e.conftest import GRID_A, PASSWORD, LiveServer, enrolled
from tests.server.test_checklists import version_2


def server_cli(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDWORKER_")}
    return subprocess.run(
        [sys.executable, "-m", "gridworker.server.cli", "--db", server.db_url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_published_checklist_reaches_the_laptop(live_server: LiveServer, tmp_path: Path) -> None:
    """Proves the flow: publish-checklist on the server, the next sync brings version 2 to
    both workers' laptops (worker.b's too, in another grid), a new form asks its new item,
    the form opened before keeps version 1 when saved."""
    worker = enrolled(live_server, tmp_path, "worker.a")
    other = enrolled(live_server, tmp_path, "worker.b")
    try:
        site = inspections.register_site(
            worker,
            grid_code=GRID_A,
            kind=HazardKind.fire_safety,
            name="星辰网吧",
            premises_type=PremisesType.internet_cafe,
        )
        before, _items = inspections.form_items(worker, site)  # a form opened now
        assert before.version == 1
        data = version_2()
        data.pop("_dropped")
        path = tmp_path / "fire_safety.v2.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        done = server_cli(live_server, "publish-checklist", str(path))
        assert done.returncode == 0, done.stderr
        sync_now(worker, password=PASSWORD)
        sync_now(other, password=PASSWORD)
        assert checklist_store.newest(other, "fire_safety").version == 2
        after, items = inspections.form_items(worker, site)
        assert after.version == 2 and "FS-NIGHT-01" in {i.code for i in items}
        kept = inspections.record_inspection(
            worker, site_id=site, answers={}, template_version=before.version
        )
        fresh = inspections.record_inspection(worker, site_id=site, answers={})
        with worker.read() as s:
            versions = {
                row.id: row.template_version
                for row in s.query(InspectionRow).filter(
                    InspectionRow.id.in_([kept.inspection_id, fresh.inspection_id])
                )
            }
        assert versions == {kept.inspection_id: 1, fresh.inspection_id: 2}
        assert checklist_store.get_template(worker, "fire_safety", 1).version == 1
        listed = json.loads(server_cli(live_server, "list-checklists", "--json").stdout)
        assert {e["code"]: e["current"] for e in listed}["fire_safety"] == 2
    finally:
        worker.close()
        other.close()


def test_a_published_version_reads_back_in_ledgers_and_the_site_file(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves an inspection answered against a published version (not shipped with the app)
    shows that version's title in the ledger's list of inspections, and the rectification of
    its new item shows the item's words on the site's file, not its bare code."""
    worker = enrolled(live_server, tmp_path, "worker.a")
    try:
        site = inspections.register_site(
            worker,
            grid_code=GRID_A,
            kind=HazardKind.fire_safety,
            name="夜猫网吧",
            premises_type=PremisesType.internet_cafe,
        )
        data = version_2()
        data.pop("_dropped")
        data["title"] = {"zh": "消防安全夜查表（专项）", "en": "Night fire-safety check"}
        path = tmp_path / "fire_safety.v2.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        done = server_cli(live_server, "publish-checklist", str(path))
        assert done.returncode == 0, done.stderr
        sync_now(worker, password=PASSWORD)
        inspections.record_inspection(worker, site_id=site, answers={"FS-NIGHT-01": "fail"})
        [choice] = ledger_rows.list_inspections(worker)
        assert choice.template == "消防安全夜查表（专项）"
        detail = case_queries.site_detail(worker, site)
        [rect] = detail.rectifications
        assert rect.item_text is not None
        assert rect.item_text["zh"] == "夜间营业时安全出口未上锁"
    finally:
        worker.close()
