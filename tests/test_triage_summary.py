"""triage.summary against the sandbox: every section (and its empty form), the triage
issue opened once, one comment per call updated in place, racing runs, inert issue text,
and what a summary costs in requests beyond the sync."""

from __future__ import annotations

import datetime as dt
import re
import threading

from markdown_it import MarkdownIt

from conftest import LONG_AGO, NOW, foreign_quick_actions
from gl_cs.gitlab.adapter import GitLab
from gl_cs.text.safe import ZWJ
from triage_support import add_sas, run, with_dates

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MD = MarkdownIt("commonmark").enable("table")
WEEK_KEY = "<!-- gl-cs:create:triage-week-2026-11-23 -->"
CALL_KEY = "<!-- gl-cs:triage.summary:call-2026-11-23 -->"
FAR = with_dates("2026-12-15 10:00 America/Los_Angeles")  # an event beyond the summary's 7 days


def sections(body: str) -> dict[str, dict]:
    """{title without its count: {"count", "rows" (cells as GitLab shows them), "text"}}."""
    out: dict[str, dict] = {}
    current = None
    tokens = MD.parse(body)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h3":
            title = tokens[i + 1].content
            m = re.fullmatch(r"(.*?)(?: \((\d+)\))?", title)
            current = out.setdefault(m.group(1), {"count": int(m.group(2) or 0), "rows": [], "text": []})
        elif current is not None and tok.type == "tr_open":
            current["rows"].append([])
        elif current is not None and tok.type == "inline" and tokens[i - 1].type in ("td_open", "th_open"):
            current["rows"][-1].append("".join(c.content for c in tok.children))
        elif current is not None and tok.type == "inline" and tokens[i - 1].type != "heading_open":
            current["text"].append(tok.content)
    for sec in out.values():
        sec["rows"] = sec["rows"][1:]  # without the header
    return out


def section(body: str, prefix: str) -> dict:
    found = [v for k, v in sections(body).items() if k.startswith(prefix)]
    assert len(found) == 1, (prefix, list(sections(body)))
    return found[0]


def triage_issue(desk) -> dict:
    found = [i for i in desk.store.issues(desk.project_id) if WEEK_KEY in (i["description"] or "")]
    assert len(found) == 1, found
    return found[0]


def summary_notes(desk, iid: int) -> list[dict]:
    return [n for n in desk.bot_notes(iid) if CALL_KEY in n["body"]]


def printed(desk, **kw) -> str:
    result = run(desk, "summary", "--print", **kw)
    assert result.exit_code == 0, result.output
    return result.stdout


def seed_board(desk) -> dict[str, int]:
    add_sas(desk)
    recent = NOW - 2 * H
    far = FAR
    i = {}
    i["backlog_thu"] = desk.issue(title="Initech discovery", created_at=NOW - 2 * D, updated_at=NOW - 2 * D)
    i["backlog_tue"] = desk.issue(title="Hooli | Pied Piper @all /close", created_at=NOW - 5 * D,
                                  updated_at=NOW - 5 * D,
                                  description=with_dates("2026-11-24 15:00 America/Los_Angeles"))
    i["expedite_23h"] = desk.issue(title="Globex demo", labels=("SA Triaged", "FY27-Q4"), assignees=["ben.sa"],
                                   description=with_dates("2026-11-24 08:00 America/Los_Angeles"))
    i["expedite_5h"] = desk.issue(title="Stark exec briefing", labels=("SA Triaged", "EXPEDITE", "FY27-Q4"),
                                  assignees=["ana.sa"],
                                  description=with_dates("2026-11-23 14:00 America/Los_Angeles"))
    i["waiting_10d"] = desk.issue(title="Umbrella sizing", labels=("SA Waiting", "FY27-Q4"), author="finn.ae",
                                  updated_at=recent, description=far,
                                  label_events=[("finn.ae", "add", "SA Backlog", LONG_AGO),
                                                ("ana.sa", "remove", "SA Backlog", NOW - 10 * D),
                                                ("ana.sa", "add", "SA Waiting", NOW - 10 * D)])
    i["waiting_3d"] = desk.issue(title="Soylent review", labels=("SA Waiting", "FY27-Q4"), updated_at=recent,
                                 description=far,
                                 label_events=[("ana.sa", "add", "SA Waiting", NOW - 3 * D)])
    i["waiting_quiet"] = desk.issue(title="Cyberdyne POC", labels=("SA Waiting", "FY27-Q4"),
                                    updated_at=NOW - 20 * D, description=far,
                                    label_events=[("ana.sa", "add", "SA Waiting", NOW - 20 * D)])
    i["doing_stale"] = desk.issue(title="Wayne SAML", labels=("SA Doing", "FY27-Q4"), assignees=["chen.sa"],
                                  updated_at=NOW - 9 * D,
                                  description=far)
    i["doing_fresh"] = desk.issue(title="Tyrell runners", labels=("SA Doing", "FY27-Q4"), assignees=["chen.sa"],
                                  updated_at=NOW - 1 * D,
                                  description=far)
    i["jump"] = desk.issue(title="Vandelay jump", labels=("SA Doing", "FY27-Q4"), assignees=["dara.sa"],
                           updated_at=recent, description=far,
                           label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                         ("dara.sa", "remove", "SA Backlog", recent),
                                         ("dara.sa", "add", "SA Doing", recent)])
    for n in range(5):
        desk.issue(title=f"Chen load {n}", labels=("SA Triaged", "FY27-Q4"), assignees=["chen.sa"],
                   description=far)
    return i


