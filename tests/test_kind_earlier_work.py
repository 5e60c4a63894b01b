"""Earlier work made by people and other tools, recognised before anything is opened, over
real HTTP against the sandbox: a checklist another bot opened without gl-cs's markers, a
hand-made closed session without a task list, an exception citing its earlier session, a
partner-sold account written in a sentence, "Sold through a partner? No, direct", and an
issue that only may be the checklist (gl-cs asks, then acts on the answer)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.app.desk import Desk
from gl_cs.app.sync import run_sync
from gl_cs.config import load_config
from gl_cs.gitlab.adapter import GitLab

DAY = dt.timedelta(days=1)


def sync(desk, now=NOW):
    report = run_sync(Desk.of(GitLab(desk.sandbox.url, TOKEN, PROJECT), load_config(RULES)), now)
    assert not report.failures and not report.fatal, (report.failures, report.fatal)
    return report



@pytest.fixture
def kinds_desk(desk):
    for label in ("Onboarding", "Live Optimization", "Renewal Review"):
        desk.store.add_label(desk.project_id, label)
    desk.store.add_user("cs-automation")
    desk.store.add_member(desk.project_id, "cs-automation", 30)
    for sa in ("chen.sa", "dara.sa"):
        desk.store.add_user(sa)
        desk.store.add_member(desk.project_id, sa, 30)
    return desk


def test_a_checklist_another_bot_opened_is_not_opened_again(kinds_desk):
    desk = kinds_desk
    older = desk.issue("Onboarding Checklist: Acme Robotics", author="cs-automation", labels=("Onboarding", "SA Doing"),
                       assignees=["ana.sa"], description="Customer: Acme Robotics\nStart date: 2026-11-02\n\n"
                       "- [x] 1. Welcome (due 2026-11-02)\n- [ ] 2. Personal introduction call\n"
                       "- [ ] 3. Installation follow-up\n- [ ] 4. Education\n")
    desk.issue("Onboarding: ACME Robotics GmbH", labels=("Onboarding", "SA Backlog"),
               description=f"ACME Robotics GmbH signed on Nov 2, 2026 (~300 people).\nChecklist: #{older}\n")
    sync(desk)
    assert desk.bot_issues() == {}
    again = sync(desk)
    assert again.writes == 0 and desk.bot_issues() == {}


def test_a_hand_made_closed_session_counts_once_per_account(kinds_desk):
    desk = kinds_desk
    old = NOW - 30 * DAY
    desk.issue("Live Optimization - Kestrel Labs", author="eve.ae", labels=("Live Optimization",), state="closed",
               assignees=["ana.sa"], created_at=old, updated_at=old + DAY, closed_at=old + DAY,
               description="Kestrel Labs, signed 10 Oct, ~60 people.\nSession booked Wed Oct 21, Ana presenting.\n\n"
                           "Notes after the call:\n- runners on GKE\n- approval rules\n")
    request = desk.issue("Live Optimization Request - Kestrel Laboratories, Inc.", labels=("Live Optimization",
                         "SA Backlog"), description="## Customer\nKestrel Labs\n\n## Signing Date\n2026-10-10\n\n"
                         "## Employees\n60\n\n## CSM\nnone\n\n## Partner\nno\n\n## Professional Services\nnone\n")
    sync(desk)
    assert desk.bot_issues() == {}  # no second session
    [note] = desk.bot_notes(request)
    assert "already had its Live Optimization session" in note["body"]
    # "none" is no: the only reason is the earlier session
    assert "names a Professional Services engagement" not in note["body"]
    assert "The account has a CSM/CSE" not in note["body"] and "sold through a partner" not in note["body"]


def test_an_exception_citing_its_earlier_session_is_served(kinds_desk):
    desk = kinds_desk
    old = NOW - 60 * DAY
    earlier = desk.issue("Live Optimization session: Dovetail Ledger", author="cs-automation",
                         labels=("Live Optimization",), state="closed", created_at=old, updated_at=old,
                         closed_at=old, description="Live Optimization session for **Dovetail Ledger**.\n"
                         "- [x] 1. Qualification\n- [x] 2. Milestone meeting\n- [x] 3. SA preparation\n")
    desk.issue("Dovetail Ledger - second Live Optimization", labels=("Live Optimization", "SA Backlog"),
               description=f"Dovetail Ledger already had theirs (#{earlier}). Kim (ASM) confirmed the exception on "
                           f"Friday, Ultimate opp in Q1.\nThey're still 28 people, signed Aug 24 this year, no CSM, "
                           f"direct, no PS. @chen.sa again please.\n")
    sync(desk)
    [title] = desk.bot_issues()
    assert title == "Live Optimization session: Dovetail Ledger"
    assert [u["username"] for u in desk.bot_issues()[title]["assignees"]] == ["chen.sa"]


@pytest.mark.parametrize("sentence, served", [
    ("We sold this through our partner Bytewise GmbH, who did the initial setup.", False),
    ("Sold through a partner? No, direct.", True),
])
def test_partner_sold_read_from_a_sentence(kinds_desk, sentence, served):
    desk = kinds_desk
    request = desk.issue("LO request: Voxel Foundry", labels=("Live Optimization", "SA Backlog"),
                         description=f"Voxel Foundry (~70 people) signed on Oct 12.\n{sentence}\nNo CSM. No PS.\n")
    sync(desk)
    assert bool(desk.bot_issues()) is served
    if not served:
        [note] = desk.bot_notes(request)
        assert "sold through a partner" in note["body"]


def test_an_issue_that_may_be_the_checklist_is_asked_about_then_the_answer_acted_on(kinds_desk):
    desk = kinds_desk
    desk.issue("Harbor Point Insurance POV kickoff", labels=("SA Backlog",))  # pre-sales work: not a candidate
    notes = desk.issue("Harbor Point Insurance - kickoff notes", author="ana.sa", labels=(),
                       created_at=NOW - 4 * DAY, updated_at=NOW - 4 * DAY,  # after the signing
                       description="Kickoff 11/19 - attendees: Dana, Lou\n- rolling out to 3 BUs first\n")
    request = desk.issue("Onboarding - Harbor Point Insurance", labels=("Onboarding", "SA Backlog"),
                         description="Customer: Harbor Point Insurance\nStart date: Nov 13 2026\nEmployees: ~1,500\n")
    sync(desk)
    assert desk.bot_issues() == {}
    [question] = desk.bot_notes(request)
    assert f"#{notes}" in question["body"] and "reply \"no\"" in question["body"]
    assert sync(desk).writes == 0  # asked once
    desk.store.add_note(desk.project_id, request, "no, that's just our meeting notes", "eve.ae",
                        created_at=NOW + dt.timedelta(minutes=5))
    sync(desk, now=NOW + dt.timedelta(minutes=10))
    assert list(desk.bot_issues()) == ["Onboarding checklist: Harbor Point Insurance"]


def test_earlier_work_named_as_people_name_it(kinds_desk):
    """A checklist a person opened for "Lumen Bio" (closed on Nov 18) is the one for "Lumen
    Biosciences Inc." (start Nov 18); a session whose notes name "Marigold Studios" under a
    title that does not ("Live Opt session w/ Marigold - prep + notes") is the account's."""
    desk = kinds_desk
    old = NOW - 60 * DAY
    desk.issue("Lumen Bio onboarding (manual)", author="ana.sa", labels=("Onboarding", "SA Doing"), assignees=["ana.sa"],
               created_at=NOW - 2 * DAY, updated_at=NOW - 2 * DAY, description="Lumen Bio closed on Nov 18, opening this by hand.\n\n- [x] 1 Welcome mail\n"
                           "- [x] 2 Personal intro call\n- [ ] 3 Installation follow-up\n")
    desk.issue("Onboarding: Lumen Biosciences Inc.", labels=("Onboarding", "SA Backlog"),
               description="## Customer\nLumen Biosciences Inc.\n\n## Start Date\nNov 18, 2026\n\n## Employees\n130\n")
    desk.issue("Live Opt session w/ Marigold - prep + notes", author="chen.sa", labels=("Live Optimization",),
               state="closed", created_at=old, updated_at=old, closed_at=old, assignees=["chen.sa"],
               description="Greg asked me to do the LO session for Marigold Studios (60 ppl).\nSession: Tue Sep 29.\n")
    request = desk.issue("Live Optimization request - Marigold Studios Ltd", labels=("Live Optimization", "SA Backlog"),
                         description="## Customer\nMarigold Studios Ltd\n\n## Signing Date\n2026-10-12\n\n"
                                     "## Employees\n70\n\n## CSM\nnone\n\n## Partner\nno\n\n## Professional Services\nnone\n")
    sync(desk)
    assert desk.bot_issues() == {}
    [note] = desk.bot_notes(request)
    assert "already had its Live Optimization session" in note["body"]


