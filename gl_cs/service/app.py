"""The webhook receiver: a small WSGI application (served by waitress, see server.py).

``POST /webhook``: token (constant time) -> size -> JSON -> shape -> project -> journal
(durable) -> 200. Nothing else happens in the request: the worker acts later. Every
answer is short (GitLab stores it for inspection) and never echoes the body or a header.

| answer | when |
|---|---|
| 401 | ``X-Gitlab-Token`` missing or wrong (nothing else is looked at) |
| 413 | body over the limit (not read) |
| 400 | body is not JSON |
| 422 | JSON, but not an event gl-cs can read (the message says what is missing) |
| 403 | an event of a project this service does not serve (a misconfigured hook: GitLab should see it fail) |
| 200 | accepted, a duplicate (no work), or acknowledged and ignored (another event type, gl-cs's own change) |
| 503 | the journal could not store the event (GitLab shows the failure; nothing is half done) |

A project is recognised by GitLab's numeric id (``project.id`` / ``project_id``), never
by its path: a renamed or moved project keeps being served (its new path is logged once).

``GET /healthz``: 200 ``{"status": "ok"}`` or 503 ``{"status": "unhealthy"}`` for anyone;
the checks behind it (journal, GitLab, worker, queue) only with the webhook secret or the
health token, and never a URL, a path or a token. ``GET /metrics`` (Prometheus text) and
``GET /parked`` (events that kept failing) need the same credentials.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .journal import Journal, NewEvent
from .metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

MAX_BODY = 25 * 1024 * 1024  # GitLab.com's own limit for a webhook payload
ISSUE_HOOKS = {"Issue Hook", "Confidential Issue Hook", "Work Item Hook"}
NOTE_HOOKS = {"Note Hook", "Confidential Note Hook"}


class Unprocessable(Exception):
    """The body is JSON but not an event gl-cs can read (422)."""


@dataclass(frozen=True)
class Ignore:
    reason: str  # a bounded label value for the metrics


@dataclass(frozen=True)
class Refused:
    """An event of a project this service does not serve."""

    project_id: int


class Served:
    """The projects this service serves, by GitLab's numeric id, with the path each was
    last seen under (for messages). Today ``gl-cs serve`` serves the one configured
    project, resolved to its id at start-up; several desks will hand in several."""

    def __init__(self, projects: Mapping[int, str]):
        self.paths = {int(k): str(v) for k, v in projects.items()}
        self._lock = threading.Lock()

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(sorted(self.paths))

    def __contains__(self, project_id: int) -> bool:
        return project_id in self.paths

    def saw(self, project_id: int, path: Any) -> None:
        """A payload named ``project_id`` ``path``: log a rename or move once."""
        if not isinstance(path, str) or not path or self.paths.get(project_id) == path:
            return
        with self._lock:
            before = self.paths.get(project_id)
            if before == path:
                return
            self.paths[project_id] = path
        log.warning("project %s is now %s (was %s); still served, by its id", project_id, path[:200], before)


def _int(value: Any) -> int | None:
    """A positive id as GitLab sends it (a number, or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        value = int(value)
    if isinstance(value, int) and 0 < value < 2**62:
        return value
    return None


def _short(value: Any, limit: int = 100) -> str | None:
    """A short string from the payload, or None (the journal keeps no long text)."""
    return value if isinstance(value, str) and len(value) <= limit else None


def _titles(labels: Any) -> list[str] | None:
    if not isinstance(labels, list):
        return None
    return [t for t in (_short(l.get("title"), 255) for l in labels[:500] if isinstance(l, dict)) if t is not None]


def interpret(event_header: str | None, payload: Any, served: Served, *, uuid: str | None = None,
              idempotency_key: str | None = None, body: bytes = b"",
              received_at: float = 0.0) -> NewEvent | Ignore | Refused:
    """What a GitLab webhook body means to gl-cs: an event on one issue of a served
    project, a reason to ignore it, or another project's event. Raises
    :class:`Unprocessable` for shapes it cannot read."""
    if not isinstance(payload, dict):
        raise Unprocessable("the body is JSON but not an object; expected a GitLab webhook payload")
    kind = payload.get("object_kind")
    if event_header and event_header not in ISSUE_HOOKS | NOTE_HOOKS:
        return Ignore("other_event")
    if not isinstance(kind, str):
        raise Unprocessable("no object_kind: expected a GitLab Issue Hook or Note Hook payload")
    attrs = payload.get("object_attributes")
    if kind in ("issue", "work_item"):
        if not isinstance(attrs, dict):
            raise Unprocessable(f"{kind} event without object_attributes")
        iid = _int(attrs.get("iid"))
        if iid is None:
            raise Unprocessable(f"{kind} event without object_attributes.iid (a positive integer)")
        target = attrs
    elif kind == "note":
        if not isinstance(attrs, dict):
            raise Unprocessable("note event without object_attributes")
        if attrs.get("noteable_type") != "Issue":
            return Ignore("note_not_on_issue")
        issue = payload.get("issue")
        iid = _int(issue.get("iid")) if isinstance(issue, dict) else None
        if iid is None:
            raise Unprocessable("note event on an issue without issue.iid (a positive integer)")
        target = attrs
    else:
        return Ignore("other_event")
    proj = payload.get("project")
    pid = _int(proj.get("id") if isinstance(proj, dict) else None) or _int(payload.get("project_id")) \
        or _int(attrs.get("project_id"))
    if pid is None:
        raise Unprocessable(f"{kind} event without a project id (project.id or project_id)")
    if pid not in served:
        return Refused(pid)
    served.saw(pid, proj.get("path_with_namespace") if isinstance(proj, dict) else None)
    user = payload.get("user")
    user_id = _int(user.get("id")) if isinstance(user, dict) else None
    action = _short(attrs.get("action"), 40) or ""

    hints: dict[str, Any] = {"updated_at": _short(target.get("updated_at"))}
    changes = payload.get("changes")
    if isinstance(changes, dict):
        labels = changes.get("labels")
        if isinstance(labels, dict):
            hints["labels"] = {"previous": _titles(labels.get("previous")), "current": _titles(labels.get("current"))}
        updated = changes.get("updated_at")
        if isinstance(updated, dict) and _short(updated.get("current")):
            hints["changed_at"] = _short(updated.get("current"))
        if "description" in changes or "last_edited_at" in changes:
            hints["description_edited"] = True
    if kind in ("issue", "work_item"):
        hints["last_edited_at"] = _short(attrs.get("last_edited_at"))
    if user_id is not None:
        hints["user"] = {"id": user_id, "username": _short(user.get("username"), 255)}
    if kind == "note":
        hints["note_id"] = _int(attrs.get("id"))

    keys = []
    if idempotency_key:
        keys.append("idem:" + idempotency_key.strip()[:200])
    if uuid:  # per event, but a recursive chain reuses it: scope it to the object's state
        scoped = f"{uuid.strip()[:200]}|{kind}|{_int(target.get('id'))}|{_short(target.get('updated_at'))}|{action}"
        keys.append("uuid:" + hashlib.sha256(scoped.encode()).hexdigest())
    keys.append("body:" + hashlib.sha256(body).hexdigest())
    return NewEvent(project_id=pid, iid=iid, kind=kind, keys=tuple(keys), action=action, user_id=user_id,
                    hints=hints, received_at=received_at)


def _answer(start_response, status: str, body: dict | bytes, content_type: str = "application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store")])
    return [data]


