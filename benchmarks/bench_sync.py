"""Benchmark `gl-cs sync` against the built-in sandbox over real HTTP on 127.0.0.1.

For each size it prints the API requests next to the bound, the writes, the label
history reads, wall time (with 20 ms injected latency per request) and gl-cs's peak
memory for:
  * first   - the first sync of the demo desk (requests in every style; most need writes);
              bound: list pages + 2 + one write per changed issue + history reads;
  * again   - the sync right after it (nothing changed): bound ceil(open/100) + 3;
  * +25h    - 25 hours later: events came closer or passed; bound ceil(open/100) + 3 +
              one write per changed issue;
  * settled - a desk where nothing changed within `sync.recent_hours` and nothing needs
              to change, with no record: the usual scheduled run, ceil(N/100) + 3 requests.
Each run is a new runtime, as a new `gl-cs sync` process is, sharing only the record file.

The sandbox runs in a child process, so the memory figures are gl-cs's own
(tracemalloc peak of Python allocations during the sync, and the process's max RSS).

    python benchmarks/bench_sync.py                 # 1,000 and 10,000 issues
    python benchmarks/bench_sync.py --sizes 500 --latency 0.02 --skip-first 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing as mp
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gl_cs.config import load_config  # noqa: E402
from gl_cs.gitlab.adapter import GitLab  # noqa: E402
from gl_cs.app.desk import Desk  # noqa: E402
from gl_cs.sync import run_sync  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)




def _settled_desk(store, n: int) -> dict:
    from gl_cs.sandbox.seed import COMPLETE_REQUEST, seed_users_and_labels

    info = dict(seed_users_and_labels(store))
    info.setdefault("token", "sandbox-token")
    info.setdefault("project_path", "sa-team/sa-service-desk")
    old = NOW - dt.timedelta(days=30)
    for i in range(n):
        store.add_issue(info["project_id"], f"Request {i}", description=COMPLETE_REQUEST, author="eve.ae",
                        labels=["SA Backlog", "FY27-Q4"], created_at=old, updated_at=old,
                        label_events=[("eve.ae", "add", "SA Backlog", old)])
    return info


def _serve(n: int, latency: float, settled: bool, conn) -> None:
    from gl_cs.sandbox import Sandbox, Store, seed_service_desk

    store = Store()
    store.clock = lambda: NOW
    seeded = _settled_desk(store, n) if settled else seed_service_desk(store, NOW, n_issues=n)
    with Sandbox(store=store) as sandbox:
        sandbox.faults.latency = latency
        conn.send((sandbox.url, seeded["token"], seeded["project_path"]))
        while True:
            cmd = conn.recv()
            if cmd == "stop":
                break
            if cmd == "reset":
                sandbox.requests.reset()
                conn.send(None)
            elif cmd == "count":
                reqs = sandbox.requests
                conn.send((reqs.total(), reqs.writes(), reqs.get("GET", "/projects/:id/issues/:iid/resource_label_events"),
                           sum(1 for i in store.issues(seeded["project_id"]) if i["state"] == "opened")))


def _fresh_process_caches() -> None:
    """What a new `gl-cs sync` process starts without: the readings kept in memory (so what
    a run does not parse again is what its record kept, as in CI)."""
    from gl_cs.decide import reading, request
    from gl_cs.parse import kinds

    reading._CACHE.clear()
    request._parse.cache_clear()
    kinds._read.cache_clear()


def measure(gitlab: GitLab, config, conn, kind: str, record: Path | None, now: dt.datetime = NOW) -> dict:
    _fresh_process_caches()
    conn.send("reset")
    conn.recv()
    tracemalloc.start()
    start = time.perf_counter()
    report = run_sync(Desk.of(gitlab, config, record_path=record), now)
    wall = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    conn.send("count")
    total, writes, history, n_open = conn.recv()
    assert report.exit_code == 0, report.as_dict()["fatal"] or report.failures[:3]
    changed = len({e.iid for e in report.changes})
    closed = report.issues_seen - n_open  # recently closed ones, listed too (100 a page)
    pages = math.ceil(n_open / 100) + max(1, math.ceil(closed / 100))
    bound = {"first": pages + 2 + changed + len(report.labels_created) + history,
             "+25h": pages + 2 + changed}.get(kind, pages + 2)
    return {"issues": report.issues_seen, "requests": total, "bound": bound, "writes": writes,
            "history": history, "wall_s": wall, "peak_mib": peak / 2**20, "changes": len(report.changes),
            "parsed": report.descriptions_read,
            "opened": sum(1 for e in report.changes if e.what.startswith("open issue"))}


def run(n: int, latency: float, settled: bool) -> list[tuple[str, dict]]:
    parent, child = mp.Pipe()
    proc = mp.Process(target=_serve, args=(n, latency, settled, child), daemon=True)
    proc.start()
    try:
        url, token, project = parent.recv()
        config = load_config(ROOT / "rules.yml", project_override=project)
        gitlab = GitLab(url, token, project)
        if settled:
            return [("settled", measure(gitlab, config, parent, "settled", None))]
        with tempfile.TemporaryDirectory() as tmp:
            record = Path(tmp) / "record.json"
            return [(kind, measure(gitlab, config, parent, kind, record, now))
                    for kind, now in (("first", NOW), ("again", NOW), ("+25h", NOW + dt.timedelta(hours=25)))]
    finally:
        parent.send("stop")
        proc.join(timeout=30)
        if proc.is_alive():
            proc.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to every request")
    parser.add_argument("--skip-first", type=int, nargs="*", default=[],
                        help="sizes for which only the settled sync is measured")
    args = parser.parse_args()
    print(f"latency {args.latency * 1000:.0f} ms per request; clock pinned at {NOW.isoformat()}")
    print(f"{'issues':>7} {'sync':>7} {'requests':>9} {'bound':>7} {'writes':>7} {'history':>8} {'parsed':>7} "
          f"{'wall s':>8} {'peak MiB':>9}")
    for n in args.sizes:
        rows = run(n, args.latency, settled=True)
        if n not in args.skip_first:
            rows = run(n, args.latency, settled=False) + rows
        for kind, row in rows:
            print(f"{row['issues']:>7} {kind:>7} {row['requests']:>9} {row['bound']:>7} {row['writes']:>7} "
                  f"{row['history']:>8} {row['parsed']:>7} {row['wall_s']:>8.1f} {row['peak_mib']:>9.2f}", flush=True)
            if kind == "again":  # nothing edited since the first sync: only what gl-cs itself opened is new
                assert row["parsed"] <= rows[0][1]["opened"], row
            if kind == "+25h":  # time passed, no text changed: nothing is parsed
                assert row["parsed"] == 0, row
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gl-cs process max RSS: {rss:.0f} MiB (sandbox runs in its own process)")


if __name__ == "__main__":
    main()