def test_a_closed_session_titled_as_one_and_written_like_a_request_is_the_accounts(kinds_desk):
    """An SA's own issue for the session she held ("Brightwater Dental - live opt session
    11/19", with the customer, the signing date and the milestones in its text, closed when
    done) is the account's session, not an earlier request: no second session."""
    desk = kinds_desk
    old = NOW - 20 * DAY
    earlier = desk.issue("Brightwater Dental - live opt session 11/19", author="ana.sa", state="closed",
                         labels=("Live Optimization",), assignees=["ana.sa"], created_at=old,
                         updated_at=old + 10 * DAY, closed_at=old + 10 * DAY,
                         description="Live optimization w/ Brightwater Dental Clinics (AE: @sam.ae), signed 10/19.\n"
                                     "Session Thu 11/19 9am PT, 55 min.\nMilestones: MR workflow, CI for the portal.\n")
    request = desk.issue("Live Optimization: Brightwater Dental Clinics (round 2)",
                         labels=("Live Optimization", "SA Backlog"),
                         description="## Customer\nBrightwater Dental Clinics\n\n## Signing Date\n2026-10-19\n\n"
                                     "## Employees\n22\n\n## CSM\nnone\n\n## Partner\nnone - direct deal\n\n"
                                     "## Professional Services\nnone\n\n## Ultimate Opportunity\nno, not this year\n")
    sync(desk)
    assert desk.bot_issues() == {}
    [note] = desk.bot_notes(request)
    assert f"already had its Live Optimization session (#{earlier})" in note["body"]


