"""Reading onboarding / Live Optimization requests leniently, and telling requests from
checklists and sessions (by author, hidden key and shape, never by the label alone)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import NOW
from gl_cs.decide.request import (LIVE_OPTIMIZATION_REQUEST, ONBOARDING_REQUEST, OPENED, OTHER, REQUEST, issue_kind)
from gl_cs.markers import with_marker
from gl_cs.parse.kinds import read_kind
from gl_cs.read.snapshot import Issue, User
from kind_facts import CONFIG, ctx

D = dt.date
EVE, ANA, BOT = User(5, "eve.ae"), User(6, "ana.sa"), User(1, "gl-cs-bot")


@pytest.mark.parametrize("text, start", [
    ("## Customer\nAcme\n\n## Closed-won / start date\nclosed-won 14 Mar 2026\n", D(2026, 3, 14)),
    ("**Customer:** Acme\n**Start Date:** 2026-04-02\n", D(2026, 4, 2)),
    ("Customer: Acme\nsigned: 2026-04-02\n", D(2026, 4, 2)),
    ("Customer - Acme\n\nWe closed-won 14 Mar 2026 after a long POC.\n", D(2026, 3, 14)),
    ("| Field | Value |\n| --- | --- |\n| Customer | Acme |\n| Start Date | March 14, 2026 |\n", D(2026, 3, 14)),
])
def test_onboarding_fields_in_any_style(text, start):
    read = read_kind(text, "onboarding", CONFIG, NOW)
    assert read.customer == "Acme" and read.start == start and read.missing == ()


@pytest.mark.parametrize("text, segment, employees", [
    ("Employees: 80 employees", "SMB", 80), ("Employees: 80", "SMB", 80), ("Segment: Mid-Market", "Mid-Market", None),
    ("about 1,200 staff worldwide", "Large", 1200), ("A strategic account", None, None), ("", None, None),
    ("seg: MM (~300 seats of Premium)", "Mid-Market", None), ("Seg: ENT (global bank)", "Large", None)])
def test_segment_from_employees_or_as_written(text, segment, employees):
    read = read_kind("Customer: Acme\nSigning Date: 2026-10-01\n" + text, "live_optimization", CONFIG, NOW)
    assert (read.segment, read.employees) == (segment, employees)
    assert ("segment" in read.missing) == (segment is None)


def test_live_optimization_request_fields():
    text = ("**Customer:** Hooli (https://gitlab.my.salesforce.com/0016100001AbCdE)\n**Signing Date:** 2 Oct 2026\n"
            "**Employees:** 60\n**SA:** @ben.sa\n**CSM:** none\n**Partner:** no\n**Ultimate Opportunity:** yes\n"
            "**ASM Approval:** approved by Max on 20 Nov\n\n## Milestones\n1. Faster CI\n2. SAST everywhere\n\n"
            "## Proposed Dates\nDec 2, 10am PT or Dec 4\n")
    read = read_kind(text, "live_optimization", CONFIG, NOW)
    assert read.customer == "Hooli" and read.salesforce == "0016100001AbCdE" and read.start == D(2026, 10, 2)
    assert read.segment == "SMB" and read.sa == "ben.sa" and read.csm == "" and read.partner == ""
    assert read.ultimate and read.asm_approval and read.milestones == ("Faster CI", "SAST everywhere")
    assert read.proposed[:2] == (D(2026, 12, 2), D(2026, 12, 4)) and read.missing == ()


def test_the_empty_templates_miss_only_what_is_required():
    from gl_cs.commands.templates import SOURCE

    onboarding = read_kind((SOURCE / "Customer_Onboarding.md").read_text(), "onboarding", CONFIG, NOW)
    assert onboarding.missing == ("customer", "start_date")
    lo = read_kind((SOURCE / "Live_Optimization_Request.md").read_text(), "live_optimization", CONFIG, NOW)
    assert lo.missing == ("customer", "signing_date", "segment") and lo.milestones == ()
    assert not lo.ultimate and not lo.asm_approval and lo.csm == "" and lo.partner == ""


def issue(title, description="", labels=("SA Backlog",), author=EVE):
    t = NOW - dt.timedelta(days=1)
    return Issue(iid=1, title=title, description=description, state="opened", labels=tuple(labels), assignees=(),
                 author=author, created_at=t, updated_at=t)


def test_kind_is_told_by_label_then_author_key_and_shape():
    c = ctx()
    assert issue_kind(issue("Help with a demo", "## Customer Information\nAcme"), c) == REQUEST
    assert issue_kind(issue("Onboarding: Acme", "Customer: Acme\nStart Date: 2026-11-01",
                            ("Onboarding", "SA Backlog")), c) == ONBOARDING_REQUEST
    assert issue_kind(issue("Live Optimization session for Acme", "Customer: Acme\nSigning Date: 2026-10-01",
                            ("Live Optimization", "SA Backlog")), c) == LIVE_OPTIMIZATION_REQUEST
    # a checklist made by hand, labelled like the requests: by its shape
    assert issue_kind(issue("Acme", "- [ ] Welcome\n- [ ] Installation\n- [ ] Discovery", ("Onboarding",),
                            author=ANA), c) == OTHER
    assert issue_kind(issue("Onboarding checklist: Acme", "", ("Onboarding",), author=ANA), c) == OTHER
    assert issue_kind(issue("Live Optimization session: Acme", "notes", ("Live Optimization",)), c) == OTHER
    # gl-cs's own: its author (and hidden key)
    mine = issue("Onboarding checklist: Acme", with_marker("x", "create", "onboarding:acme:checklist"),
                 ("Onboarding", "SA Triaged"), author=BOT)
    assert issue_kind(mine, c) == OPENED
    # a person pasting the hidden key does not make an issue gl-cs's
    pasted = issue("Onboarding: Acme", "Customer: Acme\nStart Date: 2026-11-01\n" +
                   with_marker("", "create", "onboarding:acme:checklist"), ("Onboarding",))
    assert issue_kind(pasted, c) == ONBOARDING_REQUEST


@pytest.mark.parametrize("title, kind", [
    ("LO pls: Harborlight Insurance Brokers", "live_optimization"), ("LO please - Quarry Foods", "live_optimization"),
    ("Lo que necesitamos: demo", None),  # Spanish "lo" is not Live Optimization
])
def test_a_live_optimization_request_named_by_its_abbreviation(title, kind):
    from gl_cs.parse.kinds import kind_of_text

    assert kind_of_text(title, "customer: Harborlight\nsigned: Oct 26\n") == kind
