"""Project-level writes through the one write path, over real HTTP against the sandbox:
issues opened exactly once per hidden key (also after a 502 that had created it, and when
two runs race), a comment created once and then updated in place, labels, links, files."""

from __future__ import annotations

import threading

import pytest

from conftest import PROJECT, TOKEN
from gl_cs.act.writer import DryWriter, Writer
from gl_cs.decide.actions import CommitFile, CreateIssue, LinkIssues, RenameLabel, UpsertComment
from gl_cs.gitlab.adapter import GitLab
from gl_cs.markers import marker


def _writer(desk, cls=Writer) -> Writer:
    return cls(GitLab(desk.sandbox.url, TOKEN, PROJECT),
               is_bot=lambda user: user is not None and user.username == "gl-cs-bot")


def _open(desk, key: str) -> list[dict]:
    mark = marker("create", key)
    return [i for i in desk.store.issues(desk.project_id) if mark in (i["description"] or "")]


CHECKLIST = CreateIssue("onboarding", "Acme signed", key="checklist:acme-robotics", title="Onboarding checklist: Acme",
                        description="- [ ] Kick-off call", labels=("SA Backlog", "Onboarding"), due_date="2026-12-01")


def test_an_issue_is_opened_once_per_key(desk):
    writer = _writer(desk)
    desk.sandbox.requests.reset()
    first = writer.execute(CHECKLIST)
    # looked for before (a 502 may hide one, another run may have made it), made, looked for after
    assert (desk.sandbox.requests.get("GET", "/projects/:id/issues"), desk.sandbox.requests.writes()) == (2, 1)
    desk.sandbox.requests.reset()
    second = _writer(desk).execute(CHECKLIST)  # the next run
    assert desk.sandbox.requests.total() == 1 and desk.sandbox.requests.writes() == 0
    assert first.iid == second.iid
    [issue] = _open(desk, CHECKLIST.key)
    assert issue["title"] == "Onboarding checklist: Acme" and issue["due_date"] == "2026-12-01"
    assert set(issue["labels"]) == {"SA Backlog", "Onboarding"}
    assert writer.totals.created == 1


def test_a_502_after_the_issue_was_created_does_not_open_a_second(desk):
    desk.sandbox.faults.seed = 3
    desk.sandbox.faults.fail_paths = {}
    desk.sandbox.faults.apply_then_fail_rate = 1.0  # every write lands, then 502
    writer = _writer(desk)
    created = writer.execute(CHECKLIST)
    desk.sandbox.faults.apply_then_fail_rate = 0
    assert len(_open(desk, CHECKLIST.key)) == 1 and created.iid == _open(desk, CHECKLIST.key)[0]["iid"]


def test_two_runs_racing_leave_one_open_issue_per_key(desk):
    desk.sandbox.faults.latency = 0.05  # both look before either creates
    results = []

    def run():
        results.append(_writer(desk).execute(CHECKLIST).iid)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    desk.sandbox.faults.latency = 0
    copies = _open(desk, CHECKLIST.key)
    assert len([c for c in copies if c["state"] == "opened"]) == 1
    assert len(set(results)) == 1  # both runs point at the one that stays


def test_a_dry_run_opens_nothing(desk):
    assert _writer(desk, DryWriter).execute(CHECKLIST) is None
    assert _open(desk, CHECKLIST.key) == []


def test_a_comment_is_created_once_then_updated_in_place(desk):
    iid = desk.issue()
    writer = _writer(desk)
    summary = UpsertComment("triage.summary", "call on Monday", iid=iid, key="call-2026-11-30", body="3 new requests")
    note_id = writer.execute(summary)
    assert writer.execute(summary) == note_id  # identical: nothing written
    writes = desk.sandbox.requests.writes()
    updated = UpsertComment("triage.summary", "call on Monday", iid=iid, key="call-2026-11-30", body="4 new requests")
    assert writer.execute(updated) == note_id
    [note] = desk.bot_notes(iid)
    assert note["body"].startswith("4 new requests") and desk.sandbox.requests.writes() == writes + 1


def test_two_summaries_racing_leave_one_comment(desk):
    iid = desk.issue()
    desk.sandbox.faults.latency = 0.05
    threads = [threading.Thread(target=lambda n=n: _writer(desk).execute(
        UpsertComment("triage.summary", "call", iid=iid, key="call-1", body=f"summary {n}"))) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    desk.sandbox.faults.latency = 0
    assert len(desk.bot_notes(iid)) == 1


def test_a_label_is_renamed_and_stays_on_its_issues(desk):
    iid = desk.issue(labels=("SA Triaged", "FY27-Q4"), assignees=["ana.sa"])
    _writer(desk).execute(RenameLabel("rotation", "new week", old="SA Triaged", new="SA Triaged - @ana.sa"))
    assert "SA Triaged - @ana.sa" in desk.labels(iid)


def test_issues_are_linked(desk):
    a, b = desk.issue(), desk.issue()
    _writer(desk).execute(LinkIssues("onboarding", "checklist for the request", iid=a, target_iid=b))
    links = desk.store.issue_links(desk.project_id, a)
    assert [l["iid"] for l in links] == [b]


@pytest.mark.parametrize("dry", [False, True], ids=["real", "dry run"])
def test_a_file_is_committed_only_when_it_differs(desk, dry):
    path = ".gitlab/issue_templates/Customer Onboarding.md"
    action = CommitFile("templates", "install", path=path, content="## Customer\n", message="Add template")
    writer = _writer(desk, DryWriter if dry else Writer)
    assert writer.execute(action) is True  # would create / created
    if dry:
        assert desk.store.file(desk.project_id, path) is None
        return
    assert desk.store.file(desk.project_id, path) == "## Customer\n"
    assert writer.execute(action) is False  # identical: nothing
    changed = CommitFile("templates", "install", path=path, content="## Customer name\n", message="Update")
    assert writer.execute(changed) is True
    assert desk.store.file(desk.project_id, path) == "## Customer name\n"


def test_a_rename_that_landed_before_a_502_is_done_not_failed(desk):
    iid = desk.issue(labels=("SA Triaged", "FY27-Q4"), assignees=["ana.sa"])
    desk.sandbox.faults.seed = 2
    desk.sandbox.faults.apply_then_fail_rate = 1.0  # the rename lands, then 502; the retry meets 404
    _writer(desk).execute(RenameLabel("rotation", "new week", old="SA Triaged", new="SA Triaged - @ben.sa"))
    desk.sandbox.faults.apply_then_fail_rate = 0
    assert "SA Triaged - @ben.sa" in desk.labels(iid)
