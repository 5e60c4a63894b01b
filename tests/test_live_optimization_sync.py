"""Live Optimization and the seeded demo scenarios against the sandbox: sessions opened
once, declines said once, every template rendered, a second sync changes nothing."""

from __future__ import annotations

import datetime as dt

from conftest import NOW, PROJECT, RULES, TOKEN, foreign_quick_actions
from gl_cs.app import sync as sync_module
from gl_cs.app.desk import Desk
from gl_cs.app.sync import run_sync
from gl_cs.config import load_config
from gl_cs.decide.engine import decide_issue
from gl_cs.decide.project_rules import live_optimization, onboarding, renewals
from gl_cs.decide.rules import RULES as ISSUE_RULES
from gl_cs.decide.rules import checklist_progress, kind_intake
from gl_cs.gitlab.adapter import GitLab
from gl_cs.sandbox.seed_onboarding import seed_onboarding

KIND_RULES = [onboarding.RULE, live_optimization.RULE, renewals.RULE]


def sync(desk, now=NOW, dry_run=False):
    gitlab = GitLab(desk.sandbox.url, TOKEN, PROJECT)
    return run_sync(Desk.of(gitlab, load_config(RULES)), now, dry_run=dry_run, project_rules=KIND_RULES)



def test_the_seeded_scenarios(desk, monkeypatch):
    rules = tuple(ISSUE_RULES) + (kind_intake.RULE, checklist_progress.RULE)
    monkeypatch.setattr(sync_module, "decide_issue", lambda issue, ctx: decide_issue(issue, ctx, rules))
    seeded = seed_onboarding(desk.store, desk.project_id, NOW)

    dry = sync(desk, dry_run=True)
    assert desk.bot_issues() == {}
    would = sorted(e.what for e in dry.changes if e.rule in ("onboarding", "live_optimization", "renewals")
                   and e.what.startswith("open issue"))

    report = sync(desk)
    assert not report.failures and not report.fatal
    made = desk.bot_issues()
    assert sorted(f"open issue '{t}'" + (f", due {i['due_date']}" if i["due_date"] else "")
                  for t, i in made.items()) == would
    assert set(made) == {
        "Onboarding checklist: Northwind Traders", "Onboarding checklist: Globex Corporation",
        "Onboarding checklist: Soylent Foods", "Live Optimization session: Hooli",
        "Live Optimization session: Acme {\u200d{ 7*7 }} @\u200dall",
        "Renewal review (5 months before): Globex Corporation renews 2027-03-23",
        "Renewal review (3 months before): Globex Corporation renews 2027-03-23",
    }
    hooli = made["Live Optimization session: Hooli"]
    assert [u["username"] for u in hooli["assignees"]] == ["ben.sa"] and hooli["due_date"] == "2026-12-02"
    assert f"#{seeded['live_optimization_eligible']}" in hooli["description"]
    assert "1. Cut pipeline time in half by Q1" in hooli["description"]
    assert made["Onboarding checklist: Globex Corporation"]["description"].count("- [ ] **") == 11
    late = made["Renewal review (5 months before): Globex Corporation renews 2027-03-23"]
    assert "Opened late" in late["description"] and late["due_date"] == "2026-11-23"

    notes = {k: [n["body"] for n in desk.bot_notes(iid)] for k, iid in seeded.items()}
    [mid] = notes["live_optimization_mid_market"]
    assert "for SMB accounts" in mid and "Mid-Market" in mid
    [early] = notes["live_optimization_too_early"]
    assert "the window opens on 2026-12-13" in early and early.startswith("@finn.ae ")
    [csm] = notes["live_optimization_with_csm"]
    assert "CSM/CSE" in csm
    [missing] = notes["onboarding_missing_start"]
    assert "**Start Date**" in missing and "SA Waiting" in desk.labels(seeded["onboarding_missing_start"])
    assert notes["onboarding_with_hand_made_checklist"] == [] and notes["live_optimization_eligible"] == []
    assert desk.bot_notes(seeded["hand_made_checklist"]) == []

    odd = made["Live Optimization session: Acme {\u200d{ 7*7 }} @\u200dall"]
    assert odd["state"] == "opened" and "49" not in odd["description"] and "@all" not in odd["description"]
    assert foreign_quick_actions(desk.store) == [] and desk.store.mass_mentions == []

    again = sync(desk)
    assert again.writes == 0 and not again.failures
    assert again.changes == []
    assert len(desk.bot_issues()) == len(made)
    assert all(len(desk.bot_notes(iid)) == len(notes[k]) for k, iid in seeded.items())


