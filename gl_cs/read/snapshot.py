"""Plain, immutable snapshots of what gl-cs reads from GitLab.

The read layer turns GitLab's JSON into these objects; rules only ever see
snapshots, never python-gitlab objects, so a rule cannot call GitLab.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from ..text.isotime import parse_iso


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """GitLab's timestamps (API and webhook styles) as aware UTC datetimes; None when absent."""
    return parse_iso(value) if value else None


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str = ""

    @classmethod
    def from_api(cls, data: dict[str, Any] | None) -> "User | None":
        if not data:
            return None
        return cls(id=int(data["id"]), username=str(data.get("username") or ""), name=str(data.get("name") or ""))


@dataclass(frozen=True)
class LabelEvent:
    """One entry of ``GET .../issues/:iid/resource_label_events``."""

    id: int
    user: User | None
    created_at: dt.datetime
    label: str
    action: str  # "add" | "remove"

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "LabelEvent":
        label = data.get("label") or {}
        return cls(
            id=int(data["id"]),
            user=User.from_api(data.get("user")),
            created_at=parse_timestamp(data.get("created_at")) or dt.datetime.min.replace(tzinfo=dt.timezone.utc),
            label=str(label.get("name") or ""),
            action=str(data.get("action") or ""),
        )


@dataclass(frozen=True)
class Note:
    """One comment (``GET .../issues/:iid/notes``)."""

    id: int
    body: str
    author: User | None
    system: bool
    created_at: dt.datetime | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Note":
        return cls(id=int(data["id"]), body=str(data.get("body") or ""), author=User.from_api(data.get("author")),
                   system=bool(data.get("system")), created_at=parse_timestamp(data.get("created_at")))


@dataclass(frozen=True)
class Member:
    """A project member (``GET /projects/:id/members/all``)."""

    id: int
    username: str
    access_level: int

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Member":
        return cls(id=int(data["id"]), username=str(data.get("username") or ""),
                   access_level=int(data.get("access_level") or 0))


@dataclass(frozen=True)
class Project:
    """A project as a group lists it (``GET /groups/:id/projects``)."""

    id: int
    path_with_namespace: str
    topics: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Project":
        topics = data.get("topics") or data.get("tag_list") or ()
        return cls(id=int(data["id"]), path_with_namespace=str(data["path_with_namespace"]),
                   topics=tuple(str(t) for t in topics))


@dataclass(frozen=True)
class Issue:
    """An issue as the rules see it.

    ``labels`` and ``assignees`` are the *projected* state while rules run: the
    engine replaces them as earlier rules plan changes, so later rules decide
    on the state the issue will have after this sync.
    ``label_events`` and ``notes`` are ``None`` until the sync read them for a rule
    that asked for them.
    """

    iid: int
    title: str
    description: str
    state: str  # "opened" | "closed"
    labels: tuple[str, ...]
    assignees: tuple[User, ...]
    author: User | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    closed_at: dt.datetime | None = None
    due_date: dt.date | None = None
    web_url: str = ""
    confidential: bool = False
    user_notes_count: int | None = None  # comments by people and bots (system notes excluded)
    # True when gl-cs's record shows it already examined the issue exactly as it is now
    # (same updated_at, labels and comment count): nothing happened since it looked.
    examined: bool = field(default=False, compare=False)
    # Users GitLab would not assign to the issue as it is now (it answered the edit without
    # them: they cannot see the issue), from gl-cs's record.
    refused_assignees: tuple[int, ...] = field(default=(), compare=False)
    # Labels the rules that ran before planned to add in this sync (the engine's projection):
    # not on the issue in GitLab yet, so nobody moved them.
    planned_labels: tuple[str, ...] = field(default=(), compare=False)
    label_events: tuple[LabelEvent, ...] | None = field(default=None, compare=False)
    notes: tuple[Note, ...] | None = field(default=None, compare=False)
    # What the rules read from its title and description (gl_cs.decide.reading.Reading):
    # the record's, when the text is unchanged since gl-cs read it, so it is not parsed again.
    reading: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Issue":
        due = data.get("due_date")
        labels = data.get("labels") or []
        # with_labels_details=true returns objects; accept both shapes.
        names = tuple(str(l["name"]) if isinstance(l, dict) else str(l) for l in labels)
        return cls(
            iid=int(data["iid"]),
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            state=str(data.get("state") or "opened"),
            labels=names,
            assignees=tuple(u for u in (User.from_api(a) for a in data.get("assignees") or []) if u),
            author=User.from_api(data.get("author")),
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
            closed_at=parse_timestamp(data.get("closed_at")),
            due_date=dt.date.fromisoformat(due) if due else None,
            web_url=str(data.get("web_url") or ""),
            confidential=bool(data.get("confidential")),
            user_notes_count=int(data["user_notes_count"]) if data.get("user_notes_count") is not None else None,
        )

    @property
    def is_open(self) -> bool:
        return self.state == "opened"

    def with_labels(self, labels: Iterable[str]) -> "Issue":
        return replace(self, labels=tuple(labels))

    def with_assignees(self, assignees: Iterable[User]) -> "Issue":
        return replace(self, assignees=tuple(assignees))

    def with_label_events(self, events: Iterable[LabelEvent]) -> "Issue":
        return replace(self, label_events=tuple(sorted(events, key=lambda e: (e.created_at, e.id))))

    def with_notes(self, notes: Iterable[Note]) -> "Issue":
        return replace(self, notes=tuple(sorted(notes, key=lambda n: (n.created_at or dt.datetime.min.replace(
            tzinfo=dt.timezone.utc), n.id))))
