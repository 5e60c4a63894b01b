"""Tests for gl_cs.parse.dates.find_dates with a pinned ``now``.

``NOW`` is Monday 2026-11-23 17:00 UTC (09:00 in Los Angeles, 02:00 on
Tuesday 24 Nov in Tokyo).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gl_cs.parse.dates import MAX_DATES, ZONE_ABBREVIATIONS, ReadDate, find_dates, zone_for_abbreviation

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc)
LA = "America/Los_Angeles"


def read(text, *, tz=LA, day_first=False, now=NOW):
    return find_dates(text, now=now, default_tz=tz, day_first=day_first)


# (id, text, default_tz, day_first, [(when isoformat, zone_name, assumed_zone, date_only), ...])
CASES = [
    # --- ISO -----------------------------------------------------------------
    ("iso_date_only", "2026-11-24", LA, False, [("2026-11-24T00:00:00-08:00", LA, True, True)]),
    ("iso_utc_z", "2026-11-24T15:00:00Z", LA, False, [("2026-11-24T15:00:00+00:00", "UTC", False, False)]),
    (
        "iso_offset_space",
        "2026-11-24 10:00 -0800",
        "Europe/Berlin",
        False,
        [("2026-11-24T10:00:00-08:00", "UTC-08:00", False, False)],
    ),
    (
        "iso_offset_glued_fraction",
        "2026-11-24T15:00:00.250+01:00",
        LA,
        False,
        [("2026-11-24T15:00:00+01:00", "UTC+01:00", False, False)],
    ),
    ("iso_glued_offset", "2026-11-24T10:00-08:00", "UTC", False, [("2026-11-24T10:00:00-08:00", "UTC-08:00", False, False)]),
    (
        "iso_space_time_range_is_not_an_offset",
        "2026-11-24 10:00-11:00",
        "Europe/Berlin",
        False,
        [("2026-11-24T10:00:00+01:00", "Europe/Berlin", True, False)],
    ),
    ("iso_no_zone", "2026-11-24T15:00", "Europe/Berlin", False, [("2026-11-24T15:00:00+01:00", "Europe/Berlin", True, False)]),
    ("ymd_slashes", "2026/12/01 9am ET", LA, False, [("2026-12-01T09:00:00-05:00", "America/New_York", False, False)]),
    # --- month names ---------------------------------------------------------
    ("weekday_month_day_pt", "Tue Nov 24, 10am PT", LA, False, [("2026-11-24T10:00:00-08:00", LA, False, False)]),
    (
        "ordinal_at_est",
        "November 24th at 2:30 PM EST",
        LA,
        False,
        [("2026-11-24T14:30:00-05:00", "America/New_York", False, False)],
    ),
    (
        "long_form_pacific_time",
        "Tuesday, November 24, 2026 at 10:00 AM Pacific Time",
        "UTC",
        False,
        [("2026-11-24T10:00:00-08:00", LA, False, False)],
    ),
    (
        "day_of_month_cet_name",
        "the 24th of November, 14:00 Central European Time",
        LA,
        False,
        [("2026-11-24T14:00:00+01:00", "Europe/Paris", False, False)],
    ),
    ("day_month_year", "24 Nov 2026 16:00 GMT", LA, False, [("2026-11-24T16:00:00+00:00", "UTC", False, False)]),
    ("lowercase_everything", "nov 24 at 10 am pt", "UTC", False, [("2026-11-24T10:00:00-08:00", LA, False, False)]),
    ("noon", "Nov 24 at noon ET", LA, False, [("2026-11-24T12:00:00-05:00", "America/New_York", False, False)]),
    ("time_range_keeps_start", "Nov 24 10-11am CET", LA, False, [("2026-11-24T10:00:00+01:00", "Europe/Paris", False, False)]),
    ("day_range_then_time", "Nov 24-26 10am PT", "UTC", False, [("2026-11-24T10:00:00-08:00", LA, False, False)]),
    ("french_h_time", "24 Nov 10h30 CET", LA, False, [("2026-11-24T10:30:00+01:00", "Europe/Paris", False, False)]),
    ("time_before_date", "3pm ET on Nov 24", LA, False, [("2026-11-24T15:00:00-05:00", "America/New_York", False, False)]),
    ("date_only_with_zone", "Nov 24 (PT)", "UTC", False, [("2026-11-24T00:00:00-08:00", LA, False, True)]),
    # --- numeric, day/month order ---------------------------------------------
    ("day_first_numeric_cet", "24/11/2026 14:00 CET", LA, True, [("2026-11-24T14:00:00+01:00", "Europe/Paris", False, False)]),
    ("month_first_short", "11/24 3pm ET", LA, False, [("2026-11-24T15:00:00-05:00", "America/New_York", False, False)]),
    ("ambiguous_day_first", "03/04/2027 10:00 UTC", LA, True, [("2027-04-03T10:00:00+00:00", "UTC", False, False)]),
    ("ambiguous_month_first", "03/04/2027 10:00 UTC", LA, False, [("2027-03-04T10:00:00+00:00", "UTC", False, False)]),
    ("only_valid_reading_wins", "24/11/2026 9am PT", LA, False, [("2026-11-24T09:00:00-08:00", LA, False, False)]),
    ("dotted_is_day_first", "24.11.2026 09:00 Europe/Berlin", LA, False, [("2026-11-24T09:00:00+01:00", "Europe/Berlin", False, False)]),
    ("two_digit_year", "12/01/26 1pm CT", LA, False, [("2026-12-01T13:00:00-06:00", "America/Chicago", False, False)]),
    ("utc_offset_half_hour", "Nov 24 10:00 UTC+5:30", LA, False, [("2026-11-24T10:00:00+05:30", "UTC+05:30", False, False)]),
    ("gmt_negative_offset", "Nov 24 10:00 GMT-3", LA, False, [("2026-11-24T10:00:00-03:00", "UTC-03:00", False, False)]),
    # --- other zones ------------------------------------------------------------
    ("ist_is_india", "Nov 25 11:00 IST", LA, False, [("2026-11-25T11:00:00+05:30", "Asia/Kolkata", False, False)]),
    ("jst", "Nov 26 9am JST", LA, False, [("2026-11-26T09:00:00+09:00", "Asia/Tokyo", False, False)]),
    ("sgt", "Nov 26 4pm SGT", LA, False, [("2026-11-26T16:00:00+08:00", "Asia/Singapore", False, False)]),
    ("bst_in_summer", "Jun 3 2027 9am BST", LA, False, [("2027-06-03T09:00:00+01:00", "Europe/London", False, False)]),
    ("eet", "Dec 2 2026 10:00 EET", LA, False, [("2026-12-02T10:00:00+02:00", "Europe/Helsinki", False, False)]),
    ("aedt", "Nov 24, 9:00 AEDT", LA, False, [("2026-11-24T09:00:00+11:00", "Australia/Sydney", False, False)]),
    # --- daylight saving ----------------------------------------------------------
    ("us_before_fall_back", "Oct 31 2026 10am ET", LA, False, [("2026-10-31T10:00:00-04:00", "America/New_York", False, False)]),
    ("us_after_fall_back", "Nov 2 2026 10am ET", LA, False, [("2026-11-02T10:00:00-05:00", "America/New_York", False, False)]),
    ("us_ambiguous_hour_first", "Nov 1 2026 1:30am ET", LA, False, [("2026-11-01T01:30:00-04:00", "America/New_York", False, False)]),
    ("us_after_repeated_hour", "Nov 1 2026 3:00am ET", LA, False, [("2026-11-01T03:00:00-05:00", "America/New_York", False, False)]),
    ("us_spring_gap_moves_forward", "Mar 14 2027 2:30am ET", LA, False, [("2027-03-14T03:30:00-04:00", "America/New_York", False, False)]),
    ("pst_in_summer_is_pdt", "Jul 1 2027 10am PST", "UTC", False, [("2027-07-01T10:00:00-07:00", LA, False, False)]),
    ("eu_before_change_cet_label_ignored", "Oct 24 2026 10:00 CET", LA, False, [("2026-10-24T10:00:00+02:00", "Europe/Paris", False, False)]),
    ("eu_after_change", "Oct 26 2026 10:00 CEST", LA, False, [("2026-10-26T10:00:00+01:00", "Europe/Paris", False, False)]),
    ("eu_ambiguous_hour_first", "Oct 25 2026 2:30 Europe/Berlin", LA, False, [("2026-10-25T02:30:00+02:00", "Europe/Berlin", False, False)]),
    ("au_before_dst", "Oct 3 2026 10:00 AEST", LA, False, [("2026-10-03T10:00:00+10:00", "Australia/Sydney", False, False)]),
    ("au_after_dst_aest_label_ignored", "Oct 5 2026 10:00 AEST", LA, False, [("2026-10-05T10:00:00+11:00", "Australia/Sydney", False, False)]),
    ("au_gap", "Oct 4 2026 2:30am Australia/Sydney", LA, False, [("2026-10-04T03:30:00+11:00", "Australia/Sydney", False, False)]),
    # --- no year: next occurrence on/after now - 1 day -------------------------------------
    ("no_year_tomorrow", "Nov 24", LA, False, [("2026-11-24T00:00:00-08:00", LA, True, True)]),
    ("no_year_yesterday_still_this_year", "Nov 22", LA, False, [("2026-11-22T00:00:00-08:00", LA, True, True)]),
    ("no_year_two_days_ago_is_this_year", "Nov 21", LA, False, [("2026-11-21T00:00:00-08:00", LA, True, True)]),
    ("no_year_weekday_decides", "Wed Nov 17", LA, False, [("2027-11-17T00:00:00-08:00", LA, True, True)]),
    ("no_year_weekday_confirms", "Tue Nov 17 10am PT", LA, False,
     [("2026-11-17T10:00:00-08:00", LA, False, False)]),
    ("no_year_far_past_is_next_year", "Jun 3", LA, False, [("2027-06-03T00:00:00-07:00", LA, True, True)]),
    ("no_year_january_is_next_year", "Jan 5 10am PT", LA, False, [("2027-01-05T10:00:00-08:00", LA, False, False)]),
    ("no_year_feb_29_next_leap_year", "Feb 29", LA, False, [("2028-02-29T00:00:00-08:00", LA, True, True)]),
    ("no_year_uses_zone_of_the_date", "Nov 22 10am JST", LA, False, [("2026-11-22T10:00:00+09:00", "Asia/Tokyo", False, False)]),
    # --- no zone -------------------------------------------------------------
    ("no_zone_assumed", "Nov 24 10am", "Europe/Berlin", False, [("2026-11-24T10:00:00+01:00", "Europe/Berlin", True, False)]),
    ("no_zone_assumed_utc", "Dec 3 2026 08:15", "UTC", False, [("2026-12-03T08:15:00+00:00", "UTC", True, False)]),
    # --- relative -----------------------------------------------------------
    ("tomorrow", "tomorrow 10am PT", "UTC", False, [("2026-11-24T10:00:00-08:00", LA, False, False)]),
    ("today_default_zone", "today 4pm", LA, False, [("2026-11-23T16:00:00-08:00", LA, True, False)]),
    ("today_in_tokyo_is_the_24th", "today 10:00 JST", LA, False, [("2026-11-24T10:00:00+09:00", "Asia/Tokyo", False, False)]),
    # --- several dates ------------------------------------------------------------
    (
        "options_on_one_line",
        "Option 1: Tue Nov 24 10am PT / Option 2: Wed Nov 25 2pm PT",
        "UTC",
        False,
        [("2026-11-24T10:00:00-08:00", LA, False, False), ("2026-11-25T14:00:00-08:00", LA, False, False)],
    ),
    (
        "list_of_options_mixed_zones",
        "- Nov 24 10am PT\n- 25/11 14:00 CET\n- 2026-11-26",
        "UTC",
        True,
        [
            ("2026-11-24T10:00:00-08:00", LA, False, False),
            ("2026-11-25T14:00:00+01:00", "Europe/Paris", False, False),
            ("2026-11-26T00:00:00+00:00", "UTC", True, True),
        ],
    ),
    (
        "zone_written_once_for_the_line",
        "Nov 24 10am or Nov 25 3pm ET",
        LA,
        False,
        [
            ("2026-11-24T10:00:00-05:00", "America/New_York", False, False),
            ("2026-11-25T15:00:00-05:00", "America/New_York", False, False),
        ],
    ),
    (
        "zone_written_once_for_the_text",
        "Preferred (all times ET):\n- Nov 24 10am\n- Nov 25 2pm",
        LA,
        False,
        [
            ("2026-11-24T10:00:00-05:00", "America/New_York", False, False),
            ("2026-11-25T14:00:00-05:00", "America/New_York", False, False),
        ],
    ),
    (
        "two_zones_in_text_means_assume",
        "Nov 24 10am PT, Nov 25 9am CET\nNov 26 8am",
        "UTC",
        False,
        [
            ("2026-11-24T10:00:00-08:00", LA, False, False),
            ("2026-11-25T09:00:00+01:00", "Europe/Paris", False, False),
            ("2026-11-26T08:00:00+00:00", "UTC", True, False),
        ],
    ),
    (
        "comma_separated_numeric_day_first",
        "Option 1: 24/11 10:00, Option 2: 25/11 14:00 (CET)",
        LA,
        True,
        [
            ("2026-11-24T10:00:00+01:00", "Europe/Paris", False, False),
            ("2026-11-25T14:00:00+01:00", "Europe/Paris", False, False),
        ],
    ),
    ("month_dash_day_military_time", "Dec-08 0800 EST, 30 min", LA, False,
     [("2026-12-08T08:00:00-05:00", "America/New_York", False, False)]),
    ("day_dash_month_military_time", "08-Dec 1400 CET", LA, False,
     [("2026-12-08T14:00:00+01:00", "Europe/Paris", False, False)]),
    ("four_digits_without_a_zone_are_no_time", "Dec 8 1230 and more", LA, False,
     [("2026-12-08T00:00:00-08:00", LA, True, True)]),
    # --- not dates ---------------------------------------------------------------
    ("asap", "ASAP", LA, False, []),
    ("a_year_before_a_zone", "Budget 2026 EST, Q4-2026", LA, False, []),
    ("next_week_sometime", "next week sometime", LA, False, []),
    ("tbd", "TBD", LA, False, []),
    ("weekday_only", "Tuesday afternoon or Thursday morning", LA, False, []),
    ("time_only", "10am PT works best", LA, False, []),
    ("price_and_version", "$250k ARR, $1,200.50 per seat, upgrading to v16.4 then 16.11.2", LA, False, []),
    ("phone_numbers", "call +1 (415) 555-0134 or 415.555.0134", LA, False, []),
    ("salesforce_ids_and_urls", "SFDC 0061N00000AbCdEQAZ https://gitlab.my.salesforce.com/0061N00000AbCdE/2026/11", LA, False, []),
    ("phrases_with_slashes", "24/7 support, a 1/2 day workshop, 50/50 split", LA, False, []),
    ("lowercase_may", "we may 2x the seats; mar 3 is not a month either", LA, False, []),
    ("month_and_year_only", "sometime in November 2026, Q4 2026, FY27", LA, False, []),
    ("empty", "", LA, False, []),
]


@pytest.mark.parametrize(
    "text, tz, day_first, expected",
    [pytest.param(text, tz, df, exp, id=cid) for cid, text, tz, df, exp in CASES],
)
def test_find_dates(text, tz, day_first, expected):
    got = read(text, tz=tz, day_first=day_first)
    assert [(r.when.isoformat(), r.zone_name, r.assumed_zone, r.date_only) for r in got] == expected
    for r in got:
        assert isinstance(r, ReadDate)
        assert r.when.tzinfo is not None and r.when.utcoffset() is not None
        assert r.source and r.source in text
        if r.date_only:
            assert (r.when.hour, r.when.minute) == (0, 0)


def test_case_count_and_zone_spread():
    assert len(CASES) >= 40
    zones = {z for *_, exp in CASES for (_, z, _, _) in exp}
    assert len(zones) >= 5


@pytest.mark.parametrize(
    "text, source",
    [
        ("Please: Tue Nov 24, 10am PT works", "Tue Nov 24, 10am PT"),
        ("How about 3pm ET on Nov 24?", "3pm ET on Nov 24"),
        ("ISO 2026-11-24T15:00:00Z ok", "2026-11-24T15:00:00Z"),
        ("maybe Nov 24 (PT).", "Nov 24 (PT)"),
    ],
)
def test_source_is_the_substring_read(text, source):
    (r,) = read(text)
    assert r.source == source


def test_results_are_in_written_order():
    got = read("Dec 3 9am PT, then 2026-11-30, then Nov 25 1pm PT")
    assert [r.source for r in got] == ["Dec 3 9am PT", "2026-11-30", "Nov 25 1pm PT"]


def test_same_instant_across_zones():
    a, b, c = read("Nov 24 10am PT; Nov 24 1pm ET; 2026-11-24T18:00:00Z")
    assert a.when == b.when == c.when
    assert a.when.astimezone(timezone.utc) == datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


def test_naive_now_is_utc():
    naive = datetime(2026, 11, 23, 17, 0)
    assert read("Nov 22", now=naive) == read("Nov 22", now=NOW)


def test_invalid_default_zone_is_a_configuration_error():
    with pytest.raises(ValueError):
        find_dates("Nov 24", now=NOW, default_tz="Mars/Olympus_Mons", day_first=False)


@pytest.mark.parametrize("value", [None, b"Nov 24 10am PT", "\x00\ufffd\udc80 Nov 24", "\u202eNov 24\u202c", "🎉" * 100])
def test_odd_input_does_not_raise(value):
    got = read(value)
    assert isinstance(got, list)
    assert all(r.when.tzinfo is not None for r in got)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Option: Tue Nov 24, 10am PT or 25/11 14:00 CET; price $250k v16.4 " * 1500, id="dates"),
        pytest.param("- Nov 24 10am\n" * 7000, id="lines"),
        pytest.param("1/2 " * 25000, id="fractions"),
        pytest.param("lorem ipsum 123 dolor 4.5 sit amet " * 3000, id="no-dates"),
    ],
)
def test_long_text_is_capped(text):
    # speed is measured in benchmarks/bench_parse.py, not asserted here
    text = text[:100_000]
    got = read(text)
    assert len(got) <= MAX_DATES
    if "Nov 24" in text:
        assert len(got) == MAX_DATES and got[0].when.month == 11 and got[0].when.day == 24


@pytest.mark.parametrize(
    "abbr, zone",
    [
        ("PST", LA),
        ("pdt", LA),
        ("PT", LA),
        ("MT", "America/Denver"),
        ("CDT", "America/Chicago"),
        ("ET", "America/New_York"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("BST", "Europe/London"),
        ("WEST", "Europe/Lisbon"),
        ("CEST", "Europe/Paris"),
        ("EET", "Europe/Helsinki"),
        ("IST", "Asia/Kolkata"),
        ("AEDT", "Australia/Sydney"),
        ("JST", "Asia/Tokyo"),
        ("SGT", "Asia/Singapore"),
        ("Pacific Time", LA),
        ("central european summer time", "Europe/Paris"),
        ("(ET)", "America/New_York"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("XYZ", None),
        ("", None),
        ("Europe/Nowhere", None),
    ],
)
def test_zone_for_abbreviation(abbr, zone):
    assert zone_for_abbreviation(abbr) == zone


def test_every_abbreviation_maps_to_a_real_zone():
    from zoneinfo import ZoneInfo

    for abbr, name in ZONE_ABBREVIATIONS.items():
        # a real zone has UTC offsets (an unknown name raises ZoneInfoNotFoundError)
        assert ZoneInfo(name).utcoffset(datetime(2026, 1, 15)) is not None, abbr


def test_expedite_style_use():
    """What the EXPEDITE rule will do with the result: hours until the event."""
    (r,) = read("Tue Nov 24, 10am PT")
    assert r.when - NOW == timedelta(hours=25)
    (r2,) = read("today 4pm")
    assert r2.when - NOW == timedelta(hours=7)


def test_relative_words_mean_the_day_they_were_written():
    written = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)  # Fri 10:00 PT
    got = find_dates("today 3pm PT", now=NOW, default_tz=LA, day_first=False, written=written)
    assert [r.when.isoformat() for r in got] == ["2026-11-20T15:00:00-08:00"]
    got = find_dates("tomorrow 3pm PT", now=NOW, default_tz=LA, day_first=False)
    assert [r.when.isoformat() for r in got] == ["2026-11-24T15:00:00-08:00"]


def test_a_weekday_typo_never_sends_a_date_a_year_back():
    got = find_dates("Mon Nov 24, 10am PT", now=NOW, default_tz=LA, day_first=False)  # Nov 24 2026 is a Tuesday
    assert [r.when.isoformat() for r in got] == ["2026-11-24T10:00:00-08:00"]


@pytest.mark.parametrize("text, expected", [
    ("2026年11月27日 14:00 JST（第一希望）", ["2026-11-27T14:00:00+09:00"]),
    ("１１月２４日 １５：００ JST", ["2026-11-24T15:00:00+09:00"]),  # full-width digits and colon
    ("11月24日（火）", ["2026-11-24T00:00:00-08:00"]),  # date only, team zone
    ("2026년 11월 30일", ["2026-11-30T00:00:00-08:00"]),  # Korean
    ("12월 8일 10:00 KST", ["2026-12-08T10:00:00+09:00"]),
])
def test_japanese_and_chinese_dates(text, expected):
    got = find_dates(text, now=NOW, default_tz=LA, day_first=False)
    assert [r.when.isoformat() for r in got] == expected
