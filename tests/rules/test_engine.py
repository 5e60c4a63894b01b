"""The engine (gl_cs/decide/engine.py): ``decide_issue`` runs every rule in order, each on
the issue as the earlier rules left it (projected labels and assignees), skips rules
that do not apply to the issue's state or kind (gl_cs/decide/request.py), and folds the
actions into one plan that shows only changes that survive."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from gl_cs.decide.actions import AddLabel, Comment, Finding, RemoveLabel, SetAssignees
from gl_cs.decide.engine import UnmanagedLabelError, decide_issue
from gl_cs.decide.request import (ACTION_ITEMS, LIVE_OPTIMIZATION_REQUEST, ONBOARDING_REQUEST, OPENED, OTHER, REQUEST,
                                  issue_facts, issue_kind)
from gl_cs.decide.rules import RULES, Rule

from .builders import (COMPLETE, LONG_AGO, NOW, RECENT, UTC, H, M, added, bot_said, ctx, issue, missing_key, moved,
                       note, removed, request, thanked_key, user, variant, with_dates, with_tasks)
from .expect import add, assert_actions, assign, comment, finding, remove

T = LONG_AGO
REVERT = variant({"on_violation: comment": "on_violation: revert"})
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})
BY_LABEL = variant({"applies_to: all": 'applies_to: {label: "SA Activity"}'})
BY_MARKER = variant({"applies_to: all": 'applies_to: {marker: "SA-ACTIVITY-TEMPLATE"}'})
# Everything a request can be asked about at once: Outcome missing, professional services,
# an event 23 hours away.
EVERYTHING = request(drop=("Outcome",), SA_Tasks="Needs professional services.",
                     Preferred_Date_Options="Tue Nov 24, 8am PT")


def test_rules_run_in_this_order():
    assert [r.name for r in RULES] == ["workflow.closed", "workflow.state", "workflow.assignee",
                                       "workflow.transitions", "intake", "kind_intake", "expedite", "fiscal_quarter",
                                       "services", "checklist_progress"]


def test_rules_declare_the_issues_they_apply_to():
    assert {r.name: (r.states, r.kinds) for r in RULES} == {
        "workflow.closed": (("closed",), None),
        "workflow.state": (("opened",), None),
        "workflow.assignee": (("opened",), None),
        "workflow.transitions": (("opened",), None),
        "intake": (("opened",), (REQUEST,)),
        "expedite": (("opened",), (REQUEST,)),
        "fiscal_quarter": (("opened",), None),
        "services": (("opened",), (REQUEST,)),
        "kind_intake": (("opened",), (ONBOARDING_REQUEST, LIVE_OPTIMIZATION_REQUEST)),
        "checklist_progress": (("opened",), (OPENED, OTHER)),
    }


# (issue, ctx, the plan's actions, labels added, labels removed, assignees or None)
PLANS = [
    pytest.param(issue(("FY27-Q4",), description=request(drop=("Outcome",))), ctx(),
                 [add("SA Waiting", rule="intake"), comment(missing_key("Outcome"), to="eve.ae", rule="intake")],
                 ("SA Waiting",), (), None,
                 id="no workflow label, outcome missing -> backlog (state) then waiting (intake): "
                    "net add waiting only"),
    pytest.param(issue(("SA Backlog", "SA Doing", "FY27-Q4"),
                       events=[added("eve.ae", "SA Backlog", T), added("ana.sa", "SA Doing", T + H)]),
                 ctx(), [remove("SA Backlog", rule="workflow.state"), assign("ana.sa", rule="workflow.assignee")],
                 (), ("SA Backlog",), ("ana.sa",),
                 id="backlog and doing (ana last), no assignee -> state keeps doing, assignee sees it: ana assigned"),
    pytest.param(issue(("SA Doing", "FY27-Q4"),
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Waiting", T + H, "SA Backlog"),
                               moved("olga.outsider", "SA Doing", T + 2 * H, "SA Waiting")]),
                 ctx(), [remove("SA Doing", rule="workflow.assignee"), add("SA Waiting", rule="workflow.assignee"),
                         comment("event-5", to="olga.outsider", rule="workflow.assignee")],
                 ("SA Waiting",), ("SA Doing",), None,
                 id="olga's doing reverted to ana's waiting -> intake sees a complete request it never asked about: "
                    "nothing more"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), updated_at=RECENT,
                       events=[added("eve.ae", "SA Backlog", T),
                               moved("olga.outsider", "SA Doing", RECENT, "SA Backlog")]),
                 ctx(), [remove("SA Doing", rule="workflow.assignee"), add("SA Backlog", rule="workflow.assignee"),
                         comment("event-3", to="olga.outsider", rule="workflow.assignee")],
                 ("SA Backlog",), ("SA Doing",), None,
                 id="a non-member's recent backlog -> doing -> reverted by assignee; transitions sees backlog: "
                    "no second comment"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), updated_at=RECENT,
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Doing", RECENT, "SA Backlog")]),
                 ctx(), [assign("ana.sa", rule="workflow.assignee"),
                         finding("transition SA Backlog -> SA Doing by ana.sa", rule="workflow.transitions"),
                         comment("event-3", to="ana.sa", rule="workflow.transitions")],
                 (), (), ("ana.sa",),
                 id="ana's recent backlog -> doing without assignee -> assigned, and the move explained"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), assignees=("ana.sa",), updated_at=RECENT, examined=True,
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Doing", RECENT, "SA Backlog")]),
                 ctx(), [], (), (), None,
                 id="the same move on an issue gl-cs already examined as it is -> nothing"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=NOW - H,
                       events=[added("olga.outsider", "SA Doing", NOW - 3 * H),
                               moved("ben.sa", "SA Backlog", NOW - H, "SA Doing")]),
                 ctx(config=REVERT),
                 [finding("transition SA Doing -> SA Backlog by ben.sa"),
                  comment("event-3", to="ben.sa", never="moved it back", rule="workflow.transitions")],
                 (), (), None,
                 id="revert mode: ben's doing -> backlog on an unowned issue -> explained, not reverted"),
    pytest.param(issue(("SA Waiting", "SA Triaged", "FY27-Q4"), assignees=("ana.sa",), updated_at=NOW - H,
                       description=request(drop=("Infrastructure",)),
                       notes=[bot_said("intake", missing_key("Infrastructure"))],
                       events=[added("eve.ae", "SA Backlog", T), moved("gl-cs-bot", "SA Waiting", T + H, "SA Backlog"),
                               added("ana.sa", "SA Triaged", NOW - H)]),
                 ctx(), [remove("SA Waiting", rule="workflow.state"),
                         finding("missing Infrastructure; kept out of SA Waiting by ana.sa", rule="intake")],
                 (), ("SA Waiting",), None,
                 id="ana applied triaged on gl-cs's waiting -> state keeps hers, intake reports instead of moving"),
    pytest.param(issue(("SA Backlog", "FY27-Q4", "EXPEDITE"), title="/close @all {{ 7*7 }}",
                       description=request(drop=("Outcome",), Preferred_Date_Options="ASAP")),
                 ctx(), [remove("SA Backlog", rule="intake"), add("SA Waiting", rule="intake"),
                         comment(missing_key("Outcome"), to="eve.ae", rule="intake"),
                         finding("no readable event date", rule="expedite"),
                         comment("unreadable-" + hashlib.sha1(b"ASAP").hexdigest()[:10], to="eve.ae",
                                 rule="expedite")],
                 ("SA Waiting",), ("SA Backlog",), None,
                 id="outcome missing and unreadable dates -> intake and expedite both speak (one note, by the writer)"),
    pytest.param(issue((), description=EVERYTHING), ctx(),
                 [add("SA Waiting", rule="intake"), comment(missing_key("Outcome"), to="eve.ae", rule="intake"),
                  add("EXPEDITE", rule="expedite"), add("FY27-Q4", rule="fiscal_quarter"),
                  add("Services", rule="services")],
                 ("SA Waiting", "EXPEDITE", "FY27-Q4", "Services"), (), None,
                 id="a bare request needing everything -> every rule acts, one net plan"),
    # which rules apply
    pytest.param(issue(("SA Doing", "customer::acme"), state="closed", description=EVERYTHING, updated_at=NOW - H),
                 ctx(), [remove("SA Doing", rule="workflow.closed")], (), ("SA Doing",), None,
                 id="closed request needing everything -> only workflow.closed runs"),
    pytest.param(issue((), author="gl-cs-bot", description=EVERYTHING + "\n<!-- gl-cs:create:checklist-7 -->"), ctx(),
                 [add("SA Backlog", rule="workflow.state"), add("FY27-Q4", rule="fiscal_quarter")],
                 ("SA Backlog", "FY27-Q4"), (), None,
                 id="an issue gl-cs opened -> workflow and quarter only; never intake, expedite or services"),
    pytest.param(issue(("SA Action Items",), description=EVERYTHING), ctx(),
                 [add("FY27-Q4", rule="fiscal_quarter")], ("FY27-Q4",), (), None,
                 id="SA Action Items -> the quarter only; never intake, expedite or services"),
    pytest.param(issue((), description=EVERYTHING), ctx(config=BY_LABEL),
                 [add("SA Backlog", rule="workflow.state"), add("FY27-Q4", rule="fiscal_quarter")],
                 ("SA Backlog", "FY27-Q4"), (), None,
                 id="not a request (applies_to label, unlabelled) -> workflow and quarter only"),
]


@pytest.mark.parametrize("issue,ctx,want,added,removed,assignees", PLANS)
def test_decide_issue(issue, ctx, want, added, removed, assignees):
    plan = decide_issue(issue, ctx)
    assert_actions(plan.actions, want)
    assert (plan.add_labels, plan.remove_labels) == (added, removed)
    assert (None if plan.assignees is None else tuple(u.username for u in plan.assignees)) == assignees
    assert (plan.iid, plan.web_url) == (issue.iid, issue.web_url)


def test_a_plan_of_findings_only_writes_nothing():
    """ana took the request out of gl-cs's SA Waiting (allowed move, she is assigned)."""
    plan = decide_issue(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), description=request(drop=("Outcome",)),
                              notes=[bot_said("intake", missing_key("Outcome"))], updated_at=RECENT,
                              events=[added("eve.ae", "SA Backlog", T),
                                      moved("gl-cs-bot", "SA Waiting", T + H, "SA Backlog"),
                                      moved("ana.sa", "SA Triaged", RECENT, "SA Waiting")]), ctx())
    assert_actions(plan.actions, [finding("missing Outcome; kept out of SA Waiting by ana.sa", rule="intake")])
    assert not plan.has_writes


