"""The worker in its own process (what ``gl-cs serve`` runs), and its supervisor.

Acknowledging is a millisecond of work; running the rules is tens of milliseconds of
Python per issue. In one process they share one interpreter lock, and under load the
acknowledgements wait behind the rules (measured: ack p99 ~3x worse). So the receiver
process only receives, journals and answers, and a child process runs the
:class:`~gl_cs.service.worker.Worker` on the same journal.

One duplex pipe joins them: the receiver sends ``wake(iid)`` and ``stop``; the worker
sends metric updates and its state (the bot's id, when GitLab last answered, runs in
progress), which the receiver applies to its own registry, so ``/metrics`` and
``/healthz`` stay in one place. The child dies with its parent (``PR_SET_PDEATHSIG`` on
Linux, and the pipe's end otherwise): a kill -9 of the service stops both, and whatever
they were doing is still pending in the journal.

**Supervised.** The receiver watches the child. When it dies on its own (the OOM killer,
a crash in a dependency, an operator's ``kill``), the receiver logs how it ended, frees the
issues it held in the journal (their leases name the dead child), and starts a new one at
once; if it keeps dying, it waits 1, 2, 5, 10, 30, then 60 s between starts, and counts
again from zero once a child has lived a minute. Meanwhile the receiver keeps journalling
and acknowledging (GitLab does not retry a failed delivery, so the journal is what keeps
the event); ``/healthz`` and ``/metrics`` (``gl_cs_webhook_worker_up``,
``gl_cs_webhook_worker_restarts_total``) say so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import multiprocessing as mp
import multiprocessing.connection
import os
import resource
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .journal import LEASE
from .metrics import Metrics
from .worker import Backoff, new_owner

log = logging.getLogger(__name__)

RESTART_DELAYS = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
STABLE_AFTER = 60.0  # a child that lived this long starts the back-off afresh when it dies


@dataclass(frozen=True)
class WorkerSpec:
    """Everything the child needs (pickled at each start)."""

    gitlab_url: str
    token: str = field(repr=False)  # neither the token nor a database password is ever printed
    config: Any = field(repr=False)  # gl_cs.config.Config: the one desk served (when ``settings`` is None)
    journal_path: str = field(repr=False)  # a path, sqlite:///path or postgresql://... (what --journal says)
    shards: int
    pinned_now: dt.datetime | None
    backoff: Backoff
    poll: float
    labels_ttl: float
    max_retries: int = 2
    timeout: float = 10.0
    log_level: int = logging.WARNING
    log_changes: bool = True  # the change lines at INFO (gl-cs serve -q turns them off)
    nice: int = 10  # the rules yield the CPU to the acknowledgements
    projects: tuple[int, ...] | None = None  # project ids served (None: whatever the journal holds)
    lease: float = LEASE
    owner: str = ""  # set by the supervisor for each child it starts
    settings: Any = None  # gl_cs.config.desks.DeskSettings: several desks, each with its overrides
    desks: dict | None = None  # project id -> gl_cs.config.desks.DeskRef (with ``settings``)


class _RemoteMetric:
    def __init__(self, sink: "_Sink", name: str, labels: tuple[str, ...] = ()):
        self._sink, self._name, self._labels = sink, name, labels

    def labels(self, *values: str) -> "_RemoteMetric":
        return _RemoteMetric(self._sink, self._name, tuple(values))

    def inc(self, amount: float = 1.0) -> None:
        self._sink.send(("m", self._name, self._labels, "inc", amount))

    def set(self, value: float) -> None:
        self._sink.send(("m", self._name, self._labels, "set", value))

    def observe(self, value: float) -> None:
        self._sink.send(("m", self._name, self._labels, "observe", value))


class _Sink:
    """The worker's ``metrics`` in the child: every update goes to the receiver."""

    def __init__(self, conn):
        self._conn = conn
        self._lock = threading.Lock()

    def send(self, message) -> None:
        with self._lock:
            try:
                self._conn.send(message)
            except (OSError, EOFError, BrokenPipeError):
                pass  # the parent is gone; this process is about to end too

    def __getattr__(self, name: str) -> _RemoteMetric:
        if name.startswith("_"):
            raise AttributeError(name)
        return _RemoteMetric(self, name)


