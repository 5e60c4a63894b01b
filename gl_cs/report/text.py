"""Print a sync for people: one line per change, then the findings, failures and counts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from .model import Entry, SyncReport


def line(entry: Entry) -> str:
    where = f"#{entry.iid:<5}" if entry.iid else "project"  # a project action: no one issue
    return f"{where:<6} {entry.rule:<22} {entry.what} — {entry.why}"


def render(report: SyncReport, echo: Callable[[str], None], *, changes: bool = True) -> None:
    if changes:
        for entry in report.changes:
            echo(line(entry))
    for entry in report.findings:
        echo(f"needs a look: {line(entry)}")
    for entry in report.failures:
        echo(f"FAILED #{entry.iid}: {entry.why}")
    if report.fatal:
        echo(f"ERROR: {report.fatal}")
    summary(report, echo)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 write``, ``2 writes``, ``0 issues``."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def summary(report: SyncReport, echo: Callable[[str], None]) -> None:
    """The closing count line, with plain words: a change is one thing gl-cs sets right on
    an issue (a label, an assignee, a comment); a write is one API request that changes
    GitLab, and one write can carry several changes (a comment with its quick actions)."""
    changes = len(report.changes)
    per_rule = ", ".join(f"{rule}: {n}" for rule, n in sorted(report.counts.items())) or "no changes"
    if report.dry_run:
        mode = "dry run, nothing written"
        if report.planned_writes:
            mode += f" (a real run would make {plural(report.planned_writes, 'write')})"
    else:
        mode = plural(report.writes, "write")
    checked = f"{plural(report.issues_seen, 'issue')} checked; " if report.swept else ""
    echo(f"{checked}{plural(changes, 'change')} ({per_rule}); {len(report.findings)} to look at; "
         f"{len(report.failures)} failed; {mode}.")
    writes = report.planned_writes if report.dry_run else report.writes
    if writes and writes != changes:
        echo(f"({plural(changes, 'change')} in {plural(writes, 'write')}: a write is one API request that "
             f"changes GitLab, and one comment or edit can carry several changes.)")


def render_grouped(report: SyncReport, echo: Callable[[str], None], *, texts: bool = False) -> None:
    """`gl-cs sync` for a person to review: the changes grouped by issue, in issue order
    (not GitLab's list order), then the counts. ``texts``: the full text of every comment
    gl-cs posts (or would post), indented under its change (``-v``)."""
    _issue_blocks(report, echo, texts=texts, changes=True,
                  failed="FAILED #{iid}", finding="needs a look")
    if report.fatal:
        echo(f"ERROR: {report.fatal}")
    summary(report, echo)


def write_json(report: SyncReport, path: str | Path) -> None:
    Path(path).write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")


_MARKER = re.compile(r"\s*<!-- gl-cs:[^>]*-->\s*")


def _people(report: SyncReport) -> dict[int, list[Entry]]:
    """The issues a person has to look at: findings and failures, by issue."""
    out: dict[int, list[Entry]] = {}
    for entry in [*report.findings, *report.failures]:
        out.setdefault(entry.iid, []).append(entry)
    return out


def _issue_blocks(report: SyncReport, echo: Callable[[str], None], *, texts: bool,
                  changes: bool, failed: str, finding: str) -> dict[int, list[Entry]]:
    """One block per issue, in issue order: its changes (with the text of each comment
    when ``texts``), then what a person has to look at. Returns those, by issue."""
    people = _people(report)
    by_issue: dict[int, list[Entry]] = {}
    if changes:
        for entry in report.changes:
            by_issue.setdefault(entry.iid, []).append(entry)
    for iid in sorted(set(by_issue) | set(people)):
        entries = by_issue.get(iid, [])
        url = next((e.url for e in entries + people.get(iid, []) if e.url), "")
        echo((f"#{iid}" if iid else "project (not one issue)") + (f"  {url}" if url else ""))
        for entry in entries:
            echo(f"    {entry.rule:<22} {entry.what} — {entry.why}")
            if texts:
                for text_line in _MARKER.sub("\n", entry.text).strip().splitlines():
                    echo(f"        │ {text_line}".rstrip())
        for entry in people.get(iid, []):
            if entry in report.failures:
                echo(f"    {failed.format(iid=iid)}: {entry.why}")
            else:
                echo(f"    {finding} ({entry.rule}): {entry.what} — {entry.why}")
    return people


def render_by_issue(report: SyncReport, echo: Callable[[str], None], *, changes: bool = True) -> None:
    """For people reading a run (the demo): one block per issue, in issue order, with
    the text of each comment gl-cs posts indented under it, and a plain list of the
    issues that need a person at the end."""
    people = _issue_blocks(report, echo, texts=True, changes=changes,
                           failed="FAILED", finding="needs a person")
    if report.fatal:
        echo(f"ERROR: {report.fatal}")
    if people:
        echo("Needs a person: " + ", ".join(f"#{iid}" for iid in sorted(people))
             + " (gl-cs cannot settle these on its own).")
    else:
        echo("Needs a person: none.")
    summary(report, echo)
