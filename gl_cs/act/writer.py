"""The one write path: every write gl-cs makes is a planned action performed here.

:class:`Writer` performs actions; :class:`DryWriter` performs none and says what it would
do. Nothing outside ``gl_cs.act`` decides whether to write.

One issue's plan (``apply``):

* What gl-cs already said is found by the hidden markers of its own comments: from the
  comments a rule already read, from the record, or, for an issue without comments
  (``user_notes_count`` 0), without any request. Only otherwise are the comments read.
* A change and its reason land together: when the plan has something to say, the label and
  assignee changes ride in the same note as quick actions (``/label``, ``/unlabel``,
  ``/assign``), so GitLab applies both in one request or neither. A killed run, a timeout
  or a 502 can never leave a change without its explanation. A change with nothing to say
  (a fiscal-quarter label) is one idempotent ``PUT`` with ``add_labels``/``remove_labels``
  (never a full ``labels=`` overwrite, which would erase a label a person added a moment
  earlier).
* A POST is never retried blindly: after a 5xx the issue's comments are read for the
  marker; only when it is not there is the note sent again.

Project actions (``execute``): labels, renames, issues opened exactly once by hidden key,
links, a comment created once and then updated in place, repository files.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Callable

from ..decide.actions import (Action, CloseIssue, Comment, CommitFile, CreateIssue, CreateLabel, LinkIssues, Plan,
                              RenameLabel, UpsertComment)
from ..gitlab.adapter import GitLab, GitLabError
from ..markers import has_marker, latest_key, marker, with_marker
from ..read.snapshot import Issue, Note, User

log = logging.getLogger(__name__)


class PartialApply(GitLabError):
    """The issue was edited, but the comment explaining it could not be posted (only
    possible for label names a quick action cannot carry)."""


@dataclass
class Totals:
    edits: int = 0
    comments: int = 0
    skipped_comments: int = 0
    races_settled: int = 0
    created: int = 0
    other: int = 0

    @property
    def writes(self) -> int:
        return self.edits + self.comments + self.created + self.other


@dataclass
class Outcome:
    """What applying one issue's plan did."""

    posted: list[Comment] = field(default_factory=list)  # comments posted (dry run: would be)
    note_id: int | None = None
    note_body: str = ""
    edited: bool = False
    after: Issue | None = None  # the issue as GitLab answered a PUT
    expected_notes: int | None = None  # user_notes_count once our note is in
    seen_note_ids: frozenset[int] = frozenset()  # comments that existed when gl-cs looked


# The only quick actions gl-cs writes: its own label and assignee changes, appended to its
# own comment with quoted label names. Anything else GitLab runs came from a person's text.
OWN_QUICK_ACTION = re.compile(r'/(?:un)?label(?: ~"[^"\n]+")+|/(?:re)?assign(?: @[\w.\-]+)+|/unassign'
                              r'|/due \d{4}-\d{2}-\d{2}|/remove_due_date')


def is_own_quick_action(line: str) -> bool:
    return OWN_QUICK_ACTION.fullmatch(line.strip()) is not None


def _quotable(label: str) -> bool:
    return '"' not in label and "\n" not in label and "\r" not in label


def quick_actions(plan: Plan, current_assignees: tuple[User, ...]) -> str | None:
    """The quick-action lines that make ``plan``'s label and assignee changes, or None
    when a label name cannot be written in a quick action."""
    labels = list(plan.add_labels) + list(plan.remove_labels)
    if not all(_quotable(l) for l in labels):
        return None
    lines = []
    if plan.add_labels:
        lines.append("/label " + " ".join(f'~"{l}"' for l in plan.add_labels))
    if plan.remove_labels:
        lines.append("/unlabel " + " ".join(f'~"{l}"' for l in plan.remove_labels))
    if plan.due_date is not False:
        lines.append(f"/due {plan.due_date.isoformat()}" if plan.due_date else "/remove_due_date")
    if plan.assignees is not None:
        names = " ".join(f"@{u.username}" for u in plan.assignees)
        if not plan.assignees:
            lines.append("/unassign")
        elif current_assignees:
            lines.append(f"/reassign {names}")
        else:
            lines.append(f"/assign {names}")
    return "\n".join(lines)


