"""``gl-cs init``: write a commented rules.yml for the desk gl-cs is pointed at, from the
project's labels, members and issue templates (as gitlab-triage's ``--init`` writes a
starting policy file). Reads only; never overwrites a file without ``--force``."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("path", default="rules.yml", metavar="[FILE]")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_obj
def init(opts, path: str, force: bool) -> None:
    """Write a commented rules.yml (FILE, default ./rules.yml) for the desk --project names.

    Reads the project's labels (the workflow labels it has, e.g. "SA Backlog" or a weekly
    "SA Triaged - @ana.sa"), its members (the roster: Developers and up) and its issue
    templates' names; writes nothing to GitLab. Then: gl-cs validate, gl-cs sync --dry-run."""
    from ..cli import _connect, fail
    from ..config import ConfigError
    from ..config.load import parse_config
    from ..config.starter import build
    from ..gitlab.adapter import GitLabError

    target = Path(path)
    if target.exists() and not force:
        fail(f"{path} exists; gl-cs init never overwrites a file (pass --force to replace it, or name another "
             f"file: gl-cs init my-desk.yml)")
    if not opts.project:
        fail("which desk? pass --project group/path (or set GL_CS_PROJECT)")
    gitlab = _connect(opts, writes=False).adapter(opts.project)
    try:
        bot = gitlab.check_connection()
        labels = [l["name"] for l in gitlab.labels()]
        members = [(m.username, m.access_level) for m in gitlab.members()]
        try:
            templates = gitlab.issue_template_names()
        except GitLabError as exc:  # an older GitLab, or no repository: the rest still helps
            click.echo(f"gl-cs: note: the issue templates could not be listed ({exc})", err=True)
            templates = []
    except GitLabError as exc:
        fail(opts.redact(str(exc)))
    starter = build(project=str(opts.project), labels=labels, members=members, templates=templates,
                    bot=bot.username, today=opts.now.date(), url=gitlab.url)
    try:
        parse_config(starter.text, name=target.name)
    except ConfigError as exc:  # a bug in init, never a file that gl-cs itself would refuse
        fail("the rules.yml init wrote does not validate, please report it:\n" + "\n".join(exc.problems), 1)
    try:
        target.write_text(starter.text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc.__class__.__name__}")
    click.echo(f"wrote {path} for {opts.project}")
    for state, label in starter.picked.items():
        click.echo(f"  {state:<13} {label}")
    if starter.missing:
        click.echo(f"  not in the project (gl-cs creates them on the first sync): {', '.join(starter.missing)}")
    click.echo(f"  roster ({len(starter.roster)}): {', '.join(starter.roster) or 'none found: add the SAs'}")
    click.echo(f"  issue templates: {', '.join(starter.templates) or 'none (gl-cs templates install adds them)'}")
    click.echo(f"next: gl-cs --config {path} validate, then gl-cs --config {path} sync --dry-run")
    sys.exit(0)
