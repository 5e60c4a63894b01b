"""workflow.state (gl_cs/decide/rules/workflow_state.py): an open issue is in exactly one
workflow state. None: the default (SA Backlog). Several: the one a person added most
recently wins; without any person's add, gl-cs's most recent; without history, the state
furthest along the workflow."""

from __future__ import annotations

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import workflow_state
from gl_cs.decide.rules.workflow_state import NAME, decide

from .builders import LONG_AGO, H, added, ctx, issue, moved, removed, variant
from .expect import add, assert_actions, remove

T = LONG_AGO
ONE = "an issue is in one workflow state at a time"
PREFIX_BACKLOG = variant({"    backlog:\n      label: SA Backlog\n":
                          "    backlog:\n      label: SA Backlog\n      match: prefix\n"})
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})

CASES = [
    # -- no workflow label
    pytest.param(issue(("customer::acme", "Priority::1", "FY27-Q4")), ctx(),
                 [add("SA Backlog", why="it had no workflow label; new requests start in 'SA Backlog'")],
                 id="no workflow label -> SA Backlog added, other labels untouched"),
    pytest.param(issue(()), ctx(), [add("SA Backlog")], id="no labels at all -> SA Backlog"),
    pytest.param(issue(("FY27-Q4",), events=[]), ctx(), [add("SA Backlog")],
                 id="no workflow label, no history -> SA Backlog (history not needed)"),
    pytest.param(issue(("FY27-Q4",)), ctx(config=PREFIX_BACKLOG, labels=("SA Backlog", "SA Backlog - 2026")),
                 [add("SA Backlog - 2026", why="start in 'SA Backlog - 2026'")],
                 id="default state matched by prefix -> the newest project label with the prefix"),
    pytest.param(issue(("FY27-Q4",)), ctx(config=PREFIX_BACKLOG, labels=("SA Doing",)),
                 [add("SA Backlog")],
                 id="default state by prefix, no such project label -> the configured name"),
    # -- exactly one
    pytest.param(issue(("SA Doing", "customer::acme"), assignees=("ana.sa",)), ctx(), [],
                 id="one workflow label and others -> nothing"),
    pytest.param(issue(("SA Triaged - ana.sa", "FY27-Q4")), ctx(), [],
                 id="one weekly triaged label (prefix) -> nothing"),
    pytest.param(issue(("SA Triaged - @alice", "FY27-Q4")), ctx(), [],
                 id="weekly triaged label 'SA Triaged - @alice' -> one state, nothing"),
    # -- several: a person's most recent add wins
    pytest.param(issue(("SA Backlog", "SA Waiting", "SA Doing", "customer::acme", "FY27-Q4"),
                       assignees=("ana.sa",),
                       events=[added("eve.ae", "SA Backlog", T), added("ana.sa", "SA Waiting", T + 2 * H),
                               added("ben.sa", "SA Doing", T + H), added("eve.ae", "customer::acme", T + 3 * H)]),
                 ctx(),
                 [remove("SA Backlog", why=(ONE, "'SA Waiting' is the workflow label ana.sa added most recently")),
                  remove("SA Doing")],
                 id="backlog, waiting and doing -> waiting kept (ana added it last), a later other label ignored"),
    pytest.param(issue(("SA Backlog", "SA Doing"), assignees=("ana.sa",),
                       events=[added("eve.ae", "SA Backlog", T), added("ana.sa", "SA Doing", T + H)]),
                 ctx(), [remove("SA Backlog", why="'SA Doing' is the workflow label ana.sa added")],
                 id="backlog and doing -> doing kept, backlog removed (ana added doing last)"),
    pytest.param(issue(("SA Backlog", "SA Triaged", "FY27-Q4"), assignees=("ana.sa",),
                       events=[added("ana.sa", "SA Triaged", T), added("gl-cs-bot", "SA Backlog", T + H)]),
                 ctx(), [remove("SA Backlog", why="ana.sa added most recently")],
                 id="gl-cs added backlog after ana's triaged -> a bot's add never beats a person: triaged kept"),
    pytest.param(issue(("SA Backlog", "SA Triaged"), assignees=("ana.sa",),
                       events=[added("ana.sa", "SA Triaged", T), added("old-bot", "SA Backlog", T + H)]),
                 ctx(config=FORMER), [remove("SA Backlog")],
                 id="a former bot user added backlog later -> it counts as gl-cs: triaged kept"),
    pytest.param(issue(("SA Backlog", "SA Triaged"), assignees=("ana.sa",),
                       events=[added("ana.sa", "SA Triaged", T), added("old-bot", "SA Backlog", T + H)]),
                 ctx(), [remove("SA Triaged", why="old-bot added most recently")],
                 id="old-bot not listed as a former bot -> a person: its later backlog wins"),
    pytest.param(issue(("SA Backlog", "SA Waiting"),
                       events=[added("gl-cs-bot", "SA Backlog", T), added("gl-cs-bot", "SA Waiting", T + H)]),
                 ctx(), [remove("SA Backlog", why="'SA Waiting' is the workflow label gl-cs-bot added most recently")],
                 id="only gl-cs added them -> gl-cs's most recent add wins"),
    pytest.param(issue(("SA Backlog", "SA Waiting"),
                       events=[added("eve.ae", "SA Backlog", T), added(None, "SA Waiting", T + H)]),
                 ctx(), [remove("SA Waiting", why="'SA Backlog' is the workflow label eve.ae added most recently")],
                 id="a deleted user's later add (user None) is not a person's -> eve's backlog wins"),
    pytest.param(issue(("SA Backlog", "SA Waiting"),
                       events=[added(None, "SA Backlog", T), added(None, "SA Waiting", T + H)]),
                 ctx(), [remove("SA Backlog", why="'SA Waiting' is the workflow label someone added most recently")],
                 id="only deleted users in history -> the most recent add wins, 'someone' in the reason"),
    pytest.param(issue(("SA Doing", "SA Backlog"), assignees=("ana.sa",),
                       events=[added("ana.sa", "SA Doing", T), removed("ana.sa", "SA Doing", T + H),
                               added("eve.ae", "SA Backlog", T + 2 * H), added("ana.sa", "SA Doing", T + 3 * H)]),
                 ctx(), [remove("SA Backlog")],
                 id="doing added, removed, added again last -> the latest add counts: doing kept"),
    pytest.param(issue(("SA Backlog", "SA Doing"), assignees=("ana.sa",),
                       events=[added("ana.sa", "SA Doing", T, id=7), added("eve.ae", "SA Backlog", T, id=8)]),
                 ctx(), [remove("SA Doing", why="eve.ae")],
                 id="two adds at the same instant -> the later event id wins"),
    pytest.param(issue(("SA Triaged - ana.sa", "SA Backlog", "FY27-Q4"), assignees=("ana.sa",),
                       events=[added("eve.ae", "SA Backlog", T), added("ana.sa", "SA Triaged - ana.sa", T + H)]),
                 ctx(labels=("SA Backlog", "SA Triaged - ana.sa")),
                 [remove("SA Backlog", why="'SA Triaged - ana.sa'")],
                 id="weekly triaged label added last -> it wins over backlog"),
    pytest.param(issue(("SA Triaged - ana.sa", "SA Triaged - ben.sa"), assignees=("ana.sa",),
                       events=[added("ana.sa", "SA Triaged - ana.sa", T),
                               added("ben.sa", "SA Triaged - ben.sa", T + H)]),
                 ctx(), [remove("SA Triaged - ana.sa")],
                 id="two weekly triaged labels -> both are the triaged state: the older one goes"),
    pytest.param(issue(("SA Backlog", "SA Doing"), assignees=("ana.sa",),
                       events=moved("ana.sa", "SA Doing", T + H, from_="SA Waiting")
                       + [added("eve.ae", "SA Backlog", T + 2 * H)]),
                 ctx(), [remove("SA Doing", why="eve.ae")],
                 id="eve added backlog after ana's board move to doing -> backlog kept"),
    # -- several, no usable history: the state furthest along the workflow
    pytest.param(issue(("SA Backlog", "SA Doing"), assignees=("ana.sa",), events=[]), ctx(),
                 [remove("SA Backlog", why="no label history; kept 'SA Doing', the state furthest along")],
                 id="backlog and doing, no history -> doing kept (furthest along)"),
    pytest.param(issue(("SA Waiting", "SA Triaged", "SA Backlog"), assignees=("ana.sa",),
                       events=[added("eve.ae", "customer::acme", T)]), ctx(),
                 [remove("SA Triaged"), remove("SA Backlog")],
                 id="history without any workflow label -> as no history: waiting kept"),
    pytest.param(issue(("SA Doing", "SA Action Items"), assignees=("ana.sa",), events=[]), ctx(),
                 [remove("SA Doing", why="kept 'SA Action Items'")],
                 id="doing and action items, no history -> action items (last in rules.yml order)"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_workflow_state(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


GATE = [
    pytest.param(issue(("FY27-Q3",), state="closed"), [], id="closed issue without workflow label -> not run"),
    pytest.param(issue(("FY27-Q4",), author="gl-cs-bot"), [add("SA Backlog")],
                 id="an issue gl-cs opened -> runs (every kind of issue has one state)"),
    pytest.param(issue(("FY27-Q4",), description="no template at all"), [add("SA Backlog")],
                 id="not a request (no template) -> runs as well"),
]


@pytest.mark.parametrize("issue,want", GATE)
def test_workflow_state_runs_on_every_open_issue(issue, want):
    assert_actions(decide_issue(issue, ctx(), rules=(workflow_state.RULE,)).actions, want, rule=NAME)
