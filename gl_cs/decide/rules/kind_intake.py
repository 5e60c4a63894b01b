"""kind_intake: a Customer Onboarding or Live Optimization request says what the issue
to open needs before gl-cs opens it.

Handbook 001 / 000 and DOMAIN.md sections 2 and 3: a checklist is counted "from the start
date"; a Live Optimization session is "for SMB customers, 1-2 months after signing". So
the checklist needs the customer and the start date; the session needs the customer, the
signing date and the segment (or the number of employees). Nothing else is required: an
optional field that is missing shows as "not given" in the opened issue, and a request of
these kinds is never asked for SA Activity fields.

As intake does for SA Activity requests: a request with a required field missing goes to
SA Waiting with one comment to its author naming exactly what is missing (a new one only
when that list changes); once the AE adds them, a request gl-cs itself put in SA Waiting
goes back to the state it had before, with one short comment. A person's own SA Waiting is
left alone, and only requests in ``intake.states`` are moved.

A complete Live Optimization request has its comments read (from the record when nothing
changed), so the ``live_optimization`` project rule knows whether it already explained why
the request does not qualify.
"""

from __future__ import annotations

import hashlib

from ...markers import latest_key
from ...parse.kinds import LIVE_OPTIMIZATION, ONBOARDING, read_kind
from ...read.snapshot import Issue
from ...render import Trusted, render
from ...text.safe import mention
from ..actions import Action, AddLabel, Comment, RemoveLabel
from ..context import Context
from ..history import latest_add, state_before
from ..request import LIVE_OPTIMIZATION_REQUEST, ONBOARDING_REQUEST, issue_kind
from .base import Rule

NAME = "kind_intake"

HINTS = {
    "customer": "the customer's name (and the Salesforce link, if you have it)",
    "start_date": "the closed-won / start date, e.g. 14 Mar 2026",
    "signing_date": "the date the customer signed, e.g. 2026-04-02",
    "segment": "the number of employees (e.g. 80 employees) or the segment (SMB, Mid-Market, ...)",
}
WHAT = {ONBOARDING: ("Customer Onboarding", "on-boarding checklist"),
        LIVE_OPTIMIZATION: ("Live Optimization", "Live Optimization session")}


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    kind = {ONBOARDING_REQUEST: ONBOARDING, LIVE_OPTIMIZATION_REQUEST: LIVE_OPTIMIZATION}.get(issue_kind(issue, ctx))
    if kind == LIVE_OPTIMIZATION and not read_kind(issue.description, kind, cfg, ctx.now).missing:
        ctx.bot_notes(issue)  # so the project rule knows what it said about eligibility (facts.said)
    waiting = next((s.key for s in cfg.states if s.key == "waiting"), None)
    present = cfg.workflow_labels(issue.labels)
    if kind is None or waiting is None or len(present) != 1:
        return []
    state = cfg.state_of(present[0])
    if state.key not in cfg.intake_states:
        return []
    read = read_kind(issue.description, kind, cfg, ctx.now)
    titles = read.titles
    waiting_label = ctx.label_for(waiting)
    if read.missing:
        names = [titles.get(k, "Segment" if k == "segment" else k) for k in read.missing]
        why = "the request is missing " + ", ".join(names)
        actions: list[Action] = []
        if state.key != waiting:
            actions += [RemoveLabel(NAME, why, label=present[0]), AddLabel(NAME, why, label=waiting_label)]
        try:
            who = Trusted(mention(issue.author.username) + " ") if issue.author else Trusted("")
        except ValueError:
            who = Trusted("")
        kind_title, opens = WHAT[kind]
        body = render("kind_missing.md.j2", {
            "who": who, "kind_title": kind_title, "opens": opens,
            "missing": [{"title": n, "hint": HINTS.get(k, "see the template")} for k, n in zip(read.missing, names)],
        }, cfg.templates_dir)
        digest = hashlib.sha1("|".join(sorted(read.missing)).encode()).hexdigest()[:10]
        author = issue.author.username if issue.author else "the author"
        actions.append(Comment(NAME, why, key=f"missing-{digest}", body=body, scope="",
                               summary=f"to {author}: asks for " + ", ".join(names)))
        return actions
    if state.key != waiting:
        return []
    said = latest_key([n.body for n in ctx.bot_notes(issue)], NAME)
    if not (said or "").startswith("missing-"):
        return []  # gl-cs never asked (or already said thanks): not this rule's to undo
    events = ctx.events(issue)
    entered = latest_add(events, [present[0]], ctx, people_only=False)
    if entered is None or not ctx.is_bot(entered.user):
        return []  # a person put it in SA Waiting: their call
    previous = state_before(events, entered, cfg)
    if previous is None or previous == waiting or cfg.state(previous).needs_assignee and not issue.assignees:
        previous = cfg.default_state
    back = ctx.label_for(previous)
    why = f"the request has what gl-cs needs now; back to '{back}'"
    body = render("kind_complete.md.j2", {"state": back}, cfg.templates_dir)
    return [RemoveLabel(NAME, why, label=present[0]), AddLabel(NAME, why, label=back),
            Comment(NAME, why, key=f"complete-{said[len('missing-'):]}", body=body, scope="",
                    summary="thanks the author; request complete")]


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(ONBOARDING_REQUEST, LIVE_OPTIMIZATION_REQUEST))
