"""The journal contract, on both engines: SQLite (one instance) and a real PostgreSQL
(several instances). Dedupe per project, a claim is a lease with a fence, expiry hands an
issue to another worker whose late predecessor cannot complete, order per issue."""

from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest

from gl_cs.service.journal import JournalError, NewEvent, SQLiteJournal, open_journal, redact_url
from postgres_helpers import pg_url, postgres_server  # noqa: F401  (fixtures)

P, Q = 101, 202  # two projects


def ev(iid, *keys, project=P, user=None, hints=None):
    return NewEvent(project_id=project, iid=iid, kind="issue", keys=tuple(keys) or (f"k-{iid}-{time.time_ns()}",),
                    user_id=user, hints=hints or {}, received_at=time.time() - 1)


@pytest.fixture(params=["sqlite", "postgres"])
def journal(request, tmp_path):
    """A journal factory on one store: each call is another instance on the same data."""
    made = []
    if request.param == "sqlite":
        spec = str(tmp_path / "j.db")
    else:
        spec = request.getfixturevalue("pg_url")

    def make(**kw):
        j = open_journal(spec, coalesce=0.0, **kw)
        made.append(j)
        return j

    make.spec = spec
    yield make
    for j in made:
        j.close()


def test_a_redelivery_is_a_duplicate_and_its_new_keys_are_remembered(journal):
    j = journal()
    first = j.append(ev(1, "idem:a", "uuid:x"))
    again = j.append(ev(1, "idem:a", "uuid:y"))  # a resend: same Idempotency-Key, new Event-UUID
    third = j.append(ev(1, "uuid:y"))
    assert (first.duplicate, again.duplicate, third.duplicate) == (False, True, True)
    assert again.event_id == third.event_id == first.event_id
    assert j.counts() == {"pending": 1}


def test_keys_are_per_project(journal):
    j = journal()
    assert not j.append(ev(1, "idem:same", project=P)).duplicate
    assert not j.append(ev(1, "idem:same", project=Q)).duplicate
    assert j.counts() == {"pending": 2}


def test_a_claim_is_a_lease_no_other_worker_gets_that_issue(journal):
    a, b = journal(), journal()  # two instances
    for k in range(3):
        a.append(ev(7, f"k{k}"))
    b.append(ev(8, "other"))
    first = a.claim(time.time(), "worker-a")
    assert (first.iid, len(first.ids)) == (7, 3)
    second = b.claim(time.time(), "worker-b")
    assert second.iid == 8  # 7 is leased: b gets the next issue, never 7
    assert b.claim(time.time(), "worker-b") is None
    assert a.complete(first) and b.complete(second)
    assert a.counts() == {"done": 4}
    assert [e["run_seq"] for e in a.events()] == [first.seq] * 3 + [second.seq]


def test_an_expired_lease_goes_to_another_worker_and_the_late_one_is_fenced_off(journal):
    a, b = journal(), journal()
    a.append(ev(5, "k1"))
    hung = a.claim(time.time(), "worker-a", lease=1.5)  # (leases are on the wall clock: room for a slow machine)
    assert b.claim(time.time(), "worker-b") is None
    time.sleep(1.8)  # worker-a hangs past its lease
    taken = b.claim(time.time(), "worker-b", lease=30)
    assert taken.iid == 5 and taken.ids == hung.ids and taken.seq == hung.seq + 1
    assert not a.renew(hung)  # the late worker learns it lost the issue ...
    assert not a.complete(hung)  # ... and its complete writes nothing
    assert not a.fail(hung, "late", retry_at=time.time(), park=True)
    assert a.counts() == {"pending": 1}
    assert b.complete(taken)
    [row] = a.events()
    assert (row["state"], row["run_seq"], row["attempts"]) == ("done", taken.seq, 0)


def test_an_expired_lease_nobody_took_still_completes(journal):
    """The fence is the claim number, not the clock: late but still the latest holder."""
    j = journal()
    j.append(ev(5, "k1"))
    slow = j.claim(time.time(), "worker-a", lease=0.1)
    time.sleep(0.3)
    assert j.complete(slow)
    assert j.counts() == {"done": 1}


def test_renewal_keeps_the_issue(journal):
    a, b = journal(), journal()
    a.append(ev(5, "k1"))
    held = a.claim(time.time(), "worker-a", lease=1.5)
    for _ in range(3):  # 1.8 s in all: past the first lease, kept by the renewals
        time.sleep(0.6)
        assert a.renew(held, lease=1.5)
        assert b.claim(time.time(), "worker-b") is None
    assert a.complete(held)


