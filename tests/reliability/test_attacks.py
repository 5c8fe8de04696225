"""Issue 16's attacks, made with ordinary accounts against a real server process, and what
they get now: no existence oracle on push, no special-group tag ids for those who may not
see them, no references across grids, no wrongly typed or unknown fields, no workflow
conflicts from actions a role can never take, no file for knowing its hash, and server
data at rest owner-only and encrypted."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from gridworker.domain import ids
from gridworker.server.core.config import Settings
from gridworker.server.core.db import make_engine, session_factory, transaction
from gridworker.server.models import Audit, Conflict, Record
from gridworker.server.users import create_user, update_user
from tests.e2e.conftest import PASSWORD, LiveServer
from tests.reliability.attack import GRID_A, GRID_B, Account, AttackServer, sign_in
from tests.reliability.conftest import start_logged_server
from tests.reliability.records import family, new_id, payload
from tests.server.test_push import action_payload


def _rows(db_url: str, model: Any, *where: Any) -> list[Any]:
    engine = make_engine(db_url)
    try:
        with transaction(session_factory(engine), write=False) as s:
            rows = list(s.scalars(select(model).where(*where)))
            s.expunge_all()
            return rows
    finally:
        engine.dispose()


def _answer(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in outcome.items() if k != "mutation_id"}


def _seed_grid_b(server: AttackServer) -> dict[str, dict[str, Any]]:
    """worker.b registers one record of every kind in grid B."""
    b = sign_in(server, "worker.b")
    records = family(GRID_B)
    outcomes = b.push(*(b.mutation("create", e, r) for e, r in records.items()))
    assert all(o["status"] == "applied" for o in outcomes), outcomes
    return records


def test_push_answers_the_same_for_missing_and_out_of_scope(attack_server: AttackServer) -> None:
    """Proves a grid-A worker probing grid B's records of every kind by update, delete and
    create-by-reference gets for each existing record exactly the answer (HTTP status,
    outcome, code and text) an id that exists nowhere gets; the probes change nothing it
    can pull, and the server audits every one of them, existing or not."""
    grid_b = _seed_grid_b(attack_server)
    a = sign_in(attack_server, "worker.a")
    before = {(r["entity"], r["id"]) for r in a.pull_all()}
    probes = 0
    for entity, record in grid_b.items():
        for op, body in (("update", {"note": None}), ("delete", {"deleted": True})):
            body = {"grid_code": GRID_A} if op == "update" else body
            there = a.push_raw(a.mutation(op, entity, {**body, "id": record["id"]}, base=1))
            ghost = a.push_raw(a.mutation(op, entity, {**body, "id": new_id()}, base=1))
            assert there.status_code == ghost.status_code == 200
            [t], [g] = there.json()["outcomes"], ghost.json()["outcomes"]
            assert _answer(t) == _answer(g), (entity, op, t, g)
            assert t["status"] == "rejected" and t["code"] == "out_of_scope"
            probes += 2
    # A workflow action on grid B's case, and on a case that does not exist.
    case = grid_b["case"]
    acts = [
        a.push(
            a.mutation(
                "command",
                "case_action",
                action_payload(target, "report", "worker.a", "grid_worker"),
            )
        )[0]
        for target in (case, {**case, "id": new_id()})
    ]
    assert _answer(acts[0]) == _answer(acts[1]), acts
    probes += 2
    after = {(r["entity"], r["id"]) for r in a.pull_all()}
    assert after == before  # nothing new, nothing gone: no count to compare either
    audited = _rows(attack_server.db_url, Audit, Audit.action == "push_unreachable")
    assert len(audited) == probes
    assert {bool((row.detail or {}).get("existed")) for row in audited} == {True, False}


def test_probe_timing_does_not_tell_existing_from_missing(attack_server: AttackServer) -> None:
    """Proves the time of an answer does not tell either: 120 interleaved update probes
    of a grid-B household and of ids that exist nowhere take the same time within a
    generous bound (medians, and means of the middle half, within 25 % of each other)."""
    grid_b = _seed_grid_b(attack_server)
    a = sign_in(attack_server, "worker.a")
    target = grid_b["household"]["id"]
    timings: dict[str, list[float]] = {"there": [], "ghost": []}
    for n in range(240):
        kind = ("there", "ghost")[n % 2]
        record_id = target if kind == "there" else new_id()
        m = a.mutation("update", "household", {"id": record_id, "note": "x"}, base=1)
        start = time.perf_counter()
        r = a.push_raw(m)
        timings[kind].append(time.perf_counter() - start)
        assert r.status_code == 200

    def middle_mean(xs: list[float]) -> float:  # the mean of the middle half: robust
        ordered = sorted(xs)
        quarter = len(ordered) // 4
        return statistics.fmean(ordered[quarter : len(ordered) - quarter])

    stats = {"median": statistics.median, "middle mean": middle_mean}
    figures = {
        (name, kind): 1000 * stat(timings[kind][20:])
        for name, stat in stats.items()
        for kind in ("there", "ghost")
    }
    print("probe timing (ms):", {f"{n} {k}": round(v, 2) for (n, k), v in figures.items()})
    for name in stats:
        there, ghost = figures[(name, "there")], figures[(name, "ghost")]
        assert 0.8 < there / ghost < 1.25, (name, there, ghost)


def test_special_group_tags_cannot_be_probed(attack_server: AttackServer) -> None:
    """Proves a supervisor without special access can learn nothing about a resident's
    special-group tag: sign-in gives the key of those tag ids only to the grid worker and
    the named officer; the tag's unkeyed id (what anyone could compute) is not the id it
    has; an update of the real id, of the unkeyed id and of an id of nothing answer alike;
    a create naming the unkeyed id is refused for its id whether or not the tag exists."""
    worker = sign_in(attack_server, "worker.a")
    officer = sign_in(attack_server, "sup.officer")
    sup = sign_in(attack_server, "sup.street")
    adviser = sign_in(attack_server, "adviser.a")
    assert worker.login_body["special_id_secret"] and officer.login_body["special_id_secret"]
    assert sup.login_body.get("special_id_secret") is None
    assert adviser.login_body.get("special_id_secret") is None
    key = bytes.fromhex(worker.login_body["special_id_secret"])
    people = family(GRID_A)
    assert all(
        o["status"] == "applied"
        for o in worker.push(
            *(worker.mutation("create", e, people[e]) for e in ("household", "resident"))
        )
    )
    tagged = people["resident"]["id"]
    untagged = payload("resident", GRID_A, {"household": people["household"]["id"]})
    assert worker.create("resident", untagged)["status"] == "applied"
    tag = payload("resident_tag", GRID_A, {"resident": tagged}, tag="drug_user")
    tag["id"] = ids.resident_tag_id(tagged, "drug_user", special_key=key)
    assert worker.create("resident_tag", tag)["status"] == "applied"
    assert tag["id"] != ids.unkeyed_resident_tag_id(tagged, "drug_user")
    # The supervisor's probes: by update (real id, the computable id, nothing)...
    answers = [
        _answer(sup.push(sup.mutation("update", "resident_tag", {"id": i, "note": "x"}, base=1))[0])
        for i in (
            tag["id"],
            ids.unkeyed_resident_tag_id(tagged, "drug_user"),
            new_id(),
        )
    ]
    assert answers[0] == answers[1] == answers[2], answers
    # ... and by create, with a care tag's content under the special tag's computable id.
    for resident in (tagged, untagged["id"]):
        probe = payload(
            "resident_tag",
            GRID_A,
            {"resident": resident},
            tag="living_alone_elderly",
            id=ids.unkeyed_resident_tag_id(resident, "drug_user"),
        )
        probe["id"] = ids.unkeyed_resident_tag_id(resident, "drug_user")
        out = sup.create("resident_tag", probe)
        assert out["status"] == "rejected" and out["code"] == "validation", out
    # Those who may see it do.
    assert ("resident_tag", tag["id"]) in {(r["entity"], r["id"]) for r in officer.pull_all()}
    assert ("resident_tag", tag["id"]) not in {(r["entity"], r["id"]) for r in sup.pull_all()}


def test_unkeyed_special_tags_are_rekeyed_when_the_server_starts(
    attack_server: AttackServer,
) -> None:
    """Proves a special-group tag stored under the unkeyed id (made before the key, or by
    a profile without it) gets its keyed id when the server (re)starts: the keyed copy
    holds the same values, the unkeyed one is a tombstone, and the grid worker's pull
    carries both changes while the supervisor's carries neither."""
    worker = sign_in(attack_server, "worker.a")
    people = family(GRID_A)
    for e in ("household", "resident"):
        assert worker.create(e, people[e])["status"] == "applied"
    rid = people["resident"]["id"]
    old = payload("resident_tag", GRID_A, {"resident": rid}, tag="community_correction")
    assert old["id"] == ids.unkeyed_resident_tag_id(rid, "community_correction")
    assert worker.create("resident_tag", old)["status"] == "applied"
    cursor_rows = {(r["entity"], r["id"]) for r in worker.pull_all()}
    assert ("resident_tag", old["id"]) in cursor_rows
    server = attack_server.server
    server.stop()
    restarted = start_again(attack_server)
    try:
        key = bytes.fromhex(sign_in(attack_server, "worker.a").login_body["special_id_secret"])
        new = ids.resident_tag_id(rid, "community_correction", special_key=key)
        [copy] = _rows(attack_server.db_url, Record, Record.id == new)
        [gone] = _rows(attack_server.db_url, Record, Record.id == old["id"])
        assert gone.deleted and not copy.deleted and copy.restricted
        assert copy.data["tag"] == "community_correction" and copy.data["resident_id"] == rid
        again = sign_in(attack_server, "worker.a")
        seen = {(r["entity"], r["id"]): r for r in again.pull_all()}
        assert not seen[("resident_tag", new)]["deleted"]
        sup_rows = {(r["entity"], r["id"]) for r in sign_in(attack_server, "sup.street").pull_all()}
        assert ("resident_tag", new) not in sup_rows and ("resident_tag", old["id"]) not in sup_rows
    finally:
        restarted.stop()


