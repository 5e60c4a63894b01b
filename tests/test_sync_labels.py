"""Fiscal-quarter and Services labels, and a dry run on the seeded demo desk, all through
`gl-cs sync` -> python-gitlab -> HTTP -> sandbox."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import COMPLETE, NOW, RULES, foreign_quick_actions
from gl_cs.cli import cli
from gl_cs.sandbox import Sandbox, Store, seed_service_desk

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
UTC = dt.timezone.utc
TASKS = "Demo of CI/CD and security scanning."
assert TASKS in COMPLETE


def rule_changes(report, rule, iid=None):
    return [c for c in report["changes"] if c["rule"] == rule and (iid is None or c["issue"] == iid)]


# ------------------------------------------------------------------ fiscal quarter


def test_open_issues_get_the_current_quarter_and_old_ones_stay(desk):
    fresh = desk.issue(labels=("SA Backlog", "customer::acme", "Priority::1"))
    older = desk.issue(labels=("SA Backlog", "FY27-Q3"))
    action = desk.issue(labels=("SA Action Items",))
    settled = desk.issue(labels=("SA Backlog", "FY27-Q4"))
    closed = desk.issue(labels=("FY27-Q3",), state="closed", updated_at=NOW - H)
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(fresh) == {"SA Backlog", "customer::acme", "Priority::1", "FY27-Q4"}
    assert desk.labels(older) == {"SA Backlog", "FY27-Q3", "FY27-Q4"}
    assert desk.labels(action) == {"SA Action Items", "FY27-Q4"}
    assert desk.labels(closed) == {"FY27-Q3"}
    changes = rule_changes(report, "fiscal_quarter")
    assert {c["issue"] for c in changes} == {fresh, older, action}
    assert all(c["what"] == "add label 'FY27-Q4'" and "FY27-Q4" in c["why"] for c in changes)
    assert rule_changes(report, "fiscal_quarter", settled) == []
    code, out, report = desk.sync()
    assert report["writes"] == 0 and report["changes"] == []


@pytest.mark.parametrize("now,label", [
    (dt.datetime(2027, 2, 1, 12, 0, tzinfo=UTC), "FY28-Q1"),
    (dt.datetime(2026, 1, 31, 12, 0, tzinfo=UTC), "FY26-Q4"),
    (dt.datetime(2026, 5, 1, 12, 0, tzinfo=UTC), "FY27-Q2"),
    (dt.datetime(2026, 8, 1, 12, 0, tzinfo=UTC), "FY27-Q3"),
    (dt.datetime(2026, 10, 31, 12, 0, tzinfo=UTC), "FY27-Q3"),
    # the team's zone (America/Los_Angeles) decides the day: still 31 Jan / 30 Apr there
    (dt.datetime(2027, 2, 1, 5, 0, tzinfo=UTC), "FY27-Q4"),
    (dt.datetime(2026, 5, 1, 6, 59, tzinfo=UTC), "FY27-Q1"),
    (dt.datetime(2026, 5, 1, 7, 0, tzinfo=UTC), "FY27-Q2"),
])
def test_fiscal_quarter_label_at_pinned_clock(desk, now, label):
    created = now - 30 * D
    iid = desk.issue(labels=("SA Backlog",), created_at=created, updated_at=created,
                     description=COMPLETE.replace("2026-11-26 10:00 America/New_York", "2030-01-10 10:00 UTC"))
    code, out, report = desk.sync(now=now)
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", label}
    assert [c["what"] for c in rule_changes(report, "fiscal_quarter")] == [f"add label '{label}'"]
    assert desk.sync(now=now)[2]["writes"] == 0


@pytest.mark.parametrize("now,label", [
    (NOW, "FY2026-Q4"),
    (dt.datetime(2027, 1, 15, 12, 0, tzinfo=UTC), "FY2027-Q1"),
    (dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC), "FY2026-Q2"),
])
def test_calendar_fiscal_year_and_long_format(desk, rules_with, now, label):
    config = rules_with({"start_month: 2": "start_month: 1",
                         'label_format: "FY{fy2}-Q{q}"': 'label_format: "FY{fy}-Q{q}"'})
    created = now - 30 * D
    iid = desk.issue(labels=("SA Backlog",), created_at=created, updated_at=created,
                     description=COMPLETE.replace("2026-11-26 10:00 America/New_York", "2030-01-10 10:00 UTC"))
    code, out, _ = desk.sync(now=now, config=config)
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", label}
    assert desk.sync(now=now, config=config)[2]["writes"] == 0


# ------------------------------------------------------------------ services

SERVICES_YES = {
    "professional-services": "Outcome mentions professional services for the rollout.",
    "Professional-Services-capitals": "Loop in Professional Services early.",
    "PS-engagement": "Needs a PS engagement after the POC.",
    "phrase-across-a-line-break": "We will need professional\nservices for the migration.",
    "ticked-services-evaluation": "- [x] Services evaluation\n- [ ] Demo",
    "ticked-capital-X": "* [X] Services evaluation",
    "SOW": "The customer asked for a SOW.",
    "statement-of-work": "A statement of work is expected.",
    "spanish": "Demo técnica: quieren servicios profesionales de GitLab para la migración.",
    "french": "Ils veulent des services professionnels pour la migration.",
    "portuguese": "Precisam de serviços profissionais para a migração.",
}
SERVICES_NO = {
    "GPS": "GPS tracking for the delivery fleet.",
    "ps-aux": "Their runner debugging starts with ps aux.",
    "PSA": "They use a PSA tool for time tracking.",
    "unticked-template-box": "- [ ] Services evaluation\n- [x] Demo",
    "unticked-numbered-box": "1. [ ] Services evaluation\n2. [x] Demo",
    "html-comment": "Demo please.\n<!-- e.g. professional services, PS engagement, SOW -->",
    "multi-line-html-comment": "Demo please.\n<!--\nTick Services evaluation if\nprofessional services are needed\n-->",
    "lower-case-sow": "Let us sow the seeds of CI/CD.",
    "services-alone": "Their services run on Kubernetes.",
    "spanish-negated": "No quieren servicios profesionales, lo hacen ellos mismos.",
}


def services_description(tasks: str) -> str:
    return COMPLETE.replace(TASKS, tasks)


@pytest.mark.parametrize("case", list(SERVICES_YES))
def test_services_added_when_the_request_involves_professional_services(desk, case):
    iid = desk.issue(description=services_description(SERVICES_YES[case]),
                     labels=("SA Backlog", "FY27-Q4", "customer::acme", "Priority::1"))
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4", "customer::acme", "Priority::1", "Services"}
    changes = rule_changes(report, "services", iid)
    assert [c["what"] for c in changes] == ["add label 'Services'"] and changes[0]["why"]
    assert desk.bot_notes(iid) == []
    assert desk.sync()[2]["writes"] == 0


@pytest.mark.parametrize("case", list(SERVICES_NO))
def test_services_not_added_for_look_alikes_and_template_leftovers(desk, case):
    iid = desk.issue(description=services_description(SERVICES_NO[case]),
                     labels=("SA Backlog", "FY27-Q4", "customer::acme", "Priority::1"))
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4", "customer::acme", "Priority::1"}
    assert report["changes"] == []


def test_services_in_the_title_counts(desk):
    iid = desk.issue(title="SA + PS: Bitbucket migration scoping")
    code, out, _ = desk.sync()
    assert code == 0, out
    assert "Services" in desk.labels(iid)


def test_a_persons_services_label_stays_and_unmanaged_labels_are_untouched(desk):
    iid = desk.issue(labels=("SA Backlog", "FY27-Q4", "Services", "customer::acme", "Priority::1"),
                     label_events=[("ana.sa", "add", l, NOW - 30 * D)
                                   for l in ("SA Backlog", "FY27-Q4", "Services", "customer::acme", "Priority::1")])
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4", "Services", "customer::acme", "Priority::1"}
    assert report["changes"] == [] and report["writes"] == 0


def test_services_not_added_to_closed_issues(desk):
    iid = desk.issue(description=services_description("Needs professional services."), labels=("FY27-Q4",),
                     state="closed", updated_at=NOW - H)
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"FY27-Q4"}


def test_services_phrases_come_from_rules_yml(desk, rules_with):
    config = rules_with({"phrases: [professional services, PS,": "phrases: [consulting days, PS,"})
    consulting = desk.issue(description=services_description("Ten consulting days after go-live."))
    professional = desk.issue(description=services_description("Needs professional services."))
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert "Services" in desk.labels(consulting) and "Services" not in desk.labels(professional)



def test_services_named_in_the_aes_own_unticked_task_counts(desk):
    iid = desk.issue(description=services_description(
        "- [ ] Joint call with Professional Services to scope the migration\n- [ ] Send the reference architecture"))
    code, out, report = desk.sync()
    assert code == 0, out
    assert rule_changes(report, "intake", iid) == []  # the AE's own tasks fill SA Tasks...
    assert "Services" in desk.labels(iid)  # ...and they say professional services

# ------------------------------------------------------------------ the demo desk

RULES_FIRING = ("workflow.state", "workflow.assignee", "workflow.transitions", "workflow.closed", "intake",
                "expedite", "fiscal_quarter", "services")


def _run(sandbox: Sandbox, tmp: Path, name: str, *args: str) -> tuple[int, str, dict]:
    report = tmp / f"{name}.json"
    argv = ["--gitlab-url", sandbox.url, "--token", "sandbox-token", "--config", str(RULES),
            "--now", "2026-11-23T17:00:00Z", "sync", "--report", str(report), *args]
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    return result.exit_code, result.output, json.loads(report.read_text())


def test_dry_run_then_sync_then_nothing_on_the_seeded_demo_desk(tmp_path):
    store = Store(clock=lambda: NOW)
    info = seed_service_desk(store, NOW)
    # The seed has no request that mentions services without already carrying the label:
    # one more, as an AE would write it, so that every rule has something to do.
    extra = store.add_issue(info["project_id"], "Hooli: GitHub migration",
                            COMPLETE.replace(TASKS, "Scope a professional services engagement."),
                            author="eve.ae", labels=["SA Backlog", "FY27-Q3"], created_at=NOW - 2 * D)["iid"]
    with Sandbox(store=store) as sandbox:
        before = {i["iid"]: (sorted(i["labels"]), i["assignees"]) for i in store.issues(info["project_id"])}
        sandbox.requests.reset()
        code, out, dry = _run(sandbox, tmp_path, "dry", "--dry-run")
        assert code == 0, out
        assert sandbox.requests.writes() == 0 and dry["writes"] == 0 and dry["dry_run"] is True
        assert "dry run, nothing written" in out
        assert {i["iid"]: (sorted(i["labels"]), i["assignees"]) for i in store.issues(info["project_id"])} == before
        for rule in RULES_FIRING:
            assert dry["counts"].get(rule, 0) >= 1, (rule, dry["counts"])
        assert dry["changes"] and all(c["why"].strip() for c in dry["changes"])
        assert all(f"#{c['issue']}" in out and c["rule"] in out for c in dry["changes"])
        assert any(c["issue"] == extra and c["rule"] == "services" for c in dry["changes"])

        code, out, real = _run(sandbox, tmp_path, "real")
        assert code == 0, out
        assert real["writes"] > 0 and real["failures"] == []
        strip = lambda changes: sorted((c["issue"], c["rule"], c["what"], c["why"]) for c in changes)  # noqa: E731
        assert strip(real["changes"]) == strip(dry["changes"])  # the dry run showed exactly what happens
        assert foreign_quick_actions(store) == [] and store.mass_mentions == []

        sandbox.requests.reset()
        code, out, again = _run(sandbox, tmp_path, "again")
        assert code == 0, out
        assert again["writes"] == 0 and again["changes"] == [] and sandbox.requests.writes() == 0


def test_the_standalone_sandbox_shows_every_rule_firing_when_synced_a_little_later(tmp_path):
    """`gl-cs sandbox` seeds with the real clock; a person runs `gl-cs sync` a few minutes
    later: no seeded move has fallen out of `sync.recent_hours` meanwhile."""
    seeded_at = NOW - dt.timedelta(minutes=10)
    store = Store(clock=lambda: seeded_at)
    info = seed_service_desk(store, seeded_at)
    store.add_issue(info["project_id"], "Hooli: GitHub migration",
                    COMPLETE.replace(TASKS, "Scope a professional services engagement."),
                    author="eve.ae", labels=["SA Backlog", "FY27-Q3"], created_at=seeded_at - 2 * D)
    with Sandbox(store=store) as sandbox:
        code, out, dry = _run(sandbox, tmp_path, "later", "--dry-run")  # at NOW: ten minutes on
    assert code == 0, out
    assert [r for r in RULES_FIRING if not dry["counts"].get(r)] == []
