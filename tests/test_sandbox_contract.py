"""The sandbox's contract: one test per GitLab behaviour gl-cs relies on, driven through
python-gitlab (or plain HTTP where the status line or headers are the point) over real
HTTP on 127.0.0.1. Each test is named for the behaviour and cites what it follows:
GitLab's docs (doc/api/*.md in gitlabhq/gitlabhq), GitLab's source, or the facts in
tests/data/gitlab_reference/ (copied from ../shared/gitlab-reference/).

Whoever extends the sandbox: these must stay true. Issue 12 lists why each matters.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import gitlab
import pytest
import requests

from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.store import iso

T0 = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)
PROJECT = "sa-team/sa-service-desk"
BOT, READER = "bot-token", "read-only-token"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, minutes: int = 1) -> dt.datetime:
        self.now += dt.timedelta(minutes=minutes)
        return self.now


@dataclass
class World:
    store: Store
    sandbox: Sandbox
    clock: Clock
    pid: int
    gl: gitlab.Gitlab

    @property
    def project(self):
        return self.gl.projects.get(self.pid, lazy=True)

    def issue(self, iid: int) -> dict:
        return self.store.issue(self.pid, iid)

    def http(self, method: str, path: str, token: str | None = BOT, **kwargs) -> requests.Response:
        headers = {"PRIVATE-TOKEN": token} if token else {}
        return requests.request(method, f"{self.sandbox.api_url}{path}", headers=headers,
                                timeout=10, **kwargs)

    def client(self, token: str) -> gitlab.Gitlab:
        return gitlab.Gitlab(self.sandbox.url, private_token=token)


@pytest.fixture
def world() -> Iterator[World]:
    clock = Clock()
    store = Store(clock=clock)
    for name in ("gl-cs-bot", "ana.sa", "eve.ae", "gus.guest", "olga.outsider", "lead.sa"):
        store.add_user(name)
    store.add_token(BOT, "gl-cs-bot")
    store.add_token(READER, "gl-cs-bot", scopes=("read_api",), name="reader")
    pid = int(store.add_project(PROJECT, "SA Service Desk")["id"])
    store.add_member(pid, "gl-cs-bot", 30)
    store.add_member(pid, "ana.sa", 30)
    store.add_member(pid, "eve.ae", 20)
    store.add_member(pid, "gus.guest", 10)
    store.add_group_member("sa-team", "lead.sa", 40)  # inherited, not a direct member
    for name in ("SA Backlog", "SA Doing", "Priority::1", "Priority::2", "Services"):
        store.add_label(pid, name)
    store.add_issue(pid, "First request", "Customer wants a demo", author="eve.ae",
                    labels=["SA Backlog"], created_at=T0 - dt.timedelta(days=3),
                    updated_at=T0 - dt.timedelta(days=3))
    store.add_issue(pid, "Second request", "Workshop for ACME", author="eve.ae",
                    created_at=T0 - dt.timedelta(days=2), updated_at=T0 - dt.timedelta(days=2))
    with Sandbox(store) as sandbox:
        yield World(store, sandbox, clock, pid, gitlab.Gitlab(sandbox.url, private_token=BOT))
        assert sandbox.errors == []


# --------------------------------------------------------------------------- notes and quick actions


def test_a_note_made_only_of_quick_actions_answers_202_and_stores_nothing(world: World) -> None:
    # lib/api/notes.rb process_note_creation_result: commands only -> status 202 and
    # Entities::NoteCommands ({commands_changes, summary}); the note is not persisted.
    response = world.http("POST", f"/projects/{world.pid}/issues/1/notes",
                          json={"body": "/label ~\"SA Doing\"\n/close"})
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"commands_changes", "summary"}
    doing = next(l for l in world.store.labels(world.pid) if l["name"] == "SA Doing")
    assert body["commands_changes"] == {"add_label_ids": [doing["id"]], "state_event": "close"}
    assert body["summary"] == ['Added ~"SA Doing" label.', "Closed this issue."]
    assert [n for n in world.store.notes(world.pid, 1) if not n["system"]] == []
    issue = world.issue(1)
    assert issue["state"] == "closed" and "SA Doing" in issue["labels"]
    # python-gitlab gets an object without an id: gl-cs must not read one.
    created = world.project.issues.get(2, lazy=True).notes.create({"body": "/label ~Services"})
    assert "id" not in created.attributes
    assert world.issue(2)["user_notes_count"] == 0


def test_a_note_with_text_and_quick_actions_stores_the_text_and_runs_the_commands(world: World) -> None:
    # doc/user/project/quick_actions.md: command lines are executed and removed from the text.
    note = world.project.issues.get(1, lazy=True).notes.create(
        {"body": "Thanks, picking this up.\n/assign @ana.sa\n/label ~\"SA Doing\""})
    assert note.body == "Thanks, picking this up."
    issue = world.issue(1)
    assert [a["username"] for a in issue["assignees"]] == ["ana.sa"]
    assert "SA Doing" in issue["labels"]
    # Notes::CreateService saves the note, then applies the commands: their system notes follow it.
    world.project.issues.get(1, lazy=True).notes.create({"body": "Renaming.\n/title Demo"})
    assert [(n["body"], n["system"]) for n in world.store.notes(world.pid, 1)][-2:] == [
        ("Renaming.", False), ("changed title from **{-First request-}** to **{+Demo+}**", True)]


def test_a_blank_note_answers_400_with_gitlabs_error_body(world: World) -> None:
    # Note validates presence of its text; lib/api/notes.rb: bad_request!("Note #{errors}").
    response = world.http("POST", f"/projects/{world.pid}/issues/1/notes", json={"body": "  \n"})
    assert response.status_code == 400
    assert response.json() == {"message": "400 Bad request - Note {:note=>[\"can't be blank\"]}"}
    missing = world.http("POST", f"/projects/{world.pid}/issues/1/notes", json={})
    assert (missing.status_code, missing.json()) == (400, {"error": "body is missing"})


def test_user_notes_count_drops_after_a_note_is_deleted_and_never_counts_system_notes(world: World) -> None:
    # Issue#user_notes_count counts non-system notes that exist.
    notes = world.project.issues.get(1, lazy=True).notes
    first = notes.create({"body": "one"})
    notes.create({"body": "two"})
    world.project.issues.update(1, {"title": "First request (renamed)"})  # a system note
    assert world.project.issues.get(1).user_notes_count == 2
    notes.delete(first.id)
    assert world.project.issues.get(1).user_notes_count == 1
    assert any(n["system"] for n in world.store.notes(world.pid, 1))


# --------------------------------------------------------------------------- updated_at


NO_OPS = {
    "adding a label already there": {"add_labels": "SA Backlog"},
    "removing a label that is absent": {"remove_labels": "Services"},
    "the same assignees": {"assignee_ids": []},
    "reopening an open issue": {"state_event": "reopen"},
    "the same title": {"title": "First request"},
}


@pytest.mark.parametrize("edit", list(NO_OPS), ids=list(NO_OPS))
def test_updated_at_does_not_move_on_an_edit_that_changes_nothing(world: World, edit: str) -> None:
    # Issues::UpdateService saves (and touches) the issue only when attributes changed.
    before = world.issue(1)["updated_at"]
    world.clock.tick()
    answer = world.project.issues.update(1, NO_OPS[edit])
    assert answer["updated_at"] == before == world.issue(1)["updated_at"]
    assert world.store.label_events(world.pid, 1)[1:] == []


def test_updated_at_does_not_move_when_closing_a_closed_issue_or_on_a_no_op_quick_action(world: World) -> None:
    world.project.issues.update(1, {"state_event": "close"})
    closed_at = world.issue(1)["updated_at"]
    world.clock.tick()
    world.project.issues.update(1, {"state_event": "close"})
    response = world.http("POST", f"/projects/{world.pid}/issues/1/notes", json={"body": "/label ~\"SA Backlog\""})
    assert response.status_code == 202 and response.json()["commands_changes"] == {}
    assert world.issue(1)["updated_at"] == closed_at
    world.clock.tick()
    world.project.issues.update(1, {"add_labels": "Services"})
    assert world.issue(1)["updated_at"] == iso(world.clock.now), "a real change does move it"


# --------------------------------------------------------------------------- system notes and events


def test_changes_write_system_notes_authored_by_whoever_made_them(world: World) -> None:
    # app/services/system_notes/issuables_service.rb; label and state changes are resource
    # events, not notes (doc/api/notes.md, doc/api/resource_state_events.md).
    world.store.add_token("ana-token", "ana.sa")  # a second actor
    world.store.assignee_system_notes = True
    world.project.issues.update(1, {"title": "Demo for ACME", "description": "New text",
                                    "due_date": "2026-12-01", "add_labels": "SA Doing"})
    world.client("ana-token").projects.get(world.pid, lazy=True).issues.update(
        1, {"assignee_ids": [world.store.user("ana.sa")["id"]], "state_event": "close"})
    notes = [(n["author"]["username"], n["body"], n["system"]) for n in world.store.notes(world.pid, 1)]
    assert notes == [
        ("gl-cs-bot", "changed title from **{-First request-}** to **{+Demo for ACME+}**", True),
        ("gl-cs-bot", "changed the description", True),
        ("gl-cs-bot", "changed due date to December 1, 2026", True),
        ("ana.sa", "assigned to @ana.sa", True),
    ]
    listed = world.project.issues.get(1, lazy=True).notes.list(get_all=True)
    assert all(n.system for n in listed)


@pytest.mark.parametrize("old, new, note", [
    ("old title", "new title", "changed title from **{-old-} title** to **{+new+} title**"),
    ("fourth issue", "fourth issue changed", "changed title from **fourth issue** to **fourth issue{+ changed+}**"),
])
def test_a_title_change_note_marks_the_changed_part_as_gitlab_does(world: World, old: str, new: str,
                                                                   note: str) -> None:
    # SystemNotes::IssuablesService#change_title with Gitlab::Diff::InlineDiffMarkdownMarker.
    world.project.issues.update(2, {"title": old})
    world.project.issues.update(2, {"title": new})
    assert world.store.notes(world.pid, 2)[-1]["body"] == note


CHECKLIST = "Steps:\n\n- [ ] **1. Welcome** (due 2026-11-23)\n- [ ] 2. Intro #4 <!-- key -->\n* [ ] Install\n"


@pytest.mark.parametrize("edit, notes", [
    # one note per item ticked, by whoever edited, and no "changed the description"
    (CHECKLIST.replace("- [ ] **1", "- [x] **1").replace("* [ ]", "* [X]"),
     ["marked the checklist item **\\*\\*1\\. Welcome\\*\\* \\(due 2026\\-11\\-23\\)** as completed",
      "marked the checklist item **Install** as completed"]),
    # the item's Markdown escaped, a hidden comment's text kept without its delimiters
    (CHECKLIST.replace("- [ ] 2", "- [x] 2"), ["marked the checklist item **2\\. Intro \\#4 key** as completed"]),
    # a tick and other text at once: the tick only (GitLab shows no description change then)
    (CHECKLIST.replace("Steps:", "Steps, updated:").replace("* [ ]", "* [x]"),
     ["marked the checklist item **Install** as completed"]),
    # an item reworded while ticked is a description change, not a tick
    (CHECKLIST.replace("* [ ] Install", "* [x] Installation"), ["changed the description"]),
    (CHECKLIST.replace("Steps:", "The steps:"), ["changed the description"]),
])
def test_ticking_a_task_item_writes_a_checklist_note_per_item_as_gitlab_does(world: World, edit: str,
                                                                             notes: list[str]) -> None:
    # Issuable::CommonSystemNotesService#handle_description_change_note, Taskable.get_updated_tasks
    # (items compared by position, the same text and another box), SystemNotes::IssuablesService
    # #change_task_status: "marked the checklist item **TEXT** as completed|incomplete".
    world.project.issues.update(2, {"description": CHECKLIST})
    world.store.add_token("ana-token", "ana.sa")
    world.client("ana-token").projects.get(world.pid, lazy=True).issues.update(2, {"description": edit})
    written = [(n["author"]["username"], n["body"]) for n in world.store.notes(world.pid, 2)][1:]
    assert written == [("ana.sa", body) for body in notes]


def test_unticking_a_task_item_writes_as_incomplete(world: World) -> None:
    ticked = CHECKLIST.replace("* [ ]", "* [x]")
    world.project.issues.update(2, {"description": ticked})
    world.project.issues.update(2, {"description": CHECKLIST})
    assert world.store.notes(world.pid, 2)[-1]["body"] == "marked the checklist item **Install** as incomplete"


def test_resource_state_events_record_close_and_reopen_by_the_actor(world: World) -> None:
    # doc/api/resource_state_events.md
    world.project.issues.update(1, {"state_event": "close"})
    world.clock.tick()
    world.project.issues.get(1, lazy=True).notes.create({"body": "/reopen"})
    events = world.project.issues.get(1, lazy=True).resourcestateevents.list(get_all=True)
    assert [(e.state, e.user["username"], e.resource_type) for e in events] == [
        ("closed", "gl-cs-bot", "Issue"), ("reopened", "gl-cs-bot", "Issue")]
    assert events[0].resource_id == world.issue(1)["id"]
    assert [n for n in world.store.notes(world.pid, 1)] == [], "state changes are not notes"


# --------------------------------------------------------------------------- assignees


def test_assignees_who_cannot_read_the_issue_are_dropped_silently(world: World) -> None:
    # Issuable services keep only users who can read the issue: a non-member of a private
    # project, a Guest on a confidential issue. The request still answers 200.
    ids = {name: world.store.user(name)["id"] for name in ("ana.sa", "olga.outsider", "gus.guest")}
    answer = world.project.issues.update(1, {"assignee_ids": [ids["olga.outsider"], ids["ana.sa"]]})
    assert [a["username"] for a in answer["assignees"]] == ["ana.sa"]
    world.project.issues.update(2, {"confidential": True})
    answer = world.project.issues.update(2, {"assignee_ids": [ids["gus.guest"], ids["ana.sa"]]})
    assert [a["username"] for a in answer["assignees"]] == ["ana.sa"]


def test_an_assignee_parameter_nobody_passes_is_ignored_200_and_no_change(world: World) -> None:
    ids = {name: world.store.user(name)["id"] for name in ("ana.sa", "olga.outsider")}
    world.project.issues.update(1, {"assignee_ids": [ids["ana.sa"]]})
    before = world.issue(1)["updated_at"]
    world.clock.tick()
    response = world.http("PUT", f"/projects/{world.pid}/issues/1",
                          json={"assignee_ids": [ids["olga.outsider"]]})
    assert response.status_code == 200
    assert [a["username"] for a in response.json()["assignees"]] == ["ana.sa"]
    assert world.issue(1)["updated_at"] == before
    assert world.project.issues.update(1, {"assignee_ids": []})["assignees"] == [], "empty unassigns"


# --------------------------------------------------------------------------- access


def test_no_token_on_a_private_project_answers_404_project_not_found(world: World) -> None:
    # A private project's existence is hidden (doc/api/issues.md, api_facts.md).
    for path in (f"/projects/{world.pid}", f"/projects/{world.pid}/issues",
                 "/projects/sa-team%2Fsa-service-desk/issues/1"):
        response = world.http("GET", path, token=None)
        assert (response.status_code, response.json()) == (404, {"message": "404 Project Not Found"})
    world.store.add_token("olga-token", "olga.outsider")
    with pytest.raises(gitlab.GitlabGetError) as excinfo:
        world.client("olga-token").projects.get(world.pid)
    assert excinfo.value.response_code == 404


def test_an_invalid_token_still_answers_401(world: World) -> None:
    response = world.http("GET", f"/projects/{world.pid}", token="not-a-token")
    assert (response.status_code, response.json()) == (401, {"message": "401 Unauthorized"})


def test_members_all_includes_inherited_group_members_across_pages(world: World) -> None:
    # doc/api/members.md: /members/all lists direct and inherited members (highest level).
    for n in range(25):
        world.store.add_user(f"group.member{n}")
        world.store.add_group_member("sa-team", f"group.member{n}", 20)
    direct = {m.username for m in world.project.members.list(get_all=True)}
    everyone = {m.username: m.access_level for m in world.project.members_all.list(get_all=True, per_page=10)}
    assert "lead.sa" not in direct and everyone["lead.sa"] == 40
    assert len(everyone) == len(direct) + 26
    assert world.http("GET", f"/projects/{world.pid}/members/all").headers["x-total-pages"] == "2"


def test_an_inherited_maintainer_may_write(world: World) -> None:
    world.store.add_token("lead-token", "lead.sa")
    issues = world.client("lead-token").projects.get(world.pid, lazy=True).issues
    assert issues.update(1, {"add_labels": "Services"})["labels"] == ["SA Backlog", "Services"]


# --------------------------------------------------------------------------- labels


def test_scoped_labels_are_exclusive_and_write_a_remove_event(world: World) -> None:
    # doc/user/project/labels.md "Scoped labels" (Premium): one label per key.
    world.project.issues.update(1, {"add_labels": "Priority::1"})
    answer = world.project.issues.update(1, {"add_labels": "Priority::2"})
    assert answer["labels"] == ["Priority::2", "SA Backlog"]
    events = [(e["action"], e["label"]["name"]) for e in world.store.label_events(world.pid, 1)]
    assert events[-3:] == [("add", "Priority::1"), ("add", "Priority::2"), ("remove", "Priority::1")]
    world.store.scoped_labels = False  # GitLab Free
    assert world.project.issues.update(1, {"add_labels": "Priority::1"})["labels"] == [
        "Priority::1", "Priority::2", "SA Backlog"]


def test_adding_and_removing_the_same_label_remove_wins(world: World) -> None:
    # Issuable::BaseService#process_label_ids: added ids first, then removed ids subtracted.
    answer = world.project.issues.update(1, {"add_labels": "Services", "remove_labels": "Services"})
    assert answer["labels"] == ["SA Backlog"]
    answer = world.project.issues.update(1, {"add_labels": "SA Doing", "remove_labels": "SA Backlog,SA Doing"})
    assert answer["labels"] == []


def test_renaming_a_label_onto_an_existing_name_answers_400_with_the_validation_message(world: World) -> None:
    # lib/api/labels helpers: render_validation_error!(label).
    response = world.http("PUT", f"/projects/{world.pid}/labels/SA%20Doing", json={"new_name": "SA Backlog"})
    assert (response.status_code, response.json()) == (400, {"message": {"title": ["has already been taken"]}})


def test_renaming_a_label_keeps_it_on_its_issues(world: World) -> None:
    # doc/api/labels.md "Edit an existing label": issues reference labels by id.
    label = world.project.labels.get("SA Backlog")
    label.new_name = "SA Intake"
    label.save()
    assert world.issue(1)["labels"] == ["SA Intake"]
    assert world.project.issues.list(labels="SA Intake", get_all=True)[0].iid == 1
    assert world.store.label_events(world.pid, 1)[0]["label"]["name"] == "SA Intake"


def test_label_counts_come_only_with_with_counts(world: World) -> None:
    # lib/api/entities/label.rb: the *_count fields are exposed only under with_counts.
    plain = world.http("GET", f"/projects/{world.pid}/labels").json()
    counted = world.http("GET", f"/projects/{world.pid}/labels", params={"with_counts": "true"}).json()
    assert all("open_issues_count" not in l for l in plain)
    backlog = next(l for l in counted if l["name"] == "SA Backlog")
    assert (backlog["open_issues_count"], backlog["closed_issues_count"]) == (1, 0)
    assert "open_issues_count" not in world.http("GET", f"/projects/{world.pid}/labels/SA%20Backlog").json()


# --------------------------------------------------------------------------- titles, headers


def test_a_title_over_255_characters_answers_400(world: World) -> None:
    # app/models/concerns/issuable.rb: validates :title, length: { maximum: 255 }.
    expected = {"message": {"title": ["is too long (maximum is 255 characters)"]}}
    created = world.http("POST", f"/projects/{world.pid}/issues", json={"title": "x" * 256})
    edited = world.http("PUT", f"/projects/{world.pid}/issues/1", json={"title": "x" * 256})
    assert (created.status_code, created.json()) == (400, expected)
    assert (edited.status_code, edited.json()) == (400, expected)
    assert world.http("POST", f"/projects/{world.pid}/issues", json={"title": "x" * 255}).status_code == 201


def test_every_answer_carries_ratelimit_headers(world: World) -> None:
    # api_facts.md "Throttled responses and headers": RateLimit-* on all responses.
    answers = [world.http("GET", f"/projects/{world.pid}/issues"),
               world.http("GET", f"/projects/{world.pid}/issues/999"),
               world.http("GET", "/user", token="bad")]
    for response in answers:
        headers = response.headers
        for name in ("RateLimit-Limit", "RateLimit-Observed", "RateLimit-Remaining",
                     "RateLimit-Reset", "RateLimit-ResetTime", "RateLimit-Name"):
            assert name in headers, (response.status_code, name)
        assert int(headers["RateLimit-Remaining"]) == int(headers["RateLimit-Limit"]) - int(
            headers["RateLimit-Observed"])
    assert int(answers[1].headers["RateLimit-Observed"]) == int(answers[0].headers["RateLimit-Observed"]) + 1


# --------------------------------------------------------------------------- issue links


def test_issue_links_are_listed_created_and_deleted_in_gitlabs_shapes(world: World) -> None:
    # doc/api/issue_links.md; SystemNotes::IssuablesService#relate_issuable.
    created = world.http("POST", f"/projects/{world.pid}/issues/1/links",
                         json={"target_project_id": PROJECT, "target_issue_iid": 2})
    assert created.status_code == 201
    body = created.json()
    assert (body["source_issue"]["iid"], body["target_issue"]["iid"], body["link_type"]) == (1, 2, "relates_to")
    links = world.project.issues.get(1, lazy=True).links.list()
    assert [(l.iid, l.link_type) for l in links] == [(2, "relates_to")]
    assert [l.iid for l in world.project.issues.get(2, lazy=True).links.list()] == [1]
    assert [n["body"] for n in world.store.notes(world.pid, 2)] == ["marked this issue as related to #1"]
    again = world.http("POST", f"/projects/{world.pid}/issues/1/links",
                       json={"target_project_id": world.pid, "target_issue_iid": 2})
    assert (again.status_code, again.json()) == (409, {"message": "Issue(s) already assigned"})
    link_id = links[0].issue_link_id
    deleted = world.http("DELETE", f"/projects/{world.pid}/issues/1/links/{link_id}")
    assert deleted.status_code == 200 and deleted.json()["link_type"] == "relates_to"
    assert world.project.issues.get(1, lazy=True).links.list() == []


def test_the_relate_quick_action_links_issues(world: World) -> None:
    world.project.issues.get(1, lazy=True).notes.create({"body": "/relate #2"})
    assert [l["iid"] for l in world.store.issue_links(world.pid, 1)] == [2]


# --------------------------------------------------------------------------- tokens


def test_personal_access_token_self_describes_the_token(world: World) -> None:
    # doc/api/personal_access_tokens.md "Get single personal access token" (self).
    for token, scopes in ((BOT, ["api"]), (READER, ["read_api"])):
        info = world.http("GET", "/personal_access_tokens/self", token=token).json()
        assert info["scopes"] == scopes and info["active"] is True and info["revoked"] is False
        assert info["user_id"] == world.store.user("gl-cs-bot")["id"]
        assert {"id", "name", "created_at", "expires_at", "last_used_at"} <= set(info)


def test_a_read_api_token_reads_everything_and_every_write_answers_403_insufficient_scope(world: World) -> None:
    # lib/api/api_guard.rb: InsufficientScopeError -> 403 with GitLab's exact body, as real
    # instances answer it (quoted in timoschwarzer/gitlab-monitor#134):
    # {"error":"insufficient_scope","error_description":"The request requires higher
    #  privileges than provided by the access token.","scope":"api"}
    reader = world.client(READER).projects.get(world.pid, lazy=True)
    assert [i.iid for i in reader.issues.list(get_all=True)] == [2, 1]
    assert reader.issues.get(1, lazy=True).notes.list(get_all=True) == []
    for method, path, payload in (("PUT", "/issues/1", {"title": "x"}),
                                  ("POST", "/issues/1/notes", {"body": "x"}),
                                  ("POST", "/labels", {"name": "x", "color": "#000000"})):
        response = world.http(method, f"/projects/{world.pid}{path}", token=READER, json=payload)
        assert response.status_code == 403
        assert response.json() == {
            "error": "insufficient_scope", "scope": "api",
            "error_description": "The request requires higher privileges than provided by the access token."}
    assert world.issue(1)["title"] == "First request"


def test_the_project_answers_the_tokens_permissions(world: World) -> None:
    # doc/api/projects.md "Get a single project": permissions.project_access / group_access.
    assert world.project.manager.get(world.pid).permissions == {
        "project_access": {"access_level": 30, "notification_level": 3}, "group_access": None}
    world.store.add_token("lead-token", "lead.sa")
    assert world.client("lead-token").projects.get(world.pid).permissions == {
        "project_access": None, "group_access": {"access_level": 40, "notification_level": 3}}


# --------------------------------------------------------------------------- issue search and filters


def test_issue_search_is_case_insensitive_in_title_and_description(world: World) -> None:
    # doc/api/issues.md search + in; lib/gitlab/sql/pattern.rb: every word of 3+
    # characters must be a substring (case-insensitive) of one same column.
    def search(**params) -> list[int]:
        return sorted(i.iid for i in world.project.issues.list(get_all=True, **params))

    assert search(search="DEMO") == [1]
    assert search(search="acme workshop") == [2]
    assert search(search="acme", **{"in": "title"}) == []
    assert search(search="request", **{"in": "title"}) == [1, 2]
    assert search(search="demo request") == [], "words must meet in one field"
    assert search(search="de") == [], "a short term must match a whole field"


def test_issue_list_filters_labels_not_labels_author_and_iids(world: World) -> None:
    def ids(**params) -> list[int]:
        return sorted(i.iid for i in world.project.issues.list(get_all=True, **params))

    assert ids(labels="SA Backlog") == [1]
    assert ids(**{"not[labels]": "SA Backlog"}) == [2]
    assert ids(author_username="eve.ae") == [1, 2]
    assert ids(**{"not[author_username]": "eve.ae"}) == []
    assert ids(iids=[2]) == [2]
    assert ids(**{"not[iids]": [2]}) == [1]


# --------------------------------------------------------------------------- repository files


def test_repository_files_are_created_read_and_updated_as_gitlab(world: World) -> None:
    # doc/api/repository_files.md
    path = ".gitlab/issue_templates/SA Activity.md"
    files = world.project.files
    created = world.http("POST", f"/projects/{world.pid}/repository/files/.gitlab%2Fissue_templates%2FSA%20Activity.md",
                         json={"branch": "main", "content": "## Customer\n", "commit_message": "Add template"})
    assert (created.status_code, created.json()) == (201, {"file_path": path, "branch": "main"})
    got = files.get(file_path=path, ref="main")
    content = base64.b64decode(got.content)
    assert content == b"## Customer\n" and got.encoding == "base64"
    assert got.content_sha256 == hashlib.sha256(content).hexdigest() and got.last_commit_id
    head = world.http("HEAD", f"/projects/{world.pid}/repository/files/.gitlab%2Fissue_templates%2FSA%20Activity.md",
                      params={"ref": "main"})
    assert head.status_code == 200 and head.headers["X-Gitlab-File-Path"] == path and not head.content
    again = world.http("POST", f"/projects/{world.pid}/repository/files/.gitlab%2Fissue_templates%2FSA%20Activity.md",
                       json={"branch": "main", "content": "x", "commit_message": "again"})
    assert (again.status_code, again.json()) == (400, {"message": "A file with this name already exists"})
    files.update(path, {"branch": "main", "content": base64.b64encode(b"## Customer v2\n").decode(),
                        "encoding": "base64", "commit_message": "Update"})
    assert world.store.file(world.pid, path) == "## Customer v2\n"
    assert files.get(file_path=path, ref="main").last_commit_id != got.last_commit_id
    missing = world.http("PUT", f"/projects/{world.pid}/repository/files/nope.md",
                         json={"branch": "main", "content": "x", "commit_message": "m"})
    assert (missing.status_code, missing.json()) == (400, {"message": "A file with this name doesn't exist"})
    absent = world.http("GET", f"/projects/{world.pid}/repository/files/nope.md", params={"ref": "main"})
    assert (absent.status_code, absent.json()) == (404, {"message": "404 File Not Found"})
    assert world.project.manager.get(world.pid).default_branch == "main"


# --------------------------------------------------------------------------- hooks and webhook delivery


def test_project_hooks_are_managed_and_never_return_their_token(world: World) -> None:
    # doc/api/project_webhooks.md (Maintainer+); the secret token is write-only.
    world.store.add_member(world.pid, "gl-cs-bot", 40)
    hook = world.project.hooks.create({"url": "http://127.0.0.1:9/hook", "token": "s3cret",
                                       "issues_events": True, "note_events": True})
    assert "token" not in hook.attributes
    assert (hook.issues_events, hook.note_events, hook.push_events, hook.enable_ssl_verification) == (
        True, True, True, True)
    hook.confidential_issues_events = True
    hook.save()
    assert [h.confidential_issues_events for h in world.project.hooks.list()] == [True]
    world.project.hooks.delete(hook.id)
    assert world.project.hooks.list() == []
    world.store.add_member(world.pid, "gl-cs-bot", 30)
    with pytest.raises(gitlab.GitlabListError) as excinfo:
        world.project.hooks.list()
    assert excinfo.value.response_code == 403


class _Receiver:
    """A tiny webhook receiver on 127.0.0.1 that records what it gets."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.headers, json.loads(body)))  # case-insensitive get
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/gitlab"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    server = _Receiver()
    yield server
    server.close()


