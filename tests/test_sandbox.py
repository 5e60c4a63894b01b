"""End-to-end tests of the GitLab sandbox through the real python-gitlab client over HTTP."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from pathlib import Path

import gitlab
import pytest
import requests

from gl_cs.sandbox import Faults, Sandbox, Store, seed_service_desk
from gl_cs.sandbox.store import iso

NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.timezone.utc)
REFERENCE = Path(__file__).resolve().parent / "data" / "gitlab_reference"  # copied from shared/gitlab-reference
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PATH = "sa-team/sa-service-desk"


class Clock:
    """A settable clock for the store."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> dt.datetime:
        self.now += dt.timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW + dt.timedelta(minutes=5))


@pytest.fixture
def store(clock: Clock) -> Store:
    store = Store(clock=clock)
    return store


@pytest.fixture
def seeded(store: Store) -> dict:
    return seed_service_desk(store, NOW)


@pytest.fixture
def sandbox(store: Store, seeded: dict):
    sb = Sandbox(store)
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()
    assert sb.errors == [], "the sandbox answered 500 because of an internal error"


@pytest.fixture
def gl(sandbox: Sandbox) -> gitlab.Gitlab:
    return gitlab.Gitlab(sandbox.url, private_token="sandbox-token")


@pytest.fixture
def project(gl: gitlab.Gitlab, seeded: dict):
    return gl.projects.get(seeded["project_id"], lazy=True)


