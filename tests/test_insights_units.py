"""The desk insights' pure parts, case by case: the period and its weeks in the desk's time
zone (DST included), median and 90th percentile, a request's states from its label events,
when a checklist step was ticked, and what kind of issue counts as what."""

from __future__ import annotations

import datetime as dt

import pytest

from gl_cs.config import load_config
from gl_cs.decide.context import Context
from gl_cs.insights.compute import compute, needs_label_events, needs_notes, role
from gl_cs.insights.onboarding import ticks
from gl_cs.insights.period import PeriodError, period_for
from gl_cs.insights.stats import Spread, p90
from gl_cs.insights import timeline
from gl_cs.read.snapshot import Issue, LabelEvent, Note, User
from gl_cs.text.task_notes import task_note

from conftest import RULES

LA = "America/Los_Angeles"
UTC = dt.timezone.utc
CFG = load_config(str(RULES))
BOT = User(1, "gl-cs-bot")
ANA, EVE = User(2, "ana.sa"), User(3, "eve.ae")
CTX = Context(config=CFG, now=dt.datetime(2026, 11, 23, 17, tzinfo=UTC), bot=BOT)


def at(day: int, hour: int = 12, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def issue(events=(), labels=(), created=at(1), state="opened", closed=None, updated=None, author=EVE,
          description="## Customer Information\nx", notes=None, user_notes_count=0) -> Issue:
    out = Issue(iid=7, title="Request", description=description, state=state, labels=tuple(labels), assignees=(),
                author=author, created_at=created, updated_at=updated or created, closed_at=closed,
                user_notes_count=user_notes_count)
    if events is not None:
        out = out.with_label_events(LabelEvent(n, who, when, label, action)
                                    for n, (who, action, label, when) in enumerate(events, start=1))
    return out.with_notes(notes) if notes is not None else out


# -- the period --------------------------------------------------------------------------

@pytest.mark.parametrize("now, first, last", [
    (dt.datetime(2026, 11, 23, 17, tzinfo=UTC), "2026-10-01", "2026-10-31"),
    (dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC), "2026-10-01", "2026-10-31"),  # 00:30 on 1 Nov in Los Angeles
    (dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "2026-09-01", "2026-09-30"),  # still 31 Oct there
    (dt.datetime(2027, 1, 5, 12, tzinfo=UTC), "2026-12-01", "2026-12-31"),  # across the year end
])
def test_the_default_period_is_the_last_full_month_in_the_desks_time_zone(now, first, last):
    period = period_for(now, LA)
    assert (period.first_day.isoformat(), period.last_day.isoformat(), period.to_date) == (first, last, False)


def test_a_period_runs_from_local_midnight_to_local_midnight_across_dst():
    period = period_for(dt.datetime(2026, 12, 5, tzinfo=UTC), LA)  # November: DST ends on 1 Nov
    assert period.since.isoformat() == "2026-11-01T00:00:00-07:00"
    assert period.until.isoformat() == "2026-12-01T00:00:00-08:00"
    assert period.until.astimezone(UTC) - period.since.astimezone(UTC) == dt.timedelta(days=30, hours=1)
    weeks = period.weeks()
    assert [(w.name, w.span) for w in weeks] == [
        ("2026-W44", "1 Nov"), ("2026-W45", "2-8 Nov"), ("2026-W46", "9-15 Nov"), ("2026-W47", "16-22 Nov"),
        ("2026-W48", "23-29 Nov"), ("2026-W49", "30 Nov")]
    assert weeks[0].since == period.since and weeks[-1].until == period.until
    assert all(a.until == b.since for a, b in zip(weeks, weeks[1:]))


@pytest.mark.parametrize("since, until, name", [
    ("2026-10-01", "2026-10-31", "October 2026"),
    ("2026-10-05", "2026-10-18", "5-18 Oct 2026"),
    ("2026-10-15", "2026-11-15", "15 Oct - 15 Nov 2026"),
    ("2026-12-15", "2027-01-15", "15 Dec 2026 - 15 Jan 2027"),
    ("2026-09-01", "2026-10-31", "1 Sep - 31 Oct 2026"),
])
def test_period_names(since, until, name):
    assert period_for(dt.datetime(2027, 2, 1, tzinfo=UTC), LA, since, until).name == name


def test_a_period_not_over_runs_to_date():
    period = period_for(CTX.now, LA, "2026-11-01")
    assert period.to_date and period.end == CTX.now and period.last_day == dt.date(2026, 11, 23)
    assert period.weeks()[-1].last_day == dt.date(2026, 11, 23)
    assert period_for(CTX.now, LA, until="2026-10-20").first_day == dt.date(2026, 10, 1)


@pytest.mark.parametrize("since, until, message", [
    ("2026-10-20", "2026-10-01", "--since 2026-10-20 is after --until 2026-10-01"),
    ("October", None, "--since 'October' is not a date; write it as YYYY-MM-DD"),
    ("2026-12-01", None, "--since 2026-12-01 is after today (2026-11-23 in America/Los_Angeles)"),
])
def test_periods_that_make_no_sense_are_refused_in_one_line(since, until, message):
    with pytest.raises(PeriodError) as refused:
        period_for(CTX.now, LA, since, until)
    assert str(refused.value).startswith(message)


# -- median and 90th percentile ----------------------------------------------------------

