"""Run the rules on one issue and fold their actions into one plan. Pure: no I/O."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..read.snapshot import Issue
from .actions import Action, AddLabel, Plan, RemoveLabel, SetAssignees, SetDueDate
from .context import Context
from .request import issue_kind
from .rules import RULES, Rule


class UnmanagedLabelError(AssertionError):
    """A rule tried to change a label gl-cs does not manage: a bug, never applied."""


def _project(issue: Issue, action: Action) -> Issue:
    if isinstance(action, AddLabel) and action.label not in issue.labels:
        return replace(issue.with_labels(issue.labels + (action.label,)),
                       planned_labels=issue.planned_labels + (action.label,))
    if isinstance(action, RemoveLabel) and action.label in issue.labels:
        return issue.with_labels(tuple(l for l in issue.labels if l != action.label))
    if isinstance(action, SetAssignees):
        return issue.with_assignees(action.assignees)
    if isinstance(action, SetDueDate):
        return replace(issue, due_date=action.due_date)
    return issue


def decide_issue(issue: Issue, ctx: Context, rules: Sequence[Rule] = RULES) -> Plan:
    """Every rule in order, each seeing the issue as the earlier rules left it.

    Raises ``MissingData`` when a rule needs label events or members not read yet."""
    projected = issue
    actions: list[Action] = []
    kind = issue_kind(issue, ctx)
    for rule in rules:
        if issue.state not in rule.states or (rule.kinds is not None and kind not in rule.kinds):
            continue
        for action in rule.decide(projected, ctx):
            if isinstance(action, (AddLabel, RemoveLabel)) and not ctx.config.managed(action.label):
                raise UnmanagedLabelError(f"rule {action.rule} tried to change unmanaged label {action.label!r}")
            projected = _project(projected, action)
            actions.append(action)

    added = tuple(l for l in projected.labels if l not in issue.labels)
    removed = tuple(l for l in issue.labels if l not in projected.labels)
    before = {u.id for u in issue.assignees}
    after = {u.id for u in projected.assignees}
    # Only report label actions whose effect survives the later rules.
    shown = [a for a in actions
             if not (isinstance(a, AddLabel) and a.label not in added)
             and not (isinstance(a, RemoveLabel) and a.label not in removed)
             and not (isinstance(a, SetAssignees) and before == after)
             and not (isinstance(a, SetDueDate) and projected.due_date == issue.due_date)]
    return Plan(iid=issue.iid, web_url=issue.web_url, actions=shown, add_labels=added, remove_labels=removed,
                assignees=projected.assignees if before != after else None, notes=issue.notes,
                due_date=projected.due_date if projected.due_date != issue.due_date else False)
