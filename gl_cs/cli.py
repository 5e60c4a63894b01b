"""The ``gl-cs`` command line."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from . import __version__
from .config import Config, ConfigError
from .report.text import plural, render, render_by_issue, render_grouped

if TYPE_CHECKING:  # pragma: no cover
    from .app.desk import Connection
    from .app.shards import Shard
    from .config.desks import DeskSettings

DEFAULT_RULES = Path(__file__).resolve().parent / "config" / "default_rules.yml"


#: A pinned clock outside [EARLIEST, real clock + MAX_AHEAD] is refused unless forced.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
MAX_AHEAD = dt.timedelta(days=365)
#: Even forced, a clock gl-cs cannot compute with (a year, a quarter either side) is refused.
COMPUTABLE = (dt.datetime(1971, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(9998, 1, 1, tzinfo=dt.timezone.utc))


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def parse_now(value: str | None) -> dt.datetime:
    """``--now``: ISO 8601; a time without offset is UTC; a bare date is midnight UTC."""
    if not value:
        return _real_now()
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.astimezone(dt.timezone.utc)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 time, e.g. 2026-11-23T17:00:00Z",
                                 param_hint="--now") from None
    except OverflowError:
        raise click.BadParameter(f"'{value}' is outside the calendar gl-cs can compute with "
                                 f"(years 1971 to 9997)", param_hint="--now") from None


def check_clock(now: dt.datetime, value: str, *, force: bool, real: dt.datetime | None = None) -> str | None:
    """Why a pinned clock is refused, or None. Before 2000-01-01 or more than a year
    from the real clock is a clock left on by mistake, unless ``force``."""
    real = real or _real_now()
    if not COMPUTABLE[0] <= now < COMPUTABLE[1]:
        return (f"the pinned clock --now / GL_CS_NOW '{value}' is outside the calendar gl-cs can compute with "
                f"(years 1971 to 9997)")
    if force:
        return None
    if now < EARLIEST or abs(now - real) > MAX_AHEAD:
        why = "before 2000" if now < EARLIEST else f"more than a year from the real clock ({real.isoformat()})"
        return (f"the pinned clock --now / GL_CS_NOW '{value}' is {why}; unset GL_CS_NOW, or pass "
                f"--force-clock / GL_CS_FORCE_CLOCK=1 if you mean it")
    return None


#: The run's deadline when none is given: a bit under GitLab CI's default job timeout (60 minutes),
#: so a scheduled sync ends with its report rather than being killed.
DEFAULT_DEADLINE = 55 * 60.0


@dataclass
class Options:
    gitlab_url: str | None
    token: str | None
    config_path: str | None  # None: ./rules.yml if there is one, else the packaged default
    project: str | None
    now_text: str | None
    verbosity: int
    timeout: float = 30.0
    allow_http: bool = False
    force_clock: bool = False
    now_source: str | None = None
    _now: dt.datetime | None = None
    gitlab_id: str | None = None  # --gitlab NAME: a python-gitlab.cfg section
    url_source: str | None = None
    token_source: str | None = None
    deadline: float | None = DEFAULT_DEADLINE
    token_kind: str = "private"

    def rules_path(self) -> str:
        """The rules.yml in force: --config / GL_CS_CONFIG, else ./rules.yml, else the
        packaged default (said once on stderr when not named)."""
        if self.config_path:
            return self.config_path
        local = Path("rules.yml")
        if local.is_file():
            self.config_path = "rules.yml"
            why = "found in the working directory; --config FILE chooses another"
        else:
            self.config_path = str(DEFAULT_RULES)
            why = "the packaged default: no --config, GL_CS_CONFIG or ./rules.yml; `gl-cs init` writes one for your desk"
        if self.verbosity >= 0:
            click.echo(f"gl-cs: rules: {self.config_path} ({why})", err=True)
        return self.config_path

    def load(self) -> Config:
        """The configuration of rules.yml's first desk (or of --project)."""
        return self.load_desks().base

    def load_desks(self) -> "DeskSettings":
        """rules.yml's desks, each with its configuration (``--project``: that one desk)."""
        from .config.desks import load_desks

        try:
            return load_desks(self.rules_path(), project_override=self.project)
        except ConfigError as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            raise SystemExit(2) from None

    def resolve_credentials(self) -> None:
        """URL and token from python-gitlab's places too (see :mod:`gl_cs.credentials`)."""
        from .credentials import CredentialsError, resolve

        try:
            found = resolve(url=self.gitlab_url, url_source=self.url_source, token=self.token,
                            token_source=self.token_source, gitlab_id=self.gitlab_id)
        except CredentialsError as exc:
            fail(str(exc))
        self.gitlab_url, self.url_source = found.url, found.url_source
        self.token, self.token_source, self.token_kind = found.token, found.token_source, found.kind

    @property
    def now(self) -> dt.datetime:
        """The run's clock. A pinned clock is checked (see :func:`check_clock`) and
        printed on stderr the first time it is asked for."""
        if self._now is None:
            now = parse_now(self.now_text)
            if self.now_text:
                problem = check_clock(now, self.now_text, force=self.force_clock)
                if problem:
                    fail(problem)
                click.echo(f"gl-cs: clock pinned to {now.isoformat()} by {self.now_source or '--now'} "
                           f"(real clock {_real_now().isoformat()})", err=True)
            self._now = now
        return self._now

    def clock(self) -> dict:
        """What the report says about the clock."""
        return {"now": self.now.isoformat(), "pinned": bool(self.now_text),
                "source": self.now_source if self.now_text else None, "real": _real_now().isoformat()}

    def redact(self, text: str) -> str:
        return text.replace(self.token, "[token]") if self.token else text


