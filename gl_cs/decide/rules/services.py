"""services: requests that involve professional services carry the Services label.

Handbook 002, "Labels": "Services: If this opportunity involves or requires
services, use this label to indicate that."

Phrases from rules.yml are matched as whole words (so "PS" does not match "GPS",
"PS-led" does; an all-capitals phrase matches only in capitals). Template leftovers
do not count: HTML comments and the template's own unticked options are ignored; a
ticked "Services evaluation" box, or an unticked task the AE wrote, counts. gl-cs only adds the label; it never removes a Services label a person set.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...read.snapshot import Issue
from ..actions import Action, AddLabel
from ..context import Context
from ..request import is_request
from .base import Rule

NAME = "services"

_COMMENT = re.compile(r"<!--.*?(-->|$)", re.S)
_UNTICKED = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[ ~]\]\s*(.*)$", re.M)


def _box_key(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .:;,!?*_")


@lru_cache(maxsize=32)
def _pattern(phrases: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    def alt(items):
        return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in items)

    exact = [p for p in phrases if p.isupper()]
    loose = [p for p in phrases if not p.isupper()]
    word = r"(?<![\w-])(?:{})(?!\w)"
    return (re.compile(word.format(alt(exact))) if exact else None,
            re.compile(word.format(alt(loose)), re.I) if loose else None)


def mentions_services(text: str, phrases: tuple[str, ...], template_boxes: tuple[str, ...] | None = None
                      ) -> str | None:
    """The first services phrase in ``text``, ignoring HTML comments and the template's
    own unticked options (all unticked boxes when ``template_boxes`` is None)."""
    options = None if template_boxes is None else {_box_key(b) for b in template_boxes}

    def drop_leftover(m: re.Match) -> str:
        return "" if options is None or _box_key(m.group(1)) in options else m.group(0)

    cleaned = _UNTICKED.sub(drop_leftover, _COMMENT.sub("", text or ""))
    for pattern in _pattern(phrases):
        if pattern is not None:
            found = pattern.search(cleaned)
            if found:
                return found.group(0)
    return None


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    if cfg.services_label in issue.labels or not cfg.services_phrases or not is_request(issue, ctx):
        return []
    found = mentions_services(f"{issue.title}\n{issue.description}", cfg.services_phrases,
                              cfg.intake_template_checkboxes)
    if not found:
        return []
    return [AddLabel(NAME, f"the request mentions '{' '.join(found.split())}'", label=cfg.services_label)]


RULE = Rule(NAME, decide, doc=__doc__ or "")
