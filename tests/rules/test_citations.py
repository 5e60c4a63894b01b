"""Every comment that says what gl-cs read quotes the text it read it from, inertly, so an
AE sees at once why; and a time gl-cs could not attach to a date is asked for, never
read as the whole day."""

from __future__ import annotations

import datetime as dt

import pytest

from gl_cs.decide.actions import AddLabel, Comment, RemoveLabel
from gl_cs.decide.rules import expedite, intake

from .builders import ctx, issue, request, with_dates

H = dt.timedelta(hours=1)


def _comment(actions) -> Comment:
    [comment] = [a for a in actions if isinstance(a, Comment)]
    return comment


@pytest.mark.parametrize("body, quoted, says", [
    pytest.param("TBD", "`TBD`", "still to be filled in", id="placeholder is quoted"),
    pytest.param("TBC (need to check w/ champion)", "`TBC (need to check w/ champion)`", "still to be filled in",
                 id="placeholder with a qualifier is quoted"),
    pytest.param("will fill in after the call", "`will fill in after the call`", "still to be filled in",
                 id="a deferral is quoted"),
    pytest.param("see above", "`see above`", "cannot check here", id="an unsure answer is quoted and explained"),
])
def test_intake_quotes_what_it_read_for_each_field_it_asks_for(body, quoted, says):
    actions = intake.decide(issue(description=request(Outcome=body)), ctx())
    text = _comment(actions).body
    line = next(l for l in text.splitlines() if "**Outcome**" in l)
    assert quoted in line and says in line, line


def test_a_field_never_written_is_asked_for_without_a_quote():
    text = _comment(intake.decide(issue(description=request(drop=("Outcome",))), ctx())).body
    line = next(l for l in text.splitlines() if "**Outcome**" in l)
    assert "`" not in line


def test_expedite_removal_cites_the_text_the_date_was_read_from():
    flagged = issue(("SA Backlog", "FY27-Q4", "EXPEDITE"), description=with_dates("Thu 26th Nov @ 2:30pm ET"))
    actions = expedite.decide(flagged, ctx())
    assert RemoveLabel(expedite.NAME, actions[0].why, label="EXPEDITE") in actions
    body = _comment(actions).body
    assert "(from `Thu 26th Nov @\u200d 2:30pm ET`)" in body  # quoted inert: '@' notifies nobody


@pytest.mark.parametrize("text", [
    pytest.param("Nov 24 - earliest 10:00 CET", id="a time gl-cs cannot attach"),
])
def test_a_date_whose_time_was_not_read_is_asked_for_not_read_as_a_whole_day(text):
    """30 hours before Nov 24 10:00 CET the whole-day reading (from midnight) would already
    be under 24 hours and add EXPEDITE: gl-cs asks instead."""
    now = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.timezone.utc)
    actions = expedite.decide(issue(description=with_dates(text)), ctx(now=now))
    assert not any(isinstance(a, AddLabel) for a in actions)
    body = _comment(actions).body  # a plain question about that one date, not a lecture on formats
    assert "what time is meant for `Nov 24`" in body and "`10:00`" in body and "e.g." not in body
