"""triage.summary: the page the Triage SA needs before each triage call.

Handbook 002, "Triage Call": "The Solutions Architect team hosts a triage call three
times a week. The current week assigned Triage SA facilitates this call"; "The call is on
Monday, Tuesday, and Thursday at ... 9:30 am Pacific".

For the next call (``triage.calls``), one comment on the week's triage issue:
* the issue is found among the facts by its hidden key (one per week); when missing it is
  opened: titled with the week and the Triage SA, assigned to them, labelled SA Action
  Items and ``triage.issue_label`` (an issue gl-cs opened: no request rule touches it);
* the comment has a hidden key per call date, so a re-run updates it in place and says
  when; it opens by naming the week's Triage SA (the rotation's announcement);
* sections as tables referencing ``#IID``, the most urgent first: new SA Backlog
  requests, EXPEDITE, events in the next days, SA Waiting too long (from the label event)
  with the AE to chase, SA Doing without activity, what the rules found and what gl-cs
  did, each SA's load (over ``triage.capacity`` marked, and as a chart) with the
  backlog's age. An empty section says so in one line. Issue text is quoted inert.

Everything comes from the facts of the sweep: no request of its own.
"""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from typing import Sequence

from ...read.snapshot import User
from ...text.safe import safe_username
from ..actions import Action, CloseIssue, CreateIssue, UpsertComment
from ..context import Context
from ..facts import IssueFact
from ..request import OPENED, REQUEST
from ..rules import fiscal_quarter
from ..triage.markdown import cell, duration, load_chart, person, quoted, ref, table
from ..triage.weeks import Turn, monday_of, next_call, triage_sa, week_name
from . import ProjectRule

NAME = "triage.summary"
# Rules whose changes are housekeeping, not a problem to talk about on the call.
QUIET_RULES = ("fiscal_quarter",)


def week_key(monday: dt.date) -> str:
    return f"triage-week-{monday.isoformat()}"


def call_key(call: dt.datetime) -> str:
    return f"call-{call.date().isoformat()}"


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400


def _when(t: dt.datetime, zone: str) -> str:
    local = t.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{local:%a %d %b %H:%M} {local:%Z}"


def _sa_cell(fact: IssueFact) -> str:
    return ", ".join(person(a) for a in fact.assignees) or "**unassigned**"


def _said(fact: IssueFact) -> str:
    """The rules that have commented on the issue (earlier runs' markers and this run's
    comments), or that it waits for a person."""
    rules = [m.split(":", 1)[0] for m in (fact.said or ())]
    rules += [d.split(":", 1)[0] for d in fact.did if ": comment" in d or ": post" in d]
    rules = [r for r in dict.fromkeys(rules) if r not in QUIET_RULES]
    return f"commented ({', '.join(rules)})" if rules else "nothing: for a person"


