"""What each decision reads (gl_cs/decide/context.py). A rule asks for data the sync has
not read through the context, which raises ``MissingData``; the sync reads it (one
request: label events, comments, or the members once per sync) and runs the rules again.
These asks are request costs, so every one is pinned here: which rule asks for what, in
which situation, and which situations cost nothing.

``reads(decide, issue, ctx)`` runs a decision the way the sync does: the issue arrives
from the issue list without label history or comments (``user_notes_count`` tells if it
has any), members unread; it returns the reads in order and the final result."""

from __future__ import annotations

import pytest

from gl_cs.decide.context import Context, MissingData
from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import (expedite, fiscal_quarter, intake, services, workflow_assignee, workflow_closed,
                                workflow_state, workflow_transitions)

from .builders import (LONG_AGO, RECENT, SERVICES_PHRASES, UNREAD, H, added, bot_said, ctx, issue, missing_key, moved, note, reads,
                       request, thanked_key, user, variant, with_dates, with_tasks)

T = LONG_AGO
EVENTS, NOTES, MEMBERS = "label_events", "notes", "members"
MEMBERS_MODE = variant({"assignable: roster": "assignable: members"})
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})
NO_PHRASES = variant({SERVICES_PHRASES: "  phrases: []"})
NO_OUTCOME = request(drop=("Outcome",))
PS = with_tasks("Needs professional services.")
# gl-cs moved eve's request Backlog -> Waiting and asked for the Outcome
GL_CS_PUT_IT = [added("eve.ae", "SA Backlog", T), moved("gl-cs-bot", "SA Waiting", T + H, from_="SA Backlog")]
ASKED = [bot_said("intake", missing_key("Outcome"))]

