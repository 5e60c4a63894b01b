"""GitLab's rules for the API: what the HTTP routes call, as an acting user.

Every ``api_*`` method names the actor, checks permissions and applies a change
the way GitLab does. An issue change goes through one path, :meth:`_finish_change`:
it compares the issue before and after and, only when something changed, stamps
``updated_at``, writes the system notes GitLab writes (authored by the actor) and
queues the ``Issue Hook``. Quick actions come from the pure parser in
:mod:`.quickactions` and are applied here.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from typing import Any, Callable, Sequence

from ..text import task_notes
from . import quickactions
from .errors import ApiError, BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from .model import GUEST
from .render import Rendering
from .timeutil import normalize_due, parse_date
from .webhooks import issue_hook_payload, note_hook_payload

#: GitLab's title limit (app/models/concerns/issuable.rb: ``validates :title, length: {maximum: 255}``).
MAX_TITLE = 255
#: The fields whose change is "a change" of the issue (touches ``updated_at``).
TRACKED = ("title", "description", "label_ids", "assignee_ids", "state", "due_date",
           "confidential", "discussion_locked")


class InsufficientScope(ApiError):
    """A token without the ``api`` scope tried to write (lib/api/api_guard.rb)."""

    status = 403

    def __init__(self, scope: str = "api") -> None:
        super().__init__("insufficient_scope")
        self.scope = scope

    def payload(self) -> dict[str, Any]:
        return {"error": "insufficient_scope",
                "error_description": "The request requires higher privileges than provided by "
                                     "the access token.",
                "scope": self.scope}


class Accepted(Exception):
    """A note made only of quick actions: GitLab answers 202 with this body."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__("commands only")
        self.body = body


def _select_fuzzy_words(query: str) -> list[str]:
    """Gitlab::SQL::Pattern.select_fuzzy_words: quoted phrases stay whole, other words
    split on spaces; only words of 3+ characters take part in a partial match."""
    quoted = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]+"', " ", query).split()
    return [w for w in quoted + rest if len(w) >= 3]


def _fuzzy_match(query: str, columns: Sequence[str]) -> bool:
    """GitLab's ``search=``: case-insensitive; every word of 3+ characters must be a
    substring of one same column; a query without such words must equal a column
    (lib/gitlab/sql/pattern.rb ``fuzzy_arel_match``)."""
    words = [w.lower() for w in _select_fuzzy_words(query)]
    for column in columns:
        text = column.lower()
        if words and all(w in text for w in words):
            return True
        if not words and text == query.strip().lower():
            return True
    return False


def _label_ref(name: str) -> str:
    return f'~"{name}"' if re.search(r"[^\w\-?.&]", name) else f"~{name}"


