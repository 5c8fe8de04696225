"""The edges of the convergence state machine (test_convergence.py): what real districts do
besides everyday offline work, each a rule of the machine.

- the server restored from a backup taken earlier in the run, then `new-epoch`;
- a supervisor moving a household to the other grid;
- a user's grids changed by the admin (the laptop learns it at its next pull);
- the tombstone and mutation-log purge, as if its horizon had passed (for what is older
  than the last restore);
- a photo referenced before it is uploaded (its upload is held back while colleagues sync);
- a conflict resolved by keeping a side, with a valid typed value, or with an invalid one;
- an edit made while a sync runs (after its push, before its pull), then a second edit of
  the same record once the colleague's change has been pulled;
- a laptop set up offline with `init` (no district key) that registers a household another
  laptop registers too, then enrolls, sometimes after a mistyped username;
- a household's 户号 or a resident's ID number corrected in place (the register's edit),
  onto a fresh value, onto one a record on another laptop holds, or onto one another
  laptop registers meanwhile.

The same household registered on two laptops with different fields filled, and 户号 typed
with full-width digits, come from `register_household` in test_convergence.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from gridworker.domain import ids
from gridworker.domain.errors import DomainError
from gridworker.protocol import PullRequest, PullResponse
from gridworker.services import register, register_edit
from gridworker.services.attachments import attach
from gridworker.services.syncing import client_for, enroll, list_conflicts, resolve_conflict
from gridworker.services.syncing import sync_now as services_sync_now
from gridworker.services.workspace import ServiceError, init_profile
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import HouseholdRow, ResidentRow
from gridworker.sync.client import SyncClient, SyncError, make_transport
from gridworker.sync.engine import SyncEngine
from gridworker.sync.faults import FaultPlan, FaultyAdapter, HeldRequests
from tests.e2e.conftest import GRID_A, GRID_B, PASSPHRASE, PASSWORD
from tests.e2e.server_ops import backup, purge_all, restore, set_grids

# The two workers whose grids the admin changes (worker.a keeps grid A, the supervisor
# covers the street).
RESCOPED = {"a2": "worker.a2", "b": "worker.b"}
DEFAULT_GRIDS = {"worker.a2": [GRID_A], "worker.b": [GRID_B]}
GRID_CHOICES = [[GRID_A], [GRID_B], [GRID_A, GRID_B]]
RESTORES_PER_EXAMPLE = 1
PURGES_PER_EXAMPLE = 2
# Colleagues sync this often while a photo waits to be uploaded: more than the old limit of
# five failed download attempts.
WAITING_SYNCS = 6


def sync_now(ws: Any) -> Any:
    """A clean sync through the services layer, as the app's sync button does, the user
    typing the password when asked (a laptop registered after the backup signs in again
    once the server is restored)."""
    return services_sync_now(ws, password=PASSWORD)


def edge_on(name: str) -> bool:
    """Whether this edge is exercised: all are, unless RELIABILITY_CONVERGENCE_EDGES names
    some (a comma list, to hunt down one edge). Besides the rules below: `full_width` (户号
    typed with full-width digits), `fields_filled` (registrations filling optional fields) and
    `own_conflicts` (the check that a laptop lists as its own only its user's conflicts)."""
    chosen = os.environ.get("RELIABILITY_CONVERGENCE_EDGES")
    return chosen is None or name in {n.strip() for n in chosen.split(",")}


class HookedClient(SyncClient):
    """A client that runs `hook` just before its first pull of a cycle: a person editing
    while the sync runs, after its push, before the pulled page is stored."""

    hook: Callable[[], None] | None = None

    def pull(self, request: PullRequest) -> PullResponse:
        hook, self.hook = self.hook, None
        if hook is not None:
            hook()
        return super().pull(request)


EDGES = (
    "backup_or_restore",
    "purge",
    "change_scope",
    "move_household",
    "late_upload",
    "resolve",
    "edit_while_syncing",
    "offline_laptop",
    "edit_natural_keys",
)
# The laptops whose grids a racing registration may use, and how a new key is chosen.
KEY_CHOICES = ("fresh", "held", "racing")


class EdgeOps:
    """The edges, as one rule of the machine (which provides `ws`, `wrote`, `pick`...)."""

    ws: dict[str, Any]
    stats: dict[str, int]

    # One rule for every edge, like the one sync rule: Hypothesis switches a random subset
    # of rules off in each example, and the few CI examples would rarely meet an edge.
    @rule(data=st.data(), which=st.integers(0, len(EDGES) - 1))
    def edge(self, data: st.DataObject, which: int) -> None:
        enabled = [name for name in EDGES if edge_on(name)]
        if enabled:
            getattr(self, enabled[which % len(enabled)])(data)

    # The same rule once more: edges are drawn twice as often as any everyday rule.
    @rule(data=st.data(), which=st.integers(0, len(EDGES) - 1))
    def another_edge(self, data: st.DataObject, which: int) -> None:
        self.edge(data, which)

    # --- the server ---------------------------------------------------------------------

    def backup_or_restore(self, data: st.DataObject) -> None:
        """The first time, and when drawn, a backup; otherwise disaster and restore (once
        per example: each restarts the server)."""
        m: Any = self
        take = data.draw(st.booleans(), label="take a backup")
        if m.restores >= RESTORES_PER_EXAMPLE:
            return
        if m.saved is None or take:
            m.saved = backup(m.server.db_url)
            m.stats["backups taken"] += 1
            return
        for held in m.held.values():
            held.deliver_all()  # what the network held goes to the old database
        m.restored_wall = datetime.now(UTC)
        restore(m.server, m.saved)
        m.restores += 1
        m.restored_at = m.next_order()
        m.stats["restores (backup + new-epoch)"] += 1

    def purge(self, data: st.DataObject) -> None:
        """Tombstones and the mutation log purged as if their horizon had passed: all of
        them, or, once the server was restored, those from before the restore. A district
        purges what is older than 180 days, and its laptops re-send within days of a
        restore; purging the re-sent tombstones right away would be a laptop away for 180
        days after the restore, whose re-sends are then refused (docs/design.md §4.13,
        tests/e2e/test_edge_restore.py)."""
        m: Any = self
        if m.purges >= PURGES_PER_EXAMPLE:
            return
        result = purge_all(m.server.db_url, before=m.restored_wall)
        m.purges += 1
        m.stats["purges"] += 1
        m.stats["tombstones purged"] += result.tombstones

    def change_scope(self, data: st.DataObject) -> None:
        """The admin gives a worker other grids; the laptop still thinks it has its old ones
        until it signs in again, and may write there meanwhile."""
        m: Any = self
        who = data.draw(st.sampled_from(sorted(RESCOPED)), label="who")
        choice = data.draw(st.integers(0, len(GRID_CHOICES) - 1), label="grids")
        set_grids(m.server.db_url, RESCOPED[who], GRID_CHOICES[choice])
        m.scope_changes.add(who)
        m.stats["scope changes"] += 1

    # --- records moving ----------------------------------------------------------------

    def move_household(self, data: st.DataObject) -> None:
        """The street supervisor moves a household to the other grid."""
        m: Any = self
        hid = m.pick(data, "sup", HouseholdRow)
        if hid is None:
            return
        with m.ws["sup"].read() as s:
            row = s.get(HouseholdRow, hid)
            current = row.grid_code if row is not None else GRID_A
        target = GRID_B if current == GRID_A else GRID_A
        m.shown("sup", HouseholdRow, hid, "grid_code")
        try:
            register.edit_record(m.ws["sup"], HouseholdRow, hid, {"grid_code": target})
        except ServiceError:
            return
        m.wrote("sup", "household", hid, {"grid_code": target})
        m.moves.add(hid)
        m.stats["households moved"] += 1

    # --- photos --------------------------------------------------------------------------

    def late_upload(self, data: st.DataObject) -> None:
        """A photo's record reaches the server, its file does not (every transfer request is
        dropped); the colleagues sync again and again before it is uploaded."""
        m: Any = self
        who = data.draw(st.sampled_from(["a", "a2", "b", "sup"]), label="who")
        size = data.draw(st.integers(1, 50_000), label="size")
        seed = data.draw(st.integers(0, 2**32 - 1))
        hid = m.pick(data, who, HouseholdRow)
        if hid is None or m.late_uploads >= 2:
            return
        photo = random.Random(seed).randbytes(size)
        try:
            att = attach(m.ws[who], owner_entity="household", owner_id=hid, data=photo)
        except ServiceError:
            return
        m.created[("attachment", att)] = who
        m.photos[hashlib.sha256(photo).hexdigest()] = photo
        good = client_for(m.ws[who])
        plan = FaultPlan(rates={"drop": 1.0}, only=lambda r: "/attachments/" in (r.path_url or ""))
        client = SyncClient(
            make_transport(good.base_url, adapter=FaultyAdapter(plan, HeldRequests()), retries=0),
            device_id=good.device_id,
            token=good.token,
        )
        with contextlib.suppress(SyncError):
            SyncEngine(m.ws[who].profile, client, username=m.ws[who].actor.username).run_cycle()
        for other in m.ws:
            if other == who:
                continue
            for _ in range(WAITING_SYNCS):
                with contextlib.suppress(SyncError, ServiceError):
                    sync_now(m.ws[other])
        m.late_uploads += 1
        m.stats["photos referenced before their upload"] += 1

    # --- conflicts ---------------------------------------------------------------------

    def resolve(self, data: st.DataObject) -> None:
        """Resolve one of this laptop's open field conflicts, as the conflicts screen does."""
        m: Any = self
        who = data.draw(st.sampled_from(["a", "a2", "b", "sup"]), label="who")
        how = data.draw(st.sampled_from(["server", "local", "typed", "invalid"]), label="how")
        n = data.draw(st.integers(0, 10_000), label="conflict")
        ws = m.ws[who]
        views = [
            v
            for v in list_conflicts(ws, status="open")
            if v.kind == "field" and not v.pending_resolution and v.fields
        ]
        if not views:
            return
        view = views[n % len(views)]
        info = view.fields[n % len(view.fields)]
        field = str(info["field"])
        try:
            if how == "server":
                resolve_conflict(ws, view.id, keep="server")
            elif how == "local":
                resolve_conflict(ws, view.id, keep="local")
                for f in view.fields:
                    if f.get("local_author") is not None:
                        m.wrote(
                            who,
                            view.entity,
                            view.record_id,
                            {f["field"]: f.get("local")},
                            resolved=True,
                        )
            else:
                value = m.typed_value(field, valid=how == "typed")
                if value is None:
                    return
                resolve_conflict(ws, view.id, field=field, value=value)
                m.wrote(who, view.entity, view.record_id, {field: value}, resolved=True)
        except (ServiceError, DomainError):
            m.stats[f"resolutions refused locally ({how})"] += 1
            return
        m.stats[f"conflicts resolved ({how})"] += 1

    # --- editing while a sync runs -----------------------------------------------------------

    def edit_while_syncing(self, data: st.DataObject) -> None:
        """A colleague changes the note and syncs; this laptop syncs while its user changes
        the address (after the push, before the pull); then the user, having seen the
        colleague's note, changes it too."""
        m: Any = self
        who = data.draw(st.sampled_from(["a", "a2"]), label="who")
        other = data.draw(st.sampled_from(["a", "a2", "sup"]), label="colleague")
        hid = m.pick(data, who, HouseholdRow)
        if hid is None or other == who:
            return
        with m.ws[other].read() as s:
            theirs = s.get(HouseholdRow, hid)
            shared = theirs is not None and not theirs.deleted
        if not shared:
            return
        try:
            m.edit(other, hid, "note")
        except ServiceError:
            return
        with contextlib.suppress(SyncError, ServiceError):
            sync_now(m.ws[other])
        ws = m.ws[who]
        good = client_for(ws)
        client = HookedClient(
            make_transport(good.base_url), device_id=good.device_id, token=good.token
        )
        client.hook = lambda: m.edit(who, hid, "address")
        try:
            SyncEngine(ws.profile, client, username=ws.actor.username).run_cycle()
        except (SyncError, ServiceError):
            return
        with contextlib.suppress(ServiceError):
            m.edit(who, hid, "note")
        m.stats["edits made while a sync ran"] += 1

    # --- a laptop set up offline --------------------------------------------------------------

    def offline_laptop(self, data: st.DataObject) -> None:
        """worker.a sets up a second laptop offline (`init`, no district key), registers a
        household there that the first laptop registers too, then enrolls it (sometimes
        typing a colleague's username first)."""
        m: Any = self
        no = data.draw(st.integers(1, 6), label="household no")
        mistyped = data.draw(st.booleans(), label="mistyped")
        name = "a_offline"
        if name in m.ws:
            return
        path = m.dir / name
        ws = init_profile(
            path, PASSPHRASE, username="worker.a", grids=[GRID_A], kdf_params=KdfParams.fast()
        )
        try:
            note = {"note": m.unique("离线")}
            offline_id = m.register(ws, name, GRID_A, m.household_no(no), note)
        finally:
            ws.close()
        m.register(m.ws["a"], "a", GRID_A, m.household_no(no), {"head_name": m.unique("李建国")})
        if mistyped:
            with contextlib.suppress(ServiceError, SyncError):
                wrong, _ = enroll(
                    path,
                    server_url=m.server.url,
                    username="worker.b",
                    password=PASSWORD,
                    passphrase=PASSPHRASE,
                )
                wrong.close()
            m.stats["enrollments with a mistyped username"] += 1
        ws, _report = enroll(
            path,
            server_url=m.server.url,
            username="worker.a",
            password=PASSWORD,
            passphrase=PASSPHRASE,
        )
        m.ws[name] = ws
        m.held[name] = HeldRequests()
        if offline_id is not None:
            m.rekeyed(offline_id, ids.household_id(ws.id_secret, GRID_A, m.household_no(no)), ws)
        m.stats["laptops set up offline, then enrolled"] += 1

    # --- natural keys corrected in place --------------------------------------------------

    def edit_natural_keys(self, data: st.DataObject) -> None:
        """A household's 户号 or a resident's ID number corrected in place, as the register's
        edit does it (checked against what the laptop holds): onto a fresh value, onto the
        value a record on another laptop holds (which this laptop may not have yet), or onto
        one another laptop registers meanwhile. The server keeps one live household per grid
        and 户号 and one live resident per ID number: the second to arrive is refused
        visibly (`household_no_taken`, `id_number_taken`)."""
        m: Any = self
        who = data.draw(st.sampled_from(["a", "a2", "b", "sup"]), label="who")
        other = data.draw(st.sampled_from(["a", "a2", "b", "sup"]), label="other laptop")
        household = data.draw(st.booleans(), label="household")
        how = data.draw(st.sampled_from(KEY_CHOICES), label="new key")
        no = data.draw(st.integers(7, 99), label="household no")
        model = HouseholdRow if household else ResidentRow
        rid = m.pick(data, who, model)
        theirs = m.pick(data, other, model)
        if rid is None or other == who:
            return
        with m.ws[who].read() as s:
            row = s.get(model, rid)
            if row is None:
                return
            grid = row.grid_code
            field = "household_no" if household else "id_number"
            seen = getattr(row, field)
        if how == "held":
            if theirs is None:
                return
            with m.ws[other].read() as s:
                held = s.get(model, theirs)
                value = getattr(held, field) if held is not None else None
            if not value or (household and held is not None and held.grid_code != grid):
                return
        elif household:
            value = m.household_no(no)
        else:
            value = m.fresh_id_number()
        if value == seen:
            return
        seen = m.shown(who, model, rid, field)
        try:
            register_edit.apply_edit(m.ws[who], model.__entity__, rid, {field: value})
        except (ServiceError, DomainError):
            m.stats[f"{field} corrections refused locally"] += 1
            return
        m.wrote(who, model.__entity__, rid, {field: value}, seen={field: seen})
        m.key_edits += 1
        m.stats[f"{field} corrected in place ({how})"] += 1
        if how == "racing":
            self._register_racing(data, other, household, grid, value)

    def _register_racing(
        self, data: st.DataObject, other: str, household: bool, grid: str, value: str
    ) -> None:
        """Another laptop registers, before any sync, the 户号 or ID number just given."""
        m: Any = self
        if household:
            if grid not in (m.ws[other].actor.grids or [grid]):
                return
            hid = m.register(m.ws[other], other, grid, value, {"note": m.unique("同号")})
            registered = hid is not None
        else:
            hid = m.pick(data, other, HouseholdRow)
            if hid is None:
                return
            try:
                person = register.ResidentInput(name="周敏", id_number=value)
                rid = register.add_resident(m.ws[other], hid, person)
            except (ServiceError, DomainError):
                return
            m.created.setdefault(("resident", rid), other)
            m.wrote(other, "resident", rid, {"name": "周敏"})
            registered = True
        if registered:
            m.stats[f"{'户号' if household else 'ID number'} registered meanwhile elsewhere"] += 1


def reset_scopes(db_url: str) -> None:
    """Each example starts with the workers' usual grids (the examples share the server)."""
    for username, grids in DEFAULT_GRIDS.items():
        set_grids(db_url, username, grids)
