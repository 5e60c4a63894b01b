"""The journal: where an accepted webhook event lives until gl-cs has acted on it.

The receiver appends an event (durably: the 2xx goes out only after the commit) and a
worker claims the events of one issue at a time, acts, and completes them, or fails them
(retried with back-off, then parked). :class:`Journal` is the seam: one instance uses
:class:`SQLiteJournal` (one file, WAL mode, ``synchronous=FULL``); several instances share
a :class:`~gl_cs.service.journal_pg.PostgresJournal` behind the same calls
(:func:`open_journal` picks one from ``--journal``). docs/service.md has the schema.

Delivery rules every journal enforces:

* **everything is per (project, issue)**: an event, its dedupe keys and a claim carry the
  GitLab project id; two desks never share an order or a key;
* **dedupe**: every event carries one or more keys (``Idempotency-Key``, the
  ``X-Gitlab-Event-UUID`` scoped to the object and its ``updated_at``, a digest of the
  body); an event any of whose keys was seen in the last ``retention`` seconds is a
  duplicate and is not stored again;
* **a claim is a lease**: claiming an issue takes *all* its pending events and a lease
  with an expiry (renewed while the run lasts) and a fencing number ``seq`` that grows by
  one with every claim of that issue. Only the holder of the current ``seq`` can complete
  or fail the events: a worker whose lease expired and was taken over (it died, it hung)
  finds its late ``complete`` refused (:meth:`Journal.complete` returns False) and writes
  nothing to the journal; its late GitLab writes are harmless (the rules converge and the
  writer finds its own comments by marker). Per-issue order follows: one holder at a time,
  each run reads the issue fresh, and events that arrive during a run wait for the next;
* **at least once**: nothing is deleted before it is completed; a crash leaves the claimed
  events pending (their lease runs out, or the supervisor releases it), and they are
  processed again.
"""

from __future__ import annotations

import json
import logging
import os
import re
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Sequence
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger(__name__)

PENDING, DONE, PARKED, IGNORED = 0, 1, 2, 3
STATE_NAMES = {PENDING: "pending", DONE: "done", PARKED: "parked", IGNORED: "ignored"}
SCHEMA_VERSION = 2  # 1: the single-desk journal (no project id, no leases)
LEGACY_PROJECT = 0  # events of a version-1 journal, until the service that serves them adopts them
LEASE = 30.0  # seconds a claim holds an issue without renewal
MIN_FREE = 1 << 20  # a journal directory with less room than this is full


class JournalError(Exception):
    """The journal cannot be used: one line that names it (a path, or a URL without its
    password) and what to do."""


@dataclass(frozen=True)
class NewEvent:
    """An accepted event, as the receiver understood it (never the whole body: only what
    the worker needs and what the payload says that may save a read)."""

    project_id: int
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
    """The pending events of one issue, leased to one worker (``owner``) under the
    fencing number ``seq``."""

    project_id: int
    iid: int
    ids: tuple[int, ...]
    user_ids: tuple[int | None, ...]
    received_at: tuple[float, ...]
    attempts: int  # the most any of them has had
    hints: tuple[dict[str, Any], ...] = ()
    owner: str = ""
    seq: int = 0


@dataclass(frozen=True)
class Parked:
    event_id: int
    project_id: int
    iid: int
    kind: str
    action: str
    received_at: float
    attempts: int
    last_error: str


class Journal(Protocol):
    """What the receiver and the worker need from a durable queue."""

    where: str  # a path, or a URL without its password: for messages

    def append(self, event: NewEvent) -> Appended: ...

    def claim(self, now: float, owner: str, *, lease: float = LEASE, shard: tuple[int, int] = (0, 1),
              projects: Sequence[int] | None = None) -> Claim | None: ...

    def renew(self, claim: Claim, lease: float = LEASE) -> bool: ...

    def complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> bool: ...

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool, count: bool = True) -> bool: ...

    def release_owner(self, owner: str) -> int: ...

    def next_due(self, shard: tuple[int, int] = (0, 1), projects: Sequence[int] | None = None, *,
                 owner: str = "") -> float | None: ...

    def stats(self, now: float) -> dict[str, float]: ...

    def parked(self, limit: int = 1000) -> list[Parked]: ...

    def requeue_parked(self, ids: Sequence[int] | None = None, now: float | None = None) -> int: ...

    def counts(self) -> dict[str, int]: ...

    def events(self, iid: int | None = None) -> list[dict[str, Any]]: ...

    def adopt_legacy(self, project_id: int) -> int: ...

    def check_writable(self) -> None: ...

    def close(self) -> None: ...


