"""The request bound, counted at the sandbox on a seeded desk of 1,000 issues.

A sync costs its list pages, the token's user and the labels, one write per issue that
changes, and the label history a decision truly needs. Right after a sync that edited
every open issue, the next one costs list pages only (the record tells it what it already
looked at), yet a person's move made in between is still found.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import gitlab
import pytest

from conftest import NOW, RULES
from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.seed import seed_service_desk
from gl_cs.cli import cli
from click.testing import CliRunner

N = 1000
EVENTS = ("GET", "/projects/:id/issues/:iid/resource_label_events")
NOTES = ("GET", "/projects/:id/issues/:iid/notes")
LIST = ("GET", "/projects/:id/issues")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = Store()
    store.clock = lambda: NOW
    seed = seed_service_desk(store, NOW, n_issues=N)
    with Sandbox(store=store) as sandbox:
        yield sandbox, store, seed, tmp_path_factory.mktemp("bound")


def _sync(sandbox, seed, tmp, name, now=NOW, record=None):
    report = tmp / f"{name}.json"
    argv = ["--gitlab-url", sandbox.url, "--token", seed["token"], "--project", seed["project_path"],
            "--config", str(RULES), "--now", now.isoformat(), "sync", "--report", str(report),
            "--record", str(record or tmp / "record.json")]
    sandbox.requests.reset()
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(report.read_text())


def _open(store, seed) -> int:
    return sum(1 for i in store.issues(seed["project_id"]) if i["state"] == "opened")


def test_first_sync_then_the_next_cost_what_the_bound_says(seeded):
    sandbox, store, seed, tmp = seeded
    n_open = _open(store, seed)
    pages = math.ceil(n_open / 100) + 1  # the open issues, and the recently closed ones (one page)

    first = _sync(sandbox, seed, tmp, "first")
    reqs = sandbox.requests
    changed = {c["issue"] for c in first["changes"] if c["issue"]}
    labels_created = len(first["labels_created"])
    # one write per issue that changes (its change and its comment are one note or one edit)
    assert reqs.writes() == len(changed) + labels_created, reqs
    history = reqs.get(*EVENTS)
    bound = pages + 2 + len(changed) + labels_created + history
    assert reqs.total() <= 1.05 * bound, (reqs.total(), bound, reqs)
    assert len(changed) > 0.9 * n_open  # the first sync of a quarter edits nearly every issue

    again = _sync(sandbox, seed, tmp, "again")
    assert again["changes"] == [] and sandbox.requests.writes() == 0
    assert sandbox.requests.total() <= math.ceil(n_open / 100) + 3, sandbox.requests

    # 25 hours later events have come closer (EXPEDITE) and passed: list pages, one write per
    # issue that changes, nothing else
    later = _sync(sandbox, seed, tmp, "later", now=NOW + dt.timedelta(hours=25))
    changed = {c["issue"] for c in later["changes"]}
    assert changed and sandbox.requests.writes() == len(changed)
    assert sandbox.requests.get(*EVENTS) == 0 and sandbox.requests.get(*NOTES) == 0, sandbox.requests
    notes = sandbox.requests.get("POST", "/projects/:id/issues/:iid/notes")
    verify = math.ceil(notes / 100)  # one list request per 100 commented issues: the race check
    preflight = 2  # before the first write: the token's scopes and the user's role on the project
    assert sandbox.requests.get("GET", "/personal_access_tokens/self") == 1
    assert sandbox.requests.total() <= math.ceil(n_open / 100) + 3 + len(changed) + verify + preflight, \
        sandbox.requests
    settled = _sync(sandbox, seed, tmp, "later-again", now=NOW + dt.timedelta(hours=25))
    assert settled["changes"] == [] and sandbox.requests.total() <= math.ceil(n_open / 100) + 3


def test_a_persons_move_between_two_syncs_is_still_found(seeded):
    """Runs after the test above, on the desk it left settled (its record included)."""
    sandbox, store, seed, tmp = seeded
    later = NOW + dt.timedelta(hours=25)
    pid = seed["project_id"]
    target = next(i for i in store.issues(pid) if i["state"] == "opened"
                  and "SA Backlog" in i["labels"] and not i["assignees"])
    ae = seed["ae_usernames"][0]
    gl = gitlab.Gitlab(sandbox.url, private_token=seed["tokens"][ae])
    issue = gl.projects.get(pid, lazy=True).issues.get(target["iid"])
    issue.labels = [l for l in issue.labels if l != "SA Backlog"] + ["SA Doing"]  # Backlog straight to Doing
    issue.save()

    report = _sync(sandbox, seed, tmp, "after-move", now=later)
    mine = [c for c in report["changes"] if c["issue"] == target["iid"]]
    assert mine, report["changes"]
    assert sandbox.requests.get(*EVENTS) == 1  # only the moved issue's history is read
    assert sandbox.requests.writes() == 1  # and one note carries the revert and its reason
    assert "SA Doing" not in store.issue(pid, target["iid"])["labels"]
    assert report["changes"] == mine  # nothing else changed