def start_again(server: AttackServer) -> Any:
    server.server = start_logged_server(server.db_url, server.files, server.log_file)
    return server.server


def test_references_across_grids_are_refused(attack_server: AttackServer) -> None:
    """Proves a grid-A worker cannot push a visit for a grid-B household, nor an attachment
    owned by a grid-B case dispatched to a department (so the department never receives
    it): both are refused with the out-of-scope answer and nothing is stored, while a
    resident naming a household its own laptop has not pushed yet is kept (offline work)."""
    grid_b = _seed_grid_b(attack_server)
    a = sign_in(attack_server, "worker.a")
    visit = payload("visit", GRID_A, {"household": grid_b["household"]["id"]})
    photo = payload("attachment", GRID_A, {"case": grid_b["case"]["id"]})
    outcomes = a.push(
        a.mutation("create", "visit", visit), a.mutation("create", "attachment", photo)
    )
    assert [(o["status"], o["code"]) for o in outcomes] == [("rejected", "out_of_scope")] * 2
    assert _rows(attack_server.db_url, Record, Record.id.in_([visit["id"], photo["id"]])) == []
    later = payload("household", GRID_A, {})
    early = payload("resident", GRID_A, {"household": later["id"]})
    outcomes = a.push(
        a.mutation("create", "resident", early), a.mutation("create", "household", later)
    )
    assert [o["status"] for o in outcomes] == ["applied", "applied"], outcomes


