"""A month of desk history for ``gl-cs report`` (the demo sandbox, the insights tests).

:func:`seed_history` adds to a sandbox project, for the last full month before ``now`` in the
desk's time zone (and a little before and after it):

* about 36 SA Activity requests, each living its life as label events: the AE's template puts
  it in SA Backlog; some arrive incomplete (gl-cs moves them to SA Waiting, asks in a comment
  with its hidden marker, and thanks the AE when they complete it, or they never do); an SA
  triages it (assigning themselves), some go to SA Waiting on the AE and back, most are
  started (SA Doing) and many closed (gl-cs then drops the workflow label); some get
  EXPEDITE, from the AE or from gl-cs, with the event under or over 24 hours away;
* onboarding checklists gl-cs opened (rendered from its own template, with its hidden key),
  whose steps SAs tick over the weeks (a description edit: the sandbox writes GitLab's
  "marked the checklist item ... as completed" note), one ticked and unticked again, and one
  checklist made by hand with a step ticked when it was written;
* renewal review issues gl-cs opened, due in the month, some closed;
* SA Action Items issues, one closed in the month (never requests).

Everything after ``now`` is left out, so the desk is as it would be at ``now``. Deterministic
for a ``now`` (a seeded random generator). Returns the ground truth the tests check the report
against: ``{"requests": {iid: {...}}, "checklists": {iid: {...}}, "reviews": [...], ...}``.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Any

from .seed import COMPLETE_REQUEST

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
M = dt.timedelta(minutes=1)
BOT = "gl-cs-bot"
SAS = ("ana.sa", "ben.sa", "chen.sa", "dara.sa")
AES = ("eve.ae", "finn.ae", "gus.ae", "hana.ae")
CUSTOMERS = ("Initech", "Globex", "Hooli", "Cyberdyne", "Soylent Foods", "Wayne Financial", "Oscorp",
             "Tyrell Systems", "Massive Dynamic", "Stark Logistics", "Umbrella Health", "Pied Piper")
_DATES = "2026-11-26 10:00 America/New_York"


def _request_text(event: dt.datetime, complete: bool, customer: str) -> str:
    text = COMPLETE_REQUEST.replace(_DATES, event.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    text = text.replace("Initech, 250 seats", f"{customer}, 250 seats")
    if not complete:
        text = text.split("## SA Tasks")[0].rstrip() + "\n"
    return text


def _s(t: dt.datetime) -> dt.datetime:
    """To the second, as GitLab's API shows times to the millisecond."""
    return t.replace(microsecond=0)


