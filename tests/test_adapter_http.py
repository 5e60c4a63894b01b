"""HTTP-level tests of the GitLab adapter, one exchange at a time (the writer: test_writer_http.py).

Every request python-gitlab makes is answered by ``responses``; nothing listens on a
socket. python-gitlab's back-off (``time.sleep`` in ``gitlab.utils``) and the
applier's own ``sleep`` are replaced by recorders, so the tests assert the waits
that *would* have happened without spending them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import gitlab.utils
import pytest
import requests
import responses
from responses import matchers

from gl_cs.markers import marker, with_marker
from gl_cs.decide.actions import Comment, Plan
from gl_cs.gitlab.adapter import GitLab, GitLabError
from gl_cs.read.snapshot import User

BASE = "http://gitlab.test"
API = f"{BASE}/api/v4"
PROJECT = "sa-team/sa-service-desk"
PROJECT_URL = f"{API}/projects/sa-team%2Fsa-service-desk"
TOKEN = "tok-SECRET-123"  # fake; never a real-looking value
MAX_RETRIES = 6
# python-gitlab's back-off for transient errors: 0.1 * 2**n for each retry.
BACKOFF = [0.1 * 2**n for n in range(MAX_RETRIES)]

REFERENCE = Path(__file__).resolve().parent / "data" / "gitlab_reference"  # copied from shared/gitlab-reference


def _load(name: str, fallback):
    path = REFERENCE / name
    if path.is_file():
        return json.loads(path.read_text())
    return fallback


_ISSUE = _load("api_issue.json", {
    "id": 41, "iid": 1, "project_id": 4, "title": "Ut commodi ullam eos dolores perferendis nihil sunt.",
    "description": "Omnis vero earum sunt corporis dolor et placeat.", "state": "closed", "labels": [],
    "assignees": [{"id": 9, "username": "lennie", "name": "Dr. Luella Kovacek"}],
    "author": {"id": 1, "username": "root", "name": "Administrator"},
    "created_at": "2016-01-04T15:31:46.176Z", "updated_at": "2016-01-04T15:31:46.176Z",
    "web_url": "http://gitlab.example.com/my-group/my-project/issues/1",
})
_NOTES = _load("api_notes.json", [
    {"id": 302, "body": "closed", "author": {"id": 1, "username": "pipin", "name": "Pip"},
     "created_at": "2013-10-02T09:22:45Z", "system": True},
    {"id": 305, "body": "Text of the comment\r\n", "author": {"id": 1, "username": "pipin", "name": "Pip"},
     "created_at": "2013-10-02T09:56:03Z", "system": True},
])
_LABEL_EVENTS = _load("api_label_events.json", [
    {"id": 142, "user": {"id": 1, "username": "root", "name": "Administrator"},
     "created_at": "2018-08-20T13:38:20.077Z", "resource_type": "Issue", "resource_id": 253,
     "label": {"id": 73, "name": "a1", "color": "#34495E", "description": ""}, "action": "add"},
    {"id": 143, "user": {"id": 1, "username": "root", "name": "Administrator"},
     "created_at": "2018-08-20T13:38:20.077Z", "resource_type": "Issue", "resource_id": 253,
     "label": {"id": 74, "name": "p1", "color": "#0033CC", "description": ""}, "action": "remove"},
])


def issue_body(iid: int = 1, **changes) -> dict:
    data = copy.deepcopy(_ISSUE)
    data["iid"] = iid
    data["id"] = 1000 + iid
    data.update(changes)
    return data


def notes_body(*extra_bodies: str) -> list[dict]:
    notes = copy.deepcopy(_NOTES)
    for n, body in enumerate(extra_bodies):
        note = copy.deepcopy(_NOTES[-1])
        note.update(id=900 + n, body=body, system=False)
        notes.append(note)
    return notes


def created_note(body: str) -> dict:
    note = copy.deepcopy(_NOTES[-1])
    note.update(id=999, body=body, system=False)
    return note


def issue_url(iid: int = 1) -> str:
    return f"{PROJECT_URL}/issues/{iid}"


def notes_url(iid: int = 1) -> str:
    return f"{issue_url(iid)}/notes"


def req_json(call) -> dict:
    body = call.request.body
    if isinstance(body, bytes):
        body = body.decode()
    return json.loads(body)


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


@pytest.fixture
def waits(monkeypatch):
    """Every sleep python-gitlab asks for (``gitlab.utils.time`` is the ``time`` module)."""
    recorded: list[float] = []
    monkeypatch.setattr(gitlab.utils.time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def rsps(waits):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def gl(rsps):
    return GitLab(BASE, TOKEN, PROJECT, max_retries=MAX_RETRIES)


# ---------------------------------------------------------------------------
# 1. Error mapping
# ---------------------------------------------------------------------------

def test_constructing_the_adapter_makes_no_request(rsps, gl):
    assert len(rsps.calls) == 0


def test_401_says_check_the_token(rsps, gl, waits):
    rsps.get(issue_url(1), status=401, json={"message": "401 Unauthorized"})
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status == 401
    assert not err.value.transient
    msg = str(err.value)
    assert "token" in msg.lower() and "401" in msg
    assert "reading #1" in msg
    assert len(rsps.calls) == 1  # never retried
    assert rsps.calls[0].request.method == "GET"
    assert rsps.calls[0].request.headers["PRIVATE-TOKEN"] == TOKEN
    assert waits == []


def test_403_names_the_permission_problem(rsps, gl, waits):
    rsps.get(issue_url(1), status=403, json={"message": "403 Forbidden"})
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status == 403
    assert not err.value.transient
    assert "403" in str(err.value) and "permission" in str(err.value)
    assert len(rsps.calls) == 1
    assert waits == []


def test_404_says_not_found_or_cannot_see(rsps, gl, waits):
    rsps.get(issue_url(77), status=404, json={"message": "404 Issue Not Found"})
    with pytest.raises(GitLabError) as err:
        gl.get_issue(77)
    assert err.value.status == 404
    assert not err.value.transient
    msg = str(err.value)
    assert "not found" in msg.lower() and "cannot see" in msg
    assert "#77" in msg
    assert len(rsps.calls) == 1
    assert waits == []


def test_500_on_a_read_is_retried_then_reported_as_transient(rsps, gl, waits):
    rsps.get(issue_url(1), status=500, json={"message": "500 Internal Server Error"})
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status == 500
    assert err.value.transient
    assert "500" in str(err.value)
    assert len(rsps.calls) == 1 + MAX_RETRIES
    assert all(c.request.method == "GET" for c in rsps.calls)
    assert waits == pytest.approx(BACKOFF)


def test_connection_refused_is_transient_with_no_status(rsps, gl, waits):
    rsps.get(issue_url(1), body=requests.ConnectionError("[Errno 111] Connection refused"))
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status is None
    assert err.value.transient
    assert "cannot reach GitLab" in str(err.value)
    assert "ConnectionError" in str(err.value)
    assert len(rsps.calls) == 1 + MAX_RETRIES  # reads retry a refused connection too
    assert waits == pytest.approx(BACKOFF)


def test_connection_refused_on_a_note_is_not_retried(rsps, gl, waits):
    rsps.post(notes_url(1), body=requests.ConnectionError("[Errno 111] Connection refused"))
    with pytest.raises(GitLabError) as err:
        gl.create_note(1, "hello")
    assert err.value.status is None and err.value.transient
    assert len(rsps.calls) == 1
    assert waits == []


def test_429_after_retries_exhausted_is_transient(rsps, gl, waits):
    rsps.get(issue_url(1), status=429, body="Retry later", headers={"Retry-After": "2"})
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status == 429
    assert err.value.transient
    assert "rate limited" in str(err.value)
    assert len(rsps.calls) == 1 + MAX_RETRIES
    assert waits == [2] * MAX_RETRIES


def test_gitlab_error_transient_property():
    assert GitLabError("x", None).transient
    assert GitLabError("x", 500).transient
    assert GitLabError("x", 502).transient
    assert GitLabError("x", 429).transient
    for status in (400, 401, 403, 404, 409, 422):
        assert not GitLabError("x", status).transient


# ---------------------------------------------------------------------------
# 2. The token never leaks into an error
# ---------------------------------------------------------------------------

def _assert_no_token(exc: GitLabError) -> None:
    for text in (str(exc), repr(exc), *map(str, exc.args)):
        assert TOKEN not in text, f"token leaked: {text!r}"
    assert exc.__cause__ is None  # `from None`: python-gitlab's exception (with the body) is not chained
    assert exc.__suppress_context__


def test_token_is_absent_from_error_when_server_does_not_echo_it(rsps, gl):
    rsps.get(issue_url(1), status=401, json={"message": f"bad token {TOKEN}"})
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status == 401
    _assert_no_token(err.value)


ECHO_CASES = [
    pytest.param(403, {"json": {"message": f"403 Forbidden for token {TOKEN}"}}, id="403-json-message"),
    pytest.param(404, {"json": {"error": f"no such token {TOKEN}"}}, id="404-json-error"),
    pytest.param(422, {"body": f"invalid private token {TOKEN}"}, id="422-plain-text"),
    pytest.param(500, {"json": {"message": f"boom while checking {TOKEN}"}}, id="500-json-after-retries"),
]


@pytest.mark.parametrize("status, body", ECHO_CASES)
def test_token_echoed_by_server_never_reaches_the_error(rsps, gl, status, body):
    rsps.get(issue_url(1), status=status, **body)
    with pytest.raises(GitLabError) as err:
        gl.get_issue(1)
    assert err.value.status == status
    _assert_no_token(err.value)


# ---------------------------------------------------------------------------
# 3. Retries: 429 waited out, 5xx reads retried, edits as one PUT
# ---------------------------------------------------------------------------

def test_429_on_get_waits_retry_after_then_retries(rsps, gl, waits):
    rsps.get(issue_url(1), status=429, body="Retry later", headers={"Retry-After": "7"})
    rsps.get(issue_url(1), status=200, json=issue_body(1))
    issue = gl.get_issue(1)
    assert issue.iid == 1
    assert issue.title == _ISSUE["title"]
    assert [u.username for u in issue.assignees] == [a["username"] for a in _ISSUE["assignees"]]
    assert waits == [7]
    assert len(rsps.calls) == 2
    assert [c.request.method for c in rsps.calls] == ["GET", "GET"]


def test_429_on_note_post_waits_retry_after_then_posts_again(rsps, gl, waits):
    rsps.post(notes_url(1), status=429, body="Retry later", headers={"Retry-After": "7"})
    rsps.post(notes_url(1), status=201, json=created_note("hello"))
    gl.create_note(1, "hello")
    assert waits == [7]
    assert len(rsps.calls) == 2
    assert [c.request.method for c in rsps.calls] == ["POST", "POST"]
    # a 429 means the request was not processed: re-sending the same body is safe
    assert [req_json(c) for c in rsps.calls] == [{"body": "hello"}, {"body": "hello"}]


def test_5xx_on_label_events_is_retried(rsps, gl, waits):
    url = f"{issue_url(1)}/resource_label_events"
    rsps.get(url, status=502, body="Bad Gateway")
    rsps.get(url, status=503, body="Service Unavailable")
    rsps.get(url, status=200, json=_LABEL_EVENTS)
    events = gl.label_events(1)
    assert [(e.id, e.label, e.action) for e in events] == [
        (e["id"], e["label"]["name"], e["action"]) for e in _LABEL_EVENTS]
    assert events[0].user is not None and events[0].user.username == _LABEL_EVENTS[0]["user"]["username"]
    assert len(rsps.calls) == 3
    assert all(c.request.method == "GET" for c in rsps.calls)
    assert query(rsps.calls[-1])["per_page"] == ["100"]
    assert waits == pytest.approx(BACKOFF[:2])


def test_5xx_on_notes_is_retried(rsps, gl, waits):
    rsps.get(notes_url(1), status=500, json={"message": "500 Internal Server Error"})
    rsps.get(notes_url(1), status=200, json=_NOTES)
    notes = gl.notes(1)
    assert [(n.id, n.body, n.system) for n in notes] == [(n["id"], n["body"], n["system"]) for n in _NOTES]
    assert notes[0].author is not None and notes[0].author.username == _NOTES[0]["author"]["username"]
    assert notes[0].created_at is not None and notes[0].created_at.tzinfo is not None
    assert len(rsps.calls) == 2
    q = query(rsps.calls[-1])
    assert q["sort"] == ["asc"] and q["per_page"] == ["100"]
    assert waits == pytest.approx(BACKOFF[:1])


def test_5xx_on_notes_exhausted_raises(rsps, gl, waits):
    rsps.get(notes_url(1), status=503, body="Service Unavailable")
    with pytest.raises(GitLabError) as err:
        gl.notes(1)
    assert err.value.status == 503 and err.value.transient
    assert len(rsps.calls) == 1 + MAX_RETRIES


def test_edit_issue_is_one_put_with_label_deltas_and_assignees(rsps, gl, waits):
    rsps.put(issue_url(3), status=200, json=issue_body(3, labels=["SA Triaged", "EXPEDITE"]))
    gl.edit_issue(3, add_labels=["SA Triaged", "EXPEDITE"], remove_labels=["SA Backlog"], assignee_ids=[9, 12])
    assert len(rsps.calls) == 1
    call = rsps.calls[0]
    assert call.request.method == "PUT"
    assert call.request.url == issue_url(3)
    sent = req_json(call)
    assert sent == {"add_labels": "SA Triaged,EXPEDITE", "remove_labels": "SA Backlog", "assignee_ids": [9, 12]}
    assert "labels" not in sent
    assert waits == []


def test_edit_issue_only_sends_what_changes(rsps, gl):
    rsps.put(issue_url(3), status=200, json=issue_body(3))
    gl.edit_issue(3, remove_labels=["SA Backlog"])
    gl.edit_issue(3, assignee_ids=[])  # [] unassigns everybody: it must still be sent
    assert len(rsps.calls) == 2
    assert req_json(rsps.calls[0]) == {"remove_labels": "SA Backlog"}
    assert req_json(rsps.calls[1]) == {"assignee_ids": []}


def test_edit_issue_with_nothing_to_change_sends_nothing(rsps, gl):
    gl.edit_issue(3)
    gl.edit_issue(3, add_labels=(), remove_labels=(), assignee_ids=None)
    assert len(rsps.calls) == 0


def test_edit_issue_5xx_is_retried_with_the_same_body(rsps, gl, waits):
    rsps.put(issue_url(3), status=502, body="Bad Gateway")
    rsps.put(issue_url(3), status=200, json=issue_body(3, labels=["SA Triaged"]))
    gl.edit_issue(3, add_labels=["SA Triaged"])
    assert len(rsps.calls) == 2
    assert [c.request.method for c in rsps.calls] == ["PUT", "PUT"]
    assert [req_json(c) for c in rsps.calls] == [{"add_labels": "SA Triaged"}] * 2
    assert waits == pytest.approx(BACKOFF[:1])


# ---------------------------------------------------------------------------
# 4. create_note is never retried blindly on 5xx
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_create_note_5xx_is_one_post(rsps, gl, waits, status):
    rsps.post(notes_url(1), status=status, body="Bad Gateway")
    rsps.post(notes_url(1), status=201, json=created_note("hello"))  # would be used by a retry
    with pytest.raises(GitLabError) as err:
        gl.create_note(1, "hello")
    assert err.value.status == status
    assert err.value.transient
    assert len(rsps.calls) == 1
    assert rsps.calls[0].request.method == "POST"
    assert req_json(rsps.calls[0]) == {"body": "hello"}
    assert waits == []


# ---------------------------------------------------------------------------
# 6. iter_issues: pagination and failed pages
# ---------------------------------------------------------------------------

LIST_URL = f"{PROJECT_URL}/issues"


def _page_headers(page: int, total_pages: int, per_page: int = 100) -> dict[str, str]:
    headers = {"x-page": str(page), "x-per-page": str(per_page), "x-total-pages": str(total_pages),
               "x-next-page": str(page + 1) if page < total_pages else "",
               "x-prev-page": str(page - 1) if page > 1 else ""}
    links = []
    if page < total_pages:
        links.append(f'<{LIST_URL}?page={page + 1}&per_page={per_page}&state=opened>; rel="next"')
    links.append(f'<{LIST_URL}?page=1&per_page={per_page}&state=opened>; rel="first"')
    links.append(f'<{LIST_URL}?page={total_pages}&per_page={per_page}&state=opened>; rel="last"')
    headers["Link"] = ", ".join(links)
    return headers


def _page_matcher(page: int):
    # page 1 is the first request (no page parameter); later pages follow the Link URL
    if page == 1:
        return [matchers.query_param_matcher({"state": "opened", "order_by": "created_at", "sort": "asc",
                                              "per_page": "100"})]
    return [matchers.query_param_matcher({"page": str(page)}, strict_match=False)]


def test_iter_issues_streams_across_pages(rsps, gl, waits):
    rsps.get(LIST_URL, json=[issue_body(1), issue_body(2)], headers=_page_headers(1, 3), match=_page_matcher(1))
    rsps.get(LIST_URL, json=[issue_body(3)], headers=_page_headers(2, 3), match=_page_matcher(2))
    rsps.get(LIST_URL, json=[issue_body(4, labels=["SA Doing"])], headers=_page_headers(3, 3),
             match=_page_matcher(3))

    it = gl.iter_issues()
    assert len(rsps.calls) == 0  # a generator: nothing requested until iterated
    first = next(it)
    assert first.iid == 1
    assert len(rsps.calls) == 1  # the second page is fetched only when needed
    assert next(it).iid == 2
    assert len(rsps.calls) == 1
    rest = list(it)
    assert [i.iid for i in rest] == [3, 4]
    assert rest[-1].labels == ("SA Doing",)
    assert len(rsps.calls) == 3
    assert all(c.request.method == "GET" for c in rsps.calls)
    first_q = query(rsps.calls[0])
    assert first_q["state"] == ["opened"] and first_q["order_by"] == ["created_at"]
    assert first_q["sort"] == ["asc"] and first_q["per_page"] == ["100"]
    assert [query(c).get("page") for c in rsps.calls] == [None, ["2"], ["3"]]
    assert waits == []


def test_iter_issues_retries_a_5xx_page(rsps, gl, waits):
    rsps.get(LIST_URL, json=[issue_body(1)], headers=_page_headers(1, 2), match=_page_matcher(1))
    rsps.get(LIST_URL, status=502, body="Bad Gateway", match=_page_matcher(2))
    rsps.get(LIST_URL, json=[issue_body(2)], headers=_page_headers(2, 2), match=_page_matcher(2))
    assert [i.iid for i in gl.iter_issues()] == [1, 2]
    assert len(rsps.calls) == 3
    assert waits == pytest.approx(BACKOFF[:1])


def test_iter_issues_page_failing_after_retries_raises(rsps, gl, waits):
    rsps.get(LIST_URL, json=[issue_body(1), issue_body(2)], headers=_page_headers(1, 2), match=_page_matcher(1))
    rsps.get(LIST_URL, status=500, json={"message": "500 Internal Server Error"}, match=_page_matcher(2))
    seen = []
    with pytest.raises(GitLabError) as err:
        for issue in gl.iter_issues():
            seen.append(issue.iid)
    assert seen == [1, 2]
    assert err.value.status == 500
    assert err.value.transient
    assert "listing opened issues" in str(err.value)
    assert len(rsps.calls) == 1 + 1 + MAX_RETRIES
    assert waits == pytest.approx(BACKOFF)


def test_iter_issues_first_page_failing_raises_not_empty(rsps, gl, waits):
    rsps.get(LIST_URL, status=500, json={"message": "500 Internal Server Error"})
    with pytest.raises(GitLabError) as err:
        list(gl.iter_issues())
    assert err.value.status == 500
    assert len(rsps.calls) == 1 + MAX_RETRIES


def test_iter_issues_first_page_403_raises(rsps, gl):
    rsps.get(LIST_URL, status=403, json={"message": "403 Forbidden"})
    with pytest.raises(GitLabError) as err:
        list(gl.iter_issues())
    assert err.value.status == 403
    assert len(rsps.calls) == 1


def test_iter_issues_passes_filters(rsps, gl):
    import datetime as dt

    rsps.get(LIST_URL, json=[], headers={"x-page": "1", "x-total-pages": "1"})
    after = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert list(gl.iter_issues(state="closed", updated_after=after, iids=[4, 5])) == []
    assert len(rsps.calls) == 1
    q = query(rsps.calls[0])
    assert q["state"] == ["closed"]
    assert q["updated_after"] == ["2026-11-20T17:30:00Z"]
    assert q["iids[]"] == ["4", "5"]


# ---------------------------------------------------------------------------
# Odds and ends around the same exchanges
# ---------------------------------------------------------------------------

def test_current_user(rsps, gl):
    rsps.get(f"{API}/user", json={"id": 42, "username": "gl-cs-bot", "name": "gl-cs"})
    user = gl.current_user()
    assert (user.id, user.username, user.name) == (42, "gl-cs-bot", "gl-cs")
    assert len(rsps.calls) == 1
    assert rsps.calls[0].request.headers["PRIVATE-TOKEN"] == TOKEN


def test_create_label_409_means_already_there(rsps, gl, waits):
    rsps.post(f"{PROJECT_URL}/labels", status=409, json={"message": "Label already exists"})
    gl.create_label("SA Triaged", "#428BCA", "triaged")
    assert len(rsps.calls) == 1
    assert req_json(rsps.calls[0]) == {"name": "SA Triaged", "color": "#428BCA", "description": "triaged"}
    assert waits == []


def test_create_label_403_raises(rsps, gl):
    rsps.post(f"{PROJECT_URL}/labels", status=403, json={"message": "403 Forbidden"})
    with pytest.raises(GitLabError) as err:
        gl.create_label("SA Triaged", "#428BCA")
    assert err.value.status == 403
    assert "creating label 'SA Triaged'" in str(err.value)
    assert len(rsps.calls) == 1
