"""checklist_progress (pure): overdue steps commented once each, the due date planned on
the next unticked step once the writer has ``SetDueDate``."""

from __future__ import annotations

import datetime as dt

from gl_cs.decide import actions
from gl_cs.decide.actions import Comment
from gl_cs.decide.rules.checklist_progress import decide
from gl_cs.markers import with_marker
from gl_cs.read.snapshot import Issue, User
from kind_facts import ctx

BOT, ANA = User(1, "gl-cs-bot"), User(6, "ana.sa")
TEXT = ("- [x] **1. Welcome** (due 2026-11-10, at start): hi\n"
        "- [ ] **2. Personal introduction** (due 2026-11-15, 2-5 days): call\n"
        "- [ ] **3. Installation follow-up** (due 2026-11-20, 7-10 days): check\n"
        "- [ ] **4. Education** (due 2026-12-10, 20-30 days): teach\n")


def checklist(text=TEXT, author=BOT, labels=("Onboarding", "SA Triaged"), created=dt.datetime(2026, 11, 12, 9,
              tzinfo=dt.timezone.utc), due=None):
    body = with_marker(text, "create", "onboarding:acme:checklist") if author == BOT else text
    return Issue(iid=4, title="Onboarding checklist: Acme", description=body, state="opened", labels=labels,
                 assignees=(ANA,), author=author, created_at=created, updated_at=created, due_date=due)


def test_steps_that_became_overdue_while_open_get_one_comment_each():
    out = [a for a in decide(checklist(), ctx()) if isinstance(a, Comment)]
    assert [a.key for a in out] == ["overdue-2026-11-15-Personal introduction",
                                    "overdue-2026-11-20-Installation follow-up"]
    assert all(a.body.startswith("@ana.sa step **") for a in out)
    # opened after step 2 was due: only step 3
    late = [a for a in decide(checklist(created=dt.datetime(2026, 11, 17, tzinfo=dt.timezone.utc)), ctx())
            if isinstance(a, Comment)]
    assert [a.key for a in late] == ["overdue-2026-11-20-Installation follow-up"]


def test_hand_made_checklists_with_dates_count_and_other_issues_do_not():
    assert len([a for a in decide(checklist(author=ANA), ctx()) if isinstance(a, Comment)]) == 2
    assert decide(checklist(author=ANA, labels=("SA Doing",)), ctx()) == []


def test_due_date_follows_the_next_unticked_step():
    out = decide(checklist(due=dt.date(2026, 11, 10)), ctx())
    assert out[0] == actions.SetDueDate("checklist_progress", "the next unticked step, Personal introduction, is due "
                                                              "2026-11-15", due_date=dt.date(2026, 11, 15))
    assert not any(isinstance(a, actions.SetDueDate) for a in decide(checklist(due=dt.date(2026, 11, 15)), ctx()))