class _History:
    """One issue's events before ``now``: label moves, notes, state; then seeded at once."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.events: list[tuple[str, str, str, dt.datetime]] = []
        self.notes: list[tuple[str, str, dt.datetime]] = []
        self.closed: tuple[dt.datetime, str] | None = None

    def move(self, who: str, when: dt.datetime, add: str | None, remove: str | None = None) -> bool:
        when = _s(when)
        if when > self.now:
            return False
        if add:
            self.events.append((who, "add", add, when))
        if remove:
            self.events.append((who, "remove", remove, when))
        return True

    def labels(self) -> list[str]:
        present: list[str] = []
        for _, action, label, _ in sorted(self.events, key=lambda e: e[3]):
            if action == "add" and label not in present:
                present.append(label)
            elif action == "remove" and label in present:
                present.remove(label)
        return present


def seed_history(store: Any, project_id: int, now: dt.datetime, *, timezone: str = "America/Los_Angeles",
                 seed: int = 21) -> dict[str, Any]:
    """Seed the month before ``now`` (see the module docstring); returns its ground truth."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    last = today.replace(day=1) - D
    since = dt.datetime.combine(last.replace(day=1), dt.time(0), tzinfo=zone)
    until = dt.datetime.combine(last + D, dt.time(0), tzinfo=zone)
    for name in (BOT, *SAS, *AES):
        try:
            store.add_user(name, bot=name == BOT)
        except Exception:  # already there
            pass
        try:
            level = 20 if name.endswith(".ae") else 30
            if not any(m["username"] == name for m in store.members(project_id)):
                store.add_member(project_id, name, level)
        except Exception:
            pass
    names = {l["name"] for l in store.labels(project_id)}
    triaged = next((n for n in sorted(names) if n.startswith("SA Triaged")), "SA Triaged")
    for name in ("SA Backlog", triaged, "SA Doing", "SA Waiting", "SA Action Items", "EXPEDITE", "Onboarding"):
        if name not in names:
            store.add_label(project_id, name)
    truth: dict[str, Any] = {"since": since, "until": until, "requests": {}, "checklists": {}, "reviews": []}

    # -- requests ---------------------------------------------------------------------
    for n in range(36):
        created = _s(since + rng.uniform(-8, 38) * D)
        if created > now - 2 * H:
            continue
        author, sa, customer = AES[n % len(AES)], rng.choice(SAS), CUSTOMERS[n % len(CUSTOMERS)]
        h = _History(now)
        h.move(author, created, "SA Backlog")
        at = created
        incomplete = rng.random() < 0.3
        completes = incomplete and rng.random() < 0.75
        if incomplete:
            asked = _s(created + rng.uniform(5, 25) * M)
            h.move(BOT, asked, "SA Waiting", "SA Backlog")
            h.notes.append((BOT, f"@{author} the request is missing SA Tasks.\n\n"
                                 f"<!-- gl-cs:intake:missing-{n:04d}abcdef -->", asked))
            at = asked
            if completes:
                done = _s(asked + rng.uniform(2, 70) * H)
                if h.move(BOT, done + 10 * M, "SA Backlog", "SA Waiting"):
                    h.notes.append((BOT, f"@{author} thank you, the request is complete.\n\n"
                                         f"<!-- gl-cs:intake:complete-{n:04d}abcdef -->", done + 10 * M))
                at = done + 10 * M
        event = (created + rng.uniform(3, 20) * D).replace(second=0, microsecond=0)
        expedite = None
        if rng.random() < 0.3:
            legit = rng.random() < 0.6
            lead = rng.uniform(2, 20) if legit else rng.uniform(30, 90)
            event = max(event, (created + (lead + 6) * H).replace(second=0, microsecond=0))
            expedite = (_s(event - lead * H), legit, BOT if legit and rng.random() < 0.5 else author)
        assignees: list[str] = []
        state = "SA Backlog" if not incomplete or completes else "SA Waiting"
        if state == "SA Backlog" and rng.random() < 0.9:
            t = at + rng.uniform(0.5, 96) * H
            if h.move(sa, t, triaged, "SA Backlog"):
                assignees, state, at = [sa], triaged, t
                if rng.random() < 0.35:
                    t = at + rng.uniform(2, 48) * H
                    # half the time the SA only adds SA Waiting (the label picker, not the board):
                    # two workflow labels until gl-cs's next sync keeps the newer one
                    both = rng.random() < 0.5
                    if h.move(sa, t, "SA Waiting", None if both else triaged):
                        if both:
                            h.move(BOT, t + 20 * M, None, triaged)
                        state, at = "SA Waiting", t
                        if rng.random() < 0.8:
                            t = at + rng.uniform(6, 120) * H
                            if h.move(author, t, triaged, "SA Waiting"):
                                state, at = triaged, t
                if state == triaged and rng.random() < 0.8:
                    t = at + rng.uniform(2, 72) * H
                    if h.move(sa, t, "SA Doing", triaged):
                        state, at = "SA Doing", t
                        if rng.random() < 0.7:
                            t = _s(at + rng.uniform(1, 10) * D)
                            if t <= now:
                                h.closed = (t, sa)
                                h.move(BOT, t + 15 * M, None, "SA Doing")
        if expedite is not None:
            when, legit, who = expedite
            when = max(when, created + 30 * M)
            expedite = (when, legit, who)
            if (h.closed is None or when < h.closed[0]) and h.move(who, when, "EXPEDITE"):
                removed = event + 2 * H if legit else when + 20 * M
                if h.closed is not None and removed > h.closed[0]:
                    removed = h.closed[0] + 15 * M
                h.move(BOT, removed, None, "EXPEDITE")
            else:
                expedite = None
        if rng.random() < 0.3:
            h.notes.append((sa, "Looking into it, will update here.", min(now, at + 3 * H)))
        issue = store.add_issue(
            project_id, f"SA Activity: {customer} - {rng.choice(['discovery', 'demo', 'workshop', 'POC'])}",
            _request_text(event, not incomplete or completes, customer), author=author, labels=h.labels(),
            assignees=assignees, created_at=created, label_events=h.events,
            state="closed" if h.closed else "opened", closed_at=h.closed[0] if h.closed else None,
            closed_by=h.closed[1] if h.closed else None)
        iid = int(issue["iid"])
        for who, body, when in h.notes:
            store.add_note(project_id, iid, body, who, created_at=when)
        truth["requests"][iid] = {"created": created, "author": author, "event": event,
                                  "expedite": expedite, "incomplete": incomplete, "completes": completes}

    # -- onboarding checklists ---------------------------------------------------------
    from ..decide.accounts.checklist import schedule
    from ..render import Trusted, render

    def checklist(customer: str, start: dt.date, ticks: dict[int, float], untick: int | None = None) -> None:
        steps = schedule(start, "Mid-Market")
        values = {"customer": customer, "request_ref": Trusted("#1"), "start": start, "segment": "Mid-Market",
                  "tier": "Premium", "renewal": None, "ae": Trusted("@eve.ae"), "sa": Trusted("@ana.sa"),
                  "csm": None, "partner": None, "seats": None, "start_note": "",
                  "steps": [{"number": i + 1, "title": Trusted(d.step.title), "span": Trusted(d.step.span),
                             "what": Trusted(d.step.what), "due": d.due} for i, d in enumerate(steps)],
                  "assignment": ""}
        slug = customer.lower().replace(" ", "-")
        text = render("onboarding_checklist.md.j2", values) + f"\n\n<!-- gl-cs:create:onboarding:{slug}:checklist -->"
        opened = dt.datetime.combine(start, dt.time(9), tzinfo=zone)
        issue = store.add_issue(project_id, f"Onboarding checklist: {customer}", text, author=BOT,
                                labels=["Onboarding", triaged],
                                assignees=["ana.sa"], created_at=opened)
        iid = int(issue["iid"])
        done: dict[int, dt.datetime] = {}
        plan = sorted((_s(opened + days * D), number, True) for number, days in ticks.items())
        if untick is not None and untick in ticks:
            plan.append((_s(opened + (ticks[untick] + 1) * D), untick, False))
            plan.sort()
        for when, number, tick in plan:
            if when > now:
                continue
            _tick(store, project_id, iid, number, tick, when)
            if tick:
                done[number] = when
            else:
                done.pop(number, None)
        truth["checklists"][iid] = {"customer": customer, "start": start, "ticked": done,
                                    "due": {i + 1: d.due for i, d in enumerate(steps)}}

    first = since.date()
    checklist("Adventure Works", first - 12 * D, {1: 0.2, 2: 3.1, 3: 9.2, 4: 26.0})
    checklist("Contoso", first + 3 * D, {1: 0.1, 2: 6.3, 3: 13.0}, untick=3)
    checklist("Fabrikam", first + 15 * D, {1: 1.2, 2: 4.0, 3: 8.5})
    checklist("Tailspin Toys", first + 27 * D, {1: 0.3})
    hand = store.add_issue(project_id, "Litware onboarding checklist",
                           f"Customer: Litware\nStart date: {(first + 5 * D).isoformat()}\n\n"
                           "- [x] Welcome\n- [ ] Personal introduction\n- [ ] Installation follow-up\n- [ ] Education\n",
                           author="ben.sa", labels=["Onboarding", "SA Backlog"],
                           created_at=dt.datetime.combine(first + 5 * D, dt.time(10), tzinfo=zone))
    truth["checklists"][int(hand["iid"])] = {"customer": "Litware", "start": first + 5 * D, "ticked": {},
                                             "hand_made": True}

    # -- renewal reviews and an SA Action Items issue ------------------------------------
    for n, (account, renewal, months, opened_day, closed_day) in enumerate((
            ("wingtip", first + 150 * D, 5, first - 20 * D, first + 12 * D),
            ("proseware", first + 99 * D, 3, first - 2 * D, None),
            ("lucerne", first + 172 * D, 5, first + 4 * D, first + 30 * D),
            ("datum", first + 240 * D, 5, first + 25 * D, None))):
        due = renewal - months * 30 * D
        opened = dt.datetime.combine(opened_day, dt.time(8), tzinfo=zone)
        closed = dt.datetime.combine(closed_day, dt.time(16), tzinfo=zone) if closed_day else None
        if closed is not None and closed > now:
            closed = None
        review = store.add_issue(
            project_id, f"Renewal review ({months} months before): {account.title()} renews {renewal.isoformat()}",
            f"Renewal review for {account.title()}.\n\n<!-- gl-cs:create:renewal:{account}:{renewal.isoformat()}:"
            f"{months}m -->", author=BOT, labels=[] if closed else ["SA Backlog"], created_at=opened,
            due_date=due.isoformat(), state="closed" if closed else "opened", closed_at=closed, closed_by="ana.sa")
        truth["reviews"].append({"iid": int(review["iid"]), "due": due, "opened": opened, "closed": closed})
    store.add_issue(project_id, "SA team: refresh the demo environment", "Long-running SA work.", author="ana.sa",
                    labels=["SA Action Items"], assignees=["ana.sa"], created_at=since + 2 * D)
    done = since + 20 * D  # one closed in the month: gl-cs then took its workflow label off
    closed = store.add_issue(project_id, "SA team: new demo scripts", "Long-running SA work.", author="ben.sa", labels=[],
                    assignees=["ben.sa"], created_at=since - 10 * D, state="closed", closed_at=done, closed_by="ben.sa",
                    label_events=[("ben.sa", "add", "SA Action Items", since - 10 * D),
                                  (BOT, "remove", "SA Action Items", done + 10 * M)])
    truth["closed_action_items"] = [int(closed["iid"])]
    return truth


def _tick(store: Any, project_id: int, iid: int, number: int, tick: bool, when: dt.datetime) -> None:
    """An SA ticks (or unticks) step ``number`` by editing the description, at ``when``."""
    issue = store.issue(project_id, iid)
    lines = issue["description"].splitlines()
    marker = f"**{number}. "
    for i, line in enumerate(lines):
        if marker in line and line.lstrip().startswith(("- [ ]", "- [x]")):
            lines[i] = line.replace("- [ ]", "- [x]", 1) if tick else line.replace("- [x]", "- [ ]", 1)
    clock = store.clock
    store.clock = lambda: when
    try:
        store.api_update_issue(project_id, iid, store.user("ana.sa")["id"], {"description": "\n".join(lines)})
    finally:
        store.clock = clock
