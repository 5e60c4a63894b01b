"""The label workflow, driven through `gl-cs sync` -> python-gitlab -> HTTP -> sandbox."""

from __future__ import annotations

import datetime as dt

from conftest import LONG_AGO, NOW, foreign_quick_actions

HOUR = dt.timedelta(hours=1)
RECENT = NOW - 2 * HOUR


def test_issue_without_workflow_label_goes_to_backlog_and_other_labels_stay(desk):
    iid = desk.issue(labels=("customer::acme", "Priority::1", "FY27-Q4"))
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "customer::acme", "Priority::1", "FY27-Q4"}
    change = [c for c in report["changes"] if c["issue"] == iid]
    assert change == [{"issue": iid, "rule": "workflow.state", "what": "add label 'SA Backlog'",
                       "why": "it had no workflow label; new requests start in 'SA Backlog'",
                       "url": change[0]["url"]}]
    assert f"#{iid}" in out and "workflow.state" in out


def test_several_workflow_labels_keep_the_one_a_person_added_last(desk):
    iid = desk.issue(labels=("SA Backlog", "SA Waiting", "SA Doing", "customer::acme", "FY27-Q4"),
                     assignees=["ana.sa"],
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("ana.sa", "add", "SA Waiting", LONG_AGO + 2 * HOUR),
                                   ("ben.sa", "add", "SA Doing", LONG_AGO + HOUR),
                                   ("eve.ae", "add", "customer::acme", LONG_AGO + 3 * HOUR)])
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "customer::acme", "FY27-Q4"}


def test_bot_added_label_does_not_beat_a_person(desk):
    iid = desk.issue(labels=("SA Backlog", "SA Triaged", "FY27-Q4"), assignees=["ana.sa"],
                     label_events=[("ana.sa", "add", "SA Triaged", LONG_AGO),
                                   ("gl-cs-bot", "add", "SA Backlog", LONG_AGO + HOUR)])
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Triaged", "FY27-Q4"}


def test_triaged_without_assignee_assigns_the_member_who_applied_it(desk):
    iid = desk.issue(labels=("SA Triaged", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("ana.sa", "add", "SA Triaged", LONG_AGO + HOUR)])
    code, out, _ = desk.sync()
    assert code == 0, out
    issue = desk.get(iid)
    assert [a["username"] for a in issue["assignees"]] == ["ana.sa"]
    assert "SA Triaged" in issue["labels"]
    assert desk.bot_notes(iid) == []


def test_doing_applied_by_non_member_goes_back_with_one_comment(desk):
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("ana.sa", "add", "SA Triaged", LONG_AGO + HOUR),
                                   ("olga.outsider", "remove", "SA Triaged", LONG_AGO + 2 * HOUR),
                                   ("olga.outsider", "add", "SA Doing", LONG_AGO + 2 * HOUR)])
    code, out, _ = desk.sync()
    assert code == 0, out
    # SA Triaged also needs an assignee, so it falls back to the default state.
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
    notes = desk.bot_notes(iid)
    assert len(notes) == 1
    assert notes[0]["body"].startswith("@olga.outsider ")
    assert "needs an assignee" in notes[0]["body"]
    assert "<!-- gl-cs:workflow.assignee:" in notes[0]["body"]
    # converged: nothing more to do
    code, out, report = desk.sync()
    assert report["writes"] == 0 and report["changes"] == []


def test_members_mode_assigns_any_member_who_applied_it(desk, rules_with):
    config = rules_with({"assignable: roster": "assignable: members"})
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("eve.ae", "add", "SA Doing", LONG_AGO)])
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert [a["username"] for a in desk.get(iid)["assignees"]] == ["eve.ae"]


def test_roster_narrows_who_may_be_assigned(desk):
    config = None  # the shipped rules.yml assigns only the SA roster
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Waiting", LONG_AGO),
                                   ("eve.ae", "remove", "SA Waiting", LONG_AGO + HOUR),
                                   ("eve.ae", "add", "SA Doing", LONG_AGO + HOUR)])
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}  # the state it had before
    assert desk.get(iid)["assignees"] == []
    assert len(desk.bot_notes(iid)) == 1 and "SA roster" in desk.bot_notes(iid)[0]["body"]