def test_wrong_types_and_unknown_fields_are_refused_per_mutation(
    attack_server: AttackServer,
) -> None:
    """Proves a household with a number for a name, a list for a phone or a field the
    server does not know is refused as that mutation's `validation` outcome (the message
    names the fields, not the values), while the good record in the same batch applies."""
    a = sign_in(attack_server, "worker.a")
    good = payload("household", GRID_A, {})
    bad = [
        payload("household", GRID_A, {}, head_name=12345),
        payload("household", GRID_A, {}, phone=["a"]),
        payload("household", GRID_A, {}, secret_flag=True),
        payload("household", GRID_A, {}, note={"x": 1}),
    ]
    outcomes = a.push(*(a.mutation("create", "household", r) for r in (*bad, good)))
    assert [o["status"] for o in outcomes] == ["rejected"] * 4 + ["applied"], outcomes
    assert {o["code"] for o in outcomes[:4]} == {"validation"}
    assert "head_name" in outcomes[0]["reason"] and "12345" not in outcomes[0]["reason"]
    assert "secret_flag" in outcomes[2]["reason"]
    stored = _rows(attack_server.db_url, Record, Record.entity == "household")
    assert [r.id for r in stored] == [good["id"]]
    # An update may not slip them in either.
    [upd] = a.push(a.mutation("update", "household", {"id": good["id"], "phone": ["a"]}, base=1))
    assert upd["status"] == "rejected" and upd["code"] == "validation"


