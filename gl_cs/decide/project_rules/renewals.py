"""renewals: two renewal review issues for every account whose next renewal is at most
six calendar months away, due five and three months before the renewal.

Handbook 003, "Renewal Review Meeting": "If a renewal date is within six months the CSM
should schedule two "Renewal Review" meetings with the appropriate SAE and Solutions
Architect (SA). The first "Renewal Review" meeting should be scheduled five months out
from the renewal date and the second should be scheduled three months out from the
renewal date." (DOMAIN.md section 4.)

* The next renewal: the renewal date written in the onboarding request or checklist, else
  the start date + 12 months; rolling yearly (the first anniversary on or after today).
  Accounts onboarded before gl-cs come from the accounts file (``kinds.accounts_file``).
* Once each per account and renewal date (hidden key ``renewal:<account>:<date>:<5|3>m``);
  a review a person or another tool made (the renewal label, or "renewal review" in its
  title; which one and for which renewal as it says) counts, open or closed.
* A review whose date has passed while the renewal is still ahead is opened at once, due
  today, saying it is late. None for a renewal already past: only the next one counts.
* Assigned to the account's SA (request, checklist or accounts file) when known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from ...render import Trusted, plain_title, render
from ...parse.companies import normalise
from ..accounts import desk
from ..accounts.dates import add_months, next_anniversary
from ..actions import Action, CreateIssue
from ..context import Context
from ..facts import IssueFact
from . import ProjectRule
from .onboarding import _mention

NAME = "renewals"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
REVIEWS = ((5, "first"), (3, "second"))


@dataclass
class _Account:
    key: str
    customer: str
    renewal: dt.date | None = None  # as written (request, checklist, file)
    start: dt.date | None = None
    sa: str | None = None
    ae: str | None = None
    source: str = ""
    request_iid: int | None = None


def accounts_due(facts: Sequence[IssueFact], ctx: Context) -> list[_Account]:
    """Every known account with its renewal source, in a stable order."""
    cfg = ctx.config
    book = desk.book(facts, cfg)
    found: dict[str, _Account] = {}
    for fact in sorted(facts, key=lambda f: f.iid):
        role = fact.field("role")
        if not (role == "checklist" or (role == "request" and fact.field("kind") == "onboarding")):
            continue
        key = desk.account_of(fact, book)
        if key is None:
            continue
        acc = found.setdefault(key, _Account(key, fact.field("customer") or key))
        renewal, start = desk.iso(fact.field("renewal")), desk.iso(fact.field("start"))
        if renewal and acc.renewal is None:
            acc.renewal = renewal
        if start and acc.start is None:
            acc.start = start
        if role == "request":
            acc.request_iid = acc.request_iid or fact.iid
            acc.sa = acc.sa or desk.roster_sa(fact.field("sa"), cfg)
            acc.ae = acc.ae or fact.field("ae") or fact.author
            acc.source = acc.source or f"the onboarding request #{fact.iid}"
        else:
            acc.sa = acc.sa or next((u for u in fact.assignees if desk.roster_sa(u, cfg)), None)
            acc.source = acc.source or f"the on-boarding checklist #{fact.iid}"
    # a renewal date written later (a review issue or note of a person: "co-termed, the renewal
    # is now 30.09.2027") is the account's current one
    for fact in sorted(facts, key=lambda f: (f.created_at or f.updated_at or _EPOCH, f.iid)):
        if fact.field("role") != "renewal" or fact.key or not fact.field("renewal"):
            continue
        key = desk.account_of(fact, book)
        if key in found:
            found[key].renewal = desk.iso(fact.field("renewal"))
            found[key].source = f"#{fact.iid}"
    for row in cfg.accounts:
        key = book.key(row.customer, row.salesforce)
        if key is None:
            continue
        acc = found.setdefault(key, _Account(key, row.customer))
        if acc.renewal is None:
            acc.renewal = desk.iso(row.renewal_date)
        acc.sa = acc.sa or desk.roster_sa(row.sa, cfg)
        acc.ae = acc.ae or row.ae or None
        acc.source = acc.source or f"the accounts file ({cfg.accounts_file})"
    return [found[k] for k in sorted(found)]


def _made_by_others(facts: Sequence[IssueFact], accounts: Sequence[_Account], ctx: Context
                    ) -> dict[str, list[tuple[int | None, dt.date | None]]]:
    """Renewal reviews a person or another tool opened, by account: (which review, for
    which renewal), as far as each says. A review names its account as people do ("Renewal
    review - Castellan (3 mo)" for Castellan Wines): the account whose name it is, else the
    one account whose name starts with it."""
    book = desk.book(facts, ctx.config)
    out: dict[str, list[tuple[int | None, dt.date | None]]] = {}
    names = {a.key: normalise(a.customer) for a in accounts}
    for f in facts:
        if f.field("role") != "renewal" or f.key:
            continue
        key = desk.account_of(f, book)
        if key not in names:
            said = normalise(f.field("customer"))
            near = [k for k, n in names.items()  # "Castellan" for Castellan Wines, "Quantum Leap Edu" for ... Education
                    if len(said) >= 6 and (n.startswith(said) or said.startswith(n))]
            key = near[0] if len(near) == 1 else key
        if key is None:
            continue
        months = int(f.field("months")) if f.field("months").isdigit() else None
        out.setdefault(key, []).append((months, desk.iso(f.field("renewal"))))
    return out


def _covered(made: list[tuple[int | None, dt.date | None]], months: int, renewal: dt.date) -> bool:
    """Is this review (five or three months before ``renewal``) one a person already made?
    A review that does not say which is the first; one that does not say its renewal
    counts for the coming one."""
    for which, for_renewal in made:
        if (which or 5) == months and (for_renewal is None or abs((for_renewal - renewal).days) <= 31):
            return True
    return False


def next_renewal(acc: _Account, today: dt.date) -> dt.date | None:
    if acc.renewal is not None:
        return next_anniversary(acc.renewal, today)
    if acc.start is not None:
        return next_anniversary(add_months(acc.start, 12), today)
    return None


def decide(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
    cfg = ctx.config
    if not cfg.kinds and not cfg.accounts:
        return []
    today = desk.today(ctx)
    actions: list[Action] = []
    existing = {f.key for f in facts if f.key}
    due_now = accounts_due(facts, ctx)
    made = _made_by_others(facts, due_now, ctx)
    for acc in due_now:
        renewal = next_renewal(acc, today)
        if renewal is None or add_months(renewal, -6) > today:
            continue
        for months, which in REVIEWS:
            key = f"renewal:{acc.key}:{renewal.isoformat()}:{months}m"
            if key in existing or _covered(made.get(acc.key, []), months, renewal):
                continue
            if cfg.renewal_label:  # about to open one: a review a person closed long ago counts too
                ctx.need_closed(cfg.renewal_label)
            due = add_months(renewal, -months)
            late = due < today
            users, quick = desk.assignee(acc.sa, ctx)
            description = render("renewal_review.md.j2", {
                "customer": acc.customer, "which": which, "months": months, "renewal": renewal, "due": due,
                "late": late, "ae": _mention(acc.ae), "sa": _mention(acc.sa), "source": Trusted(acc.source)},
                cfg.templates_dir)
            if quick:
                description += "\n" + quick + "\n"
            why = (f"{acc.customer} renews on {renewal}; the {which} review was due {due}: opened late"
                   if late else f"{acc.customer} renews on {renewal}: the {which} review is due {due}")
            actions.append(CreateIssue(
                NAME, why, key=key,
                title=f"Renewal review ({months} months before): {plain_title(acc.customer)} renews {renewal}",
                description=description, labels=desk.labels(cfg.renewal_label, bool(acc.sa), ctx),
                assignees=users, due_date=(today if late else due).isoformat(),
                links=(acc.request_iid,) if acc.request_iid else ()))
    return actions


RULE = ProjectRule(NAME, decide, doc=__doc__ or "")