# (rule's decide, issue, ctx, the reads, in order)
ASKS = [
    # -- workflow.closed: never reads
    pytest.param(workflow_closed.decide, issue(("SA Doing", "SA Backlog"), state="closed"), ctx(), [],
                 id="workflow.closed: closed with workflow labels -> no read"),
    # -- workflow.state: history only to choose among several labels
    pytest.param(workflow_state.decide, issue(("FY27-Q4",)), ctx(), [],
                 id="workflow.state: no workflow label -> no read"),
    pytest.param(workflow_state.decide, issue(("SA Doing",)), ctx(), [], id="workflow.state: one label -> no read"),
    pytest.param(workflow_state.decide, issue(("SA Backlog", "SA Doing")), ctx(), [EVENTS],
                 id="workflow.state: several labels -> label events"),
    # -- workflow.assignee: history for an unowned triaged/doing; members only for a person who may be assigned
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), assignees=("ana.sa",)), ctx(), [],
                 id="workflow.assignee: doing with an assignee -> no read"),
    pytest.param(workflow_assignee.decide, issue(("SA Backlog",)), ctx(), [],
                 id="workflow.assignee: backlog without assignee -> no read"),
    pytest.param(workflow_assignee.decide, issue(("SA Backlog", "SA Doing")), ctx(), [],
                 id="workflow.assignee: two labels -> no read"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("ana.sa", "SA Doing", T)]), ctx(),
                 [EVENTS, MEMBERS], id="workflow.assignee: doing applied by ana (roster) -> label events, members"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("chen.sa", "SA Doing", T)]), ctx(),
                 [EVENTS, MEMBERS],
                 id="workflow.assignee: doing applied by chen (roster, not a member) -> events, members"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("eve.ae", "SA Doing", T)]), ctx(),
                 [EVENTS],
                 id="workflow.assignee: roster mode, applied by an AE -> label events only (not on the roster)"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("eve.ae", "SA Doing", T)]),
                 ctx(config=MEMBERS_MODE), [EVENTS, MEMBERS],
                 id="workflow.assignee: members mode, applied by an AE -> label events, members"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("gl-cs-bot", "SA Doing", T)]), ctx(),
                 [EVENTS], id="workflow.assignee: applied by gl-cs -> label events only"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("old-bot", "SA Doing", T)]),
                 ctx(config=FORMER), [EVENTS],
                 id="workflow.assignee: applied by a former bot user -> label events only"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[]), ctx(), [EVENTS],
                 id="workflow.assignee: no history -> label events only"),
    # -- workflow.transitions: history only for an issue changed within the window since gl-cs looked
    pytest.param(workflow_transitions.decide, issue(("SA Doing",), updated_at=LONG_AGO), ctx(), [],
                 id="workflow.transitions: updated before the window -> no read"),
    pytest.param(workflow_transitions.decide, issue(("SA Doing",), updated_at=RECENT, examined=True), ctx(), [],
                 id="workflow.transitions: updated recently but examined by gl-cs as it is -> no read"),
    pytest.param(workflow_transitions.decide, issue(("SA Doing", "SA Backlog"), updated_at=RECENT), ctx(), [],
                 id="workflow.transitions: two labels -> no read"),
    pytest.param(workflow_transitions.decide, issue(("SA Doing",), updated_at=RECENT), ctx(), [EVENTS],
                 id="workflow.transitions: updated recently, not examined -> label events"),
    pytest.param(workflow_transitions.decide, issue(("SA Doing",), updated_at=None), ctx(), [EVENTS],
                 id="workflow.transitions: no updated_at -> label events"),
    # -- intake: comments only when gl-cs may have moved it (marker first), history only after a marker
    pytest.param(intake.decide, issue(("SA Backlog",)), ctx(), [], id="intake: complete in backlog -> no read"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME), ctx(), [],
                 id="intake: missing, in backlog, no comments (user_notes_count 0) -> no read"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME, notes=[note("eve.ae", "hello")]),
                 ctx(), [NOTES], id="intake: missing, in backlog, people's comments -> comments only"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME, notes=[bot_said("expedite", "x")]),
                 ctx(), [NOTES], id="intake: missing, in backlog, gl-cs spoke only for expedite -> comments only"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME,
                                      notes=[note("eve.ae", "<!-- gl-cs:intake:missing-0123456789 -->")]),
                 ctx(), [NOTES], id="intake: missing, in backlog, a person pasted an intake marker -> comments only"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME, notes=ASKED), ctx(), [NOTES, EVENTS],
                 id="intake: missing, in backlog, gl-cs asked before -> comments, then label events"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME,
                                      notes=[bot_said("workflow.assignee", "event-1")]),
                 ctx(), [NOTES, EVENTS],
                 id="intake: missing, gl-cs commented for workflow.assignee -> comments, events"),
    pytest.param(intake.decide, issue(("SA Backlog",), description=NO_OUTCOME,
                                      notes=[bot_said("workflow.transitions", "event-1")]),
                 ctx(), [NOTES, EVENTS],
                 id="intake: missing, gl-cs commented for workflow.transitions -> comments, events"),
    pytest.param(intake.decide, issue(("SA Waiting",), description=NO_OUTCOME, notes=ASKED, events=GL_CS_PUT_IT), ctx(),
                 [NOTES], id="intake: missing, already in waiting -> comments (was it asked before, without a marker? "
                             "the writer then reads nothing more)"),
    pytest.param(intake.decide, issue(("SA Doing",), assignees=("ana.sa",), description=NO_OUTCOME, notes=ASKED),
                 ctx(), [], id="intake: missing, in doing -> no read"),
    pytest.param(intake.decide, issue(("SA Waiting",)), ctx(), [],
                 id="intake: complete, in waiting, no comments -> no read"),
    pytest.param(intake.decide, issue(("SA Waiting",), notes=[note("ana.sa", "waiting on legal")]), ctx(), [NOTES],
                 id="intake: complete, in waiting, people's comments -> comments only"),
    pytest.param(intake.decide, issue(("SA Waiting",), notes=ASKED, events=GL_CS_PUT_IT), ctx(), [NOTES, EVENTS],
                 id="intake: complete, in waiting, gl-cs asked -> comments, then label events"),
    pytest.param(intake.decide, issue(("SA Waiting",), events=GL_CS_PUT_IT,
                                      notes=ASKED + [bot_said("intake", thanked_key("Outcome"))]),
                 ctx(), [NOTES], id="intake: complete, in waiting, gl-cs already said thanks -> comments only"),
    # -- expedite and fiscal_quarter: never read
    pytest.param(expedite.decide, issue(("SA Backlog", "EXPEDITE")), ctx(), [],
                 id="expedite: event in 3 days -> no read"),
    pytest.param(expedite.decide, issue(("SA Backlog",), description=with_dates("ASAP"), notes=UNREAD), ctx(), [],
                 id="expedite: unreadable dates on a commented issue -> no read (the writer checks its markers)"),
    pytest.param(fiscal_quarter.decide, issue(("SA Backlog",)), ctx(), [], id="fiscal_quarter: -> no read"),
    # -- services: history only when a phrase is found on an unlabelled request
    pytest.param(services.decide, issue(("SA Backlog",)), ctx(), [], id="services: no phrase -> no read"),
    pytest.param(services.decide, issue(("SA Backlog",), description=PS), ctx(), [EVENTS],
                 id="services: a phrase, no label -> label events (did a person remove it?)"),
    pytest.param(services.decide, issue(("SA Backlog", "Services"), description=PS), ctx(), [],
                 id="services: a phrase, already labelled -> no read"),
    pytest.param(services.decide, issue(("SA Backlog",), description=PS), ctx(config=NO_PHRASES), [],
                 id="services: no phrases configured -> no read"),
    # -- the whole plan: every read at most once, shared by the rules
    pytest.param(decide_issue, issue(("SA Backlog", "FY27-Q4")), ctx(), [],
                 id="plan: a settled request, not updated recently -> no read"),
    pytest.param(decide_issue, issue(("SA Backlog", "FY27-Q4"), updated_at=RECENT, notes=UNREAD, notes_count=3), ctx(),
                 [EVENTS], id="plan: a settled request someone commented on recently -> label events (transitions)"),
    pytest.param(decide_issue, issue(("SA Backlog", "FY27-Q4"), updated_at=RECENT, examined=True), ctx(), [],
                 id="plan: the same, examined by gl-cs as it is now -> no read"),
    pytest.param(decide_issue, issue(("SA Backlog", "SA Doing", "FY27-Q4"), description=PS,
                                     events=[added("eve.ae", "SA Backlog", T), added("ana.sa", "SA Doing", T + H)]),
                 ctx(), [EVENTS, MEMBERS],
                 id="plan: two labels, then an unowned doing, then services -> label events once, members once"),
    pytest.param(decide_issue, issue(("FY27-Q4",), description=NO_OUTCOME), ctx(), [],
                 id="plan: first sync of an unlabelled incomplete request without comments -> no read"),
    pytest.param(decide_issue, issue(("SA Waiting", "FY27-Q4"), notes=ASKED, events=GL_CS_PUT_IT), ctx(),
                 [NOTES, EVENTS], id="plan: complete in gl-cs's waiting -> comments, then label events"),
]


