"""``gl-cs report``: read what the period's figures need, compute the desk insights, and post
them (``--post``) through the one writer.

Requests, for a period since S:

* the token's user and the labels (the runtime's setup), the open issues and the issues
  closed since S (100 a page);
* the label history of each request open in the period that changed since S (one request
  each; one untouched since keeps its labels' state throughout);
* the comments of each request opened in the period that has any (did gl-cs ask for
  missing fields?) and of each checklist open in the period with a ticked step (when?);
* nothing of what the record already holds for an issue unchanged since it was read: the
  history of closed issues never changes, so a report of an overlapping period reads only
  what changed or is new to it;
* ``--post``: the report issue's comments and one write (the first time: GitLab's search
  for the issue's key, opening it, the search again).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from ..gitlab.adapter import GitLabError
from ..insights import compute as insights
from ..insights import markdown, post
from ..insights.period import Period
from ..read.snapshot import Issue
from ..report.model import SyncReport
from .runtime import Runtime
from .triage import perform

if TYPE_CHECKING:  # pragma: no cover
    from .desk import Desk

log = logging.getLogger(__name__)


@dataclass
class ReportRun:
    report: SyncReport  # the changes --post made, failures, the exit code
    insights: insights.Insights | None = None
    markdown: str | None = None
    issues: list[Issue] = field(default_factory=list)  # the issues read (report issues included)
    iid: int | None = None  # the report issue (--post)


def _sources(runtime: Runtime, period: Period) -> Iterator[Issue]:
    yield from runtime.gitlab.iter_issues(state="opened")
    yield from runtime.gitlab.iter_issues(state="closed", updated_after=period.since)


def read(runtime: Runtime, period: Period, now: dt.datetime, reads: Counter) -> list[Issue]:
    """The issues the report needs (and the report issues), each with the label events and
    comments its figures need: from the record when the issue is unchanged, else read."""
    ctx = runtime.context(now)
    record = runtime.record
    out: list[Issue] = []
    for issue in _sources(runtime, period):
        reads["issues_listed"] += 1
        kind = insights.role(issue, ctx)
        if kind == "report":
            out.append(issue)
            continue
        if not insights.in_scope(issue, period) or kind == "other":
            continue
        want_events = insights.needs_label_events(issue, period, ctx, kind)
        want_notes = insights.needs_notes(issue, period, ctx, kind)
        if not (want_events or want_notes):
            out.append(issue)
            continue
        events, notes = record.history_of(issue)
        read_any = False
        if want_events and events is None:
            events = tuple(runtime.gitlab.label_events(issue.iid))
            reads["label_histories_read"] += 1
            read_any = True
        elif want_events:
            reads["label_histories_from_record"] += 1
        if want_notes and notes is None:
            notes = insights.kept_notes(runtime.gitlab.notes(issue.iid), ctx)
            reads["comments_read"] += 1
            read_any = True
        elif want_notes:
            reads["comments_from_record"] += 1
        if read_any:
            record.keep_history(issue, events, notes)
        if events is not None:
            issue = issue.with_label_events(events)
        if notes is not None:
            issue = issue.with_notes(notes)
        out.append(issue)
    return out


def run_report(desk: "Desk", now: dt.datetime, period: Period, *, post_it: bool = False,
               dry_run: bool = False) -> ReportRun:
    """Read, compute and render the desk's insights of the period; with ``post_it``, put the
    Markdown on the period's report issue (``dry_run``: say what would be written, write
    nothing). The record keeps what was read either way (it only saves reads)."""
    runtime = desk.runtime
    report = SyncReport(now=now, dry_run=dry_run, project=str(runtime.config.project))
    try:
        runtime.setup()  # 401/403/404: SetupError, for the caller (a configuration problem)
    except GitLabError as exc:
        report.fatal = f"{exc} — the report stopped; nothing was posted"
        return ReportRun(report)
    reads: Counter = Counter()
    try:
        issues = read(runtime, period, now, reads)
    except GitLabError as exc:
        report.fatal = f"{exc} — the report stopped; nothing was posted"
        runtime.record.save()
        return ReportRun(report)
    finally:
        log.info("report of %s: %s", period.name, dict(reads))
    runtime.record.save()
    ctx = runtime.context(now)
    found = insights.compute([i for i in issues if insights.role(i, ctx) != "report"], period, ctx)
    found.reads.update({k: reads[k] for k in ("issues_listed", "label_histories_read", "label_histories_from_record",
                                              "comments_read", "comments_from_record")})
    body = markdown.render(found, now)
    report.issues_seen = found.requests_seen
    run = ReportRun(report, found, body, issues)
    if post_it:
        writer = runtime.writer(ctx, dry_run=dry_run)
        run.iid, _ = perform(post.actions(found, body, issues, ctx), writer, report, "report issue")
        report.writes += writer.writes_made
        report.planned_writes += writer.writes_so_far
    return run
