"""The journal: where an accepted webhook event lives until gl-cs has acted on it.

The receiver appends an event (durably: the 2xx goes out only after the commit) and the
worker claims the events of one issue at a time, acts, and completes them, or fails them
(retried with back-off, then parked). :class:`Journal` is the seam: this process uses
:class:`SQLiteJournal` (one file, WAL mode, ``synchronous=FULL``); several instances would
put a shared queue behind the same five calls (see docs/webhook.md).

Delivery rules the journal enforces:

* **dedupe**: every event carries one or more keys (``Idempotency-Key``, the
  ``X-Gitlab-Event-UUID`` scoped to the object and its ``updated_at``, a digest of the
  body); an event any of whose keys was seen in the last ``retention`` seconds is a
  duplicate and is not stored again;
* **per-issue order, coalescing**: a claim takes *all* pending events of one issue (the
  one whose oldest due event is oldest), so one run of the rules answers a burst; events
  that arrive during the run stay pending for the next claim;
* **at least once**: nothing is deleted before it is completed; a crash (kill -9) leaves
  the claimed events pending, and the next start processes them again (the rules are
  convergent and the writer finds its own comments by marker, so a second run is harmless).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Sequence

PENDING, DONE, PARKED, IGNORED = 0, 1, 2, 3
STATE_NAMES = {PENDING: "pending", DONE: "done", PARKED: "parked", IGNORED: "ignored"}


@dataclass(frozen=True)
class NewEvent:
    """An accepted event, as the receiver understood it (never the whole body: only what
    the worker needs and what the payload says that may save a read)."""

    iid: int
    kind: str  # issue | note | work_item
    keys: tuple[str, ...]  # dedupe keys, most specific first
    action: str = ""
    user_id: int | None = None
    hints: dict[str, Any] = field(default_factory=dict)
    received_at: float = 0.0  # time.time()


@dataclass(frozen=True)
class Appended:
    event_id: int
    duplicate: bool


@dataclass(frozen=True)
class Claim:
    """The pending events of one issue, handed to one worker."""

    iid: int
    ids: tuple[int, ...]
    user_ids: tuple[int | None, ...]
    received_at: tuple[float, ...]
    attempts: int  # the most any of them has had
    hints: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Parked:
    event_id: int
    iid: int
    kind: str
    action: str
    received_at: float
    attempts: int
    last_error: str


class Journal(Protocol):
    """What the receiver and the worker need from a durable queue."""

    def append(self, event: NewEvent) -> Appended: ...

    def claim(self, now: float, shard: tuple[int, int] = (0, 1)) -> Claim | None: ...

    def complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> None: ...

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool) -> None: ...

    def next_due(self, shard: tuple[int, int] = (0, 1)) -> float | None: ...

    def stats(self, now: float) -> dict[str, float]: ...

    def parked(self, limit: int = 1000) -> list[Parked]: ...

    def requeue_parked(self, ids: Sequence[int] | None = None, now: float | None = None) -> int: ...

    def check_writable(self) -> None: ...

    def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS events(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    iid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL DEFAULT '',
    user_id INTEGER,
    hints TEXT NOT NULL DEFAULT '{}',
    received_at REAL NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    done_at REAL
);
CREATE INDEX IF NOT EXISTS events_by_state ON events(state, next_at, id);
CREATE INDEX IF NOT EXISTS events_by_issue ON events(iid, state);
CREATE TABLE IF NOT EXISTS seen(key TEXT PRIMARY KEY, event_id INTEGER NOT NULL, at REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen(at);
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
"""


