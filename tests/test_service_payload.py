"""An event costs what it changed: the payload's label change and the record's history
replace the label-history read when they agree, and the history is read when they do not.
And a token GitLab revokes while the service runs stops the retries and keeps the events."""

from __future__ import annotations

import datetime as dt
import logging

import requests

from conftest import NOW
from service_helpers import SECRET, headers, issue_event, note_event, post, service, wait_for, wait_idle  # noqa: F401

HISTORY = ("GET", "/projects/:id/issues/:iid/resource_label_events")
LIST = ("GET", "/projects/:id/issues")
EDIT = ("PUT", "/projects/:id/issues/:iid")
RECENT = NOW - dt.timedelta(hours=1)  # recently changed: the workflow rules look at who moved what


def label_change(desk, iid, *, before, after, user="ana.sa", stamp="2026-11-23 17:00:00 UTC"):
    """The Issue Hook GitLab sends for a person's label change (the change really made first)."""
    uid = desk.store.user(user)["id"]
    gone, new = sorted(set(before) - set(after)), sorted(set(after) - set(before))
    desk.store.api_update_issue(desk.project_id, iid, uid, {"remove_labels": gone, "add_labels": new})
    body = issue_event(desk, iid, user=user, updated_at=stamp)
    body["changes"] = {"labels": {"previous": [{"title": t} for t in before], "current": [{"title": t} for t in after]},
                       "updated_at": {"previous": "2026-11-23 16:00:00 UTC", "current": stamp}}
    return body


def counts(desk):
    r = desk.sandbox.requests
    return r.get(*LIST), r.get(*HISTORY), r.get(*EDIT)


def test_the_payloads_label_change_replaces_the_history_read(service, desk):
    iid = desk.issue(labels=("SA Backlog", "FY27-Q4"), updated_at=RECENT)
    post(service, note_event(desk, iid), headers("Note Hook"))  # first look: the history is read once
    wait_idle(service)
    assert counts(desk) == (1, 1, 0)
    # a person takes the fiscal quarter off; gl-cs puts it back: one list read, one edit, no history
    post(service, label_change(desk, iid, before=["SA Backlog", "FY27-Q4"], after=["SA Backlog"]))
    wait_idle(service)
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
    assert counts(desk) == (2, 1, 1)
    # a comment: nothing about labels changed since, so the record's history still holds
    post(service, note_event(desk, iid, note_id=5002), headers("Note Hook"))
    wait_idle(service)
    assert counts(desk) == (3, 1, 1)
    # a move the rules check (SA Backlog -> SA Doing without an assignee) keys its comment on the
    # label event: gl-cs reads the real history for GitLab's own id before it comments
    post(service, label_change(desk, iid, before=["SA Backlog", "FY27-Q4"], after=["SA Doing", "FY27-Q4"],
                               stamp="2026-11-23 17:00:01 UTC"))
    wait_idle(service)
    assert counts(desk)[1] == 2
    assert service.journal.counts() == {"done": 4}


def test_a_payload_that_disagrees_with_the_record_is_checked_against_the_history(service, desk):
    iid = desk.issue(labels=("SA Backlog", "FY27-Q4"), updated_at=RECENT)
    post(service, note_event(desk, iid), headers("Note Hook"))
    wait_idle(service)
    assert counts(desk) == (1, 1, 0)
    # someone's earlier change never reached gl-cs (a lost delivery): the payload's "previous"
    # is not what the record saw, so the history is read
    uid = desk.store.user("ben.sa")["id"]
    desk.store.api_update_issue(desk.project_id, iid, uid, {"add_labels": ["Services"]})
    body = label_change(desk, iid, before=["SA Backlog", "FY27-Q4", "Services"], after=["SA Backlog", "Services"])
    post(service, body)
    wait_idle(service)
    assert counts(desk)[1] == 2
    assert "FY27-Q4" in desk.labels(iid)


def test_a_token_revoked_while_running_stops_the_retries_and_keeps_the_events(service, desk, caplog):
    caplog.set_level(logging.WARNING, logger="gl_cs.service.worker")
    service.worker.token_check_every = 0.2
    first = desk.issue(description="", labels=("FY27-Q4",))
    post(service, issue_event(desk, first))
    wait_idle(service)
    runs = service.metrics.value("gl_cs_webhook_runs_total")
    desk.sandbox.faults.fail_paths = {"/api/v4/": 401}  # the token is revoked
    later = [desk.issue(description="", labels=("FY27-Q4",)) for _ in range(3)]
    for iid in later:
        assert post(service, issue_event(desk, iid)).status_code == 200  # still journalled
    wait_for(lambda: service.worker.token_rejected_at is not None)
    wait_for(lambda: sum("still rejects" in r.getMessage() for r in caplog.records) >= 2)  # said again and again
    # no retries: only the attempts already under way when the token was found rejected (one
    # per worker thread at most; a thread's first attempt finds it while reading the token's
    # user, before any run), every event kept, none parked or counted
    failed = service.metrics.value("gl_cs_webhook_failed_total")
    assert 1 <= failed <= len(later)
    assert runs <= service.metrics.value("gl_cs_webhook_runs_total") <= runs + len(later)
    said = sum("still rejects" in r.getMessage() for r in caplog.records)
    wait_for(lambda: sum("still rejects" in r.getMessage() for r in caplog.records) > said)  # asked again, no retry
    assert service.metrics.value("gl_cs_webhook_failed_total") == failed
    assert service.journal.counts() == {"done": 1, "pending": 3}
    assert {e["attempts"] for e in service.journal.events() if e["state"] == "pending"} == {0}
    health = requests.get(service.url + "/healthz", headers={"X-Gitlab-Token": SECRET}, timeout=10)
    assert health.status_code == 503
    assert health.json()["checks"]["gitlab"] == {"ok": False, "reason": "token_rejected"}
    assert service.metrics.value("gl_cs_webhook_gitlab_token_rejected") == 1
    first_error = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR][0]
    assert first_error.startswith("GitLab rejects gl-cs's token (")
    assert "test-bot-token" not in caplog.text
    desk.sandbox.faults.fail_paths = {}  # a new token (here: the same one accepted again)
    wait_idle(service)
    assert service.journal.counts() == {"done": 4}
    for iid in later:
        assert len(desk.bot_notes(iid)) == 1


def test_label_changes_reported_by_webhooks_keep_ids_of_their_own_across_replays():
    """Two replays, one after the other, never give two label events the same id."""
    import datetime as dt

    from gl_cs.app.record import Entry, LabelChange, _event_to_json, _replay
    from gl_cs.read.snapshot import User

    ben = User(7, "ben.sa")
    at = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)
    entry = Entry(fingerprint="f", events=[], labels=["SA Backlog", "FY27-Q4"])
    from types import SimpleNamespace

    first = _replay(entry, SimpleNamespace(labels=["SA Backlog"]),
                    [LabelChange(("SA Backlog", "FY27-Q4"), ("SA Backlog",), ben, at)])
    entry = Entry(fingerprint="f", events=[_event_to_json(e) for e in first], labels=["SA Backlog"])
    second = _replay(entry, SimpleNamespace(labels=["SA Doing"]),
                     [LabelChange(("SA Backlog",), ("SA Doing",), ben, at + dt.timedelta(minutes=1))])
    ids = [e.id for e in second]
    assert len(second) == 3 and len(set(ids)) == 3 and all(i < 0 for i in ids)
