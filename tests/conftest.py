"""Shared fixtures: a started GitLab sandbox (always stopped), a small SA Service Desk,
and a helper that runs the real `gl-cs` CLI against it over HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import time

import gitlab.utils
import pytest
from click.testing import CliRunner

from gl_cs.act.writer import is_own_quick_action
from gl_cs.cli import cli
from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.seed import COMPLETE_REQUEST

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules.yml"
REFERENCE = Path(__file__).resolve().parent / "data" / "gitlab_reference"  # copied from shared/gitlab-reference
TOKEN = "test-bot-token"
PROJECT = "sa-team/sa-service-desk"
NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)  # Monday 09:00 in Los Angeles
LONG_AGO = NOW - dt.timedelta(days=30)

# A request with every SA Activity field, an event three days out and nothing that
# triggers the Services rule: the workflow tests start from it.
COMPLETE = COMPLETE_REQUEST


@dataclass
class Desk:
    sandbox: Sandbox
    store: Store
    project_id: int
    config: Path = RULES

    def issue(self, title="Request", description=COMPLETE, author="eve.ae", labels=("SA Backlog", "FY27-Q4"),
              created_at=LONG_AGO, updated_at=LONG_AGO, **kw) -> int:
        kw.setdefault("label_events", [(author, "add", l, created_at) for l in labels])
        issue = self.store.add_issue(self.project_id, title, description=description, author=author,
                                     labels=list(labels), created_at=created_at, updated_at=updated_at, **kw)
        return int(issue["iid"])

    def get(self, iid: int) -> dict:
        return self.store.issue(self.project_id, iid)

    def labels(self, iid: int) -> set[str]:
        return set(self.get(iid)["labels"])

    def notes(self, iid: int) -> list[dict]:
        return self.store.notes(self.project_id, iid)

    def bot_notes(self, iid: int) -> list[dict]:
        """gl-cs's comments (not the system notes GitLab writes for its changes)."""
        return [n for n in self.notes(iid) if n["author"]["username"] == "gl-cs-bot" and not n["system"]]

    def bot_issues(self) -> dict[str, dict]:
        """The issues gl-cs opened, by title."""
        out = {}
        for raw in self.store.query_issues(self.project_id, state="all"):
            issue = self.get(raw["iid"])
            if issue["author"]["username"] == "gl-cs-bot":
                out[issue["title"]] = issue
        return out

    def run(self, *args: str, now: dt.datetime = NOW, config: Path | None = None):
        """Run `gl-cs` in-process, exactly as a person would on the command line."""
        argv = ["--gitlab-url", self.sandbox.url, "--token", TOKEN, "--project", PROJECT,
                "--config", str(config or self.config), "--now", now.isoformat(), *args]
        result = CliRunner().invoke(cli, argv, catch_exceptions=False)
        return result

    def sync(self, *args: str, now: dt.datetime = NOW, config: Path | None = None, tmp: Path | None = None):
        """Run `gl-cs sync` and return (exit code, output, JSON report)."""
        report_file = (tmp or Path(self.sandbox.tmp)) / f"report-{id(args)}-{len(args)}.json"
        result = self.run("sync", "--report", str(report_file), *args, now=now, config=config)
        report = json.loads(report_file.read_text()) if report_file.exists() else None
        return result.exit_code, result.output, report


def foreign_quick_actions(store) -> list:
    """Quick actions GitLab ran that gl-cs did not write itself: text a person wrote
    (a title, a description) that gl-cs echoed in a way GitLab executes. Must stay empty."""
    return [qa for qa in store.executed_quick_actions if not is_own_quick_action(qa[2])]


def make_store(clock_now: dt.datetime = NOW) -> tuple[Store, int]:
    store = Store()
    store.clock = lambda: clock_now
    store.add_user("gl-cs-bot", "gl-cs")
    store.add_token(TOKEN, "gl-cs-bot")
    project = store.add_project(PROJECT, "SA Service Desk")
    pid = int(project["id"])
    store.add_member(pid, "gl-cs-bot", 30)
    for sa in ("ana.sa", "ben.sa"):
        store.add_user(sa)
        store.add_member(pid, sa, 30)
    for ae in ("eve.ae", "finn.ae"):
        store.add_user(ae)
        store.add_member(pid, ae, 20)
    store.add_user("olga.outsider")  # not a member
    for name in ("SA Backlog", "SA Triaged", "SA Doing", "SA Waiting", "SA Action Items", "EXPEDITE",
                 "Services", "FY27-Q4", "customer::acme", "Priority::1"):
        store.add_label(pid, name)
    return store, pid


@pytest.fixture
def desk(tmp_path):
    store, pid = make_store()
    with Sandbox(store=store) as sandbox:
        sandbox.tmp = str(tmp_path)
        yield Desk(sandbox=sandbox, store=store, project_id=pid)


@pytest.fixture
def rules_with(tmp_path):
    """Write a rules.yml variant: rules_with({"on_violation: comment": "on_violation: revert"})."""

    def make(replacements: dict[str, str]) -> Path:
        text = RULES.read_text()
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "rules.yml"
        path.write_text(text)
        return path

    return make


class RecordedSleep:
    """Stands in for the ``time`` module where python-gitlab and gl-cs sleep between
    retries: every wait is recorded (tests can assert on it) and none is slept."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.calls.append(seconds)

    def __getattr__(self, name: str):
        return getattr(time, name)


@pytest.fixture(autouse=True)
def record_file(tmp_path, monkeypatch):
    """Each test keeps gl-cs's record in its own folder (never the working directory)."""
    path = tmp_path / "gl-cs-record.json"
    monkeypatch.setenv("GL_CS_RECORD", str(path))
    return path


@pytest.fixture(autouse=True)
def recorded_sleep(monkeypatch):
    """Back-off waits are recorded, not slept: fault tests run in milliseconds."""
    recorder = RecordedSleep()
    monkeypatch.setattr(gitlab.utils, "time", recorder)
    monkeypatch.setattr("gl_cs.act.writer.time", recorder)
    return recorder