def test_role_forbidden_workflow_actions_leave_no_conflict(attack_server: AttackServer) -> None:
    """Proves a grid worker's `dispatch` and an adviser's `close` are refused outright
    (`forbidden`, with the action named), store no action and open no workflow conflict
    on a supervisor's desk, however many are sent."""
    worker = sign_in(attack_server, "worker.a")
    adviser = sign_in(attack_server, "adviser.a")
    case = payload("case", GRID_A, {})
    assert worker.create("case", case)["status"] == "applied"
    sent = []
    for account, action, role in (
        (worker, "dispatch", "grid_worker"),
        (adviser, "close", "adviser"),
    ):
        for _ in range(20):
            act = action_payload(case, action, account.username, role)
            sent.append(act["id"])
            [out] = account.push(account.mutation("command", "case_action", act))
            assert out["status"] == "rejected" and out["code"] == "forbidden", out
    assert _rows(attack_server.db_url, Conflict) == []
    assert _rows(attack_server.db_url, Record, Record.id.in_(sent)) == []
    assert uuid.UUID(case["id"])  # the case itself is untouched
    [stored] = _rows(attack_server.db_url, Record, Record.id == case["id"])
    assert stored.data["state"] == "draft"


# --- attachments: download rights and data at rest ----------------------------------------


def _file_probe(account: Account, sha: str) -> dict[str, Any]:
    """What HEAD, PUT and GET tell `account` about a hash (the hash itself left out)."""
    url = f"{account.url}/api/v1/attachments/{sha}"
    head = account.http.head(url, headers=account.headers, timeout=30)
    get = account.http.get(url, headers=account.headers, timeout=30)
    put = account.http.put(url, json={"size": 4321}, headers=account.headers, timeout=30)
    body = {k: v for k, v in put.json().items() if k != "sha256"}
    return {
        "head": (head.status_code, head.headers.get("Upload-Offset")),
        "get": (get.status_code, get.json()),
        "put": (put.status_code, body),
    }


