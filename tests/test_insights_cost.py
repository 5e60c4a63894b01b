"""What a report costs in requests, counted exactly by the sandbox's per-route counters: the
first report reads the label history of each request open in the period that changed since
it began, and the comments it needs; a second report of the same or an overlapping period
reads only what changed or is new to it (the record keeps the rest, the sync keeps the record's
history section)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import NOW
from gl_cs.sandbox.seed_history import seed_history
from insights_truth import t

EVENTS = ("GET", "/projects/:id/issues/:iid/resource_label_events")
NOTES = ("GET", "/projects/:id/issues/:iid/notes")
SETUP = 4  # the token's user, the labels, the open issues and the closed ones (a page each)


@pytest.fixture
def month(desk):
    seeded = seed_history(desk.store, desk.project_id, NOW)
    return desk, seeded


def report(desk, *args: str) -> dict:
    result = desk.run("report", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    data.pop("reads")
    data.pop("generated_at")
    return data


def needs(desk, seeded, since: dt.datetime, until: dt.datetime) -> tuple[set[int], set[int]]:
    """The requests whose label history the period needs (open in it, changed since it
    began), and the requests and checklists whose comments it needs."""
    events, notes = set(), set()
    # a closed SA Action Items issue lost its label: only its history tells it is no request
    for iid in [*seeded["requests"], *seeded["closed_action_items"]]:
        issue = desk.get(iid)
        created, closed = t(issue["created_at"]), t(issue["closed_at"])
        if created >= until or (closed is not None and closed < since):
            continue
        if t(issue["updated_at"]) >= since:
            events.add(iid)
        if since <= created < until and issue["user_notes_count"]:
            notes.add(iid)
    notes |= {iid for iid in seeded["checklists"] if "- [x]" in desk.get(iid)["description"]}
    return events, notes


def test_a_first_report_reads_each_changed_requests_history_once_and_a_second_reads_none(month):
    desk, seeded = month
    reqs = desk.sandbox.requests
    events, notes = needs(desk, seeded, seeded["since"], seeded["until"])
    assert len(events) >= 20 and len(notes) >= 10  # a real month's worth

    reqs.reset()
    first = report(desk)
    assert (reqs.get(*EVENTS), reqs.get(*NOTES)) == (len(events), len(notes))
    assert reqs.total() == SETUP + len(events) + len(notes) and reqs.writes() == 0

    reqs.reset()
    assert report(desk) == first
    assert reqs.total() == SETUP and reqs.get(*EVENTS) == reqs.get(*NOTES) == 0


def test_after_changes_a_report_of_the_same_period_reads_only_the_changed_issues(month):
    desk, seeded = month
    store, pid, reqs = desk.store, desk.project_id, desk.sandbox.requests
    first = report(desk)
    events, _ = needs(desk, seeded, seeded["since"], seeded["until"])
    moved, commented = sorted(i for i in events if desk.get(i)["state"] == "opened"
                              and "SA Doing" in desk.get(i)["labels"])[:2]
    ana = store.user("ana.sa")["id"]
    store.api_update_issue(pid, moved, ana, {"add_labels": ["SA Waiting"], "remove_labels": ["SA Doing"]})
    store.api_create_note(pid, commented, store.user("eve.ae")["id"], "Any news?")

    reqs.reset()
    again = report(desk)
    _, notes = needs(desk, seeded, seeded["since"], seeded["until"])
    assert reqs.get(*EVENTS) == 2  # the two changed requests, nothing else
    assert reqs.get(*NOTES) == len({moved, commented} & notes)
    assert reqs.total() == SETUP + 2 + len({moved, commented} & notes)
    assert again == first  # what happened after October does not change October


def test_an_overlapping_period_reads_only_what_is_new_to_it(month):
    desk, seeded = month
    reqs = desk.sandbox.requests
    events1, notes1 = needs(desk, seeded, seeded["since"], seeded["until"])
    report(desk)
    zone = seeded["since"].tzinfo
    since2 = dt.datetime(2026, 10, 15, tzinfo=zone)
    until2 = dt.datetime(2026, 11, 16, tzinfo=zone)
    events2, notes2 = needs(desk, seeded, since2, until2)
    assert events2 - events1 and events2 & events1  # the periods overlap, and the second has new requests

    reqs.reset()
    result = desk.run("report", "--since", "2026-10-15", "--until", "2026-11-15", "--format", "json")
    assert result.exit_code == 0, result.output
    assert reqs.get(*EVENTS) == len(events2 - events1)
    assert reqs.get(*NOTES) == len(notes2 - notes1)
    assert reqs.total() == SETUP + len(events2 - events1) + len(notes2 - notes1)
    reads = json.loads(result.stdout)["reads"]
    assert reads["label_histories_from_record"] == len(events2 & events1)


def test_the_sync_keeps_the_history_so_closed_issues_are_never_read_again(month, record_file):
    desk, seeded = month
    reqs = desk.sandbox.requests
    events, _ = needs(desk, seeded, seeded["since"], seeded["until"])
    report(desk)
    code, out, _ = desk.sync()  # the scheduled sync: it edits open requests (fiscal quarter, ...)
    assert code == 0, out
    assert json.loads(record_file.read_text())["history"]
    closed = {i for i in events if desk.get(i)["state"] == "closed"}
    still_open = {i for i in seeded["requests"] if desk.get(i)["state"] == "opened"}
    assert closed

    reqs.reset()
    result = desk.run("report", "--format", "json")
    assert result.exit_code == 0, result.output
    read = {int(path.split("/issues/")[1].split("/")[0]) for method, route, path, _ in reqs.history
            if (method, route) == EVENTS}
    assert read and read <= still_open and not read & closed  # only what the sync changed
