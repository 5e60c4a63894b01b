"""Print a sync for people: one line per change, then the findings, failures and counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from .model import Entry, SyncReport


def line(entry: Entry) -> str:
    return f"#{entry.iid:<5} {entry.rule:<22} {entry.what} — {entry.why}"


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
    mode = "dry run, nothing written" if report.dry_run else f"{report.writes} writes"
    per_rule = ", ".join(f"{rule}: {n}" for rule, n in sorted(report.counts.items())) or "no changes"
    echo(f"{report.issues_seen} issues checked; {len(report.changes)} changes ({per_rule}); "
         f"{len(report.findings)} to look at; {len(report.failures)} failed; {mode}.")


def write_json(report: SyncReport, path: str | Path) -> None:
    Path(path).write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
