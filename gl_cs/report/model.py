"""What one sync did: changes per issue and rule, findings, failures, counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..decide.actions import Comment, Finding, Plan

#: Followers of every SyncReport created while they are registered (see ``report.live``):
#: each gets ``created(report)`` and, after every recorded issue, ``changed(report)``.
OBSERVERS: list[Any] = []


@dataclass(frozen=True)
class Entry:
    iid: int
    rule: str
    what: str
    why: str
    url: str = ""
    text: str = ""  # the comment gl-cs posts, for a comment

    def as_dict(self) -> dict:
        data = {"issue": self.iid, "rule": self.rule, "what": self.what, "why": self.why, "url": self.url}
        if self.text:
            data["text"] = self.text
        return data


def entries(plan: Plan, posted: list[Comment]) -> tuple[list[Entry], list[Entry]]:
    """The changes and the findings of one plan. A comment that was already there
    (found by its marker) is not a change."""
    posted_ids = {id(c) for c in posted}
    changes, findings = [], []
    for action in plan.actions:
        entry = Entry(plan.iid, action.rule, action.describe(), action.why, plan.web_url,
                      action.body if isinstance(action, Comment) else "")
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
    requests: int = 0  # GitLab requests this run sent (reads, writes and retries)
    descriptions_read: int = 0  # issue texts parsed this run (an unchanged one is not: the record has its reading)
    labels_created: list[str] = field(default_factory=list)
    fatal: str | None = None
    #: False for a run without the sweep (`gl-cs rotate`): no issue was meant to be checked.
    swept: bool = True
    #: Writes the run made, or (dry run) would make; ``writes`` is what GitLab accepted.
    planned_writes: int = 0

    def __post_init__(self) -> None:
        for observer in list(OBSERVERS):
            observer.created(self)

    def _changed(self) -> None:
        for observer in list(OBSERVERS):
            observer.changed(self)

    def add_plan(self, plan: Plan, posted: list[Comment]) -> list[Entry]:
        """Record one issue's plan; returns its change entries (for live printing)."""
        changes, findings = entries(plan, posted)
        self.changes.extend(changes)
        self.findings.extend(findings)
        for entry in changes:
            self.counts[entry.rule] += 1
        self._changed()
        return changes

    def add_project_action(self, action) -> Entry:
        """Record one project-level action (an issue opened, a summary posted, ...)."""
        entry = Entry(getattr(action, "iid", 0) or 0, action.rule, action.describe(), action.why)
        self.changes.append(entry)
        self.counts[entry.rule] += 1
        return entry

    def add_failure(self, iid: int, message: str) -> None:
        self.failures.append(Entry(iid, "-", "failed", message))
        self._changed()

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
            "requests": self.requests,
            "descriptions_read": self.descriptions_read,
            "labels_created": self.labels_created,
            "changes": [e.as_dict() for e in self.changes],
            "findings": [e.as_dict() for e in self.findings],
            "failures": [e.as_dict() for e in self.failures],
            "counts": dict(sorted(self.counts.items())),
            "fatal": self.fatal,
            "exit_code": self.exit_code,
        }
