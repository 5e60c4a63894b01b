"""The ``gl-cs`` command line."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .config import Config, ConfigError, load_config
from .report.text import line, render, write_json

DEFAULT_RULES = Path(__file__).resolve().parent / "config" / "default_rules.yml"


def parse_now(value: str | None) -> dt.datetime:
    """``--now``: ISO 8601; a time without offset is UTC; a bare date is midnight UTC."""
    if not value:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 time, e.g. 2026-11-23T17:00:00Z",
                                 param_hint="--now") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


@dataclass
class Options:
    gitlab_url: str | None
    token: str | None
    config_path: str
    project: str | None
    now_text: str | None
    verbosity: int

    def load(self) -> Config:
        try:
            return load_config(self.config_path, project_override=self.project)
        except ConfigError as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            raise SystemExit(2) from None

    @property
    def now(self) -> dt.datetime:
        return parse_now(self.now_text)


pass_options = click.make_pass_decorator(Options)


def _setup_logging(verbosity: int) -> None:
    """-v: what gl-cs does; -vv: its debug lines. Libraries stay at WARNING, so HTTP
    headers (which carry the token) and parser internals are never logged."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("gl_cs").setLevel(level)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gl-cs")
@click.option("--gitlab-url", envvar=["GITLAB_URL", "CI_SERVER_URL"], metavar="URL",
              help="GitLab base URL [env: GITLAB_URL, then CI_SERVER_URL].")
@click.option("--token", envvar="GITLAB_TOKEN", metavar="TOKEN", show_default=False,
              help="API token with api scope [env: GITLAB_TOKEN]. Never printed.")
@click.option("--config", "config_path", envvar="GL_CS_CONFIG", default="rules.yml", show_default=True,
              metavar="FILE", help="rules.yml to use [env: GL_CS_CONFIG].")
@click.option("--project", envvar="GL_CS_PROJECT", metavar="ID|PATH",
              help="Project id or group/path; overrides rules.yml [env: GL_CS_PROJECT].")
@click.option("--now", "now_text", envvar="GL_CS_NOW", metavar="ISO8601",
              help="Pin the clock, so any decision can be reproduced [env: GL_CS_NOW].")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.option("-q", "--quiet", count=True, help="Only errors and the summary.")
@click.pass_context
def cli(ctx: click.Context, gitlab_url, token, config_path, project, now_text, verbose, quiet) -> None:
    """gl-cs keeps the SA Service Desk honest: label workflow, intake, EXPEDITE, triage.

    Start with `gl-cs demo` (no GitLab needed), then `gl-cs sync --dry-run`.
    """
    verbosity = verbose - quiet
    _setup_logging(verbosity)
    ctx.obj = Options(gitlab_url, token, config_path, project, now_text, verbosity)


def _connect(opts: Options, config: Config):
    from .gitlab.adapter import GitLab

    missing = [name for name, value in (("--gitlab-url / GITLAB_URL", opts.gitlab_url),
                                        ("--token / GITLAB_TOKEN", opts.token)) if not value]
    if missing:
        click.echo(f"gl-cs: missing {' and '.join(missing)} (try `gl-cs demo` for the built-in sandbox)", err=True)
        raise SystemExit(2)
    return GitLab(opts.gitlab_url, opts.token, config.project)


def do_sync(gitlab, config: Config, now: dt.datetime, *, dry_run: bool, iids=(), report_path=None,
            quiet: bool = False, echo=click.echo, runtime=None, record_path: str | None = None) -> int:
    """Run one sync and print it; returns the exit code. Shared by `sync` and `demo`."""
    from .sync import Runtime, SetupError, run_sync

    runtime = runtime or Runtime(gitlab, config, record_path=Path(record_path) if record_path else None,
                                 on_notice=lambda message: click.echo(f"gl-cs: {message}", err=True))

    def show(changes):
        if not quiet:
            for entry in changes:
                echo(line(entry))

    try:
        report = run_sync(gitlab, config, now, dry_run=dry_run, iids=list(iids) or None, on_plan=show,
                          runtime=runtime)
    except SetupError as exc:
        click.echo(f"gl-cs: {exc}", err=True)
        return 2
    render(report, echo, changes=False)
    if report_path:
        write_json(report, report_path)
    return report.exit_code


@cli.command()
@click.option("--dry-run", is_flag=True, help="Decide and print everything, write nothing.")
@click.option("--issue", "iids", type=int, multiple=True, metavar="IID",
              help="Only these issues (repeatable); the same rules as a full sync.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write the report as JSON to FILE.")
