"""A newcomer's first week (issue 18), over real HTTP against the sandbox: `gl-cs init`, the
packaged rules.yml, options after the subcommand, python-gitlab's token places, output a
person can review, the deadline and a GitLab that stops answering, writes confirmed by a
read, the dry run as a type, templates without the installer's instruction, the demo."""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.act.writer import DryWriter, Writer
from gl_cs.cli import cli
from gl_cs.config.load import load_config
from gl_cs.decide.actions import Plan
from gl_cs.gitlab.adapter import GitLab
from gl_cs.sandbox import Sandbox
from test_adapter_http import BASE, gl, issue_body, issue_url, rsps, waits  # noqa: F401

DEFAULT = Path(__file__).resolve().parents[1] / "gl_cs" / "config" / "default_rules.yml"


def invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def seeded():
    """The demo's desk (30 requests), served over HTTP."""
    with Sandbox.with_service_desk(now=NOW) as sandbox:
        yield sandbox


def _sync(sandbox, *args, tmp_path, env=None, token=TOKEN):
    report = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
    result = invoke("--gitlab-url", sandbox.url, "--token", token, "--project", PROJECT, "--config", str(RULES),
                    "--now", NOW.isoformat(), "sync", "--report", str(report), *args, env=env)
    data = json.loads(report.read_text()) if report.exists() else None
    return result, data


# -- 1. gl-cs init, and the packaged rules.yml ---------------------------------------------

