"""The writer, one HTTP exchange at a time (``responses``; nothing listens on a socket).

What is proved here: a change and its reason go out as one note (quick actions + text),
a POST is never re-sent blindly after a 5xx, an idempotent PUT is, what gl-cs already said
is never said again, and a dry run writes nothing.
"""

from __future__ import annotations

import pytest
import responses

from gl_cs.act.writer import DryWriter, Writer, quick_actions
from gl_cs.decide.actions import Comment, Plan
from gl_cs.gitlab.adapter import GitLabError
from gl_cs.markers import marker, with_marker
from gl_cs.read.snapshot import Issue, User
from test_adapter_http import (BASE, BACKOFF, MAX_RETRIES, PROJECT, _ISSUE, created_note, gl, issue_body,  # noqa: F401
                               issue_url, notes_body, notes_url, req_json, rsps, waits)

COMMENT = Comment(rule="intake", why="fields missing", key="missing:Outcome", body="Please fill in **Outcome**.")
MARKED = with_marker(COMMENT.body, COMMENT.rule, COMMENT.key)
BOT_ID = 1  # the author of the reference notes ("pipin") plays gl-cs here


def is_bot(user) -> bool:
    return user is not None and user.id == BOT_ID


def issue(iid: int = 1, notes_count: int | None = None, assignees=()) -> Issue:
    return Issue(iid=iid, title="Request", description="", state="opened", labels=("SA Backlog",),
                 assignees=tuple(assignees), author=None, created_at=None, updated_at=None,
                 user_notes_count=notes_count)


def comment_plan(iid: int = 1, **kw) -> Plan:
    return Plan(iid=iid, web_url=f"{BASE}/{PROJECT}/-/issues/{iid}", actions=[COMMENT], **kw)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def writer_sleeps():
    return Sleeps()


@pytest.fixture
def writer(gl, writer_sleeps):
    return Writer(gl, is_bot=is_bot, sleep=writer_sleeps)


def test_marker_is_in_the_posted_body():
    assert marker(COMMENT.rule, COMMENT.key) in MARKED
    assert marker(COMMENT.rule, COMMENT.key).startswith("<!-- gl-cs:intake:")


def test_note_502_that_landed_is_not_posted_again(rsps, writer, writer_sleeps, waits):
    rsps.get(notes_url(1), status=200, json=notes_body())             # before posting: no marker
    rsps.post(notes_url(1), status=502, body="Bad Gateway")           # GitLab stored it anyway
    rsps.post(notes_url(1), status=201, json=created_note(MARKED))    # a re-send would hit this
    rsps.get(notes_url(1), status=200, json=notes_body(MARKED))       # ...as the re-read shows

    outcome = writer.apply(comment_plan(), issue())

    assert outcome.posted == [COMMENT]
    assert outcome.note_id == 900  # the copy that landed
    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "GET"]
    assert req_json(rsps.calls[1]) == {"body": MARKED}
    assert writer.totals.comments == 1 and writer.totals.edits == 0
    assert writer_sleeps == [0.5]
    assert waits == []  # python-gitlab did not retry anything


def test_note_502_that_did_not_land_is_sent_again_once(rsps, writer, writer_sleeps):
    rsps.get(notes_url(1), status=200, json=notes_body())
    rsps.post(notes_url(1), status=502, body="Bad Gateway")
    rsps.post(notes_url(1), status=201, json=created_note(MARKED))
    rsps.get(notes_url(1), status=200, json=notes_body())             # the re-read: not there

    outcome = writer.apply(comment_plan(), issue())

    assert outcome.posted == [COMMENT] and outcome.note_id == 999
    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "GET", "POST"]
    posts = [c for c in rsps.calls if c.request.method == "POST"]
    assert [req_json(c) for c in posts] == [{"body": MARKED}, {"body": MARKED}]
    assert writer.totals.comments == 1
    assert writer_sleeps == [0.5]


def test_note_already_there_is_skipped_without_post(rsps, writer):
    rsps.get(notes_url(1), status=200, json=notes_body(MARKED))
    assert writer.apply(comment_plan(), issue()).posted == []
    assert [c.request.method for c in rsps.calls] == ["GET"]
    assert writer.totals.skipped_comments == 1 and writer.totals.comments == 0


