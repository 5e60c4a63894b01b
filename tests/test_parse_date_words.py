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


# -- urgent events as AEs write them (issue 17) ------------------------------------------
# Written Monday 7 Dec 2026, 17:00 UTC (09:00 in Los Angeles, 18:00 in Paris, Tue 02:00 in
# Tokyo); the team writes month first. Each instant is the wall time the AE meant.
MON = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.timezone.utc)

URGENT = [
    # name, written, when (ISO, local), source, time_source
    # a weekday in any language, also in parentheses between the date and its time
    ("de_weekday_in_parentheses", "08.12.2026 (Dienstag) 09:00 CET", "2026-12-08T09:00:00+01:00",
     "08.12.2026 (Dienstag) 09:00 CET", "09:00"),
    ("es_weekday_decides_day_first", "08/12/2026 (martes) 10:00 CET", "2026-12-08T10:00:00+01:00",
     "08/12/2026 (martes) 10:00 CET", "10:00"),
    ("fr_abbreviation_in_parentheses", "08/12/2026 (mar.) 10h CET", "2026-12-08T10:00:00+01:00",
     "08/12/2026 (mar.) 10h CET", "10h"),
    ("pt_weekday_in_parentheses", "08/12/2026 (terça-feira) às 10h", "2026-12-08T10:00:00-08:00",
     "08/12/2026 (terça-feira) às 10h", "às 10h"),
    ("it_weekday_in_parentheses", "08/12/2026 (martedì) 10:00 CET", "2026-12-08T10:00:00+01:00",
     "08/12/2026 (martedì) 10:00 CET", "10:00"),
    ("nl_abbreviation_in_parentheses", "08-12-2026 (di) 10:00 CET", "2026-12-08T10:00:00+01:00",
     "08-12-2026 (di) 10:00 CET", "10:00"),
    ("ja_weekday_in_fullwidth_parentheses", "08/12/2026（火曜日）10:00 JST", "2026-12-08T10:00:00+09:00",
     "08/12/2026（火曜日）10:00 JST", "10:00"),
    ("ja_one_kanji_weekday", "2026/12/08 (火) 10:00 JST", "2026-12-08T10:00:00+09:00",
     "2026/12/08 (火) 10:00 JST", "10:00"),
    ("de_weekday_before_numeric_without_year", "Dienstag, 08/12 09:00 CET", "2026-12-08T09:00:00+01:00",
     "08/12 09:00 CET", "09:00"),
    ("fr_mar_is_tuesday_not_march", "Mar. 8 déc. 10h CET", "2026-12-08T10:00:00+01:00", "8 déc. 10h CET", "10h"),
    ("en_weekday_between_date_and_time", "Dec 8, Tuesday, 10am PT", "2026-12-08T10:00:00-08:00",
     "Dec 8, Tuesday, 10am PT", "10am"),
    # relative days with punctuation or emphasis between the day and its time
    ("en_tomorrow_comma", "tomorrow, 8am PT", "2026-12-08T08:00:00-08:00", "tomorrow, 8am PT", "8am"),
    ("en_tmrw_at_sign", "tmrw @ 8:30 ET", "2026-12-08T08:30:00-05:00", "tmrw @ 8:30 ET", "8:30"),
    ("en_emphasis_and_dash", "**tomorrow** — *9:00 Pacific*", "2026-12-08T09:00:00-08:00",
     "tomorrow** — *9:00 Pacific", "9:00"),
    ("en_colon", "Tomorrow: 9am PT", "2026-12-08T09:00:00-08:00", "Tomorrow: 9am PT", "9am"),
    ("en_part_of_day", "tomorrow morning at 9am PT", "2026-12-08T09:00:00-08:00", "tomorrow morning at 9am PT",
     "9am"),
    ("en_today", "today 1pm PT", "2026-12-07T13:00:00-08:00", "today 1pm PT", "1pm"),
    ("en_tonight", "tonight 8pm ET", "2026-12-07T20:00:00-05:00", "tonight 8pm ET", "8pm"),
    ("en_day_after_tomorrow", "the day after tomorrow 10am PT", "2026-12-09T10:00:00-08:00",
     "the day after tomorrow 10am PT", "10am"),
    ("de_morgen", "morgen, 9 Uhr MEZ", "2026-12-08T09:00:00+01:00", "morgen, 9 Uhr MEZ", "9 Uhr"),
    ("de_heute_nachmittag", "heute Nachmittag 15 Uhr MEZ", "2026-12-07T15:00:00+01:00",
     "heute Nachmittag 15 Uhr MEZ", "15 Uhr"),
    ("de_uebermorgen", "übermorgen 10 Uhr MEZ", "2026-12-09T10:00:00+01:00", "übermorgen 10 Uhr MEZ", "10 Uhr"),
    ("fr_demain", "demain à 10h CET", "2026-12-08T10:00:00+01:00", "demain à 10h CET", "à 10h"),
    ("es_manana", "mañana a las 10:00", "2026-12-08T10:00:00-08:00", "mañana a las 10:00", "a las 10:00"),
    ("pt_amanha", "amanhã às 10h (horário de Brasília)", "2026-12-08T10:00:00-03:00", "amanhã às 10h", "às 10h"),
    ("it_domani", "domani alle 10 CET", "2026-12-08T10:00:00+01:00", "domani alle 10 CET", "alle 10"),
    ("nl_morgen", "morgen om 10 uur CET", "2026-12-08T10:00:00+01:00", "morgen om 10 uur CET", "om 10 uur"),
    ("ja_ashita_in_tokyo", "明日15時 JST", "2026-12-09T15:00:00+09:00", "明日15時 JST", "15時"),  # written Tue in Tokyo
    # "Morgen" / "mañana" as the morning
    ("de_heute_morgen_is_this_morning", "heute Morgen 9 Uhr MEZ", "2026-12-07T09:00:00+01:00",
     "heute Morgen 9 Uhr MEZ", "9 Uhr"),
    ("es_manana_por_la_manana", "mañana por la mañana a las 10", "2026-12-08T10:00:00-08:00",
     "mañana por la mañana a las 10", "a las 10"),
    # emphasis never hides a zone, and an IANA name keeps its underscore
    ("emphasis_around_iana", "_2026-12-08 10:00 America/Los_Angeles_", "2026-12-08T10:00:00-08:00",
     "2026-12-08 10:00 America/Los_Angeles", "10:00"),
]


