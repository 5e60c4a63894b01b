"""Triage situations for the demo and the triage tests, on top of :func:`seed_service_desk`.

:func:`seed_triage` adds to the seeded SA Service Desk what a triage call is about and the
base desk lacks: an SA over capacity, a request stuck in SA Doing, one waiting on its AE
for two weeks (known from its label history), and a title that would break a table or
notify everyone if it were quoted carelessly. With ``triaged_label`` it also renames the SA
Triaged label (to last week's name, as last Monday's rotation left it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .seed import COMPLETE_REQUEST
from .store import Store

D = dt.timedelta(days=1)
H = dt.timedelta(hours=1)
_DATES = "2026-11-26 10:00 America/New_York"


def _request(when: dt.datetime) -> str:
    return COMPLETE_REQUEST.replace(_DATES, when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def seed_triage(store: Store, project_id: int, now: dt.datetime, *, overloaded: str = "ana.sa",
                triaged_label: str | None = None) -> dict[str, Any]:
    """Add the triage situations; returns ``{"scenarios": {key: iid}}``."""
    later = now + 12 * D  # an event outside the summary's next seven days
    scenarios: dict[str, int] = {}

    def add(key: str, title: str, labels: list[str], *, author: str = "eve.ae", assignees=(), event=later,
            created: dt.timedelta = -20 * D, updated: dt.timedelta | None = None, events=None) -> None:
        issue = store.add_issue(project_id, title, _request(event), author=author, labels=labels,
                                assignees=list(assignees), created_at=now + created,
                                updated_at=(now + updated) if updated is not None else None,
                                label_events=events)
        scenarios[key] = int(issue["iid"])

    for n in range(5):
        add(f"load_{n}", f"SA Activity: Initech workshop {n + 1} of 5", ["SA Triaged"], assignees=[overloaded],
            events=[("eve.ae", "add", "SA Backlog", now - 20 * D), (overloaded, "remove", "SA Backlog", now - 19 * D),
                    (overloaded, "add", "SA Triaged", now - 19 * D)])
    add("doing_stuck", "SA Activity: Globex pipeline migration", ["SA Doing"], author="finn.ae",
        assignees=["chen.sa"], updated=-11 * D,
        events=[("finn.ae", "add", "SA Backlog", now - 20 * D), ("chen.sa", "remove", "SA Backlog", now - 15 * D),
                ("chen.sa", "add", "SA Doing", now - 15 * D)])
    add("waiting_two_weeks", "SA Activity: Umbrella Health sizing", ["SA Waiting"], author="gus.ae",
        assignees=["ben.sa"], updated=-3 * H,
        events=[("gus.ae", "add", "SA Backlog", now - 20 * D), ("ben.sa", "remove", "SA Backlog", now - 14 * D),
                ("ben.sa", "add", "SA Waiting", now - 14 * D)])
    add("nasty_title", "[safety test] Acme | Initech joint demo @all /close ~EXPEDITE", ["SA Backlog"], author="ivan.ae",
        created=-2 * D, event=now + 2 * D)
    if triaged_label:
        label = next(l for l in store.labels(project_id) if l["name"] == "SA Triaged")
        store.api_update_label(project_id, str(label["id"]), store.user("gl-cs-bot")["id"],
                               new_name=triaged_label)
    return {"scenarios": scenarios}

