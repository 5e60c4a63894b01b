"""Desk insights: the desk's issues (snapshots with their label events and comments) + a
period + the configuration -> one plain report. Pure: no GitLab call, no clock of its own.

What each figure is over is written beside it (``DEFINITIONS`` in :mod:`.markdown`, and
docs/insights.md); in short, for the period [since, end):

* requests: SA Activity requests and the kind requests (Customer Onboarding, Live
  Optimization), never the issues gl-cs opens nor SA Action Items;
* flow: requests opened (created) and closed (``closed_at``) per week; those open at the end
  by their workflow state then;
* time to triage / to start: from a request's creation to the first label event (by anyone)
  that put it in SA Triaged / SA Doing, for the requests whose first such event falls in the
  period;
* time in SA Waiting: per request, the time its state was SA Waiting within the period,
  summed; over the requests with any;
* incomplete on arrival: requests opened in the period that gl-cs's first intake comment
  asked for missing fields; completed when gl-cs's comment said they were complete, before
  the end;
* EXPEDITE: every label event that added it in the period; under 24 hours when the request's
  earliest event not yet over (read from its dates at that moment) started less than 24 hours
  after;
* load: each SA's assigned requests open at the end, by state, and those closed in the period;
* onboarding: see :mod:`.onboarding`; renewal reviews: gl-cs's review issues due, opened or
  closed in the period.

The reading side asks :func:`needs_label_events` and :func:`needs_notes` what to read for an
issue, so GitLab is asked only for what a figure needs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from ..decide.accounts.checklist import tasks
from ..decide.actions import Plan
from ..decide.context import Context
from ..decide.request import (LIVE_OPTIMIZATION_REQUEST, ONBOARDING_REQUEST, OPENED, OTHER, REQUEST, created_key,
                              issue_facts, issue_kind)
from ..decide.rules.checklist_progress import is_checklist
from ..decide.rules.expedite import next_event
from ..markers import markers_in
from ..read.snapshot import Issue, Note
from ..text.task_notes import read_task_note
from . import timeline
from .onboarding import KPIS, CustomerProgress, progress
from .period import Period
from .stats import Spread, hours, median

REQUEST_KINDS = (REQUEST, ONBOARDING_REQUEST, LIVE_OPTIMIZATION_REQUEST)
#: The rules whose comments ask an AE for missing fields ("missing-...") and thank them ("complete-...").
INTAKE_RULES = ("intake", "kind_intake")
#: The hidden key of the issue a report is posted on (see :mod:`.post`).
REPORT_KEY = "insights:"
GL_CS = "gl-cs"


# -- what an issue is, and what its figures need ------------------------------------------

def role(issue: Issue, ctx: Context) -> str:
    """``request``, ``checklist``, ``renewal``, ``report`` or ``other``."""
    kind = issue_kind(issue, ctx)
    if kind in REQUEST_KINDS:
        return "request"
    if kind == OPENED:
        key = created_key(issue) or ""
        if key.startswith("onboarding:") and key.endswith(":checklist"):
            return "checklist"
        if key.startswith("renewal:"):
            return "renewal"
        if key.startswith(REPORT_KEY):
            return "report"
        return "other"
    if kind == OTHER and is_checklist(issue, ctx):
        return "checklist"  # made by hand, recognised by its label and shape
    return "other"


def in_scope(issue: Issue, period: Period) -> bool:
    """Open at some moment of the period."""
    created = issue.created_at
    if created is not None and created >= period.end:
        return False
    return issue.state != "closed" or issue.closed_at is None or issue.closed_at >= period.since


def needs_label_events(issue: Issue, period: Period, ctx: Context, kind: str | None = None) -> bool:
    """A request open in the period that changed since it began (one untouched since keeps
    the state of its labels throughout)."""
    kind = kind or role(issue, ctx)
    return (kind == "request" and in_scope(issue, period)
            and (issue.updated_at is None or issue.updated_at >= period.since))


def needs_notes(issue: Issue, period: Period, ctx: Context, kind: str | None = None) -> bool:
    """A request opened in the period with comments (did gl-cs ask for missing fields?), and a
    checklist open in the period with a ticked step (when was it ticked?)."""
    kind = kind or role(issue, ctx)
    if kind == "request":
        return period.contains(issue.created_at) and issue.user_notes_count != 0
    if kind == "checklist":
        return in_scope(issue, period) and any(t.done for t in tasks(issue.description or ""))
    return False


def kept_notes(notes: Iterable[Note], ctx: Context) -> tuple[Note, ...]:
    """The comments the insights use, as little as they need: gl-cs's own comments reduced to
    their hidden markers, and GitLab's task notes."""
    out = []
    for n in notes:
        if n.system and read_task_note(n.body) is not None:
            out.append(n)
        elif not n.system and ctx.is_bot(n.author) and markers_in(n.body):
            out.append(replace(n, body="".join(f"<!-- gl-cs:{r}:{k} -->" for r, k in markers_in(n.body))))
    return tuple(out)


