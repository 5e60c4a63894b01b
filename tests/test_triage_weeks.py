"""The Triage SA rotation and the triage calls, as pure date arithmetic (pinned clocks)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gl_cs.config.model import Absence, RotationChange, TriageConfig
from gl_cs.decide.triage.weeks import next_call, rotation, triage_sa, week_name, week_of

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.timezone.utc
ORDER = ("ana.sa", "ben.sa", "chen.sa", "dara.sa")
D = dt.date


def cfg(start=D(2026, 11, 2), absences=(), changes=(), order=ORDER, **kw) -> TriageConfig:
    return TriageConfig(start=start, order=order, absences=tuple(Absence(u, a, b) for u, a, b in absences),
                        changes=tuple(RotationChange(s, tuple(o)) for s, o in changes), **kw)


def names(triage: TriageConfig, until: dt.date) -> list[str | None]:
    return [t.username for t in rotation(triage, (), until)]


def la(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.mark.parametrize("now, monday", [
    (la(2026, 11, 23, 0, 0), D(2026, 11, 23)),  # Monday 00:00 in Los Angeles: the new week
    (la(2026, 11, 22, 23, 59), D(2026, 11, 16)),  # Sunday night: still last week
    # Monday 07:30 UTC is Sunday 23:30 in Los Angeles: still last week in the team's zone
    (dt.datetime(2026, 11, 23, 7, 30, tzinfo=UTC), D(2026, 11, 16)),
    # year end: Thu 31 Dec 2026 and Sun 3 Jan 2027 belong to the week of Mon 28 Dec
    (la(2026, 12, 31, 12, 0), D(2026, 12, 28)),
    (la(2027, 1, 3, 23, 30), D(2026, 12, 28)),
    (la(2027, 1, 4, 0, 1), D(2027, 1, 4)),
    # DST starts Sun 14 Mar 2027, ends Sun 1 Nov 2026: a 167- and a 169-hour week
    (la(2027, 3, 14, 23, 30), D(2027, 3, 8)),
    (la(2027, 3, 15, 0, 30), D(2027, 3, 15)),
    (la(2026, 11, 1, 23, 30), D(2026, 10, 26)),
    (la(2026, 11, 2, 0, 30), D(2026, 11, 2)),
])
def test_weeks_start_on_monday_in_the_teams_zone(now, monday):
    assert week_of(now, "America/Los_Angeles") == monday


def test_week_names_across_the_year_end():
    assert week_name(D(2026, 12, 28)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert week_name(D(2027, 1, 4)) == "2027-W01"
    assert week_name(D(2025, 12, 29)) == "2026-W01"  # the week of Thu 1 Jan 2026


@pytest.mark.parametrize("now, call", [
    # Monday 08:30 PST: today's call
    (la(2026, 11, 23, 8, 30), la(2026, 11, 23, 9, 30)),
    # after Monday's call: Tuesday's
    (la(2026, 11, 23, 9, 31), la(2026, 11, 24, 9, 30)),
    # Tuesday after the call: Thursday
    (la(2026, 11, 24, 12, 0), la(2026, 11, 26, 9, 30)),
    # Friday: next Monday, in the next year
    (la(2027, 1, 1, 8, 0), la(2027, 1, 4, 9, 30)),
    # across DST: 09:30 Pacific is 17:30 UTC in winter, 16:30 UTC in summer
    (la(2027, 3, 12, 10, 0), dt.datetime(2027, 3, 15, 16, 30, tzinfo=UTC)),
    (la(2026, 10, 30, 10, 0), dt.datetime(2026, 11, 2, 17, 30, tzinfo=UTC)),
])
def test_next_call(now, call):
    assert next_call(now, cfg()) == call


def test_next_call_with_other_days_time_and_zone():
    triage = cfg(call_days=(2,), call_time=dt.time(14, 0), call_timezone="Europe/Berlin")
    assert next_call(la(2026, 11, 23, 8, 0), triage) == dt.datetime(2026, 11, 25, 14, 0,
                                                                    tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("case, triage, until, expected", [
    ("plain order, week by week",
     cfg(), D(2026, 12, 3), ["ana.sa", "ben.sa", "chen.sa", "dara.sa", "ana.sa"]),
    ("any day of the start week starts it",
     cfg(start=D(2026, 11, 5)), D(2026, 11, 9), ["ana.sa", "ben.sa"]),
    ("across the year end",
     cfg(start=D(2026, 12, 14)), D(2027, 1, 11), ["ana.sa", "ben.sa", "chen.sa", "dara.sa", "ana.sa"]),
    ("out for a week: skipped, takes the next week",
     cfg(absences=[("ben.sa", D(2026, 11, 9), D(2026, 11, 13))]), D(2026, 11, 30),
     ["ana.sa", "chen.sa", "ben.sa", "dara.sa", "ana.sa"]),
    ("out two weeks: takes the first week back",
     cfg(absences=[("ben.sa", D(2026, 11, 9), D(2026, 11, 20))]), D(2026, 11, 30),
     ["ana.sa", "chen.sa", "dara.sa", "ben.sa", "ana.sa"]),
    ("out on a day without a call (Friday) is not out",
     cfg(absences=[("ben.sa", D(2026, 11, 13), D(2026, 11, 15))]), D(2026, 11, 16),
     ["ana.sa", "ben.sa", "chen.sa"]),
    ("out on Thursday only misses a call: skipped",
     cfg(absences=[("ben.sa", D(2026, 11, 12), D(2026, 11, 12))]), D(2026, 11, 16),
     ["ana.sa", "chen.sa", "ben.sa"]),
    ("two people out the same week",
     cfg(absences=[("ben.sa", D(2026, 11, 9), D(2026, 11, 13)), ("chen.sa", D(2026, 11, 9), D(2026, 11, 13))]),
     D(2026, 11, 30), ["ana.sa", "dara.sa", "ben.sa", "chen.sa", "ana.sa"]),
    ("everyone out: nobody that week, then the order goes on",
     cfg(absences=[(u, D(2026, 11, 9), D(2026, 11, 13)) for u in ORDER]), D(2026, 11, 30),
     ["ana.sa", None, "ben.sa", "chen.sa", "dara.sa"]),
    ("roster change mid-rotation: earlier weeks unchanged, the new order from its week",
     cfg(changes=[(D(2026, 11, 30), ("erin.sa", "ana.sa", "chen.sa"))]), D(2026, 12, 21),
     ["ana.sa", "ben.sa", "chen.sa", "dara.sa", "erin.sa", "ana.sa", "chen.sa", "erin.sa"]),
    ("a turn owed across a roster change is kept by those still in the order",
     cfg(absences=[("dara.sa", D(2026, 11, 23), D(2026, 11, 27))],
         changes=[(D(2026, 11, 30), ("erin.sa", "dara.sa"))]), D(2026, 12, 14),
     ["ana.sa", "ben.sa", "chen.sa", "ana.sa", "dara.sa", "erin.sa", "dara.sa"]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_rotation(case, triage, until, expected):
    assert names(triage, until) == expected


def test_the_week_of_a_date_and_before_the_start():
    triage = cfg()
    assert triage_sa(triage, (), D(2026, 11, 23)).username == "dara.sa"
    assert triage_sa(triage, (), D(2026, 10, 26)) is None
    assert triage_sa(TriageConfig(), ORDER, D(2026, 11, 23)) is None  # no start date
    # the order defaults to the roster
    assert triage_sa(cfg(order=()), ("x.sa", "y.sa"), D(2026, 11, 9)).username == "y.sa"
    skipped = triage_sa(cfg(absences=[("ben.sa", D(2026, 11, 9), D(2026, 11, 13))]), (), D(2026, 11, 9))
    assert skipped.username == "chen.sa" and skipped.skipped == ("ben.sa",)