def test_every_section_of_a_busy_board(desk):
    i = seed_board(desk)
    body = printed(desk)
    head = body.split("###")[0]
    assert head.startswith("## Triage call Mon 23 Nov 2026, 09:30 PST")
    assert "**Triage SA of 2026-W48: @dara.sa**" in head
    assert "Last updated Mon 23 Nov 2026 09:00 PST" in head

    backlog = section(body, "New requests in SA Backlog")
    # most urgent first: the event on Tuesday before the one on Thursday
    assert [r[0] for r in backlog["rows"]] == [f"#{i['backlog_tue']}", f"#{i['backlog_thu']}"]
    assert backlog["rows"][0][2:] == ["5 d", "yes", "Tue 24 Nov 15:00 PST"]
    assert backlog["rows"][1][2:] == ["2 d", "yes", "Thu 26 Nov 07:00 PST"]

    expedite = section(body, "EXPEDITE")
    assert [r[0] for r in expedite["rows"]] == [f"#{i['expedite_5h']}", f"#{i['expedite_23h']}"]
    assert expedite["rows"][0][2:] == ["Mon 23 Nov 14:00 PST", "5 h", "ana.sa"]
    assert expedite["rows"][1][2:] == ["Tue 24 Nov 08:00 PST", "23 h", "ben.sa"]  # EXPEDITE added by this sync

    upcoming = section(body, "Events in the next 7 days")
    assert [r[0] for r in upcoming["rows"]] == [f"#{i[k]}" for k in
                                                ("expedite_5h", "expedite_23h", "backlog_tue", "backlog_thu")]
    assert upcoming["rows"][2][3:] == ["1 d", "SA Backlog", "unassigned"]

    waiting = section(body, "SA Waiting for more than 7 days")
    assert [r[0] for r in waiting["rows"]] == [f"#{i['waiting_quiet']}", f"#{i['waiting_10d']}"]
    assert waiting["rows"][1][2:] == ["Fri 13 Nov", "10", "finn.ae"]  # from the label event
    assert waiting["rows"][0][2:] == ["Tue 03 Nov or earlier", "≥ 20", "eve.ae"]  # bounded by the last activity

    stale = section(body, "SA Doing without activity for 7 days")
    assert [r[0] for r in stale["rows"]] == [f"#{i['doing_stale']}"]
    assert stale["rows"][0][2:] == ["Sat 14 Nov", "9", "chen.sa"]

    problems = section(body, "Workflow and intake problems")
    jump = [r for r in problems["rows"] if r[0] == f"#{i['jump']}"]
    assert jump and jump[0][2] == "transition SA Backlog -> SA Doing by dara.sa"
    assert jump[0][3] == "commented (workflow.transitions)"
    # what gl-cs merely changed is not a problem (EXPEDITE has its own section): a re-run at
    # the same moment writes the same table
    assert f"#{i['expedite_23h']}" not in [r[0] for r in problems["rows"]]

    load = section(body, "Load per SA")
    assert load["rows"][0] == ["chen.sa", "5", "2", "7", "over capacity"]
    assert {r[0]: r[3] for r in load["rows"]} == {"chen.sa": "7", "ana.sa": "1", "ben.sa": "1", "dara.sa": "1"}
    assert "```mermaid\nxychart-beta" in body and 'x-axis ["chen.sa", "ana.sa", "ben.sa", "dara.sa"]' in body
    assert "bar [7, 1, 1, 1]" in body and "line [5, 5, 5, 5]" in body
    assert "Backlog age: 2 request(s), oldest 5 d, median 3 d (under 1 d: 0, 1-3 d: 1, 3-7 d: 1, over 7 d: 0)." \
        in body
    # onboarding and Live Optimization: absent until those rules exist
    assert "nboarding" not in body and "Live Optimization" not in body


