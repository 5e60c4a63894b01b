"""The onboarding checklist's steps and how to read them back from an issue.

Handbook 001, "Customer On-boarding Checklist": 1 Welcome, 2 Personal introduction
(2-5 days), 3 Installation follow-up (7-10 days), 4 Education (20-30 days), 5 Discovery
(60 days), 6 Check-in (90 days), 7 Outlook (6 months), 8 Renewal/Expansion (10 months),
9 Renewal (11 months), 10 Renewal (12 months), 11 Expansion ("For Strategic Deals, an
Account Expansion Template should be created"). The handbook gives step 11 no timing:
gl-cs makes it due with step 8, the Renewal/Expansion check-in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .dates import due_after
from ...parse.segment import STRATEGIC


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    span: str  # from the start date: "at start", "2-5 days", "6 months"
    what: str
    strategic_only: bool = False


STEPS = (
    Step(1, "Welcome", "at start", "welcome the customer, introduce yourself and how to get support"),
    Step(2, "Personal introduction", "2-5 days", "a quick, informal call with the new account contacts"),
    Step(3, "Installation follow-up", "7-10 days", "was the installation successful, any issues, did support help"),
    Step(4, "Education", "20-30 days", "product education; releases ship on the 22nd of each month"),
    Step(5, "Discovery", "60 days", "discover the need for EE / higher-tier features"),
    Step(6, "Check-in", "90 days", "open issues, feature requests, are decision makers and license contacts current"),
    Step(7, "Outlook", "6 months", "as the 90-day check-in, plus the customer's next 6 months"),
    Step(8, "Renewal/Expansion", "10 months", "renewal is coming: who is responsible, team growth, more seats"),
    Step(9, "Renewal", "11 months", "check in if not yet renewed: blockers, changes to expect"),
    Step(10, "Renewal follow-up", "12 months", "follow up; if the renewal was lost, why"),
    Step(11, "Expansion", "10 months", "create an Account Expansion Template", strategic_only=True),
)


@dataclass(frozen=True)
class DueStep:
    step: Step
    due: dt.date


def schedule(start: dt.date, segment: str | None) -> list[DueStep]:
    """The checklist's steps with their due dates; the expansion step only for Strategic."""
    return [DueStep(s, due_after(start, s.span)) for s in STEPS if not s.strategic_only or segment == STRATEGIC]


@dataclass(frozen=True)
class Task:
    """One task-list item read back from a checklist issue."""

    title: str
    done: bool
    due: dt.date | None


_TASK = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*)$")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_STEP_WORDS = re.compile(r"welcome|introduction|installation|education|discovery|check[\s-]*in|outlook|renewal|"
                         r"expansion", re.I)


def tasks(description: str) -> list[Task]:
    out = []
    for line in (description or "").splitlines():
        m = _TASK.match(line)
        if not m:
            continue
        text = m.group(2)
        due = None
        d = _ISO.search(text)
        if d:
            try:
                due = dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
            except ValueError:
                due = None
        title = re.split(r"\s+[—–-]\s+|\s*\(|\s*:\s", re.sub(r"[*_`]", "", text).strip(), maxsplit=1)[0]
        out.append(Task(title=re.sub(r"^\d+[.)]\s*", "", title).strip(), done=m.group(1) in "xX", due=due))
    return out


def looks_like_checklist(title: str, description: str) -> bool:
    """A checklist made by hand or by an earlier tool: its title says checklist, or it
    is a task list of at least three of the checklist's steps."""
    if re.search(r"check[\s-]*list", title or "", re.I) and not re.search(r"\brequest\b", title or "", re.I):
        return True
    return sum(1 for t in tasks(description) if _STEP_WORDS.search(t.title)) >= 3


def next_open(found: list[Task]) -> Task | None:
    """The unticked step due first."""
    open_ = [t for t in found if not t.done and t.due is not None]
    return min(open_, key=lambda t: t.due) if open_ else None
