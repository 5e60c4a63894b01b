"""kill -9 at every step of applying a plan, then a normal sync: every change is explained
exactly once, and the desk ends as a run that was never killed.

`gl-cs sync` runs as a real subprocess against the sandbox through a small proxy on
127.0.0.1 that can hold one request: before passing it on (GitLab never saw it) or after
GitLab applied it (the answer never arrives). While the request is held the process is
killed with SIGKILL, as a CI cancel or an OOM kill would.
"""

from __future__ import annotations

import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import COMPLETE, LONG_AGO, NOW, PROJECT, RULES, TOKEN, Desk, make_store
from gl_cs.cli import cli
from gl_cs.markers import markers_in
from gl_cs.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]


class HoldingProxy:
    """Forwards to the sandbox; holds the first request matching ``hold`` (method, path
    regex, "before" or "after" forwarding) until released."""

    def __init__(self, target: str):
        self.target = target.rstrip("/")
        self.hold: tuple[str, str, str] | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                match = proxy._matches(self.command, self.path)
                if match == "before":
                    proxy.held.set()
                    proxy.release.wait(60)
                    self.send_error(502)
                    return
                request = urllib.request.Request(proxy.target + self.path, data=body, method=self.command,
                                                 headers={k: v for k, v in self.headers.items()
                                                          if k.lower() not in ("host", "content-length")})
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, headers, data = answer.status, answer.headers.items(), answer.read()
                except urllib.error.HTTPError as err:
                    status, headers, data = err.code, err.headers.items(), err.read()
                if match == "after":
                    proxy.held.set()
                    proxy.release.wait(60)
                try:
                    self.send_response(status)
                    for key, value in headers:
                        if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client is gone

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _matches(self, method: str, path: str) -> str | None:
        if self.hold and not self.held.is_set():
            m, pattern, when = self.hold
            if method == m and re.search(pattern, path):
                return when
        return None

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _desk(store, pid) -> list[int]:
    """A revert that needs its explanation, an EXPEDITE removal, a request to SA Waiting, a
    silent label, and a settled request."""
    desk = Desk(sandbox=None, store=store, project_id=pid)  # type: ignore[arg-type]
    far = COMPLETE.replace("2026-11-26 10:00 America/New_York", "2026-11-27 10:00 America/New_York")
    return [
        desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)]),
        desk.issue(description=far, labels=("SA Backlog", "FY27-Q4", "EXPEDITE")),
        desk.issue(description=COMPLETE.replace("## Outcome\nFaster releases with fewer tools.\n", "")),
        desk.issue(labels=("FY27-Q4",)),
        desk.issue(),
    ]


def _state(store, pid, iids) -> dict:
    out = {}
    for iid in iids:
        issue = store.issue(pid, iid)
        bodies = [n["body"] for n in store.notes(pid, iid) if n["author"]["username"] == "gl-cs-bot"
                  and not n["system"]]
        out[iid] = (sorted(issue["labels"]), sorted(a["username"] for a in issue["assignees"]), sorted(bodies))
    return out


def _gl_cs(url: str, record: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "gl_cs", "--gitlab-url", url, "--token", TOKEN,
                             "--project", PROJECT, "--config", str(RULES), "--now", NOW.isoformat(),
                             "sync", "--record", str(record)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _clean_run(tmp_path) -> dict:
    store, pid = make_store()
    iids = _desk(store, pid)
    with Sandbox(store=store) as sandbox:
        proc = _gl_cs(sandbox.url, tmp_path / "clean-record.json")
        assert proc.wait(timeout=120) == 0
    return _state(store, pid, iids)


STEPS = {
    "before any write": ("GET", r"/issues\?.*state=opened", "before"),
    "comment and its change in flight, never reached GitLab": ("POST", r"/notes$", "before"),
    "comment and its change applied, answer lost": ("POST", r"/notes$", "after"),
    "edit in flight, never reached GitLab": ("PUT", r"/issues/\d+$", "before"),
    "edit applied, answer lost": ("PUT", r"/issues/\d+$", "after"),
    "after the writes, before the race check": ("GET", r"/issues\?.*iids", "before"),
}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return _clean_run(tmp_path_factory.mktemp("clean"))


@pytest.mark.parametrize("step", list(STEPS))
def test_kill_at_each_step_then_a_sync_explains_every_change_once(step, clean, tmp_path):
    store, pid = make_store()
    iids = _desk(store, pid)
    record = tmp_path / "record.json"
    with Sandbox(store=store) as sandbox, HoldingProxy(sandbox.url) as proxy:
        proxy.hold = STEPS[step]
        proc = _gl_cs(proxy.url, record)
        assert proxy.held.wait(60), f"gl-cs never reached the step: {step}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proxy.release.set()
        after_kill = _state(store, pid, iids)

        again = CliRunner().invoke(cli, ["--gitlab-url", sandbox.url, "--token", TOKEN, "--project", PROJECT,
                                         "--config", str(RULES), "--now", NOW.isoformat(),
                                         "sync", "--record", str(record)], catch_exceptions=False)
        assert again.exit_code == 0, again.output
    final = _state(store, pid, iids)
    assert final == clean  # the same end as a run never killed
    for iid, (_, _, bodies) in final.items():  # every explanation exactly once
        counts = Counter(m for body in bodies for m in markers_in(body))
        assert all(n == 1 for n in counts.values()), (iid, counts)
    # no change was ever visible without its reason: after the kill, an issue that left
    # SA Doing or lost EXPEDITE already carried the comment that says why
    revert, expedite = iids[0], iids[1]
    for iid, label, rule in ((revert, "SA Doing", "workflow.assignee"), (expedite, "EXPEDITE", "expedite")):
        labels, _, bodies = after_kill[iid]
        if label not in labels:
            assert any(r == rule for body in bodies for r, _ in markers_in(body)), (step, iid, after_kill[iid])
