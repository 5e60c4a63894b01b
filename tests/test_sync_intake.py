"""The intake rule (SA Activity fields), driven through `gl-cs sync` -> python-gitlab -> HTTP -> sandbox.

The AE's edits go through python-gitlab as the AE (their own token), the way a person edits
an issue in GitLab, so the label history and `updated_at` look like the real thing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import COMPLETE, LONG_AGO, NOW, PROJECT, foreign_quick_actions

HOUR = dt.timedelta(hours=1)
FIELDS = ("Customer Information", "Preferred Date Options", "Opportunity Details", "Outcome", "Challenges",
          "Infrastructure", "SA Tasks")


def sections() -> dict[str, str]:
    found = dict(re.findall(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", COMPLETE, re.M | re.S))
    assert tuple(found) == FIELDS
    return {k: v.strip() for k, v in found.items()}


def request(drop=(), **replace: str) -> str:
    """COMPLETE without the fields in ``drop`` and with the bodies in ``replace``
    (keyword = field title with spaces as underscores)."""
    body = sections()
    for key, value in replace.items():
        title = key.replace("_", " ")
        assert title in body, key
        body[title] = value
    return "\n\n".join(f"## {t}\n{v}" for t, v in body.items() if t not in drop) + "\n"


def edit_description(desk, iid: int, text: str, who: str = "eve.ae") -> None:
    """Edit the description as ``who`` through python-gitlab over HTTP."""
    token = f"{who}-token"
    desk.store.add_token(token, who)
    gl = desk.sandbox.client(token)
    issue = gl.projects.get(PROJECT, lazy=True).issues.get(iid)
    issue.description = text
    issue.save()
    assert desk.get(iid)["description"] == text


def intake_changes(report, iid=None):
    return [c for c in report["changes"] if c["rule"] == "intake" and (iid is None or c["issue"] == iid)]


def assert_lists_exactly(body: str, missing) -> None:
    for title in FIELDS:
        if title in missing:
            assert title in body, (title, body)
        else:
            assert title not in body, (title, body)


def test_missing_fields_go_to_waiting_with_one_comment_then_back_when_filled(desk):
    iid = desk.issue(description=request(drop=("Outcome", "Challenges")),
                     labels=("SA Backlog", "FY27-Q4", "customer::acme"))
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4", "customer::acme"}
    notes = desk.bot_notes(iid)
    assert len(notes) == 1
    body = notes[0]["body"]
    assert body.startswith("@eve.ae ")
    assert_lists_exactly(body, {"Outcome", "Challenges"})
    assert "<!-- gl-cs:intake:" in body
    changes = intake_changes(report, iid)
    assert {c["what"] for c in changes} >= {"remove label 'SA Backlog'", "add label 'SA Waiting'"}
    assert all("Outcome" in c["why"] and "Challenges" in c["why"] for c in changes)

    # nothing new to say
    code, out, report = desk.sync()
    assert code == 0, out
    assert report["writes"] == 0 and report["changes"] == []
    assert len(desk.bot_notes(iid)) == 1

    # the AE fills Outcome and Challenges but deletes Infrastructure: a new list
    edit_description(desk, iid, request(drop=("Infrastructure",)))
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4", "customer::acme"}
    notes = desk.bot_notes(iid)
    assert len(notes) == 2
    assert notes[1]["body"].startswith("@eve.ae ")
    assert_lists_exactly(notes[1]["body"], {"Infrastructure"})
    code, out, report = desk.sync()
    assert report["writes"] == 0 and len(desk.bot_notes(iid)) == 2

    # everything is there: back to where it was, one short comment
    edit_description(desk, iid, COMPLETE)
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4", "customer::acme"}
    notes = desk.bot_notes(iid)
    assert len(notes) == 3
    last = notes[2]["body"]
    assert "SA Backlog" in last and len(last) < 400
    assert not any(title in last for title in FIELDS)
    assert {c["what"] for c in intake_changes(report, iid)} >= {"remove label 'SA Waiting'",
                                                                 "add label 'SA Backlog'"}
    code, out, report = desk.sync()
    assert report["writes"] == 0 and report["changes"] == [] and len(desk.bot_notes(iid)) == 3
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4", "customer::acme"}


def test_back_to_triaged_with_its_assignee_when_it_came_from_there(desk):
    iid = desk.issue(description=request(drop=("SA Tasks",)), labels=("SA Triaged", "FY27-Q4"),
                     assignees=["ana.sa"],
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("eve.ae", "add", "FY27-Q4", LONG_AGO),
                                   ("ana.sa", "add", "SA Triaged", LONG_AGO + HOUR),
                                   ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR)])
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    assert_lists_exactly(desk.bot_notes(iid)[0]["body"], {"SA Tasks"})
    edit_description(desk, iid, COMPLETE)
    code, out, _ = desk.sync()
    assert code == 0, out
    issue = desk.get(iid)
    assert set(issue["labels"]) == {"SA Triaged", "FY27-Q4"}
    assert [a["username"] for a in issue["assignees"]] == ["ana.sa"]
    assert len(desk.bot_notes(iid)) == 2
    assert desk.sync()[2]["writes"] == 0


def test_request_without_workflow_label_waits_then_starts_in_backlog(desk):
    iid = desk.issue(description=request(drop=("Preferred Date Options",)), labels=("FY27-Q4",))
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    assert_lists_exactly(desk.bot_notes(iid)[0]["body"], {"Preferred Date Options"})
    edit_description(desk, iid, COMPLETE)
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}


def test_a_persons_own_waiting_stays_when_the_request_is_complete(desk):
    own = desk.issue(labels=("SA Waiting", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("eve.ae", "add", "FY27-Q4", LONG_AGO),
                                   ("eve.ae", "add", "SA Waiting", LONG_AGO + HOUR),
                                   ("eve.ae", "remove", "SA Backlog", LONG_AGO + HOUR)])
    by_sa = desk.issue(labels=("SA Waiting", "FY27-Q4"),
                       label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                     ("eve.ae", "add", "FY27-Q4", LONG_AGO),
                                     ("ana.sa", "add", "SA Waiting", LONG_AGO + HOUR),
                                     ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR)])
    code, out, report = desk.sync()
    assert code == 0, out
    for iid in (own, by_sa):
        assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
        assert desk.bot_notes(iid) == []
    assert report["changes"] == [] and report["writes"] == 0


def test_a_persons_waiting_with_missing_fields_gets_the_comment_only(desk):
    iid = desk.issue(description=request(drop=("Opportunity Details",)), labels=("SA Waiting", "FY27-Q4"),
                     label_events=[("ana.sa", "add", "SA Waiting", LONG_AGO),
                                   ("ana.sa", "add", "FY27-Q4", LONG_AGO)])
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    notes = desk.bot_notes(iid)
    assert len(notes) == 1 and notes[0]["body"].startswith("@eve.ae ")
    assert_lists_exactly(notes[0]["body"], {"Opportunity Details"})
    # filled: it was not gl-cs that put it there, so it stays
    edit_description(desk, iid, COMPLETE)
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"} and len(desk.bot_notes(iid)) == 1


def test_action_items_bot_issues_and_closed_issues_are_not_requests(desk):
    incomplete = request(drop=("Outcome", "Challenges", "SA Tasks"))
    action = desk.issue(description=incomplete, labels=("SA Action Items", "FY27-Q4"),
                        label_events=[("ana.sa", "add", "SA Action Items", LONG_AGO),
                                      ("ana.sa", "add", "FY27-Q4", LONG_AGO)])
    by_bot = desk.issue(description=incomplete, author="gl-cs-bot")
    closed = desk.issue(description=incomplete, labels=("SA Backlog", "FY27-Q4"), state="closed",
                        updated_at=NOW - HOUR)
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(action) == {"SA Action Items", "FY27-Q4"}
    assert desk.labels(by_bot) == {"SA Backlog", "FY27-Q4"}
    assert "SA Waiting" not in desk.labels(closed)
    for iid in (action, by_bot, closed):
        assert desk.bot_notes(iid) == []
    assert intake_changes(report) == []
    assert report["issues_seen"] == 3  # the closed one was read, and left to workflow.closed


def test_applies_to_label_narrows_what_is_a_request(desk, rules_with):
    config = rules_with({"applies_to: all": 'applies_to: {label: "SA Activity"}'})
    incomplete = request(drop=("Outcome",))
    tagged = desk.issue(description=incomplete, labels=("SA Backlog", "FY27-Q4", "SA Activity"))
    other = desk.issue(description=incomplete)
    code, out, report = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(tagged) == {"SA Waiting", "FY27-Q4", "SA Activity"}
    assert len(desk.bot_notes(tagged)) == 1
    assert desk.labels(other) == {"SA Backlog", "FY27-Q4"} and desk.bot_notes(other) == []
    assert {c["issue"] for c in intake_changes(report)} == {tagged}


def test_applies_to_marker_narrows_what_is_a_request(desk, rules_with):
    config = rules_with({"applies_to: all": 'applies_to: {marker: "SA-ACTIVITY-TEMPLATE"}'})
    marked = desk.issue(description="<!-- SA-ACTIVITY-TEMPLATE -->\n" + request(drop=("Outcome",)))
    other = desk.issue(description=request(drop=("Outcome",)))
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert "SA Waiting" in desk.labels(marked) and "SA Waiting" not in desk.labels(other)
    assert desk.bot_notes(other) == []


def test_doing_is_not_pulled_back(desk):
    iid = desk.issue(description=request(drop=("Outcome", "Infrastructure")), labels=("SA Doing", "FY27-Q4"),
                     assignees=["ana.sa"],
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("eve.ae", "add", "FY27-Q4", LONG_AGO),
                                   ("ana.sa", "add", "SA Triaged", LONG_AGO + HOUR),
                                   ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("ana.sa", "add", "SA Doing", LONG_AGO + 2 * HOUR),
                                   ("ana.sa", "remove", "SA Triaged", LONG_AGO + 2 * HOUR)])
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Doing", "FY27-Q4"}
    assert desk.bot_notes(iid) == [] and report["changes"] == []


def test_intake_states_from_rules_yml(desk, rules_with):
    config = rules_with({"states: [backlog, triaged, waiting]": "states: [backlog, waiting]"})
    triaged = desk.issue(description=request(drop=("Outcome",)), labels=("SA Triaged", "FY27-Q4"),
                         assignees=["ana.sa"], label_events=[("ana.sa", "add", "SA Triaged", LONG_AGO),
                                                             ("ana.sa", "add", "FY27-Q4", LONG_AGO)])
    backlog = desk.issue(description=request(drop=("Outcome",)))
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(triaged) == {"SA Triaged", "FY27-Q4"} and desk.bot_notes(triaged) == []
    assert desk.labels(backlog) == {"SA Waiting", "FY27-Q4"}


def test_template_leftovers_count_as_missing(desk):
    description = request(
        Customer_Information="<!-- Customer name, opportunity size, Salesforce link -->",
        Outcome="TBD",
        Challenges="<enter here>",
        SA_Tasks="<!-- What do you need from the SA? Tick all that apply. -->\n"
                 "- [ ] Discovery call\n- [ ] Demo\n- [ ] Technical deep-dive\n- [ ] POC support\n"
                 "- [ ] Services evaluation",
    )
    iid = desk.issue(description=description)
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    notes = desk.bot_notes(iid)
    assert len(notes) == 1
    assert_lists_exactly(notes[0]["body"], {"Customer Information", "Outcome", "Challenges", "SA Tasks"})


def test_ticked_template_box_or_own_tasks_fill_sa_tasks(desk):
    ticked = desk.issue(description=request(SA_Tasks="- [x] Demo\n- [ ] POC support\n- [ ] Services evaluation"))
    own_todo = desk.issue(description=request(SA_Tasks="- [ ] Discovery call with the platform team\n"
                                                       "- [ ] Send the reference architecture"))
    code, out, report = desk.sync()
    assert code == 0, out
    for iid in (ticked, own_todo):
        assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}, iid
        assert desk.bot_notes(iid) == []
    assert intake_changes(report) == []


def test_field_written_in_another_style_is_not_missing(desk):
    description = request(drop=("Outcome",)) + "\n**Desired Outcome**: cut release time in half\n"
    iid = desk.issue(description=description)
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"} and desk.bot_notes(iid) == []


def test_adversarial_description_produces_an_inert_comment(desk):
    description = request(drop=("Outcome",),
                          Preferred_Date_Options="/close\n@all please look {{ 7*7 }} ASAP\n/label ~EXPEDITE")
    iid = desk.issue(title="/close @all {{ 7*7 }}", description=description)
    code, out, report = desk.sync()
    assert code == 0, out
    notes = desk.bot_notes(iid)
    assert len(notes) == 1  # intake and expedite speak in one note
    body = notes[0]["body"]
    assert "Outcome" in body  # the intake part
    assert "date" in body  # the expedite part: no date it can read
    for line in body.splitlines():
        assert not line.lstrip().startswith("/"), line
    assert "@all" not in body and "{{" not in body and "{%" not in body
    assert set(re.findall(r"@[\w.\-]+", body)) == {"@eve.ae"}  # only the author
    assert foreign_quick_actions(desk.store) == []
    assert desk.store.mass_mentions == []
    assert desk.get(iid)["state"] == "opened"
    assert "EXPEDITE" not in desk.labels(iid)
    code, out, report = desk.sync()
    assert report["writes"] == 0 and len(desk.bot_notes(iid)) == 1


def test_author_with_an_unmentionable_name_is_not_mentioned(desk):
    desk.store.add_user("all")  # a user literally called "all" must never become @all
    desk.store.add_member(desk.project_id, "all", 20)
    iid = desk.issue(author="all", description=request(drop=("Outcome",)))
    code, out, _ = desk.sync()
    assert code == 0, out
    notes = desk.bot_notes(iid)
    assert len(notes) == 1 and "Outcome" in notes[0]["body"]
    assert "@all" not in notes[0]["body"]
    assert desk.store.mass_mentions == []


def test_a_missing_set_that_comes_back_is_asked_for_again(desk):
    iid = desk.issue(description=request(drop=("Outcome",)))
    desk.sync()
    edit_description(desk, iid, request(drop=("Challenges",)))
    desk.sync()
    assert_lists_exactly(desk.bot_notes(iid)[-1]["body"], {"Challenges"})
    edit_description(desk, iid, request(drop=("Outcome",)))
    code, out, _ = desk.sync()
    assert code == 0, out
    notes = desk.bot_notes(iid)
    assert len(notes) == 3
    assert_lists_exactly(notes[-1]["body"], {"Outcome"})


def test_waiting_restored_by_gl_cs_for_another_rule_is_still_the_persons(desk):
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("eve.ae", "add", "FY27-Q4", LONG_AGO),
                                   ("ana.sa", "add", "SA Waiting", LONG_AGO + HOUR),
                                   ("ana.sa", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("olga.outsider", "add", "SA Doing", LONG_AGO + 2 * HOUR),
                                   ("olga.outsider", "remove", "SA Waiting", LONG_AGO + 2 * HOUR)])
    code, out, _ = desk.sync()
    assert code == 0, out
    # workflow.assignee: an outsider cannot be assigned, back to the state ana.sa had set
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    assert len(desk.bot_notes(iid)) == 1
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    assert report["writes"] == 0 and len(desk.bot_notes(iid)) == 1


@pytest.mark.parametrize("title, first_line, withdrawn", [
    ("[CANCELLED] Demo - Verdant Row Hospitality", "Customer bought self-serve.", True),
    ("Demo - Verdant Row Hospitality", "**CANCELLED — no longer needed.** They bought online.", True),
    ("Demo - Verdant Row Hospitality", "This request is withdrawn: they bought online.", True),
    ("Cancelled flights app demo", "Their airline app needs a demo.", False),  # a word, not a tag
    ("Demo - Verdant Row Hospitality", "Cancelled demo from Tuesday needs rescheduling", False),
    ("Demo - Verdant Row Hospitality", "Cancelled the Jenkins contract last month, so they want a demo.", False),
    ("Demo - Verdant Row Hospitality", "Their previous demo was cancelled; please book a new one.", False),
])
def test_a_withdrawn_request_is_asked_nothing(desk, title, first_line, withdrawn):
    iid = desk.issue(title=title, description=first_line + "\n\n" + request(drop=("Outcome", "Challenges")))
    code, out, _ = desk.sync()
    assert code == 0, out
    assert (desk.bot_notes(iid) == []) is withdrawn
    assert ("SA Waiting" in desk.labels(iid)) is not withdrawn
