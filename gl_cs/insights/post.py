"""insights.report: where ``gl-cs report --post`` puts the report. Pure.

One report issue per period, found by its hidden key (``insights:FIRST:LAST``), opened when
missing (labelled SA Action Items and the fiscal quarter, so no request rule touches it and
the next sync has nothing to add); the report is one comment on it with a hidden key, so a
re-run updates that comment in place. Once a later period's report issue is open, the earlier
ones gl-cs opened are closed, so the board shows one.
"""

from __future__ import annotations

from typing import Sequence

from ..decide.actions import Action, CloseIssue, CreateIssue, UpsertComment
from ..decide.context import Context
from ..decide.request import created_key
from ..decide.rules import fiscal_quarter
from ..read.snapshot import Issue
from .compute import REPORT_KEY, Insights
from .markdown import title

NAME = "insights.report"
COMMENT_KEY = "report"


def issue_key(ins: Insights) -> str:
    return f"{REPORT_KEY}{ins.period.key}"


def _last_day(key: str) -> str:
    return key.rsplit(":", 1)[-1]


def actions(ins: Insights, body: str, issues: Sequence[Issue], ctx: Context) -> list[Action]:
    key = issue_key(ins)
    why = f"the desk insights of {ins.period.name}"
    mine = [i for i in issues if ctx.is_bot(i.author) and (created_key(i) or "").startswith(REPORT_KEY)]
    existing = sorted(i.iid for i in mine if created_key(i) == key)
    out: list[Action] = []
    if existing:
        iid = existing[0]
    else:
        p = ins.period
        description = (f"The SA Service Desk's insights for {p.name} ({p.first_day:%d %b %Y} to {p.last_day:%d %b %Y}, "
                       f"{ins.timezone}): flow, time to triage and to start, SA Waiting, intake, EXPEDITE, load per SA, "
                       f"onboarding time-to-value and renewal reviews.\n\n"
                       f"gl-cs posts the report below as a comment and updates that comment when `gl-cs report "
                       f"--since {p.first_day}{'' if p.open_ended else f' --until {p.last_day}'} --post` runs again. "
                       f"Definitions: docs/insights.md in gl-cs.")
        labels = (ctx.label_for("action_items"), fiscal_quarter.current_label(ctx))
        out.append(CreateIssue(NAME, f"no report issue for {ins.period.name} yet", key=key, title=title(ins),
                               description=description, labels=labels))
        iid = 0  # the issue just opened: the app fills it in
    out.append(UpsertComment(NAME, why, iid=iid, key=COMMENT_KEY, body=body))
    earlier = sorted(i.iid for i in mine if i.state == "opened" and _last_day(created_key(i) or "") < ins.period.first_day.isoformat())
    out += [CloseIssue(NAME, f"an earlier period's report; {ins.period.name}'s is "
                             f"{'#' + str(iid) if iid else 'the new one'}", iid=i) for i in earlier]
    return out
