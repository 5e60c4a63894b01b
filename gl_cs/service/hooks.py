"""``gl-cs hooks install``: the webhook gl-cs needs, on each desk (or once on its group).

The hook for ``url`` gets exactly the events gl-cs reads (issues and comments, the
confidential ones included), nothing else (GitLab turns push events on by default), SSL
verification on, and the secret token. An existing hook with the same URL is updated
only where it differs; one that is already right is left alone. GitLab never shows a
hook's token again, so an existing hook's token is only rewritten with
``--update-secret`` (after the secret changed).

The plan is made here (pure: :func:`plan_hook`); the write goes through the one write path,
``gl_cs.act`` (an :class:`~gl_cs.decide.actions.EnsureHook` action): the dry writer says
what it would do and sends nothing, so nothing here asks whether this is a dry run.

Requests per desk: ``GET /projects/:id/hooks``, then at most one ``POST`` (new) or ``PUT``
(fix); on a group, the same on ``/groups/:id/hooks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..act.writer import Writer
from ..decide.actions import EnsureHook
from ..gitlab.adapter import GitLab, GitLabError

WANTED: dict[str, bool] = {
    "issues_events": True,
    "confidential_issues_events": True,
    "note_events": True,
    "confidential_note_events": True,
    "push_events": False,
    "tag_push_events": False,
    "merge_requests_events": False,
    "job_events": False,
    "pipeline_events": False,
    "wiki_page_events": False,
    "deployment_events": False,
    "releases_events": False,
    "enable_ssl_verification": True,
}


class HookError(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Plan:
    action: str  # "create" | "update" | "none"
    hook_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # without the token

    def describe(self, url: str) -> str:
        if self.action == "none":
            return f"webhook {url} (id {self.hook_id}) is already right: nothing to do"
        fields = ", ".join(f"{k}={v}" for k, v in sorted(self.changes.items())) or "token"
        if self.action == "create":
            return f"create webhook {url}: {fields}, secret token set"
        return f"update webhook {url} (id {self.hook_id}): {fields}"


def plan_hook(existing: list[dict[str, Any]], url: str, *, update_secret: bool = False) -> Plan:
    """What to do, given the project's hooks as GitLab lists them."""
    same = [h for h in existing if str(h.get("url", "")).rstrip("/") == url.rstrip("/")]
    if not same:
        return Plan("create", changes=dict(WANTED))
    hook = same[0]
    changes = {k: v for k, v in WANTED.items() if k in hook and bool(hook.get(k)) != v}
    changes.update({k: v for k, v in WANTED.items() if k not in hook and v})
    if not changes and not update_secret:
        return Plan("none", hook_id=int(hook["id"]))
    return Plan("update", hook_id=int(hook["id"]), changes=changes)


def install(gitlab: "GitLab", url: str, secret: str, *, writer=None, update_secret: bool = False,
            group: str | int | None = None) -> Plan:
    """Plan against the project's hooks (or ``group``'s; one read), then create or fix the
    hook through ``writer`` (at most one write; the default is the real writer, a
    :class:`~gl_cs.act.writer.DryWriter` writes nothing). Errors name what failed, never
    the token or secret."""
    writer = writer if writer is not None else Writer(gitlab, is_bot=lambda user: False)
    try:
        plan = plan_hook(gitlab.group_hooks(group) if group is not None else gitlab.hooks(), url,
                         update_secret=update_secret)
        if plan.action != "none":
            writer.execute(EnsureHook("hooks", "gl-cs serve needs this desk's issue and comment events", url=url,
                                      hook_id=plan.hook_id, fields=tuple(sorted(plan.changes.items())),
                                      token=secret, group=group))
        return plan
    except GitLabError as exc:
        role = "Owner of the group" if group is not None else "Maintainer role"
        hint = f" (managing webhooks needs the {role})" if exc.status == 403 else ""
        raise HookError(f"{str(exc).replace(secret, '[secret]')}{hint}", exc.status) from None
