"""intake (gl_cs/decide/rules/intake.py): an SA Activity request names its seven fields
before an SA engages. Missing fields: to SA Waiting (from intake.states) with one comment
to the author listing exactly what is missing. Filled in: back to the state it had, but
only when gl-cs itself put it in SA Waiting for missing fields. A person's call (their
own SA Waiting, or taking the request out of gl-cs's) is never overruled."""

from __future__ import annotations

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import intake
from gl_cs.decide.rules.intake import NAME, decide

from .builders import (FIELDS, LONG_AGO, NOW, RECENT, H, added, bot_said, ctx, issue, missing_key, moved, note,
                       removed, request, thanked_key, variant, with_dates, with_tasks)
from .expect import add, assert_actions, comment, finding, remove

T = LONG_AGO
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})
NOT_TRIAGED = variant({"states: [backlog, triaged, waiting]": "states: [backlog, waiting]"})
BY_LABEL = variant({"applies_to: all": 'applies_to: {label: "SA Activity"}'})
BY_MARKER = variant({"applies_to: all": 'applies_to: {marker: "SA-ACTIVITY-TEMPLATE"}'})


THANKS, PLAIN = "thanks for the request! Before an SA can pick it up,", "before an SA can pick up this request,"


def asks(*titles: str, to: str | None = "eve.ae", summary_to: str = "eve.ae", fresh: bool = False):
    """The comment asking for exactly ``titles`` (and no other field). A request opened
    less than a day ago is thanked for; an older one (the builders' default: 30 days) gets
    a plain opener. One field is "this field ... add it", several "these fields ... add them"."""
    one = len(titles) == 1
    opener, other = (THANKS, PLAIN) if fresh else (PLAIN, THANKS)
    if to is None:  # nobody to address: the comment opens with a capital
        opener = opener[:1].upper() + opener[1:]
    return comment(missing_key(*titles), to=to, scope="",
                   says=(opener, "needs this field filled in:" if one else "needs these fields filled in:")
                   + tuple(f"- **{t}**: " for t in titles)
                   + (("Edit the description to add it;", "once it is there") if one
                      else ("Edit the description to add them;", "once they are there")),
                   never=tuple(t for t in FIELDS if t not in titles) + (other, other[:1].upper() + other[1:]),
                   summary=f"to {summary_to}: asks for {', '.join(titles)}",
                   why="the request is missing " + ", ".join(titles))


def to_waiting(current: str, *titles: str):
    why = "the request is missing " + ", ".join(titles)
    return [remove(current, why=why), add("SA Waiting", why=why), asks(*titles)]


def thanks(back: str, *asked: str):
    why = f"every SA Activity field is filled in now; back to '{back}'"
    return [remove("SA Waiting", why=why), add(back, why=why),
            comment(thanked_key(*asked), to=None, scope="", cites=back,
                    says="Thanks, the request has everything the SA team needs.", never=FIELDS,
                    summary="thanks the author; request complete")]


# gl-cs moved eve's request Backlog -> Waiting (events 2, 3) and asked for Infrastructure
NO_INFRA = request(drop=("Infrastructure",))
GL_CS_PUT_IT = [added("eve.ae", "SA Backlog", T), moved("gl-cs-bot", "SA Waiting", T + H, from_="SA Backlog")]
ASKED_INFRA = [bot_said("intake", missing_key("Infrastructure"))]

