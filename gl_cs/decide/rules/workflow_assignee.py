"""workflow.assignee: SA Triaged and SA Doing need an assignee.

Handbook 002, "Labels": SA Triaged means "SA Ownership is assigned"; SA Doing means
"an SA signals they are actively working the Issue". So an issue in either state
has an assignee. When the person who applied the label may be assigned (a project
member; ``workflow.assignable: roster`` narrows it to the SA roster), they took
the work and are assigned. Otherwise the issue goes back to the state it had
before, with one comment to that person explaining the rule.
"""

from __future__ import annotations

from ...read.snapshot import Issue
from ...text.safe import addressing, label_name
from ..actions import Action, AddLabel, Comment, RemoveLabel, SetAssignees
from ..context import Context
from ..history import going_back, latest_add
from .base import Rule

NAME = "workflow.assignee"


REPORTER = 20  # GitLab's access level that can see confidential issues


def _eligible(user, issue: Issue, ctx: Context) -> bool:
    """May gl-cs assign ``user``? A project member (the SA roster with ``assignable: roster``)
    who can see the issue: GitLab silently drops an assignee who cannot (a Guest on a
    confidential issue), and one it already dropped is not tried again."""
    if user is None or ctx.is_bot(user) or user.id in issue.refused_assignees:
        return False
    if ctx.config.assignable == "roster" and user.username not in ctx.config.roster:
        return False
    level = next((m.access_level for m in ctx.members if m.id == user.id), None)
    return level is not None and (not issue.confidential or level >= REPORTER)


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    present = cfg.workflow_labels(issue.labels)
    if len(present) != 1 or issue.assignees:
        return []
    current = present[0]
    state = cfg.state_of(current)
    if not state.needs_assignee:
        return []
    events = ctx.events(issue)
    added = latest_add(events, [current], ctx) or latest_add(events, [current], ctx, people_only=False)
    user = added.user if added else None
    if _eligible(user, issue, ctx):
        return [SetAssignees(NAME, f"{user.username} applied '{current}' and so took the work", assignees=(user,))]

    back = ctx.label_for(going_back(events, added, cfg, has_assignee=False))
    who_text = user.username if user else "someone"
    whom = "the SA roster" if cfg.assignable == "roster" else "project members"
    hidden = user is not None and (user.id in issue.refused_assignees or issue.confidential and any(
        m.id == user.id and m.access_level < REPORTER for m in ctx.members))
    if hidden:
        why = f"'{current}' needs an assignee and GitLab would not assign {who_text}, who cannot see the issue"
        rule_text = "and GitLab does not assign someone who cannot see the issue"
    else:
        why = f"'{current}' needs an assignee and {who_text} cannot be assigned (only {whom} can)"
        rule_text = f"and gl-cs can only assign {whom}"
    who = addressing(user) if ctx.is_person(user) else ""
    cur_md, back_md = label_name(current), label_name(back)
    body = (f"{who}**{cur_md}** means an SA owns this request, so it needs an assignee, {rule_text}. "
            f"It moved the request back to **{back_md}**. To take it, assign yourself "
            f"(or ask the Triage SA) and apply **{cur_md}** again.")
    # Keyed on a person's label event; never on gl-cs's own (their ids may be unknown yet).
    key = f"event-{added.id}" if added and ctx.is_person(added.user) else f"no-owner-{current}"
    return [RemoveLabel(NAME, why, label=current), AddLabel(NAME, why, label=back),
            Comment(NAME, why, key=key, body=body, summary=(f"to {who_text}: " if who else "")
                    + "explains who may take the request")]


RULE = Rule(NAME, decide, doc=__doc__ or "")
