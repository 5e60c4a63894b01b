"""`gl-cs serve` refuses to start in one line and exit 2, naming the thing and the fix,
before the port is opened: a read-only or full journal directory, a corrupted SQLite
file, an unreachable or wrongly-versioned PostgreSQL, a token GitLab rejects, a port in use.
One test each."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.cli import cli
from postgres_helpers import pg_url, postgres_server  # noqa: F401  (fixtures)
from service_helpers import SECRET

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def serve_args(desk, journal, port: int, token: str = TOKEN) -> list[str]:
    return ["--gitlab-url", desk.sandbox.url, "--token", token, "--project", PROJECT, "--config", str(RULES),
            "--now", NOW.isoformat(), "serve", "--port", str(port), "--journal", str(journal)]


def one_line(code: int, stderr: str, output: str = "") -> str:
    """Exit 2, exactly one line on stderr, no traceback anywhere."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, (code, stderr, output)
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr + output
    return lines[0]


def serve(desk, journal, *, token: str = TOKEN) -> tuple[str, int]:
    """`gl-cs serve` in-process (CliRunner): its one line, and the port it was given."""
    port = _free_port()
    result = CliRunner().invoke(cli, serve_args(desk, journal, port, token), env={"GL_CS_WEBHOOK_SECRET": SECRET},
                                catch_exceptions=False)
    line = one_line(result.exit_code, result.stderr, result.output)
    assert _closed(port)  # nothing listens: it stopped before the port was opened
    assert SECRET not in result.output and TOKEN not in result.output
    return line, port


def serve_process(desk, journal, *, user=None, limit_file_size=None) -> str:
    """`gl-cs serve` as another process (as another user, or with a file-size limit)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GL_CS_", "GITLAB_"))}
    env.update(PYTHONPATH=str(ROOT), GL_CS_WEBHOOK_SECRET=SECRET, HOME=tempfile.gettempdir())
    prefix = []
    if user is not None:
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]

    def limits():
        if limit_file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    port = _free_port()
    done = subprocess.run([*prefix, sys.executable, "-m", "gl_cs.commands.service",
                           *serve_args(desk, journal, port)], env=env, capture_output=True, text=True, timeout=60,
                          preexec_fn=limits, cwd=tempfile.gettempdir())
    line = one_line(done.returncode, done.stderr, done.stdout)
    assert _closed(port)
    return line


def _mount_tmpfs(where: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "gl-cs-test", str(where)], capture_output=True)
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def scratch():
    """A world-readable directory (another user may need to reach it), removed after."""
    path = Path(tempfile.mkdtemp(prefix="gl-cs-startup-"))
    path.chmod(0o755)
    yield path
    _umount(path / "mnt")
    shutil.rmtree(path, ignore_errors=True)


def test_a_read_only_journal_directory(desk, scratch):
    where = scratch / "mnt"
    where.mkdir()
    journal = where / "journal.db"
    if _mount_tmpfs(where, "ro,size=1m"):  # read-only for root too
        line, _ = serve(desk, journal)
    elif os.geteuid() != 0:
        where.chmod(0o555)
        line, _ = serve(desk, journal)
    else:  # root without mount: a user whom the directory refuses
        import pwd

        where.chmod(0o555)
        line = serve_process(desk, journal, user=pwd.getpwnam("nobody"))
    assert line.startswith(f"gl-cs serve: cannot write the journal {journal} (")
    assert line.endswith("make its directory writable for gl-cs, or choose another --journal / GL_CS_JOURNAL")


def test_a_full_journal_directory(desk, scratch):
    where = scratch / "mnt"
    where.mkdir()
    journal = where / "journal.db"
    if _mount_tmpfs(where, "size=256k"):
        with open(where / "filler", "wb") as fh:  # fill it up
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        line, _ = serve(desk, journal)
        assert line == (f"gl-cs serve: cannot write the journal {journal}: its disk is full (0 KiB free); free some "
                        f"space, or choose another --journal / GL_CS_JOURNAL")
    else:  # no tmpfs here: a process that may not grow any file behaves as on a full disk
        line = serve_process(desk, journal, limit_file_size=0)
        assert line.startswith(f"gl-cs serve: cannot write the journal {journal}: its disk is full or failing (")
        assert line.endswith("free some space, or choose another --journal")


def test_a_corrupted_sqlite_journal(desk, tmp_path):
    journal = tmp_path / "journal.db"
    journal.write_bytes(b"SQLite format 3\0" + os.urandom(8192))
    line, _ = serve(desk, journal)
    assert line.startswith(f"gl-cs serve: the journal {journal} is not a readable SQLite database (")
    assert line.endswith("move it aside (its unprocessed events are lost; the scheduled sync covers their issues) "
                         "or choose another --journal")


def test_an_unreachable_postgresql(desk):
    port = _free_port()  # nothing listens there
    url = f"postgresql://gl_cs:pa55word@127.0.0.1:{port}/gl_cs"
    line, _ = serve(desk, url)
    assert line.startswith(f"gl-cs serve: cannot reach the PostgreSQL journal postgresql://gl_cs:***@127.0.0.1:{port}"
                           f"/gl_cs: ")
    assert line.endswith("check --journal / GL_CS_JOURNAL_URL and that PostgreSQL is running")
    assert "pa55word" not in line


def test_a_postgresql_journal_of_a_newer_gl_cs(desk, pg_url):
    import psycopg

    from gl_cs.service.journal_pg import PostgresJournal

    PostgresJournal(pg_url).close()  # created by gl-cs ...
    with psycopg.connect(pg_url, autocommit=True) as conn:  # ... and then by a newer one
        conn.execute("UPDATE gl_cs.meta SET v = '3' WHERE k = 'schema'")
    line, _ = serve(desk, pg_url)
    assert line == (f"gl-cs serve: the PostgreSQL journal {pg_url} has schema version 3, newer than this gl-cs "
                    f"understands (2): upgrade gl-cs, or point --journal at another database")


def test_a_token_gitlab_rejects(desk, tmp_path):
    line, _ = serve(desk, tmp_path / "journal.db", token="revoked-token")
    assert line == (f"gl-cs serve: reading the token's user at {desk.sandbox.url}: GitLab rejected the token (401); "
                    f"check --token / GITLAB_TOKEN")
    assert "revoked-token" not in line


def test_a_port_in_use(desk, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = serve_args(desk, tmp_path / "journal.db", port)
        result = CliRunner().invoke(cli, args, env={"GL_CS_WEBHOOK_SECRET": SECRET}, catch_exceptions=False)
    line = one_line(result.exit_code, result.stderr, result.output)
    assert line == f"gl-cs serve: cannot listen on 127.0.0.1:{port}: Address already in use; choose another --port"
    assert desk.sandbox.requests.total() == 0  # the port was checked before anything else
