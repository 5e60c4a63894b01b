"""The journal: where an accepted webhook event lives until gl-cs has acted on it.

The receiver appends an event (durably: the 2xx goes out only after the commit) and the
worker claims the events of one issue at a time, acts, and completes them, or fails them
(retried with back-off, then parked). :class:`Journal` is the seam: this process uses
:class:`SQLiteJournal` (one file, WAL mode, ``synchronous=FULL``); several instances would
put a shared queue behind the same five calls (see the README, "Several instances later").

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
import logging
import os
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Sequence

log = logging.getLogger(__name__)

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

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool, count: bool = True) -> None: ...

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


class _Slot:
    __slots__ = ("event", "done", "result", "error")

    def __init__(self, event: NewEvent):
        self.event = event
        self.done = threading.Event()
        self.result: Appended | None = None
        self.error: BaseException | None = None


class SQLiteJournal:
    """The journal in one SQLite file, WAL mode.

    * Appends are **group-committed**: request threads hand their event to one writer
      thread, which stores everything that queued up meanwhile in one transaction and
      one fsync (``synchronous=FULL``), then releases the waiting requests. An fsync that
      takes 10 ms under a busy disk then costs 10 ms per *batch*, not per event.
    * The worker's bookkeeping (complete, fail) commits without an fsync of its own
      (``synchronous=NORMAL``; the next append's fsync covers it): a crash can forget that
      an event was done, never that it arrived; it is then processed once more, which the
      convergent rules and the writer's markers make harmless.
    * Reads (claims, stats) use per-thread connections and never wait for a writer.

    ``coalesce`` delays a fresh event's first claim a little, so that the Issue Hook and
    Note Hook one click sends (a comment with quick actions) share a run."""

    def __init__(self, path: str | os.PathLike, *, retention: float = 3 * 86400, coalesce: float = 0.2):
        self.path = Path(path)
        self.retention = retention
        self.coalesce = coalesce
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False
        first = self._connect(sync="FULL")
        first.execute("PRAGMA journal_mode=WAL")
        first.executescript(SCHEMA)
        first.close()
        self._queue: "queue.SimpleQueue[_Slot | None]" = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_appends, name="gl-cs-journal", daemon=True)
        self._writer.start()
        self._pruned_at = 0.0

    def _connect(self, sync: str) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA busy_timeout=30000")
        db.execute(f"PRAGMA synchronous={sync}")
        return db

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            if self._closed:
                raise sqlite3.ProgrammingError("the journal is closed")
            db = self._local.db = self._connect(sync="NORMAL")
            with self._conns_lock:
                self._conns.append(db)
        return db

    def _write(self, fn):
        """Run ``fn(db)`` in one write transaction of this thread's connection."""
        db = self._db()
        with self._write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = fn(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return result

    # -- receiver --------------------------------------------------------------
    def append(self, event: NewEvent, timeout: float = 10.0) -> Appended:
        """Store ``event`` durably (or recognise it as a duplicate); returns once committed."""
        if self._closed:
            raise sqlite3.ProgrammingError("the journal is closed")
        slot = _Slot(event)
        self._queue.put(slot)
        if not slot.done.wait(timeout):
            raise TimeoutError("the journal did not commit in time")
        if slot.error is not None:
            raise slot.error
        return slot.result

    @staticmethod
    def _begin(db: sqlite3.Connection, limit: float = 30.0) -> None:
        """BEGIN IMMEDIATE, waiting for another process's writer in steps of at most 2 ms.
        (SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms... while the worker
        process's transactions last a fraction of a millisecond: it made ack p99 worse.)"""
        deadline = time.monotonic() + limit
        pause = 0.0001
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.002)

    def _write_appends(self) -> None:
        db = self._connect(sync="FULL")
        db.execute("PRAGMA busy_timeout=0")  # see _begin
        db.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints happen on the worker's connections
        while True:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            try:
                with self._write_lock:
                    self._begin(db)
                    try:
                        for slot in batch:  # one bad event must not cost the others their place
                            db.execute("SAVEPOINT one")
                            try:
                                slot.result = self._insert(db, slot.event)
                                db.execute("RELEASE one")
                            except (sqlite3.DataError, sqlite3.IntegrityError, OverflowError, TypeError,
                                    ValueError) as exc:
                                db.execute("ROLLBACK TO one")
                                db.execute("RELEASE one")
                                slot.error = exc
                        db.execute("COMMIT")
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
            except BaseException as exc:  # nothing of the batch was stored: every request hears so
                for slot in batch:
                    slot.result, slot.error = None, exc
                log.error("the journal could not store %d event(s): %s", len(batch), exc.__class__.__name__)
            for slot in batch:
                slot.done.set()
        db.close()

    def _insert(self, db: sqlite3.Connection, event: NewEvent) -> Appended:
        received = event.received_at or time.time()
        keys = list(dict.fromkeys(k for k in event.keys if k))
        for key in keys:
            row = db.execute("SELECT event_id FROM seen WHERE key=?", (key,)).fetchone()
            if row is not None:
                # a redelivery's other keys may be new (a resend has a new Event-UUID but
                # the same Idempotency-Key): remember them too
                db.executemany("INSERT OR IGNORE INTO seen(key, event_id, at) VALUES(?,?,?)",
                               [(k, row[0], received) for k in keys])
                return Appended(int(row[0]), True)
        cur = db.execute(
            "INSERT INTO events(iid, kind, action, user_id, hints, received_at, next_at) VALUES(?,?,?,?,?,?,?)",
            (event.iid, event.kind, event.action, event.user_id,
             json.dumps(event.hints, separators=(",", ":")), received, received + self.coalesce))
        event_id = int(cur.lastrowid)
        db.executemany("INSERT INTO seen(key, event_id, at) VALUES(?,?,?)", [(k, event_id, received) for k in keys])
        return Appended(event_id, False)

    # -- worker ----------------------------------------------------------------
    def claim(self, now: float, shard: tuple[int, int] = (0, 1)) -> Claim | None:
        k, n = shard
        db = self._db()
        row = db.execute(
            "SELECT iid FROM events WHERE state=0 AND next_at<=? AND (iid % ?)=? ORDER BY next_at, id LIMIT 1",
            (now, n, k)).fetchone()
        if row is None:
            return None
        iid = int(row[0])
        rows = db.execute(
            "SELECT id, user_id, received_at, attempts, hints FROM events WHERE state=0 AND iid=? ORDER BY id",
            (iid,)).fetchall()
        if not rows:
            return None
        return Claim(iid=iid, ids=tuple(r[0] for r in rows), user_ids=tuple(r[1] for r in rows),
                     received_at=tuple(r[2] for r in rows), attempts=max(r[3] for r in rows),
                     hints=tuple(json.loads(r[4] or "{}") for r in rows))

    def complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> None:
        now = now or time.time()
        state = IGNORED if ignored else DONE
        self._write(lambda db: db.executemany("UPDATE events SET state=?, done_at=? WHERE id=? AND state=0",
                                              [(state, now, i) for i in claim.ids]))
        if now - self._pruned_at > 600:
            self.prune(now)

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool, count: bool = True) -> None:
        """Retry at ``retry_at`` (or park). ``count`` False: the failure was not the
        event's (GitLab as a whole was down), so it does not bring parking closer."""
        self._write(lambda db: db.executemany(
            "UPDATE events SET attempts=attempts+?, next_at=?, last_error=?, state=? WHERE id=? AND state=0",
            [(1 if count else 0, retry_at, error[:500], PARKED if park else PENDING, i) for i in claim.ids]))

    def next_due(self, shard: tuple[int, int] = (0, 1)) -> float | None:
        k, n = shard
        row = self._db().execute("SELECT MIN(next_at) FROM events WHERE state=0 AND (iid % ?)=?", (n, k)).fetchone()
        return row[0] if row and row[0] is not None else None

    # -- operators -------------------------------------------------------------
    def stats(self, now: float) -> dict[str, float]:
        db = self._db()
        depth, oldest, oldest_due = db.execute(
            "SELECT COUNT(*), MIN(received_at), MIN(next_at) FROM events WHERE state=0").fetchone()
        parked = db.execute("SELECT COUNT(*) FROM events WHERE state=2").fetchone()[0]
        return {"depth": depth, "oldest_age": (now - oldest) if oldest else 0.0, "parked": parked,
                "overdue": max(0.0, now - oldest_due) if oldest_due else 0.0}

    def parked(self, limit: int = 1000) -> list[Parked]:
        rows = self._db().execute(
            "SELECT id, iid, kind, action, received_at, attempts, last_error FROM events WHERE state=2 "
            "ORDER BY id LIMIT ?", (limit,)).fetchall()
        return [Parked(*r) for r in rows]

    def requeue_parked(self, ids: Sequence[int] | None = None, now: float | None = None) -> int:
        now = now or time.time()

        def run(db):
            if ids is None:
                return db.execute("UPDATE events SET state=0, attempts=0, next_at=? WHERE state=2", (now,)).rowcount
            return db.executemany("UPDATE events SET state=0, attempts=0, next_at=? WHERE state=2 AND id=?",
                                  [(now, i) for i in ids]).rowcount

        return self._write(run)

    def counts(self) -> dict[str, int]:
        rows = self._db().execute("SELECT state, COUNT(*) FROM events GROUP BY state").fetchall()
        return {STATE_NAMES.get(s, str(s)): c for s, c in rows}

    def events(self, iid: int | None = None) -> list[dict[str, Any]]:
        """Every stored event (tests, operators)."""
        query = "SELECT id, iid, kind, action, user_id, state, attempts, last_error, hints FROM events"
        args: tuple = ()
        if iid is not None:
            query, args = query + " WHERE iid=?", (iid,)
        rows = self._db().execute(query + " ORDER BY id", args).fetchall()
        names = ("id", "iid", "kind", "action", "user_id", "state", "attempts", "last_error")
        return [dict(zip(names, r)) | {"state": STATE_NAMES[r[5]], "hints": json.loads(r[8] or "{}")} for r in rows]

    def check_writable(self) -> None:
        """A real write (a heartbeat row), so a full disk or a read-only file shows here."""
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO meta(k, v) VALUES('heartbeat', ?)",
                                          (repr(time.time()),)))

    def prune(self, now: float) -> None:
        """Forget completed events and dedupe keys older than ``retention`` (GitLab lets
        people resend a delivery for two days)."""
        cutoff = now - self.retention
        self._pruned_at = now

        def run(db):
            db.execute("DELETE FROM seen WHERE at<?", (cutoff,))
            db.execute("DELETE FROM events WHERE state IN (1, 3) AND done_at<?", (cutoff,))

        self._write(run)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._writer.join(10)
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for db in conns:
            try:
                db.close()
            except sqlite3.Error:
                pass
