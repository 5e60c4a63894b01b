"""workflow.state: an open issue is in exactly one workflow state.

Handbook 002, "Labels": SA Backlog holds "new issues coming into the SA" team;
each of SA Backlog / SA Triaged / SA Doing / SA Waiting / SA Action Items is a
state, so an open issue carries exactly one of them.

* no workflow label: add the default state (SA Backlog);
* several: the one a person added most recently wins, the others are removed.
"""

from __future__ import annotations

from ...read.snapshot import Issue
from ..actions import Action, AddLabel, RemoveLabel
from ..context import Context
from ..history import latest_add
from .base import Rule

NAME = "workflow.state"


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    present = cfg.workflow_labels(issue.labels)
    if not present:
        label = ctx.label_for(cfg.default_state)
        return [AddLabel(NAME, f"it had no workflow label; new requests start in '{label}'", label=label)]
    if len(present) == 1:
        return []
    events = ctx.events(issue)
    winner_event = latest_add(events, present, ctx) or latest_add(events, present, ctx, people_only=False)
    if winner_event is not None:
        winner = winner_event.label
        who = winner_event.user.username if winner_event.user else "someone"
        reason = f"'{winner}' is the workflow label {who} added most recently"
    else:  # no history at all: keep the state furthest along the workflow
        order = [s.key for s in cfg.states]
        winner = max(present, key=lambda l: order.index(cfg.state_of(l).key))
        reason = f"no label history; kept '{winner}', the state furthest along the workflow"
    return [RemoveLabel(NAME, f"an issue is in one workflow state at a time: {reason}", label=l)
            for l in present if l != winner]


RULE = Rule(NAME, decide, doc=__doc__ or "")