# -- the report -----------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekFlow:
    name: str
    short: str
    span: str
    first_day: dt.date
    last_day: dt.date
    opened: int
    closed: int


@dataclass(frozen=True)
class Duration:
    iid: int
    who: str  # the request's author (the AE)
    hours: float


@dataclass(frozen=True)
class PerAE:
    ae: str
    requests: int
    total_hours: float
    median_hours: float | None


@dataclass(frozen=True)
class Intake:
    ae: str
    opened: int
    incomplete: int
    completed: int
    still_incomplete: int
    to_complete: Spread
    requests: tuple[Duration, ...] = ()  # the completed ones, hours to complete


@dataclass(frozen=True)
class ExpediteSet:
    iid: int
    at: dt.datetime
    by: str
    event_at: dt.datetime | None
    under_24h: bool | None  # None: no readable date

    @property
    def hours_before(self) -> float | None:
        return hours((self.event_at - self.at).total_seconds()) if self.event_at is not None else None


@dataclass(frozen=True)
class Load:
    sa: str
    open: dict[str, int]  # state key -> requests
    closed: int
    capacity: int

    @property
    def triaged_doing(self) -> int:
        return self.open.get("triaged", 0) + self.open.get("doing", 0)

    @property
    def over_capacity(self) -> bool:
        return self.triaged_doing > self.capacity


@dataclass(frozen=True)
class Review:
    iid: int
    title: str
    account: str
    renewal: str  # ISO date from the key
    which: str  # "5m" / "3m"
    due: dt.date | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    due_in_period: bool
    opened_in_period: bool
    closed_in_period: bool


@dataclass(frozen=True)
class Insights:
    period: Period
    project: str
    timezone: str
    states: tuple[tuple[str, str], ...]  # (state key, its label)
    requests_seen: int
    weeks: tuple[WeekFlow, ...]
    opened: int
    closed: int
    open_at_end: dict[str, int]  # state key (or "none") -> requests
    to_triage: Spread
    to_triage_requests: tuple[Duration, ...]
    to_start: Spread
    to_start_requests: tuple[Duration, ...]
    waiting: Spread
    waiting_requests: tuple[Duration, ...]
    waiting_by_ae: tuple[PerAE, ...]
    still_waiting: int
    intake: tuple[Intake, ...]
    intake_total: Intake
    expedite: tuple[ExpediteSet, ...]
    load: tuple[Load, ...]
    capacity: int
    onboarding: tuple[CustomerProgress, ...]
    renewals: tuple[Review, ...]
    reads: dict[str, int] = field(default_factory=dict)  # filled in by the reading side