def test_a_checklist_for_the_customer_the_request_calls_by_its_initials(kinds_desk):
    """"BHA (Blue Heron Analytics)", closed-won 30.11.26: the checklist another bot opened
    for "Blue Heron Analytics Inc." with start 2026-11-30 is that customer's."""
    desk = kinds_desk
    desk.issue("Onboarding checklist: Blue Heron Analytics Inc.", author="cs-automation",
               labels=("Onboarding", "SA Backlog"), assignees=["ben.sa"],
               description="Customer: Blue Heron Analytics Inc.\nStart date: 2026-11-30\nTier: Ultimate\n\nChecklist\n"
                           "1. [ ] Welcome - due 2026-11-30\n2. [ ] Personal introduction - 2026-12-02\n")
    desk.issue("BHA onboarding", description="Hey - can someone kick off the onboarding checklist for BHA?\n\n"
                                             "CW: 30.11.26\nUltimate, 85 seats\n")
    sync(desk)
    assert desk.bot_issues() == {}
    # the initials alone, with another start date, are not enough
    desk.issue("ZQX onboarding", description="Kick off the onboarding checklist for ZQX please.\n\nCW: 01.12.26\n")
    desk.issue("Onboarding checklist: Zinc Quartz Xylophones", author="cs-automation", labels=("Onboarding",),
               description="Customer: Zinc Quartz Xylophones\nStart date: 2026-10-01\n\n1. [ ] Welcome\n"
                           "2. [ ] Personal introduction\n")
    sync(desk)
    assert list(desk.bot_issues()) == ["Onboarding checklist: ZQX"]