def test_empty_sections_say_so_in_one_line(desk):
    body = printed(desk)
    expected = {
        "New requests in SA Backlog": "No new requests waiting for triage.",
        "EXPEDITE": "No EXPEDITE requests.",
        "Events in the next 7 days": "No requested events in the next 7 days.",
        "SA Waiting for more than 7 days": "Nothing has waited on an AE for more than 7 days.",
        "SA Doing without activity for 7 days": "Every request in SA Doing moved in the last 7 days.",
        "Workflow and intake problems": "No workflow or intake problems found.",
    }
    found = sections(body)
    for title, line in expected.items():
        assert found[title]["count"] == 0 and found[title]["rows"] == [] and found[title]["text"] == [line], title
    load = section(body, "Load per SA")
    assert [r[3] for r in load["rows"]] == ["0", "0", "0", "0"]  # the roster, nobody loaded
    assert "Backlog age: the backlog is empty." in load["text"]


def test_issue_text_stays_inert_and_tables_keep_their_columns(desk):
    add_sas(desk)
    nasty = "Acme | Globex @all @ana.sa #1 ~EXPEDITE <b>x</b> `code` /close\n/label ~\"SA Doing\""
    iid = desk.issue(title=nasty)
    assert run(desk, "summary").exit_code == 0
    issue = triage_issue(desk)
    [note] = summary_notes(desk, issue["iid"])
    body = note["body"]
    assert foreign_quick_actions(desk.store) == []
    assert desk.store.mass_mentions == []
    assert desk.get(iid)["state"] == "opened" and desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
    assert "@all" not in body and "@ana.sa" not in body and f"@{ZWJ}all" in body
    for title, sec in sections(body).items():
        width = {len(r) for r in sec["rows"]}
        assert len(width) <= 1, (title, sec["rows"])
    row = section(body, "New requests in SA Backlog")["rows"][0]
    assert len(row) == 5 and row[1].replace(ZWJ, "").startswith("Acme | Globex @all @ana.sa #1 ~EXPEDITE <b>x</b>")
    assert not any(line.lstrip().startswith("/") for line in body.splitlines())


def test_summary_opens_the_triage_issue_once_and_updates_one_comment(desk):
    add_sas(desk)
    desk.issue(title="Initech discovery")
    result = run(desk, "summary")
    assert result.exit_code == 0, result.output
    issue = triage_issue(desk)
    assert issue["title"] == "Triage 2026-W48 (week of 23 Nov 2026): Triage SA dara.sa"
    assert [a["username"] for a in issue["assignees"]] == ["dara.sa"]
    assert set(issue["labels"]) == {"SA Action Items", "SA Triage", "FY27-Q4"}
    assert issue["author"]["username"] == "gl-cs-bot"
    [first] = summary_notes(desk, issue["iid"])
    assert "Last updated Mon 23 Nov 2026 09:00 PST" in first["body"]

    # a re-run of the pipeline twenty minutes later: the same comment, updated
    later = NOW + 20 * dt.timedelta(minutes=1)
    desk.issue(title="Hooli migration", created_at=later, updated_at=later)
    again = run(desk, "summary", now=later)
    assert again.exit_code == 0, again.output
    [second] = summary_notes(desk, issue["iid"])
    assert second["id"] == first["id"]
    assert "Last updated Mon 23 Nov 2026 09:20 PST" in second["body"] and "Hooli migration" in second["body"]
    assert len([i for i in desk.store.issues(desk.project_id) if WEEK_KEY in (i["description"] or "")]) == 1
    # the triage issue is not a request: no rule asked it for fields or moved it
    assert not any("gl-cs:intake" in n["body"] or "gl-cs:expedite" in n["body"] for n in desk.notes(issue["iid"]))
    assert "SA Backlog" not in triage_issue(desk)["labels"]

    # after Monday's call, Tuesday's call gets its own comment on the same issue
    tuesday = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.timezone.utc)
    assert run(desk, "summary", now=tuesday).exit_code == 0
    notes = [n for n in desk.bot_notes(issue["iid"]) if "gl-cs:triage.summary:" in n["body"]]
    assert len(notes) == 2 and "<!-- gl-cs:triage.summary:call-2026-11-24 -->" in notes[1]["body"]
    assert notes[1]["body"].startswith(
        "## Triage call Tue 24 Nov 2026, 09:30 PST\n\n**Triage SA of 2026-W48: @dara.sa**")


