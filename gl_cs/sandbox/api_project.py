"""GitLab's rules for project-level resources: labels, members, repository files and
project hooks (what the HTTP routes call, as an acting user)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from .errors import BadRequest, Forbidden, NotFound
from .model import DEVELOPER, MAINTAINER, OWNER
from .render import HOOK_FIELDS, Rendering, valid_color


def _uuid(seed: str) -> str:
    """A stable UUID for ``seed`` (a hook gets the same id in every run)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "gl-cs-sandbox:" + seed))


class ProjectRules(Rendering):
    """Labels, members, repository files and hooks."""

    # ------------------------------------------------------------------ labels

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
        """Rename / recolour a label. Issues keep it: they reference labels by id.
        Renaming onto a taken name is a validation error (lib/api/helpers/labels_helpers.rb
        ``render_validation_error!``): 400 ``{"message": {"title": ["has already been taken"]}}``."""
        with self.lock:
            project = self._project(project_ref)
            label = self._label_ref(project, label_ref)
            self._require_write(project, actor_id)
            if not new_name and not color and description is None and priority is ...:
                raise BadRequest("new_name, color, description, priority are missing, "
                                 "at least one parameter must be provided", key="error")
            if color and not valid_color(color):
                raise BadRequest({"color": ["must be a valid color code"]})
            if new_name and new_name != label["name"] and new_name in project["label_ids"]:
                raise BadRequest({"title": ["has already been taken"]})
            if color:
                label["color"] = color
            if new_name and new_name != label["name"]:
                del project["label_ids"][label["name"]]
                label["name"] = new_name
                project["label_ids"][new_name] = label["id"]
            if description is not None:
                label["description"] = description
            if priority is not ...:
                label["priority"] = priority
            return label

    # ------------------------------------------------------------------ members

    def list_members(self, project_ref: int | str, inherited: bool = False
                     ) -> tuple[dict[str, Any], list[int]]:
        """Direct members, or with ``inherited`` also the group's (``/members/all``)."""
        with self.lock:
            project = self._project(project_ref)
            members = self._effective_members(project) if inherited else project["members"]
            return project, sorted(members)

    def membership(self, project: dict[str, Any], user_id: int, inherited: bool) -> dict[str, Any]:
        members = self._effective_members(project) if inherited else project["members"]
        return members[user_id]

    # ------------------------------------------------------------------ repository files

    def _branch_files(self, project: dict[str, Any], ref: str | None) -> dict[str, Any]:
        ref = ref or project["default_branch"]
        if ref not in project["files"]:
            raise NotFound("Commit")  # an unknown ref
        return project["files"][ref]

    def get_file(self, project_ref: int | str, path: str, ref: str | None) -> dict[str, Any]:
        """``GET /projects/:id/repository/files/:file_path`` (doc/api/repository_files.md)."""
        with self.lock:
            project = self._project(project_ref)
            if not ref:
                raise BadRequest("ref is missing", key="error")
            entry = self._branch_files(project, ref).get(path)
            if entry is None:
                raise NotFound("File")
            content = entry["content"]
            return {
                "file_name": path.rsplit("/", 1)[-1], "file_path": path, "size": len(content),
                "encoding": "base64", "content": base64.b64encode(content).decode("ascii"),
                "content_sha256": hashlib.sha256(content).hexdigest(), "ref": ref,
                "blob_id": hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest(),
                "commit_id": entry["last_commit_id"], "last_commit_id": entry["last_commit_id"],
                "execute_filemode": False,
            }

    def api_write_file(self, project_ref: int | str, path: str, actor_id: int, *, create: bool,
                       branch: str | None, content: str | None, commit_message: str | None,
                       encoding: str | None = None) -> dict[str, Any]:
        """``POST`` (create) / ``PUT`` (update) a file: 400 when creating an existing file
        or updating a missing one (Files::CreateService / Files::UpdateService)."""
        with self.lock:
            project = self._project(project_ref)
            self._require_write(project, actor_id)
            if self._access_level(project, actor_id) < DEVELOPER:
                raise Forbidden()
            for name, value in (("branch", branch), ("content", content),
                                ("commit_message", commit_message)):
                if value is None:
                    raise BadRequest(f"{name} is missing", key="error")
            encoding = encoding or "text"
            if encoding not in ("text", "base64"):
                raise BadRequest("encoding does not have a valid value", key="error")
            try:
                data = (base64.b64decode(content, validate=True) if encoding == "base64"
                        else str(content).encode("utf-8"))
            except ValueError:
                raise BadRequest("content is invalid", key="error") from None
            files = project["files"].setdefault(branch, dict(project["files"][project["default_branch"]]))
            if create and path in files:
                raise BadRequest("A file with this name already exists")
            if not create and path not in files:
                raise BadRequest("A file with this name doesn't exist")
            files[path] = {"content": data, "last_commit_id": self._commit_sha()}
            return {"file_path": path, "branch": branch}

    # ------------------------------------------------------------------ hooks

    def list_hooks(self, project_ref: int | str, actor_id: int) -> tuple[dict[str, Any], list]:
        with self.lock:
            project = self._project(project_ref)
            if self._access_level(project, actor_id) < MAINTAINER:
                raise Forbidden()
            return project, list(project["hooks"].values())

    def get_hook(self, project_ref: int | str, hook_id: int | str, actor_id: int) -> dict[str, Any]:
        project, hooks = self.list_hooks(project_ref, actor_id)
        for hook in hooks:
            if str(hook["id"]) == str(hook_id):
                return hook
        raise NotFound("Hook")

    def api_save_hook(self, project_ref: int | str, actor_id: int, fields: dict[str, Any],
                      hook_id: int | str | None = None) -> dict[str, Any]:
        """``POST /projects/:id/hooks`` or ``PUT .../hooks/:hook_id`` (Maintainer+)."""
        with self.lock:
            project = self._project(project_ref)
            if hook_id is None:
                self.list_hooks(project_ref, actor_id)
                if not fields.get("url"):
                    raise BadRequest("url is missing", key="error")
                hook = dict(HOOK_FIELDS)
                hook.update({"id": self._next_id("hook"), "created_at": self.now(), "token": None,
                             "uuid": _uuid(f"hook-{project['id']}-{len(project['hooks'])}")})
                project["hooks"][hook["id"]] = hook
            else:
                hook = self.get_hook(project_ref, hook_id, actor_id)
                if "url" in fields and not fields["url"]:
                    raise BadRequest("url is missing", key="error")
            for key, value in fields.items():
                if key in HOOK_FIELDS or key in ("url", "token"):
                    hook[key] = value
            return hook

    # ------------------------------------------------------------------ group hooks

    def _group_ref(self, group_ref: int | str) -> dict[str, Any]:
        group = next((g for g in self._groups.values() if str(g["id"]) == str(group_ref) or g["path"] == str(group_ref)),
                     None)
        if group is None:
            raise NotFound("Group")
        return group

    def list_group_hooks(self, group_ref: int | str, actor_id: int) -> tuple[dict[str, Any], list]:
        """``GET /groups/:id/hooks`` (doc/api/group_webhooks.md): the group's Owner only (and
        GitLab Premium: the sandbox is)."""
        with self.lock:
            group = self._group_ref(group_ref)
            membership = group["members"].get(actor_id)
            if membership is None or membership["access_level"] < OWNER:
                raise Forbidden()
            return group, list(group["hooks"].values())

    def api_save_group_hook(self, group_ref: int | str, actor_id: int, fields: dict[str, Any],
                            hook_id: int | str | None = None) -> dict[str, Any]:
        """``POST /groups/:id/hooks`` or ``PUT .../hooks/:hook_id``; its events are those of
        every project of the group and its subgroups."""
        with self.lock:
            group, hooks = self.list_group_hooks(group_ref, actor_id)
            if hook_id is None:
                if not fields.get("url"):
                    raise BadRequest("url is missing", key="error")
                hook = dict(HOOK_FIELDS)
                hook.update({"id": self._next_id("hook"), "created_at": self.now(), "token": None,
                             "uuid": _uuid(f"group-hook-{group['id']}-{len(group['hooks'])}")})
                group["hooks"][hook["id"]] = hook
            else:
                hook = next((h for h in hooks if str(h["id"]) == str(hook_id)), None)
                if hook is None:
                    raise NotFound("Hook")
            for key, value in fields.items():
                if key in HOOK_FIELDS or key in ("url", "token"):
                    hook[key] = value
            return hook

    def api_delete_hook(self, project_ref: int | str, hook_id: int | str, actor_id: int) -> None:
        with self.lock:
            hook = self.get_hook(project_ref, hook_id, actor_id)
            del self._project(project_ref)["hooks"][hook["id"]]

