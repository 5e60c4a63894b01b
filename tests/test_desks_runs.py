"""Runs of several desks: a desk that fails is reported and the others still run; a team
that grows from one desk to several keeps its record; shards' reports merge into one; the
triage commands run per desk, each in its own time zone."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import RULES
from gl_cs.cli import cli
from gl_cs.sandbox import Sandbox, Store
from gl_cs.sandbox.seed_desks import DESKS, EMEA, EMEA_OVERRIDE, desks_yaml, seed_desks

NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)
AMER = DESKS[0][0]
ONE = "project: sa-team/sa-service-desk"


@pytest.fixture
def two(tmp_path):
    store = Store()
    store.clock = lambda: NOW
    info = seed_desks(store, NOW, desks=2, n_issues=12)
    with Sandbox(store=store) as sandbox:
        yield sandbox, info


def rules_file(tmp_path: Path, text: str, name: str = "rules.yml") -> Path:
    path = tmp_path / name
    path.write_text(RULES.read_text().replace(ONE, text.rstrip("\n"), 1))
    return path


def gl_cs(sandbox, info, rules: Path, *args: str, token: str | None = None):
    argv = ["--gitlab-url", sandbox.url, "--token", token or info["token"], "--config", str(rules),
            "--now", NOW.isoformat(), *args]
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def test_a_desk_that_fails_is_reported_and_the_others_still_run(two, tmp_path):
    sandbox, info = two
    rules = rules_file(tmp_path, f"projects: [{AMER}, sa-team/deleted-desk, {EMEA}]")
    report = tmp_path / "report.json"
    result = gl_cs(sandbox, info, rules, "sync", "--report", str(report), "--record", "")
    data = json.loads(report.read_text())
    assert result.exit_code == 1, result.output
    assert [(d["project"], d["exit_code"]) for d in data["desks"]] == [(AMER, 0), ("sa-team/deleted-desk", 2),
                                                                        (EMEA, 0)]
    assert "project 'sa-team/deleted-desk' not found" in data["desks"][1]["error"]
    assert data["desks"][0]["report"]["writes"] > 0 and data["desks"][2]["report"]["writes"] > 0
    assert data["complete"] is False and data["exit_code"] == 1
    assert "3 desks run; 1 failed (sa-team/deleted-desk); exit 1" in result.stderr
    for desk in info["desks"]:  # both real desks were synced
        assert any("FY27-Q4" in i["labels"] for i in sandbox.store.issues(desk["project_id"]))


def test_every_desk_failing_before_writing_is_exit_2(two, tmp_path):
    sandbox, info = two
    rules = rules_file(tmp_path, "projects: [sa-team/gone-1, sa-team/gone-2]")
    result = gl_cs(sandbox, info, rules, "sync", "--record", "")
    assert result.exit_code == 2


def test_a_team_that_grows_to_several_desks_keeps_the_first_desks_record(two, tmp_path, caplog):
    sandbox, info = two
    record = tmp_path / ".gl-cs" / "record.json"
    alone = rules_file(tmp_path, f"project: {AMER}", "one.yml")
    assert gl_cs(sandbox, info, alone, "sync", "--record", str(record)).exit_code == 0
    assert record.exists()
    grown = rules_file(tmp_path, desks_yaml([AMER, EMEA]), "two.yml")
    report = tmp_path / "grown.json"
    with caplog.at_level(logging.WARNING, logger="gl_cs"):
        result = gl_cs(sandbox, info, grown, "sync", "--record", str(record), "--report", str(report))
    assert result.exit_code == 0, result.output
    amer, emea = json.loads(report.read_text())["desks"]
    again = gl_cs(sandbox, info, grown, "sync", "--record", str(record), "--report", str(report))
    amer_again, emea_again = json.loads(report.read_text())["desks"]
    assert again.exit_code == 0, again.output
    # AMER's record moved with it: its first run as one of two desks costs what a settled run does
    assert amer["report"]["writes"] == 0 and amer["report"]["requests"] == amer_again["report"]["requests"]
    # EMEA, new, was read and synced once
    assert emea["report"]["writes"] > 0 and emea_again["report"]["writes"] == 0
    assert emea["report"]["requests"] > emea_again["report"]["requests"]
    assert not record.exists()
    assert sorted(p.name for p in record.parent.glob("record*.json")) == [
        "record-sa-team%2Famer-service-desk.json", "record-sa-team%2Femea-service-desk.json"]
    assert any("moved to" in r.getMessage() and "amer-service-desk" in r.getMessage() for r in caplog.records)


def test_issue_needs_one_desk(two, tmp_path):
    sandbox, info = two
    rules = rules_file(tmp_path, desks_yaml([AMER, EMEA]))
    result = gl_cs(sandbox, info, rules, "sync", "--issue", "1")
    assert result.exit_code == 2 and "--issue works on one desk" in result.output
    one = gl_cs(sandbox, info, rules, "sync", "--issue", "1", "--project", EMEA, "--record", "")
    assert one.exit_code == 0, one.output


def test_the_rotation_and_the_summary_run_on_each_desk_in_its_own_time(two, tmp_path):
    """EMEA's rotation order starts with its own SA and its calls are on Mon and Wed at
    10:00 Berlin; AMER keeps rules.yml's."""
    sandbox, info = two
    rules = rules_file(tmp_path, desks_yaml([AMER, EMEA]))
    report = tmp_path / "rotate.json"
    rotated = gl_cs(sandbox, info, rules, "rotate", "--report", str(report))
    assert rotated.exit_code == 0, rotated.output
    labels = {d["project_path"]: {l["name"] for l in sandbox.store.labels(d["project_id"])} for d in info["desks"]}
    assert {l for l in labels[EMEA] if l.startswith("SA Triaged")} == {"SA Triaged - @eva.sa"}  # its own order
    assert not any(name.startswith("SA Triaged - @eva") for name in labels[AMER])
    assert [d["project"] for d in json.loads(report.read_text())["desks"]] == [AMER, EMEA]
    printed = gl_cs(sandbox, info, rules, "summary", "--print", "--record", "")
    assert printed.exit_code == 0, printed.output
    assert printed.output.count("== ") == 2 and "Wed 25 Nov" in printed.output.split(f"== {EMEA}")[1]