@pytest.mark.parametrize("values, median, ninetieth", [
    (list(range(1, 11)), 5.5, 9), (list(range(1, 21)), 10.5, 18), ([4.0], 4.0, 4.0), ([1, 100], 50.5, 100),
    ([3, 1, 2], 2, 3),
])
def test_median_and_the_nearest_rank_90th_percentile(values, median, ninetieth):
    assert Spread.of(values) == Spread(len(values), median, ninetieth)
    assert p90(values) in values


def test_no_values_no_figures():
    assert Spread.of([]) == Spread(0, None, None) and p90([]) is None


# -- a request's states ------------------------------------------------------------------

def test_a_renamed_triaged_label_is_still_triaged_and_the_newest_label_wins():
    renamed = "SA Triaged - @dara.sa"
    req = issue([(EVE, "add", "SA Backlog", at(1)), (ANA, "add", renamed, at(2)), (ANA, "remove", "SA Backlog", at(2)),
                 (ANA, "add", "SA Waiting", at(3)), (BOT, "remove", renamed, at(3, 13))])
    assert [s for _, s in timeline.changes(req, CFG)] == [None, "backlog", "triaged", "waiting"]
    assert timeline.state_at(req, CFG, at(3, 12)) == "triaged"  # a change at that very moment comes after it
    assert timeline.state_at(req, CFG, at(3, 12) + dt.timedelta(seconds=1)) == "waiting"
    assert timeline.first_entered(req, CFG, "triaged") == at(2)
    assert timeline.time_in(req, CFG, "waiting", at(1), at(5)) == 2 * 86400


def test_closing_ends_every_state_and_no_history_means_the_labels_held_throughout():
    req = issue([(EVE, "add", "SA Waiting", at(1))], state="closed", closed=at(4))
    assert timeline.time_in(req, CFG, "waiting", at(2), at(10)) == 2 * 86400
    assert timeline.state_at(req, CFG, at(5)) == timeline.CLOSED
    still = issue(None, labels=("SA Waiting", "FY27-Q3"))
    assert timeline.time_in(still, CFG, "waiting", at(2), at(10)) == 8 * 86400
    assert timeline.first_entered(still, CFG, "waiting") is None  # before the period: not this period's


# -- checklist ticks ---------------------------------------------------------------------

def _tick(n: int, text: str, done: bool, when: dt.datetime) -> Note:
    return Note(n, task_note(text, done), ANA, True, when)


def test_a_step_unticked_later_is_not_done_and_one_ticked_after_the_end_is_not_done_yet():
    period = period_for(CTX.now, LA)
    notes = [_tick(1, "**2. Personal introduction** (due 2026-10-06, 2-5 days): a call", True, at(5)),
             _tick(2, "**2. Personal introduction** (due 2026-10-06, 2-5 days): a call", False, at(6)),
             _tick(3, "**3. Installation follow-up** (due 2026-10-11): x", True, at(7)),
             _tick(4, "**1. Welcome** (due 2026-10-01, at start): hello", True, at(3, month=11)),
             Note(5, "marked the checklist item **Education** as completed", EVE, False, at(8))]  # a person's text
    done, noted = ticks(notes, period)
    assert done == {"installation follow-up": at(7)}
    assert noted == {"personal introduction", "installation follow-up", "welcome"}


# -- what counts as what -----------------------------------------------------------------

def test_requests_checklists_reports_and_the_rest():
    assert role(issue(), CTX) == "request"
    assert role(issue(labels=("SA Action Items",)), CTX) == "other"
    own = issue(author=BOT, description="x\n\n<!-- gl-cs:create:insights:2026-10-01:2026-10-31 -->")
    assert role(own, CTX) == "report"
    assert role(issue(author=BOT, description="<!-- gl-cs:create:onboarding:acme:checklist -->"), CTX) == "checklist"
    assert role(issue(author=BOT, description="<!-- gl-cs:create:renewal:acme:2027-03-31:5m -->"), CTX) == "renewal"
    assert role(issue(author=BOT, description="<!-- gl-cs:create:triage-week-2026-11-23 -->"), CTX) == "other"


def test_what_a_request_needs_read():
    period = period_for(CTX.now, LA)
    untouched = issue(None, created=at(1, month=9), updated=at(20, month=9), labels=("SA Waiting",))
    assert not needs_label_events(untouched, period, CTX) and not needs_notes(untouched, period, CTX)
    assert needs_label_events(issue(None, created=at(1, month=9), updated=at(2, month=11)), period, CTX)
    assert not needs_label_events(issue(None, created=at(2, month=11)), period, CTX)  # after the period
    closed_before = issue(None, created=at(1, month=9), state="closed", closed=at(30, month=9), updated=at(5))
    assert not needs_label_events(closed_before, period, CTX)
    assert needs_notes(issue(None, created=at(3), user_notes_count=2), period, CTX)
    assert not needs_notes(issue(None, created=at(3), user_notes_count=0), period, CTX)  # no comment: no ask


def test_a_closed_action_items_issue_is_not_a_request_though_it_lost_its_label():
    period = period_for(CTX.now, LA)
    closed = issue([(ANA, "add", "SA Action Items", at(2)), (BOT, "remove", "SA Action Items", at(9, 13))],
                   state="closed", closed=at(9), updated=at(9, 13), author=ANA)
    assert role(closed, CTX) == "request"  # its labels alone no longer say
    assert compute([closed], period, CTX).closed == 0
    request = issue([(EVE, "add", "SA Backlog", at(2)), (BOT, "remove", "SA Backlog", at(9, 13))],
                    state="closed", closed=at(9), updated=at(9, 13))
    assert compute([request], period, CTX).closed == 1
