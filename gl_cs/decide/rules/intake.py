"""intake: an SA Activity request says who, when and what before an SA engages.

Handbook 002, "Information to Collect": "we request the following information
*prior* to SA engagement" — Customer Information, Preferred Date Options,
Opportunity Details, Outcome, Challenges, Infrastructure, SA Tasks; and
"SA Waiting: ... the SA team is waiting on the AE for more information".

* a request with a field missing or empty goes to SA Waiting, with one comment
  to the author listing exactly what is missing (a new one only when that list
  differs from the one gl-cs asked for last);
* when a person moves a request out of the SA Waiting gl-cs put it in, that is
  their call (the field reader is a heuristic): it is reported, not moved back;
* when the AE fills the gaps, a request that gl-cs itself put in SA Waiting for
  missing fields (its last intake comment asked for them) goes back to the state it
  had before, with one short comment. A person's own SA Waiting is left alone.
Only requests in ``intake.states`` (default: backlog, triaged, waiting) are moved:
a request an SA is already doing is not pulled back.
"""

from __future__ import annotations

import hashlib

from ...read.snapshot import Issue
from ...text.safe import addressing, label_name, neutralize
from ..actions import Action, AddLabel, Comment, Finding, RemoveLabel
from ..context import Context
from ...markers import latest_key
from ..history import going_back, latest_add
from ..request import REQUEST, read_request
from .base import Rule

NAME = "intake"

HINTS = {
    "customer_information": "customer name, opportunity size, Salesforce link",
    "preferred_date_options": "when the customer wants the call, with the time zone",
    "opportunity_details": "size of the opportunity, timeframe for purchase",
    "outcome": "what is in it for the customer",
    "challenges": "the roadblocks the customer faces",
    "infrastructure": "the tools the customer uses today",
    "sa_tasks": "what you need from the SA: demo, technical deep-dive, services evaluation, ...",
}


def _waiting_key(ctx: Context) -> str | None:
    return next((s.key for s in ctx.config.states if s.key == "waiting"), None)


# Rules whose comment goes with every move gl-cs makes into SA Waiting.
_MOVES_INTO_WAITING = (NAME, "workflow.assignee", "workflow.transitions")


def _ever_moved_into_waiting(issue: Issue, ctx: Context) -> bool:
    """Could gl-cs have put this request in SA Waiting? Every such move comes with a
    comment, so without one of those comments the label history need not be read."""
    return any(latest_key([n.body], rule) is not None for n in ctx.bot_notes(issue) for rule in _MOVES_INTO_WAITING)


def _person_took_it_out(events, waiting_label: str, ctx: Context) -> str | None:
    """Who moved the request out of SA Waiting after gl-cs last put it there, if a person
    did: by removing SA Waiting, or by applying another workflow label (the state rule
    then keeps theirs, as the most recent)."""
    put = latest_add(events, [waiting_label], ctx, people_only=False)
    if put is None or not ctx.is_bot(put.user):
        return None
    for e in events:
        if (e.created_at, e.id) <= (put.created_at, put.id) or not ctx.is_person(e.user):
            continue
        if e.action == "remove" and e.label == waiting_label:
            return e.user.username
        if e.action == "add" and e.label != waiting_label and ctx.config.state_of(e.label) is not None:
            return e.user.username
    return None


def _answer(source: str) -> str:
    """The answer part of a field's source text: without its heading or label line, or
    after the label of a one-line ``Label: answer``."""
    lines = [l for l in source.strip().splitlines() if l.strip()]
    if len(lines) > 1:
        return "\n".join(lines[1:])
    return lines[0].split(":", 1)[1] if lines and ":" in lines[0] else ""


def _what_was_read(parsed, key: str) -> str:
    """Why gl-cs counts the field as missing, quoting (inertly) what it read, so the AE
    sees at once why."""
    reason = getattr(parsed, "reasons", {}).get(key, "absent")
    source = " ".join(_answer(getattr(parsed, "sources", {}).get(key) or "").split())
    quoted = neutralize(source, max_len=80) if source else ""
    if reason == "unsure" and quoted:
        return f" (it says {quoted}, which gl-cs cannot check here: please write it in this request)"
    if reason in ("placeholder", "deferred") and quoted:
        return f" (it says {quoted}: still to be filled in)"
    if reason == "empty" and quoted:
        return f" (found {quoted}, with nothing under it)"
    return ""


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    waiting = _waiting_key(ctx)
    present = cfg.workflow_labels(issue.labels)
    if waiting is None or len(present) != 1:
        return []
    state = cfg.state_of(present[0])
    if state.key not in cfg.intake_states:
        return []
    parsed = read_request(issue, cfg)
    titles = {f.key: f.title for f in cfg.intake_fields}
    waiting_label = ctx.label_for(waiting)

    if parsed.missing:
        names = [titles[k] for k in parsed.missing]
        why = "the request is missing " + ", ".join(names)
        actions: list[Action] = []
        if state.key != waiting:
            overruled = (_person_took_it_out(ctx.events(issue), waiting_label, ctx)
                         if _ever_moved_into_waiting(issue, ctx) else None)
            if overruled:
                return [Finding(NAME, f"{why}, but {overruled} moved it out of '{waiting_label}' after gl-cs "
                                      f"put it there: left as it is",
                                text=f"missing {', '.join(names)}; kept out of SA Waiting by {overruled}")]
            actions += [RemoveLabel(NAME, why, label=present[0]), AddLabel(NAME, why, label=waiting_label)]
        who = addressing(issue.author)
        lines = "\n".join(f"- **{label_name(titles[k])}**: {HINTS.get(k, 'see the SA Activity template')}"
                          f"{_what_was_read(parsed, k)}" for k in parsed.missing)
        body = (f"{who}thanks for the request! Before an SA can pick it up, the SA Activity template "
                f"needs these fields filled in:\n\n{lines}\n\nEdit the description to add them; "
                f"gl-cs moves the request on once they are there.")
        digest = hashlib.sha1("|".join(sorted(parsed.missing)).encode()).hexdigest()[:10]
        author = issue.author.username if issue.author else "the author"
        actions.append(Comment(NAME, why, key=f"missing-{digest}", body=body, scope="",
                               summary=f"to {author}: asks for " + ", ".join(names)))
        return actions

    if state.key != waiting:
        return []
    said = latest_key([n.body for n in ctx.bot_notes(issue)], NAME)
    if not (said or "").startswith("missing-"):
        return []  # gl-cs never asked (or already said thanks): not intake's to undo
    events = ctx.events(issue)
    entered = latest_add(events, [present[0]], ctx, people_only=False)
    if entered is None or not ctx.is_bot(entered.user):
        return []  # a person put it in SA Waiting: their call
    back = ctx.label_for(going_back(events, entered, cfg, has_assignee=bool(issue.assignees), avoid=(waiting,)))
    why = f"every SA Activity field is filled in now; back to '{back}'"
    body = f"Thanks, the request has everything the SA team needs. gl-cs moved it back to **{label_name(back)}**."
    return [RemoveLabel(NAME, why, label=present[0]), AddLabel(NAME, why, label=back),
            Comment(NAME, why, key=f"complete-{said[len('missing-'):]}", body=body, scope="",
                    summary="thanks the author; request complete")]


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(REQUEST,))
