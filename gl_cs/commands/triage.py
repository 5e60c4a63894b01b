"""`gl-cs rotate` and `gl-cs summary`: the weekly Triage SA and the triage call summary.

cli.py registers these commands after importing this module, so this module imports
nothing from ``gl_cs.cli`` when it loads (that would be circular): the group's
``Options`` reach the commands as the context object (what ``cli.pass_options`` finds too),
and the desks are opened (``cli.open_desks``) when a command runs. Both run on every desk of
rules.yml, or on a shard's (``--shard I/N``, or a GitLab job's CI_NODE_INDEX/CI_NODE_TOTAL).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..report.text import line, plural, render

if TYPE_CHECKING:  # pragma: no cover
    from ..cli import Options

pass_options = click.pass_obj  # the `Options` the `gl-cs` group put in ctx.obj

_report_option = click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True),
                              help="Also write the report as JSON to FILE.")
_record_option = click.option("--record", "record_path", envvar="GL_CS_RECORD", default=".gl-cs/record.json",
                              show_default=True, metavar="FILE",
                              help="What gl-cs saw last run, to save reads; '' keeps none [env: GL_CS_RECORD].")


_shard_option = click.option("--shard", "shard_text", metavar="I/N",
                             help="Only the desks of stable shard I of N [default in a GitLab job with parallel: N: "
                                  "CI_NODE_INDEX/CI_NODE_TOTAL].")


def open_run(opts: Options, record_path: str | None = None, *, writes: bool = True, shard_text: str | None = None):
    """The desks this command works on: (settings, shard, factory, all desks, this run's
    desks). Any problem before the first desk: one line, exit 2."""
    from ..cli import _connect, open_desks, resolve_shard

    settings = opts.load_desks()
    shard = resolve_shard(shard_text, quiet=opts.verbosity < 0)
    connection = _connect(opts, writes=writes)
    factory, refs, selected = open_desks(opts, settings, connection, shard=shard, record_path=record_path)
    return settings, shard, factory, refs, selected


def each_desk(run, factory, selected, body) -> None:
    """``body(desk)`` for each desk of the run, its report followed; returns its exit code
    (a desk that cannot start, SetupError: that desk's 2, said once, and the next desk)."""
    from ..app.runtime import SetupError
    from ..cli import _following, desk_header

    for index, ref in enumerate(selected, 1):
        desk = factory.open(ref)
        if len(selected) > 1:
            desk_header(desk, index, len(selected))
        result = run.start(ref.key, str(ref.project), ref.path)
        try:
            with _following(run):
                result.code = body(desk)
        except SetupError as exc:
            click.echo(f"gl-cs: {exc}", err=True)
            result.code, result.error = 2, str(exc)
        run.own_requests = factory.connection.requests_outside_desks
    run.own_requests = factory.connection.requests_outside_desks
    if len(selected) > 1:
        failed = [d.path or d.project for d in run.desks if d.code]
        click.echo(f"gl-cs: {plural(len(run.desks), 'desk')} run, {len(failed)} failed"
                   + (f" ({', '.join(failed)})" if failed else "") + f"; exit {run.exit_code}", err=True)


def write_run(run, report_path: str | None) -> None:
    if report_path:
        import json

        Path(report_path).write_text(json.dumps(dict(run.as_dict(), complete=all(d.code is not None
                                                                                     for d in run.desks)),
                                                indent=2) + "\n", encoding="utf-8")


@click.command()
@click.option("--dry-run", is_flag=True, help="Say who is Triage SA and what would be renamed; write nothing.")
@_report_option
@_shard_option
@pass_options
def rotate(opts: Options, dry_run: bool, report_path: str | None, shard_text: str | None) -> None:
    """Rename the SA Triaged label for this week's Triage SA (rules.yml triage.rotation), on
    each desk (or a shard's).

    Weeks start on Monday in the team's time zone; a second run in the same week changes
    nothing. Exit 0: done; 1: the rename failed; 2: usage or configuration error."""
    from ..app.triage import run_rotate
    from ..decide.triage.weeks import week_name
    from ..report.run import RunReport

    settings, shard, factory, refs, selected = open_run(opts, writes=not dry_run, shard_text=shard_text)
    run = RunReport(now=opts.now, dry_run=dry_run, command="rotate", shard=str(shard) if shard else None,
                    desks_total=len(refs))

    def one(desk) -> int:
        result = run_rotate(desk, opts.now, dry_run=dry_run)
        turn = result.turn
        if result.report.fatal:
            click.echo(f"gl-cs: {result.report.fatal}", err=True)
            return 1
        if turn is None:
            click.echo("gl-cs: no rotation: set triage.rotation.start in rules.yml (the week the first "
                       "person in triage.rotation.order is Triage SA)", err=True)
            return 2
        if turn.username is None:
            click.echo(f"{week_name(turn.monday)}: everyone in the rotation is out; the label is left as it is")
        else:
            out = f" ({', '.join(turn.skipped)} out, keeping their turn)" if turn.skipped else ""
            click.echo(f"Triage SA of {week_name(turn.monday)} (week of {turn.monday:%a %d %b %Y}): "
                       f"{turn.username}{out}; label '{result.label}'")
        for entry in result.report.changes:
            click.echo(line(entry))
        render(result.report, click.echo, changes=False)
        return result.report.exit_code

    each_desk(run, factory, selected, one)
    write_run(run, report_path)
    sys.exit(run.exit_code)


@click.command()
@click.option("--print", "print_only", is_flag=True,
              help="Print the summary instead of posting it; write nothing (the sync included).")
@click.option("--dry-run", is_flag=True, help="Sync and summarise without writing; say what would be posted.")
@_report_option
@_record_option
@_shard_option
@pass_options
def summary(opts: Options, print_only: bool, dry_run: bool, report_path: str | None, record_path: str,
            shard_text: str | None) -> None:
    """Sync, then post the summary for the next triage call on the week's triage issue, on
    each desk (or a shard's).

    The issue is opened when missing; a re-run updates the call's one comment in place.
    Exit 0: done; 1: something failed; 2: usage or configuration error."""
    from ..app.triage import run_summary
    from ..report.run import RunReport

    settings, shard, factory, refs, selected = open_run(opts, record_path or None,
                                                        writes=not (dry_run or print_only), shard_text=shard_text)
    quiet = opts.verbosity < 0 or print_only
    run = RunReport(now=opts.now, dry_run=dry_run or print_only, command="summary",
                    shard=str(shard) if shard else None, desks_total=len(refs))

    def show(changes):
        if not quiet:
            for entry in changes:
                click.echo(line(entry))

    def one(desk) -> int:
        result = run_summary(desk, opts.now, dry_run=dry_run, print_only=print_only, on_plan=show)
        if print_only:
            if result.body is not None:
                click.echo(result.body, nl=False)
            else:
                render(result.report, lambda text: click.echo(text, err=True), changes=False)
            return result.report.exit_code
        for entry in result.report.changes:
            if entry.rule.startswith("triage."):
                click.echo(line(entry))
        render(result.report, click.echo, changes=False)
        return result.report.exit_code

    each_desk(run, factory, selected, one)
    if not print_only:
        write_run(run, report_path)
    sys.exit(run.exit_code)


def demo_triage(sandbox, desk, now, *, echo=click.echo) -> int:
    """The triage part of `gl-cs demo`, on the demo's sandbox (seeded with
    :func:`gl_cs.sandbox.seed_triage.seed_triage` too): the rotation twice, the summary
    printed as a person would before the call, posted, and posted again (updated in place).
    Returns the worst exit code."""
    from ..app.triage import run_rotate, run_summary
    from ..decide.triage.weeks import week_name

    gitlab = desk.gitlab
    codes = []

    def step(title: str) -> None:
        echo(click.style(title, bold=True))
        sandbox.requests.reset()

    def cost() -> None:
        echo(f"   ({plural(sandbox.requests.total(), 'API request')}, {plural(sandbox.requests.writes(), 'write')})\n")

    for title in ("4. gl-cs rotate  (this week's Triage SA in the SA Triaged label)",
                  "5. gl-cs rotate  (again the same week: nothing to rename)"):
        step(title)
        result = run_rotate(desk, now)
        turn = result.turn
        if turn is not None and turn.username:
            echo(f"Triage SA of {week_name(turn.monday)}: {turn.username}; label '{result.label}'")
        for entry in result.report.changes:
            echo(line(entry))
        codes.append(result.report.exit_code)
        cost()
    step("6. gl-cs summary --print  (before the call: the page the Triage SA reads)")
    printed = run_summary(desk, now, print_only=True)
    echo(printed.body or "(no summary: the sync failed)")
    codes.append(printed.report.exit_code)
    cost()
    for title in ("7. gl-cs summary  (posted on the week's triage issue)",
                  "8. gl-cs summary  (a re-run: the same comment, updated in place when anything changed)"):
        step(title)
        posted = run_summary(desk, now)
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
