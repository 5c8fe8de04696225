"""Convergence under faults: four real clients, the real server, a network that misbehaves.

A Hypothesis state machine drives four enrolled SQLCipher profiles (two grid workers of
grid A, a worker of grid B, the street supervisor) through random offline work of every
kind: households, residents and tags, edits, deletes, visits with needs, cases and their
workflow actions, hazard sites and inspections, photos. Clients sync at random through
`FaultyAdapter` (dropped requests, responses lost after the server committed, duplicates,
delays, timeouts, 503s, and requests held back and delivered after newer ones: true
reordering), plus stale replays of earlier pushes, each client with its own clock skewed by
days. When the run ends the network heals (held requests arrive) and every client syncs
until nothing moves; then the invariants are checked against the server's database. The
server runs on SQLite (one worker) and on PostgreSQL (two worker processes).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import random
import shutil
import tempfile
import traceback
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import monotonic
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from gridworker.domain.enums import (
    CaseActionKind,
    CaseCategory,
    HazardKind,
    NeedCategory,
    PremisesType,
    TagKind,
    VisitMode,
)
from gridworker.domain.errors import DomainError
from gridworker.domain.validation import fold_key, id_check_digit
from gridworker.domain.wire import wire_value
from gridworker.services import cases, inspections, register, visits
from gridworker.services.attachments import attach
from gridworker.services.syncing import client_for
from gridworker.services.workspace import ServiceError, Workspace
from gridworker.storage.models import (
    CaseRow,
    HazardSiteRow,
    HouseholdRow,
    OutboxEntry,
    ResidentRow,
)
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import GRID_A, GRID_B, LiveServer, enrolled
from tests.reliability.conftest import FULL, ServerDb, scaled
from tests.reliability.convergence_checks import OWN_WORDS, check_invariants, check_refused
from tests.reliability.convergence_edges import EdgeOps, edge_on, reset_scopes, sync_now

# Minutes of random schedules against real servers: CI's tier (scripts/test.sh).
pytestmark = pytest.mark.slow

CLIENTS = {"a": "worker.a", "a2": "worker.a2", "b": "worker.b", "sup": "sup.street"}
WORKERS = ["a", "a2", "b", "sup"]
FAULT_MIXES = [
    {
        "drop": 0.15,
        "lose_response": 0.15,
        "duplicate": 0.1,
        "error_503": 0.1,
        "timeout": 0.1,
        "hold": 0.1,
    },
    {"lose_response": 0.5},
    {"duplicate": 0.3, "delay": 0.2},
    {"drop": 0.3, "error_503": 0.3},
    {"timeout": 0.2, "lose_response": 0.2, "duplicate": 0.2},
    # Held back, delivered after newer requests of the same client (true reordering).
    {"hold": 0.3, "lose_response": 0.1},
    {"hold": 0.25, "timeout": 0.05, "duplicate": 0.1, "drop": 0.05},
]
# A held request goes alongside the last newer request it waits for (two requests of one
# client in flight at once) this often; else after it. Drawn by the plan's seeded random.
OVERLAP = 0.35
# Before each request after a push, a copy of an earlier push of the same sync is re-sent
# this often (a stale replay), decided by the adapter's seeded random. (With the rate drawn
# by Hypothesis from [0, 0.2, 0.5], a 60-example run on each database made no replay.)
REPLAY = 0.3
# A faulty sync pushes and pulls in small steps (the clean ones use the app's sizes).
FAULTY_PUSH_BATCH = 2
FAULTY_PULL_LIMIT = 5
NAMES = ["张秀英", "李建国", "王芳", "刘洋", "陈静", "杨帆"]
TEXTS = ["楼道灯坏了", "独居需要关注", "漏水", "邻里噪音", "", "门牌缺失", "燃气表老化"]
ADDRESSES = ["凤凰小区1栋101", "凤凰小区2栋", "老街3号", "新村路8号"]
ACTIONS = [
    CaseActionKind.accept,
    CaseActionKind.handle_directly,
    CaseActionKind.report_done,
    CaseActionKind.verify_ok,
    CaseActionKind.verify_fail,
    CaseActionKind.close,
    CaseActionKind.return_,
    CaseActionKind.reject,
    CaseActionKind.report,
    CaseActionKind.park,
    CaseActionKind.resume,
    CaseActionKind.escalate,
]
TAGS = [TagKind.living_alone_elderly, TagKind.disabled, TagKind.low_income, TagKind.veteran]
LOCAL_ERRORS = (ServiceError, DomainError)


def id_number(n: int) -> str:
    """A valid GB 11643 number, different for each n."""
    first17 = f"360302{1950 + n % 60:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


class ReorderingAdapter(FaultyAdapter):
    """FaultyAdapter, plus: now and then re-sends, before the current request, a copy of a
    push it sent earlier (a stale replay of a batch the server already had; the true
    reordering, a request that reaches the server only after newer ones, is `hold`)."""

    def __init__(self, plan: FaultPlan, replay_rate: float, seed: int, held: HeldRequests) -> None:
        super().__init__(plan, held)
        self.replay_rate = replay_rate
        self.rng = random.Random(seed)
        self.sent: list[requests.PreparedRequest] = []
        self.replays = 0

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if self.sent and self.rng.random() < self.replay_rate:
            old = self.rng.choice(self.sent)
            with contextlib.suppress(requests.RequestException):
                super(FaultyAdapter, self).send(old.copy(), *args, **kwargs)
                self.replays += 1
        if request.path_url.endswith("/push"):
            self.sent.append(request.copy())
        return super().send(request, *args, **kwargs)


Stats = dict[str, int]  # what the runs did, summed over examples (for docs/reliability.md)
# ID numbers and typed values stay unique across examples: the examples share one server,
# and a resident's id is derived from the ID number, so a reused number would be the same
# person in another grid (rejected out_of_scope, visibly: a different scenario, tested in
# test_security). Unique values also let the checks tell which write a value came from.
SERIAL = itertools.count(1)
EXAMPLES = itertools.count(1)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def make_machine(server: LiveServer, root: Path, stats: Stats) -> type[RuleBasedStateMachine]:
    # Examples share the server, so a client may hold photos taken in an earlier example.
    photos: dict[str, bytes] = {}
    deleted: set[tuple[str, str]] = set()
    moved: set[str] = set()  # households moved, in any example (they stay moved)

    class Convergence(RuleBasedStateMachine, EdgeOps):
        """Random offline work and faulty syncs; invariants checked after quiescence."""

        def __init__(self) -> None:
            super().__init__()
            self.server = server
            self.example = next(EXAMPLES)
            self.dir = Path(tempfile.mkdtemp(dir=root))
            self.ws: dict[str, Workspace] = {}
            self.skew: dict[str, int] = {}
            # (entity, id, field) -> [(order, client, wire value, value seen before)], every
            # local write, in the order they were made. The value seen is the one the laptop
            # held from the server (pulled, or its own change answered), else OWN_WORDS.
            self.writes: dict[tuple[str, str, str], list[tuple[int, str, Any, Any]]] = defaultdict(
                list
            )
            # What each laptop had learnt from the server when it wrote: write order -> the
            # orders of the writes (any client's) it knew of, and per client all it knows.
            self.knew: dict[int, frozenset[int]] = {}
            self.knows: dict[str, set[int]] = defaultdict(set)
            # When each write was made (real time): a conflict raised before a write is not
            # about it (check_conflict_values).
            self.written_at: dict[int, datetime] = {}
            self.order = itertools.count(1)
            self.touched: set[tuple[str, str]] = set()
            self.created: dict[tuple[str, str], str] = {}
            self.deleted = deleted
            self.actions: list[tuple[str, str]] = []
            self.photos = photos
            self.counter = 0
            self.stats = stats
            # Requests the network holds back, per client, across its sync cycles.
            self.held = {name: HeldRequests() for name in CLIENTS}
            # The edges of this example (convergence_edges.py).
            self.saved: Any = None
            self.restores = 0
            self.restored_at = 0
            self.restored_wall: datetime | None = None
            self.purges = 0
            self.late_uploads = 0
            self.moves = moved
            self.scope_changes: set[str] = set()
            self.key_edits = 0  # 户号 and ID numbers corrected in place

        @initialize()
        def enroll_clients(self) -> None:
            reset_scopes(server.db_url)
            db = ServerDb(server.db_url)
            try:
                self.earlier = {c.id for c in db.conflicts()}
            finally:
                db.close()
            for name, username in CLIENTS.items():
                self.ws[name] = enrolled(server, self.dir, username, name=name)
                self.skew[name] = 0

        def teardown(self) -> None:
            try:
                if len(self.ws) >= len(CLIENTS):
                    self.quiesce_and_check()
            except BaseException:
                # A replay may not fail the same way (the examples share a live server), and
                # Hypothesis then reports only that: print the failure as it happened.
                traceback.print_exc()
                raise
            finally:
                for ws in self.ws.values():
                    ws.close()
                for held in self.held.values():
                    held.close()
                shutil.rmtree(self.dir, ignore_errors=True)

        # --- helpers -----------------------------------------------------------------

        def next_order(self) -> int:
            return next(self.order)

        def household_no(self, no: int) -> str:
            """A 户号 from this example's small set: two laptops often register the same
            one, while examples (which share the server) never meet each other's."""
            return f"{self.example % 10_000:04d}{no:02d}"

        def fresh_id_number(self) -> str:
            return id_number(next(SERIAL))

        def unique(self, text: str) -> str:
            return f"{text}{next(SERIAL)}"

        def local_ids(self, name: str, model: Any) -> list[str]:
            with self.ws[name].read() as s:
                return sorted(s.scalars(select(model.id).where(model.deleted.is_(False))).all())

        def pick(self, data: st.DataObject, name: str, model: Any) -> str | None:
            # Draw first, whatever the local state: what a client holds depends on the network
            # faults, and Hypothesis needs the same draws on a replay.
            n = data.draw(st.integers(0, 10_000), label="record")
            ids = self.local_ids(name, model)
            return ids[n % len(ids)] if ids else None

        def grid(self, data: st.DataObject, name: str) -> str:
            # The grids the laptop believes it has (an admin's change reaches it later).
            actor = self.ws[name].actor
            grids = list(actor.grids) or [GRID_A, GRID_B]
            n = data.draw(st.integers(0, 1), label="grid")
            return grids[n % len(grids)]

        def wrote(
            self,
            name: str,
            entity: str,
            record_id: str,
            values: dict[str, Any],
            seen: dict[str, Any] | None = None,
            *,
            resolved: bool = False,
        ) -> None:
            """Note a local write, after `shown` noted what the laptop held before it (for an
            edit); `resolved`: a conflict's resolution, made seeing every side."""
            self.touched.add((entity, record_id))
            for field, value in values.items():
                before = (seen or {}).get(field, OWN_WORDS)
                key = (entity, record_id, field)
                if resolved:
                    self.knows[name] |= {o for o, _w, _v, _s in self.writes[key]}
                order = self.next_order()
                self.written_at[order] = datetime.now(UTC)
                self.writes[key].append((order, name, value, before))
                self.knew[order] = frozenset(self.knows[name])
                self.knows[name].add(order)

        def shown(self, who: str, model: Any, record_id: str, field: str) -> Any:
            """What `who`'s laptop shows in a field before its user changes it: the value
            seen if the laptop holds it from the server (no change of its own, waiting, in
            flight or refused, carries the field), else OWN_WORDS. A value from the server
            teaches the laptop of the writes that left it (any write of that value and what
            its writer knew: a causal history, generous where two people wrote the same
            words, as the server's `seen` rule is)."""
            with self.ws[who].read() as s:
                row = s.get(model, record_id)
                entries = s.scalars(
                    select(OutboxEntry).where(
                        OutboxEntry.entity == model.__entity__,
                        OutboxEntry.record_id == record_id,
                    )
                ).all()
                value = wire_value(getattr(row, field)) if row is not None else None
            if row is None or any(field in (e.payload or {}) for e in entries):
                return OWN_WORDS
            for order, _w, v, _seen in self.writes.get((model.__entity__, record_id, field), []):
                if v == value:
                    self.knows[who] |= {order} | self.knew.get(order, frozenset())
            return value

        def rekeyed(self, old: str, new: str, ws: Workspace) -> None:
            """A household made offline under a local key, re-keyed to the district's id at
            enrollment (if the laptop did so): what was noted under the old id moves."""
            with ws.read() as s:
                if old == new or s.get(HouseholdRow, old) is not None:
                    return
            for entity, rid, field in list(self.writes):
                if (entity, rid) == ("household", old):
                    moved = self.writes.pop((entity, rid, field))
                    self.writes[(entity, new, field)] = sorted(
                        self.writes[(entity, new, field)] + moved
                    )
            if ("household", old) in self.created:
                self.created.setdefault(("household", new), self.created.pop(("household", old)))
            self.touched.add(("household", new))

        def edit(self, who: str, hid: str, field: str) -> None:
            """Change one household field to a value never used before, noting what the
            person saw there."""
            value = self.typed_value(field, valid=True)
            seen = self.shown(who, HouseholdRow, hid, field)
            register.edit_record(self.ws[who], HouseholdRow, hid, {field: value})
            self.wrote(who, "household", hid, {field: value}, seen={field: seen})
            stats["field edits"] += 1

        def typed_value(self, field: str, *, valid: bool) -> Any:
            """A fresh value for a field, valid or breaking the forms' rules (None: none)."""
            n = next(SERIAL)
            if valid:
                return {
                    "address": f"新村路{n}号",
                    "note": f"备注{n}",
                    "head_name": f"李{n}",
                    "name": f"王{n}",
                    "phone": f"139{n % 100_000_000:08d}",
                }.get(field)
            # Breaking the forms' rules (the head's name has none a typed value can break).
            return {"address": "", "name": "", "phone": "12345"}.get(field)

        def register(
            self,
            ws: Workspace,
            who: str,
            grid: str,
            household_no: str,
            extra: dict[str, Any],
            residents: list[register.ResidentInput] | None = None,
        ) -> str | None:
            """Register a household (with `extra` fields filled) and note what was written.
            On a laptop that holds the household (its 户号 in the grid) this is an edit of
            it: what the laptop showed is noted first."""
            address = extra.pop("address", ADDRESSES[0])
            values = {"address": address, "grid_code": grid, "deleted": False, **extra}
            with ws.read() as s:
                rows = s.scalars(select(HouseholdRow).where(HouseholdRow.grid_code == grid)).all()
                before = {
                    (row.id, f): wire_value(getattr(row, f))
                    for row in rows
                    if fold_key(row.household_no) == fold_key(household_no)
                    for f in values
                }
            shown = {(rid, f): self.shown(who, HouseholdRow, rid, f) for rid, f in before}
            try:
                hid = register.register_household(
                    ws,
                    register.HouseholdInput(
                        grid_code=grid, household_no=household_no, address=address, **extra
                    ),
                    residents or [],
                )
            except LOCAL_ERRORS:
                return None
            self.created.setdefault(("household", hid), who)
            # A registration says the household lives, whether or not this laptop saw it
            # deleted: after a delete elsewhere it is an edit against that delete (a
            # conflict), and once the tombstone is purged it registers the household anew.
            seen = {f: shown[(hid, f)] for f in values if (hid, f) in shown}
            # A field it leaves as the laptop held it is no write (nothing is sent).
            changed = {f: v for f, v in values.items() if before.get((hid, f), OWN_WORDS) != v}
            self.wrote(who, "household", hid, changed, seen=seen)
            return hid

        # --- offline work ------------------------------------------------------------

        @rule(
            data=st.data(),
            who=st.sampled_from(WORKERS),
            no=st.integers(1, 6),
            address=st.sampled_from(ADDRESSES),
            name=st.sampled_from(NAMES),
            wide=st.booleans(),
            filled=st.sets(st.sampled_from(["head_name", "phone", "note"])),
        )
        def register_household(
            self,
            data: st.DataObject,
            who: str,
            no: int,
            address: str,
            name: str,
            wide: bool,
            filled: set[str],
        ) -> None:
            # Small household numbers: two laptops register the same 户号 (one deterministic id),
            # each with its own fields filled in, the 户号 typed with full-width digits or not.
            self.counter = next(SERIAL)
            grid = self.grid(data, who)
            tags = data.draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
            wide = wide and edge_on("full_width")
            filled = filled if edge_on("fields_filled") else set()
            household_no = self.household_no(no)
            household_no = household_no.translate(FULL_WIDTH) if wide else household_no
            extra = {field: self.typed_value(field, valid=True) for field in sorted(filled)}
            extra["address"] = address
            ws = self.ws[who]
            hid = self.register(
                ws,
                who,
                grid,
                household_no,
                extra,
                [register.ResidentInput(name=name, id_number=id_number(self.counter), tags=tags)],
            )
            if hid is None:
                return
            stats["households registered"] += 1
            stats["households registered with full-width 户号"] += int(wide)

        @rule(
            data=st.data(),
            who=st.sampled_from(WORKERS),
            field=st.sampled_from(["address", "note", "head_name"]),
        )
        def edit_household(self, data: st.DataObject, who: str, field: str) -> None:
            hid = self.pick(data, who, HouseholdRow)
            if hid is None:
                return
            with contextlib.suppress(*LOCAL_ERRORS):  # a grid the laptop does not know yet
                self.edit(who, hid, field)

        @rule(data=st.data(), who=st.sampled_from(WORKERS), name=st.sampled_from(NAMES))
        def add_resident(self, data: st.DataObject, who: str, name: str) -> None:
            hid = self.pick(data, who, HouseholdRow)
            if hid is None:
                return
            self.counter = next(SERIAL)
            try:
                rid = register.add_resident(
                    self.ws[who],
                    hid,
                    register.ResidentInput(
                        name=name,
                        id_number=id_number(self.counter),
                        phone=f"1380000{self.counter % 10000:04d}",
                        tags=[TAGS[self.counter % len(TAGS)]],
                    ),
                )
            except LOCAL_ERRORS:
                return
            self.created.setdefault(("resident", rid), who)
            self.wrote(who, "resident", rid, {"name": name})
            stats["residents added"] += 1

        @rule(data=st.data(), who=st.sampled_from(WORKERS))
        def edit_resident(self, data: st.DataObject, who: str) -> None:
            rid = self.pick(data, who, ResidentRow)
            if rid is None:
                return
            value = self.typed_value("name", valid=True)
            seen = self.shown(who, ResidentRow, rid, "name")
            try:
                register.edit_record(self.ws[who], ResidentRow, rid, {"name": value})
            except LOCAL_ERRORS:
                return
            self.wrote(who, "resident", rid, {"name": value}, seen={"name": seen})
            stats["field edits"] += 1

        @rule(data=st.data(), who=st.sampled_from(WORKERS), household=st.booleans())
        def delete(self, data: st.DataObject, who: str, household: bool) -> None:
            model, entity = (HouseholdRow, "household") if household else (ResidentRow, "resident")
            rid = self.pick(data, who, model)
            if rid is None:
                return
            self.shown(who, model, rid, "deleted")
            try:
                register.delete_record(self.ws[who], model, rid)
            except LOCAL_ERRORS:
                return
            self.deleted.add((entity, rid))
            self.wrote(who, entity, rid, {"deleted": True})
            stats["deletes"] += 1

        @rule(
            data=st.data(),
            who=st.sampled_from(WORKERS),
            text=st.sampled_from(TEXTS[:4]),
            to_case=st.booleans(),
        )
        def visit(self, data: st.DataObject, who: str, text: str, to_case: bool) -> None:
            hid = self.pick(data, who, HouseholdRow)
            if hid is None:
                return
            ws = self.ws[who]
            try:
                done = visits.record_visit(
                    ws,
                    household_id=hid,
                    mode=VisitMode.home,
                    needs=[visits.NeedInput(NeedCategory.livelihood, text)],
                )
            except LOCAL_ERRORS:
                return
            self.created[("visit", done.visit_id)] = who
            stats["visits"] += 1
            if to_case:
                try:
                    case_id = cases.need_to_case(ws, done.need_ids[0])
                except LOCAL_ERRORS:  # a supervisor may not report (上报) a case
                    return
                self.created[("case", case_id)] = who
                stats["cases reported"] += 1

        @rule(data=st.data(), who=st.sampled_from(WORKERS), title=st.sampled_from(TEXTS[:4]))
        def report_case(self, data: st.DataObject, who: str, title: str) -> None:
            try:
                case_id = cases.report_case(
                    self.ws[who],
                    grid_code=self.grid(data, who),
                    title=title,
                    category=data.draw(st.sampled_from(list(CaseCategory))),
                    submit=data.draw(st.booleans()),
                )
            except LOCAL_ERRORS:
                return
            self.created[("case", case_id)] = who
            stats["cases reported"] += 1

        @rule(data=st.data(), who=st.sampled_from(WORKERS), action=st.sampled_from(ACTIONS))
        def act_on_case(self, data: st.DataObject, who: str, action: CaseActionKind) -> None:
            case_id = self.pick(data, who, CaseRow)
            if case_id is None:
                return
            ws = self.ws[who]
            before = set(t.id for t in cases.case_timeline(ws, case_id))
            try:
                cases.act_on_case(ws, case_id, action, note="现场核实")
            except LOCAL_ERRORS:
                stats["workflow actions refused locally"] += 1
                return
            after = [t.id for t in cases.case_timeline(ws, case_id) if t.id not in before]
            self.actions.extend((action_id, case_id) for action_id in after)
            stats["workflow actions"] += 1

        @rule(data=st.data(), who=st.sampled_from(WORKERS), fail=st.booleans())
        def inspect(self, data: st.DataObject, who: str, fail: bool) -> None:
            ws = self.ws[who]
            new_site, n, grid = (
                data.draw(st.booleans()),
                data.draw(st.integers(0, 99)),
                self.grid(data, who),
            )
            sites = self.local_ids(who, HazardSiteRow)
            try:
                if not sites or new_site:
                    site = inspections.register_site(
                        ws,
                        grid_code=grid,
                        kind=HazardKind.fire_safety,
                        name="老王小炒",
                        premises_type=PremisesType.small_restaurant,
                    )
                    self.created[("hazard_site", site)] = who
                else:
                    site = sites[n % len(sites)]
                _template, items = inspections.form_items(ws, site)
                answers = {item.code: "pass" for item in items if item.answer == "yes_no"}
                if fail:
                    answers["FS-ELEC-02"] = "fail"
                inspections.record_inspection(ws, site_id=site, answers=answers)
            except LOCAL_ERRORS:
                return
            stats["inspections"] += 1

        @rule(data=st.data(), who=st.sampled_from(WORKERS), size=st.integers(1, 300_000))
        def photo(self, data: st.DataObject, who: str, size: int) -> None:
            seed = data.draw(st.integers(0, 2**32 - 1))
            hid = self.pick(data, who, HouseholdRow)
            if hid is None:
                return
            photo = random.Random(seed).randbytes(size)
            try:
                att = attach(self.ws[who], owner_entity="household", owner_id=hid, data=photo)
            except LOCAL_ERRORS:
                return
            self.created[("attachment", att)] = who
            self.photos[hashlib.sha256(photo).hexdigest()] = photo
            stats["photos attached"] += 1

        @rule(who=st.sampled_from(WORKERS), days=st.integers(-5, 5))
        def skew_clock(self, who: str, days: int) -> None:
            self.skew[who] = days
            # Only the clock is fake: it runs, offset by whole days from the real one.
            self.ws[who].clock = lambda d=days: datetime.now(UTC) + timedelta(days=d)
            stats["clock skews"] += 1

        # --- sync ----------------------------------------------------------------------

        # One rule for every sync, so that no example leaves faults out by switching off a
        # rule (Hypothesis enables a random subset of rules per example): a fault mix, or
        # (2 in 9) a clean sync through the services layer.
        @rule(
            who=st.sampled_from(WORKERS),
            mix=st.integers(0, len(FAULT_MIXES) + 1),
            seed=st.integers(0, 10_000),
        )
        def sync(self, who: str, mix: int, seed: int) -> None:
            ws = self.ws[who]
            if mix >= len(FAULT_MIXES):
                sync_now(ws)
                stats["clean syncs"] += 1
                return
            good = client_for(ws)
            plan = FaultPlan(rates=FAULT_MIXES[mix], seed=seed, max_delay=0.05, overlap=OVERLAP)
            adapter = ReorderingAdapter(plan, REPLAY, seed, self.held[who])
            client = SyncClient(
                make_transport(good.base_url, adapter=adapter, retries=0),
                device_id=good.device_id,
                token=good.token,
            )
            try:
                # Small batches and pages: a cycle makes several requests, so a fault can
                # land between two batches (the next one already frozen, the one before
                # still being settled) or between two pages (the next one asked ahead).
                SyncEngine(
                    ws.profile,
                    client,
                    username=ws.actor.username,
                    push_batch=FAULTY_PUSH_BATCH,
                    pull_limit=FAULTY_PULL_LIMIT,
                ).run_cycle()
                stats["faulty syncs that completed"] += 1
            except SyncError:
                stats["faulty syncs that failed cleanly"] += 1
            for fault, _path in plan.log:
                stats[f"fault {fault}"] += 1
            stats["fault stale replay"] += adapter.replays

        @rule(who=st.sampled_from(WORKERS))
        def late_delivery(self, who: str) -> None:
            # The network lets go of what it held for this client, whatever came since.
            if len(self.held[who]):
                self.held[who].deliver_all()
                stats["held requests let go at random"] += 1

        @invariant()
        def nothing_lost_locally(self) -> None:
            # Whatever happened on the wire, a client never loses its own pending work: the
            # server refuses a change for good only after an edge explains it, visibly.
            for name, ws in self.ws.items():
                check_refused(self, name, ws)

        # --- quiescence ------------------------------------------------------------------

        def quiesce_and_check(self) -> None:
            for _round in range(6):
                # Time passes between the rounds (a photo waiting for its upload is retried
                # with backoff): each round runs a day after the one before.
                for ws in self.ws.values():
                    ws.clock = lambda r=_round: datetime.now(UTC) + timedelta(days=r)
                if _round == 1:
                    # The network heals: what it still held arrives now, after the newer
                    # requests of round 0 (each client's retry of what it never heard about).
                    for held in self.held.values():
                        held.deliver_all()
                moved = 0
                for name, ws in self.ws.items():
                    report = sync_now(ws)
                    check_refused(self, name, ws)
                    moved += report.pushed + report.pulled + report.uploaded + report.downloaded
                if moved == 0 and _round > 0:
                    break
            for ws in self.ws.values():
                ws.clock = None
            check_invariants(self, server)

    return Convergence