def test_an_sa_activity_request_titled_and_labelled_onboarding_is_read_as_one(kinds_desk):
    """"Onboarding help - Pinecrest Credit Union", labelled Onboarding, every SA Activity
    field answered, "they're not a customer yet": no start date is asked for (there is
    none to give), no checklist opened, nothing asked at all."""
    desk = kinds_desk
    iid = desk.issue("Onboarding help - Pinecrest Credit Union", labels=("Onboarding", "SA Backlog"),
                     description="Hi all - they're not a customer yet (eval stage), but their big question is what "
                                 "onboarding 200 devs would look like.\n\n"
                                 "Customer: Pinecrest Credit Union, ~$75k opp\nWhen: Thu Nov 26 at 2pm ET\n"
                                 "Opportunity: $75k, 200 Premium seats, decision by end of Jan\n"
                                 "Outcome: a rollout plan for their CIO\nChallenges: regulated, a DevOps team of 3\n"
                                 "Tools today: Bitbucket Cloud, Jenkins, Jira\n"
                                 "Need from SA: technical deep-dive on the rollout approach\n")
    sync(desk)
    assert desk.bot_issues() == {} and desk.bot_notes(iid) == []
    assert "SA Waiting" not in desk.labels(iid)
    # the same label on a real onboarding request that lacks its date still asks for it
    asked = desk.issue("Onboarding - Quarry Hill Foods", labels=("Onboarding", "SA Backlog"),
                       description="Customer: Quarry Hill Foods\nTier: Premium\nPlease open the checklist.\n")
    sync(desk)
    [note] = desk.bot_notes(asked)
    assert "Start Date" in note["body"]


@pytest.mark.parametrize("reply, session", [("no, that one was withdrawn", True), ("yes, Dec 1", False)])
def test_a_closed_earlier_request_for_the_account_is_asked_about_then_the_answer_acted_on(kinds_desk, reply,
                                                                                           session):
    """An earlier Live Optimization request for the same account (a longer name, the same
    signing date), closed, with no session issue anywhere: the session may have been held
    and noted in a comment. gl-cs asks once, then opens the session or declines."""
    desk = kinds_desk
    old = NOW - 14 * DAY
    template = ("## Customer\n{name}\n\n## Signing Date\n2026-10-19\n\n## Employees\n30\n\n## CSM\nnone\n\n"
                "## Partner\nno\n\n## Professional Services\nnone\n")
    earlier = desk.issue("Live Optimization - Pinecrest Dental Group", labels=("Live Optimization",),
                         state="closed", assignees=["ben.sa"], created_at=old, updated_at=old + DAY,
                         closed_at=old + DAY, description=template.format(name="Pinecrest Dental Group"))
    request = desk.issue("Live Optimisation session for Pinecrest Dental", labels=("Live Optimization", "SA Backlog"),
                         description=template.format(name="Pinecrest Dental (I took the account over this week)"))
    sync(desk)
    assert desk.bot_issues() == {}
    [question] = desk.bot_notes(request)
    assert f"#{earlier}" in question["body"] and "one-time engagement" in question["body"]
    assert sync(desk).writes == 0  # asked once
    desk.store.add_note(desk.project_id, request, reply, "eve.ae", created_at=NOW + dt.timedelta(minutes=5))
    sync(desk, now=NOW + dt.timedelta(minutes=10))
    assert bool(desk.bot_issues()) is session
    if not session:
        assert "already had its Live Optimization session" in desk.bot_notes(request)[-1]["body"]


@pytest.mark.parametrize("reply, opens", [("no - new contract, new BU", True), ("yes, it's the renewal", False),
                                           ("Not sure, let me check with finance", False)])  # no answer yet