def test_init_writes_a_rules_yml_from_the_desks_labels_members_and_templates(desk, tmp_path):
    store, pid = desk.store, desk.project_id
    store.add_label(pid, "SA Triaged - @ana.sa")  # the weekly rename
    store.add_label(pid, "workflow::waiting on AE")
    store.add_user("maya.lead")
    store.add_member(pid, "maya.lead", 40)
    store.add_file(pid, ".gitlab/issue_templates/Bug.md", "## What broke\n")
    target = tmp_path / "desk.yml"
    result = desk.run("init", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text()
    config = load_config(target)  # gl-cs itself accepts what init wrote
    assert config.project == PROJECT
    assert config.roster == ("ana.sa", "ben.sa", "maya.lead")  # Developers and up; AEs (Reporters) left out
    assert config.bots == ("gl-cs-bot",)  # the token's user
    assert [s.label for s in config.states] == ["SA Backlog", "SA Triaged", "SA Doing", "SA Waiting",
                                                  "SA Action Items"]
    assert "# The project's issue templates: Bug." in text
    assert "`gl-cs templates install` adds SA Activity" in text
    assert "roster (3): ana.sa, ben.sa, maya.lead" in result.stdout
    again = desk.run("init", str(target))
    assert again.exit_code == 2 and "never overwrites" in again.stderr
    assert target.read_text() == text
    assert desk.run("init", str(target), "--force").exit_code == 0
    assert desk.sandbox.requests.writes() == 0  # init reads only


def test_init_picks_the_labels_a_desk_uses_and_names_the_ones_it_lacks(tmp_path):
    from gl_cs.config.load import parse_config
    from gl_cs.config.starter import build

    starter = build(project="cs/desk", labels=["Backlog", "workflow::doing", "Bug", "expedite"],
                    members=[("ana.sa", 30), ("eve.ae", 20), ("gl-cs-bot", 30)], templates=["SA Activity"],
                    bot="gl-cs-bot", today=NOW.date())
    config = parse_config(starter.text)
    labels = {s.key: s.label for s in config.states}
    assert labels["backlog"] == "Backlog" and labels["doing"] == "workflow::doing"
    assert labels["waiting"] == "SA Waiting" and "SA Waiting" in starter.missing
    assert config.expedite_label == "expedite"
    assert config.roster == ("ana.sa",) and config.triage.order == ("ana.sa",)
    assert "`gl-cs templates install`" not in starter.text  # SA Activity is there already
    weekly = build(project="cs/desk", labels=["SA Backlog", "SA Triaged - @ana.sa"], members=[], templates=[],
                   bot=None, today=NOW.date())
    assert "label: SA Triaged  # the project's labels start with it" in weekly.text
    assert parse_config(weekly.text).state_of("SA Triaged - @ana.sa").key == "triaged"


def test_the_packaged_rules_yml_is_used_outside_the_repository(tmp_path, monkeypatch, desk):
    monkeypatch.chdir(tmp_path)  # no ./rules.yml here
    monkeypatch.delenv("GL_CS_CONFIG", raising=False)
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert f"gl-cs: rules: {DEFAULT} (the packaged default" in result.stderr
    assert "default_rules.yml: OK" in result.stdout
    desk.issue(labels=("FY27-Q4",))
    sync = invoke("--gitlab-url", desk.sandbox.url, "--token", TOKEN, "--now", NOW.isoformat(), "sync", "--dry-run")
    assert sync.exit_code == 0, sync.output
    assert sync.stderr.count("gl-cs: rules:") == 1 and "1 change (workflow.state: 1)" in sync.stdout
    (tmp_path / "rules.yml").write_text(RULES.read_text())
    found = invoke("validate")
    assert "gl-cs: rules: rules.yml (found in the working directory" in found.stderr


# -- 2. options where users put them -----------------------------------------------------

def test_global_options_are_accepted_after_the_subcommand(desk, tmp_path):
    mine = tmp_path / "my.yml"
    mine.write_text(RULES.read_text())
    result = invoke("validate", "--config", str(mine))
    assert result.exit_code == 0, result.output
    assert f"{mine}: OK" in result.stdout
    iid = desk.issue(labels=("FY27-Q4",))
    sync = invoke("sync", "--dry-run", "--gitlab-url", desk.sandbox.url, "--token", TOKEN, "--project", PROJECT,
                  "--config", str(mine), "--now", NOW.isoformat(), "--timeout", "5", "--deadline", "60")
    assert sync.exit_code == 0, sync.output
    assert f"#{iid}" in sync.stdout and "clock pinned to 2026-11-23T17:00:00+00:00 by --now" in sync.stderr
    after = invoke("--project", "nobody/nothing", "sync", "--project", PROJECT, "--dry-run", "--gitlab-url",
                   desk.sandbox.url, "--token", TOKEN, "--config", str(mine))
    assert after.exit_code == 0, after.output  # the one after the subcommand wins


# -- 3. python-gitlab's token variables and config file ------------------------------------

def _cfg(tmp_path, url: str, token: str, extra: str = "") -> Path:
    path = tmp_path / "python-gitlab.cfg"
    path.write_text(f"[global]\ndefault = desk\n\n[desk]\nurl = {url}\nprivate_token = {token}\n\n"
                    f"[other]\nurl = https://gitlab.other.example\nprivate_token = not-this-one\n{extra}")
    return path


def test_gitlab_private_token_is_honoured(desk):
    desk.issue(labels=("FY27-Q4",))
    result = invoke("--gitlab-url", desk.sandbox.url, "--config", str(RULES), "sync", "--dry-run",
                    env={"GITLAB_PRIVATE_TOKEN": TOKEN, "GITLAB_TOKEN": ""})
    assert result.exit_code == 0, result.output


def test_python_gitlab_cfg_gives_url_and_token(desk, tmp_path):
    desk.issue(labels=("FY27-Q4",))
    cfg = _cfg(tmp_path, desk.sandbox.url, TOKEN)
    env = {"PYTHON_GITLAB_CFG": str(cfg), "GITLAB_URL": "", "GITLAB_TOKEN": "", "CI_SERVER_URL": ""}
    result = invoke("--config", str(RULES), "sync", "--dry-run", env=env)
    assert result.exit_code == 0, result.output
    named = invoke("--config", str(RULES), "--gitlab", "desk", "sync", "--dry-run", env=env)
    assert named.exit_code == 0, named.output
    other = invoke("--config", str(RULES), "sync", "--dry-run", "--gitlab", "other", "--timeout", "1", env=env)
    assert other.exit_code == 2 and "gitlab.other.example" in other.stderr  # that section's URL, not the sandbox
    missing = invoke("--config", str(RULES), "--gitlab", "nope", "sync", "--dry-run", env=env)
    assert missing.exit_code == 2 and "nope" in missing.stderr and "Traceback" not in missing.output


def test_the_user_cfg_in_home_is_read_and_its_token_stays_on_its_host(desk, tmp_path, monkeypatch):
    desk.issue(labels=("FY27-Q4",))
    home = tmp_path / "home"
    home.mkdir()
    (home / ".python-gitlab.cfg").write_text(_cfg(tmp_path, desk.sandbox.url, TOKEN).read_text())
    env = {"HOME": str(home), "PYTHON_GITLAB_CFG": "", "GITLAB_TOKEN": "", "CI_SERVER_URL": "", "GITLAB_URL": ""}
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PYTHON_GITLAB_CFG", raising=False)
    assert invoke("--config", str(RULES), "sync", "--dry-run", env=env).exit_code == 0
    # a URL from elsewhere: the cfg's token is for its own host, so it is not sent
    elsewhere = invoke("--config", str(RULES), "--gitlab-url", "http://127.0.0.1:1", "sync", "--dry-run", env=env)
    assert elsewhere.exit_code == 2 and "missing --token / GITLAB_TOKEN" in elsewhere.stderr


def test_ci_job_token_reads_and_a_write_needs_a_real_token(desk, tmp_path):
    iid = desk.issue(labels=("FY27-Q4",))
    desk.store.add_job_token("job-token-123", "gl-cs-bot")
    env = {"CI_SERVER_URL": desk.sandbox.url, "CI_JOB_TOKEN": "job-token-123", "GITLAB_TOKEN": "",
           "GITLAB_URL": "", "GITLAB_PRIVATE_TOKEN": ""}
    dry = invoke("--config", str(RULES), "--now", NOW.isoformat(), "sync", "--dry-run", env=env)
    assert dry.exit_code == 0, dry.output
    assert "reading with the CI/CD job token (CI_JOB_TOKEN)" in dry.stderr and f"#{iid}" in dry.stdout
    before = desk.sandbox.requests.total()
    real = invoke("--config", str(RULES), "--now", NOW.isoformat(), "sync", env=env)
    assert real.exit_code == 2
    assert "only a CI/CD job token (CI_JOB_TOKEN) was found" in real.stderr and "GITLAB_TOKEN" in real.stderr
    assert desk.sandbox.requests.total() == before and desk.labels(iid) == {"FY27-Q4"}  # nothing asked, nothing written
    rotate = invoke("--config", str(RULES), "rotate", env=env)
    assert rotate.exit_code == 2 and "job tokens can only read" in rotate.stderr
    assert "job-token-123" not in dry.output + real.output


# -- 4. output a person can review, progress, the deadline, GitLab not answering ------------

def test_sync_groups_changes_by_issue_and_shows_comment_text_with_v(desk, tmp_path):
    late = desk.issue(labels=("FY27-Q4",))
    early = desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", NOW)])
    result, _ = _sync(desk.sandbox, "--dry-run", tmp_path=tmp_path)
    out = result.stdout
    headers = re.findall(r"^#(\d+)  http://\S+/-/issues/\d+$", out, flags=re.M)
    assert headers == sorted(headers, key=int) == [str(late), str(early)]
    assert re.search(rf"^#{early}  .*\n    workflow\.assignee +", out, flags=re.M)
    assert "        │ " not in out  # comment texts only with -v
    loud, _ = _sync(desk.sandbox, "--dry-run", "-v", tmp_path=tmp_path)
    assert re.search(r"^        │ @olga\.outsider", loud.stdout, flags=re.M), loud.stdout


def test_counts_use_plain_words_and_plurals(desk, tmp_path):
    desk.issue(labels=("FY27-Q4",))
    result, report = _sync(desk.sandbox, tmp_path=tmp_path)
    assert result.exit_code == 0, result.output
    assert "1 issue checked; 1 change (workflow.state: 1); 0 to look at; 0 failed; 1 write." in result.stdout
    assert report["writes"] == 1
    two = desk.issue(labels=("SA Triaged", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Triaged", NOW)])
    result, report = _sync(desk.sandbox, tmp_path=tmp_path)
    assert report["counts"]["workflow.assignee"] >= 2 and report["writes"] == 1  # one comment carries them
    assert f"({len(report['changes'])} changes in 1 write: a write is one API request that changes GitLab" \
           in result.stdout, (two, result.stdout)
    rotate = desk.run("rotate", "--dry-run")
    assert "issues checked" not in rotate.stdout and "0 issues" not in rotate.stdout


def test_progress_lines_in_a_ci_log(seeded, tmp_path):
    seeded.faults.latency = 0.02
    info = seeded.seed_info
    env = {"GL_CS_PROGRESS_INTERVAL": "0.2"}
    result = invoke("--gitlab-url", seeded.url, "--token", info["token"], "--project", PROJECT, "--config",
                    str(RULES), "--now", NOW.isoformat(), "sync", "--dry-run", env=env)
    assert result.exit_code == 0, result.output
    lines = re.findall(r"^gl-cs: progress: (\d+) of (\d+) issues checked, (\d+) requests?, (\d+) rate-limit "
                       r"waits?, \d+ s$", result.stderr, flags=re.M)
    assert len(lines) >= 2, result.stderr
    done = [int(d) for d, _, _, _ in lines]
    assert done == sorted(done) and int(lines[-1][1]) >= 25 and int(lines[-1][2]) > 0
    assert done[-1] <= int(lines[-1][1])


def test_the_deadline_stops_cleanly_with_a_partial_report(seeded, tmp_path):
    seeded.faults.latency = 0.15
    info = seeded.seed_info
    report = tmp_path / "r.json"
    started = time.monotonic()
    result = invoke("--gitlab-url", seeded.url, "--token", info["token"], "--project", PROJECT, "--config",
                    str(RULES), "--now", NOW.isoformat(), "sync", "--dry-run", "--deadline", "1.5",
                    "--report", str(report))
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text())
    assert data["complete"] is False and "deadline (--deadline 1.5 s) passed" in data["fatal"]
    assert re.search(r"\d+ of \d+ issues were not checked", data["fatal"]), data["fatal"]
    assert 0 < data["issues_seen"] < 30 and elapsed < 1.5 + 2.0
    assert "Traceback" not in result.output


def test_an_unreachable_host_is_retried_only_within_the_timeout():
    url = f"http://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    result = invoke("--gitlab-url", url, "--token", TOKEN, "--project", PROJECT, "--config", str(RULES),
                    "--timeout", "3", "sync", "--dry-run")
    elapsed = time.monotonic() - started
    assert result.exit_code == 2
    assert elapsed < 3.0, elapsed  # was 6.6 s of silent retries
    assert re.search(r"connection refused .*\(\d attempts in \d\.\d s: gl-cs retries a refused connection",
                     result.stderr), result.stderr


def test_a_gitlab_slower_than_the_timeout_stops_the_run_early(desk, tmp_path):
    for _ in range(12):
        desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("ana.sa", "add", "SA Doing", NOW)],
                   updated_at=NOW)
    desk.sandbox.faults.slow_paths = {r"/resource_label_events": 1.5}
    report = tmp_path / "r.json"
    started = time.monotonic()
    result = desk.run("sync", "--dry-run", "--timeout", "0.4", "--report", str(report))
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert "did not answer 3 requests in a row within 0.4 s" in result.stderr
    data = json.loads(report.read_text())
    assert data["complete"] is False and 1 <= data["issues_seen"] < 12
    assert elapsed < 5, elapsed  # 12 issues x 7 attempts x 0.4 s without the early stop


