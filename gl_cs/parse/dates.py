"""Read the event date/time an AE wrote in free text (``Preferred Date Options``).

:func:`find_dates` finds every date an AE wrote, in whatever shape, and turns
each into an aware :class:`datetime`.  It is a pure function: the current time
arrives as ``now``, the team's zone as ``default_tz``.

How text is read
================

*Candidates.*  Regular expressions find spans shaped like dates; each span
(plus the time written next to it) is then parsed by ``dateutil.parser``:

==========================  ===============================================
shape                       examples
==========================  ===============================================
ISO                         ``2026-11-24``, ``2026-11-24T15:00:00Z``,
                            ``2026-11-24 10:00 -0800``, ``2026/11/24``
numeric                     ``24/11/2026``, ``11/24``, ``11/24/26``,
                            ``24.11.2026`` (dots need a 4-digit year),
                            ``24-11-2026`` (dashes need a 4-digit year)
month name                  ``Tue Nov 24``, ``November 24th, 2026``,
                            ``24 Nov 2026``, ``the 24th of November``
relative                    ``today``, ``tonight``, ``tomorrow`` (``tmrw``),
                            ``the day after tomorrow``
==========================  ===============================================

*Languages.*  Before reading, :func:`gl_cs.parse.date_words.rewrite` turns
dates and times written in German, French, Spanish, Portuguese, Dutch, Italian
and Japanese into these shapes (``26. November``, ``26 de noviembre``,
``26.11.``, ``9 Uhr``, ``17h``, ``a las 10:00``, ``às 10h``, ``15時``; ``morgen``,
``demain``, ``mañana``, ``amanhã``, ``domani``, ``明日``, ``heute``, ``übermorgen``;
``(Dienstag)``, ``(mar.)``, ``（火）``), keeping a map back, so ``source`` and
``time_source`` are always the exact text written.  Markdown emphasis is read
as spaces (``**tomorrow** — *9:00 Pacific*``).

*Between a date and its time* may stand ``,``, ``@``, ``at``, ``-``, ``—``, ``:``,
``|``, a weekday (``Dec 8, Tuesday, 10am``, ``08.12.2026 (Dienstag) 09:00``), or
a part of the day (``tomorrow morning at 9``, ``heute Nachmittag 15 Uhr``).

*Weekdays.*  A weekday written next to a date (before it, ``Dienstag,
08.12.``, ``le mardi 8``, ``mar. 8 déc.``; or in parentheses after it,
``08/12/2026 (martes)``), in any of those languages, decides between
neighbouring years (below) and between the two orders of a numeric date whose
both orders are valid: ``08/12/2026 (martes)`` is 8 December, a Tuesday, even
when ``day_first`` is False (the configured order when both or neither match).
An abbreviation counts only with a dot or in parentheses (``So, 12 Dec`` is
English), and ``Mar. 8 déc.`` is Tuesday 8 December, not 8 March.

*A time is never dropped.*  A date read without a time whose line holds a time
that could not be attached to it (``Nov 26 - earliest 10:00 CET``, ``Nov 24 or
25, 10am``) carries that text in ``unread_time``: the caller must not read it
as a whole day (ask instead).

*Day/month order.*  ISO is always year-month-day.  Slash dates follow
``day_first``; when one part is above 12 the only valid reading is used
(``24/11`` is 24 November even with ``day_first=False``).  Dotted dates
(``24.11.2026``) are always day-first (that is how they are written in Europe).

*Time of day* may follow the date (``Nov 24 10am``, ``Nov 24, at 2:30 PM``,
``Nov 24 @ 14:00``, ``2026-11-24T15:00``) or come just before it
(``3pm ET on Nov 24``).  For a range (``Nov 24 14:00-15:00``,
``Nov 24 10-11am``) the start is used; ``noon``/``midday`` is 12:00.  An
offset glued to an ISO time is an offset (``2026-11-24T10:00-08:00``), but
after a space ``2026-11-24 10:00-11:00`` is a range.  A date without a time is
*date-only*: ``when`` is the start of that day (00:00) in the zone used and
``date_only`` is True; the caller decides what a date-only request means
(e.g. for EXPEDITE).  ``Nov 24 or 25`` reads only Nov 24; a weekday without a
date (``Tuesday 10am``) is not read.  ``today``/``tomorrow`` and their
translations count from ``written`` in the zone of the date; ``morgen`` and
``mañana`` after ``heute``, ``am``, ``Guten``, ``la``, ``por la`` ... are the
morning, not tomorrow.

*Year.*  A date written without a year falls between four months before and
eight months after ``now``, in the zone used: on 23 Nov 2026 ``Nov 17`` and
``Nov 24`` mean 2026, ``Jan 5`` means 2027.  A weekday written next to it
decides between neighbouring years when only one matches (``Wed Nov 17`` is
2027).  ``Feb 29`` moves on to the next leap year.

*Zone.*  Written after the time (or after a date-only date):

* UTC offsets: ``Z``, ``+01:00``, ``-0800``, ``UTC+5:30``, ``GMT-3``
  (fixed offsets, ``zone_name`` like ``UTC+05:30``; a zero offset is ``UTC``);
* IANA names: ``Europe/Berlin``, ``America/New_York``;
* abbreviations and names, mapped to an IANA zone so daylight saving comes
  from the tz database (:data:`ZONE_ABBREVIATIONS`, :data:`ZONE_NAMES`).
  The standard/daylight letter is **not** trusted: AEs write ``PST`` all year,
  so ``PST``, ``PDT`` and ``PT`` all mean ``America/Los_Angeles`` and
  ``Jul 1 10am PST`` is 10:00 PDT (UTC-7).  Likewise ``EST``/``EDT``/``ET``,
  ``CET``/``CEST`` (``Europe/Paris``), ``AEST``/``AEDT`` ...  Ambiguous
  abbreviations are read the way a US-based GitLab team would: ``CST`` is
  US Central (not China), ``IST`` is India, ``BST`` is British Summer Time,
  ``MST`` is ``America/Denver`` (Arizona should write ``America/Phoenix``).

A date written without a zone takes the zone written elsewhere on the same
line (another date's zone, or a free-standing mention: an abbreviation in
capitals, an IANA name, a UTC offset or a name followed by "time", as in
``(all times PT)``) when exactly one distinct zone is written there; when the
line names none, the only distinct zone written anywhere in the text.  Such a
date has ``assumed_zone`` False.  Otherwise (no zone, or several different
ones) ``default_tz`` is used and ``assumed_zone`` is True.

*Daylight saving.*  Wall-clock times are resolved by ``zoneinfo``: a time that
happens twice (``Nov 1 2026 1:30am ET``) is the first one (``fold=0``, still
summer time); a time that does not exist (``Mar 8 2026 2:30am ET``) is moved
forward by the gap (03:30 EDT).

*Not dates.*  Text without a date shape gives ``[]`` (``ASAP``, ``TBD``,
``next week sometime``, ``Tuesday afternoon``).  Prices (``$250k``,
``$1,200.50``), versions (``v16.4``, ``16.11.2``), phone numbers, Salesforce ids,
``24/7`` and fractions followed by a unit (``1/2 day``) are not read.  Lower
case ``may``/``mar`` are not month names (``we may 2x``).

At most :data:`MAX_DATES` dates (the first ones written) are returned, which
keeps long texts fast.  ``find_dates`` never raises on odd text; it raises
``ValueError`` only for an invalid ``default_tz`` (a configuration error).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as _du

from ..text.coerce import as_text
from .date_words import Rewritten, rewrite, weekday_after, weekday_before
from .vocabulary import DAY_PARTS

__all__ = [
    "MAX_DATES",
    "ReadDate",
    "find_dates",
    "zone_for_abbreviation",
    "ZONE_ABBREVIATIONS",
    "ZONE_NAMES",
]


#: at most this many dates are read from one text (the first ones written)
MAX_DATES = 100


@dataclass(frozen=True)
class ReadDate:
    when: datetime  # aware
    source: str  # the substring that was read, e.g. "Tue Nov 24, 10am PT"
    zone_name: str  # the zone used, e.g. "America/Los_Angeles" or "UTC+01:00"
    assumed_zone: bool  # True when the text had no zone and the team zone was used
    date_only: bool  # True when no time of day was written
    #: the exact text the time of day was read from ("17h", "a las 10:00"), '' when date-only
    time_source: str = ""
    #: a date-only date with a time written next to it that could not be attached
    #: ("Nov 26 - earliest 10:00 CET"): that text. The time is not guessed: a
    #: caller should treat the date as unreadable and ask (never as a whole day).
    unread_time: str = ""


#: Abbreviations -> IANA zone.  The standard/daylight letter is ignored on
#: purpose (see the module docstring).
ZONE_ABBREVIATIONS: dict[str, str] = {
    "UTC": "UTC",
    "GMT": "UTC",
    "UT": "UTC",
    "Z": "UTC",
    # North America
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "NST": "America/St_Johns",
    "NDT": "America/St_Johns",
    "BRT": "America/Sao_Paulo",
    # Europe / Africa
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "MET": "Europe/Paris",
    "MEST": "Europe/Paris",
    "MEZ": "Europe/Berlin",
    "MESZ": "Europe/Berlin",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "MSK": "Europe/Moscow",
    "SAST": "Africa/Johannesburg",
    # Asia / Pacific
    "GST": "Asia/Dubai",
    "PKT": "Asia/Karachi",
    "ICT": "Asia/Bangkok",
    "WIB": "Asia/Jakarta",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "PHT": "Asia/Manila",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AWST": "Australia/Perth",
    "ACST": "Australia/Adelaide",
    "ACDT": "Australia/Adelaide",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "AET": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "NZT": "Pacific/Auckland",
}

#: Abbreviations also accepted in lower case right after a time (``10am pt``);
#: the others must be written in capitals (``WET`` vs "wet").
_LOWER_OK = frozenset(
    "utc gmt pt pst pdt mt mst mdt ct cst cdt et est edt cet cest bst ist jst sgt aest aedt nzst nzdt".split()
)

#: Zone names written out -> IANA zone (matched case-insensitively, "time"
#: optional only right after a time of day).
ZONE_NAMES: dict[str, str] = {
    "pacific": "America/Los_Angeles",
    "pacific standard": "America/Los_Angeles",
    "pacific daylight": "America/Los_Angeles",
    "mountain": "America/Denver",
    "mountain standard": "America/Denver",
    "mountain daylight": "America/Denver",
    "central": "America/Chicago",
    "central standard": "America/Chicago",
    "central daylight": "America/Chicago",
    "eastern": "America/New_York",
    "eastern standard": "America/New_York",
    "eastern daylight": "America/New_York",
    "central european": "Europe/Paris",
    "central european standard": "Europe/Paris",
    "central european summer": "Europe/Paris",
    "eastern european": "Europe/Helsinki",
    "western european": "Europe/Lisbon",
    "british": "Europe/London",
    "british summer": "Europe/London",
    "uk": "Europe/London",
    "london": "Europe/London",
    "paris": "Europe/Paris",
    "berlin": "Europe/Berlin",
    "amsterdam": "Europe/Amsterdam",
    "greenwich mean": "UTC",
    "coordinated universal": "UTC",
    "universal": "UTC",
    "india": "Asia/Kolkata",
    "india standard": "Asia/Kolkata",
    "indian standard": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    "japan standard": "Asia/Tokyo",
    "tokyo": "Asia/Tokyo",
    "singapore": "Asia/Singapore",
    "sydney": "Australia/Sydney",
    "australian eastern": "Australia/Sydney",
    "australian eastern standard": "Australia/Sydney",
    "australian eastern daylight": "Australia/Sydney",
    "new york": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "chicago": "America/Chicago",
    "denver": "America/Denver",
    "madrid": "Europe/Madrid",
    "rome": "Europe/Rome",
    "roma": "Europe/Rome",
    "lisbon": "Europe/Lisbon",
    "lisboa": "Europe/Lisbon",
    "brasília": "America/Sao_Paulo",
    "brasilia": "America/Sao_Paulo",
    "são paulo": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo",
    "mexico city": "America/Mexico_City",
    "ciudad de méxico": "America/Mexico_City",
    "méxico": "America/Mexico_City",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "bogotá": "America/Bogota",
    "bogota": "America/Bogota",
    "zurich": "Europe/Zurich",
    "vienna": "Europe/Vienna",
    "wien": "Europe/Vienna",
    "munich": "Europe/Berlin",
    "münchen": "Europe/Berlin",
    "tokyo standard": "Asia/Tokyo",
}


def zone_for_abbreviation(abbr: str) -> str | None:
    """IANA zone for an abbreviation (``PST`` -> ``America/Los_Angeles``), a
    written-out name (``Pacific Time``, ``Central European Summer Time``) or
    an IANA name itself; None when unknown.  Case-insensitive."""
    if not abbr or not isinstance(abbr, str):
        return None
    text = abbr.strip().strip("()").strip()
    up = text.upper()
    if up in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[up]
    name = " ".join(text.casefold().split())
    if name.endswith(" time"):
        name = name[: -len(" time")]
    if name in ZONE_NAMES:
        return ZONE_NAMES[name]
    if _IANA_RE.fullmatch(text) and _valid_iana(text):
        return text
    return None


# --------------------------------------------------------------------------
# regexes

_WD = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"

_ISO_RE = re.compile(r"(?<![\w./:+-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d|-\d|\.\d)")
_YMD_SLASH_RE = re.compile(r"(?<![\w./:+-])(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/]|\.\d)")
_NUMERIC_RE = re.compile(
    r"(?<![\w./:$\u20ac\u00a3#+-])(?<!\d,)(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})"
    r"(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
    r"(?![\d%\u20ac$]|[/.-]\d|[.,]\d|\w)"
    r"(?!\s*(?:days?|hrs?|hours?|h|weeks?|months?|of\b|time\b|support|coverage|split|share|off\b))"
)
_MD_RE = re.compile(
    r"(?<![\w])(?:(?P<wd>" + _WD + r"),?\s+)?(?:the\s+)?(?P<mon>" + _MON + r")\.?,?(?:\s+|-(?=\d))(?:the\s+)?"
    r"(?P<day>" + _DAY + r")(?!\w|:\d|\.\d)(?:(?:,\s*|\s+)(?P<y>" + _YEAR + r")(?![\d:]))?",
    re.IGNORECASE,
)
_DM_RE = re.compile(
    r"(?<![\w.,/:$-])(?:(?P<wd>" + _WD + r"),?\s+)?(?:the\s+)?(?P<day>" + _DAY + r")(?!\w)(?:\s+(?:of\s+)?|-(?=[A-Za-z]))"
    r"(?P<mon>" + _MON + r")(?!\w)\.?(?:,?\s+(?P<y>" + _YEAR + r")(?![\d:]))?",
    re.IGNORECASE,
)
_REL_RE = re.compile(r"(?<![\w])(?P<rel>today|tomorrow|tmrw|tmr|overmorrow)(?!\w)", re.IGNORECASE)
_REL_DAYS = {"today": 0, "overmorrow": 2}  # else 1 (tomorrow, tmrw, tmr)

# time of day (a range keeps its start); groups validated in code
_AMPM = r"(?:[ap]\.?\s?m\.?(?![a-z])|[ap](?=\s|$|[,;)]))"
#: "0800 EST", "1400hrs": four digits, zero-padded, read as a time only before a zone
#: abbreviation or "hrs" (never a year or an amount)
_MILITARY = r"(?<=[01]\d|2[0-3])(?<![\d.,:]\d\d)(?=[0-5]\d\s*(?:hrs?(?!\w)|(?-i:[A-Z]{2,5})(?![A-Za-z])))"
_TIME = (
    r"(?P<h1>[01]?\d|2[0-3])(?:(?::|h|" + _MILITARY + r")(?P<m1>[0-5]\d)(?::(?P<s1>[0-5]\d)(?:\.\d+)?)?)?\s*(?P<ap1>"
    + _AMPM + r")?"
    r"(?:\s*(?:-|\u2013|\u2014|to|until|till)\s*(?P<h2>[01]?\d|2[0-3])(?:(?::|h)(?P<m2>[0-5]\d))?\s*(?P<ap2>"
    + _AMPM
    + r")?)?"
    r"|(?P<noon>noon|midday)"
)
#: the part of a day between a date and its time ("tomorrow morning at 9", "heute Nachmittag 15 Uhr")
_DAY_PART = (r"(?:(?:in\s+the|this|am|le|la|por\s+la|de|da|di|in|op)\s+)?(?:"
             + "|".join(sorted((re.escape(w) for w in DAY_PARTS), key=len, reverse=True)) + r")(?!\w)")
_CONNECT = (r"(?:\s*,)?(?:\s*(?:at|@|from|starting(?:\s+at)?|between|around|approx\.?|ca\.|~|-|\u2013|\u2014|,"
            r"|:(?=\s)|\||\u00b7|\u2022"  # "Tomorrow: 9am PT", "| Dec 8 | 10:00 CET |", "December 8 · 9:00"
            r"|\(\s*" + _WD + r"\s*\)|\(\s*(?:" + _WD + r"\.?,?\s*)?\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\s*\)"
            r"|\((?=\s*\d)|\)"  # "24/11 (Tue) 15:00", "(Tue 12/8) 11:00", "Dec 2 (10-11 AM EST)"
            r"|" + _WD + r"(?!\w)|" + _DAY_PART + r"))*\s*")  # "Dec 8, Tuesday, 10am", "tomorrow morning 9am"
# a day range after the date ("Nov 24-26 10am") is skipped
_DAY_RANGE = r"(?:\s*(?:-|\u2013|to)\s*(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|\s*(?:[ap]\.?m|:|h\d)))?"
_TAIL_RE = re.compile(
    r"(?:T|" + _DAY_RANGE + _CONNECT + r")(?:" + _TIME + r")(?=$|[^\w:]|[Zz](?!\w))", re.IGNORECASE
)
_HEAD_RE = re.compile(
    r"(?<![\w:])(?:" + _TIME + r")(?P<zone>\s*\(?[A-Za-z][A-Za-z_/+\-:0-9]*(?:\s+time)?\)?)??"
    r"\s*(?:,\s*|\s+on\s+|\s+)(?:the\s+)?$",
    re.IGNORECASE,
)

# an ISO time: after "T", or after a space when an offset/Z is glued to it
_ISO_TIME_RE = re.compile(
    r"(?:[Tt]|\s+(?=\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[Zz](?!\w)|[+\-\u2212]\d{2}:?\d{2}(?!\d))))"
    r"(?P<t>(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)(?:\.\d+)?(?![\d:])"
)
_IANA_RE = re.compile(r"[A-Za-z]+(?:[_-][A-Za-z]+)*/[A-Za-z]+(?:[_-][A-Za-z0-9+-]+)*(?:/[A-Za-z]+(?:[_-][A-Za-z]+)*)?")
_OFFSET_NAMED_RE = re.compile(
    r"(?P<n>UTC|GMT|UT)\s*(?:(?P<sign>[+\-\u2212])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?(?![\w])", re.IGNORECASE
)
_OFFSET_BARE_RE = re.compile(r"(?P<sign>[+\-\u2212])(?P<h>\d{2}):?(?P<m>\d{2})(?![\d])")
_WORD_ZONE_RE = re.compile(r"[A-Za-z]{2,5}(?!\w)")
_NAME_ZONE_RE = re.compile(
    r"(?P<name>(?:[A-Za-z]+\s+){0,3}[A-Za-z]+?)(?P<time>\s+time)?(?![\w])", re.IGNORECASE
)


def _valid_iana(name: str) -> bool:
    if "/" not in name or ".." in name or name.startswith("/"):
        return False
    try:
        ZoneInfo(name)
        return True
    except Exception:
        return False


# --------------------------------------------------------------------------
# zones


@dataclass(frozen=True)
class _Zone:
    name: str
    tz: tzinfo


def _zone_from_name(name: str) -> _Zone:
    if name == "UTC":
        return _Zone("UTC", ZoneInfo("UTC"))
    return _Zone(name, ZoneInfo(name))


def _fixed(sign: str, hours: int, minutes: int) -> _Zone | None:
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    if sign in "-\u2212":
        delta = -delta
    if not delta:
        return _Zone("UTC", ZoneInfo("UTC"))
    total = int(delta.total_seconds() // 60)
    sign_char = "+" if total >= 0 else "-"
    h, m = divmod(abs(total), 60)
    return _Zone(f"UTC{sign_char}{h:02d}:{m:02d}", timezone(delta))


def _read_zone(text: str, pos: int, *, after_time: bool, glued: bool = False) -> tuple[_Zone, int] | None:
    """Read a zone starting at ``pos`` (after optional spaces / an opening
    parenthesis).  Returns (zone, end) or None."""
    n = len(text)
    i = pos
    if glued and i < n and text[i] in "Zz" and (i + 1 == n or not text[i + 1].isalnum()):
        return _zone_from_name("UTC"), i + 1
    if glued:
        m = _OFFSET_BARE_RE.match(text, i)
        if m:
            z = _fixed(m.group("sign"), int(m.group("h")), int(m.group("m")))
            return (z, m.end()) if z else None
    j = i
    while j < n and text[j] in " \t":
        j += 1
    paren = j < n and text[j] in "(["
    if paren:
        j += 1
        while j < n and text[j] == " ":
            j += 1
    hit = _zone_at(text, j, after_time=after_time)
    if not hit:
        return None
    zone, end = hit
    if paren:
        k = end
        while k < n and text[k] == " ":
            k += 1
        if k < n and text[k] in ")]":
            end = k + 1
    return zone, end


def _zone_at(text: str, j: int, *, after_time: bool) -> tuple[_Zone, int] | None:
    m = _OFFSET_NAMED_RE.match(text, j)
    if m:
        if m.group("sign"):
            z = _fixed(m.group("sign"), int(m.group("h")), int(m.group("m") or 0))
            return (z, m.end()) if z else None
        return _zone_from_name("UTC"), m.end()
    m = _OFFSET_BARE_RE.match(text, j)
    if m and after_time:
        z = _fixed(m.group("sign"), int(m.group("h")), int(m.group("m")))
        return (z, m.end()) if z else None
    m = _IANA_RE.match(text, j)
    if m and _valid_iana(m.group(0)):
        return _zone_from_name(m.group(0)), m.end()
    m = _WORD_ZONE_RE.match(text, j)
    if m:
        word = m.group(0)
        up = word.upper()
        if up in ZONE_ABBREVIATIONS and up != "Z" and (word == up or (after_time and word.lower() in _LOWER_OK)):
            end = m.end()
            tm = re.match(r"\s+time(?!\w)", text[end:], re.IGNORECASE)
            if tm:
                end += tm.end()
            return _zone_from_name(ZONE_ABBREVIATIONS[up]), end
    m = _NAME_ZONE_RE.match(text, j)
    if m:
        words = m.group(0).split()
        # longest written-out name first; "time" is required unless right after a time
        for k in range(min(len(words), 5), 0, -1):
            cand = [w.casefold() for w in words[:k]]
            has_time = cand[-1] == "time"
            key = " ".join(cand[:-1] if has_time else cand)
            if key in ZONE_NAMES and (has_time or after_time):
                consumed = re.match(r"\s*" + r"\s+".join(re.escape(w) for w in words[:k]), text[j:], re.IGNORECASE)
                end = j + (consumed.end() if consumed else 0)
                if not has_time:
                    tm = re.match(r"\s+time(?!\w)", text[end:], re.IGNORECASE)
                    if tm:
                        end += tm.end()
                return _zone_from_name(ZONE_NAMES[key]), end
    return None


_FREE_ZONE_RE = re.compile(
    r"(?<![\w/])(?:(?:UTC|GMT)\s*[+\-\u2212]\s*\d{1,2}(?::?\d{2})?(?!\d)"
    r"|[A-Za-z]+(?:_[A-Za-z]+)*/[A-Za-z_]+(?:/[A-Za-z_]+)?"
    r"|[A-Z]{2,5}(?!\w))"
)
#: "heure de Paris", "hora de Madrid", "ora di Roma", "horário de Brasília", "Berliner Zeit"
_FOREIGN_ZONE_RE = re.compile(
    r"(?:heure|hora|ora|horário|horario)\s+(?:de|di|da)\s+(?P<city>[A-Za-zÀ-ÿ]+(?:\s+[A-Za-zÀ-ÿ]+)?)"
    r"|(?P<city2>[A-Za-zÀ-ÿ]+)er\s+Zeit(?!\w)",
    re.IGNORECASE,
)
_NAMED_TIME_RE = re.compile(r"((?:[A-Za-z]+\s+){1,4})time(?!\w)", re.IGNORECASE)


def _free_zones(text: str) -> set[str]:
    """Zone names mentioned anywhere in ``text``: abbreviations in capitals,
    IANA names, UTC offsets and written-out names followed by "time"."""
    found: set[str] = set()
    for m in _FREE_ZONE_RE.finditer(text):
        token = m.group(0)
        if token.isalpha() and token.isupper():
            if token in ZONE_ABBREVIATIONS and token not in ("Z", "UT"):
                found.add(ZONE_ABBREVIATIONS[token])
            continue
        hit = _zone_at(text, m.start(), after_time=False)
        if hit:
            found.add(hit[0].name)
    for m in _FOREIGN_ZONE_RE.finditer(text):
        name = " ".join((m.group("city") or m.group("city2") or "").casefold().split())
        name = {"berlin": "berlin", "wien": "wien", "münchn": "münchen"}.get(name, name)
        if name in ZONE_NAMES:
            found.add(ZONE_NAMES[name])
    for m in _NAMED_TIME_RE.finditer(text):
        words = [w.casefold() for w in m.group(1).split()]
        for k in range(len(words), 0, -1):
            name = " ".join(words[-k:])
            if name in ZONE_NAMES:
                found.add(ZONE_NAMES[name])
                break
    return found


# --------------------------------------------------------------------------
# candidates


@dataclass
class _Cand:
    start: int
    end: int
    kind: str  # iso, ymd, num, md, dm, rel
    date_text: str  # what dateutil reads for the date
    has_year: bool
    dayfirst: bool = False
    rel_days: int = 0
    weekday: int | None = None  # 0 = Monday, when a weekday was written next to the date
    swappable: bool = False  # a numeric date both of whose orders are valid ("08/12/2026")


def _candidates(text: str, day_first: bool) -> list[_Cand]:
    """Date-shaped spans, earliest first, without overlaps.

    Each shape contributes at most ``4 * MAX_DATES`` spans; the merged list is
    cut where the first capped shape stopped, so what is returned is exact."""
    cap = 4 * MAX_DATES
    horizon = len(text) + 1
    cands: list[_Cand] = []

    def add(kind_iter) -> None:
        nonlocal horizon
        n = 0
        for c in kind_iter:
            if c is None:
                continue
            cands.append(c)
            n += 1
            if n >= cap:
                horizon = min(horizon, c.start)
                return

    add(
        _Cand(m.start(), m.end(), "iso", f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", True)
        for m in _ISO_RE.finditer(text)
    )
    add(
        _Cand(m.start(), m.end(), "ymd", f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", True)
        for m in _YMD_SLASH_RE.finditer(text)
    )
    add(_numeric(m, day_first) for m in _NUMERIC_RE.finditer(text))
    add(_named(m, "md") for m in _MD_RE.finditer(text))
    add(_named(m, "dm") for m in _DM_RE.finditer(text))
    add(
        _Cand(m.start(), m.end(), "rel", "", True, rel_days=_REL_DAYS.get(m["rel"].lower(), 1))
        for m in _REL_RE.finditer(text)
    )
    # "Mar. 8 déc." (French: Tuesday 8 December) is not "Mar 8": a month-day span with a
    # day-month date starting inside it gives way to that date
    dm_starts = sorted(c.start for c in cands if c.kind == "dm")
    if dm_starts:
        cands = [c for c in cands if c.kind != "md" or not _starts_inside(dm_starts, c)]
    # resolve overlaps: earliest start, then longest
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    last_end = -1
    for c in cands:
        if c.start >= horizon:
            break
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
    for c in out:
        if c.weekday is None and c.kind in ("num", "md", "dm"):
            # "Dienstag, 08.12.2026", "le mardi 8 décembre", "08/12/2026 (martes)"
            c.weekday = weekday_before(text, c.start, numeric=c.kind == "num")
            if c.weekday is None:
                c.weekday = weekday_after(text, c.end)
    return out


def _starts_inside(starts: list[int], c: _Cand) -> bool:
    i = bisect.bisect_right(starts, c.start)
    return i < len(starts) and starts[i] < c.end


def _numeric(m: re.Match[str], day_first: bool) -> _Cand | None:
    a, b, sep, y = int(m["a"]), int(m["b"]), m["sep"], m["y"]
    if sep in ".-" and (not y or len(y) != 4):
        return None  # 16.4, 10-11: versions, ranges, scores
    if a == 0 or b == 0 or a > 31 or b > 31 or (a > 12 and b > 12):
        return None
    if m.group(0) == "24/7":
        return None
    first = True if sep == "." else day_first
    return _Cand(m.start(), m.end(), "num", m.group(0).replace("-", "/"), bool(y), dayfirst=first,
                 swappable=sep != "." and a != b and a <= 12 and b <= 12)


def _named(m: re.Match[str], kind: str) -> _Cand | None:
    mon = m["mon"]
    if mon in ("may", "mar"):  # lower-case words, not months
        return None
    day = _ORDINAL_RE.sub("", m["day"])
    date_text = f"{mon} {day}" + (f" {m['y']}" if m["y"] else "")
    wd = (m["wd"] or "").strip(".").lower()[:3]
    weekday = _WEEKDAYS.index(wd) if wd in _WEEKDAYS else None
    return _Cand(m.start(), m.end(), kind, date_text, bool(m["y"]), weekday=weekday)


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


_ORDINAL_RE = re.compile(r"(?i)(st|nd|rd|th)$")


@dataclass
class _Time:
    text: str  # normalised, for dateutil ("14:30", "2:30 PM")
    start: int
    end: int


def _time_from_match(m: re.Match[str], base: int = 0) -> _Time | None:
    if m.group("noon"):
        return _Time("12:00", base + m.start("noon"), base + m.end("noon"))
    h1 = m.group("h1")
    if h1 is None:
        return None
    m1, s1, ap1, h2, ap2 = m.group("m1"), m.group("s1"), m.group("ap1"), m.group("h2"), m.group("ap2")
    ap = ap1 or (ap2 if h2 is not None else None)
    if not m1 and not ap:
        return None  # a bare number is not a time
    hour = int(h1)
    if ap:
        if hour == 0 or hour > 12:
            if hour > 12 and ap1:
                return None  # "14pm"
            ap = None if hour > 12 else ap
        ap_norm = "AM" if ap and ap.strip().lower().startswith("a") else ("PM" if ap else "")
    else:
        ap_norm = ""
    txt = f"{hour}:{m1 or '00'}" + (f":{s1}" if s1 else "") + (f" {ap_norm}" if ap_norm else "")
    end = max(m.end(g) for g in ("h1", "m1", "s1", "ap1", "h2", "m2", "ap2") if m.group(g) is not None)
    return _Time(txt, base + m.start("h1"), base + end)


# --------------------------------------------------------------------------
# main entry point


def find_dates(text: str, *, now: datetime, default_tz: str, day_first: bool,
               written: datetime | None = None) -> list[ReadDate]:
    """Every date/time written in ``text``, in the order written.

    ``now`` is the reference for dates without a year; ``written`` (when the
    text was written, default ``now``) for ``today``/``tomorrow`` (naive times
    are taken as UTC).  ``default_tz`` is the
    team's IANA zone, used when the text names none (``assumed_zone``).
    ``day_first`` decides ``03/04`` (True: 3 April).  See the module docstring.
    """
    try:
        default_zone = _zone_from_name(default_tz if default_tz not in ("UTC", "utc", "Z") else "UTC")
    except Exception as exc:  # invalid configuration
        raise ValueError(f"unknown time zone {default_tz!r}") from exc
    try:
        text = as_text(text)
    except Exception:
        return []
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    written = written or now
    if written.tzinfo is None:
        written = written.replace(tzinfo=timezone.utc)
    try:
        rw = rewrite(text[:200_000])
        return _find(rw.text, now, default_zone, day_first, written_at=written, rw=rw)
    except Exception:  # pragma: no cover - never raise on odd text
        return []


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class _Found:
    cand: _Cand
    start: int
    end: int
    time: _Time | None
    zone: _Zone | None
    unread_time: str = ""


#: a time of day anywhere ("10:00", "2:30pm", "10am", "noon"), for times written
#: near a date but not attached to it
_LOOSE_TIME_RE = re.compile(
    r"(?<![\w:.])(?:(?:[01]?\d|2[0-3]):[0-5]\d(?:\s*[ap]\.?m\.?)?|(?:1[0-2]|0?[1-9])\s*[ap]\.?m\.?(?!\w))"
    r"|(?<!\w)(?:noon|midday)(?!\w)",
    re.IGNORECASE,
)


_JOINED_RE = re.compile(
    r"[\s,/&]*(?:or|and|oder|und|ou|et|o|y|e|of|en)?[\s,/&]*(?:" + _WD + r"[.,]?\s*)?", re.IGNORECASE)


def _mark_unread_times(text: str, found: list[_Found], rw: Rewritten) -> None:
    """A date read without a time whose line still holds a time nobody read."""
    for i, f in enumerate(found):
        if f.time is not None:
            continue
        ls = text.rfind("\n", 0, f.start) + 1
        le = text.find("\n", f.end)
        le = len(text) if le < 0 else le
        lo = max(ls, found[i - 1].end if i else 0)
        hi = min(le, found[i + 1].start if i + 1 < len(found) else le)
        for span in ((f.end, hi), (lo, f.start)):
            m = _LOOSE_TIME_RE.search(text, *span) if span[0] < span[1] else None
            if m:
                f.unread_time = rw.source(m.start(), m.end()).strip()
                break
        else:
            # "Tue Dec 1 or Wed Dec 2, 10am PT": the time written after the next date
            # may be this date's too; it is not guessed either way
            nxt = found[i + 1] if i + 1 < len(found) else None
            if nxt is not None and nxt.time is not None and nxt.start < le \
                    and _JOINED_RE.fullmatch(text, f.end, nxt.start):
                f.unread_time = rw.source(nxt.time.start, nxt.time.end).strip()


def _find(text: str, now: datetime, default_zone: _Zone, day_first: bool,
          written_at: datetime | None = None, rw: Rewritten | None = None) -> list[ReadDate]:
    rw = rw or Rewritten(text, text, [])
    found: list[_Found] = []
    last_end = 0
    cands = _candidates(text, day_first)[:MAX_DATES]
    for idx, c in enumerate(cands):
        next_start = cands[idx + 1].start if idx + 1 < len(cands) else len(text)
        start, end = c.start, c.end
        tm: _Time | None = None
        zone: _Zone | None = None
        # time after the date; ISO times keep a glued offset ("T10:00-08:00")
        iso_m = _ISO_TIME_RE.match(text, end, next_start) if c.kind in ("iso", "ymd") else None
        if iso_m and not iso_m.group(0)[:1] in "Tt":
            # "10:00-11:00" after a space is a range unless it cannot be one ("10:00-08:00")
            rest = text[iso_m.end() : iso_m.end() + 6]
            rng = re.match(r"-(\d{2}):?(\d{2})", rest)
            if rng and (int(rng.group(1)), int(rng.group(2))) > tuple(int(x) for x in iso_m.group("t").split(":")[:2]):
                iso_m = None
        if iso_m:
            tm = _Time(iso_m.group("t"), iso_m.start("t"), iso_m.end("t"))
            end = iso_m.end()
            z = _read_zone(text[:next_start], end, after_time=True, glued=True)
            if z:
                zone, end = z
        m = None if iso_m else _TAIL_RE.match(text, end, next_start)
        if m:
            tm = _time_from_match(m)
            if tm:
                glued = m.group(0).startswith(("T", "t")) and c.kind in ("iso", "ymd")
                end = tm.end
                z = _read_zone(text[:next_start], end, after_time=True, glued=glued or text[end - 1 : end].isdigit())
                if z:
                    zone, end = z
        if tm is None:
            # time written before the date ("3pm ET on Nov 24")
            lo = max(last_end, start - 60)
            hm = _HEAD_RE.search(text[lo:start])
            if hm:
                tm = _time_from_match(hm, lo)
                if tm:
                    if hm.group("zone"):
                        z = _read_zone(text, tm.end, after_time=True)
                        if z and z[1] <= start:
                            zone = z[0]
                    start = min(start, tm.start)
        if tm is None:
            # a zone right after a date-only date ("Nov 24 (PT)")
            z = _read_zone(text[:next_start], end, after_time=False)
            if z:
                zone, end = z
        found.append(_Found(c, start, end, tm, zone))
        last_end = end

    _mark_unread_times(text, found, rw)
    # zones for dates written without one
    written: dict[int, set[str]] = {}  # line start -> zones attached to dates on that line
    for g in found:
        if g.zone:
            written.setdefault(text.rfind("\n", 0, g.start) + 1, set()).add(g.zone.name)
    line_zones: dict[int, set[str]] = {}
    text_zones: set[str] | None = None
    results: list[ReadDate] = []
    for f in found:
        zone = f.zone
        assumed = False
        if zone is None:
            ls = text.rfind("\n", 0, f.start) + 1
            le = text.find("\n", f.end)
            le = len(text) if le < 0 else le
            zs = line_zones.get(ls)
            if zs is None:
                zs = written.get(ls, set()) | _free_zones(text[ls:le])
                line_zones[ls] = zs
            if len(zs) == 1:
                zone = _zone_named(next(iter(zs)))
            else:
                if text_zones is None:
                    text_zones = {name for names in written.values() for name in names} | _free_zones(text)
                if not zs and len(text_zones) == 1:
                    zone = _zone_named(next(iter(text_zones)))
            if zone is None:
                zone, assumed = default_zone, True
        rd = _resolve(rw, f, zone, assumed, now, written_at or now)
        if rd is not None:
            results.append(rd)
    return results


def _zone_named(name: str) -> _Zone:
    if name.startswith("UTC") and len(name) > 3:
        sign = name[3]
        h, m = name[4:].split(":")
        z = _fixed(sign, int(h), int(m))
        assert z is not None
        return z
    return _zone_from_name(name)


def _resolve(rw: Rewritten, f: _Found, zone: _Zone, assumed: bool, now: datetime,
             written: datetime) -> ReadDate | None:
    c = f.cand
    now_local = now.astimezone(zone.tz)
    time_text = f.time.text if f.time else ""
    day: date | None = None
    clock: time = time(0, 0)
    if c.kind == "rel":
        day = written.astimezone(zone.tz).date() + timedelta(days=c.rel_days)
        if time_text:
            parsed = _parse(time_text, datetime(2000, 1, 1), dayfirst=False)
            if parsed is None:
                return None
            clock = parsed.time()
    else:
        if c.swappable and c.weekday is not None:
            c = _order_by_weekday(c, time_text, now_local)
        parsed = _read_date(c, time_text, now_local)
        if parsed is None:
            return None
        day, clock = parsed.date(), parsed.time()
    naive = datetime.combine(day, clock)
    when = naive.replace(tzinfo=zone.tz)
    # resolve wall times that do not exist (spring forward) via UTC
    when = when.astimezone(timezone.utc).astimezone(zone.tz)
    return ReadDate(
        when=when,
        source=rw.source(f.start, f.end).strip(),
        zone_name=zone.name,
        assumed_zone=assumed,
        date_only=f.time is None,
        time_source=rw.source(f.time.start, f.time.end).strip() if f.time else "",
        unread_time=f.unread_time,
    )


def _read_date(c: _Cand, time_text: str, now_local: datetime) -> datetime | None:
    if c.has_year:
        return _parse_date_time(c, time_text, now_local.year)
    return _pick_year(c, time_text, now_local.date())


def _order_by_weekday(c: _Cand, time_text: str, now_local: datetime) -> _Cand:
    """``08/12/2026 (martes)``: of a numeric date's two valid orders, the one whose
    weekday is the one written (in the year it falls in without the weekday); the
    configured order when both or neither match."""
    plain = replace(c, weekday=None)
    swapped = replace(plain, dayfirst=not c.dayfirst)
    mine, other = _read_date(plain, time_text, now_local), _read_date(swapped, time_text, now_local)
    if mine is not None and other is not None and mine.weekday() != c.weekday and other.weekday() == c.weekday:
        return replace(c, dayfirst=not c.dayfirst)
    return c


def _pick_year(c: _Cand, time_text: str, today: date) -> datetime | None:
    """The year of a date written without one: the one that puts it between four
    months ago and eight months ahead (a request is about the coming months, or is
    stale), unless only another year matches the weekday written next to it."""
    options = []
    base = _parse_date_time(c, time_text, 2000)  # read once, in a leap year (Feb 29 parses)
    if base is None:
        return None
    for year in range(today.year - 1, today.year + 9):
        try:
            options.append(base.replace(year=year))
        except ValueError:  # Feb 29 in a year that has none
            continue
    if not options:
        return None
    window_start, window_end = today - timedelta(days=122), today + timedelta(days=243)
    ranked = sorted(options, key=lambda p: (not (window_start <= p.date() <= window_end),
                                            abs((p.date() - today).days)))
    if c.weekday is not None and ranked[0].weekday() != c.weekday:
        # a weekday may only move the date forward, to the next year that matches; a
        # typo ("Mon Nov 24" for a Tuesday) never sends a date a year into the past
        later = [p for p in options if p.date() > ranked[0].date() and p.date() <= window_end + timedelta(days=366)]
        for p in sorted(later):
            if p.weekday() == c.weekday:
                return p
    return ranked[0]


def _parse(s: str, default: datetime, *, dayfirst: bool) -> datetime | None:
    try:
        return _du.parse(s, default=default, dayfirst=dayfirst, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    except Exception:  # dateutil's ParserError is a ValueError; be safe anyway
        return None


def _parse_date_time(c: _Cand, time_text: str, year: int) -> datetime | None:
    """dateutil reads the date (and time) text; the default supplies the year."""
    try:
        default = datetime(year, 1, 1)
    except ValueError:
        return None
    s = c.date_text + (" " + time_text if time_text else "")
    got = _parse(s, default, dayfirst=c.dayfirst)
    if got is None and c.kind == "num":
        got = _parse(s, default, dayfirst=not c.dayfirst)  # 24/11 month-first -> the only valid reading
    if got is None:
        return None
    if c.has_year and c.kind in ("md", "dm") and got.year != int(c.date_text.split()[-1]):
        return None
    return got


_STRUCK = re.compile(r"~~.+?~~|<(?:del|s|strike)>.*?</(?:del|s|strike)>", re.S)
_STAMP = re.compile(r"(?im)^[\s>*_#-]*(?:update[ds]?|edit(?:ed)?|as\s+of|note|nb|ps)\b[^:\n]{0,24}:")


_OFFSET = re.compile(r"(?<![\w-])in\s+(?:about\s+|~\s*)?(\d{1,2}(?:[.,]5)?|an?|one|two|three|four|five|six|seven|eight|"
                     r"nine|ten|eleven|twelve|half\s+an)\s*(hours?|hrs?|h|minutes?|mins?)(?!\w)", re.I)
_OFFSET_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_END_OF_DAY = re.compile(r"(?<![\w-])(?:EOD|COB|end\s+of\s+(?:the\s+)?(?:business\s+)?day|close\s+of\s+business)"
                         r"(?![\w-])", re.I)
_TIME_FIRST = re.compile(r"(?<![\w:])(noon|midday|(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s?(?:[ap]\.?m\.?))\s+(today|tomorrow|tonight)"
                         r"(?!\w)", re.I)


def offsets(text: str, written: datetime, zone: str) -> list[ReadDate]:
    """An event written as a delay from when it was written: "the call is in 6 hours", "in
    half an hour", "in 90 mins" (read from the issue's creation, the time it was written)."""
    out = []
    for m in _OFFSET.finditer(text or ""):
        amount = m.group(1).lower()
        value = 0.5 if amount.startswith("half") else float(_OFFSET_WORDS.get(amount) or amount.replace(",", "."))
        unit = m.group(2).lower()
        delta = timedelta(hours=value) if unit.startswith("h") else timedelta(minutes=value)
        when = (written if written.tzinfo else written.replace(tzinfo=timezone.utc)) + delta
        out.append(ReadDate(when=when.astimezone(_zone_from_name(zone).tz), source=m.group(0), zone_name=zone,
                            assumed_zone=True, date_only=False))
    return out


def offered(text: str) -> str:
    """The options an AE still offers: struck-through ones (``~~Fri Dec 4, 11am ET~~``,
    cancelled) and the date of an edit (``UPDATE Dec 7:``) are blanked out, keeping every
    other character where it was, so what is read can still be quoted exactly; "EOD" is
    17:00; "noon tomorrow" is read as "tomorrow noon", so a zone written after it attaches."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    text = _STAMP.sub(blank, _STRUCK.sub(blank, text or ""))
    # "EOD tomorrow": the end of the working day, 17:00 (kept at the same length, so quotes stay exact)
    text = _END_OF_DAY.sub(lambda m: "17:00".ljust(len(m.group(0))) if len(m.group(0)) >= 5 else "5pm", text)
    # "noon tomorrow (London)": the day first, as the reader attaches a zone written after it
    return _TIME_FIRST.sub(lambda m: f"{m.group(2)} {m.group(1)}", text)
