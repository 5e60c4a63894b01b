"""Facts an AE writes in sentences, not fields: who signed, when, how big they are.

"*Nordwind Logistik* is closed-won!! contract countersigned Thu 11/26", "Maison Clairval
(cosmétiques, env. 600 salariés) a signé le 18 novembre", "Lumen Freight, CW Nov 30. mid
market (approx 350 staff)", "signed last Friday", "closed-won Jul 2026", "around eighty
people", "5k+ employees". Each reader returns what it found (or None) and never guesses a
value that is not written: a month without a day is a month (the caller says so), a count
of developers or seats is not the number of employees.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .dates import find_dates
from .date_words import MONTHS
from .kind_words import (APPROX, EMPLOYEE_NOUNS, NUMBER_WORDS, SEATS, SEGMENT_WORDS, SIGNED, TIERS)

# -- when -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Signed:
    day: dt.date
    source: str  # what was read ("CW Nov 30", "signed last Friday")
    month_only: bool = False  # "closed-won Jul 2026": the first of the month stands for it


_WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
             "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
_RELATIVE = re.compile(r"\b(?:(last|this\s+past|past|this)\s+(" + "|".join(_WEEKDAYS) + r")\b|(yesterday|today|"
                       r"this\s+morning|earlier\s+today)|on\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b)", re.I)
#: month names in every language the date reader knows (English ones included) -> "Jan" ...
_MONTH_NAMES = {**MONTHS, **{n.lower(): n[:3].title() for n in (
    "january february march april may june july august september october november december".split())},
                **{n: n.title() for n in "jan feb mar apr jun jul aug sep sept oct nov dec".split()}}
_MONTH_NAMES["sept"] = "Sep"
_MONTH_ALT = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_MONTH_YEAR = re.compile(r"\b(" + _MONTH_ALT + r")\.?\s+(?:of\s+|de\s+)?(20\d\d)\b", re.I)
_IN_MONTH = re.compile(r"\bin\s+(" + _MONTH_ALT + r")\b(?!\s*\d)", re.I)


_EOM = re.compile(r"\b(?:EOM|end\s+of(?:\s+the\s+month\s+of)?|the\s+last\s+day\s+of|last\s+day\s+of)\s+(" +
                  "|".join(sorted(set(re.findall(r"[a-zé]+", " ".join([
                      "january february march april may june july august september october november december",
                      "jan feb mar apr jun jul aug sep sept oct nov dec"]))), key=len, reverse=True)) +
                  r")\b\.?(?:\s+(20\d\d))?", re.I)
_LAST_WEEK = re.compile(r"\b(?:last|past)\s+week\b|\ba\s+week\s+ago\b|\b(two|2)\s+weeks\s+ago\b", re.I)
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?![\d.])")
_HOLIDAY = re.compile(r"(?:the\s+)?(?:(" + "|".join(_WEEKDAYS) + r")\s+(before|after)\s+)?(thanksgiving|black\s+friday|"
                      r"christmas(?:\s+eve)?|xmas|new\s+year'?s?(?:\s+eve)?)\b", re.I)


def _holiday(name: str, year: int) -> dt.date:
    name = name.lower()
    if name.startswith(("thanksgiving", "black")):
        first = dt.date(year, 11, 1)
        thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)  # the fourth Thursday of November
        return thursday + dt.timedelta(days=1) if name.startswith("black") else thursday
    if name.startswith(("christmas", "xmas")):
        return dt.date(year, 12, 24 if name.endswith("eve") else 25)
    return dt.date(year, 12, 31) if name.endswith("eve") else dt.date(year, 1, 1)


def _special(text: str, written: dt.date) -> tuple[dt.date, str] | None:
    """A date dateutil does not read: "14.05.26" (European, two-digit year), "the Friday
    before Thanksgiving" (the latest such day not after the writing)."""
    m = _EOM.search(text)
    if m:  # "closed EOM October": the month's last day (the latest one not after the writing)
        month = dt.datetime.strptime(m.group(1)[:3].title(), "%b").month
        year = int(m.group(2)) if m.group(2) else written.year
        for y in ((year,) if m.group(2) else (year, year - 1)):
            last = (dt.date(y + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
            if m.group(2) or last <= written:
                return last, m.group(0)
    m = _DOTTED.search(text)
    if m:
        try:
            return dt.date(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1))), m.group(0)
        except ValueError:
            pass
    m = _HOLIDAY.search(text)
    if m:
        for year in (written.year, written.year - 1):
            day = _holiday(m.group(3), year)
            if m.group(1):
                target = _WEEKDAYS[m.group(1).lower()]
                step = -1 if m.group(2).lower() == "before" else 1
                day += dt.timedelta(days=step)
                while day.weekday() != target:
                    day += dt.timedelta(days=step)
            if day <= written:
                return day, m.group(0)
    return None