def test_no_open_issue_is_left_triaged_or_doing_without_assignee(desk):
    for who in ("ana.sa", "olga.outsider", "eve.ae", "gl-cs-bot"):
        for label in ("SA Triaged", "SA Doing"):
            desk.issue(labels=(label, "FY27-Q4"), label_events=[(who, "add", label, LONG_AGO)])
    desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[])  # no history at all
    code, out, _ = desk.sync()
    assert code == 0, out
    for issue in desk.store.issues(desk.project_id):
        if issue["state"] == "opened" and {"SA Triaged", "SA Doing"} & set(issue["labels"]):
            assert issue["assignees"], issue


def test_disallowed_transition_is_reported_and_explained_once(desk):
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), assignees=["ana.sa"], updated_at=RECENT,
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("ana.sa", "remove", "SA Backlog", RECENT),
                                   ("ana.sa", "add", "SA Doing", RECENT)])
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Doing", "FY27-Q4"}  # default on_violation: comment
    notes = desk.bot_notes(iid)
    assert len(notes) == 1 and notes[0]["body"].startswith("@ana.sa ")
    assert "SA Backlog" in notes[0]["body"] and "SA Triaged" in notes[0]["body"]
    assert [f["issue"] for f in report["findings"] if f["rule"] == "workflow.transitions"] == [iid]
    assert "needs a look" in out
    code, out, report = desk.sync()
    assert len(desk.bot_notes(iid)) == 1 and report["writes"] == 0


def test_disallowed_transition_reverted_when_configured(desk, rules_with):
    config = rules_with({"on_violation: comment": "on_violation: revert"})
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), assignees=["ana.sa"], updated_at=RECENT,
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("ana.sa", "remove", "SA Backlog", RECENT),
                                   ("ana.sa", "add", "SA Doing", RECENT)])
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
    assert "moved it back" in desk.bot_notes(iid)[0]["body"]
    code, out, report = desk.sync(config=config)
    assert report["writes"] == 0 and desk.labels(iid) == {"SA Backlog", "FY27-Q4"}


def test_allowed_transition_and_old_moves_are_left_alone(desk):
    ok = desk.issue(labels=("SA Triaged", "FY27-Q4"), assignees=["ana.sa"], updated_at=RECENT,
                    label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                  ("ana.sa", "remove", "SA Backlog", RECENT),
                                  ("ana.sa", "add", "SA Triaged", RECENT)])
    old = desk.issue(labels=("SA Doing", "FY27-Q4"), assignees=["ana.sa"],
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("ana.sa", "add", "SA Doing", LONG_AGO + HOUR)])
    code, out, report = desk.sync()
    assert code == 0, out
    assert report["findings"] == [] and desk.bot_notes(ok) == [] and desk.bot_notes(old) == []


def test_closed_issue_loses_workflow_labels_only(desk, rules_with):
    iid = desk.issue(labels=("SA Doing", "customer::acme", "FY27-Q3"), assignees=["ana.sa"], state="closed",
                     updated_at=NOW - 24 * HOUR)
    ancient = desk.issue(labels=("SA Doing",), assignees=["ana.sa"], state="closed",
                         updated_at=NOW - 400 * 24 * HOUR)
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"customer::acme", "FY27-Q3"}
    assert desk.labels(ancient) == {"SA Doing"}  # outside closed_lookback_hours
    keep = desk.issue(labels=("SA Doing",), assignees=["ana.sa"], state="closed", updated_at=NOW - HOUR)
    desk.sync(config=rules_with({"closed_issues: remove_workflow_labels": "closed_issues: keep"}))
    assert desk.labels(keep) == {"SA Doing"}


def test_dry_run_writes_nothing_but_prints_the_plan(desk):
    iid = desk.issue(labels=("FY27-Q4",))
    desk.sandbox.requests.reset()
    code, out, report = desk.sync("--dry-run")
    assert code == 0
    assert desk.sandbox.requests.writes() == 0
    assert desk.labels(iid) == {"FY27-Q4"}
    assert report["dry_run"] is True and report["counts"] == {"workflow.state": 1}
    assert "dry run, nothing written" in out


