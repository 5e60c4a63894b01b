"""The one parser of machine-written times: GitLab's API and webhook timestamps, the
``--now`` option, the sandbox's query parameters. (What people write is read by
``gl_cs.parse.dates``.)"""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def parse_iso(value: object) -> dt.datetime:
    """An aware UTC datetime from ISO 8601 (``2016-01-04T15:31:39.788Z``, offsets, a bare
    date), GitLab's webhook style (``2015-05-17 18:08:09 UTC``), an offset whose ``+`` a
    query string turned into a space, or a datetime/date. A time without offset is UTC.
    Raises ``ValueError`` for anything else (including an empty string)."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("empty timestamp")
        if text.endswith(" UTC"):
            text = text[:-4].replace(" ", "T") + "+00:00"
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        if len(text) > 19 and text[-6] == " " and text[-3] == ":":  # "...T10:00:00 01:00"
            text = text[:-6] + "+" + text[-5:]
        parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
