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
class Comment(Action):
    """A bot comment. ``key`` makes it unique per issue: the applier never posts the
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
    notes: tuple | None = None  # the comments, when a rule already had them read

    @property
    def comments(self) -> list[Comment]:
        return [a for a in self.actions if isinstance(a, Comment)]

    @property
    def findings(self) -> list[Finding]:
        return [a for a in self.actions if isinstance(a, Finding)]

    @property
    def has_writes(self) -> bool:
        return bool(self.add_labels or self.remove_labels or self.assignees is not None or self.comments)
