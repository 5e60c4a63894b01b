"""The worker: leases the events of one issue from the journal and runs the rules on it.

The very same code as ``gl-cs sync --issue IID``: ``run_sync(desk, now, iids=[iid])`` on
the event's desk (its project id says which), a :class:`~gl_cs.app.desk.Desk` kept for the
life of the worker with its own configuration and runtime (the bot user and the labels are
read once, then only when stale; the record lives in memory), with the clock of the moment
(``GL_CS_NOW`` pins it).

A small pool of threads, one per *shard* (``iid % shards``): inside one worker an issue
always goes to the same thread, whose desk keeps a consistent record of it. Between
threads, processes and instances, the journal's lease keeps two runs of one issue apart:
a claim holds the issue while the run lasts (a thread renews the leases of the runs in
progress every third of the lease), and a worker that hung past its lease finds its
``complete`` refused. The rules read the issue fresh; events only say *which* issue to
look at, so a burst is one run.

**What the payload says saves a read.** An Issue Hook says which labels a person changed;
the record holds the label history up to gl-cs's last look. When this worker made the
previous claim of the issue (the claim number is one more than its own last), it hands the
reported changes to the record, which uses them when they lead exactly from what it saw to
the labels the issue has now (``Record.expect``); otherwise the history is read.

Failures (GitLab unreachable, 5xx, a bug): the events stay in the journal and are retried
with exponential back-off; after ``max_attempts`` they are parked (``/parked``,
``gl-cs serve --list-parked``) and the scheduled sync remains the safety net. A token
GitLab rejects (401) stops every claim: the events stay pending, and once a minute the
worker asks GitLab again and says so in the log (``/healthz`` shows it too).

Every change gl-cs makes is logged as ``gl-cs sync`` prints it (issue, rule, change,
reason) on the ``gl_cs.changes`` logger, at INFO, which ``gl-cs serve`` shows by default.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..app.record import LabelChange
from ..app.sync import run_sync
from ..gitlab.adapter import GitLabError
from ..read.snapshot import User, parse_timestamp
from ..report.text import line
from .journal import LEASE, Claim, Journal
from .metrics import Metrics

if TYPE_CHECKING:  # pragma: no cover
    from ..app.desk import Desk
    from ..app.runtime import Runtime

log = logging.getLogger(__name__)
changes_log = logging.getLogger("gl_cs.changes")

GONE = "no such issue"  # run_sync's failure text for an issue that is not (or no longer) there
TOKEN_CHECK_EVERY = 60.0


@dataclass(frozen=True)
class Backoff:
    base: float = 2.0
    factor: float = 2.0
    cap: float = 300.0
    max_attempts: int = 10  # 2+4+...+256+300 s: about 14 minutes of trying before an event is parked
    jitter: float = 0.2

    def delay(self, attempts: int) -> float:
        raw = min(self.cap, self.base * self.factor ** max(0, attempts - 1))
        return raw * (1 + random.uniform(-self.jitter, self.jitter))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def new_owner() -> str:
    """A worker's name in the journal's leases: host, process, and a random part (a
    restarted worker is another owner)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def label_changes(claim: Claim) -> list[LabelChange] | None:
    """The label changes the claim's payloads reported, or None when one of them cannot
    be read (then the history is read as usual)."""
    out = []
    for hints in claim.hints:
        labels = hints.get("labels")
        if not labels:
            continue
        previous, current = labels.get("previous"), labels.get("current")
        user = hints.get("user") or {}
        at = parse_timestamp(hints.get("changed_at") or hints.get("updated_at"))
        if previous is None or current is None or at is None or not user.get("id"):
            return None
        out.append(LabelChange(tuple(previous), tuple(current), User(int(user["id"]), str(user.get("username") or "")),
                               at))
    return out


class TokenRejected(Exception):
    pass


