"""triage.rotation: the SA Triaged label names the week's Triage SA (`gl-cs rotate`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from conftest import LONG_AGO, NOW, RULES
from gl_cs.config import load_config
from gl_cs.config.model import Absence
from gl_cs.decide.actions import CreateLabel, RenameLabel
from gl_cs.decide.context import Context
from gl_cs.decide.project_rules import rotation
from triage_support import add_sas, run

CONFIG = load_config(RULES)  # rotation from Mon 2026-11-02: ana, ben, chen, dara; NOW is in week 4 (dara)
WHY = "dara.sa is the Triage SA of 2026-W48"


def ctx(labels, now=NOW, config=CONFIG) -> Context:
    return Context(config=config, now=now, project_labels=tuple(labels))


@pytest.mark.parametrize("case, labels, expected", [
    ("first rename", ["SA Backlog", "SA Triaged", "SA Doing"],
     [RenameLabel("triage.rotation", WHY, old="SA Triaged", new="SA Triaged - @dara.sa")]),
    ("last week's name", ["SA Triaged - @chen.sa"],
     [RenameLabel("triage.rotation", WHY, old="SA Triaged - @chen.sa", new="SA Triaged - @dara.sa")]),
    ("a name edited by hand", ["SA Triaged (Chen this week!)"],
     [RenameLabel("triage.rotation", WHY, old="SA Triaged (Chen this week!)", new="SA Triaged - @dara.sa")]),
    ("already this week's name: nothing", ["SA Triaged - @dara.sa"], []),
    ("two candidates, one right: nothing", ["SA Triaged", "SA Triaged - @dara.sa"], []),
    ("two candidates: the newest is the state's label", ["SA Triaged", "SA Triaged - @chen.sa"],
     [RenameLabel("triage.rotation", WHY, old="SA Triaged - @chen.sa", new="SA Triaged - @dara.sa")]),
    ("no label at all: created", ["SA Backlog", "SA Triage"],
     [CreateLabel("triage.rotation", WHY, name="SA Triaged - @dara.sa", color="#44AD8E",
                  description="Vetted, an SA owns it. Its name shows this week's Triage SA (gl-cs)")]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_rotation_rule(case, labels, expected):
    assert rotation.decide([], ctx(labels)) == expected


def test_no_start_or_everyone_out_changes_nothing():
    no_start = replace(CONFIG, triage=replace(CONFIG.triage, start=None))
    assert rotation.decide([], ctx(["SA Triaged"], config=no_start)) == []
    out = replace(CONFIG, triage=replace(CONFIG.triage, absences=tuple(
        Absence(u, dt.date(2026, 11, 23), dt.date(2026, 11, 27)) for u in CONFIG.roster)))
    assert rotation.decide([], ctx(["SA Triaged"], config=out)) == []


def test_absent_triage_sa_is_skipped_and_named_in_the_reason():
    out = replace(CONFIG, triage=replace(CONFIG.triage, absences=(
        Absence("dara.sa", dt.date(2026, 11, 23), dt.date(2026, 11, 24)),)))
    [action] = rotation.decide([], ctx(["SA Triaged"], config=out))
    assert action.new == "SA Triaged - @ana.sa" and "dara.sa out, keeping their turn" in action.why


def test_rotate_renames_once_a_week_and_issues_keep_the_label(desk):
    add_sas(desk)
    iid = desk.issue(labels=("SA Triaged", "FY27-Q4"), assignees=["ana.sa"],
                     label_events=[("ana.sa", "add", "SA Triaged", LONG_AGO)])
    desk.sandbox.requests.reset()
    result = run(desk, "rotate")
    assert result.exit_code == 0, result.output
    assert "Triage SA of 2026-W48 (week of Mon 23 Nov 2026): dara.sa" in result.output
    assert desk.labels(iid) == {"SA Triaged - @dara.sa", "FY27-Q4"}
    reqs = desk.sandbox.requests
    assert reqs.writes() == 1 and reqs.total() == 3  # the user, the labels, the rename

    desk.sandbox.requests.reset()
    again = run(desk, "rotate")
    assert again.exit_code == 0 and "0 writes" in again.output
    assert desk.sandbox.requests.writes() == 0

    # the workflow rules keep working across the rename: a sync finds nothing to change
    code, out, report = desk.sync()
    assert code == 0 and report["changes"] == [], out

    # next week, in the team's zone: Monday 00:30 in Los Angeles is 08:30 UTC
    monday = dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.timezone.utc)
    sunday = monday - dt.timedelta(hours=1)
    assert "0 writes" in run(desk, "rotate", now=sunday).output
    assert run(desk, "rotate", now=monday).exit_code == 0
    assert desk.labels(iid) == {"SA Triaged - @ana.sa", "FY27-Q4"}


def test_rotate_finds_a_label_renamed_by_hand(desk):
    label = [l for l in desk.store.labels(desk.project_id) if l["name"] == "SA Triaged"][0]
    desk.store.api_update_label(desk.project_id, str(label["id"]), desk.store.user("ana.sa")["id"],
                                new_name="SA Triaged (ask Chen)")
    iid = desk.issue(labels=("SA Triaged (ask Chen)", "FY27-Q4"), assignees=["ana.sa"])
    result = run(desk, "rotate")
    assert result.exit_code == 0, result.output
    assert "rename label 'SA Triaged (ask Chen)' to 'SA Triaged - @dara.sa'" in result.output
    assert desk.labels(iid) == {"SA Triaged - @dara.sa", "FY27-Q4"}
    names = [l["name"] for l in desk.store.labels(desk.project_id)]
    assert not any(n == "SA Triaged" or n.startswith("SA Triaged (") for n in names)


def test_rotate_dry_run_writes_nothing(desk):
    desk.sandbox.requests.reset()
    result = run(desk, "rotate", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "rename label 'SA Triaged' to 'SA Triaged - @dara.sa'" in result.output
    assert desk.sandbox.requests.writes() == 0


def test_rotate_without_a_start_date_is_a_configuration_error(desk, rules_with):
    config = rules_with({"    start: 2026-11-02\n": ""})
    result = run(desk, "rotate", config=config)
    assert result.exit_code == 2 and "triage.rotation.start" in result.output
    assert desk.sandbox.requests.writes() == 0
