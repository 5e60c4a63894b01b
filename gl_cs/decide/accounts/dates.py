"""Due dates counted from a start date.

Handbook 001, "Customer On-boarding Checklist": the steps are timed from the start
("Personal introduction — (2-5 days)", "Outlook — (6 months)"). A window ("2-5 days") is
due at its end; months are calendar months, clamped to the end of a shorter month
(31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_SPAN = re.compile(r"^\s*(?:(\d+)\s*-\s*)?(\d+)\s*(day|days|week|weeks|month|months|year|years)\s*$", re.I)


def due_after(start: dt.date, span: str) -> dt.date:
    """``start`` plus a span: "at start", "2-5 days" (the window's end), "60 days",
    "6 months", "1 year"."""
    text = (span or "").strip().lower()
    if text in ("", "0", "at start", "start", "on start"):
        return start
    m = _SPAN.match(text)
    if not m:
        raise ValueError(f"cannot read the span {span!r}: write e.g. '2-5 days', '60 days', '6 months'")
    amount, unit = int(m.group(2)), m.group(3).rstrip("s")
    if unit == "day":
        return start + dt.timedelta(days=amount)
    if unit == "week":
        return start + dt.timedelta(weeks=amount)
    if unit == "month":
        return add_months(start, amount)
    return add_months(start, 12 * amount)


def next_anniversary(day: dt.date, today: dt.date) -> dt.date:
    """The first of ``day``, ``day`` + 1 year, ... that is on or after ``today``
    (29 February rolls to 28 February in other years)."""
    years = 0
    while add_months(day, 12 * years) < today:
        years += 1
    return add_months(day, 12 * years)
