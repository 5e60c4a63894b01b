"""Webhook delivery: GitLab-shaped ``Issue Hook`` / ``Note Hook`` payloads, posted from
a background thread with a bounded queue so an API request never waits for a receiver.

Payloads follow ``tests/data/gitlab_reference/webhook_issue_event.json`` and
``webhook_note_issue_event.json``; headers follow GitLab's "Delivery headers"
(doc/user/project/integrations/webhooks.md, see webhooks_facts.md): ``User-Agent:
GitLab/<version>``, ``X-Gitlab-Event``, ``X-Gitlab-Instance``, ``X-Gitlab-Webhook-UUID``
(per hook), ``X-Gitlab-Event-UUID`` (per event), ``Idempotency-Key`` (per delivery) and
``X-Gitlab-Token`` (only when the hook has a secret token).

Only ``127.0.0.1`` / ``localhost`` receivers are called (the sandbox never leaves the
machine); any other URL is recorded as ``blocked``. Tests call
:meth:`Deliveries.flush` and read :attr:`Deliveries.records`.

This module builds payloads from a store passed in (duck-typed); it imports nothing
from the store, so imports keep pointing one way.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

#: What the sandbox claims to be in ``User-Agent``.
GITLAB_VERSION = "18.6.0-sandbox"
#: Seconds a receiver gets to answer (GitLab.com allows 10 s; tests want less).
TIMEOUT = 2.0
#: Events kept waiting at most; beyond this a delivery is dropped and recorded as such.
QUEUE_SIZE = 1000
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _hook_time(value: Any) -> str | None:
    """Hook payloads write times as ``2015-05-17 17:06:40 UTC``."""
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else None


def _hook_user(store: Any, user_id: int | None) -> dict[str, Any] | None:
    user = store._users.get(user_id)
    if user is None:
        return None
    return {"id": user["id"], "name": user["name"], "username": user["username"],
            "avatar_url": None, "email": "[REDACTED]"}


def _hook_label(store: Any, label_id: int) -> dict[str, Any]:
    label = store._labels[label_id]
    return {"id": label["id"], "title": label["name"], "color": label["color"],
            "project_id": label["project_id"], "created_at": _hook_time(label["created_at"]),
            "updated_at": _hook_time(label["created_at"]), "template": False,
            "description": label["description"], "type": "ProjectLabel", "group_id": None}


def _hook_project(store: Any, project: dict[str, Any]) -> dict[str, Any]:
    web = f"{store.web_url}/{project['path_with_namespace']}"
    return {
        "id": project["id"], "name": project["name"], "description": project["description"],
        "web_url": web, "avatar_url": None,
        "git_ssh_url": f"git@sandbox:{project['path_with_namespace']}.git",
        "git_http_url": f"{web}.git", "namespace": project["namespace"]["name"],
        "visibility_level": {"private": 0, "internal": 10, "public": 20}.get(
            project.get("visibility", "private"), 0),
        "path_with_namespace": project["path_with_namespace"],
        "default_branch": project.get("default_branch", "main"), "ci_config_path": None,
        "homepage": web, "url": f"{web}.git", "ssh_url": f"git@sandbox:{project['path_with_namespace']}.git",
        "http_url": f"{web}.git",
    }


def _repository(store: Any, project: dict[str, Any]) -> dict[str, Any]:
    web = f"{store.web_url}/{project['path_with_namespace']}"
    return {"name": project["name"], "url": f"{web}.git", "description": project["description"],
            "homepage": web}


def _issue_attributes(store: Any, issue: dict[str, Any]) -> dict[str, Any]:
    project = store._projects[issue["project_id"]]
    assignees = issue["assignee_ids"]
    return {
        "id": issue["id"], "iid": issue["iid"], "title": issue["title"],
        "assignee_ids": list(assignees), "assignee_id": assignees[0] if assignees else None,
        "author_id": issue["author_id"], "project_id": project["id"],
        "created_at": _hook_time(issue["created_at"]), "updated_at": _hook_time(issue["updated_at"]),
        "updated_by_id": None, "last_edited_at": None, "last_edited_by_id": None,
        "relative_position": 0, "description": issue["description"], "milestone_id": None,
        "state_id": 1 if issue["state"] == "opened" else 2, "confidential": issue["confidential"],
        "discussion_locked": issue["discussion_locked"], "due_date": issue["due_date"],
        "moved_to_id": None, "duplicated_to_id": None, "time_estimate": 0, "total_time_spent": 0,
        "time_change": 0, "human_total_time_spent": None, "human_time_estimate": None,
        "human_time_change": None, "weight": None, "health_status": None, "type": "Issue",
        "url": f"{store.web_url}/{project['path_with_namespace']}/-/issues/{issue['iid']}",
        "state": issue["state"], "closed_at": _hook_time(issue["closed_at"]),
        "labels": [_hook_label(store, lid) for lid in issue["label_ids"]],
    }


def _change_value(store: Any, key: str, value: Any) -> Any:
    if key == "label_ids":
        return [_hook_label(store, lid) for lid in value]
    if key == "assignee_ids":
        return [_hook_user(store, uid) for uid in value]
    if key == "state":
        return 1 if value == "opened" else 2
    if key == "updated_at":
        return _hook_time(value)
    return value


_CHANGE_KEYS = {"label_ids": "labels", "assignee_ids": "assignees", "state": "state_id"}


def issue_hook_payload(store: Any, issue: dict[str, Any], actor_id: int, action: str,
                       changed: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """The ``Issue Hook`` body for ``action`` (open / update / close / reopen)."""
    project = store._projects[issue["project_id"]]
    attributes = _issue_attributes(store, issue)
    attributes["action"] = action
    assignees = [_hook_user(store, uid) for uid in issue["assignee_ids"]]
    changes = {_CHANGE_KEYS.get(key, key): {"previous": _change_value(store, key, old),
                                            "current": _change_value(store, key, new)}
               for key, (old, new) in changed.items()}
    payload = {
        "object_kind": "issue",
        "event_type": "confidential_issue" if issue["confidential"] else "issue",
        "user": _hook_user(store, actor_id), "project": _hook_project(store, project),
        "object_attributes": attributes, "repository": _repository(store, project),
        "assignees": assignees, "assignee": assignees[0] if assignees else None,
        "labels": attributes["labels"], "changes": changes,
    }
    return payload


def note_hook_payload(store: Any, note: dict[str, Any], actor_id: int, action: str) -> dict[str, Any]:
    """The ``Note Hook`` body for a comment on an issue (``action`` create / update)."""
    issue = store._issues[note["issue_gid"]]
    project = store._projects[issue["project_id"]]
    issue_url = f"{store.web_url}/{project['path_with_namespace']}/-/issues/{issue['iid']}"
    confidential = issue["confidential"] or note["internal"]
    return {
        "object_kind": "note", "event_type": "confidential_note" if confidential else "note",
        "user": _hook_user(store, actor_id), "project_id": project["id"],
        "project": _hook_project(store, project), "repository": _repository(store, project),
        "object_attributes": {
            "id": note["id"], "note": note["body"], "noteable_type": "Issue",
            "author_id": note["author_id"], "created_at": _hook_time(note["created_at"]),
            "updated_at": _hook_time(note["updated_at"]), "project_id": project["id"],
            "attachment": None, "line_code": None, "commit_id": "", "noteable_id": issue["id"],
            "system": note["system"], "st_diff": None, "internal": note["internal"],
            "action": action, "url": f"{issue_url}#note_{note['id']}",
        },
        "issue": _issue_attributes(store, issue),
    }


@dataclass
class Delivery:
    """One webhook request: what was sent and how the receiver answered."""

    hook_id: int
    url: str
    event: str
    payload: dict[str, Any]
    headers: dict[str, str]
    status: int | None = None
    #: ``None`` on an answer; ``"blocked"`` (not a local URL), ``"dropped"`` (queue full),
    #: or the connection error.
    error: str | None = None
    body: bytes = field(default=b"", repr=False)


class Deliveries:
    """The delivery queue, its worker thread and the record of what was delivered."""

    def __init__(self, timeout: float = TIMEOUT, maxsize: int = QUEUE_SIZE) -> None:
        self.timeout = timeout
        self._queue: queue.Queue[Delivery | None] = queue.Queue(maxsize=maxsize)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: Every delivery attempted (or dropped / blocked), in order.
        self.records: list[Delivery] = []

    def enqueue(self, hooks: list[dict[str, Any]], event: str, payload: dict[str, Any],
                instance_url: str) -> None:
        """Queue ``payload`` for each hook; never blocks (a full queue drops and records)."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        event_uuid = str(uuid.uuid4())
        for hook in hooks:
            headers = {
                "Content-Type": "application/json", "User-Agent": f"GitLab/{GITLAB_VERSION}",
                "X-Gitlab-Event": event, "X-Gitlab-Instance": instance_url,
                "X-Gitlab-Webhook-UUID": hook["uuid"], "X-Gitlab-Event-UUID": event_uuid,
                "Idempotency-Key": str(uuid.uuid4()),
            }
            if hook.get("token"):
                headers["X-Gitlab-Token"] = str(hook["token"])
            delivery = Delivery(hook["id"], hook["url"], event, payload, headers, body=body)
            self._start()
            try:
                self._queue.put_nowait(delivery)
            except queue.Full:
                delivery.error = "dropped"
                self._record(delivery)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued delivery has been attempted; False on timeout."""
        done = threading.Event()

        def waiter() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=waiter, daemon=True, name="gl-cs-sandbox-hooks-flush").start()
        return done.wait(timeout)

    def stop(self) -> None:
        """Finish what is queued, then stop the worker thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=self.timeout * 2 + 5)

    def events(self) -> list[tuple[str, int | None]]:
        """``(X-Gitlab-Event, status)`` of every delivery, in order."""
        with self._lock:
            return [(d.event, d.status) for d in self.records]

    # -- worker -------------------------------------------------------------

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="gl-cs-sandbox-hooks")
                self._thread.start()

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self.records.append(delivery)

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            try:
                if delivery is None:
                    return
                self._send(delivery)
                self._record(delivery)
            finally:
                self._queue.task_done()

    def _send(self, delivery: Delivery) -> None:
        host = urlsplit(delivery.url).hostname or ""
        if host not in LOCAL_HOSTS:
            delivery.error = "blocked"
            return
        # http.client keeps the headers' case exactly as GitLab writes them (urllib would not).
        parts = urlsplit(delivery.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = http.client.HTTPConnection(host, parts.port or 80, timeout=self.timeout)
        try:
            connection.request("POST", path, body=delivery.body, headers=delivery.headers)
            response = connection.getresponse()
            response.read()
            delivery.status = response.status
        except (OSError, http.client.HTTPException) as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
