"""The project's own `.gitlab-ci.yml` jobs, run as GitLab runs them, against the sandbox.

What survives between runs (the record in the job cache) is only worth what a real
pipeline keeps of it. So here every run is a separate scheduled pipeline, run by
gitlab-ci-local (an npm tool that runs `.gitlab-ci.yml` jobs on this machine with GitLab's
rules, variables, `before_script`, cache and artifact semantics; `--shell-isolation`
gives each job a fresh copy of the repository and restores the cache into it, as a
runner does). Each job is a new `gl-cs` process with its own random hash seed, installed
by the job's own `pip install` line. Why gitlab-ci-local and not a hand-made runner: it
reads the very file GitLab reads (a job renamed, a cache key or a rule changed in
`.gitlab-ci.yml` is what is tested), and its cache handling is GitLab's, not ours.

The desk: the sandbox seeded with 1,000 requests plus the triage situations (`gl-cs
sandbox`'s seed), on 127.0.0.1, in this process. Request counts come from the sandbox's
own counters and must equal what gl-cs reports.

Needs Node.js (`npm ci --prefix tests/ci`) and rsync; `.ci/run` installs both and sets
GL_CS_REQUIRE_CI_LOCAL=1, so in CI these tests fail rather than skip.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gitlab
import pytest

from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.seed import seed_service_desk
from gl_cs.sandbox.seed_onboarding import seed_onboarding
from gl_cs.sandbox.seed_triage import seed_triage

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GCL = HERE / "node_modules" / ".bin" / "gitlab-ci-local"
N = 1000
# Monday 23 Nov 2026, 07:00 in Los Angeles: before the 09:30 triage call
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone.utc)
EVENTS = ("GET", "/projects/:id/issues/:iid/resource_label_events")
NOTES = ("GET", "/projects/:id/issues/:iid/notes")

REQUIRED = os.environ.get("GL_CS_REQUIRE_CI_LOCAL") == "1"


def _missing() -> str | None:
    if not GCL.exists():
        return "gitlab-ci-local is not installed (npm ci --prefix tests/ci)"
    if shutil.which("rsync") is None:
        return "rsync is not installed (gitlab-ci-local's --shell-isolation needs it)"
    if shutil.which("git") is None:
        return "git is not installed"
    return None


@pytest.fixture(scope="module")
def tools():
    why = _missing()
    if why and REQUIRED:
        pytest.fail(f"GL_CS_REQUIRE_CI_LOCAL=1 but {why}")
    if why:
        pytest.skip(why)


def _copy_of_the_checkout(dest: Path, replace: dict[str, str] | None = None) -> Path:
    """The working tree as a fresh one-commit repository (what the runner checks out):
    tracked and new files, nothing git ignores, so uncommitted edits are tested too;
    ``replace``: files whose text is another (a team's own .gitlab-ci.yml and rules.yml)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file() and "node_modules" not in Path(name).parts:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    for name, text in (replace or {}).items():
        (dest / name).write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=dest, check=True)
    subprocess.run(git + ["add", "-A"], cwd=dest, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "the checkout under test"], cwd=dest, check=True)
    # where GitLab would have it: CI_SERVER_FQDN and CI_PROJECT_PATH come from here, so the
    # project's `include: component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/gl-cs@$CI_COMMIT_SHA` names this
    # very checkout, which gitlab-ci-local (as GitLab) reads the component from
    subprocess.run(git + ["remote", "add", "origin", "https://gitlab.example.com/sa-team/gl-cs.git"], cwd=dest,
                   check=True)
    return dest


def _job_python(dest: Path) -> Path:
    """The runner image's Python (python:3.11-slim in .gitlab-ci.yml): a bare venv; the
    job's own `pip install -c constraints.txt .` installs gl-cs into it."""
    subprocess.run([sys.executable, "-m", "venv", str(dest)], check=True)
    return dest / "bin"


