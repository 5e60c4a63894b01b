"""workflow.transitions: a person moves an issue only along the allowed workflow.

Handbook 002, "Labels": an issue is moved to SA Triaged "once the activity has been
vetted by the SA team, approved, and SA Ownership is assigned", and to SA Doing
"once an SA signals they are actively working" it. rules.yml lists which state may
follow which; a person's move outside that list (e.g. SA Backlog straight to SA
Doing) is a violation: reported, explained in one comment to whoever applied the
label, and with ``on_violation: revert`` also moved back.

Only moves made within ``sync.recent_hours`` are checked (label history is read for
recently updated issues only), and only on an issue that changed since gl-cs last
examined it (its record); moves made by gl-cs itself never are.
"""

from __future__ import annotations

import datetime as dt

from ...read.snapshot import Issue
from ...text.safe import addressing, label_name
from ..actions import Action, AddLabel, Comment, Finding, RemoveLabel
from ..context import Context
from ..history import latest_add, state_before
from .base import Rule

NAME = "workflow.transitions"


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    present = cfg.workflow_labels(issue.labels)
    if len(present) != 1:
        return []
    window_start = ctx.now - dt.timedelta(hours=cfg.recent_hours)
    if issue.updated_at is not None and issue.updated_at < window_start:
        return []
    if issue.examined:
        return []  # gl-cs already looked at the issue exactly as it is: no move since
    current = present[0]
    if current in issue.planned_labels:
        return []  # gl-cs adds it in this very sync: nobody moved it
    events = ctx.events(issue)
    added = latest_add(events, [current], ctx, people_only=False)
    if added is None or not ctx.is_person(added.user) or added.created_at < window_start:
        return []
    dst = cfg.state_of(current)
    src = state_before(events, added, cfg)
    if src is None or cfg.allows(src, dst.key):
        return []
    src_label = ctx.label_for(src)
    allowed = sorted(cfg.transitions.get(src, ()))
    allowed_text = ", ".join(f"**{label_name(ctx.label_for(k))}**" for k in allowed) or "nothing"
    why = f"{added.user.username} moved it from '{src_label}' to '{current}', which rules.yml does not allow"
    # Never revert into a state that needs an assignee the issue no longer has: that
    # would fight the assignee rule. Then the move is only explained.
    revert = cfg.on_violation == "revert" and (not cfg.state(src).needs_assignee or bool(issue.assignees))
    who = addressing(added.user)
    src_md, cur_md = label_name(src_label), label_name(current)
    body = (f"{who}this request moved from **{src_md}** to **{cur_md}**, but the SA workflow goes from "
            f"**{src_md}** only to {allowed_text}.")
    body += (f" gl-cs moved it back to **{src_md}**." if revert else
             " Please move it along the workflow, or ask the Triage SA.")
    actions: list[Action] = [Finding(NAME, why, text=f"transition {src_label} -> {current} by {added.user.username}"),
                             Comment(NAME, why, key=f"event-{added.id}", body=body,
                                     summary=f"to {added.user.username}: explains the allowed moves")]
    if revert:
        actions = [RemoveLabel(NAME, why, label=current), AddLabel(NAME, why, label=src_label)] + actions
    return actions


RULE = Rule(NAME, decide, doc=__doc__ or "")