# -- 5. writes confirmed by a read when the answer is not GitLab's JSON ----------------------

def test_writes_a_proxy_answers_with_html_are_confirmed_by_reading(seeded, tmp_path):
    seeded.faults.apply_then_html_rate = 1.0
    info = seeded.seed_info
    report = tmp_path / "r.json"
    result = invoke("--gitlab-url", seeded.url, "--token", info["token"], "--project", PROJECT, "--config",
                    str(RULES), "--now", NOW.isoformat(), "sync", "--report", str(report), "--record", "")
    data = json.loads(report.read_text())
    assert data["failures"] == [] and result.exit_code == 0, result.output
    assert "not a GitLab API" not in result.output
    assert data["writes"] >= 20
    seeded.faults.reset()
    again = invoke("--gitlab-url", seeded.url, "--token", info["token"], "--project", PROJECT, "--config",
                   str(RULES), "--now", NOW.isoformat(), "sync", "--record", "")
    assert again.exit_code == 0 and "0 changes (no changes)" in again.stdout  # every write had landed, once


def test_an_edit_answered_with_an_html_page_is_read_back(rsps, gl):
    rsps.put(issue_url(1), status=200, body="<html><body>Signed in</body></html>", content_type="text/html")
    rsps.get(issue_url(1), status=200, json=issue_body(1, labels=["SA Triaged"]))
    writer = Writer(gl, is_bot=lambda user: False)
    from test_writer_http import issue as an_issue

    outcome = writer.apply(Plan(iid=1, web_url="", add_labels=("SA Triaged",), remove_labels=("SA Backlog",)),
                           an_issue())
    assert outcome.edited and outcome.after.labels == ("SA Triaged",)
    assert [c.request.method for c in rsps.calls] == ["PUT", "GET"] and writer.totals.edits == 1


