""".gitlab-ci.yml and the CI/CD component it includes: valid for GitLab (its own CI schema, as
check-jsonschema vendors it, read from the installed package: no network), and every `gl-cs`
line of every job names a command and options that exist (the click group, introspected).

Checked: the project's `.gitlab-ci.yml` (tests, dependency bounds, merge-request dry run) with
the jobs of templates/gl-cs.yml as it includes them (the scheduled sync, summary, rotate and
report, and the merge of their shards' reports); the component for 1 to 8 parallel jobs,
whose shards, as gl-cs takes them from CI_NODE_INDEX/CI_NODE_TOTAL, cover every desk exactly
once.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from check_jsonschema import main as check_jsonschema

from ci_config import CI_FILE, COMPONENT, jobs_of, load, pipeline, render_component, split_component
from conftest import RULES
from gl_cs.app.shards import Shard
from gl_cs.cli import cli
from gl_cs.config.desks import parse_desks

SEPARATORS = {"&&", "||", ";", "|", "&"}


def jobs(path: Path) -> dict[str, dict]:
    return jobs_of(load(path))


def script_lines(job: dict) -> list[str]:
    lines = []
    for key in ("before_script", "script", "after_script"):
        value = job.get(key) or []
        for item in [value] if isinstance(value, str) else value:
            lines += item if isinstance(item, list) else [item]
    return [str(l) for l in lines]


def gl_cs_calls(line: str) -> list[list[str]]:
    """Every `gl-cs ...` (or `python -m gl_cs ...`) command in one shell line, as argv."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    calls, current = [], []
    for token in list(lexer) + [";"]:
        if token in SEPARATORS:
            if current[:1] == ["gl-cs"]:
                calls.append(current[1:])
            elif current[:3] in (["python", "-m", "gl_cs"], ["python3", "-m", "gl_cs"]):
                calls.append(current[3:])
            current = []
        else:
            current.append(token)
    return calls


def check_call(group: click.Group, argv: list[str]) -> str:
    """Parse ``argv`` as click would (options of the group, a command, its options); an
    unknown command or option raises click's UsageError. Returns the command's name."""
    ctx = click.Context(group, info_name="gl-cs")
    _, rest, _ = group.make_parser(ctx).parse_args(args=list(argv))  # the group's options, then the command
    assert rest, f"`gl-cs {' '.join(argv)}` names no command"
    name, *args = rest
    command = group.get_command(ctx, name)
    if command is None:
        raise click.UsageError(f"no such command {name!r}")
    command.make_context(name, args, parent=ctx)
    return name


def validate_schema(path: Path) -> None:
    result = CliRunner().invoke(check_jsonschema, ["--builtin-schema", "vendor.gitlab-ci",
                                                   "--data-transform", "gitlab-ci", str(path)])
    assert result.exit_code == 0, result.output


def check_commands(path: Path | dict, group: click.Group) -> dict[str, list[str]]:
    """{job: [command names]} of a CI file (or of jobs already read); every gl-cs call must parse."""
    found = {}
    where = path.name if isinstance(path, Path) else "the pipeline"
    for name, job in (jobs(path) if isinstance(path, Path) else path).items():
        names = []
        for line in script_lines(job):
            for argv in gl_cs_calls(line):
                try:
                    names.append(check_call(group, argv))
                except click.UsageError as exc:
                    pytest.fail(f"{where}: job {name}: `gl-cs {' '.join(argv)}`: {exc}")
        found[name] = names
    return found