def test_a_checklist_a_year_older_than_the_request_is_asked_about(kinds_desk, reply, opens):
    """The account's checklist started a year before the date the request gives ("30 Nov
    2026, renewal closed-won, year 2"): a renewal, or a new contract? gl-cs asks once."""
    desk = kinds_desk
    year_ago = NOW - 365 * DAY
    old = desk.issue("Onboarding checklist: Harrowgate Dental Labs", author="cs-automation", state="closed",
                     labels=("Onboarding",), created_at=year_ago, updated_at=year_ago + 30 * DAY,
                     closed_at=year_ago + 30 * DAY,
                     description="Customer: Harrowgate Dental Labs\nStart date: 2025-11-16\n\n"
                                 "- [x] 1. Welcome\n- [x] 2. Personal introduction\n")
    request = desk.issue("Onboarding - Harrowgate Dental Labs", labels=("Onboarding", "SA Backlog"),
                         description="## Customer\nHarrowgate Dental Labs\n\n## Start Date\n16 Nov 2026 (year 2)\n\n"
                                     "## Employees\n65\n")
    sync(desk)
    assert desk.bot_issues() == {}
    [question] = desk.bot_notes(request)
    assert f"#{old}" in question["body"]
    assert sync(desk).writes == 0  # asked once
    desk.store.add_note(desk.project_id, request, reply, "eve.ae", created_at=NOW + dt.timedelta(minutes=5))
    sync(desk, now=NOW + dt.timedelta(minutes=10))
    assert bool(desk.bot_issues()) is opens  # a "yes" is never read as a "no"
    assert len(desk.bot_notes(request)) == 1  # and nothing is asked again


def test_a_request_that_names_its_attendees_is_still_a_request(kinds_desk):
    """"Attendees" and "recap" say a session was held, unless the open, unassigned issue
    asks for one: it is asked for what it lacks, never taken for the account's session."""
    desk = kinds_desk
    request = desk.issue("Live Optimization - Quarry Labs", labels=("Live Optimization", "SA Backlog"),
                         description="Please set up a Live Optimization session for Quarry Labs.\n"
                                     "Attendees: their platform team\n\n## Customer\nQuarry Labs\n\n## Employees\n40\n")
    sync(desk)
    [note] = desk.bot_notes(request)
    assert "Signing Date" in note["body"] and desk.bot_issues() == {}


def test_a_resubmitted_request_is_never_declined_for_the_request_gl_cs_declined(kinds_desk):
    """"Resubmitting #N" after gl-cs declined #N (its window was not open yet): the earlier
    request is no session; gl-cs does not decline the new one as a second session."""
    desk = kinds_desk
    old = NOW - 20 * DAY
    template = ("## Customer\nPinecrest Dental\n\n## Signing Date\n2026-10-19\n\n## Employees\n30\n\n## CSM\nnone\n\n"
                "## Partner\nno\n\n## Professional Services\nnone\n")
    earlier = desk.issue("Live Optimization - Pinecrest Dental", labels=("Live Optimization",), state="closed",
                         created_at=old, updated_at=old + DAY, closed_at=old + DAY, description=template)
    desk.store.add_note(desk.project_id, earlier, "@eve.ae thanks for asking ... the window opens on 2026-11-19."
                        "\n<!-- gl-cs:live_optimization:declined-0123456789 -->", "gl-cs-bot", created_at=old)
    request = desk.issue("Live Optimization - Pinecrest Dental (again)", labels=("Live Optimization", "SA Backlog"),
                         description=f"Resubmitting #{earlier}: the window is open now.\n\n" + template)
    sync(desk)
    said = " ".join(n["body"] for n in desk.bot_notes(request))
    assert "already had its Live Optimization session" not in said


def test_many_requests_each_citing_an_issue_are_all_answered(kinds_desk):
    """Each request's cited issues are read as it comes to be answered (one list read
    each): fourteen of them in one sync made the rule give up after twelve reads."""
    desk = kinds_desk
    for k in range(14):
        desk.issue(f"Live Optimization - Customer{k} Labs", labels=("Live Optimization", "SA Backlog"),
                   description=f"See #{900 + k} for the deal.\n\n## Customer\nCustomer{k} Labs\n\n## Signing Date\n"
                               "2026-10-19\n\n## Employees\n30\n\n## CSM\nnone\n\n## Partner\nno\n\n"
                               "## Professional Services\nnone\n")
    sync(desk)  # no failure
    assert len(desk.bot_issues()) == 14
