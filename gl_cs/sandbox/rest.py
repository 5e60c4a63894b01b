"""HTTP plumbing shared by the routes: request parameters, route templates,
JSON/fault responses and GitLab's offset pagination."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from .errors import BadRequest
from .store import Store
from .timeutil import parse_time

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
    token: str | None = None
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
            pattern = (r"\d+" if name in ("iid", "note_id", "event_id", "user_id", "hook_id", "issue_link_id")
                       else r"[^/]+")
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