def validate_data(data: dict, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    validate_schema(path)


def test_the_projects_gitlab_ci_is_valid_and_schedules_sync_summary_rotate_and_report(tmp_path):
    """The bot project's .gitlab-ci.yml, the component's jobs included: valid for GitLab's own
    CI schema; every gl-cs call a real command with real options; each GL_CS_JOB schedule
    runs the gl-cs command of its name (or the test suite, for the dependency checks); the
    jobs of one shard share one resource group and one record cache, both the shard's."""
    validate_schema(CI_FILE)
    all_jobs = pipeline(CI_FILE)
    validate_data({"stages": load(CI_FILE)["stages"], **all_jobs}, tmp_path, "pipeline.yml")
    found = check_commands(all_jobs, cli)
    scheduled: dict[str, list[str]] = {}
    for name, job in all_jobs.items():
        if name.startswith("."):
            continue
        for rule in job.get("rules") or []:
            chosen = re.search(r'\$CI_PIPELINE_SOURCE == "schedule" && \$GL_CS_JOB == "([\w-]+)"', rule.get("if", ""))
            if chosen:
                scheduled.setdefault(chosen.group(1), []).append(name)
    assert set(scheduled) == {"sync", "summary", "rotate", "report", "newest-deps"}
    groups, caches = set(), set()
    for value in ("sync", "summary", "rotate", "report"):
        [name] = scheduled[value]
        job = all_jobs[name]
        assert name == f"gl-cs-{value}" and value in found[name], (name, found[name])
        assert job["artifacts"]["paths"] and job["artifacts"]["when"] == "always"
        assert ".gl-cs/" in job["cache"]["paths"]  # the record survives between runs
        assert job["stage"] == "run" and job["parallel"] == 1
        groups.add(job["resource_group"])
        caches.add(job["cache"]["key"])
    # one gl-cs job at a time per shard (a summary never races a sync of the same desks), and a
    # shard's cache is its own: the lock and the record follow the unit of work
    assert groups == {"gl-cs-shard-$CI_NODE_INDEX"} and caches == {"gl-cs-record-shard-$CI_NODE_INDEX"}
    for name in scheduled["newest-deps"]:
        assert any("pytest" in line for line in script_lines(all_jobs[name])), name
    merge = all_jobs["gl-cs-merge-reports"]
    assert "merge-reports" in found["gl-cs-merge-reports"]
    assert {n["job"] for n in merge["needs"]} == {"gl-cs-sync", "gl-cs-summary", "gl-cs-rotate"}


def test_the_component_header_declares_its_inputs_as_gitlab_reads_them(tmp_path):
    header, _ = split_component()
    validate_data(header, tmp_path, "header.yml")
    inputs = header["spec"]["inputs"]
    assert set(inputs) == {"stage", "config", "parallel", "image", "install", "prefix"}
    assert inputs["parallel"]["type"] == "number" and inputs["parallel"]["default"] == 1
    assert all(i.get("description") for i in inputs.values())
    body = COMPONENT.read_text().partition("\n---\n")[2]
    assert not re.search(r"^(default|variables|stages):", body, re.M)  # a component must not change its user's


@pytest.mark.parametrize("total", range(1, 9))
def test_the_component_with_n_parallel_jobs_is_valid_and_its_shards_cover_every_desk_exactly_once(tmp_path, total):
    """Twelve desks, N jobs: each job takes the shard GitLab's CI_NODE_INDEX/CI_NODE_TOTAL
    give it (no --shard in the script), and the N shards together hold every desk once."""
    rendered = render_component({"parallel": total, "stage": "gl-cs"})
    validate_data({"stages": ["gl-cs"], **rendered}, tmp_path, "component.yml")
    check_commands(jobs_of(rendered), cli)
    desks = [f"sa-team/desk-{n}" for n in range(9)] + [101, 202, 303]
    settings = parse_desks(RULES.read_text().replace("project: sa-team/sa-service-desk", f"projects: {desks}"))
    all_jobs = {name: job for name, job in jobs_of(rendered).items()}
    for command in ("sync", "summary", "rotate", "report"):
        job = {**all_jobs[".gl-cs-shard"], **all_jobs[f"gl-cs-{command}"]}
        assert job["parallel"] == total and "--shard" not in " ".join(script_lines(job))
        held = []
        for index in range(1, total + 1):
            shard = Shard.from_ci({"CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(job["parallel"])})
            held += [ref.key for ref in shard.select(settings.listed)]
        assert sorted(held) == sorted(ref.key for ref in settings.listed) and len(held) == len(desks)


@pytest.mark.parametrize("line, problem", [
    ("gl-cs sync --dryrun", "No such option"),
    ("gl-cs synk", "no such command"),
    ("pip install -q . && gl-cs --verbose summary --pirnt", "No such option"),
])
def test_the_check_catches_wrong_commands_and_options(tmp_path, line, problem):
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(yaml.safe_dump({"job": {"script": [line]}}))
    with pytest.raises(pytest.fail.Exception, match=problem):
        check_commands(path, cli)


def test_the_schema_check_catches_a_broken_file(tmp_path):
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text("job:\n  script: [gl-cs sync]\n  resource_group: [not, a, string]\n  when: sometimes\n")
    result = CliRunner().invoke(check_jsonschema, ["--builtin-schema", "vendor.gitlab-ci",
                                                   "--data-transform", "gitlab-ci", str(path)])
    assert result.exit_code == 1


def test_shell_lines_are_split_into_gl_cs_calls():
    assert gl_cs_calls("pip install -q . && gl-cs -v sync --report 'r 1.json'; echo done") == [
        ["-v", "sync", "--report", "r 1.json"]]
    assert gl_cs_calls("python -m gl_cs summary --print | tee s.md") == [["summary", "--print"]]
