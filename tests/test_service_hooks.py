"""`gl-cs hooks install`: create the hook, fix it, leave a right one alone, --dry-run.
GitLab's hooks API is mocked with `responses` (the sandbox has no hooks endpoints yet)."""

from __future__ import annotations

import copy
import json

import pytest
import responses
from click.testing import CliRunner

from conftest import PROJECT, RULES
from gl_cs.cli import cli
from gl_cs.commands.service import register
from gl_cs.service.hooks import WANTED, plan_hook

GITLAB = "https://gitlab.example.com"
HOOKS = f"{GITLAB}/api/v4/projects/sa-team%2Fsa-service-desk/hooks"
URL = "https://gl-cs.example.com/webhook"
SECRET = "hook-secret"


@pytest.fixture
def group():
    g = copy.copy(cli)
    g.commands = dict(cli.commands)
    register(g)
    return g


def run(group, *args, secret=SECRET):
    env = {"GL_CS_WEBHOOK_SECRET": secret} if secret else {"GL_CS_WEBHOOK_SECRET": ""}
    return CliRunner().invoke(group, ["--gitlab-url", GITLAB, "--token", "t0ken", "--project", PROJECT,
                                      "--config", str(RULES), "hooks", "install", "--url", URL, *args], env=env)


def existing(**over):
    hook = {"id": 7, "url": URL, **{k: v for k, v in WANTED.items()}, **over}
    return hook


@responses.activate
def test_creates_the_hook_with_the_right_events_and_the_secret(group):
    responses.get(HOOKS, json=[{"id": 3, "url": "https://ci.example.com/hook", "push_events": True}])
    responses.post(HOOKS, json={"id": 8, "url": URL}, status=201)
    out = run(group)
    assert out.exit_code == 0, out.output
    assert "create webhook" in out.output and SECRET not in out.output
    sent = json.loads(responses.calls[1].request.body)
    assert sent["url"] == URL and sent["token"] == SECRET
    assert sent["issues_events"] and sent["note_events"] and sent["confidential_issues_events"] \
        and sent["confidential_note_events"]
    assert sent["push_events"] is False and sent["enable_ssl_verification"] is True


@responses.activate
def test_fixes_a_hook_that_is_wrong(group):
    responses.get(HOOKS, json=[existing(note_events=False, push_events=True)])
    responses.put(f"{HOOKS}/7", json={"id": 7})
    out = run(group)
    assert out.exit_code == 0, out.output
    sent = json.loads(responses.calls[1].request.body)
    assert sent["note_events"] is True and sent["push_events"] is False
    assert "update webhook" in out.output


@responses.activate
def test_does_nothing_when_already_right(group):
    responses.get(HOOKS, json=[existing()])
    out = run(group)
    assert out.exit_code == 0, out.output
    assert "already right" in out.output
    assert len(responses.calls) == 1  # the list, no write


@responses.activate
def test_update_secret_rewrites_the_token_of_a_right_hook(group):
    responses.get(HOOKS, json=[existing()])
    responses.put(f"{HOOKS}/7", json={"id": 7})
    out = run(group, "--update-secret")
    assert out.exit_code == 0, out.output
    assert json.loads(responses.calls[1].request.body)["token"] == SECRET


@responses.activate
def test_dry_run_writes_nothing(group):
    responses.get(HOOKS, json=[])
    out = run(group, "--dry-run")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("would create webhook")
    assert len(responses.calls) == 1


@responses.activate
def test_403_says_which_role_is_needed(group):
    responses.get(HOOKS, json={"message": "403 Forbidden"}, status=403)
    out = run(group)
    assert out.exit_code == 2  # a permission problem, found before any write
    assert "Maintainer" in out.output and "t0ken" not in out.output


def test_refuses_without_a_secret(group):
    out = run(group, secret=None)
    assert out.exit_code == 2 and "GL_CS_WEBHOOK_SECRET" in out.output


def test_plan_matches_urls_without_a_trailing_slash():
    assert plan_hook([existing(url=URL + "/")], URL).action == "none"