class Worker:
    def __init__(self, journal: Journal, make_desk: Callable[[int], "Desk"], metrics: Metrics, *,
                 projects: Sequence[int] | None = None, shards: int = 4, now: Callable[[], dt.datetime] = utc_now,
                 backoff: Backoff = Backoff(), poll: float = 1.0, lease: float = LEASE, owner: str | None = None,
                 probe: Callable[[], Any] | None = None, token_check_every: float = TOKEN_CHECK_EVERY):
        self.journal = journal
        self.make_desk = make_desk  # project id -> a new desk (each thread keeps its own)
        self.metrics = metrics
        self.projects = tuple(projects) if projects is not None else None
        self.shards = max(1, shards)
        self.now = now
        self.backoff = backoff
        self.poll = poll
        self.lease = lease
        self.owner = owner or new_owner()
        self.probe = probe  # GET /user afresh (never a cached answer); None: ask the runtime's adapter
        self.token_check_every = token_check_every
        self._stop = threading.Event()
        self._wake = [threading.Event() for _ in range(self.shards)]
        self._threads: list[threading.Thread] = []
        self._desks: dict[tuple[int, int], "Desk"] = {}
        self._busy: dict[int, float] = {}  # shard -> when its current run started (monotonic)
        self._active: dict[int, Claim] = {}  # shard -> the claim it works on (renewed)
        self._last_seq: dict[tuple[int, int, int], int] = {}  # (shard, project, iid) -> our last claim number
        self.bot_id: int | None = None
        self.gitlab_ok_at: float | None = None  # time.time() of the last run GitLab answered
        self.gitlab_failed_at: float | None = None
        self.last_error = ""
        self.token_rejected_at: float | None = None  # GitLab answered 401 to the token: nothing is claimed
        self.leases_lost = 0
        self._outages = 0  # failed runs in a row while GitLab did not answer at all

    # -- life ----------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        for k in range(self.shards):
            t = threading.Thread(target=self._loop, args=(k,), name=f"gl-cs-worker-{k}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._keeper, name="gl-cs-worker-leases", daemon=True)
        t.start()
        self._threads.append(t)
        listen = getattr(self.journal, "listen", None)  # PostgreSQL: events other instances accepted
        self._unlisten = listen(self._heard) if listen is not None else None

    def _heard(self, project_id: int | None, iid: int | None, owner: str) -> None:
        """An event journalled by any instance: wake the thread of its issue when the issue
        waits for this worker or for anyone (another worker's issue is found at the next
        poll, should that worker not take it: see the journal's affinity)."""
        if owner not in ("", self.owner):
            return
        if project_id is None or self.projects is None or project_id in self.projects:
            self.wake(iid)

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the runs in progress, claim nothing more (the rest stays in the journal)."""
        self._stop.set()
        if getattr(self, "_unlisten", None) is not None:
            self._unlisten()
            self._unlisten = None
        for w in self._wake:
            w.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self._threads = []

    def wake(self, iid: int | None = None) -> None:
        targets = self._wake if iid is None else [self._wake[iid % self.shards]]
        for w in targets:
            w.set()

    @property
    def alive(self) -> bool:
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    ready = alive

    def longest_run(self) -> float:
        now = time.monotonic()
        return max((now - s for s in list(self._busy.values())), default=0.0)

    def idle(self) -> bool:
        return not self._busy and self.journal.stats(time.time())["depth"] == 0

    def state(self) -> dict[str, Any]:
        """What /healthz says about the worker (in-process: always running while alive)."""
        return {"state": "running" if self.alive else "stopped", "restarts": 0}

    # -- the loop ------------------------------------------------------------
    def _loop(self, k: int) -> None:
        shard = (k, self.shards)
        while not self._stop.is_set():
            try:
                if self.token_rejected_at is not None:  # nothing is claimed until GitLab takes the token
                    self._wake[k].wait(self.poll)
                    self._wake[k].clear()
                    continue
                claim = self.journal.claim(time.time(), self.owner, lease=self.lease, shard=shard,
                                           projects=self.projects)
                if claim is None:
                    due = self.journal.next_due(shard, self.projects, owner=self.owner)
                    wait = self.poll if due is None else min(self.poll, max(0.005, due - time.time()))
                    self._wake[k].wait(wait)
                    self._wake[k].clear()
                    continue
                self._busy[k] = time.monotonic()
                self._active[k] = claim
                try:
                    self.process(claim, self._desk(k, claim.project_id), k)
                finally:
                    self._active.pop(k, None)
                    self._busy.pop(k, None)
            except Exception as exc:  # the journal itself failed: say so, wait, try again
                log.error("worker %d: journal error (%s: %s); trying again in 1 s", k, exc.__class__.__name__,
                          str(exc)[:300])
                self._stop.wait(1.0)

    def _keeper(self) -> None:
        """Renews the leases of the runs in progress; while GitLab rejects the token, asks
        it again (and says so) every ``token_check_every`` seconds."""
        every = max(0.05, self.lease / 3)
        checked = 0.0
        while not self._stop.wait(every):
            for k, claim in list(self._active.items()):
                try:
                    if not self.journal.renew(claim, self.lease) and self._active.get(k) is claim:
                        # (not in progress any more: the run ended while this renewal was on its way)
                        log.warning("#%s: the lease on this issue went to another worker (this run took longer "
                                    "than %g s); its result will not be recorded", claim.iid, self.lease)
                        self._active.pop(k, None)
                except Exception as exc:
                    log.warning("could not renew the lease on #%s: %s", claim.iid, exc.__class__.__name__)
            if self.token_rejected_at is not None and time.monotonic() - checked >= self.token_check_every:
                checked = time.monotonic()
                self._check_token()

    def _check_token(self) -> None:
        try:
            self._ask_gitlab()
        except TokenRejected:
            depth = "?"
            try:
                depth = str(self.journal.stats(time.time())["depth"])
            except Exception:
                pass
            log.error("GitLab still rejects gl-cs's token (401): nothing is processed; %s event(s) are kept in the "
                      "journal. Set a valid GITLAB_TOKEN and restart gl-cs serve", depth)
            return
        except Exception:
            return  # unreachable: the token's fate is unknown; ask again next time
        log.warning("GitLab accepts the token again: processing the events kept in the journal")
        self.token_rejected_at = None
        self.metrics.token_rejected.set(0)
        self.wake()

    def _desk(self, k: int, project_id: int) -> "Desk":
        key = (k, project_id)
        if key not in self._desks:
            self._desks[key] = self.make_desk(project_id)
        return self._desks[key]

    def process(self, claim: Claim, desk: "Desk", k: int = 0) -> None:
        m = self.metrics
        runtime = desk.runtime
        n = len(claim.ids)
        try:
            if runtime.bot is None:  # the first run of this thread: the token's user and labels
                runtime.setup(refresh_labels=False)
            self.bot_id = runtime.bot.id
        except Exception as exc:  # GitLabError, SetupError (401/403/404), network
            self._failed(claim, f"setting up: {exc}", runtime)
            return
        if all(u is not None and u == runtime.bot.id for u in claim.user_ids):
            self._complete(claim, ignored=True)
            m.ignored.labels("own_event").inc(n)
            return
        key = (k, claim.project_id, claim.iid)
        if self._last_seq.get(key) == claim.seq - 1:  # nobody else ran the issue since our last look
            changes = label_changes(claim)
            if changes is not None:
                runtime.record.expect(claim.iid, changes)
        self._last_seq[key] = claim.seq
        started = time.perf_counter()
        try:
            report = run_sync(desk, self.now(), iids=[claim.iid])
        except Exception as exc:  # SetupError, a bug: the event stays and is retried
            log.exception("#%s: the run failed", claim.iid)
            self._failed(claim, f"{exc.__class__.__name__}: {exc}", runtime)
            return
        finally:
            runtime.record.expected.pop(claim.iid, None)
            m.run_seconds.observe(time.perf_counter() - started)
            m.runs.inc()
        for entry in report.changes:
            changes_log.info("%s", line(entry))
        if report.fatal:
            self._failed(claim, report.fatal, runtime)
            return
        failures = [f.why for f in report.failures if not f.why.startswith(GONE)]
        if failures:
            self._failed(claim, "; ".join(failures), runtime)
            return
        self.gitlab_ok_at = time.time()
        self._outages = 0
        done = time.time()
        m.changes.inc(len(report.changes))
        if report.failures:  # the issue is gone (deleted, moved) or the token cannot see it
            if self._complete(claim, ignored=True, now=done):
                m.ignored.labels("no_such_issue").inc(n)
            return
        if not self._complete(claim, now=done):
            return
        m.processed.inc(n)
        for received in claim.received_at:
            m.processing_latency.observe(max(0.0, done - received))

    def _ended(self, claim: Claim) -> None:
        """The run of ``claim`` is over: the lease keeper stops renewing it (before the
        journal releases the lease, so that a renewal failing after the release is not
        taken for a lost lease)."""
        for k, active in list(self._active.items()):
            if active is claim:
                self._active.pop(k, None)

    def _complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> bool:
        self._ended(claim)
        if self.journal.complete(claim, ignored=ignored, now=now):
            return True
        self._lease_lost(claim)
        return False

    def _lease_lost(self, claim: Claim) -> None:
        self.leases_lost += 1
        self.metrics.leases_lost.inc()
        log.warning("#%s: another worker took this issue over (its lease ran out); it processes these %d event(s) "
                    "again, so this run's result is not recorded", claim.iid, len(claim.ids))

    def _ask_gitlab(self) -> None:
        """``GET /user`` afresh: raises TokenRejected (401), GitLabError or a network error."""
        try:
            if self.probe is not None:
                self.probe()
            else:  # embedded without a probe: the adapter's own (it remembers the user once read)
                desk = next(iter(self._desks.values()), None)
                if desk is not None:
                    desk.gitlab.current_user()
        except GitLabError as exc:
            if exc.status == 401:
                raise TokenRejected(str(exc)) from None
            raise

    def _gitlab_down(self) -> bool:
        """After a failed run: does GitLab answer at all (``GET /user``)? An outage is
        nobody's event: retried with back-off, but it does not count towards parking, so
        a long outage does not park every event that arrived during it. A rejected token
        raises :class:`TokenRejected`."""
        try:
            self._ask_gitlab()
            return False
        except TokenRejected:
            raise
        except Exception:
            return True

    def _failed(self, claim: Claim, error: str, runtime: "Runtime") -> None:
        self.gitlab_failed_at = time.time()
        self.last_error = error[:300]
        self.metrics.failed.inc()
        try:
            down = self._gitlab_down()
        except TokenRejected as exc:
            first = self.token_rejected_at is None
            self.token_rejected_at = time.time()
            self.metrics.token_rejected.set(1)
            self._ended(claim)
            if self.journal.fail(claim, error, retry_at=time.time(), park=False, count=False):
                if first:
                    log.error("GitLab rejects gl-cs's token (%s): nothing is processed until it takes it again; "
                              "the events are kept in the journal. Set a valid GITLAB_TOKEN and restart gl-cs "
                              "serve", str(exc)[:200])
            else:
                self._lease_lost(claim)
            return
        self._ended(claim)  # (the lease was renewed while GitLab was asked)
        if down:
            self._outages += 1
            if not self.journal.fail(claim, error, retry_at=time.time() + self.backoff.delay(self._outages),
                                     park=False, count=False):
                self._lease_lost(claim)
                return
            log.warning("#%s: GitLab does not answer (%s); retrying later", claim.iid, error)
            return
        self._outages = 0
        attempts = claim.attempts + 1
        park = attempts >= self.backoff.max_attempts
        if not self.journal.fail(claim, error, retry_at=time.time() + self.backoff.delay(attempts), park=park):
            self._lease_lost(claim)
            return
        if park:
            self.metrics.parked.inc(len(claim.ids))
            log.error("#%s: parked %d event(s) after %d attempts: %s", claim.iid, len(claim.ids), attempts, error)
        else:
            log.warning("#%s: attempt %d failed, retrying later: %s", claim.iid, attempts, error)
