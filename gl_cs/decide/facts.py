"""Facts about one issue, as the issue sweep left it: what project rules see.

Project rules (the triage summary, the rotation, issues opened from templates) look at
the whole project after the sweep. They get one compact fact per issue, never the
issue bodies, so the pass costs no request of its own and little memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class IssueFact:
    iid: int
    title: str
    state: str  # "opened" | "closed"
    labels: tuple[str, ...]  # after this sync's changes
    workflow: str | None  # the workflow state key after this sync ("backlog", ...), None without one
    assignees: tuple[str, ...]  # usernames, after this sync's changes
    author: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    due_date: dt.date | None = None
    web_url: str = ""
    kind: str = "other"  # "request" (an SA Activity request), "opened" (gl-cs opened it), "action_items"
    key: str | None = None  # the hidden key of an issue gl-cs opened
    missing: tuple[str, ...] = ()  # request fields still missing (titles)
    event_at: dt.datetime | None = None  # the earliest upcoming requested event
    changed_by: tuple[str, ...] = ()  # rules that changed or said something this sync
    findings: tuple[str, ...] = ()  # what rules found for a person to look at
    examined: bool = False  # unchanged since gl-cs last looked at it (its record)
    # When the issue entered its current workflow state, from the label history the sweep
    # already had (read for a rule, or kept in the record); None when it was not read.
    state_since: dt.datetime | None = None
    did: tuple[str, ...] = ()  # what gl-cs changed or said on it this sync ("rule: what")
    # Kinds (rules.yml ``kinds``): (name, value) pairs, e.g. ("role", "request" | "checklist" |
    # "session" | "renewal" | "sa_activity"), ("customer", ...), ("start", ISO date),
    # ("segment", ...), ("next_due", ISO date), ("overdue", "ISO date|step"), see
    # ``gl_cs.decide.request._read_kind_fields`` and ``gl_cs.parse.kinds.pairs``.
    kind_fields: tuple[tuple[str, str], ...] = ()
    mentions: tuple[int, ...] = ()  # issue numbers (#IID) its description mentions
    links: tuple[int, ...] = ()  # issues linked to it, when the sync read them (not yet)
    # "rule:key" of the hidden markers in gl-cs's own comments on it, when the sync knew its
    # comments (read, from the record, or none at all); None when it did not.
    said: tuple[str, ...] | None = None

    def field(self, name: str, default: str = "") -> str:
        """The first value of a kind field."""
        return next((v for k, v in self.kind_fields if k == name), default)

    def fields(self, name: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.kind_fields if k == name)
