"""Which kind of issue this is, and the SA Activity request inside it (read once per
description, cached)."""

from __future__ import annotations

from functools import lru_cache

from ..config import Config
from ..markers import markers_in
from ..parse.fields import FieldDef, ParsedRequest, parse_request
from ..read.snapshot import Issue

# The kinds of issue rules apply to (``Rule.kinds``).
REQUEST = "request"  # an SA Activity request written by a person
OPENED = "opened"  # an issue gl-cs opened itself (a checklist, a triage issue): hidden key
ACTION_ITEMS = "action_items"  # the team's own to-do issues
OTHER = "other"  # anything else in the desk (rules.yml narrowed what a request is)
ALL_KINDS = (REQUEST, OPENED, ACTION_ITEMS, OTHER)


@lru_cache(maxsize=256)
def _parse(description: str, fields: tuple, placeholders: tuple, boxes: tuple | None, unsure: str) -> ParsedRequest:
    defs = [FieldDef(key=f.key, title=f.title, synonyms=tuple(f.synonyms)) for f in fields]
    return parse_request(description, defs, list(placeholders), boxes, unsure=unsure)


def read_request(issue: Issue, config: Config) -> ParsedRequest:
    return _parse(issue.description or "", config.intake_fields, config.intake_placeholders,
                  config.intake_template_checkboxes, config.intake_unsure)


def created_key(issue: Issue) -> str | None:
    """The hidden key of an issue gl-cs opened (``<!-- gl-cs:create:KEY -->``), else None."""
    for rule, key in markers_in(issue.description or ""):
        if rule == "create":
            return key
    return None


def issue_kind(issue: Issue, ctx) -> str:
    """An issue gl-cs opened (its author is gl-cs; those it opens from templates also
    carry a hidden key) is never a request; nor is an SA Action Items issue. Everything else in the SA
    Service Desk is a request, unless rules.yml narrows it to issues with a label or with
    the template's marker text."""
    cfg = ctx.config
    if ctx.is_bot(issue.author):
        return OPENED
    if any(cfg.state_of(l) is not None and cfg.state_of(l).key == "action_items" for l in issue.labels):
        return ACTION_ITEMS
    applies = cfg.intake_applies_to
    if applies == "all":
        return REQUEST
    kind, value = applies
    if kind == "label":
        return REQUEST if value in issue.labels else OTHER
    return REQUEST if value in (issue.description or "") else OTHER


def is_request(issue: Issue, ctx) -> bool:
    """Is this open issue an SA Activity request? (see :func:`issue_kind`)"""
    return issue_kind(issue, ctx) == REQUEST


def issue_facts(issue: Issue, plan, ctx):
    """The compact fact project rules see for ``issue`` after ``plan``."""
    from .facts import IssueFact

    cfg = ctx.config
    labels = tuple(l for l in issue.labels if l not in plan.remove_labels) + tuple(
        l for l in plan.add_labels if l not in issue.labels)
    assignees = plan.assignees if plan.assignees is not None else issue.assignees
    present = cfg.workflow_labels(labels)
    kind = issue_kind(issue, ctx)
    missing: tuple[str, ...] = ()
    event_at = None
    if kind == REQUEST and issue.is_open:
        titles = {f.key: f.title for f in cfg.intake_fields}
        missing = tuple(titles[k] for k in read_request(issue, cfg).missing)
        from .rules.expedite import next_event

        found = next_event(issue, ctx)
        event_at = found.start if found else None
    changed = tuple(dict.fromkeys(a.rule for a in plan.actions if a.__class__.__name__ != "Finding"))
    findings = tuple(a.describe() for a in plan.findings)
    workflow = cfg.state_of(present[0]).key if len(present) == 1 else None
    return IssueFact(
        iid=issue.iid, title=issue.title, state=issue.state, labels=labels,
        workflow=workflow,
        assignees=tuple(u.username for u in assignees), author=issue.author.username if issue.author else None,
        created_at=issue.created_at, updated_at=issue.updated_at, due_date=issue.due_date, web_url=issue.web_url,
        kind=kind, key=created_key(issue) if kind == OPENED else None, missing=missing, event_at=event_at,
        changed_by=changed, findings=findings, state_since=_state_since(issue, plan, workflow, ctx),
        did=_did(issue, plan))


def _state_since(issue: Issue, plan, workflow: str | None, ctx):
    """When the issue entered ``workflow``: now when this sync moves it there, else the
    latest label event that added that state, when the history is known (no request)."""
    if workflow is None:
        return None
    cfg = ctx.config
    if any(cfg.state_of(l) is not None and cfg.state_of(l).key == workflow for l in plan.add_labels):
        return ctx.now
    if issue.label_events is None:
        return None
    added = [e for e in issue.label_events if e.action == "add" and cfg.state_of(e.label) is not None
             and cfg.state_of(e.label).key == workflow]
    return max((e.created_at for e in added), default=None)


def _did(issue: Issue, plan) -> tuple[str, ...]:
    """What gl-cs changed on the issue this sync, and the comments it had not said before
    (as far as the comments read so far tell)."""
    from ..markers import has_marker, latest_key
    from .actions import Comment, Finding

    bodies = [n.body for n in issue.notes] if issue.notes is not None else []
    out = []
    for action in plan.actions:
        if isinstance(action, Finding):
            continue
        if isinstance(action, Comment):
            said = (latest_key(bodies, action.rule, action.scope) == action.key if action.scope is not None
                    else has_marker(bodies, action.rule, action.key))
            if said:
                continue
        out.append(f"{action.rule}: {action.describe()}")
    return tuple(dict.fromkeys(out))
