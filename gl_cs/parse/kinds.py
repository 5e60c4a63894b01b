"""Read a Customer Onboarding or Live Optimization request as a person would.

AEs fill in the templates in ``issue_templates/`` or write the request by hand: the SA
Activity shape, a table in German, a Slack thread pasted in, a paragraph of inline
labels, prose with no labels at all, the customer only in the title. The fields are read
with the same lenient reader as SA Activity requests (:func:`gl_cs.parse.fields.parse_request`:
any heading or bold style, tables, ``Field:`` lines, placeholders), with each kind's own
field names in the team's languages and as questions (:mod:`gl_cs.parse.kind_words`); what
no field holds is read from the sentences (:mod:`gl_cs.parse.prose`: "CW Nov 30", "a signé
le 18 novembre", "~320 people total", "signed last Friday"); yes and no to a partner, a
CSM/CSE or a PS engagement are read with their negation and as answers to questions
(:mod:`gl_cs.parse.stance`), and what was read is kept to be quoted (``evidence``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import zoneinfo

from .companies import customer_name, normalise, salesforce_id
from .segment import segment_for
from ..text.safe import safe_username
from .dates import find_dates
from .fields import FieldDef, parse_request
from .kind_words import (CONCEPTS, DONE_WORDS, ENGAGED_PARTNER, FIELD_ALIASES, LIVE_OPTIMIZATION_WORDS, ONBOARDING_WORDS, REQUEST_WORDS,
                         SIGNED)
from .prose import Signed, employees, short_lines, first_date, renews_on, seats, segment_named, signed_on, signer, tier, usernames
from .stance import Stance, field_stance, mentions, stance

ONBOARDING = "onboarding"
LIVE_OPTIMIZATION = "live_optimization"

_COMMON = (
    ("customer", "Customer", ("Customer Name", "Customer Information", "Account", "Account Name", "Company")),
    ("salesforce", "Salesforce", ("Salesforce Link", "Salesforce Account", "SFDC", "SFDC Link")),
    ("employees", "Employees", ("Employee Count", "Number of Employees", "Headcount", "Company Size",
                                "Employees or Segment")),
    ("segment", "Segment", ("Market Segment", "Sales Segment", "Seg", "Seg.")),
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

_MILESTONE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s*(?:\[[ xX]\]\s*)?")
_REF = re.compile(r"(?<![\w/&!])#(\d+)\b|/-/issues/(\d+)\b")
_UNDECIDED = re.compile(r"^\W*(?:tbd|tbc|tba|to\s+be\s+(?:confirmed|determined|decided)|pending|not\s+yet|unknown|"
                        r"not\s+signed|noch\s+offen|offen|ausstehend|à\s+d[ée]finir|a\s+definir|por\s+definir|"
                        r"pendiente|pendente|nog\s+niet)\b", re.I)
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u202a-\u202e]")
_APPROVED = re.compile(r"\b(?:confirm\w*|approv\w*|sign\w*\s+off|signed[\s-]off|ok'?d|okay'?d|agreed|green[\s-]?light\w*|"
                       r"gave\s+the\s+go|go[\s-]ahead|bestätigt|genehmigt|freigegeben|approuv\w*|valid[ée]\w*|"
                       r"aprovad\w*|aprobad\w*|autoriz\w*|goedgekeurd|approvat\w*)\b", re.I)


def field_defs(kind: str, overrides=()) -> tuple[FieldDef, ...]:
    """The kind's field definitions (the built-in names, and the names in other languages
    and as questions of :data:`gl_cs.parse.kind_words.FIELD_ALIASES`); rules.yml
    ``kinds.<kind>.fields`` replace or add by key."""
    defs = {}
    for k, t, s in DEFAULT_FIELDS[kind]:
        alias_key = "start_date" if k == "signing_date" else k
        defs[k] = FieldDef(key=k, title=t, synonyms=tuple(dict.fromkeys(s + FIELD_ALIASES.get(alias_key, ()))))
    for spec in overrides:
        defs[spec.key] = FieldDef(key=spec.key, title=spec.title, synonyms=tuple(spec.synonyms))
    return tuple(defs.values())


@dataclass(frozen=True)
class KindRequest:
    kind: str
    customer: str = ""
    salesforce: str = ""  # the account id
    start: dt.date | None = None  # onboarding start date / Live Optimization signing date
    start_month_only: bool = False  # only a month was written ("closed-won Jul 2026"): ``start`` is its first day
    renewal: dt.date | None = None
    employees: int | None = None
    segment: str | None = None
    tier: str = ""
    seats: int | None = None
    ae: str | None = None  # usernames (validated), None when not given
    sa: str | None = None  # the SA field's username, when it names one
    sa_text: str = ""  # the SA field as written ("Chen (@chen.sa) - owns onboarding", "Dara Lindqvist")
    people: tuple[str, ...] = ()  # every @username the request mentions, in order
    csm: str = ""  # the CSM/CSE named (or "yes"), "" for none
    partner: str = ""  # the partner named (or "a partner"), "" when not partner-sold
    ps: str = ""  # a PS engagement named (or "yes"), "" for none
    ultimate: bool = False
    asm_approval: bool = False
    cites: tuple[int, ...] = ()  # issues the request cites (#IID, issue links)
    milestones: tuple[str, ...] = ()
    proposed: tuple[dt.date, ...] = ()
    missing: tuple[str, ...] = ()  # required field keys missing
    fields_found: int = 0  # how many of the template's fields it has (a filled template is a request)
    #: what was read for a fact, as written (partner, csm, ps, start, exception): quoted in decisions
    evidence: dict = field(default_factory=dict, compare=False, hash=False)
    titles: dict = field(default_factory=dict, compare=False, hash=False)  # key -> title, for messages


def _username(text: str) -> str | None:
    found = usernames(text)
    if found:
        return safe_username(found[0])
    word = (text or "").strip().split()
    return safe_username(word[0]) if len(word) == 1 and "." in word[0] else None


def _milestones(text: str) -> tuple[str, ...]:
    items = []
    for line in (text or "").splitlines():
        line = _MILESTONE.sub("", line).strip()
        if line:
            items.append(line)
    return tuple(items[:8])


def _answer_of(source: str) -> str:
    """A field's answer out of the text it was read from: without its heading or label."""
    lines = [l for l in (source or "").strip().splitlines() if l.strip()]
    if not lines:
        return ""
    inline = re.split(r":|\s[-–—]\s|\t", lines[0], maxsplit=1)  # "PS - none", "CSM: n/a"
    if len(inline) == 2 and inline[1].strip():
        return inline[1].strip()
    return "\n".join(lines[1:])


