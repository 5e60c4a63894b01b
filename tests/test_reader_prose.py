"""The kind readers' pieces, table-driven: yes and no with their negation, facts written in
sentences, the kind of a request by what it says. (The unseen corpus measures them on text
their authors never saw: tests/corpus_unseen/.)"""

from __future__ import annotations

import datetime as dt

import pytest

from gl_cs.parse.kinds import kind_of_text, looks_done, read_review, title_customer
from gl_cs.parse.prose import employees, renews_on, segment_named, signed_on, signer, usernames
from gl_cs.parse.stance import field_stance, negated_at, reply_answer, stance

WRITTEN = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)  # a Wednesday
TZ = "America/Los_Angeles"


@pytest.mark.parametrize("text, concept, value", [
    ("We sold this through our partner Bytewise GmbH, who did the setup.", "partner", True),
    ("Sold through a partner? No, direct.", "partner", False),
    ("Sold through a partner? Yes - Bytewise.", "partner", True),
    ("no partner involved, bought direct", "partner", False),
    ("Partner: n/a (direct deal)", "partner", False),
    ("kein Partner involviert, Direktgeschäft", "partner", False),
    ("pas de partenaire non plus (vente en direct)", "partner", False),
    ("bought via Softcat last month", "partner", True),
    ("the customer bought direct from us", "partner", False),
    ("Lou from CS is their CSM.", "csm", True),
    ("No CSM on the account.", "csm", False),
    ("they do not qualify for a CSE", "csm", False),
    ("CSM will be Theo Marsh", "csm", True),
    ("Nothing planned with PS.", "ps", False),
    ("PS migration engagement kicked off last week", "ps", True),
    ("the customer does NOT want professional services", "ps", False),
    ("Tampoco hay servicios profesionales previstos", "ps", False),
    ("PS: I'm out on Friday, ping Ana.", "ps", None),  # a postscript, not Professional Services
    ("Great team, fast decisions.", "partner", None),
])
def test_yes_and_no_are_read_with_their_negation(text, concept, value):
    assert stance(text, concept).value is value


def test_a_field_answers_before_the_sentences():
    assert stance("We sold this through our partner X.", "partner", field="no").value is False
    assert field_stance("none").value is False and field_stance("TBD").value is None
    assert field_stance("yes - Priya Nair (CSE)").value is True and field_stance("").value is None
    assert field_stance("not sure").value is None  # not an answer


def test_evidence_is_the_clause_read():
    said = stance("Hi! We sold this through our partner Bytewise GmbH. Thanks", "partner")
    assert said.evidence == "We sold this through our partner Bytewise GmbH"


@pytest.mark.parametrize("text, negated", [
    ("the customer does NOT want professional services", True),
    ("they want professional services for the migration", False),
    ("no professional services, just guidance", True),
    ("professional services ki zarurat nahi hai - unki apni platform team hai", True),  # Hindi-English
    ("professional services 필요 없음", True),  # Korean
    ("professional services ki zarurat hai, migration ke liye", False),
])
def test_negated_at(text, negated):
    start = text.index("professional services")
    assert negated_at(text, start, start + len("professional services")) is negated


@pytest.mark.parametrize("reply, answer", [
    ("yes, that's the one", True), ("No - #28 is just meeting notes", False), ("nope", False),
    ("> is #28 the checklist?\nno", False), ("Ja", True), ("cc @ana.sa", None),
    ("Not sure, let me check", None), ("Don't know yet", None), ("ok, will check with the customer", None),
    ("Sure, let me look", None), ("no idea, ask Ana", None), ("nein, das ist nur die Notiz", False),
])
def test_reply_answers(reply, answer):
    assert reply_answer(reply) is answer


@pytest.mark.parametrize("text, day, month_only", [
    ("*Nordwind Logistik* is closed-won!! contract countersigned Thu 11/26", dt.date(2026, 11, 26), False),
    ("Lumen Freight, CW Nov 30. mid market", dt.date(2026, 11, 30), False),
    ("Maison Clairval a signé le 18 novembre !", dt.date(2026, 11, 18), False),
    ("they signed last Friday", dt.date(2026, 11, 27), False),
    ("signed on the 3rd", dt.date(2026, 11, 3), False),  # the 3rd after the 2nd is last month's
    ("closed-won Jul 2026", dt.date(2026, 7, 1), True),
    ("Sandpiper Labs signed May 15th", dt.date(2026, 5, 15), False),  # a signing is never a coming date
    ("Albright & Sons signed 3/11/26, so we're already a month in", dt.date(2026, 11, 3), False),
    ("Signed - 14.05.26", dt.date(2026, 5, 14), False),
    ("closed 11/19/26, sorry", dt.date(2026, 11, 19), False),
    ("signed the Friday before Thanksgiving", dt.date(2026, 11, 20), False),
    ("Sundial Coffee Roasters signed with us back on July 31 - Premium", dt.date(2026, 7, 31), False),
])
def test_signing_dates_in_sentences(text, day, month_only):
    found = signed_on(text, WRITTEN, TZ, False)
    assert found is not None and (found.day, found.month_only) == (day, month_only), found