@pytest.mark.parametrize("end", ["complete", "fail"])
def test_a_renewal_that_lands_after_the_run_ended_holds_nothing(journal, end):
    """The lease keeper renews the runs it saw in progress; one may end just before its
    renewal lands. That renewal must not take the issue again: it kept the issue's next
    event waiting for a whole lease (30 s in the service benchmark)."""
    a, b = journal(), journal()
    a.append(ev(5, "k1"))
    ran = a.claim(time.time(), "worker-a", lease=30)
    if end == "complete":
        assert a.complete(ran)
    else:
        assert a.fail(ran, "GitLab answered 500", retry_at=time.time(), park=False)
    a.append(ev(5, "k2"))
    assert not a.renew(ran, lease=30)
    nxt = b.claim(time.time(), "worker-b")
    assert nxt is not None and nxt.iid == 5 and nxt.seq == ran.seq + 1


def test_a_dead_workers_leases_are_released_at_once(journal):
    a, b = journal(), journal()
    a.append(ev(5, "k1"))
    a.append(ev(6, "k2"))
    dead = [a.claim(time.time(), "dead-worker", lease=600) for _ in range(2)]
    assert {c.iid for c in dead} == {5, 6}
    assert b.claim(time.time(), "new-worker") is None
    assert b.release_owner("dead-worker") == 2
    assert {b.claim(time.time(), "new-worker").iid for _ in range(2)} == {5, 6}


def test_events_that_arrive_during_a_run_wait_for_the_next_claim(journal):
    j = journal()
    j.append(ev(9, "k1"))
    run = j.claim(time.time(), "w")
    j.append(ev(9, "k2"))  # arrives while the rules run
    assert j.claim(time.time(), "w2") is None  # the issue is leased: no second run beside the first
    assert j.complete(run)
    nxt = j.claim(time.time(), "w2")
    assert len(nxt.ids) == 1 and nxt.ids[0] > run.ids[0] and nxt.seq == run.seq + 1
    assert j.complete(nxt)
    seqs = [e["run_seq"] for e in j.events(9)]
    assert seqs == sorted(seqs) == [run.seq, nxt.seq]


def test_fail_retries_later_then_parks(journal):
    j = journal()
    j.append(ev(4, "k1"))
    c = j.claim(time.time(), "w")
    assert j.fail(c, "boom", retry_at=time.time() + 60, park=False)
    assert j.claim(time.time(), "w") is None  # not due yet
    assert j.next_due() == pytest.approx(time.time() + 60, abs=5)
    c = j.claim(time.time() + 61, "w")
    assert c.attempts == 1
    assert j.fail(c, "boom again", retry_at=time.time(), park=True)
    assert j.counts() == {"parked": 1}
    [parked] = j.parked()
    assert (parked.project_id, parked.iid, parked.attempts, parked.last_error) == (P, 4, 2, "boom again")
    assert j.requeue_parked() == 1
    again = j.claim(time.time(), "w")
    assert again.iid == 4 and again.attempts == 0


def test_claims_only_the_projects_served(journal):
    j = journal()
    j.append(ev(1, "a", project=Q))
    assert j.claim(time.time(), "w", projects=[P]) is None
    assert j.next_due(projects=[P]) is None
    c = j.claim(time.time(), "w", projects=[P, Q])
    assert (c.project_id, c.iid) == (Q, 1)


def test_shards_split_issues_within_an_instance(journal):
    j = journal()
    for iid in (2, 3, 4, 5):
        j.append(ev(iid, f"k{iid}"))
    even = [j.claim(time.time(), "w", shard=(0, 2)) for _ in range(3)]
    assert sorted(c.iid for c in even if c) == [2, 4] and even[2] is None


def test_stats(journal):
    j = journal()
    j.append(ev(1, "a"))
    j.append(ev(2, "b"))
    c = j.claim(time.time(), "w")
    j.fail(c, "x", retry_at=0, park=True)
    s = j.stats(time.time())
    assert (s["depth"], s["parked"]) == (1, 1) and s["oldest_age"] >= 1


