"""rules.yml `triage:`: defaults, and every mistake as FILE:LINE: what, allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import RULES
from gl_cs.config import load_config, parse_config
from gl_cs.config.model import Absence, RotationChange, TriageConfig

from test_config import TEXT, line_of, problems  # noqa: E402  (the same line-numbered checks)


def test_shipped_triage_section():
    t = load_config(RULES).triage
    assert t.start == dt.date(2026, 11, 2) and t.order == ("ana.sa", "ben.sa", "chen.sa", "dara.sa")
    assert t.label_format == "SA Triaged - @{username}" and t.issue_label == "SA Triage"
    assert (t.call_days, t.call_time, t.call_timezone) == ((0, 1, 3), dt.time(9, 30), "America/Los_Angeles")
    assert (t.chase_after_days, t.stale_days, t.upcoming_days, t.capacity) == (7, 7, 7, 5)


def test_defaults_without_a_triage_section():
    text = TEXT[:TEXT.index("\ntriage:")] + "\n"
    assert parse_config(text).triage == TriageConfig()


def test_absences_changes_and_calls_are_read():
    absences = ("    absences:\n      - {user: ben.sa, from: 2026-12-21, to: 2027-01-01}\n"
                "      - {user: ana.sa, from: '2026-12-24'}\n")
    text = TEXT.replace("    absences: []\n", absences) \
               .replace("    changes: []\n", "    changes:\n      - {from: 2027-02-01, order: [chen.sa, ana.sa]}\n") \
               .replace("days: [Mon, Tue, Thu]", "days: [Wed]").replace('time: "09:30"', 'time: "14:05"')
    t = parse_config(text).triage
    assert t.absences == (Absence("ben.sa", dt.date(2026, 12, 21), dt.date(2027, 1, 1)),
                          Absence("ana.sa", dt.date(2026, 12, 24), dt.date(2026, 12, 24)))
    assert t.changes == (RotationChange(dt.date(2027, 2, 1), ("chen.sa", "ana.sa")),)
    assert t.call_days == (2,) and t.call_time == dt.time(14, 5)


@pytest.mark.parametrize("old, new, needle, expected", [
    ("start: 2026-11-02", "start: next monday", "start: next monday",
     "triage.rotation.start is 'next monday', not a date; write it as YYYY-MM-DD"),
    ("order: [ana.sa, ben.sa, chen.sa, dara.sa]", "order: [ana.sa, zed.sa]", "order: [ana.sa, zed.sa]",
     "triage.rotation.order[1] 'zed.sa' is not in team.roster"),
    ("    absences: []", "    absences:\n      - {user: ben.sa, from: 2026-12-21, to: 2026-12-01}", "to: 2026-12-01",
     "triage.rotation.absences[0].to is before its 'from' date"),
    ("    absences: []", "    absences:\n      - {user: ben.sa, form: 2026-12-21}", "form:",
     "unknown key 'form' in triage.rotation.absences[0] (did you mean 'from'?)"),
    ("    absences: []", "    absences:\n      - {user: zed.sa, from: 2026-12-21}", "user: zed.sa",
     "triage.rotation.absences[0].user 'zed.sa' is not in team.roster"),
    ("    changes: []", "    changes:\n      - {from: 2027-01-04, order: [ana.sa, zed.sa]}", "zed.sa",
     "triage.rotation.changes[0].order[1] 'zed.sa' is not in team.roster"),
    ("    changes: []", "    changes:\n      - {from: 2026-10-05, order: [ana.sa]}", "from: 2026-10-05",
     "triage.rotation.changes[0].from must come after the rotation's start"),
    ('label_format: "SA Triaged - @{username}"', 'label_format: "Triage: {username}"', "Triage: {username}",
     "must start with 'SA Triaged'"),
    ('label_format: "SA Triaged - @{username}"', 'label_format: "SA Triaged - {user}"', "{user}",
     "cannot be filled (KeyError: 'user'); the one placeholder is {username}"),
    ('label_format: "SA Triaged - @{username}"', 'label_format: "SA Triaged this week"', "SA Triaged this week",
     "must contain {username}"),
    ("days: [Mon, Tue, Thu]", "days: [Monday]", "days:", "allowed: Mon | Tue | Wed | Thu | Fri | Sat | Sun"),
    ('time: "09:30"', 'time: "9.30am"', "time:", "triage.calls.time"),
    ("    timezone: America/Los_Angeles", "    timezone: Pacific", "timezone: Pacific",
     "triage.calls.timezone 'Pacific' is not a time zone"),
    ("capacity: 5", "capacity: -1", "capacity:", "triage.capacity is -1, must be at least 0"),
    ("      match: prefix\n", "", "    triaged:", "labels.workflow.triaged needs 'match: prefix'"),
], ids=lambda v: v if isinstance(v, str) and " " not in v else None)
def test_triage_mistakes_point_at_their_line(old, new, needle, expected):
    assert old in TEXT, old
    text = TEXT.replace(old, new)
    found = problems(text)
    assert any(expected in p for p in found), found
    line = line_of(text, needle)
    assert any(p.startswith(f"rules.yml:{line}:") and expected in p for p in found), (line, found)
