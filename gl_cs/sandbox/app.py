"""The WSGI application: GitLab API v4 over a :class:`Store`, with faults,
request counting and a tiny read-only HTML view of the ``web_url`` links."""

from __future__ import annotations

import email.utils
import html
import threading
import re
import time
import traceback
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from werkzeug.wrappers import Request, Response

from .errors import ApiError, Unauthorized
from .faults import Faults, RequestCounter
from .rest import (API_PREFIX, UNKNOWN_ROUTE, Context, Params, Route, error_response,
                   fault_response, json_response)
from .routes import match_route
from .store import Store


class RateLimitHeaders:
    """``RateLimit-*`` headers on every API answer, as GitLab.com sends them for its
    ``throttle_authenticated_api`` (2,000 requests a minute per user; api_facts.md,
    doc/administration/settings/user_and_ip_rate_limits.md). Informational only:
    throttling itself is a fault (``Faults.rate_limit_burst``)."""

    LIMIT = 2000
    NAME = "throttle_authenticated_api"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = 0
        self._seen: dict[str, int] = {}

    def stamp(self, request: Request, response: Response) -> None:
        who = (request.headers.get("PRIVATE-TOKEN") or request.headers.get("Authorization")
               or request.remote_addr or "")
        now = time.time()
        window = int(now // 60)
        with self._lock:
            if window != self._window:
                self._window, self._seen = window, {}
            observed = self._seen[who] = self._seen.get(who, 0) + 1
        reset = (window + 1) * 60
        headers = response.headers
        headers.setdefault("RateLimit-Name", self.NAME)
        headers["RateLimit-Limit"] = str(self.LIMIT)
        headers["RateLimit-Observed"] = str(observed)
        headers["RateLimit-Remaining"] = str(max(0, self.LIMIT - observed))
        headers["RateLimit-Reset"] = str(reset)
        headers["RateLimit-ResetTime"] = email.utils.formatdate(reset, usegmt=True)


class SandboxApp:
    """WSGI application: GitLab API v4 over a :class:`Store`, with faults and counters."""

    def __init__(self, store: Store, faults: Faults | None = None,
                 requests: RequestCounter | None = None) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.requests = requests or RequestCounter()
        self.rate_limit = RateLimitHeaders()
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
        self.requests.record(method, template, self._project_of(template, args))
        response = self._faulted_or_handled(request, method, raw_path, route, args, template)
        self.rate_limit.stamp(request, response)
        self.requests.log(method, template, raw_path, response.status_code)
        return response

    def _project_of(self, template: str, args: dict[str, str]) -> int | None:
        """The project a request names (its id, also when named by a path), for the counts."""
        if not template.startswith("/projects/:id"):
            return None
        try:
            return int(self.store.get_project(args["id"])["id"])
        except (ApiError, KeyError, ValueError):
            return None

    def _faulted_or_handled(self, request: Request, method: str, raw_path: str,
                            route: Route | None, args: dict[str, str], template: str) -> Response:
        faults = self.faults
        if faults.latency > 0:
            time.sleep(faults.latency)
        delay = faults.delay(method, raw_path)
        if delay > 0:
            time.sleep(delay)
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
        if (method in RequestCounter.WRITE_METHODS and response.status_code < 300
                and faults.roll(faults.apply_then_html_rate)):
            return _page("Signed in", "<p>Your request was processed.</p>")  # a proxy's page, 200
        return response

    def _handle(self, request: Request, method: str, raw_path: str, route: Route | None,
                args: dict[str, str], template: str) -> Response:
        try:
            token = request.headers.get("PRIVATE-TOKEN") or request.headers.get("Private-Token") \
                or request.headers.get("JOB-TOKEN")
            auth = request.headers.get("Authorization", "")
            if not token and auth.lower().startswith("bearer "):
                token = auth[7:].strip()
            # A token that is given must be valid (401); no token at all is anonymous.
            user = self.store.authenticate(token) if token else None
            if user is not None:
                self.store.require_scope_for(token, method)  # read_api: 403 insufficient_scope
            if route is None:
                if user is None:
                    raise Unauthorized()
                if template == UNKNOWN_ROUTE:
                    return error_response(404, {"message": "404 Not found"})
                return error_response(405, {"message": "405 Method Not Allowed"})
            if template.startswith("/projects/:id"):
                # A private project is 404 "Project Not Found" without a token, 401 never.
                self.store.require_project_visible(args["id"], user)
            if user is None:
                raise Unauthorized()
            body = request.get_json(silent=True) if request.is_json else None
            params = Params(request.args, request.form, body)
            ctx = Context(request=request, store=self.store, params=params, path_args=args,
                          raw_path=raw_path, base=request.host_url.rstrip("/"), user=user,
                          token=token)
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

