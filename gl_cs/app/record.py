"""The record: what gl-cs last saw and left on each issue, kept between runs to save reads.

After a sync, the record holds for each issue gl-cs looked at a *fingerprint* of the issue
as it was when gl-cs last examined it (``updated_at``, labels, assignees, comment count,
state, a digest of title, description and due date), gl-cs's own comment markers on it,
and its label history when a rule had read it. On the next run, an issue whose fingerprint
is unchanged has not been touched by anyone since gl-cs looked: its markers and history
come from the record instead of two GET requests, and ``workflow.transitions`` knows there
is no move left to check.

The record only ever saves reads. It is keyed by GitLab URL, project, bot user and a
digest of the configuration; an entry is used only when the issue's fingerprint matches.
A lost, corrupt, stale or concurrently written record (two runs saving one after the
other: the last one wins) therefore costs requests, never a wrong decision: any change
anyone makes to an issue changes its fingerprint, and gl-cs then reads it afresh.

Label history gl-cs's own write added is appended as *synthetic* events (negative ids,
stamped with the issue's ``updated_at`` after the write), so rules that look at who moved a
label keep working without a read. Rules never build comment keys from gl-cs's own events.

The webhook worker also knows what changed since: each Issue Hook says which labels a
person changed (previous and current titles, who, when). :meth:`Record.expect` takes those
changes for the next look at an issue; when they lead exactly from the labels the record
saw to the labels the issue has now, the history is the record's plus those changes (again
as synthetic events), and no read is needed. When they disagree (a change that was not
reported, a late delivery, a label renamed) the issue is read as before. A comment keyed on
a synthetic event is never posted: the sync reads the real history first (see
``app/sync.py``, ``_decide``), so the key is GitLab's own event id.

A second, additive section, ``history``, keeps what ``gl-cs report`` read of each issue: its
label events and the comments the desk insights use (gl-cs's marked comments, GitLab's task
notes), under the issue's fingerprint. A closed issue's history never changes, so a later
report of an overlapping period reads only the issues that changed since (or are new to it).
The sync keeps the section as it is; it follows the same rule (used only when the
fingerprint matches).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from ..decide.reading import with_reading
from ..markers import markers_in
from ..read.snapshot import Issue, LabelEvent, Note, User, parse_timestamp

log = logging.getLogger(__name__)

VERSION = 1
MAX_ISSUES = 200_000
SYNTHETIC_BASE = -(10 ** 12)  # ids of the label events a webhook reported (never GitLab's)


def fingerprint(issue: Issue) -> str:
    """What must stay the same for gl-cs's earlier look to still hold."""
    return _print(issue, issue.updated_at.isoformat() if issue.updated_at else "")


def content_print(issue: Issue, *, notes_added: int = 0) -> str:
    """The fingerprint without ``updated_at``: what a person could have changed. A link or
    a close gl-cs made moves ``updated_at`` (GitLab's system note) and nothing else."""
    count = None if issue.user_notes_count is None else issue.user_notes_count + notes_added
    return _print(replace(issue, user_notes_count=count), "-")


def _print(issue: Issue, updated: str) -> str:
    parts = [
        updated,
        "\x1f".join(sorted(issue.labels)),
        ",".join(str(u.id) for u in sorted(issue.assignees, key=lambda u: u.id)),
        str(issue.user_notes_count),
        issue.state,
        issue.due_date.isoformat() if issue.due_date else "",
        hashlib.sha256(f"{issue.title}\x1f{issue.description}".encode()).hexdigest()[:16],
    ]
    return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:24]


@dataclass
class Entry:
    fingerprint: str
    markers: list[tuple[int, str]] | None = None  # (note id, marker text) of gl-cs's comments
    events: list[list[Any]] | None = None  # compact label events
    refused: list[int] | None = None  # user ids GitLab would not assign
    labels: list[str] | None = None  # the labels the history above leads to (kept with it)
    # what the rules read from its text: (text key, parts); see gl_cs.decide.reading
    reading: tuple[str, dict[str, Any]] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"f": self.fingerprint}
        if self.refused:
            out["r"] = self.refused
        if self.labels is not None:
            out["l"] = self.labels
        if self.markers is not None:
            out["m"] = [list(m) for m in self.markers]
        if self.events is not None:
            out["e"] = self.events
        if self.reading is not None:
            out["t"] = [self.reading[0], self.reading[1]]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Entry":
        markers = data.get("m")
        events = data.get("e")
        reading = data.get("t")
        return cls(fingerprint=str(data["f"]),
                   markers=[(int(i), str(t)) for i, t in markers] if markers is not None else None,
                   events=[list(e) for e in events] if events is not None else None,
                   refused=[int(u) for u in data.get("r") or []] or None,
                   labels=[str(l) for l in data["l"]] if data.get("l") is not None else None,
                   reading=(str(reading[0]), dict(reading[1])) if reading else None)


