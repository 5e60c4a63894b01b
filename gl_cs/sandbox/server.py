"""The sandbox's HTTP face: a werkzeug WSGI app speaking GitLab REST API v4.

:class:`SandboxApp` routes ``/api/v4/...`` requests to the :class:`Store`,
renders GitLab-shaped JSON, paginates lists with GitLab's headers
(``x-total``, ``x-next-page``, ``link`` ...), counts every request in a
:class:`RequestCounter` and injects the faults configured in :class:`Faults`.
Routing works on the raw (still URL-encoded) request path so that a project
addressed as ``sa-team%2Fsa-service-desk`` or a label named ``SA%20Doing`` is
one path segment, exactly like GitLab.

:class:`Sandbox` runs the app on a real socket in a background thread::

    with Sandbox(store) as sb:
        gl = gitlab.Gitlab(sb.url, private_token="sandbox-token")
        ...

Outside ``/api/v4`` a tiny read-only HTML view serves the ``web_url`` links
(project issue list and issue pages) so the demo's links open in a browser.
"""

from __future__ import annotations

import html
import json
import math
import re
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote, urlencode, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .faults import Faults, RequestCounter
from .store import ApiError, BadRequest, NotFound, Store, parse_time

API_PREFIX = "/api/v4"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
#: Above this many records GitLab omits x-total, x-total-pages and the "last" link.
COUNT_LIMIT = 10_000
UNKNOWN_ROUTE = "<unknown>"


# --------------------------------------------------------------------------- request params


class Params:
    """Request parameters merged from the query string, form body and JSON body
    (JSON wins, then form, then query). Understands ``name[]`` arrays."""

    def __init__(self, query: MultiDict, form: MultiDict, body: Any) -> None:
        self.query = query
        self.form = form
        self.body = body if isinstance(body, dict) else {}

    def _sources(self):
        return (self.form, self.query)

    def has(self, name: str) -> bool:
        return name in self.body or any(name in s or f"{name}[]" in s for s in self._sources())

    def get(self, name: str, default: Any = None) -> Any:
        if name in self.body:
            return self.body[name]
        for source in self._sources():
            if name in source:
                return source.get(name)
        return default

    def get_list(self, name: str) -> list[Any] | None:
        """Array-ish parameter: JSON list, ``name[]`` repeated, or a comma-separated string."""
        if name in self.body:
            value = self.body[name]
            if value is None:
                return []
            if isinstance(value, list):
                return value
            return [v for v in str(value).split(",")] if isinstance(value, str) else [value]
        for source in self._sources():
            values = source.getlist(f"{name}[]") or source.getlist(name)
            if values:
                result: list[Any] = []
                for value in values:
                    result.extend(value.split(","))
                return result
        return None

    def get_names(self, name: str) -> list[str] | None:
        """Comma-separated label names (empty string -> empty list)."""
        values = self.get_list(name)
        if values is None:
            return None
        return [str(v).strip() for v in values if str(v).strip()]

    def get_ints(self, name: str) -> list[int] | None:
        values = self.get_list(name)
        if values is None:
            return None
        result = []
        for value in values:
            text = str(value).strip()
            if text in ("", "0", "None", "null"):
                continue
            try:
                result.append(int(text))
            except ValueError:
                raise BadRequest(f"{name} is invalid", key="error") from None
        return result

    def get_int(self, name: str, default: int) -> int:
        value = self.get(name)
        try:
            return int(value) if value not in (None, "") else default
        except (TypeError, ValueError):
            raise BadRequest(f"{name} is invalid", key="error") from None

    def get_bool(self, name: str) -> bool | None:
        value = self.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1", "yes", "on")

    def get_time(self, name: str):
        value = self.get(name)
        if value in (None, ""):
            return None
        try:
            return parse_time(value)
        except ValueError:
            raise BadRequest(f"{name} is invalid", key="error") from None


# --------------------------------------------------------------------------- routing