def test_an_edit_answered_with_html_that_did_not_land_still_fails(rsps, gl):
    from gl_cs.gitlab.adapter import NotGitLabAPI
    from test_writer_http import issue as an_issue

    rsps.put(issue_url(1), status=200, body="<html>Login</html>", content_type="text/html")
    rsps.get(issue_url(1), status=200, json=issue_body(1, labels=["SA Backlog"]))
    with pytest.raises(NotGitLabAPI):
        Writer(gl, is_bot=lambda user: False).apply(
            Plan(iid=1, web_url="", add_labels=("SA Triaged",), remove_labels=("SA Backlog",)), an_issue())


# -- 6. the dry run is a type --------------------------------------------------------------

def test_the_dry_writer_plans_exactly_the_writes_the_writer_makes(seeded, tmp_path, record_file):
    info = seeded.seed_info
    args = ("--gitlab-url", seeded.url, "--token", info["token"], "--project", PROJECT, "--config", str(RULES),
            "--now", NOW.isoformat(), "sync")
    dry = invoke(*args, "--dry-run")
    assert seeded.requests.writes() == 0 and not record_file.exists()  # nothing sent, nothing kept
    planned = int(re.search(r"a real run would make (\d+) writes", dry.stdout).group(1))
    real = invoke(*args)
    made = int(re.search(r"; (\d+) writes\.", real.stdout).group(1))
    assert planned == made == seeded.requests.writes() > 20


