"""The report as Markdown with Mermaid charts, for people: what GitLab renders on the report
issue. Every table has, under it, what its figures are over, in plain words. Text from
issues (titles, customer names) is quoted inert; usernames are shown without ``@``."""

from __future__ import annotations

import datetime as dt

from ..decide.triage.markdown import cell, load_chart, person, quoted, ref, table
from ..report.text import plural
from ..text import mermaid
from .compute import Insights
from .onboarding import KPIS
from .stats import Spread


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def fmt_hours(h: float | None) -> str:
    if h is None:
        return "-"
    if h < 1:
        return f"{round(h * 60)} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} d"


def _day(d: dt.date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else "-"


def _when(t: dt.datetime | None, ins: Insights) -> str:
    if t is None:
        return "-"
    local = ins.period.local(t)
    return f"{local:%a %d %b %H:%M} {local:%Z}"


def _define(text: str) -> str:
    return f"_{text}_"


def _state_label(ins: Insights, key: str) -> str:
    return dict(ins.states).get(key, "no workflow label" if key == "none" else key)


def _spread_row(name: str, s: Spread) -> list[str]:
    return [cell(name), str(s.count), fmt_hours(s.median), fmt_hours(s.p90)]


REQUESTS = ("Requests are SA Activity requests and Customer Onboarding and Live Optimization requests; the "
            "issues gl-cs opens (checklists, reviews, triage and report issues) and SA Action Items are not.")


def flow(ins: Insights) -> str:
    rows = [[w.name, w.span, str(w.opened), str(w.closed)] for w in ins.weeks]
    rows.append(["**Total**", "", f"**{ins.opened}**", f"**{ins.closed}**"])
    parts = [table(["Week", "Days", "Opened", "Closed"], rows)]
    if ins.weeks:
        parts.append(mermaid.xychart("Requests opened (bars) and closed (line) per week", [w.short for w in ins.weeks],
                                     y_title="requests", bars=[w.opened for w in ins.weeks],
                                     lines=[[w.closed for w in ins.weeks]]))
    parts.append(_define(f"Opened: requests created in the week; closed: requests closed in it. Weeks run Monday to "
                         f"Sunday in {ins.timezone}, cut to the period. {REQUESTS}"))
    total = sum(ins.open_at_end.values())
    states = [(k, n) for k, n in ins.open_at_end.items() if n or k != "none"]
    parts.append(f"**Open at the end of the period: {plural(total, 'request')}**")
    parts.append(table(["State", "Requests"], [[cell(_state_label(ins, k)), str(n)] for k, n in states]))
    if total:
        parts.append(mermaid.pie("Open at the end, by state", [(_state_label(ins, k), n) for k, n in states]))
    parts.append(_define("The requests open at the end of the period, each in its workflow state then (from its "
                         "label history: the workflow label added most recently)."))
    return "\n\n".join(parts)


def speed(ins: Insights) -> str:
    triaged, doing = _state_label(ins, "triaged"), _state_label(ins, "doing")
    parts = [table(["Measure", "Requests", "Median", "90th percentile"], [
        _spread_row(f"Time to triage (to the first {triaged})", ins.to_triage),
        _spread_row(f"Time to start (to the first {doing})", ins.to_start)])]
    parts.append(_define(f"Time to triage: from a request's creation to the first time anyone put it in {triaged}, "
                         f"over the requests that first entered {triaged} in the period; time to start: the same "
                         f"to {doing}. Median: the middle value; 90th percentile: 9 requests in 10 took at most "
                         f"that long."))
    return "\n\n".join(parts)


def waiting(ins: Insights) -> str:
    label = _state_label(ins, "waiting")
    parts = [table(["Measure", "Requests", "Median", "90th percentile"],
                   [_spread_row(f"Time in {label} per request", ins.waiting)])]
    if ins.waiting_by_ae:
        parts.append(table(["AE", "Requests", f"Total in {label}", "Median per request"], [
            [person(p.ae), str(p.requests), fmt_hours(p.total_hours), fmt_hours(p.median_hours)]
            for p in ins.waiting_by_ae]))
    parts.append(f"{plural(ins.still_waiting, 'request')} still in {cell(label)} at the end of the period.")
    parts.append(_define(f"Per request, the time it spent in {label} within the period (every stay added up), over "
                         f"the requests that spent any; a request still waiting at the end counts up to the end. "
                         f"The AE is the request's author, whom the SA team waits on."))
    return "\n\n".join(parts)


def intake(ins: Insights) -> str:
    rows = [[person(r.ae), str(r.opened), str(r.incomplete), str(r.completed), str(r.still_incomplete),
             fmt_hours(r.to_complete.median)] for r in ins.intake if r.opened]
    t = ins.intake_total
    rows.append(["**All**", f"**{t.opened}**", f"**{t.incomplete}**", f"**{t.completed}**",
                 f"**{t.still_incomplete}**", f"**{fmt_hours(t.to_complete.median)}**"])
    parts = [table(["AE", "Opened", "Arrived incomplete", "Completed", "Still incomplete", "Median time to complete"],
                   rows)]
    parts.append(_define("Over the requests opened in the period. Arrived incomplete: gl-cs's first intake comment on "
                         "it asked for missing fields; completed: gl-cs said it was complete before the period "
                         "ended; time to complete: from gl-cs asking to gl-cs seeing it complete."))
    return "\n\n".join(parts)


def expedite(ins: Insights) -> str:
    sets = ins.expedite
    under = sum(1 for s in sets if s.under_24h)
    over = sum(1 for s in sets if s.under_24h is False)
    none = sum(1 for s in sets if s.under_24h is None)
    if not sets:
        head = "EXPEDITE was not set in the period."
    else:
        head = (f"EXPEDITE was set {times(len(sets))}: {under} with the event under 24 hours away "
                f"({round(100 * under / len(sets))} %), {over} with it 24 hours or more away"
                + (f", {none} without a date gl-cs could read." if none else "."))
    parts = [head]
    if sets:
        by: dict[str, list] = {}
        for s in sets:
            by.setdefault(s.by, []).append(s)
        parts.append(table(["Set by", "Times", "Under 24 h", "24 h or more", "No date"], [
            [person(who), str(len(v)), str(sum(1 for s in v if s.under_24h)),
             str(sum(1 for s in v if s.under_24h is False)), str(sum(1 for s in v if s.under_24h is None))]
            for who, v in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))]))
        parts.append(table(["Request", "Set", "By", "Event", "Hours before the event"], [
            [ref(s.iid), _when(s.at, ins), person(s.by), _when(s.event_at, ins),
             f"{s.hours_before:.0f}" if s.hours_before is not None else "-"] for s in sets]))
    parts.append(_define("Every time a label event added EXPEDITE to a request in the period, and by whom (gl-cs: the "
                         "expedite rule). Under 24 hours: the request's earliest event not yet over at that moment "
                         "(its due date or Preferred Date Options, read as gl-cs reads them) started less than 24 "
                         "hours later, which is when the handbook allows EXPEDITE."))
    return "\n\n".join(parts)


