"""`gl-cs report`: the desk insights over a period (see gl_cs/insights and docs/insights.md).

Like the triage commands, this module imports nothing from ``gl_cs.cli`` when it loads: the
group's ``Options`` arrive as the context object, and the desks are opened by
``commands.triage.open_run`` when the command runs (every desk of rules.yml, or a shard's).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..report.text import line, render
from .triage import _record_option, _shard_option, each_desk, open_run

if TYPE_CHECKING:  # pragma: no cover
    from ..cli import Options

FORMATS = ("markdown", "json", "csv")


@click.command()
@click.option("--since", metavar="YYYY-MM-DD", help="First day of the period (desk time zone). Default: the first "
                                                   "day of the last full month; alone, the period runs to date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Last day of the period, included. Default: the last day of the "
                                                   "last full month; alone, the period starts on the 1st of its month.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True,
              help="markdown (with Mermaid charts, for people), json (the versioned schema) or csv (one row per "
                   "figure).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the report to FILE instead of printing it (with several desks, one file per desk: "
                   "FILE's name with the desk's key).")
@click.option("--post", "post_it", is_flag=True,
              help="Post the Markdown on the period's report issue in the desk (opened once, its comment updated "
                   "in place on a re-run).")
@click.option("--dry-run", is_flag=True, help="With --post: say what would be posted; write nothing to GitLab.")
@_record_option
@_shard_option
@click.pass_obj
def report(opts: Options, since: str | None, until: str | None, fmt: str, output: str | None, post_it: bool,
           dry_run: bool, record_path: str, shard_text: str | None) -> None:
    """The desk insights over a period: flow, time to triage and to start, SA Waiting, intake,
    EXPEDITE, load per SA, onboarding time-to-value, renewal reviews; for each desk (or a
    shard's), each in its own time zone.

    Exit 0: done; 1: reading or posting failed; 2: usage, configuration or connection error
    (nothing written)."""
    from ..app.desk import record_path_for
    from ..app.insights import run_report
    from ..insights import export
    from ..insights.period import PeriodError, period_for
    from ..report.run import RunReport
    from .. import __version__

    settings = opts.load_desks()
    now = opts.now
    try:  # checked once on rules.yml's first desk, before any request (each desk's zone is used below)
        period_for(now, settings.base.timezone, since, until)
    except PeriodError as exc:
        click.echo(f"gl-cs: {exc}", err=True)
        sys.exit(2)
    _requires(("--dry-run", dry_run), ("--post", post_it), "a report without --post writes nothing to GitLab")
    settings, shard, factory, refs, selected = open_run(opts, record_path or None, shard_text=shard_text)
    run_report_ = RunReport(now=now, dry_run=dry_run or not post_it, command="report",
                            shard=str(shard) if shard else None, desks_total=len(refs))

    def one(desk) -> int:
        period = period_for(now, desk.config.timezone, since, until)
        run = run_report(desk, now, period, post_it=post_it, dry_run=dry_run)
        if run.insights is None:
            render(run.report, lambda text: click.echo(text, err=True), changes=False)
            return run.report.exit_code
        text = {"markdown": lambda: run.markdown,
                "json": lambda: export.dumps(run.insights, now, __version__),
                "csv": lambda: export.to_csv(run.insights)}[fmt]()
        if output:
            target = record_path_for(Path(output), desk.ref, len(selected) > 1)
            try:
                target.write_text(text, encoding="utf-8")
            except OSError as exc:
                click.echo(f"gl-cs: cannot write the report to {target}: "
                           f"{exc.strerror or exc.__class__.__name__}", err=True)
                return 2
            if len(selected) > 1:
                click.echo(f"{desk.name}: {target}", err=True)
        elif not post_it:
            click.echo(text, nl=False)
        if post_it:
            for entry in run.report.changes:
                click.echo(line(entry))
            if run.iid and not run.report.changes and not run.report.failures:
                click.echo(f"report issue #{run.iid}: already up to date")
            render(run.report, click.echo, changes=False)
        reads = run.insights.reads
        click.echo(f"gl-cs: {period.name}: {reads.get('label_histories_read', 0)} label histories and "
                   f"{reads.get('comments_read', 0)} comment lists read, "
                   f"{reads.get('label_histories_from_record', 0) + reads.get('comments_from_record', 0)} "
                   f"from the record", err=True)
        return run.report.exit_code

    each_desk(run_report_, factory, selected, one)
    sys.exit(run_report_.exit_code)


def _requires(option: tuple[str, bool], needed: tuple[str, bool], why: str) -> None:
    """A usage mistake: ``option`` given without ``needed`` (one line, exit 2, no request)."""
    if option[1] and not needed[1]:
        click.echo(f"gl-cs: {option[0]} only applies to {needed[0]} ({why})", err=True)
        sys.exit(2)