def api(sandbox: Sandbox, method: str, path: str, token: str | None = "sandbox-token", **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers["PRIVATE-TOKEN"] = token
    return requests.request(method, sandbox.api_url + path, headers=headers, timeout=10, **kwargs)


def reference(name: str):
    path = REFERENCE / name
    return json.loads(path.read_text())


def user_token(seeded: dict, username: str) -> str:
    return seeded["tokens"][username]


# --------------------------------------------------------------------------- auth & routing


def test_missing_or_unknown_token_is_401(sandbox: Sandbox) -> None:
    response = api(sandbox, "GET", "/user", token=None)
    assert response.status_code == 401
    assert response.json() == {"message": "401 Unauthorized"}
    assert api(sandbox, "GET", f"/projects/{PATH.replace('/', '%2F')}", token="nope").status_code == 401
    with pytest.raises(gitlab.GitlabAuthenticationError):
        gitlab.Gitlab(sandbox.url, private_token="wrong").auth()


def test_bearer_token_and_private_token_authenticate(sandbox: Sandbox, seeded: dict) -> None:
    response = requests.get(sandbox.api_url + "/user", timeout=10,
                            headers={"Authorization": "Bearer sandbox-token"})
    assert response.status_code == 200
    assert response.json()["username"] == "gl-cs-bot"
    oauth = gitlab.Gitlab(sandbox.url, oauth_token=user_token(seeded, "ana.sa"))
    oauth.auth()
    assert oauth.user.username == "ana.sa"
    assert not any(t.startswith("glpat-") for t in seeded["tokens"].values())


def test_not_found_answers(sandbox: Sandbox, gl: gitlab.Gitlab, seeded: dict) -> None:
    unknown = api(sandbox, "GET", "/nothing/here")
    assert (unknown.status_code, unknown.json()) == (404, {"message": "404 Not found"})
    missing_project = api(sandbox, "GET", "/projects/no%2Fsuch")
    assert missing_project.json() == {"message": "404 Project Not Found"}
    missing_issue = api(sandbox, "GET", f"/projects/{seeded['project_id']}/issues/9999")
    assert (missing_issue.status_code, missing_issue.json()) == (404, {"message": "404 Issue Not Found"})
    with pytest.raises(gitlab.GitlabGetError) as excinfo:
        gl.projects.get(seeded["project_id"], lazy=True).issues.get(424242)
    assert excinfo.value.response_code == 404
    assert api(sandbox, "DELETE", f"/projects/{seeded['project_id']}").status_code == 405


def test_project_by_url_encoded_path(gl: gitlab.Gitlab, sandbox: Sandbox, seeded: dict) -> None:
    project = gl.projects.get(PATH)
    assert project.id == seeded["project_id"]
    assert project.path_with_namespace == PATH
    raw = api(sandbox, "GET", "/projects/sa-team%2Fsa-service-desk").json()
    assert raw["id"] == seeded["project_id"] and raw["web_url"].endswith("/" + PATH)


def test_members_all_lists_access_levels(project, seeded: dict) -> None:
    members = {m.username: m.access_level for m in project.members_all.list(get_all=True)}
    assert all(members[sa] == 30 for sa in seeded["sa_usernames"])
    assert all(members[ae] == 20 for ae in seeded["ae_usernames"])
    assert seeded["outsider_username"] not in members
    assert members[seeded["bot_username"]] >= 20


# --------------------------------------------------------------------------- issue lists


def iids(items) -> set[int]:
    return {i.iid for i in items}


def test_list_filters(project, store: Store, seeded: dict) -> None:
    pid = seeded["project_id"]
    every = store.issues(pid)
    assert len(project.issues.list(get_all=True)) == len(every) == 30
    opened = iids(project.issues.list(state="opened", get_all=True))
    closed = iids(project.issues.list(state="closed", get_all=True))
    assert opened == {i["iid"] for i in every if i["state"] == "opened"}
    assert closed == {seeded["scenarios"]["closed_with_doing"], seeded["scenarios"]["closed_clean"]}

    doing = iids(project.issues.list(labels=["SA Doing"], get_all=True))
    assert doing == {i["iid"] for i in every if "SA Doing" in i["labels"]}
    both = iids(project.issues.list(labels="SA Doing,SA Waiting", get_all=True))
    assert both == {seeded["scenarios"]["two_workflow_doing_waiting"]}
    unlabeled = iids(project.issues.list(labels="None", get_all=True))
    assert unlabeled == {i["iid"] for i in every if not i["labels"]}
    assert iids(project.issues.list(labels="Any", get_all=True)) == {i["iid"] for i in every} - unlabeled

    assert iids(project.issues.list(iids=[1, 5, 7], get_all=True)) == {1, 5, 7}

    cutoff = NOW - dt.timedelta(days=1, minutes=30)  # not on a seeded timestamp
    recent = iids(project.issues.list(updated_after=cutoff.isoformat(), get_all=True))
    assert recent == {i["iid"] for i in every if i["updated_at"] >= iso(cutoff)}
    older = iids(project.issues.list(updated_before=iso(cutoff), get_all=True))
    assert older == {i["iid"] for i in every} - recent
    created = iids(project.issues.list(created_after=iso(cutoff), get_all=True))
    assert created == {i["iid"] for i in every if i["created_at"] >= iso(cutoff)}


def test_list_sorting(project) -> None:
    default = [i.created_at for i in project.issues.list(get_all=True)]
    assert default == sorted(default, reverse=True)
    by_update = [i.updated_at for i in project.issues.list(order_by="updated_at", sort="asc",
                                                           get_all=True)]
    assert by_update == sorted(by_update)


def pagination_header_names() -> set[str]:
    path = REFERENCE / "api_pagination_headers_example.http"
    if not path.exists():
        pytest.skip(f"GitLab reference fixtures not found at {REFERENCE}")
    names = {line.split(":", 1)[0].strip().lower() for line in path.read_text().splitlines()[1:]
             if ":" in line}
    pagination = {n for n in names if n == "link" or n.startswith("x-")} - {"x-request-id", "x-runtime"}
    assert pagination == {"link", "x-next-page", "x-page", "x-per-page", "x-prev-page", "x-total",
                          "x-total-pages"}
    return pagination


def parse_links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


def test_pagination_headers_match_gitlab(sandbox: Sandbox, seeded: dict) -> None:
    expected = pagination_header_names()
    response = api(sandbox, "GET", f"/projects/{seeded['project_id']}/issues",
                   params={"per_page": 3, "page": 2, "state": "all"})
    assert response.status_code == 200
    assert expected <= {k.lower() for k in response.headers}
    h = response.headers
    assert (h["x-page"], h["x-per-page"], h["x-next-page"], h["x-prev-page"]) == ("2", "3", "3", "1")
    assert (h["x-total"], h["x-total-pages"]) == ("30", "10")
    links = parse_links(h["link"])
    assert set(links) == {"prev", "next", "first", "last"}
    assert links["next"].startswith(sandbox.api_url + f"/projects/{seeded['project_id']}/issues?")
    assert "state=all" in links["next"] and "page=3" in links["next"]
    assert "page=10" in links["last"]
    assert len(response.json()) == 3

    last = api(sandbox, "GET", f"/projects/{seeded['project_id']}/issues",
               params={"per_page": 3, "page": 10}).headers
    assert last["x-next-page"] == "" and "next" not in parse_links(last["link"])
    first = api(sandbox, "GET", f"/projects/{seeded['project_id']}/issues").headers
    assert (first["x-prev-page"], first["x-per-page"]) == ("", "20")


def test_python_gitlab_follows_links_across_pages(project) -> None:
    seen = [i.iid for i in project.issues.list(per_page=7, iterator=True)]
    assert sorted(seen) == list(range(1, 31))


def test_per_page_is_capped_at_100() -> None:
    store = Store()
    info = seed_service_desk(store, NOW, n_issues=130)
    with Sandbox(store) as sb:
        response = api(sb, "GET", f"/projects/{info['project_id']}/issues", params={"per_page": 500})
        assert response.headers["x-per-page"] == "100"
        assert len(response.json()) == 100
        assert response.headers["x-total-pages"] == "2"
        project = sb.client().projects.get(info["project_id"], lazy=True)
        assert len(project.issues.list(get_all=True, per_page=100)) == 130


def test_totals_above_10000_are_omitted() -> None:
    store = Store()
    project = store.add_project("big/desk")
    store.add_user("bot")
    store.add_token("sandbox-token", "bot")
    store.add_member(project["id"], "bot", 30)
    for n in range(10_001):
        store.add_issue(project["id"], f"issue {n}", author="bot", created_at=NOW)
    with Sandbox(store) as sb:
        response = api(sb, "GET", f"/projects/{project['id']}/issues", params={"per_page": 100})
        headers = {k.lower(): v for k, v in response.headers.items()}
        assert "x-total" not in headers and "x-total-pages" not in headers
        assert headers["x-next-page"] == "2"
        assert set(parse_links(headers["link"])) == {"next", "first"}
        small = api(sb, "GET", f"/projects/{project['id']}/issues", params={"state": "closed"})
        assert small.headers["x-total"] == "0" and "last" in parse_links(small.headers["link"])


# --------------------------------------------------------------------------- writes


def test_create_issue(project, store: Store, seeded: dict, clock: Clock) -> None:
    issue = project.issues.create({"title": "SA Activity: New Co", "description": "hi",
                                   "labels": "SA Backlog,Brand New", "assignee_ids": [seeded["users"]["ana.sa"]],
                                   "due_date": "2026-12-01"})
    assert issue.iid == 31 and issue.state == "opened"
    assert issue.labels == ["Brand New", "SA Backlog"]
    assert issue.author["username"] == "gl-cs-bot"
    assert [a["username"] for a in issue.assignees] == ["ana.sa"]
    assert issue.due_date == "2026-12-01"
    assert issue.created_at == issue.updated_at == iso(clock.now)
    assert "Brand New" in {l["name"] for l in store.labels(seeded["project_id"])}
    events = store.label_events(seeded["project_id"], 31)
    assert {(e["user"]["username"], e["action"], e["label"]["name"]) for e in events} == {
        ("gl-cs-bot", "add", "SA Backlog"), ("gl-cs-bot", "add", "Brand New")}
    with pytest.raises(gitlab.GitlabCreateError) as excinfo:
        project.issues.create({"title": ""})
    assert excinfo.value.response_code == 400


def test_edit_labels_records_events_by_acting_user(sandbox: Sandbox, store: Store, seeded: dict,
                                                   clock: Clock) -> None:
    pid = seeded["project_id"]
    iid = seeded["scenarios"]["triaged_no_assignee_by_member"]
    before = len(store.label_events(pid, iid))
    ana = gitlab.Gitlab(sandbox.url, private_token=user_token(seeded, "ana.sa"))
    when = clock.advance(minutes=10)
    issue = ana.projects.get(pid, lazy=True).issues.update(
        iid, {"add_labels": "SA Doing", "remove_labels": "SA Triaged",
              "assignee_ids": [seeded["users"]["ana.sa"]]})
    assert issue["labels"] == ["SA Doing"]
    assert issue["updated_at"] == iso(when)
    assert [a["username"] for a in issue["assignees"]] == ["ana.sa"]
    new = store.label_events(pid, iid)[before:]
    assert [(e["user"]["username"], e["action"], e["label"]["name"], e["created_at"]) for e in new] == [
        ("ana.sa", "add", "SA Doing", iso(when)), ("ana.sa", "remove", "SA Triaged", iso(when))]
    assert not any("label" in n["body"] for n in store.notes(pid, iid)), \
        "label changes are resource events, not notes"

    gl = gitlab.Gitlab(sandbox.url, private_token="sandbox-token")
    issue_obj = gl.projects.get(pid, lazy=True).issues.get(iid)
    issue_obj.labels = ["SA Waiting", "sa doing"]
    issue_obj.save()
    assert sorted(store.issue(pid, iid)["labels"]) == ["SA Waiting", "sa doing"]
    names = {l["name"] for l in store.labels(pid)}
    assert {"SA Doing", "sa doing"} <= names, "label names are case-sensitive"
    last = store.label_events(pid, iid)[-3:]
    assert {(e["user"]["username"], e["action"], e["label"]["name"]) for e in last} == {
        ("gl-cs-bot", "add", "SA Waiting"), ("gl-cs-bot", "add", "sa doing"),
        ("gl-cs-bot", "remove", "SA Doing")}
    assert gl.projects.get(pid, lazy=True).issues.update(iid, {"assignee_ids": []})["assignees"] == []


def test_close_and_reopen(project, store: Store, seeded: dict, clock: Clock) -> None:
    iid = seeded["scenarios"]["doing_healthy"]
    notes_before = len(store.notes(seeded["project_id"], iid))
    issue = project.issues.get(iid)
    issue.state_event = "close"
    issue.save()
    assert issue.state == "closed"
    assert issue.closed_at == iso(clock.now)
    # ``closed_by`` is also a method of ProjectIssue, so read the attribute explicitly.
    assert issue.attributes["closed_by"]["username"] == "gl-cs-bot"
    issue.state_event = "reopen"
    issue.save()
    assert (issue.state, issue.closed_at, issue.attributes["closed_by"]) == ("opened", None, None)
    assert len(store.notes(seeded["project_id"], iid)) == notes_before


def test_writes_need_reporter_access(sandbox: Sandbox, store: Store, seeded: dict) -> None:
    pid = seeded["project_id"]
    client = gitlab.Gitlab(sandbox.url, private_token=user_token(seeded, seeded["guest_username"]))
    issues = client.projects.get(pid, lazy=True).issues
    assert issues.get(1).iid == 1, "a Guest reads"
    with pytest.raises(gitlab.GitlabUpdateError) as excinfo:
        issues.update(1, {"add_labels": "EXPEDITE"})
    assert excinfo.value.response_code == 403
    assert "EXPEDITE" not in store.issue(pid, 1)["labels"]
    response = api(sandbox, "PUT", f"/projects/{pid}/issues/1",
                   token=user_token(seeded, seeded["guest_username"]), json={"title": "x"})
    assert response.json() == {"message": "403 Forbidden"}
    # A non-member does not even see the private project (404, as on GitLab).
    response = api(sandbox, "PUT", f"/projects/{pid}/issues/1",
                   token=user_token(seeded, seeded["outsider_username"]), json={"title": "x"})
    assert (response.status_code, response.json()) == (404, {"message": "404 Project Not Found"})


def test_forbid_edit_blocks_one_issue(project, store: Store, seeded: dict) -> None:
    store.forbid_edit(seeded["project_id"], 2)
    with pytest.raises(gitlab.GitlabUpdateError) as excinfo:
        project.issues.update(2, {"add_labels": "SA Backlog"})
    assert excinfo.value.response_code == 403
    with pytest.raises(gitlab.GitlabCreateError):
        project.issues.get(2, lazy=True).notes.create({"body": "hello"})
    assert project.issues.update(3, {"add_labels": "EXPEDITE"})["labels"] == ["EXPEDITE", "SA Backlog"]
    store.allow_edit(seeded["project_id"], 2)
    assert "SA Backlog" in project.issues.update(2, {"add_labels": "SA Backlog"})["labels"]


def test_update_without_parameters_is_400(sandbox: Sandbox, seeded: dict) -> None:
    response = api(sandbox, "PUT", f"/projects/{seeded['project_id']}/issues/1", json={})
    assert response.status_code == 400 and "at least one parameter" in response.json()["error"]


def test_form_encoded_writes_are_accepted(sandbox: Sandbox, store: Store, seeded: dict) -> None:
    pid = seeded["project_id"]
    response = api(sandbox, "PUT", f"/projects/{pid}/issues/1",
                   data={"add_labels": "SA Backlog", "assignee_ids[]": [seeded["users"]["ben.sa"]]})
    assert response.status_code == 200
    issue = store.issue(pid, 1)
    assert issue["labels"] == ["SA Backlog"]
    assert [a["username"] for a in issue["assignees"]] == ["ben.sa"]


# --------------------------------------------------------------------------- labels


def test_label_rename_keeps_issue_labels(project, store: Store, seeded: dict, sandbox: Sandbox) -> None:
    pid = seeded["project_id"]
    doing = {i["iid"] for i in store.issues(pid) if "SA Doing" in i["labels"]}
    assert doing
    label = project.labels.get("SA Doing")
    label.new_name = "SA In Progress"
    label.save()
    assert iids(project.issues.list(labels="SA In Progress", get_all=True)) == doing
    assert project.issues.list(labels="SA Doing", get_all=True) == []
    assert all("SA In Progress" in store.issue(pid, iid)["labels"] for iid in doing)
    events = store.label_events(pid, seeded["scenarios"]["doing_healthy"])
    assert "SA In Progress" in {e["label"]["name"] for e in events}
    # The path form addresses the label by URL-encoded name or by id.
    response = api(sandbox, "PUT", f"/projects/{pid}/labels/SA%20In%20Progress",
                   json={"new_name": "SA Doing"})
    assert response.status_code == 200 and response.json()["name"] == "SA Doing"
    by_id = api(sandbox, "PUT", f"/projects/{pid}/labels/{response.json()['id']}",
                json={"color": "#000000"})
    assert by_id.json()["color"] == "#000000"
    assert iids(project.issues.list(labels="SA Doing", get_all=True)) == doing


def test_label_create_and_conflict(project, store: Store, seeded: dict) -> None:
    label = project.labels.create({"name": "SA Escalated", "color": "#FF00FF", "description": "x"})
    assert (label.name, label.color) == ("SA Escalated", "#FF00FF")
    with pytest.raises(gitlab.GitlabCreateError) as excinfo:
        project.labels.create({"name": "SA Escalated", "color": "#FF00FF"})
    assert excinfo.value.response_code == 409
    assert excinfo.value.error_message == "Label already exists"
    listed = {l.name: l for l in project.labels.list(get_all=True, with_counts=True)}
    assert "SA Escalated" in listed
    assert listed["SA Doing"].open_issues_count == sum(
        1 for i in store.issues(seeded["project_id"]) if "SA Doing" in i["labels"] and i["state"] == "opened")


# --------------------------------------------------------------------------- notes


def test_notes_create_list_edit(sandbox: Sandbox, project, store: Store, seeded: dict,
                                clock: Clock) -> None:
    pid = seeded["project_id"]
    issue = project.issues.get(1, lazy=True)
    first = issue.notes.create({"body": "First comment"})
    clock.advance(minutes=1)
    second = issue.notes.create({"body": "Second comment"})
    assert first.author["username"] == "gl-cs-bot" and first.system is False
    assert [n.id for n in issue.notes.list(get_all=True)] == [second.id, first.id]
    assert [n.id for n in issue.notes.list(sort="asc", get_all=True)] == [first.id, second.id]
    clock.advance(minutes=1)
    note = issue.notes.get(first.id)
    note.body = "First comment (edited)"
    note.save()
    assert store.notes(pid, 1)[0]["body"] == "First comment (edited)"
    assert store.notes(pid, 1)[0]["updated_at"] == iso(clock.now)
    assert store.issue(pid, 1)["user_notes_count"] == 2
    assert store.issue(pid, 1)["updated_at"] == iso(clock.now)
    ana = gitlab.Gitlab(sandbox.url, private_token=user_token(seeded, "ana.sa"))
    with pytest.raises(gitlab.GitlabUpdateError):
        ana.projects.get(pid, lazy=True).issues.get(1, lazy=True).notes.update(first.id, {"body": "x"})
    page = api(sandbox, "GET", f"/projects/{pid}/issues/1/notes", params={"per_page": 1})
    assert page.headers["x-total"] == "2" and page.headers["x-next-page"] == "2"


# --------------------------------------------------------------------------- quick actions


def test_quick_actions_in_a_note_run_and_are_stripped(project, store: Store, seeded: dict) -> None:
    pid = seeded["project_id"]
    issue = project.issues.get(1, lazy=True)
    note = issue.notes.create({"body": 'Taking it.\n/label ~"SA Triaged" ~EXPEDITE ~nonexistent\n'
                                       "/assign @ben.sa\n/due 2026-12-24\n/close"})
    assert note.body == "Taking it."
    current = store.issue(pid, 1)
    assert current["labels"] == ["EXPEDITE", "SA Triaged"]
    assert [a["username"] for a in current["assignees"]] == ["ben.sa"]
    assert (current["state"], current["due_date"]) == ("closed", "2026-12-24")
    assert "nonexistent" not in {l["name"] for l in store.labels(pid)}
    assert [cmd for (_, iid, cmd) in store.executed_quick_actions if iid == 1] == [
        '/label ~"SA Triaged" ~EXPEDITE ~nonexistent', "/assign @ben.sa", "/due 2026-12-24", "/close"]
    assert {e["user"]["username"] for e in store.label_events(pid, 1)} == {"gl-cs-bot"}


def test_quick_actions_in_code_quotes_or_escaped_do_not_run(project, store: Store, seeded: dict) -> None:
    body = ("Here is how you would do it:\n\n```\n/close\n/label ~EXPEDITE\n```\n\n"
            "> /label ~EXPEDITE\n \\/close\n /close\n\\/unlabel\n/closeit now")
    note = project.issues.get(5, lazy=True).notes.create({"body": body})
    assert note.body == body
    assert store.executed_quick_actions == []
    assert store.issue(seeded["project_id"], 5)["state"] == "opened"


def test_quick_actions_in_descriptions(project, store: Store, seeded: dict) -> None:
    issue = project.issues.create({"title": "With actions",
                                   "description": "## Outcome\nWin\n/label ~\"SA Backlog\"\n/assign me"})
    assert issue.description == "## Outcome\nWin"
    assert issue.labels == ["SA Backlog"]
    assert [a["username"] for a in issue.assignees] == ["gl-cs-bot"]
    edited = project.issues.update(issue.iid, {"description": "Rewritten\n/relabel ~\"SA Doing\"\n/unassign"})
    assert edited["description"] == "Rewritten"
    assert edited["labels"] == ["SA Doing"] and edited["assignees"] == []
    code_only = project.issues.update(issue.iid, {"description": "```\n/close\n```"})
    assert code_only["state"] == "opened" and code_only["description"] == "```\n/close\n```"
    assert [cmd for (_, _, cmd) in store.executed_quick_actions] == [
        '/label ~"SA Backlog"', "/assign me", '/relabel ~"SA Doing"', "/unassign"]


def test_mass_mentions_are_recorded(project, store: Store, seeded: dict) -> None:
    issue = project.issues.get(1, lazy=True)
    issue.notes.create({"body": "ping @ana.sa and `@all` in code"})
    assert store.mass_mentions == []
    issue.notes.create({"body": "Heads up @all, and @here too"})
    assert [(iid, who) for (_, iid, who, _) in store.mass_mentions] == [(1, "@all"), (1, "@here")]


# --------------------------------------------------------------------------- response shapes


def keys_superset(actual: dict, expected: dict, where: str) -> None:
    missing = set(expected) - set(actual)
    assert not missing, f"{where}: missing keys {sorted(missing)}"
    for key, value in expected.items():
        if isinstance(value, dict) and isinstance(actual.get(key), dict):
            keys_superset(actual[key], value, f"{where}.{key}")


def without_counts(label: dict) -> dict:
    return {k: v for k, v in label.items() if not k.endswith("_count")}


def test_response_keys_are_supersets_of_gitlab_examples(sandbox: Sandbox, seeded: dict) -> None:
    pid = seeded["project_id"]
    iid = seeded["scenarios"]["two_workflow_backlog_triaged"]
    issue = api(sandbox, "GET", f"/projects/{pid}/issues/{iid}").json()
    keys_superset(issue, reference("api_issue.json"), "issue")
    keys_superset(issue["assignees"][0], reference("api_issue.json")["assignees"][0], "assignee")
    listed = api(sandbox, "GET", f"/projects/{pid}/issues").json()[0]
    keys_superset(listed, reference("api_list_issues.json")[0], "listed issue")
    created = api(sandbox, "POST", f"/projects/{pid}/issues", json={"title": "t"}).json()
    keys_superset(created, reference("api_issue_create.json"), "created issue")
    closed = api(sandbox, "PUT", f"/projects/{pid}/issues/{created['iid']}",
                 json={"state_event": "close"}).json()
    keys_superset(closed, reference("api_issue_edit_close.json"), "closed issue")
    assert closed["closed_by"]["username"] == "gl-cs-bot"

    notes = api(sandbox, "GET", f"/projects/{pid}/issues/{iid}/notes").json()
    assert notes
    for note in notes:
        keys_superset(note, reference("api_notes.json")[0], "note")
    posted = api(sandbox, "POST", f"/projects/{pid}/issues/{iid}/notes", json={"body": "b"})
    assert posted.status_code == 201
    keys_superset(posted.json(), reference("api_notes.json")[0], "created note")

    events = api(sandbox, "GET", f"/projects/{pid}/issues/{iid}/resource_label_events").json()
    assert len(events) == 2
    for event in events:
        keys_superset(event, reference("api_label_events.json")[0], "label event")
        assert event["resource_id"] == issue["id"] and event["resource_type"] == "Issue"

    labels = api(sandbox, "GET", f"/projects/{pid}/labels",
                 params={"per_page": 100, "with_counts": "true"}).json()
    for label in labels:
        keys_superset(label, reference("api_labels.json")[0], "label")
    new_label = api(sandbox, "POST", f"/projects/{pid}/labels", json={"name": "n", "color": "#123456"})
    assert new_label.status_code == 201
    # GitLab's doc examples show counts, but lib/api/entities/label.rb exposes them only
    # under with_counts, which only the label lists take.
    keys_superset(new_label.json(), without_counts(reference("api_label_create.json")), "created label")
    edited = api(sandbox, "PUT", f"/projects/{pid}/labels", json={"name": "n", "new_name": "docs"})
    keys_superset(edited.json(), without_counts(reference("api_label_edit.json")), "edited label")
    assert edited.json()["name"] == "docs"

    stamps = [issue["created_at"], issue["updated_at"], notes[0]["created_at"], events[0]["created_at"],
              closed["closed_at"]]
    assert all(TIMESTAMP.match(s) for s in stamps), stamps


# --------------------------------------------------------------------------- faults & counters


def test_rate_limit_burst_is_retried_by_python_gitlab(sandbox: Sandbox, gl: gitlab.Gitlab,
                                                      seeded: dict, recorded_sleep) -> None:
    raw = api(sandbox, "GET", "/user")
    assert raw.status_code == 200
    sandbox.faults.rate_limit_burst = 1
    throttled = api(sandbox, "GET", "/user")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1" and throttled.text.strip() == "Retry later"

    sandbox.requests.reset()
    sandbox.faults.rate_limit_burst = 1
    issue = gl.projects.get(seeded["project_id"], lazy=True).issues.get(1)
    assert issue.iid == 1
    assert recorded_sleep.calls == [1], "python-gitlab must honour Retry-After"
    assert sandbox.requests.get("GET", "/projects/:id/issues/:iid") == 2


def test_error_injection_fails_before_applying(sandbox: Sandbox, project, store: Store,
                                               seeded: dict) -> None:
    sandbox.faults.error_rate = 1.0
    with pytest.raises(gitlab.GitlabUpdateError) as excinfo:
        project.issues.update(1, {"add_labels": "EXPEDITE"})
    assert excinfo.value.response_code in (500, 502, 503)
    assert store.issue(seeded["project_id"], 1)["labels"] == []

    sandbox.faults.error_rate = 0.5
    sandbox.faults.seed = 1  # with this seed: fail, fail, succeed
    sandbox.requests.reset()
    retrying = gitlab.Gitlab(sandbox.url, private_token="sandbox-token", retry_transient_errors=True)
    result = retrying.projects.get(seeded["project_id"], lazy=True).issues.update(
        1, {"add_labels": "EXPEDITE"})
    assert result["labels"] == ["EXPEDITE"]
    statuses = [s for (m, r, _, s) in sandbox.requests.history if m == "PUT"]
    assert len(statuses) == 3 and statuses[-1] == 200
    assert all(s in (500, 502, 503) for s in statuses[:-1])


def test_seeded_faults_are_deterministic() -> None:
    def sequence() -> list[bool]:
        faults = Faults(seed=42)
        return [faults.roll(0.3) for _ in range(50)]

    assert sequence() == sequence()
    assert 0 < sum(sequence()) < 50


def test_apply_then_fail_applies_the_write(sandbox: Sandbox, project, store: Store,
                                           seeded: dict) -> None:
    pid = seeded["project_id"]
    sandbox.faults.apply_then_fail_rate = 1.0
    with pytest.raises(gitlab.GitlabUpdateError) as excinfo:
        project.issues.update(1, {"add_labels": "SA Backlog"})
    assert excinfo.value.response_code == 502
    assert store.issue(pid, 1)["labels"] == ["SA Backlog"]
    assert store.label_events(pid, 1)[-1]["label"]["name"] == "SA Backlog"
    with pytest.raises(gitlab.GitlabCreateError):
        project.issues.get(1, lazy=True).notes.create({"body": "once"})
    assert [n["body"] for n in store.notes(pid, 1)] == ["once"]
    assert project.issues.get(1).iid == 1, "reads are not affected"


def test_fail_paths_and_latency(sandbox: Sandbox, project, seeded: dict) -> None:
    sandbox.faults.fail_paths = {r"/issues$": 503, r"PUT /issues/2$": 500}
    with pytest.raises(gitlab.GitlabListError) as excinfo:
        project.issues.list(get_all=True)
    assert excinfo.value.response_code == 503
    assert project.issues.get(2).iid == 2
    with pytest.raises(gitlab.GitlabUpdateError):
        project.issues.update(2, {"title": "x"})
    sandbox.faults.fail_paths = {}
    sandbox.faults.latency = 0.2
    started = time.monotonic()
    project.issues.get(2)
    assert time.monotonic() - started >= 0.2
    sandbox.faults.reset()
    assert sandbox.faults.latency == 0


def test_request_counters(sandbox: Sandbox, project, seeded: dict) -> None:
    sandbox.requests.reset()
    project.issues.list(per_page=10, get_all=True)
    issue = project.issues.get(1)
    issue.notes.create({"body": "hi"})
    project.issues.update(1, {"add_labels": "SA Backlog"})
    sandbox.faults.error_rate = 1.0
    with pytest.raises(gitlab.GitlabUpdateError):
        project.issues.update(1, {"title": "never"})
    counts = sandbox.requests
    assert counts.get("GET", "/projects/:id/issues") == 3
    assert counts.get("GET", "/projects/:id/issues/:iid") == 1
    assert counts.get("POST", "/projects/:id/issues/:iid/notes") == 1
    assert counts[("PUT", "/projects/:id/issues/:iid")] == 2, "faulted requests are counted too"
    assert counts.writes() == 3 and counts.total() == 7
    requests.get(sandbox.url + "/", timeout=10)
    assert counts.total() == 7, "only /api/v4 requests are counted"
    counts.reset()
    assert counts.total() == 0


def test_concurrent_writes_are_consistent(sandbox: Sandbox, store: Store, seeded: dict) -> None:
    pid = seeded["project_id"]

    def worker(n: int) -> None:
        client = gitlab.Gitlab(sandbox.url, private_token="sandbox-token")
        notes = client.projects.get(pid, lazy=True).issues.get(1, lazy=True).notes
        for k in range(5):
            notes.create({"body": f"note {n}-{k}"})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = store.notes(pid, 1)
    assert len(notes) == 20 and len({n["id"] for n in notes}) == 20
    assert store.issue(pid, 1)["user_notes_count"] == 20


def test_stop_really_stops(store: Store, seeded: dict) -> None:
    sb = Sandbox(store).start()
    url = sb.api_url + "/user"
    assert requests.get(url, headers={"PRIVATE-TOKEN": "sandbox-token"}, timeout=5).status_code == 200
    thread = sb._thread
    sb.stop()
    assert not thread.is_alive() and not sb.running
    with pytest.raises(requests.ConnectionError):
        requests.get(url, headers={"PRIVATE-TOKEN": "sandbox-token"}, timeout=2)
    sb.stop()  # idempotent


def test_web_view_serves_issue_pages(sandbox: Sandbox, seeded: dict) -> None:
    issue = api(sandbox, "GET", f"/projects/{seeded['project_id']}/issues/4").json()
    page = requests.get(issue["web_url"], timeout=10)
    assert page.status_code == 200 and issue["title"] in page.text
    assert issue["web_url"].startswith(sandbox.url)


# --------------------------------------------------------------------------- module structure


def test_sandbox_modules_import_one_way_and_only_at_the_top() -> None:
    """Issue 7: no module imports another from inside a function (that hid a cycle), and
    the imports between the sandbox's modules form no cycle."""
    import ast

    package = Path(__file__).resolve().parents[1] / "gl_cs" / "sandbox"
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        local = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                local |= {node.module} if node.module else {a.name for a in node.names}
        graph[path.stem] = local
        for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            inner = [n for n in ast.walk(func) if isinstance(n, ast.ImportFrom) and n.level == 1]
            assert not inner, f"{path.name}: {func.name} imports a sandbox module inside a function"

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for dep in graph.get(start, ()):
            if dep == target or (dep not in seen and reaches(dep, target, seen | {dep})):
                return True
        return False

    cycles = [name for name in graph if reaches(name, name, {name})]
    assert cycles == []
    assert graph["quickactions"] <= {"timeutil"}, "quick actions are a pure parser"
