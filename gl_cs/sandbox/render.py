"""GitLab REST API v4 JSON shapes of the sandbox's objects (see tests/data/gitlab_reference)."""

from __future__ import annotations

import html
from typing import Any

from .model import State
from .timeutil import iso

_CSS_COLOR_NAMES = {
    "black", "white", "red", "green", "blue", "yellow", "orange", "purple", "pink", "gray", "grey",
    "brown", "cyan", "magenta", "lime", "navy", "teal", "olive", "maroon", "silver", "aqua", "fuchsia",
}


def valid_color(color: str) -> bool:
    text = color.strip()
    if text.startswith("#"):
        digits = text[1:]
        return len(digits) in (3, 6) and all(c in "0123456789abcdefABCDEF" for c in digits)
    return text.lower() in _CSS_COLOR_NAMES


def text_color(color: str) -> str:
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


#: A project hook's event switches and options, with GitLab's defaults.
HOOK_FIELDS: dict[str, Any] = {
    "name": None, "description": None, "push_events": True, "issues_events": False,
    "confidential_issues_events": False, "merge_requests_events": False, "tag_push_events": False,
    "note_events": False, "confidential_note_events": False, "job_events": False,
    "pipeline_events": False, "wiki_page_events": False, "deployment_events": False,
    "releases_events": False, "emoji_events": False, "resource_access_token_events": False,
    "feature_flag_events": False, "repository_update_events": False,
    "enable_ssl_verification": True,
}


class Rendering(State):
    """``render_*``: internal dicts -> API-shaped dicts. ``base`` is the instance URL."""

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
            "default_branch": "main", "tag_list": list(project.get("topics", ())),
            "topics": list(project.get("topics", ())),
            "ssh_url_to_repo": f"git@sandbox:{project['path_with_namespace']}.git",
            "http_url_to_repo": f"{base}/{project['path_with_namespace']}.git",
            "web_url": f"{base}/{project['path_with_namespace']}", "readme_url": None,
            "avatar_url": None, "forks_count": 0, "star_count": 0,
            "visibility": project.get("visibility", "private"),
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

    def render_label(self, label: dict[str, Any], counts: dict[int, tuple[int, int]] | None = None,
                     with_counts: bool = True) -> dict[str, Any]:
        """GitLab adds the ``*_count`` fields only when asked (``with_counts=true``,
        doc/api/labels.md); the seeding read helpers always include them."""
        description = label["description"]
        data = {
            "id": label["id"], "name": label["name"], "color": label["color"],
            "text_color": text_color(label["color"]), "description": description,
            "description_html": html.escape(description) if description is not None else None,
            "subscribed": False, "priority": label["priority"], "is_project_label": True,
            "archived": False,
        }
        if with_counts:
            if counts is None:
                counts = self._label_counts(self._projects[label["project_id"]])
            opened, closed = counts.get(label["id"], (0, 0))
            data.update({"open_issues_count": opened, "closed_issues_count": closed,
                         "open_merge_requests_count": 0})
        return data

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
            "text_color": text_color(label["color"]),
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
            "type": "ISSUE", "user_notes_count": self._user_notes_count(issue),
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

    def render_member(self, project: dict[str, Any], user_id: int, base: str | None = None,
                      membership: dict[str, Any] | None = None) -> dict[str, Any]:
        if membership is None:
            membership = project["members"].get(user_id) or self._effective_members(project)[user_id]
        data = self.render_user(self._users[user_id], base)
        data.update({
            "access_level": membership["access_level"], "created_at": iso(membership["created_at"]),
            "created_by": None, "expires_at": None, "membership_state": "active",
        })
        return data

    def render_state_event(self, issue: dict[str, Any], event: dict[str, Any],
                           base: str | None = None) -> dict[str, Any]:
        """doc/api/resource_state_events.md"""
        return {
            "id": event["id"], "user": self._render_user_id(event["user_id"], base),
            "created_at": iso(event["created_at"]), "resource_type": "Issue",
            "resource_id": issue["id"], "state": event["state"],
        }

    def render_linked_issue(self, link: dict[str, Any], other: dict[str, Any],
                            base: str | None = None) -> dict[str, Any]:
        """An issue as ``GET .../issues/:iid/links`` lists it (doc/api/issue_links.md)."""
        data = self.render_issue(other, base)
        data.update({"issue_link_id": link["id"], "link_type": link["link_type"],
                     "link_created_at": iso(link["created_at"]),
                     "link_updated_at": iso(link["created_at"])})
        return data

    def render_issue_link(self, link: dict[str, Any], base: str | None = None) -> dict[str, Any]:
        """``POST``/``DELETE`` answers: ``{source_issue, target_issue, link_type}``."""
        return {"source_issue": self.render_issue(self._issues[link["source_gid"]], base),
                "target_issue": self.render_issue(self._issues[link["target_gid"]], base),
                "link_type": link["link_type"]}

    def render_token(self, token: dict[str, Any]) -> dict[str, Any]:
        """``GET /personal_access_tokens/self`` (doc/api/personal_access_tokens.md)."""
        expires = token.get("expires_at")
        return {
            "id": token["id"], "name": token["name"], "revoked": False,
            "created_at": iso(token["created_at"]), "description": None,
            "scopes": list(token["scopes"]), "user_id": token["user_id"],
            "last_used_at": iso(token.get("last_used_at")), "active": True,
            "expires_at": expires.isoformat() if expires else None,
        }

    def render_group_hook(self, group: dict[str, Any], hook: dict[str, Any]) -> dict[str, Any]:
        """A group hook (doc/api/group_webhooks.md); its ``token`` is never returned."""
        data = {key: hook[key] for key in HOOK_FIELDS}
        data.update({"id": hook["id"], "url": hook["url"], "group_id": group["id"],
                     "created_at": iso(hook["created_at"]), "alert_status": "executable", "disabled_until": None})
        return data

    def render_hook(self, project: dict[str, Any], hook: dict[str, Any]) -> dict[str, Any]:
        """A project hook (doc/api/project_webhooks.md); its ``token`` is never returned."""
        data = {key: hook[key] for key in HOOK_FIELDS}
        data.update({"id": hook["id"], "url": hook["url"], "project_id": project["id"],
                     "created_at": iso(hook["created_at"]), "alert_status": "executable",
                     "disabled_until": None, "url_variables": [], "custom_headers": [],
                     "custom_webhook_template": None, "branch_filter_strategy": "wildcard",
                     "push_events_branch_filter": None})
        return data
