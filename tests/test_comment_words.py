"""Words that fit the moment, in the comments gl-cs posts (issue 17): one note per issue
per sync, with one message per rule under a short heading when several rules speak; the
kind requests' question thanks only a fresh request and counts its fields right. The
intake wording itself is tested with the rule (tests/rules/test_intake.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markdown_it import MarkdownIt

from conftest import COMPLETE, NOW, foreign_quick_actions
from gl_cs.act.writer import HEADINGS, note_body
from gl_cs.decide.actions import Comment
from gl_cs.decide.rules import kind_intake
from gl_cs.markers import markers_in, with_marker
from gl_cs.render import Trusted, render
from rules.builders import ctx, issue

H = dt.timedelta(hours=1)
MD = MarkdownIt("commonmark", {"html": True})


def said(rule: str, key: str, body: str) -> Comment:
    return Comment(rule=rule, why="test", key=key, body=body)


INTAKE = said("intake", "missing-1", "@eve.ae before an SA can pick up this request, add **Outcome**.")
EXPEDITE = said("expedite", "unclear-2", "@eve.ae what time is meant for `Nov 24`: `10:00`?")
TRANSITION = said("workflow.transitions", "event-3", "@ana.sa Backlog to Doing skips triage.")


def test_one_rule_speaking_is_its_comment_as_written():
    assert note_body([INTAKE]) == with_marker(INTAKE.body, "intake", "missing-1")
    two = said("expedite", "removed-x", "@eve.ae gl-cs removed **EXPEDITE**.")
    assert note_body([EXPEDITE, two]) == (with_marker(EXPEDITE.body, "expedite", "unclear-2") + "\n\n"
                                          + with_marker(two.body, "expedite", "removed-x"))
    assert "####" not in note_body([EXPEDITE, two])


@pytest.mark.parametrize("comments", [
    pytest.param([INTAKE, EXPEDITE], id="intake and expedite"),
    pytest.param([TRANSITION, INTAKE, EXPEDITE], id="three rules"),
])
def test_several_rules_one_message_each_under_a_short_heading(comments):
    body = note_body(comments)
    tokens = MD.parse(body)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [HEADINGS[c.rule] for c in comments]
    # each message is its own paragraph under its own heading, with its own hidden marker
    paragraphs = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert paragraphs == [c.body for c in comments]
    assert markers_in(body) == [(c.rule, c.key) for c in comments]
    sections = re.split(r"^#### .*$", body, flags=re.M)[1:]
    assert [len(markers_in(s)) for s in sections] == [1] * len(comments)


def test_an_unknown_rule_is_headed_by_its_name():
    body = note_body([INTAKE, said("custom.rule", "k", "Something else.")])
    assert "#### Missing information" in body and "#### custom.rule" in body


def test_intake_and_expedite_in_one_sync_make_one_note_with_two_headed_messages(desk):
    """Outcome missing (intake) and a date whose time could not be attached, tomorrow
    (expedite), on a request opened five days ago: one note, two messages, one heading
    each; a second sync says nothing again."""
    text = COMPLETE.replace("2026-11-26 10:00 America/New_York", "Nov 24 - earliest 10:00 CET")
    text = re.sub(r"## Outcome\n.*?(?=\n## )", "## Outcome\nTBD\n", text, flags=re.S)
    created = NOW - 5 * 24 * H
    iid = desk.issue(description=text, labels=("SA Backlog", "FY27-Q4"), created_at=created, updated_at=created)
    code, out, report = desk.sync()
    assert code == 0, out
    [note] = desk.bot_notes(iid)
    body = note["body"]
    assert body.startswith("#### Missing information\n\n@eve.ae before an SA can pick up this request, "), body
    assert "thanks for the request" not in body
    intake_part, expedite_part = body.split("#### Event date\n\n")
    assert "needs this field filled in" in intake_part and "add it;" in intake_part
    assert [r for r, _ in markers_in(intake_part)] == ["intake"]
    assert expedite_part.startswith("@eve.ae what time is meant for `Nov 24`")
    assert [r for r, _ in markers_in(expedite_part)] == ["expedite"]
    assert "SA Waiting" in desk.labels(iid) and foreign_quick_actions(desk.store) == []
    code, out, again = desk.sync()
    assert code == 0 and again["writes"] == 0 and len(desk.bot_notes(iid)) == 1


def test_a_race_leaves_the_rest_without_a_heading(desk):
    """Another run said the expedite part first: what stays of ours is one rule's message,
    as written (no heading left over)."""
    from conftest import PROJECT, TOKEN
    from gl_cs.act.writer import Outcome, Writer
    from gl_cs.gitlab.adapter import GitLab

    iid = desk.issue()
    desk.store.add_note(desk.project_id, iid, with_marker(EXPEDITE.body, "expedite", "unclear-2"), "gl-cs-bot")
    writer = Writer(GitLab(desk.sandbox.url, TOKEN, PROJECT),
                    is_bot=lambda user: user is not None and user.username == "gl-cs-bot")
    comments = [INTAKE, EXPEDITE]
    body = note_body(comments)
    note_id = writer._post_once(iid, body, comments[-1], frozenset())
    kept = writer.settle(iid, Outcome(posted=comments, note_id=note_id, note_body=body, seen_note_ids=frozenset()))
    assert kept == [INTAKE]
    assert desk.bot_notes(iid)[-1]["body"] == with_marker(INTAKE.body, "intake", "missing-1")


# -- the kind requests' question (gl_cs/templates/kind_missing.md.j2) ---------------------------

def kind_missing(who: str, fresh: bool | None, *titles: str) -> str:
    values = {"who": Trusted(who), "kind_title": "Customer Onboarding", "opens": "on-boarding checklist",
              "missing": [{"title": t, "hint": "see the template"} for t in titles]}
    if fresh is not None:
        values["fresh"] = fresh
    return render("kind_missing.md.j2", values)


@pytest.mark.parametrize("who, fresh, titles, opens, count", [
    pytest.param("@eve.ae ", True, ("Start Date",),
                 "@eve.ae thanks for the Customer Onboarding request! To open the on-boarding checklist, "
                 "gl-cs needs this field:", ("add it;", "once it is there"), id="fresh, one field"),
    pytest.param("@eve.ae ", True, ("Customer", "Start Date"),
                 "@eve.ae thanks for the Customer Onboarding request!", ("these fields:", "add them;", "they are"),
                 id="fresh, two fields"),
    pytest.param("@eve.ae ", False, ("Start Date",),
                 "@eve.ae to open the on-boarding checklist for this Customer Onboarding request, gl-cs needs this "
                 "field:", ("add it;",), id="open for days, one field: plain"),
    pytest.param("", False, ("Customer", "Start Date"), "To open the on-boarding checklist for this Customer "
                 "Onboarding request, gl-cs needs these fields:", ("add them;",), id="nobody to address: a capital"),
    pytest.param("", None, ("Start Date",), "Thanks for the Customer Onboarding request!", ("add it;",),
                 id="a team's caller without 'fresh': thanks, as before"),
])
def test_kind_question_fits_the_moment(who, fresh, titles, opens, count):
    body = kind_missing(who, fresh, *titles)
    assert body.startswith(opens), body
    for words in count:
        assert words in body, body
    assert ("thanks for" in body.lower()) is (fresh is not False)


ONBOARDING = "## Customer\nAcme Robotics\n\n## Employees\n300 employees\n"  # no start date


@pytest.mark.parametrize("age, greeting", [
    pytest.param(2 * H, "@eve.ae thanks for the Customer Onboarding request!", id="opened 2 h ago"),
    pytest.param(72 * H, "@eve.ae to open the on-boarding checklist", id="opened 3 days ago"),
])
def test_kind_intake_greets_by_the_requests_age(age, greeting):
    req = issue(("Onboarding", "SA Backlog", "FY27-Q4"), description=ONBOARDING, created_at=NOW - age,
                updated_at=NOW - age)
    [body] = [a.body for a in kind_intake.decide(req, ctx()) if isinstance(a, Comment)]
    assert body.startswith(greeting), body
    assert "**Start Date**" in body and "add it;" in body