@pytest.mark.parametrize("decide,issue,ctx,asked", ASKS)
def test_what_a_decision_reads(decide, issue, ctx, asked):
    assert reads(decide, issue, ctx)[0] == asked


KNOWN = [
    pytest.param(decide_issue, issue(("SA Doing", "FY27-Q4"), updated_at=RECENT), ("label_events",), [],
                 id="plan: history kept in gl-cs's record -> no read"),
    pytest.param(intake.decide, issue(("SA Waiting",), notes=ASKED, events=GL_CS_PUT_IT), ("notes",), [EVENTS],
                 id="intake: gl-cs's own markers kept in its record -> label events only"),
    pytest.param(workflow_assignee.decide, issue(("SA Doing",), events=[added("ana.sa", "SA Doing", T)]), ("members",),
                 [EVENTS], id="workflow.assignee: members read earlier in this sync -> label events only"),
]


@pytest.mark.parametrize("decide,issue,known,asked", KNOWN)
def test_data_the_sync_already_has_is_not_asked_for(decide, issue, known, asked):
    assert reads(decide, issue, ctx(), known=known)[0] == asked


def test_the_plan_keeps_the_comments_intake_read_for_the_writer():
    asked, plan = reads(decide_issue, issue(("SA Waiting", "FY27-Q4"), notes=ASKED, events=GL_CS_PUT_IT), ctx())
    assert asked == [NOTES, EVENTS] and plan.notes is not None and len(plan.notes) == 1


