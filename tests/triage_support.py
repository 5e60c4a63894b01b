"""Helpers of the tests/test_triage_*.py modules."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from conftest import COMPLETE, NOW, PROJECT, RULES, TOKEN
from gl_cs.cli import cli

DATES_LINE = "2026-11-26 10:00 America/New_York"
assert DATES_LINE in COMPLETE


def run(desk, *args: str, now: dt.datetime = NOW, config=None):
    argv = ["--gitlab-url", desk.sandbox.url, "--token", TOKEN, "--project", PROJECT,
            "--config", str(config or RULES), "--now", now.isoformat(), *args]
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def with_dates(text: str) -> str:
    return COMPLETE.replace(DATES_LINE, text)


def add_sas(desk, *names: str) -> None:
    for name in names or ("chen.sa", "dara.sa"):
        desk.store.add_user(name)
        desk.store.add_member(desk.project_id, name, 30)
