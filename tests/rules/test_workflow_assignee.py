"""workflow.assignee (gl_cs/decide/rules/workflow_assignee.py): SA Triaged and SA Doing
need an assignee. Whoever applied the label is assigned when they may be (a project
member; on the roster with ``assignable: roster``); otherwise the issue goes back to the
state it had before (the default when that one needs an assignee too), with one comment
to that person."""

from __future__ import annotations

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import workflow_assignee
from gl_cs.decide.rules.workflow_assignee import NAME, decide

from .builders import LONG_AGO, H, added, ctx, issue, moved, variant
from .expect import add, assert_actions, assign, comment, remove

T = LONG_AGO
MEMBERS_MODE = variant({"assignable: roster": "assignable: members"})
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})
PREFIX_BACKLOG = variant({"    backlog:\n      label: SA Backlog\n":
                          "    backlog:\n      label: SA Backlog\n      match: prefix\n"})
EXPLAINS = ("means an SA owns this request, so it needs an assignee", "To take it, assign yourself")
# Backlog (eve) -> Triaged (ana, board move) -> Doing (olga, board move): olga's add is event 5
OLGA_DOING = [added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Triaged", T + H, from_="SA Backlog"),
              moved("olga.outsider", "SA Doing", T + 2 * H, from_="SA Triaged")]



