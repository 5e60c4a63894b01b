"""expedite: EXPEDITE only when the requested event is less than 24 hours away.

Handbook 002, "Labels": "EXPEDITE: This label is only to be used if there is <24
hours until the requested event".

The event time is the earliest upcoming of the issue's due date and the dates in
Preferred Date Options (a date without a zone is read in the team's zone):
* under 24 hours away and not passed: add EXPEDITE;
* EXPEDITE but 24 hours or more away: remove it, with one comment giving the rule
  and the time gl-cs read (in the AE's zone and in UTC);
* every date passed: remove EXPEDITE;
* no readable date: EXPEDITE stays as it is, one comment asks for a date gl-cs can
  read, and the issue is listed in the sync report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass

from ...parse.dates import ReadDate, find_dates
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

    def describe(self) -> str:
        local = self.start.astimezone(zoneinfo.ZoneInfo(self.zone)) if "/" in self.zone or self.zone == "UTC" \
            else self.start
        utc = self.start.astimezone(dt.timezone.utc)
        return f"{local:%a %d %b %Y %H:%M} {self.zone} ({utc:%Y-%m-%d %H:%M} UTC)"


def _events(issue: Issue, ctx: Context) -> tuple[list[Event], str]:
    """The requested events, and the Preferred Date Options text. A date whose time gl-cs
    could not attach (``Nov 26 - earliest 10:00 CET``) is never read as the whole day:
    then no event is returned, so the AE is asked for a date gl-cs can read."""
    cfg = ctx.config
    tz = zoneinfo.ZoneInfo(cfg.timezone)
    events: list[Event] = []
    if issue.due_date:
        start = dt.datetime.combine(issue.due_date, dt.time(0, 0), tzinfo=tz)
        events.append(Event(start, start + DAY, f"due date {issue.due_date.isoformat()}", cfg.timezone))
    text = read_request(issue, cfg).date_text
    found_dates = requested_dates(issue, ctx)
    if any(getattr(found, "unread_time", "") for found in found_dates):
        return [], text
    for found in found_dates:
        end = found.when + DAY if found.date_only else found.when
        events.append(Event(found.when, end, found.source, found.zone_name))
    return events, text


_DATES = list_of(ReadDate)


def requested_dates(issue: Issue, ctx: Context) -> list[ReadDate]:
    """The dates written in Preferred Date Options. "today", "tomorrow" and a date without
    a year are read from when the AE wrote them: the issue's creation (stable, unlike
    updated_at, which every comment and label change moves), so the reading never changes
    and is kept."""
    cfg = ctx.config
    written = written_at(issue, ctx.now)
    return reading_of(issue, cfg).part(
        "dates", lambda: find_dates(read_request(issue, cfg).date_text, now=written, default_tz=cfg.timezone,
                                    day_first=cfg.day_first, written=written),
        encode=_DATES[0], decode=_DATES[1])


def next_event(issue: Issue, ctx: Context) -> Event | None:
    """The earliest requested event that has not ended yet, if any (for the triage facts)."""
    upcoming = [e for e in _events(issue, ctx)[0] if e.end > ctx.now]
    return min(upcoming, key=lambda e: e.start) if upcoming else None


def _author(issue: Issue) -> str:
    return issue.author.username if issue.author else "the author"



def decide(issue: Issue, ctx: Context) -> list[Action]:
    cfg = ctx.config
    label = cfg.expedite_label
    has = label in issue.labels
    events, date_text = _events(issue, ctx)
    if not events:
        if not has and not date_text.strip():
            return []  # nothing written yet: the intake rule asks for the dates
        why = "no date gl-cs can read in Preferred Date Options or the due date"
        quoted = f" (it reads: {neutralize(date_text, max_len=120)})" if date_text.strip() else ""
        body = (f"{addressing(issue.author)}gl-cs could not read a date for this request{quoted}. Please write "
                f"the preferred date options with a time zone, e.g. `2026-11-24 10:00 America/New_York` or "
                f"`Tue Nov 24, 10am PT`, or set a due date, so EXPEDITE can be kept right.")
        digest = hashlib.sha1(date_text.strip().encode()).hexdigest()[:10]
        return [Finding(NAME, why, text="no readable event date"),
                Comment(NAME, why, key=f"unreadable-{digest}", body=body,
                        summary=f"to {_author(issue)}: asks for a date gl-cs can read")]

    upcoming = [e for e in events if e.end > ctx.now]
    if not upcoming:
        if has:
            return [RemoveLabel(NAME, "the requested event has passed", label=label)]
        return []
    event = min(upcoming, key=lambda e: e.start)
    left = event.start - ctx.now
    if left < DAY:
        if has:
            return []
        return [AddLabel(NAME, f"the event ({event.describe()}) is less than 24 hours away", label=label)]
    if not has:
        return []
    hours = left.total_seconds() / 3600
    why = f"the event ({event.describe()}) is {hours:.0f} hours away; EXPEDITE is for under 24 hours"
    source = (f" (from {neutralize(event.source, max_len=80)})" if event.source
              and not event.source.startswith("due date") else " (the due date)")
    body = (f"{addressing(issue.author)}gl-cs removed **{label_name(label)}**: it is only for requests whose event is less "
            f"than 24 hours away, and the earliest date it read is **{event.describe()}**{source}, about "
            f"{hours:.0f} hours from now. If that is wrong, correct the Preferred Date Options or the due date.")
    return [RemoveLabel(NAME, why, label=label),
            Comment(NAME, why, key=f"removed-{event.start.astimezone(dt.timezone.utc):%Y%m%dT%H%M}", body=body,
                    summary=f"to {_author(issue)}: explains why EXPEDITE was removed")]


RULE = Rule(NAME, decide, doc=__doc__ or "", kinds=(REQUEST,))
