"""Live Optimization: the session's steps, its window after signing, and the shape of a
session issue made by hand.

Handbook 000: "a one-time post-sales session, conducted 1-2 months after a customer
signed"; steps 1 Qualification, 2 Milestone meeting, 3 SA preparation, 4 the session,
5 Follow up; agenda 5 / 40 / 10 minutes.
"""

from __future__ import annotations

import datetime as dt
import re

from .checklist import tasks
from .dates import add_months

STEPS = (
    ("Qualification", "AE: the customer's interest in adoption, and their timing for Ultimate"),
    ("Milestone meeting", "AE, at most 25 minutes: 2-4 milestones with the questions below"),
    ("SA preparation", "review the docs, clarify with the AE, prepare answers with links and questions"),
    ("The session", "55 minutes, the AE facilitates (agenda below)"),
    ("Follow-up", "suggestions and recommendations to the customer"),
)

AGENDA = (
    (5, "confirm the milestones for all participants, summarised by the AE"),
    (40, "Live Optimization Q&A on the milestones between the SA and the customer"),
    (10, "planning: review the discussion and next actions, summarised by the AE"),
)

OUTCOMES = (
    "Areas for continued AE engagement to upsell to Ultimate",
    "Actions for GitLab to support the customer with further platform adoption",
    "Actions for potential services support to improve the DevSecOps practice",
)

MILESTONE_QUESTIONS = (
    "What business topic does the customer want to solve for or build for?",
    "What is the objective of this topic?",
    "What business impact and success criteria are they looking for?",
    "What has prevented them from attaining it so far?",
    "How much time will they invest (own engineers, PS or partners)?",
    "In what timeframe do they want to test or implement it?",
)


def window(signed: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a session may be opened: 1 to 2 calendar months after signing."""
    return add_months(signed, 1), add_months(signed, 2)


_WORDS = re.compile(r"qualification|milestone|preparation|session|follow[\s-]*up|agenda|q&a", re.I)


def looks_like_session(title: str, description: str) -> bool:
    """A session issue made by hand: its title says session (and not request), or it is a
    task list of at least three of the session's steps."""
    t = title or ""
    if re.search(r"\bsession\b", t, re.I) and not re.search(r"\brequest\b|\brequesting\b|\?", t, re.I):
        return True
    return sum(1 for x in tasks(description) if _WORDS.search(x.title)) >= 3
