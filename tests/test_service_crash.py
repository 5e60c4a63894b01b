"""`gl-cs serve` as a real process: kill -9 in the middle of processing (a comment already
sent, the journal not yet told), restart on the same journal, and the work is finished
exactly once. Also: it refuses to start without the secret, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path


from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.service.journal import SQLiteJournal
from service_helpers import SECRET, issue_event, wait_for

ROOT = Path(__file__).resolve().parents[1]


def start_serve(desk, journal: Path, *extra: str, secret: str | None = SECRET) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GL_CS_", "GITLAB_"))}
    env["PYTHONPATH"] = str(ROOT)
    if secret:
        env["GL_CS_WEBHOOK_SECRET"] = secret
    argv = [sys.executable, "-m", "gl_cs.commands.service", "--gitlab-url", desk.sandbox.url, "--token", TOKEN,
            "--project", PROJECT, "--config", str(RULES), "--now", NOW.isoformat(), "serve", "--port", "0",
            "--journal", str(journal), "--workers", "1", *extra]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def listening(proc: subprocess.Popen) -> str:
    line = proc.stderr.readline()
    found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
    assert found, line + proc.stderr.read() if proc.poll() is not None else line
    return found.group(1)


def post_to(url: str, body: dict) -> int:
    import json

    import requests

    from service_helpers import headers

    return requests.post(url + "/webhook", data=json.dumps(body), headers=headers(), timeout=10).status_code


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


def pending(journal: Path) -> dict:
    j = SQLiteJournal(journal)
    try:
        return j.counts()
    finally:
        j.close()


def test_kill_9_mid_processing_then_restart_finishes_the_work_once(desk, tmp_path):
    journal = tmp_path / "journal.db"
    iids = [desk.issue(description="", labels=("FY27-Q4",)) for _ in range(3)]
    desk.sandbox.faults.latency = 0.25  # slow GitLab: the kill lands inside a run
    proc = start_serve(desk, journal)
    try:
        url = listening(proc)
        for iid in iids:
            assert post_to(url, issue_event(desk, iid)) == 200  # durable before the 200
        # the first comment is on its way (GitLab applies it; the worker never hears back)
        wait_for(lambda: desk.sandbox.requests.get("POST", "/projects/:id/issues/:iid/notes") >= 1)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert children, "the worker runs in a child process"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        # the worker process dies with it (it must not finish the run and tell the journal)
        wait_for(lambda: all(not Path(f"/proc/{c}").exists() or "Z" in _state(c) for c in children), limit=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    assert pending(journal) == {"pending": 3}  # nothing was lost, nothing marked done
    # the sandbox finishes the request the dead worker had sent: a write the journal knows nothing of
    wait_for(lambda: sum(len(desk.bot_notes(i)) for i in iids) >= 1, limit=10)
    desk.sandbox.faults.latency = 0
    proc = start_serve(desk, journal)
    try:
        listening(proc)
        wait_for(lambda: pending(journal) == {"done": 3}, limit=30)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    for iid in iids:
        assert len(desk.bot_notes(iid)) == 1, (iid, desk.bot_notes(iid))
        assert "SA Waiting" in desk.labels(iid)


def test_serve_refuses_to_start_without_the_secret(desk, tmp_path):
    proc = start_serve(desk, tmp_path / "j.db", secret=None)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "GL_CS_WEBHOOK_SECRET is not set" in err
    assert not (tmp_path / "j.db").exists()


def test_worker_process_reports_back_to_the_receiver(desk, tmp_path):
    """gl-cs serve's layout in one test: the rules run in a child process; /metrics and
    /healthz (served by the receiver) still see what it did."""
    import requests

    from gl_cs.config import load_config
    from gl_cs.service.process import WorkerSpec
    from service_helpers import FAST, make_service, post, wait_idle

    journal = tmp_path / "j.db"
    config = load_config(str(RULES), project_override=PROJECT)
    spec = WorkerSpec(gitlab_url=desk.sandbox.url, token=TOKEN, config=config, journal_path=str(journal), shards=2,
                      pinned_now=NOW, backoff=FAST, poll=0.05, labels_ttl=300.0)
    svc = make_service(desk, journal, worker_process=spec).start()
    try:
        iid = desk.issue(description="", labels=("FY27-Q4",))
        assert post(svc, issue_event(desk, iid)).status_code == 200
        wait_for(lambda: svc.metrics.value("gl_cs_webhook_processed_total") == 1)
        wait_idle(svc)
        assert len(desk.bot_notes(iid)) == 1
        wait_for(lambda: svc.worker.bot_id == desk.store.user("gl-cs-bot")["id"])  # state comes every 0.2 s
        health = requests.get(svc.url + "/healthz", timeout=10)
        assert health.status_code == 200, health.text
        assert "gl_cs_webhook_runs_total 1.0" in requests.get(svc.url + "/metrics", headers={"X-Gitlab-Token": SECRET}, timeout=10).text
        # the bot's own events are now refused at the door
        assert post(svc, issue_event(desk, iid, user="gl-cs-bot")).json()["reason"] == "own_event"
    finally:
        svc.stop()
    assert not svc.worker.alive


def test_a_restarted_worker_finishes_its_runs_when_the_service_stops(desk, tmp_path):
    """The supervisor starts the replacement of a killed worker from its own thread; stopping
    the service must still stop that worker gracefully (exit 0), not kill it (the
    parent-death signal follows the thread that started a child)."""
    import os
    import signal

    from gl_cs.config import load_config
    from gl_cs.service.process import WorkerSpec
    from service_helpers import FAST, make_service

    journal = tmp_path / "j.db"
    config = load_config(str(RULES), project_override=PROJECT)
    spec = WorkerSpec(gitlab_url=desk.sandbox.url, token=TOKEN, config=config, journal_path=str(journal), shards=2,
                      pinned_now=NOW, backoff=FAST, poll=0.05, labels_ttl=300.0)
    svc = make_service(desk, journal, worker_process=spec).start()
    try:
        first = wait_for(lambda: svc.worker.ready and svc.worker._proc)
        os.kill(first.pid, signal.SIGKILL)
        second = wait_for(lambda: svc.worker._proc is not first and svc.worker.ready and svc.worker._proc)
    finally:
        svc.stop()
    assert second.exitcode == 0, second.exitcode
