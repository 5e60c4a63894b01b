"""Weeks, triage calls and the Triage SA rotation. Pure date arithmetic.

Weeks start on Monday in the team's time zone and are named by that Monday's date, so a
year end (ISO week 53 or 1) and a DST change (a 167- or 169-hour week) need no special
case: only calendar dates are counted, never hours.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from ...config.model import TriageConfig


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_of(now: dt.datetime, timezone: str) -> dt.date:
    """The Monday (a date in ``timezone``) of the week ``now`` falls in."""
    return monday_of(now.astimezone(zoneinfo.ZoneInfo(timezone)).date())


def week_name(monday: dt.date) -> str:
    """``2026-W48``: the ISO week (the year of its Thursday, as ISO 8601 says)."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def next_call(now: dt.datetime, triage: TriageConfig) -> dt.datetime:
    """The next triage call strictly after ``now`` (aware, in the calls' time zone)."""
    zone = zoneinfo.ZoneInfo(triage.call_timezone)
    local = now.astimezone(zone)
    for offset in range(0, 15):
        day = local.date() + dt.timedelta(days=offset)
        if day.weekday() not in triage.call_days:
            continue
        start = dt.datetime.combine(day, triage.call_time, tzinfo=zone)
        if start > now:
            return start
    raise ValueError("no triage call day configured")  # pragma: no cover - the schema needs one


def calls_in_week(monday: dt.date, triage: TriageConfig) -> list[dt.date]:
    return [monday + dt.timedelta(days=d) for d in sorted(triage.call_days)]


def _absent(user: str, monday: dt.date, triage: TriageConfig) -> bool:
    """Out for any of the week's triage calls."""
    days = calls_in_week(monday, triage)
    return any(a.user == user and any(a.start <= d <= a.end for d in days) for a in triage.absences)


@dataclass(frozen=True)
class Turn:
    monday: dt.date
    username: str | None  # None: everyone in the order is out that week
    skipped: tuple[str, ...] = ()  # whose turn it was, but who is out (they take the next week they can)


def rotation(triage: TriageConfig, roster: tuple[str, ...], until: dt.date) -> list[Turn]:
    """Every week from the rotation's start up to the week of ``until``, with its Triage SA.

    The order (``triage.order``, else the roster) is walked week by week. A person out in
    their week is skipped and keeps their turn: they take the first later week they are in.
    A change (``triage.changes``) restarts the walk with its new order from its week on;
    turns still owed carry over to those in the new order."""
    if triage.start is None:
        return []
    eras = [(monday_of(triage.start), tuple(triage.order or roster))]
    eras += [(monday_of(c.start), tuple(c.order)) for c in triage.changes]
    last = monday_of(until)
    turns: list[Turn] = []
    owed: list[str] = []
    for index, (start, order) in enumerate(eras):
        end = eras[index + 1][0] if index + 1 < len(eras) else last + dt.timedelta(days=7)
        owed = [u for u in owed if u in order]
        position = 0
        monday = start
        while monday < end and monday <= last:
            pick = next((u for u in owed if not _absent(u, monday, triage)), None)
            skipped: list[str] = []
            if pick is not None:
                owed.remove(pick)
            else:
                for _ in range(len(order)):
                    user = order[position % len(order)]
                    position += 1
                    if not _absent(user, monday, triage):
                        pick = user
                        break
                    skipped.append(user)
                    if user not in owed:
                        owed.append(user)
            turns.append(Turn(monday, pick, tuple(skipped)))
            monday += dt.timedelta(days=7)
    return turns


def triage_sa(triage: TriageConfig, roster: tuple[str, ...], monday: dt.date) -> Turn | None:
    """The week's turn (None before the rotation starts or without a start date)."""
    if triage.start is None or monday < monday_of(triage.start):
        return None
    turns = rotation(triage, roster, monday)
    return turns[-1] if turns else None
