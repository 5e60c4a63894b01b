"""Is a line an answer?  Placeholders, template prompts, deferrals, "see above".

One verdict per content line (:func:`judge`):

``real``         an answer;
``none``         kept in the field's text but not an answer on its own (a
                 ``Sub-label:`` without a value);
``placeholder``  no answer: a configured placeholder (``intake.placeholders``),
                 also wrapped in brackets/quotes or with a deferring qualifier
                 (``TBC (need to check w/ champion)``, ``n/a (will confirm)``);
                 an ``<angle prompt>``; a line made only of ``[bracket prompts]``
                 (``[Customer name] – [# developers]``); a line without a
                 letter or digit (``—``, ``???``);
``deferred``     an answer put off in prose (``will fill in after the call``,
                 ``details to follow``, ``wird nachgereicht``), see
                 :data:`~gl_cs.parse.vocabulary.DEFERRALS`;
``unsure``       a pointer instead of an answer: ``see above``, ``same as last
                 time`` (:data:`~gl_cs.parse.vocabulary.UNSURE`), a link or an
                 issue reference alone.
"""

from __future__ import annotations

import re
from typing import Iterable

from .layout import HTML_TAGS
from .vocabulary import DEFERRAL_WORDS, DEFERRALS, LATER_TAIL, UNSURE

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_HAS_WORD_RE = re.compile(r"[^\W_]")
_ANGLE_PROMPT_RE = re.compile(r"^<([^<>]{1,80})>$")
_SUBLABEL_RE = re.compile(r"^([^:\n]{1,40}?)\s*:(?:\s+(.*)|\s*)$")
_BRACKET_PROMPTS_RE = re.compile(r"^(?:\s*[-\u2013\u2014:/,|&+*•]*\s*\[[^\[\]]{1,80}\]\s*[-\u2013\u2014:/,|&+*.]*)+\s*$")
_QUALIFIER_RE = re.compile(r"^(?P<head>[^()\[\]\-\u2013\u2014,;:]{1,40}?)\s*(?:[(\[](?P<p>[^()\[\]]{0,120})[)\]]|(?:\s-|[\u2013\u2014,;:])\s*(?P<d>.{0,120}))\s*[.!?]*$")
_DEFERRAL_WORD_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in DEFERRAL_WORDS) + r")(?!\w)", re.I)
_DEFERRAL_RE = re.compile(r"^(?:" + "|".join(p.replace("{LATER}", LATER_TAIL) for p in DEFERRALS) + r")$", re.I)
_UNSURE_RE = re.compile(r"^(?:" + "|".join(UNSURE) + r")$", re.I)
# a link alone: a bare URL, a URL behind a word that names no answer ("link",
# "here", "SFDC"), or an issue reference
_LINK_ONLY_RE = re.compile(
    r"^(?:(?:see\s+)?(?:the\s+)?(?:link|here|this|sfdc|salesforce|opp(?:ortunity)?|doc|deck|notes|slack(?:\s+thread)?"
    r"|thread|gong|recording|google\s+doc)\s*[:\-]?\s*)?\(?<?(?:https?://\S+|www\.\S+)>?\)?$"
    r"|^(?:[#!&]\d+|[\w./-]+#\d+)$",
    re.I,
)


def norm_cmp(s: str) -> str:
    return " ".join(s.translate(_QUOTES).split()).casefold()


def _strip_wrapping(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        s = s.strip()
        s = s.rstrip(".:;,!?")
        if len(s) >= 2 and s[0] + s[-1] in ("[]", "()", "{}", '""', "''", "**", "__", "``", "<>"):
            s = s[1:-1]
    return s.strip()


def box_key(text: str) -> str:
    return norm_cmp(text).strip(" .:;,!?*_")


class Judge:
    """The configured placeholders and template boxes, with a verdict cache."""

    def __init__(self, placeholders: Iterable[str], template_boxes: Iterable[str] | None = None):
        # None: every unticked box is a template leftover; otherwise only these options are
        self.template_boxes = None if template_boxes is None else {box_key(str(b)) for b in template_boxes}
        self.exact: set[str] = set()
        self.stripped: set[str] = set()
        for p in placeholders or ():
            if p is None:
                continue
            n = norm_cmp(str(p))
            if not n:
                continue
            self.exact.add(n)
            st = _strip_wrapping(n)
            if st:
                self.stripped.add(st)
        self.max_len = max((len(p) for p in self.exact), default=0)
        self.cache: dict[str, tuple[bool, str]] = {}

    def is_placeholder(self, text: str, *, qualified: bool = True) -> bool:
        if len(text) > 2 * self.max_len + 130:
            return False  # far longer than any placeholder or <prompt>
        n = norm_cmp(text)
        if not n:
            return True
        if n in self.exact:
            return True
        if n[0].isalnum() and n[-1].isalnum() and not qualified:
            return False
        st = _strip_wrapping(n)
        if st and st in self.stripped:
            return True
        if _is_prompt(n):
            return True
        if qualified:
            m = _QUALIFIER_RE.match(n)
            if m:
                head = _strip_wrapping(m.group("head"))
                if head in self.stripped or head in self.exact:
                    qual = m.group("p") if m.group("p") is not None else (m.group("d") or "")
                    if not qual.strip() or _DEFERRAL_WORD_RE.search(qual) or self.is_placeholder(qual, qualified=False):
                        return True
        return False

    def judge(self, text: str) -> tuple[bool, str]:
        """(keep in the field's text, verdict) for one content line."""
        got = self.cache.get(text)
        if got is None:
            got = self.cache[text] = self._judge(text)
        return got

    def _judge(self, text: str) -> tuple[bool, str]:
        t = text.strip()
        if not t or not _HAS_WORD_RE.search(t):
            return False, "placeholder"
        if self.is_placeholder(t):
            return False, "placeholder"
        if len(t) <= 200:
            low = norm_cmp(t).strip(" *_")
            if _DEFERRAL_RE.match(low):
                return False, "deferred"
            if _UNSURE_RE.match(low) or _LINK_ONLY_RE.match(low):
                return True, "unsure"
        m = _SUBLABEL_RE.match(t)
        if m and "://" not in t[: m.end(1) + 3]:
            value = (m.group(2) or "").strip()
            if not value or not _HAS_WORD_RE.search(value):
                return True, "none"
            if self.is_placeholder(value):
                return False, "placeholder"
            if len(value) <= 200 and _DEFERRAL_RE.match(norm_cmp(value)):
                return False, "deferred"
        return True, "real"


def _is_prompt(n: str) -> bool:
    """``<customer name>`` (not an HTML tag, link or e-mail) or ``[Customer name] – [# devs]``."""
    m = _ANGLE_PROMPT_RE.match(n)
    if m:
        inner = m.group(1).strip()
        first = re.match(r"/?([a-z][a-z0-9-]*)", inner)
        looks_tag = bool(first and first.group(1) in HTML_TAGS and (len(inner) == len(first.group(0)) or inner[len(first.group(0))] in " />"))
        looks_link = "://" in inner or ("@" in inner and " " not in inner) or inner.startswith("www.")
        return not looks_tag and not looks_link
    if n.startswith(("[", "-", "*", "\u2022")) and "[" in n and _BRACKET_PROMPTS_RE.match(n):
        inner = n[n.index("[") + 1:]
        return not inner.startswith(("x]", " ]", "~]"))  # task boxes are not prompts
    return False
