"""The command line: help, version, environment, exit codes, and the token never shown."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs import __version__
from gl_cs.cli import cli


def test_help_and_version():
    runner = CliRunner()
    out = runner.invoke(cli, ["--help"]).output
    for word in ("sync", "validate", "demo", "sandbox", "GITLAB_URL", "CI_SERVER_URL", "GITLAB_TOKEN",
                 "GL_CS_CONFIG", "GL_CS_PROJECT", "GL_CS_NOW"):
        assert word in out
    assert __version__ in runner.invoke(cli, ["--version"]).output


def test_sync_without_gitlab_is_a_usage_error():
    result = CliRunner().invoke(cli, ["--config", str(RULES), "sync"], env={"GITLAB_URL": "", "GITLAB_TOKEN": "",
                                                                             "CI_SERVER_URL": ""})
    assert result.exit_code == 2
    assert "missing --gitlab-url" in result.output


def test_bad_now_is_a_usage_error():
    result = CliRunner().invoke(cli, ["--config", str(RULES), "--now", "next tuesday", "sync"])
    assert result.exit_code == 2 and "ISO 8601" in result.output


def test_environment_variables_and_ci_server_url_fallback(desk, tmp_path):
    desk.issue(labels=("FY27-Q4",))
    report = tmp_path / "r.json"
    env = {"CI_SERVER_URL": desk.sandbox.url, "GITLAB_TOKEN": TOKEN, "GL_CS_PROJECT": PROJECT,
           "GL_CS_CONFIG": str(RULES), "GL_CS_NOW": NOW.isoformat()}
    result = CliRunner().invoke(cli, ["sync", "--dry-run", "--report", str(report)], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["now"] == NOW.isoformat() and data["counts"] == {"workflow.state": 1}


def test_wrong_token_is_a_configuration_error_and_never_printed(desk):
    secret = "super-secret-value-123"
    result = CliRunner().invoke(cli, ["--gitlab-url", desk.sandbox.url, "--token", secret, "--config", str(RULES),
                                      "--project", PROJECT, "-vv", "sync"])
    assert result.exit_code == 2
    assert "401" in result.output
    assert secret not in result.output


def test_unknown_project_is_a_configuration_error(desk):
    result = CliRunner().invoke(cli, ["--gitlab-url", desk.sandbox.url, "--token", TOKEN, "--config", str(RULES),
                                      "--project", "nobody/nothing", "sync"])
    assert result.exit_code == 2 and "404" in result.output


def test_token_never_appears_in_output_or_report(desk, tmp_path):
    desk.issue(labels=("SA Doing",), label_events=[("olga.outsider", "add", "SA Doing", NOW)])
    report = tmp_path / "r.json"
    result = desk.run("-vv", "sync", "--report", str(report))
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and TOKEN not in report.read_text()


def test_verbose_after_the_subcommand_is_accepted(desk):
    import logging

    desk.issue(labels=("FY27-Q4",))
    assert desk.run("sync", "--dry-run").exit_code == 0
    assert logging.getLogger("gl_cs").level == logging.WARNING
    result = desk.run("sync", "-v", "--dry-run")
    assert result.exit_code == 0, result.output
    assert logging.getLogger("gl_cs").level == logging.INFO
    assert desk.run("-v", "sync", "-v", "--dry-run").exit_code == 0
    assert logging.getLogger("gl_cs").level == logging.DEBUG


def test_quiet_after_the_subcommand_hides_the_change_lines(desk):
    desk.issue(labels=("FY27-Q4",))
    result = desk.run("sync", "-q", "--dry-run")
    assert result.exit_code == 0
    assert not re.search(r"^#1\s", result.stdout, flags=re.M) and "1 issue checked; 1 change " in result.stdout


def test_token_never_appears_on_the_new_failure_paths(desk, tmp_path, monkeypatch):
    """Preflight refusals, a crash mid-run: stderr and the report carry no token."""
    from gl_cs.gitlab.adapter import GitLab

    desk.issue(labels=("FY27-Q4",))
    report = tmp_path / "r.json"
    monkeypatch.setattr(GitLab, "token_scopes", lambda self: [f"read_api {TOKEN}"])
    result = desk.run("-vv", "sync", "--report", str(report))
    assert result.exit_code == 2
    assert TOKEN not in result.output and TOKEN not in report.read_text()
    data = json.loads(report.read_text())
    assert data["complete"] is False and data["writes"] == 0 and "[token]" in data["fatal"]
