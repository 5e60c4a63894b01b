"""Triage runs: the weekly rotation, and the summary for the next triage call.

``run_rotate``: the project rule ``triage.rotation`` on a sync without the sweep (the
token's user, the labels, and at most one rename).

``run_summary``: the sweep of a full sync (the same reads and writes as ``gl-cs sync``),
whose facts the pure ``triage.summary`` rule turns into actions; they are performed here
in sequence, because the comment goes on the triage issue the first action may open. Its
own requests: the triage issue's comments (one read) and one write, plus, once a week,
opening the issue (a search, the POST, a search again) and the project members.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Sequence

from ..decide.actions import Action, CreateIssue, UpsertComment
from ..decide.context import Context
from ..decide.facts import IssueFact
from ..decide.project_rules import ProjectRule
from ..decide.project_rules import rotation, triage_summary
from ..decide.triage.weeks import Turn
from ..gitlab.adapter import GitLabError
from ..report.model import Entry, SyncReport
from .runtime import Runtime
from .sync import decide_project, run_sync

if TYPE_CHECKING:  # pragma: no cover
    from .desk import Desk


@dataclass
class RotateResult:
    report: SyncReport
    turn: Turn | None
    label: str | None  # the label's name for the week


def run_rotate(desk: "Desk", now: dt.datetime, *, dry_run: bool = False) -> RotateResult:
    runtime = desk.runtime
    seen: dict = {}

    def with_turn(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
        seen["turn"] = rotation.this_week(ctx)
        return rotation.decide(facts, ctx)

    report = run_sync(desk, now, dry_run=dry_run, sweep=False,
                      project_rules=[ProjectRule(rotation.NAME, with_turn, rotation.RULE.doc)])
    turn = seen.get("turn")
    label = rotation.label_name_for(turn.username, runtime.context(now)) if turn and turn.username else None
    return RotateResult(report, turn, label)


@dataclass
class SummaryResult:
    report: SyncReport
    body: str | None = None  # the summary's Markdown (None when the sync failed)
    iid: int | None = None  # the triage issue (None: not opened yet, in a dry run)
    note_id: int | None = None


def decide_summary(facts: Sequence[IssueFact], ctx: Context, runtime: Runtime) -> list[Action]:
    """The pure rule, given the project members when it asks for them (opening the issue)."""
    return decide_project(ProjectRule(triage_summary.NAME, triage_summary.decide), facts, ctx, runtime)


def run_summary(desk: "Desk", now: dt.datetime, *, dry_run: bool = False, print_only: bool = False,
                on_plan: Callable[[list], None] | None = None) -> SummaryResult:
    """Sync, then post (or, with ``print_only``, only compute) the next call's summary.
    ``print_only`` and ``dry_run`` write nothing at all, the sweep included."""
    runtime = desk.runtime
    captured: dict = {}

    def capture(facts: Sequence[IssueFact], ctx: Context) -> list[Action]:
        captured["facts"], captured["ctx"] = list(facts), ctx
        return []

    quiet = dry_run or print_only
    report = run_sync(desk, now, dry_run=quiet, on_plan=on_plan,
                      project_rules=[ProjectRule("triage.facts", capture)])
    if report.fatal or "facts" not in captured:
        return SummaryResult(report)
    facts, ctx = captured["facts"], captured["ctx"]
    try:
        actions = decide_summary(facts, ctx, runtime)
    except GitLabError as exc:
        report.add_failure(0, f"{triage_summary.NAME}: reading project members: {exc}")
        return SummaryResult(report)
    result = SummaryResult(report, body=next(a.body for a in actions if isinstance(a, UpsertComment)))
    if print_only:
        return result
    writer = runtime.writer(ctx, dry_run=dry_run)
    result.iid, result.note_id = perform(actions, writer, report, "triage issue")
    report.writes += writer.writes_made
    report.planned_writes += writer.writes_so_far
    return result


def perform(actions: Sequence[Action], writer, report: SyncReport, issue: str) -> tuple[int | None, int | None]:
    """Perform a project rule's issue, comment and closing actions in order: a comment with
    no issue number goes on the issue the ``CreateIssue`` before it opened (``issue`` names
    it for a dry run, where it does not exist). Each action that wrote is reported; the first
    failure stops the rest. Returns the issue and the comment (None when not known)."""
    iid: int | None = None
    target: int | None = None
    note_id: int | None = None
    for action in actions:
        try:
            before = writer.writes_so_far
            if isinstance(action, CreateIssue):
                created = writer.execute(action)
                iid = created.iid if created is not None else None
                if writer.writes_so_far > before:
                    report.add_project_action(action)
            elif isinstance(action, UpsertComment):
                target = action.iid or iid
                if not target:  # a dry run: the issue it would open does not exist yet
                    entry = Entry(0, action.rule, f"post comment '{action.key}' on the new {issue}", action.why)
                    report.changes.append(entry)
                    report.counts[entry.rule] += 1
                    continue
                action = replace(action, iid=target)
                note_id = writer.execute(action)
                if writer.writes_so_far > before:  # a re-run with nothing new writes nothing
                    report.add_project_action(action)
            else:  # closing an earlier period's issue
                writer.execute(action)
                if writer.writes_so_far > before:
                    report.add_project_action(action)
        except GitLabError as exc:
            report.add_failure(getattr(action, "iid", 0) or 0, f"{action.rule}: {action.describe()}: {exc}")
            break
    return target or None, note_id
