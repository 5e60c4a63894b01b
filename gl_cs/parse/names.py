"""Which field a heading, label or table cell names.

All names of all fields (rules.yml's title and synonyms, then
:data:`~gl_cs.parse.vocabulary.FIELD_ALIASES`) are compiled into one regular
expression, longest name first.  A name matches at the start of the text
(after bullets, emoji, numbering) when a separator or the end follows it:
``:``, `` - ``, ``/``, ``(``, ``|``, ``,``, ``&``, ``?`` ...  Case, punctuation
and spacing between words, apostrophes and a trailing plural ``s`` are ignored.
A text naming no field in front is read by the part in parentheses, brackets
or after a slash (``Kundeninformationen (Customer Information)``).
"""

from __future__ import annotations

import re
import threading
from typing import Sequence

from .model import FieldDef
from .vocabulary import FIELD_ALIASES, FUZZY_MIN_LENGTH, FUZZY_MIN_SCORE, SECTION_LABELS

try:  # near-miss names ("Infrastucture", "Oportunity Details"); see README "Reading what AEs write"
    from rapidfuzz import fuzz as _fuzz, process as _process
except ImportError:  # pragma: no cover - a dependency; without it only exact names are read
    _fuzz = _process = None

# leading decoration in front of a label: bullets, emoji, punctuation,
# numbering ("1.", "2)", "(3)", "a)"), emoji short codes (":office:")
_DECOR_RE = re.compile(
    r"^(?::[a-z0-9_+-]{1,40}:|[\s\W_]+|\d{1,3}[.):](?=\s|$)|\(\d{1,3}\)|[A-Za-z][.)](?=\s))+"
)
_SEP_AFTER_NAME = (
    r"(?:['\u2019]s)?(?:\s*$|\s*(?::|\uff1a|[\u2013\u2014\u2192]|->|=>|/|\(|\[|\||,|;|&|\?|!|\.(?!\w))|\s+-(?:\s|$))"
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_JOIN = r"[\s\-_./'\u2019]*"
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_FIRST_WORD_RE = re.compile(r"[^\W_]+")
_BRACKET_RE = re.compile(r"[(\[/|]")
_LEAD_RE = re.compile(r"[^\w\n]*(?:\d{1,3}[.):)][^\w\n]*)?")


def first_word(text: str) -> str:
    """The first word of a text, casefolded ('' when it starts with no letter or digit)."""
    m = _FIRST_WORD_RE.match(text)
    return m.group(0).casefold() if m else ""


def first_words_of(names) -> frozenset[str]:
    return frozenset(first_word(" ".join(_WORD_RE.findall(n))) for n in names if _WORD_RE.search(n))


def _pattern(name: str) -> tuple[int, str] | None:
    words = [w.casefold() for w in _WORD_RE.findall(name or "")]
    if not words:
        return None
    parts = [re.escape(w) for w in words]
    last = words[-1]
    # tolerate a plural "s" (or its absence) on the last word
    parts[-1] = (re.escape(last[:-1]) if len(last) > 2 and last.endswith("s") else re.escape(last)) + "s?"
    # CJK names are not followed by a word boundary
    tail = "" if _CJK_RE.search(last) else r"(?!\w)"
    return len(" ".join(words)), _JOIN.join(parts) + tail


#: what a Matcher remembers of the lines and labels it read, at most (then it forgets them
#: all): a long-running ``gl-cs serve`` reads without end
CACHE_LIMIT = 20_000
_MATCHERS: dict[tuple, "Matcher"] = {}
_MATCHERS_LOCK = threading.Lock()


def matcher_for(fields: Sequence[FieldDef]) -> "Matcher":
    """The Matcher of ``fields``, built once per process and shared (by every parse and
    every thread). Building one compiles a large regular expression (a tenth of a second);
    threads that ask for the same one at once wait for the first instead of each compiling
    it too, which is what made a webhook worker's first second slow."""
    key = tuple(fields)
    got = _MATCHERS.get(key)
    if got is None:
        with _MATCHERS_LOCK:
            got = _MATCHERS.get(key)
            if got is None:
                if len(_MATCHERS) >= 16:  # configurations come and go (tests, many desks): keep a few
                    _MATCHERS.clear()
                got = _MATCHERS[key] = Matcher(key)
    return got


class Matcher:
    """All names compiled into one regex (longest name first). Build it through
    :func:`matcher_for`, which shares one per set of fields."""

    def __init__(self, fields: Sequence[FieldDef], *, builtin: bool = True):
        names: list[tuple[int, str, str]] = []  # (length, pattern, key)
        first_words: set[str] = set()
        seen: set[str] = set()
        for fd in fields:
            extra = FIELD_ALIASES.get(fd.key, ()) if builtin else ()
            for name in (fd.title, *fd.synonyms, *extra):
                got = _pattern(name)
                if not got or got[1] in seen:
                    continue
                seen.add(got[1])
                names.append((got[0], got[1], fd.key))
                words = [w.casefold() for w in _WORD_RE.findall(name)]
                first_words.add(words[0])
                if len(words) == 1:
                    first_words.add(words[0] + "s")
                    if words[0].endswith("s"):
                        first_words.add(words[0][:-1])
        names.sort(key=lambda n: -n[0])
        #: casefolded name -> key, for near misses (names of FUZZY_MIN_LENGTH letters or more)
        self.fuzzy_names: dict[str, str] = {}
        for fd in fields:
            for name in (fd.title, *fd.synonyms, *(FIELD_ALIASES.get(fd.key, ()) if builtin else ())):
                folded = " ".join(_WORD_RE.findall(name.casefold()))
                if len(folded) >= FUZZY_MIN_LENGTH:
                    self.fuzzy_names.setdefault(folded, fd.key)
        self._fuzzy_list = list(self.fuzzy_names)
        self.fuzzy_cache: dict[str, tuple[str, str] | None] = {}
        self.line_cache: dict[tuple, object] = {}
        self.keys = [key for _, _, key in names]
        if names:
            alternation = "|".join(f"(?P<n{i}>{pat})" for i, (_, pat, _) in enumerate(names))
            self.regex: re.Pattern[str] | None = re.compile(
                r"(?:" + alternation + r")(?=" + _SEP_AFTER_NAME + r")", re.IGNORECASE
            )
            # a name written inline after other text, followed by a colon
            self.inline_regex: re.Pattern[str] | None = re.compile(
                r"(?:[*_]{1,2})?(?:" + "|".join(pat for _, pat, _ in names) + r")(?:[*_]{1,2})?"
                r"\s*(?:[:\uff1a]|\?(?=\s))",
                re.IGNORECASE,
            )
        else:
            self.regex = self.inline_regex = None
        # a cheap first test before the big regex: the text's first word must be a name's
        self.first_word_set = frozenset(w.casefold() for w in first_words)
        sec = [p for p in (_pattern(s) for s in SECTION_LABELS) if p]
        self.section_first = first_words_of(SECTION_LABELS)
        self.section_re = re.compile(
            r"(?:" + "|".join(p for _, p in sorted(sec, key=lambda x: -x[0])) + r")\s*[:\uff1a]", re.IGNORECASE
        )

    def could_name(self, line: str) -> bool:
        """Cheap test: may this raw line start with a field name (after bullets, quotes,
        emoji, numbering)?"""
        m = _LEAD_RE.match(line)
        return first_word(line[m.end():] if m else line) in self.first_word_set

    def match(self, text: str) -> tuple[str, str] | None:
        """(key, rest-after-name) when ``text`` starts with a field name followed
        by a separator or the end; else the same for the part of a bilingual
        heading in parentheses / after a slash; else None."""
        if self.regex is None or not text:
            return None
        body = text if text[:1].isalpha() else strip_decoration(text)
        if first_word(body) in self.first_word_set:
            m = self.regex.match(body)
            if m and m.lastgroup:
                return self.keys[int(m.lastgroup[1:])], body[m.end():]
        return self._bilingual(body) if _BRACKET_RE.search(body, 0, 80) else None

    def match_label(self, text: str) -> tuple[str, str] | None:
        """:meth:`match` for a heading, a bold label or a table's first cell, where the
        whole text is a label: a near miss of a name (one or two letters off, e.g.
        ``Infrastucture``) also counts."""
        hit = self.match(text)
        if hit or _process is None or not text or len(text) > 120:
            return hit
        got = self.fuzzy_cache.get(text)
        if got is None and text not in self.fuzzy_cache:
            if len(self.fuzzy_cache) >= CACHE_LIMIT:
                self.fuzzy_cache.clear()
            got = self.fuzzy_cache[text] = self._near_miss(text)
        return got

    def _near_miss(self, text: str) -> tuple[str, str] | None:
        body = strip_decoration(text)
        cut = len(body)
        for sep in (":", "\uff1a", " - ", " (", "?"):
            i = body.find(sep)
            if 0 < i < cut:
                cut = i
        label = " ".join(_WORD_RE.findall(body[:cut].casefold()))
        if len(label) < FUZZY_MIN_LENGTH or len(label) > 40:
            return None
        best = _process.extractOne(label, self._fuzzy_list, scorer=_fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if not best:
            return None
        return self.fuzzy_names[best[0]], body[cut:]

    def _bilingual(self, body: str) -> tuple[str, str] | None:
        # "Kundeninformationen (Customer Information)", "Défis / Challenges"
        b = _BRACKET_RE.search(body, 0, 80)
        if not b:
            return None
        i, ch = b.start(), b.group(0)
        if ch in "([":
            close = body.find(")" if ch == "(" else "]", i + 1)
            if close < 0:
                return None
            inner, rest = body[i + 1:close].strip(), body[close + 1:]
        else:
            inner, rest = body[i + 1:].lstrip(), ""
        inner = inner if inner[:1].isalpha() else strip_decoration(inner)
        if first_word(inner) not in self.first_word_set or self.regex is None:
            return None
        m = self.regex.match(inner)
        if m and m.lastgroup:
            return self.keys[int(m.lastgroup[1:])], (inner[m.end():] if ch in "/|" else rest)
        return None

    def is_section_label(self, text: str) -> bool:
        """``Notes:``, ``Next steps:`` ... : a label that names no field but starts a new part."""
        body = text if text[:1].isalpha() else strip_decoration(text)
        return first_word(body) in self.section_first and bool(self.section_re.match(body))


def strip_decoration(text: str) -> str:
    return _DECOR_RE.sub("", text.strip(), count=1)


def match_field_name(text: str, fields: Sequence[FieldDef]) -> str | None:
    """Which field a heading/label text names, or None (see the module docstring)."""
    hit = matcher_for(fields).match(text or "")
    return hit[0] if hit else None


def content_after_colon(rest: str) -> str:
    """Content written after the label in heading/strong text: after ':'."""
    idx = rest.find(":")
    if idx < 0:
        idx = rest.find("\uff1a")
    if idx < 0 or idx > 80:
        return ""
    return rest[idx + 1:].strip()


_HAS_WORD_RE = re.compile(r"[^\W_]")
_POSSESSIVE_RE = re.compile(r"^['\u2019]s\b")
_DASH_SEP_RE = re.compile(r"^(?:-\s+|[\u2013\u2014]\s*)(.*)$", re.S)
_ARROW_SEP_RE = re.compile(r"^(?:->|=>|\u2192)\s*(.*)$", re.S)
_PLAIN_CONT_RE = re.compile(r"^\s*(?:\([^()]*\)|/[^:]{0,40}|\[[^\]]*\])\s*[:.?]?\s*$")


def plain_label(matcher: Matcher, text: str) -> tuple[str, str] | None:
    """Plain ``Name: value`` / ``Name - value`` / ``Name`` line -> (key, value)."""
    hit = matcher.match(text)
    if not hit:
        return None
    key, rest = hit
    r = rest.strip()
    if not r or not _HAS_WORD_RE.search(r) and ":" not in r:
        return key, ""
    if r[0] in "'\u2019":
        r = _POSSESSIVE_RE.sub("", r).strip()
        if not r:
            return key, ""
    if r[0] in ":\uff1a":
        return key, r[1:].lstrip("*_ \t").strip()  # "*Customer:* Acme" after an emoji short code
    m = _ARROW_SEP_RE.match(r)
    if m:
        return key, m.group(1).strip()
    m = _DASH_SEP_RE.match(r)
    if m:
        return key, m.group(1).strip()
    if r[0] == "?":
        return key, r[1:].strip()  # a question label: "What's in their way? Jenkins"
    if r[0] in "(/[|&,":
        idx = r.find(":")
        if 0 <= idx <= 80:
            return key, r[idx + 1:].strip()
        if _PLAIN_CONT_RE.match(r):
            return key, ""
        if r[0] == "|":
            return key, r[1:].strip()
    return None
