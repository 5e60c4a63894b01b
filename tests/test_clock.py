"""Clock sanity (issue 13): a pinned clock is announced at the start and kept in the
report; a clock left on by mistake is refused before any request unless forced."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import NOW
from gl_cs.cli import check_clock, parse_now

REAL = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _lines(result) -> list[str]:
    return result.stderr.splitlines()


def test_pinned_clock_is_printed_first_on_stderr_and_kept_in_the_report(desk, tmp_path):
    desk.issue()
    report = tmp_path / "r.json"
    result = desk.run("sync", "--dry-run", "--report", str(report))
    assert result.exit_code == 0, result.output
    first = _lines(result)[0]
    assert first.startswith(f"gl-cs: clock pinned to {NOW.isoformat()} by --now (real clock ")
    assert "clock pinned" not in result.stdout
    assert json.loads(report.read_text())["clock"]["pinned"] is True


def test_unpinned_clock_prints_nothing_and_says_so_in_the_report(desk, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from conftest import PROJECT, RULES, TOKEN
    from gl_cs.cli import cli

    monkeypatch.delenv("GL_CS_NOW", raising=False)
    report = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["--gitlab-url", desk.sandbox.url, "--token", TOKEN, "--project", PROJECT,
                                      "--config", str(RULES), "sync", "--dry-run", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "clock" not in result.stderr
    clock = json.loads(report.read_text())["clock"]
    assert clock["pinned"] is False and clock["source"] is None


@pytest.mark.parametrize("value, why", [
    pytest.param("1999-12-31T23:59:59Z", "before 2000", id="before 2000"),
    pytest.param((REAL + dt.timedelta(days=400)).isoformat(), "more than a year", id="400 days ahead"),
    pytest.param((REAL - dt.timedelta(days=400)).isoformat(), "more than a year", id="400 days back"),
    pytest.param((REAL + dt.timedelta(days=300)).isoformat(), None, id="300 days ahead"),
    pytest.param((REAL - dt.timedelta(days=300)).isoformat(), None, id="300 days back"),
])
def test_sane_window(value, why):
    problem = check_clock(parse_now(value), value, force=False)
    if why is None:
        assert problem is None
    else:
        assert why in problem and "--force-clock" in problem and value in problem
        assert check_clock(parse_now(value), value, force=True) is None


def test_a_clock_from_before_2000_is_refused_before_any_request(desk):
    desk.issue()
    desk.sandbox.requests.reset()
    result = desk.run("sync", now=dt.datetime(1999, 10, 1, tzinfo=dt.timezone.utc))
    assert result.exit_code == 2
    lines = _lines(result)
    assert len(lines) == 1 and "before 2000" in lines[0] and "GL_CS_FORCE_CLOCK=1" in lines[0]
    assert desk.sandbox.requests.total() == 0


def test_gl_cs_now_left_on_in_ci_is_refused(desk):
    from click.testing import CliRunner

    from conftest import PROJECT, RULES, TOKEN
    from gl_cs.cli import cli

    env = {"GL_CS_NOW": "2020-11-01T00:00:00Z", "GITLAB_URL": desk.sandbox.url, "GITLAB_TOKEN": TOKEN,
           "GL_CS_PROJECT": PROJECT, "GL_CS_CONFIG": str(RULES)}
    result = CliRunner().invoke(cli, ["sync"], env=env)
    assert result.exit_code == 2 and "more than a year from the real clock" in result.stderr
    forced = CliRunner().invoke(cli, ["sync", "--dry-run"], env={**env, "GL_CS_FORCE_CLOCK": "1"})
    assert forced.exit_code == 0, forced.output
    assert "clock pinned to 2020-11-01T00:00:00+00:00 by GL_CS_NOW" in forced.stderr


def test_force_clock_flag(desk):
    desk.issue()
    result = desk.run("--force-clock", "sync", "--dry-run", now=dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00-01:00", "0001-01-01T00:00:00+01:00",
                                   "9999-12-31T23:00:00-05:00"])
@pytest.mark.parametrize("force", [False, True])
def test_a_clock_gl_cs_cannot_compute_with_is_a_clear_error(desk, value, force):
    from click.testing import CliRunner

    from conftest import PROJECT, RULES, TOKEN
    from gl_cs.cli import cli

    argv = ["--gitlab-url", desk.sandbox.url, "--token", TOKEN, "--project", PROJECT, "--config", str(RULES),
            "--now", value, *(["--force-clock"] if force else []), "sync"]
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "OverflowError" not in result.output
    assert "--now" in result.stderr and ("calendar" in result.stderr or "before 2000" in result.stderr)
    assert desk.sandbox.requests.total() == 0
