"""Onboarding time-to-value, from the checklists gl-cs opened or recognised.

Handbook 003, "we will measure the time in calendar days from the initial transaction to:
Engagement (... the CSM has their first meeting with the customer), Onboarding (... all the
onboarding tasks are done), Infrastructure Ready, First Value (... 10% of their licenses),
Outcome Achieved". Handbook 001 gives each checklist step its timing from the start.

What the desk can tell, and how (the choice is written in docs/insights.md):

* a step is done when its box is ticked; when, from GitLab's note "marked the checklist item
  **...** as completed" (the last one before the period's end, unless unticked since);
* days to a step: calendar days (desk time zone) from the checklist's start date to the tick;
  its target: the step's due date in the checklist (handbook 001's timing) minus the start;
* Engagement: step 2, the personal introduction call (the first meeting with the customer);
  Infrastructure Ready: step 3, the installation follow-up; Onboarding: steps 1-4 all done
  (the first month; the later steps are account management up to the renewal), its day the
  last of them. First Value and Outcome Achieved need licence data the desk does not hold:
  reported as not measured;
* overdue at the end: not ticked by then, due before the period's last day was over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from ..decide.accounts.checklist import STEPS, Task, tasks
from ..read.snapshot import Issue
from ..text.task_notes import read_task_note
from .period import Period


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    steps: tuple[int, ...]  # the checklist steps that must be done; () = not measured by the desk
    what: str


KPIS = (
    Kpi("engagement", "Engagement", (2,), "step 2, the personal introduction call"),
    Kpi("infrastructure_ready", "Infrastructure Ready", (3,), "step 3, the installation follow-up"),
    Kpi("onboarding", "Onboarding", (1, 2, 3, 4), "steps 1-4 all done"),
    Kpi("first_value", "First Value", (), "10% of licences active: not in the desk"),
    Kpi("outcome_achieved", "Outcome Achieved", (), "the purchase intent delivered: not in the desk"),
)
_NUMBER = {s.title.lower(): s.number for s in STEPS}


@dataclass(frozen=True)
class StepProgress:
    number: int | None  # the handbook step, None for a task that is none of them
    title: str
    due: dt.date | None
    target_days: int | None
    ticked_on: dt.date | None  # the day it was ticked (desk time zone), None: not by the end
    ticked_unknown: bool  # ticked, but GitLab wrote no note for it (ticked when the issue was written)
    days: int | None
    overdue: bool

    def as_json(self) -> dict:
        return {"step": self.number, "title": self.title, "due": self.due.isoformat() if self.due else None,
                "target_days": self.target_days, "ticked_on": self.ticked_on.isoformat() if self.ticked_on else None,
                "ticked_date_unknown": self.ticked_unknown, "days": self.days, "overdue": self.overdue}


@dataclass(frozen=True)
class KpiValue:
    kpi: Kpi
    days: int | None
    target_days: int | None

    @property
    def met(self) -> bool | None:
        if self.days is None or self.target_days is None:
            return None
        return self.days <= self.target_days

    def as_json(self) -> dict:
        return {"days": self.days, "target_days": self.target_days, "within_target": self.met}


@dataclass(frozen=True)
class CustomerProgress:
    iid: int
    customer: str
    start: dt.date | None
    steps: tuple[StepProgress, ...]
    kpis: tuple[KpiValue, ...]

    @property
    def overdue(self) -> tuple[StepProgress, ...]:
        return tuple(s for s in self.steps if s.overdue)

    def as_json(self) -> dict:
        return {"iid": self.iid, "customer": self.customer, "start": self.start.isoformat() if self.start else None,
                "kpis": {k.kpi.key: k.as_json() for k in self.kpis},
                "overdue_steps": [s.number if s.number is not None else s.title for s in self.overdue],
                "steps": [s.as_json() for s in self.steps]}


def step_number(title: str) -> int | None:
    return _NUMBER.get(title.strip().lower())


def ticks(notes: Sequence | None, period: Period) -> tuple[dict[str, dt.datetime], set[str]]:
    """When each step (by its title, lower case) was ticked, as of the period's end (the last
    "completed" note, unless an "incomplete" one came after it), and the steps GitLab wrote
    any such note for, at any time."""
    at_end: dict[str, dt.datetime | None] = {}
    noted: set[str] = set()
    for note in sorted(notes or (), key=lambda n: (n.created_at or period.end, n.id)):
        read = read_task_note(note.body) if note.system else None
        if read is None or note.created_at is None:
            continue
        item, done = read
        for task in tasks(f"- [{'x' if done else ' '}] {item}"):
            noted.add(task.title.lower())
            if note.created_at < period.end:
                at_end[task.title.lower()] = note.created_at if done else None
    return {k: v for k, v in at_end.items() if v is not None}, noted


def progress(issue: Issue, customer: str, start: dt.date | None, period: Period) -> CustomerProgress:
    ticked, noted = ticks(issue.notes, period)
    steps = [_step(task, ticked.get(task.title.lower()), task.title.lower() in noted, start, period)
             for task in tasks(issue.description or "")]
    values = []
    by_number = {s.number: s for s in steps if s.number is not None}
    for kpi in KPIS:
        parts = [by_number.get(n) for n in kpi.steps]
        if not kpi.steps or any(p is None for p in parts):
            values.append(KpiValue(kpi, None, None))
            continue
        days = [p.days for p in parts]
        targets = [p.target_days for p in parts]
        values.append(KpiValue(kpi, max(days) if None not in days else None,
                               max(targets) if None not in targets else None))
    return CustomerProgress(issue.iid, customer, start, tuple(steps), tuple(values))


def _step(task: Task, ticked_at: dt.datetime | None, noted: bool, start: dt.date | None,
          period: Period) -> StepProgress:
    number = step_number(task.title)
    target = (task.due - start).days if task.due is not None and start is not None else None
    ticked_on = period.local(ticked_at).date() if ticked_at is not None else None
    # ticked in the description without any note for it: ticked when the checklist was written
    # (or before GitLab wrote such notes); done, on a day nobody can tell
    unknown = ticked_on is None and task.done and not noted
    days = (ticked_on - start).days if ticked_on is not None and start is not None else None
    done = ticked_on is not None or unknown
    overdue = not done and task.due is not None and task.due < period.end_day
    return StepProgress(number, task.title, task.due, target, ticked_on, unknown, days, overdue)
