"""Asking an AE for what a request lacks, and waiting for it: shared by the rules that
read a request's fields (``intake`` for SA Activity requests, ``kind_intake`` for
Customer Onboarding and Live Optimization requests).

Handbook 002, "SA Waiting: ... the SA team is waiting on the AE for more information".
The pattern, the same for every kind of request:

* missing fields: the request goes to SA Waiting (from the states in ``intake.states``)
  with one comment to its author naming what is missing, said again only when that list
  changes; a person who took it out of the SA Waiting gl-cs put it in is not overruled;
* complete again: a request gl-cs itself put in SA Waiting for missing fields goes back to
  the state it had before, with one short comment. A person's own SA Waiting stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Callable, Sequence

from ..markers import latest_key, markers_in
from ..read.snapshot import Issue
from .actions import Action, AddLabel, Comment, Finding, RemoveLabel
from .context import Context
from .history import going_back, latest_add

#: A request this young is thanked for ("thanks for the request!"); one open longer (an
#: AE who edited a field away days later) gets a plain opener.
FRESH = dt.timedelta(hours=24)


def fresh(issue: Issue, now: dt.datetime) -> bool:
    """Was ``issue`` opened less than :data:`FRESH` ago? (Unknown age: no.)"""
    return issue.created_at is not None and now - issue.created_at < FRESH


def to_author(addressing: str, sentence: str) -> str:
    """``sentence`` opening a comment: after ``@name `` as written, else capitalised."""
    return addressing + sentence if addressing else sentence[:1].upper() + sentence[1:]


# Rules whose comment goes with every move gl-cs makes into SA Waiting.
MOVES_INTO_WAITING = ("intake", "kind_intake", "workflow.assignee", "workflow.transitions")


def waiting_key(ctx: Context) -> str | None:
    return next((s.key for s in ctx.config.states if s.key == "waiting"), None)


def ever_moved_into_waiting(issue: Issue, ctx: Context) -> bool:
    """Could gl-cs have put this request in SA Waiting? Every such move comes with a
    comment, so without one of those comments the label history need not be read."""
    return any(latest_key([n.body], rule) is not None for n in ctx.bot_notes(issue) for rule in MOVES_INTO_WAITING)


def person_took_it_out(events, waiting_label: str, ctx: Context) -> str | None:
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


def ask(rule: str, issue: Issue, ctx: Context, missing: Sequence[str], names: Sequence[str], body: str
        ) -> list[Action]:
    """Move the request to SA Waiting (unless a person took it out of gl-cs's) and ask its
    author for ``missing`` (field keys; ``names`` as shown) with ``body``."""
    cfg = ctx.config
    [current] = cfg.workflow_labels(issue.labels)
    state = cfg.state_of(current)
    waiting_label = ctx.label_for(waiting_key(ctx))
    why = "the request is missing " + ", ".join(names)
    actions: list[Action] = []
    if state.key != waiting_key(ctx):
        overruled = (person_took_it_out(ctx.events(issue), waiting_label, ctx)
                     if ever_moved_into_waiting(issue, ctx) else None)
        if overruled:
            return [Finding(rule, f"{why}, but {overruled} moved it out of '{waiting_label}' after gl-cs "
                                  f"put it there: left as it is",
                            text=f"missing {', '.join(names)}; kept out of SA Waiting by {overruled}")]
        actions += [RemoveLabel(rule, why, label=current), AddLabel(rule, why, label=waiting_label)]
    digest = hashlib.sha1("|".join(sorted(missing)).encode()).hexdigest()[:10]
    author = issue.author.username if issue.author else "the author"
    said = [n.body for n in ctx.bot_notes(issue)]
    if latest_key(said, rule, "") != f"missing-{digest}" and asked_before(issue, ctx, names):
        return actions  # the question stands (asked before gl-cs's markers, or by another tool)
    actions.append(Comment(rule, why, key=f"missing-{digest}", body=body, scope="",
                           summary=f"to {author}: asks for " + ", ".join(names)))
    return actions


_ASKING = re.compile(r"\?|\bplease\b|\bcould\s+you\b|\bcan\s+you\b|\bneed(?:s|ed)?\b|\bmissing\b|\badd\b", re.I)


def asked_before(issue: Issue, ctx: Context, names: Sequence[str]) -> bool:
    """Did a comment without gl-cs's hidden marker (gl-cs before it had markers, another
    tool, a person) already ask the author for every one of ``names``? Then asking again says
    nothing new: the question stands."""
    if not issue.user_notes_count:
        return False
    wanted = [[w for w in re.findall(r"\w+", n.casefold()) if len(w) > 2] for n in names]
    for note in ctx.notes(issue):
        if note.system or markers_in(note.body) or (issue.author is not None and note.author is not None
                                                     and note.author.id == issue.author.id):
            continue
        body = note.body.casefold()
        if _ASKING.search(body) and all(words and all(w in body for w in words) for words in wanted):
            return True
    return False


def back_when_complete(rule: str, issue: Issue, ctx: Context, why: Callable[[str], str],
                       body: Callable[[str], str]) -> list[Action]:
    """A complete request in the SA Waiting gl-cs put it in for missing fields goes back to
    the state it had before (``why(label)``, ``body(label)`` say so); else nothing."""
    cfg = ctx.config
    [current] = cfg.workflow_labels(issue.labels)
    waiting = waiting_key(ctx)
    if cfg.state_of(current).key != waiting:
        return []
    said = latest_key([n.body for n in ctx.bot_notes(issue)], rule)
    if not (said or "").startswith("missing-"):
        return []  # gl-cs never asked (or already said thanks): not this rule's to undo
    events = ctx.events(issue)
    entered = latest_add(events, [current], ctx, people_only=False)
    if entered is None or not ctx.is_bot(entered.user):
        return []  # a person put it in SA Waiting: their call
    back = ctx.label_for(going_back(events, entered, cfg, has_assignee=bool(issue.assignees), avoid=(waiting,)))
    reason = why(back)
    return [RemoveLabel(rule, reason, label=current), AddLabel(rule, reason, label=back),
            Comment(rule, reason, key=f"complete-{said[len('missing-'):]}", body=body(back), scope="",
                    summary="thanks the author; request complete")]
