"""What one sync did: changes per issue and rule, findings, failures, counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..decide.actions import Comment, Finding, Plan


@dataclass(frozen=True)
class Entry:
    iid: int
    rule: str
    what: str
    why: str
    url: str = ""

    def as_dict(self) -> dict:
        return {"issue": self.iid, "rule": self.rule, "what": self.what, "why": self.why, "url": self.url}


def entries(plan: Plan, posted: list[Comment]) -> tuple[list[Entry], list[Entry]]:
    """The changes and the findings of one plan. A comment that was already there
    (found by its marker) is not a change."""
    posted_ids = {id(c) for c in posted}
    changes, findings = [], []
    for action in plan.actions:
        entry = Entry(plan.iid, action.rule, action.describe(), action.why, plan.web_url)
        if isinstance(action, Finding):
            findings.append(entry)
        elif not isinstance(action, Comment) or id(action) in posted_ids:
            changes.append(entry)
    return changes, findings


@dataclass
class SyncReport:
    now: dt.datetime
    dry_run: bool
    project: str
    changes: list[Entry] = field(default_factory=list)
    findings: list[Entry] = field(default_factory=list)
    failures: list[Entry] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    issues_seen: int = 0
    writes: int = 0
    labels_created: list[str] = field(default_factory=list)
    fatal: str | None = None

    def add_plan(self, plan: Plan, posted: list[Comment]) -> list[Entry]:
        """Record one issue's plan; returns its change entries (for live printing)."""
        changes, findings = entries(plan, posted)
        self.changes.extend(changes)
        self.findings.extend(findings)
        for entry in changes:
            self.counts[entry.rule] += 1
        return changes

    def add_project_action(self, action) -> Entry:
        """Record one project-level action (an issue opened, a summary posted, ...)."""
        entry = Entry(getattr(action, "iid", 0) or 0, action.rule, action.describe(), action.why)
        self.changes.append(entry)
        self.counts[entry.rule] += 1
        return entry

    def add_failure(self, iid: int, message: str) -> None:
        self.failures.append(Entry(iid, "-", "failed", message))

    @property
    def exit_code(self) -> int:
        return 1 if (self.fatal or self.failures) else 0

    def as_dict(self) -> dict:
        return {
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "project": self.project,
            "issues_seen": self.issues_seen,
            "writes": self.writes,
            "labels_created": self.labels_created,
            "changes": [e.as_dict() for e in self.changes],
            "findings": [e.as_dict() for e in self.findings],
            "failures": [e.as_dict() for e in self.failures],
            "counts": dict(sorted(self.counts.items())),
            "fatal": self.fatal,
            "exit_code": self.exit_code,
        }
