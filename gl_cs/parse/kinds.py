"""Read the fields of a Customer Onboarding or Live Optimization request.

AEs fill in the templates in ``issue_templates/`` or write the request by hand, in the SA
Activity shape or free form. The fields are read with the same lenient reader as SA
Activity requests (:func:`gl_cs.parse.fields.parse_request`: any heading or bold style,
``Field:`` lines, placeholders), with each kind's own field names; what no field holds is
looked for in the whole text ("closed-won 14 Mar 2026", "signed: 2026-04-02", "80
employees", "Mid-Market").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..decide.accounts.identity import customer_name, salesforce_id
from ..decide.accounts.segment import employees_in, segment_for, segment_named
from ..text.safe import safe_username
from .dates import find_dates
from .fields import FieldDef, parse_request

ONBOARDING = "onboarding"
LIVE_OPTIMIZATION = "live_optimization"

_COMMON = (
    ("customer", "Customer", ("Customer Name", "Customer Information", "Account", "Account Name", "Company")),
    ("salesforce", "Salesforce", ("Salesforce Link", "Salesforce Account", "SFDC", "SFDC Link")),
    ("employees", "Employees", ("Employee Count", "Number of Employees", "Headcount", "Company Size",
                                "Employees or Segment")),
    ("segment", "Segment", ("Market Segment", "Sales Segment")),
    ("ae", "AE", ("Account Executive",)),
    ("sa", "SA", ("Solutions Architect", "Preferred SA")),
    ("csm", "CSM", ("CSE", "CSM/CSE", "Customer Success Manager", "CSM or CSE")),
    ("partner", "Partner", ("Sold Through a Partner", "Partner-sold", "Partner Sold", "Reseller",
                            "Sold through partner")),
)

DEFAULT_FIELDS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    ONBOARDING: _COMMON + (
        ("start_date", "Start Date", ("Closed-Won", "Closed Won", "Closed-Won Date", "Closed-won / Start Date",
                                      "Close Date", "Signed", "Signing Date", "Start")),
        ("tier", "Tier", ("Subscription", "Plan", "Edition", "Subscription Tier")),
        ("renewal_date", "Renewal Date", ("Renewal", "Renews", "Renews On")),
    ),
    LIVE_OPTIMIZATION: _COMMON + (
        ("signing_date", "Signing Date", ("Signed", "Signed On", "Signature Date", "Closed-Won", "Closed Won",
                                          "Closed-Won Date", "Start Date")),
        ("milestones", "Milestones", ("Milestone", "Milestones and Questions", "Topics", "Customer Milestones")),
        ("proposed_dates", "Proposed Dates", ("Preferred Date Options", "Preferred Dates", "Session Date",
                                              "Date Options", "When")),
        ("ps", "Professional Services", ("PS", "PS Engagement", "Services Engagement")),
        ("ultimate", "Ultimate Opportunity", ("Ultimate", "Ultimate Up-tier", "Ultimate Uptier")),
        ("asm_approval", "ASM Approval", ("ASM", "Approved by ASM", "ASM Approved")),
    ),
}

#: What the issue to open truly needs (customer and start date for a checklist; customer,
#: signing date and segment for a Live Optimization). "segment" is met by employees too.
REQUIRED = {ONBOARDING: ("customer", "start_date"), LIVE_OPTIMIZATION: ("customer", "signing_date", "segment")}

_FREE_DATE = {
    "start_date": re.compile(r"(?:closed[\s-]*won|signed|start(?:ed|s)?|kick[\s-]*off)\b\s*(?:on|date)?\s*[:=-]?\s*",
                             re.I),
    "signing_date": re.compile(r"(?:signed|signing|closed[\s-]*won)\b\s*(?:on|date)?\s*[:=-]?\s*", re.I),
    "renewal_date": re.compile(r"renew(?:al|s)?\b\s*(?:on|date)?\s*[:=-]?\s*", re.I),
}
_NO = re.compile(r"^\s*(?:no|none|n/?a|-|false|not\s+\w+|nobody)\b\.?\s*$", re.I)
_YES = re.compile(r"\b(?:yes|y|true|approved|confirmed|ok|okay|agreed)\b", re.I)
_USER = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_.\-]*)")


def field_defs(kind: str, overrides=()) -> tuple[FieldDef, ...]:
    """The kind's field definitions; rules.yml ``kinds.<kind>.fields`` replace or add by key."""
    defs = {k: FieldDef(key=k, title=t, synonyms=s) for k, t, s in DEFAULT_FIELDS[kind]}
    for spec in overrides:
        defs[spec.key] = FieldDef(key=spec.key, title=spec.title, synonyms=tuple(spec.synonyms))
    return tuple(defs.values())


@dataclass(frozen=True)
class KindRequest:
    kind: str
    customer: str = ""
    salesforce: str = ""  # the account id
    start: dt.date | None = None  # onboarding start date / Live Optimization signing date
    renewal: dt.date | None = None
    employees: int | None = None
    segment: str | None = None
    tier: str = ""
    ae: str | None = None  # usernames (validated), None when not given
    sa: str | None = None
    csm: str = ""  # the CSM/CSE named, "" for none
    partner: str = ""  # the partner named ("" when not partner-sold)
    ps: str = ""  # a PS engagement named
    ultimate: bool = False
    asm_approval: bool = False
    milestones: tuple[str, ...] = ()
    proposed: tuple[dt.date, ...] = ()
    missing: tuple[str, ...] = ()  # required field keys missing
    titles: dict = field(default_factory=dict, compare=False, hash=False)  # key -> title, for messages


def _first_date(text: str, now: dt.datetime, tz: str, day_first: bool) -> dt.date | None:
    found = find_dates(text or "", now=now, default_tz=tz, day_first=day_first)
    return found[0].when.date() if found else None


