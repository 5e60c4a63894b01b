"""The sandbox's one clock format and one ISO 8601 / date parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..text.isotime import parse_iso
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


# The sandbox reads times as gl-cs does: one parser for every machine-written time.
parse_time = parse_iso


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
