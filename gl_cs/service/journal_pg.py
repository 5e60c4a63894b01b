"""The journal in PostgreSQL: several `gl-cs serve` instances on one database.

Same contract as :class:`~gl_cs.service.journal.SQLiteJournal` (read journal.py first);
what differs is how instances stay apart:

* **appends** are group-committed per instance (one writer thread, one transaction per
  batch). Dedupe holds across instances: before it looks a key up, the batch takes a
  transaction-scoped advisory lock per key (``pg_advisory_xact_lock``, all of them in
  ascending order, so two batches never deadlock), so two instances that receive the same
  redelivery at the same moment store it once;
* **claims** are the textbook queue: one row per (project, issue) in ``gl_cs.issues`` with
  the due time of its oldest pending event, taken with ``FOR UPDATE SKIP LOCKED`` and
  leased in the same statement (``seq`` + 1, ``owner``, ``lease_until`` on the database's
  clock, so instances on machines whose clocks differ still agree on expiry);
* **complete / fail** lock that row, check ``(seq, owner)`` (the fence) and recompute its
  due time from the events, in one transaction;
* **affinity**: an issue is due at once for the worker that made its last run and
  ``affinity`` seconds (0.15) later for the others, so an issue stays with the instance
  whose record already holds its history (the others would read its label history again)
  unless that instance is busy, dead or stopped; a lease that ran out (a dead or hung
  worker) frees the issue for anyone at once;
* **wake-ups**: the writer's transaction sends ``NOTIFY gl_cs_events`` with the issues it
  journalled, and every instance's worker listens (:meth:`PostgresJournal.listen`), so the
  instance an issue belongs to hears of an event another instance's receiver accepted.

The schema lives in the ``gl_cs`` schema of the database the URL names, is created and
migrated by gl-cs itself (``gl_cs.meta`` holds its version; migrations run under an
advisory lock, so instances starting together migrate once) and is described in
docs/service.md. psycopg 3; every connection is autocommit with explicit transactions.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from typing import Any, Callable, Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from .journal import (DONE, IGNORED, LEASE, PARKED, PENDING, SCHEMA_VERSION, STATE_NAMES, Appended, Claim,
                      GroupCommit, JournalError, NewEvent, Parked, _claim, _event_row, _Slot, redact_url)

log = logging.getLogger(__name__)

MIN_SERVER = 120000  # PostgreSQL 12
AFFINITY = 0.15  # seconds an issue waits for the worker that made its last run, before another takes it
MIGRATION_LOCK = 0x676C2D63732D6A  # "gl-cs-j": one advisory lock id for schema changes

# version -> the statements that bring a journal from the version before it (0: empty)
MIGRATIONS: dict[int, list[str]] = {
    2: [
        "CREATE SCHEMA IF NOT EXISTS gl_cs",
        "CREATE TABLE gl_cs.meta(k text PRIMARY KEY, v text NOT NULL)",
        """CREATE TABLE gl_cs.events(
               id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
               project_id bigint NOT NULL,
               iid bigint NOT NULL,
               kind text NOT NULL,
               action text NOT NULL DEFAULT '',
               user_id bigint,
               hints jsonb NOT NULL DEFAULT '{}',
               received_at double precision NOT NULL,
               state smallint NOT NULL DEFAULT 0,
               attempts integer NOT NULL DEFAULT 0,
               next_at double precision NOT NULL,
               last_error text NOT NULL DEFAULT '',
               done_at double precision,
               run_seq bigint)""",
        "CREATE INDEX events_pending ON gl_cs.events(project_id, iid, id) WHERE state = 0",
        "CREATE INDEX events_parked ON gl_cs.events(id) WHERE state = 2",
        "CREATE INDEX events_finished ON gl_cs.events(done_at) WHERE state IN (1, 3)",
        """CREATE TABLE gl_cs.seen(
               project_id bigint NOT NULL,
               key text NOT NULL,
               event_id bigint NOT NULL,
               at double precision NOT NULL,
               PRIMARY KEY (project_id, key))""",
        "CREATE INDEX seen_at ON gl_cs.seen(at)",
        """CREATE TABLE gl_cs.issues(
               project_id bigint NOT NULL,
               iid bigint NOT NULL,
               due_at double precision,
               seq bigint NOT NULL DEFAULT 0,
               owner text NOT NULL DEFAULT '',
               lease_until timestamptz NOT NULL DEFAULT '-infinity',
               PRIMARY KEY (project_id, iid))""",
        "CREATE INDEX issues_due ON gl_cs.issues(due_at) WHERE due_at IS NOT NULL",
    ],
}
assert max(MIGRATIONS) == SCHEMA_VERSION

#: the moment an issue is due for a worker: at once for the worker that made its last run
#: (or for anyone when nobody has, or when that worker's lease ran out: it died or hung),
#: ``affinity`` seconds later for the others
DUE_FOR = ("CASE WHEN {t}.owner IN ('', %(owner)s) OR {t}.lease_until > '-infinity' THEN {t}.due_at "
           "ELSE {t}.due_at + %(affinity)s END")

CLAIM = """
UPDATE gl_cs.issues AS i
   SET seq = i.seq + 1, owner = %(owner)s, lease_until = clock_timestamp() + make_interval(secs => %(lease)s)
 WHERE (i.project_id, i.iid) = (
       SELECT c.project_id, c.iid FROM gl_cs.issues c
        WHERE c.due_at <= %(now)s AND """ + DUE_FOR.format(t="c") + """ <= %(now)s
          AND c.lease_until <= clock_timestamp() AND (c.iid %% %(n)s) = %(k)s {projects}
        ORDER BY c.due_at LIMIT 1
          FOR UPDATE SKIP LOCKED)