def _sentence(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _inline_diff(old: str, new: str) -> tuple[str, str]:
    """GitLab's title-change markup: the changed middle (after the common prefix, before
    the common suffix) as ``{-removed-}`` / ``{+added+}`` (Gitlab::Diff::InlineDiff and
    InlineDiffMarkdownMarker; "changed title from **{-old-} title** to **{+new+} title**")."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < min(len(old), len(new)) - prefix
           and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]):
        suffix += 1

    def mark(text: str, sign: str) -> str:
        middle = text[prefix:len(text) - suffix]
        return text[:prefix] + (f"{{{sign}{middle}{sign}}}" if middle else "") + text[len(text) - suffix:]

    return mark(old, "-"), mark(new, "+")


def _long_date(value: str) -> str:
    day = parse_date(value)
    return f"{day.strftime('%B')} {day.day}, {day.year}"


class ApiRules(Rendering):
    """The API layer mixed into :class:`~gl_cs.sandbox.store.Store`."""

    # ------------------------------------------------------------------ auth and access

    def _token(self, token: str | None) -> dict[str, Any]:
        record = self._tokens.get(token or "")
        if record is None:
            raise Unauthorized()
        expires = record.get("expires_at")
        if expires is not None and expires <= self.now().date():
            raise Unauthorized()
        return record

    def authenticate(self, token: str | None) -> dict[str, Any]:
        """The user owning ``token``; raises :class:`Unauthorized`."""
        with self.lock:
            return self._users[self._token(token)["user_id"]]

    def token_info(self, token: str | None) -> dict[str, Any]:
        """``GET /personal_access_tokens/self``."""
        with self.lock:
            return self.render_token(self._token(token))

    def token_scopes(self, token: str | None) -> tuple[str, ...]:
        with self.lock:
            return tuple(self._token(token)["scopes"])

    def is_job_token(self, token: str | None) -> bool:
        """A CI/CD job token (``JOB-TOKEN``), seeded with :meth:`add_job_token`."""
        with self.lock:
            record = self._tokens.get(token or "")
            return bool(record and "ci_job" in record["scopes"])

    def require_scope_for(self, token: str | None, method: str) -> None:
        """``read_api`` reads everything, writes nothing; ``api`` does both. A CI/CD job
        token (scope ``ci_job``) reads the project only, writes nothing."""
        scopes = self.token_scopes(token)
        if method in ("GET", "HEAD"):
            if not {"api", "read_api", "ci_job"} & set(scopes):
                raise InsufficientScope("api read_api")
        elif "api" not in scopes:
            raise InsufficientScope("api")

    def require_project_visible(self, project_ref: int | str, user: dict[str, Any] | None) -> None:
        """A private project is 404 "Project Not Found" to anyone who is not a member,
        including a request without a token (GitLab hides its existence)."""
        with self.lock:
            project = self._project(project_ref)
            if project.get("visibility", "private") == "public":
                return
            if user is None:
                raise NotFound("Project")
            if project.get("visibility", "private") == "private" and \
                    self._access_level(project, user["id"]) < GUEST:
                raise NotFound("Project")

    def project_permissions(self, project: dict[str, Any], user_id: int) -> dict[str, Any]:
        """``permissions`` of ``GET /projects/:id`` for the token's user."""
        with self.lock:
            direct = project["members"].get(user_id)
            group = self._project_group(project)
            inherited = group["members"].get(user_id) if group else None
            return {
                "project_access": ({"access_level": direct["access_level"], "notification_level": 3}
                                   if direct else None),
                "group_access": ({"access_level": inherited["access_level"], "notification_level": 3}
                                 if inherited else None),
            }

    # ------------------------------------------------------------------ plain reads

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

    def group_projects(self, group_ref: int | str, user_id: int, *, topic: str | None = None,
                       subgroups: bool = False) -> list[dict[str, Any]]:
        """``GET /groups/:id/projects`` (doc/api/groups.md): the group's projects the user
        can see (its subgroups' too with ``include_subgroups``), oldest first; ``topic``: only
        projects with every topic named (comma-separated). Archived projects: none here."""
        with self.lock:
            group = next((g for g in self._groups.values()
                          if str(g["id"]) == str(group_ref) or g["path"] == str(group_ref)), None)
            if group is None:
                raise NotFound("Group")
            wanted = {t.strip().lower() for t in (topic or "").split(",") if t.strip()}
            found = []
            for project in sorted(self._projects.values(), key=lambda p: p["id"]):
                space = project["namespace"]["path"]
                if space != group["path"] and not (subgroups and space.startswith(group["path"] + "/")):
                    continue
                if project.get("visibility", "private") == "private" and self._access_level(project, user_id) < GUEST:
                    continue
                if wanted - {t.lower() for t in project.get("topics", ())}:
                    continue
                found.append(project)
            return found

    def query_issues(self, project_ref: int | str, *, state: str | None = None,
                     labels: Sequence[str] | None = None, not_labels: Sequence[str] | None = None,
                     iids: Sequence[int] | None = None, updated_after: dt.datetime | None = None,
                     updated_before: dt.datetime | None = None,
                     created_after: dt.datetime | None = None,
                     created_before: dt.datetime | None = None, author_id: int | None = None,
                     author_username: str | None = None, assignee_id: str | None = None,
                     assignee_username: str | None = None, search: str | None = None,
                     confidential: bool | None = None, order_by: str = "created_at",
                     search_in: Sequence[str] = ("title", "description"),
                     not_author_username: str | None = None,
                     not_assignee_username: str | None = None,
                     not_iids: Sequence[int] | None = None,
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
                items = [i for i in items if _fuzzy_match(search, [i[c] or "" for c in search_in])]
            if not_author_username is not None:
                items = [i for i in items if i["author_id"] != self._user_ids.get(not_author_username)]
            if not_assignee_username is not None:
                uid = self._user_ids.get(not_assignee_username)
                items = [i for i in items if uid not in i["assignee_ids"]]
            if not_iids:
                items = [i for i in items if i["iid"] not in set(not_iids)]
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

    # ------------------------------------------------------------------ issues

    def _check_title(self, title: Any) -> None:
        if len(str(title)) > MAX_TITLE:
            raise BadRequest({"title": [f"is too long (maximum is {MAX_TITLE} characters)"]})

    def _assignable(self, project: dict[str, Any], issue: dict[str, Any] | None,
                    requested: Sequence[int]) -> list[int] | None:
        """The requested assignees GitLab keeps: those who can read the issue. An empty
        request unassigns everyone; when nobody passes, the parameter is ignored (None)."""
        if not requested:
            return []
        kept = self._resolve_user_ids(requested, project, issue)
        return kept or None

    def api_create_issue(self, project_ref: int | str, actor_id: int, *, title: str | None,
                         description: str | None = None, labels: Sequence[str] | None = None,
                         assignee_ids: Sequence[int] | None = None, due_date: str | None = None,
                         confidential: bool | None = None) -> dict[str, Any]:
        """``POST /projects/:id/issues``; quick actions in the description run."""
        with self.lock:
            project = self._project(project_ref)
            self._require_write(project, actor_id)
            if not title or not str(title).strip():
                raise BadRequest("title is missing", key="error")
            self._check_title(title)
            due = normalize_due(due_date)
            now = self.now()
            gid = self._next_id("issue")
            iid = project["next_iid"]
            project["next_iid"] += 1
            issue: dict[str, Any] = {
                "id": gid, "iid": iid, "project_id": project["id"], "title": str(title),
                "description": description, "state": "opened", "author_id": actor_id,
                "assignee_ids": [], "label_ids": [],
                "created_at": now, "updated_at": now, "closed_at": None, "closed_by_id": None,
                "due_date": due, "confidential": bool(confidential),
                "discussion_locked": False, "notes": [], "label_events": [], "state_events": [],
            }
            issue["assignee_ids"] = self._assignable(project, issue, assignee_ids or ()) or []
            self._issues[gid] = issue
            self._issue_ids[(project["id"], iid)] = gid
            project["issue_gids"].append(gid)
            if labels:
                self._set_labels(issue, labels, actor_id, now)
            if description:
                remaining, commands = quickactions.extract(description)
                issue["description"] = remaining
                self._apply_commands(issue, actor_id, commands, now)
                self._scan_mass_mentions(issue, remaining, "description")
            self._finish_change(issue, actor_id, self._snapshot(issue), now, created=True)
            return issue

    def api_update_issue(self, project_ref: int | str, iid: int | str, actor_id: int,
                         changes: dict[str, Any]) -> dict[str, Any]:
        """``PUT /projects/:id/issues/:iid`` with already-typed ``changes``.

        Keys: ``title``, ``description``, ``labels`` / ``add_labels`` / ``remove_labels``
        (lists of names), ``assignee_ids`` (list of ints), ``state_event``,
        ``due_date`` (``YYYY-MM-DD`` or None), ``confidential``, ``discussion_locked``.
        ``updated_at`` moves only when something changed (GitLab touches nothing else).
        """
        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            # Validate everything first so a bad request never leaves a half-applied edit.
            if "title" in changes:
                if not changes["title"] or not str(changes["title"]).strip():
                    raise BadRequest({"title": ["can't be blank"]})
                self._check_title(changes["title"])
            if changes.get("state_event") and changes["state_event"] not in ("close", "reopen"):
                raise BadRequest("state_event does not have a valid value", key="error")
            due = normalize_due(changes["due_date"]) if "due_date" in changes else None
            now = self.now()
            before = self._snapshot(issue)
            if "title" in changes:
                issue["title"] = str(changes["title"])
            if "labels" in changes:
                self._set_labels(issue, changes["labels"] or [], actor_id, now)
            if changes.get("add_labels") or changes.get("remove_labels"):
                # Both name one label: remove wins (Issuable::BaseService#process_label_ids
                # adds add_label_ids first, then subtracts remove_label_ids).
                names = self._label_names(issue)
                removing = set(changes.get("remove_labels") or [])
                names += [n for n in changes.get("add_labels") or [] if n not in names]
                self._set_labels(issue, [n for n in names if n not in removing], actor_id, now)
            if "assignee_ids" in changes:
                kept = self._assignable(project, issue, changes["assignee_ids"] or ())
                if kept is not None:
                    issue["assignee_ids"] = kept
            if changes.get("state_event"):
                self._set_state(issue, changes["state_event"], actor_id, now)
            if "due_date" in changes:
                issue["due_date"] = due
            if changes.get("confidential") is not None:
                issue["confidential"] = bool(changes["confidential"])
            if changes.get("discussion_locked") is not None:
                issue["discussion_locked"] = bool(changes["discussion_locked"])
            if "description" in changes:
                remaining, commands = quickactions.extract(changes["description"] or "")
                issue["description"] = remaining if commands else changes["description"]
                self._apply_commands(issue, actor_id, commands, now)
                self._scan_mass_mentions(issue, issue["description"], "description")
            self._finish_change(issue, actor_id, before, now)
            return issue

    def list_state_events(self, project_ref: int | str, iid: int | str
                          ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        with self.lock:
            issue = self._issue(self._project(project_ref), iid)
            return issue, sorted(issue.get("state_events", []), key=lambda e: e["id"])

    # ------------------------------------------------------------------ notes

    def _scan_mass_mentions(self, issue: dict[str, Any], text: str | None, where: str) -> None:
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
        """``POST .../notes`` (lib/api/notes.rb ``process_note_creation_result``):
        the quick actions run; a note made only of them stores nothing and raises
        :class:`Accepted` (202 with ``commands_changes`` and ``summary``); a note with
        text stores the text without the command lines."""
        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            if body is None:
                raise BadRequest("body is missing", key="error")
            if not str(body).strip():
                # Note validation (``validates :note, presence: true``) -> bad_request!
                raise BadRequest('400 Bad request - Note {:note=>["can\'t be blank"]}')
            now = self.now()
            remaining, commands = quickactions.extract(str(body))
            note = None
            if not commands or remaining.strip():
                # Notes::CreateService saves the note first; the commands' system notes follow.
                self._scan_mass_mentions(issue, remaining, "note")
                note = self._create_note(issue, actor_id, remaining, False, internal, now)
                issue["updated_at"] = now
                self._emit_note_hook(note, actor_id, "create")
            before = self._snapshot(issue)
            self._apply_commands(issue, actor_id, commands, now)
            changed = self._finish_change(issue, actor_id, before, now)
            if note is None:
                raise Accepted({"commands_changes": self._commands_changes(changed),
                                "summary": self._command_summary(issue, changed)})
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
        with self.lock:
            project, issue, note = self._own_note(project_ref, iid, note_id, actor_id)
            if body is None:
                raise BadRequest("body is missing", key="error")
            now = self.now()
            remaining, commands = quickactions.extract(str(body))
            before = self._snapshot(issue)
            self._apply_commands(issue, actor_id, commands, now)
            self._finish_change(issue, actor_id, before, now)
            self._scan_mass_mentions(issue, remaining, "note")
            if note["body"] != remaining:
                note["body"] = remaining
                note["updated_at"] = now
                issue["updated_at"] = now
                self._emit_note_hook(note, actor_id, "update")
            return note

    def api_delete_note(self, project_ref: int | str, iid: int | str, note_id: int | str,
                        actor_id: int) -> None:
        """``DELETE .../notes/:note_id``: only the author may delete a note."""
        with self.lock:
            project, issue, note = self._own_note(project_ref, iid, note_id, actor_id)
            issue["notes"].remove(note["id"])
            del self._notes[note["id"]]
            self.deleted_notes.append((project["id"], issue["iid"], note["id"]))

    # ------------------------------------------------------------------ quick actions

    def _apply_commands(self, issue: dict[str, Any], actor_id: int,
                        commands: Sequence[quickactions.Command], when: dt.datetime) -> None:
        for command in commands:
            self.executed_quick_actions.append((issue["project_id"], issue["iid"], command.line))
            self._apply_command(issue, actor_id, command, when)

    def _apply_command(self, issue: dict[str, Any], actor_id: int, command: quickactions.Command,
                       when: dt.datetime) -> None:
        project = self._projects[issue["project_id"]]
        name, arg = command.name, command.arg
        current = self._label_names(issue)

        def existing(names: list[str]) -> list[str]:
            return [n for n in names if n in project["label_ids"]]

        if name in ("label", "labels"):
            wanted = current + [n for n in existing(quickactions.parse_label_names(arg)) if n not in current]
            self._set_labels(issue, wanted, actor_id, when, create=False)
        elif name in ("unlabel", "remove_label"):
            removing = set(quickactions.parse_label_names(arg)) if arg else set(current)
            self._set_labels(issue, [n for n in current if n not in removing], actor_id, when)
        elif name == "relabel":
            self._set_labels(issue, existing(quickactions.parse_label_names(arg)), actor_id, when,
                             create=False)
        elif name in ("close", "reopen"):
            self._set_state(issue, name, actor_id, when)
        elif name in ("assign", "reassign", "unassign"):
            usernames = quickactions.parse_usernames(arg)
            actor_name = self._users[actor_id]["username"]
            ids = [self._user_ids.get(actor_name if u == "me" else u) for u in usernames]
            ids = [uid for uid in ids if uid is not None]
            if name != "unassign":
                ids = self._resolve_user_ids(ids, project, issue)
            if name == "assign":
                issue["assignee_ids"] = issue["assignee_ids"] + [
                    uid for uid in ids if uid not in issue["assignee_ids"]]
            elif name == "reassign":
                if ids:
                    issue["assignee_ids"] = list(dict.fromkeys(ids))
            else:
                issue["assignee_ids"] = ([uid for uid in issue["assignee_ids"] if uid not in ids]
                                         if usernames else [])
        elif name == "title":
            if arg:
                issue["title"] = arg[:MAX_TITLE]
        elif name == "due":
            due = quickactions.parse_due(arg, when.date())
            if due is not None:
                issue["due_date"] = due.isoformat()
        elif name == "remove_due_date":
            issue["due_date"] = None
        elif name == "confidential":
            issue["confidential"] = True
        elif name in ("lock", "unlock"):
            issue["discussion_locked"] = name == "lock"
        elif name == "relate":
            for ref in quickactions.parse_issue_refs(arg):
                target = self._issue_ids.get((project["id"], ref))
                if target is not None and target != issue["id"]:
                    self._link(issue, self._issues[target], "relates_to", actor_id, when,
                               quiet_duplicate=True)

    def _commands_changes(self, changed: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
        """What the commands changed, under GitLab's ``commands_changes`` keys."""
        out: dict[str, Any] = {}
        if "label_ids" in changed:
            old, new = changed["label_ids"]
            if [l for l in new if l not in old]:
                out["add_label_ids"] = [l for l in new if l not in old]
            if [l for l in old if l not in new]:
                out["remove_label_ids"] = [l for l in old if l not in new]
        if "assignee_ids" in changed:
            out["assignee_ids"] = changed["assignee_ids"][1]
        if "state" in changed:
            out["state_event"] = "close" if changed["state"][1] == "closed" else "reopen"
        for key in ("title", "due_date", "confidential", "discussion_locked"):
            if key in changed:
                out[key] = changed[key][1]
        return out

    def _command_summary(self, issue: dict[str, Any], changed: dict[str, tuple[Any, Any]]) -> list[str]:
        """The messages GitLab shows after running the commands (``summary``)."""
        messages = []
        if "label_ids" in changed:
            old, new = changed["label_ids"]
            added = [_label_ref(self._labels[l]["name"]) for l in new if l not in old]
            removed = [_label_ref(self._labels[l]["name"]) for l in old if l not in new]
            if added:
                messages.append(f"Added {' '.join(added)} label{'s' if len(added) > 1 else ''}.")
            if removed:
                messages.append(f"Removed {' '.join(removed)} label{'s' if len(removed) > 1 else ''}.")
        if "assignee_ids" in changed:
            old, new = changed["assignee_ids"]
            added = ["@" + self._users[u]["username"] for u in new if u not in old]
            removed = ["@" + self._users[u]["username"] for u in old if u not in new]
            if added:
                messages.append(f"Assigned {_sentence(added)}.")
            if removed:
                messages.append(f"Removed assignee {_sentence(removed)}.")
        if "state" in changed:
            messages.append("Closed this issue." if changed["state"][1] == "closed"
                            else "Reopened this issue.")
        if "title" in changed:
            messages.append(f'Changed the title to "{changed["title"][1]}".')
        if "due_date" in changed:
            new = changed["due_date"][1]
            messages.append(f"Set the due date to {_long_date(new)}." if new else "Removed the due date.")
        if "confidential" in changed:
            messages.append("Made this issue confidential.")
        if "discussion_locked" in changed:
            messages.append("Locked the discussion." if changed["discussion_locked"][1]
                            else "Unlocked the discussion.")
        return messages

    # ------------------------------------------------------------------ issue links

    def _link(self, source: dict[str, Any], target: dict[str, Any], link_type: str, actor_id: int,
              when: dt.datetime, quiet_duplicate: bool = False) -> dict[str, Any] | None:
        for link in self._issue_links.values():
            if {link["source_gid"], link["target_gid"]} == {source["id"], target["id"]}:
                if quiet_duplicate:
                    return None
                raise Conflict("Issue(s) already assigned")
        link = {"id": self._next_id("link"), "source_gid": source["id"], "target_gid": target["id"],
                "link_type": link_type, "created_at": when}
        self._issue_links[link["id"]] = link
        # SystemNotes::IssuablesService#relate_issuable: a note on each side.
        if self.system_notes:
            self._create_note(source, actor_id,
                              f"marked this issue as related to {self._ref(target, source)}",
                              True, False, when)
            self._create_note(target, actor_id,
                              f"marked this issue as related to {self._ref(source, target)}",
                              True, False, when)
        source["updated_at"] = target["updated_at"] = when
        return link

    def _ref(self, issue: dict[str, Any], seen_from: dict[str, Any]) -> str:
        if issue["project_id"] == seen_from["project_id"]:
            return f"#{issue['iid']}"
        return f"{self._projects[issue['project_id']]['path_with_namespace']}#{issue['iid']}"

    def list_issue_links(self, project_ref: int | str, iid: int | str
                         ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        with self.lock:
            return self._links_of(self._issue(self._project(project_ref), iid))

    def api_create_issue_link(self, project_ref: int | str, iid: int | str, actor_id: int, *,
                              target_project: str | None, target_iid: Any,
                              link_type: str | None) -> dict[str, Any]:
        """``POST /projects/:id/issues/:iid/links`` (doc/api/issue_links.md)."""
        with self.lock:
            project = self._project(project_ref)
            source = self._issue(project, iid)
            self._require_write(project, actor_id, source)
            if target_project in (None, ""):
                raise BadRequest("target_project_id is missing", key="error")
            if target_iid in (None, ""):
                raise BadRequest("target_issue_iid is missing", key="error")
            link_type = link_type or "relates_to"
            if link_type not in ("relates_to", "blocks", "is_blocked_by"):
                raise BadRequest("link_type does not have a valid value", key="error")
            target_proj = self._project(target_project)
            target = self._issue(target_proj, target_iid)
            if target["id"] == source["id"]:
                raise BadRequest("Cannot link an issue to itself")
            if link_type == "is_blocked_by":
                source, target, link_type = target, source, "blocks"
            link = self._link(source, target, link_type, actor_id, self.now())
            return link  # not None: a duplicate raised Conflict

    def api_delete_issue_link(self, project_ref: int | str, iid: int | str, link_id: int | str,
                              actor_id: int) -> dict[str, Any]:
        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            link = self._issue_links.get(int(link_id))
            if link is None or issue["id"] not in (link["source_gid"], link["target_gid"]):
                raise NotFound("Not found")
            del self._issue_links[link["id"]]
            now = self.now()
            source, target = self._issues[link["source_gid"]], self._issues[link["target_gid"]]
            if self.system_notes:
                self._create_note(source, actor_id,
                                  f"removed the relation with {self._ref(target, source)}",
                                  True, False, now)
                self._create_note(target, actor_id,
                                  f"removed the relation with {self._ref(source, target)}",
                                  True, False, now)
            return link

    # ------------------------------------------------------------------ one path for issue changes

    def _snapshot(self, issue: dict[str, Any]) -> dict[str, Any]:
        return {key: (list(issue[key]) if isinstance(issue[key], list) else issue[key])
                for key in TRACKED}

    def _finish_change(self, issue: dict[str, Any], actor_id: int, before: dict[str, Any],
                       now: dt.datetime, *, created: bool = False) -> dict[str, tuple[Any, Any]]:
        """Compare with ``before``; when something changed: touch ``updated_at``, write
        GitLab's system notes (app/services/system_notes/issuables_service.rb, authored
        by the actor; labels and state are resource events, not notes) and queue the
        ``Issue Hook``. Returns ``{field: (old, new)}``."""
        after = self._snapshot(issue)
        changed = {k: (before[k], after[k]) for k in TRACKED if before[k] != after[k]}
        if created:
            self._emit_issue_hook(issue, actor_id, "open", {})
            return changed
        if not changed:
            return changed
        changed["updated_at"] = (issue["updated_at"], now)
        issue["updated_at"] = now
        if self.system_notes:
            for body in self._system_note_bodies(changed):
                self._create_note(issue, actor_id, body, True, False, now)
        action = "update"
        if "state" in changed:
            action = "close" if changed["state"][1] == "closed" else "reopen"
        self._emit_issue_hook(issue, actor_id, action, changed)
        return changed

    def _system_note_bodies(self, changed: dict[str, tuple[Any, Any]]) -> list[str]:
        bodies = []
        if "assignee_ids" in changed and self.assignee_system_notes:
            old, new = changed["assignee_ids"]
            added = ["@" + self._users[u]["username"] for u in new if u not in old]
            removed = ["@" + self._users[u]["username"] for u in old if u not in new]
            parts = []
            if added:
                parts.append("assigned to " + _sentence(added))
            if removed:
                parts.append("unassigned " + _sentence(removed))
            bodies.append(" and ".join(parts))
        if "title" in changed:
            old, new = _inline_diff(*changed["title"])
            bodies.append(f"changed title from **{old}** to **{new}**")
        if "description" in changed:
            # Issuable::CommonSystemNotesService#handle_description_change_note: an edit that
            # ticks or unticks task items gets one note per item instead.
            ticked = task_notes.updated_tasks(*changed["description"])
            if ticked:
                bodies += [task_notes.task_note(text, done) for done, text in ticked]
            else:
                bodies.append("changed the description")
        if "due_date" in changed:
            new = changed["due_date"][1]
            bodies.append(f"changed due date to {_long_date(new)}" if new else "removed due date")
        if "confidential" in changed:
            bodies.append("made the issue confidential" if changed["confidential"][1]
                          else "made the issue visible to everyone")
        if "discussion_locked" in changed:
            bodies.append("locked the discussion in this issue" if changed["discussion_locked"][1]
                          else "unlocked the discussion in this issue")
        return bodies

    # ------------------------------------------------------------------ webhooks

    def _hooks_for(self, project: dict[str, Any], event: str, confidential: bool) -> list[dict[str, Any]]:
        """The project's hooks and those of its group and the groups above it."""
        key = f"confidential_{event}_events" if confidential else f"{event}_events"
        space = project["namespace"]["path"]
        groups = [g for path, g in self._groups.items() if space == path or space.startswith(path + "/")]
        hooks = list(project.get("hooks", {}).values()) + [h for g in groups for h in g.get("hooks", {}).values()]
        return [h for h in hooks if h.get(key)]

    def _emit_issue_hook(self, issue: dict[str, Any], actor_id: int, action: str,
                         changed: dict[str, tuple[Any, Any]]) -> None:
        project = self._projects[issue["project_id"]]
        hooks = self._hooks_for(project, "issues", issue["confidential"])
        if hooks:
            payload = issue_hook_payload(self, issue, actor_id, action, changed)
            self.deliveries.enqueue(hooks, "Issue Hook", payload, self.web_url)

    def _emit_note_hook(self, note: dict[str, Any], actor_id: int, action: str) -> None:
        issue = self._issues[note["issue_gid"]]
        project = self._projects[issue["project_id"]]
        hooks = self._hooks_for(project, "note", issue["confidential"] or note["internal"])
        if hooks:
            payload = note_hook_payload(self, note, actor_id, action)
            self.deliveries.enqueue(hooks, "Note Hook", payload, self.web_url)
