"""live_optimization: a Live Optimization request opens a session issue when the account
is eligible; otherwise one comment to the AE with the reason and what to use instead.

Handbook 000, "Live Optimization": "a one-time post-sales session, conducted 1-2 months
after a customer signed"; "targeted towards accounts which don't qualify for a CSM/CSE";
"It must not compete with a longer term engagement of a CSE, PS or partner"; "For accounts
sold via partners, consider utilizing partner's expertise"; "limit Live Optimizations to a
one-time engagement, although exceptions can be made for Ultimate opportunities ... The
exceptions are handled and confirmed by ASM"; "It's preferred that Live Optimization
sessions are delivered by the same Solutions Architect who already engaged with the
account"; "AE will make sure that Solutions Architecture has capacity". (DOMAIN.md 3.)

Eligible: SMB (segment from employees, or as written); today within 1-2 calendar months
after signing (outside it the comment says when the window opens, or that it closed; a
request waiting for its window is opened by the sync once it opens); no CSM/CSE named; no
PS or partner engagement named; no earlier session for the account (open or closed, by
anyone; cited by number) unless the request names both an Ultimate opportunity and the
ASM's approval (in its fields or in a sentence: "Kim (ASM) confirmed the exception, Ultimate
opp in Q1"), which is then treated as pre-sales (the 1-2 month window does not apply).
A request citing its account's earlier session ("#141") is not served by it: the cited
session is an earlier one. The comment is one per request, updated in place when the reasons change
(``kind_intake`` has the request's comments read, so a sync knows what was said). The
session is assigned to the SA the AE named, else the SA who worked with
the account most recently, when that SA has fewer open SA Triaged + SA Doing issues than
``triage.capacity``; otherwise it waits for the Triage SA (and says why).
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from ...markers import marker
from ...render import Trusted, plain_title, render
from ...text.safe import neutralize
from ..accounts import desk
from ...parse.segment import SMB
from ..accounts.session import AGENDA, MILESTONE_QUESTIONS, OUTCOMES, STEPS, window
from ..actions import Action, CreateIssue, UpsertComment
from ..context import Context
from ..facts import IssueFact
from . import ProjectRule
from .onboarding import _mention, _who

NAME = "live_optimization"
KIND = "live_optimization"

WEBINARS = ("the monthly Onboarding Cohort sessions, the CSM webinars or the self-paced courses and "
            "certifications")


def reasons(request: IssueFact, earlier: list[IssueFact], ctx: Context) -> list[dict]:
    """Why the request does not qualify (empty when it does), each with what to use instead."""
    out = []
    segment = request.field("segment")
    today = desk.today(ctx)
    if segment != SMB:
        out.append({"why": f"Live Optimization is for SMB accounts (under 100 employees); the request reads as "
                           f"{segment}.",
                    "instead": "For a larger account, ask for an SA with an SA Activity request, or work with "
                               "the account's CSM."})
    if request.field("csm"):
        out.append({"why": Trusted("The account has a CSM/CSE, and Live Optimization is for accounts without one"
                                   + _read(request, "csm") + "."),
                    "instead": "Work with the CSM/CSE on the best plan of activities (or request Scale CSE help)."})
    if request.field("partner"):
        out.append({"why": Trusted("The account was sold through a partner" + _read(request, "partner") + "."),
                    "instead": "Use the partner's expertise and customer knowledge first."})
    if request.field("ps"):
        out.append({"why": Trusted("The request names a Professional Services engagement, and a session must not "
                                   "compete with it" + _read(request, "ps") + "."),
                    "instead": "Plan the adoption work with the PS engagement instead."})
    exception = bool(request.field("ultimate") and request.field("asm_approval"))
    signed = desk.iso(request.field("start"))
    if signed is not None and not exception:  # an exception is treated as pre-sales: no window
        opens, closes = window(signed)
        if today < opens:
            out.append({"why": Trusted(f"Sessions are held 1-2 months after signing: for an account signed on "
                                       f"{signed}, the window opens on {opens}."),
                        "instead": Trusted(f"Nothing to do meanwhile: gl-cs opens the session on {opens} if the "
                                           f"request still qualifies then.")})
        elif today > closes:
            out.append({"why": Trusted(f"Sessions are held 1-2 months after signing: for an account signed on "
                                       f"{signed}, the window closed on {closes}."),
                        "instead": f"Point the customer to {WEBINARS}."})
    if earlier and not exception:
        refs = ", ".join(f"#{f.iid}" for f in earlier)
        missing = ("the ASM's approval" if request.field("ultimate") else
                   "an Ultimate opportunity" if request.field("asm_approval") else
                   "an Ultimate opportunity and the ASM's approval")
        out.append({"why": Trusted(f"The account already had its Live Optimization session ({refs}); it is a "
                                   f"one-time engagement."),
                    "instead": Trusted(f"An exception needs both an Ultimate opportunity and the ASM's approval "
                                       f"written in the request; this one lacks {missing}. Otherwise point the "
                                       f"customer to {WEBINARS}.")})
    return out


def _read(request: IssueFact, fact: str) -> str:
    """What the request says that the reason rests on, quoted inert: " (the request reads:
    `we sold this through our partner Bytewise GmbH`)"."""
    said = request.field(f"evidence:{fact}")
    return f" (the request reads: {neutralize(said, max_len=100)})" if said else ""


