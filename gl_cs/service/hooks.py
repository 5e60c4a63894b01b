"""``gl-cs hooks install``: the project webhook gl-cs needs, registered through the API.

The hook for ``url`` gets exactly the events gl-cs reads (issues and comments, the
confidential ones included), nothing else (GitLab turns push events on by default), SSL
verification on, and the secret token. An existing hook with the same URL is updated
only where it differs; one that is already right is left alone. GitLab never shows a
hook's token again, so an existing hook's token is only rewritten with
``--update-secret`` (after the secret changed).

Requests: ``GET /projects/:id/hooks``, then at most one ``POST`` (new) or ``PUT`` (fix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    pass


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


def install(gitlab: "GitLab", url: str, secret: str, *, dry_run: bool = False, update_secret: bool = False) -> Plan:
    """Plan against the project's hooks (one read), then create or fix the hook through
    the adapter (at most one write). Errors name what failed, never the token or secret."""
    try:
        plan = plan_hook(gitlab.hooks(), url, update_secret=update_secret)
        if dry_run or plan.action == "none":
            return plan
        data = dict(plan.changes, url=url, token=secret)
        if plan.action == "create":
            gitlab.create_hook(data)
        else:
            gitlab.update_hook(plan.hook_id, data)
        return plan
    except GitLabError as exc:
        hint = " (managing webhooks needs the Maintainer role)" if exc.status == 403 else ""
        raise HookError(f"{str(exc).replace(secret, '[secret]')}{hint}") from None
