"""The worker: takes the events of one issue from the journal and runs the rules on it.

The very same code as ``gl-cs sync --issue IID``: ``run_sync(iids=[iid])`` on a
:class:`~gl_cs.app.runtime.Runtime` kept for the life of the service (the bot user and the
labels are read once, then only when stale; the record lives in memory), with the clock
of the moment (``GL_CS_NOW`` pins it).

A small pool of threads, one per *shard* (``iid % shards``): an issue always goes to the
same thread, so two events of one issue never run at once and each thread's runtime keeps
a consistent record of its issues. The rules read the issue fresh; events only say *which*
issue to look at, so order among them does not matter, and a burst is one run.

Failures (GitLab unreachable, 5xx, a bug): the events stay in the journal and are retried
with exponential back-off; after ``max_attempts`` they are parked (``/parked``,
``gl-cs serve --list-parked``) and the scheduled sync remains the safety net.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..app.runtime import Runtime
from ..app.sync import run_sync
from .journal import Claim, Journal
from .metrics import Metrics

log = logging.getLogger(__name__)

GONE = "no such issue"  # run_sync's failure text for an issue that is not (or no longer) there


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


class Worker:
    def __init__(self, journal: Journal, make_runtime: Callable[[], Runtime], metrics: Metrics, *,
                 shards: int = 4, now: Callable[[], dt.datetime] = utc_now, backoff: Backoff = Backoff(),
                 poll: float = 1.0):
        self.journal = journal
        self.make_runtime = make_runtime
        self.metrics = metrics
        self.shards = max(1, shards)
        self.now = now
        self.backoff = backoff
        self.poll = poll
        self._stop = threading.Event()
        self._wake = [threading.Event() for _ in range(self.shards)]
        self._threads: list[threading.Thread] = []
        self._runtimes: dict[int, Runtime] = {}
        self._busy: dict[int, float] = {}  # shard -> when its current run started (monotonic)
        self.bot_id: int | None = None
        self.gitlab_ok_at: float | None = None  # time.time() of the last run GitLab answered
        self.gitlab_failed_at: float | None = None
        self.last_error = ""
        self._outages = 0  # failed runs in a row while GitLab did not answer at all

    # -- life ----------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        for k in range(self.shards):
            t = threading.Thread(target=self._loop, args=(k,), name=f"gl-cs-worker-{k}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the runs in progress, claim nothing more (the rest stays in the journal)."""
        self._stop.set()
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

    def longest_run(self) -> float:
        now = time.monotonic()
        return max((now - s for s in list(self._busy.values())), default=0.0)

    def idle(self) -> bool:
        return not self._busy and self.journal.stats(time.time())["depth"] == 0

    # -- the loop ------------------------------------------------------------
    def _loop(self, k: int) -> None:
        shard = (k, self.shards)
        while not self._stop.is_set():
            try:
                claim = self.journal.claim(time.time(), shard)
                if claim is None:
                    due = self.journal.next_due(shard)
                    wait = self.poll if due is None else min(self.poll, max(0.005, due - time.time()))
                    self._wake[k].wait(wait)
                    self._wake[k].clear()
                    continue
                self._busy[k] = time.monotonic()
                try:
                    self.process(claim, self._runtime(k))
                finally:
                    self._busy.pop(k, None)
            except Exception:  # the journal itself failed: say so, wait, try again
                log.exception("worker %d: journal error", k)
                self._stop.wait(1.0)

    def _runtime(self, k: int) -> Runtime:
        if k not in self._runtimes:
            self._runtimes[k] = self.make_runtime()
        return self._runtimes[k]

    def process(self, claim: Claim, runtime: Runtime) -> None:
        m = self.metrics
        n = len(claim.ids)
        try:
            if runtime.bot is None:  # the first run of this thread: the token's user and labels
                runtime.setup(refresh_labels=False)
            self.bot_id = runtime.bot.id
        except Exception as exc:  # GitLabError, SetupError (401/403/404), network
            self._failed(claim, f"setting up: {exc}", runtime)
            return
        if all(u is not None and u == runtime.bot.id for u in claim.user_ids):
            self.journal.complete(claim, ignored=True)
            m.ignored.labels("own_event").inc(n)
            return
        started = time.perf_counter()
        try:
            report = run_sync(None, None, self.now(), iids=[claim.iid], runtime=runtime)
        except Exception as exc:  # SetupError, a bug: the event stays and is retried
            log.exception("#%s: the run failed", claim.iid)
            self._failed(claim, f"{exc.__class__.__name__}: {exc}", runtime)
            return
        finally:
            m.run_seconds.observe(time.perf_counter() - started)
            m.runs.inc()
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
        if report.failures:  # the issue is gone (deleted, moved) or the token cannot see it
            self.journal.complete(claim, ignored=True, now=done)
            m.ignored.labels("no_such_issue").inc(n)
            return
        self.journal.complete(claim, now=done)
        m.processed.inc(n)
        m.changes.inc(len(report.changes))
        for received in claim.received_at:
            m.processing_latency.observe(max(0.0, done - received))
        if report.changes:
            log.info("#%s: %d event(s), %d change(s)", claim.iid, n, len(report.changes))

    def _gitlab_down(self, runtime: Runtime) -> bool:
        """After a failed run: does GitLab answer at all (``GET /user``)? An outage is
        nobody's event: retried with back-off, but it does not count towards parking, so
        a long outage does not park every event that arrived during it."""
        try:
            runtime.gitlab.current_user()
            return False
        except Exception:
            return True

    def _failed(self, claim: Claim, error: str, runtime: Runtime) -> None:
        self.gitlab_failed_at = time.time()
        self.last_error = error[:300]
        self.metrics.failed.inc()
        if self._gitlab_down(runtime):
            self._outages += 1
            self.journal.fail(claim, error, retry_at=time.time() + self.backoff.delay(self._outages), park=False,
                              count=False)
            log.warning("#%s: GitLab does not answer (%s); retrying later", claim.iid, error)
            return
        self._outages = 0
        attempts = claim.attempts + 1
        park = attempts >= self.backoff.max_attempts
        self.journal.fail(claim, error, retry_at=time.time() + self.backoff.delay(attempts), park=park)
        if park:
            self.metrics.parked.inc(len(claim.ids))
            log.error("#%s: parked %d event(s) after %d attempts: %s", claim.iid, len(claim.ids), attempts, error)
        else:
            log.warning("#%s: attempt %d failed, retrying later: %s", claim.iid, attempts, error)