def _sa(request: IssueFact, account: str, facts, accounts, ctx: Context, taken: dict[str, int]) \
        -> tuple[str | None, str]:
    cfg = ctx.config
    named = desk.roster_sa(request.field("sa"), cfg)
    candidate = named or desk.worked_with(facts, account, accounts, cfg)
    if candidate is None:
        return None, "no SA was named and none has worked with the account yet."
    held = desk.load(facts, candidate) + taken.get(candidate, 0)
    if held >= cfg.sa_capacity:
        how = "named in the request" if named else "who worked with the account"
        return None, (f"{candidate}, {how}, has {held} open SA Triaged / SA Doing issues "
                      f"(the limit is {cfg.sa_capacity}).")
    return candidate, ""


def session_issue(request: IssueFact, account: str, key: str, sa: str | None, waits: str,
                  ctx: Context) -> CreateIssue:
    cfg = ctx.config
    spec = cfg.kind(KIND)
    users, quick = desk.assignee(sa, ctx)
    proposed = sorted(desk.iso(d) for d in request.fields("proposed") if desk.iso(d))
    proposed = [d for d in proposed if d >= desk.today(ctx)] or proposed
    customer = request.field("customer")
    values = {
        "customer": customer, "request_ref": Trusted(f"#{request.iid}"),
        "signed": desk.iso(request.field("start")), "segment": request.field("segment"),
        "ae": _mention(request.field("ae") or request.author), "sa": _mention(sa),
        "proposed": proposed[0] if proposed else None,
        # gl-cs's own words are Trusted; what the AE wrote (milestones, customer) is made inert
        "steps": [{"title": Trusted(t), "what": Trusted(w)} for t, w in STEPS],
        "milestones": list(request.fields("milestone")), "questions": [Trusted(q) for q in MILESTONE_QUESTIONS],
        "agenda": [(m, Trusted(w)) for m, w in AGENDA], "outcomes": [Trusted(o) for o in OUTCOMES],
        "assignment": Trusted("Waiting for the Triage SA: ") + (waits or "") if waits else "",
    }
    description = render("live_optimization.md.j2", values, cfg.templates_dir)
    if quick:
        description += "\n" + quick + "\n"
    return CreateIssue(NAME, f"the request #{request.iid} qualifies for a Live Optimization session", key=key,
                       title=f"Live Optimization session: {plain_title(customer)}", description=description,
                       labels=desk.labels(spec.label if spec else None, bool(sa), ctx), assignees=users,
                       due_date=proposed[0].isoformat() if proposed else None, links=(request.iid,))


def _earlier_requests(request: IssueFact, account: str, facts: Sequence[IssueFact], accounts) -> list[IssueFact]:
    """Closed Live Optimization requests for the same account ("Pinecrest Dental Group",
    signed the same day), not declined by gl-cs: the account may have had its session then
    (held and noted in a comment, with no session issue). A person would look before
    opening a second one; gl-cs asks."""
    cited = set(request.mentions)
    found = desk.made(facts, "request", account, accounts, request)
    found += [f for f in facts if f.iid in cited and f not in found and f.field("role") == "request"
              and desk.account_of(f, accounts) in (account, None)]
    out = []
    for f in sorted(found, key=lambda f: f.iid):
        if f.iid == request.iid or f.state != "closed" or f.field("kind") != KIND:
            continue
        if _declined(f):
            continue  # gl-cs said why not: no session was held
        out.append(f)
    return out