pass_options = click.make_pass_decorator(Options)


def fail(message: str, code: int = 2) -> "NoReturn":
    """One clear line on stderr, then exit (2: nothing was written)."""
    click.echo(f"gl-cs: {message}", err=True)
    raise SystemExit(code)


def _setup_logging(verbosity: int) -> None:
    """-v: what gl-cs does; -vv: its debug lines. Libraries stay at WARNING, so HTTP
    headers (which carry the token) and parser internals are never logged."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    if verbosity < -1:
        level = logging.ERROR
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("gl_cs").setLevel(level)


def _verbosity_options(fn):
    """-v/-q accepted after the subcommand too (`gl-cs sync -v`); they add to the global ones."""
    fn = click.option("-q", "--quiet", "sub_quiet", count=True, help="Only errors and the summary.")(fn)
    fn = click.option("-v", "--verbose", "sub_verbose", count=True, help="More logging (-vv for debug).")(fn)
    return fn


def _apply_verbosity(opts: "Options", verbose: int, quiet: int) -> None:
    if verbose or quiet:
        opts.verbosity += verbose - quiet
        _setup_logging(opts.verbosity)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gl-cs")
@click.option("--gitlab-url", envvar="GITLAB_URL", metavar="URL",
              help="GitLab base URL [env: GITLAB_URL, then python-gitlab.cfg, then CI_SERVER_URL].")
@click.option("--token", envvar=["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN"], metavar="TOKEN", show_default=False,
              help="API token with api scope [env: GITLAB_TOKEN, GITLAB_PRIVATE_TOKEN, then python-gitlab.cfg, "
                   "then CI_JOB_TOKEN (reads only)]. Never printed.")
@click.option("--gitlab", "gitlab_id", envvar="GL_CS_GITLAB", metavar="NAME",
              help="The python-gitlab.cfg section to use (as python-gitlab's --gitlab) [env: GL_CS_GITLAB].")
@click.option("--config", "config_path", envvar="GL_CS_CONFIG", metavar="FILE",
              help="rules.yml to use [env: GL_CS_CONFIG; default ./rules.yml, else the packaged default].")
@click.option("--project", envvar="GL_CS_PROJECT", metavar="ID|PATH",
              help="Project id or group/path; overrides rules.yml [env: GL_CS_PROJECT].")
@click.option("--now", "now_text", envvar="GL_CS_NOW", metavar="ISO8601",
              help="Pin the clock, so any decision can be reproduced [env: GL_CS_NOW]. Printed at the start; "
                   "before 2000 or more than a year from the real clock is refused.")
@click.option("--force-clock", is_flag=True, envvar="GL_CS_FORCE_CLOCK",
              help="Accept a pinned clock outside the sane window [env: GL_CS_FORCE_CLOCK=1].")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, envvar="GL_CS_TIMEOUT",
              metavar="SECONDS", help="Seconds to wait for each GitLab answer [env: GL_CS_TIMEOUT].")
@click.option("--deadline", type=click.FloatRange(min=1), default=DEFAULT_DEADLINE, show_default=True,
              envvar="GL_CS_DEADLINE", metavar="SECONDS",
              help="Stop cleanly after this long, with a partial report (\"complete\": false) "
                   "[env: GL_CS_DEADLINE; default a bit under GitLab CI's 60-minute job timeout].")
@click.option("--allow-http", is_flag=True, envvar="GL_CS_ALLOW_HTTP",
              help="Allow a plain http:// GitLab URL on another host (the token crosses the network "
                   "unencrypted) [env: GL_CS_ALLOW_HTTP=1].")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.option("-q", "--quiet", count=True, help="Only errors and the summary.")
@click.pass_context
def cli(ctx: click.Context, gitlab_url, token, gitlab_id, config_path, project, now_text, force_clock, timeout,
        deadline, allow_http, verbose, quiet) -> None:
    """gl-cs keeps the SA Service Desk honest: label workflow, intake, EXPEDITE, triage.

    Start with `gl-cs demo` (no GitLab needed), then `gl-cs sync --dry-run`.
    """
    verbosity = verbose - quiet
    _setup_logging(verbosity)
    source = ctx.get_parameter_source("now_text")
    now_source = "GL_CS_NOW" if source == click.core.ParameterSource.ENVIRONMENT else "--now"
    from .credentials import env_source

    def where(name: str, flag: str, envvars: tuple[str, ...]) -> str | None:
        if ctx.get_parameter_source(name) == click.core.ParameterSource.ENVIRONMENT:
            return env_source(envvars)
        return flag if ctx.params.get(name) else None

    ctx.obj = Options(gitlab_url, token, config_path, project, now_text, verbosity, timeout=timeout,
                      allow_http=allow_http, force_clock=force_clock, now_source=now_source, gitlab_id=gitlab_id,
                      url_source=where("gitlab_url", "--gitlab-url", ("GITLAB_URL",)),
                      token_source=where("token", "--token", ("GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN")),
                      deadline=deadline)


def _connect(opts: Options, *, writes: bool = True) -> "Connection":
    """The run's connection to GitLab (desks' adapters are built from it), after the checks
    that need no request: URL and token given, the URL usable, and no token over plain http
    to another host unless --allow-http. ``writes``: the command may write, so a CI/CD job
    token alone is not enough."""
    from .app.desk import Connection
    from .gitlab.adapter import plain_http_problem, url_problem

    opts.resolve_credentials()
    missing = [name for name, value in (("--gitlab-url / GITLAB_URL", opts.gitlab_url),
                                        ("--token / GITLAB_TOKEN", opts.token)) if not value]
    if missing:
        fail(f"missing {' and '.join(missing)} (also read from GITLAB_PRIVATE_TOKEN, python-gitlab.cfg and, "
             f"to read only, CI_JOB_TOKEN; try `gl-cs demo` for the built-in sandbox)")
    if opts.token_kind == "job" and writes:
        fail(f"only a CI/CD job token ({opts.token_source}) was found, and this command writes to GitLab: job "
             f"tokens can only read, so gl-cs needs a project or personal access token with the api scope in "
             f"GITLAB_TOKEN (a job token is enough for --dry-run, `summary --print` and `gl-cs init`)")
    problem = url_problem(opts.gitlab_url)
    if problem:
        fail(f"--gitlab-url / GITLAB_URL: {problem}")
    insecure = plain_http_problem(opts.gitlab_url)
    if insecure and not opts.allow_http:
        fail(f"refusing to send the token over plain http: {insecure}; use https, or pass --allow-http / "
             f"GL_CS_ALLOW_HTTP=1 if you accept that")
    if insecure:
        click.echo(f"gl-cs: warning: {insecure} (allowed by --allow-http)", err=True)
    if opts.token_kind == "job":
        click.echo(f"gl-cs: reading with the CI/CD job token ({opts.token_source}); it writes nothing", err=True)
    connection = Connection(opts.gitlab_url, opts.token, timeout=opts.timeout, job_token=opts.token_kind == "job",
                            on_notice=lambda message: click.echo(f"gl-cs: {opts.redact(message)}", err=True))
    if opts.deadline:
        connection.set_deadline(opts.deadline)
    return connection


def resolve_shard(text: str | None, *, quiet: bool = False) -> "Shard | None":
    """``--shard I/N``, else the GitLab job's own (``CI_NODE_INDEX`` of ``CI_NODE_TOTAL``
    in a job with ``parallel: N``), else None (every desk)."""
    from .app.shards import Shard, ShardError

    try:
        shard = Shard.parse(text) if text else Shard.from_ci()
    except ShardError as exc:
        fail(str(exc))
    if shard is not None and not text and not quiet:
        click.echo(f"gl-cs: shard {shard} (from this job's CI_NODE_INDEX/CI_NODE_TOTAL)", err=True)
    return shard


def _shard_option(fn):
    return click.option("--shard", "shard_text", metavar="I/N",
                        help="Only the desks of stable shard I of N [default in a GitLab job with parallel: N: "
                             "CI_NODE_INDEX/CI_NODE_TOTAL].")(fn)


def open_desks(opts: Options, settings, connection, *, shard=None, record_path: str | None = None,
               check: bool = True, raise_errors: bool = False):
    """The factory and the desks this run works on (its shard's), after one request for the
    token's user (``check``) and the group's projects (for ``group:``). A failure: one line,
    exit 2 (``raise_errors``: the GitLabError, for a caller that reports it first)."""
    from .app.desk import DeskFactory
    from .gitlab.adapter import GitLabError

    factory = DeskFactory(settings, connection, record=Path(record_path) if record_path else None,
                          on_notice=lambda message: click.echo(f"gl-cs: note: {opts.redact(message)}", err=True))
    try:
        if check:
            connection.instance.check_connection()  # reachable, a GitLab API, the token accepted
        refs = factory.refs()
    except GitLabError as exc:
        if raise_errors:
            raise
        fail(opts.redact(str(exc)))
    selected = factory.select(refs, shard)
    say_desks(opts, settings, refs, selected, shard)
    return factory, refs, selected


def say_desks(opts: Options, settings, refs, selected, shard) -> None:
    """One line on stderr when a run is not simply rules.yml's one desk."""
    if opts.verbosity < 0 or (not settings.several and shard is None):
        return
    names = ", ".join(r.name for r in selected) or "none"
    where = f"shard {shard}: " if shard is not None else ""
    click.echo(f"gl-cs: {where}{len(selected)} of {plural(len(refs), 'desk')} ({names})", err=True)


def desk_header(desk, index: int, total: int, echo=click.echo) -> None:
    """Before each desk's output, when a run has several."""
    echo(click.style(f"== {desk.name} (desk {index} of {total}) ==", bold=True))


@dataclass
class Outcome:
    """What one desk's sync came to: its exit code, its report (None when it could not
    start), why it stopped, and whether the whole run must stop (the deadline, SIGTERM)."""

    code: int
    report: object = None  # a SyncReport
    error: str | None = None
    stop: bool = False


def do_sync(desk, now: dt.datetime, *, dry_run: bool, iids=(), quiet: bool = False, echo=click.echo,
            preflight: bool = False, redact=lambda text: text, by_issue: bool = False, texts: bool = False,
            progress: bool = False) -> Outcome:
    """Run one desk's sync and print it. Shared by `sync` (each desk of the run) and `demo`.

    ``preflight``: check that the token can write before the first write (see below).
    ``by_issue``: the demo's blocks (with every comment's text); otherwise the changes
    grouped by issue, with the comments' text when ``texts`` (``-v``). ``progress``: the
    progress bar or lines on stderr (:mod:`gl_cs.report.progress`)."""
    import contextlib

    from .gitlab.adapter import AbortRun, GitLabError, StopRun
    from .report.progress import Progress
    from .sync import SetupError, run_sync

    gitlab = desk.gitlab
    follow = Progress(gitlab) if progress else _Follow()

    def show_report(report) -> None:
        out = lambda text: echo(redact(text))  # noqa: E731
        if by_issue:
            render_by_issue(report, out, changes=not quiet)
        elif quiet:
            render(report, out, changes=False)
        else:
            render_grouped(report, out, texts=texts)

    def stop(message: str, code: int, *, run_stops: bool = False) -> Outcome:
        if run_stops:
            _shield_sigterm()
        click.echo(f"gl-cs: {redact(message)}", err=True)
        return Outcome(code, follow.report, redact(message), run_stops)

    # Preflight (issue 13): the adapter checks the token's scopes and role just before its
    # first write, so a sync with nothing to write (a dry run included) costs no extra
    # request. A failure raises AbortRun out of that write, before anything is sent.
    if preflight:
        gitlab.check_writes_lazily()
    try:
        with follow if progress else contextlib.nullcontext():
            with _following(follow):
                report = run_sync(desk, now, dry_run=dry_run, iids=list(iids) or None)
    except SetupError as exc:
        return stop(str(exc), 2)
    except AbortRun as exc:
        return stop(str(exc.error), 2)
    except StopRun as exc:  # the deadline, or GitLab not answering: a partial report
        partial = follow.report
        done = partial.issues_seen if partial is not None else 0
        total = getattr(gitlab, "issues_expected", None)
        left = (f"{total - done} of {total} issues were not checked" if total and total > done
                else "the issues not yet read were not checked")
        if partial is not None and not quiet:
            show_report(partial)
        return stop(f"{exc} after {done} issue{'' if done == 1 else 's'}; {left} (the next run checks them); "
                    f"the report says what was done", 1, run_stops=True)
    except Terminated as exc:
        return stop(f"stopped by {exc.signal_name} after {_progress(follow)}; the report says what was done", 143,
                    run_stops=True)
    except KeyboardInterrupt:
        return stop(f"interrupted after {_progress(follow)}; the report says what was done", 130, run_stops=True)
    except GitLabError as exc:
        return stop(str(exc), 1)
    except Exception as exc:  # a bug: still leave the report of what was done
        import traceback

        logging.getLogger("gl_cs").debug("the sync stopped:\n%s", redact(traceback.format_exc()))
        return stop(f"internal error ({exc.__class__.__name__}: {exc}) after {_progress(follow)}; "
                    f"please report it with `gl-cs -vv sync`", 1)
    show_report(report)
    return Outcome(report.exit_code, report)


class _Follow:
    """Keeps the run's report (a SyncReport observer), so a run stopped midway can still
    show what it did."""

    report = None

    def created(self, report) -> None:
        self.report = report

    def changed(self, report) -> None:
        self.report = report


@contextlib.contextmanager
def _following(observer):
    from .report import model

    if observer in model.OBSERVERS:  # Progress registers itself
        yield
        return
    model.OBSERVERS.append(observer)
    try:
        yield
    finally:
        if observer in model.OBSERVERS:
            model.OBSERVERS.remove(observer)


def _progress(follower) -> str:
    report = getattr(follower, "report", None)
    if report is None:
        return "0 issues"
    return f"{report.issues_seen} issues"


class Terminated(BaseException):
    """SIGTERM (a CI cancel or timeout) arrived: unwind the sync, then write the report."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signal_name = signal.Signals(signum).name


def _raise_terminated(signum, frame):
    raise Terminated(signum)


@cli.command()
@click.option("--dry-run", is_flag=True, help="Decide and print everything, write nothing.")
@click.option("--issue", "iids", type=click.IntRange(min=1), multiple=True, metavar="IID",
              help="Only these issues (repeatable); the same rules as a full sync. One desk only.")
@click.option("--report", "report_path", type=click.Path(),
              help="Also write the report as JSON to FILE, as the run goes (\"complete\": false until the end).")
@click.option("--record", "record_path", envvar="GL_CS_RECORD", default=".gl-cs/record.json", show_default=True,
              metavar="FILE", help="What gl-cs saw last run, to save reads (with several desks, one file per desk "
                                   "beside it); '' keeps none [env: GL_CS_RECORD].")
@_shard_option
@_verbosity_options
@pass_options
def sync(opts: Options, dry_run: bool, iids: tuple[int, ...], report_path: str | None, record_path: str,
         shard_text: str | None, sub_verbose: int, sub_quiet: int) -> None:
    """Reconcile every open issue (and recently closed ones) of each desk with rules.yml.

    Prints one line per change (issue, rule, what, why) and a count per rule; with several
    desks, each desk's under its name. --shard I/N (or a GitLab job's CI_NODE_INDEX of
    CI_NODE_TOTAL) works on that stable shard's desks only. Exit 0: done; 1: some issue or
    desk failed (the others were processed); 2: usage, configuration, connection or
    permission error (nothing written); 143: stopped by SIGTERM (the report says what was
    done)."""
    from .gitlab.adapter import GitLabError
    from .report.live import LiveReport
    from .report.run import RunReport

    _apply_verbosity(opts, sub_verbose, sub_quiet)
    settings = opts.load_desks()
    shard = resolve_shard(shard_text, quiet=opts.verbosity < 0)
    if iids and (settings.several or shard is not None):
        fail(f"--issue works on one desk, and {settings.source} names several: add --project ID|PATH")
    now = opts.now
    connection = _connect(opts, writes=not dry_run)
    run = RunReport(now=now, dry_run=dry_run, command="sync", shard=str(shard) if shard else None)
    opened: list = []
    live = None
    if report_path:
        live = LiveReport(report_path, extra={"clock": opts.clock(), "gl_cs_version": __version__},
                          progress=lambda: {"writes": sum(d.gitlab.writes_done for d in opened)},
                          redact=opts.redact, run=run)
        try:
            live.start({"now": now.isoformat(), "dry_run": dry_run, "project": str(settings.base.project),
                        "shard": run.shard})
        except OSError as exc:
            fail(f"cannot write the report to {report_path}: {exc.strerror or exc.__class__.__name__}")
    previous = _install_sigterm()
    try:
        try:
            factory, refs, selected = open_desks(opts, settings, connection, shard=shard, record_path=record_path,
                                                 raise_errors=True)
        except (GitLabError, Terminated, KeyboardInterrupt) as exc:
            _shield_sigterm()
            code = 2 if isinstance(exc, GitLabError) else 143 if isinstance(exc, Terminated) else 130
            message = opts.redact(str(exc)) if code == 2 else "stopped before the first request was answered"
            if live is not None:
                run.fatal = message
                run.own_requests = connection.requests_outside_desks
                live.finish(complete=False, fatal=message, exit_code=code)
            fail(message, code)
        run.desks_total = len(refs)
        stopped: Outcome | None = None
        errors: list[str] = []  # desks that did not reach the end of their run
        for index, ref in enumerate(selected, 1):
            desk = factory.open(ref)
            opened.append(desk)
            if len(selected) > 1:
                desk_header(desk, index, len(selected))
            result = run.start(ref.key, str(ref.project), ref.path)
            with _following(run):
                outcome = do_sync(desk, now, dry_run=dry_run, iids=iids, quiet=opts.verbosity < 0, preflight=True,
                                  redact=opts.redact, texts=opts.verbosity > 0, progress=True)
            result.code, result.error = outcome.code, outcome.error
            if outcome.error:
                errors.append(outcome.error if len(selected) == 1 else f"{ref.name}: {outcome.error}")
            run.own_requests = connection.requests_outside_desks
            if outcome.stop:
                stopped = outcome
                break
        _shield_sigterm()  # the run is over: finish printing and the report
        run.own_requests = connection.requests_outside_desks
        code = run.exit_code
        if len(selected) > 1:
            _say_run(run, selected, stopped)
        if live is not None:  # complete: every desk of the run reached the end of its run
            live.finish(complete=not errors, fatal=stopped.error if stopped else (errors[0] if errors else None),
                        exit_code=code)
    finally:
        _restore_sigterm(previous)
        if live is not None:
            live.stop()
    sys.exit(code)


def _say_run(run, selected, stopped) -> None:
    """The closing line of a run of several desks."""
    failed = [d for d in run.desks if d.as_dict()["exit_code"]]
    left = len(selected) - len(run.desks)
    parts = [f"{plural(len(run.desks), 'desk')} run", f"{len(failed)} failed"]
    if failed:
        parts[-1] += f" ({', '.join(d.path or d.project for d in failed)})"
    if left:
        parts.append(f"{left} not reached (stopped)")
    click.echo("gl-cs: " + "; ".join(parts) + f"; exit {run.exit_code}", err=True)


_NOT_INSTALLED = object()


def _install_sigterm():
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread
        return _NOT_INSTALLED
    return signal.SIG_DFL if previous is None else previous


def _shield_sigterm() -> None:
    """Once a run is over (or stopping), a second SIGTERM must not interrupt writing the
    report: from here on it is ignored, until the handler is restored."""
    try:
        if signal.getsignal(signal.SIGTERM) is _raise_terminated:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except ValueError:
        pass


def _restore_sigterm(previous) -> None:
    if previous is not _NOT_INSTALLED:
        try:
            signal.signal(signal.SIGTERM, previous)
        except ValueError:
            pass


@cli.command("merge-reports")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="REPORT...")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the merged report to FILE (default: stdout).")
def merge_reports(reports: tuple[str, ...], output: str | None) -> None:
    """Merge the JSON reports of several runs (the shards of one pipeline) into one run report.

    Each desk keeps its own entry; the totals are summed again. Exit 0: merged, every desk
    once; 1: merged, but a desk is reported twice or some are missing (a shard's report
    lost, or the shards of different sizes); 2: a report cannot be read."""
    import json

    from .report.run import MergeError, merge_files

    try:
        merged = merge_files(list(reports))
    except MergeError as exc:
        fail(str(exc))
    text = json.dumps(merged, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    total, found = merged.get("desks_total"), len(merged["desks"])
    missing = total is not None and found - len(merged["overlaps"]) < total
    problems = []
    if merged["overlaps"]:
        problems.append(f"reported twice: {', '.join(merged['overlaps'])}")
    if missing:
        problems.append(f"{total - (found - len(merged['overlaps']))} of {total} desks in no report")
    if not merged["complete"]:
        problems.append("a run did not complete")
    click.echo(f"gl-cs: merged {plural(len(reports), 'report')}: {plural(found, 'desk')}"
               + (f" of {total}" if total is not None else "") + f", {plural(len(merged['changes']), 'change')}, "
               f"{plural(merged['writes'], 'write')}; worst exit {merged['exit_code']}"
               + (f"; {'; '.join(problems)}" if problems else ""), err=True)
    sys.exit(1 if merged["overlaps"] or missing else 0)


@cli.command()
@_verbosity_options
@pass_options
def validate(opts: Options, sub_verbose: int, sub_quiet: int) -> None:
    """Check rules.yml; each mistake is printed as FILE:LINE: problem."""
    _apply_verbosity(opts, sub_verbose, sub_quiet)
    settings = opts.load_desks()
    config = settings.base
    from .config.desks import DeskRef
    from .render import check_templates

    folders = dict.fromkeys([config.templates_dir] + [settings.config_for(DeskRef(w)).templates_dir
                                                      for w in settings.overrides()])
    problems = [problem for folder in folders for problem in check_templates(folder)]
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(2)
    if settings.group is not None:
        desks = f"the projects of {settings.group.describe()} (listed when a run starts)"
    elif settings.several:
        desks = f"{len(settings.listed)} desks ({', '.join(r.name for r in settings.listed)})"
    else:
        desks = f"project {config.project}"
    own = f"; own settings for {', '.join(settings.overrides())}" if settings.overrides() else ""
    click.echo(f"{opts.config_path}: OK — {desks}{own}, {len(config.states)} workflow states, "
               f"{len(config.intake_fields)} intake fields")


@cli.command()
@click.option("--issues", "n_issues", default=30, show_default=True, help="How many requests to seed.")
@_verbosity_options
@pass_options
def demo(opts: Options, n_issues: int, sub_verbose: int, sub_quiet: int) -> None:
    """Run gl-cs on the built-in GitLab sandbox, in ten steps. No real GitLab needed;
    nothing leaves 127.0.0.1.

    \b
    1. sync --dry-run: what would change on each issue, and why
    2. sync: apply it
    3. sync again: nothing left to change
    4. rotate: this week's Triage SA in the SA Triaged label
    5. rotate again the same week: nothing to rename
    6. summary --print: the page the Triage SA reads before the call
    7. summary: posted on the week's triage issue
    8. summary again: the same comment, updated in place
    9. serve: an AE's edit reaches gl-cs as a webhook and is handled in seconds
    10. many desks: a second desk, two shards, one service for both

    The sandbox holds the requests asked for (--issues) plus the triage and onboarding
    situations the later steps need; titles marked [safety test] check that text people
    write is never run as a quick action or a mention."""
    from .gitlab.adapter import GitLab
    from .sandbox import Sandbox, seed_service_desk

    _apply_verbosity(opts, sub_verbose, sub_quiet)
    config = opts.load()
    now = opts.now
    with Sandbox() as sandbox:
        seeded = seed_service_desk(sandbox.store, now, n_issues=n_issues)
        from .sandbox.seed_triage import seed_triage

        seed_triage(sandbox.store, seeded["project_id"], now, triaged_label="SA Triaged - @chen.sa")
        from .sandbox.seed_onboarding import seed_onboarding

        seed_onboarding(sandbox.store, seeded["project_id"], now)
        project = seeded["project_path"]
        total = len(sandbox.store.issues(seeded["project_id"]))
        click.echo(f"Sandbox GitLab at {sandbox.url}, project {project}, clock {now.isoformat()}: "
                   f"{total} issues, the {n_issues} SA Activity requests asked for (--issues) and {total - n_issues} "
                   f"triage and onboarding situations (steps 4-9 need them); a sync checks the open ones and those "
                   f"closed within sync.closed_lookback_hours\n")
        gitlab = GitLab(sandbox.url, seeded["token"], project)
        from dataclasses import replace

        from .app.desk import Desk

        config = replace(config, project=project)
        desk = Desk.of(gitlab, config)  # kept across the three runs, as the webhook worker keeps it
        codes = []
        for title, dry in (("1. gl-cs sync --dry-run  (what would change, and why)", True),
                           ("2. gl-cs sync  (apply it)", False),
                           ("3. gl-cs sync  (again: nothing left to change)", False)):
            click.echo(click.style(title, bold=True))
            sandbox.requests.reset()
            codes.append(do_sync(desk, now, dry_run=dry, quiet=not dry and title.startswith("2"),
                                 by_issue=True, preflight=not dry).code)
            click.echo(f"   ({plural(sandbox.requests.total(), 'API request')}, "
                       f"{plural(sandbox.requests.writes(), 'write')})\n")
        from .commands.triage import demo_triage

        codes.append(demo_triage(sandbox, desk, now))
        from .commands.service import demo_webhook

        codes.append(demo_webhook(sandbox, seeded, config, now))
        from .commands.demo_desks import demo_desks

        codes.append(demo_desks(sandbox, seeded, Path(opts.config_path).read_text(encoding="utf-8"), now))
        from .act.writer import is_own_quick_action

        foreign = [qa for qa in sandbox.store.executed_quick_actions if not is_own_quick_action(qa[2])]
        click.echo(f"Quick actions run from what people wrote: {len(foreign)} (the seeded requests carry /close, "
                   f"/label and @all in titles, descriptions and quotes; gl-cs quotes them inert, so the only quick "
                   f"actions GitLab ran were gl-cs's own /label, /unlabel and /assign lines). Sandbox stopped.")
    sys.exit(max(codes))


@cli.command()
@click.option("--port", default=8080, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--issues", "n_issues", default=30, show_default=True, help="How many requests to seed (per desk).")
@click.option("--desks", "n_desks", default=1, show_default=True, type=click.IntRange(1, 5),
              help="How many desks: 1 is the SA Service Desk; 2 to 5 are regional desks of one group "
                   "(AMER, EMEA with its own roster and time zone, APAC, SMB, Public Sector).")
@_verbosity_options
@pass_options
def sandbox(opts: Options, port: int, n_issues: int, n_desks: int, sub_verbose: int, sub_quiet: int) -> None:
    """Keep the built-in GitLab sandbox running to explore and point gl-cs at."""
    _apply_verbosity(opts, sub_verbose, sub_quiet)
    from .sandbox import Sandbox, seed_service_desk

    now = opts.now
    if n_desks > 1:
        return _sandbox_of_desks(opts, port, n_issues, n_desks)
    with Sandbox(port=port) as sb:
        seeded = seed_service_desk(sb.store, now, n_issues=n_issues)
        from .sandbox.seed_onboarding import seed_onboarding
        from .sandbox.seed_triage import seed_triage

        seed_triage(sb.store, seeded["project_id"], now, triaged_label="SA Triaged - @chen.sa")
        seed_onboarding(sb.store, seeded["project_id"], now)
        from .sandbox.seed_history import seed_history

        seed_history(sb.store, seeded["project_id"], now)  # last month's history, for gl-cs report
        lead = seeded["manager_username"]
        click.echo(f"GitLab sandbox on {sb.url}  (project {seeded['project_path']})")
        click.echo(f"  export GITLAB_URL={sb.url} GITLAB_TOKEN={seeded['token']} "
                   f"GL_CS_PROJECT={seeded['project_path']}")
        click.echo("  gl-cs sync --dry-run   (also: gl-cs summary --print, gl-cs rotate --dry-run, gl-cs report)")
        _keep_running(lead, seeded["tokens"][lead])


def _keep_running(lead: str, lead_token: str) -> None:
    """The sandbox's last lines: the team lead's token, then serve until Ctrl-C."""
    import time

    click.echo(f"  {lead}, a Maintainer (for gl-cs hooks install): GITLAB_TOKEN={lead_token}")
    click.echo("Ctrl-C stops it.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped")


def _sandbox_of_desks(opts: Options, port: int, n_issues: int, n_desks: int) -> None:
    """`gl-cs sandbox --desks N`: N regional desks of the group sa-team, kept running."""
    from .sandbox import Sandbox
    from .sandbox.seed_desks import desks_yaml, seed_desks
    from .sandbox.seed_history import seed_history
    from .sandbox.seed_onboarding import seed_onboarding
    from .sandbox.seed_triage import seed_triage

    now = opts.now
    with Sandbox(port=port) as sb:
        seeded = seed_desks(sb.store, now, desks=n_desks, n_issues=n_issues)
        for desk in seeded["desks"]:
            seed_triage(sb.store, desk["project_id"], now, triaged_label="SA Triaged - @chen.sa")
            seed_onboarding(sb.store, desk["project_id"], now)
            seed_history(sb.store, desk["project_id"], now)
        paths = [d["project_path"] for d in seeded["desks"]]
        click.echo(f"GitLab sandbox on {sb.url}  ({n_desks} desks of group {seeded['group']}: {', '.join(paths)})")
        click.echo(f"  export GITLAB_URL={sb.url} GITLAB_TOKEN={seeded['token']}")
        click.echo("  in rules.yml, instead of its `project:` line (or `group: {path: sa-team, topic: "
                   f"{seeded['topic']}}}`):")
        for line in desks_yaml(paths).splitlines():
            click.echo(f"    {line}")
        click.echo("  gl-cs sync --dry-run   (also: --shard 1/2, gl-cs summary --print, gl-cs serve)")
        lead = seeded["manager_username"]
        _keep_running(lead, seeded["tokens"][lead])


from .commands.templates import templates as _templates  # noqa: E402  (commands in their own modules)
from .commands.init import init as _init  # noqa: E402
from .commands.triage import rotate, summary  # noqa: E402
from .commands.insights import report as _report  # noqa: E402

from .commands.service import register as _register_service  # noqa: E402

cli.add_command(rotate)
cli.add_command(summary)
cli.add_command(_report)
cli.add_command(_templates)
cli.add_command(_init)
_register_service(cli)


def _late_verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value and isinstance(ctx.find_object(Options), Options):
        opts = ctx.find_object(Options)
        _apply_verbosity(opts, value if param.name == "late_verbose" else 0, value if param.name == "late_quiet" else 0)


#: The global options that make sense after the subcommand too (`gl-cs validate --config my.yml`):
#: (flag, Options attribute, type, where the value is said to come from).
LATE_OPTIONS = (
    ("--config", "config_path", None, None),
    ("--project", "project", None, None),
    ("--now", "now_text", None, "now_source"),
    ("--gitlab-url", "gitlab_url", None, "url_source"),
    ("--token", "token", None, "token_source"),
    ("--gitlab", "gitlab_id", None, None),
    ("--timeout", "timeout", click.FloatRange(min=0.1), None),
    ("--deadline", "deadline", click.FloatRange(min=1), None),
)


LATE_METAVARS = {"--config": "FILE", "--project": "ID|PATH", "--now": "ISO8601", "--gitlab-url": "URL",
                 "--token": "TOKEN", "--gitlab": "NAME", "--timeout": "SECONDS", "--deadline": "SECONDS"}


def _late_global(ctx: click.Context, param: click.Parameter, value) -> None:
    """A global option given after the subcommand: it overrides the one before it."""
    opts = ctx.find_object(Options)
    if value is None or not isinstance(opts, Options):
        return
    flag, attr, _, source = next(o for o in LATE_OPTIONS if o[1] == param.name.removeprefix("late_"))
    setattr(opts, attr, value)
    if source:
        setattr(opts, source, flag)
    if attr == "now_text":
        opts._now = None


def _add_late_options(command: click.Command) -> None:
    """-v/-q and the global options of :data:`LATE_OPTIONS` after the subcommand, for
    every command (those kept in their own modules too)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _add_late_options(sub)
        return
    names = {p.name for p in command.params}
    if not names & {"sub_verbose", "late_verbose"}:
        command.params += [
            click.Option(["-v", "--verbose", "late_verbose"], count=True, expose_value=False,
                         callback=_late_verbosity, help="More logging (-vv for debug)."),
            click.Option(["-q", "--quiet", "late_quiet"], count=True, expose_value=False, callback=_late_verbosity,
                         help="Only errors and the summary."),
        ]
    taken = {opt for p in command.params for opt in getattr(p, "opts", ())}
    for flag, attr, kind, _ in LATE_OPTIONS:
        if flag in taken or f"late_{attr}" in names:
            continue
        command.params.append(click.Option([flag, f"late_{attr}"], type=kind, default=None, expose_value=False,
                                           callback=_late_global, metavar=LATE_METAVARS.get(flag, "TEXT"),
                                           help="Also accepted here: see `gl-cs --help`."))


def _add_late_verbosity(command: click.Command) -> None:  # the earlier name (tests, other modules)
    _add_late_options(command)


for _command in list(cli.commands.values()):
    _add_late_options(_command)


def main() -> None:
    from .gitlab.adapter import StopRun

    try:
        cli(prog_name="gl-cs")
    except StopRun as exc:  # rotate, summary, templates: the deadline or a GitLab that stopped answering
        click.echo(f"gl-cs: {exc}; stopped", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
