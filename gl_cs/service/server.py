"""The service: journal + worker + receiver, served by waitress on one port.

``Service.start()`` returns once the port is bound (``url`` tells where); ``stop()`` stops
accepting, lets the runs in progress finish, and closes the journal. Events not yet
processed stay in the journal for the next start (or for another instance on a shared
PostgreSQL journal).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from ..app.desk import Desk
from ..config import Config
from ..gitlab.adapter import GitLab, GitLabError
from .app import MAX_BODY, Served, WebhookApp
from .journal import LEASE, Journal, open_journal
from .metrics import Metrics
from .process import RemoteWorker, WorkerSpec
from .worker import Backoff, Worker, utc_now

log = logging.getLogger(__name__)

WORKER_GRACE = 10.0  # a worker down for longer than this (or dying 3 times in 10 minutes) is unhealthy


class Service:
    def __init__(self, config: Config | None = None, make_gitlab: Callable[[], GitLab] | None = None, *,
                 journal: Journal | str | Path, secret: str | None, projects: Mapping[int, str] | None = None,
                 make_desk: Callable[[int], Desk] | None = None, health_token: str | None = None,
                 host: str = "127.0.0.1", port: int = 8080, shards: int = 4, threads: int = 16,
                 now: Callable[[], dt.datetime] = utc_now, backoff: Backoff = Backoff(), max_body: int = MAX_BODY,
                 stuck_after: float = 900.0, health_ttl: float = 15.0, labels_ttl: float = 300.0,
                 poll: float = 1.0, lease: float = LEASE, worker_process: "WorkerSpec | None" = None,
                 refuse_other_projects: bool = True):
        """Serve one desk (``config``, ``make_gitlab``: a new adapter for it) or several
        (``make_desk``: a new desk for a project id, with ``projects``). ``projects``: the
        project ids served, with their paths (``gl-cs serve`` resolves every desk at
        start-up); None asks GitLab for the one configured desk now. ``make_gitlab`` also
        answers the health check's ``GET /user`` (a new adapter each time)."""
        self.config = config
        self.make_gitlab = make_gitlab
        if projects is None:
            pid, path = make_gitlab().project_identity()
            projects = {pid: path}
        if make_desk is None:
            def make_desk(pid: int) -> Desk:
                return Desk.of(make_gitlab(), config, labels_ttl=labels_ttl)
        self.make_desk = make_desk
        self.served = Served(projects)
        self.journal = journal if not isinstance(journal, (str, Path)) else open_journal(journal)
        if len(self.served.ids) == 1:
            adopted = self.journal.adopt_legacy(self.served.ids[0])
            if adopted:
                log.warning("journal: %d event(s) from before project ids were recorded now belong to project %s",
                            adopted, self.served.ids[0])
        self.metrics = Metrics()
        self.metrics.watch_journal(self.journal.stats)
        if worker_process is not None:  # gl-cs serve: the rules run in a supervised child process
            import dataclasses

            spec = dataclasses.replace(worker_process, projects=self.served.ids)
            self.worker = RemoteWorker(spec, self.metrics, self.journal)
        else:  # tests, embedding: worker threads in this process
            self.worker = Worker(self.journal, make_desk, self.metrics, projects=self.served.ids, shards=shards,
                                 now=now, backoff=backoff, poll=poll, lease=lease,
                                 probe=lambda: make_gitlab().current_user())
        self.app = WebhookApp(self.journal, self.metrics, self.served, secret=secret, health_token=health_token,
                              max_body=max_body, on_accepted=lambda e: self.worker.wake(e.iid),
                              bot_id=lambda: self.worker.bot_id, health=self.health,
                              refuse_other_projects=refuse_other_projects)
        self.host, self.port, self.threads, self.max_body = host, port, threads, max_body
        self.stuck_after = stuck_after
        self.health_ttl = health_ttl
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
        release = getattr(self.journal, "release_dead_owners", None)
        if release is not None:  # SQLite: a kill -9 of the last service left its leases behind
            freed = release()
            if freed:
                log.info("freed %d issue(s) a stopped gl-cs serve still held", freed)
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

            try:
                server.trigger.pull_trigger(close_all)
                done.wait(5)
            except OSError as exc:  # the loop's wake-up pipe is gone: close from here instead
                log.warning("stopping the HTTP loop directly (its wake-up pipe failed: %s)", exc.strerror or exc)
                close_all()
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
    def _gitlab(self) -> tuple[bool, str]:
        """Whether GitLab takes gl-cs's requests, as a reason code (never a URL or a message)."""
        now = time.time()
        w = self.worker
        if getattr(w, "token_rejected_at", None) is not None:
            return False, "token_rejected"
        if w.gitlab_ok_at and now - w.gitlab_ok_at < self.health_ttl and \
                (w.gitlab_failed_at or 0) < w.gitlab_ok_at:
            return True, "answered"
        if self._health_cache and now - self._health_cache[0] < self.health_ttl:
            return self._health_cache[1], self._health_cache[2]
        try:
            self.make_gitlab().current_user()  # a new adapter: GET /user afresh
            result = (True, "answered")
        except GitLabError as exc:
            result = (False, "token_rejected" if exc.status == 401 else "unreachable" if exc.status is None
                      else f"answered {exc.status}")
        except Exception:
            result = (False, "error")
        self._health_cache = (now, *result)
        return result

    def health(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, dict[str, Any]] = {}
        try:
            self.journal.check_writable()
            checks["journal"] = {"ok": True}
        except Exception as exc:
            checks["journal"] = {"ok": False, "error": exc.__class__.__name__}
        ok, reason = self._gitlab()
        checks["gitlab"] = {"ok": ok, "reason": reason}
        state = self.worker.state()
        worker_ok = state["state"] == "running" and state.get("deaths_last_10_min", 0) < 3 or \
            state["state"] == "starting" or \
            state["state"] == "restarting" and state.get("down_seconds", 0) < WORKER_GRACE
        checks["worker"] = {"ok": worker_ok, **state}
        try:
            stats = self.journal.stats(time.time())
        except Exception:
            stats = {"depth": -1, "oldest_age": 0.0, "overdue": 0.0, "parked": 0}
        stuck = stats["overdue"] > self.stuck_after or self.worker.longest_run() > self.stuck_after
        checks["queue"] = {"ok": not stuck, "depth": stats["depth"], "oldest_age_seconds": round(stats["oldest_age"], 3),
                           "parked": stats["parked"]}
        return all(c["ok"] for c in checks.values()), checks
