"""The sandbox's one clock format and one ISO 8601 / date parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import BadRequest

UTC = dt.timezone.utc


def utcnow() -> dt.datetime:
    """The default clock: aware UTC now."""
    return dt.datetime.now(UTC)


def iso(value: dt.datetime | None) -> str | None:
    """Format like GitLab: ``2016-01-04T15:31:46.176Z`` (UTC, milliseconds)."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> dt.datetime:
    """Parse an ISO 8601 timestamp (``Z``, offsets, a ``+`` decoded to a space,
    or a bare date) or accept a datetime/date. Naive values are taken as UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("empty timestamp")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        # "2024-01-01T10:00:00 01:00": a '+' that was not URL-encoded became a space.
        if len(text) > 19 and text[-6] == " " and text[-3] == ":":
            text = text[:-6] + "+" + text[-5:]
        parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value: Any) -> dt.date:
    """A ``YYYY-MM-DD`` date (or the date part of a timestamp, or a date/datetime)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def normalize_due(value: Any) -> str | None:
    """Normalise a due date to ``YYYY-MM-DD`` (None/"" clears it); 400 when unreadable."""
    if value in (None, ""):
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError:
        raise BadRequest("due_date is invalid", key="error") from None