def _runner_environment(bin_dir: Path) -> dict[str, str]:
    """What a runner's shell has: a PATH (the job's Python first), a home, a locale, and
    pip's own settings; nothing of this test process (the suite's GL_CS_RECORD, GITLAB_*,
    PYTHONHASHSEED or virtualenv would change what the job does)."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
            "https_proxy", "no_proxy", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE",
            "PIP_NO_INDEX", "PIP_CERT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    return env


class Pipelines:
    """Scheduled pipelines of one project, one after the other, sharing GitLab's cache."""

    def __init__(self, repo: Path, bin_dir: Path, sandbox: Sandbox, seed: dict):
        self.repo, self.bin_dir, self.sandbox, self.seed = repo, bin_dir, sandbox, seed
        self.seeds = iter(range(11, 1000, 17))

    def run(self, job: str, now: dt.datetime) -> dict:
        """One scheduled pipeline with GL_CS_JOB=job, its component job (``gl-cs-<job>``, one
        shard: ``parallel: 1``); returns gl-cs's report (the job's artifact), with the
        sandbox's count of the requests the job made."""
        report = self.repo / "gl-cs-report-1.json"
        report.unlink(missing_ok=True)
        variables = {
            "CI_PIPELINE_SOURCE": "schedule", "GL_CS_JOB": job, "GITLAB_URL": self.sandbox.url,
            "GITLAB_TOKEN": self.seed["token"], "GL_CS_NOW": now.isoformat(), "PYTHONHASHSEED": str(next(self.seeds)),
        }
        argv = [str(GCL), "--force-shell-executor", "--shell-isolation", "--no-color", "--json-schema-validation"]
        for key, value in variables.items():
            argv += ["--variable", f"{key}={value}"]
        env = _runner_environment(self.bin_dir)
        self.sandbox.requests.reset()
        done = subprocess.run(argv + [f"gl-cs-{job}"], cwd=self.repo, env=env, capture_output=True, text=True,
                              timeout=600)
        log = done.stdout + done.stderr
        assert self.seed["token"] not in log, "the token was printed in the job log"
        assert done.returncode == 0 and report.exists(), log[-4000:]
        data = json.loads(report.read_text())
        data["_counted"] = self.sandbox.requests.total()
        data["_log"] = log
        return data


@pytest.fixture(scope="module")
def pipelines(tools, tmp_path_factory):
    store = Store()
    store.clock = lambda: NOW
    seed = seed_service_desk(store, NOW, n_issues=N)
    seed_triage(store, seed["project_id"], NOW, triaged_label="SA Triaged - @chen.sa")
    seed_onboarding(store, seed["project_id"], NOW)
    base = tmp_path_factory.mktemp("pipelines")
    repo = _copy_of_the_checkout(base / "project")
    bin_dir = _job_python(base / "runner")
    with Sandbox(store=store) as sandbox:
        yield Pipelines(repo, bin_dir, sandbox, seed), store, seed


def _open(store, seed) -> int:
    return sum(1 for i in store.issues(seed["project_id"]) if i["state"] == "opened")


def test_scheduled_syncs_keep_their_savings_from_one_pipeline_to_the_next(pipelines):
    run, store, seed = pipelines
    n_open = _open(store, seed)
    settled = math.ceil(n_open / 100) + 3  # the open list pages, the recently closed page, user and labels

    first = run.run("sync", NOW)
    assert first["requests"] == first["_counted"]  # what gl-cs reports is what GitLab saw
    assert first["writes"] > 0.9 * n_open  # the first sync of a quarter edits nearly every issue
    assert first["descriptions_read"] > 0.9 * n_open

    # the next two pipelines: new processes, other hash seeds, the record restored from the cache
    opened = sum(1 for c in first["changes"] if c["what"].startswith("open issue"))
    for n in range(2):
        again = run.run("sync", NOW)
        assert again["writes"] == 0 and again["changes"] == [], again["changes"][:3]
        assert again["_counted"] == again["requests"] <= settled, (again["requests"], settled)
        # nothing was edited: nothing is parsed again, but for the issues the first sync opened
        # (new to the sweep, read once by the next run)
        assert again["descriptions_read"] == (opened if n == 0 else 0), again["descriptions_read"]
        assert "starting afresh" not in again["_log"]


def test_a_day_later_each_change_costs_one_write(pipelines):
    """Runs on the desk the test above settled: 25 hours on, events have come closer or
    passed; the record (restored from the cache) answers every history question."""
    run, store, seed = pipelines
    n_open = _open(store, seed)
    later = run.run("sync", NOW + dt.timedelta(hours=25))
    changed = {c["issue"] for c in later["changes"]}
    assert changed and later["writes"] == len(changed)
    counts = run.sandbox.requests
    assert counts.get(*EVENTS) == 0 and counts.get(*NOTES) == 0, counts
    verify = math.ceil(counts.get("POST", "/projects/:id/issues/:iid/notes") / 100)  # the race check
    preflight = 2  # the token's scopes and role, before the first write
    assert later["_counted"] <= math.ceil(n_open / 100) + 3 + len(changed) + verify + preflight
    assert later["descriptions_read"] == 0  # time passed; no text changed

    settled = run.run("sync", NOW + dt.timedelta(hours=25, minutes=30))
    assert settled["changes"] == [] and settled["_counted"] <= math.ceil(n_open / 100) + 3


