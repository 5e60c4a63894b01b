"""``gl-cs templates install [--dry-run]``: commit the issue templates AEs fill in
(``issue_templates/*.md``) into the project's ``.gitlab/issue_templates/`` through the
repository files API: each file is created or updated, its diff shown first; nothing is
written for a file that is already identical. ``SA_Activity.md`` is installed as
``SA Activity.md`` (the template's name in GitLab's "Choose a template" list)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

import click

from ..decide.actions import CommitFile
from ..report.text import plural

# The package's link to the top-level issue_templates/ (shipped with the package).
SOURCE = Path(__file__).resolve().parents[1] / "issue_templates"
TARGET = ".gitlab/issue_templates"


def planned_files(source: Path = SOURCE) -> list[tuple[str, str]]:
    """(repository path, content) of every template to install, by name."""
    if not source.is_dir():
        raise click.ClickException(f"no issue templates found in {source}")
    return [(f"{TARGET}/{p.stem.replace('_', ' ')}.md", p.read_text(encoding="utf-8"))
            for p in sorted(source.glob("*.md"))]


def install(gitlab, writer, *, echo: Callable[[str], None] = click.echo, source: Path = SOURCE,
            branch: str = "") -> int:
    """Show each template's diff and commit the changed ones through ``writer`` (the dry
    writer commits nothing); returns how many differ."""
    changed = 0
    for path, content in planned_files(source):
        current = gitlab.read_file(path, branch or None)
        if current == content:
            echo(f"{path}: unchanged")
            continue
        changed += 1
        old = (current or "").splitlines(keepends=True)
        diff = difflib.unified_diff(old, content.splitlines(keepends=True),
                                    fromfile=f"a/{path}" if current is not None else "/dev/null",
                                    tofile=f"b/{path}")
        made = "created" if current is None else "updated"
        echo(f"{path}: {writer.tense(made, 'would be ' + made)}")
        for line in diff:
            echo(line.rstrip("\n"))
        writer.execute(CommitFile("templates", "issue template from gl-cs", path=path, content=content,
                                  message=f"gl-cs templates install: {path}", branch=branch))
    return changed


@click.group()
def templates() -> None:
    """The issue templates AEs fill in (SA Activity, Customer Onboarding, Live Optimization)."""


@templates.command("install")
@click.option("--dry-run", is_flag=True, help="Show the diffs, commit nothing.")
@click.option("--branch", default="", metavar="BRANCH", help="Commit to BRANCH (default: the default branch; "
                                                              "GitLab reads templates only from the default branch).")
@click.pass_obj
def install_command(opts, dry_run: bool, branch: str) -> None:
    """Commit issue_templates/*.md into each desk's .gitlab/issue_templates/."""
    from ..act.writer import writer_class
    from ..gitlab.adapter import GitLabError
    from .triage import open_run

    settings, shard, factory, refs, selected = open_run(opts, writes=not dry_run)
    codes = []
    for ref in selected:
        desk = factory.open(ref)
        if len(selected) > 1:
            click.echo(click.style(f"== {desk.name} ==", bold=True))
        writer = writer_class(dry_run)(desk.gitlab, is_bot=lambda user: False)
        try:
            changed = install(desk.gitlab, writer, branch=branch)
        except GitLabError as exc:  # a connection, token or permission problem (an install is all or nothing
            click.echo(f"gl-cs: {opts.redact(str(exc))}", err=True)  # per file: a file either committed or not)
            codes.append(2 if exc.status in (None, 401, 403, 404) else 1)
            continue
        codes.append(0)
        click.echo(f"{plural(changed, 'template')} {writer.tense('changed', 'would change')}" if changed
                   else "all templates are up to date")
    from ..report.run import exit_code

    raise SystemExit(exit_code(codes))
