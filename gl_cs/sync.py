"""The sync: read -> decide -> act -> report, one issue at a time (streamed).

``run_sync`` is the one path every entry point uses: ``gl-cs sync``, ``--issue``,
the demo and (later) the webhook service.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Callable, Iterable, Iterator, Sequence

from .act.applier import Applier, PartialApply
from .config import Config
from .decide.actions import Comment
from .decide.context import Context, MissingData
from .decide.engine import decide_issue
from .gitlab.adapter import GitLab, GitLabError
from .read.snapshot import Issue
from .report.model import SyncReport

log = logging.getLogger(__name__)

LABEL_COLORS = {
    "backlog": "#428BCA", "triaged": "#44AD8E", "doing": "#5CB85C", "waiting": "#F0AD4E",
    "action_items": "#7F8C8D",
}


class SetupError(Exception):
    """The sync could not start (bad token, unknown project): a configuration problem."""


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


def _ensure_labels(gitlab: GitLab, config: Config, existing: list[str], dry_run: bool) -> list[str]:
    """Create managed labels the project lacks (first sync only), with the team's colours."""
    wanted = [(s.label, LABEL_COLORS.get(s.key, "#428BCA"), s) for s in config.states]
    wanted += [(config.expedite_label, "#D9534F", None), (config.services_label, "#8E44AD", None)]
    created = []
    for name, color, state in wanted:
        if any((state.matches(l) if state else l == name) for l in existing):
            continue
        if not dry_run:
            gitlab.create_label(name, color, "Managed by gl-cs (see rules.yml)")
        created.append(name)
    return created


def run_sync(gitlab: GitLab, config: Config, now: dt.datetime, *, dry_run: bool = False,
             iids: Sequence[int] | None = None, on_plan: Callable[[list], None] | None = None) -> SyncReport:
    """Reconcile the issues with the rules. ``on_plan`` is called with each issue's
    change entries as soon as they are applied, so a long sync prints as it goes."""
    report = SyncReport(now=now, dry_run=dry_run, project=str(config.project))
    try:
        bot = gitlab.current_user()
        labels = gitlab.labels()
    except GitLabError as exc:
        if exc.status in (401, 403, 404):
            raise SetupError(str(exc)) from None
        report.fatal = str(exc)
        return report
    label_names = [l["name"] for l in sorted(labels, key=lambda l: l.get("id", 0))]
    log.info("syncing %s as %s at %s%s", config.project, bot.username, now.isoformat(),
             " (dry run)" if dry_run else "")
    try:
        created = _ensure_labels(gitlab, config, label_names, dry_run)
    except GitLabError as exc:
        report.fatal = str(exc)
        return report
    report.labels_created = created
    ctx = Context(config=config, now=now, bot=bot, project_labels=tuple(label_names + created))
    applier = Applier(gitlab, dry_run=dry_run, is_bot=ctx.is_bot, settle_races=True)

    seen: set[int] = set()
    try:
        for issue in _sources(gitlab, config, now, iids):
            report.issues_seen += 1
            seen.add(issue.iid)
            try:
                plan = _decide(gitlab, issue, ctx)
                posted = applier.apply(plan) if plan.has_writes else []
            except PartialApply as exc:
                report.add_plan(_without_comments(plan), [])
                report.add_failure(issue.iid, f"{exc} (the label change above was applied; its comment was not)")
                continue
            except GitLabError as exc:
                report.add_failure(issue.iid, str(exc))
                continue
            except Exception as exc:  # a bug must cost one issue, not the whole sync
                log.exception("deciding #%s failed", issue.iid)
                report.add_failure(issue.iid, f"internal error ({exc.__class__.__name__}: {exc}); "
                                              f"please report it with `gl-cs -vv sync --issue {issue.iid}`")
                continue
            changes = report.add_plan(plan, posted)
            log.debug("#%s: %d change(s)", issue.iid, len(changes))
            if on_plan:
                on_plan(changes)
    except GitLabError as exc:
        report.fatal = f"{exc} — the sync stopped; issues not yet read were not checked"
    if not report.fatal:
        for iid in sorted(set(iids or ()) - seen):
            report.add_failure(iid, "no such issue in the project (or the token cannot see it)")
    report.writes = applier.totals.writes + (0 if dry_run else len(created))
    return report


def _without_comments(plan):
    return replace(plan, actions=[a for a in plan.actions if not isinstance(a, Comment)])


def _decide(gitlab: GitLab, issue: Issue, ctx: Context):
    """Decide, reading label events or members only when a rule asks for them."""
    for _ in range(4):
        try:
            return decide_issue(issue, ctx)
        except MissingData as need:
            if need.what == "label_events":
                issue = issue.with_label_events(gitlab.label_events(issue.iid))
            elif need.what == "notes":
                issue = issue.with_notes(gitlab.notes(issue.iid))
            elif need.what == "members":
                ctx.members_ = tuple(gitlab.members())
            else:  # pragma: no cover - a rule asked for something unknown
                raise
    raise RuntimeError(f"rules kept asking for more data on #{issue.iid}")
