"""What AEs write for an event, the instant they meant and the zone they meant: one table
for the pure EXPEDITE cases (tests/rules/test_expedite.py) and the end-to-end ones
(tests/test_sync_expedite.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
LA, NY, PARIS, BERLIN = (ZoneInfo(z) for z in ("America/Los_Angeles", "America/New_York", "Europe/Paris",
                                               "Europe/Berlin"))
KOLKATA, SYDNEY, TOKYO = ZoneInfo("Asia/Kolkata"), ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Tokyo")
IST_OFFSET = dt.timezone(dt.timedelta(hours=5, minutes=30))

# (what the AE wrote, the instant they meant, the zone they meant)
ZONES = {
    "PT": ("Tue Nov 24, 10am PT", dt.datetime(2026, 11, 24, 10, 0, tzinfo=LA), LA),
    "EST": ("Nov 24 2026 2:30 PM EST", dt.datetime(2026, 11, 24, 14, 30, tzinfo=NY), NY),
    "ET-long": ("November 24th at 9:00 AM ET", dt.datetime(2026, 11, 24, 9, 0, tzinfo=NY), NY),
    "CET-numeric": ("24/11/2026 14:00 CET", dt.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS), PARIS),
    "Europe/Berlin": ("2026-11-24 09:00 Europe/Berlin", dt.datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN), BERLIN),
    "IST": ("Nov 24, 3:30pm IST", dt.datetime(2026, 11, 24, 15, 30, tzinfo=KOLKATA), KOLKATA),
    "AEDT": ("Wed 25 Nov 2026 08:00 AEDT", dt.datetime(2026, 11, 25, 8, 0, tzinfo=SYDNEY), SYDNEY),
    "+05:30": ("2026-11-24T16:00+05:30", dt.datetime(2026, 11, 24, 16, 0, tzinfo=IST_OFFSET), IST_OFFSET),
    "Z": ("2026-11-24T15:00:00Z", dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC), UTC),
    "Asia/Tokyo": ("2026-11-25 09:00 Asia/Tokyo", dt.datetime(2026, 11, 25, 9, 0, tzinfo=TOKYO), TOKYO),
    "team-zone": ("Nov 24 11am", dt.datetime(2026, 11, 24, 11, 0, tzinfo=LA), LA),
}