@dataclass
class Context:
    """Everything a route handler needs."""

    request: Request
    store: Store
    params: Params
    path_args: dict[str, str]
    raw_path: str
    base: str
    user: dict[str, Any] | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str) -> str:
        return self.path_args[name]


Handler = Callable[[Context], Response]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    regex: re.Pattern[str]


def _compile(template: str) -> re.Pattern[str]:
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith(":"):
            name = segment[1:]
            pattern = r"\d+" if name in ("iid", "note_id", "event_id", "user_id") else r"[^/]+"
            parts.append(f"(?P<{name}>{pattern})")
        else:
            parts.append(re.escape(segment))
    return re.compile("^/" + "/".join(parts) + "/?$")


# --------------------------------------------------------------------------- responses


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, headers=headers,
                    content_type="application/json")


def error_response(status: int, payload: Any) -> Response:
    return json_response(payload, status)


_STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout", 404: "Not Found", 403: "Forbidden", 401: "Unauthorized"}


def fault_response(status: int) -> Response:
    """A failure as GitLab's stack produces it: JSON from Rails for 4xx/500,
    an HTML page from the proxy for 502/503/504."""
    text = _STATUS_TEXT.get(status, "Error")
    if status in (502, 503, 504):
        body = f"<html><body><h1>{status} {text}</h1></body></html>\n"
        return Response(body, status=status, content_type="text/html")
    return json_response({"message": f"{status} {text}"}, status)


def paginate(ctx: Context, items: list[Any], render: Callable[[Any], Any]) -> Response:
    """Offset pagination with GitLab's headers and ``link`` rels."""
    page = max(1, ctx.params.get_int("page", 1))
    per_page = ctx.params.get_int("per_page", DEFAULT_PER_PAGE)
    per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
    total = len(items)
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    body = [render(item) for item in items[start:start + per_page]]
    has_next = page < total_pages
    headers = {
        "x-next-page": str(page + 1) if has_next else "",
        "x-page": str(page),
        "x-per-page": str(per_page),
        "x-prev-page": str(page - 1) if page > 1 else "",
    }
    counted = total <= COUNT_LIMIT
    if counted:
        headers["x-total"] = str(total)
        headers["x-total-pages"] = str(total_pages)

    kept = [(k, v) for k, v in ctx.request.args.items(multi=True) if k not in ("page", "per_page")]

    def link(target: int) -> str:
        query = urlencode(kept + [("page", target), ("per_page", per_page)])
        return f"<{ctx.base}{ctx.raw_path}?{query}>"

    links = []
    if page > 1:
        links.append(f'{link(page - 1)}; rel="prev"')
    if has_next:
        links.append(f'{link(page + 1)}; rel="next"')
    links.append(f'{link(1)}; rel="first"')
    if counted:
        links.append(f'{link(total_pages)}; rel="last"')
    headers["link"] = ", ".join(links)
    return json_response(body, 200, headers)


# --------------------------------------------------------------------------- handlers


def h_current_user(ctx: Context) -> Response:
    return json_response(ctx.store.render_current_user(ctx.user, ctx.base))


def h_users(ctx: Context) -> Response:
    users = ctx.store.find_users(ctx.params.get("username"))
    return paginate(ctx, users, lambda u: ctx.store.render_user(u, ctx.base))


def h_user(ctx: Context) -> Response:
    return json_response(ctx.store.render_user(ctx.store.get_user(ctx.arg("user_id")), ctx.base))


def h_project(ctx: Context) -> Response:
    return json_response(ctx.store.render_project(ctx.store.get_project(ctx.arg("id")), ctx.base))


