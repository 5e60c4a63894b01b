"""Dates and times as written in the team's languages, as data, and the pass
that rewrites them into the English shapes :mod:`gl_cs.parse.dates` reads.

Languages: English (native to the reader), German, French, Spanish, Portuguese,
Dutch, Italian, Japanese.  The rewrite keeps a map back to the original text,
so every date read still quotes exactly what the AE wrote.

==============================  =========================================
written                          read as
==============================  =========================================
``26. November 2026``            ``26 Nov 2026``
``26 de noviembre de 2026``      ``26 Nov 2026``
``le 26 nov.``, ``26 ott``       ``26 Nov``, ``26 Oct``
``26.11.`` (no year)             ``Nov 26`` (day first, as in Europe)
``9 Uhr``, ``9.30 Uhr``          ``at 9:00``, ``at 9:30``
``17h``, ``17h30``, ``10hs``     ``17:00``, ``17:30``, ``10:00``
``a las 10``, ``às 10h``         ``at 10:00``
``alle 10``, ``om 10 uur``       ``at 10:00``
``3 de la tarde``                ``at 15:00``
``15時``, ``午後3時半``           ``15:00``, ``15:30``
fullwidth ``１５：００``          ``15:00``
``morgen``, ``demain``,          ``tomorrow``
``mañana``, ``amanhã``,
``domani``, ``明日``
``heute``, ``aujourd'hui``,      ``today``
``hoy``, ``hoje``, ``oggi``,
``vandaag``, ``tonight``
``übermorgen``, ``après-demain`` ``overmorrow`` (two days on)
``(Dienstag)``, ``(mar.)``, ``（火）`` ``(Tue)``
``**tomorrow**``, ``_10:00_``    the same, emphasis marks as spaces
==============================  =========================================

``17h`` is a time, but ``2h session`` / ``within 48h`` are durations: an
``h`` time is not read when a duration word follows or precedes it.
``morgen`` and ``mañana`` also mean "morning": after ``heute``, ``am``,
``Guten``, ``la``, ``esta``, a weekday ... they are not "tomorrow"
(:data:`gl_cs.parse.vocabulary.NOT_TOMORROW_AFTER`).

The words themselves (weekdays, relative days, parts of a day) are data in
:mod:`gl_cs.parse.vocabulary`; :func:`weekday_before` / :func:`weekday_after`
find a weekday written next to a date, in any of those languages.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from .vocabulary import NOT_TOMORROW_AFTER, RELATIVE_DAYS, WEEKDAY_ABBREVIATIONS, WEEKDAYS, WEEKDAYS_JA

#: month names and abbreviations in the team's languages -> English abbreviation
MONTHS: dict[str, str] = {}
for _en, _names in {
    "Jan": "januar jänner janvier janv enero ene janeiro jan januari gennaio genn gen",
    "Feb": "februar feber février févr fév fevrier febrero feb fevereiro fev februari febbraio",
    "Mar": "märz maerz mär mars marzo março marco maart mrt",
    "Apr": "april avril avr abril abr aprile",
    "May": "mai mayo maio mei maggio mag",
    "Jun": "juni juin junio jun junho giugno giu",
    "Jul": "juli juillet juil julio jul julho luglio lug",
    "Aug": "august août aout agosto ago augustus",
    "Sep": "september septembre sept septiembre setiembre setembro set settembre sett",
    "Oct": "oktober okt octobre octubre oct outubro out ottobre ott",
    "Nov": "november novembre noviembre novembro nov",
    "Dec": "dezember dez décembre déc decembre diciembre dic dezembro december dicembre",
}.items():
    for _n in _names.split():
        MONTHS[_n] = _en

#: month abbreviations that are also words ("out", "set", "ago", "mag"): read
#: only with a year or after "de"
AMBIGUOUS_MONTHS = frozenset({"out", "set", "ago", "mag", "gen", "dic", "ene", "mei", "van"})

#: words joining a date and its time ("Nov 26 um 9", "a las 10") -> "at"
TIME_CONNECTORS = (
    "a las", "a la", "às", "as", "alle ore", "alle", "dalle", "ore", "om", "um", "à", "vers", "ab",
    "gegen", "de", "desde", "van", "von", "dès", "from", "at", "@",
)
#: connectors strong enough that a bare hour after them is a time ("a las 10")
BARE_HOUR_CONNECTORS = ("a las", "a la", "às", "alle ore", "alle", "ore", "om", "um")
#: "in the afternoon/evening" after a bare hour: +12 h
AFTERNOON = ("de la tarde", "de la noche", "da tarde", "da noite", "du soir", "de l'après-midi",
             "del pomeriggio", "di sera", "'s middags", "'s avonds", "nachmittags", "abends", "pm")
#: words that make "2h" a duration, not a time
DURATION_AFTER = ("min", "mins", "minutes", "hour", "hours", "hrs", "heures", "horas", "uur", "ore", "stunden",
                  "session", "sessions", "demo", "call", "meeting", "workshop", "long", "block", "slot", "max",
                  "de duración", "de durée", "dauer")
DURATION_BEFORE = ("within", "in", "for", "next", "last", "every", "over", "under", "about", "~", "ca", "approx",
                   "durée", "duración", "duração", "dauer", "innerhalb", "binnen", "entro", "en", "per", "x")

_FULLWIDTH = {ord(c): ord(a) for c, a in zip("０１２３４５６７８９：", "0123456789:")}
_MON_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_CONN_ALT = "|".join(sorted((re.escape(c) for c in TIME_CONNECTORS), key=len, reverse=True))
_BARE_ALT = "|".join(sorted((re.escape(c) for c in BARE_HOUR_CONNECTORS), key=len, reverse=True))
_PM_ALT = "|".join(sorted((re.escape(c) for c in AFTERNOON), key=len, reverse=True))
_DUR_AFTER = "|".join(sorted((re.escape(c) for c in DURATION_AFTER), key=len, reverse=True))
_DUR_BEFORE = re.compile(r"(?:^|\W)(?:" + "|".join(re.escape(c) for c in DURATION_BEFORE) + r")\.?\s*$", re.I)

#: One pattern per shape, with a cheap gate: a shape's pattern joins the scan only
#: when its gate is found in the text, so a 100 KB text of English dates is not
#: scanned for "Uhr" at every digit.
_SHAPES: tuple[tuple[str, str, str], ...] = (
    # 2026年11月27日(金) / 11月27日 / 2026년 11월 30일 (Korean)
    ("cjk_date", r"月|월",
     r"(?:(?P<cy>\d{4})\s*[年/년]\s*)?(?P<cm>1[0-2]|0?[1-9])\s*[月월]\s*(?P<cd>3[01]|[12]\d|0?[1-9])\s*[日일]"
     r"(?:\s*[（(]?[月火水木金土日][曜]?[日]?[)）]?)?"),
    # 9 Uhr / 9.30 Uhr / 15 Uhr 30 / 10 uur / 10.00 uur (with an optional connector)
    ("uhr", r"(?i)uhr|uur",
     r"(?P<uc>(?<!\w)(?:" + _CONN_ALT + r")\s+)?(?P<uh>[01]?\d|2[0-3])(?:[:.](?P<um>[0-5]\d))?\s*(?:Uhr|uur)(?!\w)"
     r"(?:\s+(?P<um2>[0-5]\d)(?!\d))?"),
    # 15時 / 15時30分 / 午後3時半
    ("ji", r"時", r"(?P<jap>午前|午後)?(?P<jh>[01]?\d|2[0-3])\s*時(?:\s*(?P<jm>[0-5]?\d)\s*分|(?P<jhalf>半))?"),
    # 17h / 17h30 / 10hs / à 17h (a duration is not read)
    ("h", r"(?i)\d\s?h",
     r"(?P<hc>(?<!\w)(?:" + _CONN_ALT + r")\s+)?(?<![\w:.])(?P<hh>[01]?\d|2[0-3])\s?h(?:rs?|s)?(?P<hm>[0-5]\d)?(?![\w])"
     r"(?!\s*(?:" + _DUR_AFTER + r")(?!\w))"),
    # a las 10 / às 10:30 / alle 10 / om 10 (+ de la tarde)
    ("bare", r"(?i)(?<!\w)(?:" + _BARE_ALT + r")\s+\d",
     r"(?P<bc>(?<!\w)(?:" + _BARE_ALT + r"))\s+(?P<bh>[01]?\d|2[0-3])(?:[:.](?P<bm>[0-5]\d))?(?![\d:.\w])"
     r"(?P<bpm>\s+(?:" + _PM_ALT + r"))?"),
    # 26.11. (no year): day first
    ("dotted", r"\d\.\d{1,2}\.(?!\d)",
     r"(?<![\w.,/])(?P<dd>3[01]|[12]\d|0?[1-9])\.(?P<dm>1[0-2]|0?[1-9])\.(?![\d.]|\w)"),
    # 26. November 2026 / 26 de noviembre de 2026 / le 26 nov.
    ("month", r"(?i)\d(?:\.|º|er|e)?\s*(?:de\s+)?(?:" + _MON_ALT + r")(?!\w)",
     r"(?<![\w.,/])(?P<fd>3[01]|[12]\d|0?[1-9])(?:\.|º|er|e)?\s*(?:de\s+)?(?P<fmon>" + _MON_ALT + r")(?!\w)\.?"
     r"(?:,?\s*(?:de\s+)?(?P<fy>(?:19|20)\d{2})(?!\d))?"),
)
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: weekday word (any language, lower case) -> 0 = Monday
WEEKDAY_INDEX: dict[str, int] = {}
for _en, _names in WEEKDAYS.items():
    for _n in (_en.lower(),) + _names:
        WEEKDAY_INDEX[_n] = _EN_WEEKDAYS.index(_en)
for _en, _en_full in zip(_EN_WEEKDAYS, ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")):
    WEEKDAY_INDEX[_en_full] = _EN_WEEKDAYS.index(_en)
WEEKDAY_INDEX.update({"tues": 1, "thur": 3, "thurs": 3})
_ENGLISH_WEEKDAYS = frozenset(("mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday",
                               "thursday", "friday", "saturday", "sunday", "tues", "thur", "thurs"))
ABBREVIATION_INDEX: dict[str, int] = {n: _EN_WEEKDAYS.index(en) for en, ns in WEEKDAY_ABBREVIATIONS.items() for n in ns}
#: Japanese weekdays, read in parentheses only (``月`` and ``日`` are also month and day)
JA_WEEKDAY_INDEX: dict[str, int] = {n: _EN_WEEKDAYS.index(en) for en, ns in WEEKDAYS_JA.items() for n in ns}


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


_WD_FULL_ALT = _alternation(WEEKDAY_INDEX)
_WD_ABBR_ALT = _alternation(ABBREVIATION_INDEX)
_REL_LATIN = [w for w in RELATIVE_DAYS if w.isascii() or not re.search(r"[\u3000-\u9fff]", w)]
_REL_CJK = [w for w in RELATIVE_DAYS if w not in _REL_LATIN]
_SHAPES = _SHAPES + (
    # heute / morgen / demain / mañana / amanhã / domani / 明日 ... (not "heute Morgen": morning)
    ("rel", r"(?i)" + _alternation(RELATIVE_DAYS),
     r"(?<!\w)(?P<rel>" + _alternation(_REL_LATIN) + r")(?!\w)|(?P<relj>" + _alternation(_REL_CJK) + r")"),
    # (Dienstag) / (mar.) / (terça-feira) / （火）: a weekday alone in parentheses
    ("wdparen", r"[(\uff08]",
     r"[(\uff08]\s*(?P<wp>" + _WD_FULL_ALT + "|" + _WD_ABBR_ALT + "|" + _alternation(JA_WEEKDAY_INDEX)
     + r")\.?\s*[)\uff09]"),
)
_GATES = tuple((name, re.compile(gate)) for name, gate, _ in _SHAPES)
#: words one of which must be in the (lower-case) text before a shape's gate is searched
_LITERALS: dict[str, tuple[str, ...]] = {
    "cjk_date": ("月", "월"), "uhr": ("uhr", "uur"), "ji": ("時",), "bare": BARE_HOUR_CONNECTORS,
    "rel": tuple(RELATIVE_DAYS), "wdparen": ("(", "\uff08"),
}


@lru_cache(maxsize=64)
def _scanner(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(p for n, _, p in _SHAPES if n in names), re.IGNORECASE)


_FULLWIDTH_RE = re.compile("[\uff10-\uff1a]")
#: Markdown emphasis around a date or time (``**tomorrow**``, ``_10:00 CET_``): read as
#: spaces, so offsets (and the source quoted) stay the same. An ``_`` inside a word
#: (``America/New_York``) stays.
_EMPHASIS_RE = re.compile(r"\*+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
#: the reader reads at most 100 dates (dates.MAX_DATES); rewriting stops after
#: this many foreign shapes, which keeps a 100 KB calendar paste fast
MAX_REWRITES = 400
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Rewritten:
    """The rewritten text and a map from its offsets back to the original."""

    def __init__(self, original: str, text: str, pieces: list[tuple[int, int, int, int]]):
        self.original = original
        self.text = text
        # (new_start, new_end, orig_start, orig_end) of each replaced piece, in order
        self._pieces = pieces
        self._starts = [p[0] for p in pieces]

    def orig(self, pos: int, *, end: bool = False) -> int:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        ns, ne, os_, oe = self._pieces[i]
        if pos < ne or (end and pos == ne):
            return oe if end and pos > ns else os_
        return oe + (pos - ne)

    def source(self, start: int, end: int) -> str:
        return self.original[self.orig(start): self.orig(end, end=True)]


def rewrite(text: str) -> Rewritten:
    """Foreign dates/times -> the English shapes the reader knows, with a map back."""
    if _FULLWIDTH_RE.search(text):
        text_fw = text.translate(_FULLWIDTH)  # same length: offsets unchanged
    else:
        text_fw = text
    if "*" in text_fw or "_" in text_fw:
        text_fw = _EMPHASIS_RE.sub(lambda m: " " * len(m.group(0)), text_fw)  # same length: offsets unchanged
    low = text_fw.lower()
    present = tuple(name for name, gate in _GATES
                    if any(w in low for w in _LITERALS.get(name, ("",))) and gate.search(text_fw))
    if not present:
        return Rewritten(text, text_fw, [])
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    pos = 0
    new_len = 0
    for m in _scanner(present).finditer(text_fw):
        if len(pieces) >= MAX_REWRITES:
            break
        repl = _replacement(m, text_fw)
        if repl is None:
            continue
        chunk = text_fw[pos:m.start()]
        out.append(chunk)
        new_len += len(chunk)
        out.append(repl)
        pieces.append((new_len, new_len + len(repl), m.start(), m.end()))
        new_len += len(repl)
        pos = m.end()
    out.append(text_fw[pos:])
    return Rewritten(text, "".join(out), pieces)


_REL_WORDS = {0: "today", 1: "tomorrow", 2: "overmorrow"}
_MORNING_TOO = ("morgen", "mañana", "manana")
_WORD_BEFORE_RE = re.compile(r"([^\W\d]+|'s)\W*$")


def _relative(word: str, text: str, start: int) -> str | None:
    """``today`` / ``tomorrow`` / ``overmorrow`` for a relative day word, or None when
    ``morgen`` / ``mañana`` means the morning (``heute Morgen``, ``por la mañana``)."""
    key = " ".join(word.casefold().split())
    days = RELATIVE_DAYS.get(key)
    if days is None:
        return None
    if key in _MORNING_TOO:
        before = _WORD_BEFORE_RE.search(text, max(0, start - 24), start)
        prev = before.group(1).casefold() if before else ""
        if prev in NOT_TOMORROW_AFTER or prev in WEEKDAY_INDEX:
            return None
    return _REL_WORDS[days]


def _replacement(m: re.Match[str], text: str) -> str | None:
    g = m.groupdict().get  # the scanner holds only the shapes present in the text
    if g("rel") is not None:
        return _relative(g("rel"), text, m.start())
    if g("relj") is not None:
        return f" {_REL_WORDS[RELATIVE_DAYS[g('relj')]]} "
    if g("wp") is not None:
        word = " ".join(g("wp").casefold().split())
        index = WEEKDAY_INDEX.get(word, ABBREVIATION_INDEX.get(word, JA_WEEKDAY_INDEX.get(word)))
        if index is None or (word in _ENGLISH_WEEKDAYS and m.group(0).startswith("(")):
            return None  # English: the reader knows it
        return f"({_EN_WEEKDAYS[index]})"
    if g("cm") is not None:
        month, day = int(g("cm")), int(g("cd"))
        return f" {g('cy')}-{month:02d}-{day:02d} " if g("cy") else f" {_EN_MONTHS[month - 1]} {day} "
    if g("uh") is not None:
        return f"{'at ' if g('uc') else ''}{int(g('uh'))}:{g('um') or g('um2') or '00'}"
    if g("jh") is not None:
        h = int(g("jh"))
        if g("jap") == "午後" and h < 12:
            h += 12
        minute = "30" if g("jhalf") else f"{int(g('jm')):02d}" if g("jm") else "00"
        return f" {h}:{minute} "
    if g("hh") is not None:
        if not g("hc") and _DUR_BEFORE.search(text[max(0, m.start() - 16):m.start()]):
            return None  # "within 48h", "in 2h"
        h = int(g("hh"))
        if not g("hc") and not g("hm") and h < 7 and not re.match(r"\s*[A-Z]{2,5}\b", text[m.end():m.end() + 6]):
            return None  # "2h" alone is more likely a duration; "2h CET" is a time
        return f"{'at ' if g('hc') else ''}{h}:{g('hm') or '00'}"
    if g("bh") is not None:
        h = int(g("bh"))
        if g("bpm") and h < 12:
            h += 12
        return f"at {h}:{g('bm') or '00'}"
    if g("dd") is not None:
        return f"{_EN_MONTHS[int(g('dm')) - 1]} {int(g('dd'))}"
    if g("fd") is not None:
        word = g("fmon")
        en = MONTHS.get(word.casefold())
        if en is None:
            return None
        if word.casefold() == en.casefold() and re.fullmatch(r"\d{1,2}\s+\w+\.?", m.group(0)):
            return None  # English already ("26 Nov"): leave it to the reader
        if word.casefold() in AMBIGUOUS_MONTHS and not g("fy") and " de " not in f" {m.group(0).lower()} ":
            return None  # "2 out of 3", "5 set": only with a year or "de" ("5 de set.")
        return f"{int(g('fd'))} {en}" + (f" {g('fy')}" if g("fy") else "")
    return None


# --------------------------------------------------------------------------
# a weekday written next to a date

#: a weekday just before a date: ``Dienstag, 08.12.``, ``le mardi 8``, ``Tue 12/8``,
#: ``mar. 8 déc.``; an abbreviation only with a dot after it, or a comma before a
#: numeric date (``Di, 08.12.``; but "So, 10 Dec works" is English)
_WEEKDAY_BEFORE_RE = re.compile(
    r"(?<!\w)(?:(?P<full>" + _WD_FULL_ALT + r")\.?|(?P<abbr>" + _WD_ABBR_ALT + r")(?:\.\s*,?|(?P<comma>,)))"
    r"\s*,?\s*(?:(?:den|der|le|el|il|lo|o|a|op|the)\s+)?$",
    re.IGNORECASE,
)
#: a weekday in parentheses just after a date: ``08/12/2026 (martes)`` (rewritten ``(Tue)``)
_WEEKDAY_AFTER_RE = re.compile(
    r"\s*,?\s*\(\s*(?:(?P<full>" + _WD_FULL_ALT + r")|(?P<abbr>" + _WD_ABBR_ALT + r"))\.?\s*\)", re.IGNORECASE)


def _index(m: re.Match[str] | None, numeric: bool = True) -> int | None:
    if m is None:
        return None
    if m.groupdict().get("comma") and not numeric:
        return None
    if m.group("full"):
        return WEEKDAY_INDEX.get(" ".join(m.group("full").casefold().split()))
    return ABBREVIATION_INDEX.get(m.group("abbr").casefold())


def weekday_before(text: str, pos: int, *, numeric: bool = False) -> int | None:
    """The weekday (0 = Monday) written just before ``pos``, in any language read
    (``numeric``: a numeric date starts at ``pos``)."""
    return _index(_WEEKDAY_BEFORE_RE.search(text, max(0, pos - 32), pos), numeric)


def weekday_after(text: str, pos: int) -> int | None:
    """The weekday (0 = Monday) written in parentheses just after ``pos``."""
    return _index(_WEEKDAY_AFTER_RE.match(text, pos))