def test_next_weeks_summary_opens_its_issue_and_closes_last_weeks(desk):
    add_sas(desk)
    desk.issue(title="Initech discovery")
    assert run(desk, "summary").exit_code == 0
    first = triage_issue(desk)
    next_monday = NOW + 7 * dt.timedelta(days=1)
    result = run(desk, "summary", now=next_monday)
    assert result.exit_code == 0, result.output
    issues = {i["iid"]: i for i in desk.store.issues(desk.project_id) if "triage-week-" in (i["description"] or "")}
    assert len(issues) == 2 and issues[first["iid"]]["state"] == "closed"
    [current] = [i for i in issues.values() if i["state"] == "opened"]
    assert current["title"].startswith("Triage 2026-W49")
    assert run(desk, "summary", now=next_monday).exit_code == 0  # a re-run closes nothing more
    assert desk.store.issue(desk.project_id, first["iid"])["state"] == "closed"


def test_print_and_dry_run_write_nothing(desk):
    add_sas(desk)
    desk.issue(labels=("FY27-Q4",))  # the sync would add SA Backlog
    desk.sandbox.requests.reset()
    body = printed(desk)
    assert body.startswith("## Triage call Mon 23 Nov 2026, 09:30 PST")
    assert desk.sandbox.requests.writes() == 0
    result = run(desk, "summary", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "open issue 'Triage 2026-W48" in result.output
    assert "post comment 'call-2026-11-23' on the new triage issue" in result.output
    assert desk.sandbox.requests.writes() == 0


def test_a_summary_costs_the_sync_plus_one_read_and_one_write(desk):
    add_sas(desk)
    for n in range(120):
        desk.issue(title=f"Request {n}", labels=("SA Waiting", "FY27-Q4") if n % 3 == 0 else ("SA Backlog", "FY27-Q4"),
                   description=FAR)
    assert run(desk, "summary").exit_code == 0  # opens the week's issue
    assert desk.sync()[0] == 0  # the scheduled sync meanwhile (it sees the new issue once)
    reqs = desk.sandbox.requests

    reqs.reset()
    code, out, _ = desk.sync()
    assert code == 0, out
    sync_reads, sync_total = reqs.total() - reqs.writes(), reqs.total()
    assert reqs.writes() == 0

    reqs.reset()
    later = NOW + dt.timedelta(minutes=10)
    assert run(desk, "summary", now=later).exit_code == 0
    # the sync's reads, the triage issue's comments, and the comment's update: nothing per issue
    assert reqs.get("GET", "/projects/:id/issues/:iid/notes") == 1
    assert reqs.get("PUT", "/projects/:id/issues/:iid/notes/:note_id") == 1
    assert reqs.get("GET", "/projects/:id/issues/:iid/resource_label_events") == 0
    assert reqs.get("GET", "/projects/:id/issues/:iid") == 0
    assert reqs.total() == sync_total + 2 and reqs.total() - reqs.writes() == sync_reads + 1

    reqs.reset()
    assert run(desk, "summary", "--print", now=later).exit_code == 0
    assert reqs.total() == sync_total and reqs.writes() == 0  # --print: exactly the sync's reads


def test_a_racing_summary_ends_with_one_comment(desk, monkeypatch):
    """Another run posts the same call's summary between this run's read and its post."""
    add_sas(desk)
    assert run(desk, "summary").exit_code == 0
    iid = triage_issue(desk)["iid"]
    [mine] = summary_notes(desk, iid)
    desk.store.api_delete_note(desk.project_id, iid, mine["id"], desk.store.user("gl-cs-bot")["id"])

    original = GitLab.create_note

    def racing(self, issue_iid, body):
        if CALL_KEY in body:
            desk.store.add_note(desk.project_id, issue_iid, body, "gl-cs-bot")  # the other run, first
        return original(self, issue_iid, body)

    monkeypatch.setattr(GitLab, "create_note", racing)
    later = NOW + dt.timedelta(minutes=5)
    assert run(desk, "summary", now=later).exit_code == 0
    [kept] = summary_notes(desk, iid)
    assert "09:05 PST" in kept["body"]


def test_two_summaries_at_once_end_with_one_issue_and_one_comment(desk):
    add_sas(desk)
    desk.issue(title="Initech discovery")
    results = []
    barrier = threading.Barrier(2)

    def go():
        barrier.wait()
        results.append(run(desk, "summary", "--record", "").exit_code)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [0, 0]
    opened = [i for i in desk.store.issues(desk.project_id) if WEEK_KEY in (i["description"] or "")
              and i["state"] == "opened"]
    assert len(opened) == 1
    assert len(summary_notes(desk, opened[0]["iid"])) == 1
