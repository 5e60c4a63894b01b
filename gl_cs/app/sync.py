"""The sync: read -> decide -> act -> report, one issue at a time (streamed), then the
project-level pass over the facts the sweep gathered.

``run_sync(desk, now, ...)`` is the one path every entry point uses: ``gl-cs sync`` (one
desk after another, or a shard's), ``--issue``, the demo, the CI jobs and the webhook
worker, each on a :class:`~gl_cs.app.desk.Desk` (whose runtime is kept as long as the desk).

Requests, for N open issues: the token's user and the labels (once per runtime), the
issue list (100 a page) and the recently closed ones; then only what a decision needs:
label history or comments that neither the record nor the list can answer, one write per
issue that changes, and one list request per 100 commented issues afterwards (the
check for a racing run, which also tells the record the issue's state after the write).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from ..act.writer import Outcome, PartialApply, Writer
from ..config import Config
from ..decide.actions import Comment, CreateIssue, CreateLabel, Finding, LinkIssues, Plan, UpsertComment
from ..decide.context import Context, MissingData
from ..decide.engine import decide_issue
from ..decide.facts import IssueFact
from ..decide.reading import STATS as READING
from ..decide.project_rules import PROJECT_RULES, ProjectRule
from ..decide.request import issue_facts
from ..gitlab.adapter import GitLab, GitLabError
from ..markers import with_marker
from ..read.snapshot import Issue
from ..report.model import SyncReport
from .runtime import Runtime, SetupError

if TYPE_CHECKING:  # pragma: no cover
    from .desk import Desk

log = logging.getLogger(__name__)

VERIFY_BATCH = 100

__all__ = ["run_sync", "SetupError", "Runtime"]


def _chunks(items: Sequence[int], size: int = 100) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _sources(gitlab: GitLab, config: Config, now: dt.datetime, iids: Sequence[int] | None) -> Iterable[Issue]:
    if iids:
        for chunk in _chunks(sorted(set(iids))):
            yield from gitlab.iter_issues(state="all", iids=chunk)
        return
    yield from gitlab.iter_issues(state="opened")
    if config.closed_issues == "remove_workflow_labels":
        since = now - dt.timedelta(hours=config.closed_lookback_hours)
        yield from gitlab.iter_issues(state="closed", updated_after=since)


@dataclass
class _Written:
    issue: Issue
    plan: Plan
    outcome: Outcome


def run_sync(desk: "Desk", now: dt.datetime, *, dry_run: bool = False, iids: Sequence[int] | None = None,
             on_plan: Callable[[list], None] | None = None, project_rules: Sequence[ProjectRule] | None = None,
             sweep: bool = True) -> SyncReport:
    """Reconcile the desk's issues with its rules, then run the project rules (not for
    ``iids``).

    ``on_plan`` is called with each issue's change entries once they are applied, so a
    long sync prints as it goes."""
    runtime = desk.runtime
    gitlab, config = runtime.gitlab, runtime.config
    report = SyncReport(now=now, dry_run=dry_run, project=str(config.project), swept=sweep)
    requests_before, parsed_before = gitlab.requests_sent, READING.parsed
    try:
        runtime.setup(refresh_labels=not iids)
    except GitLabError as exc:
        report.fatal = str(exc)
        report.requests = gitlab.requests_sent - requests_before
        return report
    log.info("syncing %s as %s at %s%s", config.project, runtime.bot.username, now.isoformat(),
             " (dry run)" if dry_run else "")
    ctx = runtime.context(now)
    writer = runtime.writer(ctx, dry_run=dry_run)
    try:
        report.labels_created = _ensure_labels(runtime, writer)
    except GitLabError as exc:
        report.fatal = str(exc)
        report.requests = gitlab.requests_sent - requests_before
        return report
    ctx = runtime.context(now)
    record = writer.keep(runtime.record)

    facts: list[IssueFact] = []
    written: list[_Written] = []
    seen: set[int] = set()

    def finish(item: _Written, posted: list[Comment]) -> None:
        changes = report.add_plan(item.plan, posted)
        log.debug("#%s: %d change(s)", item.plan.iid, len(changes))
        if on_plan:
            on_plan(changes)

    def verify() -> None:
        """One list request for up to 100 commented issues: did a racing run say the same
        thing (more comments than ours)? And what does the issue look like now (record)?"""
        batch, written[:] = list(written), []
        if not batch:
            return
        try:
            now_state = {i.iid: i for i in gitlab.iter_issues(state="all", iids=[w.issue.iid for w in batch])}
        except GitLabError as exc:
            log.warning("could not re-read %d commented issue(s) (%s); the next run reads them afresh",
                        len(batch), exc)
            now_state = {}
        for item in batch:
            current = now_state.get(item.issue.iid)
            posted = item.outcome.posted
            if current is not None and item.outcome.expected_notes is not None \
                    and (current.user_notes_count or 0) > item.outcome.expected_notes:
                kept = writer.settle(item.issue.iid, item.outcome)
                if kept != posted:
                    posted, current = kept, None  # the record re-reads this one next time
            _remember(record, ctx, item, current if _as_planned(item, current) else None)
            finish(item, posted)

    try:
        for issue in _sources(gitlab, config, now, iids) if sweep else ():
            gitlab.check_deadline()  # past --deadline: stop here, between two issues
            report.issues_seen += 1
            seen.add(issue.iid)
            issue = record.enrich(issue, config)
            plan: Plan | None = None
            try:
                plan, issue = _decide(runtime, issue, ctx)
                fact = issue_facts(issue, plan, ctx)  # before any write: a bug here writes nothing
                outcome = writer.apply(plan, issue)
            except PartialApply as exc:
                report.add_plan(_without_comments(plan), [])
                report.add_failure(issue.iid, f"{exc} (the label change above was applied; its comment was not)")
                record.forget(issue.iid)
                continue
            except GitLabError as exc:
                report.add_failure(issue.iid, str(exc))
                record.forget(issue.iid)
                continue
            except Exception as exc:  # a bug must cost one issue, never a wrong comment or the whole sync
                log.exception("deciding #%s failed", issue.iid)
                report.add_failure(issue.iid, f"internal error ({exc.__class__.__name__}: {exc}); "
                                              f"please report it with `gl-cs -vv sync --issue {issue.iid}`")
                record.forget(issue.iid)
                continue
            facts.append(fact)
            item = _Written(issue, plan, outcome)
            if outcome.note_id is not None or (outcome.posted and outcome.note_body):
                written.append(item)
                if len(written) >= VERIFY_BATCH:
                    verify()
            else:
                refused = _remember(record, ctx, item, outcome.after if outcome.edited else None)
                if refused:
                    names = ", ".join(u.username for u in plan.assignees if u.id in refused)
                    report.add_plan(replace(plan, actions=[Finding(
                        "workflow.assignee", "GitLab answered the edit without them: they cannot see this issue",
                        text=f"GitLab did not assign {names}")]), [])
                finish(item, outcome.posted)
        verify()
    except GitLabError as exc:
        verify()
        report.fatal = f"{exc} — the sync stopped; issues not yet read were not checked"
    if not report.fatal:
        for iid in sorted(set(iids or ()) - seen):
            report.add_failure(iid, "no such issue in the project (or the token cannot see it)")
    if not report.fatal and not iids:
        _project_pass(project_rules if project_rules is not None else PROJECT_RULES, facts, ctx, writer, report,
                      on_plan, runtime)
    record.save()  # the dry writer keeps a read-only view: nothing is saved
    report.writes = writer.writes_made
    report.planned_writes = writer.writes_so_far
    report.requests = gitlab.requests_sent - requests_before
    report.descriptions_read = READING.parsed - parsed_before
    return report


def _ensure_labels(runtime: Runtime, writer: Writer) -> list[str]:
    created = []
    for name, color in runtime.missing_labels():
        writer.execute(CreateLabel("labels", "a label gl-cs manages is missing", name=name, color=color,
                                   description="Managed by gl-cs (see rules.yml)"))
        created.append(name)
        runtime.labels.append(name)
    return created


def decide_project(rule: ProjectRule, facts: Sequence[IssueFact], ctx: Context, runtime: Runtime):
    """A project rule may ask for the project members (read once, kept by the runtime),
    for every closed issue with a label (``Context.need_closed``: one list read, only when
    a rule is about to open an issue that must exist once), and for issues a request cites
    (``Context.need_issues``: one list read); ``facts`` grows with those."""
    asked: set[str] = set()
    while True:  # each round reads what one need names; a need asked twice is a bug, not a loop
        try:
            return rule.decide(facts, ctx)
        except MissingData as need:
            if need.what in asked:
                raise
            asked.add(need.what)
            if need.what == "members":
                ctx.members_ = runtime.read_members()
            elif need.what.startswith("closed:") and isinstance(facts, list):
                label = need.what[len("closed:"):]
                known = {f.iid for f in facts}
                for issue in runtime.gitlab.iter_issues(state="closed", labels=[label]):
                    if issue.iid not in known:
                        facts.append(issue_facts(issue, Plan(iid=issue.iid, web_url=issue.web_url), ctx))
                ctx.closed_history = ctx.closed_history | {label}
            elif need.what.startswith("issues:") and isinstance(facts, list):
                wanted = [int(i) for i in need.what[len("issues:"):].split(",")]
                known = {f.iid for f in facts}
                for chunk in _chunks([i for i in wanted if i not in known]):
                    for issue in runtime.gitlab.iter_issues(state="all", iids=chunk):
                        facts.append(issue_facts(issue, Plan(iid=issue.iid, web_url=issue.web_url), ctx))
                ctx.issues_read = ctx.issues_read | set(wanted)
            else:
                raise


def _project_pass(rules: Sequence[ProjectRule], facts: list[IssueFact], ctx: Context, writer: Writer,
                  report: SyncReport, on_plan: Callable[[list], None] | None = None,
                  runtime: Runtime | None = None) -> None:
    """Each project rule sees every issue's fact and plans project actions; an action is
    reported when it wrote something (or, in a dry run, would)."""
    touched = _Touched()
    for rule in rules:
        try:
            actions = decide_project(rule, facts, ctx, runtime)
        except MissingData as need:  # project rules get their data through the facts
            report.add_failure(0, f"{rule.name}: needs {need.what}, which the facts do not carry")
            continue
        except GitLabError as exc:
            report.add_failure(0, f"{rule.name}: {exc}")
            continue
        for action in actions:
            before = writer.writes_so_far
            try:
                made = writer.execute(action)
            except GitLabError as exc:
                report.add_failure(getattr(action, "iid", 0), f"{rule.name}: {action.describe()}: {exc}")
                continue
            if writer.writes_so_far > before:
                entry = report.add_project_action(action)
                touched.note(action, made)
                if on_plan:
                    on_plan([entry])
    if runtime is not None and runtime.record is not None:
        touched.remember(runtime.gitlab, writer.keep(runtime.record))


class _Touched:
    """The issues the project rules opened, linked, closed or commented on this run. After
    the pass, one list request per 100 of them tells the record how they look now, so the
    next run does not read them afresh (an issue gl-cs opened has no history to read)."""

    def __init__(self) -> None:
        self.opened: set[int] = set()
        self.changed: dict[int, list[tuple[int, str]]] = {}

    def note(self, action, made) -> None:
        if isinstance(action, CreateIssue):
            if isinstance(made, Issue):
                self.opened.add(made.iid)
            for target in action.links:
                self.changed.setdefault(target, [])
        elif isinstance(action, UpsertComment):
            posted = [(made, with_marker(action.body, action.rule, action.key))] if isinstance(made, int) else []
            self.changed.setdefault(action.iid, []).extend(posted)
        elif isinstance(action, LinkIssues):
            self.changed.setdefault(action.iid, [])
            self.changed.setdefault(action.target_iid, [])
        elif getattr(action, "iid", 0):
            self.changed.setdefault(action.iid, [])

    def remember(self, gitlab: GitLab, record) -> None:
        if not record.writable:  # a dry run's view: it keeps nothing, so it reads nothing for it
            return
        iids = sorted(self.opened | set(self.changed))
        seen: set[int] = set()
        try:
            for chunk in _chunks(iids):
                for issue in gitlab.iter_issues(state="all", iids=chunk):
                    seen.add(issue.iid)
                    if issue.iid in self.opened:
                        record.opened(issue)
                    else:
                        record.touched(issue, posted=self.changed.get(issue.iid, ()))
        except GitLabError as exc:
            log.warning("could not re-read %d issue(s) the project rules changed (%s); the next run reads them "
                        "afresh", len(iids), exc)
        for iid in set(iids) - seen:
            record.forget(iid)


def _as_planned(item: _Written, current: Issue | None) -> bool:
    """Does the issue look exactly as gl-cs left it (nobody else changed it meanwhile)?"""
    if current is None:
        return False
    plan, before = item.plan, item.issue
    labels = (set(before.labels) | set(plan.add_labels)) - set(plan.remove_labels)
    assignees = {u.id for u in (plan.assignees if plan.assignees is not None else before.assignees)}
    notes_ok = item.outcome.expected_notes is None or current.user_notes_count == item.outcome.expected_notes
    due_ok = plan.due_date is False or current.due_date == plan.due_date
    return (set(current.labels) == labels and {u.id for u in current.assignees} == assignees and notes_ok and due_ok
            and current.description == before.description and current.title == before.title)


def refused_assignees(item: _Written, after: Issue | None) -> tuple[int, ...]:
    """Users gl-cs asked GitLab to assign that it silently left out (GitLab drops users who
    cannot see the issue and answers 200)."""
    if after is None or item.plan.assignees is None:
        return ()
    present = {u.id for u in after.assignees}
    return tuple(u.id for u in item.plan.assignees if u.id not in present)


def _remember(record, ctx: Context, item: _Written, after: Issue | None) -> tuple[int, ...]:
    outcome = item.outcome
    posted = [(outcome.note_id, outcome.note_body)] if outcome.note_id is not None else []
    own = (item.plan.add_labels, item.plan.remove_labels) if outcome.edited else ((), ())
    refused = refused_assignees(item, after)
    if refused:  # what GitLab made of the edit is the state to remember, with the refusal
        plan = replace(item.plan, assignees=after.assignees)
        item = _Written(item.issue, plan, outcome)
    if (posted or outcome.edited) and after is not None and not _as_planned(item, after):
        after, refused = None, ()
    record.remember(item.issue, is_bot=ctx.is_bot, posted=posted, own_labels=own, after=after, refused=refused)
    return refused


def _without_comments(plan):
    return replace(plan, actions=[a for a in plan.actions if not isinstance(a, Comment)])


def _keyed_on_unread_event(plan: Plan, issue: Issue) -> bool:
    """Does a comment's key name a label event gl-cs did not read from GitLab (negative
    ids: what its record or a webhook's payload described)? Keys must carry GitLab's own
    event id, or a later run that reads the history would say the same thing again."""
    guessed = {f"event-{e.id}" for e in issue.label_events or () if e.id < 0}
    return bool(guessed) and any(isinstance(a, Comment) and a.key in guessed for a in plan.actions)


def _decide(runtime: Runtime, issue: Issue, ctx: Context) -> tuple[Plan, Issue]:
    """Decide, reading label events, comments or members only when a rule asks for them."""
    gitlab = runtime.gitlab
    for _ in range(4):
        try:
            plan = decide_issue(issue, ctx)
            if not _keyed_on_unread_event(plan, issue):
                return plan, issue
            issue = issue.with_label_events(gitlab.label_events(issue.iid))
        except MissingData as need:
            if need.what == "label_events":
                issue = issue.with_label_events(gitlab.label_events(issue.iid))
            elif need.what == "notes":
                issue = issue.with_notes(gitlab.notes(issue.iid))
            elif need.what == "members":
                ctx.members_ = runtime.read_members()
            else:  # pragma: no cover - a rule asked for something unknown
                raise
    raise RuntimeError(f"rules kept asking for more data on #{issue.iid}")