def _scope_of_file(path: Path) -> str | None:
    """The scope a record file was written for (None: no file, or not a record). The scope
    comes first in the file (:meth:`Record.save`), so the start of it is enough."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = fh.read(300)
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r'"scope"\s*:\s*"([^"]+)"', head)
    return found.group(1) if found else None


def _event_to_json(e: LabelEvent) -> list[Any]:
    user = [e.user.id, e.user.username] if e.user else None
    return [e.id, user, e.created_at.isoformat(), e.label, e.action]


def _event_from_json(data: list[Any]) -> LabelEvent:
    eid, user, when, label, action = data
    return LabelEvent(id=int(eid), user=User(id=int(user[0]), username=str(user[1])) if user else None,
                      created_at=parse_timestamp(when) or dt.datetime.min.replace(tzinfo=dt.timezone.utc),
                      label=str(label), action=str(action))


@dataclass(frozen=True)
class LabelChange:
    """One label change a webhook reported: the issue's labels before and after, who, when."""

    previous: tuple[str, ...]
    current: tuple[str, ...]
    user: User | None
    at: dt.datetime


@dataclass
class History:
    """What a report read of one issue (``None``: not read), under its fingerprint."""

    fingerprint: str
    events: list[list[Any]] | None = None  # compact label events
    notes: list[list[Any]] | None = None  # compact comments: [id, created_at, system, [user id, name], body]

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"f": self.fingerprint}
        if self.events is not None:
            out["e"] = self.events
        if self.notes is not None:
            out["n"] = self.notes
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "History":
        events, notes = data.get("e"), data.get("n")
        return cls(fingerprint=str(data["f"]), events=[list(e) for e in events] if events is not None else None,
                   notes=[list(n) for n in notes] if notes is not None else None)


def _note_to_json(n: Note) -> list[Any]:
    author = [n.author.id, n.author.username] if n.author else None
    return [n.id, n.created_at.isoformat() if n.created_at else None, n.system, author, n.body]


def _note_from_json(data: list[Any]) -> Note:
    nid, when, system, author, body = data
    return Note(id=int(nid), body=str(body), system=bool(system), created_at=parse_timestamp(when),
                author=User(id=int(author[0]), username=str(author[1])) if author else None)


