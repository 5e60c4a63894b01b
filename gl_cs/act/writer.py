"""The one write path: every write gl-cs makes is a planned action performed here.

:class:`Writer` performs actions; :class:`DryWriter` performs none and says what it would
do. Nothing outside ``gl_cs.act`` decides whether to write: the two are one class, whose
every request that changes GitLab goes through :meth:`Writer._send`; the dry writer's
``_send`` sends nothing. So "would this write?" is decided once, by the same code, for both
(gitlab-triage's ``Dry`` twins). :func:`writer_class` turns ``--dry-run`` into the type, in
one place; what a dry run must not keep (gl-cs's record) it gets through :meth:`Writer.keep`.

One issue's plan (``apply``):

* Everything the rules have to say on the issue goes out as one note (one notification):
  one rule's comment as it is; several rules' as one message per rule, each under a short
  heading (:func:`note_body`), never two messages run together. Each part ends with its
  hidden marker.
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
* A write GitLab applied but whose answer is not GitLab's JSON (a proxy or SSO layer that
  answers with an HTML page) is confirmed by reading: the edited issue, the comment's
  marker, the opened issue's key, the label. It either landed (done, counted once) or did
  not (the error stands).

Project actions (``execute``): labels, renames, issues opened exactly once by hidden key,
links, a comment created once and then updated in place, repository files.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Callable

from ..decide.actions import (Action, CloseIssue, Comment, CommitFile, CreateIssue, CreateLabel, EnsureHook,
                              LinkIssues, Plan, RenameLabel, UpsertComment)
from ..gitlab.adapter import GitLab, GitLabError, NotGitLabAPI
from ..markers import has_marker, latest_key, marker, with_marker
from ..read.snapshot import Issue, Note, User

log = logging.getLogger(__name__)


def unknown_outcome(exc: GitLabError) -> bool:
    """After this error GitLab may have applied the write: a 5xx or a lost connection, or an
    answer that is not GitLab's JSON (GitLab answered, a proxy rewrote it). Only a read
    can tell."""
    return exc.transient or isinstance(exc, NotGitLabAPI)


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


#: The heading of a rule's message in a note where several rules speak (a person's words
#: for what the message is about); a rule not listed is headed by its name.
HEADINGS = {
    "intake": "Missing information",
    "kind_intake": "Missing information",
    "expedite": "Event date",
    "workflow.assignee": "Assignee",
    "workflow.transitions": "Workflow",
    "checklist_progress": "Checklist",
}


def note_body(comments: list[Comment]) -> str:
    """The one note that says ``comments``: when one rule speaks, its comment(s) as
    written; when several do, one message per rule (in the order they first speak), each
    under a short heading. Every comment keeps its hidden marker."""
    by_rule: dict[str, list[Comment]] = {}
    for c in comments:
        by_rule.setdefault(c.rule, []).append(c)
    parts = {rule: "\n\n".join(with_marker(c.body, c.rule, c.key) for c in said) for rule, said in by_rule.items()}
    if len(parts) == 1:
        return next(iter(parts.values()))
    return "\n\n".join(f"#### {HEADINGS.get(rule, rule)}\n\n{part}" for rule, part in parts.items())


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

    def __init__(self, gitlab: GitLab, *, is_bot: Callable[[User | None], bool], note_attempts: int = 4, backoff: float = 0.5, sleep: Callable[[float], None] | None = None):
        self.gitlab = gitlab
        self.is_bot = is_bot
        self.note_attempts = note_attempts
        self.backoff = backoff
        self.sleep = sleep if sleep is not None else (lambda seconds: time.sleep(seconds))
        self.totals = Totals()
        #: What the run wrote (a dry run: would write); ``totals`` is what GitLab accepted.
        self.planned = self.totals

    # -- the one place a request that changes GitLab is sent ---------------------------
    def _send(self, write: Callable, *args, **kwargs):
        """Send one write (an adapter method). The dry writer sends nothing."""
        return write(*args, **kwargs)

    def keep(self, record):
        """The record this writer's run may update (the dry writer: a read-only view)."""
        return record

    @property
    def writes_made(self) -> int:
        """Writes GitLab accepted (a dry run: none)."""
        return self.totals.writes

    @staticmethod
    def tense(done: str, would: str) -> str:
        """How a person is told of a write: ``done`` here, ``would`` from the dry writer."""
        return done

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
                self.planned.skipped_comments += 1
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
        body = note_body(pending)
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
            after = self._send(
                self.gitlab.edit_issue, plan.iid, add_labels=plan.add_labels, remove_labels=plan.remove_labels,
                assignee_ids=None if plan.assignees is None else [u.id for u in plan.assignees],
                due_date=plan.due_date)
        except GitLabError as exc:
            # GitLab may have applied the edit and still answered 5xx (or a proxy's HTML page):
            # if the issue now looks as planned, carry on (the retried PUT is idempotent anyway).
            if not unknown_outcome(exc):
                raise
            after = self._landed(plan)
            if after is None:
                raise
            log.info("edit of #%s answered %s but had landed", plan.iid, exc.status)
        self.planned.edits += 1
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
                note_id = self._send(self.gitlab.create_note, iid, body)
            except GitLabError as exc:
                if not unknown_outcome(exc) or attempt == self.note_attempts:
                    raise
                log.info("comment on #%s failed (%s); checking whether it landed", iid, exc.status)
                if exc.transient:
                    self.sleep(self.backoff * attempt)
                landed = [n for n in self._known_bot_notes(_unknown(iid)) if n.id not in seen
                          and has_marker([n.body], last.rule, last.key)]
                if landed:
                    self.planned.comments += 1
                    return landed[-1].id
                if not exc.transient:
                    raise  # an answer that is not GitLab's, and the comment is not there: never re-sent blindly
                continue
            self.planned.comments += 1
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
                self._send(self.gitlab.edit_note, iid, note_id, note_body(rest))
            else:
                self._send(self.gitlab.delete_note, iid, note_id)
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
        return self.planned.writes

    def execute(self, action: Action) -> object:
        """Perform one project-level action. Returns what it made (an Issue for
        CreateIssue, a note id for UpsertComment), or None when nothing was needed."""
        if isinstance(action, CreateLabel):
            self._confirmed(lambda: self._send(self.gitlab.create_label, action.name, action.color,
                                               action.description),
                            lambda: any(l.get("name") == action.name for l in self.gitlab.labels()))
            self.planned.other += 1
            return None
        if isinstance(action, RenameLabel):
            self._confirmed(lambda: self._send(self.gitlab.rename_label, action.old, action.new),
                            lambda: any(l.get("name") == action.new for l in self.gitlab.labels()))
            self.planned.other += 1
            return None
        if isinstance(action, CreateIssue):
            return self._create_issue(action)
        if isinstance(action, CloseIssue):
            self._confirmed(lambda: self._send(self.gitlab.close_issue, action.iid),
                            lambda: self.gitlab.get_issue(action.iid).state == "closed")
            self.planned.other += 1
            return None
        if isinstance(action, LinkIssues):
            self._send(self.gitlab.link_issues, action.iid, action.target_iid)
            self.planned.other += 1
            return None
        if isinstance(action, UpsertComment):
            return self._upsert_comment(action)
        if isinstance(action, CommitFile):
            return self._commit_file(action)
        if isinstance(action, EnsureHook):
            return self._ensure_hook(action)
        raise TypeError(f"no writer for {action.__class__.__name__}")  # pragma: no cover

    def _confirmed(self, write: Callable[[], object], landed: Callable[[], bool]) -> None:
        """Send ``write``; when its answer leaves the outcome unknown (see
        :func:`unknown_outcome`), read whether it ``landed``: done if so, else the error."""
        try:
            write()
        except GitLabError as exc:
            if not unknown_outcome(exc):
                raise
            try:
                ok = landed()
            except GitLabError:
                ok = False
            if not ok:
                raise exc from None
            log.info("a write answered %s but had landed (confirmed by reading)", exc.status or exc)

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
                created = self._send(self.gitlab.create_issue, data)
                break
            except GitLabError as exc:
                if not unknown_outcome(exc) or attempt == self.note_attempts:
                    raise
                if exc.transient:
                    self.sleep(self.backoff * attempt)
                existing = self._issues_with_key(action.key)
                if existing:
                    created = existing[0]
                    break
                if not exc.transient:
                    raise  # not GitLab's answer and no issue with the key: never re-sent blindly
        self.planned.created += 1
        if created is None:  # the dry writer: nothing was opened (its links would be writes too)
            self.planned.other += len(action.links)
            return None
        copies = self._issues_with_key(action.key)
        if copies and copies[0].iid != created.iid:
            self._send(self.gitlab.close_duplicate, created.iid, copies[0].iid)
            self.planned.other += 2  # its note and the close
            log.info("another run opened #%s for %s first; closed #%s as its duplicate",
                     copies[0].iid, action.key, created.iid)
            return copies[0]
        for target in action.links:
            try:
                self._send(self.gitlab.link_issues, created.iid, target)
                self.planned.other += 1
            except GitLabError as exc:
                log.warning("could not link #%s to #%s (%s)", created.iid, target, exc)
        return created

    def _upsert_comment(self, action: UpsertComment) -> int | None:
        body = with_marker(action.body, action.rule, action.key)
        mine = [n for n in self._known_bot_notes(_unknown(action.iid)) if has_marker([n.body], action.rule, action.key)]
        if mine:
            if mine[0].body.strip() == body.strip():
                return mine[0].id
            self._confirmed(lambda: self._send(self.gitlab.edit_note, action.iid, mine[0].id, body),
                            lambda: any(n.id == mine[0].id and n.body.strip() == body.strip()
                                        for n in self.gitlab.notes(action.iid)))
            self.planned.other += 1
            for extra in mine[1:]:  # a racing run's copy: one comment per key
                self._send(self.gitlab.delete_note, action.iid, extra.id)
            return mine[0].id
        note_id = self._post_once(action.iid, body, Comment(action.rule, action.why, key=action.key),
                                  frozenset())
        if note_id is None:  # the dry writer: nothing was posted
            return None
        copies = [n for n in self._known_bot_notes(_unknown(action.iid)) if has_marker([n.body], action.rule, action.key)]
        if len(copies) > 1 and note_id != copies[0].id:
            self._send(self.gitlab.delete_note, action.iid, note_id)
            self.planned.comments -= 1
            self._send(self.gitlab.edit_note, action.iid, copies[0].id, body)
            return copies[0].id
        return note_id

    def _commit_file(self, action: CommitFile) -> bool:
        current = self.gitlab.read_file(action.path, action.branch or None)
        if current == action.content:
            return False
        self._confirmed(lambda: self._send(self.gitlab.write_file, action.path, action.content, action.message,
                                           action.branch or None, create=current is None),
                        lambda: self.gitlab.read_file(action.path, action.branch or None) == action.content)
        self.planned.other += 1
        return True

    def _ensure_hook(self, action: EnsureHook) -> None:
        """One write, never retried blindly for a new hook (a second POST is a second hook):
        ``gl-cs hooks install`` lists the hooks again on its next run."""
        data = dict(action.fields, url=action.url, token=action.token)
        if action.group is not None:
            if action.hook_id is None:
                self._send(self.gitlab.create_group_hook, action.group, data)
            else:
                self._send(self.gitlab.update_group_hook, action.group, action.hook_id, data)
        elif action.hook_id is None:
            self._send(self.gitlab.create_hook, data)
        else:
            self._send(self.gitlab.update_hook, action.hook_id, data)
        self.planned.other += 1