# Issues every rule leaves alone: the whole plan is empty (a sync writes nothing).
SETTLED = [
    pytest.param(issue(("SA Backlog", "FY27-Q4")), ctx(), id="a complete request in backlog"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=RECENT, notes=[note("finn.ae", "any news?")]), ctx(),
                 id="the same, commented on an hour ago"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"),
                       events=[added("eve.ae", "SA Backlog", T), added("eve.ae", "FY27-Q4", T),
                               moved("eve.ae", "SA Waiting", T + H, "SA Backlog")]),
                 ctx(), id="complete, in eve's own waiting"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"),
                       events=[added("eve.ae", "SA Backlog", T), added("eve.ae", "FY27-Q4", T),
                               moved("ana.sa", "SA Waiting", T + H, "SA Backlog")]),
                 ctx(), id="complete, in ana's waiting"),
    pytest.param(issue(("SA Doing", "FY27-Q4"), assignees=("ana.sa",),
                       description=request(drop=("Outcome", "Infrastructure")),
                       events=[added("eve.ae", "SA Backlog", T), added("eve.ae", "FY27-Q4", T),
                               moved("ana.sa", "SA Triaged", T + H, "SA Backlog"),
                               moved("ana.sa", "SA Doing", T + 2 * H, "SA Triaged")]),
                 ctx(), id="fields missing, but ana is doing it"),
    pytest.param(issue(description=with_tasks("- [x] Demo\n- [ ] POC support\n- [ ] Services evaluation")), ctx(),
                 id="sa tasks: a ticked template box, an unticked 'Services evaluation'"),
    pytest.param(issue(description=with_tasks("- [ ] Discovery call with the platform team\n"
                                              "- [ ] Send the reference architecture")), ctx(),
                 id="sa tasks: the AE's own unticked tasks"),
    pytest.param(issue(description=request(drop=("Outcome",)) + "\n**Desired Outcome**: cut release time in half\n"),
                 ctx(), id="outcome written as '**Desired Outcome**: ...'"),
    pytest.param(issue(("SA Backlog", "FY27-Q4", "Services", "customer::acme", "Priority::1"),
                       events=[added("ana.sa", l, T) for l in ("SA Backlog", "FY27-Q4", "Services", "customer::acme",
                                                               "Priority::1")]),
                 ctx(), id="a person's Services label without any phrase, unmanaged labels"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), description=with_tasks("Customer said no to professional services."),
                       events=[added("eve.ae", "SA Backlog", T), added("gl-cs-bot", "Services", T + H),
                               removed("ana.sa", "Services", T + 2 * H)]),
                 ctx(), id="professional services, but ana removed Services"),
    pytest.param(issue(("SA Action Items", "FY27-Q4"), description=with_dates("Tue Nov 24, 8am PT")), ctx(),
                 id="SA Action Items with an event in 23 h"),
    pytest.param(issue(("FY27-Q4",), state="closed", updated_at=NOW - H, description=with_dates("Tue Nov 24, 8am PT")),
                 ctx(), id="closed, no workflow label, event in 23 h"),
    # the sync after gl-cs acted: converged
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=NOW - M, notes=[bot_said("workflow.assignee", "event-5")],
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Triaged", T + H, "SA Backlog"),
                               moved("olga.outsider", "SA Doing", T + 2 * H, "SA Triaged"),
                               moved("gl-cs-bot", "SA Backlog", NOW - M, "SA Doing")]),
                 ctx(), id="after gl-cs moved olga's doing back to backlog"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=NOW - M,
                       notes=[bot_said("intake", missing_key("Outcome")),
                              bot_said("intake", thanked_key("Outcome"))],
                       events=[added("eve.ae", "SA Backlog", T), moved("gl-cs-bot", "SA Waiting", T + H, "SA Backlog"),
                               moved("gl-cs-bot", "SA Backlog", NOW - M, "SA Waiting")]),
                 ctx(), id="after gl-cs thanked eve and moved the request back to backlog"),
    pytest.param(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), updated_at=NOW - M,
                       notes=[bot_said("intake", missing_key("SA Tasks")),
                              bot_said("intake", thanked_key("SA Tasks"))],
                       events=[added("ana.sa", "SA Triaged", T), moved("gl-cs-bot", "SA Waiting", T + H, "SA Triaged"),
                               moved("gl-cs-bot", "SA Triaged", NOW - M, "SA Waiting")]),
                 ctx(), id="after gl-cs moved the completed request back to ana's triaged"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=NOW - M, description=with_dates("Tue Nov 24, 10am PT"),
                       notes=[bot_said("expedite", "removed-20261124T1800")],
                       events=[added("eve.ae", "SA Backlog", T), added("eve.ae", "EXPEDITE", T),
                               removed("gl-cs-bot", "EXPEDITE", NOW - M)]),
                 ctx(), id="after gl-cs removed an early EXPEDITE (event in 25 h)"),
]