def _clean(description: str) -> str:
    """The text as a person reads it: no template hints (HTML comments), no quick actions,
    no invisible characters."""
    text = _INVISIBLE.sub("", description or "")
    text = re.sub(r"<!--.*?(?:-->|$)", " ", text, flags=re.S)
    lines = [l for l in text.splitlines() if not re.match(r"\s*/[a-z_]+(?:\s|$)", l)]
    # a CRM record pasted as "Label<TAB>value" lines reads as "Label: value"
    return "\n".join(re.sub(r"^(\s*[^\t:|]{2,48}?)\t+", r"\1: ", l) if "\t" in l else l for l in lines)


def _split_run_on(text: str, defs) -> str:
    """A paragraph of inline labels ("customer: Acme start date: 11/16/2026 employees: 5k+
    ..."): each label on a line of its own, when a line holds three labels or more."""
    names = sorted({n for d in defs for n in (d.title, *d.synonyms) if len(n) > 1}, key=len, reverse=True)
    label = re.compile(r"(?<![\w/@.])(" + "|".join(re.escape(n) for n in names) + r")\s*:(?!//)", re.I)
    out = []
    for line in text.splitlines():
        hits = list(label.finditer(line))
        if len({h.group(1).lower() for h in hits}) >= 3:
            for h in reversed(hits[1:]):
                line = line[:h.start()].rstrip(" -–—,;|") + "\n" + line[h.start():]
        out.append(line)
    return "\n".join(out)


