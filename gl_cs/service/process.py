"""The worker in its own process (what ``gl-cs serve`` runs).

Acknowledging is a millisecond of work; running the rules is tens of milliseconds of
Python per issue. In one process they share one interpreter lock, and under load the
acknowledgements wait behind the rules (measured: ack p99 ~3x worse). So the receiver
process only receives, journals and answers, and a child process runs the
:class:`~gl_cs.service.worker.Worker` on the same journal file (SQLite WAL is made for
one writer and several readers across processes).

One duplex pipe joins them: the receiver sends ``wake(iid)`` and ``stop``; the worker
sends metric updates and its state (the bot's id, when GitLab last answered, runs in
progress), which the receiver applies to its own registry, so ``/metrics`` and
``/healthz`` stay in one place. The child dies with its parent (``PR_SET_PDEATHSIG`` on
Linux, and the pipe's end otherwise): a kill -9 of the service stops both, and whatever
they were doing is still pending in the journal.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

from .metrics import Metrics
from .worker import Backoff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSpec:
    """Everything the child needs (pickled once, at start)."""

    gitlab_url: str
    token: str
    config: Any  # gl_cs.config.Config
    journal_path: str
    shards: int
    pinned_now: dt.datetime | None
    backoff: Backoff
    poll: float
    labels_ttl: float
    max_retries: int = 2
    timeout: float = 10.0
    log_level: int = logging.WARNING
    nice: int = 10  # the rules yield the CPU to the acknowledgements


class _RemoteMetric:
    def __init__(self, sink: "_Sink", name: str, labels: tuple[str, ...] = ()):
        self._sink, self._name, self._labels = sink, name, labels

    def labels(self, *values: str) -> "_RemoteMetric":
        return _RemoteMetric(self._sink, self._name, tuple(values))

    def inc(self, amount: float = 1.0) -> None:
        self._sink.send(("m", self._name, self._labels, "inc", amount))

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

    from ..app.runtime import Runtime
    from ..gitlab.adapter import GitLab
    from .journal import SQLiteJournal
    from .worker import Worker, utc_now

    sink = _Sink(conn)
    journal = SQLiteJournal(spec.journal_path)
    pinned = spec.pinned_now
    worker = Worker(journal, lambda: Runtime(GitLab(spec.gitlab_url, spec.token, spec.config.project,
                                                    max_retries=spec.max_retries, timeout=spec.timeout),
                                             spec.config, labels_ttl=spec.labels_ttl),
                    sink, shards=spec.shards, now=(lambda: pinned) if pinned else utc_now, backoff=spec.backoff,
                    poll=spec.poll)
    stop = threading.Event()

    def report_state() -> None:
        last = None
        while not stop.wait(0.2):
            state = {"bot_id": worker.bot_id, "gitlab_ok_at": worker.gitlab_ok_at,
                     "gitlab_failed_at": worker.gitlab_failed_at, "last_error": worker.last_error,
                     "longest_run": worker.longest_run(), "alive": worker.alive, "busy": bool(worker._busy),
                     "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                     "cpu_seconds": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)}
            if state != last:
                sink.send(("s", state))
                last = state

    worker.start()
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
        sink.send(("s", {"alive": False, "busy": False, "longest_run": 0.0, "bot_id": worker.bot_id,
                         "gitlab_ok_at": worker.gitlab_ok_at, "gitlab_failed_at": worker.gitlab_failed_at,
                         "last_error": worker.last_error}))
        journal.close()


class RemoteWorker:
    """The receiver's handle on the worker process; the same surface the service uses of
    an in-process :class:`~gl_cs.service.worker.Worker`."""

    def __init__(self, spec: WorkerSpec, metrics: Metrics, journal):
        self.spec = spec
        self.metrics = metrics
        self.journal = journal
        self.shards = spec.shards
        self._proc: mp.Process | None = None
        self._conn = None
        self._send_lock = threading.Lock()
        self._wakes: set[int] = set()
        self._wake_event = threading.Event()
        self._state: dict[str, Any] = {}
        self._reader: threading.Thread | None = None

    # state the service reads
    bot_id = property(lambda self: self._state.get("bot_id"))
    gitlab_ok_at = property(lambda self: self._state.get("gitlab_ok_at"))
    gitlab_failed_at = property(lambda self: self._state.get("gitlab_failed_at"))
    last_error = property(lambda self: self._state.get("last_error", ""))

    @property
    def max_rss_kb(self) -> int:
        return int(self._state.get("max_rss_kb", 0))

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive() and self._state.get("alive", True)

    def longest_run(self) -> float:
        return float(self._state.get("longest_run", 0.0))

    def idle(self) -> bool:
        return not self._state.get("busy") and self.journal.stats(time.time())["depth"] == 0

    def start(self) -> None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(target=child_main, args=(self.spec, child, os.getpid()), name="gl-cs-worker",
                                 daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent
        self._reader = threading.Thread(target=self._read, args=(parent,), name="gl-cs-worker-reader",
                                        daemon=True)
        self._reader.start()
        threading.Thread(target=self._send_wakes, name="gl-cs-worker-waker", daemon=True).start()

    def _read(self, conn) -> None:
        metrics = self.metrics
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
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
            except Exception:
                log.exception("bad message from the worker process")

    def wake(self, iid: int | None = None) -> None:
        """Never blocks an acknowledgement: a thread of its own passes wakes on (and the
        worker polls the journal anyway)."""
        self._wakes.add(int(iid) if iid is not None else -1)
        self._wake_event.set()

    def _send_wakes(self) -> None:
        while self._conn is not None:
            self._wake_event.wait(0.5)
            self._wake_event.clear()
            conn = self._conn
            if conn is None:
                return
            while self._wakes:
                iid = self._wakes.pop()
                with self._send_lock:
                    try:
                        conn.send(iid)
                    except (OSError, BrokenPipeError, AttributeError):
                        return

    def stop(self, timeout: float = 15.0) -> None:
        proc, conn = self._proc, self._conn
        if proc is None:
            return
        self._conn = None
        self._wake_event.set()
        with self._send_lock:
            try:
                conn.send("stop")
            except (OSError, BrokenPipeError):
                pass
        proc.join(timeout)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
        if self._reader is not None:
            self._reader.join(2)
        conn.close()
        self._proc = None