@pytest.mark.parametrize("written, when, source, time_source",
                         [pytest.param(w, t, s, ts, id=n) for n, w, t, s, ts in URGENT])
def test_urgent_events_as_aes_write_them(written, when, source, time_source):
    got = find_dates(written, now=MON, default_tz=LA, day_first=False)
    assert [(d.when.isoformat(), d.source, d.time_source, d.unread_time) for d in got] == [
        (when, source, time_source, "")]


@pytest.mark.parametrize("written, day_first, when", [
    pytest.param("12/08/2026 (Tue) 10am PT", True, "2026-12-08T10:00:00-08:00", id="tue_decides_month_first"),
    pytest.param("12/08/2026 10am PT", True, "2026-08-12T10:00:00-07:00", id="no_weekday_team_order"),
    pytest.param("08/12/2026 (Fri) 10:00 CET", False, "2026-08-12T10:00:00+02:00", id="neither_matches_team_order"),
    pytest.param("Tue 12/8 10am PT", False, "2026-12-08T10:00:00-08:00", id="both_agree"),
])
def test_a_weekday_decides_the_order_of_a_numeric_date(written, day_first, when):
    got = find_dates(written, now=MON, default_tz=LA, day_first=day_first)
    assert [d.when.isoformat() for d in got] == [when]


@pytest.mark.parametrize("written, when", [
    pytest.param("Guten Morgen! Termin: 08.12. um 10 Uhr MEZ", ["2026-12-08T10:00:00+01:00"], id="guten_morgen"),
    pytest.param("Am Dienstag Morgen um 9 Uhr", [], id="weekday_morning_alone"),
    pytest.param("a las 10 de la mañana", [], id="de_la_manana_is_am"),
    # English "So," is not Sonntag: Dec 12 stays in 2026 (a Sunday would move it to 2027)
    pytest.param("So, 12 Dec works for them", ["2026-12-12T00:00:00-08:00"], id="so_is_english"),
    pytest.param("Di 10 Uhr passt", [], id="weekday_with_a_time_is_not_a_date"),
])
def test_words_that_look_like_dates_but_are_not(written, when):
    got = find_dates(written, now=MON, default_tz=LA, day_first=False)
    assert [d.when.isoformat() for d in got] == when