@pytest.mark.parametrize("issue,ctx", SETTLED)
def test_a_settled_issue_has_an_empty_plan(issue, ctx):
    plan = decide_issue(issue, ctx)
    assert_actions(plan.actions, [])
    assert not plan.has_writes and plan.assignees is None and plan.add_labels == plan.remove_labels == ()


DESCRIBED = [
    pytest.param(AddLabel("r", "w", label="SA Backlog"), "add label 'SA Backlog'", id="add label"),
    pytest.param(RemoveLabel("r", "w", label="EXPEDITE"), "remove label 'EXPEDITE'", id="remove label"),
    pytest.param(SetAssignees("r", "w", assignees=(user("ana.sa"), user("ben.sa"))), "assign ana.sa, ben.sa",
                 id="assign"),
    pytest.param(SetAssignees("r", "w"), "assign nobody", id="assign nobody"),
    pytest.param(Comment("r", "w", key="k", body="x", summary="to eve.ae: asks for Outcome"),
                 "comment to eve.ae: asks for Outcome", id="comment with a summary"),
    pytest.param(Comment("r", "w", key="k", body="Hello there\nsecond line"), "comment: Hello there",
                 id="comment without a summary -> its first line"),
    pytest.param(Finding("r", "w", text="no readable event date"), "no readable event date", id="finding"),
]


