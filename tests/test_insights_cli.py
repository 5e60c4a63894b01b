"""`gl-cs report` as a person types it: one-line mistakes with exit 2 before any request, the
formats to a file, a period that is not over yet, GitLab unreachable."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.cli import cli
from gl_cs.sandbox.seed_history import seed_history


@pytest.mark.parametrize("args, line", [
    (("--since", "2026-10-20", "--until", "2026-10-01"), "gl-cs: --since 2026-10-20 is after --until 2026-10-01"),
    (("--until", "31/10/2026"), "gl-cs: --until '31/10/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01"),
    (("--dry-run",), "gl-cs: --dry-run only applies to --post (a report without --post writes nothing to GitLab)"),
])
def test_mistakes_are_one_line_and_exit_2_before_any_request(desk, args, line):
    desk.sandbox.requests.reset()
    result = desk.run("report", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == line
    assert desk.sandbox.requests.total() == 0


def test_each_format_goes_to_a_file(desk, tmp_path):
    seed_history(desk.store, desk.project_id, NOW)
    for fmt in ("csv", "json", "markdown"):
        target = tmp_path / f"report.{fmt}"
        result = desk.run("report", "--format", fmt, "--output", str(target))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""  # the report went to the file
        text = target.read_text()
        if fmt == "csv":
            rows = list(csv.DictReader(text.splitlines()))
            assert rows[0] == {"section": "period", "subject": "", "metric": "first_day", "value": "2026-10-01"}
            assert {r["section"] for r in rows} >= {"flow", "time_to_triage", "expedite", "load", "onboarding"}
        elif fmt == "json":
            assert json.loads(text)["period"]["name"] == "October 2026"
        else:
            assert text.startswith("## Desk insights: October 2026\n")


def test_a_period_not_over_yet_is_reported_to_date(desk):
    seed_history(desk.store, desk.project_id, NOW)
    result = desk.run("report", "--since", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    period = json.loads(result.stdout)["period"]
    assert period["to_date"] is True and period["end"] == "2026-11-23T09:00:00-08:00"
    assert period["last_day"] == "2026-11-23" and period["name"] == "1-23 Nov 2026"
    markdown = desk.run("report", "--since", "2026-11-01")
    assert markdown.stdout.startswith("## Desk insights: 1-23 Nov 2026 (to date)\n")


def test_gitlab_unreachable_is_one_line_and_exit_2():
    argv = ["--gitlab-url", "http://127.0.0.1:9", "--token", TOKEN, "--project", PROJECT, "--config", str(RULES),
            "--now", NOW.isoformat(), "--timeout", "2", "report"]
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 2
    assert "connection refused" in result.stderr and len(result.stderr.strip().splitlines()) == 2  # the clock line too


def test_the_sandbox_as_gl_cs_sandbox_seeds_it_reports_last_month(tmp_path):
    """Every seeded situation at once (the demo's requests, triage, onboarding, a month of
    history): the report reads it all and its JSON follows the schema."""
    import jsonschema

    from gl_cs.insights.export import schema
    from gl_cs.sandbox import Sandbox, Store, seed_service_desk
    from gl_cs.sandbox.seed_onboarding import seed_onboarding
    from gl_cs.sandbox.seed_triage import seed_triage

    store = Store()
    seeded = seed_service_desk(store, NOW, n_issues=30)
    seed_triage(store, seeded["project_id"], NOW, triaged_label="SA Triaged - @chen.sa")
    seed_onboarding(store, seeded["project_id"], NOW)
    history = seed_history(store, seeded["project_id"], NOW)
    with Sandbox(store=store) as sandbox:
        argv = ["--gitlab-url", sandbox.url, "--token", seeded["token"], "--project", seeded["project_path"],
                "--config", str(RULES), "--now", NOW.isoformat(), "report", "--format", "json",
                "--record", str(tmp_path / "record.json")]
        result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema())
    assert {c["iid"] for c in data["onboarding"]["customers"]} == set(history["checklists"])
    # the history's requests were triaged under the label as last Monday's rotation renamed it
    assert data["flow"]["open_at_end"]["triaged"] > 0 and data["time_to_triage"]["count"] >= 10


def test_a_read_that_keeps_failing_stops_the_report_and_posts_nothing(desk):
    seed_history(desk.store, desk.project_id, NOW)
    desk.sandbox.faults.fail_paths = {r"/resource_label_events$": 500}
    result = desk.run("report", "--post")
    assert result.exit_code == 1
    assert "the report stopped; nothing was posted" in result.stderr and "answered 500" in result.stderr
    assert desk.sandbox.requests.writes() == 0
    assert result.stdout == ""
