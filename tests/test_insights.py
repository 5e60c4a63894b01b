"""`gl-cs report --format json` on the sandbox seeded with a month of desk history gives, for
every figure, what tests/insights_truth.py computes independently from the same label
events, notes and the seed's ground truth (medians and 90th percentiles included); the JSON
follows its schema; the Markdown and CSV say the same."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN, make_store
from gl_cs.cli import cli
from gl_cs.insights.export import schema
from gl_cs.sandbox import Sandbox
from gl_cs.sandbox.seed_history import seed_history
from insights_truth import Truth, spread

WEEKS = ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]


def report(sandbox, *args: str) -> CliRunner:
    argv = ["--gitlab-url", sandbox.url, "--token", TOKEN, "--project", PROJECT, "--config", str(RULES),
            "--now", NOW.isoformat(), "report", *args]
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The seeded desk, its truth, and the report in each format (one sandbox for the module)."""
    store, pid = make_store()
    seeded = seed_history(store, pid, NOW)
    record = tmp_path_factory.mktemp("record") / "record.json"
    with Sandbox(store=store) as sandbox:
        out = {fmt: report(sandbox, "--format", fmt, "--record", str(record)) for fmt in ("json", "markdown", "csv")}
    for fmt, result in out.items():
        assert result.exit_code == 0, (fmt, result.output)
    return {"json": json.loads(out["json"].stdout), "markdown": out["markdown"].stdout, "csv": out["csv"].stdout,
            "truth": Truth(store, pid, seeded, NOW)}


def test_the_seeded_month_is_worth_checking(month):
    """The figures below would prove little on an empty month."""
    truth = month["truth"]
    assert len(truth.requests) >= 25 and len(truth.first_entered("triaged")) >= 10
    assert len(truth.waiting()) >= 5 and sum(r["incomplete"] for r in truth.intake().values()) >= 3
    kinds = {(e["by"] == "gl-cs", e["under_24h"]) for e in truth.expedite()}
    assert {(True, True), (False, False), (False, True)} <= kinds
    assert month["json"]["period"] == {
        "first_day": "2026-10-01", "last_day": "2026-10-31", "since": "2026-10-01T00:00:00-07:00",
        "until": "2026-11-01T00:00:00-07:00", "end": "2026-11-01T00:00:00-07:00", "to_date": False,
        "name": "October 2026"}


def test_the_json_follows_its_schema(month):
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(month["json"])
    broken = dict(month["json"], version=2)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema())


def test_flow_per_week_and_open_at_the_end(month):
    data, truth = month["json"], month["truth"]
    flow = truth.flow()
    assert list(flow["weeks"]) == WEEKS
    assert {w["week"]: [w["opened"], w["closed"]] for w in data["flow"]["weeks"]} == flow["weeks"]
    assert data["flow"]["opened"] == sum(v[0] for v in flow["weeks"].values())
    assert data["flow"]["closed"] == sum(v[1] for v in flow["weeks"].values())
    assert {k: v for k, v in data["flow"]["open_at_end"].items() if v} == flow["open_at_end"]
    assert data["requests"] == len(truth.requests)


@pytest.mark.parametrize("section, state", [("time_to_triage", "triaged"), ("time_to_start", "doing")])
def test_time_to_triage_and_to_start(month, section, state):
    expected = month["truth"].first_entered(state)
    got = month["json"][section]
    assert {r["iid"]: r["hours"] for r in got["requests"]} == expected
    assert {k: got[k] for k in ("count", "median_hours", "p90_hours")} == spread(list(expected.values()))


def test_time_in_waiting_per_request_and_per_ae(month):
    truth, got = month["truth"], month["json"]["time_in_waiting"]
    expected = truth.waiting()
    assert {r["iid"]: r["hours"] for r in got["requests"]} == expected
    assert {k: got[k] for k in ("count", "median_hours", "p90_hours")} == spread(list(expected.values()))
    per_ae: dict[str, list[float]] = {}
    for iid, h in expected.items():
        per_ae.setdefault(truth.issues[iid]["author"]["username"], []).append(h)
    assert {a["ae"]: (a["requests"], a["total_hours"], a["median_hours"]) for a in got["by_ae"]} == {
        ae: (len(v), round(sum(v), 2), spread(v)["median_hours"]) for ae, v in per_ae.items()}
    assert got["still_waiting_at_end"] == truth.flow()["open_at_end"].get("waiting", 0)


def test_requests_that_arrived_incomplete_per_ae(month):
    expected, got = month["truth"].intake(), month["json"]["intake"]
    assert {r["ae"]: (r["opened"], r["incomplete"], r["completed"], r["still_incomplete"]) for r in got["by_ae"]} == {
        ae: (r["opened"], r["incomplete"], len(r["done"]), r["incomplete"] - len(r["done"])) for ae, r in expected.items()}
    for row in got["by_ae"]:
        done = expected[row["ae"]]["done"]
        assert {r["iid"]: r["hours"] for r in row["requests"]} == done
        assert row["to_complete_median_hours"] == spread(list(done.values()))["median_hours"]
    everyone = [h for r in expected.values() for h in r["done"].values()]
    assert (got["opened"], got["incomplete"], got["completed"]) == (
        sum(r["opened"] for r in expected.values()), sum(r["incomplete"] for r in expected.values()), len(everyone))
    assert (got["to_complete_median_hours"], got["to_complete_p90_hours"]) == (
        spread(everyone)["median_hours"], spread(everyone)["p90_hours"])


