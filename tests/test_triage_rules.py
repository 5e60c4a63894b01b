"""triage.summary as a pure rule (facts + context -> actions), and the Markdown helpers:
table-driven, no HTTP."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from conftest import NOW, RULES
from gl_cs.config import load_config
from gl_cs.decide.actions import CloseIssue, CreateIssue, UpsertComment
from gl_cs.decide.context import Context, MissingData
from gl_cs.decide.facts import IssueFact
from gl_cs.decide.project_rules import triage_summary
from gl_cs.decide.triage.markdown import cell, duration, load_chart, person, quoted, table
from gl_cs.read.snapshot import Member, User
from gl_cs.text.safe import ZWJ

CONFIG = load_config(RULES)
D = dt.timedelta(days=1)
MEMBERS = (Member(7, "dara.sa", 30), Member(8, "ana.sa", 30))


def ctx(members=MEMBERS, now=NOW, config=CONFIG) -> Context:
    return Context(config=config, now=now, project_labels=("SA Backlog", "SA Triaged - @chen.sa", "SA Action Items"),
                   members_=members)


def fact(iid, title="Request", workflow="backlog", kind="request", labels=None, **kw) -> IssueFact:
    label = {"backlog": "SA Backlog", "triaged": "SA Triaged", "doing": "SA Doing", "waiting": "SA Waiting",
             "action_items": "SA Action Items"}.get(workflow)
    kw.setdefault("created_at", NOW - D)
    kw.setdefault("updated_at", NOW - D)
    return IssueFact(iid=iid, title=title, state=kw.pop("state", "opened"),
                     labels=tuple(labels if labels is not None else [label] if label else []),
                     workflow=workflow, assignees=tuple(kw.pop("assignees", ())), author=kw.pop("author", "eve.ae"),
                     kind=kind, **kw)


def test_without_a_triage_issue_it_is_opened_then_commented():
    create, upsert = triage_summary.decide([fact(1)], ctx())
    assert isinstance(create, CreateIssue) and isinstance(upsert, UpsertComment)
    assert create.key == "triage-week-2026-11-23" and create.assignees == (User(7, "dara.sa"),)
    assert create.labels == ("SA Action Items", "SA Triage", "FY27-Q4")
    assert create.title == "Triage 2026-W48 (week of 23 Nov 2026): Triage SA dara.sa"
    assert upsert.iid == 0 and upsert.key == "call-2026-11-23"
    assert upsert.body.startswith("## Triage call Mon 23 Nov 2026, 09:30 PST\n\n**Triage SA of 2026-W48: @dara.sa**")


def test_the_weeks_triage_issue_is_found_among_the_facts():
    issue = fact(40, "Triage 2026-W48", workflow="action_items", kind="opened", key="triage-week-2026-11-23")
    older = fact(30, "Triage 2026-W47", workflow="action_items", kind="opened", key="triage-week-2026-11-16")
    [upsert, close] = triage_summary.decide([older, fact(1), issue], ctx(members=None))  # no members needed
    assert upsert == UpsertComment("triage.summary", upsert.why, iid=40, key="call-2026-11-23", body=upsert.body)
    assert "from 1 open request(s)" in upsert.body  # gl-cs's own issues are not requests
    assert close == CloseIssue("triage.summary", close.why, iid=30)  # last week's is done
    assert "#40" in close.why


def test_an_earlier_weeks_triage_issue_already_closed_is_left_alone():
    issue = fact(40, "Triage 2026-W48", workflow="action_items", kind="opened", key="triage-week-2026-11-23")
    older = fact(30, "Triage 2026-W47", workflow=None, kind="opened", key="triage-week-2026-11-16", state="closed")
    assert [a.__class__.__name__ for a in triage_summary.decide([older, issue], ctx(members=None))] == \
        ["UpsertComment"]


def test_opening_the_issue_asks_for_the_members():
    with pytest.raises(MissingData) as need:
        triage_summary.decide([], ctx(members=None))
    assert need.value.what == "members"


def test_a_triage_sa_who_is_not_a_member_is_named_but_not_assigned():
    [create, _] = triage_summary.decide([], ctx(members=(Member(8, "ana.sa", 30),)))
    assert create.assignees == ()


@pytest.mark.parametrize("now, call_key, sa", [
    (NOW, "call-2026-11-23", "dara.sa"),  # Monday 09:00: Monday's call
    (NOW + 2 * dt.timedelta(hours=1), "call-2026-11-24", "dara.sa"),  # after Monday's call: Tuesday's
    (NOW + 4 * D, "call-2026-11-30", "ana.sa"),  # Friday: next Monday's call, next week's Triage SA
])
def test_the_next_call_and_its_weeks_triage_sa(now, call_key, sa):
    [_, upsert] = triage_summary.decide([], ctx(now=now))
    assert upsert.key == call_key and f"@{sa}**" in upsert.body


def test_nobody_in_the_rotation():
    no_start = replace(CONFIG, triage=replace(CONFIG.triage, start=None))
    [create, upsert] = triage_summary.decide([], ctx(config=no_start))
    assert "**No Triage SA**: set `triage.rotation.start` in rules.yml." in upsert.body
    assert create.assignees == () and create.title.endswith("Triage SA nobody")


@pytest.mark.parametrize("text, expected", [
    ("a | b", "a \\| b"),
    ("two\nlines  here", "two lines here"),
])
def test_cell(text, expected):
    assert cell(text) == expected


@pytest.mark.parametrize("title", [
    "Acme | Globex", "@all please", "/close", "`code` | `more`", "<!-- gl-cs:x:y -->", "line\n/label ~x",
    "|||", "a \\| b", "#12 !3 ~\"SA Doing\"",
])
def test_quoted_titles_keep_a_table_whole_and_inert(title):
    md = MarkdownIt("commonmark").enable("table")
    text = table(["Issue", "Title", "Age"], [["#1", quoted(title), "1 d"]])
    tokens = md.parse(text)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 3, text
    inline = [t for t in tokens if t.type == "inline"][4]
    assert [c.type for c in inline.children] == ["code_inline"]
    shown = inline.children[0].content.replace(ZWJ, "")
    assert shown == " ".join(title.split())
    assert "@all" not in inline.children[0].content and "\n" not in text.split("\n")[2]


def test_person_never_mentions_and_quotes_odd_names():
    assert person("ana.sa") == "ana.sa" and person(None) == "-"
    assert person("@all") .startswith("`@" + ZWJ)


def test_the_load_chart_accepts_only_usernames_as_labels():
    chart = load_chart([("ana.sa", 3), ('bad"] ; click', 1)], 5)
    assert 'x-axis ["ana.sa", "?"]' in chart and "bar [3, 1]" in chart and "line [5, 5]" in chart
    assert 'title "Open requests per SA"' in chart and 'y-axis "open requests" 0 --> 6' in chart
    assert chart.startswith("```mermaid\nxychart-beta") and chart.endswith("```")


@pytest.mark.parametrize("days, text", [(3.9, "3 d"), (1, "1 d"), (0.5, "12 h"), (0.02, "28 min"), (-0.1, "0 min")])
def test_duration(days, text):
    assert duration(days) == text
