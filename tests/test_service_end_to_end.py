"""End to end, as GitLab runs it: a person edits an issue in the sandbox, the sandbox
delivers GitLab's webhook (with its headers) to `gl-cs serve`, which runs the very rules of
`gl-cs sync --issue` and updates the issue; gl-cs's own edit comes back as an event and is
ignored. The hook itself is registered by `gl-cs hooks install` through the API."""

from __future__ import annotations

import re

import gitlab

from conftest import PROJECT
from gl_cs.gitlab.adapter import GitLab
from gl_cs.service.hooks import install
from service_helpers import SECRET, service, wait_for, wait_idle  # noqa: F401  (service: the fixture)


def _lead(desk) -> GitLab:
    """`gl-cs hooks install` is run once, by a Maintainer (webhooks need that role)."""
    desk.store.add_user("mia.lead")
    desk.store.add_member(desk.project_id, "mia.lead", 40)
    desk.store.add_token("lead-token", "mia.lead")
    return GitLab(desk.sandbox.url, "lead-token", PROJECT)


def test_hooks_install_registers_the_hook_once_on_the_sandbox(desk, service):
    adapter = _lead(desk)
    first = install(adapter, service.url + "/webhook", SECRET)
    again = install(adapter, service.url + "/webhook", SECRET)
    assert (first.action, again.action) == ("create", "none")
    [hook] = desk.store.hooks(desk.project_id)
    assert hook["issues_events"] and hook["note_events"] and not hook["push_events"]


def test_a_persons_edit_reaches_gl_cs_through_gitlabs_webhook_and_is_handled(desk, service):
    iid = desk.issue(labels=("SA Backlog", "FY27-Q4"))
    install(_lead(desk), service.url + "/webhook", SECRET)
    desk.store.add_token("ae-token", "eve.ae")
    person = gitlab.Gitlab(desk.sandbox.url, private_token="ae-token")
    issue = person.projects.get(desk.project_id, lazy=True).issues.get(iid)
    issue.labels = [l for l in issue.labels if l != "SA Backlog"]  # the AE drops the workflow label
    issue.save()

    wait_for(lambda: "SA Backlog" in desk.labels(iid))  # gl-cs put it back, within seconds
    assert desk.sandbox.deliveries.flush(10)
    wait_idle(service)
    events = desk.sandbox.deliveries.events()
    assert ("Issue Hook", 200) in events and all(status == 200 for _, status in events)
    counts = service.journal.counts()
    assert counts.get("failed", 0) == 0 and counts.get("parked", 0) == 0, counts
    # gl-cs's own edit came back as an event and was acknowledged and ignored: no second run
    text = service.metrics.render().decode() if isinstance(service.metrics.render(), bytes) else service.metrics.render()
    own = [float(m) for m in re.findall(r'reason="own_event"\} ([0-9.e+]+)', text)]
    assert own and own[0] >= 1, text
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
