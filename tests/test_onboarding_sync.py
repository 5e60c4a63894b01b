"""The on-boarding checklist against the sandbox, with a pinned clock: one checklist per
request and account (also with a hand-made one, and with two racing syncs), its fields,
due dates and assignee, inert customer names, a dry run, overdue steps, kind intake."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from conftest import NOW, PROJECT, RULES, TOKEN, foreign_quick_actions
from gl_cs.app import sync as sync_module
from gl_cs.app.desk import Desk
from gl_cs.app.sync import run_sync
from gl_cs.config import load_config
from gl_cs.decide.engine import decide_issue
from gl_cs.decide.project_rules import onboarding
from gl_cs.decide.rules import RULES as ISSUE_RULES
from gl_cs.decide.rules import checklist_progress, kind_intake
from gl_cs.gitlab.adapter import GitLab
from gl_cs.markers import marker

START = "16 Nov 2026"  # NOW is Monday 2026-11-23


def request(customer="Acme Robotics", start=START, employees="300 employees", sa="@ana.sa", extra=""):
    parts = [f"## Customer\n{customer}\n", f"## Start Date\nclosed-won {start}\n" if start else "",
             f"## Employees\n{employees}\n", f"## SA\n{sa}\n" if sa else "", extra]
    return "\n".join(p for p in parts if p)


def sync(desk, now=NOW, rules=(onboarding.RULE,), dry_run=False):
    gitlab = GitLab(desk.sandbox.url, TOKEN, PROJECT)
    return run_sync(Desk.of(gitlab, load_config(RULES)), now, dry_run=dry_run, project_rules=list(rules))


def opened_by_bot(desk):
    issues = [desk.get(i["iid"]) for i in desk.store.query_issues(desk.project_id, state="all")]
    return sorted((i for i in issues if i["author"]["username"] == "gl-cs-bot"), key=lambda i: i["iid"])


def rendered(desk, iid):
    return desk.get(iid)


@pytest.fixture
def onboarding_desk(desk):
    desk.store.add_label(desk.project_id, "Onboarding")
    return desk


def test_a_request_opens_one_checklist_and_a_second_sync_changes_nothing(onboarding_desk):
    desk = onboarding_desk
    req = desk.issue("Onboarding: Acme Robotics", request(), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    report = sync(desk)
    assert not report.failures and not report.fatal
    [made] = opened_by_bot(desk)
    issue = rendered(desk, made["iid"])
    assert issue["title"] == "Onboarding checklist: Acme Robotics"
    assert issue["due_date"] == "2026-11-16"  # the first unticked step: step 1, on the start date
    assert set(issue["labels"]) == {"Onboarding", "SA Triaged", "FY27-Q4"}
    assert [u["username"] for u in issue["assignees"]] == ["ana.sa"]
    text = issue["description"]
    assert f"#{req}" in text and marker("create", "onboarding:acme-robotics:checklist") in text
    assert text.count("- [ ] **") == 10  # Mid-Market: no expansion step
    assert "(due 2026-11-21, 2-5 days)" in text and "(due 2027-05-16, 6 months)" in text
    assert "| **Tier** | not given |" in text
    assert any(e.what == "open issue 'Onboarding checklist: Acme Robotics', due 2026-11-16" for e in report.changes)
    # the checklist is linked to the request: one link request, and GitLab shows the link
    assert desk.sandbox.requests.get("POST", "/projects/:id/issues/:iid/links") == 1
    assert [other["iid"] for _, other in desk.store.list_issue_links(desk.project_id, made["iid"])] == [req]

    again = sync(desk)
    assert again.writes == 0 and again.changes == [] and not again.failures
    assert len(opened_by_bot(desk)) == 1
    assert foreign_quick_actions(desk.store) == []


def test_strategic_accounts_get_the_expansion_step(onboarding_desk):
    desk = onboarding_desk
    desk.issue("Onboarding", request(employees="12,000 employees"), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    sync(desk)
    [made] = opened_by_bot(desk)
    assert made["description"].count("- [ ] **") == 11
    assert "**11. Expansion** (due 2027-09-16" in made["description"]


def test_without_a_named_sa_the_checklist_waits_for_triage(onboarding_desk):
    desk = onboarding_desk
    desk.issue("Onboarding", request(sa=None), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    sync(desk)
    [made] = opened_by_bot(desk)
    issue = rendered(desk, made["iid"])
    assert issue["assignees"] == [] and "SA Backlog" in issue["labels"] and "SA Triaged" not in issue["labels"]
    assert "the Triage SA assigns one" in issue["description"]
    assert sync(desk).writes == 0


def test_a_hand_made_checklist_for_the_same_customer_means_none_is_opened(onboarding_desk):
    desk = onboarding_desk
    hand = desk.store.add_issue(desk.project_id, "Acme Robotics GmbH onboarding checklist",
                                description="- [x] Welcome\n- [ ] Personal introduction\n- [ ] Installation\n",
                                author="ana.sa", labels=["Onboarding", "SA Backlog", "FY27-Q4"])["iid"]
    desk.issue("Onboarding: Acme", request(customer="ACME Robotics"), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    report = sync(desk, rules=(onboarding.RULE,))
    assert opened_by_bot(desk) == [] and not report.failures
    # the hand-made checklist is no request: never asked for request fields
    assert desk.bot_notes(hand) == []


def test_a_checklist_mentioned_in_the_request_means_none_is_opened(onboarding_desk):
    desk = onboarding_desk
    other = desk.store.add_issue(desk.project_id, "Checklist", description="- [ ] Welcome\n- [ ] Discovery\n"
                                 "- [ ] Outlook\n", author="finn.ae", labels=["Onboarding", "SA Backlog", "FY27-Q4"])
    desk.issue("Onboarding", request(extra=f"Checklist already in #{other['iid']}"),
               labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    sync(desk)
    assert opened_by_bot(desk) == []


ADVERSARIAL = "Acme /close @all {{ 7*7 }} {% if true %}x{% endif %} ~\"SA Doing\" #1 \u2028/close"


def test_adversarial_names_render_inert(onboarding_desk):
    desk = onboarding_desk
    req = desk.issue("Onboarding", request(customer=ADVERSARIAL, sa="@all"), labels=("Onboarding", "SA Backlog",
                                                                                     "FY27-Q4"))
    report = sync(desk)
    assert not report.failures
    [made] = opened_by_bot(desk)
    issue = rendered(desk, made["iid"])
    assert issue["state"] == "opened" and desk.get(req)["state"] == "opened"
    assert "49" not in issue["description"] and "{{" not in issue["description"] and "{%" not in issue["description"]
    assert "@all" not in issue["description"] and "@all" not in issue["title"]
    assert not any(line.lstrip().startswith("/") for line in issue["description"].splitlines())
    assert foreign_quick_actions(desk.store) == [] and desk.store.mass_mentions == []
    assert issue["assignees"] == [] and "SA Doing" not in issue["labels"]


def test_dry_run_lists_every_issue_it_would_open_and_creates_none(onboarding_desk):
    desk = onboarding_desk
    desk.issue("Onboarding A", request(customer="Acme Robotics"), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    desk.issue("Onboarding B", request(customer="Beta Labs", start="2 Nov 2026"),
               labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    report = sync(desk, dry_run=True)
    assert opened_by_bot(desk) == []
    whats = sorted(e.what for e in report.changes if e.rule == "onboarding")
    assert whats == ["open issue 'Onboarding checklist: Acme Robotics', due 2026-11-16",
                     "open issue 'Onboarding checklist: Beta Labs', due 2026-11-02"]


def test_two_concurrent_syncs_end_with_exactly_one_issue_per_key(onboarding_desk):
    desk = onboarding_desk
    for name in ("Acme Robotics", "Beta Labs", "Gamma Works"):
        desk.issue(f"Onboarding {name}", request(customer=name), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            gitlab = GitLab(desk.sandbox.url, TOKEN, PROJECT)
            run_sync(Desk.of(gitlab, load_config(RULES)), NOW, project_rules=[onboarding.RULE])
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    open_keys = [i["description"].split("gl-cs:create:")[1].split(" ")[0] for i in opened_by_bot(desk)
                 if i["state"] == "opened"]
    assert sorted(open_keys) == sorted(set(open_keys)) and len(open_keys) == 3
    before = len(opened_by_bot(desk))
    follow = sync(desk)  # may only take the workflow label off a duplicate the race closed
    assert all(e.rule == "workflow.closed" for e in follow.changes)
    assert sync(desk).writes == 0 and len(opened_by_bot(desk)) == before


def test_a_step_that_becomes_overdue_is_commented_on_once(onboarding_desk, with_kind_intake):
    desk = onboarding_desk
    desk.store.clock = lambda: NOW
    desk.issue("Onboarding", request(start="22 Nov 2026"), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    sync(desk)
    [made] = opened_by_bot(desk)
    later = NOW + dt.timedelta(days=5)  # step 2 was due 2026-11-27
    desk.store.clock = lambda: later
    report = sync(desk, now=later)
    assert not report.failures
    [note] = desk.bot_notes(made["iid"])
    assert "Personal introduction" in note["body"] and "2026-11-27" in note["body"] and "@ana.sa" in note["body"]
    # step 1 (due 2026-11-22) was already past when the checklist was opened: no comment for it
    again = sync(desk, now=later)
    assert len(desk.bot_notes(made["iid"])) == 1 and again.writes == 0 and again.changes == []


def test_the_next_unticked_step_is_in_the_facts(onboarding_desk):
    desk = onboarding_desk
    desk.issue("Onboarding", request(), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    sync(desk)
    [made] = opened_by_bot(desk)
    text = made["description"].replace("- [ ] **1. Welcome**", "- [x] **1. Welcome**")
    desk.store.api_update_issue(desk.project_id, made["iid"], made["author"]["id"], {"description": text})
    seen = []

    def spy(facts, ctx):
        seen.extend(f for f in facts if f.iid == made["iid"])
        return []

    from gl_cs.decide.project_rules import ProjectRule
    sync(desk, rules=(ProjectRule("spy", spy),))
    [fact] = seen
    assert fact.kind == "opened" and fact.field("role") == "checklist" and fact.field("account") == "acme-robotics"
    assert fact.field("next_due") == "2026-11-21" and fact.field("next_step") == "Personal introduction"
    assert fact.fields("overdue") == ("2026-11-21|Personal introduction",)


@pytest.fixture
def with_kind_intake(monkeypatch):
    """The issue rules as registered after the merge: kind_intake and checklist_progress too."""
    rules = tuple(ISSUE_RULES) + (kind_intake.RULE, checklist_progress.RULE)
    monkeypatch.setattr(sync_module, "decide_issue", lambda issue, ctx: decide_issue(issue, ctx, rules))


def test_kind_intake_asks_once_for_what_the_checklist_needs(onboarding_desk, with_kind_intake):
    desk = onboarding_desk
    req = desk.issue("Onboarding", request(start=None, sa=None, employees=""),
                     labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    sync(desk)
    assert desk.labels(req) >= {"SA Waiting", "Onboarding"} and "SA Backlog" not in desk.labels(req)
    [note] = desk.bot_notes(req)
    assert "**Start Date**" in note["body"] and "@eve.ae" in note["body"]
    for sa_field in ("Outcome", "Challenges", "Infrastructure", "SA Tasks", "Preferred Date"):
        assert sa_field not in note["body"]
    assert opened_by_bot(desk) == []
    sync(desk)
    assert len(desk.bot_notes(req)) == 1

    later = NOW + dt.timedelta(hours=2)
    desk.store.clock = lambda: later
    desk.store.api_update_issue(desk.project_id, req, desk.get(req)["author"]["id"],
                                {"description": request(start="16 Nov 2026", sa=None, employees="")})
    sync(desk, now=later)
    assert "SA Backlog" in desk.labels(req) and "SA Waiting" not in desk.labels(req)
    assert "has what gl-cs needs" in desk.bot_notes(req)[-1]["body"]
    [made] = opened_by_bot(desk)
    assert "| **Segment** | not given |" in made["description"]
    assert foreign_quick_actions(desk.store) == []


def test_a_502_after_creating_the_checklist_still_ends_with_one(onboarding_desk):
    desk = onboarding_desk
    desk.issue("Onboarding", request(), labels=("Onboarding", "SA Backlog", "FY27-Q4"))
    desk.sandbox.faults.apply_then_fail_rate = 1.0  # every write lands, then GitLab answers 502
    report = sync(desk)
    desk.sandbox.faults.apply_then_fail_rate = 0.0
    assert not report.fatal
    assert len(opened_by_bot(desk)) == 1
    assert sync(desk).writes == 0 and len(opened_by_bot(desk)) == 1