def test_a_persons_move_between_two_pipelines_costs_one_history_read_and_one_write(pipelines):
    run, store, seed = pipelines
    pid = seed["project_id"]
    target = next(i for i in store.issues(pid) if i["state"] == "opened"
                  and "SA Backlog" in i["labels"] and not i["assignees"])
    ae = seed["ae_usernames"][0]
    gl = gitlab.Gitlab(run.sandbox.url, private_token=seed["tokens"][ae])
    issue = gl.projects.get(pid, lazy=True).issues.get(target["iid"])
    issue.labels = [l for l in issue.labels if l != "SA Backlog"] + ["SA Doing"]  # Backlog straight to Doing
    issue.save()

    report = run.run("sync", NOW + dt.timedelta(hours=26))
    assert {c["issue"] for c in report["changes"]} == {target["iid"]}
    assert run.sandbox.requests.get(*EVENTS) == 1 and run.sandbox.requests.writes() == 1
    assert report["descriptions_read"] == 0  # a label moved; the text did not
    assert "SA Doing" not in store.issue(pid, target["iid"])["labels"]


def test_the_summary_before_a_triage_call_and_the_rotation(pipelines):
    """Monday before the 09:30 call: the `summary` job posts the call's summary once; the
    `rotate` job names the week's Triage SA; run again, neither writes."""
    run, store, seed = pipelines
    pid = seed["project_id"]
    monday = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.timezone.utc)  # 07:00 in Los Angeles

    rotated = run.run("rotate", monday)
    assert rotated["writes"] == 1  # one label rename
    names = {l["name"] for l in store.labels(pid)}
    assert "SA Triaged - @ana.sa" in names and "SA Triaged - @chen.sa" not in names
    assert run.run("rotate", monday)["writes"] == 0

    summary = run.run("summary", monday)
    posted = [c["what"] for c in summary["changes"] if c["rule"] == "triage.summary"]
    # the week's triage issue opened, and the call's summary comment on it
    assert len(posted) == 2 and posted[0].startswith("open issue 'Triage 2026-W49"), posted
    assert "comment 'call-2026-11-30'" in posted[1], posted
    # the same job again at the same time (a retried pipeline): nothing to change. (Later it
    # updates the comment in place: "Last updated" and "in 1 h" move with the clock.)
    again = run.run("summary", monday)
    assert [c for c in again["changes"] if c["rule"] == "triage.summary"] == []
    assert again["writes"] == 0


# -- a team's bot project: three desks from the component, as the README sets it up ----------------

README = ROOT / "README.md"
LOCAL_COMPONENT = "component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/gl-cs@$CI_COMMIT_SHA"


