"""The seeding API: build a scenario directly (no permission checks, no quick
actions), and read helpers returning API-shaped dicts for assertions."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from .errors import Conflict
from .model import DEVELOPER
from .render import Rendering
from .timeutil import normalize_due, parse_date, parse_time


class Building(Rendering):
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

    def add_token(self, token: str, username: str, scopes: Sequence[str] = ("api",), *,
                  name: str | None = None, expires_at: Any = None) -> dict[str, Any]:
        """Let ``token`` authenticate as ``username`` (PRIVATE-TOKEN or Bearer) with
        ``scopes`` (``api``; ``read_api`` may read everything and write nothing)."""
        with self.lock:
            record = {
                "id": self._next_id("token"), "name": name or f"{username}-token",
                "user_id": self._user(username)["id"], "scopes": tuple(scopes),
                "created_at": self.now(),
                "expires_at": parse_date(expires_at) if expires_at is not None else None,
            }
            self._tokens[token] = record
            return self.render_token(record)

    def add_job_token(self, token: str, username: str) -> dict[str, Any]:
        """A CI/CD job token (sent as ``JOB-TOKEN``) of a job ``username`` started: it reads
        the project's issues, labels and members (as gl-cs's dry run needs), writes nothing
        (403), and is refused by ``GET /user`` (401); ``GET /job`` names its user."""
        return self.add_token(token, username, scopes=("ci_job",), name="CI job token")

    def add_group(self, path: str, name: str | None = None) -> dict[str, Any]:
        """The group ``path`` (created once); projects under ``path/`` belong to it."""
        with self.lock:
            group = self._groups.get(path)
            if group is None:
                group = {"id": self._next_id("group"), "path": path,
                         "name": name or path.rsplit("/", 1)[-1].replace("-", " ").title(),
                         "members": {}, "hooks": {}}
                self._groups[path] = group
            return {"id": group["id"], "path": group["path"], "name": group["name"]}

    def add_group_member(self, group_path: str, username: str, access_level: int = DEVELOPER) -> None:
        """Make ``username`` a member of the group: its projects inherit the membership."""
        with self.lock:
            self.add_group(group_path)
            self._groups[group_path]["members"][self._user(username)["id"]] = {
                "access_level": int(access_level), "created_at": self.now()}

    def add_project(self, path_with_namespace: str, name: str | None = None,
                    description: str = "", visibility: str = "private",
                    topics: Sequence[str] = ()) -> dict[str, Any]:
        """Create a project (and its group namespace) from ``group/project``.
        ``visibility``: ``private`` (a team's service desk), ``internal`` or ``public``;
        ``topics``: what ``GET /groups/:id/projects?topic=`` filters by."""
        with self.lock:
            if path_with_namespace in self._project_ids:
                raise Conflict("Project has already been taken")
            namespace_path, _, path = path_with_namespace.rpartition("/")
            namespace_path = namespace_path or "root"
            group = self.add_group(namespace_path)
            project = {
                "id": self._next_id("project"), "path": path,
                "path_with_namespace": path_with_namespace,
                "name": name or path.replace("-", " ").title(), "description": description,
                "namespace": {"id": group["id"], "path": namespace_path, "name": group["name"]},
                "created_at": self.now(), "members": {}, "label_ids": {}, "issue_gids": [],
                "next_iid": 1, "visibility": visibility, "hooks": {},
                # branch -> path -> {content (bytes), last_commit_id}
                "files": {"main": {}}, "default_branch": "main", "topics": list(topics),
            }
            self._projects[project["id"]] = project
            self._project_ids[path_with_namespace] = project["id"]
            self._redirects.pop(path_with_namespace, None)
            return self.render_project(project)

    def move_project(self, project_id: int | str, new_path_with_namespace: str) -> dict[str, Any]:
        """Rename or move a project (``group/new-name``, or into another group). Its id stays;
        its old path keeps finding it through the API (GitLab's redirect), and webhooks name
        the new path from now on."""
        with self.lock:
            project = self._project(project_id)
            if new_path_with_namespace in self._project_ids:
                raise Conflict("Project has already been taken")
            old = project["path_with_namespace"]
            namespace_path, _, path = new_path_with_namespace.rpartition("/")
            group = self.add_group(namespace_path or "root")
            project.update(path=path, path_with_namespace=new_path_with_namespace,
                           namespace={"id": group["id"], "path": group["path"], "name": group["name"]})
            del self._project_ids[old]
            self._project_ids[new_path_with_namespace] = project["id"]
            self._redirects[old] = project["id"]
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
                  confidential: bool = False, iid: int | None = None) -> dict[str, Any]:
        """Seed an issue directly (no permission checks, no quick actions).

        ``label_events`` is an optional history of ``(username, action, label, created_at)``
        tuples (``username`` may be None for a deleted user); when it is None and
        ``labels`` is not empty, one ``add`` event per label is recorded for the
        author at ``created_at``. Unknown label names become project labels.
        ``updated_at`` defaults to the latest of ``created_at`` and the seeded events.
        ``iid``: the issue's number (default: the next one).
        """
        with self.lock:
            project = self._project(project_id)
            author_user = self._user(author)
            created = parse_time(created_at) if created_at is not None else self.now()
            gid = self._next_id("issue")
            if iid is None:
                iid = project["next_iid"]
            elif (project["id"], int(iid)) in self._issue_ids:
                raise Conflict(f"issue #{iid} exists")
            iid = int(iid)  # a number of one's own: GitLab's numbers have gaps (moved, deleted issues)
            project["next_iid"] = max(project["next_iid"], iid + 1)
            issue: dict[str, Any] = {
                "id": gid, "iid": iid, "project_id": project["id"], "title": title,
                "description": description, "state": "opened", "author_id": author_user["id"],
                "assignee_ids": [self._user(a)["id"] for a in assignees],
                "label_ids": [self._ensure_label(project, name)["id"] for name in labels],
                "created_at": created, "updated_at": created, "closed_at": None,
                "closed_by_id": None, "due_date": normalize_due(due_date), "confidential": confidential,
                "discussion_locked": False, "notes": [],
                "label_events": [], "state_events": [],
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
                self._record_state_event(issue, "closed", issue["closed_by_id"], closed_when)
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

    def state_events(self, project_id: int | str, iid: int) -> list[dict[str, Any]]:
        """The issue's resource state events (closed / reopened), ascending by id."""
        with self.lock:
            issue = self._issue(self._project(project_id), iid)
            return [self.render_state_event(issue, e) for e in issue.get("state_events", [])]

    def issue_links(self, project_id: int | str, iid: int) -> list[dict[str, Any]]:
        """The issues linked to this one, as ``GET .../links`` lists them."""
        with self.lock:
            issue = self._issue(self._project(project_id), iid)
            return [self.render_linked_issue(link, other) for link, other in self._links_of(issue)]

    def file(self, project_id: int | str, path: str, ref: str = "main") -> str | None:
        """A repository file's text on ``ref`` (None when absent)."""
        with self.lock:
            entry = self._project(project_id)["files"].get(ref, {}).get(path)
            return entry["content"].decode("utf-8", "replace") if entry else None

    def add_file(self, project_id: int | str, path: str, content: str | bytes,
                 branch: str = "main") -> None:
        """Seed a repository file (no commit message, no permission check)."""
        with self.lock:
            project = self._project(project_id)
            data = content.encode() if isinstance(content, str) else bytes(content)
            project["files"].setdefault(branch, {})[path] = {
                "content": data, "last_commit_id": self._commit_sha()}

    def hooks(self, project_id: int | str) -> list[dict[str, Any]]:
        """The project's hooks as the API lists them (without their tokens)."""
        with self.lock:
            project = self._project(project_id)
            return [self.render_hook(project, h) for h in project["hooks"].values()]

    def group_hooks(self, group_path: str) -> list[dict[str, Any]]:
        """The group's hooks as the API lists them (without their tokens)."""
        with self.lock:
            group = self._groups[group_path]
            return [self.render_group_hook(group, h) for h in group["hooks"].values()]
