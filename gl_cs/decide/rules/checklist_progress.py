"""checklist_progress: while an on-boarding checklist is open, it says when a step is
overdue and keeps its due date on the next unticked step.

Handbook 001, "Customer On-boarding Checklist": each step has its timing from the start
("Personal introduction — (2-5 days)", "Installation follow-up — (7-10 days)", ...); the
checklist gl-cs opens writes each step's due date next to it.

* A step that becomes overdue while the checklist is open (due after the day it was
  opened, before today, not ticked) gets one comment to the assignee (each step once, by
  its hidden key; several at once share one note). Steps already past when the checklist
  was opened are not.
* The issue's due date follows the next unticked step: planned as ``SetDueDate`` once
  ``gl_cs.decide.actions`` has that per-issue action (until then nothing is planned).
Applies to checklists gl-cs opened (hidden key ``onboarding:...:checklist``) and to
checklists made by hand (the kind's label and the checklist's shape) whose tasks carry
ISO dates.
"""

from __future__ import annotations

import zoneinfo

from ...read.snapshot import Issue
from ...render import Trusted, render
from ...text.safe import mention
from ..accounts.checklist import next_open
from ..actions import Action, Comment, SetDueDate
from ..context import Context
from ..request import OPENED, OTHER, checklist_tasks, created_key
from .base import Rule

NAME = "checklist_progress"


def is_checklist(issue: Issue, ctx: Context) -> bool:
    key = created_key(issue) if ctx.is_bot(issue.author) else None
    if key is not None:
        return key.startswith("onboarding:") and key.endswith(":checklist")
    spec = ctx.config.kind("onboarding")
    return spec is not None and spec.label in issue.labels


def decide(issue: Issue, ctx: Context) -> list[Action]:
    if not ctx.config.kinds or not is_checklist(issue, ctx):
        return []
    found = checklist_tasks(issue, ctx.config)
    if not found:
        return []
    zone = zoneinfo.ZoneInfo(ctx.config.timezone)
    today = ctx.now.astimezone(zone).date()
    opened = issue.created_at.astimezone(zone).date() if issue.created_at else None
    out: list[Action] = []
    nxt = next_open(found)
    if nxt is not None and nxt.due != issue.due_date:
        out.append(SetDueDate(NAME, f"the next unticked step, {nxt.title}, is due {nxt.due}", due_date=nxt.due))
    try:
        who = Trusted(mention(issue.assignees[0].username) + " ") if issue.assignees else Trusted("")
    except ValueError:
        who = Trusted("")
    for task in found:
        if task.done or task.due is None or task.due >= today or (opened is not None and task.due < opened):
            continue
        body = render("checklist_overdue.md.j2", {"who": who, "step": task.title, "due": task.due},
                      ctx.config.templates_dir)
        out.append(Comment(NAME, f"step '{task.title}' was due {task.due}", key=f"overdue-{task.due}-{task.title}",
                           body=body, summary=f"step {task.title} overdue since {task.due}"))
    return out


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(OPENED, OTHER))
