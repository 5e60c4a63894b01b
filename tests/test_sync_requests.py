"""Request budgets, convergence, and faults: counted at the sandbox, over real HTTP."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from conftest import LONG_AGO, NOW, Desk, make_store
from gl_cs.sandbox import Sandbox

HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize("n", [1, 100, 250])
def test_sync_of_settled_issues_stays_within_budget(desk, n):
    for i in range(n):
        desk.issue(title=f"Request {i}")
    desk.sandbox.requests.reset()
    code, out, report = desk.sync()
    assert code == 0, out
    assert report["changes"] == [] and report["issues_seen"] == n
    reqs = desk.sandbox.requests
    assert reqs.total() <= math.ceil(n / 100) + 3, reqs
    assert reqs.writes() == 0
    assert reqs.get("GET", "/projects/:id/issues/:iid") == 0  # no per-issue GET
    assert reqs.get("GET", "/projects/:id/issues/:iid/resource_label_events") == 0


def _mixed_desk(desk: Desk) -> list[int]:
    """Issues that need every kind of workflow change."""
    iids = [
        desk.issue(labels=("FY27-Q4",)),
        desk.issue(labels=("SA Backlog", "SA Waiting", "customer::acme", "FY27-Q4"),
                   label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                 ("ana.sa", "add", "SA Waiting", LONG_AGO + HOUR)]),
        desk.issue(labels=("SA Triaged", "FY27-Q4"), label_events=[("ben.sa", "add", "SA Triaged", LONG_AGO)]),
        desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)]),
        desk.issue(labels=("SA Doing", "FY27-Q4"), assignees=["ana.sa"], updated_at=NOW - HOUR,
                   label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                 ("ana.sa", "remove", "SA Backlog", NOW - HOUR),
                                 ("ana.sa", "add", "SA Doing", NOW - HOUR)]),
        desk.issue(labels=("SA Doing", "Priority::1"), state="closed", updated_at=NOW - HOUR),
    ]
    iids += [desk.issue(title=f"settled {i}") for i in range(8)]
    return iids


def _state(desk: Desk, iids: list[int]) -> dict:
    return {
        iid: (sorted(desk.get(iid)["labels"]), sorted(a["username"] for a in desk.get(iid)["assignees"]),
              sorted(n["body"] for n in desk.bot_notes(iid)))
        for iid in iids
    }


def test_second_sync_makes_zero_writes(desk):
    iids = _mixed_desk(desk)
    code, out, first = desk.sync()
    assert code == 0, out
    assert first["writes"] > 0
    desk.sandbox.requests.reset()
    code, out, second = desk.sync()
    assert code == 0, out
    assert desk.sandbox.requests.writes() == 0
    assert second["changes"] == [] and second["writes"] == 0
    assert _state(desk, iids)  # still readable


@pytest.mark.parametrize("record", ["kept", "deleted", "corrupted"])
def test_faults_end_in_the_same_state_as_a_clean_run(tmp_path, record_file, record):
    """10% 5xx (a quarter of writes applied, then 502), a 429 burst; between the two runs
    gl-cs's record is kept, deleted or corrupted: the end state is a fault-free run's."""
    results = []
    for faulty in (False, True):
        store, pid = make_store()
        with Sandbox(store=store) as sandbox:
            sandbox.tmp = str(tmp_path)
            desk = Desk(sandbox=sandbox, store=store, project_id=pid)
            iids = _mixed_desk(desk)
            if faulty:
                sandbox.faults.seed = 7
                sandbox.faults.error_rate = 0.10
                sandbox.faults.apply_then_fail_rate = 0.25
                sandbox.faults.rate_limit_burst = 3
            code, out, _ = desk.sync()
            assert code == 0, out
            sandbox.faults.error_rate = sandbox.faults.apply_then_fail_rate = 0
            if record == "deleted":
                record_file.unlink(missing_ok=True)
            elif record == "corrupted":
                record_file.write_text('{"version": 1, "scope": "x", "issues": {"1": {"f": 3}}')
            code, out, report = desk.sync()
            assert code == 0 and report["writes"] == 0, out
            assert record_file.exists()  # the clean run wrote a new record
            results.append(_state(desk, iids))
            for iid in iids:  # no duplicate comment, ever
                bodies = [n["body"] for n in desk.bot_notes(iid)]
                assert len(bodies) == len(set(bodies)), bodies
    assert results[0] == results[1]


def test_comment_is_not_duplicated_when_gitlab_applies_then_answers_502(desk):
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)])
    desk.sandbox.faults.seed = 1
    desk.sandbox.faults.apply_then_fail_rate = 1.0  # every write lands, then 502
    code, out, _ = desk.sync()
    desk.sandbox.faults.apply_then_fail_rate = 0
    desk.sync()
    assert len(desk.bot_notes(iid)) == 1
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}


def test_failing_issue_list_fails_the_sync_instead_of_reading_as_empty(desk):
    iid = desk.issue(labels=("FY27-Q4",))
    desk.sandbox.faults.fail_paths = {r"/projects/[^/]+/issues$": 500}
    code, out, report = desk.sync()
    assert code == 1
    assert report["fatal"] and "500" in report["fatal"] and "listing opened issues" in report["fatal"]
    assert "ERROR:" in out
    assert desk.labels(iid) == {"FY27-Q4"}


def test_rate_limit_burst_is_waited_out(desk):
    iid = desk.issue(labels=("FY27-Q4",))
    desk.sandbox.faults.rate_limit_burst = 2
    desk.sandbox.requests.reset()
    code, out, _ = desk.sync()
    assert code == 0, out
    assert "SA Backlog" in desk.labels(iid)
    assert desk.sandbox.requests.total() >= 2 + 4


def test_two_runs_racing_leave_one_comment(desk):
    """A webhook and a scheduled sync deciding the same comment at the same moment:
    both read the comments before either posts (forced with a latency on every request).
    Each run has its own client, as two processes would."""
    import threading

    from conftest import PROJECT, RULES, TOKEN
    from gl_cs.config import load_config
    from gl_cs.gitlab.adapter import GitLab
    from gl_cs.app.desk import Desk
    from gl_cs.sync import run_sync

    iids = [desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)])
            for _ in range(3)]
    config = load_config(RULES, project_override=PROJECT)
    desk.sandbox.faults.latency = 0.05
    results: list[int] = []

    def one_run() -> None:
        report = run_sync(Desk.of(GitLab(desk.sandbox.url, TOKEN, PROJECT), config), NOW)
        results.append(report.exit_code)

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)
    desk.sandbox.faults.latency = 0
    assert results == [0, 0]
    for iid in iids:
        assert len(desk.bot_notes(iid)) == 1, desk.bot_notes(iid)
    assert desk.sync()[2]["writes"] == 0
