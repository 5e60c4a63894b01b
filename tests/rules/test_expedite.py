"""expedite (gl_cs/decide/rules/expedite.py): EXPEDITE only when the requested event is
less than 24 hours away. The event is the earliest upcoming of the due date (a whole day
in the team's zone) and the Preferred Date Options. Under 24 h: added. 24 h or more:
removed, with one comment giving the time read (in the AE's zone and in UTC). Passed:
removed without a word. No readable date: EXPEDITE stays as it is, the issue is listed
and one comment asks for a date gl-cs can read.

Every expected instant is computed here with ``zoneinfo`` from the wall time the AE
wrote, never with gl-cs's own date reader."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import expedite
from gl_cs.decide.rules.expedite import NAME, decide

from .builders import COMPLETE, NOW, UTC, D, H, M, ctx, issue, request, variant, with_dates
from .expect import add, assert_actions, comment, finding, remove, shape
from .zones import BERLIN, LA, NY, PARIS, SYDNEY, ZONES
DAY_FIRST = variant({"date_order: month_first": "date_order: day_first"})
BY_LABEL = variant({"applies_to: all": 'applies_to: {label: "SA Activity"}'})


def request_at(description: str, now: dt.datetime, flagged: bool, **kw):
    """The request filed 30 days before ``now``, with or without EXPEDITE."""
    labels = ("SA Backlog", "FY27-Q4") + (("EXPEDITE",) if flagged else ())
    kw.setdefault("created_at", now - 30 * D)
    kw.setdefault("updated_at", kw["created_at"])
    return issue(labels, description=description, **kw)


def expected(event: dt.datetime, now: dt.datetime, zone, flagged: bool, all_day: bool = False) -> list:
    """What EXPEDITE must look like for an event at ``event`` seen at ``now``."""
    end = event + D if all_day else event
    left = event - now
    utc = event.astimezone(UTC)
    if end <= now:
        return [remove("EXPEDITE", why="the requested event has passed")] if flagged else []
    if left < 24 * H:
        return [] if flagged else [add("EXPEDITE", why=("is less than 24 hours away", f"({utc:%Y-%m-%d %H:%M} UTC)"))]
    if not flagged:
        return []
    local = utc.astimezone(zone)  # a wall time in a spring-forward gap moves on
    why = ("EXPEDITE is for under 24 hours", f"({utc:%Y-%m-%d %H:%M} UTC)")
    return [remove("EXPEDITE", why=why),
            comment(f"removed-{utc:%Y%m%dT%H%M}", to="eve.ae", cites="EXPEDITE", why=why,
                    says=("it is only for requests whose event is less than 24 hours away",
                          f"{local:%d %b %Y %H:%M}", f"{utc:%Y-%m-%d %H:%M} UTC",
                          "correct the Preferred Date Options or the due date"),
                    summary="to eve.ae: explains why EXPEDITE was removed")]


def outcome(want: list) -> str:
    return " + ".join(w.shape()[0] for w in want) or "nothing"


def both(name: str, description: str, now: dt.datetime, event: dt.datetime, zone, all_day: bool = False, **kw):
    """The same request without and with EXPEDITE, as two named cases."""
    for flagged in (False, True):
        want = expected(event, now, zone, flagged, all_day)
        label = "EXPEDITE" if flagged else "no EXPEDITE"
        yield pytest.param(request_at(description, now, flagged, **kw), ctx(now=now), want,
                           id=f"{name}, {label} -> {outcome(want)}")


LEFT = {"3 h": 3 * H, "23 h 59 min": 23 * H + 59 * M, "exactly 24 h": 24 * H, "25 h": 25 * H, "3 d": 3 * D,
        "1 h after": -H, "exactly at the start": dt.timedelta(0)}
ZONE_CASES = [case for zone, (text, event, ae_zone) in ZONES.items() for left, delta in LEFT.items()
              for case in both(f"'{text}' ({zone}), {left}{'' if 'after' in left or 'start' in left else ' before'}",
                               with_dates(text), (event - delta).astimezone(UTC), event, ae_zone)]

# Daylight-saving changes: each clock is chosen so that reading the wall time with the
# offset in force at `now` (instead of at the event) gives the opposite answer.
DST = [
    ("US fall-back: 9am PT on Nov 1 is PST", "Sun Nov 1, 9am PT", dt.datetime(2026, 11, 1, 9, 0, tzinfo=LA), LA,
     dt.datetime(2026, 10, 31, 18, 0, tzinfo=UTC)),
    ("US fall-back, 24.5 h", "Sun Nov 1, 9am PT", dt.datetime(2026, 11, 1, 9, 0, tzinfo=LA), LA,
     dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)),
    ("US fall-back, ET, 23.5 h", "Nov 1 11:00 ET", dt.datetime(2026, 11, 1, 11, 0, tzinfo=NY), NY,
     dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)),
    ("US fall-back, ET, 24.5 h", "Nov 1 11:00 ET", dt.datetime(2026, 11, 1, 11, 0, tzinfo=NY), NY,
     dt.datetime(2026, 10, 31, 15, 30, tzinfo=UTC)),
    ("1:30am ET on Nov 1 happens twice: the first (EDT) is meant", "Nov 1 2026 1:30am ET",
     dt.datetime(2026, 11, 1, 1, 30, tzinfo=NY), NY, dt.datetime(2026, 10, 31, 6, 0, tzinfo=UTC)),
    ("EU change Oct 25, CET, 23.5 h", "25/10/2026 10:00 CET", dt.datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), PARIS,
     dt.datetime(2026, 10, 24, 9, 30, tzinfo=UTC)),
    ("EU change Oct 25, CET, 24.5 h", "25/10/2026 10:00 CET", dt.datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), PARIS,
     dt.datetime(2026, 10, 24, 8, 30, tzinfo=UTC)),
    ("EU change Oct 25, Europe/Berlin", "Sun 25 Oct 2026 10:00 Europe/Berlin",
     dt.datetime(2026, 10, 25, 10, 0, tzinfo=BERLIN), BERLIN, dt.datetime(2026, 10, 24, 8, 30, tzinfo=UTC)),
    ("Sydney springs forward: 10:00 written AEST is AEDT, 23.5 h", "Sun Oct 4 2026 10:00 AEST",
     dt.datetime(2026, 10, 4, 10, 0, tzinfo=SYDNEY), SYDNEY, dt.datetime(2026, 10, 2, 23, 30, tzinfo=UTC)),
    ("Sydney springs forward, 24.5 h", "Sun Oct 4 2026 10:00 AEST",
     dt.datetime(2026, 10, 4, 10, 0, tzinfo=SYDNEY), SYDNEY, dt.datetime(2026, 10, 2, 22, 30, tzinfo=UTC)),
    ("US spring-forward: 2:30am ET does not exist, read as 03:30 EDT, 23.5 h", "Mar 8 2026 2:30am ET",
     dt.datetime(2026, 3, 8, 2, 30, tzinfo=NY), NY, dt.datetime(2026, 3, 7, 8, 0, tzinfo=UTC)),
    ("US spring-forward, 24.5 h", "Mar 8 2026 2:30am ET",
     dt.datetime(2026, 3, 8, 2, 30, tzinfo=NY), NY, dt.datetime(2026, 3, 7, 7, 0, tzinfo=UTC)),
]
for _name, _text, _event, _zone, _now in DST:  # each clock is within a couple of hours of 24
    assert 21 * H <= _event - _now <= 26 * H, _name
DST_CASES = [case for name, text, event, zone, now in DST for case in both(name, with_dates(text), now, event, zone)]

# The due date (a whole day in the team's zone) and Preferred Date Options together:
# the earliest upcoming one wins.
EARLIEST = [
    ("due date only, tomorrow", None, "2026-11-24", NOW, dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    ("due date read in the team zone (24.5 h away)", None, "2026-11-24", dt.datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
     dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    ("due date beats a later preferred date", "Nov 27 10am PT", "2026-11-24", NOW,
     dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    ("preferred date beats a later due date", "Nov 24 8am PT", "2026-11-30", NOW,
     dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA), LA),
    ("the option written second is the earlier", "Option 1: Nov 30, 10am PT\nOption 2: Nov 24, 8:59am PT", None, NOW,
     dt.datetime(2026, 11, 24, 8, 59, tzinfo=LA), LA),
    ("the second option exactly 24 h away", "Option 1: Nov 30, 10am PT\nOption 2: Nov 24, 9am PT", None, NOW,
     dt.datetime(2026, 11, 24, 9, 0, tzinfo=LA), LA),
    ("a passed option is skipped", "Nov 23 8am PT or Nov 27 10am PT", None, NOW,
     dt.datetime(2026, 11, 27, 10, 0, tzinfo=LA), LA),
    ("a passed due date is skipped", "Nov 24 10:30 ET", "2026-11-20", NOW,
     dt.datetime(2026, 11, 24, 10, 30, tzinfo=NY), NY),
]
EARLIEST_CASES = [case for name, text, due, now, event, zone in EARLIEST
                  for case in both(name, with_dates(text) if text else COMPLETE, now, event, zone, due_date=due)]

# "03/12/2026 10:00 PT": 12 March (month first) or 3 December (day first)
MARCH_12, DECEMBER_3 = dt.datetime(2026, 3, 12, 10, 0, tzinfo=LA), dt.datetime(2026, 12, 3, 10, 0, tzinfo=LA)
DATE_ORDER = [
    ("month_first, Mar 11", None, dt.datetime(2026, 3, 11, 18, 0, tzinfo=UTC), MARCH_12),
    ("day_first, Mar 11", DAY_FIRST, dt.datetime(2026, 3, 11, 18, 0, tzinfo=UTC), DECEMBER_3),
    ("day_first, Dec 2", DAY_FIRST, dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC), DECEMBER_3),
    ("month_first, Dec 2", None, dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC), MARCH_12),
]
DATE_ORDER_CASES = [
    pytest.param(request_at(with_dates("03/12/2026 10:00 PT"), now, flagged), ctx(config=config, now=now),
                 expected(event, now, LA, flagged),
                 id=f"'03/12/2026 10:00 PT', {name}, {'EXPEDITE' if flagged else 'no EXPEDITE'} -> "
                    f"{outcome(expected(event, now, LA, flagged))}")
    for name, config, now, event in DATE_ORDER for flagged in (False, True)]


def sha(text: str) -> str:
    return hashlib.sha1(text.strip().encode()).hexdigest()[:10]


def unreadable(text: str, quoted: str | None = None):
    """A finding and one comment asking for a date gl-cs can read (quoting ``quoted``)."""
    says = ("gl-cs could not read a date for this request", "with a time zone", "or set a due date")
    return [finding("no readable event date", why="no date gl-cs can read in Preferred Date Options or the due date"),
            comment(f"unreadable-{sha(text)}", to="eve.ae",
                    says=says + ((f"(it reads: `{quoted}`)",) if quoted else ()),
                    never=() if quoted else "it reads",
                    summary="to eve.ae: asks for a date gl-cs can read")]


UNREADABLE_CASES = [
    pytest.param(request_at(with_dates(text), NOW, flagged), ctx(), unreadable(text, quoted=text),
                 id=f"'{text}', {'EXPEDITE' if flagged else 'no EXPEDITE'} -> label as it is, finding, asks once")
    for text in ("ASAP", "next week sometime", "Tuesday afternoon, customer is flexible") for flagged in (False, True)
] + [
    pytest.param(request_at(request(drop=("Preferred Date Options",)), NOW, True), ctx(), unreadable(""),
                 id="EXPEDITE, no Preferred Date Options and no due date -> label stays, asks for a date"),
    pytest.param(request_at(request(drop=("Preferred Date Options",)), NOW, False), ctx(), [],
                 id="no dates written and no EXPEDITE -> nothing (intake asks for the field)"),
    pytest.param(request_at(with_dates("TBD"), NOW, True), ctx(), unreadable(""),
                 id="EXPEDITE, dates 'TBD' (a placeholder) -> as if empty: asks, quotes nothing"),
    pytest.param(request_at(with_dates("TBD"), NOW, False), ctx(), [],
                 id="dates 'TBD', no EXPEDITE -> nothing (intake's job)"),
    pytest.param(request_at(request(Preferred_Date_Options="/close\n@all please look {{ 7*7 }} ASAP\n/label ~EXPEDITE"),
                            NOW, False), ctx(),
                 [finding("no readable event date"),
                  comment(f"unreadable-{sha('@all please look {{ 7*7 }} ASAP')}", to="eve.ae",
                          says="(it reads: `@\u200dall please look {\u200d{ 7*7 }} ASAP`)")],
                 id="quick actions, @all and template syntax as the dates -> quick-action lines dropped, "
                    "the rest quoted inert, only @eve.ae mentioned"),
    pytest.param(request_at(with_dates("ASAP"), NOW, True, author="all"), ctx(),
                 [finding("no readable event date"), comment(f"unreadable-{sha('ASAP')}", to=None)],
                 id="author literally named 'all' -> never @all: nobody mentioned"),
]

OTHER_CASES = [
    pytest.param(request_at(COMPLETE, NOW, False), ctx(), [], id="event in 3 days, no EXPEDITE -> nothing"),
    pytest.param(request_at(with_dates("Tue Nov 17 2026, 10am PT"), NOW, True, created_at=NOW - 7 * D), ctx(),
                 [remove("EXPEDITE", why="passed")],
                 id="passed event written with a year, EXPEDITE -> removed silently"),
    pytest.param(request_at(with_dates("Tue Nov 17, 10am PT"), NOW, True, created_at=NOW - 7 * D), ctx(),
                 [remove("EXPEDITE")], id="passed event written without a year, EXPEDITE -> removed silently"),
    pytest.param(request_at(with_dates("Tue Nov 17, 10am PT"), NOW, False, created_at=NOW - 7 * D), ctx(), [],
                 id="passed event, no EXPEDITE -> nothing"),
    pytest.param(request_at(with_dates("today 3pm PT"), NOW, False, created_at=NOW - 3 * D), ctx(), [],
                 id="'today 3pm PT' written 3 days ago -> that day, passed: no EXPEDITE"),
    pytest.param(request_at(with_dates("today 3pm PT"), NOW, True, created_at=NOW - 3 * D), ctx(),
                 [remove("EXPEDITE", why="passed")], id="'today 3pm PT' written 3 days ago, EXPEDITE -> removed"),
    pytest.param(issue(description=with_dates("today 3pm PT"), created_at=None), ctx(),
                 [add("EXPEDITE", why="(2026-11-23 23:00 UTC)")],
                 id="'today 3pm PT' on an issue without created_at -> today: 6 h away, added"),
    pytest.param(issue(description=with_dates("tomorrow 10am PT"),
                       created_at=dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC),
                       updated_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
                 ctx(now=dt.datetime(2026, 11, 24, 8, 30, tzinfo=UTC)), [add("EXPEDITE", why="(2026-11-24 18:00 UTC)")],
                 id="'tomorrow 10am PT' written Mon 23:00 PT, updated later -> Tue 10:00 PT, 9.5 h: added"),
    pytest.param(issue(("SA Backlog", "EXPEDITE"), description=with_dates("tomorrow 10am PT"),
                       created_at=dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC),
                       updated_at=dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
                 ctx(now=dt.datetime(2026, 11, 24, 11, 0, tzinfo=UTC)), [],
                 id="'tomorrow' does not move when the issue is updated later -> EXPEDITE kept"),
    pytest.param(request_at(COMPLETE, NOW, False, due_date="2026-11-23"), ctx(),
                 [add("EXPEDITE", why="(2026-11-23 08:00 UTC)")],
                 id="due today (a whole day, already started) -> under 24 h: added"),
    pytest.param(request_at(COMPLETE, dt.datetime(2026, 11, 24, 7, 30, tzinfo=UTC), True, due_date="2026-11-23"),
                 ctx(now=dt.datetime(2026, 11, 24, 7, 30, tzinfo=UTC)), [],
                 id="due today, 23:30 in the team zone, EXPEDITE -> the day is not over: kept"),
    pytest.param(request_at(with_dates("ASAP"), NOW, True, due_date="2026-11-24"), ctx(), [],
                 id="unreadable dates but a due date tomorrow, EXPEDITE -> the due date counts: kept, no question"),
]

# An event Wed 25 Nov 10:00 PT (18:00 UTC) as the clock comes closer
EVENT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LA)
CLOCK_CASES = [
    pytest.param(request_at(with_dates("Wed Nov 25, 10am PT"), EVENT - 40 * H, flagged),
                 ctx(now=(EVENT - before).astimezone(UTC)),
                 expected(EVENT, (EVENT - before).astimezone(UTC), LA, flagged),
                 id=f"'Wed Nov 25, 10am PT' seen {name}, {'EXPEDITE' if flagged else 'no EXPEDITE'} -> "
                    f"{outcome(expected(EVENT, EVENT - before, LA, flagged))}")
    for name, before, flagged in (("40 h before", 40 * H, True), ("30 h before", 30 * H, False),
                                  ("20 h before", 20 * H, False), ("1 h before", H, True),
                                  ("1 h after", -H, True), ("2 h after", -2 * H, False))]


@pytest.mark.parametrize("issue,ctx,want", ZONE_CASES)
def test_expedite_across_time_zones(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", DST_CASES)
def test_expedite_across_daylight_saving_changes(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", EARLIEST_CASES)
def test_expedite_earliest_upcoming_of_due_date_and_preferred_dates(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", DATE_ORDER_CASES)
def test_expedite_date_order(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", UNREADABLE_CASES)
def test_expedite_unreadable_dates(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", OTHER_CASES + CLOCK_CASES)
def test_expedite(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


def test_expedite_asks_again_when_the_dates_change():
    asked = decide(request_at(with_dates("ASAP"), NOW, True), ctx())[-1].key
    asked_again = decide(request_at(with_dates("next week"), NOW, True), ctx())[-1].key
    fixed = decide(request_at(with_dates("Tue Nov 24, 10am PT"), NOW, True), ctx())
    assert asked != asked_again
    assert [a.key for a in fixed if hasattr(a, "key")] == ["removed-20261124T1800"]


SOON = with_dates("Tue Nov 24, 8am PT")  # 23 h away
GATE = [
    pytest.param(issue(("SA Action Items", "FY27-Q4"), description=SOON), ctx(), [],
                 id="SA Action Items, event in 23 h -> never a request: nothing"),
    pytest.param(issue(("FY27-Q4", "EXPEDITE"), description=SOON, state="closed"), ctx(), [],
                 id="closed, event in 23 h -> not run"),
    pytest.param(issue(("SA Backlog",), description=SOON, author="gl-cs-bot"), ctx(), [],
                 id="an issue gl-cs opened, event in 23 h -> never a request: nothing"),
    pytest.param(issue(("SA Backlog",), description=SOON), ctx(config=BY_LABEL), [],
                 id="applies_to label, without the label -> not a request: nothing"),
    pytest.param(issue(("SA Backlog", "SA Activity"), description=SOON), ctx(config=BY_LABEL), [add("EXPEDITE")],
                 id="applies_to label, labelled -> added"),
]


@pytest.mark.parametrize("issue,ctx,want", GATE)
def test_expedite_applies_to_requests_only(issue, ctx, want):
    assert_actions(decide_issue(issue, ctx, rules=(expedite.RULE,)).actions, want, rule=NAME)


# -- dates never thrown away (issue 17) ---------------------------------------------------
# A date whose written time gl-cs could not attach ("Nov 26 - earliest 10:00 CET") is never
# read as the whole day, and never throws the other dates away: an event under 24 hours away
# keeps or gets EXPEDITE whenever a date read whole, or the due date, says so. gl-cs asks
# about such a date only when its day could hold an event under 24 hours away.
# NOW is Mon 23 Nov 2026 09:00 in Los Angeles (17:00 UTC).
URGENT = dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA)  # 23 h away
DUE_TODAY, DUE_TOMORROW = (dt.datetime(2026, 11, d, 0, 0, tzinfo=LA) for d in (23, 24))  # whole days
KEPT = [
    # name, Preferred Date Options, due date, the event that decides, its zone, a whole day
    ("unread second option, readable urgent first option",
     "Option 1: Tue Nov 24, 8am PT\nOption 2: Nov 26 - earliest 10:00 CET", None, URGENT, LA, False),
    ("unread first option, readable urgent second option",
     "- Wed Nov 25 - not before 10am ET\n- Tue Nov 24 8am PT", None, URGENT, LA, False),
    ("a time shared by two days, the other date read whole and urgent",
     "Nov 24 7:30am PT, or Nov 30 or Dec 1, 10am PT", None, dt.datetime(2026, 11, 24, 7, 30, tzinfo=LA), LA, False),
    ("the due date alone under 24 h, the only option unread and far away",
     "Dec 3 - earliest 10:00 CET", "2026-11-24", DUE_TOMORROW, LA, True),
    ("an unread option under 24 h and the due date today: the due date decides, nothing asked",
     "Nov 24 - earliest 10:00 CET", "2026-11-23", DUE_TODAY, LA, True),
    ("the due date alone under 24 h, nothing readable written",
     "ASAP - customer escalation", "2026-11-24", DUE_TOMORROW, LA, True),
    ("German weekday in parentheses between date and time",
     "24.11.2026 (Dienstag) 08:00 Europe/Berlin\nalternativ: 27.11. - frühestens 10 Uhr",
     None, dt.datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN), BERLIN, False),
    ("Spanish weekday decides the order of 24/11",
     "11/24/2026 (martes) 10:00 CET", None, dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS), PARIS, False),
]
KEPT_CASES = [case for name, text, due, event, zone, all_day in KEPT
              for case in both(name, with_dates(text), NOW, event, zone, all_day, due_date=due)]

# "tomorrow" counts from when the request was written: two hours ago (Mon 07:00 PT)
FRESH = NOW - 2 * H
RELATIVE = [
    ("'tomorrow, 8am PT'", "tomorrow, 8am PT", dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA), LA),
    ("'tmrw @ 7:30 ET'", "tmrw @ 7:30 ET", dt.datetime(2026, 11, 24, 7, 30, tzinfo=NY), NY),
    ("emphasis and a dash", "**tomorrow** — *8:00 Pacific*", dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA), LA),
    ("'today 1pm PT'", "today 1pm PT", dt.datetime(2026, 11, 23, 13, 0, tzinfo=LA), LA),
    ("'morgen, 9 Uhr MEZ'", "morgen, 9 Uhr MEZ", dt.datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN), BERLIN),
    ("'demain à 10h CET'", "demain à 10h CET", dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS), PARIS),
    ("'mañana a las 8:00' (the team's zone)", "mañana a las 8:00", dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA), LA),
    ("'the day after tomorrow 8am PT' is not tomorrow", "the day after tomorrow 8am PT",
     dt.datetime(2026, 11, 25, 8, 0, tzinfo=LA), LA),
]
RELATIVE_CASES = [case for name, text, event, zone in RELATIVE
                  for case in both(name, with_dates(text), NOW, event, zone, created_at=FRESH)]


def unclear(*pairs: tuple[str, str], also_never=()):
    """A finding and one comment asking which time is meant for each (date, time) written,
    quoting only those."""
    key = hashlib.sha1("|".join(f"{d}\x1f{t}" for d, t in pairs).encode()).hexdigest()[:10]
    quotes = tuple(f"`{d}`" for d, _ in pairs) + tuple(f"`{t}`" for _, t in pairs)
    return [finding("event time unclear, may be under 24 hours away", why="may be less than 24 hours away"),
            comment(f"unclear-{key}", to="eve.ae", cites="EXPEDITE",
                    says=quotes + ("Preferred Date Options", "less than 24 hours away"),
                    never=("could not read a date", "e.g.") + ((also_never,) if isinstance(also_never, str)
                                                               else tuple(also_never)),
                    summary="to eve.ae: asks which time is meant")]


QUESTION_CASES = [
    pytest.param(request_at(with_dates(text), NOW, flagged, due_date=due), ctx(), want,
                 id=f"{name}, {'EXPEDITE' if flagged else 'no EXPEDITE'} -> {outcome(want)}")
    for name, text, due, flagged, want in [
        # asked: no date read whole says under 24 h, and a day that could be is unclear
        ("unread option tomorrow, the read one in a week", "Option 1: Nov 30, 10am PT\nOption 2: Nov 24 - earliest "
         "10:00 CET", None, False, unclear(("Nov 24", "10:00"), also_never="Nov 30")),
        ("unread option tomorrow, the read one in a week", "Option 1: Nov 30, 10am PT\nOption 2: Nov 24 - earliest "
         "10:00 CET", None, True, unclear(("Nov 24", "10:00"), also_never="Nov 30")),
        ("the only option unread, today", "Mon Nov 23 - after 3pm PT", None, False,
         unclear(("Mon Nov 23", "3pm"))),
        ("a time shared by tomorrow and a later day", "Tue Nov 24 or Wed Nov 25, 10am PT", None, True,
         unclear(("Tue Nov 24", "10am"))),
        ("two unclear days within reach, one question", "- Nov 24 - earliest 10:00 CET\n- Nov 23 - not before 3pm PT",
         None, False, unclear(("Nov 23", "3pm"), ("Nov 24", "10:00"))),
        ("the due date in a week does not settle an unclear tomorrow", "Nov 24 - earliest 10:00 CET", "2026-11-30",
         True, unclear(("Nov 24", "10:00"))),
        # never asked: the unclear day cannot hold an event under 24 h away
        ("unreadable option far away, the read one in a week", "Option 1: Nov 30, 10am PT\nOption 2: Dec 10 - "
         "earliest 10:00 CET", None, False, []),
        ("unreadable option far away, EXPEDITE", "Option 1: Nov 30, 10am PT\nOption 2: Dec 10 - earliest 10:00 CET",
         None, True, [remove("EXPEDITE", why="(2026-11-30 18:00 UTC)) is 169 hours away"),
                      comment("removed-20261130T1800", to="eve.ae", says=("`Nov 30, 10am PT`", "about 169 hours"),
                              never=("Dec 10", "CET"))]),
        ("the only option unread, far away", "Dec 10 - earliest 10:00 CET", None, False, []),
        ("the only option unread and far away, EXPEDITE: removed, at least that far", "Dec 10 - earliest 10:00 CET",
         None, True, [remove("EXPEDITE", why="Thu 10 Dec 2026 Europe/Paris, time not read"),
                      comment("removed-20261209T2300", to="eve.ae",
                              says=("time not read", "(from `Dec 10`)", "at least 390 hours"))]),
        ("all dates past, one unread", "Nov 20 - earliest 10:00 CET\nNov 21 10am PT", None, True,
         [remove("EXPEDITE", why="the requested event has passed")]),
        ("all dates past, one unread", "Nov 20 - earliest 10:00 CET\nNov 21 10am PT", None, False, []),
        ("all dates past and the due date past", "Nov 20 10am PT", "2026-11-21", True,
         [remove("EXPEDITE", why="the requested event has passed")]),
        # Nov 24 in Bangkok (UTC+7) runs from now to exactly 24 h from now: any time is under 24 h
        ("an unclear day wholly within the next 24 h", "Nov 24 - earliest 10:00 ICT", None, False,
         [add("EXPEDITE", why="time not read")]),
    ]
]


@pytest.mark.parametrize("issue,ctx,want", KEPT_CASES)
def test_expedite_follows_every_date_read_whole(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", RELATIVE_CASES)
def test_expedite_reads_relative_days_as_aes_write_them(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


@pytest.mark.parametrize("issue,ctx,want", QUESTION_CASES)
def test_expedite_asks_about_a_date_only_when_expedite_is_at_stake(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


def test_an_unclear_date_is_asked_about_once_it_comes_within_reach():
    """Far away at first: nothing asked. The day it comes within 24 hours: asked."""
    text = with_dates("Option 1: Dec 2, 10am PT\nOption 2: Nov 27 - earliest 10:00 CET")
    early, late = NOW, dt.datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert decide(request_at(text, early, False, created_at=NOW - D), ctx(now=early)) == []
    asked = decide(request_at(text, late, False, created_at=NOW - D), ctx(now=late))
    assert [shape(a) for a in asked][0] == ("finding", "event time unclear, may be under 24 hours away")
    assert "`Nov 27`" in asked[1].body and "Dec 2" not in asked[1].body


def test_the_dates_a_record_keeps_decide_as_freshly_read_ones():
    """The record keeps the ``dates`` part as JSON (gl_cs.decide.reading's codec): an unclear
    date comes back unclear, with its time written, and the rule decides the same."""
    import json

    from gl_cs.decide.reading import Reading, with_reading

    text = with_dates("Option 1: Nov 30, 10am PT\nOption 2: Nov 24 - earliest 10:00 CET")
    fresh = issue(description=text)
    first = with_reading(fresh, ctx().config)
    decided = decide(first, ctx())
    kept = json.loads(json.dumps(first.reading.parts))
    assert kept["dates"][1]["unread_time"] == "10:00" and kept["dates"][1]["date_only"] is True
    again = replace(fresh, reading=Reading(first.reading.key, kept))
    assert expedite.requested_dates(again, ctx()) == expedite.requested_dates(first, ctx())
    assert decide(again, ctx()) == decided and [shape(a) for a in decided][0][0] == "finding"
