"""Renewal reviews: five and three calendar months before the next renewal, once per
account and renewal date, late ones opened at once, none for a past renewal (pure,
pinned clock: NOW is 2026-11-23)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from gl_cs.config.model import AccountRow
from gl_cs.decide.actions import CreateIssue
from gl_cs.decide.project_rules.renewals import decide
from kind_facts import CONFIG, ctx, fact, onboarding_request


def at(y, m, d):
    return dt.datetime(y, m, d, 17, tzinfo=dt.timezone.utc)


def test_start_plus_twelve_months_two_reviews_one_late():
    five, three = decide([onboarding_request(3, start="2026-03-14", sa="ana.sa")], ctx())
    assert isinstance(five, CreateIssue) and isinstance(three, CreateIssue)
    assert five.key == "renewal:acme-robotics:2027-03-14:5m" and three.key == "renewal:acme-robotics:2027-03-14:3m"
    assert five.due_date == "2026-11-23"  # was due 2026-10-14: opened at once, due today
    assert "**Opened late:** this review was due on 2026-10-14" in five.description
    assert three.due_date == "2026-12-14" and "Opened late" not in three.description
    assert five.title == "Renewal review (5 months before): Acme Robotics renews 2027-03-14"
    assert five.labels == ("Renewal Review", "SA Triaged", "FY27-Q4") and five.links == (3,)
    assert five.description.rstrip().endswith("/assign @ana.sa")
    assert "the onboarding request #3" in five.description


def test_written_renewal_date_wins_and_the_window_is_six_calendar_months():
    req = onboarding_request(3, start="2026-03-14", renewal="2027-05-23")
    assert [a.due_date for a in decide([req], ctx(now=at(2026, 11, 23)))] == ["2026-12-23", "2027-02-23"]
    req = onboarding_request(3, start="2026-03-14", renewal="2027-05-24")
    assert decide([req], ctx(now=at(2026, 11, 23))) == []


def test_month_end_and_leap_day_renewals():
    req = onboarding_request(3, renewal="2028-02-29")
    five, three = decide([req], ctx(now=at(2027, 8, 31)))
    assert (five.due_date, three.due_date) == ("2027-09-29", "2027-11-29")
    req = onboarding_request(3, renewal="2027-08-31")
    five, three = decide([req], ctx(now=at(2027, 2, 28)))
    assert (five.due_date, three.due_date) == ("2027-03-31", "2027-05-31")


def test_none_for_a_renewal_already_past_the_next_one_counts():
    req = onboarding_request(3, renewal="2026-11-01")  # past; next is 2027-11-01, more than 6 months away
    assert decide([req], ctx()) == []
    keys = [a.key for a in decide([req], ctx(now=at(2027, 5, 1)))]
    assert keys == ["renewal:acme-robotics:2027-11-01:5m", "renewal:acme-robotics:2027-11-01:3m"]


def test_once_per_account_and_renewal_date():
    made = fact(9, kind="opened", key="renewal:acme-robotics:2027-03-14:5m", role="renewal", account="acme-robotics",
                author="gl-cs-bot")
    facts = [onboarding_request(3), onboarding_request(4, customer="ACME Robotics GmbH"), made]
    [only] = decide(facts, ctx())
    assert only.key == "renewal:acme-robotics:2027-03-14:3m"


def test_checklists_carry_the_account_when_the_request_is_gone():
    checklist = fact(12, kind="opened", key="onboarding:beta-labs:checklist", role="checklist", account="beta-labs",
                     customer="Beta Labs", start="2026-04-30", assignees=("ben.sa",), author="gl-cs-bot")
    five, three = decide([checklist], ctx())
    assert five.key == "renewal:beta-labs:2027-04-30:5m" and five.due_date == "2026-11-30"
    assert "/assign @ben.sa" in five.description and "the on-boarding checklist #12" in five.description


def test_accounts_file_for_accounts_onboarded_before_gl_cs():
    config = replace(CONFIG, accounts_file="accounts.csv", accounts=(
        AccountRow("Gamma Works", "2027-02-15", ae="finn.ae", sa="dara.sa", line=2),
        AccountRow("Delta Ltd", "2028-01-01", line=3)))
    five, three = decide([], ctx(config=config))
    assert five.key == "renewal:gamma-works:2027-02-15:5m" and five.due_date == "2026-11-23"  # late (2026-09-15)
    assert three.due_date == "2026-11-23"  # 2026-11-15: late too
    assert "@finn.ae" in five.description and "the accounts file (accounts.csv)" in five.description
    assert five.description.rstrip().endswith("/assign @dara.sa")
    # a request for the same account (another spelling) does not double it
    assert len(decide([onboarding_request(3, customer="Gamma Works GmbH", start="2026-02-15")], ctx(config=config))) == 2


def test_adversarial_customer_in_titles_and_text_is_inert():
    req = onboarding_request(3, customer="@all /close {{ 7*7 }}")
    five, _ = decide([req], ctx())
    assert "@all" not in five.title and "@all" not in five.description and "{{" not in five.description
    assert not any(l.lstrip().startswith("/") for l in five.description.splitlines())
