"""Three `gl-cs serve` instances behind one address share one PostgreSQL journal. A burst of
2,000 deliveries over 200 issues with 10% redeliveries; one instance killed -9 in the middle
and started again; the worker process of another killed alone. Every event stored once and
processed, its effect exactly once, and per issue the events processed in order."""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from gl_cs.service.journal_pg import PostgresJournal
from postgres_helpers import pg_url, postgres_server  # noqa: F401  (fixtures)
from service_helpers import (SECRET, drain_stderr, end, issue_event, listening, note_event, start_serve, wait_for,
                             worker_pids)

FY = "FY27-Q4"
PEOPLE = ("ana.sa", "ben.sa", "eve.ae", "finn.ae")


class Relay:
    """One address in front of the instances, round robin. Like a load balancer that
    retries on a connection error, it tries the next instance when one does not answer
    (a redelivery that reaches a second instance is recognised there as a duplicate)."""

    def __init__(self, backends: list[str]):
        self.backends = list(backends)
        self._n = 0
        self._lock = threading.Lock()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                keep = {k: v for k, v in self.headers.items() if k.lower().startswith(("x-gitlab", "idempotency",
                                                                                       "content-type"))}
                for _ in range(30):
                    with relay._lock:
                        url = relay.backends[relay._n % len(relay.backends)]
                        relay._n += 1
                    try:
                        answer = requests.post(url + self.path, data=body, headers=keep, timeout=10)
                    except requests.ConnectionError:
                        time.sleep(0.05)
                        continue
                    self.send_response(answer.status_code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer.content)))
                    self.end_headers()
                    self.wfile.write(answer.content)
                    return
                self.send_response(502)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_three_instances_one_journal_kills_and_exactly_once(desk, pg_url):
    rng = random.Random(20)
    iids = [desk.issue() for _ in range(200)]  # settled requests: the only change gl-cs makes is putting FY back
    pid = desk.project_id
    procs, logs = [], []

    def launch():
        proc = start_serve(desk, pg_url, "--workers", "2", "--lease", "2")
        procs.append(proc)
        url = listening(proc)
        logs.append(drain_stderr(proc))
        return proc, url

    try:
        started = [launch() for _ in range(3)]
        with Relay([url for _, url in started]) as relay:
            sent = Counter()
            answers: list[tuple[str, int, str]] = []  # (kind, status, answer)
            removals = Counter()
            lock = threading.Lock()
            delivered: list[tuple[dict, bytes]] = []

            def deliver(hdrs: dict, data: bytes) -> tuple[int, str]:
                r = requests.post(relay.url + "/webhook", data=data, headers=hdrs, timeout=30)
                return r.status_code, (r.json().get("status", "") if r.content else "")

            def sender(mine: list[int], seed: int) -> None:
                local = random.Random(seed)
                for _ in range(10):  # per issue one delivery after the other: GitLab's order for one issue
                    for iid in mine:
                        who = local.choice(PEOPLE)
                        if FY in desk.labels(iid):  # a person takes the quarter off; gl-cs must put it back
                            desk.store.api_update_issue(pid, iid, desk.store.user(who)["id"], {"remove_labels": [FY]})
                            with lock:
                                removals[iid] += 1
                                stamp = f"2026-11-23T16:{sent['new'] // 60 % 60:02d}:{sent['new'] % 60:02d}.{iid}Z"
                            body, event = issue_event(desk, iid, user=who, updated_at=stamp), "Issue Hook"
                        else:
                            note = desk.store.add_note(pid, iid, "any news?", who)
                            body, event = note_event(desk, iid, user=who, note_id=note["id"]), "Note Hook"
                        hdrs = {"X-Gitlab-Event": event, "X-Gitlab-Event-UUID": str(uuid.uuid4()),
                                "Idempotency-Key": str(uuid.uuid4()), "X-Gitlab-Token": SECRET,
                                "Content-Type": "application/json"}
                        data = json.dumps(body).encode()
                        status, answer = deliver(hdrs, data)
                        with lock:
                            answers.append(("new", status, answer))
                            delivered.append((hdrs, data))
                            sent["new"] += 1
                            again = delivered[local.randrange(len(delivered))] if local.random() < 0.1 else None
                        if again is not None:  # a redelivery of an earlier event, to whichever instance
                            status, answer = deliver(*again)
                            with lock:
                                answers.append(("dup", status, answer))
                                sent["dup"] += 1

            groups = [iids[k::8] for k in range(8)]
            threads = [threading.Thread(target=sender, args=(g, rng.random())) for g in groups]
            for t in threads:
                t.start()
            # one instance killed -9 in the middle (its worker dies with it), then started again
            wait_for(lambda: sent["new"] >= 600, limit=120)
            victim, _ = started[1]
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            _, url = launch()
            relay.backends[1] = url
            # and the worker process of another instance killed alone
            wait_for(lambda: sent["new"] >= 1300, limit=120)
            [child] = wait_for(lambda: worker_pids(started[2][0].pid))
            os.kill(child, signal.SIGKILL)
            for t in threads:
                t.join(300)
            journal = PostgresJournal(pg_url)
            try:
                wait_for(lambda: journal.counts().get("pending", 0) == 0 and journal.stats(time.time())["depth"] == 0,
                         limit=120, step=0.2)
                events = journal.events()
                counts = journal.counts()
            finally:
                journal.close()
    finally:
        for proc in procs:
            end(proc)

    assert sent["new"] == 2000
    # every new delivery acknowledged (by the instance that stored it, or, retried after a
    # kill, as a duplicate of what it stored), every redelivery recognised, whichever instance got it
    assert Counter(status for _, status, _ in answers) == {200: len(answers)}
    new_answers = Counter(answer for kind, _, answer in answers if kind == "new")
    assert set(new_answers) <= {"accepted", "duplicate"} and new_answers["duplicate"] <= 2, new_answers
    assert all(answer == "duplicate" for kind, _, answer in answers if kind == "dup")
    # each event stored exactly once and processed
    assert len(events) == 2000 and counts == {"done": 2000}
    # per issue: no event was processed in an earlier run than one delivered before it
    by_issue: dict[int, list] = {}
    for e in events:
        by_issue.setdefault(e["iid"], []).append(e["run_seq"])
    for iid, seqs in by_issue.items():
        assert seqs == sorted(seqs), (iid, seqs)
    # the effect of each event exactly once: every removal answered by one restore, nothing else
    bot = desk.store.user("gl-cs-bot")["id"]
    for iid in iids:
        log = desk.store.label_events(pid, iid)
        restores = [e for e in log if e["user"] and e["user"]["id"] == bot and e["action"] == "add"]
        assert len(restores) == removals[iid], (iid, removals[iid], len(restores))
        assert FY in desk.labels(iid)
        assert desk.bot_notes(iid) == []
    # the kills happened as planned, and were survived
    assert any("killed by SIGKILL" in line and "restarting it" in line for line in logs[2])