@pytest.mark.parametrize("action,text", DESCRIBED)
def test_actions_describe_themselves_for_the_report(action, text):
    assert action.describe() == text


def test_the_plan_carries_the_comments_a_rule_read():
    read = issue(("SA Waiting", "FY27-Q4"), notes=[note("eve.ae", "hi"), bot_said("expedite", "x")],
                 events=[added("ana.sa", "SA Waiting", T)])
    assert decide_issue(read, ctx()).notes == read.notes
    assert decide_issue(issue(("SA Backlog", "FY27-Q4")), ctx()).notes is None


# -- the fold, with made-up rules -------------------------------------------------------------

def rule(name, *actions, states=("opened",), kinds=None):
    return Rule(name, lambda issue, ctx: list(actions), states=states, kinds=kinds)


FOLD = [
    pytest.param([rule("a", AddLabel("a", "x", label="EXPEDITE")), rule("b", RemoveLabel("b", "y", label="EXPEDITE"))],
                 [], (), (), id="one rule adds a label, a later one removes it -> neither shown, no change"),
    pytest.param([rule("a", AddLabel("a", "x", label="SA Backlog"))], [], (), (),
                 id="adding a label the issue has -> not shown"),
    pytest.param([rule("a", RemoveLabel("a", "x", label="Services"))], [], (), (),
                 id="removing a label the issue lacks -> not shown"),
    pytest.param([rule("a", SetAssignees("a", "x", assignees=(user("ana.sa"),)))], [], (), (),
                 id="assigning the current assignee -> not shown, assignees untouched"),
    pytest.param([rule("a", RemoveLabel("a", "x", label="SA Backlog")),
                  rule("b", AddLabel("b", "y", label="SA Backlog"))],
                 [], (), (), id="removed then added back by a later rule -> no change shown"),
    pytest.param([rule("a", AddLabel("a", "x", label="EXPEDITE"), states=("closed",)),
                  rule("b", AddLabel("b", "x", label="Services"), kinds=(OPENED,))],
                 [], (), (), id="rules for closed issues or other kinds -> skipped"),
    pytest.param([rule("a", AddLabel("a", "x", label="EXPEDITE"), kinds=(REQUEST,)),
                  rule("b", Finding("b", "z", text="look"))],
                 [add("EXPEDITE", rule="a"), finding("look", rule="b")], ("EXPEDITE",), (),
                 id="a request rule and a finding -> both shown"),
]