CASES = [
    # -- missing fields, outside SA Waiting: moved there, with one comment
    pytest.param(issue(("SA Backlog", "FY27-Q4", "customer::acme"),
                       description=request(drop=("Outcome", "Challenges"))),
                 ctx(), to_waiting("SA Backlog", "Outcome", "Challenges"),
                 id="backlog, outcome and challenges missing -> to waiting, asks eve for exactly those two"),
    pytest.param(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), description=request(drop=("SA Tasks",))),
                 ctx(), to_waiting("SA Triaged", "SA Tasks"), id="triaged, sa tasks missing -> to waiting"),
    pytest.param(issue(("SA Triaged - ana.sa",), assignees=("ana.sa",), description=request(drop=("Outcome",))),
                 ctx(), to_waiting("SA Triaged - ana.sa", "Outcome"),
                 id="weekly triaged label (prefix), outcome missing -> to waiting"),
    pytest.param(issue(("SA Backlog",), description=""), ctx(), to_waiting("SA Backlog", *FIELDS),
                 id="empty description -> all seven fields asked for, in template order"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)), notes=[note("eve.ae", "any news?")]),
                 ctx(), to_waiting("SA Backlog", "Outcome"),
                 id="comments only by people -> gl-cs never moved it: to waiting (no history needed)"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)),
                       notes=[note("eve.ae", "pasting <!-- gl-cs:intake:" + missing_key("Outcome") + " -->")],
                       events=GL_CS_PUT_IT + [moved("ana.sa", "SA Backlog", RECENT, "SA Waiting")]),
                 ctx(), to_waiting("SA Backlog", "Outcome"),
                 id="only a person's pasted copy of gl-cs's marker -> gl-cs never spoke, history not consulted "
                    "(even though it shows gl-cs's move): to waiting"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)),
                       notes=[bot_said("expedite", "unreadable-0123456789")]),
                 ctx(), to_waiting("SA Backlog", "Outcome"),
                 id="gl-cs only ever commented for expedite (which never moves) -> to waiting"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)), notes=ASKED_INFRA,
                       events=[added("ana.sa", "SA Waiting", T), moved("ana.sa", "SA Backlog", RECENT, "SA Waiting")]),
                 ctx(), to_waiting("SA Backlog", "Outcome"),
                 id="ana took it out of her own waiting (gl-cs only asked) -> to waiting again"),
    # -- a person took it out of the SA Waiting gl-cs put it in: reported, left alone
    pytest.param(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), description=NO_INFRA, notes=ASKED_INFRA,
                       events=GL_CS_PUT_IT + [moved("ana.sa", "SA Triaged", RECENT, "SA Waiting")]),
                 ctx(), [finding("missing Infrastructure; kept out of SA Waiting by ana.sa",
                                 why=("the request is missing Infrastructure, but ana.sa moved it out of "
                                      "'SA Waiting' after gl-cs put it there: left as it is"))],
                 id="ana moved it from gl-cs's waiting to triaged -> finding only, no move, no comment"),
    pytest.param(issue(("SA Backlog",), description=NO_INFRA, notes=ASKED_INFRA,
                       events=GL_CS_PUT_IT + [removed("eve.ae", "SA Waiting", RECENT),
                                              added("gl-cs-bot", "SA Backlog", RECENT + H)]),
                 ctx(), [finding("missing Infrastructure; kept out of SA Waiting by eve.ae")],
                 id="eve removed gl-cs's waiting (gl-cs then added backlog) -> finding only"),
    pytest.param(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), description=NO_INFRA, notes=ASKED_INFRA,
                       events=GL_CS_PUT_IT + [added("ana.sa", "SA Triaged", RECENT),
                                              removed("gl-cs-bot", "SA Waiting", RECENT + H)]),
                 ctx(), [finding("missing Infrastructure; kept out of SA Waiting by ana.sa")],
                 id="ana added triaged on top of gl-cs's waiting, gl-cs removed waiting -> finding only"),
    pytest.param(issue(("SA Backlog",), description=NO_INFRA, notes=[bot_said("workflow.assignee", "event-2")],
                       events=[added("ana.sa", "SA Waiting", T),
                               moved("olga.outsider", "SA Doing", T + H, "SA Waiting"),
                               moved("gl-cs-bot", "SA Waiting", T + 2 * H, "SA Doing"),
                               moved("ben.sa", "SA Backlog", RECENT, "SA Waiting")]),
                 ctx(), [finding("missing Infrastructure; kept out of SA Waiting by ben.sa")],
                 id="gl-cs's waiting came with a workflow.assignee comment, ben moved it out -> finding only"),
    pytest.param(issue(("SA Triaged",), assignees=("ana.sa",), description=NO_INFRA,
                       notes=[bot_said("intake", missing_key("Infrastructure"), who="old-bot")],
                       events=[added("eve.ae", "SA Backlog", T), moved("old-bot", "SA Waiting", T + H, "SA Backlog"),
                               moved("ana.sa", "SA Triaged", RECENT, "SA Waiting")]),
                 ctx(config=FORMER), [finding("missing Infrastructure; kept out of SA Waiting by ana.sa")],
                 id="a former bot user put it in waiting and asked, ana moved it out -> finding only"),
    pytest.param(issue(("SA Backlog",), description=NO_INFRA, notes=ASKED_INFRA,
                       events=GL_CS_PUT_IT + [moved("gl-cs-bot", "SA Backlog", RECENT, "SA Waiting")]),
                 ctx(), to_waiting("SA Backlog", "Infrastructure"),
                 id="gl-cs itself took it out of waiting -> no person overruled it: to waiting again"),
    # -- missing fields, already in SA Waiting: the comment only
    pytest.param(issue(("SA Waiting", "FY27-Q4"), description=request(drop=("Opportunity Details",)),
                       events=[added("ana.sa", "SA Waiting", T)]),
                 ctx(), [asks("Opportunity Details")],
                 id="ana's own waiting, opportunity details missing -> asks eve, labels stay"),
    pytest.param(issue(("SA Waiting",), description=request(drop=("Infrastructure", "Outcome")), notes=ASKED_INFRA,
                       events=GL_CS_PUT_IT),
                 ctx(), [asks("Outcome", "Infrastructure")],
                 id="gl-cs's waiting, the missing list changed -> asks again with a new key"),
    pytest.param(issue(("SA Waiting",), description=NO_INFRA, notes=ASKED_INFRA, events=GL_CS_PUT_IT),
                 ctx(), [asks("Infrastructure")],
                 id="gl-cs's waiting, same list as asked -> the same key (the writer says it once)"),
    # -- complete
    pytest.param(issue(("SA Backlog", "FY27-Q4")), ctx(), [], id="complete request in backlog -> nothing"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"), events=[added("eve.ae", "SA Backlog", T),
                                                          moved("eve.ae", "SA Waiting", T + H, "SA Backlog")]),
                 ctx(), [], id="complete, in eve's own waiting, gl-cs never commented -> stays"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"), events=[added("eve.ae", "SA Backlog", T),
                                                          moved("ana.sa", "SA Waiting", T + H, "SA Backlog")]),
                 ctx(), [], id="complete, in ana's waiting, gl-cs never commented -> stays"),
    pytest.param(issue(("SA Waiting",), events=[added("ana.sa", "SA Waiting", T)],
                       notes=[bot_said("intake", missing_key("Opportunity Details"))]),
                 ctx(), [], id="complete, gl-cs asked but ana put it in waiting -> her call: stays"),
    pytest.param(issue(("SA Waiting", "FY27-Q4", "customer::acme"), notes=ASKED_INFRA, events=GL_CS_PUT_IT),
                 ctx(), thanks("SA Backlog", "Infrastructure"),
                 id="complete, gl-cs asked and put it in waiting from backlog -> back to backlog, thanks"),
    pytest.param(issue(("SA Waiting",), notes=ASKED_INFRA, events=GL_CS_PUT_IT, updated_at=NOW - 48 * H),
                 ctx(), thanks("SA Backlog", "Infrastructure"),
                 id="completed long ago (updated 48 h ago) -> still back to backlog"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"), assignees=("ana.sa",),
                       notes=[bot_said("intake", missing_key("SA Tasks"))],
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Triaged", T + H, "SA Backlog"),
                               moved("gl-cs-bot", "SA Waiting", T + 2 * H, "SA Triaged")]),
                 ctx(), thanks("SA Triaged", "SA Tasks"),
                 id="complete, gl-cs took it from triaged, ana still assigned -> back to triaged"),
    pytest.param(issue(("SA Waiting",), notes=[bot_said("intake", missing_key("SA Tasks"))],
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Triaged", T + H, "SA Backlog"),
                               moved("gl-cs-bot", "SA Waiting", T + 2 * H, "SA Triaged")]),
                 ctx(), thanks("SA Backlog", "SA Tasks"),
                 id="complete, came from triaged but nobody is assigned now -> back to the default, backlog"),
    pytest.param(issue(("SA Waiting",), assignees=("ana.sa",), notes=[bot_said("intake", missing_key("SA Tasks"))],
                       events=[added("ana.sa", "SA Triaged - ana.sa", T),
                               moved("gl-cs-bot", "SA Waiting", T + 2 * H, "SA Triaged - ana.sa")]),
                 ctx(labels=("SA Triaged - ana.sa", "SA Triaged - ben.sa", "SA Waiting")),
                 thanks("SA Triaged - ben.sa", "SA Tasks"),
                 id="complete, came from last week's triaged label -> back to this week's (newest project label)"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"), notes=[bot_said("intake", missing_key("Preferred Date Options"))],
                       events=[added("gl-cs-bot", "SA Waiting", T)]),
                 ctx(), thanks("SA Backlog", "Preferred Date Options"),
                 id="complete, gl-cs gave it waiting as its first state -> back to the default, backlog"),
    pytest.param(issue(("SA Waiting",), events=GL_CS_PUT_IT,
                       notes=ASKED_INFRA + [bot_said("intake", thanked_key("Infrastructure"))]),
                 ctx(), [], id="complete, gl-cs already said thanks last -> nothing more"),
    pytest.param(issue(("SA Waiting",), events=GL_CS_PUT_IT,
                       notes=[note("eve.ae", "<!-- gl-cs:intake:" + missing_key("Infrastructure") + " -->")]),
                 ctx(), [], id="complete, the only intake marker was pasted by a person -> gl-cs never asked: stays"),
    pytest.param(issue(("SA Waiting",), events=[added("eve.ae", "SA Backlog", T),
                                                moved("old-bot", "SA Waiting", T + H, "SA Backlog")],
                       notes=[bot_said("intake", missing_key("Outcome"), who="old-bot")]),
                 ctx(config=FORMER), thanks("SA Backlog", "Outcome"),
                 id="complete, a former bot user asked and put it in waiting -> back to backlog"),
    pytest.param(issue(("SA Waiting", "FY27-Q4"), notes=[bot_said("workflow.assignee", "event-5")],
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Waiting", T + H, "SA Backlog"),
                               moved("olga.outsider", "SA Doing", T + 2 * H, "SA Waiting"),
                               moved("gl-cs-bot", "SA Waiting", T + 3 * H, "SA Doing")]),
                 ctx(), [], id="complete, gl-cs restored ana's waiting for workflow.assignee -> still hers: stays"),
    # -- not intake's states
    pytest.param(issue(("SA Doing", "FY27-Q4"), assignees=("ana.sa",),
                       description=request(drop=("Outcome", "Infrastructure"))),
                 ctx(), [], id="doing, fields missing -> an SA is on it: not pulled back, no comment"),
    pytest.param(issue(("SA Action Items",), description=request(drop=("Outcome",))), ctx(), [],
                 id="action items, fields missing -> nothing"),
    pytest.param(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), description=request(drop=("Outcome",))),
                 ctx(config=NOT_TRIAGED), [], id="intake.states without triaged: triaged, outcome missing -> nothing"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",))), ctx(config=NOT_TRIAGED),
                 to_waiting("SA Backlog", "Outcome"), id="intake.states without triaged: backlog still moves"),
    pytest.param(issue(("FY27-Q4",), description=request(drop=("Outcome",))), ctx(), [],
                 id="no workflow label -> nothing yet (workflow.state adds backlog first; see test_engine)"),
    pytest.param(issue(("SA Backlog", "SA Waiting"), description=request(drop=("Outcome",))), ctx(), [],
                 id="two workflow labels -> nothing yet"),
    # -- reading the fields as a person would
    pytest.param(issue(("SA Backlog",), description=request(
        Customer_Information="<!-- Customer name, opportunity size, Salesforce link -->", Outcome="TBD",
        Challenges="<enter here>",
        SA_Tasks="<!-- What do you need from the SA? Tick all that apply. -->\n- [ ] Discovery call\n- [ ] Demo\n"
                 "- [ ] Technical deep-dive\n- [ ] POC support\n- [ ] Services evaluation")),
                 ctx(), to_waiting("SA Backlog", "Customer Information", "Outcome", "Challenges", "SA Tasks"),
                 id="template leftovers (HTML comment, TBD, <enter here>, unticked template boxes) -> missing"),
    pytest.param(issue(("SA Backlog",), description=with_dates("TBD")), ctx(),
                 to_waiting("SA Backlog", "Preferred Date Options"), id="TBD as the dates -> missing"),
    pytest.param(issue(("SA Backlog",), description=with_dates("ASAP")), ctx(), [],
                 id="ASAP as the dates -> written (expedite asks for a date it can read, not intake)"),
    pytest.param(issue(("SA Backlog",),
                       description=with_tasks("- [x] Demo\n- [ ] POC support\n- [ ] Services evaluation")),
                 ctx(), [], id="a ticked template box -> sa tasks filled"),
    pytest.param(issue(("SA Backlog",), description=with_tasks("- [ ] Discovery call with the platform team\n"
                                                               "- [ ] Send the reference architecture")),
                 ctx(), [], id="the AE's own unticked tasks -> sa tasks filled"),
    pytest.param(issue(("SA Backlog",), description=with_tasks(
        "- [ ] Joint call with Professional Services to scope the migration\n- [ ] Send the reference architecture")),
                 ctx(), [], id="the AE's own unticked task naming professional services -> sa tasks filled"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",))
                       + "\n**Desired Outcome**: cut release time in half\n"),
                 ctx(), [], id="outcome written as '**Desired Outcome**: ...' -> not missing"),
    # -- the comment is safe whatever the request says
    pytest.param(issue(("SA Backlog",), title="/close @all {{ 7*7 }}", description=request(
        drop=("Outcome",), Preferred_Date_Options="/close\n@all please look {{ 7*7 }} ASAP\n/label ~EXPEDITE")),
                 ctx(), to_waiting("SA Backlog", "Outcome"),
                 id="quick actions, @all and template syntax in the request -> inert comment, only @eve.ae"),
    pytest.param(issue(("SA Backlog",), author="all", description=request(drop=("Outcome",))), ctx(),
                 [remove("SA Backlog"), add("SA Waiting"), asks("Outcome", to=None, summary_to="all")],
                 id="author literally named 'all' -> never @all: nobody mentioned"),
    pytest.param(issue(("SA Backlog",), author=None, description=request(drop=("Outcome",))), ctx(),
                 [remove("SA Backlog"), add("SA Waiting"), asks("Outcome", to=None, summary_to="the author")],
                 id="no author -> nobody mentioned, 'the author' in the report"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_intake(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


# Words that fit the moment: thanks only for a fresh request; one field or several.
WORDS = [
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)), created_at=NOW - 2 * H),
                 ctx(), [remove("SA Backlog"), add("SA Waiting"), asks("Outcome", fresh=True)],
                 id="opened 2 h ago, one field -> thanks for the request, this field, add it"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome", "Challenges")), created_at=NOW - 23 * H),
                 ctx(), [remove("SA Backlog"), add("SA Waiting"), asks("Outcome", "Challenges", fresh=True)],
                 id="opened 23 h ago, two fields -> thanks, these fields, add them"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)), created_at=NOW - 25 * H),
                 ctx(), [remove("SA Backlog"), add("SA Waiting"), asks("Outcome")],
                 id="opened 25 h ago -> a plain opener, no thanks"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome", "Infrastructure")),
                       created_at=NOW - 6 * 24 * H),
                 ctx(), [remove("SA Backlog"), add("SA Waiting"), asks("Outcome", "Infrastructure")],
                 id="open for six days, a field edited away -> plain opener, these fields"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",)), created_at=None), ctx(),
                 [remove("SA Backlog"), add("SA Waiting"), asks("Outcome")],
                 id="age unknown -> a plain opener"),
    pytest.param(issue(("SA Backlog",), author=None, description=request(drop=("Outcome",)), created_at=NOW - H),
                 ctx(), [remove("SA Backlog"), add("SA Waiting"),
                         asks("Outcome", to=None, summary_to="the author", fresh=True)],
                 id="fresh, nobody to address -> 'Thanks for the request!' with a capital"),
]