def _die_with_parent(parent_pid: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux: the pipe's EOF stops the worker instead
        pass
    if os.getppid() != parent_pid:
        os._exit(0)


def child_main(spec: WorkerSpec, conn, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group; the parent decides
    if spec.nice:
        try:
            os.nice(spec.nice)
        except OSError:
            pass
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("gl_cs").setLevel(spec.log_level)
    logging.getLogger("gl_cs.changes").setLevel(logging.INFO if spec.log_changes else logging.WARNING)
    sink = _Sink(conn)
    try:
        _work(spec, conn, sink)
    except BaseException as exc:  # the supervisor logs these last words with the exit code
        sink.send(("x", f"{exc.__class__.__name__}: {str(exc)[:300]}"))
        raise


def _work(spec: WorkerSpec, conn, sink: _Sink) -> None:
    from ..app.desk import Connection, Desk, DeskFactory
    from .journal import open_journal
    from .worker import Worker, utc_now

    journal = open_journal(spec.journal_path)
    pinned = spec.pinned_now
    connection = Connection(spec.gitlab_url, spec.token, timeout=spec.timeout, max_retries=spec.max_retries)

    if spec.settings is not None:  # each event's desk, with its own configuration
        factory = DeskFactory(spec.settings, connection, labels_ttl=spec.labels_ttl)

        def make_desk(project_id: int) -> Desk:
            return factory.open(spec.desks[project_id])
    else:
        def make_desk(project_id: int) -> Desk:
            project = project_id if spec.projects else spec.config.project
            return Desk.of(connection.adapter(project), spec.config, labels_ttl=spec.labels_ttl)

    def probe():  # GET /user afresh: a new adapter, its own identity
        return connection.fresh().current_user()

    worker = Worker(journal, make_desk, sink, projects=spec.projects, shards=spec.shards,
                    now=(lambda: pinned) if pinned else utc_now, backoff=spec.backoff, poll=spec.poll,
                    lease=spec.lease, owner=spec.owner or None, probe=probe)
    stop = threading.Event()

    def snapshot() -> dict[str, Any]:
        return {"bot_id": worker.bot_id, "gitlab_ok_at": worker.gitlab_ok_at,
                "gitlab_failed_at": worker.gitlab_failed_at, "last_error": worker.last_error,
                "token_rejected_at": worker.token_rejected_at, "longest_run": worker.longest_run(),
                "alive": worker.alive, "busy": bool(worker._busy), "pid": os.getpid(),
                "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "cpu_seconds": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)}

    def report_state() -> None:
        last = None
        while not stop.wait(0.2):
            state = snapshot()
            if state != last:
                sink.send(("s", state))
                last = state

    worker.start()
    sink.send(("s", snapshot()))
    threading.Thread(target=report_state, name="gl-cs-worker-state", daemon=True).start()
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break  # the receiver is gone
            if message == "stop":
                break
            if isinstance(message, int):
                worker.wake(None if message < 0 else message)
    finally:
        worker.stop()
        stop.set()
        sink.send(("s", dict(snapshot(), alive=False, busy=False, longest_run=0.0)))
        journal.close()


def describe_exit(code: int | None) -> str:
    if code is None:
        return "ended"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


class RemoteWorker:
    """The receiver's handle on the worker process and its supervisor; the same surface
    the service uses of an in-process :class:`~gl_cs.service.worker.Worker`."""

    def __init__(self, spec: WorkerSpec, metrics: Metrics, journal, *,
                 restart_delays: tuple[float, ...] = RESTART_DELAYS, stable_after: float = STABLE_AFTER):
        self.spec = spec
        self.metrics = metrics
        self.journal = journal
        self.shards = spec.shards
        self.restart_delays = restart_delays
        self.stable_after = stable_after
        self._proc: mp.process.BaseProcess | None = None
        self._conn = None
        self._owner = ""
        self._send_lock = threading.Lock()
        self._wakes: set[int] = set()
        self._wake_event = threading.Event()
        self._state: dict[str, Any] = {}
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._readers: list[threading.Thread] = []
        self._started_at = 0.0
        self._down_since: float | None = None
        self.restarts = 0
        self._quick_deaths = 0
        self._deaths: deque[float] = deque(maxlen=20)  # time.time() of each death
        self.last_exit = ""

    # state the service reads
    bot_id = property(lambda self: self._state.get("bot_id"))
    gitlab_ok_at = property(lambda self: self._state.get("gitlab_ok_at"))
    gitlab_failed_at = property(lambda self: self._state.get("gitlab_failed_at"))
    token_rejected_at = property(lambda self: self._state.get("token_rejected_at"))
    last_error = property(lambda self: self._state.get("last_error", ""))

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None else None

    @property
    def max_rss_kb(self) -> int:
        return int(self._state.get("max_rss_kb", 0))

    @property
    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.is_alive() and self._state.get("alive", True)

    @property
    def ready(self) -> bool:
        """The worker process has started its threads and said so (its first state)."""
        return self.alive and bool(self._state)

    def longest_run(self) -> float:
        return float(self._state.get("longest_run", 0.0))

    def idle(self) -> bool:
        return not self._state.get("busy") and self.journal.stats(time.time())["depth"] == 0

    def state(self) -> dict[str, Any]:
        """What /healthz says about the worker process."""
        now = time.time()
        state = "running" if self.ready else "starting" if self.alive else \
            "stopped" if self._stopping.is_set() else "restarting"
        out: dict[str, Any] = {"state": state,
                               "restarts": self.restarts,
                               "deaths_last_10_min": sum(1 for t in self._deaths if now - t < 600)}
        if self.last_exit:
            out["last_exit"] = self.last_exit
        if self._down_since is not None:
            out["down_seconds"] = round(now - self._down_since, 1)
        return out

    # -- life ----------------------------------------------------------------
    def start(self) -> None:
        self._stopping.clear()
        self._spawn()
        self._supervisor = threading.Thread(target=self._supervise, name="gl-cs-worker-supervisor", daemon=True)
        self._supervisor.start()
        threading.Thread(target=self._send_wakes, name="gl-cs-worker-waker", daemon=True).start()

    def _spawn(self) -> None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        self._owner = new_owner()
        spec = dataclasses.replace(self.spec, owner=self._owner)
        proc = ctx.Process(target=child_main, args=(spec, child, os.getpid()), name="gl-cs-worker", daemon=True)
        self._state = {}
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        self._started_at = time.monotonic()
        self._down_since = None
        self.metrics.worker_up.set(1)
        reader = threading.Thread(target=self._read, args=(parent,), name="gl-cs-worker-reader", daemon=True)
        reader.start()
        self._readers = [r for r in self._readers if r.is_alive()] + [reader]
        self._wake_event.set()  # whatever was woken while no child ran

    def _supervise(self) -> None:
        while True:
            proc = self._proc
            if proc is None:
                return
            mp.connection.wait([proc.sentinel], timeout=0.5)
            if self._stopping.is_set():
                # a child this thread started dies with it (the parent-death signal follows the
                # thread that spawned it): this thread lives until the child has finished
                if proc.is_alive():
                    continue
                return
            if proc.is_alive():
                continue
            proc.join(1)
            self._died(proc)

    def _died(self, proc) -> None:
        lived = time.monotonic() - self._started_at
        how = describe_exit(proc.exitcode)
        words = self._state.get("last_words")
        reason = f"{how} ({words})" if words else how
        self.last_exit = reason
        self._deaths.append(time.time())
        self._down_since = time.time()
        self.metrics.worker_up.set(0)
        self.metrics.worker_restarts.labels("signal" if (proc.exitcode or 0) < 0 else "exit").inc()
        self._quick_deaths = 1 if lived >= self.stable_after else self._quick_deaths + 1
        delay = self.restart_delays[min(self._quick_deaths, len(self.restart_delays)) - 1]
        try:
            released = self.journal.release_owner(self._owner)
        except Exception as exc:  # the journal is down too: the leases run out by themselves
            log.warning("could not free the dead worker's issues in the journal (%s); they come back when their "
                        "leases run out", exc.__class__.__name__)
            released = 0
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        log.error("the worker process (pid %s) %s after %.0f s; %d issue(s) it held are free again; restarting it%s."
                  " Webhooks are still journalled and acknowledged meanwhile", proc.pid, reason, lived, released,
                  f" in {delay:g} s (it keeps dying)" if delay else "")
        if self._stopping.wait(delay):
            return
        self.restarts += 1
        try:
            self._spawn()
        except Exception as exc:
            log.error("could not start the worker process: %s", exc)
            self._proc = proc  # try again on the next round
            self._started_at = time.monotonic()
            return
        log.warning("the worker process is back (pid %s, restart %d)", self._proc.pid, self.restarts)

    def _read(self, conn) -> None:
        metrics = self.metrics
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                if conn is self._conn:
                    self._state["alive"] = False
                return
            try:
                if message[0] == "m":
                    _, name, labels, method, value = message
                    metric = getattr(metrics, name)
                    if labels:
                        metric = metric.labels(*labels)
                    getattr(metric, method)(value)
                elif message[0] == "s":
                    self._state.update(message[1])
                elif message[0] == "x":
                    self._state["last_words"] = message[1]
            except Exception:
                log.exception("bad message from the worker process")

    def wake(self, iid: int | None = None) -> None:
        """Never blocks an acknowledgement: a thread of its own passes wakes on (and the
        worker polls the journal anyway)."""
        self._wakes.add(int(iid) if iid is not None else -1)
        self._wake_event.set()

    def _send_wakes(self) -> None:
        while not self._stopping.is_set():
            self._wake_event.wait(0.5)
            self._wake_event.clear()
            while self._wakes:
                iid = self._wakes.pop()
                conn = self._conn
                if conn is None:  # no child right now: the next one polls the journal first
                    continue
                with self._send_lock:
                    try:
                        conn.send(iid)
                    except (OSError, BrokenPipeError, AttributeError, ValueError):
                        pass

    def stop(self, timeout: float = 15.0) -> None:
        self._stopping.set()
        self._wake_event.set()
        proc, conn = self._proc, self._conn
        if proc is None:
            if self._supervisor is not None:
                self._supervisor.join(5)
            return
        self._conn = None
        if conn is not None:
            with self._send_lock:
                try:
                    conn.send("stop")
                except (OSError, BrokenPipeError, ValueError):
                    pass
        proc.join(timeout)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
            try:  # its runs did not finish: the next worker takes their issues at once
                self.journal.release_owner(self._owner)
            except Exception:
                pass
        if self._supervisor is not None:
            self._supervisor.join(5)
        for reader in self._readers:
            reader.join(2)
        if conn is not None:
            conn.close()
        self._proc = None
        self.metrics.worker_up.set(0)