_SECRET_QUERY = re.compile(r"(?i)((?:^|&)(?:password|sslpassword|passfile|sslkey)=)[^&]*")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is gone for this purpose
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def redact_url(url: str) -> str:
    """``url`` with its password (in the user part or the query) replaced by ``***``: safe
    to print, whatever the URL looks like."""
    try:
        parts = urlsplit(url)
        query = _SECRET_QUERY.sub(r"\1***", parts.query)
        if parts.password is None:
            return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:  # several hosts, a port that is no number: say nothing of it
        scheme = url.split("://", 1)[0] if "://" in url else ""
        return f"({scheme + ' ' if scheme else ''}URL not shown)"


def is_postgres(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://"))


def sqlite_path(spec: str) -> Path:
    """``--journal``: a path, or ``sqlite:///relative/path`` / ``sqlite:////absolute/path``."""
    if spec.startswith("sqlite:///"):
        return Path(spec[len("sqlite:///"):])
    if spec.startswith("sqlite://"):
        raise JournalError(f"--journal {spec}: write a SQLite journal as a path or sqlite:///path")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", spec)
    if scheme:  # "postgresql+psycopg://...", "mysql://...": never a file of that name
        raise JournalError(f"--journal {redact_url(spec)}: gl-cs keeps its journal in SQLite (a path or "
                           f"sqlite:///path) or PostgreSQL (postgresql://user:password@host/db), not "
                           f"{scheme.group(1)}://")
    return Path(spec)


def open_journal(spec: str | os.PathLike, *, check: bool = False, **kw: Any) -> "Journal":
    """The journal ``--journal`` / ``GL_CS_JOURNAL_URL`` names: PostgreSQL for a
    ``postgresql://`` URL, SQLite otherwise. ``check``: the start-up checks (room, not
    corrupted). Raises :class:`JournalError` with one line."""
    text = os.fspath(spec)
    if is_postgres(text):
        from .journal_pg import PostgresJournal

        return PostgresJournal(text, **kw)
    return SQLiteJournal(sqlite_path(text), check=check, **kw)


def _projects_sql(projects: Sequence[int] | None, column: str = "project_id") -> tuple[str, tuple]:
    if projects is None:
        return "", ()
    ids = tuple(int(p) for p in projects)
    if not ids:
        return " AND 0", ()
    return f" AND {column} IN ({','.join('?' * len(ids))})", ids


class _Slot:
    __slots__ = ("event", "done", "result", "error")

    def __init__(self, event: NewEvent):
        self.event = event
        self.done = threading.Event()
        self.result: Appended | None = None
        self.error: BaseException | None = None


class GroupCommit:
    """Appends from request threads, stored by one writer thread that puts everything
    that queued up meanwhile in one transaction (one fsync): a disk or a database that
    takes 10 ms per commit costs 10 ms per *batch*, not per event. Subclasses store a
    batch (:meth:`_store_batch`) and give the writer thread its connection."""

    _closed = False

    def _start_writer(self) -> None:
        self._queue: "queue.SimpleQueue[_Slot | None]" = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_appends, name="gl-cs-journal", daemon=True)
        self._writer.start()

    def append(self, event: NewEvent, timeout: float = 10.0) -> Appended:
        """Store ``event`` durably (or recognise it as a duplicate); returns once committed."""
        if self._closed:
            raise JournalError("the journal is closed")
        slot = _Slot(event)
        self._queue.put(slot)
        if not slot.done.wait(timeout):
            raise TimeoutError("the journal did not commit in time")
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _next_batch(self) -> list[_Slot] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return batch
            if item is None:
                self._queue.put(None)
                return batch
            batch.append(item)

    def _write_appends(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                break
            try:
                self._store_batch(batch)
            except BaseException as exc:  # nothing of the batch was stored: every request hears so
                for slot in batch:
                    slot.result, slot.error = None, exc
                log.error("the journal could not store %d event(s): %s", len(batch), exc.__class__.__name__)
            for slot in batch:
                slot.done.set()
        self._writer_closed()

    def _stop_writer(self) -> None:
        self._queue.put(None)
        self._writer.join(10)

    # subclasses
    def _store_batch(self, batch: list[_Slot]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _writer_closed(self) -> None:
        pass


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS events(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
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
    done_at REAL,
    run_seq INTEGER
);
CREATE INDEX IF NOT EXISTS events_by_state ON events(state, next_at, id);
CREATE INDEX IF NOT EXISTS events_by_project_issue ON events(project_id, iid, state);
CREATE TABLE IF NOT EXISTS seen(
    project_id INTEGER NOT NULL, key TEXT NOT NULL, event_id INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY(project_id, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen(at);
CREATE TABLE IF NOT EXISTS leases(
    project_id INTEGER NOT NULL, iid INTEGER NOT NULL, seq INTEGER NOT NULL, owner TEXT NOT NULL,
    until REAL NOT NULL, PRIMARY KEY(project_id, iid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
"""

# Version 1 (the single-desk journal) -> 2: a project id on events and keys (0 until the
# service adopts them, see adopt_legacy), the fencing number of the run that completed an
# event, and the leases.
SQLITE_MIGRATE_1_2 = """
ALTER TABLE events ADD COLUMN project_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN run_seq INTEGER;
DROP INDEX IF EXISTS events_by_issue;
CREATE TABLE seen_v2(
    project_id INTEGER NOT NULL, key TEXT NOT NULL, event_id INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY(project_id, key)) WITHOUT ROWID;
INSERT INTO seen_v2(project_id, key, event_id, at) SELECT 0, key, event_id, at FROM seen;
DROP TABLE seen;
ALTER TABLE seen_v2 RENAME TO seen;
"""


def sqlite_problem(path: Path, exc: BaseException) -> str:
    """One line for an SQLite or file-system error at start-up: what is wrong, and the fix."""
    text = str(exc)
    low = text.lower()
    reason = getattr(exc, "strerror", None) or text or exc.__class__.__name__
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return (f"the journal {path} is not a readable SQLite database ({text}): move it aside (its unprocessed "
                f"events are lost; the scheduled sync covers their issues) or choose another --journal")
    if "full" in low or getattr(exc, "errno", None) == 28 or "disk i/o error" in low:
        return (f"cannot write the journal {path}: its disk is full or failing ({reason}); free some space, or "
                f"choose another --journal")
    if "readonly" in low or "read-only" in low or "permission" in low or "unable to open" in low \
            or isinstance(exc, PermissionError) or getattr(exc, "errno", None) in (1, 13, 30):
        return (f"cannot write the journal {path} ({reason}): make its directory writable for gl-cs, or choose "
                f"another --journal / GL_CS_JOURNAL")
    return f"cannot use the journal {path} ({reason}); choose another --journal / GL_CS_JOURNAL"


class SQLiteJournal(GroupCommit):
    """The journal in one SQLite file, WAL mode: one instance (a receiver and its worker
    process on one machine).

    * Appends are group-committed (see :class:`GroupCommit`) with ``synchronous=FULL``.
    * The worker's bookkeeping (claims, complete, fail) commits without an fsync of its
      own (``synchronous=NORMAL``; the next append's fsync covers it): a crash can forget
      that an event was done, never that it arrived; it is then processed once more, which
      the convergent rules and the writer's markers make harmless.
    * Reads (stats, a claim's first look) use per-thread connections and never wait.

    ``coalesce`` delays a fresh event's first claim a little, so that the Issue Hook and
    Note Hook one click sends (a comment with quick actions) share a run. ``check``: the
    start-up checks (room on the disk, the file is a database that passes ``quick_check``)."""

    def __init__(self, path: str | os.PathLike, *, retention: float = 3 * 86400, coalesce: float = 0.2,
                 check: bool = False):
        self.path = Path(path)
        self.where = str(self.path)
        self.retention = retention
        self.coalesce = coalesce
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pruned_at = 0.0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if check:
                self._check_room()
            first = self._connect(sync="FULL")
            try:
                if check:
                    row = first.execute("PRAGMA quick_check").fetchone()
                    if row is None or row[0] != "ok":
                        raise sqlite3.DatabaseError(f"database disk image is malformed: {row[0] if row else ''}")
                first.execute("PRAGMA journal_mode=WAL")
                self._migrate(first)
                if check:  # a real write: a read-only file or a full disk shows here
                    first.execute("INSERT OR REPLACE INTO meta(k, v) VALUES('started', ?)", (repr(time.time()),))
            finally:
                first.close()
        except JournalError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise JournalError(sqlite_problem(self.path, exc)) from None
        self._start_writer()

    def _check_room(self) -> None:
        try:
            st = os.statvfs(self.path.parent)
        except OSError:
            return
        free = st.f_bavail * st.f_frsize
        if free < MIN_FREE:
            raise JournalError(f"cannot write the journal {self.path}: its disk is full ({free // 1024} KiB free); "
                               f"free some space, or choose another --journal / GL_CS_JOURNAL")

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = SCHEMA_VERSION
            if "meta" in tables:
                row = db.execute("SELECT v FROM meta WHERE k='schema'").fetchone()
                version = int(row[0]) if row else (1 if "events" in tables else SCHEMA_VERSION)
            elif "events" in tables:
                version = 1
            if version > SCHEMA_VERSION:
                raise JournalError(f"the journal {self.path} has schema version {version}, newer than this gl-cs "
                                   f"understands ({SCHEMA_VERSION}): upgrade gl-cs, or choose another --journal")
            if version == 1:
                for statement in SQLITE_MIGRATE_1_2.split(";"):
                    if statement.strip():
                        db.execute(statement)
                log.warning("journal %s: migrated from schema version 1 to %d", self.path, SCHEMA_VERSION)
            for statement in SQLITE_SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT OR REPLACE INTO meta(k, v) VALUES('schema', ?)", (str(SCHEMA_VERSION),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _connect(self, sync: str) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA busy_timeout=30000")
        db.execute(f"PRAGMA synchronous={sync}")
        return db

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            if self._closed:
                raise JournalError("the journal is closed")
            db = self._local.db = self._connect(sync="NORMAL")
            with self._conns_lock:
                self._conns.append(db)
        return db

    def _wdb(self) -> sqlite3.Connection:
        """This thread's connection for writes: no busy handler of SQLite's own (see _begin)."""
        db = getattr(self._local, "wdb", None)
        if db is None:
            if self._closed:
                raise JournalError("the journal is closed")
            db = self._local.wdb = self._connect(sync="NORMAL")
            db.execute("PRAGMA busy_timeout=0")
            with self._conns_lock:
                self._conns.append(db)
        return db

    def _write(self, fn):
        """Run ``fn(db)`` in one write transaction of this thread's write connection."""
        db = self._wdb()
        with self._write_lock:
            self._begin(db)
            try:
                result = fn(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return result

    # -- receiver --------------------------------------------------------------
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

    def _writer_db(self) -> sqlite3.Connection:
        db = getattr(self, "_appender", None)
        if db is None:
            db = self._appender = self._connect(sync="FULL")
            db.execute("PRAGMA busy_timeout=0")  # see _begin
            db.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints happen on the worker's connections
        return db

    def _store_batch(self, batch: list[_Slot]) -> None:
        db = self._writer_db()
        with self._write_lock:
            self._begin(db)
            try:
                for slot in batch:  # one bad event must not cost the others their place
                    db.execute("SAVEPOINT one")
                    try:
                        slot.result = self._insert(db, slot.event)
                        db.execute("RELEASE one")
                    except (sqlite3.DataError, sqlite3.IntegrityError, OverflowError, TypeError, ValueError) as exc:
                        db.execute("ROLLBACK TO one")
                        db.execute("RELEASE one")
                        slot.error = exc
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _writer_closed(self) -> None:
        db = getattr(self, "_appender", None)
        if db is not None:
            db.close()

    def _insert(self, db: sqlite3.Connection, event: NewEvent) -> Appended:
        received = event.received_at or time.time()
        pid = int(event.project_id)
        keys = list(dict.fromkeys(k for k in event.keys if k))
        for key in keys:
            row = db.execute("SELECT event_id FROM seen WHERE project_id=? AND key=?", (pid, key)).fetchone()
            if row is not None:
                # a redelivery's other keys may be new (a resend has a new Event-UUID but
                # the same Idempotency-Key): remember them too
                db.executemany("INSERT OR IGNORE INTO seen(project_id, key, event_id, at) VALUES(?,?,?,?)",
                               [(pid, k, row[0], received) for k in keys])
                return Appended(int(row[0]), True)
        cur = db.execute(
            "INSERT INTO events(project_id, iid, kind, action, user_id, hints, received_at, next_at) "
            "VALUES(?,?,?,?,?,?,?,?)",
            (pid, event.iid, event.kind, event.action, event.user_id,
             json.dumps(event.hints, separators=(",", ":")), received, received + self.coalesce))
        event_id = int(cur.lastrowid)
        db.executemany("INSERT INTO seen(project_id, key, event_id, at) VALUES(?,?,?,?)",
                       [(pid, k, event_id, received) for k in keys])
        return Appended(event_id, False)

    # -- worker ----------------------------------------------------------------
    _CANDIDATE = ("SELECT e.project_id, e.iid FROM events e LEFT JOIN leases l ON l.project_id=e.project_id "
                  "AND l.iid=e.iid WHERE e.state=0 AND e.next_at<=? AND (e.iid % ?)=? "
                  "AND (l.until IS NULL OR l.until<=?){projects} ORDER BY e.next_at, e.id LIMIT 1")

    def claim(self, now: float, owner: str, *, lease: float = LEASE, shard: tuple[int, int] = (0, 1),
              projects: Sequence[int] | None = None) -> Claim | None:
        k, n = shard
        extra, ids = _projects_sql(projects, "e.project_id")
        query = self._CANDIDATE.format(projects=extra)
        args = (now, n, k, time.time(), *ids)
        if self._db().execute(query, args).fetchone() is None:  # a read first: an idle poll writes nothing
            return None

        def run(db):
            row = db.execute(query, (now, n, k, time.time(), *ids)).fetchone()
            if row is None:
                return None
            pid, iid = int(row[0]), int(row[1])
            db.execute("INSERT INTO leases(project_id, iid, seq, owner, until) VALUES(?,?,1,?,?) "
                       "ON CONFLICT(project_id, iid) DO UPDATE SET seq=seq+1, owner=excluded.owner, "
                       "until=excluded.until", (pid, iid, owner, time.time() + lease))
            seq = int(db.execute("SELECT seq FROM leases WHERE project_id=? AND iid=?", (pid, iid)).fetchone()[0])
            rows = db.execute("SELECT id, user_id, received_at, attempts, hints FROM events "
                              "WHERE project_id=? AND iid=? AND state=0 ORDER BY id", (pid, iid)).fetchall()
            return _claim(pid, iid, rows, owner, seq)

        return self._write(run)

    @staticmethod
    def _fence(db: sqlite3.Connection, claim: Claim, until: float) -> bool:
        cur = db.execute("UPDATE leases SET until=? WHERE project_id=? AND iid=? AND owner=? AND seq=?",
                         (until, claim.project_id, claim.iid, claim.owner, claim.seq))
        return cur.rowcount == 1

    def renew(self, claim: Claim, lease: float = LEASE) -> bool:
        # only a lease still held: a renewal that lands just after the run ended (the
        # keeper saw it in progress) must not take the issue again for a whole lease
        return self._write(lambda db: db.execute(
            "UPDATE leases SET until=? WHERE project_id=? AND iid=? AND owner=? AND seq=? AND until>0",
            (time.time() + lease, claim.project_id, claim.iid, claim.owner, claim.seq)).rowcount == 1)

    def complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> bool:
        now = now or time.time()
        state = IGNORED if ignored else DONE

        def run(db):
            if not self._fence(db, claim, 0.0):
                return False
            db.executemany("UPDATE events SET state=?, done_at=?, run_seq=? WHERE id=? AND state=0",
                           [(state, now, claim.seq, i) for i in claim.ids])
            return True

        done = self._write(run)
        if now - self._pruned_at > 600:
            try:
                self.prune(now)
            except Exception as exc:  # the events are done: a failed clean-up waits for the next time
                log.warning("the journal could not prune old events (%s); trying again later", exc.__class__.__name__)
        return done

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool, count: bool = True) -> bool:
        """Retry at ``retry_at`` (or park). ``count`` False: the failure was not the
        event's (GitLab as a whole was down), so it does not bring parking closer."""

        def run(db):
            if not self._fence(db, claim, 0.0):
                return False
            db.executemany(
                "UPDATE events SET attempts=attempts+?, next_at=?, last_error=?, state=? WHERE id=? AND state=0",
                [(1 if count else 0, retry_at, error[:500], PARKED if park else PENDING, i) for i in claim.ids])
            return True

        return self._write(run)

    def release_dead_owners(self) -> int:
        """At start-up, the leases of this machine's workers whose process is gone (a kill -9
        of the whole service): free now, not when they run out (30 s). A lease of a live
        process, or another machine's, is left alone."""
        import socket

        host = socket.gethostname()[:40]
        owners = [r[0] for r in self._db().execute("SELECT DISTINCT owner FROM leases WHERE until>0").fetchall()]
        freed = 0
        for owner in owners:
            name, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            if name == host and pid.isdigit() and not _alive(int(pid)):
                freed += self.release_owner(owner)
        return freed

    def release_owner(self, owner: str) -> int:
        """Leases of a worker known to be dead (the supervisor saw it go): free now."""
        return self._write(lambda db: db.execute("UPDATE leases SET until=0 WHERE owner=? AND until>0",
                                                 (owner,)).rowcount)

    def next_due(self, shard: tuple[int, int] = (0, 1), projects: Sequence[int] | None = None, *,
                 owner: str = "") -> float | None:
        k, n = shard
        extra, ids = _projects_sql(projects)
        row = self._db().execute(f"SELECT MIN(next_at) FROM events WHERE state=0 AND (iid % ?)=?{extra}",
                                 (n, k, *ids)).fetchone()
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
            "SELECT id, project_id, iid, kind, action, received_at, attempts, last_error FROM events WHERE state=2 "
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
        query = ("SELECT id, project_id, iid, kind, action, user_id, state, attempts, last_error, run_seq, hints "
                 "FROM events")
        args: tuple = ()
        if iid is not None:
            query, args = query + " WHERE iid=?", (iid,)
        rows = self._db().execute(query + " ORDER BY id", args).fetchall()
        return [_event_row(r) for r in rows]

    def adopt_legacy(self, project_id: int) -> int:
        """Events and keys of a version-1 journal belong to the one project that service
        served: give them its id (``gl-cs serve`` calls this once it knows the id)."""

        def run(db):
            n = db.execute("UPDATE events SET project_id=? WHERE project_id=0", (project_id,)).rowcount
            db.execute("UPDATE OR IGNORE seen SET project_id=? WHERE project_id=0", (project_id,))
            db.execute("DELETE FROM seen WHERE project_id=0")
            return n

        return self._write(run)

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
        self._stop_writer()
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for db in conns:
            try:
                db.close()
            except sqlite3.Error:
                pass


def _claim(pid: int, iid: int, rows: Sequence[Sequence[Any]], owner: str, seq: int) -> Claim:
    return Claim(project_id=pid, iid=iid, ids=tuple(int(r[0]) for r in rows), user_ids=tuple(r[1] for r in rows),
                 received_at=tuple(float(r[2]) for r in rows), attempts=max((int(r[3]) for r in rows), default=0),
                 hints=tuple(r[4] if isinstance(r[4], dict) else json.loads(r[4] or "{}") for r in rows),
                 owner=owner, seq=seq)


def _event_row(r: Sequence[Any]) -> dict[str, Any]:
    names = ("id", "project_id", "iid", "kind", "action", "user_id", "state", "attempts", "last_error", "run_seq")
    hints = r[10] if isinstance(r[10], dict) else json.loads(r[10] or "{}")
    return dict(zip(names, r)) | {"state": STATE_NAMES[r[6]], "hints": hints}