@dataclass
class Record:
    """In memory: entries by iid. ``path`` None keeps it for the process only (the
    webhook worker's runtime, tests)."""

    scope: str = ""
    path: Path | None = None
    bot: User | None = None
    entries: dict[int, Entry] = field(default_factory=dict)
    history: dict[int, History] = field(default_factory=dict)
    dirty: bool = False
    expected: dict[int, list[LabelChange]] = field(default_factory=dict, repr=False)
    writable = True  # this run may change it (a dry run sees it through a read-only view)
    # what each entry remembered this run, without updated_at (see ``content_print``)
    _content: dict[int, str] = field(default_factory=dict, repr=False)

    # -- persistence -----------------------------------------------------
    @staticmethod
    def scope_of(url: str, project: str, bot_id: int, config_digest: str) -> str:
        return hashlib.sha256(f"{url}\x1f{project}\x1f{bot_id}\x1f{config_digest}".encode()).hexdigest()[:24]

    @classmethod
    def load(cls, path: Path | None, scope: str, bot: User | None = None, adopt: Path | None = None) -> "Record":
        """The record at ``path`` if it is this scope's. ``adopt``: another file (the record
        of a one-desk configuration) moved to ``path`` when ``path`` has none and that file
        is this scope's (a team that grew from one desk to several keeps its record)."""
        record = cls(scope=scope, path=path, bot=bot)
        if path is not None and adopt is not None and not path.exists() and _scope_of_file(adopt) == scope:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(adopt, path)
                log.warning("record %s was this desk's (from before there were several desks): moved to %s",
                            adopt, path)
            except OSError as exc:
                log.warning("could not move the record %s to %s (%s): starting afresh", adopt, path,
                            exc.__class__.__name__)
        if path is None or not path.exists():
            return record
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION or data.get("scope") != scope:
                log.info("record %s is for another project, bot or configuration: starting afresh", path)
                return record
            record.entries = {int(k): Entry.from_json(v) for k, v in data.get("issues", {}).items()}
            record.history = {int(k): History.from_json(v) for k, v in (data.get("history") or {}).items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("record %s is unreadable (%s): starting afresh; this costs reads, nothing else",
                        path, exc.__class__.__name__)
            record.entries, record.history = {}, {}
        return record

    def save(self) -> None:
        """Atomically replace the file (a reader never sees half a record)."""
        if self.path is None or not self.dirty:
            return
        entries = self.entries
        if len(entries) > MAX_ISSUES:  # keep the newest iids
            entries = dict(sorted(entries.items())[-MAX_ISSUES:])
        data: dict[str, Any] = {"version": VERSION, "scope": self.scope,
                                "issues": {str(k): v.as_json() for k, v in sorted(entries.items())}}
        if self.history:
            kept = sorted(self.history.items())[-MAX_ISSUES:]
            data["history"] = {str(k): v.as_json() for k, v in kept}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".record-", dir=str(self.path.parent))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError as exc:
            log.warning("could not save the record %s (%s): the next run reads more", self.path, exc)

    # -- use ---------------------------------------------------------------
    def expect(self, iid: int, changes: Iterable[LabelChange]) -> None:
        """The label changes webhooks reported since gl-cs last looked at ``iid`` (all of
        them, none for a comment): used once, by the next :meth:`enrich` of that issue."""
        self.expected[iid] = sorted(changes, key=lambda c: c.at)

    def enrich(self, issue: Issue, config: Any = None) -> Issue:
        """The issue with what the record knows about it: what was read from its text when
        the text is the same (a label change does not make gl-cs parse it again), its
        markers and history when nothing changed since (or, for its label history, when
        the changes webhooks reported account for what did)."""
        entry = self.entries.get(issue.iid)
        expected = self.expected.pop(issue.iid, None)
        issue = with_reading(issue, config, entry.reading if entry is not None else None)
        if entry is None:
            return issue
        if entry.fingerprint != fingerprint(issue):
            if expected is not None and issue.label_events is None:
                events = _replay(entry, issue, expected)
                if events is not None:
                    return issue.with_label_events(events)
            return issue
        out = replace(issue, examined=True, refused_assignees=tuple(entry.refused or ()))
        if entry.events is not None and issue.label_events is None:
            out = out.with_label_events(_event_from_json(e) for e in entry.events)
        if entry.markers is not None and issue.notes is None and self.bot is not None:
            # gl-cs's own comments, reduced to their markers: all a rule reads of them
            # (rules read comments through ``Context.bot_notes``).
            out = out.with_notes(Note(id=i, body=m, author=self.bot, system=False, created_at=None)
                                 for i, m in entry.markers)
        return out

    def remember(self, issue: Issue, *, is_bot: Callable[[User | None], bool],
                 posted: Iterable[tuple[int, str]] = (),
                 own_labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
                 after: Issue | None = None, refused: Iterable[int] = ()) -> None:
        """Keep what gl-cs knows of ``issue`` now.

        ``issue``: as gl-cs read and decided it (with the comments and events it read);
        ``posted``: (note id, body) of the comments gl-cs just posted; ``own_labels``: the
        (added, removed) labels of gl-cs's write; ``after``: the issue as GitLab showed it
        after that write (its fingerprint is what the next run will see). A write without
        ``after`` drops the entry: the next run reads afresh."""
        posted = list(posted)
        wrote = bool(posted or own_labels[0] or own_labels[1])
        current = after if wrote else issue
        if current is None:
            self.forget(issue.iid)
            return
        markers: list[tuple[int, str]] | None = None
        if issue.notes is not None:
            markers = [(n.id, _marker_text(n.body)) for n in issue.notes if is_bot(n.author) and markers_in(n.body)]
        elif issue.user_notes_count == 0:
            markers = []
        if markers is not None:
            markers += [(i, _marker_text(b)) for i, b in posted if markers_in(b)]
        events = None
        if issue.label_events is not None:
            events = [_event_to_json(e) for e in issue.label_events]
            if wrote and (own_labels[0] or own_labels[1]):
                if after is None or after.updated_at is None:
                    events = None
                else:
                    lowest = min([0] + [int(e[0]) for e in events])
                    bot = [self.bot.id, self.bot.username] if self.bot else None
                    changes = [(l, "add") for l in own_labels[0]] + [(l, "remove") for l in own_labels[1]]
                    for n, (label, action) in enumerate(changes, start=1):
                        events.append([lowest - n, bot, after.updated_at.isoformat(), label, action])
        reading = issue.reading
        kept = (reading.key, reading.parts) if getattr(reading, "parts", None) else None
        self.entries[issue.iid] = Entry(fingerprint(current), markers, events, sorted(set(refused)) or None,
                                        labels=sorted(current.labels) if events is not None else None,
                                        reading=kept)
        self._content[issue.iid] = content_print(current)
        self.dirty = True

    def history_of(self, issue: Issue) -> tuple[tuple[LabelEvent, ...] | None, tuple[Note, ...] | None]:
        """The label events and comments a report kept for ``issue`` (each None when not
        kept), when the issue has not changed since."""
        kept = self.history.get(issue.iid)
        if kept is None or kept.fingerprint != fingerprint(issue):
            return None, None
        events = tuple(_event_from_json(e) for e in kept.events) if kept.events is not None else None
        notes = tuple(_note_from_json(n) for n in kept.notes) if kept.notes is not None else None
        return events, notes

    def keep_history(self, issue: Issue, events: Iterable[LabelEvent] | None,
                     notes: Iterable[Note] | None) -> None:
        """Keep what a report read of ``issue`` as it is now (``None``: not read)."""
        entry = History(fingerprint(issue), [_event_to_json(e) for e in events] if events is not None else None,
                        [_note_to_json(n) for n in notes] if notes is not None else None)
        if self.history.get(issue.iid) != entry:
            self.history[issue.iid] = entry
            self.dirty = True

    def forget(self, iid: int) -> None:
        self._content.pop(iid, None)
        if self.entries.pop(iid, None) is not None:
            self.dirty = True

    # -- what the project rules did -------------------------------------------------
    def opened(self, issue: Issue) -> None:
        """An issue gl-cs just opened, as GitLab lists it now: no comments yet, and its
        labels added by gl-cs at creation (GitLab's label history says the same)."""
        if self.bot is None:
            self.forget(issue.iid)
            return
        bot = [self.bot.id, self.bot.username]
        when = (issue.created_at or issue.updated_at)
        if when is None or issue.user_notes_count != 0:
            self.forget(issue.iid)
            return
        events = [[-n, bot, when.isoformat(), label, "add"] for n, label in enumerate(issue.labels, start=1)]
        self.entries[issue.iid] = Entry(fingerprint(issue), [], events, labels=sorted(issue.labels))
        self._content[issue.iid] = content_print(issue)
        self.dirty = True

    def touched(self, issue: Issue, *, posted: Iterable[tuple[int, str]] = ()) -> None:
        """An issue a project rule linked, closed or commented on, as GitLab lists it now.
        When nothing but gl-cs's own action changed since the sweep remembered it (the
        same content, with gl-cs's comments added), the entry holds with the new
        ``updated_at``; anything else (a person's edit meanwhile) drops it."""
        posted = [(i, b) for i, b in posted if i is not None]
        entry = self.entries.get(issue.iid)
        before = self._content.get(issue.iid)
        if entry is None or before is None or content_print(issue, notes_added=-len(posted)) != before:
            self.forget(issue.iid)
            return
        if posted and entry.markers is not None:
            entry.markers = entry.markers + [(i, _marker_text(b)) for i, b in posted if markers_in(b)]
        elif posted:
            entry.markers = None
        entry.fingerprint = fingerprint(issue)
        self._content[issue.iid] = content_print(issue)
        self.dirty = True


