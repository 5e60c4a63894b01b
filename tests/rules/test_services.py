"""services (gl_cs/decide/rules/services.py): a request that involves professional
services carries the Services label. rules.yml's phrases match as whole words (an
all-capitals phrase only in capitals); template leftovers (HTML comments, the template's
own unticked boxes) and a "PS:" postscript do not count. gl-cs only adds the label, and
never again after a person removed it."""

from __future__ import annotations

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import services
from gl_cs.decide.rules.services import NAME, decide

from .builders import LONG_AGO, SERVICES_PHRASES, H, added, ctx, issue, removed, variant, with_tasks
from .expect import add, assert_actions

T = LONG_AGO
LABELS = ("SA Backlog", "FY27-Q4", "customer::acme", "Priority::1")
CONSULTING = variant({"phrases: [professional services, PS,": "phrases: [consulting days, PS,"})
NO_PHRASES = variant({SERVICES_PHRASES: "  phrases: []"})
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})
BY_LABEL = variant({"applies_to: all": 'applies_to: {label: "SA Activity"}'})


def asks_for(tasks: str, **kw):
    return issue(LABELS, description=with_tasks(tasks), **kw)


YES = [
    ("professional services", "Outcome mentions professional services for the rollout.", "professional services"),
    ("Professional Services in capitals", "Loop in Professional Services early.", "Professional Services"),
    ("PS engagement", "Needs a PS engagement after the POC.", "PS"),
    ("PS-led", "A PS-led migration.", "PS"),
    ("a phrase across a line break", "We will need professional\nservices for the migration.",
     "professional services"),
    ("a ticked Services evaluation box", "- [x] Services evaluation\n- [ ] Demo", "Services evaluation"),
    ("a ticked box with a capital X", "* [X] Services evaluation", "Services evaluation"),
    ("SOW", "The customer asked for a SOW.", "SOW"),
    ("statement of work", "A statement of work is expected.", "statement of work"),
    ("the AE's own unticked task", "- [ ] Joint call with Professional Services to scope the migration\n"
                                   "- [ ] Send the reference architecture", "Professional Services"),
    ("a services engagement", "Scope a professional services engagement.", "professional services"),
]
NO = [
    ("GPS", "GPS tracking for the delivery fleet."),
    ("ps aux", "Their runner debugging starts with ps aux."),
    ("PSA", "They use a PSA tool for time tracking."),
    ("an unticked template box", "- [ ] Services evaluation\n- [x] Demo"),
    ("an unticked numbered template box", "1. [ ] Services evaluation\n2. [x] Demo"),
    ("an HTML comment", "Demo please.\n<!-- e.g. professional services, PS engagement, SOW -->"),
    ("a multi-line HTML comment",
     "Demo please.\n<!--\nTick Services evaluation if\nprofessional services are needed\n-->"),
    ("lower-case sow", "Let us sow the seeds of CI/CD."),
    ("'services' alone", "Their services run on Kubernetes."),
    ("a postscript 'PS:'", "Demo please.\nPS: I am out on Friday, ping finn.ae."),
    ("a postscript 'P.S.:'", "Demo please.\nP.S.: I am out on Friday."),
]