def test_a_live_optimization_request_is_asked_only_for_its_own_fields(desk, monkeypatch):
    rules = tuple(ISSUE_RULES) + (kind_intake.RULE, checklist_progress.RULE)
    monkeypatch.setattr(sync_module, "decide_issue", lambda issue, ctx: decide_issue(issue, ctx, rules))
    desk.store.add_label(desk.project_id, "Live Optimization")
    req = desk.issue("Live Optimization for Hooli", "Customer: Hooli\nWe would love a session soon.",
                     labels=("Live Optimization", "SA Backlog", "FY27-Q4"))
    report = sync(desk)
    assert not report.failures
    [note] = desk.bot_notes(req)
    assert "**Signing Date**" in note["body"] and "**Segment**" in note["body"]
    for other in ("Customer", "Milestones", "Outcome", "Challenges", "SA Tasks", "Preferred Date", "Infrastructure"):
        assert f"**{other}" not in note["body"]
    assert "SA Waiting" in desk.labels(req) and desk.bot_issues() == {}


def test_cli_dry_run_report_lists_every_issue_it_would_open(desk, monkeypatch):
    monkeypatch.setattr(sync_module, "PROJECT_RULES", tuple(KIND_RULES))
    seed_onboarding(desk.store, desk.project_id, NOW)
    code, output, report = desk.sync("--dry-run")
    assert code == 0, output
    assert desk.bot_issues() == {}
    opened = sorted(c["what"] for c in report["changes"] if c["what"].startswith("open issue"))
    assert opened == sorted([
        "open issue 'Onboarding checklist: Northwind Traders', due 2026-11-17",
        "open issue 'Onboarding checklist: Globex Corporation', due 2026-04-17",
        "open issue 'Onboarding checklist: Soylent Foods', due 2026-11-20",
        "open issue 'Live Optimization session: Hooli', due 2026-12-02",
        "open issue 'Live Optimization session: Acme {\u200d{ 7*7 }} @\u200dall'",
        "open issue 'Renewal review (5 months before): Globex Corporation renews 2027-03-23', due 2026-11-23",
        "open issue 'Renewal review (3 months before): Globex Corporation renews 2027-03-23', due 2026-12-23",
    ])


def test_a_session_closed_long_ago_still_counts_once_per_account_and_is_read_only_when_needed(desk):
    """The sweep sees closed issues of the last week only; a hand-made Live Optimization
    session for Hooli closed three months ago must still stop a second one. gl-cs reads the
    closed issues with the label once, only when it is about to open a session."""
    from gl_cs.sandbox.seed_onboarding import _live_optimization

    desk.store.add_label(desk.project_id, "Live Optimization")
    old = NOW - dt.timedelta(days=90)
    earlier = desk.issue("Hooli live optimization session (done)", "Session held with Hooli; notes inside.",
                         labels=("Live Optimization",), author="ben.sa", created_at=old, updated_at=old,
                         state="closed")
    request = desk.issue("Live Optimization request: Hooli",
                         _live_optimization("Hooli", NOW - dt.timedelta(days=40), "60 employees"),
                         labels=("Live Optimization", "SA Backlog", "FY27-Q4"))

    kept = Desk.of(GitLab(desk.sandbox.url, TOKEN, PROJECT), load_config(RULES))  # its record kept, as a CLI
    desk.sandbox.requests.reset()                                                     # run keeps it in a file
    report = run_sync(kept, NOW, project_rules=KIND_RULES)
    assert not report.failures, report.failures
    assert desk.bot_issues() == {}  # no second session
    [note] = desk.bot_notes(request)
    assert f"#{earlier}" in note["body"]  # the earlier session, cited by number
    # open, recently closed, the label's closed, and the commented request once more (so the
    # record knows it as gl-cs left it)
    assert desk.sandbox.requests.get("GET", "/projects/:id/issues") == 4

    desk.sandbox.requests.reset()
    again = run_sync(kept, NOW, project_rules=KIND_RULES)
    assert again.changes == []
    assert desk.sandbox.requests.total() == 3  # gl-cs's own comment is known: nothing read afresh
    desk.sandbox.requests.reset()
    settled = run_sync(kept, NOW, project_rules=KIND_RULES)
    assert settled.changes == []  # declined and said, nobody touched the request: nothing more to read
    assert desk.sandbox.requests.total() == 3  # the labels and two list pages (the kept runtime knows its user)
