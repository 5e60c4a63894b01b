"""Many desks in one gl-cs, over real HTTP: five desks of 200 open requests each (EMEA with
its own roster, time zone and triage calls), synced by three shards, by one run of every
desk, and one desk at a time, each world in a sandbox of its own seeded identically.

* the three shards together make exactly the writes of one sync of every desk, each desk
  handled by exactly one shard, and a following sync of every desk writes nothing;
* a desk costs the same requests in a sharded run as in a run of that desk alone, and a
  shard's run asks for the token's user once, however many desks it holds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import RULES
from gl_cs.cli import cli
from gl_cs.config.desks import load_desks
from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.faults import RequestCounter
from gl_cs.sandbox.seed_desks import EMEA, EMEA_TIMEZONE, desks_yaml, seed_desks

NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)  # Monday 09:00 in Los Angeles
SHARDS = 3
DESKS = 5
OPEN = 200


def _world(tmp: Path):
    store = Store()
    store.clock = lambda: NOW
    info = seed_desks(store, NOW, desks=DESKS, open_issues=OPEN)
    rules = tmp / "rules.yml"
    text = RULES.read_text()
    rules.write_text(text.replace("project: sa-team/sa-service-desk",
                                  desks_yaml([d["project_path"] for d in info["desks"]]).rstrip("\n"), 1))
    return store, info, rules


def _gl_cs(sandbox, info, rules: Path, *args: str):
    argv = ["--gitlab-url", sandbox.url, "--token", info["token"], "--config", str(rules), "--now", NOW.isoformat(),
            *args]
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def _sync(sandbox, info, rules: Path, report: Path, record: Path, *args: str) -> dict:
    result = _gl_cs(sandbox, info, rules, "sync", "--report", str(report), "--record", str(record), "-q", *args)
    assert report.exists(), result.output[-3000:]
    data = json.loads(report.read_text())
    assert result.exit_code == 0 and data["complete"] is True, result.output[-3000:]
    return data


def _state(store, pid: int) -> dict:
    """What a sync leaves on a desk, without GitLab's ids and clocks: each issue's labels,
    assignees, state, due date and comments, and the project's labels."""
    issues = {}
    for issue in store.issues(pid):
        notes = [(n["author"]["username"], n["body"], n["system"]) for n in store.notes(pid, issue["iid"])]
        issues[issue["iid"]] = (sorted(issue["labels"]), sorted(a["username"] for a in issue["assignees"]),
                                issue["state"], issue.get("due_date"), notes)
    return {"issues": issues, "labels": sorted(l["name"] for l in store.labels(pid))}


def _writes(counts: dict) -> dict:
    return {k: n for k, n in counts.items() if k[0] in RequestCounter.WRITE_METHODS}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """(sharded, all at once, one desk at a time): each its sandbox, what it did, and a
    fresh sync of every desk after the shards."""
    out = {}
    # 1. three shards, each a process of its own would be: its own report and record files
    tmp = tmp_path_factory.mktemp("sharded")
    store, info, rules = _world(tmp)
    with Sandbox(store=store) as sandbox:
        shards = [_sync(sandbox, info, rules, tmp / f"report-{i}.json", tmp / "record.json", "--shard", f"{i}/{SHARDS}")
                  for i in range(1, SHARDS + 1)]
        merged = _gl_cs(sandbox, info, rules, "merge-reports", *(str(tmp / f"report-{i}.json")
                                                                 for i in range(1, SHARDS + 1)))
        requests = {d["project_id"]: sandbox.requests.of_project(d["project_id"]) for d in info["desks"]}
        outside = sandbox.requests.outside_projects()
        state = {d["project_id"]: _state(store, d["project_id"]) for d in info["desks"]}
        sandbox.requests.reset()
        after = _sync(sandbox, info, rules, tmp / "after.json", tmp / "record.json")
        after_requests = sandbox.requests.total()
    out["sharded"] = dict(info=info, shards=shards, merged=merged, requests=requests, outside=outside, state=state,
                          after=after, after_requests=after_requests, records=sorted(p.name for p in
                                                                                    tmp.glob("record*.json")))
    # 2. one sync of every desk
    tmp = tmp_path_factory.mktemp("all")
    store, info, rules = _world(tmp)
    with Sandbox(store=store) as sandbox:
        report = _sync(sandbox, info, rules, tmp / "report.json", tmp / "record.json")
        out["all"] = dict(info=info, report=report, state={d["project_id"]: _state(store, d["project_id"])
                                                           for d in info["desks"]},
                          requests={d["project_id"]: sandbox.requests.of_project(d["project_id"])
                                    for d in info["desks"]})
    # 3. each desk alone (--project), as a one-desk gl-cs would run it
    tmp = tmp_path_factory.mktemp("alone")
    store, info, rules = _world(tmp)
    with Sandbox(store=store) as sandbox:
        alone = [_sync(sandbox, info, rules, tmp / f"report-{n}.json", tmp / f"record-{n}.json",
                       "--project", d["project_path"]) for n, d in enumerate(info["desks"])]
        out["alone"] = dict(info=info, reports=alone, outside=sandbox.requests.outside_projects(),
                            requests={d["project_id"]: sandbox.requests.of_project(d["project_id"])
                                      for d in info["desks"]})
    return out