@pytest.mark.parametrize("rules,want,added,removed", FOLD)
def test_fold(rules, want, added, removed):
    plan = decide_issue(issue(("SA Backlog", "FY27-Q4"), assignees=("ana.sa",)), ctx(), rules=rules)
    assert_actions(plan.actions, want)
    assert (plan.add_labels, plan.remove_labels, plan.assignees) == (added, removed, None)


@pytest.mark.parametrize("label", ["customer::acme", "Priority::1", "SA Activity", "FY27 Q4"])
def test_a_rule_changing_an_unmanaged_label_is_a_bug_never_applied(label):
    with pytest.raises(UnmanagedLabelError):
        decide_issue(issue(("SA Backlog", "FY27-Q4")), ctx(), rules=[rule("bad", AddLabel("bad", "x", label=label))])


# -- the kind of an issue (gl_cs/decide/request.py) -----------------------------------------

KINDS = [
    pytest.param(issue(), ctx(), REQUEST, id="a person's issue -> request (applies_to all)"),
    pytest.param(issue(description=""), ctx(), REQUEST, id="a person's issue without any template -> request"),
    pytest.param(issue(author=None), ctx(), REQUEST, id="no author -> request"),
    pytest.param(issue(author="gl-cs-bot", description="<!-- gl-cs:create:triage-2026-48 -->"), ctx(), OPENED,
                 id="authored by gl-cs with its hidden key -> opened"),
    pytest.param(issue(author="gl-cs-bot"), ctx(), OPENED,
                 id="authored by gl-cs without a key -> opened as well (the author decides)"),
    pytest.param(issue(author="old-bot"), ctx(config=FORMER), OPENED, id="authored by a former bot user -> opened"),
    pytest.param(issue(author="gl-cs-bot"), ctx(bot=None), OPENED,
                 id="gl-cs's own user unknown (bot None) -> team.bots still names its issues"),
    pytest.param(issue(("SA Action Items",)), ctx(), ACTION_ITEMS, id="SA Action Items -> action_items"),
    pytest.param(issue(("SA Action Items",), author="gl-cs-bot"), ctx(), OPENED,
                 id="SA Action Items opened by gl-cs -> opened first"),
    pytest.param(issue(("SA Backlog", "SA Activity")), ctx(config=BY_LABEL), REQUEST,
                 id="applies_to label, labelled -> request"),
    pytest.param(issue(("SA Backlog",)), ctx(config=BY_LABEL), OTHER, id="applies_to label, unlabelled -> other"),
    pytest.param(issue(description="intro\n<!-- SA-ACTIVITY-TEMPLATE -->\n" + COMPLETE), ctx(config=BY_MARKER), REQUEST,
                 id="applies_to marker, in the description -> request"),
    pytest.param(issue(title="SA-ACTIVITY-TEMPLATE"), ctx(config=BY_MARKER), OTHER,
                 id="applies_to marker, only in the title -> other"),
]


