"""kind_intake: a Customer Onboarding or Live Optimization request says what the issue
to open needs before gl-cs opens it.

Handbook 001 / 000 and DOMAIN.md sections 2 and 3: a checklist is counted "from the start
date"; a Live Optimization session is "for SMB customers, 1-2 months after signing". So
the checklist needs the customer and the start date; the session needs the customer, the
signing date and the segment (or the number of employees). Nothing else is required: an
optional field that is missing shows as "not given" in the opened issue, and a request of
these kinds is never asked for SA Activity fields.

As intake does for SA Activity requests (both through ``gl_cs.decide.waiting``): a request
with a required field missing goes to SA Waiting with one comment to its author naming
exactly what is missing (a new one only when that list changes); once the AE adds them, a
request gl-cs itself put in SA Waiting goes back to the state it had before, with one short
comment. A person's own SA Waiting is left alone, a person who took the request out of
gl-cs's SA Waiting is not overruled, and only requests in ``intake.states`` are moved.

A complete request has its comments read (from the record when nothing changed), so the
project rules know what gl-cs already said (why a Live Optimization does not qualify, a
question about an earlier checklist) and what the AE answered.
"""

from __future__ import annotations

from ...parse.kinds import LIVE_OPTIMIZATION, ONBOARDING
from ...read.snapshot import Issue
from ...render import Trusted, render
from ...text.safe import addressing
from ..actions import Action
from ..context import Context
from ..request import LIVE_OPTIMIZATION_REQUEST, ONBOARDING_REQUEST, issue_kind, kind_reading
from ..waiting import ask, back_when_complete, fresh, waiting_key
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
    if kind is not None and not kind_reading(issue, kind, cfg, ctx.now).missing:
        # so the project rules know what gl-cs said (a Live Optimization's reasons, a question
        # about an earlier checklist) and what the AE answered (facts.said, answer:...)
        ctx.bot_notes(issue)
    present = cfg.workflow_labels(issue.labels)
    if kind is None or waiting_key(ctx) is None or len(present) != 1 \
            or cfg.state_of(present[0]).key not in cfg.intake_states:
        return []
    read = kind_reading(issue, kind, cfg, ctx.now)
    if read.missing and issue.notes is None and issue.user_notes_count:
        ctx.notes(issue)  # the AE may have answered in a comment: read them, then read again
    if not read.missing:
        return back_when_complete(NAME, issue, ctx,
                                  why=lambda back: f"the request has what gl-cs needs now; back to '{back}'",
                                  body=lambda back: render("kind_complete.md.j2", {"state": back}, cfg.templates_dir))
    names = [read.titles.get(k, "Segment" if k == "segment" else k) for k in read.missing]
    kind_title, opens = WHAT[kind]
    body = render("kind_missing.md.j2", {
        "who": Trusted(addressing(issue.author)), "kind_title": kind_title, "opens": opens,
        "fresh": fresh(issue, ctx.now),
        "missing": [{"title": n, "hint": HINTS.get(k, "see the template")} for k, n in zip(read.missing, names)],
    }, cfg.templates_dir)
    return ask(NAME, issue, ctx, read.missing, names, body)


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(ONBOARDING_REQUEST, LIVE_OPTIMIZATION_REQUEST))