def test_the_desks_are_five_with_emea_in_its_own_time_zone(tmp_path):
    store, info, rules = _world(tmp_path)
    settings = load_desks(rules)
    zones = {r.name: settings.config_for(r).timezone for r in settings.listed}
    assert len(zones) == DESKS and zones.pop(EMEA) == EMEA_TIMEZONE and set(zones.values()) == {"America/Los_Angeles"}
    for desk in info["desks"]:
        assert sum(1 for i in store.issues(desk["project_id"]) if i["state"] == "opened") == OPEN


def test_three_shards_handle_each_desk_exactly_once(worlds):
    run = worlds["sharded"]
    keys = [d["desk"] for shard in run["shards"] for d in shard["desks"]]
    assert sorted(keys) == sorted(d["project_path"] for d in run["info"]["desks"])
    assert [s["shard"] for s in run["shards"]] == [f"{i}/{SHARDS}" for i in range(1, SHARDS + 1)]
    assert all(s["desks_total"] == DESKS for s in run["shards"])
    assert run["merged"].exit_code == 0, run["merged"].output
    assert f"merged 3 reports: 5 desks of 5" in run["merged"].stderr
    # one record per desk, beside --record's file
    assert run["records"] == sorted(f"record-sa-team%2F{d['project_path'].split('/')[1]}.json"
                                    for d in run["info"]["desks"])


def test_the_shards_make_exactly_the_writes_of_one_sync_of_every_desk(worlds):
    sharded, everything = worlds["sharded"], worlds["all"]
    assert sum(s["writes"] for s in sharded["shards"]) == everything["report"]["writes"] > DESKS * OPEN
    for desk in sharded["info"]["desks"]:
        pid = desk["project_id"]
        assert _writes(sharded["requests"][pid]) == _writes(everything["requests"][pid]), desk["project_path"]
        assert sharded["state"][pid] == everything["state"][pid], desk["project_path"]
    by_desk = {d["project"]: d["report"]["writes"] for s in sharded["shards"] for d in s["desks"]}
    assert by_desk == {d["project"]: d["report"]["writes"] for d in everything["report"]["desks"]}


def test_a_sync_of_every_desk_after_the_shards_writes_nothing(worlds):
    after = worlds["sharded"]["after"]
    assert after["writes"] == 0 and after["changes"] == [] and len(after["desks"]) == DESKS
    assert after["requests"] == worlds["sharded"]["after_requests"]  # what gl-cs says is what GitLab saw
    assert after["descriptions_read"] == 0  # every desk's record (one file each) was kept


def test_a_desk_costs_the_same_requests_in_a_sharded_run_as_alone(worlds):
    sharded, alone = worlds["sharded"], worlds["alone"]
    for desk in sharded["info"]["desks"]:
        pid = desk["project_id"]
        assert sharded["requests"][pid] == alone["requests"][pid], desk["project_path"]
    # and what is no desk's: the token's user once per process, its scopes once per process that writes
    holding = sum(1 for s in sharded["shards"] if s["desks"])
    assert sharded["outside"] == {("GET", "/user"): SHARDS, ("GET", "/personal_access_tokens/self"): holding}
    assert alone["outside"] == {("GET", "/user"): DESKS, ("GET", "/personal_access_tokens/self"): DESKS}
    # each run's report counts every request it sent
    per_run = [s["requests"] for s in sharded["shards"]]
    assert sum(per_run) == sum(sum(c.values()) for c in sharded["requests"].values()) + SHARDS + holding