@pytest.mark.parametrize("issue,ctx,want", WORDS)
def test_intake_words_fit_the_moment(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


KEYED = [
    pytest.param(("Outcome",), ("Outcome",), True, id="the same field -> the same key"),
    pytest.param(("Outcome", "Challenges"), ("Challenges", "Outcome"), True,
                 id="the same fields in another order -> the same key"),
    pytest.param(("Outcome",), ("Challenges",), False, id="another field -> another key"),
    pytest.param(("Outcome",), ("Outcome", "Challenges"), False, id="one more field -> another key"),
]


@pytest.mark.parametrize("first,second,same", KEYED)
def test_intake_asks_again_only_when_the_missing_list_changes(first, second, same):
    def key(titles):
        actions = decide(issue(("SA Waiting",), description=request(drop=titles)), ctx())
        return actions[-1].key

    assert (key(first) == key(second)) is same


GATE = [
    pytest.param(issue(("SA Backlog", "FY27-Q4"), author="gl-cs-bot", description=request(drop=("Outcome",))),
                 ctx(), [], id="an issue gl-cs opened (author gl-cs) -> never a request"),
    pytest.param(issue(("SA Backlog",), author="old-bot", description=request(drop=("Outcome",))),
                 ctx(config=FORMER), [], id="an issue a former bot user opened -> never a request"),
    pytest.param(issue(("SA Action Items", "FY27-Q4"), description=request(drop=("Outcome", "SA Tasks"))),
                 ctx(), [], id="SA Action Items -> never a request"),
    pytest.param(issue(("SA Backlog",), state="closed", description=request(drop=("Outcome",))), ctx(), [],
                 id="closed request, fields missing -> not run"),
    pytest.param(issue(("SA Backlog", "SA Activity"), description=request(drop=("Outcome",))), ctx(config=BY_LABEL),
                 to_waiting("SA Backlog", "Outcome"), id="applies_to label: labelled 'SA Activity' -> a request"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",))), ctx(config=BY_LABEL), [],
                 id="applies_to label: without the label -> not a request"),
    pytest.param(issue(("SA Backlog",), description="<!-- SA-ACTIVITY-TEMPLATE -->\n" + request(drop=("Outcome",))),
                 ctx(config=BY_MARKER), to_waiting("SA Backlog", "Outcome"),
                 id="applies_to marker: the template's marker text -> a request"),
    pytest.param(issue(("SA Backlog",), description=request(drop=("Outcome",))), ctx(config=BY_MARKER), [],
                 id="applies_to marker: without it -> not a request"),
]


@pytest.mark.parametrize("issue,ctx,want", GATE)
def test_intake_applies_to_requests_only(issue, ctx, want):
    assert_actions(decide_issue(issue, ctx, rules=(intake.RULE,)).actions, want, rule=NAME)
