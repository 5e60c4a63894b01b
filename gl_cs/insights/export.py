"""The report for spreadsheets and dashboards: JSON (a versioned schema,
``gl_cs/insights/schema.json``, documented in docs/insights.md) and CSV (one row per figure).

Durations are hours (two decimals), days are calendar days, times are ISO 8601 with the
desk's UTC offset. A change to the shape that could break a reader bumps ``version``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from importlib import resources
from typing import Any

from .compute import Duration, Insights
from .onboarding import KPIS

FORMAT = "gl-cs-insights"
VERSION = 1


def schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))


def _iso(t: dt.datetime | None, ins: Insights) -> str | None:
    return ins.period.local(t).isoformat() if t is not None else None


def _durations(found: tuple[Duration, ...]) -> list[dict]:
    return [{"iid": d.iid, "ae": d.who, "hours": d.hours} for d in found]


def as_json(ins: Insights, generated: dt.datetime, version: str = "") -> dict[str, Any]:
    p = ins.period
    return {
        "format": FORMAT, "version": VERSION, "gl_cs_version": version,
        "generated_at": _iso(generated, ins), "project": ins.project, "timezone": ins.timezone,
        "period": {"first_day": p.first_day.isoformat(), "last_day": p.last_day.isoformat(),
                   "since": _iso(p.since, ins), "until": _iso(p.until, ins), "end": _iso(p.end, ins),
                   "to_date": p.to_date, "name": p.name},
        "states": [{"key": k, "label": label} for k, label in ins.states],
        "requests": ins.requests_seen,
        "flow": {"opened": ins.opened, "closed": ins.closed,
                 "weeks": [{"week": w.name, "first_day": w.first_day.isoformat(), "last_day": w.last_day.isoformat(),
                            "opened": w.opened, "closed": w.closed} for w in ins.weeks],
                 "open_at_end": dict(ins.open_at_end)},
        "time_to_triage": {**ins.to_triage.as_json(), "requests": _durations(ins.to_triage_requests)},
        "time_to_start": {**ins.to_start.as_json(), "requests": _durations(ins.to_start_requests)},
        "time_in_waiting": {**ins.waiting.as_json(), "still_waiting_at_end": ins.still_waiting,
                            "requests": _durations(ins.waiting_requests),
                            "by_ae": [{"ae": a.ae, "requests": a.requests, "total_hours": a.total_hours,
                                       "median_hours": a.median_hours} for a in ins.waiting_by_ae]},
        "intake": {**_intake(ins.intake_total), "by_ae": [_intake(r) for r in ins.intake]},
        "expedite": {"set": len(ins.expedite), "under_24h": sum(1 for s in ins.expedite if s.under_24h),
                     "not_under_24h": sum(1 for s in ins.expedite if s.under_24h is False),
                     "no_date": sum(1 for s in ins.expedite if s.under_24h is None),
                     "events": [{"iid": s.iid, "at": _iso(s.at, ins), "by": s.by, "event_at": _iso(s.event_at, ins),
                                 "hours_before_event": s.hours_before, "under_24h": s.under_24h}
                                for s in ins.expedite]},
        "load": {"capacity": ins.capacity,
                 "sas": [{"sa": r.sa, "open": {k: r.open.get(k, 0) for k, _ in ins.states},
                          "open_total": sum(r.open.values()), "triaged_and_doing": r.triaged_doing,
                          "over_capacity": r.over_capacity, "closed_in_period": r.closed} for r in ins.load]},
        "onboarding": {"kpis": [{"key": k.key, "name": k.name, "steps": list(k.steps), "measured": bool(k.steps)}
                                for k in KPIS],
                       "customers": [c.as_json() for c in ins.onboarding]},
        "renewals": {"due": sum(1 for r in ins.renewals if r.due_in_period),
                     "opened": sum(1 for r in ins.renewals if r.opened_in_period),
                     "closed": sum(1 for r in ins.renewals if r.closed_in_period),
                     "reviews": [{"iid": r.iid, "account": r.account, "renewal": r.renewal, "review": r.which,
                                  "title": r.title, "due": r.due.isoformat() if r.due else None,
                                  "opened_at": _iso(r.opened_at, ins), "closed_at": _iso(r.closed_at, ins),
                                  "due_in_period": r.due_in_period, "opened_in_period": r.opened_in_period,
                                  "closed_in_period": r.closed_in_period} for r in ins.renewals]},
        "reads": dict(ins.reads),
    }


def _intake(r) -> dict[str, Any]:
    return {"ae": r.ae, "opened": r.opened, "incomplete": r.incomplete, "completed": r.completed,
            "still_incomplete": r.still_incomplete, **{f"to_complete_{k}": v for k, v in r.to_complete.as_json().items()},
            "requests": _durations(r.requests)}


def dumps(ins: Insights, generated: dt.datetime, version: str = "") -> str:
    return json.dumps(as_json(ins, generated, version), indent=2, ensure_ascii=False) + "\n"


CSV_HEADER = ("section", "subject", "metric", "value")


def rows(ins: Insights) -> list[tuple[str, str, str, object]]:
    """One row per figure: (section, subject, metric, value); a pivot table's long format."""
    out: list[tuple[str, str, str, object]] = [
        ("period", "", "first_day", ins.period.first_day.isoformat()),
        ("period", "", "last_day", ins.period.last_day.isoformat()),
        ("period", "", "timezone", ins.timezone)]
    for w in ins.weeks:
        out += [("flow", w.name, "opened", w.opened), ("flow", w.name, "closed", w.closed)]
    out += [("flow", "total", "opened", ins.opened), ("flow", "total", "closed", ins.closed)]
    out += [("open_at_end", state, "requests", n) for state, n in ins.open_at_end.items()]
    for section, spread, found in (("time_to_triage", ins.to_triage, ins.to_triage_requests),
                                   ("time_to_start", ins.to_start, ins.to_start_requests),
                                   ("time_in_waiting", ins.waiting, ins.waiting_requests)):
        out += [(section, "all", "requests", spread.count), (section, "all", "median_hours", spread.median),
                (section, "all", "p90_hours", spread.p90)]
        out += [(section, f"#{d.iid}", "hours", d.hours) for d in found]
    out.append(("time_in_waiting", "all", "still_waiting_at_end", ins.still_waiting))
    for a in ins.waiting_by_ae:
        out += [("time_in_waiting", a.ae, "requests", a.requests), ("time_in_waiting", a.ae, "total_hours", a.total_hours),
                ("time_in_waiting", a.ae, "median_hours", a.median_hours)]
    for r in (*ins.intake, ins.intake_total):
        out += [("intake", r.ae, metric, getattr(r, metric))
                for metric in ("opened", "incomplete", "completed", "still_incomplete")]
        out += [("intake", r.ae, "median_hours_to_complete", r.to_complete.median)]
    for s in ins.expedite:
        out += [("expedite", f"#{s.iid}", "set_at", _iso(s.at, ins)), ("expedite", f"#{s.iid}", "set_by", s.by),
                ("expedite", f"#{s.iid}", "under_24h", s.under_24h)]
    for r in ins.load:
        out += [("load", r.sa, f"open_{k}", r.open.get(k, 0)) for k, _ in ins.states]
        out += [("load", r.sa, "closed_in_period", r.closed), ("load", r.sa, "over_capacity", r.over_capacity)]
    for c in ins.onboarding:
        subject = f"#{c.iid}"
        out.append(("onboarding", subject, "customer", c.customer))
        out += [("onboarding", subject, f"{v.kpi.key}_days", v.days) for v in c.kpis if v.kpi.steps]
        out += [("onboarding", subject, f"step_{s.number}_days", s.days) for s in c.steps if s.number]
        out += [("onboarding", subject, f"step_{s.number}_target_days", s.target_days) for s in c.steps if s.number]
        out.append(("onboarding", subject, "overdue_steps", " ".join(str(s.number) for s in c.overdue if s.number)))
    for r in ins.renewals:
        out += [("renewals", f"#{r.iid}", "due", r.due.isoformat() if r.due else None),
                ("renewals", f"#{r.iid}", "closed_in_period", r.closed_in_period)]
    return out


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # a spreadsheet runs a cell starting with = + - @ as a formula: text from issues never does
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def to_csv(ins: Insights) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows(ins):
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue()
