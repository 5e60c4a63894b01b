"""Apply plans to GitLab: one edit per issue, each comment at most once.

* All label and assignee changes of one issue go in a single PUT with
  ``add_labels``/``remove_labels`` (never a full ``labels=`` overwrite, which would
  erase a label a person added a moment earlier).
* Before posting, the issue's comments are read once and any part whose hidden
  marker is already there is skipped; the rest goes out as one note. When GitLab answers 5xx to the POST it
  may still have stored it, so gl-cs looks for the marker again before retrying.
* ``dry_run`` performs no write at all (it still reads gl-cs's earlier comments, so
  it lists only what a real run would post).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from ..decide.actions import Comment, Plan
from ..gitlab.adapter import GitLab, GitLabError
from ..markers import has_marker, latest_key, marker, with_marker

log = logging.getLogger(__name__)


class PartialApply(GitLabError):
    """The issue was edited, but the comment explaining it could not be posted."""


@dataclass
class Applied:
    edits: int = 0
    comments: int = 0
    skipped_comments: int = 0
    races_settled: int = 0

    @property
    def writes(self) -> int:
        return self.edits + self.comments


class Applier:
    def __init__(self, gitlab: GitLab, *, dry_run: bool = False, note_attempts: int = 4,
                 backoff: float = 0.5, sleep: Callable[[float], None] | None = None,
                 is_bot: Callable[[object], bool] | None = None, settle_races: bool = False):
        self.gitlab = gitlab
        self.is_bot = is_bot
        self.settle_races = settle_races
        self.dry_run = dry_run
        self.note_attempts = note_attempts
        self.backoff = backoff
        self.sleep = sleep if sleep is not None else (lambda seconds: time.sleep(seconds))
        self.totals = Applied()

    def apply(self, plan: Plan) -> list[Comment]:
        """Apply one issue's plan. Returns the comments posted (in dry-run: that would be).

        gl-cs's earlier comments are read *before* the edit, so a failed read means
        nothing was written. Raises :class:`PartialApply` when the edit landed but the
        comment could not be posted, GitLabError when nothing was written."""
        pending: list[Comment] = []
        seen: set[int] = set()
        if plan.comments:
            notes = self._bot_notes(plan.iid, plan.notes)
            seen = {n.id for n in notes}
            bodies = [n.body for n in notes]
            for comment in plan.comments:
                if self._said(bodies, comment):
                    self.totals.skipped_comments += 1
                else:
                    pending.append(comment)
        if self.dry_run:
            return pending
        edited = False
        if plan.add_labels or plan.remove_labels or plan.assignees is not None:
            self._edit(plan)
            edited = True
        if pending:
            try:
                pending = self._post_once(plan.iid, pending, seen)
            except GitLabError as exc:
                if edited:
                    raise PartialApply(str(exc), exc.status) from None
                raise
        return pending

    @staticmethod
    def _said(bodies: list[str], comment: Comment) -> bool:
        if comment.scope is not None:
            return latest_key(bodies, comment.rule, comment.scope) == comment.key
        return has_marker(bodies, comment.rule, comment.key)

    def _bot_notes(self, iid: int, known=None):
        """gl-cs's own comments, oldest first: a marker pasted into a person's comment
        must not silence gl-cs. ``known``: the comments a rule just had read (no second GET)."""
        notes = known if known is not None else self.gitlab.notes(iid)
        return [n for n in notes if self.is_bot is None or self.is_bot(n.author)]

    def _bot_bodies(self, iid: int) -> list[str]:
        return [n.body for n in self._bot_notes(iid)]

    @staticmethod
    def _body(comments: list[Comment]) -> str:
        return "\n\n".join(with_marker(c.body, c.rule, c.key) for c in comments)

    def _settle_race(self, iid: int, note_id: int | None, comments: list[Comment],
                     seen: set[int]) -> list[Comment]:
        """Two gl-cs runs (a webhook and a scheduled sync) may both have decided to say the
        same thing at the same moment. After posting, earlier comments win: the parts of
        ours that an earlier gl-cs comment, posted after this run read the issue, already
        says are taken out of ours (the whole comment is deleted when nothing is left).
        Older comments do not count: a list of missing fields that came back is rightly
        said again. Returns the parts that stay."""
        if note_id is None:
            return comments
        try:
            earlier = [n.body for n in self._bot_notes(iid) if n.id not in seen and n.id < note_id]
        except GitLabError as exc:
            log.warning("#%s: could not check for a racing run (%s)", iid, exc)
            return comments
        said = [c for c in comments if any(marker(c.rule, c.key) in body for body in earlier)]
        if not said:
            return comments
        rest = [c for c in comments if c not in said]
        try:
            if rest:
                self.gitlab.edit_note(iid, note_id, self._body(rest))
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

    def _edit(self, plan: Plan) -> None:
        try:
            self.gitlab.edit_issue(plan.iid, add_labels=plan.add_labels, remove_labels=plan.remove_labels,
                                   assignee_ids=None if plan.assignees is None else [u.id for u in plan.assignees])
        except GitLabError as exc:
            # GitLab may have applied the edit and still answered 5xx: if the issue now
            # looks as planned, the comments that explain it must still be posted.
            if not exc.transient or not self._landed(plan):
                raise
            log.info("edit of #%s answered %s but had landed", plan.iid, exc.status)
        self.totals.edits += 1

    def _landed(self, plan: Plan) -> bool:
        try:
            now = self.gitlab.get_issue(plan.iid)
        except GitLabError:
            return False
        labels = set(now.labels)
        assignees_ok = plan.assignees is None or {u.id for u in now.assignees} == {u.id for u in plan.assignees}
        return set(plan.add_labels) <= labels and not (set(plan.remove_labels) & labels) and assignees_ok

    def _post_once(self, iid: int, comments: list[Comment], seen: set[int] = frozenset()) -> list[Comment]:
        """One note for everything the rules say on this issue in this sync (one
        notification for the AE), each part with its own marker. Returns the parts posted."""
        body = self._body(comments)
        last = comments[-1]
        for attempt in range(1, self.note_attempts + 1):
            try:
                note_id = self.gitlab.create_note(iid, body)
            except GitLabError as exc:
                if not exc.transient or attempt == self.note_attempts:
                    raise
                log.info("comment on #%s failed (%s); checking whether it landed", iid, exc.status)
                self.sleep(self.backoff * attempt)
                new = [n.body for n in self._bot_notes(iid) if n.id not in seen]  # not an old, repeated key
                if has_marker(new, last.rule, last.key):
                    self.totals.comments += 1
                    return comments
                continue
            self.totals.comments += 1
            return self._settle_race(iid, note_id, comments, seen) if self.settle_races else comments
        return comments  # pragma: no cover - the loop returns or raises