_KIND_TITLE_WORDS = re.compile(
    r"(?i)\b(?:customer\s+)?on[\s-]*boarding(?:\s+(?:request|checklist|anlegen))?\b|\bcheck[\s-]*list\b|"
    r"\blive\s+optimi[sz]ation(?:\s+(?:request|session))?\b|\bLO\b|\bsession\b|\brequest\b|\bnew\s+customer\b|"
    r"\b(?:pls|please|plz|bitte|open|needed|required|for|para|pour|für|second|2nd|approved|exception|"
    r"signed|closed[\s-]*won|cw|new|neu|neue|neuer|nouveau|nouvelle|nuevo|nueva|novo|nova|customer|kunde|client|"
    r"cliente|account|ticket|issue|task|help|hi|hello|hey|anfrage|demande|solicitud|pedido|solicita[cç][aã]o)\b|"
    r"\([^)]*\)|\[[^\]]*\]")


def title_customer(title: str) -> str:
    """"Onboarding checklist: Acme Robotics", "nordwind onboarding", "Lumen Freight — pls
    open onboarding" -> the customer (what is left without the kind's words)."""
    rest = _KIND_TITLE_WORDS.sub(" ", title or "")
    parts = [p.strip(" :-–—|/,.!*_") for p in re.split(r"\s[-–—|:]\s|:\s|\s[-–—]$", rest)]
    parts = [p for p in parts if p and re.search(r"[^\W\d_]", p)]
    return customer_name(parts[0]) if parts else ""


def _customer(title: str, field_text: str, body: str) -> tuple[str, str]:
    """(customer, where it was read: field, text or title): the field's customer; else the
    one the text says signed, or the title's name (the text completing it: "nordwind" in
    the title, "*Nordwind Logistik* is closed-won")."""
    named = customer_name(field_text)
    if named:
        return named, "field"
    from_title = title_customer(title)
    from_text = signer(body)
    if from_title and from_text and (normalise(from_title) in normalise(from_text)
                                     or normalise(from_text) in normalise(from_title)):
        return (from_text if len(from_text) >= len(from_title) or from_title.islower() else from_title), "text"
    if from_title:
        if from_title.islower():  # "nordwind onboarding": the text writes the name in full
            m = re.search(r"(?<!\w)(" + re.escape(from_title) + r"(?:\s+[A-ZÀ-ÖØ-Þ][\w&'’.-]*){0,3})", body, re.I)
            if m and m.group(1)[:1].isupper():
                return m.group(1).strip(" .,*_"), "text"
        return from_title, "title"
    return from_text, "text" if from_text else ""


def _exception(whole, text: str) -> tuple[bool, bool, str]:
    """(an Ultimate opportunity, the ASM's approval, what says so): from the template's
    fields, or from a sentence ("Kim (ASM) confirmed the exception, Ultimate opp in Q1")."""
    ultimate = field_stance(whole("ultimate")).value
    approval = field_stance(whole("asm_approval")).value
    quotes = []
    if ultimate is None:
        said = [s for s in mentions(text, "ultimate")
                if s.value and re.search(r"opp\w*|upsell|up[\s-]?tier|upgrade|deal|interest", s.evidence, re.I)]
        ultimate = bool(said)
        quotes += [said[0].evidence] if said else []
    if approval is None:
        sentences = [l for l in re.split(r"(?<=[.!?;])\s+|\n", text) if CONCEPTS["asm"].search(l)]
        approved = [l for l in sentences if _APPROVED.search(l)
                    and all(s.value is not False for s in mentions(l, "asm"))
                    and not re.search(r"\b(?:not|hasn't|has\s+not|haven't|no|yet\s+to|pending|waiting)\b", l, re.I)]
        approval = bool(approved)
        quotes += [approved[0].strip()] if approved else []
    return bool(ultimate), bool(approval), " / ".join(quotes)


