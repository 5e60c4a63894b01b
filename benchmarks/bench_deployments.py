"""One SQLite instance against three PostgreSQL instances, on the same load (127.0.0.1 only;
bounded in time; stops itself).

Each deployment is real ``gl-cs serve`` processes (receiver + supervised worker process),
on the GitLab side of ``bench_webhook.py`` (the sandbox at ``--latency`` per request, people
taking the fiscal-quarter label off or commenting, 10% redeliveries, 1% forged tokens) and
its senders (GitLab's Sidekiq), which spread deliveries round robin over the instances as a
load balancer would.

* ``sqlite``: one instance, SQLite journal in a temporary folder;
* ``postgres``: three instances on one PostgreSQL journal (a temporary server from the
  distribution's packages, fsync on, unless ``--postgres URL`` names one; its ``gl_cs``
  schema is dropped first).

For each, at each rate in ``--rates``: ack p99 (client side), event -> label change p95,
GitLab requests per accepted event, events lost; then the highest rate whose ack p99 stayed
under 50 ms ("sustained").

    python benchmarks/bench_deployments.py                      # 100, 200, 400/s, 15 s each
    python benchmarks/bench_deployments.py --rates 200 --duration 10
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_webhook import NOW, SECRET, gitlab_side, pct, sender_side  # noqa: E402

HEALTH = "bench-health-token"


def start_instance(gl: dict, journal: str, workers: int) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GL_CS_", "GITLAB_"))}
    env.update(PYTHONPATH=str(ROOT), GL_CS_WEBHOOK_SECRET=SECRET, GL_CS_HEALTH_TOKEN=HEALTH)
    argv = [sys.executable, "-m", "gl_cs.commands.service", "--gitlab-url", gl["url"], "--token", gl["token"],
            "--project", gl["project"], "--config", str(ROOT / "rules.yml"), "--now", NOW.isoformat(), "-q", "serve",
            "--port", "0", "--journal", journal, "--workers", str(workers)]
    proc = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for _ in range(50):
        line = proc.stderr.readline()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if found:
            import threading

            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, found.group(1)
        if not line:
            break
    raise SystemExit(f"gl-cs serve did not start: {line}")


def metric(url: str, name: str) -> float:
    import requests

    text = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {HEALTH}"}, timeout=10).text
    found = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def wait_ready(url: str, limit: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        checks = requests.get(url + "/healthz", headers={"Authorization": f"Bearer {HEALTH}"}, timeout=10).json()
        if checks.get("checks", {}).get("worker", {}).get("state") == "running":
            return
        time.sleep(0.05)
    raise SystemExit(f"the worker of {url} did not start within {limit:g} s")


def run(args, deployment: str, rate: float, pg_url: str | None) -> dict:
    from gl_cs.service.journal import open_journal

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    to_sender, sender_inbox = ctx.Pipe()
    sender_main, sender_conn = ctx.Pipe()
    bench = argparse.Namespace(**vars(args))
    bench.rate, bench.duration = rate, args.duration
    gitlab = ctx.Process(target=gitlab_side, args=(bench, child, to_sender), daemon=True)
    senders = ctx.Process(target=sender_side, args=(bench, sender_inbox, sender_conn), daemon=True)
    gitlab.start()
    senders.start()
    gl = parent.recv()
    tmp = tempfile.TemporaryDirectory(prefix="gl-cs-bench-")
    if deployment == "sqlite":
        journal, count = str(Path(tmp.name) / "journal.db"), 1
    else:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS gl_cs CASCADE")
        journal, count = pg_url, args.instances
    instances = [start_instance(gl, journal, args.workers) for _ in range(count)]
    urls = [url for _, url in instances]
    try:
        for url in urls:  # the load starts once every worker has started (a readiness check)
            wait_ready(url)
        sender_main.send(urls)
        parent.send("go")
        parent.recv()  # the load is done
        results = sender_main.recv()
        j = open_journal(journal)
        try:
            deadline = time.monotonic() + args.drain
            while time.monotonic() < deadline and j.stats(time.time())["depth"] > 0:
                time.sleep(0.2)
            time.sleep(0.5)
            counts = j.counts()
        finally:
            j.close()
        runs = sum(metric(u, "gl_cs_webhook_runs_total") for u in urls)
        parent.send("drained")
        out = parent.recv()
    finally:
        for proc, _ in instances:
            proc.send_signal(signal.SIGTERM)
        for proc, _ in instances:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        gitlab.join(30)
        senders.join(30)
        tmp.cleanup()
    lat = []
    for kind, status, _, _, iid, t0 in results:
        if kind == "change":
            later = [r for r in out["restored"].get(iid, ()) if r >= t0]
            if later:
                lat.append(min(later) - t0)
    accepted = sum(1 for r in results if r[1] == 200 and r[3] == "accepted")
    new_failed = sum(1 for r in results if r[0] in ("change", "comment") and r[1] != 200)
    done = counts.get("done", 0) + counts.get("ignored", 0)
    acks = [r[2] for r in results]
    return {"deployment": deployment, "rate": rate, "ack_p50": pct(acks, 50), "ack_p99": pct(acks, 99),
            "change_p50": pct(lat, 50), "change_p95": pct(lat, 95), "accepted": accepted,
            "requests_per_event": out["requests"] / max(accepted, 1), "runs": runs,
            "lost": (accepted - done) + new_failed + out["unanswered"],
            "duplicates": out["extra_restores"] + out["notes_dup"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rates", default="100,200,400", help="deliveries per second to try, comma-separated")
    ap.add_argument("--duration", type=float, default=15.0, help="seconds of load at each rate")
    ap.add_argument("--deployments", default="sqlite,postgres")
    ap.add_argument("--instances", type=int, default=3, help="PostgreSQL instances")
    ap.add_argument("--postgres", default=None, metavar="URL", help="an existing PostgreSQL (its gl_cs schema is "
                    "dropped); default: a temporary server")
    ap.add_argument("--workers", type=int, default=8, help="worker threads per instance")
    ap.add_argument("--issues", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--dup", type=float, default=0.10)
    ap.add_argument("--forged", type=float, default=0.01)
    ap.add_argument("--change", type=float, default=0.25)
    ap.add_argument("--senders", type=int, default=16)
    ap.add_argument("--drain", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop what it started

    server = None
    pg_url = args.postgres
    if "postgres" in args.deployments and pg_url is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres_helpers import PostgresServer, find_binaries

        found = find_binaries()
        if found is None:
            raise SystemExit("initdb/pg_ctl not found: install Debian's postgresql, or pass --postgres URL")
        server = PostgresServer(*found).start(durable=True)
        pg_url = server.url()
    rows = []
    try:
        for deployment in args.deployments.split(","):
            for rate in (float(r) for r in args.rates.split(",")):
                row = run(args, deployment, rate, pg_url)
                rows.append(row)
                print(f"{deployment:>8} {rate:5.0f}/s: ack p50 {row['ack_p50'] * 1000:.1f} ms, p99 "
                      f"{row['ack_p99'] * 1000:.1f} ms; event -> change p50 {row['change_p50']:.2f} s, p95 "
                      f"{row['change_p95']:.2f} s; {row['requests_per_event']:.2f} GitLab requests per accepted "
                      f"event; {row['accepted']} accepted, {row['runs']:.0f} runs; lost {row['lost']}, duplicate "
                      f"actions {row['duplicates']}", flush=True)
    finally:
        if server is not None:
            server.stop()
    for deployment in args.deployments.split(","):
        ok = [r["rate"] for r in rows if r["deployment"] == deployment and r["ack_p99"] < 0.05 and r["lost"] == 0]
        print(f"{deployment}: sustained with ack p99 under 50 ms: {max(ok) if ok else 0:.0f} deliveries/s "
              f"(of {args.rates})")


if __name__ == "__main__":
    main()