def _run_report(desks: list[dict], shard: str | None, total: int = 3, **extra) -> dict:
    return {"format": "gl-cs.run/1", "command": "sync", "now": NOW.isoformat(), "dry_run": False, "shard": shard,
            "desks_total": total, "requests": 1 + sum(d["report"]["requests"] for d in desks), "exit_code": 0,
            "complete": True, "desks": desks, **extra}


def _desk(key: str, writes: int) -> dict:
    return {"desk": key, "project": key, "path": None, "exit_code": 0, "error": None,
            "report": {"writes": writes, "requests": 10, "issues_seen": 4, "descriptions_read": 4, "changes": [
                {"issue": 1, "rule": "workflow.state", "what": "x", "why": "y", "url": ""}] * writes,
                "findings": [], "failures": [], "counts": {"workflow.state": writes}, "labels_created": [],
                "fatal": None}}


@pytest.mark.parametrize("reports, code, said", [
    ([[("a", 1)], [("b", 2), ("c", 0)]], 0, "3 desks of 3, 3 changes, 3 writes"),
    ([[("a", 1)], [("b", 2)]], 1, "1 of 3 desks in no report"),
    ([[("a", 1), ("b", 1)], [("b", 2), ("c", 0)]], 1, "reported twice: b"),
])
def test_merge_reports_sums_the_shards_and_says_what_is_missing_or_twice(tmp_path, reports, code, said):
    paths = []
    for n, desks in enumerate(reports, 1):
        path = tmp_path / f"r{n}.json"
        path.write_text(json.dumps(_run_report([_desk(k, w) for k, w in desks], f"{n}/{len(reports)}")))
        paths.append(str(path))
    result = CliRunner().invoke(cli, ["merge-reports", *paths, "-o", str(tmp_path / "all.json")])
    merged = json.loads((tmp_path / "all.json").read_text())
    assert result.exit_code == code and said in result.stderr, result.output
    assert merged["requests"] == sum(1 + 10 * len(d) for d in reports)
    assert {c["project"] for c in merged["changes"]} <= {"a", "b", "c"}


