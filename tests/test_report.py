"""A report even when a run dies (issue 13): the JSON report is written as the run goes,
marked "complete": false until the end, and finished on SIGTERM or an exception."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.cli import cli
from gl_cs.gitlab.adapter import GitLab

ROOT = Path(__file__).resolve().parents[1]


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def test_a_finished_run_is_marked_complete_with_its_clock(desk, tmp_path):
    desk.issue(labels=("FY27-Q4",))
    report = tmp_path / "r.json"
    result = desk.run("sync", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["complete"] is True and data["exit_code"] == 0
    assert data["changes"] and data["changes"][0]["issue"] == 1 and data["writes"] == 1
    assert data["clock"]["pinned"] is True and data["clock"]["now"] == NOW.isoformat()
    assert data["clock"]["source"] == "--now"
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic-write temporary file is gone


def test_the_report_exists_before_the_first_request(desk, tmp_path, monkeypatch):
    """The first report is written at the start: an incomplete one, with nothing done."""
    seen: list = []

    def spy(self):
        seen.append(_read(report))
        raise RuntimeError("stop here")

    report = tmp_path / "r.json"
    monkeypatch.setattr(GitLab, "check_connection", spy)
    with pytest.raises(RuntimeError, match="stop here"):
        desk.run("sync", "--report", str(report))
    assert seen[0]["complete"] is False and seen[0]["project"] == PROJECT and seen[0]["now"] == NOW.isoformat()


def test_an_exception_mid_run_leaves_an_incomplete_report(desk, tmp_path, monkeypatch, caplog):
    for _ in range(4):
        desk.issue(labels=("FY27-Q4",))
    real = GitLab.iter_issues

    def dies_after_two(self, **kw):
        for n, issue in enumerate(real(self, **kw)):
            if n == 2:
                raise RuntimeError(f"boom (token {TOKEN})")
            yield issue

    monkeypatch.setattr(GitLab, "iter_issues", dies_after_two)
    report = tmp_path / "r.json"
    with caplog.at_level("DEBUG", logger="gl_cs"):
        result = desk.run("-vv", "sync", "--report", str(report))
    assert result.exit_code == 1
    assert any("Traceback" in r.getMessage() and "[token]" in r.getMessage() for r in caplog.records)
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    lines = [l for l in result.stderr.splitlines() if "clock pinned" not in l]
    assert len(lines) == 1 and "internal error (RuntimeError: boom" in lines[0] and "after 2 issues" in lines[0]
    data = json.loads(report.read_text())
    assert data["complete"] is False and data["issues_seen"] == 2
    assert [c["issue"] for c in data["changes"]] == [1, 2]
    assert data["writes"] == desk.sandbox.requests.writes() == 2
    assert "RuntimeError" in data["fatal"]
    assert TOKEN not in report.read_text() and TOKEN not in result.output


def _sync_process(desk, report: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "gl_cs", "--gitlab-url", desk.sandbox.url, "--token", TOKEN,
            "--project", PROJECT, "--config", str(RULES), "--now", NOW.isoformat(),
            "sync", "--report", str(report)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB_", "GL_CS_", "CI_SERVER"))}
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _wait_for_progress(proc: subprocess.Popen, report: Path, changes: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = _read(report)
        if data and len(data.get("changes", [])) >= changes:
            return data
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the sync made no progress")


@pytest.fixture
def slow_desk(desk):
    for _ in range(60):
        desk.issue(labels=("FY27-Q4",))  # each gets a workflow label: one write per issue
    desk.sandbox.faults.latency = 0.05
    return desk


def test_sigterm_mid_run_writes_an_incomplete_report(slow_desk, tmp_path):
    report = tmp_path / "r.json"
    proc = _sync_process(slow_desk, report)
    try:
        _wait_for_progress(proc, report, changes=3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, (out, err)
    lines = [l for l in err.splitlines() if "clock pinned" not in l]
    assert len(lines) == 1 and "stopped by SIGTERM" in lines[0], err
    assert "issues checked" not in out  # no summary that reads like success
    data = json.loads(report.read_text())
    assert data["complete"] is False and data["exit_code"] == 143 and "SIGTERM" in data["fatal"]
    assert 3 <= len(data["changes"]) < 60 and data["issues_seen"] >= len(data["changes"])
    writes = slow_desk.sandbox.requests.writes()
    assert data["writes"] <= writes <= data["writes"] + 1  # at most the write in flight is uncounted
    assert TOKEN not in report.read_text()


def test_kill_9_mid_run_leaves_valid_json_marked_incomplete(slow_desk, tmp_path):
    report = tmp_path / "r.json"
    proc = _sync_process(slow_desk, report)
    try:
        first = _wait_for_progress(proc, report, changes=2)
        _wait_for_progress(proc, report, changes=len(first["changes"]) + 1)  # a later rewrite
        proc.kill()
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    data = json.loads(report.read_text())  # never a half-written file
    assert data["complete"] is False and len(data["changes"]) >= 2


def test_a_report_that_cannot_be_rewritten_mid_run_does_not_stop_the_sync(desk, tmp_path):
    from gl_cs.report.live import LiveReport
    from gl_cs.report.model import SyncReport

    path = tmp_path / "r.json"
    live = LiveReport(path, interval=0)
    live.start()
    try:
        path.unlink()
        tmp_path.chmod(0o500)
        if os.access(tmp_path, os.W_OK):  # root: make the path a folder instead
            tmp_path.chmod(0o700)
            path.mkdir()
        report = SyncReport(now=NOW, dry_run=False, project=PROJECT)
        report.add_failure(1, "x")  # flushes; must not raise
    finally:
        tmp_path.chmod(0o700)
        live.stop()


def test_the_sigterm_handler_is_restored_after_a_sync(desk):
    before = signal.getsignal(signal.SIGTERM)
    desk.issue()
    assert desk.run("sync").exit_code == 0
    assert signal.getsignal(signal.SIGTERM) == before