@click.option("--record", "record_path", envvar="GL_CS_RECORD", default=".gl-cs/record.json", show_default=True,
              metavar="FILE", help="What gl-cs saw last run, to save reads; '' keeps none [env: GL_CS_RECORD].")
@pass_options
def sync(opts: Options, dry_run: bool, iids: tuple[int, ...], report_path: str | None, record_path: str) -> None:
    """Reconcile every open issue (and recently closed ones) with rules.yml.

    Prints one line per change (issue, rule, what, why) and a count per rule.
    Exit 0: done; 1: some issue failed (the others were processed); 2: usage or
    configuration error (nothing written)."""
    config = opts.load()
    now = opts.now
    gitlab = _connect(opts, config)
    code = do_sync(gitlab, config, now, dry_run=dry_run, iids=iids, report_path=report_path,
                   quiet=opts.verbosity < 0, record_path=record_path or None)
    sys.exit(code)


@cli.command()
@pass_options
def validate(opts: Options) -> None:
    """Check rules.yml; each mistake is printed as FILE:LINE: problem."""
    config = opts.load()
    click.echo(f"{opts.config_path}: OK — project {config.project}, {len(config.states)} workflow states, "
               f"{len(config.intake_fields)} intake fields")


def _demo_config(opts: Options) -> Config:
    path = Path(opts.config_path)
    if not path.exists() and opts.config_path == "rules.yml":
        opts.config_path = str(DEFAULT_RULES)
    return opts.load()


@cli.command()
@click.option("--issues", "n_issues", default=30, show_default=True, help="How many requests to seed.")
@pass_options
def demo(opts: Options, n_issues: int) -> None:
    """Run gl-cs on the built-in GitLab sandbox: dry run, real sync, and a second sync
    that changes nothing. No real GitLab needed; nothing leaves 127.0.0.1."""
    from .gitlab.adapter import GitLab
    from .sandbox import Sandbox, seed_service_desk

    config = _demo_config(opts)
    now = opts.now
    with Sandbox() as sandbox:
        seeded = seed_service_desk(sandbox.store, now, n_issues=n_issues)
        project = seeded["project_path"]
        click.echo(f"Sandbox GitLab at {sandbox.url}, project {project}, {n_issues} requests, "
                   f"clock {now.isoformat()}\n")
        gitlab = GitLab(sandbox.url, seeded["token"], project)
        from dataclasses import replace

        from .sync import Runtime

        config = replace(config, project=project)
        runtime = Runtime(gitlab, config)  # kept across the three runs, as the webhook worker keeps it
        codes = []
        for title, dry in (("1. gl-cs sync --dry-run  (what would change, and why)", True),
                           ("2. gl-cs sync  (apply it)", False),
                           ("3. gl-cs sync  (again: nothing left to change)", False)):
            click.echo(click.style(title, bold=True))
            sandbox.requests.reset()
            codes.append(do_sync(gitlab, config, now, dry_run=dry, quiet=not dry and title.startswith("2"),
                                 runtime=runtime))
            click.echo(f"   ({sandbox.requests.total()} API requests, {sandbox.requests.writes()} writes)\n")
        from .act.writer import is_own_quick_action

        foreign = [qa for qa in sandbox.store.executed_quick_actions if not is_own_quick_action(qa[2])]
        click.echo(f"Quick actions run from what people wrote: {len(foreign)}. Sandbox stopped.")
    sys.exit(max(codes))


@cli.command()
@click.option("--port", default=8080, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--issues", "n_issues", default=30, show_default=True, help="How many requests to seed.")
@pass_options
def sandbox(opts: Options, port: int, n_issues: int) -> None:
    """Keep the built-in GitLab sandbox running to explore and point gl-cs at."""
    import time

    from .sandbox import Sandbox, seed_service_desk

    now = opts.now
    with Sandbox(port=port) as sb:
        seeded = seed_service_desk(sb.store, now, n_issues=n_issues)
        click.echo(f"GitLab sandbox on {sb.url}  (project {seeded['project_path']})")
        click.echo(f"  export GITLAB_URL={sb.url} GITLAB_TOKEN={seeded['token']} "
                   f"GL_CS_PROJECT={seeded['project_path']}")
        click.echo("  gl-cs sync --dry-run\nCtrl-C stops it.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped")


def main() -> None:
    cli(prog_name="gl-cs")


if __name__ == "__main__":
    main()
