"""A real PostgreSQL server for the journal tests, from the distribution's packages.

One server per test process (each xdist worker has its own), in a temporary directory:
``initdb`` (trust authentication, loopback only) and ``pg_ctl`` on a free port on
127.0.0.1 and a Unix socket in that directory; stopped and removed when the last test
that uses it is done. Each test gets a database of its own (``pg_url``), dropped after.

PostgreSQL refuses to run as root: as root (CI) the server runs as ``postgres`` (or
``nobody``) through ``setpriv``, with the directory given to that user. Where the binaries
are missing the tests skip with one reason, unless ``GL_CS_REQUIRE_POSTGRES=1`` (CI sets
it in .ci/run), where they fail instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

REQUIRE = "GL_CS_REQUIRE_POSTGRES"


def find_binaries() -> tuple[str, str] | None:
    """(initdb, pg_ctl): on PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                         if Path(p).parent.name.isdigit() else 0, reverse=True):
        if os.access(f"{bindir}/initdb", os.X_OK) and os.access(f"{bindir}/pg_ctl", os.X_OK):
            return f"{bindir}/initdb", f"{bindir}/pg_ctl"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, initdb: str, pg_ctl: str):
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="gl-cs-pg-"))
        self.data = self.dir / "data"
        self.port = 0
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            for name in ("postgres", "nobody"):
                try:
                    user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            else:
                raise RuntimeError("running as root and there is no 'postgres' or 'nobody' user to run PostgreSQL")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        self.dir.chmod(0o755)

    def _run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, *argv], capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"}, stdin=subprocess.DEVNULL)

    def start(self, durable: bool = False) -> "PostgresServer":
        """``durable``: fsync on, as in production (the benchmarks); tests run without it."""
        done = self._run(self.initdb, "-D", str(self.data), "-U", "gl_cs", "--auth=trust", "-E", "UTF8",
                         "--no-sync", "--no-instructions")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[-500:]}")
        for _ in range(3):
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c max_connections=200 "
                       f"-c shared_buffers=32MB" + ("" if durable else " -c fsync=off -c full_page_writes=off"))
            done = self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60",
                             "-o", options, "start")
            if done.returncode == 0:
                return self
        log = (self.dir / "log").read_text(errors="replace")[-800:] if (self.dir / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()[-300:]} {log}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://gl_cs@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


_lock = threading.Lock()
_server: PostgresServer | None = None
_users = 0
_failure: str | None = None


def _acquire() -> PostgresServer:
    global _server, _users, _failure
    with _lock:
        if _server is None:
            if _failure is None:
                found = find_binaries()
                if found is None:
                    _failure = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
                                "postgresql package to run the PostgreSQL journal tests")
                else:
                    server = PostgresServer(*found)
                    try:
                        _server = server.start()
                    except Exception as exc:  # noqa: BLE001 - reported as the skip/fail reason
                        server.stop()
                        _failure = f"could not start PostgreSQL: {exc}"
            if _server is None:
                if os.environ.get(REQUIRE) == "1":
                    pytest.fail(f"{_failure} ({REQUIRE}=1: these tests must run)")
                pytest.skip(_failure)
        _users += 1
        return _server


def _release() -> None:
    global _server, _users
    with _lock:
        _users -= 1
        if _users == 0 and _server is not None:
            _server.stop()
            _server = None


@pytest.fixture(scope="session")
def postgres_server():
    """The test process's PostgreSQL server (started once, stopped after the last user)."""
    server = _acquire()
    yield server
    _release()


@pytest.fixture
def pg_url(postgres_server):
    """A database of this test's own on the shared server; dropped afterwards."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