def test_knowing_a_hash_grants_nothing(attack_server: AttackServer) -> None:
    """Proves a grid-A worker who knows the SHA-256 of a grid-B photo can neither probe it
    (HEAD, PUT and GET answer exactly as for a hash nobody ever uploaded), nor fetch it by
    pushing an attachment record of its own that names the hash: not itself, nor the
    adviser of its grid who can read that record. Sending the photo's bytes (proof of
    possession) is what makes it theirs."""
    grid_b = _seed_grid_b(attack_server)
    b = sign_in(attack_server, "worker.b")
    photo = b"\xff\xd8\xff\xe0" + uuid.uuid4().bytes * 300
    sha = b.upload(photo)
    [out] = b.push(
        b.mutation(
            "create",
            "attachment",
            payload(
                "attachment", GRID_B, {"case": grid_b["case"]["id"]}, sha256=sha, size=len(photo)
            ),
        )
    )
    assert out["status"] == "applied"
    url = f"{attack_server.url}/api/v1/attachments/{sha}"
    assert b.http.get(url, headers=b.headers, timeout=30).content == photo

    a = sign_in(attack_server, "worker.a")
    never = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    assert _file_probe(a, sha) == _file_probe(a, never)
    assert _file_probe(a, sha)["get"][0] == 404
    # A record of its own naming the hash, in its own grid, on its own case.
    case = payload("case", GRID_A, {})
    assert a.create("case", case)["status"] == "applied"
    bait = payload("attachment", GRID_A, {"case": case["id"]}, sha256=sha, size=len(photo))
    assert a.create("attachment", bait)["status"] == "applied"  # a file "waiting" is allowed
    adviser = sign_in(attack_server, "adviser.a")
    for who in (a, adviser):
        assert who.http.get(url, headers=who.headers, timeout=30).status_code == 404
    # With the bytes (which prove possession), the upload completes and the file is theirs.
    assert a.upload(photo) == sha
    assert a.http.get(url, headers=a.headers, timeout=30).content == photo


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_server_data_at_rest_is_owner_only_and_encrypted(attack_server: AttackServer) -> None:
    """Proves the embedded server's SQLite database (and its WAL and SHM files) is 0600,
    the attachment folders 0700 and files 0600, the photo's bytes are nowhere on disk in
    plaintext (the stored file is AES-GCM, its key in a 0600 key ring outside the
    database and outside the attachment folder), and `gridworker-server rotate-file-key`
    re-encrypts every file under a new key, drops the old one, and downloads still work."""
    worker = sign_in(attack_server, "worker.a")
    marker = b"PLAINTEXT-PHOTO-" + uuid.uuid4().hex.encode()
    photo = marker * 3000  # three 64 KiB segments
    sha = worker.upload(photo)
    case = payload("case", GRID_A, {})
    assert worker.create("case", case)["status"] == "applied"
    record = payload("attachment", GRID_A, {"case": case["id"]}, sha256=sha, size=len(photo))
    assert worker.create("attachment", record)["status"] == "applied"
    db = Path(attack_server.db_url.removeprefix("sqlite:///"))
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        assert path.exists() and _mode(path) == 0o600, (path, oct(_mode(path)))
    files = attack_server.files
    assert _mode(files) == 0o700
    stored = [p for p in files.rglob("*") if p.is_file()]
    assert stored and all(_mode(p) == 0o600 for p in stored)
    assert all(_mode(p) == 0o700 for p in files.rglob("*") if p.is_dir())
    ring = files.parent / "file-keys.json"
    assert _mode(ring) == 0o600 and not ring.is_relative_to(files)
    keys = json.loads(ring.read_text())["keys"]
    everything = b"".join(p.read_bytes() for p in (*stored, db) if p.exists())
    assert marker not in everything
    assert not any(
        bytes.fromhex(k) in everything or k.encode() in everything for k in keys.values()
    )
    url = f"{attack_server.url}/api/v1/attachments/{sha}"
    # A range across segment boundaries decrypts only what it needs, and exactly that.
    ranged = worker.http.get(url, headers={**worker.headers, "Range": "bytes=65500-131100"})
    assert ranged.status_code == 206 and ranged.content == photo[65500:131101]

    rotated = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridworker.server.cli",
            "--db",
            attack_server.db_url,
            "rotate-file-key",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GRIDWORKER_SERVER_FILES": str(files)},
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "1 file(s) re-encrypted" in rotated.stdout
    new_keys = json.loads(ring.read_text())["keys"]
    assert len(new_keys) == 1 and not set(new_keys) & set(keys)
    assert worker.http.get(url, headers=worker.headers, timeout=30).content == photo
    assert marker not in b"".join(p.read_bytes() for p in files.rglob("*") if p.is_file())


# --- sign-in -------------------------------------------------------------------------------


def _login(url: str, username: str, password: str, device: str | None = None) -> requests.Response:
    return requests.post(
        url + "/api/v1/auth/login",
        json={
            "username": username,
            "password": password,
            "device_id": device or f"dev-{uuid.uuid4().hex[:12]}",
        },
        timeout=120,
    )


def test_parallel_guesses_are_counted_atomically(convergence_server: LiveServer) -> None:
    """Proves forty wrong passwords sent at once for one account (on SQLite, and on
    PostgreSQL with two server workers) let exactly the allowed five reach the password
    check: five 401s, thirty-five 429s with Retry-After."""
    with ThreadPoolExecutor(40) as pool:
        answers = list(
            pool.map(lambda n: _login(convergence_server.url, "worker.a", f"guess-{n}"), range(40))
        )
    codes = Counter(r.status_code for r in answers)
    assert codes == {401: 5, 429: 35}, codes
    assert all(int(r.headers["Retry-After"]) >= 1 for r in answers if r.status_code == 429)


def test_guessing_locks_out_neither_the_office_nor_the_owners_laptop(
    attack_server: AttackServer,
) -> None:
    """Proves the limits are per account and per address, and the account's own laptop is
    never locked out: after an attacker's guesses at worker.a from the office's address,
    a colleague behind the same address signs in at once; an unknown device is refused
    even with the right password; worker.a's registered laptop, with the right password,
    waits a short delay (Retry-After) that grows with each further failure, then gets
    in, which clears the account's count."""
    url = attack_server.url
    laptop = f"dev-laptop-{uuid.uuid4().hex[:8]}"
    assert _login(url, "worker.a", PASSWORD, laptop).status_code == 200  # registered
    answers = [_login(url, "worker.a", f"guess-{n}").status_code for n in range(8)]
    assert answers == [401] * 5 + [429] * 3
    assert _login(url, "worker.b", PASSWORD).status_code == 200  # same address, other account
    assert _login(url, "worker.a", PASSWORD).status_code == 429  # an unknown device
    waited = _login(url, "worker.a", PASSWORD, laptop)
    assert waited.status_code == 429 and int(waited.headers["Retry-After"]) == 1
    time.sleep(1.1)
    # One more wrong password from the laptop doubles the wait.
    assert _login(url, "worker.a", "typo", laptop).status_code == 401
    again = _login(url, "worker.a", PASSWORD, laptop)
    assert again.status_code == 429 and int(again.headers["Retry-After"]) == 2
    time.sleep(2.1)
    assert _login(url, "worker.a", PASSWORD, laptop).status_code == 200
    assert _login(url, "worker.a", PASSWORD).status_code == 200  # the count was cleared


