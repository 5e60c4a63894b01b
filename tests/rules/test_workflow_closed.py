"""workflow.closed (gl_cs/decide/rules/workflow_closed.py): a closed issue loses its
workflow labels, and nothing else."""

from __future__ import annotations

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import workflow_closed
from gl_cs.decide.rules.workflow_closed import NAME, decide

from .builders import NOW, H, ctx, issue, variant
from .expect import assert_actions, remove

CLOSED = dict(state="closed", updated_at=NOW - H, assignees=("ana.sa",))
WHY = "the issue is closed"

CASES = [
    pytest.param(issue(("SA Doing", "customer::acme", "FY27-Q3"), **CLOSED), ctx(),
                 [remove("SA Doing", why=WHY)],
                 id="closed in doing -> doing removed, customer and old quarter labels stay"),
    pytest.param(issue(("SA Backlog", "EXPEDITE", "Services", "FY27-Q4"), **CLOSED), ctx(),
                 [remove("SA Backlog", why=WHY)],
                 id="closed with expedite and services -> only the workflow label goes"),
    pytest.param(issue(("SA Waiting", "Priority::1", "SA Doing"), **CLOSED), ctx(),
                 [remove("SA Waiting"), remove("SA Doing")],
                 id="several workflow labels -> every one removed, in label order"),
    pytest.param(issue(("SA Triaged - ana.sa", "FY27-Q4"), **CLOSED), ctx(),
                 [remove("SA Triaged - ana.sa")],
                 id="weekly triaged label (prefix match) -> removed"),
    pytest.param(issue(("SA Action Items",), **CLOSED), ctx(),
                 [remove("SA Action Items")],
                 id="closed action items issue -> its workflow label goes too"),
    pytest.param(issue(("customer::acme", "FY27-Q3"), **CLOSED), ctx(), [],
                 id="no workflow label -> nothing"),
    pytest.param(issue((), **CLOSED), ctx(), [], id="no labels at all -> nothing"),
    pytest.param(issue(("SA Doing",), **CLOSED),
                 ctx(config=variant({"closed_issues: remove_workflow_labels": "closed_issues: keep"})), [],
                 id="closed_issues keep -> labels stay"),
    pytest.param(issue(("SA Doing",), author="gl-cs-bot", **CLOSED), ctx(),
                 [remove("SA Doing")],
                 id="issue gl-cs opened, closed -> workflow label removed as well (rule applies to every kind)"),
    pytest.param(issue(("SA Doing",), events=[], **CLOSED), ctx(),
                 [remove("SA Doing")], id="no label history needed -> removed"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_workflow_closed(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


GATE = [
    pytest.param(issue(("SA Doing", "FY27-Q4"), assignees=("ana.sa",)), [],
                 id="open issue -> the rule does not run"),
    pytest.param(issue(("SA Doing", "FY27-Q3"), **CLOSED), [remove("SA Doing")],
                 id="closed issue -> the rule runs"),
]


@pytest.mark.parametrize("issue,want", GATE)
def test_workflow_closed_runs_on_closed_issues_only(issue, want):
    plan = decide_issue(issue, ctx(), rules=(workflow_closed.RULE,))
    assert_actions(plan.actions, want, rule=NAME)
