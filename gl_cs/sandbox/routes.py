"""The API routes: one handler per GitLab endpoint, and the route table."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Response

from .api import Accepted
from .errors import BadRequest, NotFound, Unauthorized
from .render import HOOK_FIELDS
from .rest import (UNKNOWN_ROUTE, Context, Handler, Params, Route, _compile, json_response,
                   paginate)


def h_current_user(ctx: Context) -> Response:
    if ctx.store.is_job_token(ctx.token):
        raise Unauthorized()  # GitLab: a job token cannot read /user
    return json_response(ctx.store.render_current_user(ctx.user, ctx.base))


def h_job(ctx: Context) -> Response:
    """``GET /job`` (doc/api/jobs.md, "Get job tokens job"): only with a job token."""
    if not ctx.store.is_job_token(ctx.token):
        raise Unauthorized()
    return json_response({"id": 1, "status": "running", "name": "gl-cs",
                          "user": ctx.store.render_user(ctx.user, ctx.base)})


def h_issue_templates(ctx: Context) -> Response:
    """``GET /projects/:id/templates/issues`` (doc/api/project_templates.md): the
    ``.gitlab/issue_templates/*.md`` files on the default branch, by name."""
    project = ctx.store.get_project(ctx.arg("id"))
    prefix = ".gitlab/issue_templates/"
    files = project["files"].get(project["default_branch"], {})
    names = sorted(p[len(prefix):-3] for p in files if p.startswith(prefix) and p.endswith(".md")
                   and "/" not in p[len(prefix):])
    return paginate(ctx, names, lambda name: {"key": name, "name": name})


def h_users(ctx: Context) -> Response:
    users = ctx.store.find_users(ctx.params.get("username"))
    return paginate(ctx, users, lambda u: ctx.store.render_user(u, ctx.base))


def h_user(ctx: Context) -> Response:
    return json_response(ctx.store.render_user(ctx.store.get_user(ctx.arg("user_id")), ctx.base))


def h_group_projects(ctx: Context) -> Response:
    """doc/api/groups.md "List projects": ``include_subgroups``, ``topic``; archived ones are
    never listed here (the sandbox has none)."""
    found = ctx.store.group_projects(ctx.arg("id"), ctx.user["id"], topic=ctx.params.get("topic"),
                                     subgroups=bool(ctx.params.get_bool("include_subgroups")))
    return paginate(ctx, found, lambda p: ctx.store.render_project(p, ctx.base))


def h_project(ctx: Context) -> Response:
    project = ctx.store.get_project(ctx.arg("id"))
    data = ctx.store.render_project(project, ctx.base)
    data["permissions"] = ctx.store.project_permissions(project, ctx.user["id"])
    return json_response(data)


def h_token_self(ctx: Context) -> Response:
    """``GET /personal_access_tokens/self`` (doc/api/personal_access_tokens.md)."""
    return json_response(ctx.store.token_info(ctx.token))


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
        order_by=p.get("order_by") or "created_at", sort=sort, search_in=_search_in(p),
        not_author_username=p.get("not[author_username]"),
        not_assignee_username=p.get("not[assignee_username]"), not_iids=p.get_ints("not[iids]"))
    details = bool(p.get_bool("with_labels_details"))
    return paginate(ctx, items, lambda i: ctx.store.render_issue(i, ctx.base, details))


def _search_in(p: Params) -> tuple[str, ...]:
    """``in=title``, ``in=description`` or both (the default)."""
    fields = tuple(p.get_names("in") or ("title", "description"))
    if not set(fields) <= {"title", "description"}:
        raise BadRequest("in does not have a valid value", key="error")
    return fields


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
    try:
        note = ctx.store.api_create_note(ctx.arg("id"), ctx.arg("iid"), ctx.user["id"],
                                         _text(p.get("body")), internal=internal)
    except Accepted as done:  # only quick actions: nothing stored (lib/api/notes.rb)
        return json_response(done.body, 202)
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
    """Counts only with ``with_counts=true`` (doc/api/labels.md)."""
    labels = ctx.store.list_labels(ctx.arg("id"), search=ctx.params.get("search"))
    with_counts = bool(ctx.params.get_bool("with_counts"))
    counts = ctx.store.label_counts(ctx.arg("id")) if with_counts else None
    return paginate(ctx, labels, lambda l: ctx.store.render_label(l, counts, with_counts))


def h_get_label(ctx: Context) -> Response:
    label = ctx.store.get_label(ctx.arg("id"), ctx.arg("label_id"))
    return json_response(ctx.store.render_label(label, with_counts=False))


def h_create_label(ctx: Context) -> Response:
    p = ctx.params
    priority = p.get("priority")
    label = ctx.store.api_create_label(
        ctx.arg("id"), ctx.user["id"], name=_text(p.get("name")), color=_text(p.get("color")),
        description=_text(p.get("description")),
        priority=int(priority) if priority not in (None, "") else None)
    return json_response(ctx.store.render_label(label, with_counts=False), 201)


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
    return json_response(ctx.store.render_label(label, with_counts=False))


def h_update_label_by_param(ctx: Context) -> Response:
    """Deprecated ``PUT /projects/:id/labels`` with ``name`` (or ``label_id``) in the body."""
    ref = ctx.params.get("label_id") or ctx.params.get("name")
    return _update_label(ctx, _text(ref))


def h_update_label(ctx: Context) -> Response:
    return _update_label(ctx, ctx.arg("label_id"))


def _members(ctx: Context, inherited: bool) -> Response:
    project, user_ids = ctx.store.list_members(ctx.arg("id"), inherited=inherited)
    query = (ctx.params.get("query") or "").lower()
    if query:
        user_ids = [uid for uid in user_ids
                    if query in ctx.store.get_user(uid)["username"].lower()
                    or query in ctx.store.get_user(uid)["name"].lower()]
    return paginate(ctx, user_ids, lambda uid: ctx.store.render_member(
        project, uid, ctx.base, ctx.store.membership(project, uid, inherited)))


def h_members(ctx: Context) -> Response:
    """Direct members only."""
    return _members(ctx, inherited=False)


def h_members_all(ctx: Context) -> Response:
    """Direct and inherited members, the highest level per user (doc/api/members.md)."""
    return _members(ctx, inherited=True)


def _member(ctx: Context, inherited: bool) -> Response:
    project, user_ids = ctx.store.list_members(ctx.arg("id"), inherited=inherited)
    uid = int(ctx.arg("user_id"))
    if uid not in user_ids:
        raise NotFound("Member")
    return json_response(ctx.store.render_member(project, uid, ctx.base,
                                                 ctx.store.membership(project, uid, inherited)))


def h_member(ctx: Context) -> Response:
    return _member(ctx, inherited=False)


def h_member_all(ctx: Context) -> Response:
    return _member(ctx, inherited=True)


def h_state_events(ctx: Context) -> Response:
    """doc/api/resource_state_events.md"""
    issue, events = ctx.store.list_state_events(ctx.arg("id"), ctx.arg("iid"))
    return paginate(ctx, events, lambda e: ctx.store.render_state_event(issue, e, ctx.base))


def h_list_links(ctx: Context) -> Response:
    """doc/api/issue_links.md: the linked issues (not paginated)."""
    links = ctx.store.list_issue_links(ctx.arg("id"), ctx.arg("iid"))
    return json_response([ctx.store.render_linked_issue(link, other, ctx.base) for link, other in links])


def h_create_link(ctx: Context) -> Response:
    p = ctx.params
    link = ctx.store.api_create_issue_link(
        ctx.arg("id"), ctx.arg("iid"), ctx.user["id"], target_project=_text(p.get("target_project_id")),
        target_iid=p.get("target_issue_iid"), link_type=_text(p.get("link_type")))
    return json_response(ctx.store.render_issue_link(link, ctx.base), 201)


def h_delete_link(ctx: Context) -> Response:
    link = ctx.store.api_delete_issue_link(ctx.arg("id"), ctx.arg("iid"), ctx.arg("issue_link_id"),
                                           ctx.user["id"])
    return json_response(ctx.store.render_issue_link(link, ctx.base))


def h_get_file(ctx: Context) -> Response:
    """``GET``/``HEAD /projects/:id/repository/files/:file_path?ref=`` (doc/api/repository_files.md)."""
    data = ctx.store.get_file(ctx.arg("id"), ctx.arg("file_path"), _text(ctx.params.get("ref")))
    if ctx.request.method == "HEAD":
        # The file's metadata as X-Gitlab-* headers (X-Gitlab-File-Path, X-Gitlab-Last-Commit-Id ...).
        headers = {f"X-Gitlab-{k.replace('_', '-').title()}": str(v)
                   for k, v in data.items() if k != "content"}
        return Response(status=200, headers=headers)
    return json_response(data)


def h_get_file_raw(ctx: Context) -> Response:
    data = ctx.store.get_file(ctx.arg("id"), ctx.arg("file_path"),
                              _text(ctx.params.get("ref")) or "main")
    return Response(base64.b64decode(data["content"]), status=200, content_type="text/plain")


def _write_file(ctx: Context, create: bool) -> Response:
    p = ctx.params
    result = ctx.store.api_write_file(
        ctx.arg("id"), ctx.arg("file_path"), ctx.user["id"], create=create,
        branch=_text(p.get("branch")), content=_text(p.get("content")),
        commit_message=_text(p.get("commit_message")), encoding=_text(p.get("encoding")))
    return json_response(result, 201 if create else 200)


def h_create_file(ctx: Context) -> Response:
    return _write_file(ctx, create=True)


def h_update_file(ctx: Context) -> Response:
    return _write_file(ctx, create=False)


_HOOK_BOOLS = tuple(k for k, v in HOOK_FIELDS.items() if isinstance(v, bool))


def _hook_fields(p: Params) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("url", "token", "name", "description"):
        if p.has(key):
            fields[key] = _text(p.get(key))
    for key in _HOOK_BOOLS:
        if p.has(key):
            fields[key] = bool(p.get_bool(key))
    return fields


def h_list_hooks(ctx: Context) -> Response:
    """doc/api/project_webhooks.md (Maintainer+); the token is never returned."""
    project, hooks = ctx.store.list_hooks(ctx.arg("id"), ctx.user["id"])
    return paginate(ctx, hooks, lambda h: ctx.store.render_hook(project, h))


def h_get_hook(ctx: Context) -> Response:
    hook = ctx.store.get_hook(ctx.arg("id"), ctx.arg("hook_id"), ctx.user["id"])
    return json_response(ctx.store.render_hook(ctx.store.get_project(ctx.arg("id")), hook))


def h_create_hook(ctx: Context) -> Response:
    hook = ctx.store.api_save_hook(ctx.arg("id"), ctx.user["id"], _hook_fields(ctx.params))
    return json_response(ctx.store.render_hook(ctx.store.get_project(ctx.arg("id")), hook), 201)


def h_update_hook(ctx: Context) -> Response:
    hook = ctx.store.api_save_hook(ctx.arg("id"), ctx.user["id"], _hook_fields(ctx.params),
                                   hook_id=ctx.arg("hook_id"))
    return json_response(ctx.store.render_hook(ctx.store.get_project(ctx.arg("id")), hook))


def h_list_group_hooks(ctx: Context) -> Response:
    """doc/api/group_webhooks.md (the group's Owner); the token is never returned."""
    group, hooks = ctx.store.list_group_hooks(ctx.arg("id"), ctx.user["id"])
    return paginate(ctx, hooks, lambda h: ctx.store.render_group_hook(group, h))


def h_create_group_hook(ctx: Context) -> Response:
    hook = ctx.store.api_save_group_hook(ctx.arg("id"), ctx.user["id"], _hook_fields(ctx.params))
    return json_response(ctx.store.render_group_hook(ctx.store._group_ref(ctx.arg("id")), hook), 201)


def h_update_group_hook(ctx: Context) -> Response:
    hook = ctx.store.api_save_group_hook(ctx.arg("id"), ctx.user["id"], _hook_fields(ctx.params),
                                         hook_id=ctx.arg("hook_id"))
    return json_response(ctx.store.render_group_hook(ctx.store._group_ref(ctx.arg("id")), hook))


def h_delete_hook(ctx: Context) -> Response:
    ctx.store.api_delete_hook(ctx.arg("id"), ctx.arg("hook_id"), ctx.user["id"])
    return Response(status=204)


ROUTE_TABLE: list[tuple[str, str, Handler]] = [
    ("GET", "/user", h_current_user),
    ("GET", "/job", h_job),
    ("GET", "/users", h_users),
    ("GET", "/projects/:id/templates/issues", h_issue_templates),
    ("GET", "/users/:user_id", h_user),
    ("GET", "/projects/:id", h_project),
    ("GET", "/groups/:id/projects", h_group_projects),
    ("GET", "/groups/:id/hooks", h_list_group_hooks),
    ("POST", "/groups/:id/hooks", h_create_group_hook),
    ("PUT", "/groups/:id/hooks/:hook_id", h_update_group_hook),
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
    ("GET", "/projects/:id/members/all", h_members_all),
    ("GET", "/projects/:id/members/:user_id", h_member),
    ("GET", "/projects/:id/members/all/:user_id", h_member_all),
    ("GET", "/personal_access_tokens/self", h_token_self),
    ("GET", "/projects/:id/issues/:iid/resource_state_events", h_state_events),
    ("GET", "/projects/:id/issues/:iid/links", h_list_links),
    ("POST", "/projects/:id/issues/:iid/links", h_create_link),
    ("DELETE", "/projects/:id/issues/:iid/links/:issue_link_id", h_delete_link),
    ("GET", "/projects/:id/repository/files/:file_path/raw", h_get_file_raw),
    ("GET", "/projects/:id/repository/files/:file_path", h_get_file),
    ("HEAD", "/projects/:id/repository/files/:file_path", h_get_file),
    ("POST", "/projects/:id/repository/files/:file_path", h_create_file),
    ("PUT", "/projects/:id/repository/files/:file_path", h_update_file),
    ("GET", "/projects/:id/hooks", h_list_hooks),
    ("POST", "/projects/:id/hooks", h_create_hook),
    ("GET", "/projects/:id/hooks/:hook_id", h_get_hook),
    ("PUT", "/projects/:id/hooks/:hook_id", h_update_hook),
    ("DELETE", "/projects/:id/hooks/:hook_id", h_delete_hook),
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