def test_no_signing_no_date():
    assert signed_on("We met them on Nov 30 for a demo.", WRITTEN, TZ, False) is None
    # words between the signing and a date that are not filler: not its date
    assert signed_on("they signed up for the webinar series starting Nov 30", WRITTEN, TZ, False) is None


@pytest.mark.parametrize("text, count", [
    ("~320 people total, maybe 90 devs", 320), ("env. 600 salariés", 600), ("ca. 1.800 Mitarbeiter", 1800),
    ("5k+ employees", 5000), ("between 500-600 staff", 500), ("around eighty people", 80),
    ("thirty-five people", 35), ("60ish ppl (8 in eng)", 60), ("~40 devs, 55 staff total", 55),
    ("Premium, 180 seats", None), ("a team of 12 developers", None),
])
def test_employees(text, count):
    assert employees(text) == count


def test_a_bare_count_in_its_own_field():
    assert employees("62", bare=True) == 62 and employees("ca. 1.800", bare=True) == 1800
    assert employees("5k+", bare=True) == 5000 and employees("62") is None


@pytest.mark.parametrize("text, segment", [
    ("mid market (approx 350 staff)", "Mid-Market"), ("Enterprise / strategic", "Strategic"),
    ("small business", "SMB"), ("a large deployment", "Large"),
])
def test_segments_as_written(text, segment):
    assert segment_named(text) == segment


def test_renewals_in_sentences():
    assert renews_on("RENEWAL IS 5/31/2027, not Nov '27", WRITTEN, TZ, False).day == dt.date(2027, 5, 31)
    found = renews_on("renewal is coming up in May 2027", WRITTEN, TZ, False, start=dt.date(2026, 5, 15))
    assert found.day == dt.date(2027, 5, 15)  # the start's anniversary, in the month written


@pytest.mark.parametrize("title, customer", [
    ("Onboarding checklist: Acme Robotics", "Acme Robotics"), ("nordwind onboarding", "nordwind"),
    ("Lumen Freight — pls open onboarding", "Lumen Freight"), ("New onboarding request", ""),
    ("Live Optimization Request - Kestrel Laboratories, Inc.", "Kestrel Laboratories"),
])
def test_the_customer_in_a_title(title, customer):
    assert title_customer(title) == customer


def test_who_signed_and_who_is_mentioned():
    assert signer("*Nordwind Logistik* is closed-won!!") == "Nordwind Logistik"
    assert signer("Maison Clairval (cosmétiques, env. 600 salariés) a signé le 18 novembre") == "Maison Clairval"
    assert usernames("@ben.sa should own it; mail ben@example.com; cc @ana.sa") == ("ben.sa", "ana.sa")


@pytest.mark.parametrize("title, text, kind", [
    ("nordwind onboarding", "Nordwind is closed-won!", "onboarding"),
    ("Quick question", "Jana: they signed Nov 26, can we start the onboarding?", "onboarding"),
    ("LO request: Voxel Foundry", "would like a session", "live_optimization"),
    ("Acme", "Customer Information: Acme\nPreferred Date Options: Dec 1\nOutcome: onboarding developers faster\n"
             "Challenges: signed a new contract", None),  # an SA Activity request mentioning onboarding
    ("Demo for Acme", "they want to see CI", None),
])
def test_the_kind_of_a_request_by_what_it_says(title, text, kind):
    assert kind_of_text(title, text) == kind


def test_notes_of_a_session_held_are_not_a_request():
    assert looks_done("Live Optimization - Kestrel Labs", "Session booked Wed Dec 2. Notes after the call: ...")
    assert not looks_done("Live Optimization request", "please open a session for Kestrel")


def test_a_renewal_review_made_by_hand():
    read = read_review("Renewal review - Castellan (3 mo)", "Castellan Wines renews 4/28/27. Second review.",
                       None, WRITTEN)
    assert (read.months, read.renewal, read.customer) == (3, dt.date(2027, 4, 28), "Castellan")


def test_options_no_longer_offered_are_not_read():
    from gl_cs.parse.dates import find_dates, offered

    text = "~~Fri Dec 4, 11am ET~~ - customer cancelled\n**UPDATE Dec 7:** new options Thu Dec 10, 11am ET"
    kept = offered(text)
    assert len(kept) == len(text)  # positions kept: what is read is quoted exactly
    read = find_dates(kept, now=WRITTEN, default_tz=TZ, day_first=False, written=WRITTEN)
    assert [(d.when.date(), d.source) for d in read] == [(dt.date(2026, 12, 10), "Thu Dec 10, 11am ET")]
    assert len(find_dates(text, now=WRITTEN, default_tz=TZ, day_first=False, written=WRITTEN)) == 3


