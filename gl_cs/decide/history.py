"""Reading an issue's label history (resource label events). Pure functions."""

from __future__ import annotations

from typing import Iterable

from ..config import Config
from ..read.snapshot import LabelEvent
from .context import Context


def latest_add(events: Iterable[LabelEvent], labels: Iterable[str], ctx: Context,
               people_only: bool = True) -> LabelEvent | None:
    """The most recent event that added one of ``labels`` (by a person, unless people_only=False)."""
    wanted = set(labels)
    best = None
    for e in events:
        if e.action == "add" and e.label in wanted and (not people_only or ctx.is_person(e.user)):
            if best is None or (e.created_at, e.id) >= (best.created_at, best.id):
                best = e
    return best


def state_before(events: Iterable[LabelEvent], event: LabelEvent, config: Config) -> str | None:
    """The workflow state the issue had just before ``event``: the one present then, else
    the one removed last before it (a move made in two edits); None when it never had one.

    Events written by one request share a timestamp (a board move removes one label and
    adds another at once), so only events strictly earlier than ``event`` count."""
    present: dict[str, LabelEvent] = {}
    for e in sorted(events, key=lambda x: (x.created_at, x.id)):
        if e.created_at >= event.created_at:
            break
        if e.action == "add":
            present[e.label] = e
        elif e.action == "remove":
            present.pop(e.label, None)
    current = config.state_of(event.label)
    candidates = [(e.created_at, e.id, config.state_of(l)) for l, e in present.items()
                  if config.state_of(l) is not None and config.state_of(l) != current]
    if candidates:
        return max(candidates, key=lambda c: (c[0], c[1]))[2].key
    # No state just before: a move made in two edits (untick SA Backlog, tick SA Doing a
    # minute later) left the state removed last; an issue that never had one has none.
    for e in sorted(events, key=lambda x: (x.created_at, x.id), reverse=True):
        if e.created_at >= event.created_at or e.action != "remove":
            continue
        state = config.state_of(e.label)
        if state is not None and state != current:
            return state.key
    return None


def going_back(events: Iterable[LabelEvent], event: LabelEvent | None, config: Config, *,
               has_assignee: bool, avoid: tuple[str, ...] = ()) -> str:
    """Where an issue goes back to: the state it had just before ``event``, unless there
    was none, it is one of ``avoid``, or it needs an assignee the issue does not have;
    then the default state."""
    previous = state_before(events, event, config) if event is not None else None
    if previous is None or previous in avoid or (config.state(previous).needs_assignee and not has_assignee):
        return config.default_state
    return previous
