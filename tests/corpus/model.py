"""One case of the reading corpus, and how its decision is derived.

A case says what a careful SA team lead reads in a description: which fields
are missing (``intake.unsure: ask`` unless the case says otherwise), the event
time gl-cs must read from Preferred Date Options, and the decision:

* ``complete`` / ``ask`` - intake: nothing missing / ask for the missing fields;
* ``+expedite``  - a date read whole puts the event under 24 hours after :data:`NOW`
  (EXPEDITE);
* ``+unreadable`` - otherwise, gl-cs must ask: dates were written but none can be read
  without guessing, or a date whose written time could not be attached falls on a day
  that could hold an event under 24 hours away.  A date whose time could not be attached
  is never read as the whole day, and never throws the dates read whole away.

``event`` is the earliest upcoming start of a date read whole in UTC,
``YYYY-MM-DDTHH:MMZ``, with `` day`` appended for a date without a time, ``"passed"``,
None when no date is written, or ``"unreadable"`` when no date was read whole.
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
    """(event text, expedite?, ask?) from find_dates results, as the expedite rule reads them."""
    whole = [d for d in found if not getattr(d, "unread_time", "")]
    unclear = [d.when for d in found if getattr(d, "unread_time", "")]  # each the midnight of its day
    events = [(d.when, d.when + DAY if d.date_only else d.when, d.date_only) for d in whole]
    upcoming = [e for e in events if e[1] > now]
    soon = any(e[0] - now < DAY for e in upcoming) or any(now <= u and u + DAY <= now + DAY for u in unclear)
    at_stake = any(u < now + DAY and u + DAY > now for u in unclear)
    ask = not soon and (at_stake or not found)
    if not whole:
        return "unreadable", soon, ask
    if not upcoming:
        return "passed", soon, ask
    start, _, date_only = min(upcoming, key=lambda e: e[0])
    text = start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ") + (" day" if date_only else "")
    return text, soon, ask


def decision_of(missing, pd_text: str, found: list) -> tuple[str | None, str]:
    decision = "ask" if missing else "complete"
    if not pd_text.strip():
        return None, decision
    event, expedite, ask = event_of(found)
    if expedite:
        decision += "+expedite"
    elif ask:
        decision += "+unreadable"
    return event, decision
