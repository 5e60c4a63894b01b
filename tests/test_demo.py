"""`gl-cs demo` and `gl-cs sandbox`, run as a newcomer would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import requests
from click.testing import CliRunner

from conftest import NOW, RULES
from gl_cs.cli import cli


def test_demo_runs_dry_run_sync_and_a_sync_with_nothing_left():
    result = CliRunner().invoke(cli, ["--config", str(RULES), "--now", NOW.isoformat(), "demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    steps = re.split(r"^\d\. gl-cs sync", out, flags=re.M)
    assert len(steps) == 4, out
    dry, real, again = steps[1], steps[2], steps[3]
    assert "dry run, nothing written" in dry and "(0 API requests" not in dry
    assert re.search(r", 0 writes\)", dry)
    assert re.search(r"\d+ issues checked; [1-9]\d* changes", real)
    assert "0 changes (no changes)" in again and re.search(r"\(\d+ API requests, 0 writes\)", again)
    for rule in ("workflow.state", "workflow.assignee", "workflow.closed", "intake", "expedite",
                 "fiscal_quarter", "services"):
        assert rule in dry, rule
    assert "Quick actions run from what people wrote: 0" in out


def test_demo_shows_two_desks_synced_by_two_shards_and_served_by_one_service():
    result = CliRunner().invoke(cli, ["--config", str(RULES), "--now", NOW.isoformat(), "demo"])
    assert result.exit_code == 0, result.output
    step = result.output.split("10. many desks")[1]
    shards = re.findall(r"gl-cs sync --shard (\d)/2: (\S+): (\d+) issues checked, (\d+) changes?, (\d+) writes?", step)
    assert sorted((s[0], s[1]) for s in shards) == [("1", "sa-team/emea-service-desk"), ("2", "sa-team/sa-service-desk")]
    writes = {desk: int(w) for _, desk, _, _, w in shards}
    assert writes["sa-team/emea-service-desk"] > 0 and writes["sa-team/sa-service-desk"] == 0  # steps 1-3 settled it
    assert step.count("back in 'SA Backlog': yes") == 2 and "journal {'done': 2}" in step


def test_sandbox_command_serves_until_stopped(tmp_path):
    env = dict(os.environ, GL_CS_NOW=NOW.isoformat())
    proc = subprocess.Popen([sys.executable, "-m", "gl_cs", "sandbox", "--port", "0", "--issues", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    try:
        clock = proc.stdout.readline()  # a pinned clock is announced first (on stderr)
        assert "clock pinned to 2026-11-23T17:00:00+00:00 by GL_CS_NOW" in clock, clock
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", first).group(0)
        token = re.search(r"GITLAB_TOKEN=(\S+)", second).group(1)
        user = requests.get(f"{url}/api/v4/user", headers={"PRIVATE-TOKEN": token}, timeout=10)
        assert user.status_code == 200 and user.json()["username"] == "gl-cs-bot"
        issues = requests.get(f"{url}/api/v4/projects/sa-team%2Fsa-service-desk/issues",
                              headers={"PRIVATE-TOKEN": token}, timeout=10)
        assert issues.headers["x-total"] == str(5 + _extra_scenarios())  # the 5 asked for, and triage's and
        # onboarding's situations and last month's history, so every command has something to show
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # SIGTERM stops the sandbox the way the README says (exit 143), not with a traceback
    assert proc.returncode in (-15, 143), proc.returncode


def _demo_output() -> str:
    result = CliRunner().invoke(cli, ["--config", str(RULES), "--now", NOW.isoformat(), "demo"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_demo_groups_lines_by_issue_in_issue_order_with_the_comment_text():
    out = _demo_output()
    dry = re.split(r"^\d\. gl-cs sync", out, flags=re.M)[1]
    headers = [int(m) for m in re.findall(r"^#(\d+)  http://127\.0\.0\.1:\d+/\S+/-/issues/\1$", dry, flags=re.M)]
    assert headers == sorted(headers) and len(headers) >= 10, dry
    # every change line sits indented under its issue's header
    change_lines = [l for l in dry.splitlines() if re.match(r"^    [a-z_.]+ +\S", l)]
    assert len(change_lines) >= 20
    assert not re.search(r"^#\d+\s+[a-z_.]+ +(add|remove|assign|comment)", dry, flags=re.M)  # no flat "#4  rule ..." lines
    # the text of a comment gl-cs posts is shown, indented, without its hidden marker
    assert re.search(r"^    intake +comment to \S+: asks for .*\n        │ @\S+ thanks for the request!", dry, flags=re.M)
    assert "<!-- gl-cs" not in out


def test_demo_says_plainly_which_issues_need_a_person():
    out = _demo_output()
    for step in re.split(r"^\d\. gl-cs sync", out, flags=re.M)[1:]:
        needs = re.search(r"^Needs a person: (.*)$", step, flags=re.M)
        assert needs, step
        iids = re.findall(r"#(\d+)", needs.group(1))
        assert iids and iids == sorted(iids, key=int)
        for iid in iids:
            assert re.search(rf"^#{iid}  .*\n(?:    .*\n)*    needs a person \(", step, flags=re.M), iid


def test_verbosity_flags_after_the_subcommand():
    result = CliRunner().invoke(cli, ["--config", str(RULES), "--now", NOW.isoformat(), "demo", "-q", "--issues", "3"])
    assert result.exit_code == 0, result.output
    quiet = CliRunner().invoke(cli, ["--config", str(RULES), "validate", "-q"])
    assert quiet.exit_code == 0 and "OK" in quiet.output
    loud = CliRunner().invoke(cli, ["--config", str(RULES), "validate", "-vv"])
    assert loud.exit_code == 0


def _extra_scenarios() -> int:
    """How many issues the sandbox adds to the requests asked for (triage, onboarding, a month of history)."""
    import datetime as dt

    from gl_cs.sandbox import Store, seed_service_desk
    from gl_cs.sandbox.seed_history import seed_history
    from gl_cs.sandbox.seed_onboarding import seed_onboarding
    from gl_cs.sandbox.seed_triage import seed_triage

    store = Store()
    now = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)
    seeded = seed_service_desk(store, now, n_issues=0)
    seed_triage(store, seeded["project_id"], now, triaged_label="SA Triaged - @chen.sa")
    seed_onboarding(store, seeded["project_id"], now)
    seed_history(store, seeded["project_id"], now)
    return len(store.issues(seeded["project_id"]))


def test_sandbox_of_several_desks_prints_the_rules_that_name_them(tmp_path):
    env = dict(os.environ, GL_CS_NOW=NOW.isoformat())
    proc = subprocess.Popen([sys.executable, "-m", "gl_cs", "sandbox", "--port", "0", "--issues", "3", "--desks", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    try:
        lines = []
        while not lines or not lines[-1].startswith("Ctrl-C"):
            lines.append(proc.stdout.readline())
            assert lines[-1], "".join(lines)
        text = "".join(lines)
        url = re.search(r"http://127\.0\.0\.1:\d+", text).group(0)
        token = re.search(r"GITLAB_TOKEN=(\S+)", text).group(1)
        snippet = "\n".join(l[4:] for l in text.split("instead of its `project:` line")[1].split("\n")[1:]
                            if l.startswith("    "))
        rules = tmp_path / "rules.yml"
        rules.write_text(RULES.read_text().replace("project: sa-team/sa-service-desk", snippet))
        report = tmp_path / "report.json"
        result = CliRunner().invoke(cli, ["--gitlab-url", url, "--token", token, "--config", str(rules), "--now",
                                          NOW.isoformat(), "sync", "--dry-run", "--record", "", "--report",
                                          str(report)])
        assert result.exit_code == 0, result.output
        desks = [d["project"] for d in json.loads(report.read_text())["desks"]]
        assert desks == ["sa-team/amer-service-desk", "sa-team/emea-service-desk", "sa-team/apac-service-desk"]
        listed = requests.get(f"{url}/api/v4/groups/sa-team/projects", params={"topic": "sa-service-desk"},
                              headers={"PRIVATE-TOKEN": token}, timeout=10).json()
        assert [p["path_with_namespace"] for p in listed] == desks
    finally:
        proc.terminate()
        proc.wait(timeout=10)