def test_webhooks_deliver_issue_and_note_events_with_gitlabs_headers(world: World, receiver: _Receiver) -> None:
    # doc/user/project/integrations/webhook_events.md and webhooks.md "Delivery headers";
    # payloads shaped like tests/data/gitlab_reference/webhook_*_event.json.
    world.store.add_member(world.pid, "gl-cs-bot", 40)
    hook = world.project.hooks.create({"url": receiver.url, "token": "s3cret",
                                       "issues_events": True, "note_events": True})
    issue = world.project.issues.create({"title": "Hooked", "description": "d"})
    world.clock.tick()
    world.project.issues.update(issue.iid, {"add_labels": "SA Doing", "description": "d2"})
    world.project.issues.update(issue.iid, {"add_labels": "SA Doing"})  # no change: no event
    world.project.issues.get(issue.iid, lazy=True).notes.create({"body": "hello"})
    world.project.issues.update(issue.iid, {"state_event": "close"})
    assert world.sandbox.deliveries.flush(10)
    assert world.store.deliveries.events() == [("Issue Hook", 200), ("Issue Hook", 200),
                                               ("Note Hook", 200), ("Issue Hook", 200)]
    kinds = [(h["X-Gitlab-Event"], p["object_kind"], p["object_attributes"].get("action"))
             for h, p in receiver.received]
    assert kinds == [("Issue Hook", "issue", "open"), ("Issue Hook", "issue", "update"),
                     ("Note Hook", "note", "create"), ("Issue Hook", "issue", "close")]
    headers, update = receiver.received[1]
    assert "X-Gitlab-Event" in headers.keys(), "header names keep GitLab's case"
    assert headers["X-Gitlab-Token"] == "s3cret"
    assert headers["User-Agent"].startswith("GitLab/")
    assert headers["X-Gitlab-Instance"] == world.sandbox.url
    assert headers["X-Gitlab-Webhook-UUID"] == receiver.received[0][0]["X-Gitlab-Webhook-UUID"]
    assert headers["X-Gitlab-Event-UUID"] != receiver.received[0][0]["X-Gitlab-Event-UUID"]
    assert update["user"]["username"] == "gl-cs-bot"
    assert [l["title"] for l in update["changes"]["labels"]["current"]] == ["SA Doing"]
    assert update["changes"]["labels"]["previous"] == []
    assert update["changes"]["description"] == {"previous": "d", "current": "d2"}
    assert set(update["changes"]["updated_at"]) == {"previous", "current"}
    assert [l["title"] for l in update["labels"]] == ["SA Doing"]
    reference = json.loads((__import__("pathlib").Path(__file__).parent / "data" / "gitlab_reference"
                            / "webhook_issue_event.json").read_text())
    assert {"object_kind", "event_type", "user", "project", "object_attributes", "labels",
            "changes", "assignees", "repository"} <= set(update) <= set(reference) | {"assignee"}
    note = receiver.received[2][1]
    assert note["object_attributes"]["note"] == "hello" and note["issue"]["iid"] == issue.iid
    assert hook.id == world.store.deliveries.records[0].hook_id


