"""The sandbox's state: users, tokens, groups, projects, labels, issues, notes and
events as plain dicts, guarded by one re-entrant lock, with the low-level mutators
every layer above shares (label sets with their events, state changes, notes).

Nothing here checks permissions, renders JSON or parses quick actions: see
:mod:`.render` (JSON shapes), :mod:`.builder` (seeding), :mod:`.api` (GitLab's rules).
Imports go one way: errors/timeutil <- model <- render <- builder/api <- store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from typing import Any, Callable, Iterable

from .errors import BadRequest, Conflict, Forbidden, NotFound
from .timeutil import UTC, utcnow
from .webhooks import Deliveries

#: GitLab access levels.
GUEST, REPORTER, DEVELOPER, MAINTAINER, OWNER = 10, 20, 30, 40, 50
#: Minimum access level for any write (issues, notes, labels).
WRITE_ACCESS = REPORTER
#: Colour GitLab gives labels it creates implicitly (``labels=`` with an unknown name).
DEFAULT_AUTO_LABEL_COLOR = "#6699cc"


class State:
    """The sandbox's data, guarded by one re-entrant lock.

    ``clock`` is a callable returning an aware UTC datetime; it is read on
    every write (``updated_at``, note and event timestamps). Replace it at any
    time (``store.clock = lambda: fixed``) to make a scenario deterministic.
    ``web_url`` is the base of ``web_url`` fields in dicts returned by the
    seeding helpers; HTTP responses use the request's host instead.
    """

    def __init__(self, clock: Callable[[], dt.datetime] | None = None,
                 web_url: str = "http://gitlab.sandbox") -> None:
        self.lock = threading.RLock()
        self.clock: Callable[[], dt.datetime] = clock or utcnow
        self.web_url = web_url.rstrip("/")
        self._users: dict[int, dict[str, Any]] = {}
        self._user_ids: dict[str, int] = {}
        #: token text -> {id, name, user_id, scopes, created_at, expires_at, revoked}
        self._tokens: dict[str, dict[str, Any]] = {}
        #: group path -> {id, path, name, members: {user_id: {access_level, created_at}}}
        self._groups: dict[str, dict[str, Any]] = {}
        self._projects: dict[int, dict[str, Any]] = {}
        self._project_ids: dict[str, int] = {}
        #: a renamed or moved project's old paths: GitLab's API still finds it by them
        self._redirects: dict[str, int] = {}
        self._labels: dict[int, dict[str, Any]] = {}
        self._issues: dict[int, dict[str, Any]] = {}
        self._issue_ids: dict[tuple[int, int], int] = {}
        self._notes: dict[int, dict[str, Any]] = {}
        self._ids = {
            "user": itertools.count(1), "project": itertools.count(10), "label": itertools.count(100),
            "issue": itertools.count(1000), "note": itertools.count(100_000),
            "event": itertools.count(500_000), "token": itertools.count(1),
            "group": itertools.count(1000), "link": itertools.count(1), "hook": itertools.count(1),
            "commit": itertools.count(1),
        }
        #: issue link id -> {id, source_gid, target_gid, link_type, created_at}
        self._issue_links: dict[int, dict[str, Any]] = {}
        #: Scoped labels (``key::value``) are exclusive, as on GitLab Premium/Ultimate
        #: (doc/user/project/labels.md "Scoped labels"); False models GitLab Free.
        self.scoped_labels = True
        #: GitLab writes system notes for changes other than labels and state (which are
        #: resource events): title, description, due date, confidentiality, lock, links.
        self.system_notes = True
        #: ... and "assigned to @x" / "unassigned @x", authored by whoever assigned.
        self.assignee_system_notes = True
        #: Webhook deliveries: a background thread, started by the first event a hook wants;
        #: ``store.deliveries.flush()`` waits for them, ``.records`` / ``.events()`` show them.
        self.deliveries = Deliveries()
        self._forbidden_edits: set[tuple[int, int]] = set()
        #: ``(project_id, iid, command_line)`` for every quick action executed through the API.
        self.executed_quick_actions: list[tuple[int, int, str]] = []
        self.deleted_notes: list[tuple[int, int, int]] = []  # (project_id, iid, note_id)
        #: ``(project_id, iid, mention, where)`` for every ``@all``/``@here`` written through
        #: the API; ``where`` is ``"note"`` or ``"description"``.
        self.mass_mentions: list[tuple[int, int, str, str]] = []

    # ------------------------------------------------------------------ internals

    def now(self) -> dt.datetime:
        """The store clock's current time as aware UTC."""
        value = self.clock()
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def _next_id(self, kind: str) -> int:
        return next(self._ids[kind])

    def _user(self, ref: int | str) -> dict[str, Any]:
        if isinstance(ref, int):
            user = self._users.get(ref)
        else:
            name = str(ref).lstrip("@")
            uid = self._user_ids.get(name)
            user = self._users.get(uid) if uid is not None else None
        if user is None:
            raise NotFound("User")
        return user

    def _project(self, ref: int | str) -> dict[str, Any]:
        project = None
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            project = self._projects.get(int(ref))
        else:
            pid = self._project_ids.get(str(ref))
            if pid is None:
                pid = self._redirects.get(str(ref))
            project = self._projects.get(pid) if pid is not None else None
        if project is None:
            raise NotFound("Project")
        return project

    def _issue(self, project: dict[str, Any], iid: int | str) -> dict[str, Any]:
        try:
            gid = self._issue_ids.get((project["id"], int(iid)))
        except (TypeError, ValueError):
            gid = None
        if gid is None:
            raise NotFound("Issue")
        return self._issues[gid]

    def _label_by_name(self, project: dict[str, Any], name: str) -> dict[str, Any] | None:
        lid = project["label_ids"].get(name)
        return self._labels[lid] if lid is not None else None

    def _label_ref(self, project: dict[str, Any], ref: str) -> dict[str, Any]:
        """A project label by id or by name (``label_id`` in GitLab's labels API)."""
        label = self._label_by_name(project, ref)
        if label is None and str(ref).isdigit():
            candidate = self._labels.get(int(ref))
            if candidate is not None and candidate["project_id"] == project["id"]:
                label = candidate
        if label is None:
            raise NotFound("Label")
        return label

    def _new_label(self, project: dict[str, Any], name: str, color: str, description: str | None,
                   priority: int | None = None) -> dict[str, Any]:
        name = name.strip()
        if not name:
            raise BadRequest({"title": ["can't be blank"]})
        if name in project["label_ids"]:
            raise Conflict("Label already exists")
        label = {
            "id": self._next_id("label"), "project_id": project["id"], "name": name, "color": color,
            "description": description, "priority": priority, "created_at": self.now(),
        }
        self._labels[label["id"]] = label
        project["label_ids"][name] = label["id"]
        return label

    def _ensure_label(self, project: dict[str, Any], name: str) -> dict[str, Any]:
        """Find a label by exact (case-sensitive) name or create it like GitLab does."""
        return self._label_by_name(project, name) or self._new_label(
            project, name, DEFAULT_AUTO_LABEL_COLOR, None)

    def _project_group(self, project: dict[str, Any]) -> dict[str, Any] | None:
        return self._groups.get(project["namespace"]["path"])

    def _effective_members(self, project: dict[str, Any]) -> dict[int, dict[str, Any]]:
        """Direct and inherited (group) memberships; the highest access level wins,
        as ``GET /projects/:id/members/all`` reports them (doc/api/members.md)."""
        merged: dict[int, dict[str, Any]] = {}
        group = self._project_group(project)
        sources = ([group["members"]] if group else []) + [project["members"]]
        for members in sources:
            for uid, membership in members.items():
                if uid not in merged or membership["access_level"] > merged[uid]["access_level"]:
                    merged[uid] = membership
        return merged

    def _access_level(self, project: dict[str, Any], user_id: int) -> int:
        membership = self._effective_members(project).get(user_id)
        return membership["access_level"] if membership else 0

    def _require_write(self, project: dict[str, Any], user_id: int,
                       issue: dict[str, Any] | None = None) -> None:
        if self._access_level(project, user_id) < WRITE_ACCESS:
            raise Forbidden()
        if issue is not None and (project["id"], issue["iid"]) in self._forbidden_edits:
            raise Forbidden()

    def _record_label_event(self, issue: dict[str, Any], label: dict[str, Any], action: str,
                            user_id: int | None, when: dt.datetime) -> None:
        issue["label_events"].append({
            "id": self._next_id("event"), "user_id": user_id, "created_at": when,
            "label_id": label["id"], "action": action,
        })

    def _set_labels(self, issue: dict[str, Any], names: Iterable[str], user_id: int | None,
                    when: dt.datetime, create: bool = True) -> bool:
        """Replace the issue's labels by ``names``, recording add/remove events.
        Returns True when something changed."""
        project = self._projects[issue["project_id"]]
        wanted: list[int] = []
        for name in names:
            name = name.strip()
            if not name:
                continue
            label = self._ensure_label(project, name) if create else self._label_by_name(project, name)
            if label is not None and label["id"] not in wanted:
                wanted.append(label["id"])
        current = issue["label_ids"]
        if self.scoped_labels:
            wanted = self._exclusive_scopes(current, wanted)
        added = [lid for lid in wanted if lid not in current]
        removed = [lid for lid in current if lid not in wanted]
        # GitLab writes the "add" events first, then the "remove" events, same timestamp.
        for lid in added:
            self._record_label_event(issue, self._labels[lid], "add", user_id, when)
        for lid in removed:
            self._record_label_event(issue, self._labels[lid], "remove", user_id, when)
        issue["label_ids"] = [lid for lid in current if lid in wanted] + added
        return bool(added or removed)

    def _exclusive_scopes(self, current: list[int], wanted: list[int]) -> list[int]:
        """Keep one label per scope (the text before the last ``::``): a newly added
        scoped label replaces the one the issue had; among several new ones the last wins."""
        def scope(lid: int) -> str | None:
            name = self._labels[lid]["name"]
            return name.rsplit("::", 1)[0] if "::" in name else None

        winner: dict[str, int] = {}
        for lid in wanted:  # a label the issue did not have beats the one it had
            key = scope(lid)
            if key is not None and (key not in winner or lid not in current):
                winner[key] = lid
        return [lid for lid in wanted if scope(lid) is None or winner[scope(lid)] == lid]

    def _label_names(self, issue: dict[str, Any]) -> list[str]:
        return [self._labels[lid]["name"] for lid in issue["label_ids"]]

    def _set_state(self, issue: dict[str, Any], state_event: str, user_id: int | None,
                   when: dt.datetime) -> bool:
        """Close or reopen; a change records a resource state event. True when changed."""
        if state_event == "close" and issue["state"] != "closed":
            issue["state"], issue["closed_at"], issue["closed_by_id"] = "closed", when, user_id
        elif state_event == "reopen" and issue["state"] != "opened":
            issue["state"], issue["closed_at"], issue["closed_by_id"] = "opened", None, None
        else:
            return False
        self._record_state_event(issue, issue["state"] if issue["state"] == "closed" else "reopened",
                                 user_id, when)
        return True

    def _record_state_event(self, issue: dict[str, Any], state: str, user_id: int | None,
                            when: dt.datetime) -> None:
        issue.setdefault("state_events", []).append({
            "id": self._next_id("event"), "user_id": user_id, "created_at": when, "state": state,
        })

    def _can_read_issue(self, project: dict[str, Any], issue: dict[str, Any] | None, uid: int) -> bool:
        """Private project: members only; confidential issue: Reporter+ (or its author)."""
        level = self._access_level(project, uid)
        if project.get("visibility", "private") == "private" and level < GUEST:
            return False
        if issue is not None and issue.get("confidential") and level < REPORTER:
            return issue.get("author_id") == uid
        return True

    def _resolve_user_ids(self, ids: Iterable[int], project: dict[str, Any] | None = None,
                          issue: dict[str, Any] | None = None) -> list[int]:
        """Existing users, in order, without duplicates; with ``project``, only those who
        can read the issue (GitLab drops the others silently)."""
        result: list[int] = []
        for uid in ids:
            if not uid or uid not in self._users or uid in result:
                continue
            if project is not None and not self._can_read_issue(project, issue, uid):
                continue
            result.append(uid)
        return result

    def _create_note(self, issue: dict[str, Any], author_id: int, body: str, system: bool,
                     internal: bool, when: dt.datetime) -> dict[str, Any]:
        note = {
            "id": self._next_id("note"), "project_id": issue["project_id"], "iid": issue["iid"],
            "issue_gid": issue["id"], "body": body, "author_id": author_id, "system": system,
            "internal": internal, "created_at": when, "updated_at": when,
        }
        self._notes[note["id"]] = note
        issue["notes"].append(note["id"])
        return note

    def _user_notes_count(self, issue: dict[str, Any]) -> int:
        """Comments people wrote: system notes never count, deleted notes are gone."""
        return sum(1 for nid in issue["notes"] if not self._notes[nid]["system"])

    def _links_of(self, issue: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        found = []
        for link in sorted(self._issue_links.values(), key=lambda l: l["id"]):
            if link["source_gid"] == issue["id"]:
                found.append((link, self._issues[link["target_gid"]]))
            elif link["target_gid"] == issue["id"]:
                found.append((link, self._issues[link["source_gid"]]))
        return found

    def _commit_sha(self) -> str:
        return hashlib.sha1(f"sandbox-commit-{self._next_id('commit')}".encode()).hexdigest()