def h_list_issues(ctx: Context) -> Response:
    p = ctx.params
    state = p.get("state") or "all"
    if state not in ("opened", "closed", "all"):
        raise BadRequest("state does not have a valid value", key="error")
    sort = p.get("sort") or "desc"
    if sort not in ("asc", "desc"):
        raise BadRequest("sort does not have a valid value", key="error")
    iids = p.get_ints("iids")
    items = ctx.store.query_issues(
        ctx.arg("id"), state=state, labels=p.get_names("labels"),
        not_labels=p.get_names("not[labels]"), iids=iids,
        updated_after=p.get_time("updated_after"), updated_before=p.get_time("updated_before"),
        created_after=p.get_time("created_after"), created_before=p.get_time("created_before"),
        author_id=(p.get_int("author_id", 0) or None), author_username=p.get("author_username"),
        assignee_id=p.get("assignee_id"), assignee_username=p.get("assignee_username"),
        search=p.get("search"), confidential=p.get_bool("confidential"),
        order_by=p.get("order_by") or "created_at", sort=sort)
    details = bool(p.get_bool("with_labels_details"))
    return paginate(ctx, items, lambda i: ctx.store.render_issue(i, ctx.base, details))


def h_get_issue(ctx: Context) -> Response:
    issue = ctx.store.get_issue(ctx.arg("id"), ctx.arg("iid"))
    details = bool(ctx.params.get_bool("with_labels_details"))
    return json_response(ctx.store.render_issue(issue, ctx.base, details))


def _assignees(p: Params) -> list[int] | None:
    if p.has("assignee_ids"):
        return p.get_ints("assignee_ids") or []
    if p.has("assignee_id"):
        return p.get_ints("assignee_id") or []
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def h_create_issue(ctx: Context) -> Response:
    p = ctx.params
    issue = ctx.store.api_create_issue(
        ctx.arg("id"), ctx.user["id"], title=_text(p.get("title")),
        description=_text(p.get("description")), labels=p.get_names("labels"),
        assignee_ids=_assignees(p), due_date=p.get("due_date"),
        confidential=p.get_bool("confidential"))
    return json_response(ctx.store.render_issue(issue, ctx.base), 201)


_UPDATE_KEYS = ("assignee_id", "assignee_ids", "confidential", "created_at", "description",
                "discussion_locked", "due_date", "labels", "add_labels", "remove_labels",
                "milestone_id", "state_event", "title", "issue_type", "weight", "epic_id",
                "epic_iid", "updated_at")


def h_update_issue(ctx: Context) -> Response:
    p = ctx.params
    if not any(p.has(key) for key in _UPDATE_KEYS):
        raise BadRequest(", ".join(_UPDATE_KEYS) + " are missing, at least one parameter must be "
                         "provided", key="error")
    changes: dict[str, Any] = {}
    if p.has("title"):
        changes["title"] = _text(p.get("title"))
    if p.has("description"):
        changes["description"] = _text(p.get("description")) or ""
    for key in ("labels", "add_labels", "remove_labels"):
        if p.has(key):
            changes[key] = p.get_names(key) or []
    assignees = _assignees(p)
    if assignees is not None:
        changes["assignee_ids"] = assignees
    if p.has("state_event"):
        changes["state_event"] = p.get("state_event")
    if p.has("due_date"):
        changes["due_date"] = p.get("due_date")
    for key in ("confidential", "discussion_locked"):
        if p.has(key):
            changes[key] = p.get_bool(key)
    issue = ctx.store.api_update_issue(ctx.arg("id"), ctx.arg("iid"), ctx.user["id"], changes)
    return json_response(ctx.store.render_issue(issue, ctx.base))


def h_list_notes(ctx: Context) -> Response:
    sort = ctx.params.get("sort") or "desc"
    order_by = ctx.params.get("order_by") or "created_at"
    if sort not in ("asc", "desc") or order_by not in ("created_at", "updated_at"):
        raise BadRequest("sort/order_by does not have a valid value", key="error")
    notes = ctx.store.list_notes(ctx.arg("id"), ctx.arg("iid"), sort=sort, order_by=order_by)
    return paginate(ctx, notes, lambda n: ctx.store.render_note(n, ctx.base))


