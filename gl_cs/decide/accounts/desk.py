"""Pure helpers the kind rules share, over the facts of one sync: which account each
issue is about, who worked with it, SA capacity, the labels and assignee of an issue to
open."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Sequence

from ...read.snapshot import User
from ...text.safe import safe_username
from ..context import Context, MissingData
from ..facts import IssueFact
from .identity import AccountBook


def today(ctx: Context) -> dt.date:
    return ctx.now.astimezone(zoneinfo.ZoneInfo(ctx.config.timezone)).date()


def iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def book(facts: Sequence[IssueFact], config) -> AccountBook:
    """Every account mentioned in the desk (and the accounts file), grouped; issues in
    number order so an account's key is stable."""
    accounts = AccountBook()
    for row in config.accounts:
        accounts.add(row.customer, row.salesforce, order=-1_000_000 + row.line)
    for fact in sorted(facts, key=lambda f: f.iid):
        if fact.field("account") and fact.field("customer"):
            # an issue gl-cs opened: its key names the account; join the two
            accounts.add(fact.field("customer"), fact.field("salesforce"), order=fact.iid)
        elif fact.field("customer") or fact.field("salesforce"):
            accounts.add(fact.field("customer"), fact.field("salesforce"), order=fact.iid)
    return accounts


def account_of(fact: IssueFact, accounts: AccountBook) -> str | None:
    return fact.field("account") or accounts.key(fact.field("customer"), fact.field("salesforce"))


def requests(facts: Sequence[IssueFact], kind: str) -> list[IssueFact]:
    """Open, complete requests of ``kind``, oldest first."""
    return sorted((f for f in facts if f.state == "opened" and f.field("role") == "request"
                   and f.field("kind") == kind and not f.fields("missing")), key=lambda f: f.iid)


def made(facts: Sequence[IssueFact], role: str, account: str, accounts: AccountBook,
         request: IssueFact | None = None) -> list[IssueFact]:
    """Checklists / sessions for ``account`` (open or closed, by anyone), oldest first. With
    the ``request``, also one that names its customer in its title or text ("Live Opt
    session w/ Marigold - prep + notes": "... the LO session for Marigold Studios"), or
    calls it by a shorter name with the same start date (a checklist for "Lumen Bio",
    closed on Nov 18, for "Lumen Biosciences Inc.", start Nov 18)."""
    from ...parse.companies import normalise

    name = normalise(request.field("customer")) if request is not None else ""
    start = request.field("start") if request is not None else ""

    def same(f: IssueFact) -> bool:
        if account_of(f, accounts) == account:
            return True
        if start and f.field("start") == start and is_initials(name, normalise(f.field("customer"))):
            return True  # "BHA", start Nov 30: the checklist for "Blue Heron Analytics Inc.", start Nov 30
        if len(name) < 4:
            return False
        text = f" {normalise(f.title)} {f.field('text')} "
        if f" {name} " in text:
            return True
        theirs = normalise(f.field("customer"))
        return bool(start) and f.field("start") == start and len(theirs) >= 6 and (
            name.startswith(theirs) or theirs.startswith(name))

    return sorted((f for f in facts if f.field("role") == role and same(f)), key=lambda f: f.iid)


def is_initials(short: str, name: str) -> bool:
    """Is ``short`` (normalised, one word of 2 to 5 letters) the initials of ``name``'s
    words ("bha", "blue heron analytics")?"""
    words = name.split()
    return 2 <= len(short) <= 5 and " " not in short and len(words) == len(short) and \
        "".join(w[0] for w in words) == short


def roster_sa(name: str, config) -> str | None:
    """A username that may be assigned: valid, and on the roster when there is one."""
    user = safe_username(name)
    if user is None or (config.roster and user not in config.roster):
        return None
    return user


def load(facts: Sequence[IssueFact], sa: str) -> int:
    """The SA's open SA Triaged + SA Doing issues."""
    return sum(1 for f in facts if f.state == "opened" and f.workflow in ("triaged", "doing") and sa in f.assignees)


def worked_with(facts: Sequence[IssueFact], account: str, accounts: AccountBook, config) -> str | None:
    """The SA who worked with the account most recently (earlier issues for that customer)."""
    best = None
    for f in facts:
        if account_of(f, accounts) != account:
            continue
        for user in f.assignees:
            if roster_sa(user, config):
                when = f.updated_at or f.created_at or dt.datetime.min.replace(tzinfo=dt.timezone.utc)
                if best is None or (when, f.iid) > best[0]:
                    best = ((when, f.iid), user)
    return best[1] if best else None


def assignee(username: str | None, ctx: Context) -> tuple[tuple[User, ...], str]:
    """The issue's assignees, and a quick action to put in its description when gl-cs
    does not know the user's id (members not read this sync): ``/assign @user``."""
    if not username:
        return (), ""
    try:
        found = next((m for m in ctx.members if m.username == username), None)
    except MissingData:
        found = None
    if found is not None:
        return (User(id=found.id, username=found.username, name=getattr(found, "name", "")),), ""
    return (), f"/assign @{username}"


def labels(kind_label: str | None, assigned: bool, ctx: Context) -> tuple[str, ...]:
    """The kind's label, one workflow label (SA Triaged when an SA is assigned, else the
    default state: the Triage SA's queue) and the fiscal-quarter label, so the next sync
    has nothing to add."""
    from ..rules.fiscal_quarter import current_label

    cfg = ctx.config
    state = "triaged" if assigned and any(s.key == "triaged" for s in cfg.states) else cfg.default_state
    out = [l for l in (kind_label, ctx.label_for(state), current_label(ctx)) if l]
    return tuple(dict.fromkeys(out))


def ask_earlier(rule: str, template: str, request: IssueFact, earlier: Sequence[IssueFact], why: str,
                ctx: Context, *, joiner: str = " or "):
    """The one question of a kind rule about earlier issues ("is #41 where this onboarding
    is tracked?", "did the account have its session then?"): to the request's author (a
    username a person typed elsewhere in the text could be a group), the issues' titles inert,
    under the key ``earlier`` whose yes or no the next sync reads."""
    from ...render import Trusted, render
    from ...text.safe import mention, neutralize
    from ..actions import UpsertComment

    refs = joiner.join(f"#{f.iid} ({neutralize(f.title, max_len=80)})" for f in earlier[:3])
    try:
        who = Trusted(mention(request.author) + " ") if request.author else Trusted("")
    except ValueError:
        who = Trusted("")
    body = render(template, {"who": who, "customer": request.field("customer"), "refs": Trusted(refs),
                             "one": len(earlier) == 1}, ctx.config.templates_dir)
    return UpsertComment(rule, f"{refs} {why}", iid=request.iid, key="earlier", body=body)