def _declined(f: IssueFact) -> bool:
    """Did gl-cs decline this request (as far as its comments were read)?"""
    return f.said is not None and any(k.startswith(f"{NAME}:declined-") for k in f.said)


def _ask_about(request: IssueFact, earlier: Sequence[IssueFact], ctx: Context) -> UpsertComment:
    return desk.ask_earlier(NAME, "live_optimization_earlier.md.j2", request, earlier,
                            "may have been the account's session: asked before opening another", ctx, joiner=" and ")


def decide(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
    if ctx.config.kind(KIND) is None:
        return []
    accounts = desk.book(facts, ctx.config)
    actions: list[Action] = []
    taken: dict[str, int] = {}
    planned: set[str] = set()
    for request in desk.requests(facts, KIND):
        account = desk.account_of(request, accounts)
        if account is None:
            continue
        if request.examined and any(k.startswith(f"{NAME}:declined-") for k in request.said or ()):
            continue  # declined, and nobody touched the request since: the answer stands
        cited = [i for i in request.mentions if i != request.iid]
        ctx.need_issues(cited)  # what the request cites ("the session we had, #141") is read, whatever its age
        sessions = desk.made(facts, "session", account, accounts, request)
        sessions += [f for f in facts if f.iid in cited and f.field("role") == "session" and f not in sessions
                     and not f.field("customer")]  # a cited session that names no customer is the account's
        # "Follow-up to #212": an earlier request for the account, closed, cited by this one, is
        # its session when gl-cs knows it did not decline it; when that is unknown (its comments
        # were not read) it is asked about below, like any closed earlier request
        sessions += [f for f in facts if f.iid in cited and f.state == "closed" and f not in sessions
                     and f.field("role") == "request" and f.field("kind") == KIND
                     and desk.account_of(f, accounts) in (account, None) and f.said is not None
                     and not _declined(f)]
        if any(request.iid in s.mentions or request.iid in s.links for s in sessions):
            continue  # this request has its session (it cites the request, or is linked to it)
        exception = bool(request.field("ultimate") and request.field("asm_approval"))
        if account in planned and not exception:
            continue  # a second request for an account whose session this sync opens: the next sync cites it
        # about to answer (open one, or say why not): sessions closed long ago count too ("once
        # per account"), so the answer is complete the first time
        ctx.need_closed(ctx.config.kind(KIND).label)
        earlier = [] if sessions or exception else _earlier_requests(request, account, facts, accounts)
        answer = request.field(f"answer:{NAME}:earlier")
        if earlier and answer == "yes":
            sessions = earlier  # the AE says the account had its session then: once per account
        elif earlier and answer != "no":
            if request.examined and f"{NAME}:earlier" in (request.said or ()):
                continue  # asked, not answered, nobody touched the request since
            actions.append(_ask_about(request, earlier, ctx))
            continue
        found = reasons(request, sessions, ctx)
        if found:
            body = render("live_optimization_declined.md.j2", {
                "who": _who(request.author), "customer": request.field("customer"), "reasons": found},
                ctx.config.templates_dir)
            digest = "declined-" + hashlib.sha1(body.encode()).hexdigest()[:10]
            if request.said is not None and f"{NAME}:{digest}" in request.said:
                continue  # said already, in these words
            actions.append(UpsertComment(NAME, "; ".join(str(r["why"]) for r in found), iid=request.iid,
                                         key="declined", body=body + "\n" + marker(NAME, digest)))
            continue
        sa, waits = _sa(request, account, facts, accounts, ctx, taken)
        if sa:
            taken[sa] = taken.get(sa, 0) + 1
        key = f"live-optimization:{account}:session" + (f"-r{request.iid}" if sessions or account in planned else "")
        planned.add(account)
        actions.append(session_issue(request, account, key, sa, waits, ctx))
    return actions


RULE = ProjectRule(NAME, decide, doc=__doc__ or "")
