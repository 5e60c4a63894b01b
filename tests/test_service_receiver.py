"""The receiver over real HTTP (waitress on 127.0.0.1): authentication, bad input,
what is ignored, what is a duplicate, /healthz and /metrics."""

from __future__ import annotations

import json
import logging

import pytest
import requests

from conftest import PROJECT
from service_helpers import (SECRET, headers, issue_event, make_service, note_event, post, reference,
                             wait_idle)


@pytest.fixture
def service(desk, tmp_path):
    svc = make_service(desk, tmp_path / "journal.db").start()
    yield svc
    svc.stop()


@pytest.fixture
def settled(desk):
    """An issue with nothing to change (so tests about the receiver stay about the receiver)."""
    return desk.issue()


def metric(svc, name, **labels):
    return svc.metrics.value(name, **labels)


@pytest.mark.parametrize("token", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_wrong_or_missing_token_is_401_and_nothing_else(service, desk, settled, token, caplog):
    caplog.set_level(logging.DEBUG)
    r = post(service, issue_event(desk, settled), headers(token=token))
    assert r.status_code == 401
    assert r.json() == {"error": "unauthorized"}
    assert service.journal.counts() == {}
    assert metric(service, "gl_cs_webhook_rejected_total", reason="token") == 1
    assert metric(service, "gl_cs_webhook_received_total", event="Issue Hook") == 0
    assert SECRET not in caplog.text and (not token or token not in r.text)


def test_right_token_is_accepted_and_stored_before_the_answer(service, desk, settled):
    r = post(service, issue_event(desk, settled))
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert [e["iid"] for e in service.journal.events()] == [settled]  # in the journal when GitLab hears 200
    wait_idle(service)
    assert service.journal.counts() == {"done": 1}
    assert metric(service, "gl_cs_webhook_processed_total") == 1


def test_malformed_json_is_400(service):
    for raw in (b"{not json", b"", b"\xff\xfe\x00", b'{"a": 1'):
        r = post(service, None, raw=raw)
        assert r.status_code == 400, raw
    assert metric(service, "gl_cs_webhook_rejected_total", reason="malformed") == 4
    assert service.journal.counts() == {}


def test_oversized_body_is_413_without_reading_it(desk, tmp_path, settled):
    svc = make_service(desk, tmp_path / "j.db", max_body=4096).start()
    try:
        body = issue_event(desk, settled)
        body["object_attributes"]["description"] = "x" * 10_000
        r = post(svc, body)
        assert r.status_code == 413
        assert metric(svc, "gl_cs_webhook_rejected_total", reason="too_large") == 1
        assert svc.journal.counts() == {}
        # one more, chunked (no Content-Length): still refused
        r = requests.post(svc.url + "/webhook", data=iter([b"[" + b"1," * 5000 + b"1]"]), headers=headers(),
                          timeout=10)
        assert r.status_code == 413
        small = post(svc, issue_event(desk, settled))  # the service is still fine
        assert small.status_code == 200
    finally:
        svc.stop()


@pytest.mark.parametrize("mutate, message", [
    (lambda b: [b], "not an object"),
    (lambda b: {k: v for k, v in b.items() if k != "object_kind"}, "no object_kind"),
    (lambda b: b | {"object_attributes": None}, "without object_attributes"),
    (lambda b: b | {"object_attributes": {k: v for k, v in b["object_attributes"].items() if k != "iid"}},
     "object_attributes.iid"),
    (lambda b: {k: v for k, v in b.items() if k != "project"} | {"object_attributes": {"iid": 3}},
     "without a project id"),
])
def test_unknown_shapes_are_422_with_a_clear_message(service, desk, settled, mutate, message):
    r = post(service, mutate(issue_event(desk, settled)))
    assert r.status_code == 422
    assert message in r.json()["error"]
    assert service.journal.counts() == {}


def test_note_on_an_issue_without_its_iid_is_422(service, desk, settled):
    body = note_event(desk, settled)
    del body["issue"]
    r = post(service, body, headers("Note Hook"))
    assert r.status_code == 422 and "issue.iid" in r.json()["error"]


def test_other_events_are_acknowledged_and_ignored(service, desk, settled):
    assert post(service, reference("merge_request_event"), headers("Merge Request Hook")).json()["reason"] \
        == "other_event"
    mr_note = reference("note_merge_request_event")
    mr_note["project"]["id"] = desk.project_id
    assert post(service, mr_note, headers("Note Hook")).json()["reason"] == "note_not_on_issue"
    assert post(service, {"object_kind": "push"}, headers("Push Hook")).json()["reason"] == "other_event"
    assert metric(service, "gl_cs_webhook_ignored_total", reason="other_event") == 2
    assert metric(service, "gl_cs_webhook_ignored_total", reason="note_not_on_issue") == 1
    assert service.journal.counts() == {}


def test_another_projects_hook_is_refused_403_and_counted_by_project(service, desk, settled):
    """A hook of another project pointed here is misconfigured: 403 (GitLab shows the
    failure and, on GitLab.com, disables that hook after a few), never 5xx, never stored."""
    other = issue_event(desk, settled)
    other["project"].update(id=999, path_with_namespace=PROJECT)  # the same path is not the same project
    other["object_attributes"]["project_id"] = 999
    r = post(service, other)
    assert r.status_code == 403 and "project 999 is not served here" in r.json()["error"]
    note = note_event(desk, settled)
    note["project"]["id"] = note["project_id"] = 998
    assert post(service, note, headers("Note Hook")).status_code == 403
    assert metric(service, "gl_cs_webhook_refused_project_total", project_id="999") == 1
    assert metric(service, "gl_cs_webhook_refused_project_total", project_id="998") == 1
    assert service.journal.counts() == {}


def test_a_renamed_project_is_still_served_by_its_id_and_the_move_logged_once(service, desk, settled, caplog):
    caplog.set_level(logging.WARNING, logger="gl_cs.service.app")
    moved = []
    for n in range(3):
        body = issue_event(desk, settled, updated_at=f"2026-11-23T16:5{n}:00Z")
        body["project"]["path_with_namespace"] = "sa-team/renamed-desk"
        moved.append(post(service, body).json()["status"])
    assert moved == ["accepted"] * 3
    lines = [r.getMessage() for r in caplog.records if "renamed-desk" in r.getMessage()]
    assert lines == [f"project {desk.project_id} is now sa-team/renamed-desk (was {PROJECT}); still served, "
                     f"by its id"]


def test_replayed_events_are_answered_200_with_no_further_work(service, desk):
    iid = desk.issue(description="", labels=("FY27-Q4",))
    body = issue_event(desk, iid)
    h = headers(uuid="13792a34-cac6-4fda-95a8-c58e00a3954e", idem="f5e5f430-f57b-4e6e-9fac-d9128cd7232f")
    assert post(service, body, h).json()["status"] == "accepted"
    assert post(service, body, h).json()["status"] == "duplicate"  # GitLab retried after a timeout
    # "Resend request" from GitLab's UI: same data, same Idempotency-Key, a new event UUID
    assert post(service, body, headers(idem=h["Idempotency-Key"])).json()["status"] == "duplicate"
    # no GitLab headers at all (a proxy dropped them): the same body is still recognised
    assert post(service, body, {"X-Gitlab-Token": SECRET}).json()["status"] == "duplicate"
    wait_idle(service)
    # and after it was processed, a late redelivery does nothing either
    assert post(service, body, h).json()["status"] == "duplicate"
    wait_idle(service)
    assert len(service.journal.events()) == 1
    assert metric(service, "gl_cs_webhook_deduplicated_total") == 4
    assert metric(service, "gl_cs_webhook_runs_total") == 1
    assert len(desk.bot_notes(iid)) == 1


def test_the_same_uuid_for_another_change_is_not_a_duplicate(service, desk, settled):
    """A recursive hook chain reuses X-Gitlab-Event-UUID; a different change is new work."""
    h = headers(uuid="13792a34-cac6-4fda-95a8-c58e00a3954e")
    assert post(service, issue_event(desk, settled, updated_at="2026-11-23T16:00:00Z"), h).json()["status"] == \
        "accepted"
    assert post(service, issue_event(desk, settled, updated_at="2026-11-23T16:05:00Z"), h).json()["status"] == \
        "accepted"


def test_the_bots_own_events_are_ignored(service, desk):
    iid = desk.issue(description="", labels=("FY27-Q4",))
    # before the worker knows who it is: stored, then ignored without a run
    r = post(service, issue_event(desk, iid, user="gl-cs-bot"))
    assert r.json()["status"] == "accepted"
    wait_idle(service)
    assert service.journal.counts() == {"ignored": 1}
    assert metric(service, "gl_cs_webhook_runs_total") == 0
    assert desk.bot_notes(iid) == []
    # once it knows (after its first run), they are not even stored
    post(service, issue_event(desk, iid, user="eve.ae"))
    wait_idle(service)
    assert len(desk.bot_notes(iid)) == 1
    r = post(service, note_event(desk, iid, user="gl-cs-bot", note="<!-- gl-cs:intake -->"), headers("Note Hook"))
    assert r.json() == {"status": "ignored", "reason": "own_event"}
    assert metric(service, "gl_cs_webhook_ignored_total", reason="own_event") == 2


def test_nothing_secret_is_logged(service, desk, caplog):
    caplog.set_level(logging.DEBUG)
    iid = desk.issue(description="", labels=("FY27-Q4",))
    body = issue_event(desk, iid)
    body["object_attributes"]["description"] = "customer secret plans"
    post(service, body)
    post(service, body, headers(token="guess"))
    wait_idle(service)
    assert SECRET not in caplog.text and "test-bot-token" not in caplog.text
    assert "customer secret plans" not in caplog.text and "guess" not in caplog.text


AUTH = {"X-Gitlab-Token": SECRET}


def test_healthz_and_metrics(service, desk, settled):
    post(service, issue_event(desk, settled))
    post(service, None, raw=b"nope")
    wait_idle(service)
    h = requests.get(service.url + "/healthz", headers=AUTH, timeout=10)
    assert h.status_code == 200, h.text
    checks = h.json()["checks"]
    assert checks["journal"]["ok"] and checks["gitlab"] == {"ok": True, "reason": "answered"}
    assert checks["worker"]["ok"] and checks["worker"]["state"] == "running"
    text = requests.get(service.url + "/metrics", headers=AUTH, timeout=10).text
    for line in ('gl_cs_webhook_received_total{event="Issue Hook"} 1.0',
                 'gl_cs_webhook_rejected_total{reason="malformed"} 1.0',
                 "gl_cs_webhook_processed_total 1.0", "gl_cs_webhook_queue_depth 0.0",
                 "gl_cs_webhook_oldest_unprocessed_age_seconds 0.0", "gl_cs_webhook_parked_events 0.0",
                 "gl_cs_webhook_ack_latency_seconds_count 2.0", "gl_cs_webhook_processing_latency_seconds_count 1.0"):
        assert line in text, line
    assert requests.get(service.url + "/parked", timeout=10).status_code == 401
    assert requests.get(service.url + "/nope", timeout=10).status_code == 404
    assert requests.get(service.url + "/webhook", timeout=10).status_code == 405


def test_healthz_tells_anyone_the_status_and_nothing_else(service, desk):
    """No URL, no token state, no path, no counts without credentials."""
    anyone = requests.get(service.url + "/healthz", timeout=10)
    assert anyone.status_code == 200 and anyone.json() == {"status": "ok"}
    assert requests.get(service.url + "/healthz", headers={"X-Gitlab-Token": "guess"}, timeout=10).json() == \
        {"status": "ok"}
    assert requests.get(service.url + "/metrics", timeout=10).status_code == 401
    desk.sandbox.faults.fail_paths = {"/user$": 401}
    service._health_cache = None
    down = requests.get(service.url + "/healthz", timeout=10)
    assert down.status_code == 503 and down.json() == {"status": "unhealthy"}
    detailed = requests.get(service.url + "/healthz", headers=AUTH, timeout=10)
    assert detailed.json()["checks"]["gitlab"] == {"ok": False, "reason": "token_rejected"}
    for private in (desk.sandbox.url, "127.0.0.1", "journal.db", "test-bot-token", SECRET):
        assert private not in detailed.text


def test_a_health_token_reads_health_and_metrics_but_cannot_post(desk, tmp_path, settled):
    svc = make_service(desk, tmp_path / "j.db", health_token="monitoring-token").start()
    try:
        bearer = {"Authorization": "Bearer monitoring-token"}
        assert "checks" in requests.get(svc.url + "/healthz", headers=bearer, timeout=10).json()
        assert requests.get(svc.url + "/metrics", headers=bearer, timeout=10).status_code == 200
        assert post(svc, issue_event(desk, settled), headers(token="monitoring-token")).status_code == 401
    finally:
        svc.stop()


def test_healthz_says_when_gitlab_is_down(service, desk):
    desk.sandbox.faults.fail_paths = {"/user$": 503}
    h = requests.get(service.url + "/healthz", headers=AUTH, timeout=10)
    assert h.status_code == 503
    assert h.json()["checks"]["gitlab"] == {"ok": False, "reason": "answered 503"}
    assert "test-bot-token" not in h.text


def test_what_the_payload_says_is_kept_with_the_event(service, desk, settled):
    """The label change and who made it, the last edit: kept to save reads, never to decide."""
    body = issue_event(desk, settled)
    body["object_attributes"]["last_edited_at"] = "2026-11-23 16:58:00 UTC"
    post(service, body)
    [event] = service.journal.events()
    assert event["hints"]["labels"] == {"previous": ["API"], "current": ["Platform"]}
    assert event["hints"]["user"]["username"] == "eve.ae"
    assert event["hints"]["last_edited_at"] == "2026-11-23 16:58:00 UTC"


def test_work_item_hook_is_accepted(service, desk, settled):
    body = issue_event(desk, settled)
    body["object_kind"] = body["event_type"] = "work_item"
    assert post(service, body, headers("Work Item Hook")).json()["status"] == "accepted"
    assert post(service, body, headers("Confidential Issue Hook")).json()["status"] == "duplicate"


def test_a_journal_that_cannot_store_answers_503(service, desk, settled, monkeypatch):
    def broken(event, timeout=10.0):
        raise OSError("disk full")

    monkeypatch.setattr(service.journal, "append", broken)
    r = post(service, issue_event(desk, settled))
    assert r.status_code == 503 and "disk" not in r.text
    assert metric(service, "gl_cs_webhook_rejected_total", reason="journal") == 1


def test_healthz_says_when_the_workers_are_gone(service):
    service.worker.stop()
    h = requests.get(service.url + "/healthz", headers=AUTH, timeout=10)
    assert h.status_code == 503
    assert h.json()["checks"]["worker"] == {"ok": False, "state": "stopped", "restarts": 0}


def test_nothing_a_caller_sends_gets_a_500(service, desk, settled):
    """Seeded junk in every field of the reference payloads: 200 or 422, never 500."""
    import random

    rng = random.Random(9)
    junk = [None, 0, -1, 10**30, "", "x" * 300, [], {}, [1, {"a": None}], True, 1.5, "Issue"]
    bodies = [issue_event(desk, settled), note_event(desk, settled), reference("merge_request_event")]

    def paths(node, prefix=()):
        if isinstance(node, dict):
            for k, v in node.items():
                yield prefix + (k,)
                yield from paths(v, prefix + (k,))

    for n in range(150):
        body = json.loads(json.dumps(rng.choice(bodies)))
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(list(paths(body)))
            node = body
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = rng.choice(junk)
        r = post(service, body, headers(rng.choice(["Issue Hook", "Note Hook", "Work Item Hook"])))
        assert r.status_code in (200, 403, 422), (r.status_code, r.text, path)
    assert post(service, None, raw=b"[" * 100_000).status_code == 400
    assert requests.get(service.url + "/healthz", timeout=10).status_code == 200


def test_what_carries_a_token_or_a_database_password_never_prints_them():
    """A Connection or a worker's spec in a traceback or a debug log shows neither."""
    from gl_cs.app.desk import Connection
    from gl_cs.service.process import WorkerSpec
    from gl_cs.service.worker import Backoff

    connection = Connection("http://127.0.0.1:9", "glpat-secret-token")
    spec = WorkerSpec(gitlab_url="http://127.0.0.1:9", token="glpat-secret-token", config=None,
                      journal_path="postgresql://gl:db-password@127.0.0.1/gl", shards=1, pinned_now=None,
                      backoff=Backoff(), poll=1.0, labels_ttl=60.0)
    for text in (repr(connection), repr(spec), str(spec)):
        assert "glpat-secret-token" not in text and "db-password" not in text
    assert "127.0.0.1:9" in repr(connection)


def test_a_groups_service_ignores_a_project_added_later_with_200(desk, settled, tmp_path, caplog):
    """Serving a group's desks, the group's one hook also carries projects added since the
    start: 4xx answers would get that hook (every desk's) disabled, so they are 200
    "ignored", said once in the log and counted by project."""
    import logging

    from service_helpers import make_service

    caplog.set_level(logging.WARNING, logger="gl_cs.service.app")
    svc = make_service(desk, tmp_path / "journal.db", refuse_other_projects=False).start()
    try:
        other = issue_event(desk, settled)
        other["project"]["id"] = other["object_attributes"]["project_id"] = 999
        for _ in range(2):
            r = post(svc, other)
            assert (r.status_code, r.json()) == (200, {"status": "ignored", "reason": "not_served"})
        assert metric(svc, "gl_cs_webhook_refused_project_total", project_id="999") == 2
        assert sum("project 999" in rec.getMessage() for rec in caplog.records) == 1
        assert svc.journal.counts() == {}
    finally:
        svc.stop()
