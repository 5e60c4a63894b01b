"""`gl-cs rotate` and `gl-cs summary`: the weekly Triage SA and the triage call summary.

cli.py registers these commands after importing this module, so this module imports
nothing from ``gl_cs.cli`` when it loads (that would be circular): the group's
``Options`` reach the commands as the context object (what ``cli.pass_options`` finds too),
and ``_connect`` is imported when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..report.text import line, plural, render, write_json

if TYPE_CHECKING:  # pragma: no cover
    from ..cli import Options

pass_options = click.pass_obj  # the `Options` the `gl-cs` group put in ctx.obj

_report_option = click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True),
                              help="Also write the report as JSON to FILE.")
_record_option = click.option("--record", "record_path", envvar="GL_CS_RECORD", default=".gl-cs/record.json",
                              show_default=True, metavar="FILE",
                              help="What gl-cs saw last run, to save reads; '' keeps none [env: GL_CS_RECORD].")


def _runtime(opts: Options, record_path: str | None = None, *, writes: bool = True):
    from ..app.runtime import Runtime
    from ..cli import _connect

    from ..gitlab.adapter import GitLabError

    config = opts.load()
    gitlab = _connect(opts, config, writes=writes)
    try:
        gitlab.check_connection()  # reachable, a GitLab API, the token accepted: or one line, exit 2
    except GitLabError as exc:
        click.echo(f"gl-cs: {opts.redact(str(exc)) if hasattr(opts, 'redact') else exc}", err=True)
        sys.exit(2)
    return Runtime(gitlab, config, record_path=Path(record_path) if record_path else None,
                   on_notice=lambda message: click.echo(f"gl-cs: note: {message}", err=True))


@click.command()
@click.option("--dry-run", is_flag=True, help="Say who is Triage SA and what would be renamed; write nothing.")
@_report_option
@pass_options
def rotate(opts: Options, dry_run: bool, report_path: str | None) -> None:
    """Rename the SA Triaged label for this week's Triage SA (rules.yml triage.rotation).

    Weeks start on Monday in the team's time zone; a second run in the same week changes
    nothing. Exit 0: done; 1: the rename failed; 2: usage or configuration error."""
    from ..app.runtime import SetupError
    from ..app.triage import run_rotate
    from ..decide.triage.weeks import week_name

    runtime = _runtime(opts, writes=not dry_run)
    try:
        result = run_rotate(None, None, opts.now, dry_run=dry_run, runtime=runtime)
    except SetupError as exc:
        click.echo(f"gl-cs: {exc}", err=True)
        sys.exit(2)
    turn = result.turn
    if result.report.fatal:
        click.echo(f"gl-cs: {result.report.fatal}", err=True)
        sys.exit(1)
    if turn is None:
        click.echo("gl-cs: no rotation: set triage.rotation.start in rules.yml (the week the first "
                   "person in triage.rotation.order is Triage SA)", err=True)
        sys.exit(2)
    if turn.username is None:
        click.echo(f"{week_name(turn.monday)}: everyone in the rotation is out; the label is left as it is")
    else:
        out = f" ({', '.join(turn.skipped)} out, keeping their turn)" if turn.skipped else ""
        click.echo(f"Triage SA of {week_name(turn.monday)} (week of {turn.monday:%a %d %b %Y}): "
                   f"{turn.username}{out}; label '{result.label}'")
    for entry in result.report.changes:
        click.echo(line(entry))
    render(result.report, click.echo, changes=False)
    if report_path:
        write_json(result.report, report_path)
    sys.exit(result.report.exit_code)


@click.command()
@click.option("--print", "print_only", is_flag=True,
              help="Print the summary instead of posting it; write nothing (the sync included).")
@click.option("--dry-run", is_flag=True, help="Sync and summarise without writing; say what would be posted.")
@_report_option
@_record_option
@pass_options
def summary(opts: Options, print_only: bool, dry_run: bool, report_path: str | None, record_path: str) -> None:
    """Sync, then post the summary for the next triage call on the week's triage issue.

    The issue is opened when missing; a re-run updates the call's one comment in place.
    Exit 0: done; 1: something failed; 2: usage or configuration error."""
    from ..app.runtime import SetupError
    from ..app.triage import run_summary

    runtime = _runtime(opts, record_path or None, writes=not (dry_run or print_only))
    quiet = opts.verbosity < 0 or print_only

    def show(changes):
        if not quiet:
            for entry in changes:
                click.echo(line(entry))

    try:
        result = run_summary(None, None, opts.now, dry_run=dry_run, print_only=print_only, runtime=runtime,
                             on_plan=show)
    except SetupError as exc:
        click.echo(f"gl-cs: {exc}", err=True)
        sys.exit(2)
    if print_only:
        if result.body is not None:
            click.echo(result.body, nl=False)
        else:
            render(result.report, lambda text: click.echo(text, err=True), changes=False)
        sys.exit(result.report.exit_code)
    for entry in result.report.changes:
        if entry.rule.startswith("triage."):
            click.echo(line(entry))
    render(result.report, click.echo, changes=False)
    if report_path:
        write_json(result.report, report_path)
    sys.exit(result.report.exit_code)


def demo_triage(sandbox, gitlab, config, now, *, runtime=None, echo=click.echo) -> int:
    """The triage part of `gl-cs demo`, on the demo's sandbox (seeded with
    :func:`gl_cs.sandbox.seed_triage.seed_triage` too): the rotation twice, the summary
    printed as a person would before the call, posted, and posted again (updated in place).
    Returns the worst exit code."""
    from ..app.runtime import Runtime
    from ..app.triage import run_rotate, run_summary
    from ..decide.triage.weeks import week_name

    runtime = runtime or Runtime(gitlab, config)
    codes = []

    def step(title: str) -> None:
        echo(click.style(title, bold=True))
        sandbox.requests.reset()

    def cost() -> None:
        echo(f"   ({plural(sandbox.requests.total(), 'API request')}, {plural(sandbox.requests.writes(), 'write')})\n")

    for title in ("4. gl-cs rotate  (this week's Triage SA in the SA Triaged label)",
                  "5. gl-cs rotate  (again the same week: nothing to rename)"):
        step(title)
        result = run_rotate(None, None, now, runtime=runtime)
        turn = result.turn
        if turn is not None and turn.username:
            echo(f"Triage SA of {week_name(turn.monday)}: {turn.username}; label '{result.label}'")
        for entry in result.report.changes:
            echo(line(entry))
        codes.append(result.report.exit_code)
        cost()
    step("6. gl-cs summary --print  (before the call: the page the Triage SA reads)")
    printed = run_summary(None, None, now, print_only=True, runtime=runtime)
    echo(printed.body or "(no summary: the sync failed)")
    codes.append(printed.report.exit_code)
    cost()
    for title in ("7. gl-cs summary  (posted on the week's triage issue)",
                  "8. gl-cs summary  (a re-run: the same comment, updated in place when anything changed)"):
        step(title)
        posted = run_summary(None, None, now, runtime=runtime)
        for entry in posted.report.changes:
            if entry.rule.startswith("triage."):
                echo(line(entry))
        if posted.iid:
            notes = [n for n in sandbox.store.notes(sandbox.store.project(gitlab.project_ref)["id"], posted.iid)
                     if "gl-cs:triage.summary:" in n["body"]]
            echo(f"triage issue #{posted.iid}: {plural(len(notes), 'summary comment')}")
        codes.append(posted.report.exit_code)
        cost()
    return max(codes)