@lru_cache(maxsize=256)
def _read(description: str, title: str, kind: str, defs: tuple, placeholders: tuple, written_key: str, tz: str,
          day_first: bool) -> KindRequest:
    written = dt.datetime.fromisoformat(written_key)
    text = short_lines(_clean(description))  # no reader scans a 100 KB line
    parsed = parse_request(_split_run_on(text, defs), list(defs), list(placeholders), None)
    f = parsed.fields

    def whole(k: str) -> str:
        return f.get(k, "") if k not in parsed.missing else ""

    def one(k: str) -> str:  # a one-value field: its first line (the reader may run on into free text)
        return next((l.strip() for l in whole(k).splitlines() if l.strip()), "")

    def answer(k: str) -> str:  # the field's first line, a placeholder ("none", "n/a") included
        said = _answer_of(parsed.sources.get(k, "")) or whole(k)  # "PS - none": none, whatever follows
        return next((l.strip() for l in said.splitlines() if l.strip()), "")

    # the sentences outside the fields: where a partner, a CSM or PS is said in prose (a
    # field's own label, "## CSM", is not a mention)
    prose = text
    for source in sorted(parsed.sources.values(), key=len, reverse=True):
        if source.strip():
            prose = prose.replace(source, "\n")

    evidence: dict[str, str] = {}
    date_key = "start_date" if kind == ONBOARDING else "signing_date"
    undecided = _UNDECIDED.match(answer(date_key))  # "TBD - should close before Dec 18": not signed yet
    signed = first_date(one(date_key), written, tz, day_first, past=True) if one(date_key) and not undecided else None
    if signed is None and not undecided:
        signed = signed_on(f"{title}\n{text}", written, tz, day_first)
    if signed is not None:
        evidence["start"] = signed.source
    renewal = first_date(one("renewal_date"), written, tz, day_first) if one("renewal_date") else None
    if renewal is None and kind == ONBOARDING:
        renewal = renews_on(text, written, tz, day_first, signed.day if signed else None)
    count = employees(one("employees"), bare=True) or employees(text)
    segment = segment_named(one("segment")) or segment_named(one("employees"))
    if count is not None:
        segment = segment_for(count)
    if segment is None:
        segment = segment_named("\n".join(l for l in text.splitlines()
                                          if re.search(r"segment|\bsmb\b|mid[\s-]*market|small\s+business", l, re.I)))
    customer, customer_from = _customer(title, one("customer"), text)
    if customer_from:
        evidence["customer_from"] = customer_from
    sf = salesforce_id(one("salesforce")) or salesforce_id(one("customer")) or salesforce_id(text) or ""
    said = {}
    for concept in ("partner", "csm", "ps"):
        said[concept] = stance(prose, concept, answer(concept))
        if said[concept].evidence:
            evidence[concept] = " ".join(said[concept].evidence.split())[:160]

    engaged = ENGAGED_PARTNER.search(text)  # anywhere, the milestones included
    if engaged and not said["partner"].value:  # not partner-sold, but a partner works for them now
        line = next((l for l in text.splitlines() if engaged.group(0) in l), engaged.group(0))
        said["partner"] = Stance(True, line.strip())
        evidence["partner"] = " ".join(line.split())[:160]

    def named(key: str, default: str) -> str:
        value = one(key)
        plain_yes = re.fullmatch(r"(?i)\s*(?:yes|y|ja|oui|s[ií]m?|true)\W*", value)
        return value if field_stance(value).value and not plain_yes else default

    ultimate, approval, exception = _exception(answer, prose)
    if exception:
        evidence["exception"] = " ".join(exception.split())[:240]
    values = {"customer": customer, date_key: signed.day if signed else None, "segment": segment}
    missing = tuple(k for k in REQUIRED[kind] if not values.get(k))
    return KindRequest(
        kind=kind, customer=customer, salesforce=sf, start=signed.day if signed else None,
        start_month_only=bool(signed and signed.month_only), renewal=renewal.day if renewal else None,
        employees=count, segment=segment, tier=tier(one("tier")) or one("tier") or tier(text),
        seats=seats(one("seats")) or seats(text), ae=_username(one("ae")), sa=_username(one("sa")),
        sa_text=one("sa"), people=usernames(text),
        csm=named("csm", "yes") if said["csm"].value else "",
        partner=named("partner", "a partner") if said["partner"].value else "",
        ps=named("ps", "yes") if said["ps"].value else "",
        ultimate=ultimate, asm_approval=approval,
        cites=tuple(dict.fromkeys(int(a or b) for a, b in _REF.findall(text))),
        milestones=_milestones(whole("milestones")),
        proposed=tuple(d.when.date() for d in find_dates(whole("proposed_dates"), now=written, default_tz=tz,
                                                         day_first=day_first, written=written)),
        missing=missing, fields_found=len(parsed.found), evidence=evidence, titles={d.key: d.title for d in defs})


