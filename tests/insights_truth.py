"""The desk insights' figures, computed here from the seeded sandbox's own data (its label
events, notes and issues as the store holds them) and the seed's ground truth, without any
of gl_cs.insights: what `gl-cs report` must say. Written differently on purpose: a state
at a moment is a replay of every event before it, a time in a state is summed over the
stretches between events, the 90th percentile is the smallest value at least 90 % of the
values do not exceed."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import zoneinfo
from collections import Counter, defaultdict

TZ = zoneinfo.ZoneInfo("America/Los_Angeles")
ROSTER = ("ana.sa", "ben.sa", "chen.sa", "dara.sa")
MARKER = re.compile(r"<!-- gl-cs:(intake|kind_intake):(missing|complete)-[\w.:=,+-]* -->")


def t(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def state_of(label: str) -> str | None:
    if label == "SA Backlog":
        return "backlog"
    if label.startswith("SA Triaged"):
        return "triaged"
    return {"SA Doing": "doing", "SA Waiting": "waiting", "SA Action Items": "action_items"}.get(label)


def hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    return min(x for x in values if sum(1 for y in values if y <= x) >= 0.9 * len(values))


def spread(values: list[float]) -> dict:
    return {"count": len(values), "median_hours": round(statistics.median(values), 2) if values else None,
            "p90_hours": round(p90(values), 2) if values else None}


class Truth:
    def __init__(self, store, pid: int, seeded: dict, now: dt.datetime):
        self.since, self.until = seeded["since"], seeded["until"]
        self.end = min(self.until, now)
        self.seeded = seeded
        self.issues = {iid: store.issue(pid, iid) for iid in seeded["requests"]}
        self.events = {iid: sorted(store.label_events(pid, iid), key=lambda e: (t(e["created_at"]), e["id"]))
                       for iid in seeded["requests"]}
        self.notes = {iid: store.notes(pid, iid) for iid in seeded["requests"]}
        self.requests = [iid for iid, i in self.issues.items() if t(i["created_at"]) < self.end
                         and (i["state"] != "closed" or t(i["closed_at"]) >= self.since)]

    def within(self, when: dt.datetime | None) -> bool:
        return when is not None and self.since <= when < self.end

    def state_at(self, iid: int, when: dt.datetime) -> str | None:
        issue = self.issues[iid]
        if issue["state"] == "closed" and t(issue["closed_at"]) < when:
            return "closed"
        order: dict[str, int] = {}
        for n, e in enumerate(self.events[iid]):
            if t(e["created_at"]) >= when or state_of(e["label"]["name"]) is None:
                continue
            if e["action"] == "add":
                order[e["label"]["name"]] = n
            else:
                order.pop(e["label"]["name"], None)
        return state_of(max(order, key=order.get)) if order else None

    def open_at_end(self) -> list[int]:
        return [i for i in self.requests if self.state_at(i, self.end) != "closed"]

    # -- the figures --------------------------------------------------------------------
    def flow(self) -> dict:
        weeks: dict[str, list[int]] = {}
        day = self.since.astimezone(TZ).date()
        while day < self.end.astimezone(TZ).date():
            year, week, _ = day.isocalendar()
            weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
            day += dt.timedelta(days=1)
        for iid in self.requests:
            issue = self.issues[iid]
            for n, when in enumerate((t(issue["created_at"]), t(issue["closed_at"]))):
                if self.within(when):
                    year, week, _ = when.astimezone(TZ).date().isocalendar()
                    weeks[f"{year}-W{week:02d}"][n] += 1
        states = Counter(self.state_at(i, self.end) or "none" for i in self.open_at_end())
        return {"weeks": weeks, "open_at_end": dict(states)}

    def first_entered(self, state: str) -> dict[int, float]:
        out = {}
        for iid in self.requests:
            adds = [t(e["created_at"]) for e in self.events[iid]
                    if e["action"] == "add" and state_of(e["label"]["name"]) == state]
            if adds and self.within(min(adds)):
                out[iid] = hours(min(adds) - t(self.issues[iid]["created_at"]))
        return out

    def waiting(self) -> dict[int, float]:
        out = {}
        for iid in self.requests:
            cuts = {self.since, self.end} | {t(e["created_at"]) for e in self.events[iid]}
            closed = t(self.issues[iid]["closed_at"])
            if closed is not None:
                cuts.add(closed)
            cuts = sorted(c for c in cuts if self.since <= c <= self.end)
            total = sum(((b - a) for a, b in zip(cuts, cuts[1:]) if self.state_at(iid, a + (b - a) / 2) == "waiting"),
                        dt.timedelta())
            if total:
                out[iid] = hours(total)
        return out

    def intake(self) -> dict[str, dict]:
        rows: dict[str, dict] = defaultdict(lambda: {"opened": 0, "incomplete": 0, "done": {}})
        for iid in self.requests:
            issue = self.issues[iid]
            if not self.within(t(issue["created_at"])):
                continue
            row = rows[issue["author"]["username"]]
            row["opened"] += 1
            said = [(t(n["created_at"]), n["id"], m.group(2)) for n in self.notes[iid]
                    if n["author"]["username"] == "gl-cs-bot" and not n["system"] for m in MARKER.finditer(n["body"])]
            said.sort()
            if not said or said[0][2] != "missing" or said[0][0] >= self.end:
                continue
            row["incomplete"] += 1
            done = [w for w, _, kind in said if kind == "complete" and said[0][0] <= w < self.end]
            if done:
                row["done"][iid] = hours(min(done) - said[0][0])
        return rows

    def expedite(self) -> list[dict]:
        out = []
        for iid in self.requests:
            for e in self.events[iid]:
                at = t(e["created_at"])
                if e["action"] == "add" and e["label"]["name"] == "EXPEDITE" and self.within(at):
                    event = self.seeded["requests"][iid]["event"]
                    by = "gl-cs" if e["user"]["username"] == "gl-cs-bot" else e["user"]["username"]
                    out.append({"iid": iid, "by": by, "under_24h": event - at < dt.timedelta(hours=24)})
        return sorted(out, key=lambda x: x["iid"])

    def load(self) -> dict[str, dict]:
        rows = {sa: {"open": Counter(), "closed": 0} for sa in ROSTER}
        ending = set(self.open_at_end())
        for iid in self.requests:
            for who in (a["username"] for a in self.issues[iid]["assignees"]):
                row = rows.setdefault(who, {"open": Counter(), "closed": 0})
                if iid in ending:
                    row["open"][self.state_at(iid, self.end)] += 1
                elif self.within(t(self.issues[iid]["closed_at"])):
                    row["closed"] += 1
        return rows

    def onboarding(self) -> dict[int, dict]:
        end_day = self.end.astimezone(TZ).date()
        out = {}
        for iid, c in self.seeded["checklists"].items():
            ticked = {n: (w.astimezone(TZ).date() - c["start"]).days for n, w in c["ticked"].items() if w < self.end}
            due = c.get("due", {})
            out[iid] = {
                "customer": c["customer"], "start": c["start"].isoformat(),
                "days": ticked, "targets": {n: (d - c["start"]).days for n, d in due.items()},
                "overdue": sorted(n for n, d in due.items() if n not in ticked and d < end_day),
                "engagement": ticked.get(2), "infrastructure_ready": ticked.get(3),
                "onboarding": max(ticked[n] for n in (1, 2, 3, 4)) if all(n in ticked for n in (1, 2, 3, 4)) else None,
            }
        return out

    def renewals(self) -> dict[int, tuple[bool, bool, bool]]:
        first, last = self.since.astimezone(TZ).date(), (self.until - dt.timedelta(seconds=1)).astimezone(TZ).date()
        out = {}
        for r in self.seeded["reviews"]:
            flags = (first <= r["due"] <= last, self.within(r["opened"]), self.within(r["closed"]))
            if any(flags):
                out[r["iid"]] = flags
        return out