def test_a_new_unlabelled_issue_costs_no_history_read():
    assert reads(decide_issue, issue(("FY27-Q4",), created_at=RECENT, updated_at=RECENT, events=[]), ctx())[0] == []


# -- the context's accessors --------------------------------------------------------------------

def test_unread_members_are_asked_for():
    with pytest.raises(MissingData) as asked:
        ctx(members=UNREAD).members
    assert asked.value.what == "members"
    assert [m.username for m in ctx(members=("ana.sa",)).members] == ["ana.sa"]


def test_unread_label_events_are_asked_for():
    with pytest.raises(MissingData) as asked:
        ctx().events(issue(events=UNREAD))
    assert asked.value.what == "label_events"
    assert ctx().events(issue(events=[])) == ()


@pytest.mark.parametrize("count,asked", [
    pytest.param(0, False, id="user_notes_count 0 -> no comments, no read"),
    pytest.param(2, True, id="user_notes_count 2 -> read"),
    pytest.param(None, True, id="user_notes_count unknown -> read"),
])
def test_unread_comments(count, asked):
    from dataclasses import replace

    unread = replace(issue(notes=UNREAD), user_notes_count=count)
    if asked:
        with pytest.raises(MissingData) as need:
            ctx().notes(unread)
        assert need.value.what == "notes"
    else:
        assert ctx().notes(unread) == () and ctx().bot_notes(unread) == ()


def test_bot_notes_are_gl_cs_own_and_former_bots():
    read = issue(notes=[note("eve.ae", "hi"), bot_said("intake", "a"), bot_said("intake", "b", who="old-bot"),
                        note("ana.sa", "<!-- gl-cs:intake:c -->")])
    assert [n.author.username for n in ctx().bot_notes(read)] == ["gl-cs-bot"]
    assert [n.author.username for n in ctx(config=FORMER).bot_notes(read)] == ["gl-cs-bot", "old-bot"]


IS_BOT = [
    pytest.param(ctx(), user("gl-cs-bot"), True, id="the token's user -> gl-cs"),
    pytest.param(ctx(), type(user("gl-cs-bot"))(id=999, username="gl-cs-bot"), True,
                 id="another user id named as in team.bots -> gl-cs (the configured account)"),
    pytest.param(ctx(), user("old-bot"), False, id="old-bot, not listed -> a person"),
    pytest.param(ctx(config=FORMER), user("old-bot"), True, id="old-bot listed in former_bots -> gl-cs"),
    pytest.param(ctx(config=FORMER, bot=None), user("old-bot"), True, id="token user unknown, former bot -> gl-cs"),
    pytest.param(ctx(bot=None), user("gl-cs-bot"), True, id="token user unknown -> team.bots still names gl-cs"),
    pytest.param(ctx(bot=None), user("ana.sa"), False, id="token user unknown -> ana is a person"),
    pytest.param(ctx(), user("ana.sa"), False, id="ana -> a person"),
    pytest.param(ctx(), None, False, id="no user (deleted) -> not gl-cs"),
]


@pytest.mark.parametrize("context,who,bot", IS_BOT)
def test_is_bot(context: Context, who, bot):
    assert context.is_bot(who) is bot
    assert context.is_person(who) is (who is not None and not bot)


LABEL_FOR = [
    pytest.param("triaged", ("SA Backlog", "SA Triaged", "SA Triaged - ana.sa", "SA Triaged - ben.sa"),
                 "SA Triaged - ben.sa", id="triaged (prefix) -> the newest project label with the prefix"),
    pytest.param("triaged", ("SA Triaged - @alice",), "SA Triaged - @alice",
                 id="triaged -> 'SA Triaged - @alice', the only one"),
    pytest.param("triaged", ("SA Backlog",), "SA Triaged", id="triaged, no such project label -> the configured name"),
    pytest.param("doing", ("SA Doing - old", "SA Doing"), "SA Doing", id="doing (exact) -> the configured name"),
    pytest.param("backlog", (), "SA Backlog", id="backlog, no project labels read -> the configured name"),
]


@pytest.mark.parametrize("state,labels,label", LABEL_FOR)
def test_label_for(state, labels, label):
    assert ctx(labels=labels).label_for(state) == label