def load(ins: Insights) -> str:
    keys = [k for k, _ in ins.states]
    rows = [[person(r.sa), *[str(r.open.get(k, 0)) for k in keys], str(sum(r.open.values())), str(r.closed),
             "**over capacity**" if r.over_capacity else ""] for r in ins.load]
    parts = []
    if rows:
        parts.append(table(["SA", *[_state_label(ins, k) for k in keys], "Open", "Closed in the period", ""], rows))
        parts.append(load_chart([(r.sa, r.triaged_doing) for r in ins.load], ins.capacity))
    else:
        parts.append("No SA on the roster and no request assigned.")
    parts.append(_define(f"Each SA's requests open at the end of the period, by their state then, and those closed in "
                         f"the period, counted for every assignee (as assigned now: GitLab keeps no assignee history "
                         f"but its system notes). The chart and capacity ({ins.capacity}) count "
                         f"{_state_label(ins, 'triaged')} + {_state_label(ins, 'doing')}, as the triage summary does."))
    return "\n\n".join(parts)


def onboarding(ins: Insights) -> str:
    if not ins.onboarding:
        return ("No onboarding checklist was open in the period.\n\n"
                + _define("Checklists are the ones gl-cs opened and those made by hand that it recognises."))
    measured = [k for k in KPIS if k.steps]
    rows, bars, targets = [], [], []
    for kpi in KPIS:
        values = [v for c in ins.onboarding for v in c.kpis if v.kpi.key == kpi.key]
        reached = [v for v in values if v.days is not None]
        target = max((v.target_days for v in values if v.target_days is not None), default=None)
        if not kpi.steps:
            rows.append([kpi.name, "-", "-", "not measured", "-", cell(kpi.what)])
            continue
        med = Spread.of(v.days for v in reached).median
        within = sum(1 for v in reached if v.met)
        rows.append([kpi.name, f"{target} d" if target is not None else "-", f"{len(reached)} of {len(values)}",
                     f"{med:g} d" if med is not None else "-", f"{within} of {len(reached)}", cell(kpi.what)])
        bars.append(med or 0)
        targets.append(target or 0)
    parts = [table(["Time to", "Target", "Customers there", "Median", "Within target", "Measured by"], rows)]
    parts.append(mermaid.xychart("Onboarding: median days (bars) against target (line)", [k.name for k in measured],
                                 y_title="days from the start", bars=bars, lines=[targets]))
    cust_rows = []
    for c in ins.onboarding:
        cells = []
        for v in c.kpis:
            if not v.kpi.steps:
                continue
            cells.append(f"{v.days} d" + (f" (target {v.target_days})" if v.target_days is not None else "")
                         if v.days is not None else "not yet")
        overdue = ", ".join(f"{s.number}. {s.title}" if s.number else s.title for s in c.overdue)
        cust_rows.append([quoted(c.customer, 40), ref(c.iid), _day(c.start), *cells, cell(overdue) or "none"])
    parts.append(table(["Customer", "Checklist", "Start", *[k.name for k in measured], "Overdue steps"], cust_rows))
    parts.append(steps_table(ins))
    parts.append(_define("Calendar days from the checklist's start date to the day a step was ticked (GitLab's "
                         "\"marked the checklist item ... as completed\"), against the step's own due date in the "
                         "checklist (handbook 001's timing). Engagement is step 2 (the personal introduction call), "
                         "Infrastructure Ready step 3 (installation follow-up), Onboarding steps 1 to 4 all ticked "
                         "(its day the last of them); First Value and Outcome Achieved need licence data the desk does "
                         "not hold. Overdue: not ticked by the end of the period, due before its last day was over. "
                         "Over the checklists open at some point of the period."))
    return "\n\n".join(parts)