class Summary:
    """The summary's parts, computed once from the facts."""

    def __init__(self, facts: Sequence[IssueFact], ctx: Context):
        self.ctx = ctx
        self.cfg = ctx.config
        self.t = self.cfg.triage
        self.now = ctx.now
        self.call = next_call(ctx.now, self.t)
        self.monday = monday_of(self.call.astimezone(zoneinfo.ZoneInfo(self.cfg.timezone)).date())
        self.turn: Turn | None = triage_sa(self.t, self.cfg.roster, self.monday)
        self.facts = list(facts)
        self.open = [f for f in facts if f.state == "opened" and f.kind != OPENED]
        self.requests = [f for f in self.open if f.kind == REQUEST]

    @property
    def triage_sa(self) -> str | None:
        return self.turn.username if self.turn else None

    # -- sections -------------------------------------------------------------------------
    def backlog(self) -> tuple[str, str]:
        rows = [f for f in self.requests if f.workflow == "backlog"]
        far = self.now + dt.timedelta(days=36500)
        rows.sort(key=lambda f: (f.event_at or far, f.created_at or self.now, f.iid))
        title = f"New requests in {self.cfg.state('backlog').label} ({len(rows)})"
        if not rows:
            return title, "No new requests waiting for triage."
        body = table(["Issue", "Title", "Age", "Complete?", "Event"], [
            [ref(f.iid), quoted(f.title), duration(_days(self.now - (f.created_at or self.now))),
             "yes" if not f.missing else cell("no: missing " + ", ".join(f.missing)),
             _when(f.event_at, self.cfg.timezone) if f.event_at else "-"] for f in rows])
        return title, body

    def expedite(self) -> tuple[str, str]:
        label = self.cfg.expedite_label
        rows = [f for f in self.requests if label in f.labels]
        far = self.now + dt.timedelta(days=36500)
        rows.sort(key=lambda f: (f.event_at or far, f.iid))
        title = f"{label} ({len(rows)})"
        if not rows:
            return title, f"No {label} requests."
        out = []
        for f in rows:
            left = f"{(f.event_at - self.now).total_seconds() / 3600:.0f} h" if f.event_at else "no date read"
            out.append([ref(f.iid), quoted(f.title), _when(f.event_at, self.cfg.timezone) if f.event_at else "-",
                        left, _sa_cell(f)])
        return title, table(["Issue", "Title", "Event", "Hours left", "SA"], out)

    def upcoming(self) -> tuple[str, str]:
        until = self.now + dt.timedelta(days=self.t.upcoming_days)
        rows = sorted((f for f in self.requests if f.event_at and self.now <= f.event_at <= until),
                      key=lambda f: (f.event_at, f.iid))
        title = f"Events in the next {self.t.upcoming_days:g} days ({len(rows)})"
        if not rows:
            return title, f"No requested events in the next {self.t.upcoming_days:g} days."
        return title, table(["Issue", "Title", "Event", "In", "State", "SA"], [
            [ref(f.iid), quoted(f.title), _when(f.event_at, self.cfg.timezone),
             duration(_days(f.event_at - self.now)), cell(self._state_label(f)), _sa_cell(f)] for f in rows])

    def waiting(self) -> tuple[str, str]:
        limit = dt.timedelta(days=self.t.chase_after_days)
        rows = []
        for f in self.open:
            if f.workflow != "waiting":
                continue
            # From the label event; without the history, the last activity is a lower
            # bound (the label cannot have been added after it).
            since, exact = (f.state_since, True) if f.state_since else (f.updated_at, False)
            if since is not None and self.now - since > limit:
                rows.append((since, exact, f))
        rows.sort(key=lambda r: (r[0], r[2].iid))
        title = f"{self.cfg.state('waiting').label} for more than {self.t.chase_after_days:g} days ({len(rows)})"
        if not rows:
            return title, f"Nothing has waited on an AE for more than {self.t.chase_after_days:g} days."
        return title, table(["Issue", "Title", "Waiting since", "Days", "AE to chase"], [
            [ref(f.iid), quoted(f.title), f"{since.astimezone(zoneinfo.ZoneInfo(self.cfg.timezone)):%a %d %b}"
             + ("" if exact else " or earlier"), ("" if exact else "≥ ") + f"{int(_days(self.now - since))}",
             person(f.author)] for since, exact, f in rows])

    def stale(self) -> tuple[str, str]:
        limit = dt.timedelta(days=self.t.stale_days)
        rows = sorted((f for f in self.open if f.workflow == "doing" and f.updated_at
                       and self.now - f.updated_at > limit), key=lambda f: (f.updated_at, f.iid))
        title = f"{self.cfg.state('doing').label} without activity for {self.t.stale_days:g} days ({len(rows)})"
        if not rows:
            return title, f"Every request in {self.cfg.state('doing').label} moved in the last " \
                          f"{self.t.stale_days:g} days."
        return title, table(["Issue", "Title", "Last activity", "Days", "SA"], [
            [ref(f.iid), quoted(f.title), f"{f.updated_at.astimezone(zoneinfo.ZoneInfo(self.cfg.timezone)):%a %d %b}",
             str(int(_days(self.now - f.updated_at))), _sa_cell(f)] for f in rows])

    def problems(self) -> tuple[str, str]:
        """Requests whose rules found something for a person, and what gl-cs has said on
        each (its comments' markers, and this run's): the same table on a re-run, so a
        summary refreshed at the same moment is the same comment."""
        rows = [f for f in self.facts if f.kind != OPENED and f.findings]
        rows.sort(key=lambda f: f.iid)
        title = f"Workflow and intake problems ({len(rows)})"
        if not rows:
            return title, "No workflow or intake problems found."
        return title, table(["Issue", "Title", "Found", "What gl-cs said"], [
            [ref(f.iid), quoted(f.title), cell("; ".join(f.findings)), cell(_said(f))] for f in rows])

    def load(self) -> tuple[str, str]:
        counts: dict[str, list[int]] = {u: [0, 0] for u in self.cfg.roster}
        for f in self.open:
            if f.workflow in ("triaged", "doing"):
                for a in f.assignees:
                    counts.setdefault(a, [0, 0])[0 if f.workflow == "triaged" else 1] += 1
        cap = self.t.capacity
        order = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
        title = f"Load per SA (capacity {cap})"
        triaged, doing = self.cfg.state("triaged").label, self.cfg.state("doing").label
        rows = [[person(u), str(t), str(d), str(t + d), "**over capacity**" if t + d > cap else ""]
                for u, (t, d) in order]
        parts = []
        if rows:
            parts.append(table(["SA", triaged, doing, "Total", ""], rows))
            parts.append(load_chart([(u, sum(c)) for u, c in order], cap))
        else:
            parts.append("No SA on the roster and no request assigned.")
        parts.append(self._backlog_age())
        return title, "\n\n".join(parts)

    def _backlog_age(self) -> str:
        ages = sorted(_days(self.now - f.created_at) for f in self.requests
                      if f.workflow == "backlog" and f.created_at)
        if not ages:
            return "Backlog age: the backlog is empty."
        buckets = [("under 1 d", 0, 1), ("1-3 d", 1, 3), ("3-7 d", 3, 7), ("over 7 d", 7, 1e9)]
        spread = ", ".join(f"{name}: {sum(1 for a in ages if lo <= a < hi)}" for name, lo, hi in buckets)
        return (f"Backlog age: {len(ages)} request(s), oldest {duration(ages[-1])}, median "
                f"{duration(statistics.median(ages))} ({spread}).")

    def _state_label(self, f: IssueFact) -> str:
        return self.cfg.state(f.workflow).label if f.workflow else "-"

    # -- the comment ----------------------------------------------------------------------
    def opening(self) -> str:
        call = self.call
        head = f"## Triage call {call:%a %d %b %Y, %H:%M} {call:%Z}"
        who = safe_username(self.triage_sa) if self.triage_sa else None
        if who:
            skipped = f" ({', '.join(self.turn.skipped)} out this week)" if self.turn.skipped else ""
            line = f"**Triage SA of {week_name(self.monday)}: @{who}**{skipped}, who runs this call."
        elif self.turn is not None:
            line = f"**No Triage SA for {week_name(self.monday)}**: everyone in the rotation is out."
        else:
            line = "**No Triage SA**: set `triage.rotation.start` in rules.yml."
        return f"{head}\n\n{line}"

    def body(self) -> str:
        zone = zoneinfo.ZoneInfo(self.cfg.timezone)
        parts = [self.opening(),
                 f"_Last updated {self.now.astimezone(zone):%a %d %b %Y %H:%M %Z} by gl-cs, from "
                 f"{len(self.requests)} open request(s); a re-run updates this comment._"]
        for title, text in (self.backlog(), self.expedite(), self.upcoming(), self.waiting(), self.stale(),
                            self.problems(), self.load()):
            parts.append(f"### {title}\n\n{text}")
        return "\n\n".join(parts) + "\n"

    def issue_title(self) -> str:
        who = self.triage_sa or "nobody"
        return f"Triage {week_name(self.monday)} (week of {self.monday:%d %b %Y}): Triage SA {who}"

    def issue_description(self) -> str:
        who = safe_username(self.triage_sa) if self.triage_sa else None
        days = ", ".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in sorted(self.t.call_days))
        return (f"The SA team's triage issue for the week of {self.monday:%A %d %B %Y} ({week_name(self.monday)}).\n\n"
                f"Triage SA: {'@' + who if who else 'nobody (see triage.rotation in rules.yml)'}.\n\n"
                f"Before each triage call ({days} {self.t.call_time:%H:%M} {self.t.call_timezone}) gl-cs posts "
                f"the call's summary here as a comment, and updates that comment when it runs again.")