def test_expedite_how_often_by_whom_and_whether_the_event_was_under_24_hours_away(month):
    expected, got = month["truth"].expedite(), month["json"]["expedite"]
    assert sorted(({"iid": e["iid"], "by": e["by"], "under_24h": e["under_24h"]} for e in got["events"]),
                  key=lambda x: x["iid"]) == expected
    assert (got["set"], got["under_24h"], got["not_under_24h"], got["no_date"]) == (
        len(expected), sum(e["under_24h"] for e in expected), sum(not e["under_24h"] for e in expected), 0)


def test_load_per_sa(month):
    expected, got = month["truth"].load(), month["json"]["load"]
    assert {r["sa"]: ({k: v for k, v in r["open"].items() if v}, r["closed_in_period"]) for r in got["sas"]} == {
        sa: (dict(r["open"]), r["closed"]) for sa, r in expected.items()}
    for row in got["sas"]:
        assert row["over_capacity"] == (row["open"]["triaged"] + row["open"]["doing"] > 5)
    assert got["capacity"] == 5


def test_onboarding_time_to_value_per_customer(month):
    expected, got = month["truth"].onboarding(), {c["iid"]: c for c in month["json"]["onboarding"]["customers"]}
    assert set(got) == set(expected)
    assert any(want["targets"] for want in expected.values())  # the targets below are checked at least once
    for iid, want in expected.items():
        customer = got[iid]
        assert (customer["customer"], customer["start"]) == (want["customer"], want["start"])
        assert {s["step"]: s["days"] for s in customer["steps"] if s["days"] is not None} == want["days"]
        if want["targets"]:  # gl-cs's checklists: the handbook's timings as their targets
            assert {s["step"]: s["target_days"] for s in customer["steps"]} == want["targets"]
            assert [want["targets"][n] for n in (1, 2, 3, 4)] == [0, 5, 10, 30]
        assert customer["overdue_steps"] == want["overdue"]
        for key in ("engagement", "infrastructure_ready", "onboarding"):
            assert customer["kpis"][key]["days"] == want[key], (iid, key)
        assert customer["kpis"]["first_value"] == {"days": None, "target_days": None, "within_target": None}
    hand = next(c for c in got.values() if c["customer"] == "Litware")
    assert [(s["title"], s["ticked_date_unknown"]) for s in hand["steps"]][0] == ("Welcome", True)


def test_renewal_reviews_due_opened_and_closed(month):
    expected, got = month["truth"].renewals(), month["json"]["renewals"]
    assert {r["iid"]: (r["due_in_period"], r["opened_in_period"], r["closed_in_period"]) for r in got["reviews"]} \
        == expected
    assert (got["due"], got["opened"], got["closed"]) == tuple(sum(f[n] for f in expected.values()) for n in range(3))


def test_the_markdown_and_the_csv_say_the_same(month):
    data, md = month["json"], month["markdown"]
    for week in data["flow"]["weeks"]:
        assert f"| {week['week']} |" in md
    assert f"| **Total** |  | **{data['flow']['opened']}** | **{data['flow']['closed']}** |" in md
    triage = data["time_to_triage"]
    assert f"| Time to triage (to the first SA Triaged) | {triage['count']} |" in md
    for heading in ("Flow", "Time to triage and to start", "Time in SA Waiting", "Requests that arrived incomplete",
                    "EXPEDITE", "Load per SA", "Onboarding time-to-value", "Renewal reviews"):
        section = md.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
        assert section.rstrip().splitlines()[-1].startswith("_") and section.rstrip().endswith("_"), heading
    assert md.count("```mermaid") == 4
    onboarding = month["truth"].onboarding().values()
    engaged = sorted(c["days"][2] for c in onboarding if 2 in c["days"])
    assert f"| 2. Personal introduction | 5 d | {len(engaged)} of {len(onboarding)} |" in md
    rows = {(r["section"], r["subject"], r["metric"]): r["value"] for r in csv.DictReader(io.StringIO(month["csv"]))}
    assert rows[("time_to_triage", "all", "median_hours")] == str(triage["median_hours"])
    assert rows[("time_to_start", "all", "p90_hours")] == str(data["time_to_start"]["p90_hours"])
    assert rows[("flow", "2026-W41", "opened")] == str(data["flow"]["weeks"][1]["opened"])
    first = data["expedite"]["events"][0]
    assert rows[("expedite", f"#{first['iid']}", "under_24h")] == str(first["under_24h"]).lower()
