"""The period a report covers, in the desk's time zone, and its weeks.

A period is whole days: from midnight of its first day to midnight after its last day, in
the desk's time zone (``timezone`` in rules.yml), so a DST change moves nothing. The default
is the last full calendar month before today. A period that is not over yet ends "to date":
at the report's clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from ..decide.triage.weeks import monday_of, week_name


class PeriodError(ValueError):
    """--since / --until that make no period (one line for the person who typed them)."""


def _midnight(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zoneinfo.ZoneInfo(zone))


@dataclass(frozen=True)
class Week:
    monday: dt.date
    first_day: dt.date  # within the period
    last_day: dt.date
    since: dt.datetime
    until: dt.datetime

    @property
    def name(self) -> str:
        return week_name(self.monday)

    @property
    def short(self) -> str:
        """``5 Oct``: the week's first day in the period (an axis label)."""
        return f"{self.first_day.day} {self.first_day:%b}"

    @property
    def span(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day.day} {self.first_day:%b}"
        if self.first_day.month == self.last_day.month:
            return f"{self.first_day.day}-{self.last_day.day} {self.last_day:%b}"
        return f"{self.first_day.day} {self.first_day:%b} - {self.last_day.day} {self.last_day:%b}"


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date  # included
    timezone: str
    now: dt.datetime
    open_ended: bool = False  # --since alone: to date, whatever day the report runs

    @property
    def since(self) -> dt.datetime:
        return _midnight(self.first_day, self.timezone)

    @property
    def until(self) -> dt.datetime:
        return _midnight(self.last_day + dt.timedelta(days=1), self.timezone)

    @property
    def end(self) -> dt.datetime:
        """Where the period's figures stop: its end, or the clock while it is not over."""
        return min(self.until, self.now)

    @property
    def to_date(self) -> bool:
        return self.now < self.until

    @property
    def end_day(self) -> dt.date:
        """The local date of :attr:`end` (a step due before it was overdue then)."""
        return self.end.astimezone(zoneinfo.ZoneInfo(self.timezone)).date()

    def contains(self, t: dt.datetime | None) -> bool:
        return t is not None and self.since <= t < self.end

    def local(self, t: dt.datetime) -> dt.datetime:
        return t.astimezone(zoneinfo.ZoneInfo(self.timezone))

    @property
    def key(self) -> str:
        """What names the period's report issue: its days, or its first day and "to-date"
        for ``--since`` alone, so a daily run updates one issue instead of opening one a day."""
        return f"{self.first_day.isoformat()}:{'to-date' if self.open_ended else self.last_day.isoformat()}"

    @property
    def name(self) -> str:
        """``October 2026`` for a calendar month, else ``5 Oct - 18 Nov 2026``."""
        first, last = self.first_day, self.last_day
        next_day = last + dt.timedelta(days=1)
        if first.day == 1 and next_day.day == 1 and (next_day.year * 12 + next_day.month) - (
                first.year * 12 + first.month) == 1:
            return f"{first:%B %Y}"
        if first.year != last.year:
            return f"{first.day} {first:%b %Y} - {last.day} {last:%b %Y}"
        if first.month != last.month:
            return f"{first.day} {first:%b} - {last.day} {last:%b %Y}"
        return f"{first.day}-{last.day} {last:%b %Y}"

    def weeks(self) -> list[Week]:
        """The weeks (Monday to Sunday) the period touches, up to its end, clipped to it."""
        out = []
        stop = min(self.last_day, self.end_day if self.to_date else self.last_day)
        day = self.first_day
        while day <= stop:
            monday = monday_of(day)
            last = min(monday + dt.timedelta(days=6), stop)
            out.append(Week(monday, day, last, max(self.since, _midnight(day, self.timezone)),
                            min(self.end, _midnight(last + dt.timedelta(days=1), self.timezone))))
            day = last + dt.timedelta(days=1)
        return out


def _parse_day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(f"{option} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01") from None


def period_for(now: dt.datetime, timezone: str, since: str | None = None, until: str | None = None) -> Period:
    """The period of ``--since`` / ``--until`` (dates, both days included), else the last full
    month before today. ``--since`` alone runs to date; ``--until`` alone starts on the first
    of its month."""
    today = now.astimezone(zoneinfo.ZoneInfo(timezone)).date()
    if since is None and until is None:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return Period(last.replace(day=1), last, timezone, now)
    last_day = _parse_day(until, "--until") if until is not None else today
    first_day = _parse_day(since, "--since") if since is not None else last_day.replace(day=1)
    if first_day > today:
        raise PeriodError(f"--since {first_day} is after today ({today} in {timezone}): nothing to report yet")
    if first_day > last_day:
        raise PeriodError(f"--since {first_day} is after --until {last_day}")
    return Period(first_day, last_day, timezone, now, open_ended=until is None)