def test_issue_option_only_touches_named_issues(desk):
    a = desk.issue(labels=("FY27-Q4",))
    b = desk.issue(labels=("FY27-Q4",))
    code, out, report = desk.sync("--issue", str(b))
    assert code == 0, out
    assert desk.labels(a) == {"FY27-Q4"} and "SA Backlog" in desk.labels(b)
    assert report["issues_seen"] == 1


def test_refused_edit_fails_that_issue_only(desk):
    a = desk.issue(labels=("FY27-Q4",))
    b = desk.issue(labels=("FY27-Q4",))
    c = desk.issue(labels=("FY27-Q4",))
    desk.store.forbid_edit(desk.project_id, b)
    code, out, report = desk.sync()
    assert code == 1
    assert "SA Backlog" in desk.labels(a) and "SA Backlog" in desk.labels(c)
    assert desk.labels(b) == {"FY27-Q4"}
    assert [f["issue"] for f in report["failures"]] == [b]
    assert "403" in report["failures"][0]["why"] and f"FAILED #{b}" in out


def test_gl_cs_never_triggers_quick_actions_or_mass_mentions(desk):
    desk.issue(labels=("SA Doing",), author="olga.outsider",
               label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)],
               title="/close", description="/close\n@all please look\n/label ~EXPEDITE")
    code, out, _ = desk.sync()
    assert code == 0, out
    assert foreign_quick_actions(desk.store) == []
    assert desk.store.mass_mentions == []


def test_weekly_renamed_triaged_label_is_the_triaged_state(desk):
    renamed = "SA Triaged - ana.sa"
    desk.store.add_label(desk.project_id, renamed)
    owned = desk.issue(labels=(renamed, "FY27-Q4"), assignees=["ana.sa"],
                       label_events=[("ana.sa", "add", renamed, LONG_AGO)])
    unowned = desk.issue(labels=(renamed, "FY27-Q4"), label_events=[("ben.sa", "add", renamed, LONG_AGO)])
    both = desk.issue(labels=(renamed, "SA Backlog", "FY27-Q4"), assignees=["ana.sa"],
                      label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                    ("ana.sa", "add", renamed, LONG_AGO + HOUR)])
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(owned) == {renamed, "FY27-Q4"} and desk.bot_notes(owned) == []
    assert [a["username"] for a in desk.get(unowned)["assignees"]] == ["ben.sa"]
    assert desk.labels(both) == {renamed, "FY27-Q4"}


def test_a_marker_pasted_by_a_person_does_not_silence_gl_cs(desk):
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)])
    events = desk.store.label_events(desk.project_id, iid)
    forged = f"<!-- gl-cs:workflow.assignee:event-{events[-1]['id']} -->"
    desk.store.add_note(desk.project_id, iid, f"copying the bot: {forged}", "eve.ae")
    code, out, _ = desk.sync()
    assert code == 0, out
    assert len(desk.bot_notes(iid)) == 1


def test_a_guest_is_not_assigned_a_confidential_issue_they_cannot_see(desk, rules_with):
    """GitLab silently drops an assignee who cannot see the issue (a Guest on a confidential
    issue) and answers 200: gl-cs does not try (it would try again every sync), it moves the
    request back and says why."""
    config = rules_with({"assignable: roster": "assignable: members"})
    desk.store.add_user("gus.guest")
    desk.store.add_member(desk.project_id, "gus.guest", 10)
    secret = desk.issue(labels=("SA Doing", "FY27-Q4"), confidential=True,
                        label_events=[("gus.guest", "add", "SA Doing", LONG_AGO)])
    public = desk.issue(labels=("SA Doing", "FY27-Q4"),
                        label_events=[("gus.guest", "add", "SA Doing", LONG_AGO)])
    code, out, report = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(secret) == {"SA Backlog", "FY27-Q4"} and desk.get(secret)["assignees"] == []
    body = desk.bot_notes(secret)[0]["body"]
    assert body.startswith("@gus.guest ") and "cannot see the issue" in body
    assert [a["username"] for a in desk.get(public)["assignees"]] == ["gus.guest"]  # a Guest sees a public one
    code, out, report = desk.sync(config=config)
    assert report["writes"] == 0
