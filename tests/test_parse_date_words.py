"""Dates and times in the team's languages: gl_cs.parse.date_words.rewrite, with exact source text."""

from __future__ import annotations

import datetime as dt

import pytest

from gl_cs.parse.date_words import rewrite
from gl_cs.parse.dates import find_dates

NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.timezone.utc)
LA = "America/Los_Angeles"

CASES = [
    # name, written, when (ISO, local), source, time_source
    ("fr_17h_cet", "Nov 26, 17h CET", "2026-11-26T17:00:00+01:00", "Nov 26, 17h CET", "17h"),
    ("de_uhr_mez", "Do., 26.11. um 9 Uhr MEZ", "2026-11-26T09:00:00+01:00", "26.11. um 9 Uhr MEZ", "um 9 Uhr"),
    ("es_a_las", "26 de noviembre a las 10:00", "2026-11-26T10:00:00-08:00", "26 de noviembre a las 10:00",
     "a las 10:00"),
    ("es_tarde", "26 de nov. a las 3 de la tarde CET", "2026-11-26T15:00:00+01:00",
     "26 de nov. a las 3 de la tarde CET", "a las 3 de la tarde"),
    ("pt_as_10h", "26 de novembro às 10h", "2026-11-26T10:00:00-08:00", "26 de novembro às 10h", "às 10h"),
    ("pt_brasilia", "26 de novembro às 10h (horário de Brasília)", "2026-11-26T10:00:00-03:00",
     "26 de novembro às 10h", "às 10h"),
    ("de_dotted_no_year", "26.11.", "2026-11-26T00:00:00-08:00", "26.11.", ""),
    ("en_thu_26th", "Thu 26th Nov @ 2:30pm", "2026-11-26T14:30:00-08:00", "Thu 26th Nov @ 2:30pm", "2:30pm"),
    ("ja_ji", "11月26日 15時", "2026-11-26T15:00:00-08:00", "11月26日 15時", "15時"),
    ("ja_gogo_han", "2026年11月26日（木）午後3時半 JST", "2026-11-26T15:30:00+09:00",
     "2026年11月26日（木）午後3時半 JST", "午後3時半"),
    ("ja_fullwidth", "１１月２６日 １５：００", "2026-11-26T15:00:00-08:00", "１１月２６日 １５：００", "１５：００"),
    ("fr_le_a", "le 26 novembre à 17h", "2026-11-26T17:00:00-08:00", "26 novembre à 17h", "à 17h"),
    ("de_long", "26. November 2026, 14:30 Uhr", "2026-11-26T14:30:00-08:00", "26. November 2026, 14:30 Uhr",
     "14:30 Uhr"),
    ("it_alle", "giovedì 26 novembre alle 10", "2026-11-26T10:00:00-08:00", "26 novembre alle 10", "alle 10"),
    ("nl_om_uur", "donderdag 26 november om 10 uur CET", "2026-11-26T10:00:00+01:00",
     "26 november om 10 uur CET", "om 10 uur"),
    ("de_berliner_zeit", "26.11. 10 Uhr Berliner Zeit", "2026-11-26T10:00:00+01:00", "26.11. 10 Uhr", "10 Uhr"),
    ("time_before_date", "3pm ET on Nov 24", "2026-11-24T15:00:00-05:00", "3pm ET on Nov 24", "3pm"),
]


@pytest.mark.parametrize("written, when, source, time_source",
                         [pytest.param(w, t, s, ts, id=n) for n, w, t, s, ts in CASES])
def test_foreign_dates_keep_their_source(written, when, source, time_source):
    got = find_dates(written, now=NOW, default_tz=LA, day_first=False)
    assert len(got) == 1
    assert got[0].when.isoformat() == when
    assert got[0].source == source
    assert got[0].time_source == time_source
    assert got[0].date_only is (time_source == "")
    assert got[0].unread_time == ""


@pytest.mark.parametrize("written, unread", [
    pytest.param("Nov 26 - earliest 10:00 CET", "10:00", id="time_not_attached"),
    pytest.param("Nov 24 or 25, 10am PT", "10am", id="second_day_then_time"),
])
def test_a_time_that_cannot_be_attached_is_reported_not_dropped(written, unread):
    got = find_dates(written, now=NOW, default_tz=LA, day_first=False)
    assert got[0].date_only and got[0].unread_time == unread


@pytest.mark.parametrize("text", [
    pytest.param("within 48h", id="within_48h"),
    pytest.param("Nov 26 2h session", id="two_hour_session"),
    pytest.param("2 out of 3 teams", id="out_is_not_outubro"),
    pytest.param("GitLab 16.11 upgrade", id="version"),
])
def test_durations_and_words_are_not_rewritten_into_times(text):
    rw = rewrite(text)
    assert ":" not in rw.text.replace(text, "") and "Oct" not in rw.text


def test_source_map_round_trips():
    text = "Termin: Do., 26.11. um 9 Uhr MEZ; alternativ 27.11. um 14:30 Uhr"
    rw = rewrite(text)
    assert rw.text != text
    assert rw.source(0, len(rw.text)) == text