def steps_table(ins: Insights) -> str:
    """Each checklist step any customer reached or missed: its target, how many ticked it and
    in how many days (median), how many within target, how many overdue at the end."""
    by_step: dict[int, list] = {}
    for c in ins.onboarding:
        for s in c.steps:
            if s.number is not None:
                by_step.setdefault(s.number, []).append(s)
    rows = []
    for number in sorted(by_step):
        found = by_step[number]
        ticked = [s for s in found if s.days is not None]
        overdue = sum(1 for s in found if s.overdue)
        if not ticked and not overdue and not any(s.ticked_unknown for s in found):
            continue
        targets = sorted({s.target_days for s in found if s.target_days is not None})
        med = Spread.of(s.days for s in ticked).median
        within = sum(1 for s in ticked if s.target_days is not None and s.days <= s.target_days)
        rows.append([cell(f"{number}. {found[0].title}"), ", ".join(f"{t} d" for t in targets) or "-",
                     f"{len(ticked)} of {len(found)}", f"{med:g} d" if med is not None else "-",
                     f"{within} of {len(ticked)}", str(overdue)])
    return table(["Step", "Target", "Ticked (day known)", "Median", "Within target", "Overdue at the end"], rows)


def renewals(ins: Insights) -> str:
    r = ins.renewals
    due = sum(1 for x in r if x.due_in_period)
    opened = sum(1 for x in r if x.opened_in_period)
    closed = sum(1 for x in r if x.closed_in_period)
    head = (f"{plural(due, 'review')} due in the period, {plural(opened, 'review')} opened, "
            f"{plural(closed, 'review')} closed.")
    parts = [head]
    if r:
        parts.append(table(["Review", "Account", "Renewal", "Before", "Due", "Opened", "Closed"], [
            [ref(x.iid), quoted(x.account, 40), cell(x.renewal), cell(x.which.replace("m", " months")), _day(x.due),
             _day(ins.period.local(x.opened_at).date()) if x.opened_at else "-",
             _day(ins.period.local(x.closed_at).date()) if x.closed_at else ("**open**" if x.due_in_period else "-")]
            for x in r]))
    parts.append(_define("gl-cs's renewal review issues (handbook 003: five and three months before a renewal) whose "
                         "due date is in the period, or that were opened or closed in it."))
    return "\n\n".join(parts)


SECTIONS = (("Flow", flow), ("Time to triage and to start", speed), ("Time in SA Waiting", waiting),
            ("Requests that arrived incomplete", intake), ("EXPEDITE", expedite), ("Load per SA", load),
            ("Onboarding time-to-value", onboarding), ("Renewal reviews", renewals))


def title(ins: Insights) -> str:
    return f"Desk insights: {ins.period.name}" + (" (to date)" if ins.period.to_date else "")


def render(ins: Insights, generated: dt.datetime) -> str:
    p = ins.period
    local = p.local(generated)
    span = f"{_day(p.first_day)} to {_day(p.last_day)}" + (f", to {_when(p.end, ins)}" if p.to_date else "")
    parts = [f"## {title(ins)}",
             f"_{span} in {ins.timezone}, over {plural(ins.requests_seen, 'request')} open at some point of the "
             f"period. Generated {local:%a %d %b %Y %H:%M %Z} by gl-cs (`gl-cs report`); a re-run updates this "
             f"report._"]
    for name, section in SECTIONS:
        heading = name.replace("SA Waiting", _state_label(ins, "waiting"))
        parts.append(f"### {heading}\n\n{section(ins)}")
    return "\n\n".join(parts) + "\n"
