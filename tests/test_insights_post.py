"""`gl-cs report --post`: one report issue per period, opened once, its one comment updated in
place on a re-run (exactly once, like the triage summary), nothing written by --dry-run, the
earlier period's issue closed when the next one opens, no request rule touching it, and what
came from issues inert."""

from __future__ import annotations

import datetime as dt

from conftest import NOW, foreign_quick_actions
from gl_cs.sandbox.seed_history import seed_history

KEY = "<!-- gl-cs:create:insights:2026-10-01:2026-10-31 -->"
COMMENT = "<!-- gl-cs:insights.report:report -->"


def report_issues(desk, key: str = KEY) -> list[dict]:
    return [i for i in desk.store.issues(desk.project_id) if key in (i["description"] or "")]


def comments(desk, iid: int) -> list[dict]:
    return [n for n in desk.bot_notes(iid) if COMMENT in n["body"]]


def test_post_opens_the_period_issue_once_and_updates_its_one_comment(desk):
    seed_history(desk.store, desk.project_id, NOW)
    reqs = desk.sandbox.requests
    reqs.reset()
    result = desk.run("report", "--post")
    assert result.exit_code == 0, result.output
    [issue] = report_issues(desk)
    assert issue["title"] == "Desk insights: October 2026"
    assert set(issue["labels"]) == {"SA Action Items", "FY27-Q4"} and issue["author"]["username"] == "gl-cs-bot"
    [note] = comments(desk, issue["iid"])
    assert note["body"].startswith("## Desk insights: October 2026\n")
    assert "Generated Mon 23 Nov 2026 09:00 PST" in note["body"]
    assert reqs.writes() == 2  # the issue and its comment
    assert reqs.get("POST", "/projects/:id/issues") == 1 and reqs.get("POST", "/projects/:id/issues/:iid/notes") == 1
    assert reqs.get("GET", "/projects/:id/issues") == 2 + 2  # the lists, and GitLab's search before and after opening
    assert "open issue 'Desk insights: October 2026'" in result.stdout

    reqs.reset()
    later = desk.run("report", "--post", now=NOW + dt.timedelta(hours=1))  # a retried pipeline
    assert later.exit_code == 0, later.output
    [again] = comments(desk, issue["iid"])
    assert again["id"] == note["id"] and "Generated Mon 23 Nov 2026 10:00 PST" in again["body"]
    assert len(report_issues(desk)) == 1
    assert reqs.writes() == 1 and reqs.get("PUT", "/projects/:id/issues/:iid/notes/:note_id") == 1
    assert reqs.get("POST", "/projects/:id/issues") == 0
    assert reqs.get("GET", "/projects/:id/issues") == 2  # the two lists: the issue is found there, no search

    reqs.reset()
    same = desk.run("report", "--post", now=NOW + dt.timedelta(hours=1))
    assert same.exit_code == 0 and reqs.writes() == 0
    assert f"report issue #{issue['iid']}: already up to date" in same.stdout


def test_dry_run_says_what_it_would_post_and_writes_nothing(desk):
    seed_history(desk.store, desk.project_id, NOW)
    desk.sandbox.requests.reset()
    result = desk.run("report", "--post", "--dry-run")
    assert result.exit_code == 0, result.output
    assert desk.sandbox.requests.writes() == 0 and report_issues(desk) == []
    assert "open issue 'Desk insights: October 2026'" in result.stdout
    assert "post comment 'report' on the new report issue" in result.stdout


def test_the_next_periods_issue_closes_the_earlier_one_and_no_request_rule_touches_them(desk):
    seed_history(desk.store, desk.project_id, NOW)
    assert desk.run("report", "--post").exit_code == 0
    [october] = report_issues(desk)
    december = dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.timezone.utc)
    result = desk.run("report", "--post", now=december)
    assert result.exit_code == 0, result.output
    [november] = report_issues(desk, "<!-- gl-cs:create:insights:2026-11-01:2026-11-30 -->")
    assert november["title"] == "Desk insights: November 2026" and november["state"] == "opened"
    assert desk.get(october["iid"])["state"] == "closed"
    labels = set(desk.get(november["iid"])["labels"])

    code, out, _ = desk.sync(now=december)
    assert code == 0, out
    assert set(desk.get(november["iid"])["labels"]) == labels
    assert [n for n in desk.bot_notes(november["iid"]) if COMMENT not in n["body"]] == []


def test_names_from_issues_stay_inert_in_the_posted_report(desk):
    seed_history(desk.store, desk.project_id, NOW)
    start = dt.date(2026, 10, 12)
    desk.store.add_issue(desk.project_id, "Onboarding checklist: odd", author="ana.sa", labels=["Onboarding"],
                         description=f"Customer: Acme @all /close {{{{ 7*7 }}}} | x\nStart date: {start}\n\n"
                                     "- [x] Welcome\n- [ ] Personal introduction\n- [ ] Installation follow-up\n",
                         created_at=dt.datetime(2026, 10, 12, 17, tzinfo=dt.timezone.utc))
    result = desk.run("report", "--post")
    assert result.exit_code == 0, result.output
    [issue] = report_issues(desk)
    [note] = comments(desk, issue["iid"])
    assert "Acme" in note["body"] and "@all" not in note["body"] and "{{ 7*7 }}" not in note["body"]
    assert foreign_quick_actions(desk.store) == [] and desk.store.mass_mentions == []
    assert desk.get(issue["iid"])["state"] == "opened"
    assert not any(line.lstrip().startswith("/") for line in note["body"].splitlines())


def test_a_report_to_date_run_every_day_keeps_one_issue(desk):
    """`--since` alone runs to date: a daily scheduled run updates the one issue of that
    period instead of opening one a day."""
    seed_history(desk.store, desk.project_id, NOW)
    key = "<!-- gl-cs:create:insights:2026-11-01:to-date -->"
    for day in (NOW, NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=2)):
        result = desk.run("report", "--since", "2026-11-01", "--post", now=day)
        assert result.exit_code == 0, result.output
    [issue] = report_issues(desk, key)
    assert issue["state"] == "opened" and "--since 2026-11-01 --post" in issue["description"]
    [note] = comments(desk, issue["iid"])
    assert "Generated Wed 25 Nov 2026" in note["body"]  # the latest run's figures, in place
    assert [i for i in desk.store.issues(desk.project_id) if "gl-cs:create:insights:" in (i["description"] or "")] \
        == [issue]