@pytest.mark.parametrize("issue,ctx,kind", KINDS)
def test_issue_kind(issue, ctx, kind):
    assert issue_kind(issue, ctx) == kind


# -- the facts project rules see after the sweep -----------------------------------------------

def test_facts_of_a_request_after_its_plan():
    req = issue(("SA Backlog", "customer::acme"), description=request(drop=("Outcome",), SA_Tasks="PS please",
                                                                  Preferred_Date_Options="Tue Nov 24, 8am PT"))
    context = ctx()
    fact = issue_facts(req, decide_issue(req, context), context)
    assert (fact.kind, fact.key, fact.workflow, fact.missing) == (REQUEST, None, "waiting", ("Outcome",))
    assert set(fact.labels) == {"SA Waiting", "customer::acme", "EXPEDITE", "FY27-Q4", "Services"}
    assert fact.changed_by == ("intake", "expedite", "fiscal_quarter", "services")
    assert fact.event_at == dt.datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tue 8am PT


def test_facts_of_an_issue_gl_cs_opened():
    opened = issue(("SA Backlog", "FY27-Q4"), author="gl-cs-bot", description="<!-- gl-cs:create:triage-2026-48 -->")
    context = ctx()
    fact = issue_facts(opened, decide_issue(opened, context), context)
    assert (fact.kind, fact.key, fact.missing, fact.event_at, fact.changed_by) == (
        OPENED, "triage-2026-48", (), None, ())
