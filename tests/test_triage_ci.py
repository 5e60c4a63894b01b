""".gitlab-ci.yml: valid for GitLab (its own CI schema, as check-jsonschema vendors it, read
from the installed package: no network), and every `gl-cs` line of every job names a
command and options that exist (the click group, introspected).

Checked: the project's `.gitlab-ci.yml` (tests, dependency bounds, the scheduled sync,
summary, rotate and report jobs) against `gl-cs` as cli.py registers it.
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

from conftest import ROOT
from gl_cs.cli import cli

CI_FILE = ROOT / ".gitlab-ci.yml"
SEPARATORS = {"&&", "||", ";", "|", "&"}
GLOBAL_KEYS = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
               "before_script", "after_script", "spec"}


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))


def jobs(path: Path) -> dict[str, dict]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    return {name: job for name, job in data.items() if name not in GLOBAL_KEYS and isinstance(job, dict)}


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


def check_commands(path: Path, group: click.Group) -> dict[str, list[str]]:
    """{job: [command names]}; every gl-cs call must parse."""
    found = {}
    for name, job in jobs(path).items():
        names = []
        for line in script_lines(job):
            for argv in gl_cs_calls(line):
                try:
                    names.append(check_call(group, argv))
                except click.UsageError as exc:
                    pytest.fail(f"{path.name}: job {name}: `gl-cs {' '.join(argv)}`: {exc}")
        found[name] = names
    return found


def test_the_projects_gitlab_ci_is_valid_and_schedules_sync_summary_rotate_and_report():
    """The bot project's .gitlab-ci.yml: valid for GitLab's own CI schema; every gl-cs call
    a real command with real options; each GL_CS_JOB schedule runs the gl-cs command of its
    name (or the test suite, for the dependency checks), one gl-cs job at a time."""
    validate_schema(CI_FILE)
    found = check_commands(CI_FILE, cli)
    all_jobs = jobs(CI_FILE)
    scheduled: dict[str, list[str]] = {}
    for name, job in all_jobs.items():
        for rule in job.get("rules") or []:
            chosen = re.search(r'\$CI_PIPELINE_SOURCE == "schedule" && \$GL_CS_JOB == "([\w-]+)"', rule.get("if", ""))
            if chosen:
                scheduled.setdefault(chosen.group(1), []).append(name)
    assert set(scheduled) == {"sync", "summary", "rotate", "report", "newest-deps"}
    groups = set()
    for value in ("sync", "summary", "rotate", "report"):
        [name] = scheduled[value]
        job = dict(all_jobs[".gl-cs-scheduled"], **all_jobs[name]) if all_jobs[name].get("extends") else all_jobs[name]
        assert value in found[name], (name, found[name])
        assert job["artifacts"]["paths"] and job["artifacts"]["when"] == "always"
        assert ".gl-cs/" in job["cache"]["paths"]  # the record survives between runs
        groups.add(job["resource_group"])
    assert len(groups) == 1  # one gl-cs job at a time: a summary never races a sync
    for name in scheduled["newest-deps"]:
        assert any("pytest" in line for line in script_lines(all_jobs[name])), name


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