def _weeks_ago(text: str, written: dt.date) -> tuple[dt.date, str] | None:
    """"signed last week", "two weeks ago": the Monday of that week (an approximate day)."""
    m = _LAST_WEEK.search(text)
    if not m:
        return None
    weeks = 2 if m.group(1) else 1
    return written - dt.timedelta(days=written.weekday() + 7 * weeks), m.group(0)


def _relative(text: str, written: dt.date) -> tuple[dt.date, str] | None:
    special = _special(text, written)
    if special:
        return special
    m = _RELATIVE.search(text)
    if not m:
        return None
    if m.group(2):
        target = _WEEKDAYS[m.group(2).lower()]
        back = (written.weekday() - target) % 7 or 7  # "last Friday": the one before today
        return written - dt.timedelta(days=back), m.group(0)
    if m.group(3):
        return written - dt.timedelta(days=1 if m.group(3).lower() == "yesterday" else 0), m.group(0)
    day = int(m.group(4))
    month = written.replace(day=1)
    for _ in range(2):  # "on the 3rd": this month's, else last month's (never ahead of the writing)
        try:
            found = month.replace(day=day)
        except ValueError:
            found = None
        if found is not None and found <= written:
            return found, m.group(0)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return None


def _month(text: str, written: dt.date) -> tuple[dt.date, str] | None:
    m = _MONTH_YEAR.search(text)
    if m:
        month = dt.datetime.strptime(_MONTH_NAMES[m.group(1).lower()], "%b").month
        return dt.date(int(m.group(2)), month, 1), m.group(0)
    m = _IN_MONTH.search(text)
    if m:
        month = dt.datetime.strptime(_MONTH_NAMES[m.group(1).lower()], "%b").month
        year = written.year if month <= written.month else written.year - 1
        return dt.date(year, month, 1), m.group(0)
    return None


_NUMERIC = re.compile(r"^\D*(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b")


def _in_the_past(found, written: dt.datetime, tz: str, day_first: bool) -> Signed:
    """A signing is in the past: a date written without a year that reads as a coming one
    ("signed May 15th" written in December) is last year's; a numeric date that reads as
    months ago either way round ("signed 3/11/26" written on 7 Dec) is read the other way
    round when that makes it recent (a request is written soon after the signing)."""
    day = found.when.date()
    source = found.source
    today = written.date()
    if day > today + dt.timedelta(days=7) and not re.search(r"\b(?:19|20)\d\d\b|[/.]\d{2}\b", source):
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            day = day.replace(year=day.year - 1, day=28)
    m = _NUMERIC.match(source)
    if m and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and m.group(1) != m.group(2):
        a, b = int(m.group(1)), int(m.group(2))
        other_month, other_day = (a, b) if day.month == b else (b, a)
        try:
            other = day.replace(month=other_month, day=other_day)
        except ValueError:
            other = None
        if other is not None and (today - day).days > 120 and 0 <= (today - other).days <= 90:
            day = other
    return Signed(day, source)


#: words that may stand between a signing word and its date ("signed with us back on July 31")
_FILLER = frozenset("with w us gitlab back on in the their our contract deal order all of already way".split())