def examples() -> int:
    """Examples per database. CI runs ten derandomized examples on each: the first few
    Hypothesis generates are nearly empty, so fewer would leave PostgreSQL two or three
    faults and hardly an edge. RELIABILITY_CONVERGENCE_EXAMPLES overrides both (a shorter
    full run)."""
    override = os.environ.get("RELIABILITY_CONVERGENCE_EXAMPLES")
    if override:
        return int(override)
    return scaled(10, 60)


def test_clients_converge_under_faults(convergence_server: LiveServer, tmp_path: Path) -> None:
    """Proves that four clients doing random offline work of every kind, syncing through a
    network that drops, loses responses, duplicates, delays, times out, answers 503, holds
    requests back and delivers them after newer ones (alone or alongside), and replays old
    pushes late, with clocks days apart, end (once the network heals) with every
    acknowledged edit on the server or in a visible conflict, no duplicates, every client
    equal to the server's data in its scope, every outbox empty, and every late request
    handled without a server error: on SQLite and on PostgreSQL with two server workers."""
    database = "sqlite" if convergence_server.db_url.startswith("sqlite") else "postgresql"
    stats: Stats = defaultdict(int)
    machine = make_machine(convergence_server, tmp_path, stats)
    started = monotonic()
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples(),
            stateful_step_count=scaled(50, 80),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # Shrinking replays whole multi-client runs; in CI report the failing run as found.
            phases=[Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if FULL else []),
        ),
    )
    stats["wall seconds"] = round(monotonic() - started)
    summary = {"database": database, "full": FULL, **dict(sorted(stats.items()))}
    print("convergence:", summary)
    results = os.environ.get("RELIABILITY_RESULTS")
    if results:
        Path(results).mkdir(parents=True, exist_ok=True)
        out = Path(results) / f"convergence-{database}.json"
        out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
