"""In-memory, thread-safe state of the GitLab sandbox.

The :class:`Store` holds everything the simulated GitLab knows about: users and
their tokens, projects with members, project labels, issues (``iid`` per
project, global ``id``), notes and resource label events.  It has two faces:

* a **seeding API** (``add_user``, ``add_project``, ``add_issue`` ...) used by
  tests and the demo to build a scenario directly, without permission checks
  and without running quick actions, plus read helpers (``issue``, ``notes``,
  ``label_events``, ``labels``) that return API-shaped dicts for assertions;
* an **API layer** (the ``api_*`` methods) used by the HTTP server: every call
  names the acting user, checks permissions, stamps ``updated_at`` with
  :attr:`Store.clock`, records resource label events and executes quick
  actions the way GitLab does.

Internally objects are plain dicts; ``render_*`` methods turn them into the
JSON shapes of the GitLab REST API v4 (see ``/work/shared/gitlab-reference``).
All public methods take the store's single re-entrant lock, so callers may
also hold :attr:`Store.lock` across several calls to get a consistent view.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import operator
import threading
from typing import Any, Callable, Iterable, Sequence

UTC = dt.timezone.utc

#: GitLab access levels.
GUEST, REPORTER, DEVELOPER, MAINTAINER, OWNER = 10, 20, 30, 40, 50
#: Minimum access level for any write (issues, notes, labels).
WRITE_ACCESS = REPORTER
#: Colour GitLab gives labels it creates implicitly (``labels=`` with an unknown name).
DEFAULT_AUTO_LABEL_COLOR = "#6699cc"

_CSS_COLOR_NAMES = {
    "black", "white", "red", "green", "blue", "yellow", "orange", "purple", "pink", "gray", "grey",
    "brown", "cyan", "magenta", "lime", "navy", "teal", "olive", "maroon", "silver", "aqua", "fuchsia",
}


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An error the HTTP layer turns into a GitLab-style JSON response."""

    status = 400

    def __init__(self, message: Any, status: int | None = None, key: str = "message") -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        if status is not None:
            self.status = status

    def payload(self) -> dict[str, Any]:
        return {self.key: self.message}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message: str = "401 Unauthorized") -> None:
        super().__init__(message)


class Forbidden(ApiError):
    status = 403

    def __init__(self, message: str = "403 Forbidden") -> None:
        super().__init__(message)


class NotFound(ApiError):
    status = 404

    def __init__(self, what: str = "") -> None:
        super().__init__(f"404 {what} Not Found" if what else "404 Not found")


class Conflict(ApiError):
    status = 409


# --------------------------------------------------------------------------- time helpers


def utcnow() -> dt.datetime:
    """The default clock: aware UTC now."""
    return dt.datetime.now(UTC)


def iso(value: dt.datetime | None) -> str | None:
    """Format like GitLab: ``2016-01-04T15:31:46.176Z`` (UTC, milliseconds)."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> dt.datetime:
    """Parse an ISO 8601 timestamp (``Z``, offsets, a ``+`` decoded to a space,
    or a bare date) or accept a datetime/date. Naive values are taken as UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("empty timestamp")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        # "2024-01-01T10:00:00 01:00": a '+' that was not URL-encoded became a space.
        if len(text) > 19 and text[-6] == " " and text[-3] == ":":
            text = text[:-6] + "+" + text[-5:]
        parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _valid_color(color: str) -> bool:
    text = color.strip()
    if text.startswith("#"):
        digits = text[1:]
        return len(digits) in (3, 6) and all(c in "0123456789abcdefABCDEF" for c in digits)
    return text.lower() in _CSS_COLOR_NAMES


