"""Helpers for the webhook service tests: GitLab's reference payloads adapted to the
sandbox desk (project, issue, user), a started service, and a wait for its queue."""

from __future__ import annotations

import copy
import json
import time
import uuid as uuidlib

import pytest
import requests

from conftest import NOW, PROJECT, REFERENCE, RULES, TOKEN
from gl_cs.config import load_config
from gl_cs.gitlab.adapter import GitLab
from gl_cs.service.server import Service
from gl_cs.service.worker import Backoff

SECRET = "webhook-secret-for-tests"
FAST = Backoff(base=0.01, factor=2.0, cap=0.05, max_attempts=4, jitter=0.0)

_RAW = {name: json.loads((REFERENCE / f"webhook_{name}.json").read_text())
        for name in ("issue_event", "note_issue_event", "note_merge_request_event", "merge_request_event")}


def reference(name: str) -> dict:
    return copy.deepcopy(_RAW[name])


def issue_event(desk, iid: int, *, user: str = "eve.ae", updated_at: str = "2026-11-23T16:59:00Z",
                action: str = "update") -> dict:
    """GitLab's Issue Hook example, pointed at the desk's issue ``iid`` and changed by ``user``."""
    body = reference("issue_event")
    body["project"]["id"] = desk.project_id
    body["project"]["path_with_namespace"] = PROJECT
    u = desk.store.user(user)
    body["user"] = {"id": u["id"], "name": user, "username": user}
    attrs = body["object_attributes"]
    attrs.update(iid=iid, project_id=desk.project_id, updated_at=updated_at, action=action)
    issue = desk.get(iid)
    attrs["id"] = issue["id"]
    return body


def note_event(desk, iid: int, *, user: str = "eve.ae", note: str = "any news?", note_id: int = 5001) -> dict:
    body = reference("note_issue_event")
    body["project_id"] = desk.project_id
    body["project"]["id"] = desk.project_id
    body["project"]["path_with_namespace"] = PROJECT
    u = desk.store.user(user)
    body["user"] = {"id": u["id"], "name": user, "username": user}
    body["object_attributes"].update(note=note, id=note_id, project_id=desk.project_id)
    body["issue"].update(iid=iid, project_id=desk.project_id)
    return body


def headers(event: str = "Issue Hook", *, token: str | None = SECRET, uuid: str | None = None,
            idem: str | None = None) -> dict:
    h = {"X-Gitlab-Event": event, "X-Gitlab-Event-UUID": uuid or str(uuidlib.uuid4()),
         "Content-Type": "application/json", "User-Agent": "GitLab/18.5.0"}
    if token is not None:
        h["X-Gitlab-Token"] = token
    if idem:
        h["Idempotency-Key"] = idem
    return h


def make_service(desk, journal_path, **kw) -> Service:
    config = load_config(str(RULES), project_override=PROJECT)
    kw.setdefault("secret", SECRET)
    kw.setdefault("now", lambda: NOW)
    kw.setdefault("backoff", FAST)
    kw.setdefault("shards", 2)
    kw.setdefault("poll", 0.05)
    url = desk.sandbox.url
    return Service(config, lambda: GitLab(url, TOKEN, PROJECT, max_retries=1, timeout=10),
                   journal=journal_path, port=0, **kw)


def post(service: Service, body, hdrs: dict | None = None, *, raw: bytes | None = None) -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(service.url + "/webhook", data=data, headers=hdrs or headers(), timeout=10)


def wait_idle(service: Service, limit: float = 20.0) -> None:
    """Until every accepted event is done (a bound, not an assertion on time)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if service.worker.idle():
            return
        time.sleep(0.02)
    raise AssertionError(f"queue not drained: {service.journal.counts()}")


def wait_for(predicate, limit: float = 20.0, step: float = 0.02):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not reached")


@pytest.fixture
def service(desk, tmp_path):
    """A started service (worker threads in this process) on the test's desk; always stopped."""
    svc = make_service(desk, tmp_path / "journal.db").start()
    yield svc
    svc.stop()


# -- `gl-cs serve` as a real process -------------------------------------------------

def start_serve(desk, journal, *extra: str, secret: str | None = SECRET, env: dict | None = None):
    """`gl-cs serve` in a process of its own, on a free port, one worker thread unless
    ``extra`` says otherwise; stdout/stderr piped (read the first line with listening())."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GL_CS_", "GITLAB_"))}
    full["PYTHONPATH"] = str(root)
    if secret:
        full["GL_CS_WEBHOOK_SECRET"] = secret
    full.update(env or {})
    argv = [sys.executable, "-m", "gl_cs.commands.service", "--gitlab-url", desk.sandbox.url, "--token", TOKEN,
            "--project", PROJECT, "--config", str(RULES), "--now", NOW.isoformat(), "serve", "--port", "0",
            "--journal", str(journal), *extra]
    if "--workers" not in extra:
        argv += ["--workers", "1"]
    return subprocess.Popen(argv, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def listening(proc) -> str:
    import re

    seen = []
    for _ in range(50):  # the worker may log before the receiver prints where it listens
        line = proc.stderr.readline()
        seen.append(line)
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return found.group(1)
        if not line:
            break
    raise AssertionError("".join(seen) + (proc.stderr.read() if proc.poll() is not None else ""))


def drain_stderr(proc) -> list[str]:
    """Read the rest of a process's stderr in a thread (so a chatty process never blocks);
    returns the list the lines are appended to."""
    import threading

    lines: list[str] = []

    def read() -> None:
        for text in proc.stderr:
            lines.append(text)

    threading.Thread(target=read, daemon=True).start()
    return lines


def end(proc, timeout: float = 15) -> int:
    """SIGTERM, then SIGKILL if it does not stop; always reaps and closes the pipes."""
    import signal
    import subprocess

    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    finally:
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
    return proc.returncode


def worker_pids(pid: int) -> list[int]:
    """The serve process's worker children (multiprocessing's spawned process; not its
    resource tracker)."""
    from pathlib import Path

    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):  # a child belongs to the thread that started it
        try:
            children += (task / "children").read_text().split()
        except OSError:
            continue
    out = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            out.append(int(child))
    return out
