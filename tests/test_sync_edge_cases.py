"""Situations where rules meet each other, people overrule gl-cs, or GitLab half-fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from conftest import COMPLETE, LONG_AGO, NOW

HOUR = dt.timedelta(hours=1)


def test_revert_mode_never_reverts_into_a_state_without_owner(desk, rules_with):
    """olga (not a member) applied SA Doing, ben moved it Doing -> Backlog (not an allowed
    move). Reverting to SA Doing would leave it unowned and fight the assignee rule."""
    config = rules_with({"on_violation: comment": "on_violation: revert"})
    iid = desk.issue(labels=("SA Backlog", "FY27-Q4"), updated_at=NOW - HOUR,
                     label_events=[("olga.outsider", "add", "SA Doing", NOW - 3 * HOUR),
                                   ("ben.sa", "remove", "SA Doing", NOW - HOUR),
                                   ("ben.sa", "add", "SA Backlog", NOW - HOUR)])
    code, out, report = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}
    assert len(desk.bot_notes(iid)) == 1 and "moved it back" not in desk.bot_notes(iid)[0]["body"]
    code, out, report = desk.sync(config=config)
    assert report["writes"] == 0 and report["changes"] == []


def test_a_person_who_takes_a_request_out_of_waiting_is_not_overruled(desk):
    missing_infra = COMPLETE.replace("## Infrastructure\nJenkins, Bitbucket, Jira.\n", "")
    iid = desk.issue(description=missing_infra, labels=("SA Backlog", "FY27-Q4"))
    code, out, _ = desk.sync()
    assert desk.labels(iid) == {"SA Waiting", "FY27-Q4"}
    # ana.sa knows the infrastructure from elsewhere and takes the request
    desk.store.add_token("ana-token", "ana.sa")
    gl = desk.sandbox.client("ana-token")
    issue = gl.projects.get("sa-team/sa-service-desk", lazy=True).issues.get(iid)
    issue.labels = ["SA Triaged", "FY27-Q4"]
    issue.assignee_ids = [desk.store.user("ana.sa")["id"]]
    issue.save()
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Triaged", "FY27-Q4"}
    assert [f["rule"] for f in report["findings"]] == ["intake"] and "ana.sa" in report["findings"][0]["why"]
    assert len(desk.bot_notes(iid)) == 1 and report["writes"] == 0


def test_services_removed_by_a_person_is_not_added_back(desk):
    text = COMPLETE.replace("Demo of CI/CD and security scanning.",
                            "Customer said no to professional services for now.")
    iid = desk.issue(description=text, labels=("SA Backlog", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("gl-cs-bot", "add", "Services", LONG_AGO + HOUR),
                                   ("ana.sa", "remove", "Services", LONG_AGO + 2 * HOUR)])
    code, out, report = desk.sync()
    assert code == 0, out
    assert "Services" not in desk.labels(iid) and report["writes"] == 0


def test_a_postscript_is_not_professional_services(desk):
    text = COMPLETE + "\nPS: I am out on Friday, ping finn.ae.\n"
    iid = desk.issue(description=text)
    code, out, _ = desk.sync()
    assert code == 0, out
    assert "Services" not in desk.labels(iid)


def test_label_names_in_comments_mention_nobody(desk):
    weekly = "SA Triaged - @all this week"
    desk.store.add_label(desk.project_id, weekly)
    iid = desk.issue(labels=(weekly, "FY27-Q4"), label_events=[("olga.outsider", "add", weekly, LONG_AGO)])
    code, out, _ = desk.sync()
    assert code == 0, out
    body = desk.bot_notes(iid)[0]["body"]
    assert "SA Triaged - @" in body and "@all" not in body
    assert desk.store.mass_mentions == []


def test_dry_run_after_a_sync_lists_no_comment_already_posted(desk):
    iid = desk.issue(description=COMPLETE.replace("2026-11-26 10:00 America/New_York", "ASAP"),
                     labels=("SA Backlog", "FY27-Q4", "EXPEDITE"))
    desk.sync()
    assert len(desk.bot_notes(iid)) == 1
    code, out, report = desk.sync("--dry-run")
    assert code == 0, out
    assert report["changes"] == [] and "comment" not in out
    assert [f["issue"] for f in report["findings"]] == [iid]  # still worth a look


def test_a_change_whose_comment_cannot_be_posted_is_not_made(desk):
    """The revert and its explanation are one note: when GitLab refuses the note, neither
    happens, and the issue is reported as failed (never a change without its reason)."""
    iid = desk.issue(labels=("SA Doing", "FY27-Q4"), label_events=[("olga.outsider", "add", "SA Doing", LONG_AGO)])
    desk.sandbox.faults.fail_paths = {r"POST .*/notes$": 403}
    code, out, report = desk.sync()
    assert code == 1
    assert desk.labels(iid) == {"SA Doing", "FY27-Q4"} and desk.bot_notes(iid) == []
    assert [c for c in report["changes"] if c["issue"] == iid] == []
    assert report["failures"][0]["issue"] == iid and "403" in report["failures"][0]["why"]
    desk.sandbox.faults.fail_paths = {}
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"} and len(desk.bot_notes(iid)) == 1


def test_unknown_issue_is_a_failure(desk):
    desk.issue()
    code, out, report = desk.sync("--issue", "999")
    assert code == 1
    assert report["failures"] == [{"issue": 999, "rule": "-", "what": "failed", "url": "",
                                   "why": "no such issue in the project (or the token cannot see it)"}]


def test_a_bug_in_one_issue_costs_that_issue_only(desk, monkeypatch):
    import gl_cs.app.sync as sync

    a, b = desk.issue(labels=("FY27-Q4",)), desk.issue(labels=("FY27-Q4",))
    real = sync.decide_issue

    def broken(issue, ctx):
        if issue.iid == a:
            raise ValueError("boom")
        return real(issue, ctx)

    monkeypatch.setattr(sync, "decide_issue", broken)
    code, out, report = desk.sync()
    assert code == 1
    assert "SA Backlog" in desk.labels(b) and desk.labels(a) == {"FY27-Q4"}
    assert report["failures"][0]["issue"] == a and "internal error (ValueError: boom)" in report["failures"][0]["why"]


def test_former_bot_users_count_as_gl_cs(desk, rules_with):
    config = rules_with({"former_bots: []": "former_bots: [old-bot]"})
    desk.store.add_user("old-bot")
    desk.store.add_member(desk.project_id, "old-bot", 30)
    missing = COMPLETE.replace("## Outcome\nFaster releases with fewer tools.\n", "")
    iid = desk.issue(description=missing, labels=("SA Waiting", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("old-bot", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("old-bot", "add", "SA Waiting", LONG_AGO + HOUR)])
    digest = hashlib.sha1(b"outcome").hexdigest()[:10]
    desk.store.add_note(desk.project_id, iid, f"asked before\n\n<!-- gl-cs:intake:missing-{digest} -->", "old-bot")
    code, out, report = desk.sync(config=config)
    assert code == 0, out
    assert report["writes"] == 0  # the old bot already asked: no second comment


def _writer(desk, **kw):
    from conftest import PROJECT, TOKEN
    from gl_cs.act.writer import Writer
    from gl_cs.gitlab.adapter import GitLab

    return Writer(GitLab(desk.sandbox.url, TOKEN, PROJECT),
                  is_bot=lambda user: user is not None and user.username == "gl-cs-bot", **kw)


def _comment(key: str):
    from gl_cs.decide.actions import Comment

    return Comment(rule="expedite", why="test", key=key, body=f"about {key}")


def _post_and_settle(writer, iid, comments, seen):
    from gl_cs.act.writer import Outcome
    from gl_cs.markers import with_marker

    body = "\n\n".join(with_marker(c.body, c.rule, c.key) for c in comments)
    note_id = writer._post_once(iid, body, comments[-1], frozenset(seen))
    return writer.settle(iid, Outcome(posted=comments, note_id=note_id, note_body=body, seen_note_ids=frozenset(seen)))


def test_race_keeps_the_parts_no_earlier_comment_said(desk):
    """Another run posted part X after this run read the issue; ours said X and Y: only Y stays."""
    from gl_cs.markers import with_marker

    iid = desk.issue()
    desk.store.add_note(desk.project_id, iid, with_marker("about x", "expedite", "x"), "gl-cs-bot")
    writer = _writer(desk)
    posted = _post_and_settle(writer, iid, [_comment("x"), _comment("y")], seen=set())
    assert [c.key for c in posted] == ["y"]
    bodies = [n["body"] for n in desk.bot_notes(iid)]
    assert len(bodies) == 2 and "gl-cs:expedite:x" not in bodies[1] and "gl-cs:expedite:y" in bodies[1]
    # everything already said: the whole duplicate goes
    assert _post_and_settle(writer, iid, [_comment("y")], seen={n["id"] for n in desk.bot_notes(iid)[:1]}) == []
    assert len(desk.bot_notes(iid)) == 2 and desk.store.deleted_notes


def test_race_cleanup_that_fails_keeps_the_comment_and_the_count(desk):
    from gl_cs.markers import with_marker

    iid = desk.issue()
    desk.store.add_note(desk.project_id, iid, with_marker("about x", "expedite", "x"), "gl-cs-bot")
    desk.sandbox.faults.fail_paths = {r"DELETE .*/notes/\d+$": 500}
    writer = _writer(desk)
    assert [c.key for c in _post_and_settle(writer, iid, [_comment("x")], seen=set())] == ["x"]
    assert writer.totals.comments == 1 and len(desk.bot_notes(iid)) == 2


def test_a_person_applying_another_state_takes_it_out_of_waiting(desk):
    missing_infra = COMPLETE.replace("## Infrastructure\nJenkins, Bitbucket, Jira.\n", "")
    iid = desk.issue(description=missing_infra, labels=("SA Waiting", "SA Triaged", "FY27-Q4"),
                     assignees=["ana.sa"], updated_at=NOW - HOUR,
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("gl-cs-bot", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("gl-cs-bot", "add", "SA Waiting", LONG_AGO + HOUR),
                                   ("ana.sa", "add", "SA Triaged", NOW - HOUR)])
    digest = hashlib.sha1(b"infrastructure").hexdigest()[:10]  # gl-cs's move came with its question
    desk.store.add_note(desk.project_id, iid, f"asks\n\n<!-- gl-cs:intake:missing-{digest} -->", "gl-cs-bot")
    code, out, report = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Triaged", "FY27-Q4"}
    assert any(f["rule"] == "intake" for f in report["findings"])
    code, out, report = desk.sync()
    assert report["writes"] == 0


def test_a_request_completed_long_ago_still_leaves_waiting(desk):
    from gl_cs.markers import with_marker

    iid = desk.issue(labels=("SA Waiting", "FY27-Q4"), updated_at=NOW - 48 * HOUR,
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("gl-cs-bot", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("gl-cs-bot", "add", "SA Waiting", LONG_AGO + HOUR)])
    desk.store.add_note(desk.project_id, iid, with_marker("asks", "intake", "missing-0123456789"), "gl-cs-bot")
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"}


def test_unreadable_list_does_not_blame_the_named_issue(desk):
    iid = desk.issue()
    desk.sandbox.faults.fail_paths = {r"/projects/[^/]+/issues$": 500}
    code, out, report = desk.sync("--issue", str(iid))
    assert code == 1 and report["fatal"] and report["failures"] == []


def test_comments_read_for_a_rule_are_not_read_again(desk):
    from gl_cs.markers import with_marker

    iid = desk.issue(labels=("SA Waiting", "FY27-Q4"),
                     label_events=[("eve.ae", "add", "SA Backlog", LONG_AGO),
                                   ("gl-cs-bot", "remove", "SA Backlog", LONG_AGO + HOUR),
                                   ("gl-cs-bot", "add", "SA Waiting", LONG_AGO + HOUR)])
    desk.store.add_note(desk.project_id, iid, with_marker("asks", "intake", "missing-0123456789"), "gl-cs-bot")
    desk.sandbox.requests.reset()
    code, out, _ = desk.sync()
    assert code == 0, out
    assert desk.labels(iid) == {"SA Backlog", "FY27-Q4"} and len(desk.bot_notes(iid)) == 2
    # intake read the comments once; the writer reuses them (the race check is one list request)
    assert desk.sandbox.requests.get("GET", "/projects/:id/issues/:iid/notes") == 1


def test_a_field_reader_exception_costs_that_issue_and_asks_nobody_anything(desk, monkeypatch):
    """A bug in the parser must never read as "every field is missing" (a wrong comment to
    a person): the issue is a failure in the report, nothing is posted to it, and the
    other issues are processed."""
    import gl_cs.decide.request as request

    broken_text = COMPLETE + "\n<!-- trips the parser -->\n"
    broken = desk.issue(description=broken_text, labels=("FY27-Q4",))
    fine = desk.issue(description=COMPLETE.replace("## Outcome\nFaster releases with fewer tools.\n", ""),
                      labels=("FY27-Q4",))
    real = request.parse_request

    def parse(description, *args, **kw):
        if "trips the parser" in description:
            raise IndexError("list index out of range")
        return real(description, *args, **kw)

    request._parse.cache_clear()
    monkeypatch.setattr(request, "parse_request", parse)
    code, out, report = desk.sync()
    request._parse.cache_clear()
    assert code == 1
    assert [f["issue"] for f in report["failures"]] == [broken]
    assert "internal error (IndexError" in report["failures"][0]["why"]
    assert desk.bot_notes(broken) == [] and desk.labels(broken) == {"FY27-Q4"}
    assert "SA Waiting" in desk.labels(fine) and len(desk.bot_notes(fine)) == 1


def _as_ana(desk, config=None):
    """`gl-cs sync` with an SA's own token, as an SA running it by hand would."""
    desk.store.add_token("ana-token", "ana.sa")
    argv = ["--gitlab-url", desk.sandbox.url, "--token", "ana-token", "--project", "sa-team/sa-service-desk",
            "--config", str(config or desk.config), "--now", NOW.isoformat(), "sync",
            "--report", str(Path(desk.sandbox.tmp) / "ana.json")]
    from click.testing import CliRunner

    from gl_cs.cli import cli

    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    return result, json.loads((Path(desk.sandbox.tmp) / "ana.json").read_text())