def h_create_note(ctx: Context) -> Response:
    p = ctx.params
    internal = bool(p.get_bool("internal") or p.get_bool("confidential"))
    note = ctx.store.api_create_note(ctx.arg("id"), ctx.arg("iid"), ctx.user["id"],
                                     _text(p.get("body")), internal=internal)
    return json_response(ctx.store.render_note(note, ctx.base), 201)


def h_get_note(ctx: Context) -> Response:
    note = ctx.store.get_note(ctx.arg("id"), ctx.arg("iid"), ctx.arg("note_id"))
    return json_response(ctx.store.render_note(note, ctx.base))


def h_update_note(ctx: Context) -> Response:
    note = ctx.store.api_update_note(ctx.arg("id"), ctx.arg("iid"), ctx.arg("note_id"),
                                     ctx.user["id"], _text(ctx.params.get("body")))
    return json_response(ctx.store.render_note(note, ctx.base))


def h_delete_note(ctx: Context) -> Response:
    ctx.store.api_delete_note(ctx.arg("id"), ctx.arg("iid"), ctx.arg("note_id"), ctx.user["id"])
    return Response(status=204)


def h_label_events(ctx: Context) -> Response:
    issue, events = ctx.store.list_label_events(ctx.arg("id"), ctx.arg("iid"))
    return paginate(ctx, events, lambda e: ctx.store.render_label_event(issue, e, ctx.base))


def h_label_event(ctx: Context) -> Response:
    issue, events = ctx.store.list_label_events(ctx.arg("id"), ctx.arg("iid"))
    for event in events:
        if event["id"] == int(ctx.arg("event_id")):
            return json_response(ctx.store.render_label_event(issue, event, ctx.base))
    raise NotFound("Label Event")


def h_list_labels(ctx: Context) -> Response:
    labels = ctx.store.list_labels(ctx.arg("id"), search=ctx.params.get("search"))
    counts = ctx.store.label_counts(ctx.arg("id"))
    return paginate(ctx, labels, lambda l: ctx.store.render_label(l, counts))


def h_get_label(ctx: Context) -> Response:
    label = ctx.store.get_label(ctx.arg("id"), ctx.arg("label_id"))
    return json_response(ctx.store.render_label(label))


def h_create_label(ctx: Context) -> Response:
    p = ctx.params
    priority = p.get("priority")
    label = ctx.store.api_create_label(
        ctx.arg("id"), ctx.user["id"], name=_text(p.get("name")), color=_text(p.get("color")),
        description=_text(p.get("description")),
        priority=int(priority) if priority not in (None, "") else None)
    return json_response(ctx.store.render_label(label), 201)


def _update_label(ctx: Context, label_ref: str | None) -> Response:
    p = ctx.params
    if not label_ref:
        raise BadRequest("label_id, name are missing, exactly one parameter must be provided",
                         key="error")
    priority: Any = ...
    if p.has("priority"):
        raw = p.get("priority")
        priority = int(raw) if raw not in (None, "") else None
    label = ctx.store.api_update_label(
        ctx.arg("id"), label_ref, ctx.user["id"], new_name=_text(p.get("new_name")),
        color=_text(p.get("color")), description=_text(p.get("description")), priority=priority)
    return json_response(ctx.store.render_label(label))


def h_update_label_by_param(ctx: Context) -> Response:
    """Deprecated ``PUT /projects/:id/labels`` with ``name`` (or ``label_id``) in the body."""
    ref = ctx.params.get("label_id") or ctx.params.get("name")
    return _update_label(ctx, _text(ref))


def h_update_label(ctx: Context) -> Response:
    return _update_label(ctx, ctx.arg("label_id"))


def h_members(ctx: Context) -> Response:
    project, user_ids = ctx.store.list_members(ctx.arg("id"))
    query = (ctx.params.get("query") or "").lower()
    if query:
        user_ids = [uid for uid in user_ids
                    if query in ctx.store.get_user(uid)["username"].lower()
                    or query in ctx.store.get_user(uid)["name"].lower()]
    return paginate(ctx, user_ids, lambda uid: ctx.store.render_member(project, uid, ctx.base))


