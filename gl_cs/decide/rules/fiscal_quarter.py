"""fiscal_quarter: every open issue in the desk carries the current fiscal-quarter label.

Handbook 002, "Labels": "Current Quarter Label"; GitLab's fiscal year starts on
1 February, so FY27 runs Feb 2026 - Jan 2027 and 2026-11-23 is FY27-Q4
(DOMAIN.md section 1). Earlier quarter labels stay, as history. Requests, SA Action Items
and issues gl-cs opened alike: the label is how the team counts a quarter's work.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from ...read.snapshot import Issue
from ..actions import Action, AddLabel
from ..context import Context
from .base import Rule

NAME = "fiscal_quarter"


def fiscal_label(day: dt.date, start_month: int, fmt: str) -> str:
    offset = (day.month - start_month) % 12
    quarter = offset // 3 + 1
    fy = day.year + 1 if (start_month > 1 and day.month >= start_month) else day.year
    return fmt.format(fy=fy, fy2=f"{fy % 100:02d}", q=quarter)


def current_label(ctx: Context) -> str:
    cfg = ctx.config
    today = ctx.now.astimezone(zoneinfo.ZoneInfo(cfg.timezone)).date()
    return fiscal_label(today, cfg.fiscal_start_month, cfg.fiscal_label_format)


def decide(issue: Issue, ctx: Context) -> list[Action]:
    label = current_label(ctx)
    if label in issue.labels:
        return []
    return [AddLabel(NAME, f"the request is open in fiscal quarter {label}", label=label)]


RULE = Rule(NAME, decide, doc=__doc__ or "")
