"""One `gl-cs serve` for two desks, as GitLab runs it: `gl-cs hooks install` puts the hook on
both desks, people edit issues of both, the sandbox delivers GitLab's webhooks, and the one
service acts on each desk with that desk's own configuration. Between two rounds of edits a
desk is renamed (its webhooks then carry the new path): it keeps being served, the move is
logged once. No event is lost, and per (project, issue) the events are processed in order."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from conftest import RULES
from gl_cs.cli import cli
from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.seed import COMPLETE_REQUEST
from gl_cs.sandbox.seed_desks import DESKS, EMEA, desks_yaml, seed_desks
from gl_cs.service.journal import open_journal
from service_helpers import SECRET, drain_stderr, end, wait_for

NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)
LONG_AGO = NOW - dt.timedelta(days=30)
AMER = DESKS[0][0]
RENAMED = "sa-team/emea-customer-success"
FY = "FY27-Q4"
PER_DESK = 6
ROUNDS = 3


@pytest.fixture
def world(tmp_path):
    store = Store()
    store.clock = lambda: NOW
    info = seed_desks(store, NOW, desks=2, n_issues=0)
    issues = {}
    for desk in info["desks"]:
        pid = desk["project_id"]
        issues[pid] = [store.add_issue(pid, f"Request {n}", COMPLETE_REQUEST, author="eve.ae",
                                       labels=["SA Backlog", FY], created_at=LONG_AGO, updated_at=LONG_AGO,
                                       label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                                     ("eve.ae", "add", FY, LONG_AGO)])["iid"]
                       for n in range(PER_DESK)]
    rules = tmp_path / "rules.yml"
    rules.write_text(RULES.read_text().replace("project: sa-team/sa-service-desk",
                                               desks_yaml([AMER, EMEA]).rstrip("\n"), 1))
    with Sandbox(store=store) as sandbox:
        yield sandbox, info, issues, rules


def _serve(sandbox, info, rules: Path, journal: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GL_CS_", "GITLAB_"))}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parents[1]), GL_CS_WEBHOOK_SECRET=SECRET)
    argv = [sys.executable, "-m", "gl_cs.commands.service", "--gitlab-url", sandbox.url, "--token", info["token"],
            "--config", str(rules), "--now", NOW.isoformat(), "serve", "--port", "0", "--journal", str(journal),
            "--workers", "2"]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_one_service_serves_two_desks_and_a_renamed_one_without_losing_an_event(world, tmp_path):
    sandbox, info, issues, rules = world
    store = sandbox.store
    amer, emea = (d["project_id"] for d in info["desks"])
    journal = tmp_path / "journal.db"
    proc = _serve(sandbox, info, rules, journal)
    try:
        first = ""  # gl-cs serve's line that says where it listens, and what it serves
        while "listening on" not in first and proc.poll() is None:
            first = proc.stderr.readline()
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first).group(1)
        log = drain_stderr(proc)
        lead = info["manager_username"]
        installed = CliRunner().invoke(cli, ["--gitlab-url", sandbox.url, "--token", info["tokens"][lead],
                                             "--config", str(rules), "hooks", "install", "--url", url + "/webhook"],
                                       env={"GL_CS_WEBHOOK_SECRET": SECRET})
        assert installed.exit_code == 0, installed.output
        assert [len(store.hooks(pid)) for pid in (amer, emea)] == [1, 1]
        assert f"{AMER}: create webhook" in installed.output and f"{EMEA}: create webhook" in installed.output
        person = store.user("eve.ae")["id"]
        removals = 0
        for round_ in range(ROUNDS):
            # GitLab's clock moves between two edits (a frozen one would make two rounds' hooks the very same
            # bytes, which the service rightly takes for redeliveries)
            store.clock = lambda later=dt.timedelta(seconds=round_): NOW + later
            if round_ == 1:  # the EMEA desk is renamed (and moved) in GitLab between two rounds
                store.move_project(emea, RENAMED)
            for pid in (amer, emea):
                for iid in issues[pid]:  # a person takes the quarter's label off; gl-cs puts it back
                    store.api_update_issue(pid, iid, person, {"remove_labels": [FY]})
                    removals += 1
            wait_for(lambda: all(FY in store.issue(pid, iid)["labels"] for pid in (amer, emea)
                                 for iid in issues[pid]), limit=60)
        assert store.deliveries.flush(10)
        # a hook of a project that is no desk is refused (403) and counted by project
        tooling = store.project("sa-team/sa-tooling")["id"]
        body = {"object_kind": "issue", "project": {"id": tooling, "path_with_namespace": "sa-team/sa-tooling"},
                "object_attributes": {"iid": 1, "id": 1, "action": "update"}}
        refused = requests.post(url + "/webhook", data=json.dumps(body), timeout=10,
                                headers={"X-Gitlab-Event": "Issue Hook", "X-Gitlab-Token": SECRET,
                                         "Content-Type": "application/json"})
        metrics = requests.get(url + "/metrics", headers={"X-Gitlab-Token": SECRET}, timeout=10).text
        wait_for(lambda: (lambda j: (j.counts().get("pending", 0) == 0, j.close())[0])(open_journal(str(journal))),
                 limit=60)
    finally:
        end(proc)
    text = "".join(log)
    events = open_journal(str(journal)).events()

    # every person's edit reached gl-cs (no event lost), was processed, and its effect happened once
    delivered = store.deliveries.events()
    assert all(status == 200 for _, status in delivered), delivered
    persons = [e for e in events if e["user_id"] == person]
    assert len(persons) == removals == 2 * PER_DESK * ROUNDS
    assert {e["state"] for e in persons} == {"done"}
    assert {(e["project_id"], e["iid"]) for e in persons} == {(pid, iid) for pid in (amer, emea)
                                                              for iid in issues[pid]}
    bot = store.user(info["bot_username"])["id"]
    for pid in (amer, emea):
        for iid in issues[pid]:
            restores = [e for e in store.label_events(pid, iid) if e["user"] and e["user"]["id"] == bot
                        and e["action"] == "add" and e["label"]["name"] == FY]
            assert len(restores) == ROUNDS, (pid, iid)
    # per (project, issue), an event delivered later is never processed in an earlier run
    runs: dict[tuple[int, int], list[int]] = {}
    for e in sorted(persons, key=lambda e: e["id"]):
        runs.setdefault((e["project_id"], e["iid"]), []).append(e["run_seq"])
    assert all(seqs == sorted(seqs) and len(seqs) == ROUNDS for seqs in runs.values()), runs
    # the renamed desk: served by its id, its new path logged once
    assert text.count(f"is now {RENAMED}") == 1, text
    assert f"listening on {url} (desks {AMER} (id {amer}), {EMEA} (id {emea}); journal" in first
    # another project's hook: refused and counted by its id
    assert refused.status_code == 403
    assert f'gl_cs_webhook_refused_project_total{{project_id="{tooling}"}} 1.0' in metrics
