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

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import expedite
from gl_cs.decide.rules.expedite import NAME, decide

from .builders import COMPLETE, NOW, UTC, D, H, M, ctx, issue, request, variant, with_dates
from .expect import add, assert_actions, comment, finding, remove
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