def h_member(ctx: Context) -> Response:
    project, user_ids = ctx.store.list_members(ctx.arg("id"))
    uid = int(ctx.arg("user_id"))
    if uid not in user_ids:
        raise NotFound("Member")
    return json_response(ctx.store.render_member(project, uid, ctx.base))


ROUTE_TABLE: list[tuple[str, str, Handler]] = [
    ("GET", "/user", h_current_user),
    ("GET", "/users", h_users),
    ("GET", "/users/:user_id", h_user),
    ("GET", "/projects/:id", h_project),
    ("GET", "/projects/:id/issues", h_list_issues),
    ("POST", "/projects/:id/issues", h_create_issue),
    ("GET", "/projects/:id/issues/:iid", h_get_issue),
    ("PUT", "/projects/:id/issues/:iid", h_update_issue),
    ("GET", "/projects/:id/issues/:iid/notes", h_list_notes),
    ("POST", "/projects/:id/issues/:iid/notes", h_create_note),
    ("GET", "/projects/:id/issues/:iid/notes/:note_id", h_get_note),
    ("PUT", "/projects/:id/issues/:iid/notes/:note_id", h_update_note),
    ("DELETE", "/projects/:id/issues/:iid/notes/:note_id", h_delete_note),
    ("GET", "/projects/:id/issues/:iid/resource_label_events", h_label_events),
    ("GET", "/projects/:id/issues/:iid/resource_label_events/:event_id", h_label_event),
    ("GET", "/projects/:id/labels", h_list_labels),
    ("POST", "/projects/:id/labels", h_create_label),
    ("PUT", "/projects/:id/labels", h_update_label_by_param),
    ("GET", "/projects/:id/labels/:label_id", h_get_label),
    ("PUT", "/projects/:id/labels/:label_id", h_update_label),
    ("GET", "/projects/:id/members", h_members),
    ("GET", "/projects/:id/members/all", h_members),
    ("GET", "/projects/:id/members/:user_id", h_member),
    ("GET", "/projects/:id/members/all/:user_id", h_member),
]

ROUTES = [Route(m, t, h, _compile(t)) for m, t, h in ROUTE_TABLE]


def match_route(method: str, path: str) -> tuple[str, Route | None, dict[str, str]]:
    """``(template, route or None when the method is not allowed, args)``; template is
    :data:`UNKNOWN_ROUTE` when no route matches the path at all."""
    template = UNKNOWN_ROUTE
    for route in ROUTES:
        match = route.regex.match(path)
        if not match:
            continue
        args = {k: unquote(v) for k, v in match.groupdict().items()}
        if route.method == method:
            return route.template, route, args
        if template == UNKNOWN_ROUTE:
            template = route.template
    return template, None, {}


# --------------------------------------------------------------------------- the WSGI app


