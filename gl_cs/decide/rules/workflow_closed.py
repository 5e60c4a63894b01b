"""workflow.closed: a closed issue loses its workflow labels.

Handbook 002, "Labels": SA Doing stays "until the SA and AE agree the Issue has
been completed" (the issue is closed); after that the request is no longer in
the SA queue, so its workflow label goes and label counts show the live queue.
``workflow.closed_issues: keep`` turns this off.
"""

from __future__ import annotations

from ...read.snapshot import Issue
from ..actions import Action, RemoveLabel
from ..context import Context
from .base import Rule

NAME = "workflow.closed"


def decide(issue: Issue, ctx: Context) -> list[Action]:
    if ctx.config.closed_issues != "remove_workflow_labels":
        return []
    return [RemoveLabel(NAME, "the issue is closed, so it is no longer in the SA queue", label=l)
            for l in ctx.config.workflow_labels(issue.labels)]


RULE = Rule(NAME, decide, states=("closed",), doc=__doc__ or "")
