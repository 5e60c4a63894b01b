"""GitLab's rules for the API: what the HTTP routes call, as an acting user.

Every ``api_*`` method names the actor, checks permissions, stamps ``updated_at``
with the store clock (only when something changed, as GitLab does), records
resource events and system notes, and applies the commands the pure parser in
:mod:`.quickactions` found in a description or a note.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, Callable, Sequence

from . import quickactions
from .errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from .render import Rendering, valid_color
from .timeutil import normalize_due


class ApiRules(Rendering):
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
        with self.lock:
            project = self._project(project_ref)
            self._require_write(project, actor_id)
            if not title or not str(title).strip():
                raise BadRequest("title is missing", key="error")
            due = normalize_due(due_date)
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
                issue["description"] = self._run_quick_actions(issue, actor_id, description, now)
                self._scan_mass_mentions(issue, issue["description"], "description")
            return issue

    def api_update_issue(self, project_ref: int | str, iid: int | str, actor_id: int,
                         changes: dict[str, Any]) -> dict[str, Any]:
        """``PUT /projects/:id/issues/:iid`` with already-typed ``changes``.

        Keys: ``title``, ``description``, ``labels`` / ``add_labels`` / ``remove_labels``
        (lists of names), ``assignee_ids`` (list of ints), ``state_event``,
        ``due_date`` (``YYYY-MM-DD`` or None), ``confidential``, ``discussion_locked``.
        """
        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            # Validate everything first so a bad request never leaves a half-applied edit.
            if "title" in changes and (not changes["title"] or not str(changes["title"]).strip()):
                raise BadRequest({"title": ["can't be blank"]})
            if changes.get("state_event") and changes["state_event"] not in ("close", "reopen"):
                raise BadRequest("state_event does not have a valid value", key="error")
            due_date = normalize_due(changes["due_date"]) if "due_date" in changes else None
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
                    issue["description"] = self._run_quick_actions(issue, actor_id, text, now)
                    self._scan_mass_mentions(issue, issue["description"], "description")
            issue["updated_at"] = now
            return issue

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
        """``POST .../notes``: runs quick actions, records ``@all``/``@here``, touches the issue."""
        with self.lock:
            project = self._project(project_ref)
            issue = self._issue(project, iid)
            self._require_write(project, actor_id, issue)
            if body is None or not str(body).strip():
                raise BadRequest("body is missing", key="error")
            now = self.now()
            remaining = self._run_quick_actions(issue, actor_id, str(body), now)
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
        with self.lock:
            project, issue, note = self._own_note(project_ref, iid, note_id, actor_id)
            if body is None:
                raise BadRequest("body is missing", key="error")
            now = self.now()
            remaining = self._run_quick_actions(issue, actor_id, str(body), now)
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
            if not valid_color(color):
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
                if not valid_color(color):
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

    def _run_quick_actions(self, issue: dict[str, Any], actor_id: int, text: str,
                when: dt.datetime) -> str:
        """Run the quick actions in ``text`` against ``issue`` as ``actor_id``.

        Returns the text with the command lines removed. The caller holds ``self.lock``.
        """
        remaining, commands = quickactions.extract(text)
        for command in commands:
            self.executed_quick_actions.append((issue["project_id"], issue["iid"], command.line))
            self._apply_command(issue, actor_id, command, when)
        return remaining


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
            self._set_labels(issue, existing(quickactions.parse_label_names(arg)), actor_id, when, create=False)
        elif name in ("close", "reopen"):
            self._set_state(issue, name, actor_id, when)
        elif name in ("assign", "reassign", "unassign"):
            usernames = quickactions.parse_usernames(arg)
            actor_name = self._users[actor_id]["username"]
            ids = [self._user_ids.get(actor_name if u == "me" else u) for u in usernames]
            ids = [uid for uid in ids if uid is not None]
            if name == "assign":
                issue["assignee_ids"] += [uid for uid in ids if uid not in issue["assignee_ids"]]
            elif name == "reassign":
                issue["assignee_ids"] = list(dict.fromkeys(ids))
            else:
                issue["assignee_ids"] = ([uid for uid in issue["assignee_ids"] if uid not in ids]
                                         if usernames else [])
        elif name == "title":
            if arg:
                issue["title"] = arg
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
        issue["updated_at"] = when