def read_kind(description: str | None, kind: str, config, now: dt.datetime, title: str = "") -> KindRequest:
    """The fields of a ``kind`` request (``onboarding`` / ``live_optimization``). ``now`` is
    when the request was written: "last Friday" and a date without a year are read from
    it (its day in the team's time zone, so the reading is the same all day)."""
    spec = config.kind(kind) if config is not None else None
    defs = field_defs(kind, spec.fields if spec else ())
    placeholders = tuple(config.intake_placeholders) if config is not None else ()
    tz = config.timezone if config is not None else "UTC"
    local = now.astimezone(zoneinfo.ZoneInfo(tz))
    day = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return _read(description or "", title or "", kind, defs, placeholders, day.isoformat(), tz,
                 bool(config and config.day_first))


def pairs(read: KindRequest) -> tuple[tuple[str, str], ...]:
    """A request's fields as (name, value) pairs for :class:`gl_cs.decide.facts.IssueFact`."""
    out: list[tuple[str, str]] = [("kind", read.kind)]
    for name, value in (("customer", read.customer), ("salesforce", read.salesforce),
                        ("start", read.start.isoformat() if read.start else ""),
                        ("renewal", read.renewal.isoformat() if read.renewal else ""),
                        ("employees", str(read.employees) if read.employees is not None else ""),
                        ("segment", read.segment or ""), ("tier", read.tier), ("ae", read.ae or ""),
                        ("sa", read.sa or ""), ("sa_text", read.sa_text), ("csm", read.csm),
                        ("partner", read.partner), ("ps", read.ps),
                        ("seats", str(read.seats) if read.seats is not None else ""),
                        ("month_only", "yes" if read.start_month_only else ""),
                        ("ultimate", "yes" if read.ultimate else ""),
                        ("asm_approval", "yes" if read.asm_approval else "")):
        if value:
            out.append((name, value))
    out += [("person", p) for p in read.people]
    out += [("cites", str(i)) for i in read.cites]
    out += [(f"evidence:{k}", v) for k, v in read.evidence.items()]
    out += [("milestone", m) for m in read.milestones]
    out += [("proposed", d.isoformat()) for d in read.proposed]
    out += [("missing", k) for k in read.missing]
    return tuple(out)


_SA_ACTIVITY = re.compile(r"(?im)^\W{0,6}(?:customer\s+information|preferred\s+date\s+options|opportunity\s+details|"
                          r"outcome|challenges|infrastructure|sa\s+tasks)\b\W{0,6}(?::|$)")


