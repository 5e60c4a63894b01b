"""The worker against the sandbox over HTTP: the rules really run, once per burst, in any
delivery order, through GitLab outages, and side by side with `gl-cs sync`."""

from __future__ import annotations

import copy
import json
import threading

import requests
from click.testing import CliRunner

from conftest import COMPLETE, NOW, PROJECT, RULES, TOKEN
from gl_cs.app.desk import Desk
from gl_cs.app.sync import run_sync
from gl_cs.cli import cli
from gl_cs.commands.service import register
from gl_cs.config import load_config
from gl_cs.gitlab.adapter import GitLab
from gl_cs.markers import markers_in
from gl_cs.service.worker import Worker
from service_helpers import (SECRET, headers, issue_event, make_service, note_event, post, service,  # noqa: F401
                             wait_for, wait_idle)

NEEDS_WORK = dict(description="", labels=("FY27-Q4",))  # intake: SA Waiting + one comment


def state(desk, iid):
    return sorted(desk.labels(iid)), [n["body"] for n in desk.bot_notes(iid)]


def test_an_event_runs_exactly_what_sync_issue_does(service, desk):
    by_hook, by_sync = desk.issue(**NEEDS_WORK), desk.issue(**NEEDS_WORK)
    assert post(service, issue_event(desk, by_hook)).status_code == 200
    wait_idle(service)
    code, out, report = desk.sync("--issue", str(by_sync))
    assert code == 0, out
    hook_labels, hook_notes = state(desk, by_hook)
    sync_labels, sync_notes = state(desk, by_sync)
    assert hook_labels == sync_labels and "SA Waiting" in hook_labels
    assert len(hook_notes) == 1 and hook_notes == sync_notes
    code, out, again = desk.sync()  # convergent: nothing left for the scheduled sync
    assert again["changes"] == []


def test_no_setup_requests_per_event(service, desk):
    a, b, c = (desk.issue() for _ in range(3))
    service.worker.shards  # noqa: B018 - two shards: at most two runtimes set up
    for iid in (a, b, c):
        post(service, issue_event(desk, iid))
    wait_idle(service)
    first = desk.sandbox.requests.get("GET", "/user")
    for iid in (a, b, c):
        post(service, issue_event(desk, iid, updated_at="2026-11-23T16:59:30Z"))
    wait_idle(service)
    assert desk.sandbox.requests.get("GET", "/user") == first <= 2
    assert desk.sandbox.requests.get("GET", "/projects/:id/labels") <= 2


def test_a_burst_for_one_issue_is_one_run(desk, tmp_path, monkeypatch):
    svc = make_service(desk, tmp_path / "j.db")
    monkeypatch.setattr(svc.worker, "start", lambda: None)  # hold the worker while the burst lands
    svc.start()
    try:
        iid = desk.issue(**NEEDS_WORK)
        for n in range(8):
            post(svc, issue_event(desk, iid, updated_at=f"2026-11-23T16:5{n}:00Z"))
        post(svc, note_event(desk, iid), headers("Note Hook"))
        assert svc.journal.stats(0)["depth"] == 9
        Worker.start(svc.worker)
        wait_idle(svc)
        assert svc.metrics.value("gl_cs_webhook_runs_total") == 1
        assert svc.metrics.value("gl_cs_webhook_processed_total") == 9
        assert len(desk.bot_notes(iid)) == 1
    finally:
        svc.stop()


def test_out_of_order_events_end_in_the_state_the_rules_want(service, desk):
    iid = desk.issue(**NEEDS_WORK)
    other = desk.issue(**NEEDS_WORK)
    # GitLab delivered the later change first (separate Sidekiq jobs): order must not matter
    late = issue_event(desk, iid, updated_at="2026-11-23T16:58:00Z")
    early = issue_event(desk, iid, updated_at="2026-11-23T16:40:00Z", action="open")
    for body in (late, issue_event(desk, other), early):
        assert post(service, body).json()["status"] == "accepted"
    wait_idle(service)
    # a person fills in the request afterwards; its (late, older-looking) note event arrives too
    desk.store.api_update_issue(desk.project_id, iid, desk.store.user("eve.ae")["id"],
                                {"description": COMPLETE})
    post(service, note_event(desk, iid, note_id=7001), headers("Note Hook"))
    post(service, issue_event(desk, iid, updated_at="2026-11-23T16:30:00Z"))
    wait_idle(service)
    assert len(desk.bot_notes(other)) == 1
    # the request was first sent back (one comment), then, once complete, moved on (one more)
    labels, notes = state(desk, iid)
    assert "SA Backlog" in labels and "SA Waiting" not in labels
    assert len(notes) == 2 and "intake:complete" in notes[1]
    code, out, report = desk.sync()
    assert report["changes"] == [], report["changes"]


