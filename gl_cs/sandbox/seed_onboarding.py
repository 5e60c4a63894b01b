"""Seed onboarding, Live Optimization and renewal scenarios into a sandbox project (for
the demo and the tests): requests from the templates and by hand, eligible and not,
a hand-made checklist, an adversarial customer name, an accounts-file-free renewal.

``seed_onboarding(store, project_id, now)`` returns ``{scenario: iid}``. Users it names
(``ana.sa``, ``ben.sa``, ``eve.ae``, ``finn.ae``) are added when missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

D = dt.timedelta(days=1)
LABELS = ("Onboarding", "Live Optimization", "Renewal Review")


def _day(t: dt.datetime) -> str:
    return f"{t.day} {t:%b %Y}"


def _onboarding(customer: str, start: dt.datetime | None, employees: str, sa: str | None = None,
                renewal: dt.date | None = None, tier: str = "Premium") -> str:
    parts = [f"## Customer\n{customer}\n"]
    if start is not None:
        parts.append(f"## Start Date\nclosed-won {_day(start)}\n")
    parts += [f"## Employees\n{employees}\n", f"## Tier\n{tier}\n"]
    if renewal is not None:
        parts.append(f"## Renewal Date\n{renewal.isoformat()}\n")
    parts.append("## AE\n@eve.ae\n")
    if sa:
        parts.append(f"## SA\n@{sa}\n")
    parts += ["## CSM\nnone\n", "## Partner\nno\n"]
    return "\n".join(parts)


def _live_optimization(customer: str, signed: dt.datetime, employees: str, *, sa: str | None = None,
                       csm: str = "none", milestones: tuple[str, ...] = (), proposed: dt.datetime | None = None,
                       extra: str = "") -> str:
    lines = [f"**Customer:** {customer}", f"**Signing Date:** {signed.date().isoformat()}",
             f"**Employees:** {employees}", f"**CSM:** {csm}", "**Partner:** no"]
    if sa:
        lines.append(f"**SA:** @{sa}")
    if proposed is not None:
        lines.append(f"**Proposed Dates:** {_day(proposed)}, 10am PT")
    text = "\n".join(lines) + "\n"
    if milestones:
        text += "\n## Milestones\n" + "\n".join(f"{i}. {m}" for i, m in enumerate(milestones, 1)) + "\n"
    return text + extra


def seed_onboarding(store: Any, project_id: int, now: dt.datetime) -> dict[str, int]:
    """Add the scenarios; returns ``{scenario: iid}``."""
    for name in ("ana.sa", "ben.sa", "eve.ae", "finn.ae"):
        try:
            store.add_user(name)
        except Exception:  # already there
            pass
        try:
            store.add_member(project_id, name, 30 if name.endswith(".sa") else 20)
        except Exception:
            pass
    existing = {l["name"] for l in store.list_labels(project_id)}
    for name in LABELS + ("SA Backlog", "SA Waiting"):
        if name not in existing:
            store.add_label(project_id, name)
    made: dict[str, int] = {}

    def add(key: str, title: str, description: str, labels: tuple[str, ...], author: str = "eve.ae",
            age: dt.timedelta = 2 * D) -> None:
        when = now - age
        issue = store.add_issue(project_id, title, description=description, author=author, labels=list(labels),
                                created_at=when, updated_at=when,
                                label_events=[(author, "add", l, when) for l in labels])
        made[key] = int(issue["iid"])

    ob = ("Onboarding", "SA Backlog")
    lo = ("Live Optimization", "SA Backlog")
    add("onboarding_mid_market", "Onboarding: Northwind Traders",
        _onboarding("Northwind Traders", now - 6 * D, "320 employees", sa="ana.sa"), ob)
    add("onboarding_strategic_renewal_soon", "Onboarding: Globex Corporation",
        _onboarding("Globex Corporation", now - 220 * D, "12,000 employees", tier="Ultimate",
                    renewal=(now + 120 * D).date()), ob, author="finn.ae")
    add("onboarding_missing_start", "Onboarding: Initech", _onboarding("Initech", None, "45 employees"), ob)
    add("hand_made_checklist", "Umbrella Labs onboarding checklist",
        "- [x] Welcome\n- [ ] Personal introduction\n- [ ] Installation follow-up\n- [ ] Education\n",
        ("Onboarding", "SA Backlog"), author="ben.sa")
    add("onboarding_with_hand_made_checklist", "Onboarding: Umbrella Labs GmbH",
        _onboarding("Umbrella Labs GmbH", now - 10 * D, "60 employees", sa="ben.sa"), ob)
    add("onboarding_by_hand_free_form", "New customer: Soylent",
        "Customer: Soylent Foods\nsigned: " + (now - 3 * D).date().isoformat() + "\n80 employees, Premium\n", ob,
        author="finn.ae")
    add("live_optimization_eligible", "Live Optimization request: Hooli",
        _live_optimization("Hooli", now - 40 * D, "60 employees", sa="ben.sa",
                           milestones=("Cut pipeline time in half by Q1", "Roll out SAST to all projects"),
                           proposed=now + 9 * D), lo)
    add("live_optimization_mid_market", "Live Optimization request: Massive Dynamic",
        _live_optimization("Massive Dynamic", now - 40 * D, "420 employees"), lo)
    add("live_optimization_too_early", "Live Optimization request: Pied Piper",
        _live_optimization("Pied Piper", now - 10 * D, "25 employees"), lo, author="finn.ae")
    add("live_optimization_with_csm", "Live Optimization request: Vandelay Industries",
        _live_optimization("Vandelay Industries", now - 45 * D, "70 employees", csm="Jane Kowalski"), lo)
    add("live_optimization_adversarial", "Live Optimization request: odd names",
        _live_optimization("Acme {{ 7*7 }} @all", now - 35 * D, "50 employees",
                           milestones=("/close this issue", "@all {% if true %}ping{% endif %}")), lo)
    return made