RETURNING i.project_id, i.iid, i.seq
"""

#: the channel on which the writer says which issues got new events (at its commit)
CHANNEL = "gl_cs_events"

SETTLE = """
UPDATE gl_cs.issues SET lease_until = '-infinity',
       due_at = (SELECT min(next_at) FROM gl_cs.events WHERE project_id = %(pid)s AND iid = %(iid)s AND state = 0)
 WHERE project_id = %(pid)s AND iid = %(iid)s
"""

DUE = ("INSERT INTO gl_cs.issues(project_id, iid, due_at) VALUES (%s, %s, %s) ON CONFLICT (project_id, iid) "
       "DO UPDATE SET due_at = LEAST(gl_cs.issues.due_at, EXCLUDED.due_at)")
#: the same, saying whose the issue is: the worker that made its last run, or '' (anyone's:
#: never run, or that worker's lease ran out)
DUE_OWNER = DUE + (" RETURNING CASE WHEN lease_until > '-infinity' AND lease_until < clock_timestamp() THEN '' "
                   "ELSE owner END")


def _no_nul(value: Any) -> Any:
    """``value`` without NUL characters, which PostgreSQL's text and jsonb refuse (a label
    named with one must not cost its event: SQLite takes it as it is)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nul(v) for v in value]
    return value


def _payloads(owners: dict[tuple[int, int], str], limit: int = 7000) -> list[str]:
    """``project:iid:owner`` of the issues, comma-separated, in notifications under
    PostgreSQL's 8,000-byte payload limit."""
    out, part, size = [], [], 0
    for (pid, iid), owner in sorted(owners.items()):
        item = f"{pid}:{iid}:{owner}"
        if part and size + len(item) + 1 > limit:
            out.append(",".join(part))
            part, size = [], 0
        part.append(item)
        size += len(item) + 1
    if part:
        out.append(",".join(part))
    return out


