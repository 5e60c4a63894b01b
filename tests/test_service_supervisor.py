"""The worker process is supervised: killed alone (the OOM killer, an operator's kill), it
is back within seconds, the receiver keeps journalling and acknowledging meanwhile, and
every accepted event is processed once; /healthz, /metrics and the log say what happened."""

from __future__ import annotations

import os
import signal
import time

import requests

from gl_cs.service.journal import SQLiteJournal
from service_helpers import (SECRET, drain_stderr, end, issue_event, listening, start_serve, wait_for,
                             worker_pids)

AUTH = {"X-Gitlab-Token": SECRET}
NEEDS_WORK = dict(description="", labels=("FY27-Q4",))  # intake: SA Waiting and one comment each


def counts(journal) -> dict:
    j = SQLiteJournal(journal)
    try:
        return j.counts()
    finally:
        j.close()


def post_to(url: str, body: dict) -> int:
    import json

    from service_helpers import headers

    return requests.post(url + "/webhook", data=json.dumps(body), headers=headers(), timeout=10).status_code


def test_a_killed_worker_is_back_within_5_s_and_every_accepted_event_is_processed(desk, tmp_path):
    journal = tmp_path / "journal.db"
    iids = [desk.issue(**NEEDS_WORK) for _ in range(6)]
    proc = start_serve(desk, journal, "--workers", "2")
    try:
        url = listening(proc)
        log = drain_stderr(proc)
        for iid in iids[:3]:
            assert post_to(url, issue_event(desk, iid)) == 200
        wait_for(lambda: counts(journal) == {"done": 3})
        [child] = wait_for(lambda: worker_pids(proc.pid))
        os.kill(child, signal.SIGKILL)
        killed = time.monotonic()
        for iid in iids[3:]:  # while the worker is down: journalled and acknowledged, never a 5xx
            assert post_to(url, issue_event(desk, iid)) == 200
        [new] = wait_for(lambda: [p for p in worker_pids(proc.pid) if p != child], limit=10, step=0.01)
        assert time.monotonic() - killed < 5.0  # the one bound on time: a worker back within 5 s
        wait_for(lambda: counts(journal) == {"done": 6})
        health = requests.get(url + "/healthz", headers=AUTH, timeout=10).json()
        worker = health["checks"]["worker"]
        assert (worker["state"], worker["restarts"], worker["last_exit"]) == ("running", 1, "killed by SIGKILL")
        metrics = requests.get(url + "/metrics", headers=AUTH, timeout=10).text
        assert 'gl_cs_webhook_worker_restarts_total{reason="signal"} 1.0' in metrics
        assert "gl_cs_webhook_worker_up 1.0" in metrics
        assert "gl_cs_webhook_processed_total 6.0" in metrics
    finally:
        code = end(proc)  # (an assert here would hide the failure above)
    assert code == 0
    text = "".join(log)
    assert f"the worker process (pid {child}) killed by SIGKILL" in text
    assert f"the worker process is back (pid {new}, restart 1)" in text
    for iid in iids:
        assert len(desk.bot_notes(iid)) == 1, (iid, desk.bot_notes(iid))
        assert "SA Waiting" in desk.labels(iid)


def test_the_service_logs_each_change_it_makes_at_the_default_level(desk, tmp_path):
    iid = desk.issue(**NEEDS_WORK)
    proc = start_serve(desk, tmp_path / "journal.db")
    try:
        url = listening(proc)
        log = drain_stderr(proc)
        assert post_to(url, issue_event(desk, iid)) == 200
        wait_for(lambda: any("intake" in line for line in log))
    finally:
        end(proc)
    changes = [line for line in log if line.startswith("INFO gl_cs.changes: ")]
    # as `gl-cs sync` prints them: issue, rule, change — reason
    assert any(line.startswith(f"INFO gl_cs.changes: #{iid:<5} intake") and "—" in line for line in changes), log
    assert any("label 'SA Waiting'" in line for line in changes), changes
