"""The EXPEDITE rule with a pinned clock, driven through `gl-cs sync` -> python-gitlab -> HTTP -> sandbox.

Every expected instant is computed here with `zoneinfo` from the wall time the AE wrote,
never with gl-cs's own date reader."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import COMPLETE, NOW, foreign_quick_actions
from rules.zones import BERLIN, LA, NY, PARIS, SYDNEY, UTC, ZONES  # the one table of what AEs write

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
D = dt.timedelta(days=1)
DATES_LINE = "2026-11-26 10:00 America/New_York"
assert DATES_LINE in COMPLETE


def with_dates(text: str) -> str:
    return COMPLETE.replace(DATES_LINE, text)


def fiscal_label(now: dt.datetime) -> str:
    """FY starts 1 Feb (FY27 = Feb 2026 - Jan 2027), day read in the team zone."""
    day = now.astimezone(LA).date()
    fy = day.year + 1 if day.month >= 2 else day.year
    return f"FY{fy % 100:02d}-Q{(day.month - 2) % 12 // 3 + 1}"


def two_issues(desk, description: str, now: dt.datetime, **kw) -> tuple[int, int]:
    """The same request twice: without and with EXPEDITE. Its labels are already right for
    every other rule, so the sync only does what EXPEDITE needs."""
    base = ("SA Backlog", fiscal_label(now))
    created = now - 30 * D
    plain = desk.issue(description=description, labels=base, created_at=created, updated_at=created, **kw)
    flagged = desk.issue(description=description, labels=base + ("EXPEDITE",), created_at=created,
                         updated_at=created, **kw)
    return plain, flagged


def expedite_changes(report, iid):
    return [(c["what"], c["why"]) for c in report["changes"] if c["issue"] == iid and c["rule"] == "expedite"]


def check(desk, plain: int, flagged: int, report, event: dt.datetime, now: dt.datetime, ae_zone) -> None:
    """Assert what EXPEDITE must look like for an event at ``event`` seen at ``now``."""
    left = event - now
    if dt.timedelta(0) < left < 24 * H:
        assert "EXPEDITE" in desk.labels(plain) and "EXPEDITE" in desk.labels(flagged)
        changes = expedite_changes(report, plain)
        assert [w for w, _ in changes] == ["add label 'EXPEDITE'"] and changes[0][1]
        assert expedite_changes(report, flagged) == []
        assert desk.bot_notes(plain) == [] and desk.bot_notes(flagged) == []
    elif left >= 24 * H:
        assert "EXPEDITE" not in desk.labels(plain) and "EXPEDITE" not in desk.labels(flagged)
        assert desk.bot_notes(plain) == [] and expedite_changes(report, plain) == []
        notes = desk.bot_notes(flagged)
        assert len(notes) == 1
        body = notes[0]["body"]
        assert body.startswith("@eve.ae ") and "24 hours" in body
        local = event.astimezone(UTC).astimezone(ae_zone)  # a wall time in a spring-forward gap moves on
        assert f"{local:%d %b %Y %H:%M}" in body, body  # the time read, in the AE's zone
        assert f"{event.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in body, body  # and in UTC
        assert "remove label 'EXPEDITE'" in [w for w, _ in expedite_changes(report, flagged)]
    else:  # passed: removed without a word
        assert "EXPEDITE" not in desk.labels(plain) and "EXPEDITE" not in desk.labels(flagged)
        assert desk.bot_notes(plain) == [] and desk.bot_notes(flagged) == []
        assert [w for w, _ in expedite_changes(report, flagged)] == ["remove label 'EXPEDITE'"]
    assert foreign_quick_actions(desk.store) == [] and desk.store.mass_mentions == []


def converged(desk, now, plain, flagged, config=None) -> None:
    before = (desk.labels(plain), desk.labels(flagged), len(desk.bot_notes(plain)), len(desk.bot_notes(flagged)))
    code, out, report = desk.sync(now=now, config=config)
    assert code == 0, out
    assert report["writes"] == 0 and report["changes"] == []
    after = (desk.labels(plain), desk.labels(flagged), len(desk.bot_notes(plain)), len(desk.bot_notes(flagged)))
    assert after == before


LEFT = {"3h": 3 * H, "23h59m": 23 * H + 59 * M, "24h": 24 * H, "25h": 25 * H, "3d": 3 * D, "passed": -H}


# Over real HTTP, each zone at the two distances either side of the rule (and every
# distance for one zone); the full zone x distance table is tests/rules/test_expedite.py.
ACROSS = sorted({(zone, left) for zone in ZONES for left in ("23h59m", "25h")}
                | {("CET-numeric", left) for left in LEFT})


@pytest.mark.parametrize("zone,left", ACROSS, ids=[f"{z}-{l}" for z, l in ACROSS])
def test_expedite_across_time_zones(desk, zone, left):
    text, event, ae_zone = ZONES[zone]
    now = (event - LEFT[left]).astimezone(UTC)
    plain, flagged = two_issues(desk, with_dates(text), now)
    code, out, report = desk.sync(now=now)
    assert code == 0, out
    check(desk, plain, flagged, report, event, now, ae_zone)
    converged(desk, now, plain, flagged)


# Daylight-saving changes: each pair of clocks is chosen so that reading the wall time with
# the offset in force at `now` (instead of at the event) gives the opposite answer.
DST = [
    # US fall-back, Sun 1 Nov 2026 02:00: 9am PT on Nov 1 is PST (17:00Z)
    ("Sun Nov 1, 9am PT", dt.datetime(2026, 11, 1, 9, 0, tzinfo=LA), LA, dt.datetime(2026, 10, 31, 18, 0, tzinfo=UTC)),
    ("Sun Nov 1, 9am PT", dt.datetime(2026, 11, 1, 9, 0, tzinfo=LA), LA, dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)),
    ("Nov 1 11:00 ET", dt.datetime(2026, 11, 1, 11, 0, tzinfo=NY), NY, dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)),
    ("Nov 1 11:00 ET", dt.datetime(2026, 11, 1, 11, 0, tzinfo=NY), NY, dt.datetime(2026, 10, 31, 15, 30, tzinfo=UTC)),
    # 1:30am ET on Nov 1 happens twice: the first one (EDT, fold=0) is meant
    ("Nov 1 2026 1:30am ET", dt.datetime(2026, 11, 1, 1, 30, tzinfo=NY), NY,
     dt.datetime(2026, 10, 31, 6, 0, tzinfo=UTC)),
    # EU change, Sun 25 Oct 2026 03:00 CEST -> 02:00 CET
    ("25/10/2026 10:00 CET", dt.datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), PARIS,
     dt.datetime(2026, 10, 24, 9, 30, tzinfo=UTC)),
    ("25/10/2026 10:00 CET", dt.datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), PARIS,
     dt.datetime(2026, 10, 24, 8, 30, tzinfo=UTC)),
    ("Sun 25 Oct 2026 10:00 Europe/Berlin", dt.datetime(2026, 10, 25, 10, 0, tzinfo=BERLIN), BERLIN,
     dt.datetime(2026, 10, 24, 8, 30, tzinfo=UTC)),
    # Sydney springs forward Sun 4 Oct 2026: 10:00 is AEDT (+11) although written AEST
    ("Sun Oct 4 2026 10:00 AEST", dt.datetime(2026, 10, 4, 10, 0, tzinfo=SYDNEY), SYDNEY,
     dt.datetime(2026, 10, 2, 23, 30, tzinfo=UTC)),
    ("Sun Oct 4 2026 10:00 AEST", dt.datetime(2026, 10, 4, 10, 0, tzinfo=SYDNEY), SYDNEY,
     dt.datetime(2026, 10, 2, 22, 30, tzinfo=UTC)),
    # US spring-forward Sun 8 Mar 2026: 2:30am ET does not exist, moved on by the gap (03:30 EDT)
    ("Mar 8 2026 2:30am ET", dt.datetime(2026, 3, 8, 2, 30, tzinfo=NY), NY,
     dt.datetime(2026, 3, 7, 8, 0, tzinfo=UTC)),
    ("Mar 8 2026 2:30am ET", dt.datetime(2026, 3, 8, 2, 30, tzinfo=NY), NY,
     dt.datetime(2026, 3, 7, 7, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize("text,event,ae_zone,now", DST,
                         ids=[f"{t}@{n:%m-%dT%H:%M}" for t, _, _, n in DST])
def test_expedite_across_daylight_saving_changes(desk, text, event, ae_zone, now):
    # sanity of the chosen clocks: the answer is within a couple of hours of 24
    assert 21 * H <= event - now <= 26 * H
    plain, flagged = two_issues(desk, with_dates(text), now)
    code, out, report = desk.sync(now=now)
    assert code == 0, out
    check(desk, plain, flagged, report, event, now, ae_zone)
    converged(desk, now, plain, flagged)


# due date (read in the team zone, America/Los_Angeles) and Preferred Date Options together:
# the earliest upcoming one wins.
EARLIEST = {
    "due-date-only-upcoming": (None, "2026-11-24", NOW, dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    "due-date-read-in-team-zone": (None, "2026-11-24", dt.datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
                                   dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    "due-date-beats-later-preferred": ("Nov 27 10am PT", "2026-11-24", NOW,
                                       dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    "preferred-beats-later-due-date": ("Nov 24 8am PT", "2026-11-30", NOW,
                                       dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA), LA),
    "later-written-option-is-earlier": ("Option 1: Nov 30, 10am PT\nOption 2: Nov 24, 8:59am PT", None, NOW,
                                        dt.datetime(2026, 11, 24, 8, 59, tzinfo=LA), LA),
    "second-option-exactly-24h": ("Option 1: Nov 30, 10am PT\nOption 2: Nov 24, 9am PT", None, NOW,
                                  dt.datetime(2026, 11, 24, 9, 0, tzinfo=LA), LA),
    "passed-option-is-skipped": ("Nov 23 8am PT or Nov 27 10am PT", None, NOW,
                                 dt.datetime(2026, 11, 27, 10, 0, tzinfo=LA), LA),
    "passed-due-date-is-skipped": ("Nov 24 10:30 ET", "2026-11-20", NOW,
                                   dt.datetime(2026, 11, 24, 10, 30, tzinfo=NY), NY),
}


@pytest.mark.parametrize("case", list(EARLIEST))
def test_earliest_upcoming_of_due_date_and_preferred_dates_wins(desk, case):
    text, due, now, event, ae_zone = EARLIEST[case]
    description = with_dates(text) if text else COMPLETE
    plain, flagged = two_issues(desk, description, now, **({"due_date": due} if due else {}))
    code, out, report = desk.sync(now=now)
    assert code == 0, out
    check(desk, plain, flagged, report, event, now, ae_zone)
    converged(desk, now, plain, flagged)


@pytest.mark.parametrize("text", ["ASAP", "next week sometime", "Tuesday afternoon, customer is flexible"])
def test_unreadable_date_leaves_expedite_and_asks_once(desk, text):
    plain, flagged = two_issues(desk, with_dates(text), NOW)
    code, out, report = desk.sync()
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(plain) and "EXPEDITE" in desk.labels(flagged)
    for iid in (plain, flagged):
        notes = desk.bot_notes(iid)
        assert len(notes) == 1, iid
        body = notes[0]["body"]
        assert body.startswith("@eve.ae ") and "date" in body and "time zone" in body
        assert text.split()[0] in body  # it quotes what it could not read
        assert not any(line.lstrip().startswith("/") for line in body.splitlines())
    assert {(f["issue"], f["rule"]) for f in report["findings"]} == {(plain, "expedite"), (flagged, "expedite")}
    assert all(f["why"] for f in report["findings"])
    assert {c["issue"] for c in report["changes"]} == {plain, flagged}
    assert not [c for c in report["changes"] if "label" in c["what"]]
    converged(desk, NOW, plain, flagged)


def test_unreadable_date_comment_asks_again_when_the_text_changes(desk):
    iid = desk.issue(description=with_dates("ASAP"), labels=("SA Backlog", "FY27-Q4", "EXPEDITE"))
    desk.sync()
    assert len(desk.bot_notes(iid)) == 1
    desk.store.add_token("eve-token", "eve.ae")
    issue = desk.sandbox.client("eve-token").projects.get("sa-team/sa-service-desk", lazy=True).issues.get(iid)
    issue.description = with_dates("Tue Nov 24, 10am PT")
    issue.save()
    code, out, report = desk.sync()
    assert code == 0, out
    # Tue Nov 24 10am PT = 18:00Z = 25 h away: EXPEDITE goes, with the explanation
    assert "EXPEDITE" not in desk.labels(iid)
    notes = desk.bot_notes(iid)
    assert len(notes) == 2 and "2026-11-24 18:00 UTC" in notes[1]["body"]
    assert report["findings"] == []


@pytest.mark.parametrize("order,now,expedite", [
    # "03/12/2026 10:00 PT": 12 March (month first) or 3 December (day first)
    ("month_first", dt.datetime(2026, 3, 11, 18, 0, tzinfo=UTC), True),  # Mar 12 10:00 PDT = 17:00Z, 23 h
    ("day_first", dt.datetime(2026, 3, 11, 18, 0, tzinfo=UTC), False),  # Dec 3: months away
    ("day_first", dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC), True),  # Dec 3 10:00 PST = 18:00Z, 23 h
    ("month_first", dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC), False),  # Mar 12 2026 passed
])
def test_date_order_decides_how_numeric_dates_are_read(desk, rules_with, order, now, expedite):
    config = rules_with({"date_order: month_first": f"date_order: {order}"})
    intended = (dt.datetime(2026, 3, 12, 10, 0, tzinfo=LA) if order == "month_first"
                else dt.datetime(2026, 12, 3, 10, 0, tzinfo=LA))
    assert (dt.timedelta(0) < intended - now < 24 * H) == expedite
    plain, flagged = two_issues(desk, with_dates("03/12/2026 10:00 PT"), now)
    code, out, report = desk.sync(now=now, config=config)
    assert code == 0, out
    check(desk, plain, flagged, report, intended, now, LA)
    converged(desk, now, plain, flagged, config=config)


def test_expedite_ignores_action_items_and_closed_issues(desk):
    soon = with_dates("Tue Nov 24, 8am PT")  # 23 h away
    action = desk.issue(description=soon, labels=("SA Action Items", "FY27-Q4"))
    closed = desk.issue(description=soon, labels=("FY27-Q4",), state="closed", updated_at=NOW - H)
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(action) == {"SA Action Items", "FY27-Q4"}
    assert desk.labels(closed) == {"FY27-Q4"}
    assert report["changes"] == []



def test_passed_event_written_with_a_year_is_removed_silently(desk):
    created = NOW - 7 * D
    iid = desk.issue(description=with_dates("Tue Nov 17 2026, 10am PT"), labels=("SA Backlog", "FY27-Q4", "EXPEDITE"),
                     created_at=created, updated_at=created)
    code, out, report = desk.sync()
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(iid) and desk.bot_notes(iid) == []
    assert [c["what"] for c in report["changes"]] == ["remove label 'EXPEDITE'"]


def test_passed_event_written_without_a_year_is_removed_silently(desk):
    created = NOW - 7 * D
    iid = desk.issue(description=with_dates("Tue Nov 17, 10am PT"), labels=("SA Backlog", "FY27-Q4", "EXPEDITE"),
                     created_at=created, updated_at=created)
    code, out, report = desk.sync()
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(iid)
    assert desk.bot_notes(iid) == []


def test_relative_date_means_the_day_it_was_written(desk):
    written = NOW - 3 * D  # Fri 20 Nov 2026, 09:00 PT
    iid = desk.issue(description=with_dates("today 3pm PT"), created_at=written, updated_at=written)
    code, out, report = desk.sync()
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(iid)


def test_expedite_follows_the_clock_as_the_event_comes_closer(desk):
    event = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LA)  # Wed 18:00Z
    iid = desk.issue(description=with_dates("Wed Nov 25, 10am PT"), labels=("SA Backlog", "FY27-Q4", "EXPEDITE"))
    code, out, _ = desk.sync(now=event - 40 * H)  # an AE flagged it early: removed, explained
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(iid) and len(desk.bot_notes(iid)) == 1
    assert desk.sync(now=event - 30 * H)[2]["writes"] == 0
    code, out, report = desk.sync(now=event - 20 * H)  # now it is due: gl-cs adds it itself
    assert code == 0, out
    assert "EXPEDITE" in desk.labels(iid) and len(desk.bot_notes(iid)) == 1
    assert [c["what"] for c in report["changes"]] == ["add label 'EXPEDITE'"]
    assert desk.sync(now=event - H)[2]["writes"] == 0
    code, out, report = desk.sync(now=event + H)  # over: removed without a word
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(iid) and len(desk.bot_notes(iid)) == 1
    assert desk.sync(now=event + 2 * H)[2]["writes"] == 0


def test_relative_date_does_not_move_when_the_issue_is_updated_later(desk):
    written = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.timezone.utc)  # Mon 23:00 PT
    iid = desk.issue(description=with_dates("tomorrow 10am PT"), created_at=written,
                     updated_at=written + 2 * H)  # a comment an hour later moved updated_at
    code, out, _ = desk.sync(now=written + 90 * dt.timedelta(minutes=1))  # Tue 00:30 PT
    assert code == 0, out
    assert "EXPEDITE" in desk.labels(iid)  # Tue 10:00 PT is 9.5 h away
    code, out, report = desk.sync(now=written + 4 * H)
    assert code == 0 and report["writes"] == 0 and "EXPEDITE" in desk.labels(iid)


# -- dates never thrown away, urgent events read (issue 17) ---------------------------------
# An event under 24 hours away keeps or gets EXPEDITE whenever a date read whole, or the due
# date, says so; a date whose time could not be attached is asked about only when its day
# could hold an event under 24 hours away. NOW is Mon 23 Nov 2026 09:00 PT.
KEPT = {
    "unread-second-option-urgent-first": ("Option 1: Tue Nov 24, 8am PT\nOption 2: Nov 26 - earliest 10:00 CET",
                                          None, dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA), LA),
    "due-date-alone-option-unread-far": ("Dec 3 - earliest 10:00 CET", "2026-11-24",
                                         dt.datetime(2026, 11, 24, 0, 0, tzinfo=LA), LA),
    "german-weekday-in-parentheses": ("24.11.2026 (Dienstag) 08:00 Europe/Berlin", None,
                                      dt.datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN), BERLIN),
    "unread-option-far-read-one-in-a-week": ("Option 1: Nov 30, 10am PT\nOption 2: Dec 10 - earliest 10:00 CET", None,
                                             dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA), LA),
    "all-dates-past": ("Nov 20 - earliest 10:00 CET\nNov 21 10am PT", "2026-11-21",
                       dt.datetime(2026, 11, 21, 10, 0, tzinfo=LA), LA),
}


@pytest.mark.parametrize("case", list(KEPT))
def test_dates_read_whole_decide_whatever_else_is_unclear(desk, case):
    text, due, event, ae_zone = KEPT[case]
    plain, flagged = two_issues(desk, with_dates(text), NOW, **({"due_date": due} if due else {}))
    code, out, report = desk.sync(now=NOW)
    assert code == 0, out
    check(desk, plain, flagged, report, event, NOW, ae_zone)
    assert report["findings"] == []  # nothing asked
    converged(desk, NOW, plain, flagged)


@pytest.mark.parametrize("text,written", [
    ("morgen, 9 Uhr MEZ", dt.datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)),
    ("**tomorrow** — *8:00 Pacific*", dt.datetime(2026, 11, 24, 8, 0, tzinfo=LA)),
    ("demain à 10h CET", dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)),
])
def test_relative_days_in_the_aes_languages(desk, text, written):
    created = NOW - 2 * H  # "tomorrow" counts from when it was written
    plain = desk.issue(description=with_dates(text), labels=("SA Backlog", "FY27-Q4"), created_at=created,
                       updated_at=created)
    code, out, report = desk.sync(now=NOW)
    assert code == 0, out
    assert written - NOW < 24 * H
    assert "EXPEDITE" in desk.labels(plain) and desk.bot_notes(plain) == []


def test_an_unclear_date_within_reach_is_asked_about_once_quoting_only_it(desk):
    text = "Option 1: Nov 30, 10am PT\nOption 2: Nov\u200b 24 - earliest 10:00 CET"  # a zero-width space typed in
    plain, flagged = two_issues(desk, with_dates(text), NOW)
    code, out, report = desk.sync(now=NOW)
    assert code == 0, out
    assert "EXPEDITE" not in desk.labels(plain) and "EXPEDITE" in desk.labels(flagged)  # as they were
    for iid in (plain, flagged):
        [note] = desk.bot_notes(iid)
        body = note["body"]
        assert body.startswith("@eve.ae what time is meant for `Nov 24`") and "`10:00`" in body, body
        assert "Nov 30" not in body and "e.g." not in body and "\u200b" not in body
    assert {(f["issue"], f["rule"]) for f in report["findings"]} == {(plain, "expedite"), (flagged, "expedite")}
    assert not [c for c in report["changes"] if "label" in c["what"]]
    assert foreign_quick_actions(desk.store) == []
    converged(desk, NOW, plain, flagged)


WITHOUT_DATES = COMPLETE.replace("## Preferred Date Options\n" + DATES_LINE + "\n\n", "")
FORWARDED = ("\n---------- Forwarded message ---------\nFrom: Rachel Odum <r.odum@example.com>\n"
             "Date: Fri, Nov 20, 2026 at 3:12 PM\nSubject: Re: GitLab session\n\nTuesday 8am Eastern works for us.\n")


@pytest.mark.parametrize("sentence, expedite, asks_for_dates", [
    ("Need an SA for this one, it's tmrw 8am ET (sorry!!)", True, False),  # Tue 13:00Z: 20 h away
    ("the eval call is in 3 hours - 1pm PT", True, False),
    ("Heads up: the workshop is Fri Nov 27 10am PT.", False, False),  # 4 days away: read, no EXPEDITE
    ("I'm out of office until tomorrow 8am ET.", False, True),  # no event in it: the field is missing
])
def test_a_request_without_a_dates_field_says_when_in_a_sentence(desk, sentence, expedite, asks_for_dates):
    """No Preferred Date Options field, but the AE says when in a sentence before a forwarded
    mail (whose "Date:" header is when the mail was sent, never the event)."""
    written = NOW - 2 * H
    iid = desk.issue(description=sentence + "\n\n" + WITHOUT_DATES + FORWARDED, created_at=written,
                     updated_at=written, labels=("SA Backlog", fiscal_label(NOW)))
    code, out, _ = desk.sync()
    assert code == 0, out
    assert ("EXPEDITE" in desk.labels(iid)) is expedite
    asked = " ".join(n["body"] for n in desk.bot_notes(iid))
    assert ("Preferred Date Options" in asked) is asks_for_dates
    assert ("SA Waiting" in desk.labels(iid)) is asks_for_dates


def test_fields_named_like_mail_headers_are_still_fields(desk):
    """"**Date:** ... / **To:** GitLab CI / **From:** Jenkins" in a migration request are its
    fields (no sender address: no pasted mail), and the date is read."""
    written = NOW - 2 * H
    text = WITHOUT_DATES + "\n**Date:** today 3pm PT\n**To:** GitLab CI\n**From:** Jenkins\n"
    iid = desk.issue(description=text, created_at=written, updated_at=written, labels=("SA Backlog", fiscal_label(NOW)))
    code, out, _ = desk.sync()
    assert code == 0, out
    assert "EXPEDITE" in desk.labels(iid) and desk.bot_notes(iid) == []