def _next_to(between: str) -> bool:
    """Is the text between a signing word and a date short, or only filler words?"""
    if len(between) <= 16:
        return True
    words = re.findall(r"[^\W\d_]+|\d+|\S", between.lower())
    return len(between) <= 40 and all(w in _FILLER for w in words)


def signed_on(text: str, written: dt.datetime, tz: str, day_first: bool) -> Signed | None:
    """The signing (start) date a sentence gives: a date next to a signing word
    ("CW Nov 30", "signed on 2026-04-02", "a signé le 18 novembre", "countersigned Thu
    11/26"), a relative one ("signed last Friday", "closed-won yesterday", "signed on the
    3rd", read from when the request was written), or a month ("closed-won Jul 2026")."""
    text = text or ""
    day = written.date()
    for m in SIGNED.finditer(text):
        # what follows, within its paragraph (AEs wrap their lines: "signed with us on\nthe 29th")
        after = text[m.end(): m.end() + 60].split("\n\n")[0].replace("\n", " ")
        found = find_dates(after, now=written, default_tz=tz, day_first=day_first, written=written)
        if found and _next_to(after[:after.find(found[0].source)]):
            read = _in_the_past(found[0], written, tz, day_first)
            return Signed(read.day, f"{m.group(0)}{after[:after.find(found[0].source) + len(found[0].source)]}")
        rel = _relative(after[:48], day)
        if rel and after.find(rel[1]) <= 6:
            return Signed(rel[0], f"{m.group(0)} {rel[1]}")
        month = _month(after[:30], day) or _weeks_ago(after[:30], day)
        if month and after.find(month[1]) <= 8:  # a month, or "last week": the day is approximate
            return Signed(month[0], f"{m.group(0)} {month[1]}", month_only=True)
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 30): m.start()]
        found = find_dates(before, now=written, default_tz=tz, day_first=day_first, written=written)
        if found and before.rstrip().endswith(found[-1].source.rstrip()):
            read = _in_the_past(found[-1], written, tz, day_first)
            return Signed(read.day, f"{found[-1].source} {m.group(0)}")
    return None


_RENEWS = re.compile(r"(?<![\w-])(?:co-?term(?:ed|inated)?\s+(?:to|with|on|until|through)|"
                     r"renew(?:al|s|ed)?(?:\s+(?:date|is|on|in|at|coming\s+up\s+in))*|"
                     r"verl[äa]ngerung(?:\s+am)?|renouvellement(?:\s+le)?|renova[cç][aã]o(?:\s+em)?|"
                     r"renovaci[oó]n(?:\s+el)?)\s*[:=-]?\s*", re.I)


_NOT_ANYMORE = re.compile(r"\b(?:not|no\s+longer|isn't|is\s+not)\b[^.;\n]{0,40}\b(?:anymore|any\s+more|now|longer)\b|"
                          r"\bused\s+to\s+be\b|\bwas\s+(?:originally|initially)\b|\bstill\s+implies\b", re.I)


def renews_on(text: str, written: dt.datetime, tz: str, day_first: bool, start: dt.date | None = None
              ) -> Signed | None:
    """The renewal date a sentence gives ("RENEWAL IS 5/31/2027", "renews on 2027-03-31",
    "renewal is coming up in May 2027": with a start date in that month a year before, the
    start's anniversary)."""
    from .stance import negated_at

    for m in _RENEWS.finditer(text or ""):
        after = (text or "")[m.end(): m.end() + 40].split("\n")[0]
        if _NOT_ANYMORE.search((text or "")[m.start(): m.end() + 80].split("\n")[0]) or \
                negated_at(text, m.start(), m.end()):
            continue  # "a renewal on 31 Jan 2027 but that is NOT the renewal date anymore"
        found = find_dates(after, now=written, default_tz=tz, day_first=day_first, written=written)
        if found and after.find(found[0].source) <= 3:
            return Signed(found[0].when.date(), found[0].source)
        month = _month(after[:24], written.date())
        if month and after.find(month[1]) <= 3:
            day = month[0]
            if start is not None and (start.month, start.year + 1) == (day.month, day.year):
                try:
                    return Signed(start.replace(year=start.year + 1), month[1])
                except ValueError:
                    pass
            return Signed(day, month[1], month_only=True)
    return None