def compute(issues: Sequence[Issue], period: Period, ctx: Context) -> Insights:
    cfg = ctx.config
    roles = {i.iid: role(i, ctx) for i in issues}
    requests = [i for i in issues if roles[i.iid] == "request" and in_scope(i, period)
                and not _closed_as_action_items(i, cfg)]
    end = period.end

    weeks = tuple(WeekFlow(w.name, w.short, w.span, w.first_day, w.last_day,
                           sum(1 for i in requests if i.created_at and w.since <= i.created_at < w.until),
                           sum(1 for i in requests if i.state == "closed" and i.closed_at
                               and w.since <= i.closed_at < w.until))
                  for w in period.weeks())
    open_at_end: Counter[str] = Counter()
    end_state: dict[int, str] = {}
    for i in requests:
        if i.state == "closed" and i.closed_at is not None and i.closed_at < end:
            continue
        state = timeline.state_at(i, cfg, end) or "none"
        end_state[i.iid] = state
        open_at_end[state] += 1

    def first(state: str) -> tuple[Duration, ...]:
        out = []
        for i in requests:
            t = timeline.first_entered(i, cfg, state)
            if period.contains(t) and i.created_at is not None:
                out.append(Duration(i.iid, _who(i), hours(max(0.0, (t - i.created_at).total_seconds()))))
        return tuple(sorted(out, key=lambda d: d.iid))

    to_triage, to_start = first("triaged"), first("doing")
    waiting = tuple(sorted((Duration(i.iid, _who(i), hours(s)) for i in requests
                            if (s := timeline.time_in(i, cfg, "waiting", period.since, end)) > 0),
                           key=lambda d: d.iid))
    by_ae: dict[str, list[float]] = defaultdict(list)
    for d in waiting:
        by_ae[d.who].append(d.hours)
    waiting_by_ae = tuple(sorted((PerAE(ae, len(v), round(sum(v), 2), _round(median(v))) for ae, v in by_ae.items()),
                                 key=lambda p: (-p.total_hours, p.ae)))

    intake = _intake([i for i in requests if period.contains(i.created_at)], period, ctx)
    expedite = _expedite(requests, period, ctx)
    load = _load(requests, end_state, period, cfg)
    checklists = [i for i in issues if roles[i.iid] == "checklist" and in_scope(i, period)]
    onboarding = tuple(sorted((_checklist(i, period, ctx) for i in checklists),
                              key=lambda c: (c.start or dt.date.max, c.customer.lower(), c.iid)))
    renewals = _renewals([i for i in issues if roles[i.iid] == "renewal"], period)
    return Insights(
        period=period, project=str(cfg.project), timezone=cfg.timezone,
        states=tuple((s.key, s.label) for s in cfg.states), requests_seen=len(requests), weeks=weeks,
        opened=sum(w.opened for w in weeks), closed=sum(w.closed for w in weeks),
        open_at_end={k: open_at_end.get(k, 0) for k in [s.key for s in cfg.states] + ["none"]},
        to_triage=Spread.of(d.hours for d in to_triage), to_triage_requests=to_triage,
        to_start=Spread.of(d.hours for d in to_start), to_start_requests=to_start,
        waiting=Spread.of(d.hours for d in waiting), waiting_requests=waiting, waiting_by_ae=waiting_by_ae,
        still_waiting=open_at_end.get("waiting", 0), intake=intake[0], intake_total=intake[1],
        expedite=expedite, load=load, capacity=cfg.sa_capacity, onboarding=onboarding, renewals=renewals)


def _closed_as_action_items(issue: Issue, cfg) -> bool:
    """An SA Action Items issue closed: it lost its workflow label when it closed (the
    ``workflow.closed`` rule), so only its history tells it was never a request."""
    if issue.state != "closed":
        return False
    states = [s for _, s in timeline.changes(issue, cfg) if s not in (None, timeline.CLOSED)]
    return bool(states) and states[-1] == "action_items"


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _who(issue: Issue) -> str:
    return issue.author.username if issue.author else "-"