def test_gitlab_down_then_back(service, desk):
    iid = desk.issue(**NEEDS_WORK)
    desk.sandbox.faults.fail_paths = {"/api/v4/": 503}
    assert post(service, issue_event(desk, iid)).status_code == 200  # accepted while GitLab is down
    wait_for(lambda: service.metrics.value("gl_cs_webhook_failed_total") >= 6)  # more than max_attempts
    [event] = service.journal.events()
    assert event["state"] == "pending"  # kept, to be retried
    assert event["attempts"] == 0  # an outage is nobody's event: it does not bring parking closer
    assert "test-bot-token" not in service.worker.last_error
    desk.sandbox.faults.fail_paths = {}
    wait_idle(service)
    assert service.journal.counts() == {"done": 1}
    assert len(desk.bot_notes(iid)) == 1 and "SA Waiting" in desk.labels(iid)


def test_an_event_that_keeps_failing_is_parked_listed_and_can_be_requeued(service, desk, tmp_path):
    iid = desk.issue(**NEEDS_WORK)
    desk.sandbox.faults.fail_paths = {"/issues": 500}
    post(service, issue_event(desk, iid))
    wait_for(lambda: service.journal.counts().get("parked") == 1)
    assert service.metrics.value("gl_cs_webhook_parked_total") == 1
    listed = requests.get(service.url + "/parked", headers={"X-Gitlab-Token": SECRET}, timeout=10).json()
    assert [(p["iid"], p["attempts"]) for p in listed["parked"]] == [(iid, 4)]
    assert "500" in listed["parked"][0]["last_error"]
    assert "gl_cs_webhook_parked_events 1.0" in requests.get(service.url + "/metrics", headers={"X-Gitlab-Token": SECRET}, timeout=10).text
    desk.sandbox.faults.fail_paths = {}
    assert service.journal.requeue_parked() == 1
    service.worker.wake()
    wait_idle(service)
    assert len(desk.bot_notes(iid)) == 1


def test_serve_list_parked_and_requeue(desk, tmp_path):
    journal = tmp_path / "j.db"
    svc = make_service(desk, journal).start()
    iid = desk.issue(**NEEDS_WORK)
    desk.sandbox.faults.fail_paths = {"/issues": 500}
    post(svc, issue_event(desk, iid))
    wait_for(lambda: svc.journal.counts().get("parked") == 1)
    svc.stop()
    group = copy.copy(cli)
    group.commands = dict(cli.commands)
    register(group)
    out = CliRunner().invoke(group, ["serve", "--journal", str(journal), "--list-parked"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output.splitlines()[0])["iid"] == iid
    out = CliRunner().invoke(group, ["serve", "--journal", str(journal), "--requeue-parked"])
    assert "requeued 1" in out.output


def test_a_race_with_gl_cs_sync_still_ends_with_one_comment(service, desk):
    desk.sandbox.faults.latency = 0.01  # widen the window in which both look at the same issues
    iids = [desk.issue(**NEEDS_WORK) for _ in range(6)]
    config = load_config(str(RULES), project_override=PROJECT)
    kept = Desk.of(GitLab(desk.sandbox.url, TOKEN, PROJECT), config)
    result = {}
    sync = threading.Thread(target=lambda: result.setdefault("r", run_sync(kept, NOW)))
    for iid in iids:
        post(service, issue_event(desk, iid))
    sync.start()
    for iid in iids:
        post(service, note_event(desk, iid, note_id=9000 + iid), headers("Note Hook"))
    sync.join(30)
    wait_idle(service)
    desk.sandbox.faults.latency = 0
    for iid in iids:
        assert len(desk.bot_notes(iid)) == 1, desk.bot_notes(iid)
    code, out, report = desk.sync()
    assert report["changes"] == []
    assert service.metrics.value("gl_cs_webhook_processed_total") == 12
    # and one created issue per key: only the sync's project pass creates issues (the webhook
    # runs `sync --issue`, which has none), and no key is on two issues
    keys = [m for issue in desk.store.issues(desk.project_id) for m in markers_in(issue.get("description") or "")]
    assert len(keys) == len(set(keys))