def first_date(text: str, written: dt.datetime, tz: str, day_first: bool, *, past: bool = False) -> Signed | None:
    """A field's date: the first date written in it, or a month ("Jul 2026"), or a
    relative day ("last Friday"); ``past``: a signing, so never a coming date read from a
    date without a year (see :func:`_in_the_past`)."""
    found = find_dates(text or "", now=written, default_tz=tz, day_first=day_first, written=written)
    if found:
        return _in_the_past(found[0], written, tz, day_first) if past else Signed(found[0].when.date(),
                                                                                   found[0].source)
    rel = _relative(text or "", written.date())
    if rel:
        return Signed(rel[0], rel[1])
    month = _month(text or "", written.date())
    if month:
        return Signed(month[0], month[1], month_only=True)
    return None


# -- how many -----------------------------------------------------------------------------

_NUM = r"(?<![\d,.])(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})++|\d++(?:[.,]\d+)?)\s*(k|K|thousand|tausend|mil|mille)?\s*\+?(?:ish)?"
_WORDS_NUM = r"((?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?:[\s-](?:" + \
             "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"))?)"
_COUNT = re.compile(r"(?:" + APPROX + r"\s*)?" + _NUM + r"(?:\s*(?:-|–|to|bis|à|a|e|y|and|und|et)\s*" + _NUM + r")?\s*"
                    r"(?:\(?(?:total|in\s+total|overall|insgesamt|au\s+total|en\s+total|no\s+total)\)?\s*)?"
                    r"(?:" + EMPLOYEE_NOUNS + r")\b", re.I)
_WORD_COUNT = re.compile(r"(?:" + APPROX + r"\s*)?" + _WORDS_NUM + r"\s+(" + EMPLOYEE_NOUNS + r")\b", re.I)
_BARE = re.compile(r"^\s*(?:" + APPROX + r"\s*)?" + _NUM + r"(?:\s*(?:-|–|to)\s*" + _NUM + r")?\s*"
                   r"(?:\(.*\))?\s*[.!]?\s*$", re.I)
_ADJECTIVE = re.compile(r"(?:" + APPROX + r"\s*)?" + _NUM + r"[\s-]+(?:person|people|employee|staff|man|mitarbeiter)"
                        r"(?:[\s-]+(?:company|startup|start-up|firm|business|team|shop|studio|org|organi[sz]ation|"
                        r"agency|unternehmen|firma|entreprise|empresa))\b", re.I)
_NOUN_FIRST = re.compile(r"\b(?:headcount|employees|employee\s+count|staff|mitarbeiter|salari[ée]s|empleados|funcion[aá]rios)"
                         r"\s*(?:of|is|:|=|~|≈|about|around|of\s+about)?\s*(?:" + APPROX + r"\s*)?" + _NUM, re.I)
_TOTAL = re.compile(r"\btotal\b|\boverall\b|\binsgesamt\b|\bcompany\b|\bglobal", re.I)


def _value(digits: str, scale: str | None) -> int:
    digits = digits.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", digits):
        number = float(re.sub(r"\D", "", digits))
    else:
        number = float(digits.replace(",", "."))
    if scale and scale.lower() in ("k", "thousand", "tausend", "mil", "mille"):
        number *= 1000
    return int(number)


def _word_value(words: str) -> int | None:
    parts = [p for p in re.split(r"[\s-]+", words.lower()) if p]
    total = 0
    for p in parts:
        if p not in NUMBER_WORDS:
            return None
        value = NUMBER_WORDS[p]
        total = total * value if value == 100 and total else total + value
    return total or None


LINE_LIMIT = 2000


def short_lines(text: str) -> str:
    """``text`` with every line cut at :data:`LINE_LIMIT` characters: what the prose readers
    look for is said in a sentence, and a 100 KB line of digits must not cost seconds."""
    if len(text) <= LINE_LIMIT:
        return text
    return "\n".join(line[:LINE_LIMIT] for line in text.split("\n"))


