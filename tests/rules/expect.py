"""Expected actions, written the way a person reads a plan:

    [remove("SA Doing"), add("SA Backlog"),
     comment("event-3", to="olga.outsider", cites=("SA Doing", "SA Backlog"), says=("SA roster",))]

``assert_actions(actual, want)`` first compares the plan's shape (type and label, key,
assignees or finding text, in order) so a failing case shows a short diff, then the
parts of each action that matter: the words of its ``why``, who a comment mentions, the
labels it cites, what it says and must not say. Every comment is also checked to be
inert: no line starts with ``/`` (a quick action), nobody but ``to`` is mentioned, no
template syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gl_cs.decide.actions import Action, AddLabel, Comment, Finding, RemoveLabel, SetAssignees
from gl_cs.text.safe import label_name

_ANY = object()
_MENTION = re.compile(r"(?<![\w.\-])@[A-Za-z0-9_][\w.\-]*")


def _words(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass
class Expected:
    why: object = None  # a phrase (or phrases) the reason must contain
    rule: str | None = None  # the rule that planned it (checked when given)

    def shape(self) -> tuple:
        raise NotImplementedError

    def check(self, action: Action) -> None:
        assert action.why.strip(), f"{action!r} has no reason"
        for phrase in _words(self.why):
            assert phrase in action.why, f"why {action.why!r} lacks {phrase!r}"
        if self.rule is not None:
            assert action.rule == self.rule, (action.rule, self.rule)


@dataclass
class add(Expected):
    label: str = ""

    def __init__(self, label: str, why=None, rule: str | None = None):
        super().__init__(why=why, rule=rule)
        self.label = label

    def shape(self) -> tuple:
        return ("add", self.label)


@dataclass
class remove(Expected):
    label: str = ""

    def __init__(self, label: str, why=None, rule: str | None = None):
        super().__init__(why=why, rule=rule)
        self.label = label

    def shape(self) -> tuple:
        return ("remove", self.label)


@dataclass
class assign(Expected):
    users: tuple[str, ...] = ()

    def __init__(self, *users: str, why=None, rule: str | None = None):
        super().__init__(why=why, rule=rule)
        self.users = users

    def shape(self) -> tuple:
        return ("assign",) + self.users


@dataclass
class finding(Expected):
    text: str = ""

    def __init__(self, text: str, why=None, rule: str | None = None):
        super().__init__(why=why, rule=rule)
        self.text = text

    def shape(self) -> tuple:
        return ("finding", self.text)


@dataclass
class comment(Expected):
    """A comment with hidden key ``key``, to ``to`` (the only person mentioned, at the
    start; None: nobody is mentioned), citing ``cites`` as bold label names, saying
    every phrase of ``says`` and none of ``never``."""

    key: str = ""
    to: str | None = None
    cites: tuple[str, ...] = ()
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    scope: object = _ANY
    summary: str | None = None

    def __init__(self, key: str, *, to: str | None = None, cites=(), says=(), never=(), scope=_ANY,
                 summary: str | None = None, why=None, rule: str | None = None):
        super().__init__(why=why, rule=rule)
        self.key, self.to, self.scope, self.summary = key, to, scope, summary
        self.cites, self.says, self.never = _words(cites), _words(says), _words(never)

    def shape(self) -> tuple:
        return ("comment", self.key)

    def check(self, action: Action) -> None:
        super().check(action)
        body = action.body
        mentioned = set(_MENTION.findall(body))
        if self.to is None:
            assert not mentioned, f"mentions {mentioned}: {body!r}"
        else:
            assert body.startswith(f"@{self.to} "), body
            assert mentioned == {f"@{self.to}"}, f"mentions {mentioned}: {body!r}"
        for label in self.cites:
            assert f"**{label_name(label)}**" in body, f"does not cite {label!r}: {body!r}"
        for phrase in self.says:
            assert phrase in body, f"does not say {phrase!r}: {body!r}"
        for phrase in self.never:
            assert phrase not in body, f"says {phrase!r}: {body!r}"
        if self.scope is not _ANY:
            assert action.scope == self.scope, (action.scope, self.scope)
        if self.summary is not None:
            assert self.summary in action.summary, (action.summary, self.summary)
        assert_inert(body)


def assert_inert(body: str) -> None:
    """A bot comment can neither run a quick action nor render a template."""
    for line in body.splitlines():
        assert not line.lstrip().startswith("/"), f"line would run a quick action: {line!r}"
    assert "{{" not in body and "{%" not in body, body
    assert "@all" not in body and "@here" not in body, body


def shape(action: Action) -> tuple:
    if isinstance(action, AddLabel):
        return ("add", action.label)
    if isinstance(action, RemoveLabel):
        return ("remove", action.label)
    if isinstance(action, SetAssignees):
        return ("assign",) + tuple(u.username for u in action.assignees)
    if isinstance(action, Comment):
        return ("comment", action.key)
    if isinstance(action, Finding):
        return ("finding", action.text)
    return (type(action).__name__,)


def assert_actions(actual: list[Action], want: list[Expected], rule: str | None = None) -> None:
    """``actual`` is exactly ``want``, in order (and every action is ``rule``'s, when given)."""
    assert [shape(a) for a in actual] == [w.shape() for w in want]
    for action, expected in zip(actual, want):
        expected.check(action)
        if rule is not None:
            assert action.rule == rule, (action.rule, rule)