class SandboxApp:
    """WSGI application: GitLab API v4 over a :class:`Store`, with faults and counters."""

    def __init__(self, store: Store, faults: Faults | None = None,
                 requests: RequestCounter | None = None) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.requests = requests or RequestCounter()
        #: Tracebacks of unexpected exceptions (answered with 500); tests assert it stays empty.
        self.errors: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        request = Request(environ)
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
        raw_path = urlsplit(raw).path if "://" in raw.split("?", 1)[0] else raw.split("?", 1)[0]
        if raw_path == API_PREFIX or raw_path.startswith(API_PREFIX + "/"):
            response = self.handle_api(request, raw_path)
        else:
            response = self.handle_web(request, raw_path)
        return response(environ, start_response)

    # -- API -----------------------------------------------------------------

    def handle_api(self, request: Request, raw_path: str) -> Response:
        method = request.method.upper()
        api_path = raw_path[len(API_PREFIX):] or "/"
        template, route, args = match_route(method, api_path)
        self.requests.record(method, template)
        response = self._faulted_or_handled(request, method, raw_path, route, args, template)
        self.requests.log(method, template, raw_path, response.status_code)
        return response

    def _faulted_or_handled(self, request: Request, method: str, raw_path: str,
                            route: Route | None, args: dict[str, str], template: str) -> Response:
        faults = self.faults
        if faults.latency > 0:
            time.sleep(faults.latency)
        if faults.take_rate_limit():
            retry_after = str(faults.retry_after)
            return Response("Retry later\n", status=429, content_type="text/plain",
                            headers={"Retry-After": retry_after,
                                     "RateLimit-Name": "throttle_authenticated_api"})
        status = faults.failing_status(method, raw_path)
        if status is not None:
            return fault_response(status)
        if faults.roll(faults.error_rate):
            return fault_response(faults.choice([500, 502, 503]))

        response = self._handle(request, method, raw_path, route, args, template)
        if (method in RequestCounter.WRITE_METHODS and response.status_code < 300
                and faults.roll(faults.apply_then_fail_rate)):
            return fault_response(502)
        return response

    def _handle(self, request: Request, method: str, raw_path: str, route: Route | None,
                args: dict[str, str], template: str) -> Response:
        try:
            token = request.headers.get("PRIVATE-TOKEN") or request.headers.get("Private-Token")
            auth = request.headers.get("Authorization", "")
            if not token and auth.lower().startswith("bearer "):
                token = auth[7:].strip()
            user = self.store.authenticate(token)
            if route is None:
                if template == UNKNOWN_ROUTE:
                    return error_response(404, {"message": "404 Not found"})
                return error_response(405, {"message": "405 Method Not Allowed"})
            body = request.get_json(silent=True) if request.is_json else None
            params = Params(request.args, request.form, body)
            ctx = Context(request=request, store=self.store, params=params, path_args=args,
                          raw_path=raw_path, base=request.host_url.rstrip("/"), user=user)
            with self.store.lock:
                return route.handler(ctx)
        except ApiError as exc:
            return error_response(exc.status, exc.payload())
        except Exception:  # noqa: BLE001 - a sandbox bug must not kill the server thread
            self.errors.append(traceback.format_exc())
            return json_response({"message": "500 Internal Server Error"}, 500)

    # -- minimal web view ----------------------------------------------------

    def handle_web(self, request: Request, raw_path: str) -> Response:
        path = unquote(raw_path).strip("/")
        store = self.store
        base = request.host_url.rstrip("/")
        with store.lock:
            if not path:
                rows = "".join(
                    f'<li><a href="{base}/{html.escape(p["path_with_namespace"])}/-/issues">'
                    f'{html.escape(p["path_with_namespace"])}</a></li>'
                    for p in store._projects.values())
                return _page("GitLab sandbox", f"<ul>{rows}</ul>")
            match = re.fullmatch(r"(?P<project>.+?)/-/issues(?:/(?P<iid>\d+))?", path)
            if not match:
                return _page("404", "<p>Not found</p>", 404)
            try:
                project = store.get_project(match.group("project"))
                if match.group("iid"):
                    issue = store.get_issue(project["id"], match.group("iid"))
                    return _page(f"#{issue['iid']} {issue['title']}", self._issue_html(issue, base))
            except ApiError:
                return _page("404", "<p>Not found</p>", 404)
            items = store.query_issues(project["id"], order_by="created_at", sort="asc")
            rows = "".join(
                f'<li><a href="{base}/{html.escape(project["path_with_namespace"])}/-/issues/'
                f'{i["iid"]}">#{i["iid"]} {html.escape(i["title"])}</a> '
                f'[{i["state"]}] {html.escape(", ".join(store._label_names(i)))}</li>'
                for i in items[:1000])
            return _page(project["path_with_namespace"], f"<ul>{rows}</ul>")

    def _issue_html(self, issue: dict[str, Any], base: str) -> str:
        data = self.store.render_issue(issue, base)
        notes = "".join(
            f"<li><b>@{html.escape(n['author']['username'])}</b> {n['created_at']}"
            f"<pre>{html.escape(n['body'])}</pre></li>"
            for n in (self.store.render_note(self.store._notes[nid], base) for nid in issue["notes"]))
        events = "".join(
            f"<li>{e['created_at']} @{html.escape((e['user'] or {}).get('username', '?'))} "
            f"{e['action']} ~{html.escape(e['label']['name'] if e['label'] else '?')}</li>"
            for e in (self.store.render_label_event(issue, ev, base) for ev in issue["label_events"]))
        return (f"<p>State: {data['state']} | Labels: {html.escape(', '.join(data['labels']))} | "
                f"Assignees: {html.escape(', '.join(a['username'] for a in data['assignees']))}</p>"
                f"<pre>{html.escape(data['description'] or '')}</pre>"
                f"<h2>Label events</h2><ul>{events}</ul><h2>Notes</h2><ul>{notes}</ul>")