def test_a_marker_in_a_persons_comment_silences_nothing(rsps, writer):
    person = notes_body(MARKED)
    person[-1]["author"] = {"id": 77, "username": "eve.ae", "name": "Eve"}
    rsps.get(notes_url(1), status=200, json=person)
    rsps.post(notes_url(1), status=201, json=created_note(MARKED))
    assert writer.apply(comment_plan(), issue()).posted == [COMMENT]
    assert [c.request.method for c in rsps.calls] == ["GET", "POST"]


def test_an_issue_without_comments_is_not_read_before_posting(rsps, writer):
    rsps.post(notes_url(1), status=201, json=created_note(MARKED))
    outcome = writer.apply(comment_plan(), issue(notes_count=0))
    assert outcome.posted == [COMMENT] and outcome.expected_notes == 1
    assert [c.request.method for c in rsps.calls] == ["POST"]


def test_note_403_raises_at_once(rsps, writer, writer_sleeps, waits):
    rsps.get(notes_url(1), status=200, json=notes_body())
    rsps.post(notes_url(1), status=403, json={"message": "403 Forbidden"})
    with pytest.raises(GitLabError) as err:
        writer.apply(comment_plan(), issue())
    assert err.value.status == 403
    assert [c.request.method for c in rsps.calls] == ["GET", "POST"]
    assert writer_sleeps == [] and waits == []
    assert writer.totals.comments == 0


def test_note_always_5xx_gives_up_after_note_attempts(rsps, gl, writer_sleeps):
    writer = Writer(gl, is_bot=is_bot, note_attempts=3, backoff=1.0, sleep=writer_sleeps)
    rsps.get(notes_url(1), status=200, json=notes_body())
    rsps.post(notes_url(1), status=503, body="Service Unavailable")
    with pytest.raises(GitLabError) as err:
        writer.apply(comment_plan(), issue())
    assert err.value.status == 503
    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "GET", "POST", "GET", "POST"]
    assert writer_sleeps == [1.0, 2.0]
    assert writer.totals.comments == 0


def test_a_change_and_its_reason_are_one_note(rsps, writer):
    """The label and assignee changes ride in the comment as quick actions: GitLab applies
    both in one request or neither, so no kill or 502 can leave a change unexplained."""
    lennie = User(9, "lennie")
    plan = comment_plan(add_labels=("SA Triaged",), remove_labels=("SA Backlog",), assignees=(lennie,))
    rsps.get(notes_url(1), status=200, json=notes_body())
    rsps.post(notes_url(1), status=201, json=created_note(MARKED))

    outcome = writer.apply(plan, issue())

    assert [c.request.method for c in rsps.calls] == ["GET", "POST"]  # no PUT
    assert req_json(rsps.calls[1]) == {"body": MARKED + '\n\n/label ~"SA Triaged"\n/unlabel ~"SA Backlog"\n'
                                                       "/assign @lennie"}
    assert outcome.edited and outcome.posted == [COMMENT]
    assert writer.totals.comments == 1 and writer.totals.edits == 0 and writer.totals.writes == 1


def test_quick_actions_reassign_when_someone_is_assigned_and_unassign_for_nobody():
    plan = Plan(iid=1, web_url="", assignees=(User(2, "ana.sa"),))
    assert quick_actions(plan, (User(3, "ben.sa"),)) == "/reassign @ana.sa"
    assert quick_actions(Plan(iid=1, web_url="", assignees=()), (User(3, "ben.sa"),)) == "/unassign"
    assert quick_actions(Plan(iid=1, web_url="", add_labels=('say "hi"',)), ()) is None


def test_a_label_a_quick_action_cannot_carry_is_edited_first(rsps, writer):
    plan = comment_plan(add_labels=('SA "Doing"',))
    rsps.get(notes_url(1), status=200, json=notes_body())
    rsps.put(issue_url(1), status=200, json=issue_body(1, labels=['SA "Doing"']))
    rsps.post(notes_url(1), status=201, json=created_note(MARKED))
    outcome = writer.apply(plan, issue())
    assert [c.request.method for c in rsps.calls] == ["GET", "PUT", "POST"]
    assert req_json(rsps.calls[2]) == {"body": MARKED}
    assert outcome.posted == [COMMENT]


