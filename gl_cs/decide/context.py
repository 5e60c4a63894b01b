"""What a rule may know besides the issue: config, the clock, the bot, members, labels.

Everything here is plain data handed in by the sync; a rule that needs data the
sync has not read yet (label events, project members) raises :class:`MissingData`
through these accessors, the sync reads it once and runs the rules again. So rules
stay pure and GitLab is asked only for what a decision really needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..config import Config
from ..read.snapshot import Issue, LabelEvent, Member, Note, User


class MissingData(Exception):
    """A rule needs data the sync has not read yet: "label_events", "notes" or "members"."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@dataclass
class Context:
    config: Config
    now: dt.datetime
    bot: User | None = None
    project_labels: tuple[str, ...] = ()
    members_: tuple[Member, ...] | None = field(default=None, repr=False)
    # Labels whose closed issues, of any age, are among a project rule's facts (the sweep
    # sees closed issues of the last week only): read when a rule is about to open an issue
    # that must exist once per account (``need_closed``).
    closed_history: frozenset[str] = frozenset()
    # Issues a project rule asked for by number (those a request cites: "#41", a link):
    # read once, whatever their state or age.
    issues_read: frozenset[int] = frozenset()

    @property
    def members(self) -> tuple[Member, ...]:
        if self.members_ is None:
            raise MissingData("members")
        return self.members_

    def events(self, issue: Issue) -> tuple[LabelEvent, ...]:
        if issue.label_events is None:
            raise MissingData("label_events")
        return issue.label_events

    def notes(self, issue: Issue) -> tuple[Note, ...]:
        """The issue's comments, oldest first. An issue without any comment
        (``user_notes_count`` 0 in the list) costs no request."""
        if issue.notes is None:
            if issue.user_notes_count == 0:
                return ()
            raise MissingData("notes")
        return issue.notes

    def bot_notes(self, issue: Issue) -> tuple[Note, ...]:
        """gl-cs's own comments: never a person's (a marker pasted by a person silences
        nothing), never a system note GitLab wrote for gl-cs's change ("assigned to @x")."""
        return tuple(n for n in self.notes(issue) if self.is_bot(n.author) and not n.system)

    def need_closed(self, label: str) -> None:
        """A project rule that must see every issue with ``label``, closed long ago too (a
        Live Optimization session once per account, a checklist once per customer), asks
        for them before it opens one; the sync reads them once."""
        if label not in self.closed_history:
            raise MissingData(f"closed:{label}")

    def need_issues(self, iids) -> None:
        """A project rule that must know what the issues a request cites are (an earlier
        checklist named "Checklist: #41", a session cited as "#141") asks for those not
        among its facts; the sync reads them once (one list request)."""
        wanted = sorted(set(int(i) for i in iids) - self.issues_read)
        if wanted:
            raise MissingData("issues:" + ",".join(str(i) for i in wanted))

    def is_bot(self, user: User | None) -> bool:
        """gl-cs itself: the token's user, the accounts it runs as (``team.bots``), or one it
        ran as before a token change (``team.former_bots``)."""
        if user is None:
            return False
        return ((self.bot is not None and user.id == self.bot.id) or user.username in self.config.bots
                or user.username in self.config.former_bots)

    def is_person(self, user: User | None) -> bool:
        return user is not None and not self.is_bot(user)

    def label_for(self, state_key: str) -> str:
        """The project's label for a workflow state. For a prefix state (the weekly-renamed
        "SA Triaged - <triage SA>") that is the newest existing project label with the prefix."""
        state = self.config.state(state_key)
        if state.match == "prefix":
            existing = [l for l in self.project_labels if state.matches(l)]
            if existing:
                return existing[-1]
        return state.label