def test_webhooks_only_reach_local_receivers_and_never_block_the_api(world: World) -> None:
    world.store.add_member(world.pid, "gl-cs-bot", 40)
    world.project.hooks.create({"url": "http://example.com/hook", "issues_events": True})
    world.project.issues.update(1, {"add_labels": "Services"})
    assert world.store.deliveries.flush(10)
    assert [(d.status, d.error) for d in world.store.deliveries.records] == [(None, "blocked")]


def test_a_receiver_that_does_not_answer_never_blocks_the_api(world: World) -> None:
    # webhooks.md: deliveries go asynchronously (Sidekiq); the API answers without waiting.
    release = threading.Event()
    got = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            got.set()
            release.wait(10)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        world.store.add_member(world.pid, "gl-cs-bot", 40)
        world.project.hooks.create({"url": f"http://127.0.0.1:{server.server_port}/", "issues_events": True})
        world.project.issues.update(1, {"add_labels": "Services"})
        assert got.wait(10), "the receiver got the first event"
        # The receiver is still holding the first delivery: the API goes on answering.
        world.project.issues.update(1, {"add_labels": "SA Doing"})
        assert world.issue(1)["labels"] == ["SA Backlog", "SA Doing", "Services"]
        assert world.store.deliveries.records == []
    finally:
        release.set()
        assert world.sandbox.deliveries.flush(10)
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert world.store.deliveries.events() == [("Issue Hook", 204), ("Issue Hook", 204)]


def test_confidential_issues_reach_only_hooks_that_asked_for_them(world: World, receiver: _Receiver) -> None:
    # webhook_events.md: confidential issues use confidential_issues_events and
    # event_type "confidential_issue"; comments on them "confidential_note".
    world.store.add_member(world.pid, "gl-cs-bot", 40)
    world.project.hooks.create({"url": receiver.url + "/plain", "issues_events": True, "note_events": True})
    world.project.hooks.create({"url": receiver.url + "/secret", "confidential_issues_events": True,
                                "confidential_note_events": True})
    world.project.issues.update(1, {"add_labels": "Services"})
    world.project.issues.update(2, {"confidential": True})
    world.project.issues.get(2, lazy=True).notes.create({"body": "psst"})
    assert world.sandbox.deliveries.flush(10)
    seen = sorted((h.get("X-Gitlab-Event"), p["event_type"], p.get("object_attributes", {}).get("iid")
                   or p["issue"]["iid"]) for h, p in receiver.received)
    assert seen == [("Issue Hook", "confidential_issue", 2), ("Issue Hook", "issue", 1),
                    ("Note Hook", "confidential_note", 2)]
    assert world.store.deliveries.records[-1].url.endswith("/secret")