def test_a_disabled_account_answers_as_slowly_as_an_active_one(
    attack_server: AttackServer,
) -> None:
    """Proves the time of a refused sign-in does not tell a disabled account from an active
    one: both do the same Argon2 work (accounts hashed at the production cost); medians
    of interleaved attempts within a generous bound of each other."""
    settings = Settings(db_url=attack_server.db_url, attachment_dir=attack_server.files)
    engine = make_engine(attack_server.db_url)
    names = {
        "active": [f"active.{n}" for n in range(4)],
        "disabled": [f"gone.{n}" for n in range(4)],
    }
    with transaction(session_factory(engine)) as s:
        for users in names.values():
            for name in users:
                create_user(
                    s,
                    settings=settings,
                    username=name,
                    password=PASSWORD,
                    role="grid_worker",
                    grids=[GRID_A],
                )
    with transaction(session_factory(engine)) as s:
        for name in names["disabled"]:
            update_user(s, username=name, disable=True)
    engine.dispose()
    timings: dict[str, list[float]] = {"active": [], "disabled": []}
    for attempt in range(4):  # within the per-account limit: every one reaches the check
        for n in range(4):
            for kind in ("active", "disabled"):
                password = "wrong-password" if kind == "active" else PASSWORD
                start = time.perf_counter()
                r = _login(attack_server.url, names[kind][n], password)
                timings[kind].append(time.perf_counter() - start)
                assert r.status_code == 401, (kind, attempt, r.text)
    ratio = statistics.median(timings["disabled"]) / statistics.median(timings["active"])
    active, disabled = (1000 * statistics.median(timings[k]) for k in ("active", "disabled"))
    print(f"sign-in timing (ms): active median {active:.1f}, disabled median {disabled:.1f}")
    assert 0.67 < ratio < 1.5, (ratio, timings)


def test_numbers_past_any_limit_are_4xx_with_the_error_shape(attack_server: AttackServer) -> None:
    """Proves the two requests that were server errors are refused with the error body:
    a pull whose `backfill` cursor is -10**20 (or past 64 bits) is a 422, and a download
    with `Range: bytes=<5,000 digits>-` is a 416 with `Content-Range: bytes */size`, while
    the server goes on answering."""
    a = sign_in(attack_server, "worker.a")
    first = a.http.post(
        attack_server.url + "/api/v1/sync/pull",
        json={"device_id": a.device_id},
        headers=a.headers,
        timeout=30,
    ).json()
    for value in (-(10**20), 10**20, -1):
        r = a.http.post(
            attack_server.url + "/api/v1/sync/pull",
            json={"device_id": a.device_id, "cursor": first["cursor"], "backfill": {GRID_A: value}},
            headers=a.headers,
            timeout=30,
        )
        assert r.status_code == 422, r.text
        assert set(r.json()) == {"code", "message"} and r.json()["code"] == "validation"
    data = b"range me" * 100
    sha = a.upload(data)
    url = f"{attack_server.url}/api/v1/attachments/{sha}"
    for spec in ("9" * 5000 + "-", "0-" + "9" * 5000):
        r = a.http.get(url, headers={**a.headers, "Range": f"bytes={spec}"}, timeout=30)
        if spec.startswith("0-"):
            assert r.status_code == 206 and r.content == data  # "to the end"
        else:
            assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{len(data)}"
            assert r.json()["code"] == "bad_request"
    assert "server_error" not in attack_server.log_file.read_text(encoding="utf-8")
    assert "unexpected" not in attack_server.log_file.read_text(encoding="utf-8")