def _intake(opened: Sequence[Issue], period: Period, ctx: Context) -> tuple[tuple[Intake, ...], Intake]:
    rows: dict[str, dict] = defaultdict(lambda: {"opened": 0, "incomplete": 0, "done": []})
    for i in opened:
        row = rows[_who(i)]
        row["opened"] += 1
        said = sorted(((n.created_at, n.id, k) for n in (i.notes or ()) if not n.system and ctx.is_bot(n.author)
                       and n.created_at is not None for r, k in markers_in(n.body) if r in INTAKE_RULES),
                      key=lambda s: (s[0], s[1]))
        if not said or not said[0][2].startswith("missing-") or said[0][0] >= period.end:
            continue
        row["incomplete"] += 1
        asked = said[0][0]
        done = next((t for t, _, k in said if k.startswith("complete-") and asked <= t < period.end), None)
        if done is not None:
            row["done"].append(Duration(i.iid, _who(i), hours((done - asked).total_seconds())))

    def make(ae: str, opened_n: int, incomplete: int, done: list[Duration]) -> Intake:
        return Intake(ae, opened_n, incomplete, len(done), incomplete - len(done), Spread.of(d.hours for d in done),
                      tuple(sorted(done, key=lambda d: d.iid)))

    out = tuple(make(ae, r["opened"], r["incomplete"], r["done"]) for ae, r in
                sorted(rows.items(), key=lambda kv: (-kv[1]["incomplete"], -kv[1]["opened"], kv[0])))
    total = make("all", sum(r.opened for r in out), sum(r.incomplete for r in out),
                 [d for r in out for d in r.requests])
    return out, total


def _expedite(requests: Sequence[Issue], period: Period, ctx: Context) -> tuple[ExpediteSet, ...]:
    label = ctx.config.expedite_label
    out = []
    for i in requests:
        for e in i.label_events or ():
            if e.action != "add" or e.label != label or not period.contains(e.created_at):
                continue
            by = GL_CS if ctx.is_bot(e.user) else (e.user.username if e.user else "-")
            event = next_event(i, replace(ctx, now=e.created_at))
            under = None if event is None else (event.start - e.created_at) < dt.timedelta(hours=24)
            out.append(ExpediteSet(i.iid, e.created_at, by, event.start if event else None, under))
    return tuple(sorted(out, key=lambda x: (x.at, x.iid)))


def _load(requests: Sequence[Issue], end_state: dict[int, str], period: Period, cfg) -> tuple[Load, ...]:
    open_: dict[str, Counter] = {sa: Counter() for sa in cfg.roster}
    closed: Counter[str] = Counter()
    for i in requests:
        names = [u.username for u in i.assignees]
        if i.iid in end_state:
            for name in names:
                open_.setdefault(name, Counter())[end_state[i.iid]] += 1
        elif i.state == "closed" and period.contains(i.closed_at):
            for name in names:
                open_.setdefault(name, Counter())
                closed[name] += 1
    rows = [Load(sa, dict(c), closed.get(sa, 0), cfg.sa_capacity) for sa, c in open_.items()]
    return tuple(sorted(rows, key=lambda r: (-r.triaged_doing, -sum(r.open.values()), r.sa)))


def _checklist(issue: Issue, period: Period, ctx: Context) -> CustomerProgress:
    fact = issue_facts(issue, Plan(iid=issue.iid, web_url=issue.web_url), ctx)
    start = fact.field("start")
    return progress(issue, fact.field("customer") or issue.title, dt.date.fromisoformat(start) if start else None,
                    period)


def _renewals(reviews: Sequence[Issue], period: Period) -> tuple[Review, ...]:
    out = []
    for i in reviews:
        parts = (created_key(i) or "").split(":")
        if len(parts) < 4:
            continue
        due_in = i.due_date is not None and period.first_day <= i.due_date <= period.last_day
        opened_in = period.contains(i.created_at)
        closed_in = i.state == "closed" and period.contains(i.closed_at)
        if due_in or opened_in or closed_in:
            out.append(Review(i.iid, i.title, parts[1], parts[2], parts[3], i.due_date, i.created_at,
                              i.closed_at if i.state == "closed" else None, due_in, opened_in, closed_in))
    return tuple(sorted(out, key=lambda r: (r.due or dt.date.max, r.iid)))


__all__ = ["Insights", "compute", "needs_label_events", "needs_notes", "kept_notes", "role", "in_scope", "KPIS"]