def test_concurrent_appends_and_claims_across_instances(journal):
    """Four instances append the same 60 deliveries at once (each 3 times) and claim
    concurrently: each delivery is stored once, no issue is ever held twice."""
    instances = [journal() for _ in range(4)]
    events = [ev(i % 6 + 1, f"idem:{i}") for i in range(60)]
    results: list = []

    def send(j):
        for e in events * 3:
            results.append(j.append(e))

    threads = [threading.Thread(target=send, args=(j,)) for j in instances]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len({r.event_id for r in results}) == 60
    assert sum(not r.duplicate for r in results) == 60
    held: set = set()
    overlap, done = [], []
    lock = threading.Lock()

    def work(j, name):
        while True:
            c = j.claim(time.time(), name)
            if c is None:
                return
            with lock:
                if c.iid in held:
                    overlap.append(c.iid)
                held.add(c.iid)
            time.sleep(0.01)
            with lock:
                held.discard(c.iid)
            assert j.complete(c)
            done.extend(c.ids)

    workers = [threading.Thread(target=work, args=(j, f"w{n}")) for n, j in enumerate(instances)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(60)
    assert overlap == []
    assert sorted(done) == sorted({r.event_id for r in results})
    assert instances[0].counts() == {"done": 60}


def test_a_newer_schema_is_refused_in_one_line(journal):
    j = journal()
    j.close()
    if journal.spec.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(journal.spec, autocommit=True) as conn:
            conn.execute("UPDATE gl_cs.meta SET v = '99' WHERE k = 'schema'")
    else:
        with sqlite3.connect(journal.spec) as db:
            db.execute("UPDATE meta SET v='99' WHERE k='schema'")
    with pytest.raises(JournalError) as err:
        journal()
    assert "schema version 99, newer than this gl-cs understands (2)" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_version_1_sqlite_journal_is_migrated_and_its_events_adopted(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the single-desk journal as gl-cs 0.1 left it
        db.executescript("""
            CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, iid INTEGER NOT NULL, kind TEXT NOT NULL,
                action TEXT NOT NULL DEFAULT '', user_id INTEGER, hints TEXT NOT NULL DEFAULT '{}',
                received_at REAL NOT NULL, state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
                next_at REAL NOT NULL, last_error TEXT NOT NULL DEFAULT '', done_at REAL);
            CREATE INDEX events_by_issue ON events(iid, state);
            CREATE TABLE seen(key TEXT PRIMARY KEY, event_id INTEGER NOT NULL, at REAL NOT NULL) WITHOUT ROWID;
            CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
            INSERT INTO events(iid, kind, received_at, next_at) VALUES (12, 'issue', 1.0, 1.0);
            INSERT INTO seen VALUES ('idem:old', 1, 1.0);
        """)
    j = SQLiteJournal(path, coalesce=0.0)
    try:
        assert j.adopt_legacy(P) == 1
        assert j.append(ev(12, "idem:old")).duplicate  # its dedupe keys came along
        c = j.claim(time.time(), "w", projects=[P])
        assert (c.project_id, c.iid, c.ids) == (P, 12, (1,))
        assert j.complete(c)
    finally:
        j.close()


def test_corrupted_sqlite_file_is_one_line(tmp_path):
    path = tmp_path / "j.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError) as err:
        SQLiteJournal(path, check=True)
    assert str(err.value).startswith(f"the journal {path} is not a readable SQLite database")


def test_a_url_password_is_never_shown():
    assert redact_url("postgresql://gl:s3cr%40t@db.example:5432/gl") == "postgresql://gl:***@db.example:5432/gl"
    assert redact_url("postgresql://db.example/gl") == "postgresql://db.example/gl"
    assert redact_url("postgresql://gl@db.example/gl?sslmode=require&password=hunter2") == \
        "postgresql://gl@db.example/gl?sslmode=require&password=***"
    for odd in ("postgresql://gl:hunter2@h1:5432,h2:5432/gl", "postgresql://gl:hunter2@db:port/gl"):
        assert "hunter2" not in redact_url(odd)


def test_a_journal_url_of_another_kind_is_refused_not_made_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(JournalError) as err:
        open_journal("postgresql+psycopg://bob:hunter2@db.example/gl")
    assert "postgresql+psycopg://" in str(err.value) and "hunter2" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_postgres_is_one_line_without_the_password():
    from gl_cs.service.journal_pg import PostgresJournal

    with socket_free() as port:
        with pytest.raises(JournalError) as err:
            PostgresJournal(f"postgresql://gl:hunter2@127.0.0.1:{port}/gl", connect_timeout=2)
    text = str(err.value)
    assert text.startswith(f"cannot reach the PostgreSQL journal postgresql://gl:***@127.0.0.1:{port}/gl")
    assert "hunter2" not in text and "\n" not in text


class socket_free:
    def __enter__(self):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc):
        return False


def test_postgres_an_issue_waits_a_moment_for_the_instance_that_ran_it_last(pg_url):
    """Affinity: the instance whose record holds an issue's history gets its next event
    first; another instance takes it only once the issue has waited ``affinity`` seconds
    (or at once when the last worker's lease ran out: see the expiry test above)."""
    a = open_journal(pg_url, coalesce=0.0, affinity=0.5)
    b = open_journal(pg_url, coalesce=0.0, affinity=0.5)
    try:
        a.append(ev(5, "k1"))
        assert a.complete(a.claim(time.time(), "worker-a"))
        fresh = NewEvent(project_id=P, iid=5, kind="issue", keys=("k2",), received_at=time.time())
        a.append(fresh)
        t = fresh.received_at  # the clock the claims are asked at (no sleeping: nothing to flake)
        assert b.claim(t + 0.1, "worker-b") is None  # held for worker-a
        assert b.next_due(owner="worker-b") == pytest.approx(t + 0.5, abs=0.01)
        assert a.next_due(owner="worker-a") == pytest.approx(t, abs=0.01)
        taken = b.claim(t + 0.6, "worker-b")  # worker-a was busy (or gone): worker-b takes it
        assert taken is not None and taken.iid == 5
        assert b.complete(taken)
        later = NewEvent(project_id=P, iid=5, kind="issue", keys=("k3",), received_at=time.time())
        a.append(later)
        assert a.claim(later.received_at + 0.1, "worker-a") is None  # now it is worker-b's
        assert b.claim(later.received_at + 0.1, "worker-b").iid == 5
    finally:
        a.close()
        b.close()


def test_postgres_every_instance_hears_of_an_event_another_one_journalled(pg_url):
    a = open_journal(pg_url, coalesce=0.0)
    b = open_journal(pg_url, coalesce=0.0)
    heard: list = []
    stop = b.listen(lambda pid, iid, owner: heard.append((pid, iid, owner)))
    try:
        wait = time.monotonic() + 10
        while (None, None, "") not in heard and time.monotonic() < wait:  # b is listening
            time.sleep(0.01)
        a.append(ev(41, "n1"))
        a.append(ev(42, "n2", project=Q))
        assert a.complete(a.claim(time.time(), "worker-a", projects=[P]))
        a.append(ev(41, "n3"))  # the issue waits for worker-a now, and says so
        while len(heard) < 4 and time.monotonic() < wait:
            time.sleep(0.01)
        assert heard == [(None, None, ""), (P, 41, ""), (Q, 42, ""), (P, 41, "worker-a")]
    finally:
        stop()
        a.close()
        b.close()


def test_postgres_a_listener_whose_connection_dropped_listens_again(pg_url, caplog):
    import psycopg

    a = open_journal(pg_url, coalesce=0.0)
    b = open_journal(pg_url, coalesce=0.0)
    heard: list = []
    stop = b.listen(lambda pid, iid, owner: heard.append((pid, iid)))
    try:
        wait = time.monotonic() + 15
        while heard.count((None, None)) < 1 and time.monotonic() < wait:
            time.sleep(0.01)
        with psycopg.connect(pg_url, autocommit=True) as admin:  # PostgreSQL restarted, a proxy cut it
            killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE query = 'LISTEN gl_cs_events' AND datname = current_database()").fetchone()[0]
        assert killed == 1
        while heard.count((None, None)) < 2 and time.monotonic() < wait:  # back: "something may be missed"
            time.sleep(0.01)
        a.append(ev(43, "after"))
        while (P, 43) not in heard and time.monotonic() < wait:
            time.sleep(0.01)
        assert heard.count((None, None)) == 2 and (P, 43) in heard
        said = [r.getMessage() for r in caplog.records if "listening for new events" in r.getMessage()]
        assert len(said) == 2 and "failed" in said[0] and "again" in said[1]
    finally:
        stop()
        a.close()
        b.close()


def test_postgres_a_connection_dropped_while_idle_costs_no_event(pg_url):
    """PostgreSQL restarted, failed over or timed an idle connection out: the next append
    (an event GitLab will not send again) and the next claim reconnect once instead of
    failing; a NUL character in what the payload said is no reason to lose the event."""
    import psycopg

    j = open_journal(pg_url, coalesce=0.0)
    try:
        j.append(ev(1, "before"))
        assert j.complete(j.claim(time.time(), "worker-a"))  # the worker's connection has been used
        with psycopg.connect(pg_url, autocommit=True) as admin:
            killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                                   "datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
        assert killed >= 2  # the writer's and the worker's
        got = j.append(ev(2, "after", hints={"labels": {"current": [{"title": "bad\x00label"}]}}))
        assert not got.duplicate
        claim = j.claim(time.time(), "worker-a")
        assert claim is not None and claim.iid == 2 and j.complete(claim)
        assert j.counts() == {"done": 2}
    finally:
        j.close()


def test_sqlite_leases_of_a_worker_process_that_is_gone_are_freed_at_start(tmp_path):
    import socket
    import subprocess
    import sys

    j = SQLiteJournal(tmp_path / "j.db", coalesce=0.0)
    try:
        j.append(ev(5, "k1"))
        j.append(ev(6, "k2"))
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip()
        host = socket.gethostname()[:40]
        dead = j.claim(time.time(), f"{host}:{gone}:abcd1234", lease=600)
        live = j.claim(time.time(), f"{host}:{os.getpid()}:abcd1234", lease=600)
        assert {dead.iid, live.iid} == {5, 6}
        assert j.release_dead_owners() == 1
        assert j.claim(time.time(), "new-worker").iid == dead.iid  # at once, not in 10 minutes
        assert j.claim(time.time(), "new-worker") is None  # a live worker's lease stays
    finally:
        j.close()
