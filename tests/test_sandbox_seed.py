"""The seeded SA Service Desk contains the situations gl-cs must handle (no HTTP needed)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from gl_cs.sandbox import Store, seed_service_desk
from gl_cs.sandbox.seed import FIELDS, MANAGED_LABELS, SCENARIO_KEYS, UNMANAGED_LABELS, WORKFLOW_LABELS

NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def desk() -> tuple[Store, dict]:
    store = Store()
    return store, seed_service_desk(store, NOW)


def issue(desk, key: str) -> dict:
    store, info = desk
    return store.issue(info["project_id"], info["scenarios"][key])


def events(desk, key: str) -> list[dict]:
    store, info = desk
    return store.label_events(info["project_id"], info["scenarios"][key])


def workflow(labels) -> list[str]:
    return [l for l in labels if l in WORKFLOW_LABELS]


def last_add(evts: list[dict], label: str) -> dict:
    return [e for e in evts if e["action"] == "add" and e["label"]["name"] == label][-1]


def ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_people_tokens_and_membership(desk) -> None:
    store, info = desk
    assert (info["project_path"], info["token"], info["bot_username"]) == (
        "sa-team/sa-service-desk", "sandbox-token", "gl-cs-bot")
    assert store.authenticate("sandbox-token")["username"] == "gl-cs-bot"
    assert all(not token.startswith("glpat-") for token in info["tokens"].values())
    members = {m["username"]: m["access_level"] for m in store.members(info["project_id"])}
    assert {members[u] for u in info["sa_usernames"]} == {30}
    assert {members[u] for u in info["ae_usernames"]} == {20}
    assert len(info["sa_usernames"]) >= 4 and len(info["ae_usernames"]) >= 3
    assert info["outsider_username"] not in members
    assert members[info["guest_username"]] == 10
    assert store.user(info["outsider_username"])["id"] == info["users"][info["outsider_username"]]


def test_labels(desk) -> None:
    store, info = desk
    names = {l["name"] for l in store.labels(info["project_id"])}
    assert set(MANAGED_LABELS) | set(UNMANAGED_LABELS) <= names
    assert {"SA Backlog", "SA Triaged", "SA Doing", "SA Waiting", "SA Action Items", "EXPEDITE",
            "Services", "FY27-Q3", "customer::acme", "Priority::1"} <= names


def test_thirty_issues_with_named_scenarios(desk) -> None:
    store, info = desk
    assert len(store.issues(info["project_id"])) == 30
    assert list(info["scenarios"]) == SCENARIO_KEYS
    assert sorted(info["scenarios"].values()) == list(range(1, 31))


def test_no_workflow_label_and_unmanaged_only(desk) -> None:
    for key in ("new_h2_3days", "new_bold_under24h", "bullets_style", "template_comments_placeholders",
                "missing_fields", "title_only", "unmanaged_only", "non_latin_mixed"):
        assert workflow(issue(desk, key)["labels"]) == [], key
    assert issue(desk, "unmanaged_only")["labels"] == ["Priority::1", "customer::acme"]


def test_two_workflow_labels_set_by_different_people_at_different_times(desk) -> None:
    for key, pair in (("two_workflow_backlog_triaged", ["SA Backlog", "SA Triaged"]),
                      ("two_workflow_doing_waiting", ["SA Doing", "SA Waiting"])):
        assert workflow(issue(desk, key)["labels"]) == pair
        first, second = (last_add(events(desk, key), label) for label in pair)
        assert first["user"]["username"] != second["user"]["username"]
        assert first["created_at"] < second["created_at"]


@pytest.mark.parametrize("key,label,who", [
    ("triaged_no_assignee_by_member", "SA Triaged", "ben.sa"),
    ("triaged_no_assignee_by_outsider", "SA Triaged", "olly.outsider"),
    ("doing_no_assignee_by_member", "SA Doing", "chen.sa"),
    ("doing_no_assignee_by_outsider", "SA Doing", "olly.outsider"),
])
def test_unassigned_triaged_or_doing(desk, key: str, label: str, who: str) -> None:
    current = issue(desk, key)
    assert workflow(current["labels"]) == [label] and current["assignees"] == []
    assert last_add(events(desk, key), label)["user"]["username"] == who


def test_backlog_to_doing_jump(desk) -> None:
    current = issue(desk, "backlog_to_doing_jump")
    assert workflow(current["labels"]) == ["SA Doing"]
    history = [(e["user"]["username"], e["action"], e["label"]["name"])
               for e in events(desk, "backlog_to_doing_jump")]
    assert history == [("gl-cs-bot", "add", "SA Backlog"), ("dara.sa", "add", "SA Doing"),
                       ("dara.sa", "remove", "SA Backlog")]


def test_closed_doing_expedite_and_action_items(desk) -> None:
    closed = issue(desk, "closed_with_doing")
    assert closed["state"] == "closed" and "SA Doing" in closed["labels"]
    assert closed["closed_by"]["username"] == "eve.ae"
    far = issue(desk, "expedite_week_away")
    assert "EXPEDITE" in far["labels"]
    week = (NOW + dt.timedelta(days=7)).astimezone(ZoneInfo("America/New_York"))
    assert f"{week:%B} {week.day}" in far["description"]
    near = issue(desk, "expedite_legit_under24h")
    assert {"EXPEDITE", "SA Triaged"} <= set(near["labels"]) and near["assignees"]
    assert "SA Action Items" in issue(desk, "action_items")["labels"]
    stale = issue(desk, "waiting_stale")
    assert ts(stale["updated_at"]) <= NOW - dt.timedelta(days=14)


def test_descriptions_use_many_styles(desk) -> None:
    full = issue(desk, "new_h2_3days")["description"]
    assert all(f"## {field}" in full for field in FIELDS)
    assert "**Outcome**:" in issue(desk, "new_bold_under24h")["description"]
    assert re.search(r"^Outcome: ", issue(desk, "backlog_plain_passed")["description"], re.M)
    assert "| Outcome |" in issue(desk, "table_style")["description"]
    assert "- **Outcome:**" in issue(desk, "bullets_style")["description"]
    assert "### Outcome" in issue(desk, "two_workflow_backlog_triaged")["description"]
    assert "#### Prefered Date Options" in issue(desk, "services_typos_h4")["description"]
    placeholders = issue(desk, "template_comments_placeholders")["description"]
    assert "<!--" in placeholders and "TBD" in placeholders and "<enter here>" in placeholders
    missing = issue(desk, "missing_fields")["description"]
    assert "Customer Information" in missing and "Preferred Date Options" not in missing
    assert issue(desk, "title_only")["description"] == ""
    assert "```\n/label ~EXPEDITE" in issue(desk, "quick_action_in_code_block")["description"]
    assert '> /label ~"SA Doing"' in issue(desk, "quick_action_quoted")["description"]
    ps = issue(desk, "professional_services")["description"]
    assert "professional services" in ps and "PS" in ps
    assert "🚀" in issue(desk, "emoji")["title"]
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", issue(desk, "non_latin_japanese")["description"])
    mixed = issue(desk, "non_latin_mixed")["description"]
    assert re.search(r"[\u0400-\u04ff]", mixed) and re.search(r"[\u0600-\u06ff]", mixed)


def test_dates_are_relative_to_now(desk) -> None:
    passed = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d",
                       issue(desk, "backlog_plain_passed")["description"]).group(0)
    assert dt.datetime.fromisoformat(passed) < NOW
    jump = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d",
                     issue(desk, "backlog_to_doing_jump")["description"]).group(0)
    assert NOW < dt.datetime.fromisoformat(jump) < NOW + dt.timedelta(days=3)
    soon = re.search(r"(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d) (CES?T)",
                     issue(desk, "new_bold_under24h")["description"])
    day, month, year, hour, minute = (int(g) for g in soon.groups()[:5])
    when = dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))
    assert dt.timedelta(0) < when - NOW < dt.timedelta(hours=24)

    later = Store()
    info = seed_service_desk(later, NOW + dt.timedelta(days=40))
    assert later.issue(info["project_id"], 1)["description"] != issue(desk, "new_h2_3days")["description"]


def test_history_is_consistent(desk) -> None:
    store, info = desk
    for current in store.issues(info["project_id"]):
        evts = store.label_events(info["project_id"], current["iid"])
        assert [e["id"] for e in evts] == sorted(e["id"] for e in evts)
        assert all(ts(e["created_at"]) <= NOW for e in evts)
        assert ts(current["created_at"]) <= ts(current["updated_at"]) <= NOW
        # The labels the history ends with are the labels the issue has.
        state: set[str] = set()
        for e in sorted(evts, key=lambda e: (e["created_at"], e["id"])):
            (state.add if e["action"] == "add" else state.discard)(e["label"]["name"])
        assert state == set(current["labels"]), current["iid"]


def test_seed_is_deterministic_and_scales() -> None:
    a, b = Store(), Store()
    ia, ib = seed_service_desk(a, NOW), seed_service_desk(b, NOW)
    assert [i["description"] for i in a.issues(ia["project_id"])] == [
        i["description"] for i in b.issues(ib["project_id"])]
    big = Store()
    info = seed_service_desk(big, NOW, n_issues=95)
    issues = big.issues(info["project_id"])
    assert len(issues) == 95 and len(info["scenarios"]) == 30
    assert issues[30]["title"].endswith("[2]") and issues[94]["title"].endswith("[4]")
    assert len({i["created_at"] for i in issues}) > 60


def test_the_repository_holds_the_sa_activity_issue_template(desk) -> None:
    # doc/user/project/description_templates.md: .gitlab/issue_templates/<name>.md on the default branch.
    store, info = desk
    assert info["files"] == [".gitlab/issue_templates/SA Activity.md"]
    text = store.file(info["project_id"], ".gitlab/issue_templates/SA Activity.md")
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == FIELDS
    assert store.file(info["project_id"], "README.md") is None