def test_dry_run_writes_nothing_and_lists_only_unsaid_comments(rsps, gl, writer_sleeps):
    writer = DryWriter(gl, is_bot=is_bot, sleep=writer_sleeps)
    plan = comment_plan(add_labels=("SA Triaged",), remove_labels=("SA Backlog",), assignees=(User(9, "lennie"),))
    rsps.get(notes_url(1), status=200, json=notes_body())
    assert writer.apply(plan, issue()).posted == [COMMENT]
    rsps.replace(responses.GET, notes_url(1), status=200, json=notes_body(MARKED))
    assert writer.apply(plan, issue()).posted == []  # already said: a real run would not post it
    assert [c.request.method for c in rsps.calls] == ["GET", "GET"]
    assert writer.totals.writes == 0 and writer_sleeps == []


def test_edit_only_plan_is_one_put_and_no_notes_read(rsps, writer):
    rsps.put(issue_url(1), status=200, json=issue_body(1, labels=["SA Triaged"]))
    plan = Plan(iid=1, web_url="", add_labels=("SA Triaged",), remove_labels=("SA Backlog",))
    outcome = writer.apply(plan, issue())
    assert outcome.posted == [] and outcome.after is not None and outcome.after.labels == ("SA Triaged",)
    assert [c.request.method for c in rsps.calls] == ["PUT"]
    assert req_json(rsps.calls[0]) == {"add_labels": "SA Triaged", "remove_labels": "SA Backlog"}
    assert writer.totals.edits == 1 and writer.totals.writes == 1


def test_edit_502_that_landed_is_read_back(rsps, writer, waits, writer_sleeps):
    lennie = _ISSUE["assignees"][0]
    plan = Plan(iid=1, web_url="", add_labels=("SA Triaged",), remove_labels=("SA Backlog",),
                assignees=(User(int(lennie["id"]), lennie["username"]),))
    rsps.put(issue_url(1), status=502, body="Bad Gateway")
    rsps.get(issue_url(1), status=200, json=issue_body(1, labels=["SA Triaged", "FY27-Q4"]))

    outcome = writer.apply(plan, issue())

    assert outcome.edited and outcome.after.labels == ("SA Triaged", "FY27-Q4")
    assert [c.request.method for c in rsps.calls] == ["PUT"] * (1 + MAX_RETRIES) + ["GET"]
    for call in rsps.calls[:1 + MAX_RETRIES]:
        assert req_json(call) == {"add_labels": "SA Triaged", "remove_labels": "SA Backlog",
                                  "assignee_ids": [int(lennie["id"])]}
    assert writer.totals.edits == 1
    assert waits == pytest.approx(BACKOFF)
    assert writer_sleeps == []


def test_edit_502_that_did_not_land_raises(rsps, writer):
    plan = Plan(iid=1, web_url="", add_labels=("SA Triaged",), remove_labels=("SA Backlog",))
    rsps.put(issue_url(1), status=502, body="Bad Gateway")
    rsps.get(issue_url(1), status=200, json=issue_body(1, labels=["SA Backlog"]))
    with pytest.raises(GitLabError) as err:
        writer.apply(plan, issue())
    assert err.value.status == 502
    assert [c.request.method for c in rsps.calls] == ["PUT"] * (1 + MAX_RETRIES) + ["GET"]
    assert writer.totals.edits == 0 and writer.totals.comments == 0


def test_edit_403_raises_without_rereading(rsps, writer):
    rsps.put(issue_url(1), status=403, json={"message": "403 Forbidden"})
    with pytest.raises(GitLabError) as err:
        writer.apply(Plan(iid=1, web_url="", add_labels=("SA Triaged",)), issue())
    assert err.value.status == 403
    assert [c.request.method for c in rsps.calls] == ["PUT"]


def test_edit_502_whose_reread_also_fails_raises_the_edit_error(rsps, writer, waits):
    rsps.put(issue_url(1), status=502, body="Bad Gateway")
    rsps.get(issue_url(1), status=503, body="Service Unavailable")
    with pytest.raises(GitLabError) as err:
        writer.apply(Plan(iid=1, web_url="", add_labels=("SA Triaged",)), issue())
    assert err.value.status == 502  # the edit's error, not the re-read's
    assert [c.request.method for c in rsps.calls] == ["PUT"] * (1 + MAX_RETRIES) + ["GET"] * (1 + MAX_RETRIES)
    assert writer.totals.edits == 0