def _page(title: str, body: str, status: int = 200) -> Response:
    doc = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
           f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>")
    return Response(doc, status=status, content_type="text/html; charset=utf-8")


# --------------------------------------------------------------------------- the server


class _QuietHandler(WSGIRequestHandler):
    """No access log; remembers open connections so :meth:`Sandbox.stop` can close them."""

    def setup(self) -> None:
        super().setup()
        connections = getattr(self.server, "sandbox_connections", None)
        if connections is not None:
            with self.server.sandbox_lock:
                connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            connections = getattr(self.server, "sandbox_connections", None)
            if connections is not None:
                with self.server.sandbox_lock:
                    connections.discard(self.connection)

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        pass


class Sandbox:
    """A GitLab API v4 simulator served over HTTP on a background thread.

    ``Sandbox(store=None, host="127.0.0.1", port=0)`` (port 0 picks a free one);
    :meth:`start` / :meth:`stop` or use it as a context manager. ``url`` is the
    GitLab base URL to give python-gitlab; ``faults`` and ``requests`` are the
    live :class:`Faults` and :class:`RequestCounter`.
    """

    def __init__(self, store: Store | None = None, host: str = "127.0.0.1", port: int = 0,
                 faults: Faults | None = None) -> None:
        self.store = store if store is not None else Store()
        self.host = host
        self.port = port
        self.faults = faults or Faults()
        self.requests = RequestCounter()
        self.app = SandboxApp(self.store, self.faults, self.requests)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        #: Summary returned by the seeder when built with :meth:`with_service_desk`.
        self.seed_info: dict[str, Any] | None = None

    @classmethod
    def with_service_desk(cls, now: Any = None, n_issues: int = 30, **kwargs: Any) -> "Sandbox":
        """A (not yet started) sandbox over a fresh store seeded by
        :func:`~gl_cs.sandbox.seed.seed_service_desk`; the seed's summary is ``.seed_info``."""
        from .seed import seed_service_desk

        store = Store()
        sandbox = cls(store, **kwargs)
        sandbox.seed_info = seed_service_desk(store, now, n_issues=n_issues)
        return sandbox

    @property
    def url(self) -> str:
        """The GitLab base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def errors(self) -> list[str]:
        """Tracebacks of internal errors the app answered with 500."""
        return self.app.errors

    def start(self) -> "Sandbox":
        if self.running:
            return self
        server = make_server(self.host, self.port, self.app, threaded=True,
                             request_handler=_QuietHandler)
        server.sandbox_connections = set()
        server.sandbox_lock = threading.Lock()
        self._server = server
        self.port = server.server_port
        if self.store.web_url == "http://gitlab.sandbox":
            self.store.web_url = self.url
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"gl-cs-sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop keep-alive connections, close the socket, join the thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        with server.sandbox_lock:
            connections = list(server.sandbox_connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        server.server_close()
        if thread is not None:
            thread.join(timeout=10)
        self._server = None
        self._thread = None

    def client(self, token: str = "sandbox-token", **kwargs: Any):
        """A python-gitlab client for this sandbox (imported lazily)."""
        import gitlab

        return gitlab.Gitlab(self.url, private_token=token, **kwargs)

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r}, running={self.running})"