def employees(text: str, *, bare: bool = False) -> int | None:
    """The company's size: "80 employees", "~320 people total", "ca. 1.800 Mitarbeiter",
    "env. 600 salariés", "between 500-600 staff", "5k+ employees", "around eighty people";
    with ``bare``, a field holding only a number ("62", "ca. 1.800", "5k+"). Several
    counts: the one said to be the total, else the largest (a team is part of a company)."""
    text = short_lines(text or "")
    found: list[tuple[bool, int]] = []
    for m in _COUNT.finditer(text):
        low = _value(m.group(1), m.group(2))
        found.append((bool(_TOTAL.search(m.group(0))), low))
    for rx in (_ADJECTIVE, _NOUN_FIRST):  # "a 200-person company", "headcount ~1.2k"
        for m in rx.finditer(text):
            found.append((False, _value(m.group(1), m.group(2))))
    for m in _WORD_COUNT.finditer(text):
        value = _word_value(m.group(1))
        if value:
            found.append((False, value))
    if found:
        totals = [n for total, n in found if total]
        return max(totals or [n for _, n in found])
    if bare:
        m = _BARE.match(text)
        if m:
            return _value(m.group(1), m.group(2))
        m = re.match(r"^\s*(?:" + APPROX + r"\s*)?" + _WORDS_NUM + r"\s*$", text, re.I)
        if m:
            return _word_value(m.group(1))
    return None


def segment_named(text: str) -> str | None:
    """The segment as written ("mid market", "Enterprise / strategic", "SMB")."""
    for rx, name in SEGMENT_WORDS:
        if rx.search(text or ""):
            return name
    return None


def tier(text: str) -> str:
    m = TIERS.search(text or "")
    return m.group(1).capitalize() if m else ""


def seats(text: str) -> int | None:
    m = SEATS.search(text or "")
    return _value(m.group(1), None) if m else None


# -- who ----------------------------------------------------------------------------------

_AT = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_][A-Za-z0-9_.\-]*[A-Za-z0-9_])")


def usernames(text: str) -> tuple[str, ...]:
    """The ``@username`` mentions, in order, once each (e-mail addresses are not)."""
    return tuple(dict.fromkeys(m.group(1) for m in _AT.finditer(text or "")))


_NAME = r"[A-ZÀ-ÖØ-Þ][\w&'’.\-]*(?:\s+(?:&\s+)?[A-ZÀ-ÖØ-Þ0-9][\w&'’.\-]*){0,5}"
_SIGNER = re.compile(r"(?:\*{1,2}|_)(" + _NAME + r")(?:\*{1,2}|_)|(" + _NAME + r")(?=\s*(?:\([^)]{0,80}\)\s*)?,?\s*"
                     r"(?:is\s+|has\s+|just\s+|finally\s+|officially\s+|hat\s+|ha\s+|a\s+)?(?i:" + SIGNED.pattern + r"))")
_NOT_NAMES = re.compile(r"^(?:We|They|The|It|This|Our|Customer|Client|Account|Contract|Deal|Hi|Hey|Hello|Hallo|"
                        r"Bonjour|Hola|Olá|Ola|Team|Good\s+news|Bonne\s+nouvelle|Great\s+news|Update|FYI|Also|And|"
                        r"Premium|Ultimate|SA|AE|CSM|CW|Note|Notes|Signed|Closed|Today|Yesterday|Mon|Tue|Wed|Thu|Fri|"
                        r"Sat|Sun|[A-Z][a-z]+day)\b")


def signer(text: str) -> str:
    """The customer a sentence says signed: "*Nordwind Logistik* is closed-won", "Maison
    Clairval (cosmétiques, ...) a signé", "Lumen Freight, CW Nov 30"."""
    for line in (text or "").splitlines():
        for m in _SIGNER.finditer(line):
            name = (m.group(1) or m.group(2) or "").strip(" .,:;*_")
            if m.group(1) and not SIGNED.search(line):
                continue  # an emphasised name on a line that says nothing of signing
            if name and not _NOT_NAMES.match(name) and len(name) >= 2:
                return name
    return ""