def test_merge_reports_refuses_what_is_not_a_run_report(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{\"complete\": tru")
    result = CliRunner().invoke(cli, ["merge-reports", str(bad)])
    assert result.exit_code == 2 and "not JSON" in result.output


def test_a_group_with_a_topic_names_its_desks(two, tmp_path):
    """`group:` is read once per run (GET /groups/:id/projects); a project of the group
    without the topic is no desk; an override by path applies to the group's desk; the
    desks' keys are their ids."""
    sandbox, info = two
    amer, emea = info["desks"]
    rules = rules_file(tmp_path, "group: {path: sa-team, topic: sa-service-desk}\ndesks:\n" + EMEA_OVERRIDE)
    report = tmp_path / "report.json"
    sandbox.requests.reset()
    result = gl_cs(sandbox, info, rules, "sync", "--dry-run", "--report", str(report), "--record", "")
    data = json.loads(report.read_text())
    assert result.exit_code == 0, result.output
    assert [(d["desk"], d["path"]) for d in data["desks"]] == [(str(amer["project_id"]), AMER),
                                                               (str(emea["project_id"]), EMEA)]
    assert sandbox.requests.get("GET", "/groups/:id/projects") == 1
    assert data["desks_total"] == 2 and data["writes"] == 0
    assert "2 of 2 desks (sa-team/amer-service-desk, sa-team/emea-service-desk)" in result.stderr
    only = rules_file(tmp_path, "group: {path: sa-team, name: 'emea-*'}", "only.yml")
    result = gl_cs(sandbox, info, only, "sync", "--dry-run", "--report", str(report), "--record", "")
    assert [d["path"] for d in json.loads(report.read_text())["desks"]] == [EMEA], result.output


def _hooks_install(sandbox, info, rules: Path, *args: str):
    lead = info["manager_username"]
    return CliRunner().invoke(cli, ["--gitlab-url", sandbox.url, "--token", info["tokens"][lead], "--config",
                                    str(rules), "hooks", "install", "--url", "http://127.0.0.1:9/webhook", *args],
                              env={"GL_CS_WEBHOOK_SECRET": "s3cret"})


def test_hooks_install_puts_one_hook_on_a_group_whose_every_project_is_a_desk(two, tmp_path):
    """It needs the group's Owner (and GitLab Premium); the group's hook also carries the
    events of projects added to the group later."""
    sandbox, info = two
    store = sandbox.store
    store.add_group_member("sa-team", info["manager_username"], 50)
    rules = rules_file(tmp_path, "group: {path: sa-team, subgroups: true}")
    result = _hooks_install(sandbox, info, rules)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("group sa-team (every desk, and projects added to it later): create webhook")
    assert len(store.group_hooks("sa-team")) == 1
    assert [len(store.hooks(d["project_id"])) for d in info["desks"]] == [0, 0]
    again = _hooks_install(sandbox, info, rules, "--dry-run")
    assert again.exit_code == 0 and "is already right: nothing to do" in again.output, again.output
    later = store.add_project("sa-team/smb-service-desk")  # a desk added to the group after the install
    store.add_member(later["id"], "eve.ae", 30)
    issue = store.add_issue(later["id"], "Request", "text", author="eve.ae")
    store.api_update_issue(later["id"], issue["iid"], store.user("eve.ae")["id"], {"add_labels": ["Priority::1"]})
    assert store.deliveries.flush(10)
    assert [(d.url, d.payload["project"]["id"]) for d in store.deliveries.records] == [
        ("http://127.0.0.1:9/webhook", later["id"])]


def test_hooks_install_falls_back_to_each_desk_where_the_group_hook_is_not_possible(two, tmp_path):
    """A Maintainer of the desks who is not the group's Owner: GitLab refuses the group's
    hook (403), so each desk gets one."""
    sandbox, info = two
    rules = rules_file(tmp_path, "group: {path: sa-team, subgroups: true}")
    result = _hooks_install(sandbox, info, rules)
    assert result.exit_code == 0, result.output
    assert "no hook on group sa-team" in result.stderr and "one on each desk instead" in result.stderr
    assert "403" in result.stderr and "Owner of the group" in result.stderr
    projects = [d["project_id"] for d in info["desks"]] + [sandbox.store.project("sa-team/sa-tooling")["id"]]
    assert [len(sandbox.store.hooks(pid)) for pid in projects] == [1, 1, 1]
    assert sandbox.store.group_hooks("sa-team") == []
    again = _hooks_install(sandbox, info, rules, "--dry-run")
    assert again.exit_code == 0 and again.output.count("is already right: nothing to do") == 3, again.output


def test_a_filtered_group_never_gets_a_group_hook(two, tmp_path):
    """Its other projects' events would be refused (403), and GitLab disables a failing hook."""
    sandbox, info = two
    sandbox.store.add_group_member("sa-team", info["manager_username"], 50)
    rules = rules_file(tmp_path, "group: {path: sa-team, topic: sa-service-desk, subgroups: true}")
    result = _hooks_install(sandbox, info, rules)
    assert result.exit_code == 0, result.output
    assert sandbox.store.group_hooks("sa-team") == []
    assert [len(sandbox.store.hooks(d["project_id"])) for d in info["desks"]] == [1, 1]


def test_the_insights_of_several_desks_are_one_file_each_in_each_desks_time_zone(two, tmp_path):
    sandbox, info = two
    rules = rules_file(tmp_path, desks_yaml([AMER, EMEA]))
    out = tmp_path / "insights.json"
    result = gl_cs(sandbox, info, rules, "report", "--format", "json", "--output", str(out), "--record", "",
                   "--since", "2026-11-01", "--until", "2026-11-22")
    assert result.exit_code == 0, result.output
    files = {p.name: json.loads(p.read_text()) for p in tmp_path.glob("insights*.json")}
    assert sorted(files) == ["insights-sa-team%2Famer-service-desk.json", "insights-sa-team%2Femea-service-desk.json"]
    said = {name: (data["project"], data["timezone"], data["period"]["since"]) for name, data in files.items()}
    assert said == {"insights-sa-team%2Famer-service-desk.json": (AMER, "America/Los_Angeles",
                                                                  "2026-11-01T00:00:00-07:00"),
                    "insights-sa-team%2Femea-service-desk.json": (EMEA, "Europe/Berlin", "2026-11-01T00:00:00+01:00")}


def test_a_gitlab_parallel_job_takes_its_own_shard_and_a_wrong_one_is_one_line(two, tmp_path):
    sandbox, info = two
    rules = rules_file(tmp_path, desks_yaml([AMER, EMEA]))
    argv = ["--gitlab-url", sandbox.url, "--token", info["token"], "--config", str(rules), "--now", NOW.isoformat(),
            "sync", "--dry-run", "--record", ""]
    jobs = [CliRunner().invoke(cli, argv, env={"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": "2"}) for i in (1, 2)]
    for i, job in enumerate(jobs, 1):
        assert job.exit_code == 0, job.output
        assert f"gl-cs: shard {i}/2 (from this job's CI_NODE_INDEX/CI_NODE_TOTAL)" in job.stderr
    held = [re.search(r"1 of 2 desks \((\S+)\)", job.stderr).group(1) for job in jobs]
    assert sorted(held) == sorted([AMER, EMEA])
    wrong = CliRunner().invoke(cli, argv + ["--shard", "3/2"])
    assert wrong.exit_code == 2 and wrong.stderr.strip() == "gl-cs: --shard: shard 3 of 2 does not exist; use 1 to 2"


def test_serve_reads_a_groups_desks_from_the_group_listing_alone(two, tmp_path):
    """`gl-cs serve` needs each desk's id and path: a group's listing says both, so no
    project is read again (a desk rules.yml names by path is read once)."""
    from gl_cs.app.desk import Connection
    from gl_cs.commands.service import _served_desks
    from gl_cs.config.desks import load_desks

    sandbox, info = two
    amer, emea = info["desks"]
    rules = rules_file(tmp_path, "group: {path: sa-team, topic: sa-service-desk}")
    sandbox.requests.reset()
    desks = _served_desks(load_desks(str(rules)), Connection(sandbox.url, info["token"]))
    assert {pid: ref.path for pid, ref in desks.items()} == {amer["project_id"]: AMER,
                                                              emea["project_id"]: EMEA}
    assert sandbox.requests.get("GET", "/groups/:id/projects") == 1
    assert sandbox.requests.get("GET", "/projects/:id") == 0
    named = rules_file(tmp_path, desks_yaml([AMER, EMEA]).rstrip("\n"), "named.yml")
    sandbox.requests.reset()
    assert set(_served_desks(load_desks(str(named)), Connection(sandbox.url, info["token"]))) == \
        {amer["project_id"], emea["project_id"]}
    assert sandbox.requests.get("GET", "/projects/:id") == 2
