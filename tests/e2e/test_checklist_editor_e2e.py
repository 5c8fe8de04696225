"""The checklist editor's publishing path through a live server (docs/design.md §25): the
admin's laptop publishes a draft by the authorised route; the same refusals as the server
command (an item open rectifications use, named; an existing version); a supervisor is
refused in Chinese on the laptop and by the route (403); a worker gets the new version."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridworker.domain.enums import HazardKind, PremisesType
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.users import create_user
from gridworker.services import checklist_editor, checklist_store, inspections
from gridworker.services.syncing import client_for, sync_now
from gridworker.services.workspace import ServiceError
from gridworker.sync.client import SyncError
from tests.e2e.conftest import GRID_A, PASSWORD, LiveServer, enrolled


def add_admin(server: LiveServer) -> None:
    engine = make_engine(server.db_url)
    with transaction(session_factory(engine)) as s:
        create_user(
            s, settings=server.settings, username="admin.d", password=PASSWORD, role="admin"
        )
    engine.dispose()


def test_the_admin_publishes_a_draft_through_the_server(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """Proves the editor's path end to end: the draft is version 2 of the newest; dropping an
    item an open rectification uses is refused naming the item and its text; a schema fault
    is refused on the laptop naming the item; a supervisor is refused on the laptop and by
    the route; the admin publishes (again: no change); the worker's next sync brings it."""
    add_admin(live_server)
    worker = enrolled(live_server, tmp_path, "worker.a")
    admin = enrolled(live_server, tmp_path, "admin.d")
    supervisor = enrolled(live_server, tmp_path, "sup.street")
    try:
        draft = checklist_editor.new_draft(admin, "fire_safety")
        assert draft["version"] == 2
        used = draft["sections"][0]["items"][0]
        site = inspections.register_site(
            worker,
            grid_code=GRID_A,
            kind=HazardKind.fire_safety,
            name="星辰网吧",
            premises_type=PremisesType.internet_cafe,
        )
        inspections.record_inspection(worker, site_id=site, answers={used["code"]: "fail"})
        sync_now(worker, password=PASSWORD)
        dropped = {**draft, "sections": [dict(sec) for sec in draft["sections"]]}
        dropped["sections"][0]["items"] = draft["sections"][0]["items"][1:]
        with pytest.raises(SyncError) as refused:
            checklist_editor.publish_draft(admin, dropped)
        assert refused.value.status == 422
        message = refused.value.message()
        assert f"{used['code']}“{used['text']['zh']}”（1项整改未销号）" in message
        assert message.startswith("第2版删去了仍有整改未销号的检查项")
        broken = {**draft, "sections": [dict(sec) for sec in draft["sections"]]}
        broken["sections"][1]["items"] = [dict(i) for i in draft["sections"][1]["items"]]
        broken["sections"][1]["items"][0]["severity"] = "huge"
        code = broken["sections"][1]["items"][0]["code"]
        text = broken["sections"][1]["items"][0]["text"]["zh"]
        group = broken["sections"][1]["title"]["zh"]
        said = (
            f"第2个分组“{group}”第1项 {code}“{text}”，“重大项”不能是“huge”，应为重大项、一般项之一"
        )
        with pytest.raises(ServiceError) as invalid:
            checklist_editor.publish_draft(admin, broken)
        assert invalid.value.message() == f"检查表不符合格式要求：{said}"
        assert invalid.value.message("en") == (
            f"The checklist template is not valid: section {broken['sections'][1]['code']} › "
            f"item {code} › severity: 'huge' is not one of ['major', 'general']"
        )
        with pytest.raises(ServiceError) as checked:
            checklist_editor.check_draft(broken)
        assert checked.value.message() == invalid.value.message()
        # The route itself (past the laptop's check) says the same, in the request's language.
        for lang, words in (
            ("zh_CN", invalid.value.message()),
            ("en", invalid.value.message("en")),
        ):
            with pytest.raises(SyncError) as by_route:
                client_for(admin, lang=lang).request(
                    "POST", "/api/v1/checklists", json=broken, retry=False
                )
            assert by_route.value.status == 422
            assert by_route.value.message(lang) == words
        added = dict(used, code="FS-NIGHT-01", text={"zh": "夜间安全出口未上锁", "en": "Exits"})
        draft["sections"][0]["items"].append(added)
        with pytest.raises(ServiceError) as not_admin:
            checklist_editor.publish_draft(supervisor, draft)
        assert not_admin.value.message() == "只有区管理员可以发布检查表"
        with pytest.raises(SyncError) as forbidden:  # the route itself, past the laptop check
            client_for(supervisor).request("POST", "/api/v1/checklists", json=draft, retry=False)
        assert forbidden.value.status == 403
        assert forbidden.value.message() == "只有区管理员可以发布检查表"
        answer = checklist_editor.publish_draft(admin, draft)
        assert answer == {"code": "fire_safety", "version": 2, "published": True}
        again = checklist_editor.publish_draft(admin, draft)
        assert again["published"] is False
        sync_now(worker, password=PASSWORD)
        newest = checklist_store.newest(worker, "fire_safety")
        assert newest.version == 2 and "FS-NIGHT-01" in {i.code for i in newest.items}
        listed = client_for(worker).request("GET", "/api/v1/checklists").json()
        assert {e["code"]: e["current"] for e in listed}["fire_safety"] == 2
    finally:
        for ws in (worker, admin, supervisor):
            ws.close()
