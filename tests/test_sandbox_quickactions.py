"""Quick-action parsing and execution in the sandbox (pure, no HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest

from gl_cs.sandbox import Store
from gl_cs.sandbox.quickactions import extract, find_mass_mentions, parse_due, parse_label_names
from gl_cs.sandbox.api import Accepted
from gl_cs.sandbox.store import Forbidden

TODAY = dt.date(2026, 11, 23)  # a Monday


def test_extract_removes_command_lines_only() -> None:
    text, commands = extract("Hello\n/label ~a\nworld\n/close")
    assert text == "Hello\nworld"
    assert [(c.name, c.arg) for c in commands] == [("label", "~a"), ("close", "")]


@pytest.mark.parametrize("body", [
    "```\n/close\n```",
    "~~~\n/close\n~~~",
    "````md\n```\n/close\n```\n````",
    ">>>\n/close\n>>>",
    "> /close",
    " /close",
    "\\/close",
    "/closed",
    "/unknowncommand arg",
    "text /close inline",
])
def test_lines_that_are_not_commands(body: str) -> None:
    assert extract(body) == (body, [])


def test_commands_after_a_closed_fence_run() -> None:
    text, commands = extract("```\n/close\n```\n/reopen")
    assert text == "```\n/close\n```" and [c.name for c in commands] == ["reopen"]


def test_label_arguments() -> None:
    assert parse_label_names('~a ~"b c" ~Priority::1') == ["a", "b c", "Priority::1"]
    assert parse_label_names("bug feature") == ["bug", "feature"]
    assert parse_label_names('~"SA Doing" ~"SA Doing"') == ["SA Doing"]


def test_due_dates() -> None:
    assert parse_due("tomorrow", TODAY) == dt.date(2026, 11, 24)
    assert parse_due("in 2 weeks", TODAY) == dt.date(2026, 12, 7)
    assert parse_due("2026-12-31", TODAY) == dt.date(2026, 12, 31)
    assert parse_due("friday", TODAY) == dt.date(2026, 11, 27)
    assert parse_due("December 31st", TODAY) == dt.date(2026, 12, 31)
    assert parse_due("whenever", TODAY) is None


def test_mass_mentions() -> None:
    assert find_mass_mentions("hey @all and @HERE") == ["@all", "@here"]
    assert find_mass_mentions("mail bob@all.example, @allison, `@all`, \n```\n@all\n```") == []


@pytest.fixture
def store() -> tuple[Store, int, dict]:
    store = Store(clock=lambda: dt.datetime(2026, 11, 23, 12, tzinfo=dt.timezone.utc))
    project = store.add_project("g/p")
    users = {name: store.add_user(name)["id"] for name in ("actor", "ana", "ben", "guest")}
    for name in ("actor", "ana", "ben"):
        store.add_member(project["id"], name, 30)
    store.add_member(project["id"], "guest", 10)
    for label in ("a", "b c", "d"):
        store.add_label(project["id"], label)
    store.add_issue(project["id"], "t", author="ana", labels=["a", "d"], assignees=["ana"],
                    due_date="2026-12-01")
    return store, project["id"], users


def note(s: Store, pid: int, actor: int, body: str) -> dict | None:
    """Post a note through the API layer; a note made only of quick actions stores
    nothing (GitLab answers 202): None."""
    try:
        return s.api_create_note(pid, 1, actor, body)
    except Accepted:
        return None


def test_label_relabel_unlabel(store) -> None:
    s, pid, users = store
    note(s, pid, users["actor"], '/label ~"b c" ~missing')
    assert s.issue(pid, 1)["labels"] == ["a", "b c", "d"]
    note(s, pid, users["actor"], "/unlabel ~a")
    assert s.issue(pid, 1)["labels"] == ["b c", "d"]
    note(s, pid, users["actor"], "/relabel ~a")
    assert s.issue(pid, 1)["labels"] == ["a"]
    note(s, pid, users["actor"], "/remove_label")
    assert s.issue(pid, 1)["labels"] == []
    actors = {e["user"]["username"] for e in s.label_events(pid, 1)[2:]}
    assert actors == {"actor"}


def test_assign_title_due_lock_confidential(store) -> None:
    s, pid, users = store
    posted = note(s, pid, users["actor"],
                  "/assign @ben me\n/title New title\n/remove_due_date\n/lock\n/confidential")
    assert posted is None and [n for n in s.notes(pid, 1) if not n["system"]] == []
    issue = s.issue(pid, 1)
    assert [a["username"] for a in issue["assignees"]] == ["ana", "ben", "actor"]
    assert (issue["title"], issue["due_date"], issue["discussion_locked"], issue["confidential"]) == (
        "New title", None, True, True)
    note(s, pid, users["actor"], "/unassign @ana\n/due in 3 days")
    issue = s.issue(pid, 1)
    assert [a["username"] for a in issue["assignees"]] == ["ben", "actor"]
    assert issue["due_date"] == "2026-11-26"
    note(s, pid, users["actor"], "/reassign @ana\n/close")
    issue = s.issue(pid, 1)
    assert [a["username"] for a in issue["assignees"]] == ["ana"] and issue["state"] == "closed"
    assert len(s.executed_quick_actions) == 9


def test_guest_cannot_run_quick_actions(store) -> None:
    s, pid, users = store
    with pytest.raises(Forbidden):
        s.api_create_note(pid, 1, users["guest"], "/close")
    assert s.issue(pid, 1)["state"] == "opened" and s.executed_quick_actions == []
