"""services: requests that involve professional services carry the Services label.

Handbook 002, "Labels": "Services: If this opportunity involves or requires
services, use this label to indicate that."

Phrases from rules.yml are matched as whole words (so "PS" does not match "GPS",
"PS-led" does; an all-capitals phrase matches only in capitals), and read with what
negates them in their clause: "the customer does NOT want professional services", "no PS
planned" are not services. Template leftovers
do not count: HTML comments and the template's own unticked options are ignored; a
ticked "Services evaluation" box, or an unticked task the AE wrote, counts. gl-cs only adds
the label; it never removes a Services label a person set, and never adds it back
after a person removed it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...parse.stance import negated_at
from ...read.snapshot import Issue
from ..actions import Action, AddLabel
from ..context import Context
from ..reading import reading_of
from ..request import REQUEST
from .base import Rule

NAME = "services"

_COMMENT = re.compile(r"<!--.*?(-->|$)", re.S)
_UNTICKED = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[[ ~]\][ \t]*(.*)$", re.M)
_POSTSCRIPT = re.compile(r"^[ \t>]*P\.?S\.?:", re.M)  # "PS: I am out Friday" is a postscript
MAX_TEXT = 200_000  # GitLab allows 1 MB descriptions; services are named early or not at all


def _box_key(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .:;,!?*_")


@lru_cache(maxsize=32)
def _pattern(phrases: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    def alt(items):
        return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in items)

    exact = [p for p in phrases if p.isupper()]
    loose = [p for p in phrases if not p.isupper()]
    word = r"(?<![\w-])(?:{})(?![\w])"
    return (re.compile(word.format(alt(exact))) if exact else None,
            re.compile(word.format(alt(loose)), re.I) if loose else None)


def mentions_services(text: str, phrases: tuple[str, ...], template_boxes: tuple[str, ...] | None = None
                      ) -> str | None:
    """The first services phrase in ``text``, ignoring HTML comments and the template's
    own unticked options (all unticked boxes when ``template_boxes`` is None)."""
    options = None if template_boxes is None else {_box_key(b) for b in template_boxes}

    def drop_leftover(m: re.Match) -> str:
        return "" if options is None or _box_key(m.group(1)) in options else m.group(0)

    cleaned = _POSTSCRIPT.sub("", _UNTICKED.sub(drop_leftover, _COMMENT.sub("", (text or "")[:MAX_TEXT])))
    for pattern in _pattern(phrases):
        if pattern is not None:
            for found in pattern.finditer(cleaned):
                if not negated_at(cleaned, found.start(), found.end()):  # "does NOT want professional services"
                    return found.group(0)
    return None


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    if cfg.services_label in issue.labels or not cfg.services_phrases:
        return []
    found = reading_of(issue, cfg).part("services", lambda: mentions_services(
        f"{issue.title}\n{issue.description}", cfg.services_phrases, cfg.intake_template_checkboxes))
    if not found:
        return []
    removed_by = _removed_by_person(ctx.events(issue), cfg.services_label, ctx)
    if removed_by:
        return []  # a person took Services off: their call, never re-added
    return [AddLabel(NAME, f"the request mentions '{' '.join(found.split())}'", label=cfg.services_label)]


def _removed_by_person(events, label: str, ctx: Context) -> str | None:
    last = None
    for e in events:
        if e.label == label:
            last = e
    if last is not None and last.action == "remove" and ctx.is_person(last.user):
        return last.user.username
    return None


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(REQUEST,))
