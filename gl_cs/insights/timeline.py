"""One request's workflow state over time, from its label events. Pure functions.

The state after each event is the workflow label present that was added most recently (as
``workflow.state`` keeps it); none present: no state. Events written in one request share a
timestamp and count in their order (GitLab writes the adds before the removes). An issue
closed is ``closed`` from ``closed_at`` on. An issue whose label history was not needed
(nothing changed since before the period) is in the state of its labels throughout.
Labels are matched to states with ``Config.state_of``, so a renamed ``SA Triaged - @dara.sa``
is still SA Triaged.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..config import Config
from ..read.snapshot import Issue

CLOSED = "closed"


def current_state(labels, cfg: Config) -> str | None:
    """The state of a set of labels without their history: the one workflow label, else the
    state furthest along the workflow (as ``workflow.state`` decides without history)."""
    present = cfg.workflow_labels(labels)
    if not present:
        return None
    order = [s.key for s in cfg.states]
    return max((cfg.state_of(l).key for l in present), key=order.index)


def changes(issue: Issue, cfg: Config) -> list[tuple[dt.datetime, str | None]]:
    """(when, state) each time the state changed, the first at the issue's creation."""
    start = issue.created_at or dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    if issue.label_events is None:
        out = [(start, current_state(issue.labels, cfg))]
    else:
        out = [(start, None)]
        present: dict[str, int] = {}
        for order, e in enumerate(sorted(issue.label_events, key=lambda e: (e.created_at, e.id))):
            if cfg.state_of(e.label) is None:
                continue
            if e.action == "add":
                present[e.label] = order
            elif e.action == "remove":
                present.pop(e.label, None)
            state = cfg.state_of(max(present, key=present.__getitem__)).key if present else None
            if state != out[-1][1]:
                out.append((max(start, e.created_at), state))
    if issue.state == CLOSED and issue.closed_at is not None:
        out = [c for c in out if c[0] < issue.closed_at] + [(issue.closed_at, CLOSED)]
    return out


def intervals(issue: Issue, cfg: Config, until: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime, str | None]]:
    """(from, to, state) up to ``until``."""
    found = changes(issue, cfg)
    for (t, state), nxt in zip(found, found[1:] + [(None, None)]):
        stop = min(nxt[0], until) if nxt[0] is not None else until
        if t < stop:
            yield t, stop, state


def state_at(issue: Issue, cfg: Config, t: dt.datetime) -> str | None:
    """The state at ``t`` (``closed`` once closed; None before creation or without one)."""
    current = None
    for when, state in changes(issue, cfg):
        if when >= t:
            break
        current = state
    return current


def first_entered(issue: Issue, cfg: Config, state: str) -> dt.datetime | None:
    """When a label of ``state`` was first added, by anyone (None: never, or no history)."""
    if issue.label_events is None:
        return None
    found = [e.created_at for e in issue.label_events if e.action == "add" and cfg.state_of(e.label) is not None
             and cfg.state_of(e.label).key == state]
    return min(found, default=None)


def time_in(issue: Issue, cfg: Config, state: str, since: dt.datetime, until: dt.datetime) -> float:
    """Seconds spent in ``state`` between ``since`` and ``until``."""
    return sum((min(b, until) - max(a, since)).total_seconds() for a, b, s in intervals(issue, cfg, until)
               if s == state and b > since)
