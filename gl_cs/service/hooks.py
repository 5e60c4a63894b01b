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

import gitlab
import requests
from gitlab import exceptions as gle

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


def install(gitlab_url: str, token: str, project: str | int, url: str, secret: str, *, dry_run: bool = False,
            update_secret: bool = False) -> Plan:
    gl = gitlab.Gitlab(gitlab_url.rstrip("/"), private_token=token, timeout=30, retry_transient_errors=True)
    proj = gl.projects.get(project, lazy=True)
    try:
        existing = [dict(h.attributes) for h in proj.hooks.list(get_all=True, per_page=100)]
        plan = plan_hook(existing, url, update_secret=update_secret)
        if dry_run or plan.action == "none":
            return plan
        data = dict(plan.changes, url=url, token=secret)
        if plan.action == "create":
            proj.hooks.create(data)
        else:
            proj.hooks.update(plan.hook_id, data)
        return plan
    except gle.GitlabAuthenticationError:
        raise HookError("GitLab rejected the token (401); check --token / GITLAB_TOKEN") from None
    except gle.GitlabError as exc:
        hint = " (managing webhooks needs the Maintainer role)" if exc.response_code == 403 else ""
        detail = str(exc.error_message or "")[:200].replace(token, "[token]").replace(secret, "[secret]")
        raise HookError(f"GitLab answered {exc.response_code} {detail}{hint}".rstrip()) from None
    except requests.RequestException as exc:
        raise HookError(f"cannot reach GitLab ({exc.__class__.__name__})") from None