CASES = [
    pytest.param(asks_for(tasks), ctx(), [add("Services", why=f"the request mentions '{found}'")],
                 id=f"{name} -> Services added")
    for name, tasks, found in YES
] + [
    pytest.param(asks_for(tasks), ctx(), [], id=f"{name} -> not services") for name, tasks in NO
] + [
    pytest.param(issue(LABELS, title="SA + PS: Bitbucket migration scoping"), ctx(),
                 [add("Services", why="'PS'")], id="'PS' in the title -> Services added"),
    pytest.param(issue(LABELS), ctx(), [], id="the complete request, no phrase -> nothing"),
    pytest.param(issue(LABELS + ("Services",), description=with_tasks("Needs professional services.")), ctx(), [],
                 id="already labelled Services -> nothing"),
    pytest.param(issue(LABELS + ("Services",)), ctx(), [],
                 id="a person's Services label without any phrase -> stays (never removed)"),
    pytest.param(asks_for("Ten consulting days after go-live."), ctx(config=CONSULTING),
                 [add("Services", why="'consulting days'")], id="phrases from rules.yml: 'consulting days' -> added"),
    pytest.param(asks_for("Needs professional services."), ctx(config=CONSULTING), [],
                 id="phrases from rules.yml: a phrase no longer listed -> nothing"),
    pytest.param(asks_for("Needs professional services."), ctx(config=NO_PHRASES), [],
                 id="no phrases in rules.yml -> the rule is off"),
    # a person took Services off: never added back
    pytest.param(asks_for("Customer said no to professional services for now.",
                          events=[added("eve.ae", "SA Backlog", T), added("gl-cs-bot", "Services", T + H),
                                  removed("ana.sa", "Services", T + 2 * H)]),
                 ctx(), [], id="gl-cs added Services, ana removed it -> not added back"),
    pytest.param(asks_for("Needs professional services.",
                          events=[added("ana.sa", "Services", T), removed("ana.sa", "Services", T + H),
                                  added("ana.sa", "Services", T + 2 * H), removed("ben.sa", "Services", T + 3 * H)]),
                 ctx(), [], id="added and removed twice, last by ben -> not added back"),
    pytest.param(asks_for("Needs professional services.",
                          events=[added("ana.sa", "Services", T), removed("gl-cs-bot", "Services", T + H)]),
                 ctx(), [add("Services")], id="last removed by gl-cs itself -> added"),
    pytest.param(asks_for("Needs professional services.",
                          events=[added("ana.sa", "Services", T), removed("old-bot", "Services", T + H)]),
                 ctx(config=FORMER), [add("Services")], id="last removed by a former bot user -> added"),
    pytest.param(asks_for("Needs professional services.",
                          events=[added("ana.sa", "Services", T), removed(None, "Services", T + H)]),
                 ctx(), [add("Services")], id="last removed by a deleted user (no user in history) -> added"),
    pytest.param(asks_for("Needs professional services.",
                          events=[removed("ana.sa", "Services", T), added("gl-cs-bot", "Services", T + H),
                                  removed("gl-cs-bot", "Services", T + 2 * H)]),
                 ctx(), [add("Services")], id="a person's removal long before gl-cs's last one -> added"),
    pytest.param(asks_for("Needs professional services.", events=[]), ctx(), [add("Services")],
                 id="no label history -> added"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_services(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)
    # each case is an otherwise settled request: the whole plan is the Services label alone
    assert_actions(decide_issue(issue, ctx).actions, want, rule=NAME)


PS = with_tasks("Needs professional services.")
GATE = [
    pytest.param(issue(("FY27-Q4",), description=PS, state="closed"), ctx(), [], id="closed request -> not run"),
    pytest.param(issue(("SA Action Items",), description=PS), ctx(), [],
                 id="SA Action Items naming professional services -> never a request: nothing"),
    pytest.param(issue(("SA Backlog",), description=PS, author="gl-cs-bot"), ctx(), [],
                 id="an issue gl-cs opened naming professional services -> nothing"),
    pytest.param(issue(("SA Backlog",), description=PS), ctx(config=BY_LABEL), [],
                 id="applies_to label, unlabelled -> not a request: nothing"),
    pytest.param(issue(("SA Backlog", "SA Activity"), description=PS), ctx(config=BY_LABEL), [add("Services")],
                 id="applies_to label, labelled -> added"),
]


@pytest.mark.parametrize("issue,ctx,want", GATE)
def test_services_applies_to_requests_only(issue, ctx, want):
    assert_actions(decide_issue(issue, ctx, rules=(services.RULE,)).actions, want, rule=NAME)
