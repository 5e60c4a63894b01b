"""fiscal_quarter (gl_cs/decide/rules/fiscal_quarter.py): every open issue carries the
current fiscal-quarter label. GitLab's fiscal year starts on 1 February (FY27 = Feb 2026 -
Jan 2027); the day is read in the team's zone. Earlier quarter labels stay, as history.
Every open issue gets it, whatever its kind (requests, SA Action Items, issues gl-cs
opened)."""

from __future__ import annotations

import datetime as dt

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import fiscal_quarter
from gl_cs.decide.rules.fiscal_quarter import NAME, decide

from .builders import NOW, UTC, H, ctx, issue, variant
from .expect import add, assert_actions

CALENDAR_LONG = variant({"start_month: 2": "start_month: 1",
                         'label_format: "FY{fy2}-Q{q}"': 'label_format: "FY{fy}-Q{q}"'})
AUGUST = variant({"start_month: 2": "start_month: 8"})
BY_LABEL = variant({"applies_to: all": 'applies_to: {label: "SA Activity"}'})


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


CASES = [
    pytest.param(issue(("SA Backlog", "customer::acme", "Priority::1")), ctx(),
                 [add("FY27-Q4", why="the request is open in fiscal quarter FY27-Q4")],
                 id="no quarter label on 2026-11-23 -> FY27-Q4 added"),
    pytest.param(issue(("SA Backlog", "FY27-Q4")), ctx(), [], id="already FY27-Q4 -> nothing"),
    pytest.param(issue(("SA Backlog", "FY27-Q3")), ctx(), [add("FY27-Q4")],
                 id="last quarter's FY27-Q3 -> FY27-Q4 added, FY27-Q3 stays as history"),
    pytest.param(issue(("SA Backlog", "FY27-Q3", "FY27-Q4")), ctx(), [], id="both quarters -> nothing"),
    # pinned clocks (shipped rules.yml: FY starts in February, labels FY{fy2}-Q{q})
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2027, 2, 1, 12)), [add("FY28-Q1")],
                 id="2027-02-01 -> FY28-Q1 (a new fiscal year)"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2026, 1, 31, 12)), [add("FY26-Q4")],
                 id="2026-01-31 -> FY26-Q4 (last day of the fiscal year)"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2026, 5, 1, 12)), [add("FY27-Q2")], id="2026-05-01 -> FY27-Q2"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2026, 8, 1, 12)), [add("FY27-Q3")], id="2026-08-01 -> FY27-Q3"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2026, 10, 31, 12)), [add("FY27-Q3")],
                 id="2026-10-31 -> FY27-Q3"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2027, 2, 1, 5)), [add("FY27-Q4")],
                 id="2027-02-01 05:00 UTC is still 31 Jan in Los Angeles -> FY27-Q4"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2026, 5, 1, 6, 59)), [add("FY27-Q1")],
                 id="2026-05-01 06:59 UTC is still 30 Apr in Los Angeles -> FY27-Q1"),
    pytest.param(issue(("SA Backlog",)), ctx(now=at(2026, 5, 1, 7, 0)), [add("FY27-Q2")],
                 id="2026-05-01 07:00 UTC is 1 May 00:00 in Los Angeles -> FY27-Q2"),
    # other fiscal years and formats
    pytest.param(issue(("SA Backlog",)), ctx(config=CALENDAR_LONG), [add("FY2026-Q4")],
                 id="calendar fiscal year, long format, 2026-11-23 -> FY2026-Q4"),
    pytest.param(issue(("SA Backlog",)), ctx(config=CALENDAR_LONG, now=at(2027, 1, 15, 12)), [add("FY2027-Q1")],
                 id="calendar fiscal year, 2027-01-15 -> FY2027-Q1"),
    pytest.param(issue(("SA Backlog",)), ctx(config=CALENDAR_LONG, now=at(2026, 4, 1, 12)), [add("FY2026-Q2")],
                 id="calendar fiscal year, 2026-04-01 -> FY2026-Q2"),
    pytest.param(issue(("SA Backlog", "FY27-Q4")), ctx(config=CALENDAR_LONG), [add("FY2026-Q4")],
                 id="calendar fiscal year and an old-format FY27-Q4 -> FY2026-Q4 added"),
    pytest.param(issue(("SA Backlog",)), ctx(config=AUGUST), [add("FY27-Q2")],
                 id="fiscal year from August, 2026-11-23 -> FY27-Q2"),
    pytest.param(issue(("SA Backlog",)), ctx(config=AUGUST, now=at(2026, 7, 31, 12)), [add("FY26-Q4")],
                 id="fiscal year from August, 2026-07-31 -> FY26-Q4"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_fiscal_quarter(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)
    # each case is an otherwise settled request: the whole plan is the quarter label alone
    assert_actions(decide_issue(issue, ctx).actions, want, rule=NAME)


GATE = [
    pytest.param(issue(("FY27-Q3",), state="closed", updated_at=NOW - H), ctx(), [],
                 id="closed issue -> not run, its old quarter stays"),
    pytest.param(issue(("SA Action Items",)), ctx(), [add("FY27-Q4")],
                 id="SA Action Items -> gets the quarter too (every kind of open issue)"),
    pytest.param(issue(("SA Backlog",), author="gl-cs-bot"), ctx(), [add("FY27-Q4")],
                 id="an issue gl-cs opened -> gets the quarter too"),
    pytest.param(issue(("SA Backlog",)), ctx(config=BY_LABEL), [add("FY27-Q4")],
                 id="not a request (applies_to label, unlabelled) -> gets the quarter too"),
]


@pytest.mark.parametrize("issue,ctx,want", GATE)
def test_fiscal_quarter_runs_on_every_open_issue(issue, ctx, want):
    assert_actions(decide_issue(issue, ctx, rules=(fiscal_quarter.RULE,)).actions, want, rule=NAME)