@pytest.mark.parametrize("text, utc", [
    ("the call is in 6 hours", dt.datetime(2026, 12, 2, 18, 0)),
    ("in half an hour", dt.datetime(2026, 12, 2, 12, 30)),
])
def test_an_event_written_as_a_delay_is_read_from_when_it_was_written(text, utc):
    from gl_cs.parse.dates import offsets

    [read] = offsets(text, WRITTEN, TZ)
    assert read.when.astimezone(dt.timezone.utc).replace(tzinfo=None) == utc and not read.date_only


@pytest.mark.parametrize("text, utc", [
    ("Tuesday, December 8 · 9:00 – 10:00am Pacific", dt.datetime(2026, 12, 8, 17, 0)),  # a calendar invite
    ("this afternoon 3pm PT", dt.datetime(2026, 12, 2, 23, 0)),
    ("EOD tomorrow", dt.datetime(2026, 12, 4, 1, 0)),  # 17:00 in the team's zone
    ("noon tomorrow (London)", dt.datetime(2026, 12, 3, 12, 0)),
])
def test_more_ways_of_writing_a_time(text, utc):
    from gl_cs.parse.dates import find_dates, offered

    [read] = find_dates(offered(text), now=WRITTEN, default_tz=TZ, day_first=False, written=WRITTEN)
    assert read.when.astimezone(dt.timezone.utc).replace(tzinfo=None) == utc, read


@pytest.mark.parametrize("text, concept, value", [
    ("if they ever need PS for the migration we'll talk", "ps", False),
    ("Was @lou.csm but she left the company, account is unassigned now", "csm", False),
])
def test_a_hypothesis_or_someone_gone_is_no(text, concept, value):
    assert stance("", concept, field=text).value is value if concept == "csm" else stance(text, concept).value is value


def test_a_partner_at_work_is_read_even_when_the_partner_field_says_no():
    from gl_cs.config import load_config
    from gl_cs.parse.kinds import read_kind

    text = ("## Milestones\n1. Templates: Brightpath Consulting (who implemented GitLab for them) is building these, "
            "2 days a week until end of January.\n\n## Partner\nno\n")
    read = read_kind(text, "live_optimization", load_config("rules.yml"), WRITTEN)
    assert read.partner == "a partner" and "Brightpath Consulting" in read.evidence["partner"]


def test_counts_and_months_as_written():
    assert employees("they're a 200-person company") == 200 and employees("headcount ~1.2k", bare=True) == 1200
    found = signed_on("Saltmarsh Games finally closed EOM October", WRITTEN, TZ, False)
    assert found is not None and found.day == dt.date(2026, 10, 31)
    found = signed_on("Brightwave signed last week", WRITTEN, TZ, False)
    assert found is not None and found.day == dt.date(2026, 11, 23) and found.month_only  # approximate
    assert looks_done("Live Optimization - Kessler Audio", "Customer: Kessler Audio\nSession: Wed 18 Nov, 10:00 CET\n")


def test_renewal_statements_said_to_be_out_of_date_are_not_read():
    text = ("The onboarding issue still implies a renewal on 31 Jan 2027 but that is NOT the renewal date anymore - "
            "everything was co-termed to 30.09.2027.")
    assert renews_on(text, WRITTEN, TZ, False).day == dt.date(2027, 9, 30)


def test_a_question_asserts_nothing():
    text = "do they want PS for the migration?"
    start = text.index("PS")
    assert negated_at(text, start, start + 2)


def test_a_day_restated_in_parentheses_before_its_time():
    from gl_cs.parse.dates import find_dates, offered

    read = find_dates(offered("Tomorrow (Tue 12/3) 11:00 AM Pacific"), now=WRITTEN, default_tz=TZ, day_first=False,
                      written=WRITTEN)
    assert [(d.when.astimezone(dt.timezone.utc).replace(tzinfo=None), d.date_only) for d in read] == [
        (dt.datetime(2026, 12, 3, 8, 0), True), (dt.datetime(2026, 12, 3, 19, 0), False)]


@pytest.mark.parametrize("answer, value", [
    ("brak", False), ("nie, sprzedaż bezpośrednia", False), ("없음", False), ("いいえ", False), ("tak", True),
    ("nahi", False),
])
def test_field_answers_in_more_languages(answer, value):
    assert field_stance(answer).value is value


def test_prose_readers_look_at_lines_of_at_most_2000_characters():
    """What they read is said in a sentence: a 100 KB line of digits is cut, not scanned
    (it cost seconds per issue); a count at the start of a long line is still read."""
    from gl_cs.parse.prose import LINE_LIMIT, short_lines

    text = "About 320 people. " + "123 " * 25_000 + "\nshort line"
    cut = short_lines(text)
    assert [len(line) for line in cut.split("\n")] == [LINE_LIMIT, len("short line")]
    assert employees(text) == 320
    assert short_lines("80 employees") == "80 employees"