def _replay(entry: Entry, issue: Issue, changes: list[LabelChange]) -> list[LabelEvent] | None:
    """The record's history plus ``changes``, if they lead exactly from the labels the
    record saw to the issue's labels now (each change starting where the last one ended);
    None when they disagree."""
    if entry.events is None or entry.labels is None:
        return None
    state = set(entry.labels)
    events = [_event_from_json(e) for e in entry.events]
    last = max((e.created_at for e in events), default=None)
    # below every id an earlier replay gave: each synthetic event keeps an id of its own
    n = SYNTHETIC_BASE - min([SYNTHETIC_BASE] + [e.id for e in events])
    for change in changes:
        if set(change.previous) != state or change.user is None:
            return None
        current = set(change.current)
        at = change.at if last is None or change.at > last else last + dt.timedelta(microseconds=1)
        for label, action in [(l, "remove") for l in sorted(state - current)] + \
                [(l, "add") for l in sorted(current - state)]:
            n += 1
            events.append(LabelEvent(id=SYNTHETIC_BASE - n, user=change.user, created_at=at, label=label,
                                     action=action))
        last, state = at, current
    if state != set(issue.labels):
        return None
    return events


def _marker_text(body: str) -> str:
    return "".join(f"<!-- gl-cs:{r}:{k} -->" for r, k in markers_in(body))
