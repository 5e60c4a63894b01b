"""Which kind of issue this is, and what the rules read from it (each read once per
text: see :mod:`gl_cs.decide.reading`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import Config
from ..markers import markers_in
from ..parse.fields import FieldDef, ParsedRequest, parse_request
from ..read.snapshot import Issue
from .reading import decoder, encode, list_of, reading_of

# The kinds of issue rules apply to (``Rule.kinds``).
REQUEST = "request"  # an SA Activity request written by a person
OPENED = "opened"  # an issue gl-cs opened itself (a checklist, a triage issue): hidden key
ACTION_ITEMS = "action_items"  # the team's own to-do issues
OTHER = "other"  # anything else in the desk (rules.yml narrowed what a request is)
# Requests with their own template and label (rules.yml ``kinds``), never asked SA Activity fields.
ONBOARDING_REQUEST = "onboarding_request"
LIVE_OPTIMIZATION_REQUEST = "live_optimization_request"
ALL_KINDS = (REQUEST, OPENED, ACTION_ITEMS, OTHER, ONBOARDING_REQUEST, LIVE_OPTIMIZATION_REQUEST)
KIND_REQUESTS = {"onboarding": ONBOARDING_REQUEST, "live_optimization": LIVE_OPTIMIZATION_REQUEST}

QUOTE = 200  # characters of an answer kept to quote it back to the AE
DATE_TEXT = 4000  # characters of Preferred Date Options kept


@dataclass(frozen=True)
class RequestReading:
    """What the SA Activity rules read from a request's fields."""

    missing: tuple[str, ...] = ()  # field keys absent or without an answer (see ParsedRequest.missing)
    reasons: dict[str, str] = field(default_factory=dict)  # missing key -> absent | empty | placeholder | ...
    quotes: dict[str, str] = field(default_factory=dict)  # missing key -> the answer as written (one line)
    customer: str = ""  # the Customer Information field
    date_text: str = ""  # the Preferred Date Options field


_MAIL_HEADER = re.compile(r"^[ \t>*_]*(?:from|sent|date|to|cc|subject|von|gesendet|an|betreff|de|envoy[ée]|[àa]|objet)"
                          r"[*_]*\s*:.*$", re.I | re.M)


#: a mail's sender line: a name with an address ("From: Rachel Odum <r.odum@example.com>",
#: "Von: ... [mailto:...]"), never a field ("**From:** Jenkins")
_SENDER = re.compile(r"^[ \t>*_]*(?:from|von|de)[*_]*\s*:.*(?:@[\w-]+\.\w|mailto:)", re.I)


def without_mail_headers(text: str) -> str:
    """``text`` with the header blocks of pasted e-mails blanked ("From: ... / Date: Fri,
    Dec 4, 2026 at 3:12 PM / Subject: ... / To: ..."): two or more header lines in a row,
    one of them a sender with an e-mail address, are a message's envelope, never a request's field (its "Date:" is when the mail was
    sent, not when the event is)."""
    lines = text.split("\n")
    out = list(lines)
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        if i < len(lines) and _MAIL_HEADER.match(line):
            run.append(i)
            continue
        if len(run) >= 2 and any(_SENDER.match(lines[j]) for j in run):
            for j in run:
                out[j] = ""
        run = []
    return "\n".join(out)


@lru_cache(maxsize=256)
def _parse(description: str, fields: tuple, placeholders: tuple, boxes: tuple | None, unsure: str) -> ParsedRequest:
    defs = [FieldDef(key=f.key, title=f.title, synonyms=tuple(f.synonyms)) for f in fields]
    return parse_request(without_mail_headers(description), defs, list(placeholders), boxes, unsure=unsure)


def _answer(source: str) -> str:
    """The answer part of a field's source text: without its heading or label line, or
    after the label of a one-line ``Label: answer``."""
    lines = [l for l in source.strip().splitlines() if l.strip()]
    if len(lines) > 1:
        return "\n".join(lines[1:])
    return lines[0].split(":", 1)[1] if lines and ":" in lines[0] else ""


