"""Planned actions: what a rule wants done to one issue, and why.

Rules return these; they never perform anything. ``gl_cs.act`` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.snapshot import User


@dataclass(frozen=True)
class Action:
    rule: str
    why: str


@dataclass(frozen=True)
class AddLabel(Action):
    label: str = ""

    def describe(self) -> str:
        return f"add label '{self.label}'"


@dataclass(frozen=True)
class RemoveLabel(Action):
    label: str = ""

    def describe(self) -> str:
        return f"remove label '{self.label}'"


@dataclass(frozen=True)
class SetAssignees(Action):
    assignees: tuple[User, ...] = ()

    def describe(self) -> str:
        return "assign " + (", ".join(u.username for u in self.assignees) or "nobody")


@dataclass(frozen=True)
class SetDueDate(Action):
    due_date: object = None  # a datetime.date, or None to clear it

    def describe(self) -> str:
        return f"set the due date to {self.due_date}" if self.due_date else "clear the due date"


@dataclass(frozen=True)
class Comment(Action):
    """A bot comment. ``key`` makes it unique per issue: the writer never posts the
    same (rule, key) twice, thanks to a hidden marker in the body (or, with a
    ``scope``, never twice in a row)."""

    key: str = ""
    body: str = ""
    summary: str = ""  # a few words for the report, e.g. "to @eve.ae: asks for SA Tasks"
    # With a scope (a key prefix; "" for every key of the rule), the comment is skipped
    # only when the rule's most recent comment in that scope has the same key:
    # "say it again when it changed".
    scope: str | None = None

    def describe(self) -> str:
        if self.summary:
            return f"comment {self.summary}"
        first = (self.body.strip().splitlines() or [""])[0]
        return "comment: " + (first if len(first) <= 60 else first[:59] + "…")


@dataclass(frozen=True)
class Finding(Action):
    """Something a person should look at; reported, never written to GitLab."""

    text: str = ""

    def describe(self) -> str:
        return self.text


@dataclass
class Plan:
    """Everything decided for one issue, with the net label/assignee change."""

    iid: int
    web_url: str
    actions: list[Action] = field(default_factory=list)
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    assignees: tuple[User, ...] | None = None  # None: leave assignees alone
    notes: tuple | None = None  # the issue's comments, when a rule already had them read
    due_date: object = False  # False: leave it alone; a date, or None to clear it

    @property
    def comments(self) -> list[Comment]:
        return [a for a in self.actions if isinstance(a, Comment)]

    @property
    def findings(self) -> list[Finding]:
        return [a for a in self.actions if isinstance(a, Finding)]

    @property
    def has_writes(self) -> bool:
        return bool(self.has_edit or self.comments)

    @property
    def has_edit(self) -> bool:
        """Labels, assignees or the due date change."""
        return bool(self.add_labels or self.remove_labels or self.assignees is not None or self.due_date is not False)


# -- project-level actions: planned by project rules after the issue sweep ---------------
# Each names what it writes and carries a hidden ``key`` where the object it creates must
# exist exactly once; the writer (``gl_cs.act``) performs them, the dry writer reports them.


@dataclass(frozen=True)
class CreateLabel(Action):
    name: str = ""
    color: str = "#428BCA"
    description: str = ""

    def describe(self) -> str:
        return f"create label '{self.name}'"


@dataclass(frozen=True)
class RenameLabel(Action):
    old: str = ""
    new: str = ""

    def describe(self) -> str:
        return f"rename label '{self.old}' to '{self.new}'"


@dataclass(frozen=True)
class CreateIssue(Action):
    """Open an issue exactly once per ``key`` (a hidden marker in its description)."""

    key: str = ""
    title: str = ""
    description: str = ""
    labels: tuple[str, ...] = ()
    assignees: tuple[User, ...] = ()
    due_date: str | None = None  # ISO date
    links: tuple[int, ...] = ()  # iids to link the new issue to (relates_to)
    confidential: bool = False

    def describe(self) -> str:
        due = f", due {self.due_date}" if self.due_date else ""
        return f"open issue '{self.title}'{due}"


@dataclass(frozen=True)
class CloseIssue(Action):
    """Close an issue gl-cs opened (last week's triage issue); nothing when already closed."""

    iid: int = 0

    def describe(self) -> str:
        return f"close #{self.iid}"


@dataclass(frozen=True)
class LinkIssues(Action):
    iid: int = 0
    target_iid: int = 0

    def describe(self) -> str:
        return f"link #{self.iid} to #{self.target_iid}"


@dataclass(frozen=True)
class UpsertComment(Action):
    """One comment per ``key`` on an issue, created once and then updated in place
    (a triage summary re-run updates its comment instead of posting another)."""

    iid: int = 0
    key: str = ""
    body: str = ""

    def describe(self) -> str:
        return f"post or update comment '{self.key}' on #{self.iid}"


@dataclass(frozen=True)
class CommitFile(Action):
    """Create or update one file in the project's repository (nothing when identical)."""

    path: str = ""
    content: str = ""
    message: str = ""
    branch: str = ""  # "" = the project's default branch

    def describe(self) -> str:
        return f"commit {self.path}"


@dataclass(frozen=True)
class EnsureHook(Action):
    """Create (``hook_id`` None) or fix the webhook at ``url`` that feeds ``gl-cs serve``:
    on the project, or on ``group`` (one hook for every project of a group). ``token`` is
    the hook's secret: sent, never described."""

    url: str = ""
    hook_id: int | None = None
    fields: tuple[tuple[str, bool], ...] = ()  # what to set (all of it for a new hook)
    token: str = field(default="", repr=False)
    group: str | int | None = None

    def describe(self) -> str:
        where = f" on group {self.group}" if self.group is not None else ""
        settings = ", ".join(f"{k}={v}" for k, v in sorted(self.fields)) or "token"
        if self.hook_id is None:
            return f"create webhook {self.url}{where}: {settings}, secret token set"
        return f"update webhook {self.url} (id {self.hook_id}){where}: {settings}"


PROJECT_ACTIONS = (CreateLabel, RenameLabel, CreateIssue, CloseIssue, LinkIssues, UpsertComment, CommitFile,
                   EnsureHook)
