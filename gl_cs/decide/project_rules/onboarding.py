"""onboarding: a Customer Onboarding request opens one on-boarding checklist issue, and
an open checklist keeps its due date on the next unticked step.

Handbook 001, "Customer On-boarding Checklist": "1. Welcome! ... 2. Personal
introduction — (2-5 days) ... 11. Expansion — For Strategic Deals, an Account Expansion
Template should be created." (DOMAIN.md section 2.)

* One checklist per account: none is opened when one is linked to the request, mentioned
  in it (``#IID``, read whatever its age), or any issue with the checklist's shape exists
  for the same customer (open or closed, made by a person, an earlier tool or gl-cs).
  gl-cs's own carries the hidden key ``onboarding:<account>:checklist``.
* When an issue only may be the checklist (titled with the customer and onboarding words,
  "Acme - kickoff notes"), gl-cs asks the AE on the request, naming it, and opens nothing:
  "yes" (or a link) means it is; "no" and the next sync opens the checklist.
* The checklist: the 11 steps (step 11 only for Strategic accounts), each due counted from
  the start date; assigned to the SA the request names (SA Triaged), else left in the
  Triage SA's queue (the default state); due on its first step; linked to the request.
* While a checklist is open, the issue rule ``checklist_progress`` keeps its due date on the
  next unticked step and comments once on each step that becomes overdue.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Sequence

from ...render import Trusted, plain_title, render
from ...text.safe import mention
from ..accounts import desk
from ..accounts.checklist import schedule
from ..actions import Action, CreateIssue, UpsertComment
from ..context import Context
from ..facts import IssueFact
from . import ProjectRule

NAME = "onboarding"
KIND = "onboarding"


def _mention(username: str | None) -> Trusted | None:
    try:
        return Trusted(mention(username)) if username else None
    except ValueError:
        return None


def _who(username: str | None) -> Trusted:
    try:
        return Trusted(mention(username) + " ") if username else Trusted("")
    except ValueError:
        return Trusted("")


def _has_checklist(request: IssueFact, account: str, facts: Sequence[IssueFact], accounts) -> IssueFact | None:
    checklists = {f.iid: f for f in facts if f.field("role") == "checklist"}
    for iid in tuple(request.links) + tuple(request.mentions):
        if iid in checklists:
            return checklists[iid]
    same = desk.made(facts, "checklist", account, accounts, request)
    return same[0] if same else None


def _same_start(checklist: IssueFact, request: IssueFact) -> bool:
    """Does the account's checklist track this onboarding: its start within six months of
    the request's (or either unknown)? A checklist that started a year before the date the
    request gives ("30 Nov 2026, renewal closed-won, year 2") may be a renewal's, or a new
    contract's: gl-cs asks instead of deciding."""
    theirs, ours = desk.iso(checklist.field("start")), desk.iso(request.field("start"))
    return theirs is None or ours is None or abs((ours - theirs).days) <= 183


def checklist_issue(request: IssueFact, account: str, ctx: Context) -> CreateIssue:
    cfg = ctx.config
    spec = cfg.kind(KIND)
    start = desk.iso(request.field("start"))
    segment = request.field("segment") or None
    steps = schedule(start, segment)
    sa = desk.roster_sa(request.field("sa"), cfg)
    users, quick = desk.assignee(sa, ctx)
    customer = request.field("customer")
    values = {
        "customer": customer, "request_ref": Trusted(f"#{request.iid}"),
        "start": start, "segment": segment, "tier": request.field("tier") or None,
        "seats": request.field("seats") or None,
        "start_note": (f"only the month was written ({request.field('evidence:start')}): steps counted from its "
                       f"first day") if request.field("month_only") else "",
        "renewal": desk.iso(request.field("renewal")), "ae": _mention(request.field("ae") or request.author),
        "sa": _mention(sa), "csm": request.field("csm") or None,
        "partner": request.field("partner") or None,
        "steps": [{"number": i + 1, "title": Trusted(d.step.title), "span": Trusted(d.step.span),
                   "what": Trusted(d.step.what), "due": d.due}
                  for i, d in enumerate(steps)],
        "assignment": "" if sa else "No SA was named in the request: the Triage SA assigns one.",
    }
    description = render("onboarding_checklist.md.j2", values, cfg.templates_dir)
    if quick:
        description += "\n" + quick + "\n"
    due = min(d.due for d in steps)
    return CreateIssue(NAME, f"the onboarding request #{request.iid} has no checklist yet",
                       key=f"onboarding:{account}:checklist",
                       title=f"Onboarding checklist: {plain_title(customer)}", description=description,
                       labels=desk.labels(spec.label if spec else None, bool(sa), ctx), assignees=users,
                       due_date=due.isoformat(), links=(request.iid,))


