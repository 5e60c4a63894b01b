"""workflow.transitions (gl_cs/decide/rules/workflow_transitions.py): a person moves an
issue only along rules.yml's workflow. A move outside it, made within
``sync.recent_hours`` on an issue that changed since gl-cs examined it, is reported and
explained in one comment to whoever made it (``on_violation: revert``: also moved back,
unless that would leave a state that needs an owner without one). gl-cs's own moves are
never checked."""

from __future__ import annotations

import pytest

from gl_cs.decide.engine import decide_issue
from gl_cs.decide.rules import workflow_transitions
from gl_cs.decide.rules.workflow_transitions import NAME, decide

from .builders import LONG_AGO, NOW, RECENT, UNREAD, H, M, added, ctx, issue, moved, removed, variant
from .expect import add, assert_actions, comment, finding, remove

T = LONG_AGO
REVERT = variant({"on_violation: comment": "on_violation: revert"})
FORMER = variant({"former_bots: []": "former_bots: [old-bot]"})
SHORT_WINDOW = variant({"recent_hours: 24": "recent_hours: 2"})
DEAD_END = variant({"action_items: [backlog, triaged, doing]": "action_items: []"})
NOT_ALLOWED = "which rules.yml does not allow"
ASK = "Please move it along the workflow, or ask the Triage SA."
# eve filed it in backlog; ana moved it straight to doing (her add is event 3)
BACKLOG_TO_DOING = [added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Doing", RECENT, from_="SA Backlog")]
BACKLOG_ALLOWED = "**SA Action Items**, **SA Triaged**, **SA Waiting**"


def doing(events, **kw):
    kw.setdefault("assignees", ("ana.sa",))
    kw.setdefault("updated_at", RECENT)
    return issue(("SA Doing", "FY27-Q4"), events=events, **kw)


def explained(src: str, dst: str, who: str, key: str, allowed: str, revert: bool = False):
    return [finding(f"transition {src} -> {dst} by {who}",
                    why=f"{who} moved it from '{src}' to '{dst}', {NOT_ALLOWED}"),
            comment(key, to=who, cites=(src, dst),
                    says=(f"this request moved from **{src}** to **{dst}**", f"goes from **{src}** only to {allowed}.",
                          f"gl-cs moved it back to **{src}**." if revert else ASK),
                    never=(ASK if revert else "moved it back"),
                    summary=f"to {who}: explains the allowed moves")]


CASES = [
    # -- allowed, or not a person's recent move
    pytest.param(issue(("SA Triaged", "FY27-Q4"), assignees=("ana.sa",), updated_at=RECENT,
                       events=[added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Triaged", RECENT, "SA Backlog")]),
                 ctx(), [], id="backlog -> triaged by ana (allowed) -> nothing"),
    pytest.param(issue(("SA Triaged - ana.sa",), assignees=("ana.sa",), updated_at=RECENT,
                       events=[added("eve.ae", "SA Backlog", T),
                               moved("ana.sa", "SA Triaged - ana.sa", RECENT, "SA Backlog")]),
                 ctx(), [], id="backlog -> weekly triaged label (allowed, prefix match) -> nothing"),
    pytest.param(issue(("SA Triaged - ana.sa",), assignees=("ana.sa",), updated_at=RECENT,
                       events=[added("ana.sa", "SA Triaged", T),
                               moved("ana.sa", "SA Triaged - ana.sa", RECENT, "SA Triaged")]),
                 ctx(), [], id="triaged -> this week's triaged label -> the same state: no move"),
    pytest.param(doing(BACKLOG_TO_DOING, updated_at=LONG_AGO), ctx(), [],
                 id="backlog -> doing, but the issue was last updated before the window -> not checked"),
    pytest.param(doing([added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Doing", T + H, "SA Backlog")]), ctx(), [],
                 id="backlog -> doing a month ago on an issue updated recently -> old move, not checked"),
    pytest.param(doing([added("eve.ae", "SA Backlog", T),
                        moved("ana.sa", "SA Doing", NOW - 24 * H - M, "SA Backlog")]), ctx(), [],
                 id="backlog -> doing 24 h and 1 min ago -> outside recent_hours"),
    pytest.param(doing(BACKLOG_TO_DOING), ctx(config=SHORT_WINDOW, now=RECENT + 2 * H + M), [],
                 id="recent_hours 2: a move 2 h 1 min ago -> not checked"),
    pytest.param(doing(UNREAD, examined=True), ctx(), [],
                 id="backlog -> doing on an issue gl-cs examined as it is now -> skipped, history not read"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=RECENT,
                       events=[added("ana.sa", "SA Doing", T), moved("gl-cs-bot", "SA Backlog", RECENT, "SA Doing")]),
                 ctx(), [], id="doing -> backlog by gl-cs itself -> never checked"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=RECENT,
                       events=[added("ana.sa", "SA Doing", T), moved("old-bot", "SA Backlog", RECENT, "SA Doing")]),
                 ctx(config=FORMER), [], id="doing -> backlog by a former bot user -> never checked"),
    pytest.param(doing([added("eve.ae", "SA Backlog", T), moved(None, "SA Doing", RECENT, "SA Backlog")]), ctx(), [],
                 id="backlog -> doing by a deleted user (no user in history) -> not a person's move"),
    pytest.param(doing([added("ana.sa", "SA Doing", RECENT)]), ctx(), [],
                 id="doing as the first workflow label ever -> no move to check"),
    pytest.param(doing([]), ctx(), [], id="no label history -> nothing"),
    pytest.param(issue(("SA Backlog", "SA Doing"), updated_at=RECENT, events=BACKLOG_TO_DOING[:1]
                       + [added("ana.sa", "SA Doing", RECENT)]),
                 ctx(), [], id="two workflow labels -> nothing (workflow.state decides first)"),
    pytest.param(doing([added("eve.ae", "SA Waiting", T), moved("ana.sa", "SA Doing", RECENT, "SA Waiting")]), ctx(),
                 [], id="waiting -> doing (allowed) -> nothing"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), assignees=("ana.sa",), updated_at=NOW - M,
                       events=BACKLOG_TO_DOING + [moved("gl-cs-bot", "SA Backlog", NOW - M, "SA Doing")]),
                 ctx(config=REVERT), [], id="revert: the sync after gl-cs moved it back -> nothing more"),
    # -- not allowed: explained (on_violation: comment)
    pytest.param(doing(BACKLOG_TO_DOING), ctx(),
                 explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED),
                 id="backlog -> doing by ana -> finding and one comment to ana, labels stay"),
    pytest.param(doing(BACKLOG_TO_DOING, updated_at=None), ctx(),
                 explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED),
                 id="no updated_at on the issue -> the move's own time decides: explained"),
    pytest.param(doing([added("eve.ae", "SA Backlog", T), moved("ana.sa", "SA Doing", NOW - 24 * H, "SA Backlog")],
                       updated_at=NOW - 24 * H), ctx(),
                 explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED),
                 id="backlog -> doing exactly 24 h ago -> still inside the window"),
    pytest.param(issue(("SA Action Items",), updated_at=RECENT,
                       events=[added("eve.ae", "SA Waiting", T),
                               moved("ben.sa", "SA Action Items", RECENT, "SA Waiting")]),
                 ctx(), explained("SA Waiting", "SA Action Items", "ben.sa", "event-3",
                                  "**SA Backlog**, **SA Doing**, **SA Triaged**"),
                 id="waiting -> action items by ben -> explained, allowed targets listed in order"),
    pytest.param(issue(("SA Action Items",), updated_at=RECENT,
                       events=[added("ana.sa", "SA Triaged - ana.sa", T),
                               moved("ben.sa", "SA Action Items", RECENT, "SA Triaged - ana.sa")]),
                 ctx(labels=("SA Triaged", "SA Triaged - ana.sa", "SA Triaged - ben.sa")),
                 explained("SA Triaged - ben.sa", "SA Action Items", "ben.sa", "event-3",
                           "**SA Backlog**, **SA Doing**, **SA Waiting**"),
                 id="weekly triaged -> action items -> cites this week's triaged label (newest project label)"),
    pytest.param(doing([added("eve.ae", "SA Action Items", T), moved("ana.sa", "SA Doing", RECENT, "SA Action Items")]),
                 ctx(config=DEAD_END), explained("SA Action Items", "SA Doing", "ana.sa", "event-3", "nothing"),
                 id="a state rules.yml lets go nowhere -> 'only to nothing'"),
    pytest.param(doing([added("eve.ae", "SA Backlog", T), moved("all", "SA Doing", RECENT, "SA Backlog")]), ctx(),
                 [finding("transition SA Backlog -> SA Doing by all"), comment("event-3", to=None)],
                 id="moved by a user literally named 'all' -> explained, nobody mentioned"),
    pytest.param(doing(BACKLOG_TO_DOING + [added("finn.ae", "customer::acme", RECENT + H)]), ctx(),
                 explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED),
                 id="a later edit of another label -> the move is still found"),
    # -- on_violation: revert
    pytest.param(doing(BACKLOG_TO_DOING), ctx(config=REVERT),
                 [remove("SA Doing", why=NOT_ALLOWED), add("SA Backlog", why=NOT_ALLOWED)]
                 + explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED, revert=True),
                 id="revert: backlog -> doing -> moved back to backlog, explained"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), updated_at=NOW - H,
                       events=[added("olga.outsider", "SA Doing", NOW - 3 * H),
                               moved("ben.sa", "SA Backlog", NOW - H, "SA Doing")]),
                 ctx(config=REVERT),
                 explained("SA Doing", "SA Backlog", "ben.sa", "event-3", "**SA Triaged**, **SA Waiting**"),
                 id="revert: doing -> backlog without an assignee -> not moved back into an unowned doing, "
                    "only explained"),
    pytest.param(issue(("SA Backlog", "FY27-Q4"), assignees=("ana.sa",), updated_at=NOW - H,
                       events=[added("ana.sa", "SA Doing", NOW - 3 * H),
                               moved("ben.sa", "SA Backlog", NOW - H, "SA Doing")]),
                 ctx(config=REVERT),
                 [remove("SA Backlog"), add("SA Doing")]
                 + explained("SA Doing", "SA Backlog", "ben.sa", "event-3", "**SA Triaged**, **SA Waiting**",
                             revert=True),
                 id="revert: doing -> backlog with an assignee -> moved back to doing"),
    pytest.param(issue(("SA Action Items",), updated_at=RECENT,
                       events=[added("ana.sa", "SA Triaged - ana.sa", T),
                               moved("ben.sa", "SA Action Items", RECENT, "SA Triaged - ana.sa")],
                       assignees=("ana.sa",)),
                 ctx(config=REVERT, labels=("SA Triaged", "SA Triaged - ana.sa", "SA Triaged - ben.sa")),
                 [remove("SA Action Items"), add("SA Triaged - ben.sa")]
                 + explained("SA Triaged - ben.sa", "SA Action Items", "ben.sa", "event-3",
                             "**SA Backlog**, **SA Doing**, **SA Waiting**", revert=True),
                 id="revert into the triaged state -> this week's triaged label"),
]


@pytest.mark.parametrize("issue,ctx,want", CASES)
def test_workflow_transitions(issue, ctx, want):
    assert_actions(decide(issue, ctx), want, rule=NAME)


def test_a_move_made_in_two_edits_is_still_a_move():
    two_edits = doing([added("eve.ae", "SA Backlog", T), removed("ana.sa", "SA Backlog", RECENT - M),
                       added("ana.sa", "SA Doing", RECENT)])
    assert_actions(decide(two_edits, ctx()),
                   explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED), rule=NAME)


GATE = [
    pytest.param(doing(BACKLOG_TO_DOING, state="closed"), [], id="closed issue -> not run"),
    pytest.param(doing(BACKLOG_TO_DOING, author="gl-cs-bot"),
                 explained("SA Backlog", "SA Doing", "ana.sa", "event-3", BACKLOG_ALLOWED),
                 id="an issue gl-cs opened -> a person's move on it is checked too"),
]


@pytest.mark.parametrize("issue,want", GATE)
def test_workflow_transitions_runs_on_every_open_issue(issue, want):
    assert_actions(decide_issue(issue, ctx(), rules=(workflow_transitions.RULE,)).actions, want, rule=NAME)