def kind_of_text(title: str, description: str) -> str | None:
    """The kind of request an issue without a kind label is, by what it says: a Live
    Optimization request names the session; an onboarding request says onboarding in its
    title, or in its text next to a signing ("closed-won", "signed ..."). An SA Activity
    request (three of the template's fields or more) is neither, whatever it mentions."""
    text = _clean(description)
    if len(set(m.group(0).strip(" \t:#*_").lower() for m in _SA_ACTIVITY.finditer(text))) >= 3:
        return None
    if LIVE_OPTIMIZATION_WORDS.search(title or "") or LIVE_OPTIMIZATION_WORDS.search(text):
        return LIVE_OPTIMIZATION
    if ONBOARDING_WORDS.search(title or "") or (ONBOARDING_WORDS.search(text) and SIGNED.search(text)):
        return ONBOARDING
    return None


def looks_done(title: str, description: str) -> bool:
    """A record of work held or made (a session's notes, a filled checklist), not a request."""
    return bool(DONE_WORDS.search(_clean(description)) or DONE_WORDS.search(title or ""))


def asks(title: str, description: str) -> bool:
    """Does the text ask for something ("please open", "can someone", "would like a ...")?"""
    return bool(REQUEST_WORDS.search(title or "") or REQUEST_WORDS.search(_clean(description)))


_REVIEW_TITLE = re.compile(r"renewal\s+review|renewal\s+prep|verl[äa]ngerungs?[\s-]*(?:review|gespr[äa]ch)|"
                           r"revue\s+de\s+renouvellement|revis[aã]o\s+de\s+renova[cç][aã]o|"
                           r"revisi[oó]n\s+de\s+renovaci[oó]n", re.I)
_FIVE = re.compile(r"\b(?:5|five|f[üu]nf|cinq|cinco)[\s-]*(?:m|mo|mos|months?|monate|mois|meses)\b|\bfirst\b|\b1st\b|"
                   r"\(5\s*m", re.I)
_THREE = re.compile(r"\b(?:3|three|drei|trois|tr[eê]s)[\s-]*(?:m|mo|mos|months?|monate|mois|meses)\b|\bsecond\b|\b2nd\b|"
                    r"\(3\s*m", re.I)
_REVIEW_WORDS = re.compile(r"(?i)\b(?:renewal\s+review|renewal|review|prep|meeting|first|second|1st|2nd|erstes|zweites)\b|"
                           r"\b(?:t-)?(?:\d|five|three)[\s-]*(?:m|mo|mos|months?|monate|mois|meses)\b"
                           r"(?:\s+(?:out|before|vorher))?|\([^)]*\)")


@dataclass(frozen=True)
class ReviewRead:
    months: int | None  # 5 (the first review) or 3 (the second), None when it does not say
    renewal: dt.date | None
    customer: str


def looks_like_review(title: str) -> bool:
    """A renewal review meeting's issue, by its title ("Renewal Review - Acme (5 mo)")."""
    return bool(_REVIEW_TITLE.search(title or ""))


def read_review(title: str, description: str, config, now: dt.datetime) -> ReviewRead:
    """A renewal review issue made by a person or another tool: which review (five or three
    months before), for which renewal, for which customer."""
    text = _clean(description)
    where = f"{title}\n{text}"
    months = 5 if _FIVE.search(where) else 3 if _THREE.search(where) else None
    tz = config.timezone if config is not None else "UTC"
    day_first = bool(config and config.day_first)
    renewal = renews_on(text, now, tz, day_first)
    if renewal is None:
        found = find_dates(text, now=now, default_tz=tz, day_first=day_first, written=now)
        renewal = next((Signed(d.when.date(), d.source) for d in found if d.when.date() > now.date()), None)
    name = ""
    field = re.search(r"(?im)^\W*(?:account|customer|kunde|client|cliente)\s*:\s*(.+)$", text)
    if field:
        name = customer_name(field.group(1))
    if not name:
        rest = _REVIEW_WORDS.sub(" ", _REVIEW_TITLE.sub(" ", title or ""))
        parts = [p.strip(" :-–—|/,.!*_") for p in re.split(r"\s[-–—|:]\s|:\s", rest)]
        name = customer_name(next((p for p in parts if p and re.search(r"[^\W\d_]", p)), ""))
    return ReviewRead(months, renewal.day if renewal else None, name)
