"""The service: journal + worker + receiver, served by waitress on one port.

``Service.start()`` returns once the port is bound (``url`` tells where); ``stop()`` stops
accepting, lets the runs in progress finish, and closes the journal. Events not yet
processed stay in the journal for the next start.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from pathlib import Path
from typing import Callable

from ..app.runtime import Runtime
from ..config import Config
from ..gitlab.adapter import GitLab
from .app import MAX_BODY, Project, WebhookApp
from .journal import Journal, SQLiteJournal
from .metrics import Metrics
from .process import RemoteWorker, WorkerSpec
from .worker import Backoff, Worker, utc_now

log = logging.getLogger(__name__)


class Service:
    def __init__(self, config: Config, make_gitlab: Callable[[], GitLab], *, journal: Journal | str | Path,
                 secret: str | None, host: str = "127.0.0.1", port: int = 8080, shards: int = 4,
                 threads: int = 16, now: Callable[[], dt.datetime] = utc_now, backoff: Backoff = Backoff(),
                 max_body: int = MAX_BODY, stuck_after: float = 900.0, health_ttl: float = 15.0,
                 labels_ttl: float = 300.0, poll: float = 1.0, worker_process: "WorkerSpec | None" = None):
        self.config = config
        self.make_gitlab = make_gitlab
        self.journal = journal if not isinstance(journal, (str, Path)) else SQLiteJournal(journal)
        self.metrics = Metrics()
        self.metrics.watch_journal(self.journal.stats)
        if worker_process is not None:  # gl-cs serve: the rules run in a child process
            self.worker = RemoteWorker(worker_process, self.metrics, self.journal)
        else:  # tests, embedding: worker threads in this process
            self.worker = Worker(self.journal, lambda: Runtime(make_gitlab(), config, labels_ttl=labels_ttl),
                                 self.metrics, shards=shards, now=now, backoff=backoff, poll=poll)
        self.app = WebhookApp(self.journal, self.metrics, Project(str(config.project)), secret=secret,
                              max_body=max_body, on_accepted=lambda e: self.worker.wake(e.iid),
                              bot_id=lambda: self.worker.bot_id, health=self.health)
        self.host, self.port, self.threads, self.max_body = host, port, threads, max_body
        self.stuck_after = stuck_after
        self.health_ttl = health_ttl
        self._health_gitlab: GitLab | None = None
        self._health_cache: tuple[float, bool, str] | None = None
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "Service":
        from waitress.server import create_server

        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is N" under bursts
        # the port first: a busy one stops here, before any worker starts
        self._server = create_server(
            self.app, host=self.host, port=self.port, threads=self.threads, ident="gl-cs",
            max_request_body_size=self.max_body + 65536,  # the app answers 413 itself, counted
            channel_timeout=30, connection_limit=200, clear_untrusted_proxy_headers=True)
        self.port = self._server.effective_port
        self.worker.start()
        gc.freeze()  # what start-up built lives as long as the service: keep it out of full collections
        self._thread = threading.Thread(target=self._server.run, name="gl-cs-http", daemon=True)
        self._thread.start()
        log.info("gl-cs webhook service on %s (POST /webhook, GET /healthz, /metrics)", self.url)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop answering first (GitLab retries nothing we did not acknowledge), then let
        the runs in progress finish; what is left stays in the journal."""
        server, thread = self._server, self._thread
        if server is not None:
            from waitress import wasyncore

            done = threading.Event()

            def close_all() -> None:  # runs in the server's loop thread
                wasyncore.close_all(server._map)
                done.set()

            server.trigger.pull_trigger(close_all)
            done.wait(5)
            if thread is not None:
                thread.join(5)
            server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
            self._server = self._thread = None
        self.worker.stop(timeout)
        self.journal.close()

    def __enter__(self) -> "Service":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- health --------------------------------------------------------------
    def _gitlab_reachable(self) -> tuple[bool, str]:
        now = time.time()
        w = self.worker
        if w.gitlab_ok_at and now - w.gitlab_ok_at < self.health_ttl and \
                (w.gitlab_failed_at or 0) < w.gitlab_ok_at:
            return True, "answered the last run"
        if self._health_cache and now - self._health_cache[0] < self.health_ttl:
            return self._health_cache[1], self._health_cache[2]
        try:
            if self._health_gitlab is None:
                self._health_gitlab = self.make_gitlab()
            self._health_gitlab.current_user()
            result = (True, "GET /user answered")
        except Exception as exc:
            result = (False, str(exc)[:200])
        self._health_cache = (now, *result)
        return result

    def health(self) -> tuple[bool, dict]:
        checks: dict[str, dict] = {}
        try:
            self.journal.check_writable()
            checks["journal"] = {"ok": True}
        except Exception as exc:
            checks["journal"] = {"ok": False, "detail": exc.__class__.__name__}
        ok, detail = self._gitlab_reachable()
        checks["gitlab"] = {"ok": ok, "detail": detail}
        try:
            stats = self.journal.stats(time.time())
        except Exception:
            stats = {"depth": -1, "oldest_age": 0.0, "overdue": 0.0, "parked": 0}
        stuck = stats["overdue"] > self.stuck_after or self.worker.longest_run() > self.stuck_after \
            or not self.worker.alive
        checks["queue"] = {"ok": not stuck, "depth": stats["depth"], "oldest_age_seconds": round(stats["oldest_age"], 3),
                           "parked": stats["parked"], "workers_alive": self.worker.alive}
        return all(c["ok"] for c in checks.values()), checks