def _lock_id(project_id: int, key: str) -> int:
    digest = hashlib.blake2b(f"{project_id}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _password(url: str) -> str | None:
    try:
        return conninfo_to_dict(url).get("password") or None
    except psycopg.Error:
        return None


def _reason(exc: BaseException, password: str | None) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if password:
        text = text.replace(password, "***")
    return text[:240]


class PostgresJournal(GroupCommit):
    """The journal on a PostgreSQL database (``postgresql://user:password@host:port/db``).

    Connections: one for the writer thread, one per worker thread (claims and their
    bookkeeping), and one shared, under a lock, for what the receiver asks now and then
    (stats, health, parked events)."""

    def __init__(self, url: str, *, retention: float = 3 * 86400, coalesce: float = 0.2,
                 connect_timeout: float = 5.0, affinity: float = AFFINITY):
        self.url = url
        self.affinity = affinity
        self.where = redact_url(url)
        self._password = _password(url)
        self.retention = retention
        self.coalesce = coalesce
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        self._conns: list[psycopg.Connection] = []
        self._conns_lock = threading.Lock()
        self._shared_lock = threading.Lock()
        self._shared_conn: psycopg.Connection | None = None
        self._writer_conn: psycopg.Connection | None = None
        self._writer_used: psycopg.Connection | None = None  # the writer's connection that last worked
        self._pruned_at = 0.0
        conn = self._connect(start=True)
        try:
            self._migrate(conn)
        except JournalError:
            conn.close()
            raise
        except psycopg.Error as exc:
            conn.close()
            raise JournalError(f"cannot set up the PostgreSQL journal {self.where}: {_reason(exc, self._password)}; "
                               f"the user needs the CREATE privilege on that database") from None
        self._shared_conn = conn
        self._start_writer()

    # -- connections -------------------------------------------------------------
    def _connect(self, start: bool = False) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(self.connect_timeout)),
                                   application_name="gl-cs serve")
        except psycopg.Error as exc:
            message = (f"cannot reach the PostgreSQL journal {self.where}: {_reason(exc, self._password)}; check "
                       f"--journal / GL_CS_JOURNAL_URL and that PostgreSQL is running")
            if start:
                raise JournalError(message) from None
            raise psycopg.OperationalError(message) from None
        if start and conn.info.server_version < MIN_SERVER:
            version = conn.info.server_version
            conn.close()
            raise JournalError(f"the PostgreSQL journal {self.where} runs PostgreSQL {version // 10000}; gl-cs needs "
                               f"{MIN_SERVER // 10000} or newer")
        return conn

    def _migrate(self, conn: psycopg.Connection) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            exists = conn.execute("SELECT to_regclass('gl_cs.meta')").fetchone()[0]
            version = 0
            if exists is not None:
                row = conn.execute("SELECT v FROM gl_cs.meta WHERE k = 'schema'").fetchone()
                version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise JournalError(f"the PostgreSQL journal {self.where} has schema version {version}, newer than "
                                   f"this gl-cs understands ({SCHEMA_VERSION}): upgrade gl-cs, or point --journal at "
                                   f"another database")
            if version == SCHEMA_VERSION:
                return
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS.get(target, ()):
                    conn.execute(statement)
            conn.execute("INSERT INTO gl_cs.meta(k, v) VALUES ('schema', %s) ON CONFLICT (k) DO UPDATE "
                         "SET v = EXCLUDED.v", (str(SCHEMA_VERSION),))
            log.info("journal %s: schema version %d (was %d)", self.where, SCHEMA_VERSION, version)

    def _conn(self) -> psycopg.Connection:
        """This thread's connection (the worker's threads)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            if self._closed:
                raise JournalError("the journal is closed")
            conn = self._local.conn = self._connect()
            # The worker's bookkeeping (claims, leases, done) commits without waiting for
            # its WAL flush, as SQLite's does: a crash of PostgreSQL can forget that an event
            # was done or leased (it is then processed once more, harmlessly), never that it
            # arrived (appends, on the writer's connection, wait for their flush).
            conn.execute("SET synchronous_commit TO off")
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    def _drop(self, conn: psycopg.Connection | None) -> None:
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                pass

    def _run(self, fn, *, shared: bool = False):
        """``fn(conn)`` on this thread's (or the shared) connection; a broken connection is
        dropped, so the next call connects afresh."""
        if shared:
            with self._shared_lock:
                for attempt in (1, 2):
                    conn = self._shared_conn
                    fresh = conn is None or conn.closed
                    if fresh:
                        if self._closed:
                            raise JournalError("the journal is closed")
                        conn = self._shared_conn = self._connect()
                    try:
                        return fn(conn)
                    except psycopg.OperationalError:
                        self._drop(conn)
                        self._shared_conn = None
                        if attempt == 2 or fresh:  # (see below)
                            raise
        for attempt in (1, 2):
            conn = self._conn()
            fresh = conn is not getattr(self._local, "used", None)
            try:
                result = fn(conn)
                self._local.used = conn
                return result
            except psycopg.OperationalError:
                self._drop(conn)
                self._local.conn = None
                # a connection PostgreSQL dropped while idle (a restart, a failover, an idle
                # timeout): once more on a new one; every call here is fenced or idempotent
                if attempt == 2 or fresh:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- receiver --------------------------------------------------------------
    def _store_batch(self, batch: list[_Slot]) -> None:
        for attempt in range(3):
            conn = self._writer_conn
            if conn is None or conn.closed:
                conn = self._writer_conn = self._connect()
            try:
                self._store(conn, batch)
                self._writer_used = conn
                return
            except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure):
                if attempt == 2:
                    raise
                for slot in batch:
                    slot.result, slot.error = None, None
            except psycopg.OperationalError:
                self._drop(conn)
                self._writer_conn = None
                if attempt == 2 or conn is not self._writer_used:
                    raise
                # the writer's connection was dropped while idle: once more on a new one (a
                # batch that did commit comes back as duplicates: its keys are in `seen`)
                for slot in batch:
                    slot.result, slot.error = None, None

    def _store(self, conn: psycopg.Connection, batch: list[_Slot]) -> None:
        locks = sorted({_lock_id(s.event.project_id, k) for s in batch for k in s.event.keys if k})
        due: dict[tuple[int, int], float] = {}
        with conn.transaction():
            if locks:
                conn.execute("SELECT count(pg_advisory_xact_lock(k)) FROM "
                             "(SELECT k FROM unnest(%s::bigint[]) AS k ORDER BY k OFFSET 0) AS s", (locks,))
            for slot in batch:  # one bad event must not cost the others their place
                try:
                    with conn.transaction():
                        slot.result = self._insert(conn, slot.event, due)
                except (psycopg.DataError, psycopg.IntegrityError, OverflowError, TypeError, ValueError) as exc:
                    slot.error = exc
            owners: dict[tuple[int, int], str] = {}
            for (pid, iid), at in sorted(due.items()):  # rows locked in one order: no deadlock
                owners[(pid, iid)] = conn.execute(DUE_OWNER, (pid, iid, at)).fetchone()[0]
            for payload in _payloads(owners):  # delivered to every listening instance at the commit
                conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def _insert(self, conn: psycopg.Connection, event: NewEvent, due: dict) -> Appended:
        received = event.received_at or time.time()
        pid = int(event.project_id)
        keys = list(dict.fromkeys(_no_nul(k) for k in event.keys if k))
        row = conn.execute("SELECT event_id FROM gl_cs.seen WHERE project_id = %s AND key = ANY(%s) LIMIT 1",
                           (pid, keys)).fetchone()
        if row is not None:
            conn.execute("INSERT INTO gl_cs.seen(project_id, key, event_id, at) SELECT %s, k, %s, %s "
                         "FROM unnest(%s::text[]) AS k ON CONFLICT DO NOTHING", (pid, row[0], received, keys))
            return Appended(int(row[0]), True)
        next_at = received + self.coalesce
        event_id = conn.execute(
            "INSERT INTO gl_cs.events(project_id, iid, kind, action, user_id, hints, received_at, next_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (pid, event.iid, _no_nul(event.kind), _no_nul(event.action), event.user_id, Jsonb(_no_nul(event.hints)),
             received, next_at)).fetchone()[0]
        conn.execute("INSERT INTO gl_cs.seen(project_id, key, event_id, at) SELECT %s, k, %s, %s "
                     "FROM unnest(%s::text[]) AS k ON CONFLICT DO NOTHING", (pid, event_id, received, keys))
        key = (pid, int(event.iid))
        due[key] = min(due.get(key, next_at), next_at)
        return Appended(int(event_id), False)

    def _writer_closed(self) -> None:
        self._drop(self._writer_conn)
        self._writer_conn = None

    # -- worker ----------------------------------------------------------------
    def claim(self, now: float, owner: str, *, lease: float = LEASE, shard: tuple[int, int] = (0, 1),
              projects: Sequence[int] | None = None) -> Claim | None:
        k, n = shard
        params: dict[str, Any] = {"owner": owner, "lease": float(lease), "now": now, "n": n, "k": k,
                                  "affinity": float(self.affinity)}
        extra = ""
        if projects is not None:
            extra, params["projects"] = "AND c.project_id = ANY(%(projects)s)", [int(p) for p in projects]

        def run(conn):
            with conn.transaction():
                row = conn.execute(CLAIM.format(projects=extra), params).fetchone()
                if row is None:
                    return None
                pid, iid, seq = int(row[0]), int(row[1]), int(row[2])
                rows = conn.execute("SELECT id, user_id, received_at, attempts, hints FROM gl_cs.events "
                                    "WHERE project_id = %s AND iid = %s AND state = 0 ORDER BY id",
                                    (pid, iid)).fetchall()
                if not rows:  # its events were completed meanwhile: nothing to do
                    conn.execute(SETTLE, {"pid": pid, "iid": iid})
                    return None
                return _claim(pid, iid, rows, owner, seq)

        return self._run(run)

    @staticmethod
    def _fence(conn: psycopg.Connection, claim: Claim) -> bool:
        row = conn.execute("SELECT seq, owner FROM gl_cs.issues WHERE project_id = %s AND iid = %s FOR UPDATE",
                           (claim.project_id, claim.iid)).fetchone()
        return row is not None and int(row[0]) == claim.seq and row[1] == claim.owner

    def renew(self, claim: Claim, lease: float = LEASE) -> bool:
        def run(conn):
            cur = conn.execute("UPDATE gl_cs.issues SET lease_until = clock_timestamp() + make_interval(secs => %s) "
                               "WHERE project_id = %s AND iid = %s AND seq = %s AND owner = %s "
                               "AND lease_until > '-infinity'",  # held still: not a run that just ended
                               (float(lease), claim.project_id, claim.iid, claim.seq, claim.owner))
            return cur.rowcount == 1

        return self._run(run)

    def complete(self, claim: Claim, *, ignored: bool = False, now: float | None = None) -> bool:
        now = now or time.time()
        state = IGNORED if ignored else DONE

        def run(conn):
            with conn.transaction():
                if not self._fence(conn, claim):
                    return False
                conn.execute("UPDATE gl_cs.events SET state = %s, done_at = %s, run_seq = %s "
                             "WHERE id = ANY(%s) AND state = 0", (state, now, claim.seq, list(claim.ids)))
                conn.execute(SETTLE, {"pid": claim.project_id, "iid": claim.iid})
                return True

        done = self._run(run)
        if now - self._pruned_at > 600:
            try:
                self.prune(now)
            except Exception as exc:  # the events are done: a failed clean-up waits for the next time
                log.warning("the journal could not prune old events (%s); trying again later", exc.__class__.__name__)
        return done

    def fail(self, claim: Claim, error: str, *, retry_at: float, park: bool, count: bool = True) -> bool:
        def run(conn):
            with conn.transaction():
                if not self._fence(conn, claim):
                    return False
                conn.execute("UPDATE gl_cs.events SET attempts = attempts + %s, next_at = %s, last_error = %s, "
                             "state = %s WHERE id = ANY(%s) AND state = 0",
                             (1 if count else 0, retry_at, error[:500], PARKED if park else PENDING,
                              list(claim.ids)))
                conn.execute(SETTLE, {"pid": claim.project_id, "iid": claim.iid})
                return True

        return self._run(run)

    def release_owner(self, owner: str) -> int:
        return self._run(lambda conn: conn.execute(
            "UPDATE gl_cs.issues SET lease_until = '-infinity' WHERE owner = %s AND lease_until > clock_timestamp()",
            (owner,)).rowcount, shared=True)

    def next_due(self, shard: tuple[int, int] = (0, 1), projects: Sequence[int] | None = None, *,
                 owner: str = "") -> float | None:
        k, n = shard
        query = ("SELECT min(" + DUE_FOR.format(t="gl_cs.issues") + ") FROM gl_cs.issues WHERE due_at IS NOT NULL "
                 "AND lease_until <= clock_timestamp() AND (iid %% %(n)s) = %(k)s")
        args: dict[str, Any] = {"n": n, "k": k, "owner": owner, "affinity": float(self.affinity)}
        if projects is not None:
            query, args["projects"] = query + " AND project_id = ANY(%(projects)s)", [int(p) for p in projects]
        row = self._run(lambda conn: conn.execute(query, args).fetchone())
        return float(row[0]) if row and row[0] is not None else None

    def listen(self, wake: Callable[[int | None, int | None, str], None]) -> Callable[[], None]:
        """Calls ``wake(project_id, iid, owner)`` whenever any instance journals an event
        (the writer's NOTIFY, delivered at its commit; ``owner``: the worker the issue waits
        for, '' when anyone may take it), and ``wake(None, None, '')`` after each
        (re)connection, when a notification may have been missed. Without it a worker hears
        only of the events its own receiver accepted and finds the others when it next
        polls. Returns the function that stops listening."""
        stop = threading.Event()

        def loop() -> None:
            conn = None
            down = False
            while not stop.is_set() and not self._closed:
                try:
                    if conn is None or conn.closed:
                        conn = self._connect()
                        conn.execute(f"LISTEN {CHANNEL}")
                        if down:
                            log.warning("journal %s: listening for new events again", self.where)
                            down = False
                        wake(None, None, "")
                    for note in conn.notifies(timeout=1.0):
                        for item in note.payload.split(","):
                            pid, _, rest = item.partition(":")
                            iid, _, owner = rest.partition(":")
                            if pid.isdigit() and iid.isdigit():
                                wake(int(pid), int(iid), owner)
                        if stop.is_set():
                            break
                except (psycopg.Error, OSError) as exc:
                    if not down:  # once per outage, not every second of it
                        log.warning("journal %s: listening for new events failed (%s); polling until it is back",
                                    self.where, _reason(exc, self._password))
                        down = True
                    self._drop(conn)
                    conn = None
                    stop.wait(1.0)
            self._drop(conn)

        thread = threading.Thread(target=loop, name="gl-cs-journal-listener", daemon=True)
        thread.start()

        def stop_listening() -> None:
            stop.set()
            thread.join(3.0)

        return stop_listening

    # -- operators -------------------------------------------------------------
    def stats(self, now: float) -> dict[str, float]:
        def run(conn):
            depth, oldest, oldest_due = conn.execute(
                "SELECT count(*), min(received_at), min(next_at) FROM gl_cs.events WHERE state = 0").fetchone()
            parked = conn.execute("SELECT count(*) FROM gl_cs.events WHERE state = 2").fetchone()[0]
            return depth, oldest, oldest_due, parked

        depth, oldest, oldest_due, parked = self._run(run, shared=True)
        return {"depth": int(depth), "oldest_age": (now - oldest) if oldest else 0.0, "parked": int(parked),
                "overdue": max(0.0, now - oldest_due) if oldest_due else 0.0}

    def parked(self, limit: int = 1000) -> list[Parked]:
        rows = self._run(lambda conn: conn.execute(
            "SELECT id, project_id, iid, kind, action, received_at, attempts, last_error FROM gl_cs.events "
            "WHERE state = 2 ORDER BY id LIMIT %s", (limit,)).fetchall(), shared=True)
        return [Parked(*r) for r in rows]

    def requeue_parked(self, ids: Sequence[int] | None = None, now: float | None = None) -> int:
        now = now or time.time()

        def run(conn):
            with conn.transaction():
                if ids is None:
                    rows = conn.execute("UPDATE gl_cs.events SET state = 0, attempts = 0, next_at = %s WHERE state = 2 "
                                        "RETURNING project_id, iid", (now,)).fetchall()
                else:
                    rows = conn.execute("UPDATE gl_cs.events SET state = 0, attempts = 0, next_at = %s "
                                        "WHERE state = 2 AND id = ANY(%s) RETURNING project_id, iid",
                                        (now, list(ids))).fetchall()
                for pid, iid in sorted({(int(p), int(i)) for p, i in rows}):
                    conn.execute(DUE, (pid, iid, now))
                return len(rows)

        return self._run(run, shared=True)

    def counts(self) -> dict[str, int]:
        rows = self._run(lambda conn: conn.execute(
            "SELECT state, count(*) FROM gl_cs.events GROUP BY state").fetchall(), shared=True)
        return {STATE_NAMES.get(s, str(s)): int(c) for s, c in rows}

    def events(self, iid: int | None = None) -> list[dict[str, Any]]:
        query = ("SELECT id, project_id, iid, kind, action, user_id, state, attempts, last_error, run_seq, hints "
                 "FROM gl_cs.events")
        args: tuple = ()
        if iid is not None:
            query, args = query + " WHERE iid = %s", (iid,)
        rows = self._run(lambda conn: conn.execute(query + " ORDER BY id", args).fetchall(), shared=True)
        return [_event_row(r) for r in rows]

    def adopt_legacy(self, project_id: int) -> int:
        return 0  # a PostgreSQL journal has carried project ids from its first version

    def check_writable(self) -> None:
        self._run(lambda conn: conn.execute(
            "INSERT INTO gl_cs.meta(k, v) VALUES ('heartbeat', %s) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
            (repr(time.time()),)), shared=True)

    def prune(self, now: float) -> None:
        cutoff = now - self.retention
        self._pruned_at = now

        def run(conn):
            with conn.transaction():
                conn.execute("DELETE FROM gl_cs.seen WHERE at < %s", (cutoff,))
                conn.execute("DELETE FROM gl_cs.events WHERE state IN (1, 3) AND done_at < %s", (cutoff,))

        self._run(run, shared=True)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop_writer()
        with self._conns_lock:
            conns, self._conns = self._conns, []
        with self._shared_lock:
            conns.append(self._shared_conn)
            self._shared_conn = None
        for conn in conns:
            self._drop(conn)
