"""The mistakes a person makes on the command line, each answered by one clear line and
the right exit code, for every command (found by trying gl-cs as a new user)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from conftest import PROJECT, RULES, TOKEN
from gl_cs.cli import cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, env=None):
    return CliRunner().invoke(cli, ["--config", str(RULES), *args], env=env or {}, catch_exceptions=False)


@pytest.mark.parametrize("command", [["rotate", "--dry-run"], ["summary", "--print"], ["sync", "--dry-run"],
                                     ["templates", "install", "--dry-run"]], ids=" ".join)
def test_an_unreachable_gitlab_is_one_line_and_exit_2_for_every_command(command):
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    result = run("--gitlab-url", url, "--token", TOKEN, "--project", PROJECT, "--timeout", "2", *command)
    assert result.exit_code == 2, result.output
    assert url in result.stderr and "Traceback" not in result.output
    assert "rotation" not in result.stderr  # never blamed on rules.yml


def test_a_url_ending_in_api_v4_says_to_drop_it(desk):
    result = run("--gitlab-url", desk.sandbox.url + "/api/v4", "--token", TOKEN, "--project", PROJECT,
                 "sync", "--dry-run")
    assert result.exit_code == 2 and "without /api/v4" in result.stderr


@pytest.mark.parametrize("iid", ["0", "-5"])
def test_an_issue_number_must_be_positive(iid):
    result = run("--gitlab-url", "http://127.0.0.1:1", "--token", TOKEN, "sync", "--issue", iid)
    assert result.exit_code == 2 and "--issue" in result.output


@pytest.mark.parametrize("url", ["not-a-url", "ftp://x/webhook"])
def test_hooks_install_refuses_a_url_that_is_not_http(url):
    result = run("--gitlab-url", "http://127.0.0.1:1", "--token", TOKEN, "hooks", "install", "--url", url,
                 "--dry-run", env={"GL_CS_WEBHOOK_SECRET": "s3cret-value"})
    assert result.exit_code == 2 and "is not an http(s) URL" in result.stderr


@pytest.mark.parametrize("command", [["rotate", "-v", "--help"], ["summary", "-q", "--help"],
                                     ["templates", "install", "-v", "--help"], ["serve", "-v", "--help"],
                                     ["hooks", "install", "-q", "--help"]], ids=" ".join)
def test_verbosity_is_accepted_after_every_subcommand(command):
    assert run(*command).exit_code == 0


def test_serve_on_a_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("--gitlab-url", "http://127.0.0.1:1", "--token", TOKEN, "--project", PROJECT, "serve",
                     "--port", str(port), "--journal", str(tmp_path / "j.db"),
                     env={"GL_CS_WEBHOOK_SECRET": "s3cret-value"})
    assert result.exit_code == 2, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.output
    assert "s3cret-value" not in result.output