DATES_KEY = "preferred_date_options"
_QUOTED_PART = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded|original)|_{5,}|from:\s|>|on\s.{5,120}\swrote:|am\s.{5,80}\sschrieb)", re.I | re.M)
_EVENT_WORDS = re.compile(r"\b(?:it'?s|it\s+is|call|meeting|session|demo|workshop|presentation|sync|"
                          r"review|eval\w*|scheduled|booked|invite)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


def event_prose(description: str, parsed: ParsedRequest, written: dt.datetime | None, config: Config) -> str:
    """The sentences of a request without a Preferred Date Options field that say when the
    event is, in its own words ("Need an SA for this one, it's tmrw 8am ET"; "the eval call
    is in 3 hours - 1pm PT"): outside every field, before any forwarded or quoted message
    (its headers carry dates that are not the event), with a meeting word and a date with a
    time or a delay. '' when there is none: then the field is missing, as before."""
    from ..parse.dates import find_dates, offsets

    if written is None:
        return ""
    text = description
    for source in parsed.sources.values():
        if source:
            text = text.replace(source, "\n")
    cut = _QUOTED_PART.search(text)
    text = text[:cut.start()] if cut else text
    kept = []
    for sentence in _SENTENCE.split(text):
        if not _EVENT_WORDS.search(sentence):
            continue
        timed = [d for d in find_dates(sentence, now=written, default_tz=config.timezone, day_first=config.day_first,
                                       written=written) if not d.date_only]
        if timed or offsets(sentence, written, config.timezone):
            kept.append(" ".join(sentence.split()))
    return "\n".join(kept)[:DATE_TEXT]


def _read_request(issue: Issue, config: Config) -> RequestReading:
    description = issue.description or ""
    parsed = _parse(description, config.intake_fields, config.intake_placeholders,
                    config.intake_template_checkboxes, config.intake_unsure)
    missing = tuple(parsed.missing)
    date_text = parsed.fields.get(DATES_KEY, "")[:DATE_TEXT]
    if DATES_KEY in missing and parsed.reasons.get(DATES_KEY) == "absent":
        prose = event_prose(description, parsed, issue.created_at, config)
        if prose:  # no field, but the request says when in a sentence: that is the answer
            missing, date_text = tuple(k for k in missing if k != DATES_KEY), prose
    return RequestReading(
        missing=missing,
        reasons={k: parsed.reasons.get(k, "absent") for k in missing},
        quotes={k: " ".join(_answer(parsed.sources.get(k) or "").split())[:QUOTE] for k in missing
                if parsed.sources.get(k)},
        customer=parsed.text("customer_information"), date_text=date_text)


_DECODE_REQUEST = decoder(RequestReading)


def read_request(issue: Issue, config: Config) -> RequestReading:
    """The SA Activity fields of ``issue``, as the rules need them."""
    return reading_of(issue, config).part("request", lambda: _read_request(issue, config), encode=encode,
                                  decode=_DECODE_REQUEST)


def written_at(issue: Issue, now: dt.datetime) -> dt.datetime:
    """When the request was written: what "tomorrow" and a date without a year are read
    from (its creation, which no later comment or label change moves)."""
    return min(issue.created_at or now, now) if issue.created_at else now


def kind_reading(issue: Issue, kind: str, config: Config, now: dt.datetime, *, clean: bool = False):
    """The fields of a Customer Onboarding / Live Optimization request (``kind``), or of a
    checklist / session read the same way (``clean``: without zero-width joiners and code
    marks, as gl-cs writes its own issues). What the description lacks may be in the AE's
    answers: when its comments are known, the author's replies are read with it ("closed
    11/19/26, sorry thought that was in SFDC")."""
    from ..parse.kinds import KindRequest, read_kind

    text = issue.description or ""
    if clean:
        text = text.replace("\u200d", "").replace("`", "")
    reading = reading_of(issue, config)
    read = reading.part(f"kind:{kind}{':clean' if clean else ''}",
                        lambda: read_kind(text, kind, config, written_at(issue, now), title=issue.title),
                        encode=encode, decode=decoder(KindRequest))
    replies, last = author_replies(issue)
    if not read.missing or clean or not replies:
        return read
    digest = hashlib.sha1(replies.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    written = min(last or now, now)  # "Dec 4th" in a reply is read from when the reply was written
    return reading.part(f"kind:{kind}:replies:{digest}",
                        lambda: read_kind(f"{text}\n\n{replies}", kind, config, written, title=issue.title),
                        encode=encode, decode=decoder(KindRequest))


def author_replies(issue: Issue) -> tuple[str, dt.datetime | None]:
    """The request's author's own comments, oldest first (when the sync read them), and
    when the last was written."""
    if issue.notes is None or issue.author is None:
        return "", None
    mine = [n for n in issue.notes if not n.system and n.author is not None and n.author.id == issue.author.id]
    return "\n\n".join(n.body for n in mine), max((n.created_at for n in mine if n.created_at), default=None)


def checklist_tasks(issue: Issue, config: Config):
    """The task list of a checklist (each task's title, tick and ISO due date)."""
    from .accounts.checklist import Task, tasks

    enc, dec = list_of(Task)
    return reading_of(issue, config).part("tasks", lambda: tasks(issue.description or ""), encode=enc, decode=dec)


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
    if is_review(issue, ctx):
        return OTHER  # a renewal review a person made is no request (and asks nothing of its author)
    if withdrawn(issue):
        return OTHER  # "[CANCELLED] Demo - Verdant Row": nothing to ask for, nothing to open
    key = kind_key(issue, ctx)
    if key is not None:
        # The team puts the kind label on requests and on checklists / sessions a person
        # made: a made one (its shape) is neither kind of request.
        if made_by_hand(issue, key, ctx):
            return OTHER
        if not _sa_activity_in_kind_clothes(issue, key, ctx):
            return KIND_REQUESTS[key]
    applies = cfg.intake_applies_to
    if applies == "all":
        return REQUEST
    kind, value = applies
    if kind == "label":
        return REQUEST if value in issue.labels else OTHER
    return REQUEST if value in (issue.description or "") else OTHER


_CANCELLED = r"cancel+ed|withdrawn|storniert|abgesagt|annul[ée]e?|cancelad[oa]|anulad[oa]|geannuleerd|annullat[oa]"
#: "[CANCELLED] Demo - ...", "CANCELLED: ...", "(withdrawn) ...": a tag, not a word of the title
_WITHDRAWN_TITLE = re.compile(r"^\W*[\[(]\s*(?:" + _CANCELLED + r")\s*[\])]|^\W*(?:" + _CANCELLED + r")\s*[:\-\u2013\u2014]\s",
                              re.I)
#: a first line that says so of the request itself: "CANCELLED", "**CANCELLED, no longer needed.**",
#: "This request is withdrawn", "No longer needed, please close this"
_WITHDRAWN_TEXT = re.compile(
    r"^\W*(?:(?:" + _CANCELLED + r")(?:\W*$|\W+(?:no\s+longer\s+needed|not\s+needed)\b)"
    r"|this\s+(?:request\s+)?(?:is\s+|was\s+|has\s+been\s+)?(?:" + _CANCELLED + r"|no\s+longer\s+needed)\b"
    r"|no\s+longer\s+needed\W+(?:please|feel\s+free\s+to)\s+close\s+(?:this|it)\b"
    r"|(?:please|feel\s+free\s+to)\s+close\s+this(?:\s+request|\s+issue)?\W*$)", re.I)


def withdrawn(issue: Issue) -> bool:
    """Does the request say, first thing, that it is withdrawn ("[CANCELLED] Demo - ...",
    "**CANCELLED, no longer needed.** ...", "This request is withdrawn")? Then gl-cs asks for
    nothing and opens nothing; a person closes it. A title or line that only uses the word
    ("Cancelled flights app demo", "Cancelled demo from Tuesday needs rescheduling") is no
    such statement."""
    if _WITHDRAWN_TITLE.search(issue.title or ""):
        return True
    first = next((line for line in (issue.description or "").splitlines() if line.strip()), "")
    return bool(_WITHDRAWN_TEXT.match(first.strip()[:200]))


#: the date a kind's request cannot do without
_KIND_DATE = {"onboarding": "start_date", "live_optimization": "signing_date"}


def _sa_activity_in_kind_clothes(issue: Issue, key: str, ctx) -> bool:
    """An SA Activity request titled or labelled as a kind ("Onboarding help - Pinecrest
    Credit Union", "they're not a customer yet"): every SA Activity field but at most one
    answered, and nothing says when the customer signed. It is read as the SA Activity
    request it is, instead of being asked for a start date it cannot have."""
    if len(read_request(issue, ctx.config).missing) > 1:
        return False
    read = kind_reading(issue, key, ctx.config, ctx.now)
    return _KIND_DATE.get(key, "") in read.missing


def kind_key(issue: Issue, ctx) -> str | None:
    """Which kind (``onboarding`` / ``live_optimization``) an issue is about: its kind label,
    else what it says (an AE who forgot the label still asked for a checklist); None for
    neither, or when rules.yml has no kinds."""
    cfg = ctx.config
    if not cfg.kinds:
        return None
    spec = cfg.kind_of_labels(issue.labels)
    if spec is not None:
        return spec.key
    from ..parse.kinds import kind_of_text

    found = reading_of(issue, cfg).part("kind", lambda: kind_of_text(issue.title, issue.description or ""))
    return found if found and cfg.kind(found) is not None else None


def _being_worked(issue: Issue, ctx) -> bool:
    """In a workflow state an SA owns (SA Triaged, SA Doing)."""
    for label in issue.labels:
        state = ctx.config.state_of(label)
        if state is not None and state.key in ("triaged", "doing"):
            return True
    return False


_BULLET = __import__("re").compile(r"^\s{0,3}(?:[-*+•]|\d+[.)])\s+")


def made_by_hand(issue: Issue, kind: str, ctx) -> bool:
    """Is this issue a checklist / session a person (or another tool) made, not a request?
    A task list of at least three of its steps says so; so do notes of work done ("session
    held", "notes after the call": a hand-made session is a session with or without a task
    list); so does a title saying "checklist" / "session" on a text that asks for nothing."""
    from ..parse.kinds import asks, looks_done
    from .accounts.checklist import _STEP_WORDS, looks_like_checklist
    from .accounts.session import _WORDS, looks_like_session

    steps = _STEP_WORDS if kind == "onboarding" else _WORDS
    if sum(1 for t in checklist_tasks(issue, ctx.config) if steps.search(t.title)) >= 2:
        return True  # "- [x] 1. Welcome", "- [ ] 2. Personal introduction": a checklist, however short
    listed = reading_of(issue, ctx.config).part("steps_listed", lambda: sum(
        1 for line in (issue.description or "").splitlines()
        if _BULLET.match(line) and steps.search(line)))
    if listed >= 3:  # "- welcome ✅", "- intro call ✅ (5/1)": the steps, ticked off by hand
        return True
    reading = reading_of(issue, ctx.config)
    asking = reading.part("asks", lambda: asks(issue.title, issue.description or ""))
    # notes of work done ("session held", "attendees", "recap"), unless the issue is still an
    # open, unassigned request asking for it ("Please set up an LO session. Attendees: ...")
    if reading.part("done", lambda: looks_done(issue.title, issue.description or "")) and (
            not asking or issue.state == "closed" or issue.assignees):
        return True
    if not asking and issue.assignees and _being_worked(issue, ctx):
        return True  # "Kestrel Systems - onboarding", in SA Doing with its SA: where the work is tracked
    shaped = (looks_like_checklist if kind == "onboarding" else looks_like_session)(issue.title, "")
    if shaped and issue.state == "closed" and issue.assignees:
        return True  # "Brightwater Dental - live opt session 11/19", closed by its SA: the work, done
    if not shaped or asking:
        return False
    # a title saying "checklist" over what a request says (the template filled in, or
    # most of what the issue to open needs) is still a request
    read = kind_reading(issue, kind, ctx.config, ctx.now)
    said = set(read.missing) | ({"customer"} if read.evidence.get("customer_from") == "title" else set())
    return read.fields_found < 4 and len(said) >= 2


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
    kind_fields, mentions = _read_kind_fields(issue, kind, ctx)  # a reader bug fails this issue
    said = None
    if issue.notes is not None or issue.user_notes_count == 0:
        said = tuple(f"{r}:{k}" for n in ctx.bot_notes(issue) for r, k in markers_in(n.body))
        kind_fields += answers(issue, ctx)
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
        did=_did(issue, plan), kind_fields=kind_fields, mentions=mentions, said=said,
        examined=issue.examined and not plan.has_writes)


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


_REF = __import__("re").compile(r"(?<![\w/&!])#(\d+)\b|/-/issues/(\d+)\b")


def _read_kind_fields(issue: Issue, kind: str, ctx) -> tuple[tuple[tuple[str, str], ...], tuple[int, ...]]:
    """What the project rules for kinds need to know about an issue, as (name, value) pairs:
    a kind request's fields (``role`` request), a checklist's / session's account and
    steps (``role`` checklist / session), an SA Activity request's customer."""
    cfg = ctx.config
    if not cfg.kinds:
        return (), ()
    from ..parse.kinds import pairs
    from ..text.coerce import as_text

    reading = reading_of(issue, cfg)
    mentions = tuple(reading.part("mentions", lambda: list(dict.fromkeys(
        int(a or b) for a, b in _REF.findall(as_text(issue.description))))))
    if kind in (ONBOARDING_REQUEST, LIVE_OPTIMIZATION_REQUEST):
        key = "onboarding" if kind == ONBOARDING_REQUEST else "live_optimization"
        read = kind_reading(issue, key, cfg, ctx.now)
        sa = named_sa(read, issue, cfg)
        found = tuple(p for p in pairs(read) if p[0] != "sa") + ((("sa", sa),) if sa else ())
        return (("role", "request"),) + found, mentions
    if kind == REQUEST:
        from ..parse.companies import customer_name, salesforce_id

        field = read_request(issue, cfg).customer
        out = (("role", "sa_activity"), ("customer", customer_name(field)))
        sf = salesforce_id(field) or reading.part("salesforce", lambda: salesforce_id(as_text(issue.description)))
        return out + ((("salesforce", sf),) if sf else ()), mentions
    made = None
    key = created_key(issue) if kind == OPENED else None
    if key and key.startswith(("onboarding:", "live-optimization:", "renewal:")):
        made = {"onboarding": "checklist", "live-optimization": "session", "renewal": "renewal"}[key.split(":")[0]]
    if made is None and kind == OTHER and is_review(issue, ctx):
        return _review_fields(issue, ctx), mentions
    spec_key = kind_key(issue, ctx) if kind == OTHER else None
    if made is None and spec_key is not None:
        made = "checklist" if spec_key == "onboarding" else "session"
    if made is None:
        return (), mentions
    out: tuple[tuple[str, str], ...] = (("role", made),)
    if key:
        out += (("account", key.split(":")[1]),)
    if made in ("checklist", "session"):
        read = kind_reading(issue, "onboarding" if made == "checklist" else "live_optimization", cfg, ctx.now,
                            clean=True)
        customer = read.customer or _title_customer(issue.title)
        out += tuple((k, v) for k, v in (("customer", customer), ("salesforce", read.salesforce)) if v)
        if kind != OPENED:  # made by a person or another tool: the names it mentions, to recognise it
            from ..parse.companies import normalise

            out += (("text", reading_of(issue, cfg).part("names", lambda: normalise(
                (issue.description or "")[:1500]))),)
        if made == "checklist":
            from .accounts.checklist import next_open

            found = checklist_tasks(issue, cfg)
            nxt = next_open(found)
            if nxt is not None:
                out += (("next_due", nxt.due.isoformat()), ("next_step", nxt.title))
            out += tuple(("overdue", f"{t.due.isoformat()}|{t.title}") for t in found
                         if not t.done and t.due is not None and t.due < ctx.now.date())
            if read.renewal:
                out += (("renewal", read.renewal.isoformat()),)
            if read.start:
                out += (("start", read.start.isoformat()),)
    return out, mentions


def named_sa(read, issue: Issue, cfg: Config) -> str | None:
    """The SA the request names to own the work, on the roster: the SA field's @username or
    first name ("Chen (@chen.sa) - owns onboarding", "Dara Lindqvist"), else the one SA the
    request @-mentions ("@ben.sa should own it"), never its author or AE."""
    import re

    roster = tuple(cfg.roster)
    if read.sa and (not roster or read.sa in roster):
        return read.sa
    if not roster:
        return None
    firsts = {u.split(".")[0].casefold(): u for u in roster}
    for word in re.findall(r"[^\W\d_]+", read.sa_text or ""):
        if word.casefold() in firsts and word[:1].isupper():
            return firsts[word.casefold()]
    others = {read.ae, issue.author.username if issue.author else None}
    mentioned = [u for u in read.people if u in roster and u not in others]
    return mentioned[0] if mentioned else None


def answers(issue: Issue, ctx) -> tuple[tuple[str, str], ...]:
    """What people answered to gl-cs's questions on the issue: ("answer:<rule>:<key>",
    "yes" | "no") for the first reply after each comment of gl-cs that asked one (its
    first words: "yes", "no, #28 is just meeting notes", "nein", "oui")."""
    from ..parse.stance import reply_answer

    if not issue.notes:
        return ()
    out: list[tuple[str, str]] = []
    asked: list[str] = []
    for note in issue.notes:
        if note.system:
            continue
        if ctx.is_bot(note.author):
            asked += [f"{r}:{k}" for r, k in markers_in(note.body) if k.startswith("earlier")]
            continue
        said = reply_answer(note.body)
        if asked and said is not None:
            out += [(f"answer:{key}", "yes" if said else "no") for key in asked]
            asked = []
    return tuple(out)


def is_review(issue: Issue, ctx) -> bool:
    """A renewal review a person or another tool made: it carries the renewal label, or its
    title says renewal review."""
    from ..parse.kinds import looks_like_review

    label = ctx.config.renewal_label
    return bool(ctx.config.kinds) and ((label is not None and label in issue.labels) or looks_like_review(issue.title))


def _review_fields(issue: Issue, ctx) -> tuple[tuple[str, str], ...]:
    from ..parse.kinds import ReviewRead, read_review

    read = reading_of(issue, ctx.config).part(
        "review", lambda: read_review(issue.title, issue.description or "", ctx.config, written_at(issue, ctx.now)),
        encode=encode, decode=decoder(ReviewRead))
    out = [("role", "renewal")]
    out += [(k, v) for k, v in (("customer", read.customer), ("months", str(read.months or "")),
                                ("renewal", read.renewal.isoformat() if read.renewal else "")) if v]
    return tuple(out)


def _title_customer(title: str) -> str:
    """"Onboarding checklist: Acme Robotics", "Acme Robotics onboarding checklist",
    "Live Optimization session for Acme" -> the customer (what is left without the kind's words)."""
    import re

    from ..parse.companies import customer_name

    rest = re.sub(r"(?i)\b(?:customer\s+)?on[\s-]*boarding\b|\bcheck[\s-]*list\b|\blive\s+optimi[sz]ation\b|"
                  r"\bsession\b|\bfor\b|\bissue\b", " ", title or "")
    rest = re.sub(r"^[\s:\-–—|]+|[\s:\-–—|]+$", "", rest)
    return customer_name(rest)
