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