def test_only_the_writer_knows_whether_it_writes():
    """The flag becomes a type in one place (act.writer.writer_class); nothing else asks a
    writer whether it is a dry one or branches on the flag (service/ is another issue's; the report
    only says which kind of run it was)."""
    root = Path(__file__).resolve().parents[1] / "gl_cs"
    askers = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.py")
              if not {"service", "report"} & set(p.parts) and p.name != "writer.py"
              for n, line in enumerate(p.read_text().splitlines(), 1)
              if re.search(r"writer\.dry_run|DryWriter|^\s*(el)?if\b.*\bdry_run\b", line)]
    assert askers == []
    assert DryWriter._send is not Writer._send and "execute" not in DryWriter.__dict__


# -- 7. templates install -----------------------------------------------------------------

def test_installed_templates_carry_no_instruction_for_the_installer(desk):
    desk.store.add_user("mia.lead")
    desk.store.add_member(desk.project_id, "mia.lead", 40)
    assert desk.run("templates", "install").exit_code == 0
    for name in ("SA Activity", "Customer Onboarding", "Live Optimization Request"):
        text = desk.store.file(desk.project_id, f".gitlab/issue_templates/{name}.md")
        assert "Copy this file" not in text and "templates install" not in text, name
    assert "gl-cs moves a request with an empty section to SA Waiting" in \
        desk.store.file(desk.project_id, ".gitlab/issue_templates/SA Activity.md")  # the AE's hint stays


# -- 8. the demo ----------------------------------------------------------------------------

def test_demo_help_names_its_nine_steps():
    out = invoke("demo", "--help").stdout
    for n in range(1, 10):
        assert re.search(rf"^\s+{n}\. \S", out, flags=re.M), n


def test_demo_says_what_it_seeds_and_what_its_counts_mean():
    result = invoke("--config", str(RULES), "--now", NOW.isoformat(), "demo", "--issues", "6")
    assert result.exit_code == 0, result.output
    out = result.stdout
    total, asked, extra = map(int, re.search(r"clock \S+: (\d+) issues, the (\d+) SA Activity requests asked for "
                                             r"\(--issues\) and (\d+) triage and onboarding", out).groups())
    assert total == asked + extra and asked == 6
    checked = int(re.search(r"^(\d+) issues checked", out.split("2. gl-cs sync")[0], flags=re.M).group(1))
    assert checked <= total and "closed within sync.closed_lookback_hours" in out
    assert "[safety test] Acme" in out  # the injection title is shown as what it is
    assert re.search(r"Quick actions run from what people wrote: 0 \(.*gl-cs quotes them inert", out)


def test_progress_on_a_terminal_is_a_bar_that_redraws():
    import io

    from gl_cs.report.model import SyncReport
    from gl_cs.report.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    class Counting:
        issues_expected, requests_sent, rate_limit_waits = 40, 17, 1

    screen = Terminal()
    progress = Progress(Counting(), stream=screen, interval=60)
    assert progress.tty
    report = SyncReport(now=NOW, dry_run=True, project=PROJECT)
    progress.created(report)
    report.issues_seen = 10
    progress.tick()
    report.issues_seen = 30
    progress.tick()
    drawn = screen.getvalue()
    assert "\r" in drawn and "17 requests, 1 rate-limit wait" in drawn
    assert "30/40" in drawn and "\n" not in drawn.rstrip("\n")  # redrawn in place, not a line per tick