class SQLiteJournal:
    """The journal in one SQLite file (WAL; every commit fsynced before it returns).

    One connection behind a lock: SQLite serialises writers anyway, and a commit costs
    about 0.15 ms on this machine's disk, far below GitLab's patience.
    ``coalesce`` delays a fresh event's first claim a little, so that the Issue Hook and
    Note Hook one click sends (a comment with quick actions) share a run."""

    def __init__(self, path: str | os.PathLike, *, retention: float = 3 * 86400, coalesce: float = 0.2):
        self.path = Path(path)
        self.retention = retention
        self.coalesce = coalesce
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._pruned_at = 0.0

    # -- receiver --------------------------------------------------------------
    def append(self, event: NewEvent) -> Appended:
        received = event.received_at or time.time()
        keys = list(dict.fromkeys(k for k in event.keys if k))
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for key in keys:
                    row = db.execute("SELECT event_id FROM seen WHERE key=?", (key,)).fetchone()
                    if row is not None:
                        # a key of a redelivery may be new (a resend has a new Event-UUID
                        # but the same Idempotency-Key): remember it too
                        db.executemany("INSERT OR IGNORE INTO seen(key, event_id, at) VALUES(?,?,?)",
                                       [(k, row[0], received) for k in keys])
                        db.execute("COMMIT")
                        return Appended(int(row[0]), True)
                cur = db.execute(
                    "INSERT INTO events(iid, kind, action, user_id, hints, received_at, next_at) "
                    "VALUES(?,?,?,?,?,?,?)",
                    (event.iid, event.kind, event.action, event.user_id,
                     json.dumps(event.hints, separators=(",", ":")), received, received + self.coalesce))
                event_id = int(cur.lastrowid)
                db.executemany("INSERT INTO seen(key, event_id, at) VALUES(?,?,?)",
                               [(k, event_id, received) for k in keys])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return Appended(event_id, False)

    # -- worker ----------------------------------------------------------------
    def claim(self, now: float, shard: tuple[int, int] = (0, 1)) -> Claim | None:
        k, n = shard
        with self._lock:
            row = self._db.execute(
                "SELECT iid FROM events WHERE state=0 AND next_at<=? AND (iid % ?)=? ORDER BY next_at, id LIMIT 1",
                (now, n, k)).fetchone()
            if row is None:
                return None
            iid = int(row[0])
            rows = self._db.execute(
                "SELECT id, user_id, received_at, attempts, hints FROM events WHERE state=0 AND iid=? ORDER BY id",
                (iid,)).fetchall()
        return Claim(iid=iid, ids=tuple(r[0] for r in rows), user_ids=tuple(r[1] for r in rows),
                     received_at=tuple(r[2] for r in rows), attempts=max(r[3] for r in rows),
                     hints=tuple(json.loads(r[4] or "{}") for r in rows))

    def complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> None:
        now = now or time.time()
        state = IGNORED if ignored else DONE
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("UPDATE events SET state=?, done_at=? WHERE id=? AND state=0",
                                 [(state, now, i) for i in claim.ids])
            self._db.execute("COMMIT")
        if now - self._pruned_at > 600:
            self.prune(now)

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "UPDATE events SET attempts=attempts+1, next_at=?, last_error=?, state=? WHERE id=? AND state=0",
                [(retry_at, error[:500], PARKED if park else PENDING, i) for i in claim.ids])
            self._db.execute("COMMIT")

    def next_due(self, shard: tuple[int, int] = (0, 1)) -> float | None:
        k, n = shard
        with self._lock:
            row = self._db.execute("SELECT MIN(next_at) FROM events WHERE state=0 AND (iid % ?)=?",
                                   (n, k)).fetchone()
        return row[0] if row and row[0] is not None else None

    # -- operators -------------------------------------------------------------
    def stats(self, now: float) -> dict[str, float]:
        with self._lock:
            depth, oldest = self._db.execute(
                "SELECT COUNT(*), MIN(received_at) FROM events WHERE state=0").fetchone()
            parked = self._db.execute("SELECT COUNT(*) FROM events WHERE state=2").fetchone()[0]
            oldest_due = self._db.execute(
                "SELECT MIN(next_at) FROM events WHERE state=0").fetchone()[0]
        return {"depth": depth, "oldest_age": (now - oldest) if oldest else 0.0, "parked": parked,
                "overdue": max(0.0, now - oldest_due) if oldest_due else 0.0}

    def parked(self, limit: int = 1000) -> list[Parked]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, iid, kind, action, received_at, attempts, last_error FROM events WHERE state=2 "
                "ORDER BY id LIMIT ?", (limit,)).fetchall()
        return [Parked(*r) for r in rows]

    def requeue_parked(self, ids: Sequence[int] | None = None, now: float | None = None) -> int:
        now = now or time.time()
        with self._lock:
            if ids is None:
                cur = self._db.execute("UPDATE events SET state=0, attempts=0, next_at=? WHERE state=2", (now,))
            else:
                cur = self._db.executemany("UPDATE events SET state=0, attempts=0, next_at=? WHERE state=2 AND id=?",
                                           [(now, i) for i in ids])
            return cur.rowcount

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM events GROUP BY state").fetchall()
        return {STATE_NAMES.get(s, str(s)): c for s, c in rows}

    def events(self, iid: int | None = None) -> list[dict[str, Any]]:
        """Every stored event (tests and `--list-parked`'s neighbours)."""
        query = "SELECT id, iid, kind, action, user_id, state, attempts, last_error FROM events"
        args: tuple = ()
        if iid is not None:
            query, args = query + " WHERE iid=?", (iid,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        names = ("id", "iid", "kind", "action", "user_id", "state", "attempts", "last_error")
        return [dict(zip(names, r)) | {"state": STATE_NAMES[r[5]]} for r in rows]

    def check_writable(self) -> None:
        """A real write (a heartbeat row), so a full disk or a read-only file shows here."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta(k, v) VALUES('heartbeat', ?)", (repr(time.time()),))

    def prune(self, now: float) -> None:
        """Forget completed events and dedupe keys older than ``retention`` (GitLab lets
        people resend a delivery for two days)."""
        cutoff = now - self.retention
        with self._lock:
            self._db.execute("DELETE FROM seen WHERE at<?", (cutoff,))
            self._db.execute("DELETE FROM events WHERE state IN (1, 3) AND done_at<?", (cutoff,))
        self._pruned_at = now

    def close(self) -> None:
        with self._lock:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