def _free_date(description: str, key: str, now, tz, day_first) -> dt.date | None:
    rx = _FREE_DATE.get(key)
    if rx is None:
        return None
    for m in rx.finditer(description or ""):
        tail = (description or "")[m.end():m.end() + 40].split("\n")[0]
        found = find_dates(tail, now=now, default_tz=tz, day_first=day_first)
        if found and tail.find(found[0].source) <= 3:
            return found[0].when.date()
    return None


def _username(text: str) -> str | None:
    m = _USER.search(text or "")
    if m:
        return safe_username(m.group(1))
    word = (text or "").strip().split()
    return safe_username(word[0]) if len(word) == 1 and "." in word[0] else None


def _named(text: str) -> str:
    """A field naming someone or something, or "" when it says no/none."""
    text = (text or "").strip()
    return "" if not text or _NO.match(text) else text


def _milestones(text: str) -> tuple[str, ...]:
    items = []
    for line in (text or "").splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s*(?:\[[ xX]\]\s*)?", "", line).strip()
        if line:
            items.append(line)
    return tuple(items[:8])


@lru_cache(maxsize=256)
def _read(description: str, kind: str, defs: tuple, placeholders: tuple, now_key: str, tz: str,
          day_first: bool) -> KindRequest:
    now = dt.datetime.fromisoformat(now_key)
    parsed = parse_request(description, list(defs), list(placeholders), None)
    # the free-text fallbacks never read the template's own hints (HTML comments) or quick actions
    description = re.sub(r"<!--.*?(?:-->|$)", " ", description, flags=re.S)
    description = "\n".join(l for l in description.splitlines() if not l.lstrip().startswith("/"))
    f = parsed.fields
    def whole(k: str) -> str:
        return f.get(k, "") if k not in parsed.missing else ""

    def text(k: str) -> str:  # a one-value field: its first line (the reader may run on into free text)
        return next((l.strip() for l in whole(k).splitlines() if l.strip()), "")

    date_key = "start_date" if kind == ONBOARDING else "signing_date"
    start = _first_date(text(date_key), now, tz, day_first) or _free_date(description, date_key, now, tz, day_first)
    renewal = (_first_date(text("renewal_date"), now, tz, day_first)
               or (_free_date(description, "renewal_date", now, tz, day_first) if kind == ONBOARDING else None))
    employees = employees_in(text("employees"), bare=True) or employees_in(description)
    segment = segment_named(text("segment")) or segment_named(text("employees"))
    if segment is None and employees is not None:
        segment = segment_for(employees)
    if segment is None:
        segment = segment_named(" ".join(l for l in description.splitlines() if "segment" in l.lower()
                                         or re.search(r"\b(smb|mid[\s-]*market)\b", l, re.I)))
    customer = customer_name(text("customer"))
    sf = salesforce_id(text("salesforce")) or salesforce_id(text("customer")) or ""
    partner = _named(text("partner"))
    if partner and re.fullmatch(r"(?i)\s*(yes|y|true)\s*", partner):
        partner = "a partner"
    values = {"customer": customer, date_key: start, "segment": segment}
    missing = tuple(k for k in REQUIRED[kind] if not values.get(k))
    return KindRequest(
        kind=kind, customer=customer, salesforce=sf, start=start, renewal=renewal, employees=employees,
        segment=segment, tier=text("tier").strip(), ae=_username(text("ae")), sa=_username(text("sa")),
        csm=_named(text("csm")), partner=partner, ps=_named(text("ps")),
        ultimate=bool(_YES.search(text("ultimate"))) and not _NO.match(text("ultimate")),
        asm_approval=bool(_YES.search(text("asm_approval"))) and not _NO.match(text("asm_approval")),
        milestones=_milestones(whole("milestones")),
        proposed=tuple(d.when.date() for d in find_dates(whole("proposed_dates"), now=now, default_tz=tz,
                                                         day_first=day_first)),
        missing=missing, titles={d.key: d.title for d in defs})


def read_kind(description: str | None, kind: str, config, now: dt.datetime) -> KindRequest:
    """The fields of a ``kind`` request (``onboarding`` / ``live_optimization``)."""
    spec = config.kind(kind) if config is not None else None
    defs = field_defs(kind, spec.fields if spec else ())
    placeholders = tuple(config.intake_placeholders) if config is not None else ()
    # dates without a year are read relative to the day (not the minute), so the cache holds
    day = now.astimezone(dt.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    return _read(description or "", kind, defs, placeholders, day.isoformat(),
                 config.timezone if config is not None else "UTC", bool(config and config.day_first))


def pairs(read: KindRequest) -> tuple[tuple[str, str], ...]:
    """A request's fields as (name, value) pairs for :class:`gl_cs.decide.facts.IssueFact`."""
    out: list[tuple[str, str]] = [("kind", read.kind)]
    for name, value in (("customer", read.customer), ("salesforce", read.salesforce),
                        ("start", read.start.isoformat() if read.start else ""),
                        ("renewal", read.renewal.isoformat() if read.renewal else ""),
                        ("employees", str(read.employees) if read.employees is not None else ""),
                        ("segment", read.segment or ""), ("tier", read.tier), ("ae", read.ae or ""),
                        ("sa", read.sa or ""), ("csm", read.csm), ("partner", read.partner), ("ps", read.ps),
                        ("ultimate", "yes" if read.ultimate else ""),
                        ("asm_approval", "yes" if read.asm_approval else "")):
        if value:
            out.append((name, value))
    out += [("milestone", m) for m in read.milestones]
    out += [("proposed", d.isoformat()) for d in read.proposed]
    out += [("missing", k) for k in read.missing]
    return tuple(out)