class WebhookApp:
    """The WSGI callable. ``secret`` None runs insecure (only with ``--insecure``);
    ``health_token`` lets monitoring read /healthz's checks and /metrics without the
    webhook secret (which would also let it post events)."""

    def __init__(self, journal: Journal, metrics: Metrics, served: Served, *, secret: str | None,
                 health_token: str | None = None, max_body: int = MAX_BODY,
                 on_accepted: Callable[[NewEvent], None] = lambda e: None,
                 bot_id: Callable[[], int | None] = lambda: None,
                 health: Callable[[], tuple[bool, dict]] | None = None, refuse_other_projects: bool = True):
        self.journal = journal
        # False for a group's desks: the group's one hook also carries the events of projects
        # added to it later, and 4xx answers would get that hook (every desk's) disabled
        self.refuse_other_projects = refuse_other_projects
        self._ignored_projects: set[int] = set()
        self.metrics = metrics
        self.served = served
        # compared as SHA-256 digests: constant time, and the secret's length does not show either
        self._secret = hashlib.sha256(secret.encode()).digest() if secret else None
        self._health = hashlib.sha256(health_token.encode()).digest() if health_token else None
        self.max_body = max_body
        self.on_accepted = on_accepted
        self.bot_id = bot_id
        self.health = health

    @staticmethod
    def _given(environ) -> str | None:
        given = environ.get("HTTP_X_GITLAB_TOKEN")
        if given is None:
            auth = environ.get("HTTP_AUTHORIZATION", "")
            given = auth[7:] if auth.startswith("Bearer ") else None
        return given

    @staticmethod
    def _matches(expected: bytes | None, given: str | None) -> bool:
        digest = hashlib.sha256((given or "").encode("latin-1", "replace")).digest()
        return expected is not None and given is not None and hmac.compare_digest(expected, digest)

    def _authorised(self, environ) -> bool:
        """The webhook secret (``X-Gitlab-Token``, or ``Authorization: Bearer``)."""
        if self._secret is None:
            return True
        return self._matches(self._secret, self._given(environ))

    def _may_see_details(self, environ) -> bool:
        """The webhook secret or the health token."""
        if self._secret is None:
            return True
        given = self._given(environ)
        return self._matches(self._secret, given) | self._matches(self._health, given)

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path == "/webhook":
                if method != "POST":
                    return _answer(start_response, "405 Method Not Allowed", {"error": "POST only"})
                started = time.perf_counter()
                try:
                    return self.webhook(environ, start_response)
                finally:
                    self.metrics.ack_latency.observe(time.perf_counter() - started)
            if method != "GET":
                return _answer(start_response, "405 Method Not Allowed", {"error": "GET only"})
            if path == "/healthz":
                return self.healthz(environ, start_response)
            if path == "/metrics":
                if not self._may_see_details(environ):
                    return _answer(start_response, "401 Unauthorized", {"error": "unauthorized"})
                return _answer(start_response, "200 OK", self.metrics.render(), CONTENT_TYPE)
            if path == "/parked":
                if not self._may_see_details(environ):
                    return _answer(start_response, "401 Unauthorized", {"error": "unauthorized"})
                rows = [p.__dict__ for p in self.journal.parked()]
                return _answer(start_response, "200 OK", {"parked": rows})
            return _answer(start_response, "404 Not Found", {"error": "not found; webhooks go to POST /webhook"})
        except Exception:  # nothing crashes the service; the traceback has no body or header in it
            log.exception("internal error answering %s %s", method, path)
            return _answer(start_response, "500 Internal Server Error", {"error": "internal error"})

    def webhook(self, environ, start_response):
        m = self.metrics
        received_at = time.time()
        if not self._authorised(environ):
            m.rejected.labels("token").inc()
            return _answer(start_response, "401 Unauthorized", {"error": "unauthorized"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length > self.max_body:
            m.rejected.labels("too_large").inc()
            return _answer(start_response, "413 Content Too Large", {"error": f"body over {self.max_body} bytes"})
        stream = environ["wsgi.input"]
        body = stream.read(length) if length > 0 else stream.read(self.max_body + 1)
        if len(body) > self.max_body:
            m.rejected.labels("too_large").inc()
            return _answer(start_response, "413 Content Too Large", {"error": f"body over {self.max_body} bytes"})
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            m.rejected.labels("malformed").inc()
            return _answer(start_response, "400 Bad Request", {"error": "the body is not valid JSON"})
        header = environ.get("HTTP_X_GITLAB_EVENT")
        m.received.labels(header if header in ISSUE_HOOKS | NOTE_HOOKS else "other").inc()
        try:
            event = interpret(header, payload, self.served, uuid=environ.get("HTTP_X_GITLAB_EVENT_UUID"),
                              idempotency_key=environ.get("HTTP_IDEMPOTENCY_KEY"), body=body,
                              received_at=received_at)
        except Unprocessable as exc:
            m.rejected.labels("unprocessable").inc()
            return _answer(start_response, "422 Unprocessable Entity", {"error": str(exc)})
        if isinstance(event, Refused):
            m.refused(event.project_id)
            if not self.refuse_other_projects:
                if event.project_id not in self._ignored_projects:
                    self._ignored_projects.add(event.project_id)
                    log.warning("events of project %s reach this service, which does not serve it (a project "
                                "added to the group since gl-cs serve started?): they are ignored; restart gl-cs "
                                "serve to serve it", event.project_id)
                return _answer(start_response, "200 OK", {"status": "ignored", "reason": "not_served"})
            return _answer(start_response, "403 Forbidden",
                           {"error": f"project {event.project_id} is not served here; this hook is misconfigured"})
        if isinstance(event, Ignore):
            m.ignored.labels(event.reason).inc()
            return _answer(start_response, "200 OK", {"status": "ignored", "reason": event.reason})
        bot = self.bot_id()
        if bot is not None and event.user_id == bot:
            m.ignored.labels("own_event").inc()
            return _answer(start_response, "200 OK", {"status": "ignored", "reason": "own_event"})
        try:
            appended = self.journal.append(event)
        except Exception as exc:
            log.error("could not store an event for #%s of project %s: %s", event.iid, event.project_id,
                      exc.__class__.__name__)
            m.rejected.labels("journal").inc()
            return _answer(start_response, "503 Service Unavailable", {"error": "could not store the event"})
        if appended.duplicate:
            m.deduplicated.inc()
            return _answer(start_response, "200 OK", {"status": "duplicate", "event": appended.event_id})
        m.accepted.inc()
        self.on_accepted(event)
        return _answer(start_response, "200 OK", {"status": "accepted", "event": appended.event_id})

    def healthz(self, environ, start_response):
        ok, checks = self.health() if self.health else (True, {})
        body: dict[str, Any] = {"status": "ok" if ok else "unhealthy"}
        if self._may_see_details(environ):
            body["checks"] = checks
        return _answer(start_response, "200 OK" if ok else "503 Service Unavailable", body)