def _text_color(color: str) -> str:
    """GitLab picks dark text on light labels and white text on dark ones."""
    text = color.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    try:
        r, g, b = (int(text[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#FFFFFF"
    luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255
    return "#1F1E24" if luminance > 0.5 else "#FFFFFF"


# --------------------------------------------------------------------------- store


class Store:
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
        self._tokens: dict[str, int] = {}
        self._projects: dict[int, dict[str, Any]] = {}
        self._project_ids: dict[str, int] = {}
        self._labels: dict[int, dict[str, Any]] = {}
        self._issues: dict[int, dict[str, Any]] = {}
        self._issue_ids: dict[tuple[int, int], int] = {}
        self._notes: dict[int, dict[str, Any]] = {}
        self._ids = {
            "user": itertools.count(1), "project": itertools.count(10), "label": itertools.count(100),
            "issue": itertools.count(1000), "note": itertools.count(100_000),
            "event": itertools.count(500_000),
        }
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

    def _access_level(self, project: dict[str, Any], user_id: int) -> int:
        return project["members"].get(user_id, {}).get("access_level", 0)

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
        added = [lid for lid in wanted if lid not in current]
        removed = [lid for lid in current if lid not in wanted]
        # GitLab writes the "add" events first, then the "remove" events, same timestamp.
        for lid in added:
            self._record_label_event(issue, self._labels[lid], "add", user_id, when)
        for lid in removed:
            self._record_label_event(issue, self._labels[lid], "remove", user_id, when)
        issue["label_ids"] = [lid for lid in current if lid in wanted] + added
        return bool(added or removed)

    def _label_names(self, issue: dict[str, Any]) -> list[str]:
        return [self._labels[lid]["name"] for lid in issue["label_ids"]]

    def _set_state(self, issue: dict[str, Any], state_event: str, user_id: int | None,
                   when: dt.datetime) -> bool:
        if state_event == "close" and issue["state"] != "closed":
            issue["state"], issue["closed_at"], issue["closed_by_id"] = "closed", when, user_id
            return True
        if state_event == "reopen" and issue["state"] != "opened":
            issue["state"], issue["closed_at"], issue["closed_by_id"] = "opened", None, None
            return True
        return False

    def _resolve_user_ids(self, ids: Iterable[int]) -> list[int]:
        result: list[int] = []
        for uid in ids:
            if uid and uid in self._users and uid not in result:
                result.append(uid)
        return result

    # ------------------------------------------------------------------ rendering

    def render_user(self, user: dict[str, Any], base: str | None = None) -> dict[str, Any]:
        base = (base or self.web_url).rstrip("/")
        return {
            "id": user["id"], "username": user["username"], "name": user["name"],
            "state": "active", "locked": False, "avatar_url": None,
            "web_url": f"{base}/{user['username']}",
        }

    def _render_user_id(self, user_id: int | None, base: str | None) -> dict[str, Any] | None:
        return self.render_user(self._users[user_id], base) if user_id in self._users else None

    def render_current_user(self, user: dict[str, Any], base: str | None = None) -> dict[str, Any]:
        """``GET /user``: the basic user plus profile fields."""
        data = self.render_user(user, base)
        data.update({
            "created_at": iso(user["created_at"]), "bio": "", "location": "", "public_email": None,
            "email": user["email"], "commit_email": user["email"], "bot": user["bot"],
            "is_admin": False, "can_create_project": True, "two_factor_enabled": False,
            "external": False, "private_profile": False, "last_activity_on": None,
        })
        return data

    def render_project(self, project: dict[str, Any], base: str | None = None) -> dict[str, Any]:
        base = (base or self.web_url).rstrip("/")
        namespace = project["namespace"]
        api = f"{base}/api/v4/projects/{project['id']}"
        open_count = sum(1 for gid in project["issue_gids"] if self._issues[gid]["state"] == "opened")
        return {
            "id": project["id"], "description": project["description"], "name": project["name"],
            "name_with_namespace": f"{namespace['name']} / {project['name']}",
            "path": project["path"], "path_with_namespace": project["path_with_namespace"],
            "created_at": iso(project["created_at"]), "last_activity_at": iso(project["created_at"]),
            "default_branch": "main", "tag_list": [], "topics": [],
            "ssh_url_to_repo": f"git@sandbox:{project['path_with_namespace']}.git",
            "http_url_to_repo": f"{base}/{project['path_with_namespace']}.git",
            "web_url": f"{base}/{project['path_with_namespace']}", "readme_url": None,
            "avatar_url": None, "forks_count": 0, "star_count": 0, "visibility": "internal",
            "namespace": {
                "id": namespace["id"], "name": namespace["name"], "path": namespace["path"],
                "kind": "group", "full_path": namespace["path"], "parent_id": None,
                "avatar_url": None, "web_url": f"{base}/groups/{namespace['path']}",
            },
            "archived": False, "issues_enabled": True, "open_issues_count": open_count,
            "_links": {
                "self": api, "issues": f"{api}/issues", "merge_requests": f"{api}/merge_requests",
                "repo_branches": f"{api}/repository/branches", "labels": f"{api}/labels",
                "events": f"{api}/events", "members": f"{api}/members",
            },
        }

    def render_label(self, label: dict[str, Any], counts: dict[int, tuple[int, int]] | None = None
                     ) -> dict[str, Any]:
        if counts is None:
            counts = self._label_counts(self._projects[label["project_id"]])
        opened, closed = counts.get(label["id"], (0, 0))
        description = label["description"]
        return {
            "id": label["id"], "name": label["name"], "color": label["color"],
            "text_color": _text_color(label["color"]), "description": description,
            "description_html": html.escape(description) if description is not None else None,
            "open_issues_count": opened, "closed_issues_count": closed,
            "open_merge_requests_count": 0, "subscribed": False, "priority": label["priority"],
            "is_project_label": True, "archived": False,
        }

    def _label_counts(self, project: dict[str, Any]) -> dict[int, tuple[int, int]]:
        opened: dict[int, int] = {}
        closed: dict[int, int] = {}
        for gid in project["issue_gids"]:
            issue = self._issues[gid]
            bucket = opened if issue["state"] == "opened" else closed
            for lid in issue["label_ids"]:
                bucket[lid] = bucket.get(lid, 0) + 1
        return {lid: (opened.get(lid, 0), closed.get(lid, 0)) for lid in set(opened) | set(closed)}

    def _render_label_basic(self, label: dict[str, Any]) -> dict[str, Any]:
        description = label["description"]
        return {
            "id": label["id"], "name": label["name"], "color": label["color"],
            "description": description,
            "description_html": html.escape(description) if description is not None else None,
            "text_color": _text_color(label["color"]),
        }

    def render_issue(self, issue: dict[str, Any], base: str | None = None,
                     with_labels_details: bool = False) -> dict[str, Any]:
        base = (base or self.web_url).rstrip("/")
        project = self._projects[issue["project_id"]]
        path = project["path_with_namespace"]
        api = f"{base}/api/v4/projects/{project['id']}"
        labels = sorted((self._labels[lid] for lid in issue["label_ids"]), key=lambda l: l["name"])
        assignees = [self.render_user(self._users[uid], base) for uid in issue["assignee_ids"]]
        return {
            "id": issue["id"], "iid": issue["iid"], "project_id": project["id"],
            "title": issue["title"], "description": issue["description"], "state": issue["state"],
            "created_at": iso(issue["created_at"]), "updated_at": iso(issue["updated_at"]),
            "closed_at": iso(issue["closed_at"]),
            "closed_by": self._render_user_id(issue["closed_by_id"], base),
            "labels": ([self._render_label_basic(l) for l in labels] if with_labels_details
                       else [l["name"] for l in labels]),
            "milestone": None, "assignees": assignees, "assignee": assignees[0] if assignees else None,
            "author": self._render_user_id(issue["author_id"], base),
            "type": "ISSUE", "user_notes_count": issue["user_notes_count"],
            "merge_requests_count": 0, "upvotes": 0, "downvotes": 0,
            "due_date": issue["due_date"], "confidential": issue["confidential"],
            "discussion_locked": issue["discussion_locked"], "issue_type": "issue",
            "severity": "UNKNOWN", "subscribed": False, "moved_to_id": None,
            "service_desk_reply_to": None, "imported": False, "imported_from": "none",
            "web_url": f"{base}/{path}/-/issues/{issue['iid']}",
            "references": {"short": f"#{issue['iid']}", "relative": f"#{issue['iid']}",
                           "full": f"{path}#{issue['iid']}"},
            "time_stats": {"time_estimate": 0, "total_time_spent": 0, "human_time_estimate": None,
                           "human_total_time_spent": None},
            "has_tasks": False, "task_status": "", "blocking_issues_count": 0,
            "task_completion_status": {"count": 0, "completed_count": 0},
            "_links": {
                "self": f"{api}/issues/{issue['iid']}", "notes": f"{api}/issues/{issue['iid']}/notes",
                "award_emoji": f"{api}/issues/{issue['iid']}/award_emoji", "project": api,
                "closed_as_duplicate_of": None,
            },
        }

    def render_note(self, note: dict[str, Any], base: str | None = None) -> dict[str, Any]:
        author = self._users[note["author_id"]]
        author_data = self.render_user(author, base)
        author_data.update({"email": author["email"], "created_at": iso(author["created_at"])})
        return {
            "id": note["id"], "type": None, "body": note["body"], "attachment": None,
            "author": author_data, "created_at": iso(note["created_at"]),
            "updated_at": iso(note["updated_at"]), "system": note["system"],
            "noteable_id": note["issue_gid"], "noteable_type": "Issue",
            "project_id": note["project_id"], "noteable_iid": note["iid"], "commands_changes": {},
            "resolvable": False, "confidential": note["internal"], "internal": note["internal"],
            "imported": False, "imported_from": "none",
        }

    def render_label_event(self, issue: dict[str, Any], event: dict[str, Any],
                           base: str | None = None) -> dict[str, Any]:
        label = self._labels.get(event["label_id"])
        return {
            "id": event["id"], "user": self._render_user_id(event["user_id"], base),
            "created_at": iso(event["created_at"]), "resource_type": "Issue",
            "resource_id": issue["id"],
            "label": ({"id": label["id"], "name": label["name"], "color": label["color"],
                       "description": label["description"] or ""} if label else None),
            "action": event["action"],
        }

    def render_member(self, project: dict[str, Any], user_id: int, base: str | None = None
                      ) -> dict[str, Any]:
        membership = project["members"][user_id]
        data = self.render_user(self._users[user_id], base)
        data.update({
            "access_level": membership["access_level"], "created_at": iso(membership["created_at"]),
            "created_by": None, "expires_at": None, "membership_state": "active",
        })
        return data

    # ------------------------------------------------------------------ seeding API

    def add_user(self, username: str, name: str | None = None, *, email: str | None = None,
                 bot: bool = False) -> dict[str, Any]:
        """Create a user; returns the API-shaped user dict (with its ``id``)."""
        with self.lock:
            if username in self._user_ids:
                raise Conflict("Username has already been taken")
            user = {
                "id": self._next_id("user"), "username": username,
                "name": name or username.replace(".", " ").title(),
                "email": email or f"{username}@example.com", "bot": bot, "created_at": self.now(),
            }
            self._users[user["id"]] = user
            self._user_ids[username] = user["id"]
            return self.render_user(user)

    def add_token(self, token: str, username: str) -> None:
        """Let ``token`` authenticate as ``username`` (PRIVATE-TOKEN or Bearer)."""
        with self.lock:
            self._tokens[token] = self._user(username)["id"]

    def add_project(self, path_with_namespace: str, name: str | None = None,
                    description: str = "") -> dict[str, Any]:
        """Create a project (and its group namespace) from ``group/project``."""
        with self.lock:
            if path_with_namespace in self._project_ids:
                raise Conflict("Project has already been taken")
            namespace_path, _, path = path_with_namespace.rpartition("/")
            namespace_path = namespace_path or "root"
            project = {
                "id": self._next_id("project"), "path": path,
                "path_with_namespace": path_with_namespace,
                "name": name or path.replace("-", " ").title(), "description": description,
                "namespace": {"id": 1000 + len(self._projects), "path": namespace_path,
                              "name": namespace_path.replace("-", " ").title()},
                "created_at": self.now(), "members": {}, "label_ids": {}, "issue_gids": [],
                "next_iid": 1,
            }
            self._projects[project["id"]] = project
            self._project_ids[path_with_namespace] = project["id"]
            return self.render_project(project)

    def add_member(self, project_id: int | str, username: str, access_level: int = DEVELOPER) -> None:
        """Make ``username`` a member of the project (10 Guest ... 50 Owner)."""
        with self.lock:
            project = self._project(project_id)
            user = self._user(username)
            project["members"][user["id"]] = {"access_level": int(access_level),
                                              "created_at": self.now()}

    def remove_member(self, project_id: int | str, username: str) -> None:
        with self.lock:
            self._project(project_id)["members"].pop(self._user(username)["id"], None)

    def add_label(self, project_id: int | str, name: str, color: str = "#428BCA",
                  description: str = "", priority: int | None = None) -> dict[str, Any]:
        """Create a project label; returns the API-shaped label."""
        with self.lock:
            project = self._project(project_id)
            return self.render_label(self._new_label(project, name, color, description, priority))

    def add_issue(self, project_id: int | str, title: str, description: str = "",
                  author: str = "username", labels: Sequence[str] = (), assignees: Sequence[str] = (),
                  state: str = "opened", due_date: str | dt.date | None = None,
                  created_at: Any = None, updated_at: Any = None,
                  label_events: Sequence[tuple[str | None, str, str, Any]] | None = None, *,
                  closed_at: Any = None, closed_by: str | None = None,
                  confidential: bool = False) -> dict[str, Any]:
        """Seed an issue directly (no permission checks, no quick actions).

        ``label_events`` is an optional history of ``(username, action, label, created_at)``
        tuples (``username`` may be None for a deleted user); when it is None and
        ``labels`` is not empty, one ``add`` event per label is recorded for the
        author at ``created_at``. Unknown label names become project labels.
        ``updated_at`` defaults to the latest of ``created_at`` and the seeded events.
        """
        with self.lock:
            project = self._project(project_id)
            author_user = self._user(author)
            created = parse_time(created_at) if created_at is not None else self.now()
            gid = self._next_id("issue")
            iid = project["next_iid"]
            project["next_iid"] += 1
            issue: dict[str, Any] = {
                "id": gid, "iid": iid, "project_id": project["id"], "title": title,
                "description": description, "state": "opened", "author_id": author_user["id"],
                "assignee_ids": [self._user(a)["id"] for a in assignees],
                "label_ids": [self._ensure_label(project, name)["id"] for name in labels],
                "created_at": created, "updated_at": created, "closed_at": None,
                "closed_by_id": None, "due_date": _due(due_date), "confidential": confidential,
                "discussion_locked": False, "user_notes_count": 0, "notes": [],
                "label_events": [],
            }
            latest = created
            if label_events is None:
                for lid in issue["label_ids"]:
                    self._record_label_event(issue, self._labels[lid], "add", author_user["id"], created)
            else:
                for who, action, name, when in label_events:
                    if action not in ("add", "remove"):
                        raise ValueError(f"label event action must be add/remove, not {action!r}")
                    when_dt = parse_time(when) if when is not None else created
                    user_id = self._user(who)["id"] if who else None
                    self._record_label_event(issue, self._ensure_label(project, name), action,
                                             user_id, when_dt)
                    latest = max(latest, when_dt)
                issue["label_events"].sort(key=lambda e: (e["created_at"], e["id"]))
            if state == "closed":
                closed_when = parse_time(closed_at) if closed_at is not None else (
                    parse_time(updated_at) if updated_at is not None else latest)
                issue.update(state="closed", closed_at=closed_when,
                             closed_by_id=self._user(closed_by or author)["id"])
                latest = max(latest, closed_when)
            elif state != "opened":
                raise ValueError("state must be 'opened' or 'closed'")
            issue["updated_at"] = parse_time(updated_at) if updated_at is not None else latest
            self._issues[gid] = issue
            self._issue_ids[(project["id"], iid)] = gid
            project["issue_gids"].append(gid)
            return self.render_issue(issue)

    def add_note(self, project_id: int | str, iid: int, body: str, author: str, system: bool = False,
                 created_at: Any = None, *, internal: bool = False) -> dict[str, Any]:
        """Seed a note directly (no quick actions). The issue's ``updated_at`` moves
        forward to the note's time if that is later."""
        with self.lock:
            project = self._project(project_id)
            issue = self._issue(project, iid)
            when = parse_time(created_at) if created_at is not None else self.now()
            note = self._create_note(issue, self._user(author)["id"], body, system, internal, when)
            issue["updated_at"] = max(issue["updated_at"], when)
            return self.render_note(note)

    def forbid_edit(self, project_id: int | str, iid: int) -> None:
        """From now on, writes touching this issue (edit, notes) answer 403."""
        with self.lock:
            project = self._project(project_id)
            self._issue(project, iid)
            self._forbidden_edits.add((project["id"], int(iid)))

    def allow_edit(self, project_id: int | str, iid: int) -> None:
        """Undo :meth:`forbid_edit`."""
        with self.lock:
            self._forbidden_edits.discard((self._project(project_id)["id"], int(iid)))

    # ------------------------------------------------------------------ read helpers (tests)

    def user(self, username: str) -> dict[str, Any]:
        with self.lock:
            return self.render_user(self._user(username))

    def project(self, project_id: int | str) -> dict[str, Any]:
        with self.lock:
            return self.render_project(self._project(project_id))

    def issue(self, project_id: int | str, iid: int) -> dict[str, Any]:
        """The API-shaped issue (labels as names)."""
        with self.lock:
            return self.render_issue(self._issue(self._project(project_id), iid))

    def issues(self, project_id: int | str) -> list[dict[str, Any]]:
        """All issues of the project, ascending by iid."""
        with self.lock:
            project = self._project(project_id)
            return [self.render_issue(self._issues[gid]) for gid in project["issue_gids"]]

    def notes(self, project_id: int | str, iid: int) -> list[dict[str, Any]]:
        """The issue's notes, oldest first."""
        with self.lock:
            issue = self._issue(self._project(project_id), iid)
            return [self.render_note(self._notes[nid]) for nid in issue["notes"]]

    def label_events(self, project_id: int | str, iid: int) -> list[dict[str, Any]]:
        """The issue's resource label events, ascending by id."""
        with self.lock:
            issue = self._issue(self._project(project_id), iid)
            return [self.render_label_event(issue, e)
                    for e in sorted(issue["label_events"], key=lambda e: e["id"])]

    def labels(self, project_id: int | str) -> list[dict[str, Any]]:
        """The project's labels, by name."""
        with self.lock:
            project = self._project(project_id)
            counts = self._label_counts(project)
            return [self.render_label(self._labels[lid], counts)
                    for _, lid in sorted(project["label_ids"].items())]

    def members(self, project_id: int | str) -> list[dict[str, Any]]:
        with self.lock:
            project = self._project(project_id)
            return [self.render_member(project, uid) for uid in sorted(project["members"])]

    # ------------------------------------------------------------------ API layer (HTTP server)

    def authenticate(self, token: str | None) -> dict[str, Any]:
        """The user owning ``token``; raises :class:`Unauthorized`."""
        with self.lock:
            uid = self._tokens.get(token or "")
            if uid is None:
                raise Unauthorized()
            return self._users[uid]

    def find_users(self, username: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            users = sorted(self._users.values(), key=lambda u: u["id"])
            if username is not None:
                users = [u for u in users if u["username"].lower() == username.lower()]
            return users

    def get_user(self, user_id: int | str) -> dict[str, Any]:
        with self.lock:
            try:
                return self._user(int(user_id))
            except ValueError:
                raise NotFound("User") from None

    def get_project(self, ref: int | str) -> dict[str, Any]:
        with self.lock:
            return self._project(ref)

    def get_issue(self, project_ref: int | str, iid: int | str) -> dict[str, Any]:
        with self.lock:
            return self._issue(self._project(project_ref), iid)

    def query_issues(self, project_ref: int | str, *, state: str | None = None,
                     labels: Sequence[str] | None = None, not_labels: Sequence[str] | None = None,
                     iids: Sequence[int] | None = None, updated_after: dt.datetime | None = None,
                     updated_before: dt.datetime | None = None,
                     created_after: dt.datetime | None = None,
                     created_before: dt.datetime | None = None, author_id: int | None = None,
                     author_username: str | None = None, assignee_id: str | None = None,
                     assignee_username: str | None = None, search: str | None = None,
                     confidential: bool | None = None, order_by: str = "created_at",
                     sort: str = "desc") -> list[dict[str, Any]]:
        """Filter and sort the project's issues like ``GET /projects/:id/issues``.

        ``labels``: every name must be present; ``["None"]`` = no labels, ``["Any"]``
        = at least one. ``assignee_id``: ``"None"``, ``"Any"`` or a numeric id.
        """
        with self.lock:
            project = self._project(project_ref)
            items = [self._issues[gid] for gid in project["issue_gids"]]
            if state in ("opened", "closed"):
                items = [i for i in items if i["state"] == state]
            if iids:
                wanted = set(iids)
                items = [i for i in items if i["iid"] in wanted]
            if labels:
                if [l.lower() for l in labels] == ["none"]:
                    items = [i for i in items if not i["label_ids"]]
                elif [l.lower() for l in labels] == ["any"]:
                    items = [i for i in items if i["label_ids"]]
                else:
                    ids = [project["label_ids"].get(name) for name in labels]
                    if None in ids:
                        items = []
                    else:
                        items = [i for i in items if all(lid in i["label_ids"] for lid in ids)]
            if not_labels:
                ids = {project["label_ids"].get(name) for name in not_labels} - {None}
                items = [i for i in items if not ids.intersection(i["label_ids"])]
            if updated_after is not None:
                items = [i for i in items if i["updated_at"] >= updated_after]
            if updated_before is not None:
                items = [i for i in items if i["updated_at"] <= updated_before]
            if created_after is not None:
                items = [i for i in items if i["created_at"] >= created_after]
            if created_before is not None:
                items = [i for i in items if i["created_at"] <= created_before]
            if author_username is not None:
                uid = self._user_ids.get(author_username)
                items = [i for i in items if i["author_id"] == uid]
            if author_id is not None:
                items = [i for i in items if i["author_id"] == author_id]
            if assignee_username is not None:
                uid = self._user_ids.get(assignee_username)
                items = [i for i in items if uid in i["assignee_ids"]]
            if assignee_id is not None:
                key = str(assignee_id).lower()
                if key == "none":
                    items = [i for i in items if not i["assignee_ids"]]
                elif key == "any":
                    items = [i for i in items if i["assignee_ids"]]
                elif key.isdigit():
                    items = [i for i in items if int(key) in i["assignee_ids"]]
            if confidential is not None:
                items = [i for i in items if i["confidential"] == confidential]
            if search:
                needle = search.lower()
                items = [i for i in items if needle in i["title"].lower()
                         or needle in (i["description"] or "").lower()]
            sort_keys: dict[str, Callable[[dict[str, Any]], Any]] = {
                "created_at": operator.itemgetter("created_at"),
                "updated_at": operator.itemgetter("updated_at"),
                "title": lambda i: i["title"].lower(),
                "due_date": lambda i: i["due_date"] or "9999-12-31",
                "id": operator.itemgetter("id"), "iid": operator.itemgetter("iid"),
            }
            if order_by not in sort_keys:
                raise BadRequest("order_by does not have a valid value", key="error")
            # Ties are broken by id in the same direction: items are in ascending id
            # order, so reverse them first and rely on the stable sort.
            descending = sort != "asc"
            if descending:
                items.reverse()
            items.sort(key=sort_keys[order_by], reverse=descending)
            return items

    def api_create_issue(self, project_ref: int | str, actor_id: int, *, title: str | None,
                         description: str | None = None, labels: Sequence[str] | None = None,
                         assignee_ids: Sequence[int] | None = None, due_date: str | None = None,
                         confidential: bool | None = None) -> dict[str, Any]:
        """``POST /projects/:id/issues``; quick actions in the description run."""
        from . import quickactions

        with self.lock:
            project = self._project(project_ref)
            self._require_write(project, actor_id)
            if not title or not str(title).strip():
                raise BadRequest("title is missing", key="error")
            due = _due(due_date)
            now = self.now()
            gid = self._next_id("issue")
            iid = project["next_iid"]
            project["next_iid"] += 1
            issue: dict[str, Any] = {
                "id": gid, "iid": iid, "project_id": project["id"], "title": str(title),
                "description": description, "state": "opened", "author_id": actor_id,
                "assignee_ids": self._resolve_user_ids(assignee_ids or ()), "label_ids": [],
                "created_at": now, "updated_at": now, "closed_at": None, "closed_by_id": None,
                "due_date": due, "confidential": bool(confidential),
                "discussion_locked": False, "user_notes_count": 0, "notes": [], "label_events": [],
            }
            self._issues[gid] = issue
            self._issue_ids[(project["id"], iid)] = gid
            project["issue_gids"].append(gid)
            if labels:
                self._set_labels(issue, labels, actor_id, now)
            if description:
                issue["description"] = quickactions.execute(self, issue, actor_id, description, now)
                self._scan_mass_mentions(issue, issue["description"], "description")
            return issue

    def api_update_issue(self, project_ref: int | str, iid: int | str, actor_id: int,
                         changes: dict[str, Any]) -> dict[str, Any]:
        """``PUT /projects/:id/issues/:iid`` with already-typed ``changes``.

        Keys: ``title``, ``description``, ``labels`` / ``add_labels`` / ``remove_labels``
        (lists of names), ``assignee_ids`` (list of ints), ``state_event``,
        ``due_date`` (``YYYY-MM-DD`` or None), ``confidential``, ``discussion_locked``.
        """
        from . import quickactions

        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            # Validate everything first so a bad request never leaves a half-applied edit.
            if "title" in changes and (not changes["title"] or not str(changes["title"]).strip()):
                raise BadRequest({"title": ["can't be blank"]})
            if changes.get("state_event") and changes["state_event"] not in ("close", "reopen"):
                raise BadRequest("state_event does not have a valid value", key="error")
            due_date = _due(changes["due_date"]) if "due_date" in changes else None
            now = self.now()
            if "title" in changes:
                issue["title"] = str(changes["title"])
            if "labels" in changes:
                self._set_labels(issue, changes["labels"] or [], actor_id, now)
            if changes.get("add_labels") or changes.get("remove_labels"):
                names = self._label_names(issue)
                removing = set(changes.get("remove_labels") or [])
                names = [n for n in names if n not in removing]
                names += [n for n in changes.get("add_labels") or [] if n not in names]
                self._set_labels(issue, names, actor_id, now)
            if "assignee_ids" in changes:
                issue["assignee_ids"] = self._resolve_user_ids(changes["assignee_ids"] or ())
            if changes.get("state_event"):
                self._set_state(issue, changes["state_event"], actor_id, now)
            if "due_date" in changes:
                issue["due_date"] = due_date
            if changes.get("confidential") is not None:
                issue["confidential"] = bool(changes["confidential"])
            if changes.get("discussion_locked") is not None:
                issue["discussion_locked"] = bool(changes["discussion_locked"])
            if "description" in changes:
                text = changes["description"]
                issue["description"] = text
                if text:
                    issue["description"] = quickactions.execute(self, issue, actor_id, text, now)
                    self._scan_mass_mentions(issue, issue["description"], "description")
            issue["updated_at"] = now
            return issue

    def _create_note(self, issue: dict[str, Any], author_id: int, body: str, system: bool,
                     internal: bool, when: dt.datetime) -> dict[str, Any]:
        note = {
            "id": self._next_id("note"), "project_id": issue["project_id"], "iid": issue["iid"],
            "issue_gid": issue["id"], "body": body, "author_id": author_id, "system": system,
            "internal": internal, "created_at": when, "updated_at": when,
        }
        self._notes[note["id"]] = note
        issue["notes"].append(note["id"])
        if not system:
            issue["user_notes_count"] += 1
        return note

    def _scan_mass_mentions(self, issue: dict[str, Any], text: str | None, where: str) -> None:
        from . import quickactions

        for mention in quickactions.find_mass_mentions(text or ""):
            self.mass_mentions.append((issue["project_id"], issue["iid"], mention, where))

    def list_notes(self, project_ref: int | str, iid: int | str, *, sort: str = "desc",
                   order_by: str = "created_at") -> list[dict[str, Any]]:
        with self.lock:
            issue = self._issue(self._project(project_ref), iid)
            notes = [self._notes[nid] for nid in issue["notes"]]
            field = "updated_at" if order_by == "updated_at" else "created_at"
            notes.sort(key=lambda n: (n[field], n["id"]), reverse=(sort != "asc"))
            return notes

    def get_note(self, project_ref: int | str, iid: int | str, note_id: int | str) -> dict[str, Any]:
        with self.lock:
            issue = self._issue(self._project(project_ref), iid)
            try:
                note = self._notes.get(int(note_id))
            except ValueError:
                note = None
            if note is None or note["issue_gid"] != issue["id"]:
                raise NotFound("Note")
            return note

    def api_create_note(self, project_ref: int | str, iid: int | str, actor_id: int, body: str | None,
                        internal: bool = False) -> dict[str, Any]:
        """``POST .../notes``: runs quick actions, records ``@all``/``@here``, touches the issue."""
        from . import quickactions

        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            if body is None or not str(body).strip():
                raise BadRequest("body is missing", key="error")
            now = self.now()
            remaining = quickactions.execute(self, issue, actor_id, str(body), now)
            self._scan_mass_mentions(issue, remaining, "note")
            note = self._create_note(issue, actor_id, remaining, False, internal, now)
            issue["updated_at"] = now
            return note

    def _own_note(self, project_ref: int | str, iid: int | str, note_id: int | str, actor_id: int):
        """The project, issue and note, when ``actor_id`` wrote the note and may write here."""
        project = self._project(project_ref)
        issue = self._issue(project, iid)
        note = self.get_note(project_ref, iid, note_id)
        self._require_write(project, actor_id, issue)
        if note["author_id"] != actor_id or note["system"]:
            raise Forbidden()
        return project, issue, note

    def api_update_note(self, project_ref: int | str, iid: int | str, note_id: int | str,
                        actor_id: int, body: str | None) -> dict[str, Any]:
        """``PUT .../notes/:note_id``: only the author may edit; quick actions run again."""
        from . import quickactions

        with self.lock:
            project, issue, note = self._own_note(project_ref, iid, note_id, actor_id)
            if body is None:
                raise BadRequest("body is missing", key="error")
            now = self.now()
            remaining = quickactions.execute(self, issue, actor_id, str(body), now)
            self._scan_mass_mentions(issue, remaining, "note")
            note["body"] = remaining
            note["updated_at"] = now
            issue["updated_at"] = now
            return note

    def api_delete_note(self, project_ref: int | str, iid: int | str, note_id: int | str,
                        actor_id: int) -> None:
        """``DELETE .../notes/:note_id``: only the author may delete a note."""
        with self.lock:
            project, issue, note = self._own_note(project_ref, iid, note_id, actor_id)
            issue["notes"].remove(note["id"])
            del self._notes[note["id"]]
            self.deleted_notes.append((project["id"], issue["iid"], note["id"]))

    def list_label_events(self, project_ref: int | str, iid: int | str
                          ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        with self.lock:
            issue = self._issue(self._project(project_ref), iid)
            return issue, sorted(issue["label_events"], key=lambda e: e["id"])

    def list_labels(self, project_ref: int | str, search: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            project = self._project(project_ref)
            labels = [self._labels[lid] for _, lid in sorted(project["label_ids"].items())]
            if search:
                labels = [l for l in labels if search.lower() in l["name"].lower()]
            return labels

    def label_counts(self, project_ref: int | str) -> dict[int, tuple[int, int]]:
        with self.lock:
            return self._label_counts(self._project(project_ref))

    def get_label(self, project_ref: int | str, label_ref: str) -> dict[str, Any]:
        with self.lock:
            return self._label_ref(self._project(project_ref), label_ref)

    def api_create_label(self, project_ref: int | str, actor_id: int, *, name: str | None,
                         color: str | None, description: str | None = None,
                         priority: int | None = None) -> dict[str, Any]:
        with self.lock:
            project = self._project(project_ref)
            self._require_write(project, actor_id)
            if not name:
                raise BadRequest("name is missing", key="error")
            if not color:
                raise BadRequest("color is missing", key="error")
            if not _valid_color(color):
                raise BadRequest({"color": ["must be a valid color code"]})
            return self._new_label(project, name, color, description, priority)

    def api_update_label(self, project_ref: int | str, label_ref: str, actor_id: int, *,
                         new_name: str | None = None, color: str | None = None,
                         description: str | None = None, priority: Any = ...) -> dict[str, Any]:
        """Rename / recolour a label. Issues keep it: they reference labels by id."""
        with self.lock:
            project = self._project(project_ref)
            label = self._label_ref(project, label_ref)
            self._require_write(project, actor_id)
            if not new_name and not color and description is None and priority is ...:
                raise BadRequest("new_name, color, description, priority are missing, "
                                 "at least one parameter must be provided", key="error")
            if color:
                if not _valid_color(color):
                    raise BadRequest({"color": ["must be a valid color code"]})
                label["color"] = color
            if new_name and new_name != label["name"]:
                if new_name in project["label_ids"]:
                    raise Conflict("Label already exists")
                del project["label_ids"][label["name"]]
                label["name"] = new_name
                project["label_ids"][new_name] = label["id"]
            if description is not None:
                label["description"] = description
            if priority is not ...:
                label["priority"] = priority
            return label

    def list_members(self, project_ref: int | str) -> tuple[dict[str, Any], list[int]]:
        with self.lock:
            project = self._project(project_ref)
            return project, sorted(project["members"])


def _due(value: Any) -> str | None:
    """Normalise a due date to ``YYYY-MM-DD`` (None/"" clears it)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise BadRequest("due_date is invalid", key="error") from None
