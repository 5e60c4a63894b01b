"""``gl-cs serve`` and ``gl-cs hooks install`` (registered on the ``cli`` group in cli.py)."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from typing import NoReturn

import click

from ..cli import Options, _apply_verbosity, _connect, _verbosity_options, parse_now, pass_options

DEFAULT_JOURNAL = ".gl-cs/webhook-journal.db"
SECRET_ENV = "GL_CS_WEBHOOK_SECRET"
HEALTH_ENV = "GL_CS_HEALTH_TOKEN"

log = logging.getLogger("gl_cs.service")


def _stop(message: str) -> "NoReturn":
    """One line on stderr, exit 2: nothing was started."""
    click.echo(f"gl-cs serve: {message}", err=True)
    sys.exit(2)


def _journal(spec: str, *, check: bool = False):
    from ..service.journal import JournalError, open_journal

    try:
        return open_journal(spec, check=check)
    except JournalError as exc:
        _stop(str(exc))


def _port_problem(host: str, port: int) -> str | None:
    """Is the port free? (A probe that is closed at once: the port itself is opened only
    once every other check passed.)"""
    import socket

    if port == 0:
        return None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="GL_CS_HOST",
              help="Address to listen on (0.0.0.0 for every interface) [env: GL_CS_HOST].")
@click.option("--port", default=8080, show_default=True, envvar="GL_CS_PORT", type=int,
              help="Port (0: any free port; the chosen one is printed) [env: GL_CS_PORT].")
@click.option("--journal", "journal_path", envvar=["GL_CS_JOURNAL_URL", "GL_CS_JOURNAL"], default=DEFAULT_JOURNAL,
              show_default=True, metavar="PATH|URL",
              help="Where accepted events wait: a SQLite file (a path or sqlite:///path; one instance) or "
                   "postgresql://user:password@host/db (several instances share it) "
                   "[env: GL_CS_JOURNAL_URL, GL_CS_JOURNAL].")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads; inside one instance an issue always goes to the same one.")
@click.option("--lease", default=30.0, show_default=True, type=click.FloatRange(min=0.5), metavar="SECONDS",
              help="How long a worker holds an issue without renewing it; a dead instance's issues come back "
                   "after this [env: GL_CS_LEASE].", envvar="GL_CS_LEASE")
@click.option("--insecure", is_flag=True, help=f"Run without {SECRET_ENV} (accept any caller). Tests only.")
@click.option("--list-parked", is_flag=True, help="Print the events that kept failing (JSON lines) and exit.")
@click.option("--requeue-parked", is_flag=True, help="Give the parked events another round of attempts and exit.")
@_verbosity_options
@pass_options
def serve(opts: Options, host: str, port: int, journal_path: str, workers: int, lease: float, insecure: bool,
          list_parked: bool, requeue_parked: bool, sub_verbose: int, sub_quiet: int) -> None:
    """Run the webhook service: GitLab's issue and comment events, acted on in seconds.

    POST /webhook (Issue Hook, Note Hook, Work Item Hook), GET /healthz, GET /metrics,
    GET /parked. Every accepted event is stored in the journal before GitLab gets its
    200 and processed afterwards by the same rules as `gl-cs sync --issue IID`; each
    change is logged as `gl-cs sync` prints it. The secret token comes from
    GL_CS_WEBHOOK_SECRET, the monitoring token from GL_CS_HEALTH_TOKEN (never from the
    command line). Exit 2 with one line when something is wrong at start-up."""
    _apply_verbosity(opts, sub_verbose, sub_quiet)
    if list_parked or requeue_parked:
        journal = _journal(journal_path)
        try:
            if requeue_parked:
                click.echo(f"requeued {journal.requeue_parked()} parked event(s)")
            else:
                for p in journal.parked():
                    click.echo(json.dumps(p.__dict__))
        finally:
            journal.close()
        return

    secret = os.environ.get(SECRET_ENV) or None
    if secret is None and not insecure:
        _stop(f"{SECRET_ENV} is not set; refusing to accept webhooks from anyone (set it to the hook's secret "
              f"token, or pass --insecure for a local test)")
    if secret is None:
        click.echo("gl-cs serve: WARNING: --insecure: any caller can post events", err=True)
    health_token = os.environ.get(HEALTH_ENV) or None

    from ..app.desk import Connection, DeskFactory
    from ..gitlab.adapter import GitLabError
    from ..service.process import WorkerSpec
    from ..service.server import Service
    from ..service.worker import Backoff, utc_now

    settings = opts.load_desks()
    connection = _connect(opts)  # says clearly what is missing before anything starts
    pinned = parse_now(opts.now_text) if opts.now_text else None
    now = (lambda: pinned) if pinned else utc_now
    # Start-up checks, each one line and exit 2, before the port is opened: the journal
    # (writable, room, not corrupted, the right schema), the port, GitLab (the token, each desk).
    journal = _journal(journal_path, check=True)
    try:
        busy = _port_problem(host, port)
        if busy:
            _stop(f"cannot listen on {host}:{port}: {busy}; choose another --port")
        try:
            connection.instance.check_connection()
            desks = _served_desks(settings, connection)
        except GitLabError as exc:
            _stop(opts.redact(str(exc)))
    except SystemExit:
        journal.close()
        raise

    checks = Connection(opts.gitlab_url, opts.token, max_retries=2, timeout=10)  # no --deadline: it runs for days
    make_gitlab = checks.fresh  # the health check's GET /user, afresh

    verbosity = opts.verbosity
    spec = WorkerSpec(gitlab_url=opts.gitlab_url, token=opts.token, config=settings.base, journal_path=journal_path,
                      shards=workers, pinned_now=pinned, backoff=Backoff(), poll=1.0, labels_ttl=300.0,
                      log_level=logging.getLogger("gl_cs").getEffectiveLevel(), log_changes=verbosity >= 0,
                      lease=lease, settings=settings, desks=desks)
    logging.getLogger("gl_cs.changes").setLevel(logging.INFO if verbosity >= 0 else logging.WARNING)
    factory = DeskFactory(settings, checks)  # (the worker process opens its own: WorkerSpec.settings, .desks)
    service = Service(settings.base, make_gitlab, journal=journal, projects={pid: ref.path for pid, ref in desks.items()},
                      make_desk=lambda pid: factory.open(desks[pid]), secret=secret, health_token=health_token,
                      host=host, port=port, shards=workers, now=now, lease=lease, worker_process=spec,
                      refuse_other_projects=getattr(settings, "group", None) is None)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        service.start()
    except OSError as exc:  # the port was taken meanwhile (or is not ours to use): one line, nothing started
        service.journal.close()
        _stop(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port")
    served = ", ".join(f"{ref.path} (id {pid})" for pid, ref in desks.items())
    click.echo(f"gl-cs serve: listening on {service.url} ({'project' if len(desks) == 1 else 'desks'} {served}; "
               f"journal {service.journal.where})", err=True)
    sys.stderr.flush()
    try:
        stop.wait()
    finally:
        click.echo("gl-cs serve: stopping (finishing runs in progress; the rest stays in the journal)", err=True)
        service.stop()


def _served_desks(settings, connection) -> dict:
    """Every desk the service serves, by project id (one ``GET /projects/:id`` for each desk
    rules.yml names, none for a group's projects, whose listing gave both: events name the
    project by id, which survives a rename or a move). A desk that cannot be read
    (deleted, no access) is said and left out; none at all is an error."""
    from dataclasses import replace

    from ..app.desk import DeskFactory
    from ..gitlab.adapter import GitLabError

    factory = DeskFactory(settings, connection)
    desks: dict = {}
    problems = []
    for ref in factory.refs():
        if ref.project_id is not None and ref.path:  # a group's project: its listing said both
            pid, path = ref.project_id, ref.path
            if pid in desks:
                continue
            desks[pid] = ref
            continue
        try:
            pid, path = connection.adapter(ref.project_id or ref.project).project_identity()
        except GitLabError as exc:
            if not settings.several:
                raise
            problems.append(str(exc))
            click.echo(f"gl-cs serve: desk {ref.name} is not served: {exc}", err=True)
            continue
        if pid in desks:
            raise GitLabError(f"{settings.source} names project {path} (id {pid}) twice: as {desks[pid].project} "
                              f"and as {ref.project}", None)
        desks[pid] = replace(ref, project_id=pid, path=path)
    if not desks:
        raise GitLabError("no desk can be served: " + "; ".join(problems) if problems
                          else f"{settings.source} names no desk (an empty group?)", None)
    return desks


@click.group()
def hooks() -> None:
    """Manage the project webhook that feeds `gl-cs serve`."""


@hooks.command("install")
@click.option("--url", "hook_url", envvar="GL_CS_WEBHOOK_URL", required=True, metavar="URL",
              help="Where GitLab reaches `gl-cs serve`, e.g. https://gl-cs.example.com/webhook "
                   "[env: GL_CS_WEBHOOK_URL].")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option("--update-secret", is_flag=True,
              help="Also set the secret token on an existing hook (GitLab never shows it back).")
@pass_options
def hooks_install(opts: Options, hook_url: str, dry_run: bool, update_secret: bool) -> None:
    """Register (or fix) the webhook on every desk: issue and comment events (confidential
    ones too), nothing else, SSL verification on, secret token from GL_CS_WEBHOOK_SECRET.
    For a `group:` whose every project is a desk (subgroups: true, no topic or name), one
    hook on the group when the token may (the group's Owner; a Premium feature), else one
    on each desk. Does nothing where the hook is already right."""
    from ..act.writer import writer_class
    from ..cli import open_desks
    from ..report.run import exit_code
    from ..service.hooks import HookError, install

    secret = os.environ.get(SECRET_ENV)
    if not secret:
        click.echo(f"gl-cs hooks install: {SECRET_ENV} is not set; a hook without a secret would let anyone "
                   f"post events", err=True)
        sys.exit(2)
    from urllib.parse import urlsplit

    parts = urlsplit(hook_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        click.echo(f"gl-cs hooks install: --url '{hook_url}' is not an http(s) URL of gl-cs serve, "
                   f"e.g. https://gl-cs.example.com/webhook", err=True)
        sys.exit(2)
    settings = opts.load_desks()
    connection = _connect(opts)
    _, refs, selected = open_desks(opts, settings, connection, check=False)

    def say(plan, where: str = "") -> None:
        prefix = "would " if dry_run and plan.action != "none" else ""
        click.echo(where + prefix + plan.describe(hook_url))

    group = settings.group
    if group is not None and group.subgroups and not group.filtered:
        gitlab = connection.instance
        try:
            plan = install(gitlab, hook_url, secret, writer=writer_class(dry_run)(gitlab, is_bot=lambda u: False),
                           update_secret=update_secret, group=group.group)
            say(plan, f"group {group.group} (every desk, and projects added to it later): ")
            return
        except HookError as exc:
            if exc.status not in (403, 404):
                click.echo(f"gl-cs hooks install: {exc}", err=True)
                sys.exit(2)
            click.echo(f"gl-cs hooks install: no hook on group {group.group} ({exc}); one on each desk instead",
                       err=True)
    codes = []
    for ref in selected:
        gitlab = connection.adapter(ref.project_id if ref.project_id is not None else ref.project)
        try:
            plan = install(gitlab, hook_url, secret, writer=writer_class(dry_run)(gitlab, is_bot=lambda u: False),
                           update_secret=update_secret)
        except HookError as exc:  # nothing written on this desk: a connection, token or permission problem
            click.echo(f"gl-cs hooks install: {ref.name + ': ' if settings.several else ''}{exc}", err=True)
            codes.append(2)
            continue
        say(plan, f"{ref.name}: " if settings.several else "")
        codes.append(0)
    sys.exit(exit_code(codes))


def register(group: click.Group) -> None:
    """cli.py: ``from .commands.service import register as _service; _service(cli)``."""
    group.add_command(serve)
    group.add_command(hooks)


if __name__ == "__main__":  # `python -m gl_cs.commands.service ... serve` until cli.py registers it
    from ..cli import cli

    register(cli)
    cli(prog_name="gl-cs")


def demo_webhook(sandbox, seeded: dict, config, now, *, echo=click.echo, limit: float = 20.0) -> int:
    """The webhook part of `gl-cs demo`: `gl-cs serve` on 127.0.0.1, its hook registered by
    the team lead (`gl-cs hooks install`), then an AE's edit in the sandbox reaches gl-cs
    as GitLab's webhook and is handled within seconds. Returns an exit code."""
    import secrets
    import tempfile
    import time
    from pathlib import Path

    from ..gitlab.adapter import GitLab
    from ..service.hooks import HookError, install
    from ..service.server import Service

    project = seeded["project_path"]
    pid = seeded["project_id"]
    store = sandbox.store
    secret = secrets.token_hex(16)  # for this demo only; never printed
    echo(click.style("9. gl-cs serve  (webhooks: an AE's edit handled within seconds)", bold=True))
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(config, lambda: GitLab(sandbox.url, seeded["token"], project),
                          journal=Path(tmp) / "journal.db", secret=secret, port=0, shards=1, poll=0.05,
                          now=lambda: now).start()
        try:
            lead = seeded["manager_username"]
            try:
                plan = install(GitLab(sandbox.url, seeded["tokens"][lead], project), service.url + "/webhook", secret)
            except HookError as exc:
                echo(f"   hooks install failed: {exc}")
                return 1
            echo(f"   {lead}: gl-cs hooks install -> {plan.describe(service.url + '/webhook')}")
            target = next((i for i in store.issues(pid) if i["state"] == "opened" and "SA Backlog" in i["labels"]),
                          None)
            if target is None:
                echo("   (no request in SA Backlog to edit)")
                return 0
            author = target["author"]["username"]
            ae = author if author in seeded["tokens"] else seeded["ae_usernames"][0]
            sandbox.requests.reset()
            store.api_update_issue(pid, target["iid"], store.user(ae)["id"], {"remove_labels": ["SA Backlog"]})
            echo(f"   {ae} removes 'SA Backlog' from #{target['iid']}; GitLab sends an Issue Hook to gl-cs ...")
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and "SA Backlog" not in store.issue(pid, target["iid"])["labels"]:
                time.sleep(0.05)
            store.deliveries.flush(5)
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and not service.worker.idle():
                time.sleep(0.05)
            back = "SA Backlog" in store.issue(pid, target["iid"])["labels"]
            events = store.deliveries.events()
            echo(f"   #{target['iid']} is back in 'SA Backlog': {'yes' if back else 'no'}; "
                 f"{len(events)} webhook(s) delivered (gl-cs's own edit came back and was ignored); "
                 f"journal {service.journal.counts()}")
            echo(f"   ({sandbox.requests.total()} API requests, {sandbox.requests.writes()} writes)\n")
            return 0 if back else 1
        finally:
            service.stop()
