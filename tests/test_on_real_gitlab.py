"""gl-cs where GitLab differs from a naive API: behaviours the sandbox now shares with
GitLab (tests/test_sandbox_contract.py) and that gl-cs must get right."""

from __future__ import annotations

import datetime as dt

from conftest import COMPLETE, LONG_AGO, NOW, PROJECT, RULES, TOKEN
from gl_cs.app.runtime import Runtime
from gl_cs.app.desk import Desk
from gl_cs.app.sync import run_sync
from gl_cs.config.desks import DeskRef
from gl_cs.config import load_config
from gl_cs.gitlab.adapter import GitLab
from gl_cs.markers import markers_in


def _runtime(desk) -> Runtime:
    return Runtime(GitLab(desk.sandbox.url, TOKEN, PROJECT), load_config(RULES, project_override=PROJECT))


def test_an_assignee_gitlab_refuses_is_reported_once_and_not_retried(desk):
    """GitLab drops an assignee who cannot see the issue and answers 200 with no change.
    gl-cs reports it, remembers it, and the next run moves the request back with its
    reason instead of sending the same edit every sync."""
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("ana.sa", "add", "SA Doing", LONG_AGO)])
    runtime = _runtime(desk)  # a kept runtime: the member list it read goes stale
    runtime.setup()
    runtime.read_members()
    desk.store.remove_member(desk.project_id, "ana.sa")  # she left the (private) project

    first = run_sync(Desk(DeskRef(PROJECT), runtime), NOW)
    assert desk.get(iid)["assignees"] == []
    assert [f.what for f in first.findings if f.iid == iid] == ["GitLab did not assign ana.sa"]
    assert first.writes == 1

    second = run_sync(Desk(DeskRef(PROJECT), runtime), NOW)
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
    assert second.writes == 1 and "GitLab would not assign ana.sa" in second.changes[0].why
    third = run_sync(Desk(DeskRef(PROJECT), runtime), NOW)
    assert third.writes == 0 and third.changes == []


def test_the_bots_own_system_notes_are_never_taken_for_its_comments(desk):
    """GitLab writes "assigned to @ana.sa" as a system note authored by gl-cs: it carries
    no marker and is not a comment, so nothing is said twice or skipped because of it."""
    iid = desk.issue(labels=("SA Triaged", "FY27-Q4"), label_events=[("ana.sa", "add", "SA Triaged", LONG_AGO)])
    code, out, report = desk.sync()
    assert code == 0, out
    system = [n for n in desk.notes(iid) if n["system"] and n["author"]["username"] == "gl-cs-bot"]
    assert system and "assigned to @ana.sa" in system[0]["body"]
    assert desk.bot_notes(iid) == []
    code, out, report = desk.sync()
    assert report["writes"] == 0


def test_a_change_and_its_reason_are_one_note_that_gitlab_strips_of_its_commands(desk):
    """The note gl-cs posts carries its quick actions; GitLab runs them and stores the text
    without them: the AE sees the explanation, the labels moved, one notification."""
    missing = COMPLETE.replace("## Outcome\nFaster releases with fewer tools.\n", "")
    iid = desk.issue(description=missing)
    desk.sandbox.requests.reset()
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    [note] = desk.bot_notes(iid)
    assert not any(line.startswith("/") for line in note["body"].splitlines())
    assert [r for r, _ in markers_in(note["body"])] == ["intake"]
    assert desk.sandbox.requests.writes() == 1  # no separate label edit
    assert desk.sandbox.requests.get("GET", "/projects/:id/issues/:iid/notes") == 0  # no comments yet: no read


def test_a_no_op_edit_does_not_cost_the_next_sync_a_read(desk):
    """GitLab moves `updated_at` only when something changed: gl-cs's record, keyed on it,
    stays valid across a no-op edit by a person."""
    iid = desk.issue(labels=("SA Backlog", "FY27-Q4"), updated_at=NOW)
    desk.sync()
    desk.sync()
    before = desk.get(iid)["updated_at"]
    desk.store.api_update_issue(desk.project_id, iid, desk.store.user("eve.ae")["id"],
                                {"add_labels": ["SA Backlog"]})  # already there
    assert desk.get(iid)["updated_at"] == before
    desk.sandbox.requests.reset()
    code, out, report = desk.sync()
    assert code == 0 and report["writes"] == 0
    assert desk.sandbox.requests.get("GET", "/projects/:id/issues/:iid/resource_label_events") == 0


def test_a_kept_runtime_reads_labels_and_members_again_once_they_are_stale(desk):
    """The webhook worker keeps its runtime for days: a label renamed by the rotation and a
    member who joined are seen after `labels_ttl`, without a read per event before that."""
    clock = [0.0]
    runtime = Runtime(GitLab(desk.sandbox.url, TOKEN, PROJECT), load_config(RULES, project_override=PROJECT),
                      labels_ttl=300, clock=lambda: clock[0])
    runtime.setup()
    runtime.read_members()
    reads = desk.sandbox.requests.get("GET", "/projects/:id/labels")
    runtime.setup(refresh_labels=False)
    assert desk.sandbox.requests.get("GET", "/projects/:id/labels") == reads and runtime.members is not None
    clock[0] = 301
    runtime.setup(refresh_labels=False)
    assert desk.sandbox.requests.get("GET", "/projects/:id/labels") == reads + 1
    assert runtime.members is None  # read again when a rule next asks


CHECKLIST = ("- [x] **1. Welcome** (due 2026-11-10, at start): hi\n"
             "- [ ] **2. Personal introduction** (due 2026-11-15, 2-5 days): call\n"
             "- [ ] **3. Installation follow-up** (due 2026-11-20, 7-10 days): check\n"
             "- [ ] **4. Education** (due 2026-12-10, 20-30 days): teach\n")


def test_a_checklists_due_date_follows_its_next_step_through_the_one_write_path(desk):
    """SetDueDate rides in gl-cs's own note (`/due`) with the overdue-step comments, or, with
    nothing to say, is one edit; GitLab stores the date, and the next sync writes nothing."""
    desk.store.add_label(desk.project_id, "Onboarding")
    opened = NOW - 11 * dt.timedelta(days=1)
    overdue = desk.issue(title="Acme onboarding checklist", description=CHECKLIST, author="ana.sa",
                         labels=("Onboarding", "SA Triaged", "FY27-Q4"), assignees=["ana.sa"],
                         created_at=opened, updated_at=opened)
    on_time = desk.issue(title="Initech onboarding checklist", description=CHECKLIST.replace("- [ ] **2.", "- [x] **2.")
                         .replace("- [ ] **3.", "- [x] **3."), author="ana.sa",
                         labels=("Onboarding", "SA Triaged", "FY27-Q4"), assignees=["ana.sa"],
                         created_at=opened, updated_at=opened)
    desk.sandbox.requests.reset()
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.get(overdue)["due_date"] == "2026-11-15" and desk.get(on_time)["due_date"] == "2026-12-10"
    notes = desk.bot_notes(overdue)
    assert len(notes) == 1 and "Personal introduction" in notes[0]["body"] and "/due" not in notes[0]["body"]
    assert desk.bot_notes(on_time) == []
    assert desk.sandbox.requests.get("POST", "/projects/:id/issues/:iid/notes") == 1  # change + reason: one note
    assert desk.sandbox.requests.get("PUT", "/projects/:id/issues/:iid") == 1  # the date alone: one edit
    code, out, again = desk.sync()
    assert code == 0 and again["writes"] == 0