class DryWriter(Writer):
    """Performs nothing; reports what :class:`Writer` would do. It is the writer itself
    with :meth:`_send` sending nothing: it reads what a real run reads to decide (gl-cs's
    earlier comments, existing issues, a file's content), so it lists exactly what a real
    run would write, decided by the same code. ``planned`` counts those writes;
    ``totals`` (what GitLab accepted) stays at zero."""

    def __init__(self, gitlab: GitLab, **kwargs):
        super().__init__(gitlab, **kwargs)
        self.planned = Totals()

    def _send(self, write: Callable, *args, **kwargs):
        return None

    @staticmethod
    def tense(done: str, would: str) -> str:
        return would

    def keep(self, record):
        return ReadOnlyRecord(record)

    def apply(self, plan: Plan, issue: Issue) -> Outcome:
        outcome = super().apply(plan, issue)
        outcome.note_body = ""  # nothing was posted: nothing to look for afterwards
        return outcome

    @property
    def would_write(self) -> int:
        return self.planned.writes


class ReadOnlyRecord:
    """A record a dry run reads (to save reads, as a real run would) and never changes:
    what a dry run saw must not make the next real run skip a check."""

    writable = False

    def __init__(self, record):
        self._record = record

    def __getattr__(self, name: str):
        return getattr(self._record, name)

    def opened(self, *args, **kwargs) -> None:
        pass

    def touched(self, *args, **kwargs) -> None:
        pass

    def remember(self, *args, **kwargs) -> None:
        pass

    def forget(self, *args, **kwargs) -> None:
        pass

    def save(self) -> None:
        pass


def writer_class(dry_run: bool) -> type[Writer]:
    """``--dry-run`` as a type: the one place the flag is turned into a writer."""
    return DryWriter if dry_run else Writer


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