def decide(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
    s = Summary(facts, ctx)
    key = week_key(s.monday)
    why = f"the summary for the triage call of {s.call:%a %d %b %H:%M %Z}"
    actions: list[Action] = []
    existing = [f for f in facts if f.kind == OPENED and f.key == key]
    if existing:
        iid = min(f.iid for f in existing)
    else:
        assignees: tuple[User, ...] = ()
        if s.triage_sa:
            assignees = tuple(User(id=m.id, username=m.username) for m in ctx.members if m.username == s.triage_sa)
        # The fiscal-quarter rule labels every open issue it sees: born with it, the issue
        # costs the next sync no write.
        labels = (ctx.label_for("action_items"), s.t.issue_label, fiscal_quarter.current_label(ctx))
        actions.append(CreateIssue(NAME, f"no triage issue for {week_name(s.monday)} yet", key=key,
                                   title=s.issue_title(), description=s.issue_description(),
                                   labels=labels, assignees=assignees))
        iid = 0  # the issue just opened: the app fills it in
    actions.append(UpsertComment(NAME, why, iid=iid, key=call_key(s.call), body=s.body()))
    # Last week's triage issue is done once this week's exists: closed, so the board shows one.
    earlier = sorted(f.iid for f in facts if f.kind == OPENED and f.state == "opened" and f.key
                     and f.key.startswith("triage-week-") and f.key < key)
    actions += [CloseIssue(NAME, f"the triage issue of an earlier week; this week's is "
                                 f"{'#' + str(iid) if iid else 'the new one'}", iid=i) for i in earlier]
    return actions


RULE = ProjectRule(NAME, decide, doc=__doc__ or "")