def readme_team_setup() -> tuple[str, str]:
    """The README's `.gitlab-ci.yml` and rules.yml lines for three desks ("Many desks")."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Many desks: one rules.yml, one pipeline"):]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return blocks[0], blocks[1]


def test_the_readme_three_desk_ci_file_is_short_and_includes_the_component_by_version():
    ci, rules = readme_team_setup()
    assert len(ci.strip().splitlines()) < 20
    assert re.search(r"component: \$CI_SERVER_FQDN/\S+/gl-cs@\d+\.\d+\.\d+", ci)
    assert "parallel: 3" in ci and len(re.search(r"projects: \[(.*)\]", rules).group(1).split(",")) == 3


@pytest.fixture(scope="module")
def team(tools, tmp_path_factory):
    """A sandbox of three desks (EMEA with its own roster, time zone and calls), and the
    team's bot project: the README's .gitlab-ci.yml and rules.yml. Two things are not the
    README's, and only these: the component is included from this checkout, at its commit
    (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/gl-cs@$CI_COMMIT_SHA`, GitLab's way of testing a
    component in its own project, which gitlab-ci-local resolves the same way), and `install`
    installs gl-cs from this checkout, since the release the README names is not published."""
    from gl_cs.sandbox.seed_desks import seed_desks

    ci, rules = readme_team_setup()
    store = Store()
    store.clock = lambda: NOW
    info = seed_desks(store, NOW, desks=3, n_issues=60)
    base = tmp_path_factory.mktemp("team")
    repo = base / "bot-project"
    repo.mkdir()
    ci = re.sub(r"component: \S+", lambda _: LOCAL_COMPONENT, ci)
    ci = re.sub(r"install: \S+", "install: -c constraints.txt .", ci)
    rules_text = (ROOT / "rules.yml").read_text().replace("project: sa-team/sa-service-desk", rules.rstrip("\n"))
    repo_files = {".gitlab-ci.yml": ci, "rules.yml": rules_text}
    repo = _copy_of_the_checkout(repo, replace=repo_files)
    bin_dir = _job_python(base / "runner")
    with Sandbox(store=store) as sandbox:
        yield repo, bin_dir, sandbox, info


def _pipeline(repo: Path, bin_dir: Path, sandbox: Sandbox, info: dict, job: str, now: dt.datetime, seed: int):
    """One scheduled pipeline (every job its rules let in, as GitLab creates it), one job at a
    time (they share the runner's Python here; a runner gives each its own container)."""
    for old in repo.glob("gl-cs-report*.json"):
        old.unlink()
    variables = {"CI_PIPELINE_SOURCE": "schedule", "GL_CS_JOB": job, "GITLAB_URL": sandbox.url,
                 "GITLAB_TOKEN": info["token"], "GL_CS_NOW": now.isoformat(), "PYTHONHASHSEED": str(seed)}
    argv = [str(GCL), "--force-shell-executor", "--shell-isolation", "--no-color", "--json-schema-validation",
            "--concurrency", "1"]
    for key, value in variables.items():
        argv += ["--variable", f"{key}={value}"]
    sandbox.requests.reset()
    done = subprocess.run(argv, cwd=repo, env=_runner_environment(bin_dir), capture_output=True, text=True,
                          timeout=900)
    log = done.stdout + done.stderr
    assert info["token"] not in log, "the token was printed in the job log"
    assert done.returncode == 0, log[-5000:]
    shards = {int(p.stem.rsplit("-", 1)[1]): json.loads(p.read_text()) for p in repo.glob("gl-cs-report-*.json")}
    merged = json.loads((repo / "gl-cs-report.json").read_text())
    return merged, shards, log


def test_three_desks_from_the_component_three_shards_one_merged_report_and_records_kept(team):
    repo, bin_dir, sandbox, info = team
    paths = [d["project_path"] for d in info["desks"]]
    merged, shards, log = _pipeline(repo, bin_dir, sandbox, info, "sync", NOW, 7)
    assert sorted(shards) == [1, 2, 3] and [s["shard"] for _, s in sorted(shards.items())] == ["1/3", "2/3", "3/3"]
    assert sorted(d["path"] or d["project"] for d in merged["desks"]) == sorted(paths)  # each desk once
    assert merged["overlaps"] == [] and merged["desks_total"] == 3 and merged["exit_code"] == 0
    assert merged["writes"] == sum(s["writes"] for s in shards.values()) > 0
    assert merged["requests"] == sandbox.requests.total()  # what gl-cs says is what GitLab saw
    emea = next(d for d in merged["desks"] if d["project"].startswith("sa-team/emea"))
    assert emea["report"]["writes"] > 0
    # a cache per shard (the unit of work), holding a record file per desk: its shard's desks only
    for index, shard in shards.items():
        cached = repo / ".gitlab-ci-local" / "cache" / f"gl-cs-record-shard-{index}" / ".gl-cs"
        expected = {f"record-{d['desk'].replace('/', '%2F')}.json" for d in shard["desks"]}
        assert {f.name for f in cached.glob("record*.json")} == expected, (index, list(cached.iterdir()))
    # the next pipeline: new processes, other hash seeds, each shard's cache restored: nothing to
    # write, and nothing parsed again but the issues the first sync opened
    again, shards, log = _pipeline(repo, bin_dir, sandbox, info, "sync", NOW, 29)
    assert again["writes"] == 0 and again["changes"] == [], again["changes"][:3]
    opened = sum(1 for c in merged["changes"] if c["what"].startswith("open issue"))
    assert again["descriptions_read"] == opened and "starting afresh" not in log
    assert len(again["desks"]) == 3 and again["exit_code"] == 0