@pytest.mark.parametrize("bots, repeats", [("bots: [gl-cs-bot]", False), ("bots: []", True)],
                         ids=["gl-cs-bot configured", "no bot configured"])
def test_a_run_with_an_sas_token_never_repeats_what_the_bot_said_or_did(desk, rules_with, bots, repeats):
    """rules.yml names the account gl-cs runs as: a manual run with an SA's token says so at
    the start, and treats the bot's comments and label moves as gl-cs's own."""
    config = rules_with({"bots: [gl-cs-bot]": bots})
    reverted = desk.issue(labels=("SA Doing", "FY27-Q4"), updated_at=NOW,
                          label_events=[("olga.outsider", "add", "SA Doing", NOW - HOUR)])
    missing = desk.issue(description=COMPLETE.replace("## Outcome\nFaster releases with fewer tools.\n", ""))
    code, out, _ = desk.sync(config=config)
    assert code == 0, out
    assert desk.labels(reverted) == {"SA Backlog", "FY27-Q4"} and len(desk.bot_notes(missing)) == 1

    result, report = _as_ana(desk, config)
    assert result.exit_code == 0, result.output
    if repeats:  # without team.bots the bot is a stranger: its work is said and done again
        assert report["changes"]
    else:
        assert "gl-cs runs as ana.sa, not as gl-cs-bot" in result.output
        assert report["changes"] == [] and report["writes"] == 0


def test_a_bug_while_summing_up_an_issue_for_project_rules_costs_that_issue_and_writes_nothing(desk, monkeypatch):
    import gl_cs.app.sync as sync

    a, b = desk.issue(labels=("FY27-Q4",)), desk.issue(labels=("FY27-Q4",))
    real = sync.issue_facts

    def broken(issue, plan, ctx):
        if issue.iid == a:
            raise KeyError("segment")
        return real(issue, plan, ctx)

    monkeypatch.setattr(sync, "issue_facts", broken)
    code, out, report = desk.sync()
    assert code == 1 and [f["issue"] for f in report["failures"]] == [a]
    assert desk.labels(a) == {"FY27-Q4"} and "SA Backlog" in desk.labels(b)
