"""The sync cycle: push the outbox, then pull pages, then move attachments.

Every step commits what it learned before the next network call, so a cycle
cut off anywhere (network, crash, SIGKILL) resumes without duplicates or loss:
- entries being pushed are frozen (`sending`) and re-sent with the same
  mutation ids; the server answers a replay with the recorded outcome;
- each pulled page is stored with its cursor in one transaction;
- transfers are remembered until the file is on the other side.

Lifecycle answers (docs/design.md §4): `device_revoked` wipes the profile (and
nothing else does); `epoch_changed` re-sends what the restored server lacks and
resyncs keeping the outbox; `cursor_expired` resyncs from zero; `client_cloned`
and authentication errors go back to the caller, which must sign in again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridworker.protocol import (
    MAX_PULL_LIMIT,
    MAX_PUSH_MUTATIONS,
    Cursor,
    ErrorCode,
    MutationOutcome,
    PullRequest,
    PullResponse,
    PushResponse,
)
from gridworker.storage.engine import write_session
from gridworker.storage.models import (
    LocalConflict,
    OutboxEntry,
)
from gridworker.storage.outbox import without_capture
from gridworker.storage.profile import OpenProfile, wipe_profile
from gridworker.sync import apply, own, refetch, resolutions, restore, transfers
from gridworker.sync.client import SyncClient, SyncError
from gridworker.sync.faults import killpoint
from gridworker.sync.push_body import COLUMNS as PUSH_COLUMNS
from gridworker.sync.push_body import OutboxRow, push_body
from gridworker.sync.state import SyncState

log = logging.getLogger(__name__)

# Answers settled together, in one transaction, once this many are held (and whenever the
# push stops). A settle deletes its entries, and their keys in the outbox's (entity,
# record_id) index sit at random places: each commit writes (and encrypts) every page it
# touched, and one batch's deletions touch most of the index's pages that the next one's
# touch again. Four batches of 500 a commit cut that write by half (docs/performance.md,
# "Issue 23: the laptop's push and pull").
SETTLE_EVERY = 2000


@dataclass(frozen=True)
class Sent:
    """What settling needs of a sent entry (the rest stays in the outbox)."""

    mutation_id: int
    entity: str
    record_id: str


@dataclass(frozen=True)
class Frozen:
    """A frozen batch: its entries in order and the request body built from them."""

    sent: list[Sent]
    body: bytes


_In = TypeVar("_In")
_Out = TypeVar("_Out")


class Cancelled(Exception):
    """The cycle was cancelled between two steps; everything done so far is kept."""


class DeviceRevoked(Exception):
    """The server revoked this device; the profile has been wiped."""


@dataclass(frozen=True)
class Progress:
    phase: str  # push | pull | upload | download | done
    done: int
    total: int | None = None


@dataclass
class CycleReport:
    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    evicted: list[str] = field(default_factory=list)
    uploaded: int = 0
    downloaded: int = 0
    resynced: bool = False
    restored: int = 0  # records re-sent after a server restore
    waiting: int = 0  # photos referenced here but not uploaded yet (retried with backoff)

    def summary(self) -> str:
        return (
            f"pushed {self.pushed} (conflicts {self.conflicts}, rejected {self.rejected}), "
            f"pulled {self.pulled}, files up {self.uploaded} down {self.downloaded}"
        )


ProgressFn = Callable[[Progress], None]


class SyncEngine:
    def __init__(
        self,
        profile: OpenProfile,
        client: SyncClient,
        *,
        username: str,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        push_batch: int = MAX_PUSH_MUTATIONS,
        pull_limit: int = MAX_PULL_LIMIT,
        clock: Callable[[], datetime] | None = None,
        settle_every: int = SETTLE_EVERY,
    ) -> None:
        self.profile = profile
        self.clock = clock
        self.client = client
        self.username = username
        self.progress = progress or (lambda p: None)
        self.cancel = cancel or threading.Event()
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self.settle_every = settle_every

    def _bookkeeping(self) -> AbstractContextManager[Session]:
        """A write transaction of the cycle's own bookkeeping (freezing and settling a
        batch, storing a page and its cursor, the sync state): committed without waiting
        for the disk. Each is done again if a power cut loses it: unsettled entries are
        re-sent and the server replays their logged outcomes, a lost page is pulled
        again from the stored cursor (see storage.engine.write_session)."""
        return write_session(self.profile.sessions, durable=False)

    # --- the cycle -----------------------------------------------------------------

    def run_cycle(self) -> CycleReport:
        report = CycleReport()
        started = time.monotonic()
        log.info("sync cycle start")
        try:
            self._cycle(report)
        except SyncError as exc:
            log.warning("sync cycle failed: %s after %s", exc.code, report.summary())
            if exc.code is ErrorCode.device_revoked:
                self.profile.close()
                wipe_profile(self.profile.path)
                raise DeviceRevoked(exc.args[0]) from exc
            self._remember_error(exc)
            raise
        except Cancelled:
            log.info("sync cycle cancelled after %s", report.summary())
            raise
        self._finish()
        self.progress(Progress("done", 1, 1))
        log.info(
            "sync cycle done in %.1f s: %s%s",
            time.monotonic() - started,
            report.summary(),
            " (resynced)" if report.resynced else "",
        )
        return report

    def _cycle(self, report: CycleReport) -> None:
        for _attempt in range(3):
            try:
                self._push(report)
                resolutions.send(self)  # one refused resolution stops nothing
                self._pull(report)
                break
            except SyncError as exc:
                if exc.code is ErrorCode.epoch_changed and exc.body is not None:
                    report.restored += self._after_restore(exc.body.epoch, exc.body.high_water)
                    report.resynced = True
                elif exc.code is ErrorCode.cursor_expired:
                    self._resync_from_zero()
                    report.resynced = True
                else:
                    raise
        transfers.run(self, report)

    def now(self) -> datetime:
        """The time transfers back off by (tests fake the clock)."""
        return self.clock() if self.clock is not None else datetime.now(UTC)

    def progress_file(self, direction: str, report: CycleReport) -> None:
        done = report.uploaded if direction == "up" else report.downloaded
        self.progress(Progress("upload" if direction == "up" else "download", done, None))

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("sync cancelled")

    # --- push ------------------------------------------------------------------------

    def _push(self, report: CycleReport) -> None:
        """Push the outbox in batches, in order (the server refuses a device's later batch
        before its earlier one).

        The work on either side overlaps: while the server applies a batch, the next one
        is read and frozen here, and it goes out as soon as the answer comes, so that the
        server applies it while the answer before is settled here. The request runs on a
        helper thread; the database is used on this one only. A frozen batch that is not
        sent (an error, a cancel, the server stopping early) is simply sent again by the
        next cycle, like one cut off by a crash.

        Answers are settled a few batches at a time (`SETTLE_EVERY`), in one transaction,
        and at once when the push stops, fails or is cancelled: an answer not settled yet
        is like one lost in a crash, its entries still `sending` (re-sent by the next
        cycle; the server replays the logged outcomes).
        """
        with self.profile.sessions() as s:
            total = (
                s.scalar(
                    select(func.count())
                    .select_from(OutboxEntry)
                    .where(OutboxEntry.status.in_(apply.UNSENT))
                )
                or 0
            )
        done = 0
        self.check_cancel()
        batch = self._freeze_batch(after=0)
        in_flight = self._send_batch(batch) if batch is not None else None
        answered: list[tuple[Frozen, PushResponse]] = []
        try:
            while batch is not None and in_flight is not None:
                self.check_cancel()
                following = self._freeze_batch(after=batch.sent[-1].mutation_id)
                response = in_flight.result()
                killpoint("push.after_send")
                stopped = len(response.outcomes) < len(batch.sent)  # the rest: next cycle
                in_flight = None
                if following is not None and not stopped and not self.cancel.is_set():
                    in_flight = self._send_batch(following)
                answered.append((batch, response))
                report.pushed += len(batch.sent)
                done += len(batch.sent)
                self.progress(Progress("push", done, max(total, done)))
                if in_flight is None or sum(len(b.sent) for b, _ in answered) >= self.settle_every:
                    group, answered = answered, []
                    self._settle(group, report)
                    killpoint("push.after_apply")
                batch = following
        except (SyncError, Cancelled):
            # Answers already in hand are settled before the cycle gives up (a crash
            # instead leaves them `sending`: re-sent, the server replays its outcomes).
            if answered:
                self._settle(answered, report)
            raise

    def _freeze_batch(self, *, after: int) -> Frozen | None:
        """The next batch of unsent entries past mutation id `after`, frozen (`sending`):
        later edits get entries of their own. Entries left `sending` by an earlier cycle
        are unsent too, and go again. Mutation ids only grow (storage.outbox), so the
        batch being pushed is never read twice. None when nothing is left. (`attempts`
        counts freezes: a batch frozen ahead and then not sent counts one too.)"""
        with self._bookkeeping() as s:
            state = SyncState.load(s)
            # The driver's rows, the JSON columns as stored text (sync/push_body.py).
            rows = [
                OutboxRow(*r)
                for r in s.connection().exec_driver_sql(
                    f"SELECT {PUSH_COLUMNS} FROM outbox WHERE status IN (?, ?) "
                    "AND mutation_id > ? ORDER BY mutation_id LIMIT ?",
                    (*apply.UNSENT, after, self.push_batch),
                )
            ]
            if not rows:
                return None
            marks = ", ".join("?" * len(rows))
            s.connection().exec_driver_sql(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1 "
                f"WHERE mutation_id IN ({marks})",
                tuple(r.mutation_id for r in rows),
            )
        body = push_body(self.client.device_id, state.epoch, rows)
        return Frozen([Sent(r.mutation_id, r.entity, r.record_id) for r in rows], body)

    def _send_batch(self, batch: Frozen) -> Future[PushResponse]:
        killpoint("push.before_send")
        return _in_background(self.client.push_body, batch.body, "gridworker-push")

    def _settle(self, answered: list[tuple[Frozen, PushResponse]], report: CycleReport) -> None:
        """Settle answered batches, in order, in one transaction (`SETTLE_EVERY`): the
        same as settling each in a transaction of its own, one after the other."""
        with self._bookkeeping() as s, without_capture(s), s.no_autoflush:
            for batch, response in answered:
                self._settle_batch(s, batch.sent, response, report)
                # As if the next batch had a transaction of its own: its bulk statements
                # see this one's ORM changes, its ORM reads the rows the bulk ones changed.
                s.flush()
                s.expire_all()

    def _settle_batch(
        self, s: Session, batch: list[Sent], response: PushResponse, report: CycleReport
    ) -> None:
        sent_ids = {m.mutation_id: m for m in batch}
        # The common case, a plain `applied`, is settled in bulk: the entry goes,
        # the record takes the new version. Everything else goes one by one, in the
        # batch's order, and so does a plain `applied` whose record an earlier outcome
        # of the batch settles one by one: settled first, its version would let that
        # earlier answer overwrite its effect (a restore re-send answered `merged`,
        # the record live, then the delete behind it: the row came back to life).
        plain: list[MutationOutcome] = []
        one_by_one: set[tuple[str, str]] = set()
        for o in response.outcomes:
            m = sent_ids.get(o.mutation_id)
            if m is None:
                continue
            key = (m.entity, m.record_id)
            if (
                o.status == "applied"
                and o.code is None
                and m.entity != "attachment"
                and key not in one_by_one
            ):
                plain.append(o)
            else:
                one_by_one.add(key)
        held = apply.settle_applied(
            s,
            [
                (
                    o.mutation_id,
                    sent_ids[o.mutation_id].entity,
                    sent_ids[o.mutation_id].record_id,
                    o.version,
                )
                for o in plain
            ],
        )
        report.applied += len(plain)
        # The versions now held here: the pull need not send these records back.
        state = SyncState.load(s)
        own.add(state, response.epoch, held)
        state.save(s)
        settled = {o.mutation_id for o in plain}
        rest = [o for o in response.outcomes if o.mutation_id not in settled]
        sent_entries, _records = apply.load_entries(s, [o.mutation_id for o in rest])
        for outcome in rest:
            sent = sent_entries.get(outcome.mutation_id)
            if sent is None:
                continue
            status = apply.apply_outcome(s, sent, outcome, self.username, self.client.device_id)
            if status == "applied":
                report.applied += 1
            elif status == "merged":
                report.merged += 1
            elif status == "conflict":
                report.conflicts += 1
            else:
                report.rejected += 1
            if sent.entity == "attachment" and status != "rejected":
                s.flush()  # an upload queued earlier in this batch must be found
                transfers.queue_upload(s, sent.payload)

    # --- pull ------------------------------------------------------------------------

    def _pull(self, report: CycleReport) -> None:
        """Pull pages until the server has no more, each stored with its cursor.

        While a page is being stored, the next one is already asked for (one request
        ahead, on a helper thread), so the server's work and ours overlap. Only after a
        plain page, one that neither evicts nor back-fills a grid: the server takes a
        pull's cursor as "stored up to here" for evictions and back-fills, so such a
        request waits until its page is stored. A plain request ahead changes nothing
        on the server that the same request after the store would not.
        """
        # The server's truth for rows whose change it refused (sync/refetch.py) first.
        refetch.run(self)
        ahead: Future[PullResponse] | None = None
        with self.profile.sessions() as s:
            # Versions this laptop holds already (sync/own.py), for every page's request.
            own_ranges = own.for_request(SyncState.load(s))
        while True:
            self.check_cancel()
            if ahead is not None:
                response, ahead = ahead.result(), None
            else:
                with self.profile.sessions() as s:
                    state = SyncState.load(s)
                cursor = Cursor(epoch=state.epoch, seq=state.seq) if state.epoch else None
                response = self.client.pull(
                    PullRequest(
                        device_id=self.client.device_id,
                        cursor=cursor,
                        backfill=state.backfill,
                        limit=self.pull_limit,
                        own=own_ranges,
                    )
                )
            if response.has_more and not response.evicted and not response.backfill:
                following = PullRequest(
                    device_id=self.client.device_id,
                    cursor=Cursor(epoch=response.epoch, seq=response.cursor.seq),
                    limit=self.pull_limit,
                    own=own_ranges,
                )
                ahead = _in_background(self.client.pull, following, "gridworker-pull")
            killpoint("pull.before_apply")
            with self._bookkeeping() as s, without_capture(s):
                for grid in response.evicted:
                    apply.evict_grid(s, grid)
                apply.apply_rows(s, response.rows)
                state = SyncState.load(s)
                state.epoch = response.epoch
                state.seq = response.cursor.seq
                state.backfill = dict(response.backfill)
                if response.evicted:
                    own.clear(state)  # rows went without a pull (sync/own.py)
                    own_ranges = []
                own.above(state, state.seq)
                state.save(s)
            killpoint("pull.after_apply")
            report.pulled += len(response.rows)
            report.evicted += list(response.evicted)
            self.progress(Progress("pull", report.pulled, None))
            if not response.has_more:
                return

    # --- lifecycle ---------------------------------------------------------------------

    def _resync_from_zero(self) -> None:
        """Our cursor predates purged tombstones: deletes may have been missed. Drop every
        synced row that has no unsent change (the full pull brings back what still exists),
        keep the outbox and the rows it refers to, and start again from zero."""
        with write_session(self.profile.sessions) as s, without_capture(s):
            apply.keep_only_unsent_rows(s)
            state = SyncState.load(s)
            state.seq = 0
            state.backfill = {}
            own.clear(state)
            state.save(s)

    def _after_restore(self, epoch: str | None, high_water: int | None) -> int:
        """The server was restored from a backup: re-send what it lacks, in causal order,
        before the unsent changes (sync/restore.py), then resync from zero."""
        with write_session(self.profile.sessions) as s, without_capture(s):
            return restore.after_restore(
                s,
                username=self.username,
                epoch=epoch,
                high_water=high_water or 0,
                holds_file=self.profile.attachments.exists,
                device=self.client.device_id,
            )

    def _remember_error(self, exc: SyncError) -> None:
        try:
            with self._bookkeeping() as s:
                state = SyncState.load(s)
                state.online = exc.status is not None  # the server answered, even if with an error
                state.last_error = f"{exc.code.value}: {exc.args[0]}"
                state.save(s)
        except Exception:  # never hide the original error, which the caller raises
            log.warning("the sync error could not be recorded in the profile", exc_info=True)

    def _finish(self) -> None:
        with self._bookkeeping() as s:
            state = SyncState.load(s)
            state.online = True
            state.last_error = None
            state.last_sync = datetime.now(UTC).isoformat(timespec="seconds")
            state.open_conflicts = int(
                s.scalar(
                    select(func.count())
                    .select_from(LocalConflict)
                    .where(LocalConflict.status == "open")
                )
                or 0
            )
            state.save(s)


def _in_background(call: Callable[[_In], _Out], arg: _In, name: str) -> Future[_Out]:
    """`call(arg)` on a daemon thread of its own. A request left in flight by a failure or
    a cancel finishes there, unread, and never holds up the process's exit (the threads of
    a ThreadPoolExecutor are joined at exit: a stuck request would keep `gridworker sync`
    or a closing app waiting for the transport's timeouts and retries)."""
    future: Future[_Out] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(call(arg))
        except BaseException as exc:  # handed to whoever reads the result
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