class Writer:
    """Performs planned actions on GitLab."""

    dry_run = False

    def __init__(self, gitlab: GitLab, *, is_bot: Callable[[User | None], bool], note_attempts: int = 4, backoff: float = 0.5, sleep: Callable[[float], None] | None = None):
        self.gitlab = gitlab
        self.is_bot = is_bot
        self.note_attempts = note_attempts
        self.backoff = backoff
        self.sleep = sleep if sleep is not None else (lambda seconds: time.sleep(seconds))
        self.totals = Totals()
        self.would_write = 0

    # -- shared by both writers -------------------------------------------
    def _known_bot_notes(self, issue: Issue) -> list[Note]:
        """gl-cs's own comments: from what was read already, or none for an issue without
        comments, else one read."""
        if issue.notes is not None:
            notes = list(issue.notes)
        elif issue.user_notes_count == 0:
            notes = []
        else:
            notes = self.gitlab.notes(issue.iid)
        return [n for n in notes if self.is_bot(n.author) and not n.system]

    def pending(self, plan: Plan, issue: Issue) -> tuple[list[Comment], list[Note]]:
        """The comments of ``plan`` not said yet, and gl-cs's comments as known now."""
        if not plan.comments:
            return [], []
        notes = self._known_bot_notes(issue)
        bodies = [n.body for n in notes]
        pending = []
        for comment in plan.comments:
            if _said(bodies, comment):
                self.totals.skipped_comments += 1
            else:
                pending.append(comment)
        return pending, notes

    # -- one issue ------------------------------------------------------------
    def apply(self, plan: Plan, issue: Issue) -> Outcome:
        """Apply one issue's plan (see module docstring). Raises GitLabError when nothing
        was written, :class:`PartialApply` when an edit landed without its comment."""
        pending, notes = self.pending(plan, issue)
        seen = frozenset(n.id for n in notes)
        has_edit = plan.has_edit
        if not pending and not has_edit:
            return Outcome(seen_note_ids=seen)
        if not pending:
            after = self._edit(plan)
            return Outcome(edited=True, after=after, seen_note_ids=seen)
        commands = quick_actions(plan, issue.assignees) if has_edit else ""
        edited = False
        if commands is None:  # a label name a quick action cannot carry: edit first
            self._edit(plan)
            edited, commands = True, ""
        body = "\n\n".join(with_marker(c.body, c.rule, c.key) for c in pending)
        if commands:
            body += "\n\n" + commands
        try:
            note_id = self._post_once(issue.iid, body, pending[-1], seen)
        except GitLabError as exc:
            if edited:
                raise PartialApply(str(exc), exc.status) from None
            raise
        count = issue.user_notes_count if issue.user_notes_count is not None else None
        return Outcome(posted=pending, note_id=note_id, note_body=body, edited=has_edit,
                       expected_notes=None if count is None else count + 1, seen_note_ids=seen)

    def _edit(self, plan: Plan) -> Issue | None:
        try:
            after = self.gitlab.edit_issue(
                plan.iid, add_labels=plan.add_labels, remove_labels=plan.remove_labels,
                assignee_ids=None if plan.assignees is None else [u.id for u in plan.assignees],
                due_date=plan.due_date)
        except GitLabError as exc:
            # GitLab may have applied the edit and still answered 5xx: if the issue now looks
            # as planned, carry on (the retried PUT is idempotent anyway).
            if not exc.transient:
                raise
            after = self._landed(plan)
            if after is None:
                raise
            log.info("edit of #%s answered %s but had landed", plan.iid, exc.status)
        self.totals.edits += 1
        return after

    def _landed(self, plan: Plan) -> Issue | None:
        try:
            now = self.gitlab.get_issue(plan.iid)
        except GitLabError:
            return None
        labels = set(now.labels)
        assignees_ok = plan.assignees is None or {u.id for u in now.assignees} == {u.id for u in plan.assignees}
        due_ok = plan.due_date is False or now.due_date == plan.due_date
        ok = set(plan.add_labels) <= labels and not (set(plan.remove_labels) & labels) and assignees_ok and due_ok
        return now if ok else None

    def _post_once(self, iid: int, body: str, last: Comment, seen: frozenset[int]) -> int | None:
        """POST the note once; after a 5xx, post again only if its marker is not there."""
        for attempt in range(1, self.note_attempts + 1):
            try:
                note_id = self.gitlab.create_note(iid, body)
            except GitLabError as exc:
                if not exc.transient or attempt == self.note_attempts:
                    raise
                log.info("comment on #%s failed (%s); checking whether it landed", iid, exc.status)
                self.sleep(self.backoff * attempt)
                landed = [n for n in self._known_bot_notes(_unknown(iid)) if n.id not in seen
                          and has_marker([n.body], last.rule, last.key)]
                if landed:
                    self.totals.comments += 1
                    return landed[-1].id
                continue
            self.totals.comments += 1
            return note_id
        return None  # pragma: no cover - the loop returns or raises

    # -- races ----------------------------------------------------------------------
    def settle(self, iid: int, outcome: Outcome) -> list[Comment]:
        """Two gl-cs runs (a webhook and a scheduled sync) may have said the same thing at
        the same moment. Earlier comments win: the parts of ours that an earlier gl-cs
        comment, posted after this run looked, already says are taken out of ours (the
        whole comment deleted when nothing is left; its quick actions had the same effect
        as the other run's). Returns the parts that stay."""
        comments, note_id = outcome.posted, outcome.note_id
        if note_id is None or not comments:
            return comments
        try:
            earlier = [n.body for n in self._known_bot_notes(_unknown(iid))
                       if n.id not in outcome.seen_note_ids and n.id < note_id]
        except GitLabError as exc:
            log.warning("#%s: could not check for a racing run (%s)", iid, exc)
            return comments
        said = [c for c in comments if any(marker(c.rule, c.key) in body for body in earlier)]
        if not said:
            return comments
        rest = [c for c in comments if c not in said]
        try:
            if rest:
                self.gitlab.edit_note(iid, note_id, "\n\n".join(with_marker(c.body, c.rule, c.key) for c in rest))
            else:
                self.gitlab.delete_note(iid, note_id)
        except GitLabError as exc:
            if exc.status != 404:  # 404: already gone (a retried DELETE that had landed)
                log.warning("#%s: could not remove what another run already said (%s)", iid, exc)
                return comments
        self.totals.races_settled += 1
        if not rest:
            self.totals.comments -= 1
        log.info("#%s: another run said %d part(s) first; removed them from comment %s", iid, len(said), note_id)
        return rest

    # -- project actions ----------------------------------------------------------
    @property
    def writes_so_far(self) -> int:
        """Writes made so far (the dry writer: that it would make), to tell whether an
        action changed anything."""
        return self.totals.writes

    def execute(self, action: Action) -> object:
        """Perform one project-level action. Returns what it made (an Issue for
        CreateIssue, a note id for UpsertComment), or None when nothing was needed."""
        if isinstance(action, CreateLabel):
            self.gitlab.create_label(action.name, action.color, action.description)
            self.totals.other += 1
            return None
        if isinstance(action, RenameLabel):
            self.gitlab.rename_label(action.old, action.new)
            self.totals.other += 1
            return None
        if isinstance(action, CreateIssue):
            return self._create_issue(action)
        if isinstance(action, CloseIssue):
            self.gitlab.close_issue(action.iid)
            self.totals.other += 1
            return None
        if isinstance(action, LinkIssues):
            self.gitlab.link_issues(action.iid, action.target_iid)
            self.totals.other += 1
            return None
        if isinstance(action, UpsertComment):
            return self._upsert_comment(action)
        if isinstance(action, CommitFile):
            return self._commit_file(action)
        raise TypeError(f"no writer for {action.__class__.__name__}")  # pragma: no cover

    def _issues_with_key(self, key: str) -> list[Issue]:
        """Issues gl-cs opened with this hidden key, open or closed, oldest first. GitLab's
        search matches words, so it is asked for the marker's one word and the exact marker
        is checked here."""
        mark = marker("create", key)
        word = mark.removeprefix("<!-- ").removesuffix(" -->")
        return sorted((i for i in self.gitlab.search_issues(word) if mark in i.description
                       and self.is_bot(i.author)), key=lambda i: i.iid)

    def _create_issue(self, action: CreateIssue) -> Issue | None:
        """Exactly once per key: look for it first (a 502 may hide a created issue, another
        run may have made it), create, then look again: of two racing copies the later is
        closed by the run that made it, pointing at the first."""
        existing = self._issues_with_key(action.key)
        if existing:
            return existing[0]
        data = _issue_data(action)
        for attempt in range(1, self.note_attempts + 1):
            try:
                created = self.gitlab.create_issue(data)
                break
            except GitLabError as exc:
                if not exc.transient or attempt == self.note_attempts:
                    raise
                self.sleep(self.backoff * attempt)
                existing = self._issues_with_key(action.key)
                if existing:
                    created = existing[0]
                    break
        self.totals.created += 1
        copies = self._issues_with_key(action.key)
        if copies and copies[0].iid != created.iid:
            self.gitlab.close_duplicate(created.iid, copies[0].iid)
            self.totals.other += 2  # its note and the close
            log.info("another run opened #%s for %s first; closed #%s as its duplicate",
                     copies[0].iid, action.key, created.iid)
            return copies[0]
        for target in action.links:
            try:
                self.gitlab.link_issues(created.iid, target)
                self.totals.other += 1
            except GitLabError as exc:
                log.warning("could not link #%s to #%s (%s)", created.iid, target, exc)
        return created

    def _upsert_comment(self, action: UpsertComment) -> int | None:
        body = with_marker(action.body, action.rule, action.key)
        mine = [n for n in self._known_bot_notes(_unknown(action.iid)) if has_marker([n.body], action.rule, action.key)]
        if mine:
            if mine[0].body.strip() == body.strip():
                return mine[0].id
            self.gitlab.edit_note(action.iid, mine[0].id, body)
            self.totals.other += 1
            for extra in mine[1:]:  # a racing run's copy: one comment per key
                self.gitlab.delete_note(action.iid, extra.id)
            return mine[0].id
        note_id = self._post_once(action.iid, body, Comment(action.rule, action.why, key=action.key),
                                  frozenset())
        copies = [n for n in self._known_bot_notes(_unknown(action.iid)) if has_marker([n.body], action.rule, action.key)]
        if len(copies) > 1 and note_id is not None and note_id != copies[0].id:
            self.gitlab.delete_note(action.iid, note_id)
            self.totals.comments -= 1
            self.gitlab.edit_note(action.iid, copies[0].id, body)
            return copies[0].id
        return note_id

    def _commit_file(self, action: CommitFile) -> bool:
        current = self.gitlab.read_file(action.path, action.branch or None)
        if current == action.content:
            return False
        self.gitlab.write_file(action.path, action.content, action.message, action.branch or None,
                               create=current is None)
        self.totals.other += 1
        return True


