"""Conflicts as an attacker sees them, against a real server process: resolving a conflict
that does not exist and one outside the caller's scope get one answer, and a conflict
about a special-group tag stays with those who may see such tags after its record is
purged."""

from __future__ import annotations

from typing import Any

from gridworker.domain import ids
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.purge import purge_tombstones
from tests.reliability.attack import GRID_A, Account, AttackServer, sign_in
from tests.reliability.records import family, new_id, payload


def _resolve(account: Account, conflict_id: str) -> tuple[int, Any]:
    r = account.http.post(
        f"{account.url}/api/v1/conflicts/{conflict_id}/resolve",
        json={"choice": "server"},
        headers=account.headers,
        timeout=30,
    )
    return r.status_code, r.json()


def _listed(account: Account) -> set[str]:
    r = account.http.get(
        f"{account.url}/api/v1/conflicts?status=all", headers=account.headers, timeout=30
    )
    assert r.status_code == 200, r.text
    return {c["id"] for c in r.json()["conflicts"]}


def _pulled(account: Account) -> set[str]:
    return {row["id"] for row in account.pull_all() if row["entity"] == "conflict"}


def _tag_conflict(server: AttackServer) -> tuple[str, str]:
    """worker.a tags a grid-A resident 吸毒人员 and deletes the tag; worker.a2, not having
    seen the delete, writes a note on it: an edit-against-delete conflict. Returns the
    conflict's and the tag's ids."""
    worker, colleague = sign_in(server, "worker.a"), sign_in(server, "worker.a2")
    key = bytes.fromhex(worker.login_body["special_id_secret"])
    people = family(GRID_A)
    for entity in ("household", "resident"):
        assert worker.create(entity, people[entity])["status"] == "applied"
    resident = people["resident"]["id"]
    tag = payload("resident_tag", GRID_A, {"resident": resident}, tag="drug_user")
    tag["id"] = ids.resident_tag_id(resident, "drug_user", special_key=key)
    version = worker.create("resident_tag", tag)["version"]
    gone = {"id": tag["id"], "deleted": True}
    assert worker.push(worker.mutation("delete", "resident_tag", gone, base=version))[0][
        "status"
    ] == "applied"
    note = {"id": tag["id"], "note": "复吸，已送戒毒所"}
    [out] = colleague.push(colleague.mutation("update", "resident_tag", note, base=version))
    assert out["status"] == "conflict", out
    return str(out["conflict_id"]), str(tag["id"])


def test_resolving_an_unknown_or_foreign_conflict_gets_one_answer(
    attack_server: AttackServer,
) -> None:
    """Proves a grid-B worker, an adviser and a department resolving grid A's conflict get
    exactly the status and body an id that exists nowhere gets (it was 403 out_of_scope
    against 404 not_found), and the conflict stays open for those it belongs to."""
    conflict_id, _tag = _tag_conflict(attack_server)
    for username in ("worker.b", "adviser.a", "dept.cg", "sup.street"):
        account = sign_in(attack_server, username)
        there, nowhere = _resolve(account, conflict_id), _resolve(account, new_id())
        assert there == nowhere, (username, there, nowhere)
        assert there[0] == 404
    assert conflict_id in _listed(sign_in(attack_server, "worker.a"))


def test_a_purged_special_tag_keeps_its_conflict_restricted(attack_server: AttackServer) -> None:
    """Proves that once the tag's tombstone is purged, its conflict (with the note about
    drug use) still reaches only the grid's workers and the named officer: the supervisor
    without special access and the adviser neither list it, pull it, nor resolve it."""
    conflict_id, tag_id = _tag_conflict(attack_server)
    engine = make_engine(attack_server.db_url)
    try:
        with transaction(session_factory(engine)) as s:
            assert purge_tombstones(s, older_than_days=-1).tombstones == 1
    finally:
        engine.dispose()
    sup, adviser = sign_in(attack_server, "sup.street"), sign_in(attack_server, "adviser.a")
    assert conflict_id not in _listed(sup)
    assert conflict_id not in _pulled(sup) and conflict_id not in _pulled(adviser)
    assert _resolve(sup, conflict_id) == _resolve(sup, new_id())
    for allowed in ("worker.a", "sup.officer"):
        account = sign_in(attack_server, allowed)
        assert conflict_id in _listed(account) and conflict_id in _pulled(account), allowed
    assert tag_id  # the tag itself is gone everywhere
