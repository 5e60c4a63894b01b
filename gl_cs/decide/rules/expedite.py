"""expedite: EXPEDITE only when the requested event is less than 24 hours away.

Handbook 002, "Labels": "EXPEDITE: This label is only to be used if there is <24
hours until the requested event".

The events are the issue's due date (a whole day in the team's zone) and every date read
whole from Preferred Date Options (a date without a zone is read in the team's zone; a
date without a time is the whole day). A date whose written time gl-cs could not attach to
it (``Nov 26 - earliest 10:00 CET``, ``Tue Dec 1 or Wed Dec 2, 10am PT``) is never read as
the whole day, and never throws the other dates away: it is only *unclear*. EXPEDITE
follows the earliest upcoming event:

* under 24 hours away and not passed: add EXPEDITE (whatever else is unclear);
* otherwise, when an unclear date's day could hold an event under 24 hours away (its day
  is today or tomorrow): EXPEDITE stays as it is, one comment asks which time is meant,
  quoting only that date and the time next to it, and the issue is listed in the sync
  report. An unclear date far away (or passed) is never asked about;
* EXPEDITE but 24 hours or more away: remove it, with one comment giving the rule and
  the time gl-cs read (in the AE's zone and in UTC);
* every date passed: remove EXPEDITE;
* nothing read at all (``ASAP``, ``next week``) and no due date: EXPEDITE stays as it
  is, one comment asks for a date gl-cs can read, and the issue is listed in the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass

from ...parse.dates import ReadDate, find_dates, offered, offsets
from ...read.snapshot import Issue
from ...text.safe import addressing, label_name, neutralize
from ..actions import Action, AddLabel, Comment, Finding, RemoveLabel
from ..context import Context
from ..reading import list_of, reading_of
from ..request import REQUEST, read_request, written_at
from .base import Rule

NAME = "expedite"
DAY = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Event:
    start: dt.datetime  # aware
    end: dt.datetime  # a date without a time lasts the whole day
    source: str
    zone: str
    #: a date whose written time could not be attached to it: the event starts at some
    #: unknown time between ``start`` (its day's midnight) and ``end``; this is that time
    unread_time: str = ""

    def describe(self) -> str:
        local = self._local()
        if self.unread_time:
            return f"{local:%a %d %b %Y} {self.zone}, time not read"
        utc = self.start.astimezone(dt.timezone.utc)
        return f"{local:%a %d %b %Y %H:%M} {self.zone} ({utc:%Y-%m-%d %H:%M} UTC)"

    def _local(self) -> dt.datetime:
        return self.start.astimezone(zoneinfo.ZoneInfo(self.zone)) if "/" in self.zone or self.zone == "UTC" \
            else self.start


@dataclass(frozen=True)
class Dates:
    """What a request says about when its event is."""

    events: tuple[Event, ...]  # the due date and the dates read whole
    unclear: tuple[Event, ...]  # dates whose written time could not be attached (``Event.unread_time``)
    text: str  # the Preferred Date Options text


def _dates(issue: Issue, ctx: Context) -> Dates:
    cfg = ctx.config
    tz = zoneinfo.ZoneInfo(cfg.timezone)
    events: list[Event] = []
    unclear: list[Event] = []
    if issue.due_date:
        start = dt.datetime.combine(issue.due_date, dt.time(0, 0), tzinfo=tz)
        events.append(Event(start, start + DAY, f"due date {issue.due_date.isoformat()}", cfg.timezone))
    for found in requested_dates(issue, ctx):
        end = found.when + DAY if found.date_only else found.when
        if found.unread_time:  # never the whole day; the other dates stay
            unclear.append(Event(found.when, end, found.source, found.zone_name, unread_time=found.unread_time))
        else:
            events.append(Event(found.when, end, found.source, found.zone_name))
    # "Tomorrow (Tue 12/8) 11:00 AM": a day written without a time that another date gives
    # a time on is that timed event, not the whole day
    timed = {(e.start.astimezone(e.start.tzinfo).date(), e.zone) for e in events if e.end == e.start}
    events = [e for e in events if e.end == e.start or (e.start.date(), e.zone) not in timed
              or e.source.startswith("due date")]
    return Dates(tuple(events), tuple(unclear), read_request(issue, cfg).date_text)


_DATES = list_of(ReadDate)


def requested_dates(issue: Issue, ctx: Context) -> list[ReadDate]:
    """The dates written in Preferred Date Options (not the struck-through ones, nor the
    date of an "UPDATE Dec 7:"). "today", "tomorrow" and a date without
    a year are read from when the AE wrote them: the issue's creation (stable, unlike
    updated_at, which every comment and label change moves), so the reading never changes
    and is kept."""
    cfg = ctx.config
    written = written_at(issue, ctx.now)
    return reading_of(issue, cfg).part(
        "dates", lambda: find_dates(offered(read_request(issue, cfg).date_text), now=written,
                                    default_tz=cfg.timezone, day_first=cfg.day_first, written=written)
        + offsets(read_request(issue, cfg).date_text, issue.created_at or written, cfg.timezone),
        encode=_DATES[0], decode=_DATES[1])


def next_event(issue: Issue, ctx: Context) -> Event | None:
    """The earliest requested event read whole that has not ended yet, if any (for the
    triage facts and the insights)."""
    upcoming = [e for e in _dates(issue, ctx).events if e.end > ctx.now]
    return min(upcoming, key=lambda e: e.start) if upcoming else None


def _author(issue: Issue) -> str:
    return issue.author.username if issue.author else "the author"


def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    label = cfg.expedite_label
    has = label in issue.labels
    now = ctx.now
    dates = _dates(issue, ctx)
    upcoming = [e for e in dates.events if e.end > now]
    # an unclear date whose every possible time is upcoming and under 24 hours away decides too
    certain = [e for e in dates.unclear if e.start >= now and e.end <= now + DAY]
    soon = [e for e in upcoming + certain if e.start - now < DAY]
    if soon:
        if has:
            return []
        event = min(soon, key=lambda e: e.start)
        return [AddLabel(NAME, f"the event ({event.describe()}) is less than 24 hours away", label=label)]
    at_stake = [e for e in dates.unclear if e.start < now + DAY and e.end > now]
    if at_stake:
        return _ask_time(issue, ctx, at_stake)
    if not dates.events and not dates.unclear:
        return _ask_date(issue, dates.text, has)
    later = upcoming + [e for e in dates.unclear if e.end > now]  # unclear ones left are 24 h or more away
    if not later:
        if has:
            return [RemoveLabel(NAME, "the requested event has passed", label=label)]
        return []
    if not has:
        return []
    event = min(later, key=lambda e: e.start)
    hours = (event.start - now).total_seconds() / 3600
    why = f"the event ({event.describe()}) is {hours:.0f} hours away; EXPEDITE is for under 24 hours"
    source = (f" (from {neutralize(event.source, max_len=80)})" if event.source
              and not event.source.startswith("due date") else " (the due date)")
    body = (f"{addressing(issue.author)}gl-cs removed **{label_name(label)}**: it is only for requests whose event is less "
            f"than 24 hours away, and the earliest date it read is **{event.describe()}**{source}, "
            f"{'at least' if event.unread_time else 'about'} {hours:.0f} hours from now. If that is wrong, correct "
            f"the Preferred Date Options or the due date.")
    return [RemoveLabel(NAME, why, label=label),
            Comment(NAME, why, key=f"removed-{event.start.astimezone(dt.timezone.utc):%Y%m%dT%H%M}", body=body,
                    summary=f"to {_author(issue)}: explains why EXPEDITE was removed")]


def _ask_date(issue: Issue, date_text: str, has: bool) -> list[Action]:
    """Nothing read at all: ask for a date gl-cs can read (unless nothing is written and
    there is no EXPEDITE to keep right: then intake asks for the field)."""
    if not has and not date_text.strip():
        return []
    why = "no date gl-cs can read in Preferred Date Options or the due date"
    quoted = f" (it reads: {neutralize(date_text, max_len=120)})" if date_text.strip() else ""
    body = (f"{addressing(issue.author)}gl-cs could not read a date for this request{quoted}. Please write "
            f"the preferred date options with a time zone, e.g. `2026-11-24 10:00 America/New_York` or "
            f"`Tue Nov 24, 10am PT`, or set a due date, so EXPEDITE can be kept right.")
    digest = hashlib.sha1(date_text.strip().encode()).hexdigest()[:10]
    return [Finding(NAME, why, text="no readable event date"),
            Comment(NAME, why, key=f"unreadable-{digest}", body=body,
                    summary=f"to {_author(issue)}: asks for a date gl-cs can read")]


def _ask_time(issue: Issue, ctx: Context, unclear: list[Event]) -> list[Action]:
    """Dates whose day could hold an event under 24 hours away, but whose time gl-cs could
    not attach: ask which time is meant, quoting only those dates and times."""
    cfg = ctx.config
    field = next((f.title for f in cfg.intake_fields if f.key == "preferred_date_options"), "Preferred Date Options")
    label = label_name(cfg.expedite_label)
    unclear = sorted(unclear, key=lambda e: e.start)
    days = "; ".join(e.describe() for e in unclear)  # gl-cs's own words: the report and triage summary show them
    why = f"the event may be less than 24 hours away, and a time written could not be attached ({days})"
    if len(unclear) == 1:
        [e] = unclear
        body = (f"{addressing(issue.author)}what time is meant for {_quote(e.source)} in {label_name(field)}: "
                f"{_quote(e.unread_time)}? gl-cs read the date but could not tell whether that time goes with it. "
                f"The event may be less than 24 hours away, so its time decides **{label}**: please write the "
                f"time right after the date.")
    else:
        lines = "\n".join(f"- {_quote(e.source)}: {_quote(e.unread_time)}?" for e in unclear)
        body = (f"{addressing(issue.author)}what times are meant for these dates in {label_name(field)}? gl-cs "
                f"read them but could not tell whether these times go with them:\n\n{lines}\n\nThe event may be "
                f"less than 24 hours away, so the times decide **{label}**: please write each time right after "
                f"its date.")
    digest = hashlib.sha1("|".join(f"{e.source}\x1f{e.unread_time}" for e in unclear).encode()).hexdigest()[:10]
    what = "a date" if len(unclear) == 1 else f"{len(unclear)} dates"
    return [Finding(NAME, why, text="event time unclear, may be under 24 hours away"),
            Comment(NAME, why, key=f"unclear-{digest}", body=body,
                    summary=f"to {_author(issue)}: asks which time is meant for {what}")]


def _quote(text: str) -> str:
    return neutralize(text, max_len=60)


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(REQUEST,))