class DryWriter(Writer):
    """Performs nothing; reports what :class:`Writer` would do. It reads what a real run
    reads to decide (gl-cs's earlier comments, existing issues), so it lists exactly
    what a real run would write."""

    dry_run = True

    def apply(self, plan: Plan, issue: Issue) -> Outcome:
        pending, notes = self.pending(plan, issue)
        return Outcome(posted=pending, edited=plan.has_edit)

    def settle(self, iid: int, outcome: Outcome) -> list[Comment]:
        return outcome.posted

    def execute(self, action: Action) -> object:
        """What :meth:`Writer.execute` would return, writing nothing; ``would_write``
        counts the actions that would write."""
        if isinstance(action, CreateIssue):
            existing = self._issues_with_key(action.key)
            self.would_write += 0 if existing else 1
            return existing[0] if existing else None
        if isinstance(action, UpsertComment):
            body = with_marker(action.body, action.rule, action.key).strip()
            mine = [n for n in self._known_bot_notes(_unknown(action.iid)) if has_marker([n.body], action.rule, action.key)]
            self.would_write += 0 if mine and mine[0].body.strip() == body else 1
            return mine[0].id if mine else None
        if isinstance(action, CommitFile):
            differs = self.gitlab.read_file(action.path, action.branch or None) != action.content
            self.would_write += int(differs)
            return differs
        self.would_write += 1
        return None

    @property
    def writes_so_far(self) -> int:
        return self.would_write


def _said(bodies: list[str], comment: Comment) -> bool:
    if comment.scope is not None:
        return latest_key(bodies, comment.rule, comment.scope) == comment.key
    return has_marker(bodies, comment.rule, comment.key)


def _unknown(iid: int) -> Issue:
    """An issue whose comments gl-cs must read (nothing known about them)."""
    return Issue(iid=iid, title="", description="", state="opened", labels=(), assignees=(), author=None,
                 created_at=None, updated_at=None)


def _issue_data(action: CreateIssue) -> dict:
    data: dict = {"title": action.title[:255],
                  "description": with_marker(action.description, "create", action.key)}
    if action.labels:
        data["labels"] = ",".join(action.labels)
    if action.assignees:
        data["assignee_ids"] = [u.id for u in action.assignees]
    if action.due_date:
        data["due_date"] = action.due_date
    if action.confidential:
        data["confidential"] = True
    return data