CASES = [
    # -- the person who applied it takes the work
    pytest.param(issue(("SA Triaged", "FY27-Q4"),
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Triaged", T + H, "SA Backlog")]),
                 ctx(), [assign("ana.sa", why="ana.sa applied 'SA Triaged' and so took the work")],
                 id="triaged applied by ana (roster, member) -> ana assigned, no comment"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), events=[added("ben.sa", "SA Doing", T)]), ctx(),
                 [assign("ben.sa", why="ben.sa applied 'SA Doing'")],
                 id="doing applied by ben (roster, member) -> ben assigned"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), events=[added("eve.ae", "SA Doing", T)]), ctx(config=MEMBERS_MODE),
                 [assign("eve.ae")], id="assignable members: an AE who is a member applied doing -> eve assigned"),
    pytest.param(issue(("SA Doing",), events=[added("ana.sa", "SA Doing", T), added("gl-cs-bot", "SA Doing", T + H)]),
                 ctx(), [assign("ana.sa")],
                 id="ana applied doing, gl-cs re-applied it later -> the person's add counts: ana assigned"),
    pytest.param(issue(("SA Triaged - ana.sa", "FY27-Q4"), events=[added("ben.sa", "SA Triaged - ana.sa", T)]),
                 ctx(labels=("SA Backlog", "SA Triaged - ana.sa")), [assign("ben.sa", why="'SA Triaged - ana.sa'")],
                 id="weekly triaged label 'SA Triaged - ana.sa' applied by ben -> ben assigned"),
    # -- nothing to do
    pytest.param(issue(("SA Doing", "FY27-Q4"), assignees=("ana.sa",), events=[added("olga.outsider", "SA Doing", T)]),
                 ctx(), [], id="doing with an assignee -> nothing, whoever applied it"),
    pytest.param(issue(("SA Triaged - ana.sa",), assignees=("ana.sa",)), ctx(), [],
                 id="weekly triaged label with an assignee -> nothing"),
    pytest.param(issue(("SA Backlog",)), ctx(), [], id="backlog without assignee -> nothing"),
    pytest.param(issue(("SA Waiting",)), ctx(), [], id="waiting without assignee -> nothing"),
    pytest.param(issue(("SA Action Items",)), ctx(), [], id="action items without assignee -> nothing"),
    pytest.param(issue(("FY27-Q4",)), ctx(), [], id="no workflow label -> nothing (workflow.state's job)"),
    pytest.param(issue(("SA Backlog", "SA Doing"), events=[added("olga.outsider", "SA Doing", T)]), ctx(), [],
                 id="two workflow labels -> nothing (workflow.state decides first)"),
    # -- cannot be assigned: back, with one comment
    pytest.param(issue(("SA Doing", "FY27-Q4"), events=OLGA_DOING), ctx(),
                 [remove("SA Doing", why="'SA Doing' needs an assignee and olga.outsider cannot be assigned "
                                         "(only the SA roster can)"),
                  add("SA Backlog"),
                  comment("event-5", to="olga.outsider", cites=("SA Doing", "SA Backlog"),
                          says=EXPLAINS + ("only assign the SA roster",),
                          summary="to olga.outsider: explains who may take the request")],
                 id="doing applied by a non-member from triaged -> back to backlog (triaged needs an owner too)"),
    pytest.param(issue(("SA Doing", "FY27-Q4"),
                       events=[added("eve.ae", "SA Waiting", T), moved("eve.ae", "SA Doing", T + H, "SA Waiting")]),
                 ctx(), [remove("SA Doing"), add("SA Waiting"),
                         comment("event-3", to="eve.ae", cites=("SA Doing", "SA Waiting"), says="the SA roster")],
                 id="roster: an AE member moved waiting -> doing -> back to waiting, the state it had before"),
    pytest.param(issue(("SA Doing",), events=[added("ana.sa", "SA Action Items", T),
                                              moved("olga.outsider", "SA Doing", T + H, "SA Action Items")]),
                 ctx(), [remove("SA Doing"), add("SA Action Items"), comment("event-3", to="olga.outsider")],
                 id="action items -> doing by a non-member -> back to action items"),
    pytest.param(issue(("SA Doing",), events=[added("chen.sa", "SA Doing", T)]), ctx(),
                 [remove("SA Doing", why="chen.sa cannot be assigned"), add("SA Backlog"),
                  comment("event-1", to="chen.sa")],
                 id="roster: chen is on the roster but not a project member -> not assignable, back to backlog"),
    pytest.param(issue(("SA Doing",), events=[added("olga.outsider", "SA Doing", T)]), ctx(config=MEMBERS_MODE),
                 [remove("SA Doing", why="(only project members can)"), add("SA Backlog"),
                  comment("event-1", to="olga.outsider", says="only assign project members", never="roster")],
                 id="assignable members: a non-member applied doing -> back, the comment says project members"),
    pytest.param(issue(("SA Triaged", "FY27-Q4"), events=[added("gl-cs-bot", "SA Triaged", T)]), ctx(),
                 [remove("SA Triaged", why="gl-cs-bot cannot be assigned"), add("SA Backlog"),
                  comment("no-owner-SA Triaged", to=None, cites=("SA Triaged", "SA Backlog"))],
                 id="triaged applied by gl-cs itself -> back to backlog, comment mentions nobody, keyed on the label"),
    pytest.param(issue(("SA Doing",), events=[added("old-bot", "SA Doing", T)]), ctx(config=FORMER),
                 [remove("SA Doing"), add("SA Backlog"), comment("no-owner-SA Doing", to=None)],
                 id="doing applied by a former bot user -> as gl-cs: nobody mentioned, keyed on the label"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), events=[]), ctx(),
                 [remove("SA Doing", why="'SA Doing' needs an assignee and someone cannot be assigned"),
                  add("SA Backlog"), comment("no-owner-SA Doing", to=None)],
                 id="doing without any label history -> back to backlog, nobody mentioned"),
    pytest.param(issue(("SA Doing",), events=[added(None, "SA Doing", T)]), ctx(),
                 [remove("SA Doing", why="someone cannot be assigned"), add("SA Backlog"),
                  comment("no-owner-SA Doing", to=None)],
                 id="doing applied by a deleted user (no user in history) -> back, nobody mentioned"),
    pytest.param(issue(("SA Doing",), events=[added("all", "SA Doing", T)]), ctx(),
                 [remove("SA Doing", why="all cannot be assigned"), add("SA Backlog"), comment("event-1", to=None)],
                 id="applied by a user literally named 'all' -> never @all: nobody mentioned"),
    pytest.param(issue(("SA Triaged - @all this week", "FY27-Q4"),
                       events=[added("olga.outsider", "SA Triaged - @all this week", T)]),
                 ctx(labels=("SA Backlog", "SA Triaged - @all this week")),
                 [remove("SA Triaged - @all this week"), add("SA Backlog"),
                  comment("event-1", to="olga.outsider", cites=("SA Triaged - @all this week", "SA Backlog"),
                          says="SA Triaged - @")],
                 id="weekly label 'SA Triaged - @all this week' cited in the comment -> it mentions nobody"),
    pytest.param(issue(("SA Doing",), events=[added("olga.outsider", "SA Doing", T)]),
                 ctx(config=PREFIX_BACKLOG, labels=("SA Backlog", "SA Backlog - 2026")),
                 [remove("SA Doing"), add("SA Backlog - 2026"), comment("event-1", to="olga.outsider")],
                 id="default state matched by prefix -> back to the newest project label with the prefix"),
    pytest.param(issue(("SA Doing",), events=[added("eve.ae", "SA Waiting", T), added("olga.outsider", "SA Doing", T)]),
                 ctx(), [remove("SA Doing"), add("SA Backlog"), comment("event-2", to="olga.outsider")],
                 id="waiting added at the same instant as doing -> not 'before': back to the default"),
    pytest.param(issue(("SA Doing",), events=[added("eve.ae", "SA Waiting", T), moved("eve.ae", "SA Backlog", T + H,
                                                                                        "SA Waiting"),
                                              added("olga.outsider", "SA Doing", T + 2 * H)]),
                 ctx(), [remove("SA Doing"), add("SA Backlog"), comment("event-4", to="olga.outsider")],
                 id="several states before -> back to the most recent one"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_workflow_assignee(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


def test_report_summary_of_a_bot_made_move_does_not_address_the_bot():
    actions = decide(issue(("SA Doing",), events=[added("gl-cs-bot", "SA Doing", T)]), ctx())
    summary = [a for a in actions if a.__class__.__name__ == "Comment"][0].summary
    assert "gl-cs-bot" not in summary


GATE = [
    pytest.param(issue(("SA Doing",), state="closed", events=[added("olga.outsider", "SA Doing", T)]), [],
                 id="closed issue in doing without assignee -> not run"),
    pytest.param(issue(("SA Doing",), author="gl-cs-bot", events=[added("ana.sa", "SA Doing", T)]),
                 [assign("ana.sa")], id="an issue gl-cs opened -> runs (every kind needs an owner in doing)"),
    pytest.param(issue(("SA Triaged", "SA Action Items"), events=[]), [], id="two states -> nothing yet"),
]


@pytest.mark.parametrize("issue,want", GATE)
def test_workflow_assignee_runs_on_every_open_issue(issue, want):
    assert_actions(decide_issue(issue, ctx(), rules=(workflow_assignee.RULE,)).actions, want, rule=NAME)


OWNERS = [("ana.sa", "SA Triaged"), ("ana.sa", "SA Doing"), ("olga.outsider", "SA Triaged"),
          ("olga.outsider", "SA Doing"), ("eve.ae", "SA Triaged"), ("eve.ae", "SA Doing"),
          ("gl-cs-bot", "SA Triaged"), ("gl-cs-bot", "SA Doing"), (None, "SA Doing"), ("no history", "SA Doing")]


@pytest.mark.parametrize("who,label", OWNERS,
                         ids=[f"{label} applied by {who} -> owned or out of it" for who, label in OWNERS])
def test_no_open_issue_is_left_triaged_or_doing_without_assignee(who, label):
    events = [] if who == "no history" else [added(who, label, T)]
    unowned = issue((label, "FY27-Q4"), events=events)
    plan = decide_issue(unowned, ctx())
    labels = (set(unowned.labels) | set(plan.add_labels)) - set(plan.remove_labels)
    needs_owner = {"SA Triaged", "SA Doing"} & labels
    assert plan.assignees or not needs_owner, (labels, plan.actions)
