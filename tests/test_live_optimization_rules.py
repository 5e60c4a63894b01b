"""Live Optimization eligibility, messages, assignment and capacity (pure, pinned clock:
NOW is Monday 2026-11-23)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import NOW
from gl_cs.decide.actions import CreateIssue, UpsertComment
from gl_cs.decide.project_rules.live_optimization import decide
from gl_cs.markers import marker
from kind_facts import ctx, fact, lo_request


def only(actions, cls):
    assert len(actions) == 1 and isinstance(actions[0], cls), actions
    return actions[0]


def declined(facts, **kw):
    comment = only(decide(facts, ctx(**kw)), UpsertComment)
    assert comment.iid == facts[0].iid and comment.key == "declined"
    assert comment.body.startswith("@eve.ae thanks for asking for a Live Optimization session for Acme Robotics.")
    return comment.body


def test_an_eligible_request_opens_a_session():
    req = lo_request(3, sa="ana.sa", milestones=("Faster CI pipelines", "Adopt SAST"),
                     proposed=("2026-12-02", "2026-12-04"))
    issue = only(decide([req], ctx()), CreateIssue)
    assert issue.key == "live-optimization:acme-robotics:session"
    assert issue.title == "Live Optimization session: Acme Robotics"
    assert issue.due_date == "2026-12-02" and issue.links == (3,)
    assert issue.labels == ("Live Optimization", "SA Triaged", "FY27-Q4")
    text = issue.description
    assert "#3" in text and "1. Faster CI pipelines" in text and "2. Adopt SAST" in text
    assert "- 5 min:" in text and "- 40 min:" in text and "- 10 min:" in text
    for outcome in ("upsell to Ultimate", "further platform adoption", "potential services support"):
        assert outcome in text
    assert text.rstrip().endswith("/assign @ana.sa")  # members not read: assigned by quick action


def test_with_members_read_the_assignee_is_set_by_id():
    issue = only(decide([lo_request(3, sa="ana.sa")], ctx(members=["ana.sa", "ben.sa"])), CreateIssue)
    assert [u.username for u in issue.assignees] == ["ana.sa"] and "/assign" not in issue.description
    assert issue.due_date is None  # no proposed date: none


def test_no_proposed_date_means_no_due_date_and_milestones_not_given():
    issue = only(decide([lo_request(3)], ctx()), CreateIssue)
    assert issue.due_date is None and "not given: the AE captures 2-4 milestones" in issue.description


@pytest.mark.parametrize("segment", ["Mid-Market", "Large", "Strategic"])
def test_only_smb(segment):
    body = declined([lo_request(3, segment=segment)])
    assert f"Live Optimization is for SMB accounts (under 100 employees); the request reads as {segment}." in body
    assert "SA Activity request" in body


def test_window_not_yet_open_says_when_it_opens():
    body = declined([lo_request(3, start="2026-11-01")])
    assert "for an account signed on 2026-11-01, the window opens on 2026-12-01." in body
    assert "gl-cs opens the session on 2026-12-01" in body
    # on the day it opens, the same request opens the session
    assert isinstance(only(decide([lo_request(3, start="2026-11-01")], ctx(now=NOW + dt.timedelta(days=8))),
                           CreateIssue), CreateIssue)


def test_window_closed_says_when_it_closed_and_what_to_use_instead():
    body = declined([lo_request(3, start="2026-08-31")])
    assert "for an account signed on 2026-08-31, the window closed on 2026-10-31." in body
    assert "Onboarding Cohort sessions" in body


def test_window_edges_month_end():
    # signed 2026-09-30: opens 2026-10-30, closes 2026-11-30 (inclusive)
    assert isinstance(decide([lo_request(3, start="2026-09-30")], ctx())[0], CreateIssue)
    later = dt.datetime(2026, 12, 1, 17, tzinfo=dt.timezone.utc)
    assert "closed on 2026-11-30" in declined([lo_request(3, start="2026-09-30")], now=later)


def test_not_with_a_csm():
    body = declined([lo_request(3, csm="Jane Doe")])
    assert "The account has a CSM/CSE" in body and "Work with the CSM/CSE" in body


def test_partner_first():
    body = declined([lo_request(3, partner="Contoso Partners")])
    assert "sold through a partner" in body and "partner's expertise" in body


def test_not_competing_with_ps():
    assert "must not compete" in declined([lo_request(3, ps="Migration services SOW")])


def test_once_per_account_cites_the_earlier_session_open_or_closed_by_anyone():
    earlier = fact(7, role="session", customer="ACME Robotics GmbH", state="closed", author="ana.sa",
                   title="Live Optimization session for ACME Robotics GmbH")
    body = declined([lo_request(9), earlier])
    assert "already had its Live Optimization session (#7)" in body
    assert "lacks an Ultimate opportunity and the ASM's approval" in body
    assert "lacks the ASM's approval" in declined([lo_request(9, ultimate="yes"), earlier])
    assert "lacks an Ultimate opportunity." in declined([lo_request(9, asm_approval="yes"), earlier])


def test_the_exception_needs_both_and_only_lifts_once_per_account():
    earlier = fact(7, role="session", account="acme-robotics", key="live-optimization:acme-robotics:session",
                   kind="opened", state="closed", author="gl-cs-bot")
    issue = only(decide([lo_request(9, ultimate="yes", asm_approval="yes"), earlier], ctx()), CreateIssue)
    assert issue.key == "live-optimization:acme-robotics:session-r9"
    body = declined([lo_request(9, ultimate="yes", asm_approval="yes", segment="Large"), earlier])
    assert "SMB accounts" in body and "already had" not in body


def test_a_request_with_its_session_is_left_alone():
    session = fact(8, role="session", account="acme-robotics", key="live-optimization:acme-robotics:session",
                   kind="opened", author="gl-cs-bot", mentions=(3,))
    assert decide([lo_request(3), session], ctx()) == []


def _busy(sa, n, start=20):
    return [fact(start + i, workflow="doing" if i % 2 else "triaged", assignees=(sa,)) for i in range(n)]


def test_capacity_named_sa_under_the_limit_is_assigned():
    issue = only(decide([lo_request(3, sa="ana.sa")] + _busy("ana.sa", 4), ctx()), CreateIssue)
    assert issue.description.rstrip().endswith("/assign @ana.sa") and "SA Triaged" in issue.labels


def test_capacity_reached_waits_for_the_triage_sa():
    facts = [lo_request(3, sa="ana.sa")] + _busy("ana.sa", 5) + [fact(40, workflow="backlog", assignees=("ana.sa",)),
                                                                fact(41, state="closed", workflow="doing",
                                                                     assignees=("ana.sa",))]
    issue = only(decide(facts, ctx()), CreateIssue)
    assert "/assign" not in issue.description and "SA Backlog" in issue.labels and "SA Triaged" not in issue.labels
    assert "Waiting for the Triage SA: ana.sa, named in the request, has 5 open SA Triaged / SA Doing issues " \
           "(the limit is 5)." in issue.description


def test_capacity_counts_sessions_opened_in_the_same_sync():
    facts = [lo_request(3, sa="ana.sa"), lo_request(4, customer="Beta Labs", sa="ana.sa")] + _busy("ana.sa", 4)
    first, second = decide(facts, ctx())
    assert "/assign @ana.sa" in first.description and "/assign" not in second.description


def test_same_sa_preference_the_sa_who_worked_with_the_account():
    history = [fact(5, role="sa_activity", customer="Acme Robotics Inc", assignees=("ben.sa",), state="closed",
                    workflow=None, updated=NOW - dt.timedelta(days=40)),
               fact(6, role="sa_activity", customer="acme robotics", assignees=("chen.sa",),
                    updated=NOW - dt.timedelta(days=10)),
               fact(7, role="sa_activity", customer="Other Co", assignees=("dara.sa",), updated=NOW)]
    issue = only(decide([lo_request(3)] + history, ctx()), CreateIssue)
    assert issue.description.rstrip().endswith("/assign @chen.sa")  # the most recent SA for that account
    # a named SA wins over history
    issue = only(decide([lo_request(3, sa="ana.sa")] + history, ctx()), CreateIssue)
    assert issue.description.rstrip().endswith("/assign @ana.sa")
    # the SA who worked with it has no capacity: waits, saying so
    issue = only(decide([lo_request(3)] + history + _busy("chen.sa", 5), ctx()), CreateIssue)
    assert "chen.sa, who worked with the account, has 5 open" in issue.description


def test_a_non_roster_or_crowd_sa_is_not_assigned():
    for name in ("all", "olga.outsider"):
        issue = only(decide([lo_request(3, sa=name)], ctx()), CreateIssue)
        assert "/assign" not in issue.description
        assert "no SA was named and none has worked with the account yet." in issue.description


def test_incomplete_requests_are_left_to_kind_intake():
    req = lo_request(3, missing="signing_date")
    assert decide([req], ctx()) == []


def test_hidden_key_marker_is_what_the_writer_adds():
    issue = only(decide([lo_request(3)], ctx()), CreateIssue)
    assert marker("create", issue.key) == "<!-- gl-cs:create:live-optimization:acme-robotics:session -->"


def test_a_decline_already_said_in_these_words_is_not_planned_again():
    comment = only(decide([lo_request(3, segment="Large")], ctx()), UpsertComment)
    said = tuple(f"{r}:{k}" for r, k in __import__("gl_cs.markers", fromlist=["markers_in"]).markers_in(comment.body))
    assert said and said[0].startswith("live_optimization:declined-")
    from dataclasses import replace
    assert decide([replace(lo_request(3, segment="Large"), said=said)], ctx()) == []
    # other words (another reason now): said again, in place (same key)
    again = only(decide([replace(lo_request(3, segment="Large", csm="Jo"), said=said)], ctx()), UpsertComment)
    assert again.key == "declined"


def test_before_answering_a_request_it_asks_for_the_closed_ones_and_only_then():
    """The sweep's facts hold closed issues of the last week only; "once per account" needs
    every earlier session, so the rule asks for the label's closed issues (one read by the
    sync) when it is about to answer a request (open a session, or say every reason it does
    not qualify, the earlier session included), and not for a request it already answered
    that nobody touched since."""
    from dataclasses import replace

    from gl_cs.decide.context import MissingData

    for request in (lo_request(3), lo_request(3, segment="Mid-Market")):
        with pytest.raises(MissingData) as need:
            decide([request], ctx(closed_read=False))
        assert need.value.what == "closed:Live Optimization"
    answered = replace(lo_request(3, segment="Mid-Market"), examined=True, said=("live_optimization:declined-1",))
    assert decide([answered], ctx(closed_read=False)) == []
