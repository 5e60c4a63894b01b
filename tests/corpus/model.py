"""One case of the reading corpus, and how its decision is derived.

A case says what a careful SA team lead reads in a description: which fields
are missing (``intake.unsure: ask`` unless the case says otherwise), the event
time gl-cs must read from Preferred Date Options, and the decision:

* ``complete`` / ``ask`` - intake: nothing missing / ask for the missing fields;
* ``+expedite``  - the event is under 24 hours after :data:`NOW` (EXPEDITE);
* ``+unreadable`` - dates were written but cannot be read without guessing
  (no date, or a time written that could not be attached): ask for a date.

``event`` is the earliest upcoming event start in UTC, ``YYYY-MM-DDTHH:MMZ``,
with `` day`` appended for a date without a time, or None when no date is
written, or ``"unreadable"``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.timezone.utc)  # Mon 23 Nov 2026, 10:00 in Los Angeles
TEAM_TZ = "America/Los_Angeles"
DAY = dt.timedelta(hours=24)

CI, PD, OD, OU, CH, IN, SA = (
    "customer_information", "preferred_date_options", "opportunity_details", "outcome", "challenges",
    "infrastructure", "sa_tasks",
)
ALL = frozenset({CI, PD, OD, OU, CH, IN, SA})
NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    missing: frozenset[str]
    event: str | None
    decision: str
    #: key -> a text the field must contain (spot checks of what was read)
    contains: dict[str, str] = field(default_factory=dict)
    #: keys expected in ParsedRequest.unsure
    unsure: frozenset[str] = frozenset()
    #: intake.unsure for this case
    policy: str = "ask"
    #: where the kind of writing comes from
    kind: str = ""


def event_of(found: list, now: dt.datetime = NOW):
    """(event text, expedite?) from find_dates results, as the expedite rule reads them."""
    if not found or any(getattr(d, "unread_time", "") for d in found):
        return "unreadable", False
    events = [(d.when, d.when + DAY if d.date_only else d.when, d.date_only) for d in found]
    upcoming = [e for e in events if e[1] > now]
    if not upcoming:
        return "passed", False
    start, _, date_only = min(upcoming, key=lambda e: e[0])
    text = start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ") + (" day" if date_only else "")
    return text, start - now < DAY


def decision_of(missing, pd_text: str, found: list) -> tuple[str | None, str]:
    decision = "ask" if missing else "complete"
    if not pd_text.strip():
        return None, decision
    event, expedite = event_of(found)
    if event == "unreadable":
        decision += "+unreadable"
    elif expedite:
        decision += "+expedite"
    return event, decision