def decide(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
    if ctx.config.kind(KIND) is None:
        return []
    accounts = desk.book(facts, ctx.config)
    actions: list[Action] = []
    planned: set[str] = set()
    for request in desk.requests(facts, KIND):
        account = desk.account_of(request, accounts)
        if account is None or account in planned or desk.iso(request.field("start")) is None:
            continue
        answer = request.field("answer:onboarding:earlier")
        found = _has_checklist(request, account, facts, accounts)
        if found is not None and (_same_start(found, request) or answer != "no"):
            if not _same_start(found, request) and answer != "yes" and not (
                    request.examined and "onboarding:earlier" in (request.said or ())):
                actions.append(_ask_about(request, [found], ctx))  # a year on: a renewal, or a new contract?
            continue
        if request.examined and "onboarding:earlier" in (request.said or ()) and not answer:
            continue  # asked about an earlier issue, not answered, nobody touched the request since
        # about to open one: what the request cites ("Checklist: #41") and checklists closed
        # long ago count too, whatever their age (one list read each)
        ctx.need_issues([i for i in request.mentions if i != request.iid])
        ctx.need_closed(ctx.config.kind(KIND).label)
        found = _has_checklist(request, account, facts, accounts)
        if found is not None and (_same_start(found, request) or answer != "no"):
            if not _same_start(found, request) and answer != "yes":
                actions.append(_ask_about(request, [found], ctx))
            continue
        maybe = _maybe_checklists(request, facts)
        if maybe and answer == "yes":
            continue  # the AE says the earlier issue is where the onboarding is tracked
        if maybe and answer != "no":
            actions.append(_ask_about(request, maybe, ctx))
            continue
        planned.add(account)
        actions.append(checklist_issue(request, account, ctx))
    return actions


_PRESALES = re.compile(r"\b(?:pov|poc|proof\s+of|demo|discovery|pre[\s-]*sales|evaluation|trial|workshop)\b", re.I)
_ONBOARDING_ISH = re.compile(r"kick[\s-]*off|on[\s-]*boarding|welcome|check[\s-]*list|getting\s+started|implementation|"
                             r"rollout|roll-out|go[\s-]*live|einf[üu]hrung|d[ée]marrage|implanta", re.I)


def _maybe_checklists(request: IssueFact, facts: Sequence[IssueFact]) -> list[IssueFact]:
    """Issues that may be where this customer's onboarding is already tracked, but do not
    say so plainly: not a checklist, but titled with the customer's name and onboarding
    words ("Harbor Point Insurance - kickoff notes"). A person would ask, not guess."""
    from ...parse.companies import normalise

    name = normalise(request.field("customer"))
    start = desk.iso(request.field("start"))
    if len(name) < 3 or start is None:
        return []
    out = []
    for f in facts:
        if f.iid == request.iid or f.field("role") in ("request", "checklist", "session", "renewal"):
            continue
        if f.field("role") == "sa_activity" and len(f.missing) < 4:
            continue  # a real SA Activity request (pre-sales work: a POV kickoff, a PS-led rollout)
        if f.created_at is not None and f.created_at.date() < start - dt.timedelta(days=14):
            continue  # written before the customer signed: not where its onboarding is tracked
        if name in normalise(f.title) and _ONBOARDING_ISH.search(f.title) and not _PRESALES.search(f.title):
            out.append(f)
    return sorted(out, key=lambda f: f.iid)


def _ask_about(request: IssueFact, maybe: Sequence[IssueFact], ctx: Context) -> UpsertComment:
    return desk.ask_earlier(NAME, "onboarding_earlier.md.j2", request, maybe,
                            "may already track this onboarding: asked before opening a checklist", ctx)


RULE = ProjectRule(NAME, decide, doc=__doc__ or "")
