"""Load benchmark of `gl-cs serve` on 127.0.0.1 (bounded in time; stops itself).

Processes, as in production:

* the **GitLab side**: the sandbox GitLab (``--latency`` per API request) and the people
  using it. At ``--rate`` deliveries a second for ``--duration`` seconds it makes a real
  change in the sandbox and hands its GitLab-shaped event (GitLab's reference payloads,
  GitLab's headers) to the senders: a person removes the fiscal-quarter label
  (``--change`` of the new events; gl-cs must put it back) or comments (the rest). On
  top: ``--dup`` of the deliveries are redeliveries of an earlier one (same body, same
  Idempotency-Key), ``--forged`` carry a wrong token.
* **GitLab's senders** (Sidekiq): ``--senders`` concurrent deliveries, timing each answer.
* **gl-cs**: the service exactly as ``gl-cs serve`` builds it (this process receives, a
  worker process runs the rules; SQLite journal in a temporary folder).

Reported: events lost (accepted but not processed, or a change never answered), duplicate
actions (gl-cs putting a label back more often than people removed it, or the same
comment twice), acknowledgement latency p50/p99 (client side, every delivery), event ->
label-change latency p50/p95 (the person's change -> gl-cs's label back in the sandbox),
GitLab requests per accepted event, peak memory of the gl-cs process.

    python benchmarks/bench_webhook.py                    # 200/s for 60 s
    python benchmarks/bench_webhook.py --duration 10      # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)
FY = "FY27-Q4"
SECRET = "bench-secret"
REFERENCE = ROOT / "tests" / "data" / "gitlab_reference"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


# --------------------------------------------------------------------------- GitLab side


def gitlab_side(args, conn, outbox) -> None:
    from gl_cs.sandbox import Sandbox, Store
    from gl_cs.sandbox.seed import COMPLETE_REQUEST, SA_USERS, seed_users_and_labels

    store = Store()
    store.clock = lambda: NOW
    info = seed_users_and_labels(store)
    pid = info["project_id"]
    old = NOW - dt.timedelta(days=30)
    iids = []
    for i in range(args.issues):
        issue = store.add_issue(pid, f"Request {i}", description=COMPLETE_REQUEST, author="eve.ae",
                                labels=["SA Backlog", FY], created_at=old, updated_at=old,
                                label_events=[("eve.ae", "add", "SA Backlog", old), ("eve.ae", "add", FY, old)])
        iids.append(int(issue["iid"]))
    bot_id = info["users"]["gl-cs-bot"]
    people = [(u, info["users"][u]) for u in SA_USERS]
    project = store.project(pid)

    # when did gl-cs put the label back? (the store's own label event, timed here)
    restored: dict[int, list[float]] = defaultdict(list)
    original = store._record_label_event

    def spy(issue, label, action, user_id, when):
        original(issue, label, action, user_id, when)
        if label.get("name") == FY and action == "add" and user_id == bot_id:
            restored[int(issue["iid"])].append(time.monotonic())

    store._record_label_event = spy
    sandbox = Sandbox(store=store).start()
    sandbox.faults.latency = args.latency
    conn.send({"url": sandbox.url, "token": "sandbox-token", "project": "sa-team/sa-service-desk"})

    issue_tpl = json.loads((REFERENCE / "webhook_issue_event.json").read_text())
    note_tpl = json.loads((REFERENCE / "webhook_note_issue_event.json").read_text())
    proj = {"id": pid, "path_with_namespace": project["path_with_namespace"], "name": "SA Service Desk"}
    rng = random.Random(args.seed)
    sandbox.requests.reset()

    def make_event(k: int) -> tuple[str, dict, dict, int | None]:
        """A real change in the sandbox and its delivery (kind, headers, body, iid)."""
        iid = rng.choice(iids)
        who, uid = rng.choice(people)
        user = {"id": uid, "name": who, "username": who}
        issue = store.issue(pid, iid)
        if rng.random() < args.change and FY in issue["labels"]:
            store.api_update_issue(pid, iid, uid, {"remove_labels": [FY]})
            issue = store.issue(pid, iid)
            body = json.loads(json.dumps(issue_tpl))
            body.update(user=user, project=dict(body["project"], **proj))
            body["object_attributes"].update(id=issue["id"], iid=iid, project_id=pid, action="update",
                                             updated_at=f"2026-11-23 17:00:{k % 60:02d} UTC",
                                             labels=[{"title": l} for l in issue["labels"]])
            body["changes"] = {"labels": {"previous": [{"title": l} for l in issue["labels"] + [FY]],
                                          "current": [{"title": l} for l in issue["labels"]]}}
            body["changes"]["seq"] = k
            event, kind = "Issue Hook", "change"
        else:
            note = store.add_note(pid, iid, f"update {k}: the customer confirmed the date", who)
            body = json.loads(json.dumps(note_tpl))
            body.update(user=user, project_id=pid, project=dict(body["project"], **proj))
            body["object_attributes"].update(id=note["id"], note=note["body"], project_id=pid,
                                             noteable_id=issue["id"])
            body["issue"].update(iid=iid, id=issue["id"], project_id=pid, labels=[])
            event, kind = "Note Hook", "comment"
        headers = {"X-Gitlab-Event": event, "X-Gitlab-Event-UUID": str(uuid.uuid4()),
                   "Idempotency-Key": str(uuid.uuid4()), "X-Gitlab-Token": SECRET,
                   "Content-Type": "application/json", "User-Agent": "GitLab/18.5.0",
                   "X-Gitlab-Instance": sandbox.url}
        return kind, headers, body, iid

    total = int(args.rate * args.duration)
    plan: list[tuple[str, dict, bytes, int]] = []  # new events: (kind, headers, body, iid)
    conn.recv()  # go
    start = time.monotonic() + 0.2
    for k in range(total):
        delay = start + k / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        roll = rng.random()
        old = len(plan) - 50  # redeliver only what went out at least ~0.25 s ago
        if roll < args.dup and old > 0:
            kind, headers, data, iid = plan[rng.randrange(old)]
            kind = "duplicate"
        elif roll < args.dup + args.forged and plan:  # a forger replaying a body it saw
            _, headers, data, iid = plan[rng.randrange(len(plan))]
            headers = dict(headers, **{"X-Gitlab-Token": "forged-" + str(k), "Idempotency-Key": str(uuid.uuid4())})
            kind = "forged"
        else:
            kind, headers, body, iid = make_event(k)
            data = json.dumps(body).encode()
            plan.append((kind, headers, data, iid))
        outbox.send((kind, headers, data, iid))
    outbox.send(None)
    load_seconds = time.monotonic() - start
    conn.send({"load_done": True, "load_seconds": load_seconds})
    conn.recv()  # gl-cs has drained its queue (or given up)
    requests_total = sandbox.requests.total()
    by_route = Counter({f"{m} {r}": n for (m, r), n in sandbox.requests.snapshot().items()})

    unanswered, extra_restores = 0, 0
    for iid in iids:
        issue = store._issue(project, iid)
        adds = sum(1 for e in issue["label_events"] if e["user_id"] == bot_id and e["action"] == "add")
        removes = sum(1 for e in issue["label_events"] if e["user_id"] != bot_id and e["action"] == "remove")
        extra_restores += max(0, adds - removes)
        if FY not in store.issue(pid, iid)["labels"]:
            unanswered += 1
    notes_dup = 0
    for iid in iids:
        bodies = [n["body"] for n in store.notes(pid, iid) if n["author"]["username"] == "gl-cs-bot"]
        notes_dup += len(bodies) - len(set(bodies))
    conn.send({"restored": dict(restored), "unanswered": unanswered,
               "extra_restores": extra_restores, "notes_dup": notes_dup, "requests": requests_total,
               "by_route": dict(by_route.most_common(8)), "errors": len(sandbox.errors)})
    sandbox.stop()


# --------------------------------------------------------------------------- GitLab's senders


def sender_side(args, inbox, conn) -> None:
    """GitLab's Sidekiq: delivers what the GitLab side hands over, ``--senders`` at a time,
    and times each answer (its own process, so the sandbox's work does not slow the clock)."""
    import queue

    import requests

    service_url = conn.recv()  # one URL, or a list (several instances: round robin, as a load balancer)
    urls = service_url if isinstance(service_url, list) else [service_url]
    turn = iter(range(10**12))
    work: "queue.Queue" = queue.Queue()
    results: list[tuple] = []
    lock = threading.Lock()

    def send() -> None:
        session = requests.Session()
        while True:
            item = work.get()
            if item is None:
                return
            kind, headers, data, iid = item
            t0 = time.monotonic()
            try:
                r = session.post(urls[next(turn) % len(urls)] + "/webhook", data=data, headers=headers, timeout=10)
                ack = time.monotonic() - t0
                status, answer = r.status_code, (r.json().get("status", "") if r.content else "")
            except Exception as exc:  # a new delivery that failed counts as lost
                ack, status, answer = time.monotonic() - t0, 0, exc.__class__.__name__
            with lock:
                results.append((kind, status, ack, answer, iid, t0))

    threads = [threading.Thread(target=send, daemon=True) for _ in range(args.senders)]
    for t in threads:
        t.start()
    while True:
        item = inbox.recv()
        if item is None:
            break
        work.put(item)
    for _ in threads:
        work.put(None)
    for t in threads:
        t.join()
    conn.send(results)


# --------------------------------------------------------------------------- gl-cs side


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=200.0, help="deliveries per second")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--issues", type=int, default=200, help="issues the events fall on")
    ap.add_argument("--latency", type=float, default=0.02, help="sandbox latency per API request (s)")
    ap.add_argument("--dup", type=float, default=0.10, help="share of deliveries that are redeliveries")
    ap.add_argument("--forged", type=float, default=0.01, help="share of deliveries with a wrong token")
    ap.add_argument("--change", type=float, default=0.25,
                    help="share of new events that are label removals gl-cs must answer")
    ap.add_argument("--workers", type=int, default=16, help="gl-cs worker threads")
    ap.add_argument("--senders", type=int, default=16, help="concurrent deliveries (GitLab's Sidekiq)")
    ap.add_argument("--drain", type=float, default=120.0, help="seconds to wait for the queue after the load")
    ap.add_argument("--threads", type=int, default=16, help="waitress threads (acknowledgements)")
    ap.add_argument("--switch-interval", type=float, default=None,
                    help="sys.setswitchinterval for gl-cs (default: as gl-cs serve sets it)")
    ap.add_argument("--journal-dir", default=None, help="where the journal goes (default: a temporary folder)")
    ap.add_argument("--journal", default=None, metavar="URL",
                    help="a postgresql:// journal instead of SQLite (its gl_cs schema is used as it is)")
    ap.add_argument("--in-process", action="store_true",
                    help="worker threads in the receiver's process (default: a worker process, as gl-cs serve)")
    ap.add_argument("--receiver-only", action="store_true", help="no worker: measure acknowledgements alone")
    ap.add_argument("--cold", action="store_true",
                    help="start the load with the service, not once its worker has started")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    from gl_cs.config import load_config
    from gl_cs.gitlab.adapter import GitLab
    from gl_cs.service.process import WorkerSpec
    from gl_cs.service.server import Service
    from gl_cs.service.worker import Backoff

    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    to_sender, sender_inbox = ctx.Pipe()
    sender_main, sender_conn = ctx.Pipe()
    proc = ctx.Process(target=gitlab_side, args=(args, child, to_sender), daemon=True)
    senders = ctx.Process(target=sender_side, args=(args, sender_inbox, sender_conn), daemon=True)
    proc.start()
    senders.start()
    gl = parent.recv()
    config = load_config(str(ROOT / "rules.yml"), project_override=gl["project"])
    tmp = tempfile.TemporaryDirectory(prefix="gl-cs-bench-", dir=args.journal_dir)
    journal = args.journal or str(Path(tmp.name) / "journal.db")
    spec = None if args.in_process else WorkerSpec(
        gitlab_url=gl["url"], token=gl["token"], config=config, journal_path=str(journal), shards=args.workers,
        pinned_now=NOW, backoff=Backoff(), poll=1.0, labels_ttl=300.0, log_changes=False)
    service = Service(config, lambda: GitLab(gl["url"], gl["token"], gl["project"], max_retries=2, timeout=10),
                      journal=journal, secret=SECRET, port=0, shards=args.workers,
                      now=lambda: NOW, threads=args.threads, worker_process=spec)
    if args.receiver_only:  # acknowledgements alone: nothing is processed (events stay in the journal)
        service.worker.start = lambda: None
        args.drain = 0
    server_acks: list[float] = []
    observe = service.metrics.ack_latency.observe
    service.metrics.ack_latency.observe = lambda v: (server_acks.append(v), observe(v))
    service.start()
    try:
        # the load starts once the worker has started, as a load balancer's readiness check
        # would have it (events that come earlier are kept and wait for it: --cold measures that)
        ready_by = time.monotonic() + 60
        while not args.cold and not service.worker.ready and time.monotonic() < ready_by:
            time.sleep(0.05)
        sender_main.send(service.url)
        parent.send("go")
        started = time.perf_counter()
        load = parent.recv()
        results = sender_main.recv()
        drain_start = time.perf_counter()
        while time.perf_counter() - drain_start < args.drain and not service.worker.idle():
            time.sleep(0.1)
        drained = time.perf_counter() - drain_start
        wall = time.perf_counter() - started
        parent.send("drained")
        out = parent.recv()
        counts = service.journal.counts()
        worker_rss = getattr(service.worker, "max_rss_kb", 0)
        worker_cpu = getattr(service.worker, "_state", {}).get("cpu_seconds", 0.0)
        receiver_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        m = service.metrics
    finally:
        service.stop()
        proc.join(30)
        senders.join(30)
        tmp.cleanup()

    # event -> label change: each removal is answered by the first restore after its delivery
    restored = out["restored"]
    lat = []
    for kind, status, _, _, iid, t0 in results:
        if kind == "change":
            later = [r for r in restored.get(iid, ()) if r >= t0]
            if later:
                lat.append(min(later) - t0)
    by_kind = Counter(r[0] for r in results)
    statuses = Counter((r[0], r[1], r[3]) for r in results)
    accepted = sum(1 for r in results if r[1] == 200 and r[3] == "accepted")
    new_sent = sum(1 for r in results if r[0] in ("change", "comment"))
    new_failed = sum(1 for r in results if r[0] in ("change", "comment") and r[1] != 200)
    forged_ok = sum(1 for r in results if r[0] == "forged" and r[1] != 401)
    dup_not_dup = sum(1 for r in results if r[0] == "duplicate" and r[3] != "duplicate")
    done = counts.get("done", 0) + counts.get("ignored", 0)
    lost = (accepted - done) + new_failed + out["unanswered"]
    acks = [r[2] for r in results]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = worker_rss / 1024

    print(f"gl-cs serve benchmark: {args.rate:g} deliveries/s for {args.duration:g} s "
          f"({load['load_seconds']:.1f} s actual), {args.issues} issues, sandbox latency "
          f"{args.latency * 1000:g} ms, {args.workers} workers")
    print(f"  deliveries: {len(results)} ({dict(by_kind)}); new events accepted: {accepted}/{new_sent}")
    print(f"  events lost: {lost} (accepted not processed: {accepted - done}, new deliveries refused: "
          f"{new_failed}, label removals never answered: {out['unanswered']})")
    print(f"  duplicate actions: {out['extra_restores'] + out['notes_dup']} (extra label restores "
          f"{out['extra_restores']}, repeated comments {out['notes_dup']}); redeliveries not recognised: "
          f"{dup_not_dup}; forged tokens not refused: {forged_ok}")
    print(f"  ack latency: p50 {pct(acks, 50) * 1000:.1f} ms, p99 {pct(acks, 99) * 1000:.1f} ms, "
          f"max {max(acks) * 1000:.1f} ms (client side, as GitLab sees it); in gl-cs (request parsed -> "
          f"answer): p50 {pct(server_acks, 50) * 1000:.1f} ms, p99 {pct(server_acks, 99) * 1000:.1f} ms")
    print(f"  event -> label change: p50 {pct(lat, 50):.2f} s, p95 {pct(lat, 95):.2f} s, max "
          f"{max(lat) if lat else float('nan'):.2f} s ({len(lat)} removals answered)")
    runs = m.value("gl_cs_webhook_runs_total")
    print(f"  runs of the rules: {runs:.0f} for {accepted} events ({accepted / max(runs, 1):.1f} events/run, "
          f"coalesced); drained {drained:.1f} s after the load; journal {counts}")
    print(f"  GitLab requests: {out['requests']} = {out['requests'] / max(accepted, 1):.2f} per accepted event, "
          f"{out['requests'] / max(runs, 1):.2f} per run; top: {out['by_route']}")
    print(f"  peak memory (max RSS): receiver process {peak_mb:.0f} MB, worker process {worker_mb:.0f} MB; "
          f"sandbox errors: {out['errors']}; ")
    print(f"  CPU: receiver {receiver_cpu:.1f} s ({receiver_cpu / len(results) * 1000:.2f} ms per delivery), "
          f"worker {worker_cpu:.1f} s ({worker_cpu / max(runs, 1) * 1000:.1f} ms per run); "
          f"wall {wall:.1f} s")
    print(f"  answers: {dict(statuses)}")


if __name__ == "__main__":
    main()
