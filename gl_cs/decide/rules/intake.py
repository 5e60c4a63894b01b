"""intake: an SA Activity request says who, when and what before an SA engages.

Handbook 002, "Information to Collect": "we request the following information
*prior* to SA engagement" — Customer Information, Preferred Date Options,
Opportunity Details, Outcome, Challenges, Infrastructure, SA Tasks; and
"SA Waiting: ... the SA team is waiting on the AE for more information".

* a request with a field missing or empty goes to SA Waiting, with one comment
  to the author listing exactly what is missing (a new one only when that list
  differs from the one gl-cs asked for last); it thanks for the request only
  when the request is fresh (opened less than a day ago);
* when a person moves a request out of the SA Waiting gl-cs put it in, that is
  their call (the field reader is a heuristic): it is reported, not moved back;
* when the AE fills the gaps, a request that gl-cs itself put in SA Waiting for
  missing fields (its last intake comment asked for them) goes back to the state it
  had before, with one short comment. A person's own SA Waiting is left alone.
Only requests in ``intake.states`` (default: backlog, triaged, waiting) are moved:
a request an SA is already doing is not pulled back.
"""

from __future__ import annotations

from ...read.snapshot import Issue
from ...text.safe import addressing, label_name, neutralize
from ..actions import Action
from ..context import Context
from ..request import REQUEST, read_request
from ..waiting import ask, back_when_complete, fresh, to_author, waiting_key
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


def _what_was_read(parsed, key: str) -> str:
    """Why gl-cs counts the field as missing, quoting (inertly) what it read, so the AE
    sees at once why."""
    reason = parsed.reasons.get(key, "absent")
    source = parsed.quotes.get(key, "")
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
    present = cfg.workflow_labels(issue.labels)
    if waiting_key(ctx) is None or len(present) != 1 or cfg.state_of(present[0]).key not in cfg.intake_states:
        return []
    parsed = read_request(issue, cfg)
    if not parsed.missing:
        return back_when_complete(
            NAME, issue, ctx, why=lambda back: f"every SA Activity field is filled in now; back to '{back}'",
            body=lambda back: f"Thanks, the request has everything the SA team needs. gl-cs moved it back to "
                              f"**{label_name(back)}**.")
    titles = {f.key: f.title for f in cfg.intake_fields}
    names = [titles[k] for k in parsed.missing]
    lines = "\n".join(f"- **{label_name(titles[k])}**: {HINTS.get(k, 'see the SA Activity template')}"
                      f"{_what_was_read(parsed, k)}" for k in parsed.missing)
    one = len(parsed.missing) == 1
    opener = ("thanks for the request! Before an SA can pick it up, " if fresh(issue, ctx.now)
              else "before an SA can pick up this request, ")
    body = to_author(addressing(issue.author),
                     f"{opener}the SA Activity template needs {'this field' if one else 'these fields'} filled "
                     f"in:\n\n{lines}\n\nEdit the description to add {'it' if one else 'them'}; gl-cs moves the "
                     f"request on once {'it is' if one else 'they are'} there.")
    return ask(NAME, issue, ctx, parsed.missing, names, body)


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(REQUEST,))
